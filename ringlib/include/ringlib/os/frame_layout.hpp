// Parsing a frame's headers into NET_PACKET_LAYOUT, the way the OS fills Layout for TX packets:
// Ethernet II with an optional 802.1Q tag, IPv4 (with or without options) or IPv6 (with or
// without extension headers), then TCP or UDP. What cannot be parsed is left Unspecified with
// length 0, which is what a driver must accept.
#pragma once

#include <net/packet.h>

#include <cstdint>
#include <span>

namespace ringlib::os {

NET_PACKET_LAYOUT parse_frame_layout(std::span<std::uint8_t const> frame) noexcept;

}  // namespace ringlib::os
