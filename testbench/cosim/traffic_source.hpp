// TrafficSource: where a run's frames come from. It owns the source of the TX frames, which it adds
// to the per-queue pending lists the TransmitSide submits from (fill(), between cycles, while the
// run is not stopping), and the wire peer that drives the NIC's RX wire; it says how many frames
// the run waits for. Built with the Workload (a ScenarioError if its input is unusable); its
// between-cycles step runs first in every cycle's software.
//
// Two implementations (make_traffic_source picks by Scenario::traffic.mode):
//   GeneratedTraffic  loopback, generate, pcap: the scenario's TX frames from the traffic
//                     generator, checksum offload drawn per frame; the RX peer by mode (the TX
//                     frames looped back, generated frames, the capture replayed). The three modes
//                     differ only in that peer and in what they expect back.
//   TapTraffic        tap: TX frames from the host TAP device, RX from the wire device; the run
//                     ends on a signal or --duration, and blocks on the devices while all is idle.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "cosim/cosim.hpp"
#include "cosim/platform.hpp"
#include "frame/frame.hpp"
#include "frame/rx_wire.hpp"
#include "run_state.hpp"
#include "wire/pcap.hpp"
#include "wire/peers.hpp"

namespace nicsim::cosim {

/// A TX frame generated and not yet submitted to its OS queue, with the offloads the OS asks for.
struct PendingFrame {
    wire::Frame frame;
    bool offload_ip = false;  // IPv4 header checksum insertion requested
    bool offload_l4 = false;  // TCP/UDP checksum insertion requested
};
using PendingFrames = std::vector<std::deque<PendingFrame>>;  // per queue

class TrafficSource {
public:
    virtual ~TrafficSource() = default;

    /// The peer on the wire (started by the Workload once the RX rings have buffers).
    virtual wire::WirePeer& peer() = 0;
    /// Between cycles: tops up `pending` (at most 4 frames per queue in all), counting
    /// RunState::tx_generated.
    virtual void fill(PendingFrames& pending) = 0;
    /// TX frames the run sends (tap: those taken from the host so far).
    virtual std::uint64_t tx_total() const = 0;
    /// No more TX frames will be taken (tap: draining).
    virtual bool tx_closed() const { return true; }
    /// RX frames known up front (0 when unknown: tap).
    virtual std::uint64_t rx_expected_total() const = 0;
    /// RX frames the run waits for, now.
    virtual std::uint64_t rx_awaited() const = 0;
    /// RX frames the progress line counts to.
    virtual std::uint64_t rx_progress_total() const = 0;

    /// A stop request (signal `sig`) arrived: false ends the run at once (RunInterrupted), true
    /// means the traffic drains and the run ends by itself.
    virtual bool end_on_signal(int sig) {
        (void)sig;
        return false;
    }
    /// First in every cycle's software (after the stop request).
    virtual void between_cycles() {}
    /// The wire has started.
    virtual void traffic_starts() {}
    /// An RX frame the OS delivered (after the scoreboard saw it).
    virtual void delivered(std::span<std::uint8_t const> bytes, bool l4_checksum_good) {
        (void)bytes, (void)l4_checksum_good;
    }
    /// Its part of the summary.
    virtual void add_to(RunSummary& out) const { (void)out; }
};

/// What a TrafficSource is built from.
struct TrafficContext {
    Scenario const& sc;
    Platform& hw;
    RunState& state;
    unsigned queues = 1;
    bool rss_on = false;
    wire::RxWire& rx_wire;  // the RX wire the peer sends on (with faults: through the injector)
    std::uint32_t ifg = 1;  // the RX wire's gap between frames, cycles
    /// Tap mode: the rest of the run is idle (no frame pending or in flight anywhere; the drops
    /// are counted), so time may stop until a device has a frame.
    std::function<bool()> run_idle;
};

/// The source for sc.traffic.mode. `pcap_in`: the capture prepared for replay (pcap mode),
/// `rx_padded` its records padded. Throws ScenarioError (tap devices that cannot be made).
std::unique_ptr<TrafficSource> make_traffic_source(TrafficContext ctx, wire::PcapCapture pcap_in,
                                                   std::uint64_t rx_padded);

}  // namespace nicsim::cosim
