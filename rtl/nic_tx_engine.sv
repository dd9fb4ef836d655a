// nic_tx_engine: the transmit path, from descriptor rings in host memory to m_axis_tx.
//
// Pipeline (in order; packets never interleave after the descriptor stage):
//  1. Scheduler/fetch: round-robin over queues that are enabled, not stopped, and have
//     fetch != prod; reads up to 8 descriptors per request (never past prod or the ring end;
//     a read waits for room for all of them, as short reads waste the shared R channel),
//     up to DESC_READS requests in flight, each with room reserved in the descriptor buffer so
//     descriptor responses are never back-pressured. It only switches queue at a packet
//     boundary of the descriptor stream (all reads returned and the last descriptor had EOP);
//     while other queues wait it stops issuing follow-up reads for the current one.
//     Partial chains: when the current queue's published descriptors end inside a packet
//     (fetch == prod, all reads returned, no EOP in the buffer, fewer than MAX_TX_FRAGS of
//     them), the queue parks: its buffered descriptors of that packet are dropped, its fetch
//     index rewinds to the packet's first descriptor, and it is not eligible until its
//     producer index moves; then the chain is fetched again from its start. The other queues
//     are served meanwhile; nothing of the partial packet was issued, so nothing is undone.
//     Descriptor response beats of 256/512 bits (several descriptors each, extracted one per
//     cycle) wait in a small beat FIFO, so extraction never holds the shared R channel.
//  2. Descriptor stage: starts a packet only once its EOP descriptor is in the descriptor
//     buffer (or MAX_TX_FRAGS descriptors without one are, which is ERR_DESC_CHAIN_LONG), so it
//     never waits inside a packet for the fetch. Validates each descriptor (zero length,
//     fragment or packet longer than MAX_FRAME_BYTES, MAX_TX_FRAGS fragments without EOP),
//     reserves room for the fragment's bytes in the packet FIFO and issues one data read per
//     fragment (DATA_READS in flight).
//  3. Data return: feeds the beat-aligned responses, in request order, to nic_byte_packer; the
//     packed beats enter the packet FIFO while nic_tx_csum sums them. When a packet's last beat
//     enters, its meta record (length, completion info, checksums) is pushed: the commit point.
//  4. nic_tx_out streams committed packets out, substituting the checksums; 5. nic_tx_cpl
//     writes the completions and advances txq_cons.
//
// Errors: a descriptor or DMA error stops its queue (err state until txq_reset; reported once on
// tx_err_*). Nothing of the queue that has not passed the commit point is sent: its open packet
// is aborted (a one-byte filler chunk ends it in the packer, its bytes are discarded) and its
// later descriptors are dropped; reads already issued still drain. Packets committed before the
// error are sent and completed, so the completed packets of a queue are always a prefix and
// txq_cons points at the first descriptor not sent. txq_reset[q] (and a failed completion write
// of q) kills every in-flight record of q: reads still drain into the void, packets already
// committed still leave whole but get no completion. Every packet that left is reported on
// tx_sent_* (completion or not), and txq_idle[q] says nothing of queue q is anywhere in the engine
// (descriptor reads, buffered descriptors, data reads, the packet FIFO, the output, completion
// writes, that last report): the driver waits for it before it resets a ring (docs/contract.md).
// Assumes: ring and completion bases 16-byte aligned, size_log2 in 1..16 and prod < ring size
// (nic_regs checks these and raises txq_in_error otherwise). The driver may publish a chain in
// pieces (doorbells inside a packet); descriptors between cons and prod must not change.
`default_nettype none

module nic_tx_engine #(
  parameter int DATA_WIDTH = 64,     // DMA and stream width in bits: 64, 128, 256 or 512
  parameter int NUM_QUEUES = 4,      // TX queues, 1..16
  parameter int FIFO_BYTES = 16384,  // packet FIFO bytes (power of two, > MAX_FRAME_BYTES + B)
  parameter int DESC_BUF   = 32,     // descriptor buffer entries (power of two, >= MAX_TX_FRAGS + 8)
  parameter int DESC_READS = 4,      // descriptor reads in flight (power of two)
  parameter int DATA_READS = 32,     // data reads in flight (power of two)
  parameter int PKTS       = 32,     // packets between issue and the output stage (power of two)
  parameter int CPL_WRITES = 32      // completion writes in flight (power of two)
) (
  input  wire                          clk,
  input  wire                          rst_n,

  // from nic_regs
  input  wire  [NUM_QUEUES*64-1:0]     txq_base,
  input  wire  [NUM_QUEUES*64-1:0]     txq_cpl_base,
  input  wire  [NUM_QUEUES*5-1:0]      txq_size_log2,
  input  wire  [NUM_QUEUES-1:0]        txq_enable,
  input  wire  [NUM_QUEUES-1:0]        txq_reset,
  input  wire  [NUM_QUEUES*16-1:0]     txq_prod,
  input  wire  [NUM_QUEUES-1:0]        txq_in_error,
  // to nic_regs
  output logic [NUM_QUEUES*16-1:0]     txq_cons,
  output logic                         tx_pkt_valid,
  output logic [3:0]                   tx_pkt_queue,
  output logic [15:0]                  tx_pkt_bytes,
  output logic                         tx_err_valid,
  output logic [3:0]                   tx_err_queue,
  output logic [7:0]                   tx_err_code,
  output logic                         tx_sent_valid,   // a packet left on the wire (RING_TAKEN)
  output logic [3:0]                   tx_sent_queue,
  output logic [NUM_QUEUES-1:0]        txq_idle,        // nothing of queue q in flight (RING_STATUS.IDLE)

  // DMA read client 0: descriptors
  output logic                         desc_rd_req_valid,
  input  wire                          desc_rd_req_ready,
  output logic [63:0]                  desc_rd_req_addr,
  output logic [15:0]                  desc_rd_req_len,
  input  wire                          desc_rd_resp_valid,
  output logic                         desc_rd_resp_ready,
  input  wire  [DATA_WIDTH-1:0]        desc_rd_resp_data,
  input  wire                          desc_rd_resp_last,
  input  wire                          desc_rd_resp_err,
  // DMA read client 1: packet data
  output logic                         data_rd_req_valid,
  input  wire                          data_rd_req_ready,
  output logic [63:0]                  data_rd_req_addr,
  output logic [15:0]                  data_rd_req_len,
  input  wire                          data_rd_resp_valid,
  output logic                         data_rd_resp_ready,
  input  wire  [DATA_WIDTH-1:0]        data_rd_resp_data,
  input  wire                          data_rd_resp_last,
  input  wire                          data_rd_resp_err,
  // DMA write client 0: completions
  output logic                         cpl_wr_req_valid,
  input  wire                          cpl_wr_req_ready,
  output logic [63:0]                  cpl_wr_req_addr,
  output logic [15:0]                  cpl_wr_req_len,
  output logic                         cpl_wr_data_valid,
  input  wire                          cpl_wr_data_ready,
  output logic [DATA_WIDTH-1:0]        cpl_wr_data,
  output logic [DATA_WIDTH/8-1:0]      cpl_wr_data_strb,
  output logic                         cpl_wr_data_last,
  input  wire                          cpl_wr_resp_valid,
  input  wire                          cpl_wr_resp_err,

  // AXI-Stream to the wire
  output logic [DATA_WIDTH-1:0]        m_axis_tx_tdata,
  output logic [DATA_WIDTH/8-1:0]      m_axis_tx_tkeep,
  output logic                         m_axis_tx_tlast,
  output logic                         m_axis_tx_tuser,
  output logic                         m_axis_tx_tvalid,
  input  wire                          m_axis_tx_tready
);

  localparam int NQ         = NUM_QUEUES;
  localparam int B          = DATA_WIDTH / 8;
  localparam int LW         = $clog2(B);
  localparam int FIFO_DEPTH = FIFO_BYTES / B;
  localparam int FW         = DATA_WIDTH + B + 1;        // packet FIFO word: last, keep, data
  localparam int DPB        = (B >= 16) ? B / 16 : 1;    // descriptors per beat
  localparam int DPB_M      = DPB - 1;
  localparam int MAXF       = nic_pkg::MAX_FRAME_BYTES;
  localparam int MAXD       = nic_pkg::MAX_TX_FRAGS;
  localparam int BM1        = B - 1;
  localparam int EW         = $clog2(DESC_BUF);          // eop_cnt_q is EW + 1 bits

  function automatic logic qbit(input logic [NQ-1:0] v, input logic [3:0] q);
    qbit = 1'b0;
    for (int i = 0; i < NQ; i++) begin
      if ({28'd0, q} == i) qbit = v[i];
    end
  endfunction

  function automatic logic [NQ-1:0] qhot(input logic [3:0] q);
    for (int i = 0; i < NQ; i++) begin
      qhot[i] = ({28'd0, q} == i);
    end
  endfunction

  // Beats a packet of n bytes occupies.
  function automatic logic [16:0] beats_of(input logic [16:0] n);
    beats_of = (n + BM1[16:0]) >> LW;
  endfunction

  // The lowest set bit of v (valid in bit 4).
  function automatic logic [4:0] first_set(input logic [NQ-1:0] v);
    first_set = '0;
    for (int q = NQ - 1; q >= 0; q--) begin
      if (v[q]) first_set = {1'b1, q[3:0]};
    end
  endfunction

  // ------------------------------------------------------------------------------------------
  // Per-queue state
  // ------------------------------------------------------------------------------------------
  logic [15:0] fetch_q [NQ];
  logic [7:0]  code_q [NQ];
  logic [NQ-1:0] err_q, pend_q;
  logic [NQ-1:0] stopped, eligible, kill;
  logic          kill_cur, stop_cur, elig_cur;   // bit cur_q of kill, stopped, eligible
  // Parked queues: their published descriptors end inside a packet. fetch_q was rewound to the
  // packet's first descriptor; the queue waits until prod moves away from park_end_q (the
  // fetch position when it parked).
  logic [NQ-1:0] park_q;
  logic [15:0] park_end_q [NQ];

  // Error sources of this cycle.
  logic        e1_valid, e2_valid, e3_valid, e4_valid;
  logic [3:0]  e1_q, e2_q, e3_q, e4_q;
  logic [7:0]  e2_code;

  always_comb begin
    stopped = err_q | txq_in_error;
    kill    = txq_reset;
    if (e4_valid) kill = kill | qhot(e4_q);
  end

  // Kept apart from the scheduler block: park (section 2) reads it, the scheduler reads park.
  always_comb begin
    for (int q = 0; q < NQ; q++) begin
      eligible[q] = txq_enable[q] && !stopped[q] && !txq_reset[q] &&
                    (fetch_q[q] != txq_prod[q*16 +: 16]) &&
                    !(park_q[q] && txq_prod[q*16 +: 16] == park_end_q[q]);
    end
  end

  logic [3:0] cur_q;  // queue the descriptor stream currently belongs to

  // Ring idle: which queues have something in each stage (registers of the FIFOs and stages).
  logic [NQ-1:0] tags_held, dbuf_held, recs_held, cfgf_held, info_held, meta_held;
  logic [NQ-1:0] out_busy, cpl_busy, pkt_hot_q;

  always_comb begin
    kill_cur = 1'b0;
    stop_cur = 1'b0;
    elig_cur = 1'b0;
    if (kill != '0)     kill_cur = qbit(kill, cur_q);
    if (stopped != '0)  stop_cur = qbit(stopped, cur_q);
    if (eligible != '0) elig_cur = qbit(eligible, cur_q);
  end

  // ------------------------------------------------------------------------------------------
  // 1. Scheduler and descriptor fetch
  // ------------------------------------------------------------------------------------------
  logic        seop_q;                // the stream's last live descriptor had EOP
  logic [15:0] dbuf_used_q;           // descriptor buffer entries reserved
  logic        dreq_valid_q;
  logic [63:0] dreq_addr_q;
  logic [15:0] dreq_len_q;

  logic                tag_s_valid, tag_s_ready, tag_valid, tag_ready, tag_killed;
  nic_tx_pkg::tx_tag_t tag_s_data, tag;
  logic [3:0]          tag_queue;
  logic [$clog2(DESC_READS):0] tag_count;

  logic        boundary, others, pick_valid;
  logic [3:0]  pick;
  logic [15:0] elig16;
  logic [15:0] p_fetch, p_avail, p_mask, credits;
  logic [31:0] credits32;
  logic [16:0] p_to_end, p_size;
  logic [3:0]  p_cnt;
  logic [63:0] p_addr;
  logic        issue;
  int          qi;

  // Descriptor buffer head and descriptor stage state (driven in section 2), read here to park.
  logic                 dh_valid, dh_ready, dh_killed;
  nic_tx_pkg::tx_dent_t dh;
  logic [3:0]           dh_queue;
  logic [$clog2(DESC_BUF):0] dbuf_count;
  logic        pkt_open_q;
  logic [$clog2(DESC_BUF):0] eop_cnt_q;  // descriptor buffer entries with EOP
  logic        park;                      // park cur_q in this cycle
  logic [NQ-1:0] dbuf_kill;

  nic_tx_qfifo #(.WIDTH(nic_tx_pkg::TX_TAG_BITS), .DEPTH(DESC_READS), .NUM_QUEUES(NQ)) u_tags (
    .clk(clk), .rst_n(rst_n), .kill(kill),
    .s_valid(tag_s_valid), .s_ready(tag_s_ready), .s_data(tag_s_data), .s_queue(pick),
    .s_kill(1'b0),
    .m_valid(tag_valid), .m_ready(tag_ready), .m_data(tag), .m_queue(tag_queue),
    .m_killed(tag_killed), .count(tag_count), .held(tags_held));

  // The pick and its read: computed only while some queue is eligible (idle costs nothing).
  always_comb begin
    boundary = (tag_count == '0) && (seop_q || stop_cur || kill_cur);

    pick_valid = 1'b0;
    pick       = cur_q;
    others     = 1'b0;
    elig16     = '0;
    elig16[NQ-1:0] = eligible;
    qi         = 0;
    if (eligible != '0) begin
      if (boundary) begin
        // Round robin: the first eligible queue after the current one (itself last).
        for (int k = NQ; k >= 1; k--) begin
          qi = {28'd0, cur_q} + k;
          if (qi >= NQ) qi = qi - NQ;
          if (elig16[qi[3:0]]) begin
            pick_valid = 1'b1;
            pick       = qi[3:0];
          end
        end
      end else begin
        // Mid-stream: continue the current queue (a packet may be open), but let the reads
        // drain instead when others wait and the stream might already be at a boundary.
        others     = |(eligible & ~qhot(cur_q));
        pick_valid = elig_cur && (!others || tag_count == '0);
      end
    end

    p_fetch  = '0;
    p_avail  = '0;
    p_mask   = '0;
    p_size   = '0;
    p_to_end = '0;
    p_addr   = '0;
    if (pick_valid) begin
      for (int q = 0; q < NQ; q++) begin
        if ({28'd0, pick} == q) begin
          p_fetch  = fetch_q[q];
          p_size   = 17'd1 << txq_size_log2[q*5 +: 5];
          p_mask   = p_size[15:0] - 16'd1;
          p_avail  = (txq_prod[q*16 +: 16] - fetch_q[q]) & p_mask;
          p_to_end = p_size - {1'b0, fetch_q[q]};
          p_addr   = txq_base[q*64 +: 64] + {44'd0, fetch_q[q], 4'b0000};
        end
      end
    end
    credits32 = DESC_BUF - {16'd0, dbuf_used_q};
    credits   = credits32[15:0];
    p_cnt   = 4'd8;
    if (p_avail < {12'd0, p_cnt}) p_cnt = p_avail[3:0];
    if (p_to_end < {13'd0, p_cnt}) p_cnt = p_to_end[3:0];
    // Wait for room for the whole read rather than fetch what fits: a short read costs nearly as
    // many R beats as a full one (at 512 bits one beat for 1..4 descriptors), and the R channel
    // is shared with the data. DESC_BUF >= MAX_TX_FRAGS + 8, so room always comes.
    if (credits < {12'd0, p_cnt}) p_cnt = 4'd0;

    issue = pick_valid && (!dreq_valid_q || desc_rd_req_ready) && tag_s_ready &&
            (p_cnt != 4'd0);

    tag_s_valid      = issue;
    tag_s_data.idx   = p_fetch;
    tag_s_data.count = p_cnt;
    tag_s_data.lane  = {{(6-LW){1'b0}}, p_addr[LW-1:0]};

    desc_rd_req_valid = dreq_valid_q;
    desc_rd_req_addr  = dreq_addr_q;
    desc_rd_req_len   = dreq_len_q;
  end

  // Scheduler state, on its events. Park: everything fetched of cur_q is in the buffer, the
  // stage holds back its head packet for want of EOP, and nothing more is published: drop those
  // descriptors (dbuf_kill), rewind to the packet's first one and let round robin move on
  // (seop_q is set).
  always_ff @(posedge clk) begin
    if (issue) begin
      dreq_addr_q <= p_addr;
      dreq_len_q  <= {8'd0, p_cnt, 4'b0000};
    end
    if (!rst_n) begin
      cur_q        <= '0;
      dreq_valid_q <= 1'b0;
      park_q       <= '0;
      for (int q = 0; q < NQ; q++) begin
        fetch_q[q]    <= '0;
        park_end_q[q] <= '0;
      end
    end else begin
      if (issue) begin
        dreq_valid_q <= 1'b1;
        cur_q        <= pick;
      end else if (desc_rd_req_ready) begin
        dreq_valid_q <= 1'b0;
      end
      if (park || issue || txq_reset != '0) begin
        for (int q = 0; q < NQ; q++) begin
          if (park && {28'd0, cur_q} == q) park_end_q[q] <= fetch_q[q];
          if (txq_reset[q]) begin
            fetch_q[q] <= '0;
            park_q[q]  <= 1'b0;
          end else if (issue && {28'd0, pick} == q) begin
            fetch_q[q] <= (fetch_q[q] + {12'd0, p_cnt}) & p_mask;
            park_q[q]  <= 1'b0;
          end else if (park && {28'd0, cur_q} == q) begin
            fetch_q[q] <= dh.idx;
            park_q[q]  <= 1'b1;
          end
        end
      end
    end
  end

  // ------------------------------------------------------------------------------------------
  // Descriptor extraction: response beats -> descriptor buffer, one descriptor per cycle
  // ------------------------------------------------------------------------------------------
  logic                 dbuf_s_valid, dbuf_s_ready, dbuf_s_kill;
  nic_tx_pkg::tx_dent_t dbuf_s_data;
  logic [3:0]           ext_n_q;            // descriptors of the head tag already extracted
  logic                 ext_go, ext_last;
  logic [127:0]         ext_desc;
  logic                 ext_err;            // the descriptor came (partly) with an error beat
  logic                 ext_err_beat;       // the beat extracted from now is an error beat
  logic                 push_alive;
  nic_pkg::tx_desc_t    ext_d;

  generate
    if (B < 16) begin : g_ext_narrow
      // Two beats per descriptor: hold the low half.
      logic [DATA_WIDTH-1:0] lo_q;
      logic                  half_q, lo_err_q;
      always_comb begin
        ext_go             = tag_valid && desc_rd_resp_valid && dbuf_s_ready;
        desc_rd_resp_ready = ext_go;
        ext_desc           = {desc_rd_resp_data, lo_q};
        ext_err            = desc_rd_resp_err || lo_err_q;
        ext_err_beat       = desc_rd_resp_err;
        dbuf_s_valid       = ext_go && half_q;
      end
      always_ff @(posedge clk) begin
        if (ext_go && !half_q) lo_q <= desc_rd_resp_data;
        if (!rst_n) begin
          half_q   <= 1'b0;
          lo_err_q <= 1'b0;
        end else if (ext_go) begin
          half_q <= !half_q;
          if (!half_q) lo_err_q <= desc_rd_resp_err;
        end
      end
      logic unused_lane;
      assign unused_lane = ^tag.lane;
    end else begin : g_ext_wide
      // DPB descriptors per beat: extract one per cycle, release the beat after its last one.
      logic [5:0]            slot;
      logic                  db_valid, db_ready, db_err;
      logic [DATA_WIDTH-1:0] db_data;
      if (DPB > 1) begin : g_beats
        // A beat is held DPB cycles while its descriptors are extracted: buffer the beats of two
        // reads, so the R channel it shares with the data reads is not held meanwhile (holding
        // it cost 3 cycles per 4 descriptors at 512 bits: 512-byte frames at 0.89 of the wire).
        localparam int DESC_BEATS = 2 * 8 * 16 / B;
        logic [$clog2(DESC_BEATS):0] db_count;
        nic_fifo #(.WIDTH(DATA_WIDTH + 1), .DEPTH(DESC_BEATS)) u_desc_beats (
          .clk(clk), .rst_n(rst_n),
          .s_valid(desc_rd_resp_valid), .s_ready(desc_rd_resp_ready),
          .s_data({desc_rd_resp_err, desc_rd_resp_data}),
          .m_valid(db_valid), .m_ready(db_ready), .m_data({db_err, db_data}), .count(db_count));
        logic unused_db;
        assign unused_db = ^db_count;
      end else begin : g_direct
        assign db_valid           = desc_rd_resp_valid;
        assign desc_rd_resp_ready = db_ready;
        assign db_data            = desc_rd_resp_data;
        assign db_err             = desc_rd_resp_err;
      end
      always_comb begin
        slot         = ((tag.lane >> 4) + {2'b00, ext_n_q}) & DPB_M[5:0];
        ext_go       = tag_valid && db_valid && dbuf_s_ready;
        db_ready     = ext_go && (slot == DPB_M[5:0] || ext_last);
        ext_desc     = db_data[slot*128 +: 128];
        ext_err      = db_err;
        ext_err_beat = db_err;  // from the beat buffer's output, not the R channel
        dbuf_s_valid = ext_go;
      end
    end
  endgenerate

  assign ext_last = ({1'b0, ext_n_q} + 5'd1) == {1'b0, tag.count};

  always_comb begin
    ext_d             = ext_desc;
    dbuf_s_data.desc  = ext_desc;
    dbuf_s_data.idx   = tag.idx + {12'd0, ext_n_q};
    dbuf_s_kill       = tag_killed || ext_err;
    tag_ready         = dbuf_s_valid && ext_last;
    push_alive        = dbuf_s_valid && !dbuf_s_kill;

    // The error event comes with the beat it is extracted from: at 256 and 512 bits the beats
    // wait in u_desc_beats, and the R channel then carries a later response (or none).
    e1_valid = ext_go && ext_err_beat && !tag_killed;
    e1_q     = tag_queue;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      ext_n_q <= '0;
      seop_q  <= 1'b1;
    end else begin
      if (dbuf_s_valid) ext_n_q <= ext_last ? 4'd0 : ext_n_q + 4'd1;
      if (kill_cur || park) begin
        seop_q <= 1'b1;
      end else if (push_alive) begin
        seop_q <= ext_d.eop;
      end
    end
  end

  // ------------------------------------------------------------------------------------------
  // 2. Descriptor stage: validate, reserve, issue data reads
  // ------------------------------------------------------------------------------------------
  nic_pkg::tx_desc_t    d;

  logic        pkt_kill_q;
  logic [3:0]  pkt_q_q;
  logic [15:0] pkt_len_q, pkt_last_q;
  logic [7:0]  pkt_frags_q;
  logic [15:0] res_used_q;     // packet FIFO beats reserved
  logic        rreq_valid_q;
  logic [63:0] rreq_addr_q;
  logic [15:0] rreq_len_q;

  logic                 rec_s_valid, rec_s_ready;
  nic_tx_pkg::tx_rec_t  rec_s_data;
  logic [3:0]           rec_s_queue;
  logic                 cfg_s_valid, cfg_s_ready;
  nic_tx_pkg::tx_cfg_t  cfg_s_data;
  logic                 info_s_valid, info_s_ready;
  nic_tx_pkg::tx_info_t info_s_data;
  logic [3:0]           info_s_queue;

  logic        hold, abort, dead, first, e_zero, e_over, e_chain, can_issue, do_issue, do_abort;
  logic [16:0] len_prev, new_len, res_add, res_room;
  logic [31:0] room32;
  logic [7:0]  nfr;
  logic        df_pop;

  nic_tx_qfifo #(.WIDTH(nic_tx_pkg::TX_DENT_BITS), .DEPTH(DESC_BUF), .NUM_QUEUES(NQ)) u_dbuf (
    .clk(clk), .rst_n(rst_n), .kill(dbuf_kill),
    .s_valid(dbuf_s_valid), .s_ready(dbuf_s_ready), .s_data(dbuf_s_data), .s_queue(tag_queue),
    .s_kill(dbuf_s_kill),
    .m_valid(dh_valid), .m_ready(dh_ready), .m_data(dh), .m_queue(dh_queue),
    .m_killed(dh_killed), .count(dbuf_count), .held(dbuf_held));

  // A packet starts (its first data read is issued) only once its EOP descriptor is in the
  // buffer, or once MAX_TX_FRAGS descriptors without EOP are (ERR_DESC_CHAIN_LONG follows), so
  // the stage never waits inside a packet and never commits FIFO room to a partial chain. With
  // EOP-less descriptors at the head and nothing else in flight, cur_q parks. Entries behind a
  // live head without EOP in the buffer are all of the head's packet: the stream changes queue
  // only at a packet boundary, on a kill/stop (those entries are dead) or on a park (killed).
  always_comb begin
    hold = !pkt_open_q && (eop_cnt_q == '0) && ({{(31-EW){1'b0}}, dbuf_count} < MAXD);
    park = !seop_q && (tag_count == '0) && !elig_cur && !stop_cur && !kill_cur && hold &&
           dh_valid && !dh_killed && (dh_queue == cur_q);
    dbuf_kill = kill;
    if (park) dbuf_kill = dbuf_kill | qhot(cur_q);
  end

  // Only with a descriptor at the head or a packet open (idle costs nothing).
  always_comb begin
    d        = dh.desc;
    first    = !pkt_open_q;
    abort    = 1'b0;
    dead     = 1'b0;
    len_prev = '0;
    new_len  = '0;
    nfr      = '0;
    e_zero   = 1'b0;
    e_over   = 1'b0;
    e_chain  = 1'b0;
    room32   = '0;
    res_room = '0;
    res_add  = '0;
    can_issue = 1'b0;
    do_abort  = 1'b0;
    do_issue  = 1'b0;
    e2_valid  = 1'b0;
    if (pkt_open_q || dh_valid) begin
      if (pkt_open_q) begin
        abort = pkt_kill_q || qbit(stopped | kill, pkt_q_q);
      end
      dead     = dh_killed || qbit(stopped | kill, dh_queue);
      len_prev = first ? 17'd0 : {1'b0, pkt_len_q};
      new_len  = len_prev + {1'b0, d.len};
      nfr      = (first ? 8'd0 : pkt_frags_q) + 8'd1;
      e_zero   = (d.len == 16'd0);
      e_over   = ({16'd0, d.len} > MAXF) || ({15'd0, new_len} > MAXF);
      // A chain too long is refused before any of its data is read (contract N1: data only of
      // whole published packets): past `hold` with no packet open and no EOP in the buffer, the
      // head starts MAX_TX_FRAGS descriptors without EOP, so its first one raises the error.
      e_chain  = !d.eop && (({24'd0, nfr} >= MAXD) || (first && eop_cnt_q == '0));
      room32   = FIFO_DEPTH - {16'd0, res_used_q};
      res_room = room32[16:0];

      // Room for a fragment: its bytes may need new beats; an abort's filler byte too.
      res_add = abort ? beats_of({1'b0, pkt_len_q} + 17'd1) - beats_of({1'b0, pkt_len_q})
                      : beats_of(new_len) - beats_of(len_prev);
      can_issue = (!rreq_valid_q || data_rd_req_ready) && rec_s_ready && (res_add <= res_room) &&
                  (!first || cfg_s_ready) && (!d.eop || info_s_ready);
      do_abort  = abort && rec_s_ready && info_s_ready && (res_add <= res_room);
      do_issue  = !abort && dh_valid && !dead && !hold && !e_zero && !e_over && !e_chain &&
                  can_issue;
      e2_valid  = !abort && dh_valid && !dead && !hold && (e_zero || e_over || e_chain);
    end

    e2_q     = dh_queue;
    e2_code  = e_zero ? nic_pkg::ERR_DESC_ZERO_LEN :
               e_over ? nic_pkg::ERR_DESC_LEN_OVER : nic_pkg::ERR_DESC_CHAIN_LONG;
    dh_ready = !abort && dh_valid && (dead || e2_valid || do_issue);

    rec_s_valid      = do_abort || do_issue;
    rec_s_queue      = do_abort ? pkt_q_q : dh_queue;
    rec_s_data.synth = do_abort;
    rec_s_data.lane  = do_abort ? 6'd0 : {{(6-LW){1'b0}}, d.addr[LW-1:0]};
    rec_s_data.len   = do_abort ? 16'd1 : d.len;
    rec_s_data.last  = do_abort || d.eop;

    cfg_s_valid        = do_issue && first;
    cfg_s_data.ip_en   = d.csum_ip && !d.l3_ipv6;
    cfg_s_data.l4_en   = d.csum_l4;
    cfg_s_data.l4_udp  = d.l4_udp;
    cfg_s_data.l3_ipv6 = d.l3_ipv6;
    cfg_s_data.l3_off  = d.l3_offset;
    cfg_s_data.l4_off  = d.l4_offset;

    info_s_valid           = do_abort || (do_issue && d.eop);
    info_s_queue           = rec_s_queue;
    info_s_data.len        = do_abort ? pkt_len_q + 16'd1 : new_len[15:0];
    info_s_data.desc_count = do_abort ? pkt_frags_q : nfr;
    info_s_data.last_desc  = do_abort ? pkt_last_q : dh.idx;
    info_s_data.drop       = do_abort;

    data_rd_req_valid = rreq_valid_q;
    data_rd_req_addr  = rreq_addr_q;
    data_rd_req_len   = rreq_len_q;
  end

  // Descriptor stage state, on its events.
  always_ff @(posedge clk) begin
    if (do_issue && first) pkt_hot_q <= qhot(dh_queue);
    if (do_issue) begin
      pkt_q_q     <= dh_queue;
      pkt_len_q   <= new_len[15:0];
      pkt_last_q  <= dh.idx;
      pkt_frags_q <= nfr;
      rreq_addr_q <= d.addr;
      rreq_len_q  <= d.len;
    end
    if (!rst_n) begin
      pkt_open_q   <= 1'b0;
      pkt_kill_q   <= 1'b0;
      eop_cnt_q    <= '0;
      res_used_q   <= '0;
      dbuf_used_q  <= '0;
      rreq_valid_q <= 1'b0;
    end else begin
      if (do_abort) begin
        pkt_open_q <= 1'b0;
        pkt_kill_q <= 1'b0;
      end else if (do_issue) begin
        pkt_open_q <= !d.eop;
        pkt_kill_q <= 1'b0;
      end else if (pkt_open_q && kill != '0) begin
        if (qbit(kill, pkt_q_q)) pkt_kill_q <= 1'b1;
      end
      if (do_issue) begin
        rreq_valid_q <= 1'b1;
      end else if (data_rd_req_ready) begin
        rreq_valid_q <= 1'b0;
      end
      if (do_issue || do_abort || df_pop) begin
        res_used_q <= res_used_q + ((do_issue || do_abort) ? res_add[15:0] : 16'd0) -
                      (df_pop ? 16'd1 : 16'd0);
      end
      if (issue || dh_ready) begin
        dbuf_used_q <= dbuf_used_q + (issue ? {12'd0, p_cnt} : 16'd0) -
                       ((dh_valid && dh_ready) ? 16'd1 : 16'd0);
      end
      if (dbuf_s_valid || dh_ready) begin
        eop_cnt_q <= eop_cnt_q + {{EW{1'b0}}, dbuf_s_valid && ext_d.eop} -
                     {{EW{1'b0}}, dh_valid && dh_ready && d.eop};
      end
    end
  end

  // ------------------------------------------------------------------------------------------
  // 3. Data return -> byte packer -> packet FIFO (+ checksums, meta)
  // ------------------------------------------------------------------------------------------
  logic                rec_valid, rec_ready, rec_killed;
  nic_tx_pkg::tx_rec_t rec;
  logic [3:0]          rec_queue;
  logic [$clog2(DATA_READS):0] rec_count;
  logic                rfirst_q;
  logic [15:0]         rrem_q;
  logic [LW-1:0]       lane_in;
  logic [LW:0]         avail_b, in_bytes;
  logic [31:0]         avail32;
  logic [15:0]         rem;
  logic                rdone, pk_fire;

  logic                  pk_in_valid, pk_in_ready, pk_in_last;
  logic [LW-1:0]         pk_in_first;
  logic [LW:0]           pk_in_bytes;
  logic                  pk_out_valid, pk_out_ready, pk_out_last;
  logic [DATA_WIDTH-1:0] pk_out_data;
  logic [B-1:0]          pk_out_keep;

  logic                 fin_accept;
  logic                 df_s_valid, df_s_ready, df_m_valid, df_m_ready;
  logic [FW-1:0]        df_m_data;
  logic [$clog2(FIFO_DEPTH):0] df_count;

  logic                 cfg_valid, cfg_ready;
  nic_tx_pkg::tx_cfg_t  cfg;
  logic                 info_valid, info_ready, info_killed;
  nic_tx_pkg::tx_info_t info;
  logic [3:0]           info_queue;
  logic [$clog2(PKTS):0] info_count;
  logic [15:0]          ip_csum, l4_csum;

  logic                 meta_s_valid, meta_s_ready, meta_valid, meta_ready, meta_killed;
  nic_tx_pkg::tx_meta_t meta_s_data, meta;
  logic [3:0]           meta_queue;
  logic [$clog2(PKTS):0] meta_count;
  logic [$clog2(PKTS):0] cfgf_count;
  logic [3:0]           cfg_queue;
  logic                 cfg_killed;

  nic_tx_qfifo #(.WIDTH(nic_tx_pkg::TX_REC_BITS), .DEPTH(DATA_READS), .NUM_QUEUES(NQ)) u_recs (
    .clk(clk), .rst_n(rst_n), .kill(kill),
    .s_valid(rec_s_valid), .s_ready(rec_s_ready), .s_data(rec_s_data), .s_queue(rec_s_queue),
    .s_kill(1'b0),
    .m_valid(rec_valid), .m_ready(rec_ready), .m_data(rec), .m_queue(rec_queue),
    .m_killed(rec_killed), .count(rec_count), .held(recs_held));

  always_comb begin
    lane_in  = rfirst_q ? rec.lane[LW-1:0] : '0;
    avail32  = B - {{(32-LW){1'b0}}, lane_in};
    avail_b  = avail32[LW:0];
    rem      = rfirst_q ? rec.len : rrem_q;
    rdone    = rem <= {{(15-LW){1'b0}}, avail_b};
    in_bytes = rdone ? rem[LW:0] : avail_b;

    pk_in_valid        = rec_valid && (rec.synth || data_rd_resp_valid);
    pk_in_first        = rec.synth ? '0 : lane_in;
    pk_in_bytes        = rec.synth ? {{LW{1'b0}}, 1'b1} : in_bytes;
    pk_in_last         = rec.last && (rec.synth || rdone);
  end

  // Kept apart from the block above: the packer's in_ready depends on in_valid's block.
  always_comb begin
    data_rd_resp_ready = rec_valid && !rec.synth && pk_in_ready;
    pk_fire            = pk_in_valid && pk_in_ready;
    rec_ready          = pk_fire && (rec.synth || rdone);

    e3_valid = pk_fire && !rec.synth && data_rd_resp_err && !rec_killed;
    e3_q     = rec_queue;
  end

  always_ff @(posedge clk) begin
    if (pk_fire) rrem_q <= rem - {{(15-LW){1'b0}}, in_bytes};
    if (!rst_n) begin
      rfirst_q <= 1'b1;
    end else if (pk_fire) begin
      rfirst_q <= rec.synth || rdone;
    end
  end

  nic_byte_packer #(.DATA_WIDTH(DATA_WIDTH)) u_packer (
    .clk(clk), .rst_n(rst_n),
    .in_valid(pk_in_valid), .in_ready(pk_in_ready), .in_data(data_rd_resp_data),
    .in_first(pk_in_first), .in_bytes(pk_in_bytes), .in_last(pk_in_last),
    .out_valid(pk_out_valid), .out_ready(pk_out_ready), .out_data(pk_out_data),
    .out_keep(pk_out_keep), .out_last(pk_out_last));

  nic_fifo #(.WIDTH(FW), .DEPTH(FIFO_DEPTH)) u_pkt_fifo (
    .clk(clk), .rst_n(rst_n),
    .s_valid(df_s_valid), .s_ready(df_s_ready), .s_data({pk_out_last, pk_out_keep, pk_out_data}),
    .m_valid(df_m_valid), .m_ready(df_m_ready), .m_data(df_m_data), .count(df_count));

  // (nic_tx_qfifo for its state-only s_ready: the descriptor stage's pushes wait on it.)
  nic_tx_qfifo #(.WIDTH(nic_tx_pkg::TX_CFG_BITS), .DEPTH(PKTS), .NUM_QUEUES(NQ)) u_cfg_fifo (
    .clk(clk), .rst_n(rst_n), .kill('0),
    .s_valid(cfg_s_valid), .s_ready(cfg_s_ready), .s_data(cfg_s_data), .s_queue(4'd0),
    .s_kill(1'b0),
    .m_valid(cfg_valid), .m_ready(cfg_ready), .m_data(cfg), .m_queue(cfg_queue),
    .m_killed(cfg_killed), .count(cfgf_count), .held(cfgf_held));

  nic_tx_qfifo #(.WIDTH(nic_tx_pkg::TX_INFO_BITS), .DEPTH(PKTS), .NUM_QUEUES(NQ)) u_info (
    .clk(clk), .rst_n(rst_n), .kill(kill),
    .s_valid(info_s_valid), .s_ready(info_s_ready), .s_data(info_s_data),
    .s_queue(info_s_queue), .s_kill(1'b0),
    .m_valid(info_valid), .m_ready(info_ready), .m_data(info), .m_queue(info_queue),
    .m_killed(info_killed), .count(info_count), .held(info_held));

  nic_tx_csum #(.DATA_WIDTH(DATA_WIDTH)) u_csum (
    .clk(clk), .rst_n(rst_n),
    .beat_here(pk_out_valid), .beat_valid(fin_accept), .beat_data(pk_out_data),
    .beat_keep(pk_out_keep), .beat_last(pk_out_last), .cfg(cfg),
    .ip_csum(ip_csum), .l4_csum(l4_csum));

  nic_tx_qfifo #(.WIDTH(nic_tx_pkg::TX_META_BITS), .DEPTH(PKTS), .NUM_QUEUES(NQ)) u_meta (
    .clk(clk), .rst_n(rst_n), .kill(kill),
    .s_valid(meta_s_valid), .s_ready(meta_s_ready), .s_data(meta_s_data),
    .s_queue(info_queue), .s_kill(1'b0),
    .m_valid(meta_valid), .m_ready(meta_ready), .m_data(meta), .m_queue(meta_queue),
    .m_killed(meta_killed), .count(meta_count), .held(meta_held));

  // Room in the packet FIFO was reserved; the meta FIFO may make a last beat wait.
  assign df_s_valid = pk_out_valid && (!pk_out_last || meta_s_ready);

  always_comb begin
    pk_out_ready = df_s_ready && (!pk_out_last || meta_s_ready);
    fin_accept   = pk_out_valid && pk_out_ready;
    meta_s_valid = fin_accept && pk_out_last;
    cfg_ready    = meta_s_valid;
    info_ready   = meta_s_valid;
  end

  // The commit point: a packet of a queue stopped or killed by now is discarded. State only;
  // assembled only while a packet's last beat is offered (it is pushed only then).
  always_comb begin
    meta_s_data = '0;
    if (pk_out_valid && pk_out_last) begin
      meta_s_data.len        = info.len;
      meta_s_data.desc_count = info.desc_count;
      meta_s_data.last_desc  = info.last_desc;
      meta_s_data.send       = !info.drop && !info_killed && !qbit(stopped | kill, info_queue);
      meta_s_data.ip_en      = cfg.ip_en;
      meta_s_data.ip_pos     = {6'd0, cfg.l3_off} + 16'd10;
      meta_s_data.ip_csum    = ip_csum;
      meta_s_data.l4_en      = cfg.l4_en;
      meta_s_data.l4_pos     = {6'd0, cfg.l4_off} + (cfg.l4_udp ? 16'd6 : 16'd16);
      meta_s_data.l4_csum    = l4_csum;
    end
  end

  // ------------------------------------------------------------------------------------------
  // 4. Output and 5. completions
  // ------------------------------------------------------------------------------------------
  logic                job_valid, job_room;
  nic_tx_pkg::tx_job_t job_data;
  logic [3:0]          job_queue;

  nic_tx_out #(.DATA_WIDTH(DATA_WIDTH), .NUM_QUEUES(NQ)) u_out (
    .clk(clk), .rst_n(rst_n), .kill(kill),
    .fifo_valid(df_m_valid), .fifo_ready(df_m_ready), .fifo_data(df_m_data[DATA_WIDTH-1:0]),
    .fifo_keep(df_m_data[DATA_WIDTH +: B]), .fifo_last(df_m_data[FW-1]),
    .meta_valid(meta_valid), .meta_ready(meta_ready), .meta_data(meta), .meta_queue(meta_queue),
    .meta_killed(meta_killed),
    .job_valid(job_valid), .job_room(job_room), .job_data(job_data), .job_queue(job_queue),
    .sent_valid(tx_sent_valid), .sent_queue(tx_sent_queue), .busy(out_busy),
    .m_axis_tx_tdata(m_axis_tx_tdata), .m_axis_tx_tkeep(m_axis_tx_tkeep),
    .m_axis_tx_tlast(m_axis_tx_tlast), .m_axis_tx_tuser(m_axis_tx_tuser),
    .m_axis_tx_tvalid(m_axis_tx_tvalid), .m_axis_tx_tready(m_axis_tx_tready));

  assign df_pop = df_m_valid && df_m_ready;

  nic_tx_cpl #(.DATA_WIDTH(DATA_WIDTH), .NUM_QUEUES(NQ), .JOBS(4), .WRITES(CPL_WRITES)) u_cpl (
    .clk(clk), .rst_n(rst_n), .kill(kill),
    .txq_cpl_base(txq_cpl_base), .txq_size_log2(txq_size_log2), .txq_reset(txq_reset),
    .txq_cons(txq_cons),
    .job_valid(job_valid), .job_room(job_room), .job_data(job_data), .job_queue(job_queue),
    .wr_req_valid(cpl_wr_req_valid), .wr_req_ready(cpl_wr_req_ready),
    .wr_req_addr(cpl_wr_req_addr), .wr_req_len(cpl_wr_req_len),
    .wr_data_valid(cpl_wr_data_valid), .wr_data_ready(cpl_wr_data_ready),
    .wr_data(cpl_wr_data), .wr_data_strb(cpl_wr_data_strb), .wr_data_last(cpl_wr_data_last),
    .wr_resp_valid(cpl_wr_resp_valid), .wr_resp_err(cpl_wr_resp_err),
    .pkt_valid(tx_pkt_valid), .pkt_queue(tx_pkt_queue), .pkt_bytes(tx_pkt_bytes),
    .cpl_err_valid(e4_valid), .cpl_err_queue(e4_q), .busy(cpl_busy));

  // A queue is idle when none of its descriptor reads, descriptors, packets (open in the
  // descriptor stage, reading, in the FIFO, leaving) or completion writes is in flight.
  assign txq_idle = ~(tags_held | dbuf_held | recs_held | info_held | meta_held | out_busy | cpl_busy |
                      ({NQ{pkt_open_q}} & pkt_hot_q));

  // ------------------------------------------------------------------------------------------
  // Error state and the error event port (one report per cycle, lowest queue first)
  // ------------------------------------------------------------------------------------------
  logic       errv_q;
  logic [3:0] errq_q;
  logic [7:0] errc_q;
  logic [4:0] rep;     // the queue reported next ({valid, queue})
  logic       err_ev;  // some error source or reset this cycle

  // Whether queue q gets an error from one of this cycle's sources, and its code (the
  // descriptor stage's first, then descriptor read, data read, completion write).
  function automatic logic err_hit(input int q, input logic v1, input logic [3:0] q1,
                                   input logic v2, input logic [3:0] q2, input logic v3,
                                   input logic [3:0] q3, input logic v4, input logic [3:0] q4);
    err_hit = (v1 && {28'd0, q1} == q) || (v2 && {28'd0, q2} == q) ||
              (v3 && {28'd0, q3} == q) || (v4 && {28'd0, q4} == q);
  endfunction

  function automatic logic [7:0] err_code(input int q, input logic v1, input logic [3:0] q1,
                                          input logic v2, input logic [3:0] q2,
                                          input logic [7:0] c2, input logic v3,
                                          input logic [3:0] q3, input logic v4,
                                          input logic [3:0] q4);
    err_code = nic_pkg::ERR_NONE;
    if (v4 && {28'd0, q4} == q) err_code = nic_pkg::ERR_DMA_CPL_WRITE;
    if (v3 && {28'd0, q3} == q) err_code = nic_pkg::ERR_DMA_DATA_READ;
    if (v1 && {28'd0, q1} == q) err_code = nic_pkg::ERR_DMA_DESC_READ;
    if (v2 && {28'd0, q2} == q) err_code = c2;
  endfunction

  always_comb begin
    err_ev = e1_valid || e2_valid || e3_valid || e4_valid || (txq_reset != '0);
    rep    = '0;
    if (pend_q != '0) rep = first_set(pend_q & ~txq_reset);

    tx_err_valid = errv_q;
    tx_err_queue = errq_q;
    tx_err_code  = errc_q;
  end

  always_ff @(posedge clk) begin
    if (rep[4]) begin
      errq_q <= rep[3:0];
      for (int q = 0; q < NQ; q++) begin
        if ({28'd0, rep[3:0]} == q) errc_q <= code_q[q];
      end
    end
    if (!rst_n) begin
      err_q  <= '0;
      pend_q <= '0;
      errv_q <= 1'b0;
      for (int q = 0; q < NQ; q++) begin
        code_q[q] <= '0;
      end
    end else begin
      errv_q <= rep[4];
      if (err_ev || rep[4]) begin
        for (int q = 0; q < NQ; q++) begin
          if (txq_reset[q]) begin
            err_q[q]  <= 1'b0;
            pend_q[q] <= 1'b0;
            code_q[q] <= nic_pkg::ERR_NONE;
          end else begin
            if (!err_q[q] && err_hit(q, e1_valid, e1_q, e2_valid, e2_q, e3_valid, e3_q,
                                     e4_valid, e4_q)) begin
              err_q[q]  <= 1'b1;
              pend_q[q] <= !txq_in_error[q];
              code_q[q] <= err_code(q, e1_valid, e1_q, e2_valid, e2_q, e2_code, e3_valid, e3_q,
                                    e4_valid, e4_q);
            end
            // The queue reported this cycle (never one being reset).
            if (rep[4] && {28'd0, rep[3:0]} == q) pend_q[q] <= 1'b0;
          end
        end
      end
    end
  end

  // Signals read only in part (reserved descriptor bits, counts kept for debug).
  logic unused_ok;
  assign unused_ok = ^{desc_rd_resp_last, data_rd_resp_last, d.rsvd1, d.rsvd2, d.rsvd3,
                       dbuf_count, rec_count, df_count, cfgf_count, cfgf_held, cfg_queue, cfg_killed, info_count, meta_count,
                       cfg_valid, info_valid, rec.lane, ext_d.addr, ext_d.len, ext_d.rsvd1,
                       ext_d.rsvd2, ext_d.rsvd3, ext_d.csum_ip, ext_d.csum_l4, ext_d.l4_udp,
                       ext_d.l3_ipv6, ext_d.l3_offset, ext_d.l4_offset, res_add[16], new_len[16],
                       credits32[31:16], room32[31:17], avail32[31:LW+1], p_size[16]};

endmodule

`default_nettype wire
