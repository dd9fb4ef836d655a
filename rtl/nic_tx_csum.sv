// nic_tx_csum: IPv4 header and TCP/UDP checksums of a packet, accumulated beat by beat as the
// packed packet (byte 0 on lane 0 of its first beat) enters the packet FIFO.
//
// cfg is the packet's checksum request and must be stable from its first beat to its last.
// beat_here says a beat is offered on beat_data (it
// must not depend on the sink's ready: it gates the per-lane work, so idle cycles cost nothing);
// beat_valid says it is taken (beat_valid implies beat_here). While the offered beat is the last
// (beat_here && beat_last) ip_csum and l4_csum hold the field values to insert (combinational,
// including that beat) if cfg asks for them (ip_en, l4_en); otherwise they are meaningless (a
// sum nobody asked for is not computed: simulation time).
// IPv4 header: IHL*4 bytes at l3_off (IHL from the byte at l3_off), its checksum field counted as
// zero. TCP/UDP: l4_off to the end of the IP packet (l3_off + the IPv4 total length, or l3_off +
// 40 + the IPv6 payload length, read from the header as it goes by), checksum field (+16 TCP, +6
// UDP) counted as zero, plus the pseudo header (addresses from the IP header, protocol 6/17 from
// l4_udp, L4 length = end of the IP packet - l4_off); a UDP result of 0 is sent as 0xFFFF. Bytes
// after the IP packet (Ethernet padding of a short frame, a trailer) are not part of the segment.
`default_nettype none

module nic_tx_csum #(
  parameter int DATA_WIDTH = 64  // beat width in bits, 64..512
) (
  input  wire                      clk,
  input  wire                      rst_n,
  input  wire                      beat_here,   // a beat is offered on beat_* (state only)
  input  wire                      beat_valid,  // it enters the FIFO this cycle
  input  wire  [DATA_WIDTH-1:0]    beat_data,
  input  wire  [DATA_WIDTH/8-1:0]  beat_keep,
  input  wire                      beat_last,
  input  nic_tx_pkg::tx_cfg_t      cfg,
  output logic [15:0]              ip_csum,
  output logic [15:0]              l4_csum
);

  localparam int B  = DATA_WIDTH / 8;
  localparam int LW = $clog2(B);

  logic [15:0] beat_idx_q;               // beats of the packet already accepted
  logic [3:0]  ihl_q;                    // IHL once its byte went by
  logic [7:0]  len_hi_q, len_lo_q;       // the IP length field once its bytes went by
  logic [15:0] acc_ip_q, acc_addr_q, acc_l4_q;

  logic [B-1:0] m_ip, m_addr, m_l4;
  logic [15:0]  s_ip, s_addr, s_l4;
  logic [15:0]  tot_ip, tot_addr, tot_l4, l4_sum, l4_len, l4_val;
  logic [15:0]  base, l3, l4, ip_end, addr_lo, addr_hi, l4_fld, rel;
  logic [15:0]  len_at, rel_hi, rel_lo, ip_len, l4_end;
  logic [7:0]   len_hi, len_lo;
  logic [3:0]   ihl;

  nic_csum_beat #(.DATA_WIDTH(DATA_WIDTH)) u_sum_ip (
    .data(beat_data), .mask(m_ip), .sum(s_ip));
  nic_csum_beat #(.DATA_WIDTH(DATA_WIDTH)) u_sum_addr (
    .data(beat_data), .mask(m_addr), .sum(s_addr));
  nic_csum_beat #(.DATA_WIDTH(DATA_WIDTH)) u_sum_l4 (
    .data(beat_data), .mask(m_l4), .sum(s_l4));

  // Lanes of the beat whose packet offset (first + lane) is at or above x. first + lane never
  // wraps (a packet is at most MAX_FRAME_BYTES), so the lanes are a run from lane x - first up:
  // masks by shifting instead of a compare per lane.
  function automatic logic [B-1:0] lanes_from(input logic [15:0] x, input logic [15:0] first);
    logic [15:0] d;
    d = x - first;
    if (x <= first) lanes_from = '1;
    else if ({16'd0, d} >= B) lanes_from = '0;
    else lanes_from = {B{1'b1}} << d[LW-1:0];
  endfunction

  // The lane whose packet offset is x, if the beat has it.
  function automatic logic [B-1:0] lane_at(input logic [15:0] x, input logic [15:0] first);
    logic [15:0] d;
    d = x - first;
    lane_at = (x >= first && {16'd0, d} < B) ? {{(B-1){1'b0}}, 1'b1} << d[LW-1:0] : '0;
  endfunction

  // State only (beat_here, not beat_valid): evaluated once per cycle, and only with a beat.
  always_comb begin
    base    = beat_idx_q << LW;
    l3      = {6'd0, cfg.l3_off};
    l4      = {6'd0, cfg.l4_off};
    addr_lo = cfg.l3_ipv6 ? l3 + 16'd8 : l3 + 16'd12;
    addr_hi = cfg.l3_ipv6 ? l3 + 16'd40 : l3 + 16'd20;
    l4_fld  = cfg.l4_udp ? l4 + 16'd6 : l4 + 16'd16;

    // IHL comes from the low nibble of the first IP header byte, possibly in this very beat.
    ihl = ihl_q;
    rel = l3 - base;
    if ({16'd0, rel} < B) ihl = beat_data[{rel[LW-1:0], 3'b000} +: 4];
    ip_end = l3 + {10'd0, ihl, 2'b00};

    // The IP length field (IPv4 total length at +2, IPv6 payload length at +4), big-endian; its
    // two bytes may arrive in different beats, both before any L4 byte.
    len_at = cfg.l3_ipv6 ? l3 + 16'd4 : l3 + 16'd2;
    len_hi = len_hi_q;
    len_lo = len_lo_q;
    rel_hi = len_at - base;
    rel_lo = len_at + 16'd1 - base;
    if ({16'd0, rel_hi} < B) len_hi = beat_data[{rel_hi[LW-1:0], 3'b000} +: 8];
    if ({16'd0, rel_lo} < B) len_lo = beat_data[{rel_lo[LW-1:0], 3'b000} +: 8];
    ip_len = {len_hi, len_lo};
    l4_end = cfg.l3_ipv6 ? l3 + 16'd40 + ip_len : l3 + ip_len;

    m_ip   = '0;
    m_addr = '0;
    m_l4   = '0;
    // IP header without its checksum field; the pseudo header's addresses; the L4 segment
    // without its checksum field.
    if (beat_here && cfg.ip_en) begin
      m_ip   = beat_keep & lanes_from(l3, base) & ~lanes_from(ip_end, base)
               & ~lane_at(l3 + 16'd10, base) & ~lane_at(l3 + 16'd11, base);
    end
    if (beat_here && cfg.l4_en) begin
      m_addr = beat_keep & lanes_from(addr_lo, base) & ~lanes_from(addr_hi, base);
      m_l4   = beat_keep & lanes_from(l4, base) & ~lanes_from(l4_end, base)
               & ~lane_at(l4_fld, base) & ~lane_at(l4_fld + 16'd1, base);
    end
  end

  always_comb begin
    tot_ip   = nic_csum_pkg::csum_add16(acc_ip_q, s_ip);
    tot_addr = nic_csum_pkg::csum_add16(acc_addr_q, s_addr);
    tot_l4   = nic_csum_pkg::csum_add16(acc_l4_q, s_l4);

    // A range starting at an odd offset pairs its bytes the other way round.
    ip_csum = nic_csum_pkg::csum_final(l3[0] ? nic_csum_pkg::csum_swap16(tot_ip) : tot_ip);
    l4_len  = l4_end - l4;
    l4_sum  = nic_csum_pkg::csum_add16(l4[0] ? nic_csum_pkg::csum_swap16(tot_l4) : tot_l4,
                                       l3[0] ? nic_csum_pkg::csum_swap16(tot_addr) : tot_addr);
    l4_sum  = nic_csum_pkg::csum_add16(l4_sum, cfg.l4_udp ? 16'd17 : 16'd6);
    l4_sum  = nic_csum_pkg::csum_add16(l4_sum, l4_len);
    l4_val  = nic_csum_pkg::csum_final(l4_sum);
    l4_csum = (cfg.l4_udp && l4_val == 16'd0) ? 16'hFFFF : l4_val;
  end

  // Accumulation on the edge of an accepted beat only.
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      beat_idx_q <= '0;
      ihl_q      <= '0;
      len_hi_q   <= '0;
      len_lo_q   <= '0;
      acc_ip_q   <= '0;
      acc_addr_q <= '0;
      acc_l4_q   <= '0;
    end else if (beat_valid) begin
      if (beat_last) begin
        beat_idx_q <= '0;
        ihl_q      <= '0;
        len_hi_q   <= '0;
        len_lo_q   <= '0;
        acc_ip_q   <= '0;
        acc_addr_q <= '0;
        acc_l4_q   <= '0;
      end else begin
        beat_idx_q <= beat_idx_q + 16'd1;
        ihl_q      <= ihl;
        len_hi_q   <= len_hi;
        len_lo_q   <= len_lo;
        acc_ip_q   <= tot_ip;
        acc_addr_q <= tot_addr;
        acc_l4_q   <= tot_l4;
      end
    end
  end

endmodule

`default_nettype wire
