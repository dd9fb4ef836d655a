// The scenario's rules, pure functions of a Scenario (and the hardware configuration): whether a
// scenario can run at all (validate), the ring and buffer sizes and host memory its rings take
// (plan_rings), and the time limits it makes normal (run_limits). Every top applies them
// (cosim::Workload, the C++ top, the SystemC top); `nicsim regress` checks a plan with validate.
#pragma once

#include <cstdint>

#include "cosim/scenario.hpp"
#include "cosim/scenario_error.hpp"
#include "dut/dut.hpp"

namespace nicsim::cosim {

/// Checks the parts of a scenario every top shares; throws ScenarioError naming the field(s).
void validate(Scenario const& s);

/// The ring and buffer sizes of a scenario's OS queues and hardware rings (README: --ring-size)
/// and the host memory they take, so that a top sizes its DMA memory from the scenario.
struct RingPlan {
    std::uint32_t os_ring = 0;                     // OS packet rings (Scenario::platform.ring_size)
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
    std::uint64_t max_cycles = 0;         // the whole run (Scenario::checks.max_cycles, or the default)
};
RunLimits run_limits(Scenario const& s, unsigned data_bytes, unsigned queues);

}  // namespace nicsim::cosim
