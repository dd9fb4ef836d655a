// nic_regs: the register file (AXI4-Lite slave) and the per-queue interrupt block (nic_irq inside).
//
// Implements the register map of nic_pkg / docs/contract.md for NUM_QUEUES queue pairs: the ID
// block, global control, RSS key and table, per-queue TX and RX ring registers, statistics, and
// the interrupt registers (held in nic_irq, instantiated here). It checks what software writes
// so the engines may trust it: a doorbell >= ring size puts the ring in ERR_DOORBELL_RANGE (index
// unchanged); enabling with size_log2 outside 1..MAX_RING_LOG2 or a base not 16-byte aligned
// puts it in ERR_RING_CONFIG (and leaves it disabled).
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

  // RSS configuration to nic_rx_engine
  output logic                        rss_enable,
  output logic [319:0]                rss_key,      // key byte 0 in [319:312]
  output logic [128*4-1:0]            rss_table,    // entry e in [e*4 +: 4]

  // interrupts: one-cycle pulses
  output logic [NUM_QUEUES-1:0]       irq_queue,
  output logic                        irq_error
);

  localparam int RINGS = 2 * NUM_QUEUES;  // ring r: TX ring of queue r (r < NQ), else RX ring of queue r-NQ
  localparam logic [1:0] RESP_OKAY   = 2'b00;
  localparam logic [1:0] RESP_SLVERR = 2'b10;

  // ---------------------------------------------------------------- AXI4-Lite channel state
  logic        aw_held_q, aw_held_d;
  logic [15:0] aw_addr_q, aw_addr_d;
  logic        w_held_q, w_held_d;
  logic [31:0] w_data_q, w_data_d;
  logic [3:0]  w_strb_q, w_strb_d;
  logic        bvalid_q, bvalid_d;
  logic [1:0]  bresp_q, bresp_d;
  logic        rvalid_q, rvalid_d;
  logic [1:0]  rresp_q, rresp_d;
  logic [31:0] rdata_q, rdata_d;

  logic        do_write;   // the held write is performed this cycle
  logic        wr_err;     // ... and answers SLVERR
  logic        do_read;    // AR handshake: the read is performed this cycle
  logic        rd_err;
  logic [31:0] rd_data;

  // ---------------------------------------------------------------- register state
  logic                  rss_en_q, rss_en_d;
  logic                  err_irq_en_q, err_irq_en_d;
  logic [31:0]           rss_key_q [10];
  logic [31:0]           rss_key_d [10];
  logic [128*4-1:0]      rss_table_q, rss_table_d;  // entry e in [e*4 +: 4]

  logic [31:0]           base_lo_q [RINGS];
  logic [31:0]           base_lo_d [RINGS];
  logic [31:0]           base_hi_q [RINGS];
  logic [31:0]           base_hi_d [RINGS];
  logic [31:0]           cpl_lo_q [RINGS];
  logic [31:0]           cpl_lo_d [RINGS];
  logic [31:0]           cpl_hi_q [RINGS];
  logic [31:0]           cpl_hi_d [RINGS];
  logic [4:0]            size_log2_q [RINGS];
  logic [4:0]            size_log2_d [RINGS];
  logic [RINGS-1:0]      enable_q, enable_d;
  logic [RINGS-1:0]      reset_q, reset_d;
  logic [15:0]           prod_q [RINGS];
  logic [15:0]           prod_d [RINGS];
  logic [RINGS-1:0]      in_error_q, in_error_d;
  logic [7:0]            err_code_q [RINGS];
  logic [7:0]            err_code_d [RINGS];
  logic [31:0]           stat_pkts_q [RINGS];
  logic [31:0]           stat_pkts_d [RINGS];
  logic [31:0]           stat_bytes_q [RINGS];
  logic [31:0]           stat_bytes_d [RINGS];
  logic [31:0]           stat_drops_q [RINGS];
  logic [31:0]           stat_drops_d [RINGS];
  logic [31:0]           stat_errs_q [RINGS];
  logic [31:0]           stat_errs_d [RINGS];
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
    end else if (w >= nic_pkg::REG_RSS_KEY0 && w < nic_pkg::REG_RSS_KEY0 + 16'd40) begin
      decode_kind = K_RSS_KEY;
    end else if (w >= nic_pkg::REG_RSS_TABLE0 && w < nic_pkg::REG_RSS_TABLE0 + 16'd512) begin
      decode_kind = K_RSS_TABLE;
    end else if ((w & 16'hF000) == nic_pkg::REG_QUEUE_BASE && {28'd0, w[11:8]} < NUM_QUEUES) begin
      if (((w[7:0] & 8'hC0) == nic_pkg::QREG_TX || (w[7:0] & 8'hC0) == nic_pkg::QREG_RX)
          && w[5:0] <= nic_pkg::RING_STAT_ERRS) begin
        decode_kind = K_RING;
      end else if ((w[7:0] & 8'hC0) == nic_pkg::QREG_IRQ && w[5:0] <= nic_pkg::IRQ_MOD_PKTS) begin
        decode_kind = K_IRQ;
      end
    end
  endfunction

  // `old` with the byte lanes enabled in `strb` replaced by `data`
  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] data, input logic [3:0] strb);
    merge = {strb[3] ? data[31:24] : old[31:24], strb[2] ? data[23:16] : old[23:16],
             strb[1] ? data[15:8] : old[15:8], strb[0] ? data[7:0] : old[7:0]};
  endfunction

  logic [3:0]  wr_kind;
  logic [15:0] wr_word;     // word address of the held write
  logic [3:0]  wr_queue;
  logic        wr_rx;       // ring register of the RX side
  logic [5:0]  wr_off;
  logic [3:0]  rd_kind;
  logic [15:0] rd_word;
  logic [3:0]  rd_queue;
  logic        rd_rx;
  logic [5:0]  rd_off;

  always_comb begin
    wr_word  = {aw_addr_q[15:2], 2'b00};
    wr_kind  = decode_kind(aw_addr_q[15:2]);
    wr_queue = wr_word[11:8];
    wr_rx    = (wr_word[7:0] & 8'hC0) == nic_pkg::QREG_RX;
    wr_off   = wr_word[5:0];
    rd_word  = {s_axil_araddr[15:2], 2'b00};
    rd_kind  = decode_kind(s_axil_araddr[15:2]);
    rd_queue = rd_word[11:8];
    rd_rx    = (rd_word[7:0] & 8'hC0) == nic_pkg::QREG_RX;
    rd_off   = rd_word[5:0];
  end

  // ---------------------------------------------------------------- AXI4-Lite handshakes
  assign do_write = aw_held_q && w_held_q && !bvalid_q;
  assign do_read  = s_axil_arvalid && !rvalid_q;

  always_comb begin
    s_axil_awready = !aw_held_q;
    s_axil_wready  = !w_held_q;
    s_axil_bvalid  = bvalid_q;
    s_axil_bresp   = bresp_q;
    s_axil_arready = !rvalid_q;
    s_axil_rvalid  = rvalid_q;
    s_axil_rresp   = rresp_q;
    s_axil_rdata   = rdata_q;

    aw_held_d = aw_held_q;
    aw_addr_d = aw_addr_q;
    if (s_axil_awvalid && s_axil_awready) begin
      aw_held_d = 1'b1;
      aw_addr_d = s_axil_awaddr;
    end
    w_held_d = w_held_q;
    w_data_d = w_data_q;
    w_strb_d = w_strb_q;
    if (s_axil_wvalid && s_axil_wready) begin
      w_held_d = 1'b1;
      w_data_d = s_axil_wdata;
      w_strb_d = s_axil_wstrb;
    end
    if (do_write) begin
      aw_held_d = 1'b0;
      w_held_d  = 1'b0;
    end

    bvalid_d = bvalid_q && !s_axil_bready;
    bresp_d  = bresp_q;
    if (do_write) begin
      bvalid_d = 1'b1;
      bresp_d  = wr_err ? RESP_SLVERR : RESP_OKAY;
    end

    rvalid_d = rvalid_q && !s_axil_rready;
    rresp_d  = rresp_q;
    rdata_d  = rdata_q;
    if (do_read) begin
      rvalid_d = 1'b1;
      rresp_d  = rd_err ? RESP_SLVERR : RESP_OKAY;
      rdata_d  = rd_err ? 32'd0 : rd_data;
    end
  end

  // ---------------------------------------------------------------- reads
  // Only a read in its AR handshake uses rd_data/rd_err; without arvalid the (input-driven,
  // hence evaluated on every eval) mux is skipped, which saves simulation time only.
  always_comb begin
    rd_data = 32'd0;
    rd_err  = 1'b0;
    if (s_axil_arvalid) begin
    unique case (rd_kind)
      K_ID: begin
        if (rd_word == nic_pkg::REG_ID_MAGIC)      rd_data = nic_pkg::NIC_MAGIC;
        if (rd_word == nic_pkg::REG_ID_VERSION)    rd_data = (nic_pkg::CONTRACT_MAJOR << 16) | nic_pkg::CONTRACT_MINOR;
        if (rd_word == nic_pkg::REG_ID_DATA_WIDTH) rd_data = DATA_WIDTH;
        if (rd_word == nic_pkg::REG_ID_NUM_QUEUES) rd_data = NUM_QUEUES;
        if (rd_word == nic_pkg::REG_ID_MAX_FRAME)  rd_data = nic_pkg::MAX_FRAME_BYTES;
        if (rd_word == nic_pkg::REG_ID_MAX_FRAGS)  rd_data = nic_pkg::MAX_TX_FRAGS;
        if (rd_word == nic_pkg::REG_ID_RX_ALIGN)   rd_data = nic_pkg::RX_BUF_ALIGN_BYTES;
      end
      K_CTRL:       rd_data = {31'd0, rss_en_q};
      K_ERR_QUEUES: begin
        for (int q = 0; q < NUM_QUEUES; q++) begin
          rd_data[q]      = in_error_q[q];
          rd_data[16 + q] = in_error_q[NUM_QUEUES + q];
        end
      end
      K_ERR_IRQ_EN: rd_data = {31'd0, err_irq_en_q};
      K_RSS_KEY: begin
        for (int k = 0; k < 10; k++) begin
          if ({28'd0, rd_word[5:2]} == k) rd_data = rss_key_q[k];
        end
      end
      K_RSS_TABLE:  rd_data = {28'd0, rss_table_q[{rd_word[8:2], 2'b00} +: 4]};
      K_RING: begin
        for (int r = 0; r < RINGS; r++) begin
          if ({28'd0, rd_queue} == r % NUM_QUEUES && rd_rx == (r >= NUM_QUEUES)) begin
            unique case (rd_off)
              nic_pkg::RING_BASE_LO:     rd_data = base_lo_q[r];
              nic_pkg::RING_BASE_HI:     rd_data = base_hi_q[r];
              nic_pkg::RING_CPL_BASE_LO: rd_data = cpl_lo_q[r];
              nic_pkg::RING_CPL_BASE_HI: rd_data = cpl_hi_q[r];
              nic_pkg::RING_SIZE_LOG2:   rd_data = {27'd0, size_log2_q[r]};
              nic_pkg::RING_CTRL:        rd_data = {31'd0, enable_q[r]};
              nic_pkg::RING_PROD:        rd_data = {16'd0, prod_q[r]};
              nic_pkg::RING_CONS:        rd_data = {16'd0, r < NUM_QUEUES ? txq_cons[(r % NUM_QUEUES)*16 +: 16]
                                                                          : rxq_cons[(r % NUM_QUEUES)*16 +: 16]};
              nic_pkg::RING_ERR:         rd_data = {24'd0, err_code_q[r]};
              nic_pkg::RING_STAT_PKTS:   rd_data = stat_pkts_q[r];
              nic_pkg::RING_STAT_BYTES:  rd_data = stat_bytes_q[r];
              nic_pkg::RING_STAT_DROPS:  rd_data = stat_drops_q[r];
              nic_pkg::RING_STAT_ERRS:   rd_data = stat_errs_q[r];
              default:                   rd_err  = 1'b1;
            endcase
          end
        end
      end
      K_IRQ: begin
        for (int q = 0; q < NUM_QUEUES; q++) begin
          if ({28'd0, rd_queue} == q) begin
            unique case (rd_off)
              nic_pkg::IRQ_ARM:        rd_data = {31'd0, irq_arm[q]};
              nic_pkg::IRQ_CAUSE:      rd_data = {29'd0, irq_cause[q*3 +: 3]};
              nic_pkg::IRQ_MOD_CYCLES: rd_data = {16'd0, irq_mod_cycles[q*16 +: 16]};
              nic_pkg::IRQ_MOD_PKTS:   rd_data = {16'd0, irq_mod_pkts[q*16 +: 16]};
              default:                 rd_err  = 1'b1;
            endcase
          end
        end
      end
      default: rd_err = 1'b1;
    endcase
    end
  end

  // ---------------------------------------------------------------- writes, events, statistics
  always_comb begin
    logic [31:0] merged;
    logic [31:0] ring_size;
    logic        config_ok;
    logic        hit;
    logic        pkt_hit;
    logic        bad_hit;
    logic        drop_hit;
    logic        eng_err;
    logic [7:0]  eng_code;
    logic        new_err;
    logic [7:0]  new_code;

    rss_en_d     = rss_en_q;
    err_irq_en_d = err_irq_en_q;
    for (int k = 0; k < 10; k++) rss_key_d[k] = rss_key_q[k];
    rss_table_d  = rss_table_q;
    wr_err       = 1'b0;
    irq_wr_valid = 1'b0;
    merged       = merge(32'd0, w_data_q, w_strb_q);

    if (do_write) begin
      unique case (wr_kind)
        K_CTRL: begin
          merged   = merge({31'd0, rss_en_q}, w_data_q, w_strb_q);
          rss_en_d = merged[nic_pkg::REG_CTRL_RSS_EN_LSB];
        end
        K_ERR_IRQ_EN: begin
          merged       = merge({31'd0, err_irq_en_q}, w_data_q, w_strb_q);
          err_irq_en_d = merged[nic_pkg::REG_ERR_IRQ_EN_EN_LSB];
        end
        K_RSS_KEY: begin
          for (int k = 0; k < 10; k++) begin
            if ({28'd0, wr_word[5:2]} == k) rss_key_d[k] = merge(rss_key_q[k], w_data_q, w_strb_q);
          end
        end
        K_RSS_TABLE: begin
          merged = merge({28'd0, rss_table_q[{wr_word[8:2], 2'b00} +: 4]}, w_data_q, w_strb_q);
          if (merged < NUM_QUEUES) begin
            rss_table_d[{wr_word[8:2], 2'b00} +: 4] = merged[3:0];
          end else begin
            wr_err = 1'b1;
          end
        end
        K_RING: begin
          // RO registers; base/size while enabled; offsets between registers (none today)
          if (wr_off == nic_pkg::RING_CONS || wr_off == nic_pkg::RING_ERR || wr_off == nic_pkg::RING_STAT_PKTS
              || wr_off == nic_pkg::RING_STAT_BYTES || wr_off == nic_pkg::RING_STAT_DROPS
              || wr_off == nic_pkg::RING_STAT_ERRS) begin
            wr_err = 1'b1;
          end
          for (int r = 0; r < RINGS; r++) begin
            if ({28'd0, wr_queue} == r % NUM_QUEUES && wr_rx == (r >= NUM_QUEUES) && enable_q[r]
                && wr_off <= nic_pkg::RING_SIZE_LOG2) begin
              wr_err = 1'b1;
            end
          end
        end
        K_IRQ:   irq_wr_valid = 1'b1;
        default: wr_err = 1'b1;  // undefined, ID (RO), ERR_QUEUES (RO)
      endcase
    end

    for (int r = 0; r < RINGS; r++) begin
      base_lo_d[r]    = base_lo_q[r];
      base_hi_d[r]    = base_hi_q[r];
      cpl_lo_d[r]     = cpl_lo_q[r];
      cpl_hi_d[r]     = cpl_hi_q[r];
      size_log2_d[r]  = size_log2_q[r];
      enable_d[r]     = enable_q[r];
      reset_d[r]      = 1'b0;
      prod_d[r]       = prod_q[r];
      in_error_d[r]   = in_error_q[r];
      err_code_d[r]   = err_code_q[r];
      new_err         = 1'b0;
      new_code        = nic_pkg::ERR_NONE;

      hit       = do_write && wr_kind == K_RING && !wr_err
                  && {28'd0, wr_queue} == r % NUM_QUEUES && wr_rx == (r >= NUM_QUEUES);
      ring_size = 32'd1 << size_log2_q[r];
      config_ok = size_log2_q[r] >= 5'd1 && {27'd0, size_log2_q[r]} <= nic_pkg::MAX_RING_LOG2
                  && base_lo_q[r][3:0] == 4'd0 && cpl_lo_q[r][3:0] == 4'd0;

      if (hit) begin
        unique case (wr_off)
          nic_pkg::RING_BASE_LO:     base_lo_d[r] = merge(base_lo_q[r], w_data_q, w_strb_q);
          nic_pkg::RING_BASE_HI:     base_hi_d[r] = merge(base_hi_q[r], w_data_q, w_strb_q);
          nic_pkg::RING_CPL_BASE_LO: cpl_lo_d[r]  = merge(cpl_lo_q[r], w_data_q, w_strb_q);
          nic_pkg::RING_CPL_BASE_HI: cpl_hi_d[r]  = merge(cpl_hi_q[r], w_data_q, w_strb_q);
          nic_pkg::RING_SIZE_LOG2: begin
            if (w_strb_q[0]) size_log2_d[r] = w_data_q[4:0];
          end
          nic_pkg::RING_CTRL: begin
            if (w_strb_q[0]) begin
              if (w_data_q[nic_pkg::RING_CTRL_RESET_LSB]) begin
                reset_d[r]    = 1'b1;
                prod_d[r]     = 16'd0;
                in_error_d[r] = 1'b0;
                err_code_d[r] = nic_pkg::ERR_NONE;
              end
              enable_d[r] = w_data_q[nic_pkg::RING_CTRL_ENABLE_LSB] && config_ok;
              if (w_data_q[nic_pkg::RING_CTRL_ENABLE_LSB] && !config_ok) begin
                new_err  = 1'b1;
                new_code = nic_pkg::ERR_RING_CONFIG;
              end
            end
          end
          nic_pkg::RING_PROD: begin
            merged = merge({16'd0, prod_q[r]}, w_data_q, w_strb_q);
            if (merged[31:16] == 16'd0 && merged < ring_size) begin
              prod_d[r] = merged[15:0];
            end else begin
              new_err  = 1'b1;
              new_code = nic_pkg::ERR_DOORBELL_RANGE;
            end
          end
          default: ;
        endcase
      end

      // engine events of this ring
      if (r < NUM_QUEUES) begin
        pkt_hit  = tx_pkt_valid && {28'd0, tx_pkt_queue} == r;
        eng_err  = tx_err_valid && {28'd0, tx_err_queue} == r;
        eng_code = tx_err_code;
        bad_hit  = 1'b0;
        drop_hit = 1'b0;
      end else begin
        pkt_hit  = rx_pkt_valid && {28'd0, rx_pkt_queue} == r - NUM_QUEUES;
        eng_err  = rx_err_valid && {28'd0, rx_err_queue} == r - NUM_QUEUES;
        eng_code = rx_err_code;
        bad_hit  = rx_bad_valid && {28'd0, rx_bad_queue} == r - NUM_QUEUES;
        drop_hit = rx_drop_valid && {28'd0, rx_drop_queue} == r - NUM_QUEUES;
      end
      // the write's own error wins over an engine error in the same cycle; a reset in this
      // cycle makes the engine forget the queue, so its error is dropped
      if (!new_err && eng_err && !reset_d[r]) begin
        new_err  = 1'b1;
        new_code = eng_code;
      end
      err_entry[r] = new_err && !in_error_d[r];
      if (err_entry[r]) begin
        in_error_d[r] = 1'b1;
        err_code_d[r] = new_code;
      end

      stat_pkts_d[r]  = stat_pkts_q[r] + {31'd0, pkt_hit};
      stat_bytes_d[r] = stat_bytes_q[r] + (pkt_hit ? {16'd0, r < NUM_QUEUES ? tx_pkt_bytes : rx_pkt_bytes} : 32'd0);
      stat_drops_d[r] = stat_drops_q[r] + {31'd0, drop_hit};
      stat_errs_d[r]  = stat_errs_q[r] + {31'd0, bad_hit} + {31'd0, err_entry[r]};
    end

    for (int q = 0; q < NUM_QUEUES; q++) begin
      irq_err_event[q] = err_entry[q] || err_entry[NUM_QUEUES + q];
    end
  end

  // ---------------------------------------------------------------- state
  always_ff @(posedge clk) begin
    aw_held_q    <= aw_held_d;
    aw_addr_q    <= aw_addr_d;
    w_held_q     <= w_held_d;
    w_data_q     <= w_data_d;
    w_strb_q     <= w_strb_d;
    bvalid_q     <= bvalid_d;
    bresp_q      <= bresp_d;
    rvalid_q     <= rvalid_d;
    rresp_q      <= rresp_d;
    rdata_q      <= rdata_d;
    rss_en_q     <= rss_en_d;
    err_irq_en_q <= err_irq_en_d;
    enable_q     <= enable_d;
    reset_q      <= reset_d;
    in_error_q   <= in_error_d;
    for (int k = 0; k < 10; k++) rss_key_q[k] <= rss_key_d[k];
    rss_table_q  <= rss_table_d;
    for (int r = 0; r < RINGS; r++) begin
      base_lo_q[r]    <= base_lo_d[r];
      base_hi_q[r]    <= base_hi_d[r];
      cpl_lo_q[r]     <= cpl_lo_d[r];
      cpl_hi_q[r]     <= cpl_hi_d[r];
      size_log2_q[r]  <= size_log2_d[r];
      prod_q[r]       <= prod_d[r];
      err_code_q[r]   <= err_code_d[r];
      stat_pkts_q[r]  <= stat_pkts_d[r];
      stat_bytes_q[r] <= stat_bytes_d[r];
      stat_drops_q[r] <= stat_drops_d[r];
      stat_errs_q[r]  <= stat_errs_d[r];
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
      for (int k = 0; k < 10; k++) rss_key_q[k] <= 32'd0;
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
    rss_enable   = rss_en_q;
    for (int k = 0; k < 10; k++) rss_key[(9 - k)*32 +: 32] = rss_key_q[k];
    rss_table    = rss_table_q;
  end

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
