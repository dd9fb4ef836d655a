// nic_rx_engine: receive path of the NIC (see docs/rtl-architecture.md, "RX engine").
//
//   s_axis_rx -> nic_rx_parse (frame FIFO, parse, checksums, RSS queue) -> metadata per frame
//   nic_rx_desc_cache: buffer descriptors prefetched per queue       (DMA rd client: desc_rd_*)
//   dispatcher: per frame, in arrival order, admit (enough cached buffers on an enabled, healthy
//     queue), wait (more buffers are on their way from memory: bounded by memory latency, never by
//     software) or drop (drain the frame, rx_drop event); an admitted frame gets one write request
//     per buffer, each buffer taking whole beats (buffers are 64-byte aligned, capacities multiples
//     of 64), strobes trimmed on the frame's last beat                (DMA wr client: data_wr_*)
//   data streamer: moves each request's beats from the frame FIFO (or discards a dropped frame)
//   completion stage: after every data write response of a frame, writes its rx_cpl_t to
//     rxq_cpl_base + cpl_index * 16                                   (DMA wr client: cpl_wr_*)
//     and, on that write's response, advances rxq_cons and raises rx_pkt (and rx_bad) events.
// Writes of several frames are in flight at once; order per queue (in fact globally) is kept.
//
// Errors (descriptor read/validation, data or completion write response) stop only their queue
// (rx_err event; rxq_in_error from the registers or the local flag); its frames are dropped from
// then on. rxq_reset[q] forgets the queue: indices back to 0, phase back to 1, cache emptied; DMA
// still in flight for it completes and is ignored (per-queue generation numbers, 8 bits: a stale
// response could only be mistaken after 256 resets of one queue while it is in flight).
//
// A frame can span at most CACHE_DEPTH buffers; it is dropped if it needs more.
// Assumes: rxq_base/rxq_cpl_base 16-byte aligned, rxq_prod < ring size, rss_table entries below
// NUM_QUEUES (all checked by nic_regs); DMA write data is taken only after its request.
`default_nettype none

module nic_rx_engine #(
  parameter int DATA_WIDTH   = 64,  // AXI-Stream and DMA data width in bits: 64, 128, 256, 512
  parameter int NUM_QUEUES   = 4,   // RX queues, 1..16
  parameter int CACHE_DEPTH  = 32,  // buffer descriptors cached per queue (power of two)
  parameter int META_DEPTH   = 32,  // frames waiting in the frame FIFO (power of two)
  parameter int WR_INFLIGHT  = 32,  // data write requests awaiting their response (power of two)
  parameter int CPL_INFLIGHT = 16,  // completion writes awaiting their response (power of two)
  parameter int FIFO_BYTES   = 2 * nic_pkg::MAX_FRAME_BYTES  // frame FIFO; at least two maximum
                                                              // frames (less: synthesis checks)
) (
  input  wire                        clk,
  input  wire                        rst_n,
  // AXI-Stream slave, frames from the wire (tuser on the last beat: bad frame)
  input  wire  [DATA_WIDTH-1:0]      s_axis_rx_tdata,
  input  wire  [DATA_WIDTH/8-1:0]    s_axis_rx_tkeep,
  input  wire                        s_axis_rx_tlast,
  input  wire                        s_axis_rx_tuser,
  input  wire                        s_axis_rx_tvalid,
  output logic                       s_axis_rx_tready,
  // queue configuration from nic_regs, queue q at [q*W +: W]
  input  wire  [NUM_QUEUES*64-1:0]   rxq_base,
  input  wire  [NUM_QUEUES*64-1:0]   rxq_cpl_base,
  input  wire  [NUM_QUEUES*5-1:0]    rxq_size_log2,
  input  wire  [NUM_QUEUES-1:0]      rxq_enable,
  input  wire  [NUM_QUEUES-1:0]      rxq_reset,
  input  wire  [NUM_QUEUES*16-1:0]   rxq_prod,
  input  wire  [NUM_QUEUES-1:0]      rxq_in_error,
  input  wire                        rss_enable,
  input  wire  [319:0]               rss_key,
  input  wire  [128*4-1:0]           rss_table,
  // to nic_regs
  output logic [NUM_QUEUES*16-1:0]   rxq_cons,
  output logic                       rx_pkt_valid,
  output logic [3:0]                 rx_pkt_queue,
  output logic [15:0]                rx_pkt_bytes,
  output logic                       rx_err_valid,
  output logic [3:0]                 rx_err_queue,
  output logic [7:0]                 rx_err_code,
  output logic                       rx_drop_valid,
  output logic [3:0]                 rx_drop_queue,
  output logic                       rx_bad_valid,
  output logic [3:0]                 rx_bad_queue,
  // DMA read client 2: buffer descriptors
  output logic                       desc_rd_req_valid,
  input  wire                        desc_rd_req_ready,
  output logic [63:0]                desc_rd_req_addr,
  output logic [15:0]                desc_rd_req_len,
  input  wire                        desc_rd_resp_valid,
  output logic                       desc_rd_resp_ready,
  input  wire  [DATA_WIDTH-1:0]      desc_rd_resp_data,
  input  wire                        desc_rd_resp_last,
  input  wire                        desc_rd_resp_err,
  // DMA write client 1: frame data
  output logic                       data_wr_req_valid,
  input  wire                        data_wr_req_ready,
  output logic [63:0]                data_wr_req_addr,
  output logic [15:0]                data_wr_req_len,
  output logic                       data_wr_data_valid,
  input  wire                        data_wr_data_ready,
  output logic [DATA_WIDTH-1:0]      data_wr_data,
  output logic [DATA_WIDTH/8-1:0]    data_wr_data_strb,
  output logic                       data_wr_data_last,
  input  wire                        data_wr_resp_valid,
  input  wire                        data_wr_resp_err,
  // DMA write client 2: completions
  output logic                       cpl_wr_req_valid,
  input  wire                        cpl_wr_req_ready,
  output logic [63:0]                cpl_wr_req_addr,
  output logic [15:0]                cpl_wr_req_len,
  output logic                       cpl_wr_data_valid,
  input  wire                        cpl_wr_data_ready,
  output logic [DATA_WIDTH-1:0]      cpl_wr_data,
  output logic [DATA_WIDTH/8-1:0]    cpl_wr_data_strb,
  output logic                       cpl_wr_data_last,
  input  wire                        cpl_wr_resp_valid,
  input  wire                        cpl_wr_resp_err
);

  localparam int NQ  = NUM_QUEUES;
  localparam int B   = DATA_WIDTH / 8;
  localparam int BL  = $clog2(B);
  localparam int NBW = BL + 1;
  localparam int QW  = (NQ > 1) ? $clog2(NQ) : 1;
  localparam int QN  = 2 ** QW;
  localparam int CNW = $clog2(CACHE_DEPTH) + 1;
  localparam int JOB_DEPTH = 16;
  localparam int REC_DEPTH = 16;
  localparam int JW  = 1 + 15 + NBW;              // job: discard, beats, bytes in last beat
  localparam int RW  = 4 + 8 + 128;               // record: queue, generation, completion
  localparam int TW  = 4 + 8 + 8 + 16 + 1;        // completion in flight: q, gen, bufs, len, bad

  // ---------------------------------------------------------------- per-queue state
  logic [7:0]  gen_q   [QN];
  logic        err_q   [QN];
  logic        epend_q [QN];
  logic [7:0]  ecode_q [QN];
  logic [15:0] cidx_q  [QN];    // next completion slot
  logic        phase_q [QN];
  logic [15:0] cons_q  [QN];
  logic [15:0] rmask   [QN];    // ring size - 1
  logic [NQ-1:0] stop;
  logic [16:0] size17;

  always_comb begin
    for (int q = 0; q < QN; q++) begin
      rmask[q] = '0;
    end
    for (int q = 0; q < NQ; q++) begin
      size17   = 17'd1 << rxq_size_log2[q*5 +: 5];
      rmask[q] = size17[15:0] - 16'd1;
      stop[q]  = rxq_in_error[q] || err_q[q];
      rxq_cons[q*16 +: 16] = cons_q[q];
    end
  end

  // ---------------------------------------------------------------- ingress and parsing
  logic                  fd_valid, fd_ready;
  logic [DATA_WIDTH-1:0] fd_data;
  logic                  meta_valid, meta_ready;
  logic [3:0]            meta_queue;
  logic [127:0]          meta_cpl;

  nic_rx_parse #(.DATA_WIDTH(DATA_WIDTH), .META_DEPTH(META_DEPTH), .FIFO_BYTES(FIFO_BYTES)) u_parse (
    .clk, .rst_n,
    .s_axis_rx_tdata, .s_axis_rx_tkeep, .s_axis_rx_tlast, .s_axis_rx_tuser,
    .s_axis_rx_tvalid, .s_axis_rx_tready,
    .rss_enable, .rss_key, .rss_table,
    .m_data_valid(fd_valid), .m_data_ready(fd_ready), .m_data(fd_data),
    .m_meta_valid(meta_valid), .m_meta_ready(meta_ready), .m_meta_queue(meta_queue),
    .m_meta_cpl(meta_cpl)
  );

  // ---------------------------------------------------------------- descriptor cache
  logic [3:0]     sel_q;
  logic [CNW-1:0] sel_count;
  logic [23:0]    sel_cap_sum;
  logic           sel_more;
  logic [63:0]    sel_head_addr;
  logic [13:0]    sel_head_cap;
  logic [15:0]    sel_head_idx;
  logic           cache_pop;
  logic           cerr_valid;
  logic [3:0]     cerr_queue;
  logic [7:0]     cerr_code;

  nic_rx_desc_cache #(.DATA_WIDTH(DATA_WIDTH), .NUM_QUEUES(NQ), .CACHE_DEPTH(CACHE_DEPTH)) u_cache (
    .clk, .rst_n,
    .rxq_base, .rxq_size_log2, .rxq_enable, .rxq_reset, .rxq_prod, .q_stop(stop),
    .rd_req_valid(desc_rd_req_valid), .rd_req_ready(desc_rd_req_ready),
    .rd_req_addr(desc_rd_req_addr), .rd_req_len(desc_rd_req_len),
    .rd_resp_valid(desc_rd_resp_valid), .rd_resp_ready(desc_rd_resp_ready),
    .rd_resp_data(desc_rd_resp_data), .rd_resp_last(desc_rd_resp_last),
    .rd_resp_err(desc_rd_resp_err),
    .sel_q, .sel_count, .sel_cap_sum, .sel_more, .sel_head_addr, .sel_head_cap, .sel_head_idx,
    .pop(cache_pop),
    .err_valid(cerr_valid), .err_queue(cerr_queue), .err_code(cerr_code)
  );

  // ---------------------------------------------------------------- dispatcher
  // metadata head register (the pop decision never looks at the FIFO's own outputs)
  logic             mv_q;
  logic [3:0]       mq_q;
  logic [127:0]     mc_q;
  nic_pkg::rx_cpl_t mcpl;
  logic             meta_take;

  localparam logic D_IDLE = 1'b0, D_ISSUE = 1'b1;
  logic             dstate_q;
  logic [3:0]       cur_q;
  logic [7:0]       cur_gen;
  logic [127:0]     cur_cpl;
  logic [15:0]      rem_q;       // bytes of the admitted frame not yet given a buffer
  logic [7:0]       nbuf_q;
  logic [15:0]      first_buf_q;
  // write request register
  logic             dreq_valid_q, dreq_lastbuf_q;
  logic [63:0]      dreq_addr_q;
  logic [15:0]      dreq_len_q;
  logic [14:0]      dreq_beats_q;
  logic [NBW-1:0]   dreq_lastbytes_q;
  // FIFOs fed by the dispatcher
  logic             job_s_valid, job_s_ready, job_m_valid, job_m_ready;
  logic [JW-1:0]    job_s_data, job_m_data;
  logic [$clog2(JOB_DEPTH):0] job_count;
  logic             rec_s_valid, rec_s_ready, rec_m_valid, rec_m_ready;
  logic [RW-1:0]    rec_s_data, rec_m_data;
  logic [$clog2(REC_DEPTH):0] rec_count;
  logic [$clog2(WR_INFLIGHT):0] out_cnt_q;  // data requests issued, response not yet consumed
  logic             resp_take;

  logic             mq_ok, cur_ok, job_room, rec_room, out_room;
  logic [7:0]       mq_gen, cq_gen;
  logic             cq_reset;
  logic [15:0]      mlen;
  logic [14:0]      mbeats, rbeats;
  logic             do_drop, do_admit, do_abort, do_load, dreq_fire;
  logic [15:0]      wlen;
  logic [15:0]      cap16;
  nic_pkg::rx_cpl_t rec_cpl;

  function automatic logic [14:0] beats_of(input logic [15:0] bytes);
    beats_of = {{(BL-1){1'b0}}, bytes[15:BL]} + {14'd0, (bytes[BL-1:0] != '0)};
  endfunction

  always_comb begin
    mcpl     = mc_q;
    mlen     = mcpl.len;
    mbeats   = beats_of(mlen);
    rbeats   = beats_of(rem_q);
    sel_q    = (dstate_q == D_ISSUE) ? cur_q : mq_q;
    mq_ok    = 1'b0;
    mq_gen   = '0;
    cq_gen   = '0;
    cq_reset = 1'b0;
    cur_ok   = 1'b0;
    for (int q = 0; q < NQ; q++) begin
      if ({28'd0, mq_q} == q) begin
        mq_ok  = rxq_enable[q] && !stop[q] && !rxq_reset[q];
        mq_gen = gen_q[q];
      end
      if ({28'd0, cur_q} == q) begin
        cq_gen   = gen_q[q];
        cq_reset = rxq_reset[q];
      end
    end
    cur_ok   = !cq_reset && (cq_gen == cur_gen) && (sel_count != '0);
    job_room = {{(31-$clog2(JOB_DEPTH)){1'b0}}, job_count} < JOB_DEPTH;
    rec_room = {{(31-$clog2(REC_DEPTH)){1'b0}}, rec_count} < REC_DEPTH;
    out_room = {{(31-$clog2(WR_INFLIGHT)){1'b0}}, out_cnt_q} < WR_INFLIGHT;

    do_drop  = 1'b0;
    do_admit = 1'b0;
    do_abort = 1'b0;
    do_load  = 1'b0;
    if (!dreq_valid_q) begin
      if (dstate_q == D_IDLE) begin
        if (mv_q && job_room) begin
          if (mlen == 16'd0 || !mq_ok) begin
            do_drop = 1'b1;
          end else if ({8'd0, mlen} <= sel_cap_sum) begin
            do_admit = 1'b1;
          end else if (!sel_more) begin
            do_drop = 1'b1;
          end
        end
      end else begin
        if (!cur_ok) begin
          do_abort = job_room && rec_room;
        end else begin
          do_load = job_room && rec_room && out_room;
        end
      end
    end
    meta_take  = do_drop || do_admit;
    meta_ready = !mv_q || meta_take;
    cache_pop  = do_load;
    cap16      = {2'b00, sel_head_cap};
    wlen       = (rem_q < cap16) ? rem_q : cap16;
    dreq_fire  = dreq_valid_q && data_wr_req_ready;

    // job FIFO: a write job at each request handshake, a discard job for a drop or an abort
    job_s_valid = 1'b0;
    job_s_data  = '0;
    if (dreq_fire) begin
      job_s_valid = 1'b1;
      job_s_data  = {1'b0, dreq_beats_q, dreq_lastbytes_q};
    end else if (do_drop && mlen != 16'd0) begin
      job_s_valid = 1'b1;
      job_s_data  = {1'b1, mbeats, {NBW{1'b0}}};
    end else if (do_abort) begin
      job_s_valid = 1'b1;
      job_s_data  = {1'b1, rbeats, {NBW{1'b0}}};
    end

    // completion record: after the frame's last request handshake, or an abort that issued some
    rec_cpl = cur_cpl;
    rec_cpl.first_buf = first_buf_q;
    rec_cpl.buf_count = nbuf_q;
    rec_s_valid = (dreq_fire && dreq_lastbuf_q) || (do_abort && nbuf_q != 8'd0);
    rec_s_data  = {cur_q, cur_gen, rec_cpl};

    data_wr_req_valid = dreq_valid_q;
    data_wr_req_addr  = dreq_addr_q;
    data_wr_req_len   = dreq_len_q;
  end

  nic_fifo #(.WIDTH(JW), .DEPTH(JOB_DEPTH)) u_jobs (
    .clk, .rst_n,
    .s_valid(job_s_valid), .s_ready(job_s_ready), .s_data(job_s_data),
    .m_valid(job_m_valid), .m_ready(job_m_ready), .m_data(job_m_data), .count(job_count)
  );

  nic_fifo #(.WIDTH(RW), .DEPTH(REC_DEPTH)) u_records (
    .clk, .rst_n,
    .s_valid(rec_s_valid), .s_ready(rec_s_ready), .s_data(rec_s_data),
    .m_valid(rec_m_valid), .m_ready(rec_m_ready), .m_data(rec_m_data), .count(rec_count)
  );

  logic [15:0] wlen_m1;
  assign wlen_m1 = wlen - 16'd1;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      mv_q             <= 1'b0;
      mq_q             <= '0;
      mc_q             <= '0;
      dstate_q         <= D_IDLE;
      cur_q            <= '0;
      cur_gen          <= '0;
      cur_cpl          <= '0;
      rem_q            <= '0;
      nbuf_q           <= '0;
      first_buf_q      <= '0;
      dreq_valid_q     <= 1'b0;
      dreq_lastbuf_q   <= 1'b0;
      dreq_addr_q      <= '0;
      dreq_len_q       <= '0;
      dreq_beats_q     <= '0;
      dreq_lastbytes_q <= '0;
    end else begin
      if (meta_ready) begin
        mv_q <= meta_valid;
        mq_q <= meta_queue;
        mc_q <= meta_cpl;
      end
      if (dreq_fire) begin
        dreq_valid_q <= 1'b0;
      end
      if (do_admit) begin
        dstate_q    <= D_ISSUE;
        cur_q       <= mq_q;
        cur_gen     <= mq_gen;
        cur_cpl     <= mc_q;
        rem_q       <= mlen;
        nbuf_q      <= '0;
        first_buf_q <= sel_head_idx;
      end
      if (do_abort) begin
        dstate_q <= D_IDLE;
      end
      if (do_load) begin
        dreq_valid_q     <= 1'b1;
        dreq_addr_q      <= sel_head_addr;
        dreq_len_q       <= wlen;
        dreq_beats_q     <= beats_of(wlen);
        dreq_lastbytes_q <= {1'b0, wlen_m1[BL-1:0]} + 1'b1;
        dreq_lastbuf_q   <= (wlen == rem_q);
        rem_q            <= rem_q - wlen;
        nbuf_q           <= nbuf_q + 8'd1;
        if (wlen == rem_q) begin
          dstate_q <= D_IDLE;
        end
      end
    end
  end

  // ---------------------------------------------------------------- data streamer
  logic             jv_q, jdisc_q;
  logic [14:0]      jbeats_q;
  logic [NBW-1:0]   jlast_q;
  logic             jxfer, jdone;
  logic [B-1:0]     last_strb;

  always_comb begin
    for (int i = 0; i < B; i++) begin
      last_strb[i] = (i < {{(32-NBW){1'b0}}, jlast_q});
    end
    data_wr_data_last  = (jbeats_q == 15'd1);
    data_wr_data_strb  = (jbeats_q == 15'd1) ? last_strb : {B{1'b1}};
    fd_ready    = jv_q && (jdisc_q || data_wr_data_ready);
  end

  // kept apart from fd_ready: the frame FIFO's ready must not look like it depends on its valid
  always_comb begin
    data_wr_data_valid = jv_q && !jdisc_q && fd_valid;
    data_wr_data       = fd_data;
    jxfer       = jv_q && (jdisc_q || data_wr_data_ready) && fd_valid;
    jdone       = jxfer && (jbeats_q == 15'd1);
    job_m_ready = !jv_q || jdone;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      jv_q     <= 1'b0;
      jdisc_q  <= 1'b0;
      jbeats_q <= '0;
      jlast_q  <= '0;
    end else if (job_m_ready) begin
      jv_q <= job_m_valid;
      {jdisc_q, jbeats_q, jlast_q} <= job_m_data;
    end else if (jxfer) begin
      jbeats_q <= jbeats_q - 15'd1;
    end
  end

  // ---------------------------------------------------------------- completion stage
  logic             resp_m_valid, resp_m_err, resp_s_ready, resp_want;
  assign resp_take = resp_want && resp_m_valid;
  logic [$clog2(WR_INFLIGHT):0] resp_count;
  logic             rv_q, rerr_q;
  logic [3:0]       rq_q;
  logic [7:0]       rgen_q;
  logic [127:0]     rcpl_q;
  nic_pkg::rx_cpl_t rcpl;
  logic [7:0]       rc_q;
  logic             all_in, r_live, rq_stop, r_retire, r_issue, r_data_err;
  logic [7:0]       rq_gen;
  logic             rq_reset;
  logic [63:0]      rq_cpl_base;
  logic [15:0]      rq_cidx;
  logic             rq_phase;

  nic_fifo #(.WIDTH(1), .DEPTH(WR_INFLIGHT)) u_data_resp (
    .clk, .rst_n,
    .s_valid(data_wr_resp_valid), .s_ready(resp_s_ready), .s_data(data_wr_resp_err),
    .m_valid(resp_m_valid), .m_ready(resp_want), .m_data(resp_m_err), .count(resp_count)
  );

  // completion write register
  logic             cbusy_q, creq_done_q;
  logic [0:0]       cbeat_q;
  logic [63:0]      caddr_q;
  logic [127:0]     cdata_q;
  logic             creq_fire, cdata_fire, cdone;
  // completions in flight
  logic             ct_s_ready, ct_m_valid;
  logic [TW-1:0]    ct_s_data, ct_m_data;
  logic [$clog2(CPL_INFLIGHT):0] ct_count;
  logic             ct_room;

  always_comb begin
    rcpl     = rcpl_q;
    all_in   = rv_q && (rc_q == rcpl.buf_count);
    resp_want = rv_q && (rc_q != rcpl.buf_count);
    rq_gen   = '0;
    rq_reset = 1'b0;
    rq_stop  = 1'b0;
    rq_cpl_base = '0;
    rq_cidx  = '0;
    rq_phase = 1'b0;
    for (int q = 0; q < NQ; q++) begin
      if ({28'd0, rq_q} == q) begin
        rq_gen      = gen_q[q];
        rq_reset    = rxq_reset[q];
        rq_stop     = stop[q];
        rq_cpl_base = rxq_cpl_base[q*64 +: 64];
        rq_cidx     = cidx_q[q];
        rq_phase    = phase_q[q];
      end
    end
    r_live     = (rgen_q == rq_gen) && !rq_reset && !rq_stop;
    ct_room    = {{(31-$clog2(CPL_INFLIGHT)){1'b0}}, ct_count} < CPL_INFLIGHT;
    r_data_err = all_in && r_live && rerr_q;
    r_issue    = all_in && r_live && !rerr_q && !cbusy_q && ct_room;
    r_retire   = (all_in && (!r_live || rerr_q)) || r_issue;
    rec_m_ready = !rv_q || r_retire;
    ct_s_data  = {rq_q, rgen_q, rcpl.buf_count, rcpl.len, rcpl.status == nic_pkg::CPL_BAD_FRAME};
  end

  nic_fifo #(.WIDTH(TW), .DEPTH(CPL_INFLIGHT)) u_cpl_track (
    .clk, .rst_n,
    .s_valid(r_issue), .s_ready(ct_s_ready), .s_data(ct_s_data),
    .m_valid(ct_m_valid), .m_ready(cpl_wr_resp_valid), .m_data(ct_m_data), .count(ct_count)
  );

  generate
    if (B >= 16) begin : g_cpl_wide
      logic [BL-1:0] lane;
      always_comb begin
        lane = caddr_q[BL-1:0];
        cpl_wr_data      = '0;
        cpl_wr_data_strb = '0;
        for (int i = 0; i < B / 16; i++) begin
          if ({{(32-BL){1'b0}}, lane} == i * 16) begin
            cpl_wr_data[i*128 +: 128]    = cdata_q;
            cpl_wr_data_strb[i*16 +: 16] = 16'hFFFF;
          end
        end
        cpl_wr_data_last = 1'b1;
      end
    end else begin : g_cpl_narrow
      always_comb begin
        cpl_wr_data      = cbeat_q[0] ? cdata_q[127:64] : cdata_q[63:0];
        cpl_wr_data_strb = '1;
        cpl_wr_data_last = cbeat_q[0];
      end
    end
  endgenerate

  always_comb begin
    cpl_wr_req_valid  = cbusy_q && !creq_done_q;
    cpl_wr_req_addr   = caddr_q;
    cpl_wr_req_len    = 16'd16;
    cpl_wr_data_valid = cbusy_q;
    creq_fire  = cpl_wr_req_valid && cpl_wr_req_ready;
    cdata_fire = cpl_wr_data_valid && cpl_wr_data_ready;
    cdone      = cdata_fire && cpl_wr_data_last && (creq_done_q || creq_fire);
  end

  // completion write responses
  logic [3:0]  t_q;
  logic [7:0]  t_gen, t_nbuf;
  logic [15:0] t_len;
  logic        t_bad, t_live, t_stop, t_reset;
  logic [7:0]  tq_gen;
  logic        cresp_ok, cresp_err;

  always_comb begin
    {t_q, t_gen, t_nbuf, t_len, t_bad} = ct_m_data;
    tq_gen  = '0;
    t_stop  = 1'b0;
    t_reset = 1'b0;
    for (int q = 0; q < NQ; q++) begin
      if ({28'd0, t_q} == q) begin
        tq_gen  = gen_q[q];
        t_stop  = stop[q];
        t_reset = rxq_reset[q];
      end
    end
    t_live    = cpl_wr_resp_valid && (t_gen == tq_gen) && !t_reset && !t_stop;
    cresp_ok  = t_live && !cpl_wr_resp_err;
    cresp_err = t_live && cpl_wr_resp_err;
  end

  // error sources (at most one event per source per cycle)
  logic       new_err  [QN];
  logic [7:0] new_code [QN];
  logic       pick_err;
  logic [3:0] pick_errq;
  logic [31:0] qv;

  always_comb begin
    for (int q = 0; q < QN; q++) begin
      new_err[q]  = 1'b0;
      new_code[q] = '0;
    end
    for (int q = 0; q < NQ; q++) begin
      if (cresp_err && {28'd0, t_q} == q) begin
        new_err[q]  = 1'b1;
        new_code[q] = nic_pkg::ERR_DMA_CPL_WRITE;
      end
      if (r_data_err && {28'd0, rq_q} == q) begin
        new_err[q]  = 1'b1;
        new_code[q] = nic_pkg::ERR_DMA_DATA_WRITE;
      end
      if (cerr_valid && {28'd0, cerr_queue} == q) begin
        new_err[q]  = 1'b1;
        new_code[q] = cerr_code;
      end
      if (stop[q] || rxq_reset[q]) begin
        new_err[q] = 1'b0;
      end
    end
    pick_err  = 1'b0;
    pick_errq = '0;
    qv        = '0;
    for (int q = NQ - 1; q >= 0; q--) begin
      if (epend_q[q]) begin
        pick_err  = 1'b1;
        qv        = q;
        pick_errq = qv[3:0];
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      rv_q        <= 1'b0;
      rq_q        <= '0;
      rgen_q      <= '0;
      rcpl_q      <= '0;
      rc_q        <= '0;
      rerr_q      <= 1'b0;
      out_cnt_q   <= '0;
      cbusy_q     <= 1'b0;
      creq_done_q <= 1'b0;
      cbeat_q     <= '0;
      caddr_q     <= '0;
      cdata_q     <= '0;
      rx_pkt_valid  <= 1'b0;
      rx_pkt_queue  <= '0;
      rx_pkt_bytes  <= '0;
      rx_bad_valid  <= 1'b0;
      rx_bad_queue  <= '0;
      rx_drop_valid <= 1'b0;
      rx_drop_queue <= '0;
      rx_err_valid  <= 1'b0;
      rx_err_queue  <= '0;
      rx_err_code   <= '0;
      for (int q = 0; q < QN; q++) begin
        gen_q[q]   <= '0;
        err_q[q]   <= 1'b0;
        epend_q[q] <= 1'b0;
        ecode_q[q] <= '0;
        cidx_q[q]  <= '0;
        phase_q[q] <= 1'b1;
        cons_q[q]  <= '0;
      end
    end else begin
      // record head
      if (rec_m_ready) begin
        rv_q   <= rec_m_valid;
        {rq_q, rgen_q, rcpl_q} <= rec_m_data;
        rc_q   <= '0;
        rerr_q <= 1'b0;
      end else if (resp_take) begin
        rc_q   <= rc_q + 8'd1;
        rerr_q <= rerr_q || resp_m_err;
      end
      out_cnt_q <= out_cnt_q + {{$clog2(WR_INFLIGHT){1'b0}}, dreq_fire} - {{$clog2(WR_INFLIGHT){1'b0}}, resp_take};

      // completion write register
      if (r_issue) begin
        cbusy_q     <= 1'b1;
        creq_done_q <= 1'b0;
        cbeat_q     <= '0;
        caddr_q     <= rq_cpl_base + {44'd0, rq_cidx, 4'd0};
        cdata_q     <= {rq_phase, rcpl_q[126:0]};
      end else begin
        if (creq_fire) begin
          creq_done_q <= 1'b1;
        end
        if (cdata_fire) begin
          cbeat_q <= cbeat_q + 1'b1;
        end
        if (cdone) begin
          cbusy_q <= 1'b0;
        end
      end

      // events
      rx_pkt_valid  <= cresp_ok;
      rx_pkt_queue  <= t_q;
      rx_pkt_bytes  <= t_len;
      rx_bad_valid  <= cresp_ok && t_bad;
      rx_bad_queue  <= t_q;
      rx_drop_valid <= do_drop;
      rx_drop_queue <= mq_q;
      rx_err_valid  <= pick_err;
      rx_err_queue  <= pick_errq;
      rx_err_code   <= '0;
      for (int q = 0; q < NQ; q++) begin
        if (pick_err && {28'd0, pick_errq} == q) begin
          rx_err_code <= ecode_q[q];
        end
      end

      for (int q = 0; q < NQ; q++) begin
        if (rxq_reset[q]) begin
          gen_q[q]   <= gen_q[q] + 8'd1;
          err_q[q]   <= 1'b0;
          epend_q[q] <= 1'b0;
          cidx_q[q]  <= '0;
          phase_q[q] <= 1'b1;
          cons_q[q]  <= '0;
        end else begin
          if (new_err[q]) begin
            err_q[q]   <= 1'b1;
            epend_q[q] <= 1'b1;
            ecode_q[q] <= new_code[q];
          end else if (pick_err && {28'd0, pick_errq} == q) begin
            epend_q[q] <= 1'b0;
          end
          if (r_issue && {28'd0, rq_q} == q) begin
            cidx_q[q] <= (cidx_q[q] + 16'd1) & rmask[q];
            if (((cidx_q[q] + 16'd1) & rmask[q]) == 16'd0) begin
              phase_q[q] <= !phase_q[q];
            end
          end
          if (cresp_ok && {28'd0, t_q} == q) begin
            cons_q[q] <= (cons_q[q] + {8'd0, t_nbuf}) & rmask[q];
          end
        end
      end
    end
  end

  logic unused_engine;
  assign unused_engine = ^{job_s_ready, rec_s_ready, resp_s_ready, resp_count, ct_s_ready,
                           ct_m_valid, qv[31:4], rcpl_q[127], cbeat_q, size17[16], mcpl[127:48], mcpl[31:0],
                           wlen_m1, rcpl[127:48], rcpl[15:0]};

endmodule

`default_nettype wire
