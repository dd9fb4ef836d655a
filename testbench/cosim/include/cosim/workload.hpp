// Workload: the hardware-independent half of a co-simulation. From a Scenario it builds the
// traffic (generator, wire peer, pcap in/out), the scoreboard, the driver Adapter and, per queue
// pair, a ringlib TxQueue and RxQueue created through the driver's EvtCreate callbacks; run()
// brings the adapter up on a Platform (a hardware top), submits frames to the OS TX queues and
// polls the OS queues between cycles until every frame is accounted for, stops the queues
// (cancel, drain, EvtStop) and the adapter, and returns the books as a RunSummary.
//
// Randomness: the traffic draws from its own generators, seeded from Scenario::seed alone
// (traffic_seed()), never from a top's bus models: one scenario offers the same frames, with the
// same offload requests, in the same order, on every top and whatever the stalls.
#pragma once

#include <functional>
#include <memory>
#include <span>

#include "cosim/cosim.hpp"
#include "cosim/platform.hpp"
#include "cosim/scenario_rules.hpp"

namespace ringlib::os {
class PacketQueue;
}
namespace nicsim::driver {
class Adapter;
}

namespace nicsim::cosim {

/// The seed of stream `stream` of a run (0: TX frames, 1: generated RX frames, 2: the weak memory
/// model's delays).
std::uint64_t traffic_seed(std::uint64_t run_seed, unsigned stream);

/// Software and wire events of the traffic, for views such as the packet timeline (each optional;
/// called at the current cycle, Platform::cycle()).
struct TrafficHooks {
    std::function<void(unsigned queue, std::uint64_t frame_id, wire::Frame const&)> tx_submitted;
    std::function<void(unsigned queue, std::uint64_t frame_id)> tx_completed;  // the OS completion
    std::function<void(wire::Frame const&)> tx_on_wire, rx_on_wire;            // at the last beat
    std::function<void(unsigned queue, std::span<std::uint8_t const> bytes)> rx_delivered;
};

class Workload {
public:
    /// Reads --pcap-in and opens --pcap-out (ScenarioError if unusable); nothing runs yet.
    Workload(Scenario const& scenario, Platform& platform);
    ~Workload();
    Workload(Workload const&) = delete;
    Workload& operator=(Workload const&) = delete;

    void on_progress(std::function<void(Progress const&)> cb);
    /// Called once the adapter is up and every RX ring has buffers, before the first frame.
    void on_started(std::function<void()> cb);
    void set_traffic_hooks(TrafficHooks hooks);
    /// The driver's adapter, once started (nullptr before).
    driver::Adapter* adapter() noexcept;

    /// Runs to the end; never throws for a failing run (the summary says why).
    RunSummary run();
    /// Every OS queue built so far (after run(): stopped, with its lifecycle counts).
    void for_each_os_queue(std::function<void(ringlib::os::PacketQueue const&)> const& visit) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nicsim::cosim
