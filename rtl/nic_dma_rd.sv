// nic_dma_rd: read half of the DMA engine (AXI4 AR/R master).
//
// Each client posts byte-granular read requests (any address, 1..65535 bytes). A request is
// split into INCR bursts of full-width beats that never cross a 4 KiB page and never exceed
// 256 beats; the first burst starts at the request address aligned down to the beat, so the
// byte at address A arrives on lane A % BEAT_BYTES. Clients are served round-robin one burst
// at a time; client i uses ARID i and may have up to MAX_BURSTS bursts in flight (counted from
// AR issue until the burst's last beat is handed to the client). Behind the request being split
// each client has one pending slot (rd_req_ready = slot empty), so single-burst requests are
// taken and issued at one per cycle.
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
  localparam int PW         = $clog2(MAX_BURSTS);      // burst-tag FIFO pointer bits
  localparam int NW         = $clog2(MAX_BURSTS + 1);  // in-flight counter bits
  localparam int CW         = (N > 1) ? $clog2(N) : 1;
  localparam logic [NW-1:0] CNT_MAX  = MAX_BURSTS[NW-1:0];
  localparam logic [PW-1:0] PTR_LAST = MAX_BURSTS[PW-1:0] - 1'b1;

  // ---- per-client splitter state (flattened, client i at [i*W +: W]) ----
  logic [N-1:0]            active_q, active_d;       // request being split into bursts
  // one request waiting behind the one being split, so a request is taken every cycle: a
  // single-burst request moves into the splitter in the cycle the previous one's last burst
  // issues (directly from the client, or from here when it arrived while the splitter was busy)
  logic [N-1:0]            pend_valid_q, pend_valid_d;
  logic [N*64-1:0]         pend_addr_q, pend_addr_d;  // beat aligned
  logic [N*17-1:0]         pend_left_q, pend_left_d;
  logic [N*64-1:0]         addr_q, addr_d;           // next burst address, beat aligned
  logic [N*17-1:0]         left_q, left_d;           // beats not yet requested
  logic [N*NW-1:0]         cnt_q, cnt_d;             // bursts in flight
  logic [N*MAX_BURSTS-1:0] tag_q, tag_d;             // per burst: last burst of its request
  logic [N*PW-1:0]         tag_wptr_q, tag_wptr_d;
  logic [N*PW-1:0]         tag_rptr_q, tag_rptr_d;
  logic [CW-1:0]           rr_q, rr_d;               // last client granted

  // ---- AR output register ----
  logic                    arvalid_q, arvalid_d;
  logic [63:0]             araddr_q, araddr_d;
  logic [7:0]              arlen_q, arlen_d;
  logic [AXI_ID_WIDTH-1:0] arid_q, arid_d;

  // ---- R register slice: output stage and skid stage ----
  logic                  out_valid_q, out_valid_d;
  logic [N-1:0]          out_hot_q, out_hot_d;       // one-hot client, 0 = unknown ID (drop)
  logic [DATA_WIDTH-1:0] out_data_q, out_data_d;
  logic                  out_last_q, out_last_d;     // RLAST
  logic                  out_err_q, out_err_d;
  logic                  skid_valid_q, skid_valid_d;
  logic [N-1:0]          skid_hot_q, skid_hot_d;
  logic [DATA_WIDTH-1:0] skid_data_q, skid_data_d;
  logic                  skid_last_q, skid_last_d;
  logic                  skid_err_q, skid_err_d;

  // ---- combinational helpers ----
  logic [N-1:0]  gnt;
  logic [CW-1:0] sel;
  logic          found;
  logic [63:0]   sel_addr;
  logic [16:0]   sel_left;
  logic [16:0]   burst;
  logic [16:0]   req_beats;
  logic [MAX_BURSTS-1:0] tag_row;
  logic [N-1:0]  r_hot;
  logic          r_fire;
  logic          out_fire;
  logic [N-1:0]  head_tag;
  logic [N-1:0]  done_burst;                         // client got the last beat of a burst
  int            idx;
  logic [N-1:0]  finishing;

  // Every client-facing output and m_axi_rready depend on state only. They are computed apart
  // from the next-state block, which reads the AXI inputs: in a block of their own they are not
  // seen as functions of top-level inputs, so the clients' logic downstream of them is evaluated
  // once per clock edge instead of again with every input change (simulation speed only).
  always_comb begin
    rd_req_ready = ~pend_valid_q;
    m_axi_rready = !skid_valid_q;
    for (int i = 0; i < N; i++) begin
      head_tag[i]      = tag_q[i*MAX_BURSTS + {{(32-PW){1'b0}}, tag_rptr_q[i*PW +: PW]}];
      rd_resp_valid[i] = out_valid_q && out_hot_q[i];
      rd_resp_data[i*DATA_WIDTH +: DATA_WIDTH] = out_data_q;
      rd_resp_last[i]  = out_valid_q && out_hot_q[i] && out_last_q && head_tag[i];
      rd_resp_err[i]   = out_valid_q && out_hot_q[i] && out_err_q;
    end
  end

  always_comb begin
    active_d    = active_q;
    pend_valid_d = pend_valid_q;
    pend_addr_d  = pend_addr_q;
    pend_left_d  = pend_left_q;
    finishing    = '0;
    addr_d      = addr_q;
    left_d      = left_q;
    cnt_d       = cnt_q;
    tag_d       = tag_q;
    tag_wptr_d  = tag_wptr_q;
    tag_rptr_d  = tag_rptr_q;
    rr_d        = rr_q;
    arvalid_d   = arvalid_q;
    araddr_d    = araddr_q;
    arlen_d     = arlen_q;
    arid_d      = arid_q;
    out_valid_d = out_valid_q;
    out_hot_d   = out_hot_q;
    out_data_d  = out_data_q;
    out_last_d  = out_last_q;
    out_err_d   = out_err_q;
    skid_valid_d = skid_valid_q;
    skid_hot_d  = skid_hot_q;
    skid_data_d = skid_data_q;
    skid_last_d = skid_last_q;
    skid_err_d  = skid_err_q;
    tag_row     = '0;

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

    // ---- size the granted client's next burst ----
    sel_addr = '0;
    sel_left = '0;
    for (int i = 0; i < N; i++) begin
      if (gnt[i]) begin
        sel_addr = addr_q[i*64 +: 64];
        sel_left = left_q[i*17 +: 17];
      end
    end
    burst = nic_dma_pkg::burst_beats(sel_addr[11:0], sel_left, BEAT_LOG2[2:0]);

    // ---- AR issue ----
    if (m_axi_arready) arvalid_d = 1'b0;
    if ((!arvalid_q || m_axi_arready) && found) begin
      arvalid_d = 1'b1;
      araddr_d  = sel_addr;
      arlen_d   = burst[7:0] - 8'd1;
      arid_d    = '0;
      arid_d[CW-1:0] = sel;
      rr_d      = sel;
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
      req_beats = nic_dma_pkg::request_beats(rd_req_addr[i*64 +: 12], rd_req_len[i*16 +: 16],
                                              BEAT_LOG2[2:0]);
      if (!active_q[i] || finishing[i]) begin
        if (pend_valid_q[i]) begin
          active_d[i]        = 1'b1;
          addr_d[i*64 +: 64] = pend_addr_q[i*64 +: 64];
          left_d[i*17 +: 17] = pend_left_q[i*17 +: 17];
          pend_valid_d[i]    = 1'b0;
        end else if (rd_req_valid[i]) begin
          active_d[i]        = 1'b1;
          addr_d[i*64 +: 64] = {rd_req_addr[i*64 + BEAT_LOG2 +: 64 - BEAT_LOG2], {BEAT_LOG2{1'b0}}};
          left_d[i*17 +: 17] = req_beats;
        end
      end else if (rd_req_valid[i] && !pend_valid_q[i]) begin
        pend_valid_d[i]         = 1'b1;
        pend_addr_d[i*64 +: 64] = {rd_req_addr[i*64 + BEAT_LOG2 +: 64 - BEAT_LOG2], {BEAT_LOG2{1'b0}}};
        pend_left_d[i*17 +: 17] = req_beats;
      end
    end

    // ---- R: route by RID through the register slice ----
    for (int i = 0; i < N; i++) r_hot[i] = (m_axi_rid == i[AXI_ID_WIDTH-1:0]);
    r_fire = m_axi_rvalid && !skid_valid_q;
    out_fire = out_valid_q && (((out_hot_q & rd_resp_ready) != '0) || (out_hot_q == '0));

    for (int i = 0; i < N; i++) begin
      done_burst[i]    = out_fire && out_hot_q[i] && out_last_q;
      if (done_burst[i]) begin
        tag_rptr_d[i*PW +: PW] = (tag_rptr_q[i*PW +: PW] == PTR_LAST) ? '0
                                 : tag_rptr_q[i*PW +: PW] + 1'b1;
      end
      // in-flight count: +1 at AR issue, -1 when the burst's last beat reaches the client
      if (gnt[i] && (!arvalid_q || m_axi_arready) && !done_burst[i]) begin
        cnt_d[i*NW +: NW] = cnt_q[i*NW +: NW] + 1'b1;
      end else if (done_burst[i] && !(gnt[i] && (!arvalid_q || m_axi_arready))) begin
        cnt_d[i*NW +: NW] = cnt_q[i*NW +: NW] - 1'b1;
      end
    end

    if (out_fire || !out_valid_q) begin
      if (skid_valid_q) begin
        out_valid_d  = 1'b1;
        out_hot_d    = skid_hot_q;
        out_data_d   = skid_data_q;
        out_last_d   = skid_last_q;
        out_err_d    = skid_err_q;
        skid_valid_d = 1'b0;
      end else begin
        out_valid_d = r_fire;
        if (r_fire) begin
          out_hot_d  = r_hot;
          out_data_d = m_axi_rdata;
          out_last_d = m_axi_rlast;
          out_err_d  = (m_axi_rresp != 2'b00);
        end
      end
    end else if (r_fire) begin
      skid_valid_d = 1'b1;
      skid_hot_d   = r_hot;
      skid_data_d  = m_axi_rdata;
      skid_last_d  = m_axi_rlast;
      skid_err_d   = (m_axi_rresp != 2'b00);
    end
  end

  always_ff @(posedge clk) begin
    active_q     <= active_d;
    pend_valid_q <= pend_valid_d;
    pend_addr_q  <= pend_addr_d;
    pend_left_q  <= pend_left_d;
    addr_q       <= addr_d;
    left_q       <= left_d;
    cnt_q        <= cnt_d;
    tag_q        <= tag_d;
    tag_wptr_q   <= tag_wptr_d;
    tag_rptr_q   <= tag_rptr_d;
    rr_q         <= rr_d;
    arvalid_q    <= arvalid_d;
    araddr_q     <= araddr_d;
    arlen_q      <= arlen_d;
    arid_q       <= arid_d;
    out_valid_q  <= out_valid_d;
    out_hot_q    <= out_hot_d;
    out_data_q   <= out_data_d;
    out_last_q   <= out_last_d;
    out_err_q    <= out_err_d;
    skid_valid_q <= skid_valid_d;
    skid_hot_q   <= skid_hot_d;
    skid_data_q  <= skid_data_d;
    skid_last_q  <= skid_last_d;
    skid_err_q   <= skid_err_d;
    if (!rst_n) begin
      active_q     <= '0;
      pend_valid_q <= '0;
      cnt_q        <= '0;
      tag_wptr_q   <= '0;
      tag_rptr_q   <= '0;
      rr_q         <= '0;
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
