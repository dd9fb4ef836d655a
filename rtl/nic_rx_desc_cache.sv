// nic_rx_desc_cache: per-queue prefetch of RX buffer descriptors for nic_rx_engine.
//
// Each queue owns CACHE_DEPTH cache slots. A queue that is enabled, not stopped and has posted
// descriptors it has not fetched (prod != fetch index) gets a read of up to CACHE_DEPTH
// descriptors from rxq_base + index * 16, never past the producer index, the ring's end or its
// free slots (slots already reserved by reads in flight count as used). Reads are issued in
// chunks of CACHE_DEPTH/4 descriptors: as soon as a quarter of the slots is free (cache below
// three quarters, counting reads in flight), the queue gets another read, so several reads per
// queue are in flight and the memory latency is hidden as long as CACHE_DEPTH covers
// (latency + read time) x buffer consumption rate. A smaller read goes out only when it takes
// everything posted or the queue has no read in flight. Queues are served round-robin; up to
// TRACK_DEPTH reads are in flight in total.
//
// Responses (in request order) are split into descriptors, one per cycle, and validated: an
// address not aligned to RX_BUF_ALIGN_BYTES or a capacity that is zero or not a multiple of it
// raises ERR_RX_DESC_BAD, an error response ERR_DMA_DESC_READ (err_* event, one per cycle); good
// descriptors enter the cache. Descriptors of a stopped queue are discarded; those of reads issued
// before a queue reset (tracked by a per-queue generation number) are ignored entirely.
//
// The consumer (the frame dispatcher) looks at one queue at a time through sel_q: how many
// buffers are cached, their total capacity (capacities saturate at 16320 bytes, more than any
// frame), whether more can still arrive, and the head buffer with its ring index; pop takes it.
// `fetching` (registers) names the queues with descriptor reads in flight (the ring-idle status).
// Assumes rxq_base is 16-byte aligned and rxq_prod < ring size (the registers check both).
`default_nettype none

module nic_rx_desc_cache #(
  parameter int DATA_WIDTH  = 64,  // DMA data width in bits: 64, 128, 256 or 512
  parameter int NUM_QUEUES  = 4,   // RX queues, 1..16
  parameter int CACHE_DEPTH = 8,   // buffer descriptors cached per queue (power of two, >= 2)
  parameter int TRACK_DEPTH = 16   // descriptor reads in flight (power of two, >= 2)
) (
  input  wire                         clk,
  input  wire                         rst_n,
  // queue configuration and state
  input  wire  [NUM_QUEUES*64-1:0]    rxq_base,
  input  wire  [NUM_QUEUES*5-1:0]     rxq_size_log2,
  input  wire  [NUM_QUEUES-1:0]       rxq_enable,
  input  wire  [NUM_QUEUES-1:0]       rxq_reset,
  input  wire  [NUM_QUEUES*16-1:0]    rxq_prod,
  input  wire  [NUM_QUEUES-1:0]       q_stop,      // queue in error: fetch nothing, keep nothing
  // DMA read client (descriptor reads)
  output logic                        rd_req_valid,
  input  wire                         rd_req_ready,
  output logic [63:0]                 rd_req_addr,
  output logic [15:0]                 rd_req_len,
  input  wire                         rd_resp_valid,
  output logic                        rd_resp_ready,
  input  wire  [DATA_WIDTH-1:0]       rd_resp_data,
  input  wire                         rd_resp_last,
  input  wire                         rd_resp_err,
  // consumer view of one queue
  input  wire  [3:0]                  sel_q,
  output logic [$clog2(CACHE_DEPTH):0] sel_count,
  output logic [23:0]                 sel_cap_sum,
  output logic                        sel_more,     // more buffers can still arrive in the cache
  output logic [63:0]                 sel_head_addr,
  output logic [13:0]                 sel_head_cap,
  output logic [15:0]                 sel_head_idx, // ring index of the head buffer
  input  wire                         pop,          // take the head buffer of sel_q (sel_count > 0)
  // error events
  output logic                        err_valid,
  output logic [3:0]                  err_queue,
  output logic [7:0]                  err_code,
  // queues with descriptor reads in flight
  output logic [NUM_QUEUES-1:0]       fetching
);

  localparam int NQ   = NUM_QUEUES;
  localparam int CD   = CACHE_DEPTH;
  localparam int B    = DATA_WIDTH / 8;
  localparam int QW   = (NQ > 1) ? $clog2(NQ) : 1;
  localparam int QN   = 2 ** QW;
  localparam int CW   = $clog2(CD);          // slot pointer bits
  localparam int CNW  = CW + 1;              // 0..CD
  localparam int SLOTS = (B >= 16) ? B / 16 : 1;
  localparam int SW   = (SLOTS > 1) ? $clog2(SLOTS) : 1;
  localparam int EW   = 58 + 8;              // cache entry: addr[63:6], cap[13:6]
  localparam int TW   = 4 + 8 + CNW + SW;    // track entry: queue, generation, count, first slot
  localparam logic [CNW-1:0] CD_N  = CD[CNW-1:0];
  localparam int CHUNK_I = (CD >= 4) ? CD / 4 : 1;
  localparam logic [CNW-1:0] CHUNK = CHUNK_I[CNW-1:0];  // descriptors per read (at most)
  localparam logic [31:0] LAST_SLOT32 = SLOTS - 1;

  // ---------------------------------------------------------------- per-queue state
  logic [15:0]    fidx_q   [QN];   // next ring index to fetch
  logic [15:0]    aidx_q   [QN];   // ring index of the head buffer
  logic [CNW-1:0] cnt_q    [QN];   // cached buffers
  logic [CNW-1:0] infl_q   [QN];   // slots reserved by reads in flight
  logic [CW-1:0]  wptr_q   [QN];
  logic [CW-1:0]  rptr_q   [QN];
  logic [23:0]    csum_q   [QN];   // total capacity cached
  logic [7:0]     gen_q    [QN];
  logic [QN-1:0]  fetch_nz_q;      // bit q: infl_q[q] != 0

  /*verilator coverage_off*/  // storage: no toggle coverage (docs/coverage.md, Exclusions)
  logic [EW-1:0]  cmem [QN*CD];
  /*verilator coverage_on*/

  // ---------------------------------------------------------------- fetch scheduling
  logic [NQ-1:0]  elig;
  logic [CNW-1:0] nfetch [QN];
  logic [16:0]    size17, avail17, toend17, lim17;
  logic [CNW-1:0] freeslots, nmax;
  logic [15:0]    mask16, avail16;

  // ring size - 1 of a queue
  function automatic logic [15:0] ring_mask(input logic [QW-1:0] q);
    ring_mask = (16'd1 << rxq_size_log2[q*5 +: 5]) - 16'd1;
  endfunction

  // queue number q is a configured queue (the loops this replaces ignored the others)
  function automatic logic q_in(input logic [3:0] q);
    q_in = ({28'd0, q} < NQ);
  endfunction

  // A queue with nothing posted beyond its fetch index fetches 0 (lim17 = 0): only queues with
  // posted descriptors go through the sizing arithmetic.
  always_comb begin
    for (int q = 0; q < QN; q++) begin
      nfetch[q] = '0;
    end
    elig = '0;
    size17 = '0; avail17 = '0; toend17 = '0; lim17 = '0; freeslots = '0; nmax = '0;
    for (int q = 0; q < NQ; q++) begin
      mask16  = (16'd1 << rxq_size_log2[q*5 +: 5]) - 16'd1;
      avail16 = (rxq_prod[q*16 +: 16] - fidx_q[q]) & mask16;
      if (avail16 != '0) begin
        size17   = 17'd1 << rxq_size_log2[q*5 +: 5];
        avail17  = {1'b0, avail16};
        toend17  = size17 - {1'b0, fidx_q[q]};
        lim17    = (avail17 < toend17) ? avail17 : toend17;
        freeslots = CD_N - cnt_q[q] - infl_q[q];
        nmax      = (freeslots < CHUNK) ? freeslots : CHUNK;
        nfetch[q] = ({{(17-CNW){1'b0}}, nmax} < lim17) ? nmax : lim17[CNW-1:0];
        elig[q]  = rxq_enable[q] && !q_stop[q] && !rxq_reset[q] && (nfetch[q] != '0)
                   && ((nfetch[q] == CHUNK) || (infl_q[q] == '0)
                       || ({{(17-CNW){1'b0}}, nfetch[q]} == lim17));
      end
    end
  end

  // round-robin pick, starting after the last queue served
  logic [3:0]     rr_q;
  logic           pick_valid;
  logic [3:0]     pick_q;
  logic [31:0]    qi;

  always_comb begin
    pick_valid = 1'b0;
    pick_q     = '0;
    qi         = '0;
    if (elig != '0) begin
      for (int k = NQ - 1; k >= 0; k--) begin
        qi = ({28'd0, rr_q} + k + 1) % NQ;
        if (elig[qi]) begin
          pick_valid = 1'b1;
          pick_q     = qi[3:0];
        end
      end
    end
  end

  // request register and the tracking FIFO of reads in flight
  logic           req_valid_q;
  logic [63:0]    req_addr_q;
  logic [TW-1:0]  req_track_q;
  logic [CNW-1:0] req_n_q;
  logic           load_req;
  logic           trk_s_ready, trk_m_valid, trk_pop;
  logic [TW-1:0]  trk_m_data;
  logic [$clog2(TRACK_DEPTH):0] trk_count;
  logic [63:0]    pick_addr;
  logic [31:0]    pick_slot32;

  always_comb begin
    load_req  = !req_valid_q && pick_valid
                && ({{(31-$clog2(TRACK_DEPTH)){1'b0}}, trk_count} < TRACK_DEPTH);
    // pick_q < NQ (the round robin above only picks configured queues)
    pick_addr = rxq_base[pick_q[QW-1:0]*64 +: 64] + {44'd0, fidx_q[pick_q[QW-1:0]], 4'd0};
    // first descriptor's slot within its beat: 0 when a beat holds one descriptor (128 bits)
    pick_slot32 = ({26'd0, pick_addr[5:0]} % B) / 16;
    rd_req_valid = req_valid_q;
    rd_req_addr  = req_addr_q;
    rd_req_len   = {{(12-CNW){1'b0}}, req_n_q, 4'd0};
  end

  nic_fifo #(.WIDTH(TW), .DEPTH(TRACK_DEPTH)) u_track (
    .clk, .rst_n,
    .s_valid(req_valid_q && rd_req_ready), .s_ready(trk_s_ready), .s_data(req_track_q),
    .m_valid(trk_m_valid), .m_ready(trk_pop), .m_data(trk_m_data),
    .count(trk_count)
  );

  // ---------------------------------------------------------------- response splitter
  logic [3:0]     t_q;
  logic [7:0]     t_gen;
  logic [CNW-1:0] t_n;
  logic [SW-1:0]  t_slot0;
  logic [CNW-1:0] done_q, done_d;        // descriptors of the head read emitted
  logic           dsc_valid;
  logic [127:0]   dsc;
  logic           dsc_err;

  // head of the tracking FIFO in registers (the pop never looks at the FIFO's own outputs)
  logic           hv_q;
  logic [TW-1:0]  head_trk_q;
  logic           head_done;
  assign {t_q, t_gen, t_n, t_slot0} = head_trk_q;
  assign trk_pop = !hv_q;

  generate
    if (B >= 16) begin : g_wide
      // hold one beat, emit one descriptor per cycle from it
      logic                  bv_q, be_q, bfirst_q, binit_q;
      logic [DATA_WIDTH-1:0] bd_q;
      logic [SW-1:0]         slot_q, cur_slot;
      logic [31:0]           soff;
      logic                  beat_done;
      always_comb begin
        rd_resp_ready = !bv_q;
        cur_slot  = binit_q ? t_slot0 : slot_q;
        dsc_valid = bv_q && hv_q;
        soff      = {{(25-SW){1'b0}}, cur_slot, 7'd0};
        dsc       = bd_q[soff[$clog2(DATA_WIDTH)-1:0] +: 128];
        dsc_err   = be_q;
        beat_done = dsc_valid && ((cur_slot == LAST_SLOT32[SW-1:0]) || (done_q + 1'b1 == t_n));
      end
      always_ff @(posedge clk) begin
        if (!rst_n) begin
          bv_q     <= 1'b0;
          be_q     <= 1'b0;
          bfirst_q <= 1'b1;
          binit_q  <= 1'b0;
          slot_q   <= '0;
          bd_q     <= '0;
        end else begin
          if (rd_resp_valid && rd_resp_ready) begin
            bv_q     <= 1'b1;
            bd_q     <= rd_resp_data;
            be_q     <= rd_resp_err;
            bfirst_q <= rd_resp_last;
            binit_q  <= bfirst_q;
            slot_q   <= '0;
          end else if (beat_done) begin
            bv_q <= 1'b0;
          end else if (dsc_valid) begin
            slot_q  <= cur_slot + 1'b1;
            binit_q <= 1'b0;
          end
        end
      end
      logic unused_wide;
      assign unused_wide = ^soff;
    end else begin : g_narrow
      // 8-byte beats: a descriptor is two beats
      logic        half_q;
      logic [63:0] lo_q;
      logic        lo_err_q;
      always_comb begin
        rd_resp_ready = !half_q || hv_q;
        dsc_valid = rd_resp_valid && half_q && hv_q;
        dsc       = {rd_resp_data, lo_q};
        dsc_err   = rd_resp_err || lo_err_q;
      end
      always_ff @(posedge clk) begin
        if (!rst_n) begin
          half_q   <= 1'b0;
          lo_q     <= '0;
          lo_err_q <= 1'b0;
        end else if (rd_resp_valid && rd_resp_ready) begin
          half_q   <= !half_q;
          lo_q     <= rd_resp_data;
          lo_err_q <= rd_resp_err;
        end
      end
      logic unused_narrow;
      assign unused_narrow = ^{rd_resp_last, t_slot0};
    end
  endgenerate

  assign head_done = dsc_valid && (done_q + 1'b1 == t_n);
  assign done_d    = head_done ? '0 : (dsc_valid ? done_q + 1'b1 : done_q);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      hv_q       <= 1'b0;
      head_trk_q <= '0;
    end else if (!hv_q) begin
      hv_q       <= trk_m_valid;
      head_trk_q <= trk_m_data;
    end else if (head_done) begin
      hv_q       <= 1'b0;
    end
  end

  // descriptor verdict
  nic_pkg::rx_desc_t d;
  logic           d_live, d_bad, d_push;
  logic [13:0]    d_cap14;
  logic [7:0]     tq_gen;
  logic           tq_stop, tq_reset;

  always_comb begin
    d = dsc;
    tq_gen   = q_in(t_q) ? gen_q[t_q[QW-1:0]] : '0;
    tq_stop  = q_in(t_q) && q_stop[t_q[QW-1:0]];
    tq_reset = q_in(t_q) && rxq_reset[t_q[QW-1:0]];
    d_live  = dsc_valid && (t_gen == tq_gen) && !tq_reset;
    d_bad   = (d.addr[5:0] != 6'd0) || (d.capacity == 32'd0) || (d.capacity[5:0] != 6'd0);
    d_push  = d_live && !tq_stop && !dsc_err && !d_bad;
    d_cap14 = (d.capacity[31:14] != '0) ? 14'h3FC0 : d.capacity[13:0];
    err_valid = d_live && !tq_stop && (dsc_err || d_bad);
    err_queue = t_q;
    err_code  = dsc_err ? nic_pkg::ERR_DMA_DESC_READ : nic_pkg::ERR_RX_DESC_BAD;
  end

  // ---------------------------------------------------------------- consumer view
  logic [QW+CW-1:0] rd_index, wr_index;
  logic [EW-1:0]    head;
  logic             sel_in;

  always_comb begin
    sel_in       = q_in(sel_q);
    sel_count    = sel_in ? cnt_q[sel_q[QW-1:0]] : '0;
    sel_cap_sum  = sel_in ? csum_q[sel_q[QW-1:0]] : '0;
    sel_more     = sel_in && ((infl_q[sel_q[QW-1:0]] != '0)
                              || ((nfetch[sel_q[QW-1:0]] != '0) && rxq_enable[sel_q[QW-1:0]]
                                  && !q_stop[sel_q[QW-1:0]]));
    sel_head_idx = sel_in ? aidx_q[sel_q[QW-1:0]] : '0;
    rd_index     = sel_in ? {sel_q[QW-1:0], rptr_q[sel_q[QW-1:0]]} : '0;
    wr_index = {t_q[QW-1:0], wptr_q[t_q[QW-1:0]]};
    head = cmem[rd_index];
    sel_head_addr = {head[EW-1:8], 6'd0};
    sel_head_cap  = {head[7:0], 6'd0};
  end

  always_ff @(posedge clk) begin
    if (d_push) begin
      cmem[wr_index] <= {d.addr[63:6], d_cap14[13:6]};
    end
  end

  // ---------------------------------------------------------------- state update
  // queues named by this cycle's events: the pick (< NQ), the head read's, the consumer's
  logic [QW-1:0] pk, tk, sk;
  assign pk = pick_q[QW-1:0];
  assign tk = t_q[QW-1:0];
  assign sk = sel_q[QW-1:0];

  // the counters of queue x after this cycle's events (x < NQ)
  function automatic logic [CNW-1:0] infl_next(input logic [QW-1:0] x);
    infl_next = infl_q[x]
                + ((load_req && pk == x) ? nfetch[x] : '0)
                - ((d_live && q_in(t_q) && tk == x) ? {{(CNW-1){1'b0}}, 1'b1} : '0);
  endfunction
  function automatic logic [CNW-1:0] cnt_next(input logic [QW-1:0] x);
    cnt_next = cnt_q[x]
               + ((d_push && q_in(t_q) && tk == x) ? {{(CNW-1){1'b0}}, 1'b1} : '0)
               - ((pop && sel_in && sk == x) ? {{(CNW-1){1'b0}}, 1'b1} : '0);
  endfunction
  function automatic logic [23:0] csum_next(input logic [QW-1:0] x);
    csum_next = csum_q[x]
                + ((d_push && q_in(t_q) && tk == x) ? {10'd0, d_cap14[13:6], 6'd0} : 24'd0)
                - ((pop && sel_in && sk == x) ? {10'd0, sel_head_cap} : 24'd0);
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      for (int q = 0; q < QN; q++) begin
        fidx_q[q] <= '0;
        aidx_q[q] <= '0;
        cnt_q[q]  <= '0;
        infl_q[q] <= '0;
        wptr_q[q] <= '0;
        rptr_q[q] <= '0;
        csum_q[q] <= '0;
        gen_q[q]  <= '0;
      end
      fetch_nz_q  <= '0;
      rr_q        <= '0;
      req_valid_q <= 1'b0;
      req_addr_q  <= '0;
      req_track_q <= '0;
      req_n_q     <= '0;
      done_q      <= '0;
    end else begin
      done_q <= done_d;
      if (req_valid_q && rd_req_ready) begin
        req_valid_q <= 1'b0;
      end
      if (load_req) begin
        req_valid_q <= 1'b1;
        req_addr_q  <= pick_addr;
        req_n_q     <= nfetch[pick_q[QW-1:0]];
        req_track_q <= {pick_q, gen_q[pick_q[QW-1:0]], nfetch[pick_q[QW-1:0]], pick_slot32[SW-1:0]};
        rr_q        <= pick_q;
      end
      // per-queue state, written by index for this cycle's events (the counters of a queue
      // named by two events get the same value twice); a queue reset (last: it wins) forgets
      // the queue
      if (load_req) begin
        fidx_q[pk] <= (fidx_q[pk] + {{(16-CNW){1'b0}}, nfetch[pk]}) & ring_mask(pk);
        infl_q[pk] <= infl_next(pk);
        fetch_nz_q[pk] <= (infl_next(pk) != '0);
      end
      if (d_live && q_in(t_q)) begin
        infl_q[tk] <= infl_next(tk);
        fetch_nz_q[tk] <= (infl_next(tk) != '0);
      end
      if (d_push && q_in(t_q)) begin
        cnt_q[tk]  <= cnt_next(tk);
        csum_q[tk] <= csum_next(tk);
        wptr_q[tk] <= wptr_q[tk] + 1'b1;
      end
      if (pop && sel_in) begin
        cnt_q[sk]  <= cnt_next(sk);
        csum_q[sk] <= csum_next(sk);
        rptr_q[sk] <= rptr_q[sk] + 1'b1;
        aidx_q[sk] <= (aidx_q[sk] + 16'd1) & ring_mask(sk);
      end
      if (rxq_reset != '0) begin
        for (int q = 0; q < NQ; q++) begin
          if (rxq_reset[q]) begin
            fidx_q[q] <= '0;
            aidx_q[q] <= '0;
            cnt_q[q]  <= '0;
            infl_q[q] <= '0;
            fetch_nz_q[q] <= 1'b0;
            wptr_q[q] <= '0;
            rptr_q[q] <= '0;
            csum_q[q] <= '0;
            gen_q[q]  <= gen_q[q] + 8'd1;
          end
        end
      end
    end
  end

  assign fetching = fetch_nz_q[NQ-1:0];

  logic unused_cache;
  assign unused_cache = ^{trk_s_ready, fetch_nz_q, d.rsvd, d_cap14[5:0], pick_slot32, head[7:0], qi[31:4]};

endmodule

`default_nettype wire
