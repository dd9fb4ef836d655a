// CoSimulation: the product's main job in one object, on the C++ top. The hardware (CppTop,
// cpp_top.hpp): a verilated nic_top (any configuration of nicsim_models, protocol checkers
// bound), the simulation kernel, the host (DMA memory with latency/stalls, MMIO, interrupts) and
// the wire's bus models. The workload (workload.hpp), the same on every top: the wire peer
// (loopback, generator or pcap replay), the scoreboard, the driver Adapter and, per queue pair,
// a ringlib TxQueue and RxQueue created through the driver's EvtCreate callbacks. Frames are
// submitted to the OS TX queues between cycles and the OS queues are polled; the run ends when
// every frame is accounted for (scoreboard) and the queues are idle, then the queues are
// stopped (cancel, drain, EvtStop) and the adapter.
//
//   nicsim::cosim::Scenario s;             // plain struct: config, seed, packets, sizes, mode...
//   s.traffic.packets = 200;
//   nicsim::cosim::CoSimulation sim(s);    // throws ScenarioError for a bad scenario / input file
//   nicsim::cosim::RunSummary r = sim.run();
//   fmt::print("{}", format_summary(r));   // r.passed: scoreboard passed, lost == 0, no violation
//
// Everything random derives from Scenario::seed (the bus models draw from the kernel's generator,
// the traffic from its own streams): a seed replays the run cycle for cycle (replay_command()).
//
// Monitors and tests reach the parts through kernel(), dut(), host() (valid from construction)
// and adapter() (once started); on_started() runs once the adapter is up and the RX rings have
// buffers, before the first frame. The ownership monitor (testbench/monitor) is attached from
// construction unless Scenario::checks.ownership_monitor is off; a violation stops the run (failure
// names the access, the owner and the cycle; RunSummary::ownership_violations counts it).
// With Scenario::platform.memory_order weak (what the e2e, fault and soak tests run; host/memory_order.hpp)
// a driver barrier missing or misplaced makes the NIC or the driver see stale memory, and the run
// stops with an ordering violation naming the rule, the ring and the cycle (the monitor explains
// it; RunSummary::ordering_violations counts it). Strong, the default, models no reordering.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cosim/faults.hpp"
#include "cosim/scenario.hpp"
#include "cosim/scenario_error.hpp"
#include "host/memory_order_mode.hpp"
#include "tap/tap_link.hpp"
#include "wire/traffic_gen.hpp"

namespace nicsim::sim {
class Kernel;
}
namespace nicsim::dut {
class Dut;
}
namespace nicsim::host {
class Host;
}
namespace nicsim::driver {
class Adapter;
}
namespace nicsim::monitor {
class OwnershipMonitor;
class PacketTimeline;
}  // namespace nicsim::monitor

namespace nicsim::cosim {

struct Progress {
    std::uint64_t packets_done = 0;   // tx_done + rx_done
    std::uint64_t packets_total = 0;  // tx_total + rx_total
    std::uint64_t tx_done = 0;        // TX frames completed to the OS
    std::uint64_t tx_total = 0;       // TX frames the run sends (Scenario::traffic.packets)
    std::uint64_t rx_done = 0;        // RX frames delivered or dropped
    std::uint64_t rx_total = 0;       // RX frames the run waits for
    std::uint64_t cycles = 0;
    double wall_seconds = 0;
};

struct LatencyStats {
    std::uint64_t count = 0;
    std::uint64_t p50 = 0, p99 = 0, max = 0;  // cycles
};

struct QueueCounts {
    std::uint64_t tx_packets = 0, tx_bytes = 0;  // seen on the wire, by the queue that sent them
    std::uint64_t rx_packets = 0, rx_bytes = 0;  // delivered by the OS RX queue
    std::uint64_t rx_expected = 0;               // put on the wire for this queue (RSS reference)
    std::uint64_t rx_dropped = 0;                // reported dropped by the NIC or the driver, any reason
    std::uint64_t tx_unsent = 0;                 // returned to the OS unsent, any reason
};

/// A flight recorder file (--waves-ring) written during the run.
struct WavesDump {
    std::string path;
    std::uint64_t first_cycle = 0, last_cycle = 0;
};

struct RunSummary {
    // what ran
    std::string config;
    unsigned data_width_bits = 0;
    unsigned num_queues = 0;  // the configuration's NUM_QUEUES
    unsigned queues = 0;      // in use
    std::uint64_t seed = 0;
    Mode mode = Mode::loopback;
    std::uint64_t clock_hz = 0;
    // verdict
    bool passed = false;
    std::string failure;                      // why not (first reason), empty when passed
    std::uint64_t failure_cycle = 0;          // when failed: the last rising edge simulated when
                                              // the failure was found (waves cycle numbering)
    std::vector<std::string> error_messages;  // scoreboard errors and the run's exception
    // counts
    std::uint64_t tx_packets = 0, tx_bytes = 0;  // seen on the wire
    std::uint64_t rx_packets = 0, rx_bytes = 0;  // delivered to the OS
    std::uint64_t tx_posted = 0;                 // submitted to the OS TX queues
    std::uint64_t rx_injected = 0;               // put on the RX wire
    std::uint64_t rx_padded = 0;                 // pcap records under 60 bytes padded to 60
    std::uint64_t tx_offloaded = 0;              // TX frames with checksum insertion requested
    std::uint64_t tx_multi_fragment = 0;         // TX frames of more than one fragment
    std::uint64_t rx_multi_buffer = 0;           // RX frames delivered in more than one buffer
    std::vector<QueueCounts> per_queue;
    std::map<std::string, std::uint64_t> drops;  // by reason
    std::uint64_t dropped = 0;
    std::uint64_t errors = 0;                  // scoreboard errors + run errors + unexpected ring errors
    std::uint64_t ring_errors = 0;             // hardware rings that entered error (driver stats); each
                                               // one recovered by a ring reset
    std::uint64_t unexpected_ring_errors = 0;  // of ring_errors, those no fault explains
    std::uint64_t lost = 0;
    std::uint64_t tx_missing = 0;
    std::uint64_t verifier_violations = 0;
    std::uint64_t protocol_violations = 0;   // bus checkers (SVA) and BFM checks
    std::uint64_t ownership_violations = 0;  // DMA outside what the NIC owns (ownership monitor)
    host::MemoryOrder memory_order = host::MemoryOrder::strong;
    std::uint64_t ordering_violations = 0;  // stale memory seen for a missing barrier (weak ordering)
    std::uint64_t interrupts = 0;
    std::uint64_t mmio_reads = 0, mmio_writes = 0;
    // faults (docs/faults.md)
    std::map<std::string, std::uint64_t> faults_injected;      // by kind, injections that took effect
    std::map<std::string, std::uint64_t> faults_not_fired;     // by spec, injections that never did
    std::map<std::string, std::uint64_t> ring_errors_by_code;  // err_e name -> entries into error
    std::uint64_t expected_errors = 0;                         // ring errors the faults explain + register refusals
    std::uint64_t unexpected_errors = 0;                       // ring errors beyond them + answers the contract forbids
    std::map<std::string, std::uint64_t> tx_drops;             // TX frames returned unsent, by reason
    std::uint64_t tx_dropped = 0;
    std::uint64_t tx_duplicates = 0;               // TX frames seen twice on the wire: always an error
    std::uint64_t tx_sent_without_completion = 0;  // sent (RING_TAKEN), completion lost: returned as sent
    std::uint64_t queue_resets = 0;                // rings reset on request (queue-reset faults, hang check);
                                                   // ring resets in all: ring_errors + queue_resets
    std::uint64_t hang_resets = 0;                 // of which by the OS's TX hang check
    // limits used (run_limits: the options, raised to what the scenario makes normal)
    std::uint64_t hang_check_cycles = 0, watchdog_cycles = 0, max_cycles = 0;
    bool limits_raised = false;  // the hang check or the watchdog is longer than its default
    // time
    std::uint64_t cycles = 0;          // every kernel cycle, reset and bring-up included
    std::uint64_t traffic_cycles = 0;  // first frame submitted .. last frame accounted for
    double wall_seconds = 0;
    double sim_cycles_per_second = 0;
    double packets_per_second = 0;  // (tx + rx packets) per wall second
    double tx_gbit_per_second = 0;  // at clock_hz over traffic_cycles
    double rx_gbit_per_second = 0;
    LatencyStats tx_latency;  // TxQueue::submit -> TX completion callback
    LatencyStats rx_latency;  // first beat on the RX wire -> OS RX delivery
    // trace
    std::vector<WavesDump> waves_ring_dumps;  // --waves-ring files written on SIGUSR1
    std::string trace_file;                   // the FST written (Scenario::trace.path), "" if the run
                                              // never reached the window (or there was none)
    // outputs (--trace, --pcap-out, --timeline, --timeline-csv) that could not be written, one
    // line each naming the option and the file; they do not change the verdict
    std::vector<std::string> output_errors;
    int interrupted_by = 0;  // the signal that ended the run early (stop_request.hpp), or 0
    // tap mode (docs/real-traffic.md): what crossed the TAP devices, and what ended the traffic
    tap::TapStats tap;
    std::string tap_ended_by;  // "SIGINT", "SIGTERM" or "--duration"
    unsigned tap_mtu = 0;
    // contract coverage (docs/coverage.md): hits of every cover point, when it was collected
    // (the C++ top with its ownership monitor on; not the SystemC top)
    std::optional<std::map<std::string, std::uint64_t>> contract_coverage;
};

class CoSimulation {
public:
    explicit CoSimulation(Scenario scenario);
    ~CoSimulation();
    CoSimulation(CoSimulation const&) = delete;
    CoSimulation& operator=(CoSimulation const&) = delete;

    Scenario const& scenario() const noexcept;
    /// Called with progress (see Scenario::views.progress_interval_cycles).
    void on_progress(std::function<void(Progress const&)> cb);
    /// Called once, after bring-up and before the first frame.
    void on_started(std::function<void()> cb);

    sim::Kernel& kernel() noexcept;
    dut::Dut& dut() noexcept;
    host::Host& host() noexcept;
    /// The driver's adapter once started (from on_started on), else nullptr.
    driver::Adapter* adapter() noexcept;
    /// The ownership monitor (nullptr when Scenario::checks.ownership_monitor is off and no timeline).
    monitor::OwnershipMonitor* ownership_monitor() noexcept;
    /// The packet timeline (nullptr unless Scenario::views.timeline_json or timeline_csv is set).
    monitor::PacketTimeline* timeline() noexcept;
    /// Runs to the end; never throws for a failing run (the summary says why).
    RunSummary run();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// "SIGINT", "SIGTERM", else "signal N".
std::string signal_name(int signal);
/// The human-readable summary (several lines, ends with a newline).
std::string format_summary(RunSummary const& s);
/// What a JSON report holds beyond the summary: how to run it again and what else was written.
struct RunRecord {
    Scenario const* scenario = nullptr;  // "scenario" (every option) and "replay_command"
    std::string tool_version;            // "nicsim_version"
    std::string failure_trace_fst;       // "failure_trace": {"fst", "gtkw"}, null when none
    std::string failure_trace_gtkw;
};
/// The summary as one JSON object. 64-bit numbers that JSON readers may round (the seed) are
/// also given as strings ("seed_string").
std::string to_json(RunSummary const& s, RunRecord const& record = {});
/// The scenario's options as one JSON object (to_json's "scenario").
std::string scenario_json(Scenario const& s);
/// `nicsim run ...` with every option that differs from the defaults, seed included; paths and
/// other values quoted for a POSIX shell where needed (shell_quote).
std::string replay_command(Scenario const& s);
/// `word` as one word for a POSIX shell: as is when it holds only safe characters, else in
/// single quotes.
std::string shell_quote(std::string_view word);

}  // namespace nicsim::cosim
