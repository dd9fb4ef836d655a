// The waves command: shared by the nicsim-waves executable and the `nicsim waves` subcommand.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace nicsim::waves {

// Runs the command on `args` (without the program name). Output goes to `out`, diagnostics to
// `err` (one line, starting with `program`). Returns the exit status: 0 done, 1 the selection
// could not be served, 2 a bad option or value, or an FST file that cannot be used (FstError:
// missing, not FST, cut short or damaged).
int run_waves_command(std::string_view program, std::span<const std::string> args, std::ostream& out,
                      std::ostream& err);

// The --help text.
std::string waves_usage(std::string_view program);

}  // namespace nicsim::waves
