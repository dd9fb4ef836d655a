// nic_dma_wr: write half of the DMA engine (AXI4 AW/W/B master).
//
// Each client posts byte-granular write requests (any address, 1..65535 bytes) and then
// streams the request's beats, beat-aligned (the byte for address A on lane A % BEAT_BYTES,
// strobes marking the bytes to write). A request is split into INCR bursts that never cross a
// 4 KiB page and never exceed 256 beats, exactly like reads. Clients are served round-robin one
// burst at a time; client i uses AWID i and may have up to MAX_BURSTS bursts in flight (from AW
// issue until the burst's B response). Behind the request being split each client has one
// pending slot (wr_req_ready = slot empty), so single-burst requests are taken at one per cycle.
// The request side (pending slots, splitters, round-robin, per-client FIFO of bursts in flight)
// is nic_dma_split, shared with nic_dma_rd.
//
// AXI4 has no write interleaving, so W beats follow AW order: every issued AW pushes
// (client, beats) into an order queue, and the W mux takes that many beats from that client,
// adding WLAST. A client's data beats are taken only once the AW of their burst is issued.
// W goes through a two-entry register slice, so wr_data_ready and m_axi_w* are registers.
// B is always accepted; when the last burst of a request is answered the client gets one
// wr_resp_valid pulse, with wr_resp_err set if any burst of the request got SLVERR/DECERR.
// B responses with an ID no client owns are ignored. A request length of 0 is read as 1 byte.
//
// Neighbours: clients hold wr_req_addr/len stable while wr_req_valid waits for ready and send
// exactly ceil((addr % BEAT_BYTES + len) / BEAT_BYTES) beats per request, wr_data_last on the
// last (checked in simulation); the AXI slave answers each burst with one B.
`default_nettype none

module nic_dma_wr #(
  parameter int DATA_WIDTH   = 64,  // AXI data width in bits: 64, 128, 256 or 512
  parameter int AXI_ID_WIDTH = 4,   // AXI ID width, 2**AXI_ID_WIDTH >= WR_CLIENTS
  parameter int WR_CLIENTS   = 3,   // write clients; client i issues AWID i
  parameter int MAX_BURSTS   = 16   // bursts in flight per client (and AW-ahead-of-W depth), >= 2
) (
  input  wire                              clk,
  input  wire                              rst_n,

  // write clients, client i at [i*W +: W]
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

  // AXI4 master, write address, write data and write response channels
  output logic [AXI_ID_WIDTH-1:0]          m_axi_awid,
  output logic [63:0]                      m_axi_awaddr,
  output logic [7:0]                       m_axi_awlen,
  output logic [2:0]                       m_axi_awsize,
  output logic [1:0]                       m_axi_awburst,
  output logic                             m_axi_awlock,
  output logic [3:0]                       m_axi_awcache,
  output logic [2:0]                       m_axi_awprot,
  output logic                             m_axi_awvalid,
  input  wire                              m_axi_awready,
  output logic [DATA_WIDTH-1:0]            m_axi_wdata,
  output logic [DATA_WIDTH/8-1:0]          m_axi_wstrb,
  output logic                             m_axi_wlast,
  output logic                             m_axi_wvalid,
  input  wire                              m_axi_wready,
  input  wire  [AXI_ID_WIDTH-1:0]          m_axi_bid,
  input  wire  [1:0]                       m_axi_bresp,
  input  wire                              m_axi_bvalid,
  output logic                             m_axi_bready
);

  localparam int BEAT_BYTES = DATA_WIDTH / 8;
  localparam int BEAT_LOG2  = $clog2(BEAT_BYTES);
  localparam int N          = WR_CLIENTS;
  localparam int SW         = DATA_WIDTH / 8;        // strobe bits
  localparam int PW         = $clog2(MAX_BURSTS);    // FIFO pointer bits
  localparam int NW         = $clog2(MAX_BURSTS + 1);
  localparam int CW         = (N > 1) ? $clog2(N) : 1;
  localparam logic [NW-1:0] CNT_MAX         = MAX_BURSTS[NW-1:0];
  localparam logic [PW-1:0] PTR_LAST        = MAX_BURSTS[PW-1:0] - 1'b1;

  // ---- request side: pending slots, splitters, round-robin, bursts in flight ----
  logic                    burst_valid;
  logic [N-1:0]            burst_hot;
  logic [CW-1:0]           burst_client;
  logic [63:0]             burst_addr;
  logic [7:0]              burst_len;
  logic                    burst_end;
  logic                    aw_issue;                 // the offered burst issues on AW
  logic [N-1:0]            b_hot;                    // B response of the client's oldest burst
  logic [N-1:0]            b_end;                    // client's oldest burst is its request's last

  // ---- per-client response state ----
  logic [N-1:0]            err_acc_q;                // error seen in this request's bursts
  logic [N-1:0]            resp_valid_q;
  logic [N-1:0]            resp_err_q;

  // ---- AW output register ----
  logic                    awvalid_q;
  logic [63:0]             awaddr_q;
  logic [7:0]              awlen_q;
  logic [AXI_ID_WIDTH-1:0] awid_q;

  // ---- W order queue: one entry per issued AW (client, AWLEN, last burst of its request) ----
  /*verilator coverage_off*/  // storage: no toggle coverage (docs/coverage.md, Exclusions)
  logic [CW-1:0]           wq_client_q [MAX_BURSTS];
  logic [7:0]              wq_len_q [MAX_BURSTS];
  logic                    wq_end_q [MAX_BURSTS];
  /*verilator coverage_on*/
  logic [PW-1:0]           wq_wptr_q;
  logic [PW-1:0]           wq_rptr_q;
  logic [NW-1:0]           wq_count_q;
  logic [7:0]              wbeat_q;                  // beats of the head burst already taken

  // ---- W register slice ----
  logic                  wout_valid_q;
  logic [DATA_WIDTH-1:0] wout_data_q;
  logic [SW-1:0]         wout_strb_q;
  logic                  wout_last_q;
  logic                  wskid_valid_q;
  logic [DATA_WIDTH-1:0] wskid_data_q;
  logic [SW-1:0]         wskid_strb_q;
  logic                  wskid_last_q;

  // ---- head of the W order queue (registers only) and the W handshake ----
  logic [CW-1:0]         head_client;
  logic [N-1:0]          head_hot;
  logic                  head_end;
  logic                  in_last;                  // the next beat taken is the head burst's last
  logic                  in_fire;                  // a client's beat is taken
  logic                  wq_pop;
  logic                  wout_fire;
  logic                  b_err;

  nic_dma_split #(
    .BEAT_LOG2 (BEAT_LOG2),
    .CLIENTS   (N),
    .MAX_BURSTS(MAX_BURSTS)
  ) u_split (
    .clk         (clk),
    .rst_n       (rst_n),
    .req_valid   (wr_req_valid),
    .req_ready   (wr_req_ready),
    .req_addr    (wr_req_addr),
    .req_len     (wr_req_len),
    .burst_valid (burst_valid),
    .burst_hot   (burst_hot),
    .burst_client(burst_client),
    .burst_addr  (burst_addr),
    .burst_len   (burst_len),
    .burst_end   (burst_end),
    .burst_take  (aw_issue),
    .done        (b_hot),
    .done_end    (b_end)
  );

  // The client-facing readies, the responses and the W channel come from registers.
  always_comb begin
    head_client = wq_client_q[wq_rptr_q];
    head_end    = wq_end_q[wq_rptr_q];
    in_last     = (wbeat_q == wq_len_q[wq_rptr_q]);
    head_hot    = '0;
    if (wq_count_q != '0) head_hot[head_client] = 1'b1;
    wr_data_ready = wskid_valid_q ? '0 : head_hot;
    wr_resp_valid = resp_valid_q;
    wr_resp_err   = resp_err_q;
    m_axi_wvalid  = wout_valid_q;
    m_axi_wdata   = wout_data_q;
    m_axi_wstrb   = wout_strb_q;
    m_axi_wlast   = wout_last_q;
    m_axi_bready  = 1'b1;
  end

  // The few handshake terms that read inputs; everything wider is computed on the clock edge.
  assign aw_issue  = (!awvalid_q || m_axi_awready) && burst_valid && (wq_count_q != CNT_MAX);
  assign in_fire   = (wr_data_valid & wr_data_ready) != '0;
  assign wq_pop    = in_fire && in_last;
  assign wout_fire = wout_valid_q && m_axi_wready;
  assign b_err     = (m_axi_bresp != 2'b00);
  always_comb begin
    for (int i = 0; i < N; i++) b_hot[i] = m_axi_bvalid && (m_axi_bid == i[AXI_ID_WIDTH-1:0]);
  end

  always_ff @(posedge clk) begin
    // ---- AW issue (needs room in the W order queue) ----
    if (m_axi_awready) awvalid_q <= 1'b0;
    if (aw_issue) begin
      awvalid_q <= 1'b1;
      awaddr_q  <= burst_addr;
      awlen_q   <= burst_len;
      awid_q    <= '0;
      awid_q[CW-1:0] <= burst_client;
      wq_client_q[wq_wptr_q] <= burst_client;
      wq_len_q[wq_wptr_q]    <= burst_len;
      wq_end_q[wq_wptr_q]    <= burst_end;
      wq_wptr_q <= (wq_wptr_q == PTR_LAST) ? '0 : wq_wptr_q + 1'b1;
    end

    // ---- W: take the head burst's beats from its client ----
    if (in_fire) wbeat_q <= in_last ? 8'd0 : wbeat_q + 8'd1;
    if (wq_pop) wq_rptr_q <= (wq_rptr_q == PTR_LAST) ? '0 : wq_rptr_q + 1'b1;
    if (aw_issue && !wq_pop) wq_count_q <= wq_count_q + 1'b1;
    else if (wq_pop && !aw_issue) wq_count_q <= wq_count_q - 1'b1;

    if (wout_valid_q || wskid_valid_q || in_fire) begin
      if (wout_fire || !wout_valid_q) begin
        if (wskid_valid_q) begin
          wout_valid_q  <= 1'b1;
          wout_data_q   <= wskid_data_q;
          wout_strb_q   <= wskid_strb_q;
          wout_last_q   <= wskid_last_q;
          wskid_valid_q <= 1'b0;
        end else begin
          wout_valid_q <= in_fire;
          if (in_fire) begin
            wout_data_q <= wr_data[head_client*DATA_WIDTH +: DATA_WIDTH];
            wout_strb_q <= wr_data_strb[head_client*SW +: SW];
            wout_last_q <= in_last;
          end
        end
      end else if (in_fire) begin
        wskid_valid_q <= 1'b1;
        wskid_data_q  <= wr_data[head_client*DATA_WIDTH +: DATA_WIDTH];
        wskid_strb_q  <= wr_data_strb[head_client*SW +: SW];
        wskid_last_q  <= in_last;
      end
    end

    // ---- B: always accepted; one response pulse per request ----
    resp_valid_q <= '0;
    resp_err_q   <= '0;
    if (m_axi_bvalid) begin
      for (int i = 0; i < N; i++) begin
        if (b_hot[i]) begin
          if (b_end[i]) begin
            resp_valid_q[i] <= 1'b1;
            resp_err_q[i]   <= err_acc_q[i] || b_err;
            err_acc_q[i]    <= 1'b0;
          end else begin
            err_acc_q[i]    <= err_acc_q[i] || b_err;
          end
        end
      end
    end

    if (!rst_n) begin
      err_acc_q     <= '0;
      resp_valid_q  <= '0;
      resp_err_q    <= '0;
      awvalid_q     <= 1'b0;
      wq_wptr_q     <= '0;
      wq_rptr_q     <= '0;
      wq_count_q    <= '0;
      wbeat_q       <= '0;
      wout_valid_q  <= 1'b0;
      wskid_valid_q <= 1'b0;
    end
  end

  // The burst's one-hot client matters only to the splitter.
  logic unused_hot;
  assign unused_hot = ^burst_hot;

`ifndef SYNTHESIS
  // A client must mark exactly the last beat of its request; a mismatch is a client bug.
  always_ff @(posedge clk) begin
    if (rst_n && in_fire && (wr_data_last[head_client] != (in_last && head_end))) begin
      $error("nic_dma_wr: client wr_data_last does not match the request's beat count");
    end
  end
`endif

  assign m_axi_awid    = awid_q;
  assign m_axi_awaddr  = awaddr_q;
  assign m_axi_awlen   = awlen_q;
  assign m_axi_awsize  = BEAT_LOG2[2:0];
  assign m_axi_awburst = 2'b01;   // INCR
  assign m_axi_awlock  = 1'b0;
  assign m_axi_awcache = 4'b0011; // normal non-cacheable bufferable
  assign m_axi_awprot  = 3'b000;
  assign m_axi_awvalid = awvalid_q;

endmodule

`default_nettype wire
