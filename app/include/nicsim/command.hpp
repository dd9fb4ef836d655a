// The `nicsim` command (app/main.cpp is only a shell around run_nicsim_command).
//
//   nicsim run [options]      one co-simulation (cosim::CoSimulation); nicsim run --help
//   nicsim waves ...          the waves tool (waves/lib/command.hpp)
//   nicsim --help
//
// Exit status: 0 the run passed (scoreboard passed, lost 0, no verifier or protocol violation);
// 1 the run failed (summary and replay command printed); 2 a bad option or value, or an unusable
// input/output file (one line on stderr naming it), nothing simulated; also 2 when the run
// passed but an output file could not be written at the end (one line each); 128 + N: ended
// early by signal N (130 SIGINT, 143 SIGTERM) after stop_runs_on_signals(), outputs written.
#pragma once

#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "nicsim/run_options.hpp"

namespace nicsim::cli {

std::string main_usage();
std::string run_usage();

/// From now on SIGINT and SIGTERM end a running `nicsim run` cleanly at its next cycle
/// (cosim/stop_request.hpp): summary, JSON, trace and pcap written, exit status 128 + signal
/// (130, 143). A second signal ends the process at once.
void stop_runs_on_signals();

/// What SIGINT and SIGTERM do to `nicsim run`: what they do to this process (tests), or
/// stop_runs_on_signals() (main()).
enum class OnSignal { default_action, stop_run };

/// The whole command on `args` (without the program name). `progress`: show the progress line
/// (the caller passes isatty(stdout)).
int run_nicsim_command(std::span<std::string const> args, std::ostream& out, std::ostream& err, bool progress,
                       OnSignal on_signal = OnSignal::default_action);

}  // namespace nicsim::cli
