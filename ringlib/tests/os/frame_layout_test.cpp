#include "test_support.hpp"

#include <ringlib/os/frame_layout.hpp>

#include <catch2/catch.hpp>

using ostest::FrameSpec;
using ringlib::os::parse_frame_layout;

TEST_CASE("layout of Ethernet/IPv4/TCP, with and without options") {
    auto layout = parse_frame_layout(ostest::build_frame(FrameSpec{}));
    CHECK(layout.Layer2Type == NetPacketLayer2TypeEthernet);
    CHECK(layout.Layer2HeaderLength == 14);
    CHECK(layout.Layer3Type == NetPacketLayer3TypeIPv4NoOptions);
    CHECK(layout.Layer3HeaderLength == 20);
    CHECK(layout.Layer4Type == NetPacketLayer4TypeTcp);
    CHECK(layout.Layer4HeaderLength == 20);

    FrameSpec options;
    options.ipv4_options_bytes = 8;
    options.tcp_options_bytes = 12;
    layout = parse_frame_layout(ostest::build_frame(options));
    CHECK(layout.Layer3Type == NetPacketLayer3TypeIPv4WithOptions);
    CHECK(layout.Layer3HeaderLength == 28);
    CHECK(layout.Layer4HeaderLength == 32);
}

TEST_CASE("layout of 802.1Q-tagged IPv4/UDP") {
    FrameSpec spec;
    spec.vlan = true;
    spec.l4 = 17;
    auto const layout = parse_frame_layout(ostest::build_frame(spec));
    CHECK(layout.Layer2HeaderLength == 18);
    CHECK(layout.Layer3Type == NetPacketLayer3TypeIPv4NoOptions);
    CHECK(layout.Layer4Type == NetPacketLayer4TypeUdp);
    CHECK(layout.Layer4HeaderLength == 8);
}

TEST_CASE("layout of IPv6/TCP and IPv6/UDP") {
    FrameSpec spec;
    spec.ip_version = 6;
    auto layout = parse_frame_layout(ostest::build_frame(spec));
    CHECK(layout.Layer3Type == NetPacketLayer3TypeIPv6NoExtensions);
    CHECK(layout.Layer3HeaderLength == 40);
    CHECK(layout.Layer4Type == NetPacketLayer4TypeTcp);
    spec.l4 = 17;
    spec.vlan = true;
    layout = parse_frame_layout(ostest::build_frame(spec));
    CHECK(layout.Layer2HeaderLength == 18);
    CHECK(layout.Layer3Type == NetPacketLayer3TypeIPv6NoExtensions);
    CHECK(layout.Layer4Type == NetPacketLayer4TypeUdp);
}

TEST_CASE("layout of frames that are not IP, or are truncated, stays unspecified") {
    FrameSpec spec;
    spec.ip_version = 0;
    auto layout = parse_frame_layout(ostest::build_frame(spec));
    CHECK(layout.Layer2Type == NetPacketLayer2TypeEthernet);
    CHECK(layout.Layer3Type == NetPacketLayer3TypeUnspecified);
    CHECK(layout.Layer3HeaderLength == 0);

    auto truncated = ostest::build_frame(FrameSpec{});
    truncated.resize(14 + 20 + 10);  // TCP header cut short
    layout = parse_frame_layout(truncated);
    CHECK(layout.Layer3Type == NetPacketLayer3TypeIPv4NoOptions);
    CHECK(layout.Layer4Type == NetPacketLayer4TypeUnspecified);
    CHECK(layout.Layer4HeaderLength == 0);

    std::vector<std::uint8_t> tiny(10, 0);
    layout = parse_frame_layout(tiny);
    CHECK(layout.Layer2Type == NetPacketLayer2TypeUnspecified);
}
