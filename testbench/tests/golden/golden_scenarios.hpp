// Golden scenarios: small fixed co-simulations (driver + ringlib OS queues + verilated NIC,
// zero-latency memory, no stalls) whose every port handshake, recorded by the
// TransactionRecorder from the moment traffic may start, is committed as a golden trace
// (data/<name>.trace). golden_test compares the current trace with it; `golden_trace` (this
// folder's tool, run by tools/regen-golden) prints, hashes and regenerates them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosim/cosim.hpp"

namespace nicsim::golden {

struct GoldenScenario {
    std::string name;        // file name without .trace
    std::string what;        // one line, for the trace's header and `golden_trace list`
    cosim::Scenario scenario;
    bool expect_pass = true;  // error cases: the run fails with a ring error
    /// Called once the driver is up, before recording starts (e.g. inject DMA errors).
    std::function<void(cosim::CoSimulation&)> prepare;
};

/// Every golden scenario, in a fixed order.
std::vector<GoldenScenario> const& golden_scenarios();
/// The scenario of that name, or nullptr.
GoldenScenario const* find_golden(std::string_view name);

struct GoldenRun {
    std::string trace;          // what data/<name>.trace holds: header, one line per handshake, footer
    std::uint64_t hash = 0;     // the recorder's FNV-1a hash over the handshake lines
    std::uint64_t lines = 0;    // handshake lines
    cosim::RunSummary summary;
};

/// Runs the scenario with a TransactionRecorder attached and returns its trace. Throws
/// std::runtime_error when the run's verdict is not the expected one (with the summary).
GoldenRun run_golden(GoldenScenario const& g);

/// nullopt when the traces are equal; else a report naming the first divergent line, its cycle,
/// `context` lines of both traces around it, and the command that regenerates the golden files.
std::optional<std::string> compare_traces(std::string_view expected, std::string_view actual,
                                          std::size_t context = 4);

/// The command that regenerates every golden file.
inline constexpr std::string_view regen_command = "tools/regen-golden";

}  // namespace nicsim::golden
