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
    std::string name;  // file name without .trace
    std::string what;  // one line, for the trace's header and `golden_trace list`
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
    std::string trace;        // what data/<name>.trace holds: header, one line per handshake, footer
    std::uint64_t hash = 0;   // the recorder's FNV-1a hash over the handshake lines
    std::uint64_t lines = 0;  // handshake lines
    cosim::RunSummary summary;
};

/// Runs the scenario with a TransactionRecorder attached and returns its trace. Throws
/// std::runtime_error when the run's verdict is not the expected one (with the summary).
GoldenRun run_golden(GoldenScenario const& g);

/// nullopt when the traces are equal; else a report naming the first divergent line, its cycle,
/// `context` lines of both traces around it, and the command that regenerates the golden files.
std::optional<std::string> compare_traces(std::string_view expected, std::string_view actual, std::size_t context = 4);

/// The command that regenerates every golden file.
inline constexpr std::string_view regen_command = "tools/regen-golden";

// Cycle-count pins (golden_cycles.tsv, README.md "Cycle-count pins"): each scenario's whole run
// (RunSummary::cycles: reset, bring-up, traffic, the driver's stop) within a relative margin, so
// regenerating the traces after a timing change cannot make a scenario slower (or faster) by
// more than the margin without the table changing in the same commit.

/// Relative margin around a pinned cycle count (counts repeat exactly: it only absorbs intended
/// small changes).
inline constexpr double cycle_margin = 0.01;

struct CyclePin {
    std::string scenario;
    std::uint64_t cycles = 0;
};

/// The pins from the table's text (`scenario cycles` per line, '#' comments); throws
/// std::invalid_argument "<source>:<line>: what is wrong".
std::vector<CyclePin> parse_cycle_pins(std::string_view text, std::string const& source);
/// The table's text: header comment and one line per pin.
std::string format_cycle_pins(std::vector<CyclePin> const& pins);
/// nullopt when `measured` is within the margin of the pin; else a report naming the scenario,
/// the pinned and measured counts, the margin and what to do.
std::optional<std::string> check_cycles(CyclePin const& pin, std::uint64_t measured);

/// The command that regenerates the traces and the cycle-count pins.
inline constexpr std::string_view regen_cycles_command = "tools/regen-golden --cycles";

}  // namespace nicsim::golden
