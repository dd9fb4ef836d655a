// The Toeplitz reference (testbench/model/include/model/toeplitz.hpp): the verification-suite example the brief
// quotes, the tuple builders' byte order, frame tuple extraction, and the hash's linearity.
#include <catch2/catch.hpp>

#include "frames.hpp"
#include "tests/common/random.hpp"
#include "model/toeplitz.hpp"

using namespace nicsim::rtltest;
namespace model = nicsim::model;

TEST_CASE("toeplitz reference reproduces the first verification-suite row") {
    const auto& key = model::kRssVerificationKey;
    const model::Ipv4Addr src = {66, 9, 149, 187}, dst = {161, 142, 100, 80};
    const auto with_ports = model::rss_tuple_ipv4(src, dst, 2794, 1766);
    REQUIRE(with_ports.len_bytes == 12);
    CHECK(with_ports.bytes[8] == 0x0a);  // 2794 = 0x0aea, network order
    CHECK(with_ports.bytes[9] == 0xea);
    CHECK(model::toeplitz_hash(key, with_ports.span()) == 0x51ccc178);
    CHECK(model::toeplitz_hash(key, model::rss_tuple_ipv4(src, dst).span()) == 0x323e8fc2);
    static_assert(
        model::toeplitz_hash(model::kRssVerificationKey,
                             model::rss_tuple_ipv4({66, 9, 149, 187}, {161, 142, 100, 80}).span()) == 0x323e8fc2,
        "usable at compile time");
}

TEST_CASE("toeplitz reference basics") {
    const auto& key = model::kRssVerificationKey;
    model::RssInput in;
    CHECK(model::toeplitz_hash(key, in.span()) == 0);
    // A single leading 1 bit selects the key's first 32 bits.
    in.len_bytes = 1;
    in.bytes[0] = 0x80;
    CHECK(model::toeplitz_hash(key, in.span()) == 0x6d5a56da);
    // The last bit of a 36-byte input selects key bits 287..318.
    in = model::RssInput{};
    in.len_bytes = 36;
    in.bytes[35] = 0x01;
    const std::uint64_t tail = (std::uint64_t{key[35]} << 32) | (std::uint64_t{key[36]} << 24) |
                               (std::uint64_t{key[37]} << 16) | (std::uint64_t{key[38]} << 8) | key[39];
    CHECK(model::toeplitz_hash(key, in.span()) == static_cast<std::uint32_t>(tail >> 1));
}

TEST_CASE("toeplitz reference is linear over XOR") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x7011);
    for (int iter = 0; iter < 500; ++iter) {
        model::RssKey key{};
        for (auto& b : key) b = static_cast<std::uint8_t>(uniform(rng, 0, 255));
        model::RssInput a, b, x;
        a.len_bytes = b.len_bytes = x.len_bytes = uniform(rng, 0, 36);
        for (std::size_t j = 0; j < a.len_bytes; ++j) {
            a.bytes[j] = static_cast<std::uint8_t>(uniform(rng, 0, 255));
            b.bytes[j] = static_cast<std::uint8_t>(uniform(rng, 0, 255));
            x.bytes[j] = a.bytes[j] ^ b.bytes[j];
        }
        REQUIRE((model::toeplitz_hash(key, a.span()) ^ model::toeplitz_hash(key, b.span())) ==
                model::toeplitz_hash(key, x.span()));
    }
}

TEST_CASE("rss_input_of_frame takes addresses and ports in packet order") {
    SECTION("IPv4 TCP: 12 bytes") {
        const auto f = build_frame(FrameKind::vlan_ipv4_tcp, 10);
        const auto in = model::rss_input_of_frame(f);
        REQUIRE(in.has_value());
        const auto want = model::rss_tuple_ipv4({192, 168, 1, 10}, {10, 0, 0, 99}, 51000, 443);
        CHECK(in->len_bytes == 12);
        CHECK(in->bytes == want.bytes);
    }
    SECTION("IPv6 UDP: 36 bytes") {
        const auto f = build_frame(FrameKind::ipv6_udp, 3);
        const auto in = model::rss_input_of_frame(f);
        REQUIRE(in.has_value());
        CHECK(in->len_bytes == 36);
        CHECK(in->bytes[0] == 0x20);
        CHECK(in->bytes[32] == 40000 >> 8);
        CHECK(in->bytes[35] == 53);
    }
    SECTION("IPv4 fragment: addresses only") {
        auto f = build_frame(FrameKind::ipv4_udp, 10);
        f[14 + 6] = 0x20;
        const auto in = model::rss_input_of_frame(f);
        REQUIRE(in.has_value());
        CHECK(in->len_bytes == 8);
    }
    SECTION("IPv4 datagram cut short (a runt): addresses only, as the NIC hashes it") {
        auto f = build_frame(FrameKind::ipv4_udp, 10);
        f.resize(14 + 20 + 4);  // the IP header and the ports, not the rest of the datagram
        const auto in = model::rss_input_of_frame(f);
        REQUIRE(in.has_value());
        CHECK(in->len_bytes == 8);
    }
    SECTION("IPv4 header cut: nothing") {
        auto f = build_frame(FrameKind::ipv4_udp, 10);
        f.resize(14 + 19);
        CHECK_FALSE(model::rss_input_of_frame(f).has_value());
    }
    SECTION("non-IP: nothing") {
        auto f = build_frame(FrameKind::ipv4_udp, 10);
        f[12] = 0x88;
        f[13] = 0xcc;
        CHECK_FALSE(model::rss_input_of_frame(f).has_value());
    }
}
