// Scenario: everything a co-simulation run is told (cosim.hpp runs one; `nicsim run` options fill
// one, app/include/nicsim/run_options.hpp), grouped by concern: the traffic, the platform around
// the NIC, the checks that end a bad run, the waves, the views, and what is broken on purpose.
// Plain structs with defaults, kept apart from the co-simulation so that the option parser builds
// without it; its rules (validate, ring sizes, run limits) are scenario_rules.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nicsim/driver/fault_injection/driver_faults.hpp>

#include "cosim/barrier_bug.hpp"
#include "cosim/csum_sums.hpp"
#include "cosim/fault_spec.hpp"
#include "host/memory_order_mode.hpp"
#include "wire/traffic_gen.hpp"

namespace nicsim::cosim {

// tap: the OS's traffic from a Linux TAP device and the wire another one (docs/real-traffic.md).
enum class Mode : std::uint8_t { loopback, generate, pcap, tap };
char const* to_string(Mode m);

/// CheckSettings::watchdog_cycles and hang_check_cycles when not given, before run_limits raises them.
inline constexpr std::uint64_t kDefaultWatchdogCycles = 200'000;
inline constexpr std::uint64_t kDefaultHangCheckCycles = 40'000;

/// --mode tap: the two TAP devices and how long the run lasts (tap/tap_link.hpp).
struct TapSettings {
    std::string host = "nsim0";          // the OS's network stack (its frames are the TX traffic)
    std::string wire = "nsimwire0";      // the link partner's port
    std::string host_netns, wire_netns;  // network namespaces by name; "" = nicsim's own
    unsigned mtu = 0;                    // 0: the NIC's largest frame less the Ethernet header
    double duration_seconds = 0;         // wall seconds of traffic; 0: until SIGINT or SIGTERM
};

/// The traffic: which frames the OS sends and what comes in from the wire.
struct TrafficSettings {
    std::uint64_t packets = 2000;  // TX frames the OS sends (every mode); generate mode:
                                   // as many frames again come in from the wire
    std::size_t min_size = 60;     // frame bytes without FCS (uniform between min and max)
    std::size_t max_size = 1514;
    std::optional<wire::SizeDist> sizes;  // overrides min/max_size (e.g. SizeDist::imix())
    Mode mode = Mode::loopback;
    std::string pcap_in;                          // pcap mode: frames replayed into RX
    TapSettings tap;                              // tap mode
    double csum_offload_fraction = 0.5;           // of TX IP frames: checksums zeroed, NIC inserts them
    CsumSums csum_offload_sums = CsumSums::both;  // which of them such a frame asks for
};

/// The machine around the NIC: queues and rings as the driver sets them up, host memory, the
/// wire's timing, the clock.
struct PlatformSettings {
    std::uint32_t queues = 0;              // queue pairs in use; 0 = the configuration's NUM_QUEUES
    std::uint32_t ring_size = 256;         // OS packet rings and hardware rings (see README)
    std::uint32_t tx_fragment_bytes = 0;   // OS TX fragment buffer; 0: chosen so frames of
                                           // max_size take up to 4 fragments (>= 256 bytes)
    std::uint32_t rx_buffer_bytes = 2048;  // OS RX buffer capacity (multiple of 64, >= 128)
    std::uint16_t irq_packets = 1;         // interrupt moderation (IRQ_MOD_PKTS): completions per
    std::uint16_t irq_holdoff_cycles = 0;  // interrupt, and the holdoff timer (IRQ_MOD_CYCLES, 0 = none)
    bool rss = true;                       // RSS over the queues in use (when more than one)
    std::uint32_t mem_latency_min = 0;     // host memory read/write latency, cycles (uniform)
    std::uint32_t mem_latency_max = 0;
    double mem_stall_percent = 0;  // AXI4 slave: each channel stalls this % of cycles
    double tx_stall_percent = 0;   // TX wire sink: tready low this % of cycles
    double rx_stall_percent = 0;   // RX wire source: tvalid low this % of cycles
    // Host memory ordering (host/memory_order.hpp): strong (every store visible at once: the
    // default, the golden traces) or weak (catches missing and misplaced driver barriers: the
    // e2e, fault and soak tests).
    host::MemoryOrder memory_order = host::MemoryOrder::strong;
    std::uint32_t wire_latency_cycles = 16;  // loopback: TX last beat -> RX first beat
    std::uint64_t clock_hz = 250'000'000;    // for throughput and pcap time stamps
};

/// What ends a run that goes wrong, and what watches it.
struct CheckSettings {
    std::uint64_t max_cycles = 0;  // 0: 1'000'000 + per packet 20'000 (or 4 x a maximal
                                   // frame's time, RunLimits::frame_cycles, if longer)
    // Cycles without a packet event before the run is declared stuck (0 = off). Unset: the
    // default, raised to what the scenario's stalls, latency and frame sizes make normal
    // (run_limits, scenario_rules.hpp); set: exactly that.
    std::optional<std::uint64_t> watchdog_cycles;
    // The OS's TX hang check: a queue with frames in flight and no TX completion for this many
    // cycles is reset (Adapter::request_ring_reset). 0 = off. Unset: the default, raised like
    // the watchdog's.
    std::optional<std::uint64_t> hang_check_cycles;
    bool ownership_monitor = true;  // check every DMA access against the ownership contract
};

/// FST waves: cycles first_cycle..last_cycle (default: the whole run) into path ("" = none); the
/// file is opened at the first cycle and closed after the last.
struct TraceSettings {
    std::string path;
    std::uint64_t first_cycle = 0;
    std::uint64_t last_cycle = ~std::uint64_t{0};
    int depth = 0;                    // $dumpvars levels below each scope (0 = all)
    std::vector<std::string> scopes;  // dotted scopes, e.g. "nic_top.nic_top.tx"; empty = all
    std::optional<unsigned> threads;  // must equal what the model was verilated with
    // Flight recorder (sim/flight_recorder.hpp): path holds the last this many cycles (0: off, the
    // trace window applies); SIGUSR1 writes them to numbered files beside it at once.
    std::uint64_t ring_cycles = 0;
};

/// What the run writes about itself besides the summary (testbench/monitor/README.md).
struct ViewSettings {
    std::string pcap_out;       // every wire frame, both directions (.pcap or .pcapng)
    std::string timeline_json;  // packet timeline, Chrome/Perfetto trace-event JSON
    std::string timeline_csv;   // packet timeline, one CSV row per packet
    // Progress: called every progress_interval_cycles (0 = never) and once at the end.
    std::uint64_t progress_interval_cycles = 0;
};

/// A run, by concern.
struct Scenario {
    std::string top = "cpp";         // hardware top: cpp (CppTop, CoSimulation) or systemc
                                     // (systemc/: nicsim::systemc::run_on_systemc_top)
    std::string config = "dw64_q4";  // a name of nicsim::dut::dut_config_names()
    std::uint64_t seed = 1;
    TrafficSettings traffic;
    PlatformSettings platform;
    CheckSettings checks;
    TraceSettings trace;
    ViewSettings views;
    // What is broken on purpose. Faults (docs/faults.md): each injected as its spec says, each
    // outcome accounted for.
    std::vector<FaultSpec> faults;
    // A deliberately broken driver (nicsim::driver::fault_injection): the ring verifier must catch it.
    driver::fault_injection::DriverFaults driver_faults;
    // A driver whose barriers are misplaced on purpose (barrier_bugs.hpp): weak ordering must catch it.
    BarrierBug barrier_bug = BarrierBug::none;
};

}  // namespace nicsim::cosim
