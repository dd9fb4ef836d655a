// Reference Internet checksums (RFC 1071) for the scoreboards and the RTL unit tests.
//
// Sums are 16-bit ones'-complement partial sums of big-endian 16-bit words: byte 2k is the high
// byte of word k, an odd trailing byte is the high byte of a word padded with zero. 0x0000 and
// 0xFFFF both mean zero; a sum of data that is not all zero never comes out as 0x0000, and a sum of
// all-zero data is 0x0000 (the same representation nic_csum_beat produces).
//
// Frames are Ethernet II with at most one 802.1Q tag, then IPv4 (any IHL) or IPv6 (no extension
// headers), then TCP or UDP. IPv4 fragments carry no L4 header we can check.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace nicsim::model {

// ---- ones'-complement arithmetic ----

// a + b with the end-around carry.
constexpr std::uint16_t ones_add(std::uint16_t a, std::uint16_t b) {
    std::uint32_t s = std::uint32_t{a} + b;
    return static_cast<std::uint16_t>((s & 0xFFFFu) + (s >> 16));
}

constexpr std::uint16_t byte_swap16(std::uint16_t v) {
    return static_cast<std::uint16_t>((v << 8) | (v >> 8));
}

// Ones'-complement sum of bytes taken as big-endian words, added to `initial`.
constexpr std::uint16_t ones_sum(std::span<const std::uint8_t> bytes, std::uint16_t initial = 0) {
    std::uint64_t acc = initial;
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) acc += (std::uint32_t{bytes[i]} << 8) | bytes[i + 1];
    if (i < bytes.size()) acc += std::uint32_t{bytes[i]} << 8;
    while (acc >> 16) acc = (acc & 0xFFFFu) + (acc >> 16);
    return static_cast<std::uint16_t>(acc);
}

// The checksum field value for data whose checksum field is zero: the complement of the sum.
constexpr std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint16_t initial = 0) {
    return static_cast<std::uint16_t>(~ones_sum(bytes, initial));
}

// What nic_csum_beat computes: the sum of one beat, byte lane i = bytes[i], lanes whose mask bit is
// clear counting as zero. bytes.size() is the lane count (even); mask bit i is lane i.
template <std::size_t Lanes>
constexpr std::uint16_t beat_sum(const std::array<std::uint8_t, Lanes>& lanes, const std::array<bool, Lanes>& mask) {
    static_assert(Lanes % 2 == 0, "a beat is a whole number of 16-bit words");
    std::array<std::uint8_t, Lanes> kept{};
    for (std::size_t i = 0; i < Lanes; ++i) kept[i] = mask[i] ? lanes[i] : 0;
    return ones_sum(kept);
}

// ---- big-endian field access ----

constexpr std::uint16_t load_be16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
constexpr void store_be16(std::span<std::uint8_t> b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}

// ---- protocol constants ----

inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86DD;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr std::size_t kTcpChecksumOffset = 16;   // within the TCP header
inline constexpr std::size_t kUdpChecksumOffset = 6;    // within the UDP header
inline constexpr std::size_t kIpv4ChecksumOffset = 10;  // within the IPv4 header

// ---- pseudo headers ----

constexpr std::uint16_t pseudo_header_sum_ipv4(std::span<const std::uint8_t, 4> src,
                                               std::span<const std::uint8_t, 4> dst, std::uint8_t protocol,
                                               std::uint16_t l4_len_bytes) {
    std::uint16_t s = ones_sum(src);
    s = ones_sum(dst, s);
    s = ones_add(s, protocol);
    return ones_add(s, l4_len_bytes);
}

constexpr std::uint16_t pseudo_header_sum_ipv6(std::span<const std::uint8_t, 16> src,
                                               std::span<const std::uint8_t, 16> dst, std::uint8_t next_header,
                                               std::uint32_t l4_len_bytes) {
    std::uint16_t s = ones_sum(src);
    s = ones_sum(dst, s);
    s = ones_add(s, static_cast<std::uint16_t>(l4_len_bytes >> 16));
    s = ones_add(s, static_cast<std::uint16_t>(l4_len_bytes));
    return ones_add(s, next_header);
}

// ---- IPv4 header checksum ----

// The checksum field for an IPv4 header (the bytes of the whole header, options included), the
// current value of the field being ignored.
constexpr std::uint16_t ipv4_header_checksum(std::span<const std::uint8_t> header) {
    std::uint16_t s = ones_sum(header.first(kIpv4ChecksumOffset));
    s = ones_sum(header.subspan(kIpv4ChecksumOffset + 2), s);
    return static_cast<std::uint16_t>(~s);
}

constexpr bool ipv4_header_checksum_ok(std::span<const std::uint8_t> header) {
    return ones_sum(header) == 0xFFFF;
}

// ---- TCP/UDP checksum ----

// The checksum field for a TCP or UDP segment (header and payload, l4.size() bytes) given its
// pseudo header sum, the current value of the field being ignored. UDP transmits a computed 0 as
// 0xFFFF (RFC 768: 0 means "no checksum"); TCP sends the computed value as it is.
constexpr std::uint16_t l4_checksum(std::uint16_t pseudo_sum, std::span<const std::uint8_t> l4, std::size_t csum_offset,
                                    bool is_udp) {
    std::uint16_t s = ones_sum(l4.first(csum_offset), pseudo_sum);
    // The segment after the field starts at an even offset (csum_offset is even), so the words
    // pair up the same way.
    s = ones_sum(l4.subspan(csum_offset + 2), s);
    std::uint16_t field = static_cast<std::uint16_t>(~s);
    if (is_udp && field == 0) field = 0xFFFF;
    return field;
}

// ---- frame layout ----

enum class L3 : std::uint8_t { other, ipv4, ipv6 };
enum class L4 : std::uint8_t { other, tcp, udp };

struct FrameLayout {
    std::size_t l2_len_bytes = 0;  // Ethernet header incl. VLAN tag (14 or 18)
    L3 l3 = L3::other;
    std::size_t l3_offset = 0;
    std::size_t l3_len_bytes = 0;  // IP header bytes (IHL * 4 or 40)
    L4 l4 = L4::other;
    std::size_t l4_offset = 0;
    std::size_t l4_hdr_bytes = 0;    // TCP data offset * 4 or 8
    std::size_t l4_total_bytes = 0;  // TCP/UDP header + payload, from the IP length fields
};

// Parses as far as the frame allows; fields of layers it could not parse stay "other"/0.
// A layer is parsed only if its whole header, and for L4 its whole segment, is in the frame.
constexpr FrameLayout parse_frame(std::span<const std::uint8_t> f) {
    FrameLayout lay;
    if (f.size() < 14) return lay;
    std::size_t at = 12;
    std::uint16_t type = load_be16(f, at);
    if (type == kEtherTypeVlan) {
        if (f.size() < 18) return lay;
        at += 4;
        type = load_be16(f, at);
    }
    lay.l2_len_bytes = at + 2;
    const std::size_t l3 = lay.l2_len_bytes;
    std::uint8_t proto = 0;
    std::size_t l4_total = 0;
    if (type == kEtherTypeIpv4) {
        if (f.size() < l3 + 20 || (f[l3] >> 4) != 4) return lay;
        const std::size_t ihl = static_cast<std::size_t>(f[l3] & 0x0F) * 4;
        const std::size_t total = load_be16(f, l3 + 2);
        if (ihl < 20 || total < ihl || f.size() < l3 + total) return lay;
        lay.l3 = L3::ipv4;
        lay.l3_offset = l3;
        lay.l3_len_bytes = ihl;
        const bool fragment = (load_be16(f, l3 + 6) & 0x3FFF) != 0;  // MF or a fragment offset
        if (fragment) return lay;
        proto = f[l3 + 9];
        l4_total = total - ihl;
    } else if (type == kEtherTypeIpv6) {
        if (f.size() < l3 + 40 || (f[l3] >> 4) != 6) return lay;
        const std::size_t payload = load_be16(f, l3 + 4);
        if (f.size() < l3 + 40 + payload) return lay;
        lay.l3 = L3::ipv6;
        lay.l3_offset = l3;
        lay.l3_len_bytes = 40;
        proto = f[l3 + 6];
        l4_total = payload;
    } else {
        return lay;
    }
    const std::size_t l4 = lay.l3_offset + lay.l3_len_bytes;
    if (proto == kIpProtoTcp) {
        if (l4_total < 20) return lay;
        const std::size_t hdr = static_cast<std::size_t>(f[l4 + 12] >> 4) * 4;
        if (hdr < 20 || hdr > l4_total) return lay;
        lay.l4 = L4::tcp;
        lay.l4_hdr_bytes = hdr;
    } else if (proto == kIpProtoUdp) {
        if (l4_total < 8) return lay;
        lay.l4 = L4::udp;
        lay.l4_hdr_bytes = 8;
    } else {
        return lay;
    }
    lay.l4_offset = l4;
    lay.l4_total_bytes = l4_total;
    return lay;
}

// The pseudo header sum of a parsed frame's L4 segment (requires lay.l4 != other).
constexpr std::uint16_t pseudo_header_sum(std::span<const std::uint8_t> f, const FrameLayout& lay) {
    const std::uint8_t proto = lay.l4 == L4::tcp ? kIpProtoTcp : kIpProtoUdp;
    if (lay.l3 == L3::ipv4) {
        return pseudo_header_sum_ipv4(f.subspan(lay.l3_offset + 12).first<4>(),
                                      f.subspan(lay.l3_offset + 16).first<4>(), proto,
                                      static_cast<std::uint16_t>(lay.l4_total_bytes));
    }
    return pseudo_header_sum_ipv6(f.subspan(lay.l3_offset + 8).first<16>(), f.subspan(lay.l3_offset + 24).first<16>(),
                                  proto, static_cast<std::uint32_t>(lay.l4_total_bytes));
}

constexpr std::size_t l4_checksum_offset(L4 l4) {
    return l4 == L4::tcp ? kTcpChecksumOffset : kUdpChecksumOffset;
}

// Writes the IPv4 header checksum and the TCP/UDP checksum of an Ethernet frame, for whichever
// of them the frame has. Returns the layout it found.
constexpr FrameLayout fill_checksums(std::span<std::uint8_t> f) {
    const FrameLayout lay = parse_frame(f);
    if (lay.l3 == L3::ipv4) {
        auto hdr = f.subspan(lay.l3_offset, lay.l3_len_bytes);
        store_be16(hdr, kIpv4ChecksumOffset, ipv4_header_checksum(hdr));
    }
    if (lay.l4 != L4::other) {
        auto seg = f.subspan(lay.l4_offset, lay.l4_total_bytes);
        const std::size_t off = l4_checksum_offset(lay.l4);
        store_be16(seg, off, l4_checksum(pseudo_header_sum(f, lay), seg, off, lay.l4 == L4::udp));
    }
    return lay;
}

// Verdicts like the RX completion's csum_verdict_e.
enum class CsumVerdict : std::uint8_t { not_checked = 0, good = 1, bad = 2 };

struct FrameChecksums {
    FrameLayout layout;
    CsumVerdict ip = CsumVerdict::not_checked;  // IPv4 header; IPv6 has none
    CsumVerdict l4 = CsumVerdict::not_checked;  // TCP/UDP; UDP over IPv4 with field 0 is not checked
};

constexpr FrameChecksums verify_checksums(std::span<const std::uint8_t> f) {
    FrameChecksums r;
    r.layout = parse_frame(f);
    const FrameLayout& lay = r.layout;
    if (lay.l3 == L3::ipv4) {
        r.ip =
            ipv4_header_checksum_ok(f.subspan(lay.l3_offset, lay.l3_len_bytes)) ? CsumVerdict::good : CsumVerdict::bad;
    }
    if (lay.l4 != L4::other) {
        auto seg = f.subspan(lay.l4_offset, lay.l4_total_bytes);
        const std::uint16_t field = load_be16(seg, l4_checksum_offset(lay.l4));
        if (lay.l4 == L4::udp && lay.l3 == L3::ipv4 && field == 0) return r;
        r.l4 = ones_sum(seg, pseudo_header_sum(f, lay)) == 0xFFFF ? CsumVerdict::good : CsumVerdict::bad;
    }
    return r;
}

}  // namespace nicsim::model
