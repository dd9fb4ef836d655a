// The checksum reference (testbench/model/include/model/checksum.hpp) on known data: RFC 1071's worked example,
// a textbook IPv4 header, and frames whose TCP/UDP/IPv4 checksums were confirmed by Wireshark
// (tshark reported every one "Good" when this test was written).
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "frames.hpp"
#include "tests/common/random.hpp"
#include "model/checksum.hpp"

using namespace nicsim::rtltest;
namespace model = nicsim::model;

TEST_CASE("ones_sum follows RFC 1071") {
    // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2.
    const std::array<std::uint8_t, 8> rfc = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(model::ones_sum(rfc) == 0xddf2);
    CHECK(model::internet_checksum(rfc) == 0x220d);
    SECTION("an odd trailing byte is the high byte of a zero-padded word") {
        const std::array<std::uint8_t, 3> odd = {0x12, 0x34, 0x56};
        CHECK(model::ones_sum(odd) == 0x6834);
    }
    SECTION("the sum is independent of how it is split at even offsets") {
        const auto first = std::span<const std::uint8_t>{rfc}.first(4);
        const auto rest = std::span<const std::uint8_t>{rfc}.subspan(4);
        CHECK(model::ones_sum(rest, model::ones_sum(first)) == 0xddf2);
    }
    SECTION("a range starting at an odd offset sums byte-swapped") {
        const auto odd_part = std::span<const std::uint8_t>{rfc}.subspan(1, 6);  // 01 f2 03 f4 f5 f6
        const auto whole_words = model::ones_add(model::ones_add(0x01f2, 0x03f4), 0xf5f6);
        CHECK(model::ones_sum(odd_part) == whole_words);
        // Counted from offset 0 of the frame, byte 1 is a low byte: the swap of the sum.
        std::array<std::uint8_t, 8> shifted{};
        for (std::size_t i = 0; i < 6; ++i) shifted[i + 1] = odd_part[i];
        CHECK(model::ones_sum(shifted) == model::byte_swap16(model::ones_sum(odd_part)));
    }
    SECTION("zero data sums to 0x0000, ones_add wraps the carry") {
        const std::array<std::uint8_t, 4> zero{};
        CHECK(model::ones_sum(zero) == 0x0000);
        CHECK(model::ones_add(0xFFFF, 0x0001) == 0x0001);
        CHECK(model::ones_add(0x8000, 0x8000) == 0x0001);
    }
}

TEST_CASE("IPv4 header checksum of a textbook header") {
    // 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7
    std::array<std::uint8_t, 20> hdr = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                        0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    CHECK(model::ipv4_header_checksum(hdr) == 0xb861);
    CHECK_FALSE(model::ipv4_header_checksum_ok(hdr));
    model::store_be16(hdr, 10, 0xb861);
    CHECK(model::ipv4_header_checksum(hdr) == 0xb861);  // ignores the field's current value
    CHECK(model::ipv4_header_checksum_ok(hdr));
    hdr[15] ^= 0x01;
    CHECK_FALSE(model::ipv4_header_checksum_ok(hdr));
}

namespace {
struct KnownFrame {
    FrameKind kind;
    std::size_t payload_bytes;
    std::uint16_t ip_csum;  // 0: no IPv4 header
    std::uint16_t l4_csum;
    model::L3 l3;
    model::L4 l4;
    std::size_t l2_len, l3_len, l4_hdr;
};
const KnownFrame kKnown[] = {
    {FrameKind::ipv4_udp, 17, 0x5265, 0xcdcf, model::L3::ipv4, model::L4::udp, 14, 20, 8},
    {FrameKind::ipv4_tcp_options, 33, 0x4f43, 0x57e0, model::L3::ipv4, model::L4::tcp, 14, 24, 32},
    {FrameKind::ipv6_udp, 0, 0, 0x07f4, model::L3::ipv6, model::L4::udp, 14, 40, 8},
    {FrameKind::ipv6_tcp, 101, 0, 0xba6d, model::L3::ipv6, model::L4::tcp, 14, 40, 20},
    {FrameKind::vlan_ipv4_tcp, 46, 0x5247, 0x9be9, model::L3::ipv4, model::L4::tcp, 18, 20, 20},
};
}  // namespace

TEST_CASE("fill_checksums writes the checksums Wireshark accepts") {
    for (const KnownFrame& k : kKnown) {
        auto f = build_frame(k.kind, k.payload_bytes);
        INFO("frame kind " << static_cast<int>(k.kind) << ", " << f.size() << " bytes");
        const auto before = model::verify_checksums(f);
        if (k.l3 == model::L3::ipv4) CHECK(before.ip == model::CsumVerdict::bad);
        CHECK(before.l4 == (k.l3 == model::L3::ipv4 && k.l4 == model::L4::udp
                                ? model::CsumVerdict::not_checked  // UDP/IPv4 field 0: no checksum
                                : model::CsumVerdict::bad));

        const auto lay = model::fill_checksums(f);
        CHECK(lay.l3 == k.l3);
        CHECK(lay.l4 == k.l4);
        CHECK(lay.l2_len_bytes == k.l2_len);
        CHECK(lay.l3_len_bytes == k.l3_len);
        CHECK(lay.l4_hdr_bytes == k.l4_hdr);
        CHECK(lay.l4_total_bytes == k.l4_hdr + k.payload_bytes);
        if (k.ip_csum != 0) CHECK(model::load_be16(f, lay.l3_offset + 10) == k.ip_csum);
        CHECK(model::load_be16(f, lay.l4_offset + model::l4_checksum_offset(lay.l4)) == k.l4_csum);

        const auto after = model::verify_checksums(f);
        CHECK(after.ip == (k.l3 == model::L3::ipv4 ? model::CsumVerdict::good : model::CsumVerdict::not_checked));
        CHECK(after.l4 == model::CsumVerdict::good);

        // Any flipped payload bit is caught; Ethernet padding after the IP datagram is ignored.
        auto bad = f;
        bad.back() ^= 0x40;
        if (k.payload_bytes > 0) CHECK(model::verify_checksums(bad).l4 == model::CsumVerdict::bad);
        auto padded = f;
        padded.resize(f.size() + 7, 0xAA);
        CHECK(model::verify_checksums(padded).l4 == model::CsumVerdict::good);
    }
}

TEST_CASE("frames the parser cannot check are not checked") {
    SECTION("non-IP EtherType") {
        auto f = build_frame(FrameKind::ipv4_udp, 10);
        f[12] = 0x88;
        f[13] = 0xcc;  // LLDP
        const auto r = model::verify_checksums(f);
        CHECK(r.layout.l3 == model::L3::other);
        CHECK(r.ip == model::CsumVerdict::not_checked);
        CHECK(r.l4 == model::CsumVerdict::not_checked);
    }
    SECTION("IPv4 fragment: header checked, L4 not") {
        auto f = build_frame(FrameKind::ipv4_tcp_options, 10);
        f[14 + 6] = 0x20;  // MF
        model::fill_checksums(f);
        const auto r = model::verify_checksums(f);
        CHECK(r.ip == model::CsumVerdict::good);
        CHECK(r.layout.l4 == model::L4::other);
        CHECK(r.l4 == model::CsumVerdict::not_checked);
    }
    SECTION("truncated frame: IP total length past the end") {
        auto f = build_frame(FrameKind::ipv4_udp, 30);
        f.erase(f.end() - 5, f.end());  // (not resize: GCC's -Wstringop-overflow misreads it at -O2)
        CHECK(model::parse_frame(f).l3 == model::L3::other);
    }
}

TEST_CASE("beat_sum is the sum of the kept lanes") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xBEA7);
    for (int iter = 0; iter < 1000; ++iter) {
        std::array<std::uint8_t, 16> lanes{};
        std::array<bool, 16> mask{};
        std::vector<std::uint8_t> kept(16, 0);
        for (std::size_t i = 0; i < 16; ++i) {
            lanes[i] = static_cast<std::uint8_t>(uniform(rng, 0, 255));
            mask[i] = chance(rng, 0.7);
            if (mask[i]) kept[i] = lanes[i];
        }
        REQUIRE(model::beat_sum(lanes, mask) == model::ones_sum(kept));
    }
}
