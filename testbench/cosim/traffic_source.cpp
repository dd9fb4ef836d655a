// TrafficSource and its implementations: see traffic_source.hpp.
#include "traffic_source.hpp"

#include <chrono>
#include <random>
#include <string>

#include <fmt/format.h>

#include <nic_contract.hpp>

#include "bfm/pause.hpp"
#include "cosim/scenario_error.hpp"
#include "cosim/stop_request.hpp"
#include "cosim/workload.hpp"
#include "model/checksum.hpp"
#include "scoreboard/scoreboard.hpp"
#include "tap/tap_link.hpp"
#include "tap/tap_wire_peer.hpp"
#include "wire/traffic_gen.hpp"

namespace nicsim::cosim {

namespace {

namespace c = nicsim::contract;
using Clock = std::chrono::steady_clock;

// Tap mode: after this many cycles without a packet event the run checks whether the NIC and the
// driver are idle (one status read) and, if so, blocks on the TAP devices instead of simulating.
constexpr std::uint64_t kTapQuietBeforeIdle = 2000;
constexpr int kTapPollMilliseconds = 100;  // how often a blocked run looks at signals and --duration

/// Loopback, generate, pcap: the scenario's TX frames from the generator (stream 0 of the run's
/// traffic seeds); the RX wire's peer by mode.
class GeneratedTraffic final : public TrafficSource {
public:
    GeneratedTraffic(TrafficContext const& ctx, wire::PcapCapture pcap_in, std::uint64_t rx_padded)
        : sc_(ctx.sc),
          state_(ctx.state),
          queues_(ctx.queues),
          tx_rng_(traffic_seed(ctx.sc.seed, 0)),
          rx_rng_(traffic_seed(ctx.sc.seed, 1)),
          pcap_in_(std::move(pcap_in)),
          rx_padded_(rx_padded) {
        wire::TrafficConfig tc;
        tc.stream_id = 0;
        tc.sizes = sc_.traffic.sizes ? *sc_.traffic.sizes
                                     : wire::SizeDist::uniform(sc_.traffic.min_size, sc_.traffic.max_size);
        tx_gen_ = std::make_unique<wire::TrafficGenerator>(tc, tx_rng_);
        switch (sc_.traffic.mode) {
        case Mode::loopback:
            peer_ = std::make_unique<wire::LoopbackPeer>(ctx.rx_wire, sc_.platform.wire_latency_cycles, ctx.ifg);
            rx_expected_total_ = sc_.traffic.packets;
            break;
        case Mode::generate: {
            wire::TrafficConfig rc = tc;
            rc.stream_id = 1;
            rx_gen_ = std::make_unique<wire::TrafficGenerator>(rc, rx_rng_);
            peer_ = std::make_unique<wire::GeneratorPeer>(ctx.rx_wire, *rx_gen_, sc_.traffic.packets);
            rx_expected_total_ = sc_.traffic.packets;
            break;
        }
        case Mode::pcap:
            peer_ = std::make_unique<wire::PcapReplayPeer>(ctx.rx_wire, pcap_in_);
            // Every record is a frame of 60..MAX_FRAME_BYTES (prepare_for_replay): delivered, or
            // dropped for want of buffers like any other.
            rx_expected_total_ = pcap_in_.packets.size();
            break;
        case Mode::tap: break;  // TapTraffic
        }
    }

    wire::WirePeer& peer() override { return *peer_; }

    void fill(PendingFrames& pending) override {
        std::size_t queued = 0;
        for (auto const& p : pending) queued += p.size();
        while (state_.tx_generated < sc_.traffic.packets && queued < 4 * queues_) {
            wire::Frame f = tx_gen_->next();
            unsigned q = 0;
            if (queues_ > 1) {
                bool const ip = f.gen && f.gen->kind == wire::FrameKind::ip;
                q = static_cast<unsigned>((ip ? f.gen->flow_idx : state_.tx_generated) % queues_);
            }
            f.tx_queue = static_cast<std::uint16_t>(q);
            auto const [offload_ip, offload_l4] = choose_csum_offload(model::parse_frame(f.bytes));
            pending[q].push_back({std::move(f), offload_ip, offload_l4});
            ++state_.tx_generated;
            ++queued;
        }
    }

    std::uint64_t tx_total() const override { return sc_.traffic.packets; }
    std::uint64_t rx_expected_total() const override { return rx_expected_total_; }
    // Loopback: every frame the NIC sent comes back (frames returned unsent do not, and a frame
    // sent twice comes back twice).
    std::uint64_t rx_awaited() const override {
        return sc_.traffic.mode == Mode::loopback ? state_.tx_seen : rx_expected_total_;
    }
    std::uint64_t rx_progress_total() const override {
        return sc_.traffic.mode == Mode::loopback ? sc_.traffic.packets : rx_expected_total_;
    }
    void add_to(RunSummary& out) const override { out.rx_padded = rx_padded_; }

private:
    /// Which checksums the OS asks the NIC for in a frame of this layout (none: it fills them).
    /// The default (both) draws exactly as it always did, so its runs repeat cycle for cycle.
    std::pair<bool, bool> choose_csum_offload(model::FrameLayout const& lay) {
        bool const has_ip = lay.l3 == model::L3::ipv4, has_l4 = lay.l4 != model::L4::other;
        double const fraction = sc_.traffic.csum_offload_fraction;
        switch (sc_.traffic.csum_offload_sums) {
        case CsumSums::both: {
            bool const offload = lay.l3 != model::L3::other && has_l4 && bfm::unit_draw(tx_rng_) < fraction;
            return {offload, offload};
        }
        case CsumSums::ip: return {has_ip && bfm::unit_draw(tx_rng_) < fraction, false};
        case CsumSums::l4: return {false, has_l4 && bfm::unit_draw(tx_rng_) < fraction};
        case CsumSums::mixed: {
            if (!(has_ip || has_l4) || bfm::unit_draw(tx_rng_) >= fraction) return {false, false};
            if (!has_ip || !has_l4) return {has_ip, has_l4};
            switch (std::uniform_int_distribution<int>(0, 2)(tx_rng_)) {
            case 0: return {true, false};
            case 1: return {false, true};
            default: return {true, true};
            }
        }
        }
        return {false, false};
    }

    Scenario const& sc_;
    RunState& state_;
    unsigned queues_;
    std::mt19937_64 tx_rng_, rx_rng_;  // the traffic's own streams (traffic_seed)
    std::unique_ptr<wire::TrafficGenerator> tx_gen_, rx_gen_;
    wire::PcapCapture pcap_in_;
    std::uint64_t rx_padded_;
    std::unique_ptr<wire::WirePeer> peer_;
    std::uint64_t rx_expected_total_ = 0;
};

/// Tap: the host stack's frames in, the wire device's frames onto the RX wire (docs/real-traffic.md).
class TapTraffic final : public TrafficSource {
public:
    explicit TapTraffic(TrafficContext const& ctx)
        : sc_(ctx.sc), hw_(ctx.hw), state_(ctx.state), queues_(ctx.queues), run_idle_(ctx.run_idle) {
        tap::TapLinkOptions to;
        to.host_name = sc_.traffic.tap.host;
        to.wire_name = sc_.traffic.tap.wire;
        to.host_netns = sc_.traffic.tap.host_netns;
        to.wire_netns = sc_.traffic.tap.wire_netns;
        to.mtu = sc_.traffic.tap.mtu;
        to.max_frame_bytes = static_cast<std::size_t>(c::MAX_FRAME_BYTES);
        try {
            link_ = std::make_unique<tap::TapLink>(to);
        } catch (tap::TapError const& e) {
            throw ScenarioError({ScenarioField::mode, fmt::format(" tap: {}", e.what())});
        }
        peer_ = std::make_unique<tap::TapWirePeer>(ctx.rx_wire, *link_);
        steering_ =
            ctx.rss_on ? scoreboard::RssConfig::spread(static_cast<std::uint16_t>(queues_)) : scoreboard::RssConfig{};
    }

    wire::WirePeer& peer() override { return *peer_; }

    /// The host stack's frames, each on the TX queue RSS gives its flow (as a host steers a flow's
    /// transmits to the queue that receives it).
    void fill(PendingFrames& pending) override {
        if (draining_ || hw_.cycle() < next_host_read_) return;
        std::size_t queued = 0;
        for (auto const& p : pending) queued += p.size();
        while (queued < 4 * queues_) {
            auto h = link_->read_host();
            if (!h) {
                next_host_read_ = hw_.cycle() + tap::TapWirePeer::kReadInterval;
                return;
            }
            wire::Frame f;
            f.bytes = std::move(h->bytes);
            auto const q = scoreboard::expect_rx(steering_, f.bytes, false).queue;
            f.tx_queue = q;
            pending[q].push_back({std::move(f), false, h->l4_checksum});
            ++state_.tx_generated;
            ++queued;
        }
    }

    std::uint64_t tx_total() const override { return state_.tx_generated; }
    bool tx_closed() const override { return draining_; }
    std::uint64_t rx_expected_total() const override { return 0; }
    std::uint64_t rx_awaited() const override { return state_.rx_put; }
    std::uint64_t rx_progress_total() const override { return state_.rx_put; }

    // The first signal ends the traffic; the run drains and reports (nicsim run's handler is
    // one-shot: a second Ctrl-C ends the process at once).
    bool end_on_signal(int sig) override {
        if (draining_) return false;
        clear_stop_request();
        drain(signal_name(sig));
        return true;
    }
    void between_cycles() override {
        if (draining_) return;
        if (duration_over())
            drain("--duration");
        else if (idle())
            wait_for_traffic();
    }
    void traffic_starts() override { traffic_start_ = Clock::now(); }
    void delivered(std::span<std::uint8_t const> bytes, bool l4_checksum_good) override {
        link_->write_host(bytes, l4_checksum_good);
    }
    void add_to(RunSummary& out) const override {
        out.tap = link_->stats();
        out.tap_ended_by = ended_by_;
        out.tap_mtu = link_->mtu();
    }

private:
    /// Stop taking frames from the devices; the run ends once what was taken is through.
    void drain(std::string why) {
        draining_ = true;
        ended_by_ = std::move(why);
        peer_->close();
        state_.last_activity = hw_.cycle();  // the drain's own watchdog period starts now
    }
    bool duration_over() const {
        return sc_.traffic.tap.duration_seconds > 0 &&
               std::chrono::duration<double>(Clock::now() - traffic_start_).count() >= sc_.traffic.tap.duration_seconds;
    }
    /// Nothing waits or moves anywhere (run_idle): time can stop until a device has a frame.
    /// Asked after kTapQuietBeforeIdle quiet cycles, at most once per as many.
    bool idle() {
        if (hw_.cycle() - state_.last_activity < kTapQuietBeforeIdle ||
            hw_.cycle() - last_idle_check_ < kTapQuietBeforeIdle)
            return false;
        last_idle_check_ = hw_.cycle();
        return run_idle_();
    }
    void wait_for_traffic() {
        while (!stop_requested() && !duration_over())
            if (link_->wait_for_traffic(kTapPollMilliseconds, sc_.platform.clock_hz)) break;
        next_host_read_ = 0;
        peer_->wake();
        state_.last_activity = hw_.cycle();
    }

    Scenario const& sc_;
    Platform& hw_;
    RunState& state_;
    unsigned queues_;
    std::function<bool()> run_idle_;
    std::unique_ptr<tap::TapLink> link_;
    std::unique_ptr<tap::TapWirePeer> peer_;
    scoreboard::RssConfig steering_;  // the TX queue of a host frame: its RSS queue
    bool draining_ = false;           // no more frames taken from the devices: drain and end
    std::string ended_by_;            // "SIGINT", "SIGTERM" or "--duration"
    Clock::time_point traffic_start_;
    std::uint64_t next_host_read_ = 0, last_idle_check_ = 0;
};

}  // namespace

std::unique_ptr<TrafficSource> make_traffic_source(TrafficContext ctx, wire::PcapCapture pcap_in,
                                                   std::uint64_t rx_padded) {
    if (ctx.sc.traffic.mode == Mode::tap) return std::make_unique<TapTraffic>(ctx);
    return std::make_unique<GeneratedTraffic>(ctx, std::move(pcap_in), rx_padded);
}

}  // namespace nicsim::cosim
