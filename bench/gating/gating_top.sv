// gating_top: what a gated clock buys in a Verilator 5.006 model. Eight engines (gating_engine),
// clocked either by the shared clock with the enable as a condition inside always_ff (GATED = 0)
// or each by its own gated clock (GATED = 1, gating_engine_gated). bench/clock-gating measures
// both, idle and busy, under callgrind. An experiment for docs/performance.md, not part of the NIC.
`default_nettype none

module gating_top #(
  parameter int GATED = 0  // 1: each engine on its own gated clock
) (
  input  wire         clk,
  input  wire  [7:0]  en,
  input  wire  [31:0] din,
  output logic [31:0] dout
);
  logic [31:0] engine_out [8];

  for (genvar g = 0; g < 8; g++) begin : g_engine
    if (GATED != 0) begin : g_gated
      gating_engine_gated #(.SEED(32'(g + 1))) u_engine (.clk, .en(en[g]), .din, .dout(engine_out[g]));
    end else begin : g_shared
      gating_engine #(.SEED(32'(g + 1))) u_engine (.clk, .en(en[g]), .din, .dout(engine_out[g]));
    end
  end

  always_comb begin
    dout = '0;
    for (int i = 0; i < 8; i++) dout = dout ^ engine_out[i];
  end
endmodule

`default_nettype wire
