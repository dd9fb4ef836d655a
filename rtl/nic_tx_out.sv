// nic_tx_out: streams whole packets from the packet FIFO onto m_axis_tx and hands each sent
// packet's completion job on once its last beat has left.
//
// A packet's meta record is pushed only after its last beat entered the FIFO (store and
// forward), so once its first beat goes out every further beat is already there: no bubbles
// caused by the engine. Checksums from the meta record replace the bytes at their frame
// offsets on the way out (they may straddle two beats). A packet whose meta says !send is read
// out and discarded. The output is one register (tvalid/tdata held under back-pressure, full
// throughput; tready reaches the FIFO's pop combinationally). The job is pushed in the cycle the
// last beat is taken by the sink; a packet starts only when the job FIFO has room for its job
// and the one possibly still waiting in the output register (job_room). Kills of the packet's
// queue (reset, failed completion write) only cancel its completion: a packet already in the
// FIFO still leaves whole.
`default_nettype none

module nic_tx_out #(
  parameter int DATA_WIDTH = 64,  // stream width in bits
  parameter int NUM_QUEUES = 4    // queues, 1..16
) (
  input  wire                         clk,
  input  wire                         rst_n,
  input  wire  [NUM_QUEUES-1:0]       kill,
  // packet FIFO head
  input  wire                         fifo_valid,
  output logic                        fifo_ready,
  input  wire  [DATA_WIDTH-1:0]       fifo_data,
  input  wire  [DATA_WIDTH/8-1:0]     fifo_keep,
  input  wire                         fifo_last,
  // meta FIFO head
  input  wire                         meta_valid,
  output logic                        meta_ready,
  input  nic_tx_pkg::tx_meta_t        meta_data,
  input  wire  [3:0]                  meta_queue,
  input  wire                         meta_killed,
  // completion jobs
  output logic                        job_valid,
  input  wire                         job_room,   // the job FIFO can take two more
  output nic_tx_pkg::tx_job_t         job_data,
  output logic [3:0]                  job_queue,
  // wire
  output logic [DATA_WIDTH-1:0]       m_axis_tx_tdata,
  output logic [DATA_WIDTH/8-1:0]     m_axis_tx_tkeep,
  output logic                        m_axis_tx_tlast,
  output logic                        m_axis_tx_tuser,
  output logic                        m_axis_tx_tvalid,
  input  wire                         m_axis_tx_tready
);

  localparam int B  = DATA_WIDTH / 8;
  localparam int LW = $clog2(B);
  logic                 busy_q, busy_d;      // inside a packet (its first beat went)
  nic_tx_pkg::tx_meta_t cur_q, cur_d;
  logic [3:0]           cur_queue_q, cur_queue_d;
  logic                 cur_nocpl_q, cur_nocpl_d;
  logic [15:0]          beat_idx_q, beat_idx_d;

  // Output register, with the completion job riding on a packet's last beat.
  logic                  ov_q, ov_d;
  logic [DATA_WIDTH-1:0] od_q, od_d;
  logic [B-1:0]          ok_q, ok_d;
  logic                  ol_q, ol_d;
  logic                  oj_q, oj_d;        // the beat carries a job
  logic [3:0]            ojq_q, ojq_d;
  nic_tx_pkg::tx_job_t   ojob_q, ojob_d;

  nic_tx_pkg::tx_meta_t meta;
  logic [3:0]           queue;
  logic                 nocpl, active, load, go, send_beat;
  logic [15:0]          base, off;
  logic [DATA_WIDTH-1:0] data;

  function automatic logic qbit(input logic [NUM_QUEUES-1:0] v, input logic [3:0] q);
    qbit = 1'b0;
    for (int i = 0; i < NUM_QUEUES; i++) begin
      if ({28'd0, q} == i) qbit = v[i];
    end
  endfunction

  always_comb begin
    meta   = busy_q ? cur_q : meta_data;
    queue  = busy_q ? cur_queue_q : meta_queue;
    nocpl  = busy_q ? cur_nocpl_q : meta_killed || qbit(kill, meta_queue);
    active = busy_q || (meta_valid && job_room);
    load   = !ov_q || m_axis_tx_tready;
    // Not a function of fifo_valid (nic_fifo computes m_valid in the block that reads m_ready).
    fifo_ready = active && (load || !meta.send);
  end

  always_comb begin
    go         = fifo_ready && fifo_valid;
    send_beat  = go && meta.send;
    meta_ready = go && !busy_q;

    // Checksum substitution by frame offset.
    base = beat_idx_q << LW;
    data = fifo_data;
    for (int i = 0; i < B; i++) begin
      off = base + i[15:0];
      if (meta.ip_en && off == meta.ip_pos)         data[8*i +: 8] = meta.ip_csum[15:8];
      if (meta.ip_en && off == meta.ip_pos + 16'd1) data[8*i +: 8] = meta.ip_csum[7:0];
      if (meta.l4_en && off == meta.l4_pos)         data[8*i +: 8] = meta.l4_csum[15:8];
      if (meta.l4_en && off == meta.l4_pos + 16'd1) data[8*i +: 8] = meta.l4_csum[7:0];
    end

    // The job leaves with the last beat.
    job_valid = ov_q && m_axis_tx_tready && ol_q && oj_q && !qbit(kill, ojq_q);
    job_queue = ojq_q;
    job_data  = ojob_q;

    ov_d   = ov_q && !m_axis_tx_tready;
    od_d   = od_q;
    ok_d   = ok_q;
    ol_d   = ol_q;
    oj_d   = oj_q && !qbit(kill, ojq_q);
    ojq_d  = ojq_q;
    ojob_d = ojob_q;
    if (send_beat) begin
      ov_d              = 1'b1;
      od_d              = data;
      ok_d              = fifo_keep;
      ol_d              = fifo_last;
      oj_d              = fifo_last && !nocpl && !qbit(kill, queue);
      ojq_d             = queue;
      ojob_d.len        = meta.len;
      ojob_d.desc_count = meta.desc_count;
      ojob_d.last_desc  = meta.last_desc;
    end

    busy_d      = busy_q;
    cur_d       = cur_q;
    cur_queue_d = cur_queue_q;
    cur_nocpl_d = cur_nocpl_q || qbit(kill, cur_queue_q);
    beat_idx_d  = beat_idx_q;
    if (go) begin
      if (!busy_q) begin
        cur_d       = meta_data;
        cur_queue_d = meta_queue;
        cur_nocpl_d = meta_killed || qbit(kill, meta_queue);
      end
      busy_d     = !fifo_last;
      beat_idx_d = fifo_last ? 16'd0 : beat_idx_q + 16'd1;
    end

    m_axis_tx_tdata  = od_q;
    m_axis_tx_tkeep  = ok_q;
    m_axis_tx_tlast  = ol_q;
    m_axis_tx_tuser  = 1'b0;
    m_axis_tx_tvalid = ov_q;
  end

  always_ff @(posedge clk) begin
    cur_q       <= cur_d;
    cur_queue_q <= cur_queue_d;
    od_q        <= od_d;
    ok_q        <= ok_d;
    ol_q        <= ol_d;
    ojq_q       <= ojq_d;
    ojob_q      <= ojob_d;
    if (!rst_n) begin
      busy_q      <= 1'b0;
      cur_nocpl_q <= 1'b0;
      beat_idx_q  <= '0;
      ov_q        <= 1'b0;
      oj_q        <= 1'b0;
    end else begin
      busy_q      <= busy_d;
      cur_nocpl_q <= cur_nocpl_d;
      beat_idx_q  <= beat_idx_d;
      ov_q        <= ov_d;
      oj_q        <= oj_d;
    end
  end

endmodule

`default_nettype wire
