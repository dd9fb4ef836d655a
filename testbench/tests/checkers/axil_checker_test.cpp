// Negative and legal-traffic tests of axil_slave_checker, verilated on its own (16-bit address,
// 32-bit data): C++ plays both the AXI4-Lite master and the slave.
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "Vcheckers_axil_model.h"
#include "checker_bench.hpp"

namespace {

using nicsim::checkers::test::Bench;
using nicsim::checkers::test::Channel;
using nicsim::checkers::test::expect_fires;
using M = Vcheckers_axil_model;

void idle(M& m) {
    m.awvalid = m.wvalid = m.bvalid = m.arvalid = m.rvalid = 0;
    m.awready = m.wready = m.bready = m.arready = m.rready = 0;
}
void set_aw(M& m, unsigned addr) {
    m.awvalid = 1;
    m.awaddr = static_cast<SData>(addr);
    m.awprot = 0;
}
void set_w(M& m, std::uint32_t data, unsigned strb = 0xF) {
    m.wvalid = 1;
    m.wdata = data;
    m.wstrb = static_cast<CData>(strb);
}
void set_b(M& m, unsigned resp = 0) {
    m.bvalid = 1;
    m.bresp = static_cast<CData>(resp);
}
void set_ar(M& m, unsigned addr) {
    m.arvalid = 1;
    m.araddr = static_cast<SData>(addr);
    m.arprot = 0;
}
void set_r(M& m, std::uint32_t data, unsigned resp = 0) {
    m.rvalid = 1;
    m.rdata = data;
    m.rresp = static_cast<CData>(resp);
}

/// Reset, then legal writes (AW before W, W before AW, both together) and reads with stalls and
/// SLVERR/DECERR answers. Ends idle with nothing outstanding.
void legal_prefix(Bench<M>& b) {
    M& m = *b;
    idle(m);
    b.reset(3);
    b.edge();
    // AW and W together, AW stalled one cycle
    set_aw(m, 0x10);
    set_w(m, 0x1234, 0x3);
    m.wready = 1;
    b.edge();
    m.wvalid = 0;
    m.awready = 1;
    b.edge();
    m.awvalid = 0;
    set_b(m);
    b.edge();  // B stalled
    m.bready = 1;
    b.edge();
    m.bvalid = 0;
    // W long before AW
    set_w(m, 0x5678);
    b.edge();
    m.wvalid = 0;
    b.edge();
    set_aw(m, 0x14);
    b.edge();
    m.awvalid = 0;
    set_b(m, 2);
    b.edge();
    m.bvalid = 0;
    // reads: stalled AR, stalled R, DECERR
    set_ar(m, 0x20);
    b.edge();
    m.arready = 1;
    b.edge();
    m.arvalid = 0;
    set_r(m, 0xCAFE);
    b.edge();
    m.rready = 1;
    b.edge();
    set_ar(m, 0x24);
    m.rvalid = 0;
    b.edge();
    m.arvalid = 0;
    set_r(m, 0, 3);
    b.edge();
    idle(m);
    b.edge();
}

std::vector<Channel<M>> channels() {
    return {
        {"aw",
         [](M& m) {
             set_aw(m, 0x30);
             m.awready = 0;
         },
         [](M& m) { m.awvalid = 0; }, [](M& m) { m.awaddr = 0x34; }},
        {"w",
         [](M& m) {
             set_w(m, 1);
             m.wready = 0;
         },
         [](M& m) { m.wvalid = 0; }, [](M& m) { m.wstrb = 1; }},
        {"b",
         [](M& m) {
             set_b(m);
             m.bready = 0;
         },
         [](M& m) { m.bvalid = 0; }, [](M& m) { m.bresp = 2; }},
        {"ar",
         [](M& m) {
             set_ar(m, 0x40);
             m.arready = 0;
         },
         [](M& m) { m.arvalid = 0; }, [](M& m) { m.arprot = 1; }},
        {"r",
         [](M& m) {
             set_r(m, 7);
             m.rready = 0;
         },
         [](M& m) { m.rvalid = 0; }, [](M& m) { m.rdata = 8; }},
    };
}

}  // namespace

TEST_CASE("axil: legal sequence is silent", "[axil]") {
    Bench<M> b;
    legal_prefix(b);
    CHECK(b.cycle() > 15);
}

TEST_CASE("axil.<ch>.reset_valid fires for valid in reset and at the first edge after it", "[axil]") {
    nicsim::checkers::test::check_reset_valid<M>("axil", channels(), legal_prefix);
}

TEST_CASE("axil.<ch>.valid_stable fires when valid drops before ready", "[axil]") {
    nicsim::checkers::test::check_valid_stable<M>("axil", channels(), legal_prefix);
}

TEST_CASE("axil.<ch>.payload_stable fires when the payload changes before ready", "[axil]") {
    nicsim::checkers::test::check_payload_stable<M>("axil", channels(), legal_prefix);
}

TEST_CASE("axil.b.resp and axil.r.resp fire on EXOKAY", "[axil]") {
    Bench<M> b;
    legal_prefix(b);  // OKAY, SLVERR, DECERR answers
    M& m = *b;
    SECTION("b") {
        set_b(m, 1);
        expect_fires("axil.b.resp", b.cycle(), [&] { b.edge(); });
    }
    SECTION("r") {
        set_r(m, 0, 1);
        expect_fires("axil.r.resp", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axil.b.unexpected fires on B without an accepted AW and W", "[axil]") {
    Bench<M> b;
    legal_prefix(b);
    M& m = *b;
    m.awready = m.wready = m.bready = 1;
    SECTION("nothing outstanding") {
        set_b(m);
        expect_fires("axil.b.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("AW without W") {
        set_aw(m, 0x10);
        b.edge();
        m.awvalid = 0;
        set_b(m);
        expect_fires("axil.b.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("W without AW") {
        set_w(m, 0x10);
        b.edge();
        m.wvalid = 0;
        set_b(m);
        expect_fires("axil.b.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("two B for one write") {
        set_aw(m, 0x10);
        set_w(m, 1);
        b.edge();
        m.awvalid = m.wvalid = 0;
        set_b(m);
        b.edge();
        expect_fires("axil.b.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("B in the same cycle as its AW and W") {
        set_aw(m, 0x10);
        set_w(m, 1);
        set_b(m);
        expect_fires("axil.b.unexpected", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axil.r.unexpected fires on R without an accepted AR", "[axil]") {
    Bench<M> b;
    legal_prefix(b);
    M& m = *b;
    m.arready = m.rready = 1;
    SECTION("nothing outstanding") {
        set_r(m, 5);
        expect_fires("axil.r.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("two R for one read") {
        set_ar(m, 0x10);
        b.edge();
        m.arvalid = 0;
        set_r(m, 5);
        b.edge();
        expect_fires("axil.r.unexpected", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axil: random legal traffic is silent", "[axil]") {
    std::mt19937_64 rng(GENERATE(1u, 2u));
    auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    Bench<M> b;
    M& m = *b;
    idle(m);
    b.reset(3);
    b.edge();
    unsigned aw_pend = 0, w_pend = 0, ar_pend = 0, writes = 0, reads = 0;
    for (int c = 0; c < 3000; ++c) {
        if (!m.awvalid && coin(0.3)) set_aw(m, static_cast<unsigned>(rng() & 0xFFFC));
        if (!m.wvalid && coin(0.3)) set_w(m, static_cast<std::uint32_t>(rng()), static_cast<unsigned>(rng() & 0xF));
        if (!m.arvalid && coin(0.3)) set_ar(m, static_cast<unsigned>(rng() & 0xFFFC));
        if (!m.bvalid && aw_pend && w_pend && coin(0.5)) set_b(m, coin(0.1) ? 2 : 0);
        if (!m.rvalid && ar_pend && coin(0.5)) set_r(m, static_cast<std::uint32_t>(rng()), coin(0.1) ? 3 : 0);
        m.awready = coin(0.5);
        m.wready = coin(0.5);
        m.arready = coin(0.5);
        m.bready = coin(0.7);
        m.rready = coin(0.7);
        bool const aw = m.awvalid && m.awready, w = m.wvalid && m.wready, ar = m.arvalid && m.arready;
        bool const bf = m.bvalid && m.bready, rf = m.rvalid && m.rready;
        REQUIRE_NOTHROW(b.edge());
        if (aw) {
            ++aw_pend;
            m.awvalid = 0;
        }
        if (w) {
            ++w_pend;
            m.wvalid = 0;
        }
        if (ar) {
            ++ar_pend;
            m.arvalid = 0;
        }
        if (bf) {
            --aw_pend;
            --w_pend;
            ++writes;
            m.bvalid = 0;
        }
        if (rf) {
            --ar_pend;
            ++reads;
            m.rvalid = 0;
        }
    }
    CHECK(writes > 100);
    CHECK(reads > 100);
}
