// TrafficGenerator: random Ethernet II frames for the wire, reproducible from the caller's
// std::mt19937_64 (the generator holds no randomness of its own).
//
// IP frames: Ethernet II (optionally one 802.1Q tag), IPv4 (20-byte header) or IPv6 (no
// extension headers), TCP (20-byte header) or UDP, with the 16-byte FrameTag at the start of the
// L4 payload and random bytes after it. The IP length fields cover the frame to its last byte
// (no Ethernet padding). Checksums are correct per model/checksum.hpp, or left zero
// (fill_checksums = false, for TX checksum offload), or deliberately broken on request; the
// verdicts the reference gives are recorded in Frame::gen. Flows (5-tuples) come from a pool
// drawn once at construction, so RSS spreads them over queues the same way every run.
// Non-IP frames (EtherType 0x88B5) carry the tag right after the Ethernet header.
// Fault frames: runts (shorter than 60 bytes: the tag only when 30 bytes or more), oversize
// frames (9019..oversize_max_bytes), tuser-bad frames.
// Sizes are frame bytes without FCS. A size too small for the drawn headers and the tag is
// raised to the smallest that fits (at most 94 bytes: VLAN + IPv6 + TCP + tag).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "frame/frame.hpp"
#include "model/toeplitz.hpp"

namespace nicsim::wire {

inline constexpr std::size_t kMinFrameBytes = 60;        // without FCS
inline constexpr std::size_t kMaxFrameBytes = 9018;      // 9000-byte MTU + VLAN-tagged header
inline constexpr std::uint16_t kEtherTypeTest = 0x88B5;  // IEEE local experimental

/// Frame sizes in bytes (without FCS).
class SizeDist {
public:
    enum class Kind : std::uint8_t { uniform, fixed, imix, list };

    static SizeDist uniform(std::size_t lo_bytes, std::size_t hi_bytes);
    static SizeDist fixed(std::size_t bytes);
    /// 7:4:1 of 60, 590 and 1514 bytes (the classic simple IMIX, FCS removed).
    static SizeDist imix();
    /// The sizes in order, cycling.
    static SizeDist list(std::vector<std::size_t> sizes_bytes);

    Kind kind() const noexcept { return kind_; }
    std::size_t min_bytes() const noexcept;
    std::size_t max_bytes() const noexcept;
    /// Draws the next size (list: the next in order; the others draw from rng).
    std::size_t draw(std::mt19937_64& rng);

private:
    Kind kind_ = Kind::uniform;
    std::size_t lo_ = kMinFrameBytes, hi_ = 1514;
    std::vector<std::size_t> list_;
    std::size_t next_ = 0;
};

struct Flow {
    bool ipv6 = false;
    bool tcp = false;
    model::Ipv4Addr src4{}, dst4{};
    model::Ipv6Addr src6{}, dst6{};
    std::uint16_t src_port = 0, dst_port = 0;

    /// The Toeplitz input of this flow (addresses and ports, network order).
    model::RssInput rss_input() const;
};

struct TrafficConfig {
    std::uint16_t stream_id = 0;  // goes into every tag; sequences count from 0
    SizeDist sizes = SizeDist::uniform(kMinFrameBytes, 1514);
    std::size_t flow_count = 16;
    double ipv6_fraction = 0.5;         // of flows
    double tcp_fraction = 0.5;          // of flows; the others are UDP
    double vlan_fraction = 0.0;         // of frames
    double non_ip_fraction = 0.0;       // of frames
    double runt_fraction = 0.0;         // of frames
    double oversize_fraction = 0.0;     // of frames
    double bad_frame_fraction = 0.0;    // of frames: tuser set on the last beat
    double bad_ip_csum_fraction = 0.0;  // of IPv4 frames
    double bad_l4_csum_fraction = 0.0;  // of IP frames
    bool fill_checksums = true;         // false: IPv4 header and L4 checksum fields are zero
    std::size_t runt_min_bytes = 30;
    std::size_t oversize_max_bytes = 9600;
    std::array<std::uint8_t, 6> dst_mac{0x02, 0x4e, 0x49, 0x43, 0x00, 0x01};
    std::array<std::uint8_t, 6> src_mac{0x02, 0x50, 0x45, 0x45, 0x52, 0x01};
};

/// One frame's shape, for make(): everything the generator would otherwise draw.
struct FrameSpec {
    FrameKind kind = FrameKind::ip;
    std::size_t flow_idx = 0;
    std::size_t size_bytes = kMinFrameBytes;
    bool vlan = false;
    std::uint16_t vlan_tci = 0x0001;
    bool break_ip_csum = false;
    bool break_l4_csum = false;
    bool bad = false;
};

class TrafficGenerator {
public:
    TrafficGenerator(TrafficConfig cfg, std::mt19937_64& rng);

    TrafficConfig const& config() const noexcept { return cfg_; }
    std::vector<Flow> const& flows() const noexcept { return flows_; }
    /// The sequence number the next frame will carry.
    std::uint32_t next_seq() const noexcept { return seq_; }

    /// The next random frame (tagged stream_id / next_seq()).
    Frame next();
    /// A frame of the given shape, tagged stream_id / next_seq() (random payload and fields).
    Frame make(FrameSpec const& spec);

    /// The smallest frame holding the headers of `kind` (and flow, vlan) plus the tag.
    std::size_t min_bytes(FrameKind kind, Flow const& flow, bool vlan) const;

private:
    void fill_random(std::span<std::uint8_t> out);

    TrafficConfig cfg_;
    std::mt19937_64& rng_;
    std::vector<Flow> flows_;
    std::uint32_t seq_ = 0;
};

}  // namespace nicsim::wire
