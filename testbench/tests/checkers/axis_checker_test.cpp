// Negative and legal-traffic tests of axis_checker, verilated on its own (DATA_WIDTH 64,
// MAX_FRAME_BYTES 64): C++ plays the source and the sink.
#include <cstdint>
#include <random>

#include <catch2/catch.hpp>

#include "Vcheckers_axis_model.h"
#include "checker_bench.hpp"

namespace {

using nicsim::checkers::test::Bench;
using nicsim::checkers::test::expect_fires;
using M = Vcheckers_axis_model;

void beat(M& m, std::uint64_t data, unsigned keep, bool last, bool user = false) {
    m.tvalid = 1;
    m.tdata = data;
    m.tkeep = static_cast<CData>(keep);
    m.tlast = last;
    m.tuser = user;
}

/// Reset, then three frames (1 byte; 3 beats ending partial, with stalls and a bubble; exactly
/// MAX_FRAME_BYTES with tuser on the last beat). Ends idle.
void legal_prefix(Bench<M>& b) {
    M& m = *b;
    m.tvalid = 0;
    m.tready = 0;
    b.reset(3);
    b.edge();
    m.tready = 1;
    beat(m, 0xAA, 0x01, true);
    b.edge();
    beat(m, 1, 0xFF, false);
    m.tready = 0;
    b.edge();  // stalled
    m.tready = 1;
    b.edge();
    m.tvalid = 0;
    b.edge();  // bubble inside the frame
    beat(m, 2, 0xFF, false);
    b.edge();
    beat(m, 3, 0x3F, true);
    b.edge();
    for (unsigned i = 0; i < 8; ++i) {
        beat(m, i, 0xFF, i == 7, i == 7);
        b.edge();
    }
    m.tvalid = 0;
    b.edge();
}

}  // namespace

TEST_CASE("axis: legal sequence is silent", "[axis]") {
    Bench<M> b;
    legal_prefix(b);
    CHECK(b.cycle() > 15);
}

TEST_CASE("axis.reset_valid fires for tvalid in reset and at the first edge after it", "[axis]") {
    Bench<M> b;
    legal_prefix(b);
    SECTION("during reset") {
        b->rst_n = 0;
        b.edge();
        beat(*b, 0, 0xFF, true);
        expect_fires("axis.reset_valid", b.cycle(), [&] { b.edge(); });
    }
    SECTION("first edge after reset") {
        b.reset(2);
        beat(*b, 0, 0xFF, true);
        expect_fires("axis.reset_valid", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axis.valid_stable fires when tvalid drops before tready", "[axis]") {
    Bench<M> b;
    legal_prefix(b);
    b->tready = 0;
    beat(*b, 5, 0xFF, false);
    b.edges(3);
    b->tvalid = 0;
    expect_fires("axis.valid_stable", b.cycle(), [&] { b.edge(); });
}

TEST_CASE("axis.payload_stable fires when the payload changes before tready", "[axis]") {
    Bench<M> b;
    legal_prefix(b);
    M& m = *b;
    m.tready = 0;
    beat(m, 5, 0x0F, true);
    b.edges(2);
    SECTION("tdata") {
        m.tdata = 6;
    }
    SECTION("tkeep") {
        m.tkeep = 0x07;
    }
    SECTION("tlast") {
        m.tlast = 0;
        m.tkeep = 0xFF;
    }
    SECTION("tuser") {
        m.tuser = 1;
    }
    expect_fires("axis.payload_stable", b.cycle(), [&] { b.edge(); });
}

TEST_CASE("axis.tkeep_zero fires on a beat with no byte", "[axis]") {
    Bench<M> b;
    legal_prefix(b);
    b->tready = 1;
    beat(*b, 0, 0x00, true);
    expect_fires("axis.tkeep_zero", b.cycle(), [&] { b.edge(); });
}

TEST_CASE("axis.tkeep_contiguous fires on tkeep with a hole or not starting at lane 0", "[axis]") {
    Bench<M> b;
    legal_prefix(b);
    b->tready = 1;
    SECTION("hole") {
        beat(*b, 0, 0x0B, true);
    }
    SECTION("not from lane 0") {
        beat(*b, 0, 0xF0, true);
    }
    expect_fires("axis.tkeep_contiguous", b.cycle(), [&] { b.edge(); });
}

TEST_CASE("axis.tkeep_full fires on a partial beat that is not the last", "[axis]") {
    Bench<M> b;
    legal_prefix(b);
    b->tready = 1;
    beat(*b, 0, 0xFF, false);
    b.edge();
    beat(*b, 0, 0x7F, false);
    expect_fires("axis.tkeep_full", b.cycle(), [&] { b.edge(); });
}

TEST_CASE("axis.frame_length fires on a frame longer than MAX_FRAME_BYTES", "[axis]") {
    Bench<M> b;
    legal_prefix(b);  // has a frame of exactly 64 bytes
    b->tready = 1;
    SECTION("no tlast after 64 bytes") {
        beat(*b, 0, 0xFF, false);
        b.edges(8);
        expect_fires("axis.frame_length", b.cycle(), [&] { b.edge(); });
    }
    SECTION("last beat crosses the bound by one byte") {
        beat(*b, 0, 0xFF, false);
        b.edges(8);  // 64 bytes without tlast: still legal
        b->tvalid = 0;
        b.edge();
        beat(*b, 0, 0x01, true);  // byte 65
        expect_fires("axis.frame_length", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axis: random legal traffic is silent", "[axis]") {
    std::mt19937_64 rng(GENERATE(1u, 2u));
    auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    Bench<M> b;
    M& m = *b;
    m.tvalid = 0;
    b.reset(3);
    b.edge();
    unsigned left = 0, frames = 0;  // bytes left in the current frame
    for (int c = 0; c < 5000; ++c) {
        if (!m.tvalid && coin(0.7)) {
            if (left == 0) left = 1 + static_cast<unsigned>(rng() % 64);
            unsigned const n = left < 8 ? left : 8;
            beat(m, rng(), (1u << n) - 1, n == left, coin(0.3));
        }
        m.tready = coin(0.6);
        bool const fire = m.tvalid && m.tready;
        REQUIRE_NOTHROW(b.edge());
        if (fire) {
            left -= left < 8 ? left : 8;
            frames += m.tlast;
            m.tvalid = 0;
        }
    }
    CHECK(frames > 200);
}
