// nic_dma: the NIC's DMA engine, an AXI4 master shared by the engines' read and write clients.
//
// Thin wrapper: nic_dma_rd owns AR/R, nic_dma_wr owns AW/W/B; they share nothing but the clock.
// Client interface and behaviour: docs/rtl-architecture.md ("Internal DMA client interface").
// Bursts are INCR, full-width beats (AxSIZE = log2(DATA_WIDTH/8)), aligned down to the beat,
// never crossing 4 KiB, at most 256 beats; client i uses AXI ID i on both halves. Every output
// (AXI and client side) comes from a register, so BFMs may sample them before the clock edge.
`default_nettype none

module nic_dma #(
  parameter int DATA_WIDTH   = 64,  // AXI data width in bits: 64, 128, 256 or 512
  parameter int AXI_ID_WIDTH = 4,   // AXI ID width, 2**AXI_ID_WIDTH >= max(RD_CLIENTS, WR_CLIENTS)
  parameter int RD_CLIENTS   = 3,   // read clients; client i issues ARID i
  parameter int WR_CLIENTS   = 3,   // write clients; client i issues AWID i
  parameter int MAX_BURSTS   = 16   // bursts in flight per client and direction, >= 2
) (
  input  wire                                clk,
  input  wire                                rst_n,

  // read clients
  input  wire  [RD_CLIENTS-1:0]              rd_req_valid,
  output logic [RD_CLIENTS-1:0]              rd_req_ready,
  input  wire  [RD_CLIENTS*64-1:0]           rd_req_addr,
  input  wire  [RD_CLIENTS*16-1:0]           rd_req_len,
  output logic [RD_CLIENTS-1:0]              rd_resp_valid,
  input  wire  [RD_CLIENTS-1:0]              rd_resp_ready,
  output logic [RD_CLIENTS*DATA_WIDTH-1:0]   rd_resp_data,
  output logic [RD_CLIENTS-1:0]              rd_resp_last,
  output logic [RD_CLIENTS-1:0]              rd_resp_err,

  // write clients
  input  wire  [WR_CLIENTS-1:0]              wr_req_valid,
  output logic [WR_CLIENTS-1:0]              wr_req_ready,
  input  wire  [WR_CLIENTS*64-1:0]           wr_req_addr,
  input  wire  [WR_CLIENTS*16-1:0]           wr_req_len,
  input  wire  [WR_CLIENTS-1:0]              wr_data_valid,
  output logic [WR_CLIENTS-1:0]              wr_data_ready,
  input  wire  [WR_CLIENTS*DATA_WIDTH-1:0]   wr_data,
  input  wire  [WR_CLIENTS*DATA_WIDTH/8-1:0] wr_data_strb,
  input  wire  [WR_CLIENTS-1:0]              wr_data_last,
  output logic [WR_CLIENTS-1:0]              wr_resp_valid,
  output logic [WR_CLIENTS-1:0]              wr_resp_err,

  // AXI4 master
  output logic [AXI_ID_WIDTH-1:0]            m_axi_awid,
  output logic [63:0]                        m_axi_awaddr,
  output logic [7:0]                         m_axi_awlen,
  output logic [2:0]                         m_axi_awsize,
  output logic [1:0]                         m_axi_awburst,
  output logic                               m_axi_awlock,
  output logic [3:0]                         m_axi_awcache,
  output logic [2:0]                         m_axi_awprot,
  output logic                               m_axi_awvalid,
  input  wire                                m_axi_awready,
  output logic [DATA_WIDTH-1:0]              m_axi_wdata,
  output logic [DATA_WIDTH/8-1:0]            m_axi_wstrb,
  output logic                               m_axi_wlast,
  output logic                               m_axi_wvalid,
  input  wire                                m_axi_wready,
  input  wire  [AXI_ID_WIDTH-1:0]            m_axi_bid,
  input  wire  [1:0]                         m_axi_bresp,
  input  wire                                m_axi_bvalid,
  output logic                               m_axi_bready,
  output logic [AXI_ID_WIDTH-1:0]            m_axi_arid,
  output logic [63:0]                        m_axi_araddr,
  output logic [7:0]                         m_axi_arlen,
  output logic [2:0]                         m_axi_arsize,
  output logic [1:0]                         m_axi_arburst,
  output logic                               m_axi_arlock,
  output logic [3:0]                         m_axi_arcache,
  output logic [2:0]                         m_axi_arprot,
  output logic                               m_axi_arvalid,
  input  wire                                m_axi_arready,
  input  wire  [AXI_ID_WIDTH-1:0]            m_axi_rid,
  input  wire  [DATA_WIDTH-1:0]              m_axi_rdata,
  input  wire  [1:0]                         m_axi_rresp,
  input  wire                                m_axi_rlast,
  input  wire                                m_axi_rvalid,
  output logic                               m_axi_rready
);

  nic_dma_rd #(
    .DATA_WIDTH  (DATA_WIDTH),
    .AXI_ID_WIDTH(AXI_ID_WIDTH),
    .RD_CLIENTS  (RD_CLIENTS),
    .MAX_BURSTS  (MAX_BURSTS)
  ) u_rd (
    .clk          (clk),
    .rst_n        (rst_n),
    .rd_req_valid (rd_req_valid),
    .rd_req_ready (rd_req_ready),
    .rd_req_addr  (rd_req_addr),
    .rd_req_len   (rd_req_len),
    .rd_resp_valid(rd_resp_valid),
    .rd_resp_ready(rd_resp_ready),
    .rd_resp_data (rd_resp_data),
    .rd_resp_last (rd_resp_last),
    .rd_resp_err  (rd_resp_err),
    .m_axi_arid   (m_axi_arid),
    .m_axi_araddr (m_axi_araddr),
    .m_axi_arlen  (m_axi_arlen),
    .m_axi_arsize (m_axi_arsize),
    .m_axi_arburst(m_axi_arburst),
    .m_axi_arlock (m_axi_arlock),
    .m_axi_arcache(m_axi_arcache),
    .m_axi_arprot (m_axi_arprot),
    .m_axi_arvalid(m_axi_arvalid),
    .m_axi_arready(m_axi_arready),
    .m_axi_rid    (m_axi_rid),
    .m_axi_rdata  (m_axi_rdata),
    .m_axi_rresp  (m_axi_rresp),
    .m_axi_rlast  (m_axi_rlast),
    .m_axi_rvalid (m_axi_rvalid),
    .m_axi_rready (m_axi_rready)
  );

  nic_dma_wr #(
    .DATA_WIDTH  (DATA_WIDTH),
    .AXI_ID_WIDTH(AXI_ID_WIDTH),
    .WR_CLIENTS  (WR_CLIENTS),
    .MAX_BURSTS  (MAX_BURSTS)
  ) u_wr (
    .clk          (clk),
    .rst_n        (rst_n),
    .wr_req_valid (wr_req_valid),
    .wr_req_ready (wr_req_ready),
    .wr_req_addr  (wr_req_addr),
    .wr_req_len   (wr_req_len),
    .wr_data_valid(wr_data_valid),
    .wr_data_ready(wr_data_ready),
    .wr_data      (wr_data),
    .wr_data_strb (wr_data_strb),
    .wr_data_last (wr_data_last),
    .wr_resp_valid(wr_resp_valid),
    .wr_resp_err  (wr_resp_err),
    .m_axi_awid   (m_axi_awid),
    .m_axi_awaddr (m_axi_awaddr),
    .m_axi_awlen  (m_axi_awlen),
    .m_axi_awsize (m_axi_awsize),
    .m_axi_awburst(m_axi_awburst),
    .m_axi_awlock (m_axi_awlock),
    .m_axi_awcache(m_axi_awcache),
    .m_axi_awprot (m_axi_awprot),
    .m_axi_awvalid(m_axi_awvalid),
    .m_axi_awready(m_axi_awready),
    .m_axi_wdata  (m_axi_wdata),
    .m_axi_wstrb  (m_axi_wstrb),
    .m_axi_wlast  (m_axi_wlast),
    .m_axi_wvalid (m_axi_wvalid),
    .m_axi_wready (m_axi_wready),
    .m_axi_bid    (m_axi_bid),
    .m_axi_bresp  (m_axi_bresp),
    .m_axi_bvalid (m_axi_bvalid),
    .m_axi_bready (m_axi_bready)
  );

endmodule

`default_nettype wire
