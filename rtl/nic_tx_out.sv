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
// FIFO still leaves whole. Every packet that left (its last beat taken by the sink), completion
// or not, is reported once on sent_valid/sent_queue (a register: RING_TAKEN counts it); `busy`
// names the queues whose packet is in this stage, its report included, so a ring reads idle only
// once its packets are counted.
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
  // packets that left, and the queues with a packet here
  output logic                        sent_valid,
  output logic [3:0]                  sent_queue,
  output logic [NUM_QUEUES-1:0]       busy,
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
  logic                 busy_q;       // inside a packet (its first beat went)
  nic_tx_pkg::tx_meta_t cur_q;
  logic [3:0]           cur_queue_q;
  logic                 cur_nocpl_q;
  logic [15:0]          beat_idx_q;

  // Output register, with the completion job riding on a packet's last beat.
  logic                  ov_q;
  logic [DATA_WIDTH-1:0] od_q;
  logic [B-1:0]          ok_q;
  logic                  ol_q;
  logic                  oj_q;              // the beat carries a job
  logic [3:0]            ojq_q;
  nic_tx_pkg::tx_job_t   ojob_q;
  logic                  sent_q;            // a packet's last beat left in the previous cycle
  logic [3:0]            sent_queue_q;
  // One-hot queue of the packet in the stage, of the beat in the output register and of the
  // report: set once per packet, so `busy` is plain vector logic.
  logic [NUM_QUEUES-1:0] cur_hot_q, ojq_hot_q, sent_hot_q;

  nic_tx_pkg::tx_meta_t meta;
  logic [3:0]           queue;
  logic                 nocpl, active, load, go, send_beat;

  function automatic logic [NUM_QUEUES-1:0] qhot(input logic [3:0] q);
    for (int i = 0; i < NUM_QUEUES; i++) begin
      qhot[i] = ({28'd0, q} == i);
    end
  endfunction

  function automatic logic qbit(input logic [NUM_QUEUES-1:0] v, input logic [3:0] q);
    qbit = 1'b0;
    for (int i = 0; i < NUM_QUEUES; i++) begin
      if ({28'd0, q} == i) qbit = v[i];
    end
  endfunction

  // Byte `byte_val` replaces lane (pos - base) of data if pos falls in the beat starting at
  // frame offset base (a multiple of B).
  function automatic logic [DATA_WIDTH-1:0] put_byte(input logic [DATA_WIDTH-1:0] data,
                                                     input logic [15:0] base,
                                                     input logic [15:0] pos,
                                                     input logic [7:0] byte_val);
    logic [15:0] rel;
    put_byte = data;
    rel      = pos - base;
    if ({16'd0, rel} < B) put_byte[{rel[LW-1:0], 3'b000} +: 8] = byte_val;
  endfunction

  // Checksum substitution by frame offset (a field may straddle two beats); on the edge only.
  function automatic logic [DATA_WIDTH-1:0] subst(input logic [DATA_WIDTH-1:0] data,
                                                  input logic [15:0] beat_idx,
                                                  input logic ip_en, input logic [15:0] ip_pos,
                                                  input logic [15:0] ip_csum,
                                                  input logic l4_en, input logic [15:0] l4_pos,
                                                  input logic [15:0] l4_csum);
    logic [15:0] base;
    base  = beat_idx << LW;
    subst = data;
    if (ip_en) begin
      subst = put_byte(subst, base, ip_pos, ip_csum[15:8]);
      subst = put_byte(subst, base, ip_pos + 16'd1, ip_csum[7:0]);
    end
    if (l4_en) begin
      subst = put_byte(subst, base, l4_pos, l4_csum[15:8]);
      subst = put_byte(subst, base, l4_pos + 16'd1, l4_csum[7:0]);
    end
  endfunction

  always_comb begin
    meta   = busy_q ? cur_q : meta_data;
    queue  = busy_q ? cur_queue_q : meta_queue;
    nocpl  = busy_q ? cur_nocpl_q : meta_killed || qbit(kill, meta_queue);
    active = busy_q || (meta_valid && job_room);
  end

  // The handshakes (m_axis_tx_tready reaches the FIFO's pop and the job push combinationally).
  always_comb begin
    load = !ov_q || m_axis_tx_tready;
    // Not a function of fifo_valid (nic_fifo computes m_valid in the block that reads m_ready).
    fifo_ready = active && (load || !meta.send);
  end

  always_comb begin
    go         = fifo_ready && fifo_valid;
    send_beat  = go && meta.send;
    meta_ready = go && !busy_q;
    // The job leaves with the last beat.
    job_valid  = ov_q && m_axis_tx_tready && ol_q && oj_q && !qbit(kill, ojq_q);
  end

  always_comb begin
    job_queue = ojq_q;
    job_data  = ojob_q;

    m_axis_tx_tdata  = od_q;
    m_axis_tx_tkeep  = ok_q;
    m_axis_tx_tlast  = ol_q;
    m_axis_tx_tuser  = 1'b0;
    m_axis_tx_tvalid = ov_q;

    sent_valid = sent_q;
    sent_queue = sent_queue_q;
    busy       = ({NUM_QUEUES{busy_q}} & cur_hot_q) | ({NUM_QUEUES{ov_q}} & ojq_hot_q)
                 | ({NUM_QUEUES{sent_q}} & sent_hot_q);
  end

  // Payload registers (not reset): on their events only.
  always_ff @(posedge clk) begin
    if (send_beat) begin
      od_q              <= subst(fifo_data, beat_idx_q, meta.ip_en, meta.ip_pos, meta.ip_csum,
                                 meta.l4_en, meta.l4_pos, meta.l4_csum);
      ok_q              <= fifo_keep;
      ol_q              <= fifo_last;
      ojq_q             <= queue;
      ojob_q.len        <= meta.len;
      ojob_q.desc_count <= meta.desc_count;
      ojob_q.last_desc  <= meta.last_desc;
    end
    if (go && !busy_q) begin
      cur_q       <= meta_data;
      cur_queue_q <= meta_queue;
      cur_hot_q   <= qhot(meta_queue);
    end
    if (send_beat && !busy_q) ojq_hot_q <= qhot(meta_queue);
    if (send_beat && busy_q)  ojq_hot_q <= cur_hot_q;
    if (ov_q && m_axis_tx_tready && ol_q) begin
      sent_queue_q <= ojq_q;
      sent_hot_q   <= ojq_hot_q;
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      busy_q      <= 1'b0;
      cur_nocpl_q <= 1'b0;
      beat_idx_q  <= '0;
      ov_q        <= 1'b0;
      oj_q        <= 1'b0;
      sent_q      <= 1'b0;
    end else begin
      sent_q <= ov_q && m_axis_tx_tready && ol_q;
      if (send_beat) begin
        ov_q <= 1'b1;
        oj_q <= fifo_last && !nocpl && !qbit(kill, queue);
      end else begin
        if (ov_q && m_axis_tx_tready) ov_q <= 1'b0;
        if (oj_q && kill != '0 && qbit(kill, ojq_q)) oj_q <= 1'b0;
      end
      if (go) begin
        if (!busy_q) begin
          cur_nocpl_q <= meta_killed || qbit(kill, meta_queue);
        end else if (kill != '0 && qbit(kill, cur_queue_q)) begin
          cur_nocpl_q <= 1'b1;
        end
        busy_q     <= !fifo_last;
        beat_idx_q <= fifo_last ? 16'd0 : beat_idx_q + 16'd1;
      end else if (kill != '0 && qbit(kill, cur_queue_q)) begin
        cur_nocpl_q <= 1'b1;
      end
    end
  end

endmodule

`default_nettype wire
