// Reference Microsoft RSS Toeplitz hash for the scoreboards and the RTL unit tests.
//
// The input is a byte string (at most 36 bytes with a 40-byte key: the key must cover 32 bits past
// the last input bit). For each input bit, most significant bit of byte 0 first, that is 1, the
// 32 key bits starting at that bit's position are XORed into the result. Tuples are hashed as
// source address, destination address, source port, destination port, all in network order.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "checksum.hpp"  // parse_frame

namespace nicsim::model {

inline constexpr std::size_t kRssKeyBytes = 40;
inline constexpr std::size_t kRssMaxInputBytes = 36;

using RssKey = std::array<std::uint8_t, kRssKeyBytes>;

// The key of Microsoft's RSS verification suite (also a common default key).
inline constexpr RssKey kRssVerificationKey = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
                                               0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
                                               0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
                                               0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};

constexpr std::uint32_t toeplitz_hash(const RssKey& key, std::span<const std::uint8_t> input) {
    assert(input.size() <= kRssMaxInputBytes);
    // window holds key bits [i, i+32) in its top 32 bits and the next 32 key bits below them.
    std::uint64_t window = 0;
    for (std::size_t k = 0; k < 8; ++k) window = (window << 8) | key[k];
    std::size_t next_key_byte = 8;
    std::uint32_t hash = 0;
    for (std::size_t j = 0; j < input.size(); ++j) {
        for (int b = 7; b >= 0; --b) {
            if ((input[j] >> b) & 1u) hash ^= static_cast<std::uint32_t>(window >> 32);
            window <<= 1;
        }
        // After each byte, refill the 8 bits that shifted out at the bottom of the lookahead.
        if (next_key_byte < key.size()) window |= key[next_key_byte++];
    }
    return hash;
}

// A hash input of up to 36 bytes, built by the tuple builders below.
struct RssInput {
    std::array<std::uint8_t, kRssMaxInputBytes> bytes{};
    std::size_t len_bytes = 0;

    constexpr std::span<const std::uint8_t> span() const { return {bytes.data(), len_bytes}; }
    constexpr void append(std::span<const std::uint8_t> b) {
        assert(len_bytes + b.size() <= bytes.size());
        for (std::uint8_t v : b) bytes[len_bytes++] = v;
    }
    constexpr void append_be16(std::uint16_t v) {
        const std::array<std::uint8_t, 2> b = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
        append(b);
    }
};

using Ipv4Addr = std::array<std::uint8_t, 4>;
using Ipv6Addr = std::array<std::uint8_t, 16>;

constexpr RssInput rss_tuple_ipv4(const Ipv4Addr& src, const Ipv4Addr& dst) {
    RssInput in;
    in.append(src);
    in.append(dst);
    return in;
}
constexpr RssInput rss_tuple_ipv4(const Ipv4Addr& src, const Ipv4Addr& dst, std::uint16_t src_port,
                                  std::uint16_t dst_port) {
    RssInput in = rss_tuple_ipv4(src, dst);
    in.append_be16(src_port);
    in.append_be16(dst_port);
    return in;
}
constexpr RssInput rss_tuple_ipv6(const Ipv6Addr& src, const Ipv6Addr& dst) {
    RssInput in;
    in.append(src);
    in.append(dst);
    return in;
}
constexpr RssInput rss_tuple_ipv6(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint16_t src_port,
                                  std::uint16_t dst_port) {
    RssInput in = rss_tuple_ipv6(src, dst);
    in.append_be16(src_port);
    in.append_be16(dst_port);
    return in;
}

// The hash input of a frame as the NIC's parser takes it (rtl/nic_rx_parse.sv): the IP addresses
// once the IP header is inside the frame (an IPv4 header with IHL >= 5, or an IPv6 header), even
// when the datagram is cut short (a runt, a truncated capture); the ports too for a whole,
// unfragmented TCP/UDP segment (parse_frame's L4); nothing for non-IP frames.
constexpr std::optional<RssInput> rss_input_of_frame(std::span<const std::uint8_t> f) {
    if (f.size() < 14) return std::nullopt;
    std::size_t l3 = 14;
    std::uint16_t type = load_be16(f, 12);
    if (type == kEtherTypeVlan) {
        if (f.size() < 18) return std::nullopt;
        l3 = 18;
        type = load_be16(f, 16);
    }
    RssInput in;
    if (type == kEtherTypeIpv4) {
        if (f.size() < l3 + 1) return std::nullopt;
        const std::size_t ihl = static_cast<std::size_t>(f[l3] & 0x0F) * 4;
        if ((f[l3] >> 4) != 4 || ihl < 20 || f.size() < l3 + ihl) return std::nullopt;
        in.append(f.subspan(l3 + 12, 8));
    } else if (type == kEtherTypeIpv6) {
        if (f.size() < l3 + 40 || (f[l3] >> 4) != 6) return std::nullopt;
        in.append(f.subspan(l3 + 8, 32));
    } else {
        return std::nullopt;
    }
    const FrameLayout lay = parse_frame(f);
    if (lay.l4 != L4::other) in.append(f.subspan(lay.l4_offset, 4));
    return in;
}

}  // namespace nicsim::model
