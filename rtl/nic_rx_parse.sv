// nic_rx_parse: RX ingress of nic_rx_engine. Takes frames from s_axis_rx into a store-and-forward
// data FIFO and, while they arrive, parses them, checks their checksums and hashes them; one
// metadata word per frame (target queue + the completion fields known from the wire) leaves on
// m_meta once the frame is complete, after all its beats are in the data FIFO.
//
// Assumptions about the wire side: tkeep is contiguous from lane 0 and only the tlast beat may be
// partial; beats with tkeep[0] = 0 carry no byte and are ignored (a frame made only of such beats
// has length 0, the engine drops it). tuser matters on the tlast beat only.
//
// Frames longer than MAX_FRAME_BYTES keep their first MAX_FRAME_BYTES (a whole number of beats:
// MAX_FRAME_BYTES is a multiple of 64) and are marked CPL_TRUNCATED; the rest is accepted and
// discarded. tuser wins over truncation (status CPL_BAD_FRAME). Runts shorter than 14 bytes are
// delivered with status OK and nothing parsed (l2_len 0).
//
// Data FIFO words are bare beats: the consumer knows each frame's length from its metadata and
// takes ceil(len / B) words per frame. tready drops only when the data FIFO is full or the
// metadata FIFO could not take the frames still in the parse pipeline.
//
// Parse pipeline (one beat per cycle, never stalls):
//   accept: beat -> data FIFO, header bytes 0..HDR_BYTES-1 captured into hdr_q;
//   S1 -> S2: header fields decoded from hdr_q (which already holds the S1 beat), in header beats;
//   S2: running ones'-complement sum; the sum up to the end of the IP datagram is taken in the beat
//       that holds its last byte (the IP length field always arrives in an earlier or the same beat);
//   S3: verdicts, lengths, types, RSS tuple;  S4: Toeplitz hash, RSS table, metadata push.
// Checksums use prefix sums: L4 sum = S(0, ip_end) - S(0, l4_off) + pseudo header; both start
// at frame offset 0 (even), so no byte swap is needed.
`default_nettype none

module nic_rx_parse #(
  parameter int DATA_WIDTH = 64,  // AXI-Stream width in bits: 64, 128, 256 or 512
  parameter int META_DEPTH = 32,  // frames the metadata FIFO holds (power of two, >= 8)
  parameter int FIFO_BYTES = 2 * nic_pkg::MAX_FRAME_BYTES  // frame FIFO size, rounded up to a
                                                            // power of two (smaller only for
                                                            // synthesis checks)
) (
  input  wire                       clk,
  input  wire                       rst_n,
  // AXI-Stream slave, frames from the wire
  input  wire  [DATA_WIDTH-1:0]     s_axis_rx_tdata,
  input  wire  [DATA_WIDTH/8-1:0]   s_axis_rx_tkeep,
  input  wire                       s_axis_rx_tlast,
  input  wire                       s_axis_rx_tuser,
  input  wire                       s_axis_rx_tvalid,
  output logic                      s_axis_rx_tready,
  // RSS configuration
  input  wire                       rss_enable,
  input  wire  [319:0]              rss_key,
  input  wire  [511:0]              rss_table,   // entry e at [e*4 +: 4]
  // frame data, ceil(len / B) beats per frame, frame byte 0 on lane 0
  output logic                      m_data_valid,
  input  wire                       m_data_ready,
  output logic [DATA_WIDTH-1:0]     m_data,
  // frame metadata: queue and the completion fields known from the wire
  // (first_buf, buf_count and phase are zero)
  output logic                      m_meta_valid,
  input  wire                       m_meta_ready,
  output logic [3:0]                m_meta_queue,
  output logic [127:0]              m_meta_cpl
);

  localparam int B         = DATA_WIDTH / 8;
  localparam int BL        = $clog2(B);
  localparam int NBW       = BL + 1;                     // 0..B
  localparam int HDR_BYTES = 96;                         // covers 18 + 60 + 14 header bytes
  localparam int HDR_BEATS = (HDR_BYTES + B - 1) / B;    // beats that carry header bytes
  localparam int HDR_LAST  = HDR_BYTES - (HDR_BEATS - 1) * B;  // header bytes in the last of them
  localparam int MAXB      = nic_pkg::MAX_FRAME_BYTES;
  localparam int DDEPTH    = 2 ** $clog2(FIFO_BYTES / B);
  localparam int MW        = 4 + 128;
  localparam int PIPE_FRAMES = 5;                        // frame ends in flight before the push
  localparam logic [15:0] MAXB16 = MAXB[15:0];

  // ---------------------------------------------------------------- accept stage
  // s_axis_rx_* are top-level inputs: only the handshake is combinational; what an accepted
  // beat changes (offset, header bytes, S1) is computed at the edge, inside always_ff.
  logic [15:0]           off_q;              // kept bytes of the current frame so far
  logic                  first_q;            // the next beat starts a frame
  logic                  disc;               // beat beyond MAX_FRAME_BYTES
  logic                  kept, accept;
  logic                  dfifo_s_ready, meta_s_ready;
  logic [$clog2(DDEPTH):0] dfifo_count;
  logic [$clog2(META_DEPTH):0] meta_count;
  logic                  meta_room;
  logic [HDR_BYTES*8-1:0] hdr_q;
  logic [15:0]           beat_idx;

  // bytes in a beat: 1 + the highest lane with tkeep set (0 if none)
  function automatic logic [NBW-1:0] nb_of(input logic [B-1:0] keep);
    logic [NBW-1:0] n;   // i + 1
    n     = '0;
    nb_of = '0;
    for (int i = 0; i < B; i++) begin
      n = n + 1'b1;
      if (keep[i]) begin
        nb_of = n;
      end
    end
  endfunction

  always_comb begin
    disc      = (off_q >= MAXB16);
    kept      = !disc && s_axis_rx_tkeep[0];
    meta_room = ({{(31-$clog2(META_DEPTH)){1'b0}}, meta_count} + PIPE_FRAMES) <= META_DEPTH;
    beat_idx  = off_q >> BL;
  end

  always_comb begin
    s_axis_rx_tready = meta_room && (disc || dfifo_s_ready);
    accept    = s_axis_rx_tvalid && s_axis_rx_tready;
  end

  nic_fifo #(.WIDTH(DATA_WIDTH), .DEPTH(DDEPTH)) u_data_fifo (
    .clk, .rst_n,
    .s_valid(s_axis_rx_tvalid && kept && meta_room), .s_ready(dfifo_s_ready), .s_data(s_axis_rx_tdata),
    .m_valid(m_data_valid), .m_ready(m_data_ready), .m_data(m_data),
    .count(dfifo_count)
  );

  // ---------------------------------------------------------------- S1
  logic                  s1_valid_q, s1_first_q, s1_last_q, s1_user_q, s1_disc_q;
  logic [DATA_WIDTH-1:0] s1_data_q;
  logic [NBW-1:0]        s1_nb_q;
  logic [15:0]           s1_start_q, s1_n_q;

  // header fields decoded from hdr_q with s1_n_q bytes of the frame known
  logic [15:0]  et0, et;
  logic         vlan, is4, is6, frag, udp_zero;
  logic [6:0]   l3_off, l3len, l4_off;
  logic [14*8-1:0] h4;
  logic [3:0]   ihl, ver;
  logic [16:0]  ip_end;
  logic         ip_end_known;
  logic [7:0]   proto;
  logic [15:0]  seg_len;
  logic [31:0]  pacc, iacc, lacc;
  logic [15:0]  w16;
  logic [36*8-1:0] tuple;

  // Only the S2 load of a header beat reads the decode. Past the header nothing it reads changes
  // (hdr_q is full, and every s1_n_q compare is against an offset inside it), so the f_*_q
  // registers keep what the frame's last header beat decoded and later beats skip the decode
  // (simulation time: most beats of a long frame).
  logic s1_in_header;
  assign s1_in_header = s1_start_q < 16'(HDR_BYTES);

  always_comb begin
    logic [60*8-1:0] h3;  // the L3 header (block local)
    et0 = '0; vlan = 1'b0; et = '0; l3_off = '0; h3 = '0; ver = '0; ihl = '0; is4 = 1'b0; is6 = 1'b0;
    l3len = '0; l4_off = '0; ip_end = '0; ip_end_known = 1'b0; proto = '0; frag = 1'b0; h4 = '0;
    udp_zero = 1'b0; seg_len = '0; pacc = '0; iacc = '0; lacc = '0; w16 = '0; tuple = '0;
    if (s1_valid_q && s1_in_header) begin
      et0  = {hdr_q[12*8 +: 8], hdr_q[13*8 +: 8]};
      vlan = (et0 == 16'h8100) && (s1_n_q >= 16'd18);
      et   = vlan ? {hdr_q[16*8 +: 8], hdr_q[17*8 +: 8]} : et0;
      l3_off = vlan ? 7'd18 : 7'd14;
      for (int j = 0; j < 60; j++) begin
        h3[j*8 +: 8] = vlan ? hdr_q[(18+j)*8 +: 8] : hdr_q[(14+j)*8 +: 8];
      end
      ver  = h3[7:4];
      ihl  = h3[3:0];
      is4  = (et == 16'h0800) && (ver == 4'd4) && (ihl >= 4'd5);
      is6  = (et == 16'h86DD) && (ver == 4'd6);
      l3len  = is6 ? 7'd40 : {1'b0, ihl, 2'b00};
      l4_off = l3_off + l3len;
      ip_end = is6 ? {10'd0, l3_off} + 17'd40 + {1'b0, h3[4*8 +: 8], h3[5*8 +: 8]}
                   : {10'd0, l3_off} + {1'b0, h3[2*8 +: 8], h3[3*8 +: 8]};
      ip_end_known = (is4 || is6) && (s1_n_q >= {9'd0, l3_off} + 16'd6);
      proto = is6 ? h3[6*8 +: 8] : h3[9*8 +: 8];
      frag  = is4 && (h3[6*8+5] || ({h3[6*8 +: 5], h3[7*8 +: 8]} != 13'd0));
      h4 = '0;
      for (int o = 14; o <= 78; o += 2) begin
        if ({25'd0, l4_off} == o) begin
          h4 = hdr_q[o*8 +: 14*8];
        end
      end
      udp_zero = ({h4[6*8 +: 8], h4[7*8 +: 8]} == 16'd0);
      seg_len  = ip_end[15:0] - {9'd0, l4_off};
      // pseudo header
      pacc = {16'd0, seg_len} + {24'd0, proto};
      if (is6) begin
        for (int w = 0; w < 16; w++) begin
          pacc = pacc + {16'd0, h3[(8+2*w)*8 +: 8], h3[(9+2*w)*8 +: 8]};
        end
      end else begin
        for (int w = 0; w < 4; w++) begin
          pacc = pacc + {16'd0, h3[(12+2*w)*8 +: 8], h3[(13+2*w)*8 +: 8]};
        end
      end
      // IPv4 header sum and the prefix sum up to the L4 header
      iacc = '0;
      lacc = '0;
      for (int w = 0; w < 39; w++) begin
        w16 = {hdr_q[(2*w)*8 +: 8], hdr_q[(2*w+1)*8 +: 8]};
        if ((2*w >= {25'd0, l3_off}) && (2*w < {25'd0, l4_off})) begin
          iacc = iacc + {16'd0, w16};
        end
        if (2*w < {25'd0, l4_off}) begin
          lacc = lacc + {16'd0, w16};
        end
      end
      // RSS tuple, byte 0 in the most significant byte
      tuple = '0;
      for (int j = 0; j < 32; j++) begin
        if (is6) begin
          tuple[(35-j)*8 +: 8] = h3[(8+j)*8 +: 8];
        end else if (j < 8) begin
          tuple[(35-j)*8 +: 8] = h3[(12+j)*8 +: 8];
        end
      end
      for (int j = 0; j < 4; j++) begin
        if (is6) begin
          tuple[(3-j)*8 +: 8] = h4[j*8 +: 8];
        end else begin
          tuple[(27-j)*8 +: 8] = h4[j*8 +: 8];
        end
      end
    end
  end

  // ---------------------------------------------------------------- S2
  logic                  s2_valid_q, s2_first_q, s2_last_q, s2_user_q, s2_disc_q;
  logic [DATA_WIDTH-1:0] s2_data_q;
  logic [NBW-1:0]        s2_nb_q;
  logic [15:0]           s2_start_q, s2_n_q;
  logic                  f_vlan_q, f_is4_q, f_is6_q, f_frag_q, f_udp_zero_q, f_end_known_q;
  logic [6:0]            f_l3len_q, f_l4_off_q;
  logic [16:0]           f_ip_end_q;
  logic [7:0]            f_proto_q;
  logic [3:0]            f_doff_q;
  logic [15:0]           f_psum_q, f_isum_q, f_lsum_q;
  logic [36*8-1:0]       f_tuple_q;

  logic [15:0]  run_q, run_d, end_q, end_d, sum_keep, sum_end, run_base;
  logic         have_end_q, have_end_d, trunc_q, trunc_d;
  logic [B-1:0] mask_keep, mask_end;
  logic [16:0]  end_rel;
  logic         end_here;

  always_comb begin
    end_rel = f_ip_end_q - {1'b0, s2_start_q};
    // the sums are used only with s2_valid_q: empty masks let the adders skip (simulation time);
    // lanes below s2_nb_q / end_rel (a shift by B or more leaves all lanes set)
    mask_keep = s2_valid_q ? ~({B{1'b1}} << s2_nb_q) : '0;
    mask_end  = s2_valid_q ? ~({B{1'b1}} << end_rel) : '0;
  end

  nic_csum_beat #(.DATA_WIDTH(DATA_WIDTH)) u_sum_keep (.data(s2_data_q), .mask(mask_keep), .sum(sum_keep));
  nic_csum_beat #(.DATA_WIDTH(DATA_WIDTH)) u_sum_end  (.data(s2_data_q), .mask(mask_end),  .sum(sum_end));

  always_comb begin
    run_base = s2_first_q ? 16'd0 : run_q;
    run_d    = run_q;
    end_d    = s2_first_q ? 16'd0 : end_q;
    have_end_d = s2_first_q ? 1'b0 : have_end_q;
    trunc_d  = s2_first_q ? 1'b0 : trunc_q;
    end_here = f_end_known_q && (f_ip_end_q > {1'b0, s2_start_q})
               && ({15'd0, f_ip_end_q} <= {16'd0, s2_start_q} + B);
    if (s2_valid_q) begin
      run_d   = nic_csum_pkg::csum_add16(run_base, sum_keep);
      trunc_d = trunc_d || s2_disc_q;
      if (end_here) begin
        end_d      = nic_csum_pkg::csum_add16(run_base, sum_end);
        have_end_d = 1'b1;
      end
    end
  end

  // ---------------------------------------------------------------- S3 (frame end)
  logic            s3_valid_q, s3_user_q, s3_trunc_q, s3_have_end_q;
  logic [15:0]     s3_len_q, s3_end_q;
  logic            s3_vlan_q, s3_is4_q, s3_is6_q, s3_frag_q, s3_udp_zero_q;
  logic [6:0]      s3_l3len_q, s3_l4_off_q;
  logic [16:0]     s3_ip_end_q;
  logic [7:0]      s3_proto_q;
  logic [3:0]      s3_doff_q;
  logic [15:0]     s3_psum_q, s3_isum_q, s3_lsum_q;
  logic [36*8-1:0] s3_tuple_q;

  nic_pkg::rx_cpl_t s3_cpl;
  logic            l3ok, l4ok, tcp, udp, hashable;
  logic [15:0]     l4sum;
  logic [16:0]     len17, l4_off17, l4_hdr_end;
  logic [5:0]      tuple_len;

  // Read only with s3_valid_q (a frame end): an empty S3 skips it (simulation time).
  always_comb begin
    len17 = '0; l4_off17 = '0; tcp = 1'b0; udp = 1'b0; l4_hdr_end = '0; l3ok = 1'b0;
    l4ok = 1'b0; l4sum = '0; hashable = 1'b0; tuple_len = '0;
    s3_cpl = '0;
    if (s3_valid_q) begin
    len17    = {1'b0, s3_len_q};
    l4_off17 = {10'd0, s3_l4_off_q};
    tcp      = (s3_proto_q == 8'd6);
    udp      = (s3_proto_q == 8'd17);
    l4_hdr_end = l4_off17 + (tcp ? {11'd0, s3_doff_q, 2'b00} : 17'd8);
    l3ok     = (s3_is4_q || s3_is6_q) && (len17 >= l4_off17);
    l4ok     = l3ok && (tcp || udp) && !s3_frag_q && s3_have_end_q
               && (s3_ip_end_q <= len17)
               && (s3_ip_end_q >= l4_off17 + (tcp ? 17'd20 : 17'd8))
               && (!tcp || ((s3_doff_q >= 4'd5) && (l4_hdr_end <= s3_ip_end_q)));
    l4sum    = nic_csum_pkg::csum_add16(nic_csum_pkg::csum_add16(s3_psum_q, s3_end_q), ~s3_lsum_q);
    hashable = l3ok;
    tuple_len = s3_is4_q ? (l4ok ? 6'd12 : 6'd8) : (l4ok ? 6'd36 : 6'd32);

    s3_cpl.len    = s3_len_q;
    s3_cpl.status = s3_user_q ? nic_pkg::CPL_BAD_FRAME
                  : (s3_trunc_q ? nic_pkg::CPL_TRUNCATED : nic_pkg::CPL_OK);
    s3_cpl.l2_len = (s3_len_q < 16'd14) ? 8'd0 : (s3_vlan_q ? 8'd18 : 8'd14);
    s3_cpl.l3_type = !l3ok ? nic_pkg::L3_OTHER : (s3_is4_q ? nic_pkg::L3_IPV4 : nic_pkg::L3_IPV6);
    s3_cpl.l3_len  = l3ok ? {1'b0, s3_l3len_q} : 8'd0;
    s3_cpl.ip_csum = !(l3ok && s3_is4_q) ? nic_pkg::CSUM_NOT_CHECKED
                   : (((s3_isum_q == 16'hFFFF) || (s3_isum_q == 16'h0000)) ? nic_pkg::CSUM_GOOD
                                                                           : nic_pkg::CSUM_BAD);
    s3_cpl.l4_type = !l4ok ? nic_pkg::L4_OTHER : (tcp ? nic_pkg::L4_TCP : nic_pkg::L4_UDP);
    s3_cpl.l4_len  = !l4ok ? 8'd0 : (tcp ? {2'b00, s3_doff_q, 2'b00} : 8'd8);
    s3_cpl.l4_csum = (!l4ok || (udp && s3_is4_q && s3_udp_zero_q)) ? nic_pkg::CSUM_NOT_CHECKED
                   : (((l4sum == 16'hFFFF) || (l4sum == 16'h0000)) ? nic_pkg::CSUM_GOOD
                                                                   : nic_pkg::CSUM_BAD);
    end
  end

  // ---------------------------------------------------------------- S4 (hash, queue, push)
  logic            s4_valid_q, s4_hashable_q;
  logic [127:0]    s4_cpl_q;
  logic [36*8-1:0] s4_tuple_q;
  logic [5:0]      s4_tuple_len_q;
  logic [31:0]     hash;
  nic_pkg::rx_cpl_t meta_cpl;
  logic [3:0]      meta_queue;
  logic [6:0]      tbl_idx;

  nic_toeplitz #(.INPUT_BYTES(36)) u_toeplitz (
    .key(rss_key), .data(s4_tuple_q), .len_bytes(s4_valid_q ? s4_tuple_len_q : 6'd0), .hash(hash)
  );

  always_comb begin
    meta_cpl = s4_cpl_q;
    meta_cpl.rss_hash = s4_hashable_q ? hash : 32'd0;
    tbl_idx = hash[6:0];
    meta_queue = (rss_enable && s4_hashable_q) ? rss_table[{tbl_idx, 2'b00} +: 4] : 4'd0;
  end

  nic_fifo #(.WIDTH(MW), .DEPTH(META_DEPTH)) u_meta_fifo (
    .clk, .rst_n,
    .s_valid(s4_valid_q), .s_ready(meta_s_ready), .s_data({meta_queue, meta_cpl}),
    .m_valid(m_meta_valid), .m_ready(m_meta_ready), .m_data({m_meta_queue, m_meta_cpl}),
    .count(meta_count)
  );

  // ---------------------------------------------------------------- registers
  always_ff @(posedge clk) begin : data_regs
    logic [NBW-1:0] nb;   // bytes in the accepted beat
    // data path registers (no reset needed: qualified by the valid bits)
    if (accept) begin
      nb = nb_of(s_axis_rx_tkeep);
      s1_data_q  <= s_axis_rx_tdata;
      s1_nb_q    <= kept ? nb : '0;
      s1_start_q <= off_q;
      s1_n_q     <= kept ? off_q + {{(16-NBW){1'b0}}, nb} : off_q;
      s1_first_q <= first_q;
      s1_last_q  <= s_axis_rx_tlast;
      s1_user_q  <= s_axis_rx_tuser;
      s1_disc_q  <= disc;
    end
    if (s1_valid_q) begin
      s2_data_q  <= s1_data_q;
      s2_nb_q    <= s1_nb_q;
      s2_start_q <= s1_start_q;
      s2_n_q     <= s1_n_q;
      s2_first_q <= s1_first_q;
      s2_last_q  <= s1_last_q;
      s2_user_q  <= s1_user_q;
      s2_disc_q  <= s1_disc_q;
    end
    if (s1_valid_q && s1_in_header) begin
      f_vlan_q      <= vlan;
      f_is4_q       <= is4;
      f_is6_q       <= is6;
      f_frag_q      <= frag;
      f_udp_zero_q  <= udp_zero;
      f_end_known_q <= ip_end_known;
      f_l3len_q     <= l3len;
      f_l4_off_q    <= l4_off;
      f_ip_end_q    <= ip_end;
      f_proto_q     <= proto;
      f_doff_q      <= h4[12*8+4 +: 4];
      f_psum_q      <= nic_csum_pkg::csum_fold32(pacc);
      f_isum_q      <= nic_csum_pkg::csum_fold32(iacc);
      f_lsum_q      <= nic_csum_pkg::csum_fold32(lacc);
      f_tuple_q     <= tuple;
    end
    if (s2_valid_q && s2_last_q) begin
      s3_user_q     <= s2_user_q;
      s3_trunc_q    <= trunc_d;
      s3_have_end_q <= have_end_d;
      s3_len_q      <= s2_n_q;
      s3_end_q      <= end_d;
      s3_vlan_q     <= f_vlan_q;
      s3_is4_q      <= f_is4_q;
      s3_is6_q      <= f_is6_q;
      s3_frag_q     <= f_frag_q;
      s3_udp_zero_q <= f_udp_zero_q;
      s3_l3len_q    <= f_l3len_q;
      s3_l4_off_q   <= f_l4_off_q;
      s3_ip_end_q   <= f_ip_end_q;
      s3_proto_q    <= f_proto_q;
      s3_doff_q     <= f_doff_q;
      s3_psum_q     <= f_psum_q;
      s3_isum_q     <= f_isum_q;
      s3_lsum_q     <= f_lsum_q;
      s3_tuple_q    <= f_tuple_q;
    end
    if (s3_valid_q) begin
      s4_cpl_q       <= s3_cpl;
      s4_tuple_q     <= s3_tuple_q;
      s4_tuple_len_q <= tuple_len;
      s4_hashable_q  <= hashable;
    end
  end

  always_ff @(posedge clk) begin : ctrl_regs
    logic [NBW-1:0] nb;   // bytes in the accepted beat
    if (!rst_n) begin
      off_q      <= '0;
      first_q    <= 1'b1;
      hdr_q      <= '0;
      s1_valid_q <= 1'b0;
      s2_valid_q <= 1'b0;
      s3_valid_q <= 1'b0;
      s4_valid_q <= 1'b0;
      run_q      <= '0;
      end_q      <= '0;
      have_end_q <= 1'b0;
      trunc_q    <= 1'b0;
    end else begin
      if (accept) begin
        nb      = nb_of(s_axis_rx_tkeep);
        first_q <= s_axis_rx_tlast;
        off_q   <= s_axis_rx_tlast ? 16'd0 : (kept ? off_q + {{(16-NBW){1'b0}}, nb} : off_q);
        // Header bytes of this beat go to their place; the first beat of a frame clears the rest.
        // Per beat, not per byte, and nothing once the frame is past its header.
        if (kept && (first_q || {16'd0, beat_idx} < HDR_BEATS)) begin
          for (int k = 0; k < HDR_BEATS - 1; k++) begin
            if ({16'd0, beat_idx} == k) begin
              hdr_q[k*B*8 +: B*8] <= s_axis_rx_tdata;
            end else if (first_q) begin
              hdr_q[k*B*8 +: B*8] <= '0;
            end
          end
          if ({16'd0, beat_idx} == HDR_BEATS - 1) begin
            hdr_q[(HDR_BEATS-1)*B*8 +: HDR_LAST*8] <= s_axis_rx_tdata[0 +: HDR_LAST*8];
          end else if (first_q) begin
            hdr_q[(HDR_BEATS-1)*B*8 +: HDR_LAST*8] <= '0;
          end
        end
      end
      s1_valid_q <= accept;
      s2_valid_q <= s1_valid_q;
      s3_valid_q <= s2_valid_q && s2_last_q;
      s4_valid_q <= s3_valid_q;
      if (s2_valid_q) begin
        run_q      <= run_d;
        end_q      <= end_d;
        have_end_q <= have_end_d;
        trunc_q    <= trunc_d;
      end
    end
  end

  // The metadata FIFO always has room: tready reserved it (PIPE_FRAMES).
  always_ff @(posedge clk) begin
    if (rst_n && s4_valid_q) begin
      assert (meta_s_ready);
    end
  end

  logic unused_parse;
  assign unused_parse = ^{dfifo_count, h4[13*8 +: 8], h4[12*8 +: 4], h4[8*8 +: 32],
                          f_tuple_q[0], hash[31:7], s3_is6_q};

endmodule

`default_nettype wire
