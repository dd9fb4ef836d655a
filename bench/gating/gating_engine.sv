// gating_engine: one engine of the clock-gating experiment (bench/clock-gating): a register
// updated under an enable and a chain of combinational logic reading it.
`default_nettype none

module gating_engine #(
  parameter logic [31:0] SEED = 32'd1  // makes the eight engines' logic distinct
) (
  input  wire         clk,
  input  wire         en,
  input  wire  [31:0] din,
  output logic [31:0] dout
);
  logic [31:0] state_q;
  logic [31:0] stage [16];

  always_ff @(posedge clk) begin
    if (en) state_q <= state_q * 32'd1664525 + din + SEED;
  end

  always_comb begin
    stage[0] = state_q ^ SEED;
    for (int i = 1; i < 16; i++) begin
      stage[i] = (stage[i-1] << 3) + (stage[i-1] >> 5) + SEED;
    end
    dout = stage[15];
  end
endmodule

`default_nettype wire
