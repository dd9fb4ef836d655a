// The generated nic_contract.hpp: byte layouts the driver depends on, lossless round trips, and a
// register table that is consistent with the offsets.
#include "nic_contract.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <random>
#include <set>

namespace c = nicsim::contract;

namespace {

std::uint64_t seed_from_env() {
    if (const char* s = std::getenv("NICSIM_SEED")) return std::strtoull(s, nullptr, 0);
    return std::random_device{}();
}

}  // namespace

TEST_CASE("tx descriptor fields land on the documented bytes") {
    c::tx_desc_t d;
    d.addr = 0x1122334455667788ull;
    d.len = 0xABCD;
    d.eop = true;
    d.l4_offset = 0x3FF;
    const auto raw = d.encode();
    CHECK(raw[0] == 0x88);
    CHECK(raw[7] == 0x11);
    CHECK(raw[8] == 0xCD);
    CHECK(raw[9] == 0xAB);
    CHECK(raw[10] == 0x01);  // eop at bit 80
    CHECK(raw[14] == 0xFF);  // l4_offset [121:112]
    CHECK(raw[15] == 0x03);
    CHECK(c::tx_desc_t::decode(raw) == d);
}

TEST_CASE("completion phase is the top bit of the last byte") {
    c::tx_cpl_t t;
    t.phase = true;
    CHECK(t.encode()[15] == 0x80);
    c::rx_cpl_t r;
    r.phase = true;
    r.status = c::cpl_status_e::CPL_TRUNCATED;
    r.l4_type = c::l4_type_e::L4_UDP;
    const auto raw = r.encode();
    CHECK(raw[15] == 0x80);
    CHECK(raw[3] == 0x02);
    CHECK(raw[6] == 0x80);  // l4_type [55:54] = 2
    CHECK(c::rx_cpl_t::decode(raw) == r);
}

TEST_CASE("random descriptors and completions survive encode/decode - reserved bytes are zero") {
    const auto seed = seed_from_env();
    INFO(fmt::format("seed {} (replay: NICSIM_SEED={} contract_test)", seed, seed));
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 1000; ++i) {
        std::array<std::uint8_t, 16> raw{};
        for (auto& b : raw) b = static_cast<std::uint8_t>(rng());
        // decode(encode(decode(x))) == decode(x), and encode keeps exactly the non-reserved bits
        const auto tx = c::tx_desc_t::decode(raw);
        REQUIRE(c::tx_desc_t::decode(tx.encode()) == tx);
        const auto enc = tx.encode();
        CHECK(c::detail::get_bits<16>(enc, c::tx_desc_t::bits::rsvd1) == 0);
        CHECK(c::detail::get_bits<16>(enc, c::tx_desc_t::bits::rsvd3) == 0);
        const auto rx = c::rx_desc_t::decode(raw);
        REQUIRE(c::rx_desc_t::decode(rx.encode()) == rx);
        CHECK(rx.encode()[12] == 0);
        const auto tc = c::tx_cpl_t::decode(raw);
        REQUIRE(c::tx_cpl_t::decode(tc.encode()) == tc);
        const auto rc = c::rx_cpl_t::decode(raw);
        REQUIRE(c::rx_cpl_t::decode(rc.encode()) == rc);
    }
}

// The definition of little-endian bit addressing, one bit at a time: what put_bits and get_bits,
// which move a byte's share of a field at a time, must agree with.
namespace {
bool bit_at(std::array<std::uint8_t, 16> const& raw, unsigned bit) {
    return ((raw[bit / 8] >> (bit % 8)) & 1u) != 0;
}
}  // namespace

TEST_CASE("put_bits and get_bits agree with bit-by-bit addressing for every field position and width") {
    const auto seed = seed_from_env();
    INFO(fmt::format("seed {} (replay: NICSIM_SEED={} contract_test)", seed, seed));
    std::mt19937_64 rng(seed);
    for (unsigned width = 1; width <= 64; ++width) {
        for (unsigned lsb = 0; lsb + width <= 128; ++lsb) {
            const c::Field f{lsb, width};
            std::array<std::uint8_t, 16> raw{};
            for (auto& b : raw) b = static_cast<std::uint8_t>(rng());
            const auto before = raw;
            const std::uint64_t value = rng();
            c::detail::put_bits(raw, f, value);
            INFO(fmt::format("field [{}:{}], value {:#x}", lsb + width - 1, lsb, value));
            for (unsigned bit = 0; bit < 128; ++bit) {
                const bool inside = bit >= lsb && bit < lsb + width;
                const bool expected = inside ? ((value >> (bit - lsb)) & 1u) != 0 : bit_at(before, bit);
                REQUIRE(bit_at(raw, bit) == expected);
            }
            std::uint64_t read_back = 0;
            for (unsigned i = 0; i < width; ++i) read_back |= std::uint64_t{bit_at(raw, lsb + i)} << i;
            REQUIRE(c::detail::get_bits<16>(raw, f) == read_back);
            REQUIRE(read_back == (value & f.low_mask()));
        }
    }
}

TEST_CASE("register table: unique - aligned - inside its block - queue addresses compose") {
    std::set<std::pair<int, int>> words;
    for (const auto& r : c::registers) {
        INFO(r.name);
        CHECK(r.offset % 4 == 0);
        for (unsigned w = 0; w < r.count; ++w) {
            CHECK(words.insert({static_cast<int>(r.block), r.offset + 4 * static_cast<int>(w)}).second);
        }
        if (r.block != c::reg_block::GLOBAL) CHECK(r.offset + 4 * r.count <= c::QREG_RX - c::QREG_TX);
    }
    CHECK(c::queue_reg(3, c::QREG_RX, c::RING_PROD) == 0x1000 + 3 * 0x100 + 0x40 + 0x18);
    CHECK(c::CONTRACT_VERSION == 0x00010001u);  // 1.1: REG_STATUS, RING_STATUS, RING_TAKEN
    CHECK(c::to_string(c::err_e::ERR_DOORBELL_RANGE) == "ERR_DOORBELL_RANGE");
}
