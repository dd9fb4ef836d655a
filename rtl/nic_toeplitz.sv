// nic_toeplitz: combinational Microsoft RSS Toeplitz hash.
//
// The input is a string of len_bytes bytes, byte 0 in the most significant byte of data (the
// order the tuple is hashed in: source address, destination address, then source and
// destination ports, each in network byte order). For every input bit i (i = 0 is the MSB of
// byte 0) that is 1, the 32-bit window of the key that starts at key bit i is XORed into the
// hash; key bit 0 is key[319] (key byte 0 in key[319:312]). Bytes at or beyond len_bytes are
// ignored, so callers hash an IPv4 pair (8), IPv4 with ports (12), IPv6 pair (32) or IPv6 with
// ports (36) from one instance.
`default_nettype none

module nic_toeplitz #(
  parameter int INPUT_BYTES = 36  // width of data in bytes, at most 36 (the key covers 289 bits)
) (
  input  wire  [319:0]             key,
  input  wire  [INPUT_BYTES*8-1:0] data,
  input  wire  [5:0]               len_bytes,
  output logic [31:0]              hash
);

  localparam int BITS = INPUT_BYTES * 8;

  logic [31:0] len_ext;

  always_comb begin
    len_ext = {26'd0, len_bytes};
    hash    = '0;
    // A zero length (an idle caller) skips the whole unrolled loop in simulation.
    if (len_bytes != '0) begin
      for (int j = 0; j < INPUT_BYTES; j++) begin
        if (j < len_ext) begin
          for (int b = 0; b < 8; b++) begin
            if (data[BITS - 1 - (8*j + b)]) begin
              hash = hash ^ key[319 - (8*j + b) -: 32];
            end
          end
        end
      end
    end
  end

endmodule

`default_nettype wire
