// AxisSource -> verilated FIFO (axis_fifo_top around nic_fifo) -> AxisSink under random pauses
// on both sides, at 64 and 512 bits; and the sink's protocol checker, one rule at a time, on
// signals driven by hand.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "Vtb_wire_axis_fifo_w512.h"
#include "Vtb_wire_axis_fifo_w64.h"
#include "bfm/axis_sink.hpp"
#include "bfm/axis_source.hpp"
#include "clock/verilated_model.hpp"
#include "test_util.hpp"

using namespace nicsim;
using nicsim::wiretest::test_rng;

namespace {

/// The FIFO out of reset (three cycles) and settled; clocked by the Clock of every model
/// (clock/clock.hpp): BFMs drive, settle(), BFMs sample, edge(), BFMs observe.
template <class Model>
struct FifoBench : sim::ModelBench<Model> {
    FifoBench() {
        this->reset(3);
        this->settle();
    }
};

struct W64 {
    using Model = Vtb_wire_axis_fifo_w64;
    static constexpr std::size_t kLanes = 8;
};
struct W512 {
    using Model = Vtb_wire_axis_fifo_w512;
    static constexpr std::size_t kLanes = 64;
};

}  // namespace

TEMPLATE_TEST_CASE("axis source and sink carry frames byte-exact through a verilated fifo under random pauses",
                   "[axis]", W64, W512) {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xA515 + TestType::kLanes);
    FifoBench<typename TestType::Model> b;
    double const levels[] = {0.0, 0.3, 0.7};
    for (double p_src : levels) {
        for (double p_snk : levels) {
            INFO("source pause " << p_src << ", sink pause " << p_snk);
            bfm::AxisSourceConfig scfg;
            scfg.pause.set_probability(p_src);
            scfg.ifg_cycles = static_cast<std::uint32_t>(bfm::range_draw(rng, 0, 3));
            bfm::AxisSinkConfig kcfg;
            kcfg.pause.set_probability(p_snk);
            bfm::AxisSource src(NICSIM_AXIS_PORT(*b, s_axis), rng, scfg);
            bfm::AxisSink snk(NICSIM_AXIS_PORT(*b, m_axis), rng, kcfg);
            REQUIRE(src.lanes() == TestType::kLanes);

            std::vector<wire::Frame> sent;
            for (int i = 0; i < 60; ++i) {
                wire::Frame f;
                std::size_t n = bfm::range_draw(rng, 1, 4 * TestType::kLanes + 3);
                if (i % 7 == 0) n = TestType::kLanes * bfm::range_draw(rng, 1, 3);  // whole beats
                f.bytes.resize(n);
                for (auto& x : f.bytes) x = static_cast<std::uint8_t>(rng());
                f.bad = rng() % 4 == 0;
                sent.push_back(f);
                src.send(f);
            }
            std::uint64_t guard = 0;
            while (snk.frames().size() < sent.size() && guard++ < 100000) {
                src.drive();
                snk.drive();
                b.settle();
                src.sample();
                snk.sample();
                b.edge();
                src.observe();
                snk.observe();
            }
            REQUIRE(snk.frames().size() == sent.size());
            REQUIRE(src.idle());
            for (std::size_t i = 0; i < sent.size(); ++i) {
                INFO("frame " << i);
                auto const& got = snk.frames()[i];
                REQUIRE(got.bytes == sent[i].bytes);
                REQUIRE(got.bad == sent[i].bad);
                auto const& out = src.sent()[i];
                REQUIRE(out.first_beat_cycle.has_value());
                REQUIRE(*got.first_beat_cycle > *out.first_beat_cycle);  // the FIFO takes a cycle
                REQUIRE(*got.last_beat_cycle >= *got.first_beat_cycle);
                if (i > 0) REQUIRE(*out.first_beat_cycle >= *src.sent()[i - 1].last_beat_cycle + 1 + scfg.ifg_cycles);
            }
        }
    }
}

TEST_CASE("axis source keeps frames apart by the inter-frame gap and not before their start cycle", "[axis]") {
    auto rng = test_rng(0x1F6);
    FifoBench<Vtb_wire_axis_fifo_w64> b;
    bfm::AxisSourceConfig scfg;
    scfg.ifg_cycles = 5;
    bfm::AxisSource src(NICSIM_AXIS_PORT(*b, s_axis), rng, scfg);
    bfm::AxisSink snk(NICSIM_AXIS_PORT(*b, m_axis), rng);
    wire::Frame f;
    f.bytes.assign(20, 0xAB);  // 3 beats
    src.send(f, 10);
    src.send(f);
    for (int c = 0; c < 60; ++c) {
        src.drive();
        snk.drive();
        b.settle();
        src.sample();
        snk.sample();
        b.edge();
        src.observe();
        snk.observe();
    }
    REQUIRE(src.sent().size() == 2);
    CHECK(*src.sent()[0].first_beat_cycle == 10);
    CHECK(*src.sent()[0].last_beat_cycle == 12);
    CHECK(*src.sent()[1].first_beat_cycle == 12 + 1 + 5);
    REQUIRE(snk.frames().size() == 2);
    CHECK(*snk.frames()[0].first_beat_cycle == 11);
}

namespace {

// A 64-bit port driven by hand.
struct HandPort {
    std::uint64_t tdata = 0;
    std::uint8_t tkeep = 0, tlast = 0, tuser = 0, tvalid = 0, tready = 0, rst_n = 1;
    bfm::AxisPort port() {
        bfm::AxisPort p{"hand_axis", tdata, tkeep, tlast, tuser, tvalid, tready, rst_n, 8};
        return p;
    }
    void beat(std::uint64_t data, std::uint8_t keep, bool last, bool user = false) {
        tvalid = 1;
        tdata = data;
        tkeep = keep;
        tlast = last;
        tuser = user;
    }
};

bfm::AxisRule rule_of(std::function<void()> const& fn) {
    try {
        fn();
    } catch (bfm::AxisProtocolError const& e) {
        INFO(e.what());
        CHECK(std::string(e.what()).find("hand_axis") != std::string::npos);
        CHECK(std::string(e.what()).find("cycle") != std::string::npos);
        return e.rule();
    }
    FAIL("no AxisProtocolError");
    return bfm::AxisRule::keep_zero;
}

}  // namespace

TEST_CASE("axis sink reassembles a correct stream", "[axis][checker]") {
    std::mt19937_64 rng(1);
    HandPort h;
    bfm::AxisSink snk(h.port(), rng);
    auto cycle = [&] {
        snk.drive();
        snk.observe();
    };
    h.beat(0x0807060504030201ull, 0xFF, false);
    cycle();
    h.tvalid = 0;
    cycle();
    h.beat(0x00000000000B0A09ull, 0x07, true, true);
    cycle();
    REQUIRE(snk.frames().size() == 1);
    CHECK(snk.frames()[0].bytes == wire::Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    CHECK(snk.frames()[0].bad);
    CHECK(*snk.frames()[0].first_beat_cycle == 0);
    CHECK(*snk.frames()[0].last_beat_cycle == 2);
}

TEST_CASE("axis sink checker names each broken rule", "[axis][checker]") {
    std::mt19937_64 rng(1);
    HandPort h;
    bfm::AxisSinkConfig stall;
    stall.pause.set_probability(1.0);  // tready always low

    SECTION("tkeep zero") {
        bfm::AxisSink snk(h.port(), rng);
        h.beat(1, 0x00, true);
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::keep_zero);
    }
    SECTION("tkeep with a hole") {
        bfm::AxisSink snk(h.port(), rng);
        h.beat(1, 0x05, true);
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::keep_not_contiguous);
    }
    SECTION("tkeep not starting at lane 0") {
        bfm::AxisSink snk(h.port(), rng);
        h.beat(1, 0xF0, true);
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::keep_not_contiguous);
    }
    SECTION("partial tkeep before the last beat") {
        bfm::AxisSink snk(h.port(), rng);
        h.beat(1, 0x0F, false);
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::keep_partial_not_last);
    }
    SECTION("tdata changed while stalled") {
        bfm::AxisSink snk(h.port(), rng, stall);
        h.beat(1, 0xFF, false);
        snk.drive();
        snk.observe();
        h.tdata = 2;
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::payload_changed_stalled);
    }
    SECTION("tlast changed while stalled") {
        bfm::AxisSink snk(h.port(), rng, stall);
        h.beat(1, 0xFF, false);
        snk.drive();
        snk.observe();
        h.tlast = 1;
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::payload_changed_stalled);
    }
    SECTION("tvalid dropped while stalled") {
        bfm::AxisSink snk(h.port(), rng, stall);
        h.beat(1, 0xFF, true);
        snk.drive();
        snk.observe();
        h.tvalid = 0;
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::valid_dropped_stalled);
    }
    SECTION("tvalid during reset") {
        bfm::AxisSink snk(h.port(), rng);
        h.rst_n = 0;
        h.beat(1, 0xFF, true);
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::valid_in_reset);
    }
    SECTION("tvalid in the first cycle after reset") {
        bfm::AxisSink snk(h.port(), rng);
        h.rst_n = 0;
        snk.drive();
        snk.observe();
        h.rst_n = 1;
        h.beat(1, 0xFF, true);
        CHECK(rule_of([&] {
                  snk.drive();
                  snk.observe();
              }) == bfm::AxisRule::valid_in_reset);
    }
    SECTION("the checker can be switched off") {
        bfm::AxisSinkConfig off;
        off.check = false;
        bfm::AxisSink snk(h.port(), rng, off);
        h.beat(1, 0x05, true);
        snk.drive();
        snk.observe();
        CHECK(snk.frames().size() == 1);
    }
}
