// nic_tx_qfifo: FWFT FIFO whose entries belong to a queue and can be cancelled per queue.
//
// Every entry carries a queue number. A pulse on kill[q] marks every entry of queue q held at
// that edge as killed, and an entry pushed in the same cycle too (s_kill kills it on its own).
// Killed entries still come out in order (m_killed set): the consumer discards them, so counts
// and in-flight bookkeeping stay exact while a queue is reset or fails. m_killed is registered:
// a consumer that must honour a kill pulse of the current cycle checks kill[m_queue] itself.
// No push while full.
//
// RAM-style: payload, queue and s_kill are written at the write pointer and read at the read
// pointer; nothing loops over the entries. A kill of q covers every entry of q held, and later
// entries of q are younger, so the killed entries of a queue are always its oldest ones: per
// queue the FIFO counts the entries it holds (held_q) and how many of the oldest of them are
// killed (dead_q). The head is the oldest entry of its queue, so it is killed iff its own s_kill
// bit is set or dead_q of its queue is non-zero. (Counts rather than generation numbers: a
// generation number stored with an entry would wrap after enough kills of a long-held entry.)
// `held` (a register) tells which queues have entries, killed or not: the engine's ring-idle
// status (RING_STATUS.IDLE) is built from it.
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
  output logic [$clog2(DEPTH):0]  count,
  output logic [NUM_QUEUES-1:0]   held        // bit q: an entry of queue q is held
);

  localparam int AW = $clog2(DEPTH);

  /*verilator coverage_off*/  // storage: no toggle coverage (docs/coverage.md, Exclusions)
  logic [WIDTH-1:0] mem   [DEPTH];
  logic [3:0]       qmem  [DEPTH];
  logic [DEPTH-1:0] kmem;                       // s_kill of each entry
  /*verilator coverage_on*/
  logic [AW:0]      wr_q, rd_q;
  localparam int CW = AW + 1;                   // width of a count of entries
  logic [NUM_QUEUES*CW-1:0] held_q;             // [q*CW +: CW]: entries of queue q held
  logic [NUM_QUEUES*CW-1:0] dead_q;             // [q*CW +: CW]: how many of the oldest are killed
  logic [15:0]      dead_nz;                    // bit q: queue q's dead count != 0 (m_queue indexes it)
  logic [NUM_QUEUES-1:0] held_nz;               // bit q: queue q's held count != 0
  logic             push, pop;

  // Outputs depend on state only (no path from s_* or kill to m_* or s_ready).
  always_comb begin
    count    = wr_q - rd_q;
    s_ready  = !((wr_q[AW-1:0] == rd_q[AW-1:0]) && (wr_q[AW] != rd_q[AW]));
    m_valid  = (wr_q != rd_q);
    m_data   = mem[rd_q[AW-1:0]];
    m_queue  = qmem[rd_q[AW-1:0]];
    m_killed = kmem[rd_q[AW-1:0]] || dead_nz[m_queue];
    held     = held_nz;
  end

  always_comb begin
    push = s_valid && s_ready;
    pop  = m_valid && m_ready;
  end

  // Memory write: no reset, so it maps onto RAM.
  always_ff @(posedge clk) begin
    if (push) begin
      mem[wr_q[AW-1:0]]  <= s_data;
      qmem[wr_q[AW-1:0]] <= s_queue;
      kmem[wr_q[AW-1:0]] <= s_kill;
    end
  end

  // Entries of a queue held after an edge that pushes (in) and pops (out) one of its entries.
  function automatic logic [AW:0] held_after(input logic [AW:0] count_now, input logic in,
                                             input logic out);
    held_after = count_now + {{AW{1'b0}}, in} - {{AW{1'b0}}, out};
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      wr_q    <= '0;
      rd_q    <= '0;
      dead_nz <= '0;
      held_nz <= '0;
      held_q  <= '0;
      dead_q  <= '0;
    end else begin
      if (push) wr_q <= wr_q + 1'b1;
      if (pop)  rd_q <= rd_q + 1'b1;
      if (push || pop || kill != '0) begin
        for (int q = 0; q < NUM_QUEUES; q++) begin
          held_q[q*CW +: CW] <= held_after(held_q[q*CW +: CW], push && {28'd0, s_queue} == q,
                                           pop && {28'd0, m_queue} == q);
          held_nz[q] <= (held_after(held_q[q*CW +: CW], push && {28'd0, s_queue} == q,
                                    pop && {28'd0, m_queue} == q) != '0);
          if (kill[q]) begin
            dead_q[q*CW +: CW] <= held_after(held_q[q*CW +: CW], push && {28'd0, s_queue} == q,
                                             pop && {28'd0, m_queue} == q);
            dead_nz[q] <= (held_after(held_q[q*CW +: CW], push && {28'd0, s_queue} == q,
                                      pop && {28'd0, m_queue} == q) != '0);
          end else if (pop && {28'd0, m_queue} == q && dead_q[q*CW +: CW] != '0) begin
            dead_q[q*CW +: CW] <= dead_q[q*CW +: CW] - 1'b1;
            dead_nz[q] <= (dead_q[q*CW +: CW] != {{AW{1'b0}}, 1'b1});
          end
        end
      end
    end
  end

endmodule

`default_nettype wire
