// nic_top: the NIC. Wiring only: registers and interrupts (nic_regs), the TX and RX engines,
// and the DMA master they share (nic_dma). See docs/rtl-architecture.md for the block diagram
// and docs/contract.md for what software sees.
//
// DMA clients (the client index is also its AXI ID):
//   read  0: TX descriptors   1: TX data         2: RX buffer descriptors
//   write 0: TX completions   1: RX frame data   2: RX completions
`default_nettype none

module nic_top #(
  parameter int DATA_WIDTH   = 64,  // AXI4 DMA and AXI-Stream data width: 64, 128, 256 or 512
  parameter int NUM_QUEUES   = 4,   // TX/RX queue pairs, 1..16
  parameter int AXI_ID_WIDTH = 4    // DMA master ID width (>= 2: three clients per direction)
) (
  input  wire                          clk,
  input  wire                          rst_n,

  // AXI4-Lite slave: registers
  input  wire  [15:0]                  s_axil_awaddr,
  input  wire  [2:0]                   s_axil_awprot,
  input  wire                          s_axil_awvalid,
  output logic                         s_axil_awready,
  input  wire  [31:0]                  s_axil_wdata,
  input  wire  [3:0]                   s_axil_wstrb,
  input  wire                          s_axil_wvalid,
  output logic                         s_axil_wready,
  output logic [1:0]                   s_axil_bresp,
  output logic                         s_axil_bvalid,
  input  wire                          s_axil_bready,
  input  wire  [15:0]                  s_axil_araddr,
  input  wire  [2:0]                   s_axil_arprot,
  input  wire                          s_axil_arvalid,
  output logic                         s_axil_arready,
  output logic [31:0]                  s_axil_rdata,
  output logic [1:0]                   s_axil_rresp,
  output logic                         s_axil_rvalid,
  input  wire                          s_axil_rready,

  // AXI4 master: DMA to host memory
  output logic [AXI_ID_WIDTH-1:0]      m_axi_awid,
  output logic [63:0]                  m_axi_awaddr,
  output logic [7:0]                   m_axi_awlen,
  output logic [2:0]                   m_axi_awsize,
  output logic [1:0]                   m_axi_awburst,
  output logic                         m_axi_awlock,
  output logic [3:0]                   m_axi_awcache,
  output logic [2:0]                   m_axi_awprot,
  output logic                         m_axi_awvalid,
  input  wire                          m_axi_awready,
  output logic [DATA_WIDTH-1:0]        m_axi_wdata,
  output logic [DATA_WIDTH/8-1:0]      m_axi_wstrb,
  output logic                         m_axi_wlast,
  output logic                         m_axi_wvalid,
  input  wire                          m_axi_wready,
  input  wire  [AXI_ID_WIDTH-1:0]      m_axi_bid,
  input  wire  [1:0]                   m_axi_bresp,
  input  wire                          m_axi_bvalid,
  output logic                         m_axi_bready,
  output logic [AXI_ID_WIDTH-1:0]      m_axi_arid,
  output logic [63:0]                  m_axi_araddr,
  output logic [7:0]                   m_axi_arlen,
  output logic [2:0]                   m_axi_arsize,
  output logic [1:0]                   m_axi_arburst,
  output logic                         m_axi_arlock,
  output logic [3:0]                   m_axi_arcache,
  output logic [2:0]                   m_axi_arprot,
  output logic                         m_axi_arvalid,
  input  wire                          m_axi_arready,
  input  wire  [AXI_ID_WIDTH-1:0]      m_axi_rid,
  input  wire  [DATA_WIDTH-1:0]        m_axi_rdata,
  input  wire  [1:0]                   m_axi_rresp,
  input  wire                          m_axi_rlast,
  input  wire                          m_axi_rvalid,
  output logic                         m_axi_rready,

  // AXI-Stream master: TX to the wire
  output logic [DATA_WIDTH-1:0]        m_axis_tx_tdata,
  output logic [DATA_WIDTH/8-1:0]      m_axis_tx_tkeep,
  output logic                         m_axis_tx_tlast,
  output logic                         m_axis_tx_tuser,
  output logic                         m_axis_tx_tvalid,
  input  wire                          m_axis_tx_tready,

  // AXI-Stream slave: RX from the wire (tuser on the last beat marks a bad frame)
  input  wire  [DATA_WIDTH-1:0]        s_axis_rx_tdata,
  input  wire  [DATA_WIDTH/8-1:0]      s_axis_rx_tkeep,
  input  wire                          s_axis_rx_tlast,
  input  wire                          s_axis_rx_tuser,
  input  wire                          s_axis_rx_tvalid,
  output logic                         s_axis_rx_tready,

  // interrupts: one-cycle pulses
  output logic [NUM_QUEUES-1:0]        irq_queue,
  output logic                         irq_error
);

  localparam int NQ = NUM_QUEUES;
  localparam int DW = DATA_WIDTH;
  localparam int B  = DATA_WIDTH / 8;

  // ---- registers <-> engines ----
  logic [NQ*64-1:0] txq_base, txq_cpl_base, rxq_base, rxq_cpl_base;
  logic [NQ*5-1:0]  txq_size_log2, rxq_size_log2;
  logic [NQ-1:0]    txq_enable, txq_reset, txq_in_error, rxq_enable, rxq_reset, rxq_in_error;
  logic [NQ*16-1:0] txq_prod, txq_cons, rxq_prod, rxq_cons;
  logic             tx_pkt_valid, tx_err_valid, rx_pkt_valid, rx_err_valid, rx_drop_valid, rx_bad_valid;
  logic [3:0]       tx_pkt_queue, tx_err_queue, rx_pkt_queue, rx_err_queue, rx_drop_queue, rx_bad_queue;
  logic [15:0]      tx_pkt_bytes, rx_pkt_bytes;
  logic [7:0]       tx_err_code, rx_err_code;
  logic             tx_sent_valid, rx_taken_valid, rx_idle;
  logic [3:0]       tx_sent_queue, rx_taken_queue;
  logic [NQ-1:0]    txq_idle, rxq_idle;
  logic             rss_enable;
  logic [319:0]     rss_key;
  logic [128*4-1:0] rss_table;

  // ---- DMA clients (see the header comment for the numbering) ----
  localparam int RD_CLIENTS = 3;
  localparam int WR_CLIENTS = 3;
  // Sized for a 200-cycle memory round trip (docs/performance.md, "Hardware efficiency"): at one
  // burst per cycle (one-beat frames at 512 bits) a client needs ~200 bursts in flight; a burst
  // costs one tag bit per client (plus one W-order entry for writes).
  localparam int DMA_MAX_BURSTS = 256;
  // Two maximum frames plus a latency's worth of reads: a 9000-byte frame's data is read while
  // the previous one streams out (16 KiB held one such frame at a time: 0.73 of the wire).
  localparam int TX_FIFO_BYTES = 32768;
  // TX packets in flight (data reads, packets between issue and output, completion writes): at
  // a 200-cycle round trip, one-beat frames at 512 bits need ~165 (0.8 frames per cycle over
  // ~206 cycles). The queue FIFOs are RAMs, so the depth costs storage, not logic.
  localparam int TX_INFLIGHT   = 256;
  // Descriptors fetched ahead of the data reads: a descriptor read is answered after every data
  // read issued before it (one R channel, in order), so the buffer must hold more than the data
  // reads in flight (TX_INFLIGHT) plus what the descriptor reads in flight bring; with 64 the
  // data stage waited for descriptors (64-byte frames at 512 bits: 0.155 of the wire).
  localparam int TX_DESC_BUF   = 512;
  localparam int TX_DESC_READS = 32;
  logic [RD_CLIENTS-1:0]      rd_req_valid, rd_req_ready, rd_resp_valid, rd_resp_ready, rd_resp_last, rd_resp_err;
  logic [RD_CLIENTS*64-1:0]   rd_req_addr;
  logic [RD_CLIENTS*16-1:0]   rd_req_len;
  logic [RD_CLIENTS*DW-1:0]   rd_resp_data;
  logic [WR_CLIENTS-1:0]      wr_req_valid, wr_req_ready, wr_data_valid, wr_data_ready, wr_data_last;
  logic [WR_CLIENTS-1:0]      wr_resp_valid, wr_resp_err;
  logic [WR_CLIENTS*64-1:0]   wr_req_addr;
  logic [WR_CLIENTS*16-1:0]   wr_req_len;
  logic [WR_CLIENTS*DW-1:0]   wr_data;
  logic [WR_CLIENTS*B-1:0]    wr_data_strb;

  nic_regs #(
    .DATA_WIDTH (DW),
    .NUM_QUEUES (NQ)
  ) regs (
    .clk, .rst_n,
    .s_axil_awaddr, .s_axil_awprot, .s_axil_awvalid, .s_axil_awready,
    .s_axil_wdata, .s_axil_wstrb, .s_axil_wvalid, .s_axil_wready,
    .s_axil_bresp, .s_axil_bvalid, .s_axil_bready,
    .s_axil_araddr, .s_axil_arprot, .s_axil_arvalid, .s_axil_arready,
    .s_axil_rdata, .s_axil_rresp, .s_axil_rvalid, .s_axil_rready,
    .txq_base, .txq_cpl_base, .txq_size_log2, .txq_enable, .txq_reset, .txq_prod, .txq_in_error,
    .txq_cons, .tx_pkt_valid, .tx_pkt_queue, .tx_pkt_bytes, .tx_err_valid, .tx_err_queue, .tx_err_code,
    .rxq_base, .rxq_cpl_base, .rxq_size_log2, .rxq_enable, .rxq_reset, .rxq_prod, .rxq_in_error,
    .rxq_cons, .rx_pkt_valid, .rx_pkt_queue, .rx_pkt_bytes, .rx_err_valid, .rx_err_queue, .rx_err_code,
    .rx_drop_valid, .rx_drop_queue, .rx_bad_valid, .rx_bad_queue,
    .tx_sent_valid, .tx_sent_queue, .txq_idle, .rx_taken_valid, .rx_taken_queue, .rxq_idle, .rx_idle,
    .rss_enable, .rss_key, .rss_table,
    .irq_queue, .irq_error
  );

  nic_tx_engine #(
    .DATA_WIDTH (DW),
    .NUM_QUEUES (NQ),
    .FIFO_BYTES (TX_FIFO_BYTES),
    .DESC_BUF   (TX_DESC_BUF),
    .DESC_READS (TX_DESC_READS),
    .DATA_READS (TX_INFLIGHT),
    .PKTS       (TX_INFLIGHT),
    .CPL_WRITES (TX_INFLIGHT)
  ) tx (
    .clk, .rst_n,
    .txq_base, .txq_cpl_base, .txq_size_log2, .txq_enable, .txq_reset, .txq_prod, .txq_in_error,
    .txq_cons, .tx_pkt_valid, .tx_pkt_queue, .tx_pkt_bytes, .tx_err_valid, .tx_err_queue, .tx_err_code,
    .tx_sent_valid, .tx_sent_queue, .txq_idle,

    .desc_rd_req_valid  (rd_req_valid[0]),
    .desc_rd_req_ready  (rd_req_ready[0]),
    .desc_rd_req_addr   (rd_req_addr[0*64 +: 64]),
    .desc_rd_req_len    (rd_req_len[0*16 +: 16]),
    .desc_rd_resp_valid (rd_resp_valid[0]),
    .desc_rd_resp_ready (rd_resp_ready[0]),
    .desc_rd_resp_data  (rd_resp_data[0*DW +: DW]),
    .desc_rd_resp_last  (rd_resp_last[0]),
    .desc_rd_resp_err   (rd_resp_err[0]),

    .data_rd_req_valid  (rd_req_valid[1]),
    .data_rd_req_ready  (rd_req_ready[1]),
    .data_rd_req_addr   (rd_req_addr[1*64 +: 64]),
    .data_rd_req_len    (rd_req_len[1*16 +: 16]),
    .data_rd_resp_valid (rd_resp_valid[1]),
    .data_rd_resp_ready (rd_resp_ready[1]),
    .data_rd_resp_data  (rd_resp_data[1*DW +: DW]),
    .data_rd_resp_last  (rd_resp_last[1]),
    .data_rd_resp_err   (rd_resp_err[1]),

    .cpl_wr_req_valid   (wr_req_valid[0]),
    .cpl_wr_req_ready   (wr_req_ready[0]),
    .cpl_wr_req_addr    (wr_req_addr[0*64 +: 64]),
    .cpl_wr_req_len     (wr_req_len[0*16 +: 16]),
    .cpl_wr_data_valid  (wr_data_valid[0]),
    .cpl_wr_data_ready  (wr_data_ready[0]),
    .cpl_wr_data        (wr_data[0*DW +: DW]),
    .cpl_wr_data_strb   (wr_data_strb[0*B +: B]),
    .cpl_wr_data_last   (wr_data_last[0]),
    .cpl_wr_resp_valid  (wr_resp_valid[0]),
    .cpl_wr_resp_err    (wr_resp_err[0]),

    .m_axis_tx_tdata, .m_axis_tx_tkeep, .m_axis_tx_tlast, .m_axis_tx_tuser,
    .m_axis_tx_tvalid, .m_axis_tx_tready
  );

  nic_rx_engine #(
    .DATA_WIDTH (DW),
    .NUM_QUEUES (NQ)
  ) rx (
    .clk, .rst_n,
    .s_axis_rx_tdata, .s_axis_rx_tkeep, .s_axis_rx_tlast, .s_axis_rx_tuser,
    .s_axis_rx_tvalid, .s_axis_rx_tready,
    .rxq_base, .rxq_cpl_base, .rxq_size_log2, .rxq_enable, .rxq_reset, .rxq_prod, .rxq_in_error,
    .rss_enable, .rss_key, .rss_table,
    .rxq_cons, .rx_pkt_valid, .rx_pkt_queue, .rx_pkt_bytes, .rx_err_valid, .rx_err_queue, .rx_err_code,
    .rx_drop_valid, .rx_drop_queue, .rx_bad_valid, .rx_bad_queue,
    .rx_taken_valid, .rx_taken_queue, .rxq_idle, .rx_idle,

    .desc_rd_req_valid  (rd_req_valid[2]),
    .desc_rd_req_ready  (rd_req_ready[2]),
    .desc_rd_req_addr   (rd_req_addr[2*64 +: 64]),
    .desc_rd_req_len    (rd_req_len[2*16 +: 16]),
    .desc_rd_resp_valid (rd_resp_valid[2]),
    .desc_rd_resp_ready (rd_resp_ready[2]),
    .desc_rd_resp_data  (rd_resp_data[2*DW +: DW]),
    .desc_rd_resp_last  (rd_resp_last[2]),
    .desc_rd_resp_err   (rd_resp_err[2]),

    .data_wr_req_valid  (wr_req_valid[1]),
    .data_wr_req_ready  (wr_req_ready[1]),
    .data_wr_req_addr   (wr_req_addr[1*64 +: 64]),
    .data_wr_req_len    (wr_req_len[1*16 +: 16]),
    .data_wr_data_valid (wr_data_valid[1]),
    .data_wr_data_ready (wr_data_ready[1]),
    .data_wr_data       (wr_data[1*DW +: DW]),
    .data_wr_data_strb  (wr_data_strb[1*B +: B]),
    .data_wr_data_last  (wr_data_last[1]),
    .data_wr_resp_valid (wr_resp_valid[1]),
    .data_wr_resp_err   (wr_resp_err[1]),

    .cpl_wr_req_valid   (wr_req_valid[2]),
    .cpl_wr_req_ready   (wr_req_ready[2]),
    .cpl_wr_req_addr    (wr_req_addr[2*64 +: 64]),
    .cpl_wr_req_len     (wr_req_len[2*16 +: 16]),
    .cpl_wr_data_valid  (wr_data_valid[2]),
    .cpl_wr_data_ready  (wr_data_ready[2]),
    .cpl_wr_data        (wr_data[2*DW +: DW]),
    .cpl_wr_data_strb   (wr_data_strb[2*B +: B]),
    .cpl_wr_data_last   (wr_data_last[2]),
    .cpl_wr_resp_valid  (wr_resp_valid[2]),
    .cpl_wr_resp_err    (wr_resp_err[2])
  );

  nic_dma #(
    .DATA_WIDTH   (DW),
    .AXI_ID_WIDTH (AXI_ID_WIDTH),
    .RD_CLIENTS   (RD_CLIENTS),
    .WR_CLIENTS   (WR_CLIENTS),
    .MAX_BURSTS   (DMA_MAX_BURSTS)
  ) dma (
    .clk, .rst_n,
    .rd_req_valid, .rd_req_ready, .rd_req_addr, .rd_req_len,
    .rd_resp_valid, .rd_resp_ready, .rd_resp_data, .rd_resp_last, .rd_resp_err,
    .wr_req_valid, .wr_req_ready, .wr_req_addr, .wr_req_len,
    .wr_data_valid, .wr_data_ready, .wr_data, .wr_data_strb, .wr_data_last,
    .wr_resp_valid, .wr_resp_err,
    .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize, .m_axi_awburst, .m_axi_awlock,
    .m_axi_awcache, .m_axi_awprot, .m_axi_awvalid, .m_axi_awready,
    .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast, .m_axi_wvalid, .m_axi_wready,
    .m_axi_bid, .m_axi_bresp, .m_axi_bvalid, .m_axi_bready,
    .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize, .m_axi_arburst, .m_axi_arlock,
    .m_axi_arcache, .m_axi_arprot, .m_axi_arvalid, .m_axi_arready,
    .m_axi_rid, .m_axi_rdata, .m_axi_rresp, .m_axi_rlast, .m_axi_rvalid, .m_axi_rready
  );

endmodule

`default_nettype wire
