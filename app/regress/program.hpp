// run_program: runs a helper program (sbatch, squeue, verilator_coverage, lcov...) to its end and
// collects what it printed, never hanging the regression on it.
#pragma once

#include <string>
#include <vector>

namespace nicsim::regress {

struct ProgramResult {
    int status = -1;  // exit status; -1: could not run, or killed
    std::string out, err;
};

/// Runs argv (found on PATH), stdin from /dev/null, collecting stdout and stderr; killed after
/// `limit_seconds` (a Slurm command stuck on an unreachable controller must not hang us).
ProgramResult run_program(std::vector<std::string> const& argv, double limit_seconds);

/// The first line of `text` that is not blank, without leading blanks ("" when none).
std::string first_line(std::string const& text);

/// What the program said: stderr's first line, else stdout's, else its exit status.
std::string message_of(ProgramResult const& r);

}  // namespace nicsim::regress
