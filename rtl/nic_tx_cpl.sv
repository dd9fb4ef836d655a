// nic_tx_cpl: writes TX completions and advances the consumer indices.
//
// Takes one job per packet that left on the wire (in wire order, so in order per queue), writes
// its tx_cpl_t to txq_cpl_base + cpl_index * 16 through its DMA write client (one 16-byte request:
// 16/B beats when B < 16, else one beat with the record on its lanes; the completion ring base is
// assumed 16-byte aligned), and keeps several writes in flight. Requests run ahead of their data
// by up to RQ records (the DMA takes a write's data only once its AW issued, two cycles after the
// request), so a job is taken every cycle at 512 bits and every NB cycles below. Each write's response (in order)
// advances txq_cons past the packet's descriptors and pulses pkt_valid; an error response reports
// cpl_err_valid/queue instead (the engine stops the queue and kills its later jobs). Per-queue
// completion index and phase: index wraps at the ring size, phase starts at 1 and flips at each
// wrap. txq_reset[q] returns queue q to index 0, phase 1, cons 0; a write of q already issued
// still lands but no longer counts. `busy` names the queues with a job or a write in flight.
`default_nettype none

module nic_tx_cpl #(
  parameter int DATA_WIDTH = 64,  // DMA data width in bits
  parameter int NUM_QUEUES = 4,   // queues, 1..16
  parameter int JOBS       = 4,   // completion jobs buffered (power of two)
  parameter int WRITES     = 32   // completion writes in flight (power of two)
) (
  input  wire                          clk,
  input  wire                          rst_n,
  input  wire  [NUM_QUEUES-1:0]        kill,
  input  wire  [NUM_QUEUES*64-1:0]     txq_cpl_base,
  input  wire  [NUM_QUEUES*5-1:0]      txq_size_log2,
  input  wire  [NUM_QUEUES-1:0]        txq_reset,
  output logic [NUM_QUEUES*16-1:0]     txq_cons,
  // jobs
  input  wire                          job_valid,
  output logic                         job_room,    // room for two more jobs
  input  nic_tx_pkg::tx_job_t          job_data,
  input  wire  [3:0]                   job_queue,
  // DMA write client
  output logic                         wr_req_valid,
  input  wire                          wr_req_ready,
  output logic [63:0]                  wr_req_addr,
  output logic [15:0]                  wr_req_len,
  output logic                         wr_data_valid,
  input  wire                          wr_data_ready,
  output logic [DATA_WIDTH-1:0]        wr_data,
  output logic [DATA_WIDTH/8-1:0]      wr_data_strb,
  output logic                         wr_data_last,
  input  wire                          wr_resp_valid,
  input  wire                          wr_resp_err,
  // events
  output logic                         pkt_valid,
  output logic [3:0]                   pkt_queue,
  output logic [15:0]                  pkt_bytes,
  output logic                         cpl_err_valid,
  output logic [3:0]                   cpl_err_queue,
  output logic [NUM_QUEUES-1:0]        busy
);

  localparam int B   = DATA_WIDTH / 8;
  localparam int LW  = $clog2(B);
  localparam int NB  = (B < 16) ? 16 / B : 1;  // beats per completion record
  localparam int NBW = (NB > 1) ? $clog2(NB) : 1;

  // Job FIFO.
  logic                jf_valid, jf_ready, jf_killed, jf_dead, jf_s_ready;
  nic_tx_pkg::tx_job_t jf_data;
  logic [3:0]          jf_queue;
  logic [$clog2(JOBS):0] jf_count;
  logic [NUM_QUEUES-1:0] jf_held, fl_held;

  // In-flight FIFO.
  logic        fl_s_valid, fl_s_ready, fl_valid, fl_killed, fl_dead;
  nic_tx_pkg::tx_flight_t     fl_s_data, fl_data;
  logic [3:0]  fl_queue;
  logic [$clog2(WRITES):0] fl_count;

  // Per-queue state (cons_q flattened: it is the txq_cons output).
  logic [NUM_QUEUES*16-1:0] cpl_idx_q;  // queue q's next completion slot at [q*16 +: 16]
  logic [NUM_QUEUES*16-1:0] cons_q;
  logic [NUM_QUEUES-1:0] phase_q;

  // Writer: the request register, and the records requested whose data has not gone (rq_*).
  localparam int RQ = 4;
  logic            req_valid_q;
  logic [63:0]     req_addr_q;
  logic [NBW-1:0]  dat_beat_q;
  logic [1:0]      rq_wptr_q, rq_rptr_q;
  logic [2:0]      rq_count_q;
  logic            rq_pop;

  logic            pkt_valid_q;
  logic [3:0]      pkt_queue_q;
  logic [15:0]     pkt_bytes_q;

  nic_pkg::tx_cpl_t rec;
  logic [15:0]      idx, mask, next_idx;
  logic [16:0]      mask17;
  logic [63:0]      base, addr;
  logic [4:0]       slog2;
  logic             start, resp_ok;

  function automatic logic qbit(input logic [NUM_QUEUES-1:0] v, input logic [3:0] q);
    qbit = 1'b0;
    for (int i = 0; i < NUM_QUEUES; i++) begin
      if ({28'd0, q} == i) qbit = v[i];
    end
  endfunction

  nic_tx_qfifo #(.WIDTH(nic_tx_pkg::TX_JOB_BITS), .DEPTH(JOBS), .NUM_QUEUES(NUM_QUEUES)) u_jobs (
    .clk(clk), .rst_n(rst_n), .kill(kill),
    .s_valid(job_valid), .s_ready(jf_s_ready), .s_data(job_data), .s_queue(job_queue), .s_kill(1'b0),
    .m_valid(jf_valid), .m_ready(jf_ready), .m_data(jf_data), .m_queue(jf_queue),
    .m_killed(jf_killed), .count(jf_count), .held(jf_held));

  nic_tx_qfifo #(.WIDTH(nic_tx_pkg::TX_FLIGHT_BITS), .DEPTH(WRITES), .NUM_QUEUES(NUM_QUEUES)) u_flight (
    .clk(clk), .rst_n(rst_n), .kill(kill),
    .s_valid(fl_s_valid), .s_ready(fl_s_ready), .s_data(fl_s_data), .s_queue(jf_queue), .s_kill(1'b0),
    .m_valid(fl_valid), .m_ready(wr_resp_valid), .m_data(fl_data), .m_queue(fl_queue),
    .m_killed(fl_killed), .count(fl_count), .held(fl_held));

  // The head job's slot and record: only with a head job (they matter only then).
  always_comb begin
    base  = '0;
    slog2 = '0;
    idx   = '0;
    rec   = '0;
    if (jf_valid) begin
      for (int q = 0; q < NUM_QUEUES; q++) begin
        if ({28'd0, jf_queue} == q) begin
          base  = txq_cpl_base[q*64 +: 64];
          slog2 = txq_size_log2[q*5 +: 5];
          idx   = cpl_idx_q[q*16 +: 16];
        end
      end
      rec.last_desc  = jf_data.last_desc;
      rec.desc_count = jf_data.desc_count;
      rec.status     = nic_pkg::CPL_OK;
      rec.len        = jf_data.len;
      rec.phase      = qbit(phase_q, jf_queue);
    end
    mask17   = (17'd1 << slog2) - 17'd1;
    mask     = mask17[15:0];
    next_idx = (idx + 16'd1) & mask;
    addr     = base + {44'd0, idx, 4'b0000};
  end

  always_comb begin
    job_room = ({{(31-$clog2(JOBS)){1'b0}}, jf_count} <= JOBS - 2);  // two free slots

    // Start a write when the writer is idle; killed jobs are just dropped.
    wr_data_last = ({{(32-NBW){1'b0}}, dat_beat_q} == NB - 1);
    jf_dead    = jf_valid && (jf_killed || qbit(kill, jf_queue));
    // Back to back: a request per cycle while the record queue has room.
    start      = jf_valid && !jf_dead && fl_s_ready && (!req_valid_q || wr_req_ready) &&
                 (rq_count_q != 3'(RQ));
    jf_ready   = jf_dead || start;
    fl_s_valid = start;
    fl_s_data.next_cons = (jf_data.last_desc + 16'd1) & mask;
    fl_s_data.len       = jf_data.len;
    rq_pop     = (rq_count_q != '0) && wr_data_ready && wr_data_last;

    // Responses, in request order.
    fl_dead       = wr_resp_valid && fl_valid && (fl_killed || qbit(txq_reset, fl_queue));
    resp_ok       = wr_resp_valid && fl_valid && !fl_dead && !wr_resp_err;
    cpl_err_valid = wr_resp_valid && fl_valid && !fl_dead && wr_resp_err;
    cpl_err_queue = fl_queue;

    txq_cons      = cons_q;
    wr_req_valid  = req_valid_q;
    wr_req_addr   = req_addr_q;
    wr_req_len    = 16'd16;
    wr_data_valid = (rq_count_q != '0);
    pkt_valid     = pkt_valid_q;
    pkt_queue     = pkt_queue_q;
    pkt_bytes     = pkt_bytes_q;
  end
  assign busy = jf_held | fl_held;

  // Record bytes onto the beat: B < 16 sends 16/B full beats, else one beat at the slot's lanes
  // (placed when the record is queued, so the output is a plain read).
  generate
    if (B < 16) begin : g_narrow
      logic [127:0] rq_rec_q [RQ];
      always_ff @(posedge clk) begin
        if (start) rq_rec_q[rq_wptr_q] <= rec;
      end
      always_comb begin
        wr_data      = rq_rec_q[rq_rptr_q][dat_beat_q*DATA_WIDTH +: DATA_WIDTH];
        wr_data_strb = '1;
      end
    end else begin : g_wide
      logic [DATA_WIDTH-1:0] rq_data_q [RQ];
      logic [B-1:0]          rq_strb_q [RQ];
      always_ff @(posedge clk) begin
        if (start) begin
          rq_data_q[rq_wptr_q] <= {{(DATA_WIDTH-128){1'b0}}, rec} << {addr[LW-1:0], 3'b000};
          rq_strb_q[rq_wptr_q] <= {{(B-16){1'b0}}, 16'hFFFF} << addr[LW-1:0];
        end
      end
      always_comb begin
        wr_data      = rq_data_q[rq_rptr_q];
        wr_data_strb = rq_strb_q[rq_rptr_q];
      end
    end
  endgenerate

  logic unused_ok;
  assign unused_ok = ^{jf_s_ready, fl_count, mask17[16]};

  // Payload registers (not reset).
  always_ff @(posedge clk) begin
    if (start) req_addr_q <= addr;
    if (resp_ok) begin
      pkt_queue_q <= fl_queue;
      pkt_bytes_q <= fl_data.len;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      req_valid_q <= 1'b0;
      dat_beat_q  <= '0;
      rq_wptr_q   <= '0;
      rq_rptr_q   <= '0;
      rq_count_q  <= '0;
      pkt_valid_q <= 1'b0;
      phase_q     <= '1;
      cons_q      <= '0;
      cpl_idx_q   <= '0;
    end else begin
      if (start) begin
        req_valid_q <= 1'b1;
      end else if (wr_req_ready) begin
        req_valid_q <= 1'b0;
      end
      if (rq_count_q != '0 && wr_data_ready) begin
        dat_beat_q <= wr_data_last ? '0 : dat_beat_q + 1'b1;
      end
      if (start) rq_wptr_q <= rq_wptr_q + 2'd1;
      if (rq_pop) rq_rptr_q <= rq_rptr_q + 2'd1;
      if (start != rq_pop) rq_count_q <= start ? rq_count_q + 3'd1 : rq_count_q - 3'd1;
      pkt_valid_q <= resp_ok;
      if (start || resp_ok || txq_reset != '0) begin
        for (int q = 0; q < NUM_QUEUES; q++) begin
          if (txq_reset[q]) begin
            cpl_idx_q[q*16 +: 16] <= '0;
            cons_q[q*16 +: 16]    <= '0;
            phase_q[q]            <= 1'b1;
          end else begin
            if (start && {28'd0, jf_queue} == q) begin
              cpl_idx_q[q*16 +: 16] <= next_idx;
              if (next_idx == 16'd0) phase_q[q] <= !phase_q[q];
            end
            if (resp_ok && {28'd0, fl_queue} == q) cons_q[q*16 +: 16] <= fl_data.next_cons;
          end
        end
      end
    end
  end

endmodule

`default_nettype wire
