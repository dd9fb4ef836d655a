// Negative and legal-traffic tests of axi4_master_checker, verilated on its own (DATA_WIDTH 64,
// ID_WIDTH 2, MAX_OUTSTANDING 4, W_QUEUE_DEPTH 4): C++ plays both the master and the slave.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "Vcheckers_axi4_model.h"
#include "checker_bench.hpp"

namespace {

using nicsim::checkers::test::Bench;
using nicsim::checkers::test::Channel;
using nicsim::checkers::test::expect_fires;
using M = Vcheckers_axi4_model;

struct Ax {
    unsigned id = 0;
    std::uint64_t addr = 0;
    unsigned len = 0;
    unsigned size = 3;
    unsigned burst = 1;
};

void idle(M& m) {
    m.awvalid = 0;
    m.wvalid = 0;
    m.bvalid = 0;
    m.arvalid = 0;
    m.rvalid = 0;
    m.awready = 0;
    m.wready = 0;
    m.bready = 0;
    m.arready = 0;
    m.rready = 0;
}

void set_aw(M& m, Ax a) {
    m.awvalid = 1;
    m.awid = static_cast<CData>(a.id);
    m.awaddr = a.addr;
    m.awlen = static_cast<CData>(a.len);
    m.awsize = static_cast<CData>(a.size);
    m.awburst = static_cast<CData>(a.burst);
    m.awlock = 0;
    m.awcache = 3;
    m.awprot = 0;
}
void set_ar(M& m, Ax a) {
    m.arvalid = 1;
    m.arid = static_cast<CData>(a.id);
    m.araddr = a.addr;
    m.arlen = static_cast<CData>(a.len);
    m.arsize = static_cast<CData>(a.size);
    m.arburst = static_cast<CData>(a.burst);
    m.arlock = 0;
    m.arcache = 3;
    m.arprot = 0;
}
void set_w(M& m, std::uint64_t data, bool last) {
    m.wvalid = 1;
    m.wdata = data;
    m.wstrb = 0xFF;
    m.wlast = last;
}
void set_b(M& m, unsigned id, unsigned resp = 0) {
    m.bvalid = 1;
    m.bid = static_cast<CData>(id);
    m.bresp = static_cast<CData>(resp);
}
void set_r(M& m, unsigned id, std::uint64_t data, bool last, unsigned resp = 0) {
    m.rvalid = 1;
    m.rid = static_cast<CData>(id);
    m.rdata = data;
    m.rresp = static_cast<CData>(resp);
    m.rlast = last;
}

/// Reset, then legal traffic on every channel with stalls, W leading AW (within a burst and by
/// a whole burst), interleaved read IDs and bursts ending exactly at a 4 KiB boundary.
/// The checker must stay silent; ends with everything idle and nothing outstanding.
void legal_prefix(Bench<M>& b) {
    M& m = *b;
    idle(m);
    b.reset(3);
    b.edge();  // first edge after reset: nothing valid
    // write, ID 1, 2 beats ending at 0x1000; W beat 0 accepted before the AW
    set_aw(m, {1, 0xFF0, 1});
    set_w(m, 0x11, false);
    m.wready = 1;
    b.edge();
    m.awready = 1;
    set_w(m, 0x22, true);
    m.wready = 0;
    b.edge();
    m.awvalid = 0;
    m.wready = 1;
    b.edge();
    m.wvalid = 0;
    set_b(m, 1);
    b.edge();  // B stalled
    m.bready = 1;
    b.edge();
    m.bvalid = 0;
    // write, ID 0, 1 beat: the whole W burst goes before its AW
    set_w(m, 0x33, true);
    b.edge();
    m.wvalid = 0;
    set_aw(m, {0, 0x40, 0});
    b.edge();
    m.awvalid = 0;
    set_b(m, 0, 2);  // SLVERR is a legal answer
    b.edge();
    m.bvalid = 0;
    // reads: ID 2 (2 beats) and ID 3 (1 beat, unaligned start, ends at 0x3000), R interleaved
    set_ar(m, {2, 0x1000, 1});
    b.edge();  // AR stalled
    m.arready = 1;
    b.edge();
    set_ar(m, {3, 0x2FFC, 0});
    b.edge();
    m.arvalid = 0;
    set_r(m, 2, 0xA, false);
    b.edge();  // R stalled
    m.rready = 1;
    b.edge();
    set_r(m, 3, 0xB, true);
    b.edge();
    set_r(m, 2, 0xC, true);
    b.edge();
    idle(m);
    b.edge();
}

std::vector<Channel<M>> channels() {
    return {
        {"aw",
         [](M& m) {
             set_aw(m, {1, 0x100, 3});
             m.awready = 0;
         },
         [](M& m) { m.awvalid = 0; }, [](M& m) { m.awaddr = 0x108; }},
        {"w",
         [](M& m) {
             set_w(m, 0x55, false);
             m.wready = 0;
         },
         [](M& m) { m.wvalid = 0; }, [](M& m) { m.wdata = 0x56; }},
        {"b",
         [](M& m) {
             set_b(m, 1);
             m.bready = 0;
         },
         [](M& m) { m.bvalid = 0; }, [](M& m) { m.bresp = 2; }},
        {"ar",
         [](M& m) {
             set_ar(m, {2, 0x200, 1});
             m.arready = 0;
         },
         [](M& m) { m.arvalid = 0; }, [](M& m) { m.arlen = 2; }},
        {"r",
         [](M& m) {
             set_r(m, 2, 0x77, false);
             m.rready = 0;
         },
         [](M& m) { m.rvalid = 0; }, [](M& m) { m.rid = 3; }},
    };
}

}  // namespace

TEST_CASE("axi4: legal sequence is silent", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    CHECK(b.cycle() >= 20);
}

TEST_CASE("axi4.<ch>.reset_valid fires for valid in reset and at the first edge after it", "[axi4]") {
    nicsim::checkers::test::check_reset_valid<M>("axi4", channels(), legal_prefix);
}

TEST_CASE("axi4.<ch>.valid_stable fires when valid drops before ready", "[axi4]") {
    nicsim::checkers::test::check_valid_stable<M>("axi4", channels(), legal_prefix);
}

TEST_CASE("axi4.<ch>.payload_stable fires when the payload changes before ready", "[axi4]") {
    nicsim::checkers::test::check_payload_stable<M>("axi4", channels(), legal_prefix);
}

TEST_CASE("axi4.aw.burst_type and axi4.ar.burst_type fire on a non-INCR burst", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    SECTION("aw") {
        set_aw(*b, {0, 0x100, 1, 3, 0});  // FIXED
        expect_fires("axi4.aw.burst_type", b.cycle(), [&] { b.edge(); });
    }
    SECTION("ar") {
        set_ar(*b, {0, 0x100, 1, 3, 2});  // WRAP
        expect_fires("axi4.ar.burst_type", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axi4.aw.size and axi4.ar.size fire on AxSIZE wider than the bus", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    SECTION("aw") {
        set_aw(*b, {0, 0x100, 0, 2});  // narrower is legal
        b->awready = 1;
        b.edge();
        set_aw(*b, {0, 0x100, 0, 4});
        expect_fires("axi4.aw.size", b.cycle(), [&] { b.edge(); });
    }
    SECTION("ar") {
        set_ar(*b, {0, 0x100, 0, 4});
        expect_fires("axi4.ar.size", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axi4.aw.cross_4k and axi4.ar.cross_4k fire on a burst crossing 4 KiB", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    SECTION("aw") {
        set_aw(*b, {0, 0x1F00, 31});  // ends exactly at 0x2000: legal
        b->awready = 1;
        b.edge();
        set_aw(*b, {0, 0x1FF8, 1});
        expect_fires("axi4.aw.cross_4k", b.cycle(), [&] { b.edge(); });
    }
    SECTION("ar") {
        set_ar(*b, {0, 0x1F00, 32});
        expect_fires("axi4.ar.cross_4k", b.cycle(), [&] { b.edge(); });
    }
    SECTION("ar, unaligned start counts from the aligned address") {
        set_ar(*b, {0, 0x1FFC, 0, 3});  // 0x1FF8..0x1FFF: legal
        b->arready = 1;
        b.edge();
        set_ar(*b, {0, 0x1FFC, 1, 3});  // 0x1FF8..0x2007
        expect_fires("axi4.ar.cross_4k", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axi4.w.wlast fires when WLAST is not on beat AWLEN", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    M& m = *b;
    m.awready = 1;
    m.wready = 1;
    SECTION("early") {
        set_aw(m, {0, 0x100, 2});
        b.edge();
        m.awvalid = 0;
        set_w(m, 1, false);
        b.edge();
        set_w(m, 2, true);
        expect_fires("axi4.w.wlast", b.cycle(), [&] { b.edge(); });
    }
    SECTION("missing") {
        set_aw(m, {0, 0x100, 1});
        set_w(m, 1, false);
        b.edge();
        m.awvalid = 0;
        set_w(m, 2, false);
        expect_fires("axi4.w.wlast", b.cycle(), [&] { b.edge(); });
    }
    SECTION("a whole W burst before its AW, with the wrong length") {
        set_w(m, 1, false);
        b.edges(2);
        set_w(m, 3, true);
        b.edge();  // 3 beats, no AW yet: nothing to compare with
        m.wvalid = 0;
        set_aw(m, {0, 0x100, 1});  // 2 beats
        expect_fires("axi4.w.wlast", b.cycle(), [&] { b.edge(); });
    }
    SECTION("more than 256 beats before any AW") {
        set_w(m, 1, false);
        b.edges(255);
        expect_fires("axi4.w.wlast", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axi4.w.ahead_of_aw fires when W leads AW by more than one burst", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);  // includes W one burst ahead
    M& m = *b;
    m.wready = 1;
    set_w(m, 1, true);
    b.edge();
    set_w(m, 2, false);
    expect_fires("axi4.w.ahead_of_aw", b.cycle(), [&] { b.edge(); });
}

TEST_CASE("axi4.r.unexpected fires on R for an ID with nothing outstanding", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    M& m = *b;
    m.arready = 1;
    m.rready = 1;
    SECTION("other ID outstanding") {
        set_ar(m, {1, 0x100, 0});
        b.edge();
        m.arvalid = 0;
        set_r(m, 2, 0, true);
        expect_fires("axi4.r.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("R in the same cycle as its AR") {
        set_ar(m, {1, 0x100, 0});
        set_r(m, 1, 0, true);
        expect_fires("axi4.r.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("one burst answered twice") {
        set_ar(m, {1, 0x100, 0});
        b.edge();
        m.arvalid = 0;
        set_r(m, 1, 0, true);
        b.edge();
        expect_fires("axi4.r.unexpected", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axi4.r.rlast fires when RLAST is not on beat ARLEN of that ID", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    M& m = *b;
    m.arready = 1;
    m.rready = 1;
    SECTION("early") {
        set_ar(m, {1, 0x100, 2});
        b.edge();
        m.arvalid = 0;
        set_r(m, 1, 0, true);
        expect_fires("axi4.r.rlast", b.cycle(), [&] { b.edge(); });
    }
    SECTION("per ID, interleaved") {
        set_ar(m, {1, 0x100, 0});
        b.edge();
        set_ar(m, {2, 0x200, 1});
        b.edge();
        m.arvalid = 0;
        set_r(m, 2, 0, false);
        b.edge();
        set_r(m, 1, 0, true);
        b.edge();
        set_r(m, 2, 0, false);  // beat 1 of ARLEN 1 without RLAST
        expect_fires("axi4.r.rlast", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axi4.b.unexpected fires on B without a completed write of that ID", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    M& m = *b;
    m.awready = 1;
    m.wready = 1;
    m.bready = 1;
    SECTION("nothing outstanding") {
        set_b(m, 0);
        expect_fires("axi4.b.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("AW accepted, last W beat not yet") {
        set_aw(m, {1, 0x100, 1});
        set_w(m, 1, false);
        b.edge();
        m.awvalid = 0;
        m.wvalid = 0;
        set_b(m, 1);
        expect_fires("axi4.b.unexpected", b.cycle(), [&] { b.edge(); });
    }
    SECTION("wrong ID") {
        set_aw(m, {1, 0x100, 0});
        set_w(m, 1, true);
        b.edge();
        m.awvalid = 0;
        m.wvalid = 0;
        set_b(m, 2);
        expect_fires("axi4.b.unexpected", b.cycle(), [&] { b.edge(); });
    }
}

TEST_CASE("axi4.capacity fires past the checker's tracking limits", "[axi4]") {
    Bench<M> b;
    legal_prefix(b);
    M& m = *b;
    SECTION("reads per ID (MAX_OUTSTANDING 4)") {
        m.arready = 1;
        set_ar(m, {1, 0x100, 0});
        b.edges(4);
        expect_fires("axi4.capacity", b.cycle(), [&] { b.edge(); });
    }
    SECTION("AWs waiting for W (W_QUEUE_DEPTH 4)") {
        m.awready = 1;
        set_aw(m, {1, 0x100, 0});
        b.edges(4);
        expect_fires("axi4.capacity", b.cycle(), [&] { b.edge(); });
    }
}

// ---- random legal traffic: a legal master and a legal, reordering slave ----
TEST_CASE("axi4: random legal traffic is silent", "[axi4]") {
    std::mt19937_64 rng(GENERATE(1u, 2u, 3u));
    Bench<M> b;
    M& m = *b;
    idle(m);
    b.reset(3);
    b.edge();
    auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
    auto burst = [&] {
        Ax a;
        a.id = pick(4);
        a.size = pick(4);
        a.len = pick(16);
        std::uint64_t const bytes = std::uint64_t(a.len + 1) << a.size;
        std::uint64_t const page = (rng() % 1024) << 12;
        std::uint64_t const off = (rng() % (4096 - bytes + 1)) & ~((std::uint64_t(1) << a.size) - 1);
        a.addr = page + off + (coin(0.2) ? pick(1u << a.size) : 0);  // unaligned start
        if (((a.addr & 0xFFF & ~((1u << a.size) - 1)) + bytes) > 4096) a.addr = page + off;
        return a;
    };

    std::deque<Ax> aw_plan, w_plan;  // writes not yet accepted on AW / not yet sent on W
    unsigned aw_accepted = 0, w_bursts_done = 0, w_beat = 0;
    std::vector<std::deque<unsigned>> rd(4);  // per ID: ARLENs outstanding (slave view)
    std::vector<unsigned> r_beat(4, 0);
    std::vector<unsigned> b_due(4, 0);
    std::vector<unsigned> write_ids;  // IDs of all planned writes, in order
    unsigned b_released = 0;          // writes made answerable so far
    int r_hold = -1;                  // ID of the R beat on the bus, held until accepted
    int b_hold = -1;

    for (int c = 0; c < 4000; ++c) {
        // ---- master ----
        if (w_plan.size() < 3 && coin(0.3)) {
            Ax a = burst();
            aw_plan.push_back(a);
            w_plan.push_back(a);
            write_ids.push_back(a.id);
        }
        if (!m.awvalid && !aw_plan.empty() && aw_accepted < w_bursts_done + 3 && coin(0.5)) set_aw(m, aw_plan.front());
        // W burst k may start once AWs 0..k-1 are accepted (W leads AW by at most one burst)
        if (!m.wvalid && !w_plan.empty() && aw_accepted >= w_bursts_done && coin(0.6))
            set_w(m, rng(), w_beat == w_plan.front().len);
        bool const rd_room = rd[0].size() < 4 && rd[1].size() < 4 && rd[2].size() < 4 && rd[3].size() < 4;
        if (!m.arvalid && rd_room && coin(0.2)) set_ar(m, burst());
        // ---- slave ----
        m.awready = coin(0.6);
        m.wready = coin(0.7);
        m.arready = coin(0.6);
        if (r_hold < 0) {
            std::vector<unsigned> ids;
            for (unsigned i = 0; i < 4; ++i)
                if (!rd[i].empty()) ids.push_back(i);
            if (!ids.empty() && coin(0.7)) {
                unsigned id = ids[pick(static_cast<unsigned>(ids.size()))];
                set_r(m, id, rng(), r_beat[id] == rd[id].front(), coin(0.1) ? 2 : 0);
                r_hold = static_cast<int>(id);
            }
        }
        if (b_hold < 0) {
            std::vector<unsigned> ids;
            for (unsigned i = 0; i < 4; ++i)
                if (b_due[i]) ids.push_back(i);
            if (!ids.empty() && coin(0.5)) {
                unsigned id = ids[pick(static_cast<unsigned>(ids.size()))];
                set_b(m, id);
                b_hold = static_cast<int>(id);
            }
        }
        m.rready = coin(0.7);
        m.bready = coin(0.7);

        bool const aw_fire = m.awvalid && m.awready, w_fire = m.wvalid && m.wready;
        bool const ar_fire = m.arvalid && m.arready, r_fire = m.rvalid && m.rready;
        bool const b_fire = m.bvalid && m.bready;
        Ax const ar{m.arid, m.araddr, m.arlen};
        bool const wlast = m.wlast;
        REQUIRE_NOTHROW(b.edge());

        // ---- bookkeeping of what happened at the edge ----
        if (aw_fire) {
            aw_plan.pop_front();
            ++aw_accepted;
            m.awvalid = 0;
        }
        if (w_fire) {
            m.wvalid = 0;
            if (wlast) {
                w_plan.pop_front();
                ++w_bursts_done;
                w_beat = 0;
            } else {
                ++w_beat;
            }
        }
        // a write can be answered once both its AW and its last W beat are accepted
        while (b_released < std::min(aw_accepted, w_bursts_done)) b_due[write_ids[b_released++]]++;
        if (ar_fire) {
            rd[ar.id].push_back(ar.len);
            m.arvalid = 0;
        }
        if (r_fire) {
            auto id = static_cast<unsigned>(r_hold);
            if (r_beat[id] == rd[id].front()) {
                rd[id].pop_front();
                r_beat[id] = 0;
            } else {
                ++r_beat[id];
            }
            m.rvalid = 0;
            r_hold = -1;
        }
        if (b_fire) {
            b_due[static_cast<unsigned>(b_hold)]--;
            m.bvalid = 0;
            b_hold = -1;
        }
    }
    CHECK(w_bursts_done > 50);
}
