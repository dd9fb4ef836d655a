// nic_irq: per-queue interrupt state (cause, one-shot arm, moderation) and the interrupt pulses.
//
// Lives inside nic_regs, which decodes the AXI4-Lite writes to a queue's IRQ block and hands them
// here one per cycle (reg_wr_*), and reads the state back from the flattened outputs. Events come
// straight from the engines (completion events) and from nic_regs (queue entered error).
//
// Per queue q (see docs/contract.md, "Interrupts"):
//   - CAUSE bits TX_CPL / RX_CPL / ERROR are set by events and cleared by writing 1 (RW1C); an
//     event and a clear of the same bit in the same cycle leave it set.
//   - pkts counts completion events (TX and RX) since the queue's last interrupt (saturating).
//   - The holdoff timer runs while the queue is armed and pkts != 0; it is 0 otherwise.
//   - The queue fires when armed, CAUSE != 0 and (CAUSE.ERROR, or pkts >= max(MOD_PKTS, 1), or
//     MOD_CYCLES != 0 and timer >= MOD_CYCLES). Firing clears ARM, pkts and the timer (an event in
//     the firing cycle is counted for the next interrupt), and pulses irq_queue[q] one cycle later.
//   - A write to ARM sets it to bit 0 of the data (1 arms, 0 disarms); it wins over a firing in
//     the same cycle.
// irq_error pulses one cycle after any err_event while err_irq_en is set.
`default_nettype none

module nic_irq #(
  parameter int NUM_QUEUES = 4  // queue pairs, 1..16
) (
  input  wire                       clk,
  input  wire                       rst_n,

  // register writes to the IRQ block of queue reg_wr_queue (decoded by nic_regs)
  input  wire                       reg_wr_valid,
  input  wire  [3:0]                reg_wr_queue,
  input  wire  [5:0]                reg_wr_offset,   // nic_pkg::IRQ_* offset in the block
  input  wire  [31:0]               reg_wr_data,
  input  wire  [3:0]                reg_wr_strb,

  // register state, flattened per queue, for reads
  output logic [NUM_QUEUES-1:0]     arm,
  output logic [NUM_QUEUES*3-1:0]   cause,
  output logic [NUM_QUEUES*16-1:0]  mod_cycles,
  output logic [NUM_QUEUES*16-1:0]  mod_pkts,

  // events: completions from the engines, queue errors from nic_regs
  input  wire                       tx_pkt_valid,
  input  wire  [3:0]                tx_pkt_queue,
  input  wire                       rx_pkt_valid,
  input  wire  [3:0]                rx_pkt_queue,
  input  wire  [NUM_QUEUES-1:0]     err_event,       // queue q (TX or RX ring) entered error
  input  wire                       err_irq_en,

  // one-cycle interrupt pulses
  output logic [NUM_QUEUES-1:0]     irq_queue,
  output logic                      irq_error
);

  localparam int CAUSE_TX  = nic_pkg::IRQ_CAUSE_TX_CPL_LSB;
  localparam int CAUSE_RX  = nic_pkg::IRQ_CAUSE_RX_CPL_LSB;
  localparam int CAUSE_ERR = nic_pkg::IRQ_CAUSE_ERROR_LSB;

  // Per-queue state, flattened (queue q at [q*W +: W]): the read-back outputs are these registers.
  logic [NUM_QUEUES-1:0]    arm_q;
  logic [NUM_QUEUES*3-1:0]  cause_q;
  logic [NUM_QUEUES*16-1:0] mod_cycles_q;
  logic [NUM_QUEUES*16-1:0] mod_pkts_q;
  logic [NUM_QUEUES*16-1:0] pkts_q;        // completion events since the last interrupt
  logic [NUM_QUEUES*16-1:0] timer_q;       // holdoff timer
  logic [NUM_QUEUES-1:0]    timer_run_q;   // timer of queue q != 0 (so idle queues cost nothing)
  logic [NUM_QUEUES-1:0]    fire;
  logic [NUM_QUEUES-1:0]    irq_queue_q;
  logic                     irq_error_q;

  // Only the low bytes of the data carry fields; the rest is reserved (reads 0, writes ignored).
  logic unused_wr_data;
  assign unused_wr_data = ^{reg_wr_data[31:16], reg_wr_strb[3:2]};

  // packet count since the last interrupt plus this cycle's completion events, saturating
  function automatic logic [15:0] pkts_next(input logic [15:0] base, input logic tx, input logic rx);
    logic [16:0] sum;
    sum = {1'b0, base} + {16'd0, tx} + {16'd0, rx};
    pkts_next = sum[16] ? 16'hFFFF : sum[15:0];
  endfunction

  // CAUSE after a write-1-to-clear of `clr`, then this cycle's events
  function automatic logic [2:0] cause_next(input logic [2:0] old, input logic [2:0] clr,
                                            input logic tx, input logic rx, input logic err);
    cause_next = old & ~clr;
    if (tx)  cause_next[CAUSE_TX]  = 1'b1;
    if (rx)  cause_next[CAUSE_RX]  = 1'b1;
    if (err) cause_next[CAUSE_ERR] = 1'b1;
  endfunction

  // a 16-bit register after a write with byte enables
  function automatic logic [15:0] merge16(input logic [15:0] old, input logic [15:0] data,
                                          input logic [1:0] strb);
    merge16 = {strb[1] ? data[15:8] : old[15:8], strb[0] ? data[7:0] : old[7:0]};
  endfunction

  // A queue fires when armed, CAUSE != 0 and (CAUSE.ERROR or moderation satisfied); from
  // registers only, and only armed queues are looked at.
  always_comb begin
    fire = '0;
    if (arm_q != '0) begin
      for (int q = 0; q < NUM_QUEUES; q++) begin
        if (arm_q[q] && cause_q[q*3 +: 3] != 3'd0) begin
          fire[q] = cause_q[q*3 + CAUSE_ERR]
                    || pkts_q[q*16 +: 16] >= ((mod_pkts_q[q*16 +: 16] == 16'd0) ? 16'd1 : mod_pkts_q[q*16 +: 16])
                    || (mod_cycles_q[q*16 +: 16] != 16'd0 && timer_q[q*16 +: 16] >= mod_cycles_q[q*16 +: 16]);
        end
      end
    end
  end

  // Everything below changes only on an event (register write, completion, error, firing) or for
  // a queue whose holdoff timer runs or must return to 0; in other cycles nothing is evaluated.
  always_ff @(posedge clk) begin
    irq_queue_q <= fire;
    irq_error_q <= err_irq_en && err_event != '0;

    // holdoff timer: runs while armed with counted packets, 0 otherwise
    if ((arm_q | timer_run_q) != '0) begin
      for (int q = 0; q < NUM_QUEUES; q++) begin
        if (arm_q[q] && !fire[q] && pkts_q[q*16 +: 16] != 16'd0) begin
          timer_q[q*16 +: 16] <= (timer_q[q*16 +: 16] == 16'hFFFF) ? 16'hFFFF : timer_q[q*16 +: 16] + 16'd1;
          timer_run_q[q]      <= 1'b1;
        end else begin
          timer_q[q*16 +: 16] <= 16'd0;
          timer_run_q[q]      <= 1'b0;
        end
      end
    end

    // packets since the last interrupt (firing restarts the count)
    if (fire != '0 || tx_pkt_valid || rx_pkt_valid) begin
      for (int q = 0; q < NUM_QUEUES; q++) begin
        pkts_q[q*16 +: 16] <= pkts_next(fire[q] ? 16'd0 : pkts_q[q*16 +: 16],
                                        tx_pkt_valid && {28'd0, tx_pkt_queue} == q,
                                        rx_pkt_valid && {28'd0, rx_pkt_queue} == q);
      end
    end

    // CAUSE: write-1-to-clear, then events set
    if (reg_wr_valid || tx_pkt_valid || rx_pkt_valid || err_event != '0) begin
      for (int q = 0; q < NUM_QUEUES; q++) begin
        cause_q[q*3 +: 3] <= cause_next(cause_q[q*3 +: 3],
                                        (reg_wr_valid && {28'd0, reg_wr_queue} == q
                                         && reg_wr_offset == nic_pkg::IRQ_CAUSE && reg_wr_strb[0])
                                          ? reg_wr_data[2:0] : 3'd0,
                                        tx_pkt_valid && {28'd0, tx_pkt_queue} == q,
                                        rx_pkt_valid && {28'd0, rx_pkt_queue} == q,
                                        err_event[q]);
      end
    end

    // ARM: firing clears it; a write sets it to bit 0 of the data and wins over a firing
    if (fire != '0) arm_q <= arm_q & ~fire;
    if (reg_wr_valid && {28'd0, reg_wr_queue} < NUM_QUEUES) begin
      if (reg_wr_offset == nic_pkg::IRQ_ARM && reg_wr_strb[0]) begin
        arm_q[{28'd0, reg_wr_queue}] <= reg_wr_data[nic_pkg::IRQ_ARM_ARMED_LSB];
      end
      // moderation registers, byte enables honoured
      if (reg_wr_offset == nic_pkg::IRQ_MOD_CYCLES) begin
        mod_cycles_q[reg_wr_queue*16 +: 16] <= merge16(mod_cycles_q[reg_wr_queue*16 +: 16],
                                                       reg_wr_data[15:0], reg_wr_strb[1:0]);
      end
      if (reg_wr_offset == nic_pkg::IRQ_MOD_PKTS) begin
        mod_pkts_q[reg_wr_queue*16 +: 16] <= merge16(mod_pkts_q[reg_wr_queue*16 +: 16],
                                                     reg_wr_data[15:0], reg_wr_strb[1:0]);
      end
    end

    if (!rst_n) begin
      arm_q        <= '0;
      cause_q      <= '0;
      mod_cycles_q <= '0;
      mod_pkts_q   <= '0;
      pkts_q       <= '0;
      timer_q      <= '0;
      timer_run_q  <= '0;
      irq_queue_q  <= '0;
      irq_error_q  <= 1'b0;
    end
  end

  assign arm        = arm_q;
  assign cause      = cause_q;
  assign mod_cycles = mod_cycles_q;
  assign mod_pkts   = mod_pkts_q;
  assign irq_queue  = irq_queue_q;
  assign irq_error  = irq_error_q;

endmodule

`default_nettype wire
