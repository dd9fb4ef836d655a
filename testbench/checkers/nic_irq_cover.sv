// nic_irq_cover: contract cover points of the interrupt logic (docs/coverage.md, "irq.*"), bound
// into nic_irq by nic_top_checkers.sv. Why inside: the reason an interrupt fired (error, packet
// count, holdoff timer) and the races the contract settles (an ARM write or a CAUSE clear in the
// same cycle as a firing or an event) are decided by nic_irq's registers, which no port shows.
//
// Each point is declared once at time 0 with its number and name (nicsim_contract_cover_declare)
// and counted by number (nicsim_contract_cover) at every clock edge where it holds, per queue. The DPI-C functions live
// in testbench/checkers/contract_cover.cpp; the co-simulation adds the counts to its contract
// coverage (monitor/contract_coverage.hpp). Counting, not asserting: nothing here can
// stop a run, and nothing is evaluated in a cycle without a register write, an event or a firing.
`default_nettype none

module nic_irq_cover #(
  parameter int NUM_QUEUES = 4
) (
  input wire                       clk,
  input wire                       rst_n,
  input wire                       reg_wr_valid,
  input wire [3:0]                 reg_wr_queue,
  input wire [5:0]                 reg_wr_offset,
  input wire [31:0]                reg_wr_data,
  input wire [3:0]                 reg_wr_strb,
  input wire                       tx_pkt_valid,
  input wire [3:0]                 tx_pkt_queue,
  input wire                       rx_pkt_valid,
  input wire [3:0]                 rx_pkt_queue,
  input wire [NUM_QUEUES-1:0]      fire,
  input wire [NUM_QUEUES*3-1:0]    cause_q,
  input wire [NUM_QUEUES*16-1:0]   pkts_q,
  input wire [NUM_QUEUES*16-1:0]   mod_pkts_q
);
  import "DPI-C" function void nicsim_contract_cover_declare(input int unsigned point, input string name);
  import "DPI-C" function void nicsim_contract_cover(input int unsigned point);

  localparam int CAUSE_ERR = nic_pkg::IRQ_CAUSE_ERROR_LSB;

  // Point numbers: this module's are 0..15 (checkers/contract_cover.hpp); counting passes only the
  // number, the name is given once.
  localparam int unsigned FIRE_ERROR             = 0;
  localparam int unsigned FIRE_EVERY_COMPLETION  = 1;
  localparam int unsigned FIRE_PACKET_COUNT      = 2;
  localparam int unsigned FIRE_HOLDOFF_TIMER     = 3;
  localparam int unsigned FIRE_AT_ARM            = 4;
  localparam int unsigned ARM_WRITE_FIRING       = 5;
  localparam int unsigned EVENT_FIRING           = 6;
  localparam int unsigned CAUSE_CLEAR_WITH_EVENT = 7;
  localparam int unsigned PKTS_SATURATED         = 8;

  initial begin
    nicsim_contract_cover_declare(FIRE_ERROR, "irq.fire.error");
    nicsim_contract_cover_declare(FIRE_EVERY_COMPLETION, "irq.fire.every_completion");
    nicsim_contract_cover_declare(FIRE_PACKET_COUNT, "irq.fire.packet_count");
    nicsim_contract_cover_declare(FIRE_HOLDOFF_TIMER, "irq.fire.holdoff_timer");
    nicsim_contract_cover_declare(FIRE_AT_ARM, "irq.fire.at_arm");
    nicsim_contract_cover_declare(ARM_WRITE_FIRING, "irq.arm_write_in_firing_cycle");
    nicsim_contract_cover_declare(EVENT_FIRING, "irq.event_in_firing_cycle");
    nicsim_contract_cover_declare(CAUSE_CLEAR_WITH_EVENT, "irq.cause_clear_with_event");
    nicsim_contract_cover_declare(PKTS_SATURATED, "irq.pkts_saturated");
  end

  logic [NUM_QUEUES-1:0] armed_by_write_q;  // queue q's ARM was written 1 at the previous edge

  always_ff @(posedge clk) begin
    armed_by_write_q <= '0;
    if (rst_n && (fire != '0 || reg_wr_valid || tx_pkt_valid || rx_pkt_valid)) begin
      for (int q = 0; q < NUM_QUEUES; q++) begin
        logic wr_q, event_q;
        logic [15:0] pkts, threshold;
        wr_q      = reg_wr_valid && {28'd0, reg_wr_queue} == q;
        event_q   = (tx_pkt_valid && {28'd0, tx_pkt_queue} == q) || (rx_pkt_valid && {28'd0, rx_pkt_queue} == q);
        pkts      = pkts_q[q*16 +: 16];
        threshold = (mod_pkts_q[q*16 +: 16] == 16'd0) ? 16'd1 : mod_pkts_q[q*16 +: 16];
        if (fire[q]) begin
          if (cause_q[q*3 + CAUSE_ERR]) nicsim_contract_cover(FIRE_ERROR);
          else if (pkts >= threshold && threshold == 16'd1) nicsim_contract_cover(FIRE_EVERY_COMPLETION);
          else if (pkts >= threshold) nicsim_contract_cover(FIRE_PACKET_COUNT);
          else nicsim_contract_cover(FIRE_HOLDOFF_TIMER);
          // completions counted before the re-arm: the queue fires right after the ARM write
          if (armed_by_write_q[q] && pkts != 16'd0) nicsim_contract_cover(FIRE_AT_ARM);
          if (wr_q && reg_wr_offset == nic_pkg::IRQ_ARM && reg_wr_strb[0])
            nicsim_contract_cover(ARM_WRITE_FIRING);
          if (event_q) nicsim_contract_cover(EVENT_FIRING);
        end
        if (wr_q && reg_wr_offset == nic_pkg::IRQ_ARM && reg_wr_strb[0] && reg_wr_data[nic_pkg::IRQ_ARM_ARMED_LSB])
          armed_by_write_q[q] <= 1'b1;
        if (wr_q && event_q && reg_wr_offset == nic_pkg::IRQ_CAUSE && reg_wr_strb[0] && reg_wr_data[2:0] != 3'd0)
          nicsim_contract_cover(CAUSE_CLEAR_WITH_EVENT);
        if (event_q && pkts == 16'hFFFF) nicsim_contract_cover(PKTS_SATURATED);
      end
    end
  end

  // Only the bits that decide a point are read (CAUSE.ERROR, ARM's bit, the cleared causes).
  logic unused;
  assign unused = ^{reg_wr_data[31:3], reg_wr_strb[3:1], cause_q};
endmodule

`default_nettype wire
