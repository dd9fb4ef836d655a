#include <ringlib/os/frame_layout.hpp>

namespace ringlib::os {

namespace {

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::uint16_t ethertype_8021q = 0x8100;
constexpr std::uint8_t protocol_tcp = 6;
constexpr std::uint8_t protocol_udp = 17;

std::uint16_t read_be16(std::span<std::uint8_t const> bytes, std::size_t at) {
    return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

bool is_ipv6_extension_header(std::uint8_t next_header) {
    // Hop-by-hop, routing, fragment, destination options: the ones a NIC walks past.
    return next_header == 0 || next_header == 43 || next_header == 44 || next_header == 60;
}

/// Fills the layer 4 part for a TCP/UDP header at `at`; leaves it Unspecified when truncated.
void parse_layer4(std::span<std::uint8_t const> frame, std::size_t at, std::uint8_t protocol,
                  NET_PACKET_LAYOUT& layout) {
    if (protocol == protocol_tcp && frame.size() >= at + 20) {
        std::size_t const header_bytes = static_cast<std::size_t>(frame[at + 12] >> 4) * 4;
        if (header_bytes >= 20 && header_bytes <= 60 && frame.size() >= at + header_bytes) {
            layout.Layer4Type = NetPacketLayer4TypeTcp;
            layout.Layer4HeaderLength = static_cast<UINT8>(header_bytes);
        }
    } else if (protocol == protocol_udp && frame.size() >= at + 8) {
        layout.Layer4Type = NetPacketLayer4TypeUdp;
        layout.Layer4HeaderLength = 8;
    } else if (protocol != protocol_tcp && protocol != protocol_udp) {
        layout.Layer4Type = NetPacketLayer4TypeIPNotFragment;
    }
}

void parse_ipv4(std::span<std::uint8_t const> frame, std::size_t at, NET_PACKET_LAYOUT& layout) {
    if (frame.size() < at + 20 || (frame[at] >> 4) != 4) {
        return;
    }
    std::size_t const header_bytes = static_cast<std::size_t>(frame[at] & 0x0f) * 4;
    if (header_bytes < 20 || frame.size() < at + header_bytes) {
        return;
    }
    layout.Layer3Type = header_bytes == 20 ? NetPacketLayer3TypeIPv4NoOptions : NetPacketLayer3TypeIPv4WithOptions;
    layout.Layer3HeaderLength = static_cast<UINT16>(header_bytes);
    std::uint16_t const fragment_field = read_be16(frame, at + 6);
    bool const more_fragments = (fragment_field & 0x2000) != 0;
    std::uint16_t const fragment_offset = fragment_field & 0x1fff;
    if (fragment_offset != 0 || more_fragments) {
        layout.Layer4Type = NetPacketLayer4TypeIPFragment;  // transport headers are not reliably present
        return;
    }
    parse_layer4(frame, at + header_bytes, frame[at + 9], layout);
}

void parse_ipv6(std::span<std::uint8_t const> frame, std::size_t at, NET_PACKET_LAYOUT& layout) {
    if (frame.size() < at + 40 || (frame[at] >> 4) != 6) {
        return;
    }
    std::uint8_t next_header = frame[at + 6];
    std::size_t header_bytes = 40;
    bool fragmented = false;
    while (is_ipv6_extension_header(next_header)) {
        std::size_t const extension_at = at + header_bytes;
        if (frame.size() < extension_at + 8) {
            return;
        }
        std::size_t const extension_bytes =
            next_header == 44 ? 8 : (static_cast<std::size_t>(frame[extension_at + 1]) + 1) * 8;
        fragmented = fragmented || next_header == 44;
        next_header = frame[extension_at];
        header_bytes += extension_bytes;
        if (header_bytes > 511 || frame.size() < at + header_bytes) {  // Layer3HeaderLength is 9 bits
            return;
        }
    }
    layout.Layer3Type =
        header_bytes == 40 ? NetPacketLayer3TypeIPv6NoExtensions : NetPacketLayer3TypeIPv6WithExtensions;
    layout.Layer3HeaderLength = static_cast<UINT16>(header_bytes);
    if (fragmented) {
        layout.Layer4Type = NetPacketLayer4TypeIPFragment;
        return;
    }
    parse_layer4(frame, at + header_bytes, next_header, layout);
}

}  // namespace

NET_PACKET_LAYOUT parse_frame_layout(std::span<std::uint8_t const> frame) noexcept {
    NET_PACKET_LAYOUT layout{};
    if (frame.size() < 14) {
        return layout;
    }
    std::size_t l2_bytes = 14;
    std::uint16_t ethertype = read_be16(frame, 12);
    if (ethertype == ethertype_8021q) {
        if (frame.size() < 18) {
            return layout;
        }
        l2_bytes = 18;
        ethertype = read_be16(frame, 16);
    }
    layout.Layer2Type = NetPacketLayer2TypeEthernet;
    layout.Layer2HeaderLength = static_cast<UINT8>(l2_bytes);
    if (ethertype == ethertype_ipv4) {
        parse_ipv4(frame, l2_bytes, layout);
    } else if (ethertype == ethertype_ipv6) {
        parse_ipv6(frame, l2_bytes, layout);
    }
    return layout;
}

}  // namespace ringlib::os
