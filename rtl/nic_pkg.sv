// nic_pkg: the hardware/driver contract as SystemVerilog constants and packed structs.
// DRAFT, hand-written to unblock RTL work; it will be generated from the contract's single
// source of truth (see docs/contract.md) and checked by a test. Do not edit by hand once it is.
`default_nettype none

// Every block uses only some of the contract's constants: unused ones are expected here, and
// only here (the waiver covers this package, not the modules that import from it).
/* verilator lint_off UNUSEDPARAM */
package nic_pkg;

  // ---- identification ----
  localparam logic [31:0] NIC_MAGIC          = 32'h4E49_4353;  // "NICS"
  localparam int          CONTRACT_MAJOR     = 1;
  localparam int          CONTRACT_MINOR     = 0;
  localparam int          MAX_FRAME_BYTES    = 9216;  // largest frame either direction
  localparam int          MAX_TX_FRAGS       = 16;    // descriptors per TX packet
  localparam int          RX_BUF_ALIGN_BYTES = 64;    // RX buffer address and capacity granularity
  localparam int          MAX_RING_LOG2      = 16;    // rings of 2..65536 entries
  localparam int          DESC_BYTES         = 16;
  localparam int          CPL_BYTES          = 16;
  localparam int          RSS_KEY_BYTES      = 40;
  localparam int          RSS_TABLE_ENTRIES  = 128;

  // ---- register map (byte offsets) ----
  localparam logic [15:0] REG_ID_MAGIC       = 16'h0000;
  localparam logic [15:0] REG_ID_VERSION     = 16'h0004;
  localparam logic [15:0] REG_ID_DATA_WIDTH  = 16'h0008;
  localparam logic [15:0] REG_ID_NUM_QUEUES  = 16'h000C;
  localparam logic [15:0] REG_ID_MAX_FRAME   = 16'h0010;
  localparam logic [15:0] REG_ID_MAX_FRAGS   = 16'h0014;
  localparam logic [15:0] REG_ID_RX_ALIGN    = 16'h0018;
  localparam logic [15:0] REG_CTRL           = 16'h0100;  // [0] RSS enable
  localparam logic [15:0] REG_ERR_QUEUES     = 16'h0104;  // RO [15:0] TX queues in error, [31:16] RX
  localparam logic [15:0] REG_ERR_IRQ_EN     = 16'h0108;  // [0] error interrupt enable
  localparam logic [15:0] REG_RSS_KEY0       = 16'h0200;  // 10 words, key byte 0 in [31:24] of word 0
  localparam logic [15:0] REG_RSS_TABLE0     = 16'h0400;  // 128 words, [3:0] queue
  localparam logic [15:0] REG_QUEUE_BASE     = 16'h1000;  // + queue * REG_QUEUE_STRIDE
  localparam logic [15:0] REG_QUEUE_STRIDE   = 16'h0100;
  // per queue, TX ring at +0x00, RX ring at +0x40 (same layout), interrupt at +0x80
  localparam logic [7:0]  QREG_TX            = 8'h00;
  localparam logic [7:0]  QREG_RX            = 8'h40;
  localparam logic [7:0]  QREG_IRQ           = 8'h80;
  localparam logic [5:0]  RING_BASE_LO       = 6'h00;
  localparam logic [5:0]  RING_BASE_HI       = 6'h04;
  localparam logic [5:0]  RING_CPL_BASE_LO   = 6'h08;
  localparam logic [5:0]  RING_CPL_BASE_HI   = 6'h0C;
  localparam logic [5:0]  RING_SIZE_LOG2     = 6'h10;  // 1..16
  localparam logic [5:0]  RING_CTRL          = 6'h14;  // [0] enable, [1] reset (self-clearing)
  localparam logic [5:0]  RING_PROD          = 6'h18;  // doorbell: producer index
  localparam logic [5:0]  RING_CONS          = 6'h1C;  // RO: hardware consumer index
  localparam logic [5:0]  RING_ERR           = 6'h20;  // RO: err_e of the queue
  localparam logic [5:0]  RING_STAT_PKTS     = 6'h24;  // RO
  localparam logic [5:0]  RING_STAT_BYTES    = 6'h28;  // RO
  localparam logic [5:0]  RING_STAT_DROPS    = 6'h2C;  // RO (RX: no buffer)
  localparam logic [5:0]  RING_STAT_ERRS     = 6'h30;  // RO (RX: bad frames; TX/RX: queue errors)
  localparam logic [5:0]  IRQ_ARM            = 6'h00;  // [0] write 1 arms; reads armed state
  localparam logic [5:0]  IRQ_CAUSE          = 6'h04;  // RW1C [0] TX cpl, [1] RX cpl, [2] error
  localparam logic [5:0]  IRQ_MOD_CYCLES     = 6'h08;  // holdoff timer, 0 = none
  localparam logic [5:0]  IRQ_MOD_PKTS       = 6'h0C;  // packet threshold, 0 or 1 = every packet
  localparam int          IRQ_ARM_ARMED_LSB    = 0;
  localparam int          IRQ_CAUSE_TX_CPL_LSB = 0;
  localparam int          IRQ_CAUSE_RX_CPL_LSB = 1;
  localparam int          IRQ_CAUSE_ERROR_LSB  = 2;

  // ---- queue error codes (RING_ERR) ----
  typedef enum logic [7:0] {
    ERR_NONE             = 8'h00,
    ERR_DESC_ZERO_LEN    = 8'h01,  // TX fragment of length 0
    ERR_DESC_LEN_OVER    = 8'h02,  // TX fragment or packet longer than MAX_FRAME_BYTES
    ERR_DESC_CHAIN_LONG  = 8'h03,  // more than MAX_TX_FRAGS fragments without end of packet
    ERR_DOORBELL_RANGE   = 8'h04,  // producer index written >= ring size
    ERR_DMA_DESC_READ    = 8'h05,  // error response reading descriptors
    ERR_DMA_DATA_READ    = 8'h06,  // error response reading TX data
    ERR_DMA_DATA_WRITE   = 8'h07,  // error response writing RX data
    ERR_DMA_CPL_WRITE    = 8'h08,  // error response writing a completion
    ERR_RX_DESC_BAD      = 8'h09,  // RX buffer not aligned or capacity not a multiple of RX_BUF_ALIGN_BYTES
    ERR_RING_CONFIG      = 8'h0A   // enabled with size_log2 out of 1..16 or unaligned base
  } err_e;

  // ---- descriptors and completions (little-endian in host memory, bit 0 = byte 0 bit 0) ----
  typedef struct packed {
    logic [5:0]  rsvd3;
    logic [9:0]  l4_offset;   // frame offset of the TCP/UDP header (first descriptor only)
    logic [5:0]  rsvd2;
    logic [9:0]  l3_offset;   // frame offset of the IP header (first descriptor only)
    logic [10:0] rsvd1;
    logic        l4_udp;      // 0 TCP, 1 UDP
    logic        l3_ipv6;     // 0 IPv4, 1 IPv6
    logic        csum_l4;     // insert the TCP/UDP checksum
    logic        csum_ip;     // insert the IPv4 header checksum
    logic        eop;         // last fragment of the packet
    logic [15:0] len;         // fragment length in bytes, 1..MAX_FRAME_BYTES
    logic [63:0] addr;        // fragment address, any byte alignment
  } tx_desc_t;

  typedef struct packed {
    logic        phase;       // flips at each wrap of the completion ring; starts at 1
    logic [62:0] rsvd;
    logic [15:0] rsvd0;
    logic [15:0] len;         // packet length in bytes
    logic [7:0]  status;      // cpl_status_e
    logic [7:0]  desc_count;  // descriptors the packet used
    logic [15:0] last_desc;   // ring index of the packet's last descriptor
  } tx_cpl_t;

  typedef struct packed {
    logic [31:0] rsvd;
    logic [31:0] capacity;    // bytes, multiple of RX_BUF_ALIGN_BYTES
    logic [63:0] addr;        // aligned to RX_BUF_ALIGN_BYTES
  } rx_desc_t;

  typedef enum logic [7:0] {
    CPL_OK        = 8'h00,
    CPL_BAD_FRAME = 8'h01,  // RX: tuser marked the frame bad on the wire
    CPL_TRUNCATED = 8'h02   // RX: longer than MAX_FRAME_BYTES; the first MAX_FRAME_BYTES were written
  } cpl_status_e;

  typedef enum logic [1:0] {
    CSUM_NOT_CHECKED = 2'd0,
    CSUM_GOOD        = 2'd1,
    CSUM_BAD         = 2'd2
  } csum_verdict_e;

  typedef enum logic [1:0] { L3_OTHER = 2'd0, L3_IPV4 = 2'd1, L3_IPV6 = 2'd2 } l3_type_e;
  typedef enum logic [1:0] { L4_OTHER = 2'd0, L4_TCP = 2'd1, L4_UDP = 2'd2 } l4_type_e;

  typedef struct packed {
    logic        phase;       // flips at each wrap of the completion ring; starts at 1
    logic [6:0]  rsvd1;
    logic [7:0]  l4_len;      // TCP/UDP header bytes (0 if not parsed)
    logic [7:0]  l3_len;      // IP header bytes (0 if not parsed)
    logic [7:0]  l2_len;      // Ethernet header bytes incl. VLAN tag
    logic [31:0] rss_hash;    // Toeplitz hash (0 if not hashed)
    logic [7:0]  rsvd0;
    logic [1:0]  l4_type;     // l4_type_e
    logic [1:0]  l3_type;     // l3_type_e
    logic [1:0]  l4_csum;     // csum_verdict_e
    logic [1:0]  ip_csum;     // csum_verdict_e
    logic [15:0] len;         // frame length in bytes (as written)
    logic [7:0]  status;      // cpl_status_e
    logic [7:0]  buf_count;   // buffers the frame used
    logic [15:0] first_buf;   // ring index of the frame's first buffer
  } rx_cpl_t;

endpackage
/* verilator lint_on UNUSEDPARAM */

`default_nettype wire
