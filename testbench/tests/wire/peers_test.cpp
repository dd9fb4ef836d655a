// Wire peers around two verilated FIFOs standing in for the NIC's TX and RX paths: loopback
// (latency and gap), generator-driven RX and pcap replay, all accounted by the scoreboard.
#include <catch2/catch.hpp>

#include <filesystem>

#include "Vtb_wire_axis_fifo_w64.h"
#include "bfm/axis_sink.hpp"
#include "bfm/axis_source.hpp"
#include "scoreboard/scoreboard.hpp"
#include "clock/verilated_model.hpp"
#include "test_util.hpp"
#include "wire/peers.hpp"

using namespace nicsim;
using nicsim::wiretest::test_rng;

namespace {

// "host" source -> tx fifo -> wire sink (m_axis_tx side); peer -> rx source -> rx fifo -> "host" sink.
struct TwoFifos {
    sim::ModelBench<Vtb_wire_axis_fifo_w64> tx, rx;
    std::mt19937_64& rng;
    bfm::AxisSource host_tx, wire_rx;
    bfm::AxisSink wire_tx, host_rx;

    explicit TwoFifos(std::mt19937_64& r)
        : rng(r),
          host_tx(NICSIM_AXIS_PORT(*tx, s_axis), r),
          wire_rx(NICSIM_AXIS_PORT(*rx, s_axis), r),
          wire_tx(NICSIM_AXIS_PORT(*tx, m_axis), r),
          host_rx(NICSIM_AXIS_PORT(*rx, m_axis), r) {
        for (auto* m : {&tx, &rx}) {
            m->reset(2);
            m->settle();
        }
        wire_tx.config().pause.set_probability(0.2);
        host_rx.config().pause.set_probability(0.2);
        host_tx.config().pause.set_probability(0.2);
    }
    void cycle(wire::WirePeer& peer) {
        peer.tick(wire_rx.cycle());
        for (auto* s : {&host_tx, &wire_rx}) s->drive();
        for (auto* s : {&wire_tx, &host_rx}) s->drive();
        for (auto* m : {&tx, &rx}) m->settle();
        for (auto* s : {&host_tx, &wire_rx}) s->sample();
        for (auto* s : {&wire_tx, &host_rx}) s->sample();
        for (auto* m : {&tx, &rx}) m->edge();
        for (auto* s : {&host_tx, &wire_rx}) s->observe();
        for (auto* s : {&wire_tx, &host_rx}) s->observe();
    }
};

}  // namespace

TEST_CASE("loopback peer returns every TX frame after the wire latency, gaps kept", "[peers]") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x100B);
    TwoFifos b(rng);
    constexpr std::uint64_t kLatency = 17;
    constexpr std::uint32_t kIfg = 3;
    wire::LoopbackPeer peer(b.wire_rx, kLatency, kIfg);
    scoreboard::Scoreboard sb("loopback");
    b.wire_tx.on_frame([&](wire::Frame const& f) {
        sb.tx_seen(f);
        peer.on_tx(f);
    });
    b.wire_rx.on_sent([&](wire::Frame const& f) { sb.rx_put(f); });
    b.host_rx.on_frame([&](wire::Frame const& f) {
        scoreboard::RxDelivery d;
        d.bytes = f.bytes;
        d.bad = f.bad;
        sb.rx_delivered(d);
    });
    wire::TrafficConfig cfg;
    cfg.sizes = wire::SizeDist::imix();
    wire::TrafficGenerator gen(cfg, rng);
    for (int i = 0; i < 40; ++i) {
        auto f = gen.next();
        sb.tx_posted(0, f);
        b.host_tx.send(std::move(f));
    }
    for (int c = 0; c < 20000 && b.host_rx.frames().size() < 40; ++c) b.cycle(peer);
    INFO(sb.report());
    REQUIRE(b.host_rx.frames().size() == 40);
    CHECK(sb.passed());
    CHECK(peer.frames_looped() == 40);
    auto const& tx = b.wire_tx.frames();
    auto const& rx = b.wire_rx.sent();
    for (std::size_t i = 0; i < 40; ++i) {
        CHECK(*rx[i].first_beat_cycle >= *tx[i].last_beat_cycle + kLatency);
        if (i > 0) CHECK(*rx[i].first_beat_cycle >= *rx[i - 1].last_beat_cycle + 1 + kIfg);
    }
}

TEST_CASE("generator peer and pcap replay peer feed RX", "[peers]") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x6E7);
    wire::TrafficConfig cfg;
    cfg.vlan_fraction = 0.5;
    wire::TrafficGenerator gen(cfg, rng);
    auto const path = std::filesystem::temp_directory_path() / fmt::format("nicsim_peers_{}.pcapng", Catch::rngSeed());
    {
        TwoFifos b(rng);
        wire::GeneratorPeer peer(b.wire_rx, gen, 25);
        wire::PcapWriter w(path);
        b.wire_rx.on_sent([&](wire::Frame const& f) { w.add_rx(f); });
        for (int c = 0; c < 20000 && b.host_rx.frames().size() < 25; ++c) b.cycle(peer);
        CHECK(peer.done());
        REQUIRE(b.host_rx.frames().size() == 25);
        w.write();
    }
    auto const cap = wire::read_pcap(path);
    REQUIRE(cap.packets.size() == 25);
    TwoFifos b(rng);
    wire::PcapReplayPeer::Options opt;
    opt.honour_timestamps = true;
    opt.only_direction = wire::Direction::inbound;
    wire::PcapReplayPeer peer(b.wire_rx, cap, opt);
    scoreboard::Scoreboard sb("replay");
    b.wire_rx.on_sent([&](wire::Frame const& f) { sb.rx_put(f); });
    b.host_rx.on_frame([&](wire::Frame const& f) { sb.rx_delivered({0, f.bytes, f.bad, {}, {}, {}}); });
    for (int c = 0; c < 20000 && b.host_rx.frames().size() < 25; ++c) b.cycle(peer);
    INFO(sb.report());
    CHECK(sb.passed());
    REQUIRE(b.host_rx.frames().size() == 25);
    // Time stamps honoured: the replayed frames start no earlier than their recorded spacing.
    auto const t0 = cap.packets[0].ts_ns;
    for (std::size_t i = 0; i < 25; ++i)
        CHECK(*b.wire_rx.sent()[i].first_beat_cycle >= (cap.packets[i].ts_ns - t0) / 4);
    std::filesystem::remove(path);
}
