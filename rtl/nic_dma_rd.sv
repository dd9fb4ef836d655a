// nic_dma_rd: read half of the DMA engine (AXI4 AR/R master).
//
// Each client posts byte-granular read requests (any address, 1..65535 bytes). A request is
// split into INCR bursts of full-width beats that never cross a 4 KiB page and never exceed
// 256 beats; the first burst starts at the request address aligned down to the beat, so the
// byte at address A arrives on lane A % BEAT_BYTES. Clients are served round-robin one burst
// at a time; client i uses ARID i and may have up to MAX_BURSTS bursts in flight (counted from
// AR issue until the burst's last beat is handed to the client). Behind the request being split
// each client has one pending slot (rd_req_ready = slot empty), so single-burst requests are
// taken and issued at one per cycle. The request side (pending slots, splitters, round-robin,
// per-client FIFO of bursts in flight) is nic_dma_split, shared with nic_dma_wr.
//
// R beats are routed to the client named by RID through a two-entry register slice (so
// m_axi_rready and every client-side output are registers). Beats of different clients may
// interleave; beats of one client come in request order because they share an ID. A client
// that stalls rd_resp_ready stalls the shared R channel, so clients should sink beats promptly.
// rd_resp_last marks the last beat of the request, rd_resp_err marks beats with RRESP != OKAY.
// Beats with an RID no client owns are dropped. A request length of 0 is read as 1 byte.
//
// Neighbours: clients hold rd_req_addr/len stable while rd_req_valid waits for ready; the AXI
// slave follows AXI4 (in-order responses per ID, RLAST on the last beat of each burst).
`default_nettype none

module nic_dma_rd #(
  parameter int DATA_WIDTH   = 64,  // AXI data width in bits: 64, 128, 256 or 512
  parameter int AXI_ID_WIDTH = 4,   // AXI ID width, 2**AXI_ID_WIDTH >= RD_CLIENTS
  parameter int RD_CLIENTS   = 3,   // read clients; client i issues ARID i
  parameter int MAX_BURSTS   = 16   // bursts in flight per client, >= 2
) (
  input  wire                              clk,
  input  wire                              rst_n,

  // read clients, client i at [i*W +: W]
  input  wire  [RD_CLIENTS-1:0]            rd_req_valid,
  output logic [RD_CLIENTS-1:0]            rd_req_ready,
  input  wire  [RD_CLIENTS*64-1:0]         rd_req_addr,
  input  wire  [RD_CLIENTS*16-1:0]         rd_req_len,
  output logic [RD_CLIENTS-1:0]            rd_resp_valid,
  input  wire  [RD_CLIENTS-1:0]            rd_resp_ready,
  output logic [RD_CLIENTS*DATA_WIDTH-1:0] rd_resp_data,
  output logic [RD_CLIENTS-1:0]            rd_resp_last,
  output logic [RD_CLIENTS-1:0]            rd_resp_err,

  // AXI4 master, read address and read data channels
  output logic [AXI_ID_WIDTH-1:0]          m_axi_arid,
  output logic [63:0]                      m_axi_araddr,
  output logic [7:0]                       m_axi_arlen,
  output logic [2:0]                       m_axi_arsize,
  output logic [1:0]                       m_axi_arburst,
  output logic                             m_axi_arlock,
  output logic [3:0]                       m_axi_arcache,
  output logic [2:0]                       m_axi_arprot,
  output logic                             m_axi_arvalid,
  input  wire                              m_axi_arready,
  input  wire  [AXI_ID_WIDTH-1:0]          m_axi_rid,
  input  wire  [DATA_WIDTH-1:0]            m_axi_rdata,
  input  wire  [1:0]                       m_axi_rresp,
  input  wire                              m_axi_rlast,
  input  wire                              m_axi_rvalid,
  output logic                             m_axi_rready
);

  localparam int BEAT_BYTES = DATA_WIDTH / 8;
  localparam int BEAT_LOG2  = $clog2(BEAT_BYTES);
  localparam int N          = RD_CLIENTS;
  localparam int CW         = (N > 1) ? $clog2(N) : 1;

  // ---- request side: pending slots, splitters, round-robin, bursts in flight ----
  logic                  burst_valid;
  logic [N-1:0]          burst_hot;
  logic [CW-1:0]         burst_client;
  logic [63:0]           burst_addr;
  logic [7:0]            burst_len;
  logic                  burst_end;
  logic                  ar_take;                   // the offered burst issues on AR
  logic [N-1:0]          done_burst;                // client got the last beat of a burst
  logic [N-1:0]          head_tag;                  // client's oldest burst is its request's last

  // ---- AR output register ----
  logic                    arvalid_q;
  logic [63:0]             araddr_q;
  logic [7:0]              arlen_q;
  logic [AXI_ID_WIDTH-1:0] arid_q;

  // ---- R register slice: output stage and skid stage ----
  logic                  out_valid_q;
  logic [N-1:0]          out_hot_q;                 // one-hot client, 0 = unknown ID (drop)
  logic [DATA_WIDTH-1:0] out_data_q;
  logic                  out_last_q;                // RLAST
  logic                  out_err_q;
  logic                  skid_valid_q;
  logic [N-1:0]          skid_hot_q;
  logic [DATA_WIDTH-1:0] skid_data_q;
  logic                  skid_last_q;
  logic                  skid_err_q;

  logic                  r_fire;                    // R beat accepted
  logic                  out_fire;                  // output stage handed over (or dropped)

  nic_dma_split #(
    .BEAT_LOG2 (BEAT_LOG2),
    .CLIENTS   (N),
    .MAX_BURSTS(MAX_BURSTS)
  ) u_split (
    .clk         (clk),
    .rst_n       (rst_n),
    .req_valid   (rd_req_valid),
    .req_ready   (rd_req_ready),
    .req_addr    (rd_req_addr),
    .req_len     (rd_req_len),
    .burst_valid (burst_valid),
    .burst_hot   (burst_hot),
    .burst_client(burst_client),
    .burst_addr  (burst_addr),
    .burst_len   (burst_len),
    .burst_end   (burst_end),
    .burst_take  (ar_take),
    .done        (done_burst),
    .done_end    (head_tag)
  );

  // The burst's end flag matters only to the splitter (kept in its tag FIFO).
  logic unused_end;
  assign unused_end = ^{burst_end, burst_hot};

  // Every client-facing output and m_axi_rready come from registers.
  always_comb begin
    m_axi_rready = !skid_valid_q;
    for (int i = 0; i < N; i++) begin
      rd_resp_valid[i] = out_valid_q && out_hot_q[i];
      rd_resp_data[i*DATA_WIDTH +: DATA_WIDTH] = out_data_q;
      rd_resp_last[i]  = out_valid_q && out_hot_q[i] && out_last_q && head_tag[i];
      rd_resp_err[i]   = out_valid_q && out_hot_q[i] && out_err_q;
    end
  end

  // The few handshake terms that read inputs; everything wider is computed on the clock edge.
  assign ar_take  = (!arvalid_q || m_axi_arready) && burst_valid;
  assign r_fire   = m_axi_rvalid && !skid_valid_q;
  assign out_fire = out_valid_q && (((out_hot_q & rd_resp_ready) != '0) || (out_hot_q == '0));
  assign done_burst = (out_fire && out_last_q) ? out_hot_q : '0;

  // one-hot client owning an RID, 0 when no client does
  function automatic logic [N-1:0] id_hot(input logic [AXI_ID_WIDTH-1:0] id);
    for (int i = 0; i < N; i++) id_hot[i] = (id == i[AXI_ID_WIDTH-1:0]);
  endfunction

  always_ff @(posedge clk) begin
    // ---- AR issue ----
    if (m_axi_arready) arvalid_q <= 1'b0;
    if (ar_take) begin
      arvalid_q <= 1'b1;
      araddr_q  <= burst_addr;
      arlen_q   <= burst_len;
      arid_q    <= '0;
      arid_q[CW-1:0] <= burst_client;
    end

    // ---- R: route by RID through the register slice ----
    if (out_valid_q || skid_valid_q || m_axi_rvalid) begin
      if (out_fire || !out_valid_q) begin
        if (skid_valid_q) begin
          out_valid_q  <= 1'b1;
          out_hot_q    <= skid_hot_q;
          out_data_q   <= skid_data_q;
          out_last_q   <= skid_last_q;
          out_err_q    <= skid_err_q;
          skid_valid_q <= 1'b0;
        end else begin
          out_valid_q <= r_fire;
          if (r_fire) begin
            out_hot_q  <= id_hot(m_axi_rid);
            out_data_q <= m_axi_rdata;
            out_last_q <= m_axi_rlast;
            out_err_q  <= (m_axi_rresp != 2'b00);
          end
        end
      end else if (r_fire) begin
        skid_valid_q <= 1'b1;
        skid_hot_q   <= id_hot(m_axi_rid);
        skid_data_q  <= m_axi_rdata;
        skid_last_q  <= m_axi_rlast;
        skid_err_q   <= (m_axi_rresp != 2'b00);
      end
    end

    if (!rst_n) begin
      arvalid_q    <= 1'b0;
      out_valid_q  <= 1'b0;
      skid_valid_q <= 1'b0;
    end
  end

  assign m_axi_arid    = arid_q;
  assign m_axi_araddr  = araddr_q;
  assign m_axi_arlen   = arlen_q;
  assign m_axi_arsize  = BEAT_LOG2[2:0];
  assign m_axi_arburst = 2'b01;   // INCR
  assign m_axi_arlock  = 1'b0;
  assign m_axi_arcache = 4'b0011; // normal non-cacheable bufferable
  assign m_axi_arprot  = 3'b000;
  assign m_axi_arvalid = arvalid_q;

endmodule

`default_nettype wire
