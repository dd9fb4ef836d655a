// nic_rx_engine: receive path of the NIC (see docs/rtl-architecture.md, "RX engine").
//
//   s_axis_rx -> nic_rx_parse (frame FIFO, parse, checksums, RSS queue) -> metadata per frame
//   nic_rx_desc_cache: buffer descriptors prefetched per queue       (DMA rd client: desc_rd_*)
//   dispatcher: per frame, in arrival order, admit (enough cached buffers on an enabled, healthy
//     queue), wait (more buffers are on their way from memory: bounded by memory latency, never by
//     software) or drop (drain the frame, rx_drop event); an admitted frame gets one write request
//     per buffer, each buffer taking whole beats (buffers are 64-byte aligned, capacities multiples
//     of 64), strobes trimmed on the frame's last beat                (DMA wr client: data_wr_*).
//     Pipelined: one write request per cycle; a one-buffer frame is admitted and requested in one
//     cycle, so short frames go through at one frame per cycle.
//   data streamer: moves each request's beats from the frame FIFO (or discards a dropped frame);
//     its data valid may rise before the request is accepted (the DMA takes beats only for
//     accepted requests, in request order)
//   completion stage: after every data write response of a frame, writes its rx_cpl_t to
//     rxq_cpl_base + cpl_index * 16, adjacent completions of one queue coalesced into one
//     write of up to CPL_BATCH records                                (DMA wr client: cpl_wr_*)
//     and, on that write's response, advances rxq_cons and raises rx_pkt (and rx_bad) events.
// Writes of many frames are in flight at once; order per queue (in fact globally) is kept.
//
// Throughput on ONE AXI4 write channel (nic_dma shares W between data and completions): a frame
// of L bytes costs ceil(L / B) data beats plus 16 bytes of completion, i.e. 16 / B beats when
// completions are coalesced by (at least) B / 16 (2 beats at 64 bits: a record never shares a
// beat there). The wire side needs ceil(L / B) cycles, so the input duty cycle is at most
// ceil(L/B) / (ceil(L/B) + 16/B): 64 B frames 0.80 at 64 and at 512 bits (0.5 at 512 bits
// without coalescing), 256 B 0.94, 1518 B 0.99. Buffering for a memory latency of T cycles:
// the descriptor cache must cover T x buffers per cycle (CACHE_DEPTH), and data writes
// awaiting their response T x requests per cycle (WR_INFLIGHT); the defaults cover T = 200 with
// 64-byte frames at every width.
//
// Errors (descriptor read/validation, data or completion write response) stop only their queue
// (rx_err event; rxq_in_error from the registers or the local flag); its frames are dropped from
// then on. rxq_reset[q] forgets the queue: indices back to 0, phase back to 1, cache emptied; DMA
// still in flight for it completes and is ignored (per-queue generation numbers, 8 bits: a stale
// response could only be mistaken after 256 resets of one queue while it is in flight).
//
// Ring idle (RING_STATUS.IDLE) and RING_TAKEN: every frame admitted to a queue (given buffers) is
// reported on rx_taken_*, and counted per queue until it is finished: completed (its completion
// write answered) or abandoned (retired without a completion: reset, error, stop). rxq_idle[q]: no
// frame of q is in flight and no descriptor read of q is. rx_idle: no frame is inside at all
// (being received, in the frame FIFO, waiting for its decision, admitted) and every queue is idle.
//
// A frame can span at most CACHE_DEPTH buffers; it is dropped if it needs more.
// Assumes: rxq_base/rxq_cpl_base 16-byte aligned, rxq_prod < ring size, rss_table entries below
// NUM_QUEUES (all checked by nic_regs); DMA write data is taken only after its request.
`default_nettype none

module nic_rx_engine #(
  parameter int DATA_WIDTH   = 64,  // AXI-Stream and DMA data width in bits: 64, 128, 256, 512
  parameter int NUM_QUEUES   = 4,   // RX queues, 1..16
  parameter int CACHE_DEPTH  = (DATA_WIDTH >= 512) ? 256 : ((DATA_WIDTH >= 256) ? 128 : 64),
                                    // buffer descriptors cached per queue (power of two, >= 4)
  parameter int META_DEPTH   = 32,  // frames waiting in the frame FIFO (power of two)
  parameter int WR_INFLIGHT  = (DATA_WIDTH >= 256) ? 256 : 128,
                                    // data write requests awaiting their response (power of two)
  parameter int CPL_INFLIGHT = (DATA_WIDTH >= 256) ? 256 : 128,
                                    // completion writes awaiting their response (power of two)
  parameter int CPL_BATCH    = 8,   // completions coalesced into one write at most (power of
                                    // two, 2..16)
  parameter int CPL_HOLD     = 16,  // cycles a batch that ends inside a beat may wait for more
                                    // records (wide datapaths only; 1..255)
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
  output logic                       rx_taken_valid,   // a frame was given buffers (RING_TAKEN)
  output logic [3:0]                 rx_taken_queue,
  output logic [NUM_QUEUES-1:0]      rxq_idle,         // nothing of queue q in flight
  output logic                       rx_idle,          // no frame inside, every queue idle
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
  localparam int REC_DEPTH = WR_INFLIGHT;          // records waiting for their data responses
  localparam int CT_DEPTH  = WR_INFLIGHT;          // records waiting for their completion write
  localparam int CBW = $clog2(CPL_BATCH);
  localparam int BM1_I = B - 1;
  localparam logic [7:0] CPL_HOLD8 = CPL_HOLD[7:0];
  localparam logic [15:0] BM1 = BM1_I[15:0];
  localparam int JW  = 1 + 15 + NBW;              // job: discard, beats, bytes in last beat
  localparam int RW  = 4 + 8 + 128;               // record: queue, generation, completion
  localparam int TW  = 4 + 8 + 8 + 16 + 1;        // completion in flight: q, gen, bufs, len, bad

  // ---------------------------------------------------------------- per-queue state
  // Written by index on events only (an idle cycle runs no per-queue loop); a queue's lookups
  // below read by index, qualified by "queue number < NQ" exactly like the loops they replace.
  logic [7:0]  gen_q   [QN];
  logic [NQ-1:0] err_q;
  logic [NQ-1:0] epend_q;
  logic [7:0]  ecode_q [QN];
  logic [15:0] cidx_q  [QN];    // next completion slot
  logic        phase_q [QN];
  logic [15:0] cons_q  [QN];
  logic [NQ-1:0] stop;

  // ring size - 1 of a queue
  function automatic logic [15:0] ring_mask(input logic [QW-1:0] q);
    ring_mask = (16'd1 << rxq_size_log2[q*5 +: 5]) - 16'd1;
  endfunction

  // queue number q is a configured queue (the loops this replaces ignored the others)
  function automatic logic q_in(input logic [3:0] q);
    q_in = ({28'd0, q} < NQ);
  endfunction

  always_comb begin
    stop = rxq_in_error | err_q;
    for (int q = 0; q < NQ; q++) begin
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
  logic [NQ-1:0]  cache_fetching;

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
    .err_valid(cerr_valid), .err_queue(cerr_queue), .err_code(cerr_code),
    .fetching(cache_fetching)
  );

  // ---------------------------------------------------------------- dispatcher
  // One decision per cycle, one write request per cycle: a frame whose queue holds enough
  // buffers is admitted AND gets its first buffer's request in the same cycle (a one-buffer
  // frame is then done, and the next metadata word is decided on the next cycle); the request
  // register is reloaded in the cycle its request is accepted. Each request pushes its write job
  // (streamer) when it is loaded; the frame's last request also pushes its completion record.
  // metadata head register (the pop decision never looks at the FIFO's own outputs)
  logic             mv_q;
  logic [3:0]       mq_q;
  logic [127:0]     mc_q;
  nic_pkg::rx_cpl_t mcpl;
  logic             meta_take;

  localparam logic D_IDLE = 1'b0, D_ISSUE = 1'b1;
  logic             dstate_q, idle;
  logic [3:0]       cur_q;
  logic [7:0]       cur_gen;
  logic [127:0]     cur_cpl;
  logic [15:0]      rem_q;       // bytes of the admitted frame not yet given a buffer
  logic [7:0]       nbuf_q;
  logic [15:0]      first_buf_q;
  // write request register
  logic             dreq_valid_q;
  logic [63:0]      dreq_addr_q;
  logic [15:0]      dreq_len_q;
  // FIFOs fed by the dispatcher
  logic             job_s_valid, job_s_ready, job_m_valid, job_m_ready;
  logic [JW-1:0]    job_s_data, job_m_data;
  logic [$clog2(JOB_DEPTH):0] job_count;
  logic             rec_s_valid, rec_s_ready, rec_m_valid, rec_m_ready;
  logic [RW-1:0]    rec_s_data, rec_m_data;
  logic [$clog2(REC_DEPTH):0] rec_count;
  logic [$clog2(WR_INFLIGHT):0] out_cnt_q;  // data requests loaded, response not yet consumed
  logic             resp_take;

  logic             mq_ok, cur_ok, job_room, rec_room, out_room, dreq_free, room;
  logic [7:0]       mq_gen, cq_gen;
  logic             cq_reset;
  logic [15:0]      mlen;
  logic [14:0]      mbeats, rbeats;
  logic             do_drop, do_admit, do_abort, do_load, dreq_fire, f_last;
  logic [15:0]      wlen, wlen_m1;
  logic [15:0]      cap16;
  // context of the frame that gets this cycle's request: the head frame (idle) or the current one
  logic [3:0]       f_q;
  logic [7:0]       f_gen;
  logic [127:0]     f_cpl;
  logic [15:0]      f_rem, f_first;
  logic [7:0]       f_nbuf;
  nic_pkg::rx_cpl_t rec_cpl;

  // the cache view of the frame's queue, apart from the decision logic that reads it
  assign sel_q = (dstate_q == D_IDLE) ? mq_q : cur_q;

  function automatic logic [14:0] beats_of(input logic [15:0] bytes);
    beats_of = {{(BL-1){1'b0}}, bytes[15:BL]} + {14'd0, (bytes[BL-1:0] != '0)};
  endfunction

  always_comb begin
    idle     = (dstate_q == D_IDLE);
    mcpl     = mc_q;
    mlen     = mcpl.len;
    mbeats   = beats_of(mlen);
    rbeats   = beats_of(rem_q);
    mq_ok    = q_in(mq_q) && rxq_enable[mq_q[QW-1:0]] && !stop[mq_q[QW-1:0]]
               && !rxq_reset[mq_q[QW-1:0]];
    mq_gen   = q_in(mq_q) ? gen_q[mq_q[QW-1:0]] : '0;
    cq_gen   = q_in(cur_q) ? gen_q[cur_q[QW-1:0]] : '0;
    cq_reset = q_in(cur_q) && rxq_reset[cur_q[QW-1:0]];
    cur_ok    = !cq_reset && (cq_gen == cur_gen) && (sel_count != '0);
    job_room  = {{(31-$clog2(JOB_DEPTH)){1'b0}}, job_count} < JOB_DEPTH;
    rec_room  = {{(31-$clog2(REC_DEPTH)){1'b0}}, rec_count} < REC_DEPTH;
    out_room  = {{(31-$clog2(WR_INFLIGHT)){1'b0}}, out_cnt_q} < WR_INFLIGHT;
    dreq_fire = dreq_valid_q && data_wr_req_ready;
    dreq_free = !dreq_valid_q || data_wr_req_ready;
    room      = dreq_free && job_room && rec_room && out_room;

    f_q     = idle ? mq_q : cur_q;
    f_gen   = idle ? mq_gen : cur_gen;
    f_cpl   = idle ? mc_q : cur_cpl;
    f_rem   = idle ? mlen : rem_q;
    f_first = idle ? sel_head_idx : first_buf_q;
    f_nbuf  = idle ? 8'd0 : nbuf_q;
    cap16   = {2'b00, sel_head_cap};
    wlen    = (f_rem < cap16) ? f_rem : cap16;
    wlen_m1 = wlen - 16'd1;
    f_last  = (wlen == f_rem);

    do_drop  = 1'b0;
    do_admit = 1'b0;
    do_abort = 1'b0;
    do_load  = 1'b0;
    if (idle) begin
      // a drop waits for the previous request's handshake: decisions stay visible in order
      if (mv_q && job_room && dreq_free) begin
        if (mlen == 16'd0 || !mq_ok) begin
          do_drop = 1'b1;
        end else if ({8'd0, mlen} <= sel_cap_sum) begin
          do_admit = room;
          do_load  = room;
        end else if (!sel_more) begin
          do_drop = 1'b1;
        end
      end
    end else begin
      if (!cur_ok) begin
        do_abort = job_room && rec_room;
      end else begin
        do_load = room;
      end
    end
    meta_take  = do_drop || do_admit;
    meta_ready = !mv_q || meta_take;
    cache_pop  = do_load;

    // job FIFO: a write job per loaded request, a discard job for a drop or an abort
    job_s_valid = 1'b0;
    job_s_data  = '0;
    if (do_load) begin
      job_s_valid = 1'b1;
      job_s_data  = {1'b0, beats_of(wlen), {1'b0, wlen_m1[BL-1:0]} + 1'b1};
    end else if (do_drop && mlen != 16'd0) begin
      job_s_valid = 1'b1;
      job_s_data  = {1'b1, mbeats, {NBW{1'b0}}};
    end else if (do_abort) begin
      job_s_valid = 1'b1;
      job_s_data  = {1'b1, rbeats, {NBW{1'b0}}};
    end

    // completion record: with the frame's last request, or an abort that issued some
    rec_cpl = f_cpl;
    rec_cpl.first_buf = f_first;
    rec_cpl.buf_count = do_load ? f_nbuf + 8'd1 : nbuf_q;
    rec_s_valid = (do_load && f_last) || (do_abort && nbuf_q != 8'd0);
    rec_s_data  = {f_q, f_gen, rec_cpl};

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

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      mv_q         <= 1'b0;
      mq_q         <= '0;
      mc_q         <= '0;
      dstate_q     <= D_IDLE;
      cur_q        <= '0;
      cur_gen      <= '0;
      cur_cpl      <= '0;
      rem_q        <= '0;
      nbuf_q       <= '0;
      first_buf_q  <= '0;
      dreq_valid_q <= 1'b0;
      dreq_addr_q  <= '0;
      dreq_len_q   <= '0;
    end else begin
      if (meta_ready) begin
        mv_q <= meta_valid;
        mq_q <= meta_queue;
        mc_q <= meta_cpl;
      end
      if (do_abort) begin
        dstate_q <= D_IDLE;
      end
      if (do_load) begin
        dreq_valid_q <= 1'b1;
        dreq_addr_q  <= sel_head_addr;
        dreq_len_q   <= wlen;
        dstate_q     <= f_last ? D_IDLE : D_ISSUE;
        cur_q        <= f_q;
        cur_gen      <= f_gen;
        cur_cpl      <= f_cpl;
        first_buf_q  <= f_first;
        rem_q        <= f_rem - wlen;
        nbuf_q       <= f_nbuf + 8'd1;
      end else if (dreq_fire) begin
        dreq_valid_q <= 1'b0;
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
    last_strb = ~({B{1'b1}} << jlast_q);   // lanes below jlast_q
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
  // Record head: counts the data write responses of its frame (consuming the last one in the
  // same cycle it appends the record), then appends the completion to the open batch.
  //
  // Coalescing. Completions of one queue go to consecutive ring slots, so several of them are
  // written as ONE write request (one burst): a batch holds up to CPL_BATCH records of one queue
  // (same generation), never crosses a CPL_BATCH-slot boundary of the ring nor its wrap. The
  // batch is handed to the completion writer once the writer is free and the batch is closed,
  // or it ends on a beat boundary (a further record would start a new beat anyway: always the
  // case at 64 and 128 bits), or the next record belongs elsewhere (another queue), or no
  // record joins in this cycle and either no further record is on its way (none waits for its
  // data) or none joined for CPL_HOLD cycles. So at 256/512 bits, under load, the records of
  // one beat are gathered (four per 512-bit beat: 0.25 W beats per completion instead of 1);
  // a lone completion is not delayed; while the writer is busy, records accumulate at every
  // width. Records of different queues interleaved by RSS are not coalesced (one open batch).
  // Ordering (the phase-bit rule): a record joins a batch only after EVERY data write response
  // of its frame came back (the DMA reports a response once all its bursts are answered), so
  // each completion record, and its phase bit, becomes visible no earlier than its frame's
  // data; a batch write carries only such records. The driver polls records one by one by
  // phase bit, so records written together in one burst are compatible with the contract (a
  // record is 16 aligned bytes inside the burst; at 64 bits its phase bit is in its second
  // beat, as before). rxq_cons and the rx_pkt events advance per record, one per cycle, after
  // the batch's write response.
  logic             resp_m_valid, resp_m_err, resp_s_ready, resp_want;
  logic [$clog2(WR_INFLIGHT):0] resp_count;
  logic             rv_q, rerr_q;
  logic [3:0]       rq_q;
  logic [7:0]       rgen_q;
  logic [127:0]     rcpl_q;
  nic_pkg::rx_cpl_t rcpl;
  logic [7:0]       rc_q;
  logic             all_in, err_all, r_live, rq_stop, r_retire, r_want, r_issue, r_data_err;
  logic [7:0]       rq_gen;
  logic             rq_reset;
  logic [63:0]      rq_cpl_base;
  logic [15:0]      rq_cidx, rq_mask, rq_next;
  logic             rq_phase, r_close, rq_in;

  nic_fifo #(.WIDTH(1), .DEPTH(WR_INFLIGHT)) u_data_resp (
    .clk, .rst_n,
    .s_valid(data_wr_resp_valid), .s_ready(resp_s_ready), .s_data(data_wr_resp_err),
    .m_valid(resp_m_valid), .m_ready(resp_want), .m_data(resp_m_err), .count(resp_count)
  );

  // open batch
  logic [CBW:0]     bn_q;
  logic [3:0]       bq_q;
  logic [7:0]       bgen_q;
  logic [63:0]      baddr_q;
  logic             bclosed_q, bend_q, r_bend;
  logic [7:0]       bage_q;
  logic [15:0]      rq_next16;
  /*verilator coverage_off*/  // storage: no toggle coverage (docs/coverage.md, Exclusions)
  logic [127:0]     bbuf_q [CPL_BATCH];
  /*verilator coverage_on*/
  logic             can_join, join_now, flush, more_recs;
  // completion writer
  logic             wv_q, creq_done_q;
  logic [63:0]      waddr_q;
  logic [CBW:0]     wn_q;
  logic [7:0]       wbeat_q, wbeats_q;
  logic [127:0]     wbuf_q [CPL_BATCH];
  logic             wfree, creq_fire, cdata_fire, cdone;
  logic [15:0]      btot;
  // records in flight (one entry each) and batches in flight (records per batch)
  logic             ct_s_ready, ct_m_valid, ct_pop;
  logic [TW-1:0]    ct_s_data, ct_m_data;
  logic [$clog2(CT_DEPTH):0] ct_count;
  logic             ct_room;
  logic             cb_s_ready, cb_m_valid, cb_pop;
  logic [CBW:0]     cb_m_data;
  logic [$clog2(CPL_INFLIGHT):0] cb_count, cr_count;
  logic             cb_room;
  logic             cr_s_ready, cr_m_valid, cr_m_err;

  always_comb begin
    rcpl      = rcpl_q;
    resp_want = rv_q && (rc_q != rcpl.buf_count);
    resp_take = resp_want && resp_m_valid;
    all_in    = rv_q && ((rc_q == rcpl.buf_count) || (resp_take && (rc_q + 8'd1 == rcpl.buf_count)));
    err_all   = rerr_q || (resp_take && resp_m_err);
    rq_in       = q_in(rq_q);
    rq_gen      = rq_in ? gen_q[rq_q[QW-1:0]] : '0;
    rq_reset    = rq_in && rxq_reset[rq_q[QW-1:0]];
    rq_stop     = rq_in && stop[rq_q[QW-1:0]];
    rq_cpl_base = rq_in ? rxq_cpl_base[rq_q[QW-1:0]*64 +: 64] : '0;
    rq_cidx     = rq_in ? cidx_q[rq_q[QW-1:0]] : '0;
    rq_mask     = rq_in ? ring_mask(rq_q[QW-1:0]) : '0;
    rq_phase    = rq_in && phase_q[rq_q[QW-1:0]];
    rq_next    = (rq_cidx + 16'd1) & rq_mask;
    r_close    = (rq_next == 16'd0) || (rq_next[CBW-1:0] == '0);
    rq_next16  = {rq_next[11:0], 4'd0};
    r_bend     = ((rq_cpl_base[BL-1:0] + rq_next16[BL-1:0]) == '0);
    r_live     = (rgen_q == rq_gen) && !rq_reset && !rq_stop;
    ct_room    = {{(31-$clog2(CT_DEPTH)){1'b0}}, ct_count} < CT_DEPTH;
    cb_room    = {{(31-$clog2(CPL_INFLIGHT)){1'b0}}, cb_count} < CPL_INFLIGHT;
    r_data_err = all_in && r_live && err_all;
    r_want     = all_in && r_live && !err_all && ct_room;
    can_join   = (bn_q != '0) && !bclosed_q && (bq_q == rq_q) && (bgen_q == rgen_q);
    wfree      = !wv_q || cdone;
    more_recs  = rv_q || (rec_count != '0);
    flush      = (bn_q != '0) && wfree && cb_room
                 && (bclosed_q || bend_q || (r_want && !can_join)
                     || (!(r_want && can_join) && ((bage_q >= CPL_HOLD8) || !more_recs)));
    join_now   = can_join && !flush;   // else the record starts a new batch
    r_issue    = r_want && (join_now || (bn_q == '0) || flush);
    r_retire   = (all_in && (!r_live || err_all)) || r_issue;
    rec_m_ready = !rv_q || r_retire;
    ct_s_data  = {rq_q, rgen_q, rcpl.buf_count, rcpl.len, rcpl.status == nic_pkg::CPL_BAD_FRAME};
    // beats of the batch being handed over: (address % B + records * 16) rounded up to beats
    btot       = {{(16-BL){1'b0}}, baddr_q[BL-1:0]} + {{(11-CBW){1'b0}}, bn_q, 4'd0} + BM1;
  end

  nic_fifo #(.WIDTH(TW), .DEPTH(CT_DEPTH)) u_cpl_track (
    .clk, .rst_n,
    .s_valid(r_issue), .s_ready(ct_s_ready), .s_data(ct_s_data),
    .m_valid(ct_m_valid), .m_ready(ct_pop), .m_data(ct_m_data), .count(ct_count)
  );

  nic_fifo #(.WIDTH(CBW + 1), .DEPTH(CPL_INFLIGHT)) u_cpl_batches (
    .clk, .rst_n,
    .s_valid(flush), .s_ready(cb_s_ready), .s_data(bn_q),
    .m_valid(cb_m_valid), .m_ready(cb_pop), .m_data(cb_m_data), .count(cb_count)
  );

  nic_fifo #(.WIDTH(1), .DEPTH(CPL_INFLIGHT)) u_cpl_resp (
    .clk, .rst_n,
    .s_valid(cpl_wr_resp_valid), .s_ready(cr_s_ready), .s_data(cpl_wr_resp_err),
    .m_valid(cr_m_valid), .m_ready(cb_pop), .m_data(cr_m_err), .count(cr_count)
  );

  generate
    if (B >= 16) begin : g_cpl_wide
      // beat k holds bytes [k*B, (k+1)*B) of the burst's beat-aligned span; record j of the
      // batch starts at byte (address % B) + j*16 of that span
      logic [BL-1:0] offs;
      logic [31:0]   pos;
      always_comb begin
        offs = waddr_q[BL-1:0];
        cpl_wr_data      = '0;
        cpl_wr_data_strb = '0;
        pos = '0;
        for (int i = 0; i < B / 16; i++) begin
          pos = {{(24-BL){1'b0}}, wbeat_q, {BL{1'b0}}} + i * 16;
          for (int j = 0; j < CPL_BATCH; j++) begin
            if ((pos == {{(32-BL){1'b0}}, offs} + j * 16) && (j < {{(31-CBW){1'b0}}, wn_q})) begin
              cpl_wr_data[i*128 +: 128]    = wbuf_q[j];
              cpl_wr_data_strb[i*16 +: 16] = 16'hFFFF;
            end
          end
        end
        cpl_wr_data_last = (wbeat_q + 8'd1 == wbeats_q);
      end
    end else begin : g_cpl_narrow
      // 8-byte beats: record j is beats 2j (low half) and 2j+1 (high half)
      logic [127:0] wrec;
      always_comb begin
        wrec = ({25'd0, wbeat_q[7:1]} < CPL_BATCH) ? wbuf_q[wbeat_q[CBW:1]] : '0;
        cpl_wr_data = wbeat_q[0] ? wrec[127:64] : wrec[63:0];
        cpl_wr_data_strb = '1;
        cpl_wr_data_last = (wbeat_q + 8'd1 == wbeats_q);
      end
    end
  endgenerate

  always_comb begin
    cpl_wr_req_valid  = wv_q && !creq_done_q;
    cpl_wr_req_addr   = waddr_q;
    cpl_wr_req_len    = {{(11-CBW){1'b0}}, wn_q, 4'd0};
    cpl_wr_data_valid = wv_q;
    creq_fire  = cpl_wr_req_valid && cpl_wr_req_ready;
    cdata_fire = cpl_wr_data_valid && cpl_wr_data_ready;
    cdone      = cdata_fire && cpl_wr_data_last && (creq_done_q || creq_fire);
  end

  // completion write responses: one record per cycle of the oldest answered batch
  logic [3:0]  t_q;
  logic [7:0]  t_gen, t_nbuf;
  logic [15:0] t_len;
  logic        t_bad, t_live, t_stop, t_reset, e_go, e_last;
  logic [7:0]  tq_gen;
  logic [CBW:0] ecnt_q;
  logic        cresp_ok, cresp_err;

  always_comb begin
    {t_q, t_gen, t_nbuf, t_len, t_bad} = ct_m_data;
    tq_gen  = q_in(t_q) ? gen_q[t_q[QW-1:0]] : '0;
    t_stop  = q_in(t_q) && stop[t_q[QW-1:0]];
    t_reset = q_in(t_q) && rxq_reset[t_q[QW-1:0]];
    e_go      = ct_m_valid && cb_m_valid && cr_m_valid;
    e_last    = (ecnt_q + 1'b1 == cb_m_data);
    ct_pop    = e_go;
    cb_pop    = e_go && e_last;
    t_live    = e_go && (t_gen == tq_gen) && !t_reset && !t_stop;
    cresp_ok  = t_live && !cr_m_err;
    cresp_err = t_live && cr_m_err;
  end

  // error sources (at most one event per source per cycle): queue q enters error when one of
  // them names it and it is neither stopped nor being reset; the code of the last source in
  // this order wins: completion write, data write, descriptor cache.
  logic       pick_err;
  logic [3:0] pick_errq;
  logic [31:0] qv;

  function automatic logic err_new(input logic [3:0] q);
    err_new = q_in(q) && !stop[q[QW-1:0]] && !rxq_reset[q[QW-1:0]];
  endfunction

  function automatic logic [7:0] err_code_of(input logic [3:0] q);
    err_code_of = (cerr_valid && cerr_queue == q) ? cerr_code
                : ((r_data_err && rq_q == q) ? nic_pkg::ERR_DMA_DATA_WRITE : nic_pkg::ERR_DMA_CPL_WRITE);
  endfunction

  always_comb begin
    pick_err  = |epend_q;
    pick_errq = '0;
    qv        = '0;
    if (pick_err) begin
      for (int q = NQ - 1; q >= 0; q--) begin
        if (epend_q[q]) begin
          qv        = q;
          pick_errq = qv[3:0];
        end
      end
    end
  end

  // batch and writer storage (no reset: qualified by bn_q / wn_q)
  always_ff @(posedge clk) begin
    if (r_issue) begin
      for (int j = 0; j < CPL_BATCH; j++) begin
        if ((join_now && {{(31-CBW){1'b0}}, bn_q} == j) || (!join_now && j == 0)) begin
          bbuf_q[j] <= {rq_phase, rcpl_q[126:0]};
        end
      end
    end
    if (flush) begin
      for (int j = 0; j < CPL_BATCH; j++) begin
        wbuf_q[j] <= bbuf_q[j];
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
      bn_q        <= '0;
      bq_q        <= '0;
      bgen_q      <= '0;
      baddr_q     <= '0;
      bclosed_q   <= 1'b0;
      bend_q      <= 1'b0;
      bage_q      <= '0;
      wv_q        <= 1'b0;
      creq_done_q <= 1'b0;
      waddr_q     <= '0;
      wn_q        <= '0;
      wbeat_q     <= '0;
      wbeats_q    <= '0;
      ecnt_q      <= '0;
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
      err_q   <= '0;
      epend_q <= '0;
      for (int q = 0; q < QN; q++) begin
        gen_q[q]   <= '0;
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
      if (do_load != resp_take) begin
        out_cnt_q <= out_cnt_q + {{$clog2(WR_INFLIGHT){1'b0}}, do_load} - {{$clog2(WR_INFLIGHT){1'b0}}, resp_take};
      end

      // open batch
      if (r_issue) begin
        bage_q    <= '0;
      end else if (bage_q != 8'hFF) begin
        bage_q    <= bage_q + 8'd1;
      end
      if (r_issue) begin
        bclosed_q <= r_close;
        bend_q    <= r_bend;
        if (join_now) begin
          bn_q <= bn_q + 1'b1;
        end else begin
          bn_q    <= {{CBW{1'b0}}, 1'b1};
          bq_q    <= rq_q;
          bgen_q  <= rgen_q;
          baddr_q <= rq_cpl_base + {44'd0, rq_cidx, 4'd0};
        end
      end else if (flush) begin
        bn_q <= '0;
      end

      // completion writer
      if (flush) begin
        wv_q        <= 1'b1;
        creq_done_q <= 1'b0;
        waddr_q     <= baddr_q;
        wn_q        <= bn_q;
        wbeat_q     <= '0;
        wbeats_q    <= btot[BL+7:BL];
      end else begin
        if (creq_fire) begin
          creq_done_q <= 1'b1;
        end
        if (cdata_fire) begin
          wbeat_q <= wbeat_q + 8'd1;
        end
        if (cdone) begin
          wv_q <= 1'b0;
        end
      end
      if (e_go) begin
        ecnt_q <= e_last ? '0 : ecnt_q + 1'b1;
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
      rx_err_code   <= pick_err ? ecode_q[pick_errq[QW-1:0]] : '0;

      // per-queue state, written by index for this cycle's events; a queue reset (last: it
      // wins) forgets the queue, an error raised in the same cycle overrides the pending
      // error's clear
      if (pick_err) begin
        epend_q[pick_errq[QW-1:0]] <= 1'b0;
      end
      if (cresp_err && err_new(t_q)) begin
        err_q[t_q[QW-1:0]]   <= 1'b1;
        epend_q[t_q[QW-1:0]] <= 1'b1;
        ecode_q[t_q[QW-1:0]] <= err_code_of(t_q);
      end
      if (r_data_err && err_new(rq_q)) begin
        err_q[rq_q[QW-1:0]]   <= 1'b1;
        epend_q[rq_q[QW-1:0]] <= 1'b1;
        ecode_q[rq_q[QW-1:0]] <= err_code_of(rq_q);
      end
      if (cerr_valid && err_new(cerr_queue)) begin
        err_q[cerr_queue[QW-1:0]]   <= 1'b1;
        epend_q[cerr_queue[QW-1:0]] <= 1'b1;
        ecode_q[cerr_queue[QW-1:0]] <= err_code_of(cerr_queue);
      end
      if (r_issue && rq_in) begin
        cidx_q[rq_q[QW-1:0]] <= rq_next;
        if (rq_next == 16'd0) begin
          phase_q[rq_q[QW-1:0]] <= !rq_phase;
        end
      end
      if (cresp_ok && q_in(t_q)) begin
        cons_q[t_q[QW-1:0]] <= (cons_q[t_q[QW-1:0]] + {8'd0, t_nbuf}) & ring_mask(t_q[QW-1:0]);
      end
      if (rxq_reset != '0) begin
        for (int q = 0; q < NQ; q++) begin
          if (rxq_reset[q]) begin
            gen_q[q]   <= gen_q[q] + 8'd1;
            err_q[q]   <= 1'b0;
            epend_q[q] <= 1'b0;
            cidx_q[q]  <= '0;
            phase_q[q] <= 1'b1;
            cons_q[q]  <= '0;
          end
        end
      end
    end
  end

  // ---------------------------------------------------------------- frames in flight
  // Per queue: frames admitted and not finished (any generation: a reset does not clear it, the
  // frames of the old generation still finish). Globally: frames whose last beat came in and
  // whose fate is not decided and done yet. Written on these events only.
  logic [15:0]   frames_q [QN];
  logic [QN-1:0] frames_nz_q;      // bit q: frames_q[q] != 0
  logic [15:0]   inside_q;
  logic          inside_nz_q, partial_q;
  logic          fin_norec, fin_retire, frame_in, rx_beat;

  assign rx_beat    = s_axis_rx_tvalid && s_axis_rx_tready;
  assign frame_in   = rx_beat && s_axis_rx_tlast;
  assign fin_norec  = do_abort && (nbuf_q == 8'd0);   // (an abort always has a buffer: kept exact)
  assign fin_retire = r_retire && !r_issue;            // abandoned at the record head

  // frames of queue x in flight after this cycle's events
  function automatic logic [15:0] frames_after(input int x);
    frames_after = frames_q[x]
                   + {15'd0, do_admit && {28'd0, mq_q} == x}
                   - {15'd0, fin_norec && {28'd0, cur_q} == x}
                   - {15'd0, fin_retire && {28'd0, rq_q} == x}
                   - {15'd0, ct_pop && {28'd0, t_q} == x};
  endfunction

  function automatic logic [15:0] inside_after();
    inside_after = inside_q + {15'd0, frame_in} - {15'd0, do_drop} - {15'd0, fin_norec}
                   - {15'd0, fin_retire} - {15'd0, ct_pop};
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      frames_nz_q <= '0;
      inside_q    <= '0;
      inside_nz_q <= 1'b0;
      partial_q   <= 1'b0;
      rx_taken_valid <= 1'b0;
      rx_taken_queue <= '0;
      for (int q = 0; q < QN; q++) begin
        frames_q[q] <= '0;
      end
    end else begin
      rx_taken_valid <= do_admit;
      if (do_admit) rx_taken_queue <= mq_q;
      if (rx_beat) partial_q <= !s_axis_rx_tlast;
      if (do_admit || fin_norec || fin_retire || ct_pop) begin
        for (int q = 0; q < NQ; q++) begin
          frames_q[q]    <= frames_after(q);
          frames_nz_q[q] <= (frames_after(q) != '0);
        end
      end
      if (frame_in || do_drop || fin_norec || fin_retire || ct_pop) begin
        inside_q    <= inside_after();
        inside_nz_q <= (inside_after() != '0);
      end
    end
  end

  assign rxq_idle = ~(frames_nz_q[NQ-1:0] | cache_fetching);
  // A drop is counted (RING_STAT_DROPS) one cycle after its event: idle waits for it.
  assign rx_idle  = !partial_q && !inside_nz_q && (cache_fetching == '0) && !rx_drop_valid;

  logic unused_engine;
  assign unused_engine = ^{frames_nz_q, job_s_ready, rec_s_ready, resp_s_ready, resp_count, ct_s_ready,
                           cb_s_ready, cr_s_ready, cr_count, qv[31:4], rcpl_q[127],
                           mcpl[127:48], mcpl[31:0], wlen_m1, rq_next16, rcpl[127:48], rcpl[15:0], btot};

endmodule

`default_nettype wire
