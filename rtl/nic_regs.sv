// nic_regs: the register file (AXI4-Lite slave) and the per-queue interrupt block (nic_irq inside).
//
// Implements the register map of nic_pkg / docs/contract.md for NUM_QUEUES queue pairs: the ID
// block, global control, RSS key and table, per-queue TX and RX ring registers, statistics, and
// the interrupt registers (held in nic_irq, instantiated here). It checks what software writes
// so the engines may trust it: a doorbell >= ring size puts the ring in ERR_DOORBELL_RANGE (index
// unchanged); enabling with size_log2 outside 1..MAX_RING_LOG2, a ring shorter than one data beat
// of descriptors, a descriptor base not aligned to RING_BASE_ALIGN_BYTES and a data beat, or a
// completion base not aligned to RING_BASE_ALIGN_BYTES puts it in ERR_RING_CONFIG (and leaves it
// disabled).
//
// AXI4-Lite: AW and W are accepted independently (either order, or together) and held until the
// write is done; one write and one read are outstanding at most (awready/wready stay low while a
// held address/data waits, arready stays low while R waits). A write takes effect in the cycle
// after both AW and W are held and no B is pending; B follows one cycle later and holds until
// bready. A read samples the register state in its AR handshake cycle; R holds until rready.
// Address bits [1:0] are ignored. Responses: SLVERR, with nothing changed, for undefined
// addresses (including blocks of queues >= NUM_QUEUES), writes to RO registers, an RSS table
// value >= NUM_QUEUES, and writes to a ring's base/size registers while it is enabled; OKAY
// otherwise. Byte strobes are honoured: a lane whose strobe is 0 keeps the register's bits
// (for RW1C and the RING_CTRL reset bit: writes 0 there). Reserved bits read 0.
//
// Engines (flattened per queue, see docs/rtl-architecture.md "Engines <-> registers"): every
// output is a register. txq_reset/rxq_reset pulse one cycle after the RING_CTRL write with the
// reset bit, together with prod going to 0 and in_error clearing. Engine events count into the
// statistics one cycle after they arrive; an error event of a ring already in error is ignored.
// RING_TAKEN counts the engines' taken events (TX: a packet left on the wire; RX: a frame was
// given buffers) since the ring's last reset: the RING_CTRL write with the reset bit zeroes it
// (an event in that very cycle is lost with the old count: software resets idle rings).
// RING_STATUS.IDLE and REG_STATUS read the engines' idle outputs as they are.
`default_nettype none

module nic_regs #(
  parameter int DATA_WIDTH = 64,  // DMA/stream data width, reported in REG_ID_DATA_WIDTH
  parameter int NUM_QUEUES = 4    // queue pairs, 1..16
) (
  input  wire                         clk,
  input  wire                         rst_n,

  // AXI4-Lite slave
  input  wire  [15:0]                 s_axil_awaddr,
  input  wire  [2:0]                  s_axil_awprot,
  input  wire                         s_axil_awvalid,
  output logic                        s_axil_awready,
  input  wire  [31:0]                 s_axil_wdata,
  input  wire  [3:0]                  s_axil_wstrb,
  input  wire                         s_axil_wvalid,
  output logic                        s_axil_wready,
  output logic [1:0]                  s_axil_bresp,
  output logic                        s_axil_bvalid,
  input  wire                         s_axil_bready,
  input  wire  [15:0]                 s_axil_araddr,
  input  wire  [2:0]                  s_axil_arprot,
  input  wire                         s_axil_arvalid,
  output logic                        s_axil_arready,
  output logic [31:0]                 s_axil_rdata,
  output logic [1:0]                  s_axil_rresp,
  output logic                        s_axil_rvalid,
  input  wire                         s_axil_rready,

  // TX rings: configuration to nic_tx_engine
  output logic [NUM_QUEUES*64-1:0]    txq_base,
  output logic [NUM_QUEUES*64-1:0]    txq_cpl_base,
  output logic [NUM_QUEUES*5-1:0]     txq_size_log2,
  output logic [NUM_QUEUES-1:0]       txq_enable,
  output logic [NUM_QUEUES-1:0]       txq_reset,
  output logic [NUM_QUEUES*16-1:0]    txq_prod,
  output logic [NUM_QUEUES-1:0]       txq_in_error,
  // TX rings: state and events from nic_tx_engine
  input  wire  [NUM_QUEUES*16-1:0]    txq_cons,
  input  wire                         tx_pkt_valid,
  input  wire  [3:0]                  tx_pkt_queue,
  input  wire  [15:0]                 tx_pkt_bytes,
  input  wire                         tx_err_valid,
  input  wire  [3:0]                  tx_err_queue,
  input  wire  [7:0]                  tx_err_code,

  // RX rings: configuration to nic_rx_engine
  output logic [NUM_QUEUES*64-1:0]    rxq_base,
  output logic [NUM_QUEUES*64-1:0]    rxq_cpl_base,
  output logic [NUM_QUEUES*5-1:0]     rxq_size_log2,
  output logic [NUM_QUEUES-1:0]       rxq_enable,
  output logic [NUM_QUEUES-1:0]       rxq_reset,
  output logic [NUM_QUEUES*16-1:0]    rxq_prod,
  output logic [NUM_QUEUES-1:0]       rxq_in_error,
  // RX rings: state and events from nic_rx_engine
  input  wire  [NUM_QUEUES*16-1:0]    rxq_cons,
  input  wire                         rx_pkt_valid,
  input  wire  [3:0]                  rx_pkt_queue,
  input  wire  [15:0]                 rx_pkt_bytes,
  input  wire                         rx_err_valid,
  input  wire  [3:0]                  rx_err_queue,
  input  wire  [7:0]                  rx_err_code,
  input  wire                         rx_drop_valid,
  input  wire  [3:0]                  rx_drop_queue,
  input  wire                         rx_bad_valid,
  input  wire  [3:0]                  rx_bad_queue,
  // ring state for RING_STATUS, RING_TAKEN and REG_STATUS
  input  wire                         tx_sent_valid,
  input  wire  [3:0]                  tx_sent_queue,
  input  wire  [NUM_QUEUES-1:0]       txq_idle,
  input  wire                         rx_taken_valid,
  input  wire  [3:0]                  rx_taken_queue,
  input  wire  [NUM_QUEUES-1:0]       rxq_idle,
  input  wire                         rx_idle,

  // RSS configuration to nic_rx_engine
  output logic                        rss_enable,
  output logic [319:0]                rss_key,      // key byte 0 in [319:312]
  output logic [128*4-1:0]            rss_table,    // entry e in [e*4 +: 4]

  // interrupts: one-cycle pulses
  output logic [NUM_QUEUES-1:0]       irq_queue,
  output logic                        irq_error
);

  localparam int RINGS = 2 * NUM_QUEUES;  // ring r: TX ring of queue r (r < NQ), else RX ring of queue r-NQ
  // A descriptor ring covers whole data beats (the engines fetch descriptors in beats): its base
  // aligned to a beat and at least one beat of descriptors long. 64..256 bits: 16-byte bases,
  // 2 entries as before; 512 bits: 64-byte bases, 4 entries.
  localparam int BEAT_BYTES      = DATA_WIDTH / 8;
  localparam int DESC_ALIGN_BITS = BEAT_BYTES > 16 ? $clog2(BEAT_BYTES) : 4;
  localparam int MIN_RING_LOG2   = BEAT_BYTES > 2 * nic_pkg::DESC_BYTES
                                   ? $clog2(BEAT_BYTES / nic_pkg::DESC_BYTES) : 1;
  localparam logic [1:0] RESP_OKAY   = 2'b00;
  localparam logic [1:0] RESP_SLVERR = 2'b10;

  // ---------------------------------------------------------------- AXI4-Lite channel state
  logic        aw_held_q;
  logic [15:0] aw_addr_q;
  logic        w_held_q;
  logic [31:0] w_data_q;
  logic [3:0]  w_strb_q;
  logic        bvalid_q;
  logic [1:0]  bresp_q;
  logic        rvalid_q;
  logic [1:0]  rresp_q;
  logic [31:0] rdata_q;

  logic        do_write;   // the held write is performed this cycle
  logic        wr_err;     // ... and answers SLVERR
  logic        do_read;    // AR handshake: the read is performed this cycle

  // ---------------------------------------------------------------- register state
  logic                  rss_en_q;
  logic                  err_irq_en_q;
  logic [319:0]          rss_key_q;    // key word k (bytes 4k..4k+3) in [(9-k)*32 +: 32], like rss_key
  logic [128*4-1:0]      rss_table_q;  // entry e in [e*4 +: 4]

  logic [31:0]           base_lo_q [RINGS];
  logic [31:0]           base_hi_q [RINGS];
  logic [31:0]           cpl_lo_q [RINGS];
  logic [31:0]           cpl_hi_q [RINGS];
  logic [4:0]            size_log2_q [RINGS];
  logic [RINGS-1:0]      enable_q;
  logic [RINGS-1:0]      reset_q;
  logic [15:0]           prod_q [RINGS];
  logic [RINGS-1:0]      in_error_q;
  logic [7:0]            err_code_q [RINGS];
  logic [31:0]           stat_pkts_q [RINGS];
  logic [31:0]           stat_bytes_q [RINGS];
  logic [31:0]           stat_drops_q [RINGS];
  logic [31:0]           stat_errs_q [RINGS];
  logic [31:0]           taken_q [RINGS];   // RING_TAKEN
  logic [RINGS-1:0]      err_entry;  // ring enters error this cycle

  // nic_irq read-back and write port
  logic [NUM_QUEUES-1:0]    irq_arm;
  logic [NUM_QUEUES*3-1:0]  irq_cause;
  logic [NUM_QUEUES*16-1:0] irq_mod_cycles;
  logic [NUM_QUEUES*16-1:0] irq_mod_pkts;
  logic                     irq_wr_valid;
  logic [NUM_QUEUES-1:0]    irq_err_event;

  // AXI4-Lite protection bits carry nothing for this slave.
  logic unused_prot;
  assign unused_prot = ^{s_axil_awprot, s_axil_arprot};
  // Address bits [1:0] are ignored (word registers; strobes select bytes).
  logic unused_addr;
  assign unused_addr = ^{s_axil_awaddr[1:0], s_axil_araddr[1:0], aw_addr_q[1:0], wr_word[15:12]};

  // ---------------------------------------------------------------- address decode
  // kind of register at an address, for reads and writes alike
  localparam logic [3:0] K_NONE      = 4'd0;   // undefined: SLVERR
  localparam logic [3:0] K_ID        = 4'd1;
  localparam logic [3:0] K_CTRL      = 4'd2;
  localparam logic [3:0] K_ERR_QUEUES = 4'd3;
  localparam logic [3:0] K_ERR_IRQ_EN = 4'd4;
  localparam logic [3:0] K_RSS_KEY   = 4'd5;
  localparam logic [3:0] K_RSS_TABLE = 4'd6;
  localparam logic [3:0] K_RING      = 4'd7;
  localparam logic [3:0] K_IRQ       = 4'd8;
  localparam logic [3:0] K_STATUS    = 4'd9;

  function automatic logic [3:0] decode_kind(input logic [15:2] a);
    logic [15:0] w;
    w = {a, 2'b00};
    decode_kind = K_NONE;
    if (w == nic_pkg::REG_ID_MAGIC || w == nic_pkg::REG_ID_VERSION || w == nic_pkg::REG_ID_DATA_WIDTH
        || w == nic_pkg::REG_ID_NUM_QUEUES || w == nic_pkg::REG_ID_MAX_FRAME
        || w == nic_pkg::REG_ID_MAX_FRAGS || w == nic_pkg::REG_ID_RX_ALIGN) begin
      decode_kind = K_ID;
    end else if (w == nic_pkg::REG_CTRL) begin
      decode_kind = K_CTRL;
    end else if (w == nic_pkg::REG_ERR_QUEUES) begin
      decode_kind = K_ERR_QUEUES;
    end else if (w == nic_pkg::REG_ERR_IRQ_EN) begin
      decode_kind = K_ERR_IRQ_EN;
    end else if (w == nic_pkg::REG_STATUS) begin
      decode_kind = K_STATUS;
    end else if (w >= nic_pkg::REG_RSS_KEY0 && w < nic_pkg::REG_RSS_KEY0 + 16'd40) begin
      decode_kind = K_RSS_KEY;
    end else if (w >= nic_pkg::REG_RSS_TABLE0 && w < nic_pkg::REG_RSS_TABLE0 + 16'd512) begin
      decode_kind = K_RSS_TABLE;
    end else if ((w & 16'hF000) == nic_pkg::REG_QUEUE_BASE && {28'd0, w[11:8]} < NUM_QUEUES) begin
      if (((w[7:0] & 8'hC0) == nic_pkg::QREG_TX || (w[7:0] & 8'hC0) == nic_pkg::QREG_RX)
          && w[5:0] <= nic_pkg::RING_TAKEN) begin
        decode_kind = K_RING;
      end else if ((w[7:0] & 8'hC0) == nic_pkg::QREG_IRQ && w[5:0] <= nic_pkg::IRQ_MOD_PKTS) begin
        decode_kind = K_IRQ;
      end
    end
  endfunction

  // the ring a K_RING address names: its queue's TX ring, or NUM_QUEUES + queue for the RX ring
  function automatic int ring_of(input logic [11:6] a);
    ring_of = {28'd0, a[11:8]} + ((a[7:6] == nic_pkg::QREG_RX[7:6]) ? NUM_QUEUES : 0);
  endfunction

  // the value of a K_ID register
  function automatic logic [31:0] id_value(input logic [15:2] a);
    logic [15:0] w;
    w = {a, 2'b00};
    id_value = 32'd0;
    if (w == nic_pkg::REG_ID_MAGIC)      id_value = nic_pkg::NIC_MAGIC;
    if (w == nic_pkg::REG_ID_VERSION)    id_value = (nic_pkg::CONTRACT_MAJOR << 16) | nic_pkg::CONTRACT_MINOR;
    if (w == nic_pkg::REG_ID_DATA_WIDTH) id_value = DATA_WIDTH;
    if (w == nic_pkg::REG_ID_NUM_QUEUES) id_value = NUM_QUEUES;
    if (w == nic_pkg::REG_ID_MAX_FRAME)  id_value = nic_pkg::MAX_FRAME_BYTES;
    if (w == nic_pkg::REG_ID_MAX_FRAGS)  id_value = nic_pkg::MAX_TX_FRAGS;
    if (w == nic_pkg::REG_ID_RX_ALIGN)   id_value = nic_pkg::RX_BUF_ALIGN_BYTES;
  endfunction

  // bit q of a per-queue vector (q < NUM_QUEUES: the decode checked it)
  function automatic logic ring_bit(input logic [NUM_QUEUES-1:0] v, input logic [3:0] q);
    ring_bit = 1'b0;
    for (int i = 0; i < NUM_QUEUES; i++) begin
      if ({28'd0, q} == i) ring_bit = v[i];
    end
  endfunction

  // ERR_QUEUES: bit q = TX ring of queue q in error, bit 16 + q = its RX ring
  function automatic logic [31:0] err_queues(input logic [RINGS-1:0] in_error);
    err_queues = 32'd0;
    for (int q = 0; q < NUM_QUEUES; q++) begin
      err_queues[q]      = in_error[q];
      err_queues[16 + q] = in_error[NUM_QUEUES + q];
    end
  endfunction

  // `old` with the byte lanes enabled in `strb` replaced by `data`
  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] data, input logic [3:0] strb);
    merge = {strb[3] ? data[31:24] : old[31:24], strb[2] ? data[23:16] : old[23:16],
             strb[1] ? data[15:8] : old[15:8], strb[0] ? data[7:0] : old[7:0]};
  endfunction

  // ---------------------------------------------------------------- the held write (registers only)
  // Decoded only in the cycle it is performed; the register updates are in the state block.
  logic [3:0]  wr_kind;
  logic [15:0] wr_word;      // word address of the held write
  logic [3:0]  wr_queue;
  logic [5:0]  wr_off;
  int          wr_ring;      // K_RING: the ring written
  logic [31:0] wr_merged;    // the written register's value with the write's lanes merged in
  logic        wr_ring_hit;  // a ring register is written (no SLVERR)
  logic        wr_ring_reset; // ... RING_CTRL with the reset bit
  logic        wr_ring_err;  // ... and the write puts the ring in error (wr_ring_code)
  logic [7:0]  wr_ring_code;
  logic        wr_config_ok; // the ring's base/size may be enabled
  logic        wr_prod_ok;   // a RING_PROD value within the ring

  assign do_write = aw_held_q && w_held_q && !bvalid_q;
  assign do_read  = s_axil_arvalid && !rvalid_q;

  always_comb begin
    wr_word       = {aw_addr_q[15:2], 2'b00};
    wr_queue      = wr_word[11:8];
    wr_off        = wr_word[5:0];
    wr_kind       = K_NONE;
    wr_ring       = 0;
    wr_merged     = 32'd0;
    wr_err        = 1'b0;
    irq_wr_valid  = 1'b0;
    wr_ring_hit   = 1'b0;
    wr_ring_reset = 1'b0;
    wr_ring_err   = 1'b0;
    wr_ring_code  = nic_pkg::ERR_NONE;
    wr_config_ok  = 1'b0;
    wr_prod_ok    = 1'b0;
    if (do_write) begin
      wr_kind = decode_kind(aw_addr_q[15:2]);
      wr_ring = ring_of(aw_addr_q[11:6]);
      unique case (wr_kind)
        K_CTRL:       wr_merged = merge({31'd0, rss_en_q}, w_data_q, w_strb_q);
        K_ERR_IRQ_EN: wr_merged = merge({31'd0, err_irq_en_q}, w_data_q, w_strb_q);
        K_RSS_KEY:    wr_merged = merge(rss_key_q[(9 - {28'd0, wr_word[5:2]})*32 +: 32], w_data_q, w_strb_q);
        K_RSS_TABLE: begin
          wr_merged = merge({28'd0, rss_table_q[{wr_word[8:2], 2'b00} +: 4]}, w_data_q, w_strb_q);
          if (wr_merged >= NUM_QUEUES) wr_err = 1'b1;
        end
        K_RING: begin
          unique case (wr_off)
            nic_pkg::RING_BASE_LO:     wr_merged = merge(base_lo_q[wr_ring], w_data_q, w_strb_q);
            nic_pkg::RING_BASE_HI:     wr_merged = merge(base_hi_q[wr_ring], w_data_q, w_strb_q);
            nic_pkg::RING_CPL_BASE_LO: wr_merged = merge(cpl_lo_q[wr_ring], w_data_q, w_strb_q);
            nic_pkg::RING_CPL_BASE_HI: wr_merged = merge(cpl_hi_q[wr_ring], w_data_q, w_strb_q);
            nic_pkg::RING_PROD:        wr_merged = merge({16'd0, prod_q[wr_ring]}, w_data_q, w_strb_q);
            default: ;
          endcase
          // RO registers; base/size while enabled
          if (wr_off == nic_pkg::RING_CONS || wr_off == nic_pkg::RING_ERR || wr_off == nic_pkg::RING_STAT_PKTS
              || wr_off == nic_pkg::RING_STAT_BYTES || wr_off == nic_pkg::RING_STAT_DROPS
              || wr_off == nic_pkg::RING_STAT_ERRS || wr_off == nic_pkg::RING_STATUS
              || wr_off == nic_pkg::RING_TAKEN) begin
            wr_err = 1'b1;
          end
          if (enable_q[wr_ring] && wr_off <= nic_pkg::RING_SIZE_LOG2) wr_err = 1'b1;
          wr_ring_hit  = !wr_err;
          wr_config_ok = {27'd0, size_log2_q[wr_ring]} >= MIN_RING_LOG2
                         && {27'd0, size_log2_q[wr_ring]} <= nic_pkg::MAX_RING_LOG2
                         && base_lo_q[wr_ring][DESC_ALIGN_BITS-1:0] == '0 && cpl_lo_q[wr_ring][3:0] == 4'd0;
          wr_prod_ok   = wr_merged[31:16] == 16'd0 && wr_merged < (32'd1 << size_log2_q[wr_ring]);
          if (wr_ring_hit && wr_off == nic_pkg::RING_CTRL && w_strb_q[0]) begin
            wr_ring_reset = w_data_q[nic_pkg::RING_CTRL_RESET_LSB];
            if (w_data_q[nic_pkg::RING_CTRL_ENABLE_LSB] && !wr_config_ok) begin
              wr_ring_err  = 1'b1;
              wr_ring_code = nic_pkg::ERR_RING_CONFIG;
            end
          end
          if (wr_ring_hit && wr_off == nic_pkg::RING_PROD && !wr_prod_ok) begin
            wr_ring_err  = 1'b1;
            wr_ring_code = nic_pkg::ERR_DOORBELL_RANGE;
          end
        end
        K_IRQ:   irq_wr_valid = 1'b1;
        default: wr_err = 1'b1;  // undefined, ID (RO), ERR_QUEUES (RO), STATUS (RO)
      endcase
    end
  end

  // ---------------------------------------------------------------- rings entering error
  // The write's own error wins over an engine error in the same cycle; a reset in this cycle makes
  // the engine forget the queue, so its error is dropped; a ring already in error stays as it is.
  always_comb begin
    err_entry = '0;
    if (wr_ring_err || tx_err_valid || rx_err_valid) begin
      for (int r = 0; r < RINGS; r++) begin
        err_entry[r] = ((wr_ring_err && wr_ring == r)
                        || (!(wr_ring_reset && wr_ring == r)
                            && (r < NUM_QUEUES ? tx_err_valid && {28'd0, tx_err_queue} == r
                                               : rx_err_valid && {28'd0, rx_err_queue} == r - NUM_QUEUES)))
                       && ((wr_ring_reset && wr_ring == r) || !in_error_q[r]);
      end
    end
  end
  assign irq_err_event = err_entry[NUM_QUEUES-1:0] | err_entry[RINGS-1:NUM_QUEUES];

  // ---------------------------------------------------------------- AXI4-Lite outputs
  always_comb begin
    s_axil_awready = !aw_held_q;
    s_axil_wready  = !w_held_q;
    s_axil_bvalid  = bvalid_q;
    s_axil_bresp   = bresp_q;
    s_axil_arready = !rvalid_q;
    s_axil_rvalid  = rvalid_q;
    s_axil_rresp   = rresp_q;
    s_axil_rdata   = rdata_q;
  end

  // ---------------------------------------------------------------- state
  // Every update is guarded by its event (handshake, performed write, engine event), so a cycle
  // without any costs next to nothing in simulation.
  always_ff @(posedge clk) begin
    // ---- AXI4-Lite: AW and W held until the write is performed, B and R held until taken ----
    if (s_axil_awvalid && !aw_held_q) begin
      aw_held_q <= 1'b1;
      aw_addr_q <= s_axil_awaddr;
    end
    if (s_axil_wvalid && !w_held_q) begin
      w_held_q <= 1'b1;
      w_data_q <= s_axil_wdata;
      w_strb_q <= s_axil_wstrb;
    end
    if (bvalid_q && s_axil_bready) bvalid_q <= 1'b0;
    if (do_write) begin
      aw_held_q <= 1'b0;
      w_held_q  <= 1'b0;
      bvalid_q  <= 1'b1;
      bresp_q   <= wr_err ? RESP_SLVERR : RESP_OKAY;
    end

    // ---- reads: the register state in the AR handshake cycle ----
    if (rvalid_q && s_axil_rready) rvalid_q <= 1'b0;
    if (do_read) begin
      rvalid_q <= 1'b1;
      rresp_q  <= RESP_OKAY;
      rdata_q  <= 32'd0;
      unique case (decode_kind(s_axil_araddr[15:2]))
        K_ID:         rdata_q <= id_value(s_axil_araddr[15:2]);
        K_CTRL:       rdata_q <= {31'd0, rss_en_q};
        K_ERR_QUEUES: rdata_q <= err_queues(in_error_q);
        K_ERR_IRQ_EN: rdata_q <= {31'd0, err_irq_en_q};
        K_STATUS:     rdata_q <= {30'd0, rx_idle, txq_idle == '1};
        K_RSS_KEY:    rdata_q <= rss_key_q[(9 - {28'd0, s_axil_araddr[5:2]})*32 +: 32];
        K_RSS_TABLE:  rdata_q <= {28'd0, rss_table_q[{s_axil_araddr[8:2], 2'b00} +: 4]};
        K_RING: begin
          unique case ({s_axil_araddr[5:2], 2'b00})
            nic_pkg::RING_BASE_LO:     rdata_q <= base_lo_q[ring_of(s_axil_araddr[11:6])];
            nic_pkg::RING_BASE_HI:     rdata_q <= base_hi_q[ring_of(s_axil_araddr[11:6])];
            nic_pkg::RING_CPL_BASE_LO: rdata_q <= cpl_lo_q[ring_of(s_axil_araddr[11:6])];
            nic_pkg::RING_CPL_BASE_HI: rdata_q <= cpl_hi_q[ring_of(s_axil_araddr[11:6])];
            nic_pkg::RING_SIZE_LOG2:   rdata_q <= {27'd0, size_log2_q[ring_of(s_axil_araddr[11:6])]};
            nic_pkg::RING_CTRL:        rdata_q <= {31'd0, enable_q[ring_of(s_axil_araddr[11:6])]};
            nic_pkg::RING_PROD:        rdata_q <= {16'd0, prod_q[ring_of(s_axil_araddr[11:6])]};
            nic_pkg::RING_CONS: begin
              if (ring_of(s_axil_araddr[11:6]) < NUM_QUEUES) begin
                rdata_q <= {16'd0, txq_cons[s_axil_araddr[11:8]*16 +: 16]};
              end else begin
                rdata_q <= {16'd0, rxq_cons[s_axil_araddr[11:8]*16 +: 16]};
              end
            end
            nic_pkg::RING_ERR:         rdata_q <= {24'd0, err_code_q[ring_of(s_axil_araddr[11:6])]};
            nic_pkg::RING_STAT_PKTS:   rdata_q <= stat_pkts_q[ring_of(s_axil_araddr[11:6])];
            nic_pkg::RING_STAT_BYTES:  rdata_q <= stat_bytes_q[ring_of(s_axil_araddr[11:6])];
            nic_pkg::RING_STAT_DROPS:  rdata_q <= stat_drops_q[ring_of(s_axil_araddr[11:6])];
            nic_pkg::RING_STAT_ERRS:   rdata_q <= stat_errs_q[ring_of(s_axil_araddr[11:6])];
            nic_pkg::RING_STATUS: begin
              if (ring_of(s_axil_araddr[11:6]) < NUM_QUEUES) begin
                rdata_q <= {31'd0, ring_bit(txq_idle, s_axil_araddr[11:8])};
              end else begin
                rdata_q <= {31'd0, ring_bit(rxq_idle, s_axil_araddr[11:8])};
              end
            end
            nic_pkg::RING_TAKEN:       rdata_q <= taken_q[ring_of(s_axil_araddr[11:6])];
            default:                   rresp_q <= RESP_SLVERR;
          endcase
        end
        K_IRQ: begin
          unique case ({s_axil_araddr[5:2], 2'b00})
            nic_pkg::IRQ_ARM:        rdata_q <= {31'd0, irq_arm[{28'd0, s_axil_araddr[11:8]}]};
            nic_pkg::IRQ_CAUSE:      rdata_q <= {29'd0, irq_cause[s_axil_araddr[11:8]*3 +: 3]};
            nic_pkg::IRQ_MOD_CYCLES: rdata_q <= {16'd0, irq_mod_cycles[s_axil_araddr[11:8]*16 +: 16]};
            nic_pkg::IRQ_MOD_PKTS:   rdata_q <= {16'd0, irq_mod_pkts[s_axil_araddr[11:8]*16 +: 16]};
            default:                 rresp_q <= RESP_SLVERR;
          endcase
        end
        default: rresp_q <= RESP_SLVERR;
      endcase
    end

    // ---- the performed write ----
    reset_q <= '0;
    if (do_write && !wr_err) begin
      unique case (wr_kind)
        K_CTRL:       rss_en_q     <= wr_merged[nic_pkg::REG_CTRL_RSS_EN_LSB];
        K_ERR_IRQ_EN: err_irq_en_q <= wr_merged[nic_pkg::REG_ERR_IRQ_EN_EN_LSB];
        K_RSS_KEY:    rss_key_q[(9 - {28'd0, wr_word[5:2]})*32 +: 32] <= wr_merged;
        K_RSS_TABLE:  rss_table_q[{wr_word[8:2], 2'b00} +: 4] <= wr_merged[3:0];
        K_RING: begin
          unique case (wr_off)
            nic_pkg::RING_BASE_LO:     base_lo_q[wr_ring] <= wr_merged;
            nic_pkg::RING_BASE_HI:     base_hi_q[wr_ring] <= wr_merged;
            nic_pkg::RING_CPL_BASE_LO: cpl_lo_q[wr_ring]  <= wr_merged;
            nic_pkg::RING_CPL_BASE_HI: cpl_hi_q[wr_ring]  <= wr_merged;
            nic_pkg::RING_SIZE_LOG2: begin
              if (w_strb_q[0]) size_log2_q[wr_ring] <= w_data_q[4:0];
            end
            nic_pkg::RING_CTRL: begin
              if (w_strb_q[0]) begin
                if (wr_ring_reset) begin
                  reset_q[wr_ring]    <= 1'b1;
                  prod_q[wr_ring]     <= 16'd0;
                  in_error_q[wr_ring] <= 1'b0;
                  err_code_q[wr_ring] <= nic_pkg::ERR_NONE;
                end
                enable_q[wr_ring] <= w_data_q[nic_pkg::RING_CTRL_ENABLE_LSB] && wr_config_ok;
              end
            end
            nic_pkg::RING_PROD: begin
              if (wr_prod_ok) prod_q[wr_ring] <= wr_merged[15:0];
            end
            default: ;
          endcase
        end
        default: ;
      endcase
    end

    // ---- rings entering error (after the write: an error wins over the reset's clear; the write's
    // own error code last, as it wins over an engine's) ----
    if (err_entry != '0) begin
      for (int r = 0; r < RINGS; r++) begin
        if (err_entry[r]) in_error_q[r] <= 1'b1;
      end
      if (tx_err_valid && {28'd0, tx_err_queue} < NUM_QUEUES && err_entry[{28'd0, tx_err_queue}]) begin
        err_code_q[{28'd0, tx_err_queue}] <= tx_err_code;
      end
      if (rx_err_valid && {28'd0, rx_err_queue} < NUM_QUEUES && err_entry[NUM_QUEUES + {28'd0, rx_err_queue}]) begin
        err_code_q[NUM_QUEUES + {28'd0, rx_err_queue}] <= rx_err_code;
      end
      if (wr_ring_err && err_entry[wr_ring]) err_code_q[wr_ring] <= wr_ring_code;
    end

    // ---- statistics (one write per event, by index) ----
    if (tx_pkt_valid && {28'd0, tx_pkt_queue} < NUM_QUEUES) begin
      stat_pkts_q[{28'd0, tx_pkt_queue}]  <= stat_pkts_q[{28'd0, tx_pkt_queue}] + 32'd1;
      stat_bytes_q[{28'd0, tx_pkt_queue}] <= stat_bytes_q[{28'd0, tx_pkt_queue}] + {16'd0, tx_pkt_bytes};
    end
    if (rx_pkt_valid && {28'd0, rx_pkt_queue} < NUM_QUEUES) begin
      stat_pkts_q[NUM_QUEUES + {28'd0, rx_pkt_queue}]  <= stat_pkts_q[NUM_QUEUES + {28'd0, rx_pkt_queue}] + 32'd1;
      stat_bytes_q[NUM_QUEUES + {28'd0, rx_pkt_queue}] <= stat_bytes_q[NUM_QUEUES + {28'd0, rx_pkt_queue}]
                                                          + {16'd0, rx_pkt_bytes};
    end
    if (rx_drop_valid && {28'd0, rx_drop_queue} < NUM_QUEUES) begin
      stat_drops_q[NUM_QUEUES + {28'd0, rx_drop_queue}] <= stat_drops_q[NUM_QUEUES + {28'd0, rx_drop_queue}] + 32'd1;
    end
    // ---- RING_TAKEN: the ring's reset (the RING_CTRL write) zeroes it, later events count ----
    if (tx_sent_valid && {28'd0, tx_sent_queue} < NUM_QUEUES) begin
      taken_q[{28'd0, tx_sent_queue}] <= taken_q[{28'd0, tx_sent_queue}] + 32'd1;
    end
    if (rx_taken_valid && {28'd0, rx_taken_queue} < NUM_QUEUES) begin
      taken_q[NUM_QUEUES + {28'd0, rx_taken_queue}] <= taken_q[NUM_QUEUES + {28'd0, rx_taken_queue}] + 32'd1;
    end
    if (do_write && !wr_err && wr_ring_reset) taken_q[wr_ring] <= 32'd0;

    if (rx_bad_valid || err_entry != '0) begin
      for (int r = 0; r < RINGS; r++) begin
        stat_errs_q[r] <= stat_errs_q[r]
                          + {31'd0, r >= NUM_QUEUES && rx_bad_valid && {28'd0, rx_bad_queue} == r - NUM_QUEUES}
                          + {31'd0, err_entry[r]};
      end
    end

    if (!rst_n) begin
      aw_held_q    <= 1'b0;
      w_held_q     <= 1'b0;
      bvalid_q     <= 1'b0;
      rvalid_q     <= 1'b0;
      rss_en_q     <= 1'b0;
      err_irq_en_q <= 1'b0;
      enable_q     <= '0;
      reset_q      <= '0;
      in_error_q   <= '0;
      rss_key_q    <= '0;
      rss_table_q  <= '0;
      for (int r = 0; r < RINGS; r++) begin
        base_lo_q[r]    <= 32'd0;
        base_hi_q[r]    <= 32'd0;
        cpl_lo_q[r]     <= 32'd0;
        cpl_hi_q[r]     <= 32'd0;
        size_log2_q[r]  <= 5'd0;
        prod_q[r]       <= 16'd0;
        err_code_q[r]   <= nic_pkg::ERR_NONE;
        stat_pkts_q[r]  <= 32'd0;
        stat_bytes_q[r] <= 32'd0;
        stat_drops_q[r] <= 32'd0;
        stat_errs_q[r]  <= 32'd0;
        taken_q[r]      <= 32'd0;
      end
    end
  end

  // ---------------------------------------------------------------- outputs
  always_comb begin
    for (int q = 0; q < NUM_QUEUES; q++) begin
      txq_base[q*64 +: 64]     = {base_hi_q[q], base_lo_q[q]};
      txq_cpl_base[q*64 +: 64] = {cpl_hi_q[q], cpl_lo_q[q]};
      txq_size_log2[q*5 +: 5]  = size_log2_q[q];
      txq_prod[q*16 +: 16]     = prod_q[q];
      rxq_base[q*64 +: 64]     = {base_hi_q[NUM_QUEUES + q], base_lo_q[NUM_QUEUES + q]};
      rxq_cpl_base[q*64 +: 64] = {cpl_hi_q[NUM_QUEUES + q], cpl_lo_q[NUM_QUEUES + q]};
      rxq_size_log2[q*5 +: 5]  = size_log2_q[NUM_QUEUES + q];
      rxq_prod[q*16 +: 16]     = prod_q[NUM_QUEUES + q];
    end
    txq_enable   = enable_q[NUM_QUEUES-1:0];
    rxq_enable   = enable_q[RINGS-1:NUM_QUEUES];
    txq_reset    = reset_q[NUM_QUEUES-1:0];
    rxq_reset    = reset_q[RINGS-1:NUM_QUEUES];
    txq_in_error = in_error_q[NUM_QUEUES-1:0];
    rxq_in_error = in_error_q[RINGS-1:NUM_QUEUES];
  end
  // whole registers: plain assigns, so the simulator uses the registers themselves
  assign rss_enable = rss_en_q;
  assign rss_key    = rss_key_q;
  assign rss_table  = rss_table_q;

  // ---------------------------------------------------------------- interrupts
  nic_irq #(
    .NUM_QUEUES(NUM_QUEUES)
  ) u_irq (
    .clk           (clk),
    .rst_n         (rst_n),
    .reg_wr_valid  (irq_wr_valid),
    .reg_wr_queue  (wr_queue),
    .reg_wr_offset (wr_off),
    .reg_wr_data   (w_data_q),
    .reg_wr_strb   (w_strb_q),
    .arm           (irq_arm),
    .cause         (irq_cause),
    .mod_cycles    (irq_mod_cycles),
    .mod_pkts      (irq_mod_pkts),
    .tx_pkt_valid  (tx_pkt_valid),
    .tx_pkt_queue  (tx_pkt_queue),
    .rx_pkt_valid  (rx_pkt_valid),
    .rx_pkt_queue  (rx_pkt_queue),
    .err_event     (irq_err_event),
    .err_irq_en    (err_irq_en_q),
    .irq_queue     (irq_queue),
    .irq_error     (irq_error)
  );

endmodule

`default_nettype wire
