#include "test_support.hpp"

namespace ostest {

namespace {
void put16(std::vector<std::uint8_t>& f, std::uint16_t v) {
    f.push_back(static_cast<std::uint8_t>(v >> 8));
    f.push_back(static_cast<std::uint8_t>(v));
}
}  // namespace

std::vector<std::uint8_t> build_frame(FrameSpec const& spec) {
    std::vector<std::uint8_t> f(12, 0x11);  // destination + source MAC
    if (spec.vlan) {
        put16(f, 0x8100);
        put16(f, 0x6005);  // PCP 3, VLAN 5
    }
    std::uint8_t const protocol = static_cast<std::uint8_t>(spec.l4);
    if (spec.ip_version == 4) {
        put16(f, 0x0800);
        std::size_t const ihl = (20 + spec.ipv4_options_bytes) / 4;
        f.push_back(static_cast<std::uint8_t>(0x40 | ihl));
        f.push_back(0);
        put16(f, 0);  // total length: not checked by the parser
        put16(f, 0);
        put16(f, 0x4000);  // DF, not a fragment
        f.push_back(64);
        f.push_back(protocol);
        f.insert(f.end(), 10 + spec.ipv4_options_bytes, 0);
    } else if (spec.ip_version == 6) {
        put16(f, 0x86dd);
        f.push_back(0x60);
        f.insert(f.end(), 5, 0);
        f.push_back(protocol);
        f.push_back(64);
        f.insert(f.end(), 32, 0);
    } else {
        put16(f, 0x88b5);
    }
    if (spec.ip_version != 0 && spec.l4 == 6) {
        f.insert(f.end(), 12, 0);
        f.push_back(static_cast<std::uint8_t>(((20 + spec.tcp_options_bytes) / 4) << 4));
        f.insert(f.end(), 7 + spec.tcp_options_bytes, 0);
    } else if (spec.ip_version != 0 && spec.l4 == 17) {
        f.insert(f.end(), 8, 0);
    }
    for (std::size_t i = 0; i < spec.payload_bytes; ++i) {
        f.push_back(static_cast<std::uint8_t>(i));
    }
    return f;
}

std::vector<std::uint8_t> pattern_frame(std::size_t size_bytes, std::uint32_t tag) {
    std::vector<std::uint8_t> frame(size_bytes);
    std::uint32_t x = tag * 2654435761u + 1;
    for (auto& byte : frame) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        byte = static_cast<std::uint8_t>(x);
    }
    return frame;
}

}  // namespace ostest
