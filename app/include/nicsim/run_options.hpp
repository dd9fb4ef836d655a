// The options of `nicsim run`: parse_run_options() turns the argument list into a RunOptions (a
// cosim::Scenario and what the command does around the run), or throws UsageError naming the
// option or value in one line. It only parses and checks: nothing is opened or simulated, so the
// fuzz target fuzz/run_options calls it on any argument list. The configurations a build has are
// passed in (dut::dut_config_names()), so the parser needs no verilated model. The options are a
// CLI11 app (run_options.cpp), which also writes the help text, run_usage().
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cosim/scenario.hpp"
#include "cosim/scenario_error.hpp"

namespace nicsim::cli {

/// The options of `nicsim run` after parsing.
struct RunOptions {
    cosim::Scenario scenario;
    bool seed_given = false;
    std::string json_path;
    bool help = false;
    // On failure: replay with a trace window ending at the failing cycle (replay/failure_waves.hpp).
    bool failure_trace = true;
    std::uint64_t failure_trace_cycles = 4000;
    std::string failure_trace_dir;  // "" = the --json file's folder, else the current folder
    // Coverage build only: this run's RTL counts (DIR/rtl.dat) and C++ counts (DIR/gcov/) go here.
    std::string coverage_dir;
};

/// Thrown by parse_run_options: a one-line message naming the option or value (control
/// characters of what the user gave escaped, cosim::one_line).
class UsageError : public std::runtime_error {
public:
    explicit UsageError(std::string_view what) : std::runtime_error(cosim::one_line(what)) {}
};

/// `configs`: the NIC configurations --config may name. -h/--help sets RunOptions::help; the
/// rules between options are checked all the same.
RunOptions parse_run_options(std::span<std::string const> args, std::span<std::string const> configs);

/// The help text of `nicsim run`: `configs` as for parse_run_options, and the configuration the
/// SystemC top runs (or why there is none) for --top.
std::string run_usage(std::span<std::string const> configs, std::string_view systemc_top_config);

}  // namespace nicsim::cli
