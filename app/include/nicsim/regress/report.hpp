// The outputs of a regression (docs/regress.md, "Outputs"): summary.json (the roll-up, which an
// earlier regression's --rerun-failed reads back), junit.xml (one testsuite per scenario, one
// testcase per run) and the text table printed at the end.
//
// summary.json keeps everything that varies between two regressions of the same plan and seed
// base (wall times, rates, -j) under "timing" keys, so that two of them compare equal without
// those, at any -j and on any backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nicsim/regress/coverage.hpp"
#include "nicsim/regress/run_result.hpp"

namespace nicsim::regress {

struct Regression {
    std::string plan;    // the plan file as given
    std::string group;   // --group ("" = every scenario)
    std::string filter;  // --filter ("" = none)
    std::uint64_t seed_base = 0;
    std::optional<std::uint64_t> seeds;  // --seeds
    std::string rerun_of;                // --rerun-failed DIR ("" = none)
    std::string backend = "local";
    std::vector<std::string> scenarios;  // those selected, in plan order
    std::vector<RunResult> runs;         // in plan order: by scenario, then run index
    std::string stopped;                 // why it ended early ("" = it did not)
    unsigned jobs = 1;
    std::string started;  // when it started, local time ("2025-06-01 07:00:03 +0200"); timing
    double wall_seconds = 0;
    ContractCoverage contract;  // every regression: the runs' contract points, summed
    CodeCoverage code;          // --coverage: the runs' RTL and C++ counts, merged
};

/// 0 every run passed; 1 a run failed, was refused or did not run.
int exit_status_of(Regression const& r);

std::string summary_json(Regression const& r);
std::string junit_xml(Regression const& r);
/// The table per scenario, then each failure with its replay command and waves, then one line of
/// totals. Paths are shown under `out_dir` as the user gave it.
std::string format_report(Regression const& r, std::string const& out_dir);

/// A run named by an earlier regression's summary.json.
struct RunKey {
    std::string scenario;
    std::uint64_t index = 0;
    std::uint64_t seed = 0;
};

/// The runs of the summary.json in `dir` that failed or were refused. Throws std::runtime_error
/// (one line naming the file) when it is missing or not a regression's summary.
std::vector<RunKey> failed_runs(std::string const& dir);

}  // namespace nicsim::regress
