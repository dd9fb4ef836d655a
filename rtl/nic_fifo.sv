// nic_fifo: synchronous first-word-fall-through FIFO on a valid/ready stream.
//
// m_data is valid whenever m_valid is high (read combinationally from the memory at the read
// pointer, so the memory infers a RAM with asynchronous read). A word pushed into an empty FIFO
// appears on m_* the cycle after it was accepted (no combinational bypass).
// When full, s_ready follows m_ready combinationally, so a push and a pop can share the cycle:
// the source must not make s_valid depend on s_ready (it never does under our handshake rules),
// and the sink must not make m_ready depend on anything downstream of s_ready.
// count is the number of words held, 0..DEPTH.
`default_nettype none

module nic_fifo #(
  parameter int WIDTH = 8,   // bits per word
  parameter int DEPTH = 16   // words; a power of two, at least 2
) (
  input  wire                      clk,
  input  wire                      rst_n,
  // upstream (push)
  input  wire                      s_valid,
  output logic                     s_ready,
  input  wire  [WIDTH-1:0]         s_data,
  // downstream (pop)
  output logic                     m_valid,
  input  wire                      m_ready,
  output logic [WIDTH-1:0]         m_data,
  // occupancy
  output logic [$clog2(DEPTH):0]   count
);

  localparam int AW = $clog2(DEPTH);  // pointer bits without the wrap bit

  /*verilator coverage_off*/  // storage: no toggle coverage (docs/coverage.md, Exclusions)
  logic [WIDTH-1:0] mem [DEPTH];
  /*verilator coverage_on*/

  // Pointers carry one wrap bit so full and empty differ and count = wr - rd.
  logic [AW:0] wr_q, rd_q;

  logic full, empty, push, pop;

  // Outputs that depend on state only, in a block of their own: m_valid must not appear to
  // depend on m_ready, or a consumer whose ready looks at our valid forms a false loop.
  always_comb begin
    count   = wr_q - rd_q;
    empty   = (wr_q == rd_q);
    full    = (wr_q[AW-1:0] == rd_q[AW-1:0]) && (wr_q[AW] != rd_q[AW]);
    m_valid = !empty;
    m_data  = mem[rd_q[AW-1:0]];
  end

  // Only the handshakes here (they may follow m_ready, a top-level input for some users): the
  // pointers move on the edge.
  always_comb begin
    s_ready = !full || m_ready;
    push    = s_valid && s_ready;
    pop     = m_valid && m_ready;
  end

  // Memory write: no reset, so it maps onto RAM.
  always_ff @(posedge clk) begin
    if (push) begin
      mem[wr_q[AW-1:0]] <= s_data;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_q <= '0;
      rd_q <= '0;
    end else begin
      if (push) wr_q <= wr_q + 1'b1;
      if (pop)  rd_q <= rd_q + 1'b1;
    end
  end

endmodule

`default_nettype wire
