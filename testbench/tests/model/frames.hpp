// Hand-built Ethernet frames for the reference-model tests: fixed headers, a deterministic payload,
// checksum fields left zero (fill_checksums writes them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nicsim::rtltest {

enum class FrameKind { ipv4_udp, ipv4_tcp_options, ipv6_udp, ipv6_tcp, vlan_ipv4_tcp };

inline void put16(std::vector<std::uint8_t>& f, std::uint16_t v) {
    f.push_back(static_cast<std::uint8_t>(v >> 8));
    f.push_back(static_cast<std::uint8_t>(v));
}

inline std::vector<std::uint8_t> build_frame(FrameKind kind, std::size_t payload_bytes) {
    std::vector<std::uint8_t> f = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01,   // dst MAC
                                   0x02, 0x00, 0x00, 0x00, 0x00, 0x02};  // src MAC
    const bool v6 = kind == FrameKind::ipv6_udp || kind == FrameKind::ipv6_tcp;
    const bool udp = kind == FrameKind::ipv4_udp || kind == FrameKind::ipv6_udp;
    const bool tcp_opts = kind == FrameKind::ipv4_tcp_options;
    if (kind == FrameKind::vlan_ipv4_tcp) {
        put16(f, 0x8100);
        put16(f, 0x0064);  // VID 100
    }
    const std::size_t l4_hdr = udp ? 8 : (tcp_opts ? 32 : 20);
    const std::size_t l4_len = l4_hdr + payload_bytes;
    if (v6) {
        put16(f, 0x86DD);
        put16(f, 0x6000);
        put16(f, 0x0000);
        put16(f, static_cast<std::uint16_t>(l4_len));
        f.push_back(udp ? 17 : 6);
        f.push_back(64);
        const std::uint8_t src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
        const std::uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};
        f.insert(f.end(), src, src + 16);
        f.insert(f.end(), dst, dst + 16);
    } else {
        put16(f, 0x0800);
        const std::size_t ihl_bytes = tcp_opts ? 24 : 20;  // the TCP-options frame has an IP option too
        f.push_back(static_cast<std::uint8_t>(0x40 | (ihl_bytes / 4)));
        f.push_back(0x00);
        put16(f, static_cast<std::uint16_t>(ihl_bytes + l4_len));
        put16(f, 0x1c46);  // identification
        put16(f, 0x4000);  // DF
        f.push_back(64);
        f.push_back(udp ? 17 : 6);
        put16(f, 0x0000);  // checksum
        const std::uint8_t addrs[8] = {192, 168, 1, 10, 10, 0, 0, 99};
        f.insert(f.end(), addrs, addrs + 8);
        if (ihl_bytes == 24) {
            const std::uint8_t nop_eol[4] = {0x01, 0x01, 0x01, 0x00};
            f.insert(f.end(), nop_eol, nop_eol + 4);
        }
    }
    if (udp) {
        put16(f, 40000);
        put16(f, 53);
        put16(f, static_cast<std::uint16_t>(l4_len));
        put16(f, 0x0000);
    } else {
        put16(f, 51000);
        put16(f, 443);
        put16(f, 0x1234);
        put16(f, 0x5678);  // sequence
        put16(f, 0x9abc);
        put16(f, 0xdef0);  // acknowledgment
        f.push_back(static_cast<std::uint8_t>((l4_hdr / 4) << 4));
        f.push_back(0x18);  // PSH ACK
        put16(f, 0xfaf0);   // window
        put16(f, 0x0000);   // checksum
        put16(f, 0x0000);   // urgent
        if (tcp_opts) {
            const std::uint8_t opts[12] = {0x01, 0x01, 0x08, 0x0a, 0x00, 0x01,
                                           0x02, 0x03, 0x00, 0x00, 0x00, 0x07};  // NOP NOP timestamps
            f.insert(f.end(), opts, opts + 12);
        }
    }
    for (std::size_t i = 0; i < payload_bytes; ++i) {
        f.push_back(static_cast<std::uint8_t>(0x30 + (i * 7) % 75));
    }
    return f;
}

}  // namespace nicsim::rtltest
