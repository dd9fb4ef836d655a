// nic_top_checkers: binds one protocol checker to every bus of nic_top (test builds only).
// Compile it together with rtl/files.f and the three checker modules of this folder; nic_top
// itself is untouched and the model keeps nic_top's ports:
//   chk_s_axil     axil_slave_checker  on s_axil_*      (registers)
//   chk_m_axi      axi4_master_checker on m_axi_*       (DMA master, and the host memory answering it)
//   chk_m_axis_tx  axis_checker        on m_axis_tx_*   (frames <= nic_pkg::MAX_FRAME_BYTES)
//   chk_s_axis_rx  axis_checker        on s_axis_rx_*   (frames <= RX_MAX_WIRE_FRAME_BYTES: the wire may
//                                                        send over-long frames, which the NIC truncates)
// and one contract cover module inside a block (it counts, it never stops a run):
//   cover_irq      nic_irq_cover       in nic_irq (why each interrupt fired, same-cycle races)
// `bind` (supported by Verilator 5.006) elaborates each checker inside nic_top, so the
// parameter overrides see nic_top's own parameters (DATA_WIDTH, AXI_ID_WIDTH).
`default_nettype none

bind nic_top axil_slave_checker #(
  .ADDR_WIDTH (16),
  .DATA_WIDTH (32)
) chk_s_axil (
  .clk     (clk),
  .rst_n   (rst_n),
  .awaddr  (s_axil_awaddr),
  .awprot  (s_axil_awprot),
  .awvalid (s_axil_awvalid),
  .awready (s_axil_awready),
  .wdata   (s_axil_wdata),
  .wstrb   (s_axil_wstrb),
  .wvalid  (s_axil_wvalid),
  .wready  (s_axil_wready),
  .bresp   (s_axil_bresp),
  .bvalid  (s_axil_bvalid),
  .bready  (s_axil_bready),
  .araddr  (s_axil_araddr),
  .arprot  (s_axil_arprot),
  .arvalid (s_axil_arvalid),
  .arready (s_axil_arready),
  .rdata   (s_axil_rdata),
  .rresp   (s_axil_rresp),
  .rvalid  (s_axil_rvalid),
  .rready  (s_axil_rready)
);

bind nic_top axi4_master_checker #(
  .DATA_WIDTH      (DATA_WIDTH),
  .ID_WIDTH        (AXI_ID_WIDTH),
  .ADDR_WIDTH      (64),
  .MAX_OUTSTANDING (DMA_MAX_BURSTS),  // nic_dma keeps up to this many bursts in flight per ID
  .W_QUEUE_DEPTH   (DMA_MAX_BURSTS)   // and as many AWs ahead of their W data
) chk_m_axi (
  .clk     (clk),
  .rst_n   (rst_n),
  .awid    (m_axi_awid),
  .awaddr  (m_axi_awaddr),
  .awlen   (m_axi_awlen),
  .awsize  (m_axi_awsize),
  .awburst (m_axi_awburst),
  .awlock  (m_axi_awlock),
  .awcache (m_axi_awcache),
  .awprot  (m_axi_awprot),
  .awvalid (m_axi_awvalid),
  .awready (m_axi_awready),
  .wdata   (m_axi_wdata),
  .wstrb   (m_axi_wstrb),
  .wlast   (m_axi_wlast),
  .wvalid  (m_axi_wvalid),
  .wready  (m_axi_wready),
  .bid     (m_axi_bid),
  .bresp   (m_axi_bresp),
  .bvalid  (m_axi_bvalid),
  .bready  (m_axi_bready),
  .arid    (m_axi_arid),
  .araddr  (m_axi_araddr),
  .arlen   (m_axi_arlen),
  .arsize  (m_axi_arsize),
  .arburst (m_axi_arburst),
  .arlock  (m_axi_arlock),
  .arcache (m_axi_arcache),
  .arprot  (m_axi_arprot),
  .arvalid (m_axi_arvalid),
  .arready (m_axi_arready),
  .rid     (m_axi_rid),
  .rdata   (m_axi_rdata),
  .rresp   (m_axi_rresp),
  .rlast   (m_axi_rlast),
  .rvalid  (m_axi_rvalid),
  .rready  (m_axi_rready)
);

bind nic_top axis_checker #(
  .DATA_WIDTH      (DATA_WIDTH),
  .USER_WIDTH      (1),
  .MAX_FRAME_BYTES (nic_pkg::MAX_FRAME_BYTES)
) chk_m_axis_tx (
  .clk    (clk),
  .rst_n  (rst_n),
  .tdata  (m_axis_tx_tdata),
  .tkeep  (m_axis_tx_tkeep),
  .tlast  (m_axis_tx_tlast),
  .tuser  (m_axis_tx_tuser),
  .tvalid (m_axis_tx_tvalid),
  .tready (m_axis_tx_tready)
);

bind nic_top axis_checker #(
  .DATA_WIDTH      (DATA_WIDTH),
  .USER_WIDTH      (1),
  .MAX_FRAME_BYTES (65535)  // RX_MAX_WIRE_FRAME_BYTES: anything a 16-bit length can say
) chk_s_axis_rx (
  .clk    (clk),
  .rst_n  (rst_n),
  .tdata  (s_axis_rx_tdata),
  .tkeep  (s_axis_rx_tkeep),
  .tlast  (s_axis_rx_tlast),
  .tuser  (s_axis_rx_tuser),
  .tvalid (s_axis_rx_tvalid),
  .tready (s_axis_rx_tready)
);

bind nic_irq nic_irq_cover #(
  .NUM_QUEUES (NUM_QUEUES)
) cover_irq (
  .clk           (clk),
  .rst_n         (rst_n),
  .reg_wr_valid  (reg_wr_valid),
  .reg_wr_queue  (reg_wr_queue),
  .reg_wr_offset (reg_wr_offset),
  .reg_wr_data   (reg_wr_data),
  .reg_wr_strb   (reg_wr_strb),
  .tx_pkt_valid  (tx_pkt_valid),
  .tx_pkt_queue  (tx_pkt_queue),
  .rx_pkt_valid  (rx_pkt_valid),
  .rx_pkt_queue  (rx_pkt_queue),
  .fire          (fire),
  .cause_q       (cause_q),
  .pkts_q        (pkts_q),
  .mod_pkts_q    (mod_pkts_q)
);

`default_nettype wire
