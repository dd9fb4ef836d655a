// nic_dma_wr: write half of the DMA engine (AXI4 AW/W/B master).
//
// Each client posts byte-granular write requests (any address, 1..65535 bytes) and then
// streams the request's beats, beat-aligned (the byte for address A on lane A % BEAT_BYTES,
// strobes marking the bytes to write). A request is split into INCR bursts that never cross a
// 4 KiB page and never exceed 256 beats, exactly like reads. Clients are served round-robin one
// burst at a time; client i uses AWID i and may have up to MAX_BURSTS bursts in flight (from AW
// issue until the burst's B response). Behind the request being split each client has one
// pending slot (wr_req_ready = slot empty), so single-burst requests are taken at one per cycle.
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

  // ---- per-client splitter and response state (flattened, client i at [i*W +: W]) ----
  logic [N-1:0]            active_q, active_d;       // request being split into bursts
  // one request waiting behind the one being split, so a request is taken every cycle: a
  // single-burst request moves into the splitter in the cycle the previous one's last burst
  // issues (directly from the client, or from here when it arrived while the splitter was busy)
  logic [N-1:0]            pend_valid_q, pend_valid_d;
  logic [N*64-1:0]         pend_addr_q, pend_addr_d;  // beat aligned
  logic [N*17-1:0]         pend_left_q, pend_left_d;
  logic [N*64-1:0]         addr_q, addr_d;           // next burst address, beat aligned
  logic [N*17-1:0]         left_q, left_d;           // beats not yet covered by an AW
  logic [N*NW-1:0]         cnt_q, cnt_d;             // bursts in flight (AW issued, no B yet)
  logic [N*MAX_BURSTS-1:0] tag_q, tag_d;             // per burst: last burst of its request
  logic [N*PW-1:0]         tag_wptr_q, tag_wptr_d;
  logic [N*PW-1:0]         tag_rptr_q, tag_rptr_d;
  logic [N-1:0]            err_acc_q, err_acc_d;     // error seen in this request's bursts
  logic [N-1:0]            resp_valid_q, resp_valid_d;
  logic [N-1:0]            resp_err_q, resp_err_d;
  logic [CW-1:0]           rr_q, rr_d;

  // ---- AW output register ----
  logic                    awvalid_q, awvalid_d;
  logic [63:0]             awaddr_q, awaddr_d;
  logic [7:0]              awlen_q, awlen_d;
  logic [AXI_ID_WIDTH-1:0] awid_q, awid_d;

  // ---- W order queue: one entry per issued AW (one-hot client, AWLEN) ----
  logic [MAX_BURSTS*N-1:0] wq_hot_q, wq_hot_d;
  logic [MAX_BURSTS*8-1:0] wq_len_q, wq_len_d;
  logic [MAX_BURSTS-1:0]   wq_end_q, wq_end_d;       // last burst of its request
  logic [PW-1:0]           wq_wptr_q, wq_wptr_d;
  logic [PW-1:0]           wq_rptr_q, wq_rptr_d;
  logic [NW-1:0]           wq_count_q, wq_count_d;
  logic [7:0]              wbeat_q, wbeat_d;         // beats of the head burst already taken

  // ---- W register slice ----
  logic                  wout_valid_q, wout_valid_d;
  logic [DATA_WIDTH-1:0] wout_data_q, wout_data_d;
  logic [SW-1:0]         wout_strb_q, wout_strb_d;
  logic                  wout_last_q, wout_last_d;
  logic                  wskid_valid_q, wskid_valid_d;
  logic [DATA_WIDTH-1:0] wskid_data_q, wskid_data_d;
  logic [SW-1:0]         wskid_strb_q, wskid_strb_d;
  logic                  wskid_last_q, wskid_last_d;

  // ---- combinational helpers ----
  logic [N-1:0]          gnt;
  logic [CW-1:0]         sel;
  logic                  found;
  logic                  aw_issue;
  logic [63:0]           sel_addr;
  logic [16:0]           sel_left;
  logic [16:0]           burst;
  logic [16:0]           req_beats;
  logic [MAX_BURSTS-1:0] tag_row;
  logic [N-1:0]          head_hot;
  logic [7:0]            head_len;
  logic                  head_end;
  logic                  in_fire;
  logic                  in_last;
  logic [DATA_WIDTH-1:0] in_data;
  logic [SW-1:0]         in_strb;
  logic                  in_client_last;
  logic                  wout_fire;
  logic                  wq_pop;
  logic [N-1:0]          b_hot;
  logic                  b_err;
  int                    idx;
  logic [N-1:0]          finishing;

  // The client-facing readies depend on state only; computed apart from the main block so that
  // no client's ready appears to depend on any client's valid (which would be a false loop).
  always_comb begin
    wr_req_ready  = ~pend_valid_q;
    head_hot      = (wq_count_q != '0) ? wq_hot_q[wq_rptr_q*N +: N] : '0;
    wr_data_ready = wskid_valid_q ? '0 : head_hot;
    // like the readies, the responses and the W channel are registers (kept out of the block
    // below, which reads the AXI inputs, so their consumers are not re-evaluated per input change)
    wr_resp_valid = resp_valid_q;
    wr_resp_err   = resp_err_q;
    m_axi_wvalid  = wout_valid_q;
    m_axi_wdata   = wout_data_q;
    m_axi_wstrb   = wout_strb_q;
    m_axi_wlast   = wout_last_q;
    m_axi_bready  = 1'b1;
  end

  always_comb begin
    active_d     = active_q;
    pend_valid_d = pend_valid_q;
    pend_addr_d  = pend_addr_q;
    pend_left_d  = pend_left_q;
    finishing    = '0;
    addr_d       = addr_q;
    left_d       = left_q;
    cnt_d        = cnt_q;
    tag_d        = tag_q;
    tag_wptr_d   = tag_wptr_q;
    tag_rptr_d   = tag_rptr_q;
    err_acc_d    = err_acc_q;
    resp_valid_d = '0;
    resp_err_d   = '0;
    rr_d         = rr_q;
    awvalid_d    = awvalid_q;
    awaddr_d     = awaddr_q;
    awlen_d      = awlen_q;
    awid_d       = awid_q;
    wq_hot_d     = wq_hot_q;
    wq_len_d     = wq_len_q;
    wq_end_d     = wq_end_q;
    wq_wptr_d    = wq_wptr_q;
    wq_rptr_d    = wq_rptr_q;
    wq_count_d   = wq_count_q;
    wbeat_d      = wbeat_q;
    wout_valid_d = wout_valid_q;
    wout_data_d  = wout_data_q;
    wout_strb_d  = wout_strb_q;
    wout_last_d  = wout_last_q;
    wskid_valid_d = wskid_valid_q;
    wskid_data_d = wskid_data_q;
    wskid_strb_d = wskid_strb_q;
    wskid_last_d = wskid_last_q;

    // ---- round-robin grant among clients with work and room for another burst ----
    gnt   = '0;
    sel   = '0;
    found = 1'b0;
    for (int k = 1; k <= N; k++) begin
      idx = k + {{(32-CW){1'b0}}, rr_q};
      if (idx >= N) idx = idx - N;
      if (!found && active_q[idx] && (cnt_q[idx*NW +: NW] != CNT_MAX)) begin
        found    = 1'b1;
        gnt[idx] = 1'b1;
        sel      = idx[CW-1:0];
      end
    end

    sel_addr = '0;
    sel_left = '0;
    for (int i = 0; i < N; i++) begin
      if (gnt[i]) begin
        sel_addr = addr_q[i*64 +: 64];
        sel_left = left_q[i*17 +: 17];
      end
    end
    burst = nic_dma_pkg::burst_beats(sel_addr[11:0], sel_left, BEAT_LOG2[2:0]);

    // ---- AW issue (needs room in the W order queue) ----
    if (m_axi_awready) awvalid_d = 1'b0;
    aw_issue = (!awvalid_q || m_axi_awready) && found && (wq_count_q != CNT_MAX);
    if (aw_issue) begin
      awvalid_d = 1'b1;
      awaddr_d  = sel_addr;
      awlen_d   = burst[7:0] - 8'd1;
      awid_d    = '0;
      awid_d[CW-1:0] = sel;
      rr_d      = sel;
      wq_hot_d[wq_wptr_q*N +: N] = gnt;
      wq_len_d[wq_wptr_q*8 +: 8] = burst[7:0] - 8'd1;
      wq_end_d[wq_wptr_q] = (sel_left == burst);
      wq_wptr_d = (wq_wptr_q == PTR_LAST) ? '0 : wq_wptr_q + 1'b1;
      for (int i = 0; i < N; i++) begin
        if (gnt[i]) begin
          addr_d[i*64 +: 64] = sel_addr + ({47'd0, burst} << BEAT_LOG2);
          left_d[i*17 +: 17] = sel_left - burst;
          if (sel_left == burst) begin
            active_d[i]  = 1'b0;
            finishing[i] = 1'b1;
          end
          tag_row = tag_d[i*MAX_BURSTS +: MAX_BURSTS];
          tag_row[tag_wptr_q[i*PW +: PW]] = (sel_left == burst);
          tag_d[i*MAX_BURSTS +: MAX_BURSTS] = tag_row;
          tag_wptr_d[i*PW +: PW] = (tag_wptr_q[i*PW +: PW] == PTR_LAST) ? '0
                                   : tag_wptr_q[i*PW +: PW] + 1'b1;
        end
      end
    end

    // ---- accept requests: into the splitter when it is idle or issuing its last burst, else
    // into the pending slot (ready is ~pend_valid, so a request is never refused for a busy
    // splitter alone) ----
    for (int i = 0; i < N; i++) begin
      req_beats = nic_dma_pkg::request_beats(wr_req_addr[i*64 +: 12], wr_req_len[i*16 +: 16],
                                              BEAT_LOG2[2:0]);
      if (!active_q[i] || finishing[i]) begin
        if (pend_valid_q[i]) begin
          active_d[i]        = 1'b1;
          addr_d[i*64 +: 64] = pend_addr_q[i*64 +: 64];
          left_d[i*17 +: 17] = pend_left_q[i*17 +: 17];
          pend_valid_d[i]    = 1'b0;
        end else if (wr_req_valid[i]) begin
          active_d[i]        = 1'b1;
          addr_d[i*64 +: 64] = {wr_req_addr[i*64 + BEAT_LOG2 +: 64 - BEAT_LOG2], {BEAT_LOG2{1'b0}}};
          left_d[i*17 +: 17] = req_beats;
        end
      end else if (wr_req_valid[i] && !pend_valid_q[i]) begin
        pend_valid_d[i]         = 1'b1;
        pend_addr_d[i*64 +: 64] = {wr_req_addr[i*64 + BEAT_LOG2 +: 64 - BEAT_LOG2], {BEAT_LOG2{1'b0}}};
        pend_left_d[i*17 +: 17] = req_beats;
      end
    end

    // ---- W: take the head burst's beats from its client ----
    head_len = wq_len_q[wq_rptr_q*8 +: 8];
    head_end = wq_end_q[wq_rptr_q];
    in_fire = (wr_data_valid & wr_data_ready) != '0;
    in_last = (wbeat_q == head_len);
    in_data = '0;
    in_strb = '0;
    in_client_last = 1'b0;
    for (int i = 0; i < N; i++) begin
      if (head_hot[i]) begin
        in_data        = wr_data[i*DATA_WIDTH +: DATA_WIDTH];
        in_strb        = wr_data_strb[i*SW +: SW];
        in_client_last = wr_data_last[i];
      end
    end
    wq_pop = in_fire && in_last;
    if (in_fire) wbeat_d = in_last ? 8'd0 : wbeat_q + 8'd1;
    if (wq_pop) wq_rptr_d = (wq_rptr_q == PTR_LAST) ? '0 : wq_rptr_q + 1'b1;
    if (aw_issue && !wq_pop) wq_count_d = wq_count_q + 1'b1;
    else if (wq_pop && !aw_issue) wq_count_d = wq_count_q - 1'b1;

    wout_fire = wout_valid_q && m_axi_wready;
    if (wout_fire || !wout_valid_q) begin
      if (wskid_valid_q) begin
        wout_valid_d  = 1'b1;
        wout_data_d   = wskid_data_q;
        wout_strb_d   = wskid_strb_q;
        wout_last_d   = wskid_last_q;
        wskid_valid_d = 1'b0;
      end else begin
        wout_valid_d = in_fire;
        if (in_fire) begin
          wout_data_d = in_data;
          wout_strb_d = in_strb;
          wout_last_d = in_last;
        end
      end
    end else if (in_fire) begin
      wskid_valid_d = 1'b1;
      wskid_data_d  = in_data;
      wskid_strb_d  = in_strb;
      wskid_last_d  = in_last;
    end

    // ---- B: always accepted; one response pulse per request ----
    b_err = (m_axi_bresp != 2'b00);
    for (int i = 0; i < N; i++) begin
      b_hot[i] = m_axi_bvalid && (m_axi_bid == i[AXI_ID_WIDTH-1:0]);
      tag_row  = tag_q[i*MAX_BURSTS +: MAX_BURSTS];
      if (b_hot[i]) begin
        tag_rptr_d[i*PW +: PW] = (tag_rptr_q[i*PW +: PW] == PTR_LAST) ? '0
                                 : tag_rptr_q[i*PW +: PW] + 1'b1;
        if (tag_row[tag_rptr_q[i*PW +: PW]]) begin
          resp_valid_d[i] = 1'b1;
          resp_err_d[i]   = err_acc_q[i] || b_err;
          err_acc_d[i]    = 1'b0;
        end else begin
          err_acc_d[i]    = err_acc_q[i] || b_err;
        end
      end
      if (gnt[i] && aw_issue && !b_hot[i]) begin
        cnt_d[i*NW +: NW] = cnt_q[i*NW +: NW] + 1'b1;
      end else if (b_hot[i] && !(gnt[i] && aw_issue)) begin
        cnt_d[i*NW +: NW] = cnt_q[i*NW +: NW] - 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    active_q      <= active_d;
    pend_valid_q <= pend_valid_d;
    pend_addr_q  <= pend_addr_d;
    pend_left_q  <= pend_left_d;
    addr_q        <= addr_d;
    left_q        <= left_d;
    cnt_q         <= cnt_d;
    tag_q         <= tag_d;
    tag_wptr_q    <= tag_wptr_d;
    tag_rptr_q    <= tag_rptr_d;
    err_acc_q     <= err_acc_d;
    resp_valid_q  <= resp_valid_d;
    resp_err_q    <= resp_err_d;
    rr_q          <= rr_d;
    awvalid_q     <= awvalid_d;
    awaddr_q      <= awaddr_d;
    awlen_q       <= awlen_d;
    awid_q        <= awid_d;
    wq_hot_q      <= wq_hot_d;
    wq_len_q      <= wq_len_d;
    wq_end_q      <= wq_end_d;
    wq_wptr_q     <= wq_wptr_d;
    wq_rptr_q     <= wq_rptr_d;
    wq_count_q    <= wq_count_d;
    wbeat_q       <= wbeat_d;
    wout_valid_q  <= wout_valid_d;
    wout_data_q   <= wout_data_d;
    wout_strb_q   <= wout_strb_d;
    wout_last_q   <= wout_last_d;
    wskid_valid_q <= wskid_valid_d;
    wskid_data_q  <= wskid_data_d;
    wskid_strb_q  <= wskid_strb_d;
    wskid_last_q  <= wskid_last_d;
    if (!rst_n) begin
      active_q      <= '0;
      pend_valid_q <= '0;
      cnt_q         <= '0;
      tag_wptr_q    <= '0;
      tag_rptr_q    <= '0;
      err_acc_q     <= '0;
      resp_valid_q  <= '0;
      resp_err_q    <= '0;
      rr_q          <= '0;
      awvalid_q     <= 1'b0;
      wq_wptr_q     <= '0;
      wq_rptr_q     <= '0;
      wq_count_q    <= '0;
      wbeat_q       <= '0;
      wout_valid_q  <= 1'b0;
      wskid_valid_q <= 1'b0;
    end
  end

`ifndef SYNTHESIS
  // A client must mark exactly the last beat of its request; a mismatch is a client bug.
  always_ff @(posedge clk) begin
    if (rst_n && in_fire && (in_client_last != (in_last && head_end))) begin
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
