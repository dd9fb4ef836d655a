// For co-simulation tests (e2e, soak): run a scenario and, when it fails, replay it with a trace
// window ending at the failing cycle (nicsim::replay::trace_failure), so the test's log names the
// FST and .gtkw of the failure, the gtkwave command and shows the key handshakes before it.
//
//   auto const t = run_traced(s, "jumbo");   // files: <build>/testbench/tests/e2e/failures/jumbo_seed14.*
//   INFO(t.failure_report);                   // empty when the run passed
#pragma once

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cosim/cosim.hpp"
#include "monitor/ownership_monitor.hpp"
#include "replay/failure_waves.hpp"

#ifndef NICSIM_E2E_FAILURE_DIR
#define NICSIM_E2E_FAILURE_DIR "failures"
#endif

namespace nicsim::test {

struct TracedRun {
    cosim::RunSummary summary;
    std::optional<monitor::OwnershipStats> ownership;  // what the monitor checked (when attached)
    std::string failure_report;                        // paths, gtkwave command, determinism check, waves; "" if passed
};

inline TracedRun run_traced(cosim::Scenario const& s, std::string const& name, std::uint64_t trace_cycles = 4000) {
    TracedRun t;
    {
        cosim::CoSimulation sim(s);
        t.summary = sim.run();
        if (auto const* m = sim.ownership_monitor()) t.ownership = m->stats();
    }
    if (t.summary.passed) return t;
    replay::FailureTraceOptions o;
    o.dir = NICSIM_E2E_FAILURE_DIR;
    std::string stem;
    for (char c : name) stem += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    o.name = fmt::format("{}_seed{}", stem, s.seed);
    o.cycles = trace_cycles;
    try {
        t.failure_report = replay::trace_failure(s, t.summary, o).report;
    } catch (std::exception const& e) {
        t.failure_report = fmt::format("failure trace: {}\n", e.what());
    }
    return t;
}

}  // namespace nicsim::test
