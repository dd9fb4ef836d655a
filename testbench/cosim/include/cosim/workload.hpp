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

namespace ringlib::os {
class PacketQueue;
}
namespace nicsim::driver {
class Adapter;
}

namespace nicsim::cosim {

/// Checks the parts of a scenario every top shares; throws ScenarioError naming the field(s).
void validate(Scenario const& s);

/// The ring and buffer sizes of a scenario's OS queues and hardware rings (README: --ring-size)
/// and the host memory they take, so that a top sizes its DMA memory from the scenario.
struct RingPlan {
    std::uint32_t os_ring = 0;                     // OS packet rings (Scenario::ring_size)
    std::uint32_t tx_fragment_ring = 0;            // OS fragment rings: os_ring * fragments of a maximal
    std::uint32_t rx_fragment_ring = 0;            //   frame, at most kMaxNetRingEntries
    std::uint32_t tx_fragment_bytes = 0;           // OS TX fragment buffer size
    std::uint32_t hw_tx_log2 = 0, hw_rx_log2 = 0;  // hardware rings: at least one maximal packet
    std::uint64_t host_memory_bytes = 0;           // DMA memory for all of it, at least kDefaultHostMemoryBytes
};
/// The most entries a net ring (and a hardware ring, MAX_RING_LOG2) has.
inline constexpr std::uint32_t kMaxNetRingEntries = 65536;
/// Host memory of a run whose rings need less (every default-sized run).
inline constexpr std::uint64_t kDefaultHostMemoryBytes = 64u << 20;
/// The most host memory a run may take (it is allocated and zeroed whole).
inline constexpr std::uint64_t kMaxHostMemoryBytes = std::uint64_t{4} << 30;
/// Throws ScenarioError when a maximal frame needs more TX fragments than the NIC takes, or the
/// rings more host memory than kMaxHostMemoryBytes (naming the fields and the limit).
RingPlan plan_rings(Scenario const& s, dut::DutConfig const& config);

/// The time limits of a run, scaled to what its scenario makes normal: with heavy back-pressure,
/// long memory latency and large frames a ring legitimately goes a long time without a
/// completion, and the run without a packet event. Limits the scenario does not set are the
/// defaults raised to that; a limit it sets is kept exactly (0 keeps a check off).
struct RunLimits {
    std::uint64_t frame_cycles = 0;       // one maximal frame through the slowest stalled bus, plus
                                          // a memory round trip each way
    std::uint64_t hang_check_cycles = 0;  // the OS's TX hang check (0 = off)
    std::uint64_t watchdog_cycles = 0;    // no packet event for this long fails the run (0 = off)
    std::uint64_t max_cycles = 0;         // the whole run (Scenario::max_cycles, or the default)
};
RunLimits run_limits(Scenario const& s, unsigned data_bytes, unsigned queues);

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
