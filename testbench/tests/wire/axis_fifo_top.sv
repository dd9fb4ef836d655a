// axis_fifo_top: test top for the AXI-Stream BFMs. Carries one AXI-Stream beat
// (tdata, tkeep, tlast, tuser) through nic_fifo, so a source and a sink can talk through a real
// verilated block with back-pressure on both sides (s_axis_tready follows m_axis_tready
// combinationally when the FIFO is full).
`default_nettype none

module axis_fifo_top #(
  parameter int DATA_WIDTH = 64,  // tdata bits, a multiple of 8
  parameter int DEPTH      = 4    // FIFO words, a power of two
) (
  input  wire                      clk,
  input  wire                      rst_n,
  input  wire  [DATA_WIDTH-1:0]    s_axis_tdata,
  input  wire  [DATA_WIDTH/8-1:0]  s_axis_tkeep,
  input  wire                      s_axis_tlast,
  input  wire                      s_axis_tuser,
  input  wire                      s_axis_tvalid,
  output logic                     s_axis_tready,
  output logic [DATA_WIDTH-1:0]    m_axis_tdata,
  output logic [DATA_WIDTH/8-1:0]  m_axis_tkeep,
  output logic                     m_axis_tlast,
  output logic                     m_axis_tuser,
  output logic                     m_axis_tvalid,
  input  wire                      m_axis_tready
);

  localparam int KW = DATA_WIDTH / 8;   // tkeep bits
  localparam int W  = DATA_WIDTH + KW + 2;

  /* verilator lint_off UNUSEDSIGNAL */
  logic [$clog2(DEPTH):0] count;  // occupancy, not needed here
  /* verilator lint_on UNUSEDSIGNAL */

  nic_fifo #(.WIDTH(W), .DEPTH(DEPTH)) u_fifo (
    .clk     (clk),
    .rst_n   (rst_n),
    .s_valid (s_axis_tvalid),
    .s_ready (s_axis_tready),
    .s_data  ({s_axis_tuser, s_axis_tlast, s_axis_tkeep, s_axis_tdata}),
    .m_valid (m_axis_tvalid),
    .m_ready (m_axis_tready),
    .m_data  ({m_axis_tuser, m_axis_tlast, m_axis_tkeep, m_axis_tdata}),
    .count   (count)
  );

endmodule

`default_nettype wire
