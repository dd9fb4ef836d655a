// nic_tx_pkg: records passed between the sub-blocks of nic_tx_engine (internal, not part of the
// driver contract; that is nic_pkg).
`default_nettype none

package nic_tx_pkg;

  // Widths of the records below, for FIFO parameters (yosys 0.23 has no $bits of a package
  // type). Verilator checks them: a wrong one is a width mismatch at the FIFO port.
  localparam int TX_CFG_BITS    = 24;
  localparam int TX_INFO_BITS   = 41;
  localparam int TX_META_BITS   = 107;
  localparam int TX_REC_BITS    = 24;
  localparam int TX_JOB_BITS    = 40;
  localparam int TX_FLIGHT_BITS = 32;
  localparam int TX_TAG_BITS    = 26;
  localparam int TX_DENT_BITS   = 144;

  // Per-packet checksum request, taken from the packet's first descriptor. Travels from the
  // descriptor stage to the checksum accumulator at the packet FIFO's input.
  typedef struct packed {
    logic       ip_en;    // insert the IPv4 header checksum (csum_ip && !l3_ipv6)
    logic       l4_en;    // insert the TCP/UDP checksum
    logic       l4_udp;   // 0 TCP (field at +16), 1 UDP (field at +6)
    logic       l3_ipv6;  // pseudo header: 0 IPv4, 1 IPv6
    logic [9:0] l3_off;   // frame offset of the IP header
    logic [9:0] l4_off;   // frame offset of the TCP/UDP header
  } tx_cfg_t;

  // Per-packet bookkeeping known once its last descriptor was issued (or it was aborted).
  typedef struct packed {
    logic [15:0] len;        // packet bytes
    logic [7:0]  desc_count; // descriptors used
    logic [15:0] last_desc;  // ring index of the last descriptor
    logic        drop;       // aborted: its bytes are discarded, no completion
  } tx_info_t;

  // Per-packet record beside the packet FIFO: what the output stage needs.
  typedef struct packed {
    logic [15:0] len;
    logic [7:0]  desc_count;
    logic [15:0] last_desc;
    logic        send;       // 0: discard the packet's beats (dropped before it was committed)
    logic        ip_en;
    logic [15:0] ip_pos;     // frame offset of the IPv4 header checksum field
    logic [15:0] ip_csum;
    logic        l4_en;
    logic [15:0] l4_pos;     // frame offset of the TCP/UDP checksum field
    logic [15:0] l4_csum;
  } tx_meta_t;

  // One data read (or, with synth, a one-byte filler that terminates an aborted packet in the
  // byte packer without reading anything).
  typedef struct packed {
    logic        synth;
    logic [5:0]  lane;  // byte lane of the first byte (address mod beat bytes)
    logic [15:0] len;   // fragment bytes
    logic        last;  // last chunk of the packet
  } tx_rec_t;

  // A completion to write.
  typedef struct packed {
    logic [15:0] len;
    logic [7:0]  desc_count;
    logic [15:0] last_desc;
  } tx_job_t;

  // A completion write in flight.
  typedef struct packed {
    logic [15:0] next_cons;  // consumer index once it is written
    logic [15:0] len;
  } tx_flight_t;

  // A descriptor read in flight.
  typedef struct packed {
    logic [15:0] idx;    // ring index of its first descriptor
    logic [3:0]  count;  // descriptors, 1..8
    logic [5:0]  lane;   // byte lane of the first one in the first beat
  } tx_tag_t;

  // A fetched descriptor and its ring index.
  typedef struct packed {
    logic [127:0] desc;  // nic_pkg::tx_desc_t
    logic [15:0]  idx;
  } tx_dent_t;

endpackage

`default_nettype wire
