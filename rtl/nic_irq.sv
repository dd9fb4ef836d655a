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

  logic [NUM_QUEUES-1:0] arm_q, arm_d;
  logic [2:0]            cause_q [NUM_QUEUES];
  logic [2:0]            cause_d [NUM_QUEUES];
  logic [15:0]           mod_cycles_q [NUM_QUEUES];
  logic [15:0]           mod_cycles_d [NUM_QUEUES];
  logic [15:0]           mod_pkts_q [NUM_QUEUES];
  logic [15:0]           mod_pkts_d [NUM_QUEUES];
  logic [15:0]           pkts_q [NUM_QUEUES];
  logic [15:0]           pkts_d [NUM_QUEUES];
  logic [15:0]           timer_q [NUM_QUEUES];
  logic [15:0]           timer_d [NUM_QUEUES];
  logic [NUM_QUEUES-1:0] fire;
  logic [NUM_QUEUES-1:0] wr_hit;     // register write to this queue's block
  logic [NUM_QUEUES-1:0] tx_hit;     // TX completion event of this queue
  logic [NUM_QUEUES-1:0] rx_hit;     // RX completion event of this queue
  logic [NUM_QUEUES-1:0] moderated;  // moderation satisfied
  logic [15:0]           threshold [NUM_QUEUES];
  logic [16:0]           pkts_sum [NUM_QUEUES];
  logic [NUM_QUEUES-1:0] irq_queue_q;
  logic                  irq_error_q;

  // Only the low bytes of the data carry fields; the rest is reserved (reads 0, writes ignored).
  logic unused_wr_data;
  assign unused_wr_data = ^{reg_wr_data[31:16], reg_wr_strb[3:2]};

  always_comb begin
    for (int q = 0; q < NUM_QUEUES; q++) begin
      wr_hit[q] = reg_wr_valid && {28'd0, reg_wr_queue} == q;
      tx_hit[q] = tx_pkt_valid && {28'd0, tx_pkt_queue} == q;
      rx_hit[q] = rx_pkt_valid && {28'd0, rx_pkt_queue} == q;

      threshold[q] = mod_pkts_q[q] == 16'd0 ? 16'd1 : mod_pkts_q[q];
      moderated[q] = pkts_q[q] >= threshold[q]
                     || (mod_cycles_q[q] != 16'd0 && timer_q[q] >= mod_cycles_q[q]);
      fire[q]      = arm_q[q] && cause_q[q] != 3'd0 && (cause_q[q][CAUSE_ERR] || moderated[q]);

      // ARM
      arm_d[q] = fire[q] ? 1'b0 : arm_q[q];
      if (wr_hit[q] && reg_wr_offset == nic_pkg::IRQ_ARM && reg_wr_strb[0]) begin
        arm_d[q] = reg_wr_data[nic_pkg::IRQ_ARM_ARMED_LSB];
      end

      // CAUSE: write-1-to-clear, then events set
      cause_d[q] = cause_q[q];
      if (wr_hit[q] && reg_wr_offset == nic_pkg::IRQ_CAUSE && reg_wr_strb[0]) begin
        cause_d[q] = cause_q[q] & ~reg_wr_data[2:0];
      end
      if (tx_hit[q]) cause_d[q][CAUSE_TX] = 1'b1;
      if (rx_hit[q]) cause_d[q][CAUSE_RX] = 1'b1;
      if (err_event[q]) cause_d[q][CAUSE_ERR] = 1'b1;

      // moderation registers, byte enables honoured
      mod_cycles_d[q] = mod_cycles_q[q];
      mod_pkts_d[q]   = mod_pkts_q[q];
      if (wr_hit[q] && reg_wr_offset == nic_pkg::IRQ_MOD_CYCLES) begin
        if (reg_wr_strb[0]) mod_cycles_d[q][7:0]  = reg_wr_data[7:0];
        if (reg_wr_strb[1]) mod_cycles_d[q][15:8] = reg_wr_data[15:8];
      end
      if (wr_hit[q] && reg_wr_offset == nic_pkg::IRQ_MOD_PKTS) begin
        if (reg_wr_strb[0]) mod_pkts_d[q][7:0]  = reg_wr_data[7:0];
        if (reg_wr_strb[1]) mod_pkts_d[q][15:8] = reg_wr_data[15:8];
      end

      // packet count since the last interrupt, saturating
      pkts_sum[q] = {1'b0, fire[q] ? 16'd0 : pkts_q[q]} + {16'd0, tx_hit[q]} + {16'd0, rx_hit[q]};
      pkts_d[q]   = pkts_sum[q][16] ? 16'hFFFF : pkts_sum[q][15:0];

      // holdoff timer: runs while armed with counted packets
      if (arm_q[q] && !fire[q] && pkts_q[q] != 16'd0) begin
        timer_d[q] = timer_q[q] == 16'hFFFF ? timer_q[q] : timer_q[q] + 16'd1;
      end else begin
        timer_d[q] = 16'd0;
      end
    end
  end

  always_ff @(posedge clk) begin
    arm_q       <= arm_d;
    irq_queue_q <= fire;
    irq_error_q <= err_irq_en && err_event != '0;
    for (int q = 0; q < NUM_QUEUES; q++) begin
      cause_q[q]      <= cause_d[q];
      mod_cycles_q[q] <= mod_cycles_d[q];
      mod_pkts_q[q]   <= mod_pkts_d[q];
      pkts_q[q]       <= pkts_d[q];
      timer_q[q]      <= timer_d[q];
    end
    if (!rst_n) begin
      arm_q       <= '0;
      irq_queue_q <= '0;
      irq_error_q <= 1'b0;
      for (int q = 0; q < NUM_QUEUES; q++) begin
        cause_q[q]      <= 3'd0;
        mod_cycles_q[q] <= 16'd0;
        mod_pkts_q[q]   <= 16'd0;
        pkts_q[q]       <= 16'd0;
        timer_q[q]      <= 16'd0;
      end
    end
  end

  always_comb begin
    arm = arm_q;
    for (int q = 0; q < NUM_QUEUES; q++) begin
      cause[q*3 +: 3]        = cause_q[q];
      mod_cycles[q*16 +: 16] = mod_cycles_q[q];
      mod_pkts[q*16 +: 16]   = mod_pkts_q[q];
    end
  end

  assign irq_queue = irq_queue_q;
  assign irq_error = irq_error_q;

endmodule

`default_nettype wire
