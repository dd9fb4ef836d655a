// gating_engine_gated: gating_engine behind its own gated clock; the enable is held by a latch
// while clk is low, as an ICG cell does.
`default_nettype none

module gating_engine_gated #(
  parameter logic [31:0] SEED = 32'd1  // as gating_engine
) (
  input  wire         clk,
  input  wire         en,
  input  wire  [31:0] din,
  output logic [31:0] dout
);
  logic en_held;
  logic gclk;
  always_latch begin
    if (!clk) en_held = en;
  end
  assign gclk = clk & en_held;
  gating_engine #(.SEED(SEED)) u_engine (.clk(gclk), .en(1'b1), .din, .dout);
endmodule

`default_nettype wire
