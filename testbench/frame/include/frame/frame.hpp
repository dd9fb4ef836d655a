// Frame: one Ethernet frame as it crosses the NIC's AXI-Stream wire ports, plus what the test
// knows about it. The bytes are the frame without preamble and FCS (the AXI-Stream ports carry
// neither). `bad` is the AXI-Stream tuser flag of the last beat (RX: the MAC saw a bad frame;
// TX: always false). Metadata is optional and never affects the bytes on the wire.
//
// FrameTag: the 16 bytes every generated frame carries at the start of its L4 payload (IP
// frames) or right after the Ethernet header (non-IP frames and runts), so a scoreboard can name
// a frame: magic "nSiM", stream id (u16), flags (u16, reserved 0), sequence (u32), and a check
// word (u32) over the previous 12 bytes, all big-endian. decode_tag() finds it again or says
// there is none (a foreign frame, or one corrupted inside its tag).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/checksum.hpp"

namespace nicsim::wire {

using Bytes = std::vector<std::uint8_t>;

struct FrameTag {
    std::uint16_t stream_id = 0;
    std::uint32_t seq = 0;

    friend bool operator==(FrameTag const&, FrameTag const&) = default;
    friend auto operator<=>(FrameTag const&, FrameTag const&) = default;
};

inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::uint32_t kTagMagic = 0x6E53694D;  // "nSiM"

/// What the generator built (absent on frames from elsewhere, e.g. a pcap file).
enum class FrameKind : std::uint8_t { ip, non_ip, runt, oversize };

struct GenInfo {
    FrameKind kind = FrameKind::ip;
    std::size_t flow_idx = 0;  // index into the generator's flow pool (IP frames)
    bool vlan = false;
    model::CsumVerdict expect_ip = model::CsumVerdict::not_checked;  // by the reference
    model::CsumVerdict expect_l4 = model::CsumVerdict::not_checked;
    bool broken_ip_csum = false;  // deliberately wrong on request
    bool broken_l4_csum = false;
};

struct Frame {
    Bytes bytes;
    bool bad = false;                               // tuser on the last beat
    std::optional<FrameTag> tag;                    // as generated (decode_tag() recovers it)
    std::optional<std::uint16_t> tx_queue;          // TX: the queue that sent it
    std::optional<std::uint16_t> rx_queue;          // RX: the queue it should land in / landed in
    std::optional<std::uint64_t> first_beat_cycle;  // stamped by the BFM that moved it
    std::optional<std::uint64_t> last_beat_cycle;
    std::optional<GenInfo> gen;

    std::size_t size_bytes() const noexcept { return bytes.size(); }
};

namespace detail {
constexpr std::uint32_t tag_check(std::uint32_t magic, std::uint16_t stream, std::uint16_t flags, std::uint32_t seq) {
    // A small mixing function: any single corrupted bit of the tag changes it.
    std::uint64_t x = (std::uint64_t{magic} << 32) ^ (std::uint64_t{stream} << 16) ^ flags ^
                      (std::uint64_t{seq} * 0x9E3779B97F4A7C15ull);
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 32;
    return static_cast<std::uint32_t>(x);
}
inline void put_be32(std::span<std::uint8_t> b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
inline std::uint32_t get_be32(std::span<std::uint8_t const> b, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | b[at + i];
    return v;
}
}  // namespace detail

/// Writes the 16 tag bytes at `out[0..16)`.
inline void encode_tag(FrameTag tag, std::span<std::uint8_t> out) {
    detail::put_be32(out, 0, kTagMagic);
    model::store_be16(out, 4, tag.stream_id);
    model::store_be16(out, 6, 0);
    detail::put_be32(out, 8, tag.seq);
    detail::put_be32(out, 12, detail::tag_check(kTagMagic, tag.stream_id, 0, tag.seq));
}

/// Where the tag of a frame is: the start of the TCP/UDP payload when the frame parses to L4,
/// else right after the Ethernet header (with its VLAN tag, if any).
inline std::optional<std::size_t> tag_offset(std::span<std::uint8_t const> frame) {
    model::FrameLayout const lay = model::parse_frame(frame);
    if (lay.l4 != model::L4::other) return lay.l4_offset + lay.l4_hdr_bytes;
    if (lay.l2_len_bytes != 0) return lay.l2_len_bytes;
    return std::nullopt;
}

inline std::optional<FrameTag> decode_tag(std::span<std::uint8_t const> frame) {
    auto const at = tag_offset(frame);
    if (!at || *at + kTagBytes > frame.size()) return std::nullopt;
    auto const t = frame.subspan(*at, kTagBytes);
    if (detail::get_be32(t, 0) != kTagMagic) return std::nullopt;
    FrameTag tag{model::load_be16(t, 4), detail::get_be32(t, 8)};
    std::uint16_t const flags = model::load_be16(t, 6);
    if (detail::get_be32(t, 12) != detail::tag_check(kTagMagic, tag.stream_id, flags, tag.seq)) return std::nullopt;
    return tag;
}

inline std::string to_string(FrameTag t) {
    return fmt::format("stream {} seq {}", t.stream_id, t.seq);
}

/// A frame's name for error messages: its tag if it has one, else its length.
inline std::string describe(Frame const& f) {
    auto const tag = f.tag ? f.tag : decode_tag(f.bytes);
    return tag ? fmt::format("frame [{}] ({} bytes)", to_string(*tag), f.bytes.size())
               : fmt::format("untagged frame ({} bytes)", f.bytes.size());
}

/// The first index where a and b differ (the shorter length when one is a prefix of the other),
/// or nullopt when they are equal.
inline std::optional<std::size_t> first_difference(std::span<std::uint8_t const> a, std::span<std::uint8_t const> b) {
    std::size_t const n = std::min(a.size(), b.size());
    if (a.size() == b.size() && (n == 0 || std::memcmp(a.data(), b.data(), n) == 0))  // the common case
        return std::nullopt;
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return i;
    if (a.size() != b.size()) return n;
    return std::nullopt;
}

/// `bytes[at - before, at + after)` as hex, the byte at `at` in brackets.
inline std::string hex_context(std::span<std::uint8_t const> bytes, std::size_t at, std::size_t before = 8,
                               std::size_t after = 8) {
    std::string s;
    std::size_t const lo = at > before ? at - before : 0;
    std::size_t const hi = std::min(bytes.size(), at + after + 1);
    for (std::size_t i = lo; i < hi; ++i) {
        if (!s.empty()) s += ' ';
        s += i == at ? fmt::format("[{:02x}]", bytes[i]) : fmt::format("{:02x}", bytes[i]);
    }
    if (at >= bytes.size()) s += s.empty() ? "[end]" : " [end]";
    return fmt::format("@{:#x}: {}", lo, s);
}

/// "first difference at byte N: expected @..: ... / got @..: ..." or "" when equal.
inline std::string describe_difference(std::span<std::uint8_t const> expected, std::span<std::uint8_t const> got) {
    auto const d = first_difference(expected, got);
    if (!d) return {};
    return fmt::format("first difference at byte {} (expected {} bytes, got {}): expected {} / got {}", *d,
                       expected.size(), got.size(), hex_context(expected, *d), hex_context(got, *d));
}

}  // namespace nicsim::wire
