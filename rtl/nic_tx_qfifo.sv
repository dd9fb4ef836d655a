// nic_tx_qfifo: FWFT FIFO whose entries belong to a queue and can be cancelled per queue.
//
// Every entry carries a queue number. A pulse on kill[q] marks every entry of queue q held at
// that edge as killed, and an entry pushed in the same cycle too (s_kill kills it on its own).
// Killed entries still come out in order (m_killed set): the consumer discards them, so counts
// and in-flight bookkeeping stay exact while a queue is reset or fails. m_killed is registered:
// a consumer that must honour a kill pulse of the current cycle checks kill[m_queue] itself.
// Flop-based: meant for small depths. No push while full.
`default_nettype none

module nic_tx_qfifo #(
  parameter int WIDTH      = 8,  // payload bits per entry
  parameter int DEPTH      = 4,  // entries; a power of two, at least 2
  parameter int NUM_QUEUES = 4   // width of the kill vector, 1..16
) (
  input  wire                     clk,
  input  wire                     rst_n,
  input  wire  [NUM_QUEUES-1:0]   kill,
  // push
  input  wire                     s_valid,
  output logic                    s_ready,
  input  wire  [WIDTH-1:0]        s_data,
  input  wire  [3:0]              s_queue,
  input  wire                     s_kill,
  // pop
  output logic                    m_valid,
  input  wire                     m_ready,
  output logic [WIDTH-1:0]        m_data,
  output logic [3:0]              m_queue,
  output logic                    m_killed,
  output logic [$clog2(DEPTH):0]  count
);

  localparam int AW = $clog2(DEPTH);

  logic [WIDTH-1:0] mem   [DEPTH];
  logic [3:0]       qmem  [DEPTH];
  logic [DEPTH-1:0] killed_q, killed_d;
  logic [AW:0]      wr_q, wr_d, rd_q, rd_d;
  logic             push, pop, full, empty;

  // Bit q of v.
  function automatic logic qbit(input logic [NUM_QUEUES-1:0] v, input logic [3:0] q);
    qbit = 1'b0;
    for (int i = 0; i < NUM_QUEUES; i++) begin
      if ({28'd0, q} == i) qbit = v[i];
    end
  endfunction

  // Outputs depend on state only (no path from s_* or kill to m_* or s_ready).
  always_comb begin
    empty    = (wr_q == rd_q);
    full     = (wr_q[AW-1:0] == rd_q[AW-1:0]) && (wr_q[AW] != rd_q[AW]);
    count    = wr_q - rd_q;
    s_ready  = !full;
    m_valid  = !empty;
    m_data   = mem[rd_q[AW-1:0]];
    m_queue  = qmem[rd_q[AW-1:0]];
    m_killed = killed_q[rd_q[AW-1:0]];
  end

  always_comb begin
    push     = s_valid && s_ready;
    pop      = m_valid && m_ready;
    wr_d     = push ? wr_q + 1'b1 : wr_q;
    rd_d     = pop ? rd_q + 1'b1 : rd_q;
    killed_d = killed_q;
    for (int e = 0; e < DEPTH; e++) begin
      if (qbit(kill, qmem[e])) killed_d[e] = 1'b1;
    end
    if (push) killed_d[wr_q[AW-1:0]] = s_kill || qbit(kill, s_queue);
  end

  always_ff @(posedge clk) begin
    if (push) begin
      mem[wr_q[AW-1:0]]  <= s_data;
      qmem[wr_q[AW-1:0]] <= s_queue;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_q     <= '0;
      rd_q     <= '0;
      killed_q <= '0;
    end else begin
      wr_q     <= wr_d;
      rd_q     <= rd_d;
      killed_q <= killed_d;
    end
  end

endmodule

`default_nettype wire
