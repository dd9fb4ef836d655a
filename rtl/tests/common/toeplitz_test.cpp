// nic_toeplitz against Microsoft's RSS verification suite (IPv4 and IPv6, with and without
// ports, default key) and against nicsim::model::toeplitz_hash on random keys and inputs.
#include <catch2/catch.hpp>

#include <array>

#include "Vrtl_common_toeplitz.h"
#include "harness.hpp"
#include "model/toeplitz.hpp"

using namespace nicsim::rtltest;
namespace model = nicsim::model;

namespace {

constexpr std::size_t kInputBytes = 36;

struct V4Row {
    model::Ipv4Addr src, dst;
    std::uint16_t src_port, dst_port;
    std::uint32_t hash_addrs, hash_ports;
};
struct V6Row {
    model::Ipv6Addr src, dst;
    std::uint16_t src_port, dst_port;
    std::uint32_t hash_addrs, hash_ports;
};

// The verification suite's rows (published as "destination, source" columns; here as src/dst).
constexpr V4Row kV4[] = {
    {{66, 9, 149, 187}, {161, 142, 100, 80}, 2794, 1766, 0x323e8fc2, 0x51ccc178},
    {{199, 92, 111, 2}, {65, 69, 140, 83}, 14230, 4739, 0xd718262a, 0xc626b0ea},
    {{24, 19, 198, 95}, {12, 22, 207, 184}, 12898, 38024, 0xd2d0a5de, 0x5c2b394a},
    {{38, 27, 205, 30}, {209, 142, 163, 6}, 48228, 2217, 0x82989176, 0xafc7327f},
    {{153, 39, 163, 191}, {202, 188, 127, 2}, 44251, 1303, 0x5d1809c5, 0x10e828a2},
};
constexpr V6Row kV6[] = {
    // 3ffe:2501:200:1fff::7 -> 3ffe:2501:200:3::1
    {{0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x07},
     {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x01},
     2794,
     1766,
     0x2cc18cd5,
     0x40207d3d},
    // 3ffe:501:8::260:97ff:fe40:efab -> ff02::1
    {{0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab},
     {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01},
     14230,
     4739,
     0x0f0c461c,
     0xdde51bbf},
    // 3ffe:1900:4545:3:200:f8ff:fe21:67cf -> fe80::200:f8ff:fe21:67cf
    {{0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf},
     {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf},
     44251,
     38024,
     0x4b61e985,
     0x02d1feef},
};

// Drives the DUT: key byte 0 in key[319:312], input byte 0 in the most significant byte of data;
// bytes past the input are filled with `filler` (they must not matter).
std::uint32_t dut_hash(Vrtl_common_toeplitz& m, const model::RssKey& key, const model::RssInput& in,
                       std::uint8_t filler = 0) {
    for (std::size_t k = 0; k < key.size(); ++k) set_byte(m.key, key.size() - 1 - k, key[k]);
    for (std::size_t j = 0; j < kInputBytes; ++j) {
        set_byte(m.data, kInputBytes - 1 - j, j < in.len_bytes ? in.bytes[j] : filler);
    }
    m.len_bytes = static_cast<std::uint8_t>(in.len_bytes);
    m.eval();
    return m.hash;
}

}  // namespace

TEST_CASE("toeplitz matches Microsoft's RSS verification suite") {
    VerilatedContext ctx;
    Vrtl_common_toeplitz m{&ctx};
    const auto& key = model::kRssVerificationKey;
    for (const V4Row& r : kV4) {
        const auto addrs = model::rss_tuple_ipv4(r.src, r.dst);
        const auto ports = model::rss_tuple_ipv4(r.src, r.dst, r.src_port, r.dst_port);
        INFO("IPv4 row with src port " << r.src_port);
        CHECK(model::toeplitz_hash(key, addrs.span()) == r.hash_addrs);
        CHECK(model::toeplitz_hash(key, ports.span()) == r.hash_ports);
        CHECK(dut_hash(m, key, addrs, 0xA5) == r.hash_addrs);
        CHECK(dut_hash(m, key, ports, 0x5A) == r.hash_ports);
    }
    for (const V6Row& r : kV6) {
        const auto addrs = model::rss_tuple_ipv6(r.src, r.dst);
        const auto ports = model::rss_tuple_ipv6(r.src, r.dst, r.src_port, r.dst_port);
        INFO("IPv6 row with src port " << r.src_port);
        CHECK(model::toeplitz_hash(key, addrs.span()) == r.hash_addrs);
        CHECK(model::toeplitz_hash(key, ports.span()) == r.hash_ports);
        CHECK(dut_hash(m, key, addrs, 0xFF) == r.hash_addrs);
        CHECK(dut_hash(m, key, ports, 0xFF) == r.hash_ports);
    }
}

TEST_CASE("toeplitz matches the reference on random keys and inputs") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x7E0B);
    VerilatedContext ctx;
    Vrtl_common_toeplitz m{&ctx};
    for (int iter = 0; iter < 5000; ++iter) {
        model::RssKey key{};
        for (auto& b : key) b = static_cast<std::uint8_t>(uniform(rng, 0, 255));
        model::RssInput in;
        // Mostly the four tuple lengths, sometimes any length 0..36.
        const std::size_t lens[] = {8, 12, 32, 36};
        in.len_bytes = chance(rng, 0.7) ? lens[uniform(rng, 0, 3)] : uniform(rng, 0, kInputBytes);
        for (std::size_t j = 0; j < in.len_bytes; ++j) {
            in.bytes[j] = static_cast<std::uint8_t>(uniform(rng, 0, 255));
        }
        INFO("iteration " << iter << ", " << in.len_bytes << " bytes");
        REQUIRE(dut_hash(m, key, in, static_cast<std::uint8_t>(uniform(rng, 0, 255))) ==
                model::toeplitz_hash(key, in.span()));
    }
}
