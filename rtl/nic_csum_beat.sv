// nic_csum_beat: combinational ones'-complement sum of one stream beat.
//
// Byte lanes (2k, 2k+1) form the big-endian 16-bit word k: lane 2k is the high byte (network
// order, lane 0 = data[7:0] = the first byte on the wire). Lanes whose mask bit is 0 count as
// zero bytes. The result is folded with end-around carry to 16 bits (0x0000 only when every
// counted byte is zero). Engines add beats with nic_csum_pkg::csum_add16 and byte-swap the total
// (nic_csum_pkg::csum_swap16) when their range starts at an odd frame offset.
`default_nettype none

module nic_csum_beat #(
  parameter int DATA_WIDTH = 64  // beat width in bits, a multiple of 16 up to 2^20
) (
  input  wire  [DATA_WIDTH-1:0]   data,
  input  wire  [DATA_WIDTH/8-1:0] mask,
  output logic [15:0]             sum
);

  localparam int WORDS = DATA_WIDTH / 16;

  logic [31:0] acc;
  logic [7:0]  hi, lo;

  always_comb begin
    acc = '0;
    hi  = 8'd0;
    lo  = 8'd0;
    // An empty mask (an idle caller) skips the loop in simulation: the sum is 0 either way.
    if (mask != '0) begin
      for (int k = 0; k < WORDS; k++) begin
        hi  = mask[2*k]     ? data[16*k +: 8]     : 8'd0;
        lo  = mask[2*k + 1] ? data[16*k + 8 +: 8] : 8'd0;
        acc = acc + {16'd0, hi, lo};
      end
    end
    sum = nic_csum_pkg::csum_fold32(acc);
  end

endmodule

`default_nettype wire
