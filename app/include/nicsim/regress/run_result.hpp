// RunResult: one run of a regression, what was run and what became of it. settle() decides the
// verdict from how the process ended and the files the run left in its folder (run.json from
// `nicsim run --json`, output.txt), the same way for every backend.
//
//   exit 0 and run.json passed          passed
//   exit 1                              failed: run.json's failure line
//   exit 2                              refused: `nicsim run` would not run it (its one-line error)
//   a signal, 128 + N                   failed: "killed by SIGSEGV", "ended by SIGTERM (exit status 143)"
//   past --timeout                      failed: "timeout after N s"
//   any other exit, no/bad run.json     failed, saying so
//   lost by the backend                 failed: how ("the Slurm array task 3 ended (FAILED) without ...")
//   cancelled (Ctrl-C, --fail-fast)     not run
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nicsim/regress/launcher.hpp"

namespace nicsim::regress {

enum class RunStatus { passed, failed, refused, not_run };
char const* to_string(RunStatus status);
std::optional<RunStatus> run_status_named(std::string_view name);

/// Latency of one direction of a run, in cycles (run.json's tx_latency_cycles / rx_latency_cycles).
struct LatencyCycles {
    std::uint64_t count = 0;  // packets measured; 0: no figure
    std::uint64_t p50 = 0, p99 = 0, max = 0;
};

struct RunResult {
    // What was run.
    std::string scenario;
    std::uint64_t index = 0;  // the run's number within its scenario (0-based)
    std::uint64_t seed = 0;
    std::string dir;                   // its folder, relative to the output folder
    std::vector<std::string> options;  // `nicsim run` options (without --seed, --json, ...)

    // What became of it.
    RunStatus status = RunStatus::not_run;
    std::string failure_kind;    // failed: "failed", "timeout", "signal", "exit", "no-report", "not-started", "lost";
                                 // refused: "refused"; not run: "not-run"; passed: ""
    std::string reason;          // one line; "" when passed
    std::string replay_command;  // `nicsim run ... --seed S`
    std::string waves;           // the failure trace (FST), relative to the output folder; "" none
    std::string waves_view;      // its GTKWave save file (run.gtkw, marker at the failing cycle); "" none
    std::optional<int> exit_status;
    std::string signal;  // the signal that ended it ("SIGSEGV"), else ""

    // From its run.json (zeros without one).
    bool reported = false;
    std::uint64_t cycles = 0;
    std::uint64_t tx_packets = 0;
    std::uint64_t rx_packets = 0;
    double tx_gbit_per_second = 0;  // at the stated clock: a simulated figure, deterministic
    double rx_gbit_per_second = 0;
    std::uint64_t clock_hz = 0;  // the clock those figures are stated at
    LatencyCycles tx_latency, rx_latency;

    // Timing: differs between two runs of the same seed.
    double wall_seconds = 0;
    double cpu_seconds = 0;  // user + system time of its process
    double cycles_per_second = 0;
    double packets_per_second = 0;
};

/// `nicsim run` followed by `options`, each shell-quoted where needed, and `--seed S`.
std::string replay_command_of(std::vector<std::string> const& options, std::uint64_t seed);

/// Settles `r` from `outcome` and the files in `out_dir / r.dir`. `stop_reason`: why a cancelled
/// run was ended ("interrupted by SIGINT", "--fail-fast").
void settle(RunResult& r, LaunchOutcome const& outcome, std::filesystem::path const& out_dir,
            std::string const& stop_reason);

/// Marks a run that never started as not run, saying why.
void settle_not_started(RunResult& r, std::string const& why);

/// The signal's name ("SIGSEGV"), or "signal N".
std::string signal_name(int signal);

}  // namespace nicsim::regress
