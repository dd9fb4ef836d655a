// nic_tx_out: streams whole packets from the packet FIFO onto m_axis_tx and hands each sent
// packet's completion job on.
//
// A packet's meta record is pushed only after its last beat entered the FIFO (store and
// forward), so once its first beat goes out every further beat is already there: no bubbles
// caused by the engine. Checksums from the meta record replace the bytes at their frame
// offsets on the way out (they may straddle two beats). A packet whose meta says !send is read
// out and discarded. A packet starts only when the job FIFO has room, so its last beat never
// waits for it. The output goes through nic_skid (registered tvalid/tdata, held under
// back-pressure). Kills of the packet's queue (reset, failed completion write) only cancel its
// completion: a packet already in the FIFO still leaves whole.
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
  input  wire                         job_room,   // the job FIFO can take one more
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
  localparam int SW = DATA_WIDTH + B + 1;

  logic                 busy_q, busy_d;      // inside a packet (its first beat went)
  nic_tx_pkg::tx_meta_t cur_q, cur_d;
  logic [3:0]           cur_queue_q, cur_queue_d;
  logic                 cur_nocpl_q, cur_nocpl_d;
  logic [15:0]          beat_idx_q, beat_idx_d;

  nic_tx_pkg::tx_meta_t meta;
  logic [3:0]           queue;
  logic                 nocpl, active, go, skid_valid, skid_ready;
  logic [15:0]          base, off;
  logic [DATA_WIDTH-1:0] data;
  logic [SW-1:0]        skid_in, skid_out;

  function automatic logic qbit(input logic [NUM_QUEUES-1:0] v, input logic [3:0] q);
    qbit = 1'b0;
    for (int i = 0; i < NUM_QUEUES; i++) begin
      if ({28'd0, q} == i) qbit = v[i];
    end
  endfunction

  nic_skid #(.WIDTH(SW)) u_skid (
    .clk(clk), .rst_n(rst_n),
    .s_valid(skid_valid), .s_ready(skid_ready), .s_data(skid_in),
    .m_valid(m_axis_tx_tvalid), .m_ready(m_axis_tx_tready), .m_data(skid_out));

  always_comb begin
    meta   = busy_q ? cur_q : meta_data;
    queue  = busy_q ? cur_queue_q : meta_queue;
    nocpl  = busy_q ? cur_nocpl_q : meta_killed || qbit(kill, meta_queue);
    active = busy_q || (meta_valid && job_room);
    // Not a function of fifo_valid (nic_fifo computes m_valid in the block that reads m_ready).
    fifo_ready = active && (skid_ready || !meta.send);
  end

  always_comb begin
    // meta.send never changes while presented, so skid_valid only falls after a transfer.
    skid_valid = active && fifo_valid && meta.send;
    go         = fifo_ready && fifo_valid;
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
    skid_in = {fifo_last, fifo_keep, data};

    job_valid           = go && fifo_last && meta.send && !nocpl && !qbit(kill, queue);
    job_queue           = queue;
    job_data.len        = meta.len;
    job_data.desc_count = meta.desc_count;
    job_data.last_desc  = meta.last_desc;

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

    m_axis_tx_tdata = skid_out[DATA_WIDTH-1:0];
    m_axis_tx_tkeep = skid_out[DATA_WIDTH +: B];
    m_axis_tx_tlast = skid_out[SW-1];
    m_axis_tx_tuser = 1'b0;
  end

  always_ff @(posedge clk) begin
    cur_q       <= cur_d;
    cur_queue_q <= cur_queue_d;
    if (!rst_n) begin
      busy_q      <= 1'b0;
      cur_nocpl_q <= 1'b0;
      beat_idx_q  <= '0;
    end else begin
      busy_q      <= busy_d;
      cur_nocpl_q <= cur_nocpl_d;
      beat_idx_q  <= beat_idx_d;
    end
  end

endmodule

`default_nettype wire
