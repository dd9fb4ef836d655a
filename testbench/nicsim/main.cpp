// nicsim: the co-simulation command (see command.hpp and README.md, "Running a co-simulation").
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "nicsim/command.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "run") nicsim::cli::stop_runs_on_signals();  // Ctrl-C: end cleanly
    return nicsim::cli::run_nicsim_command(args, std::cout, std::cerr, isatty(STDOUT_FILENO) != 0);
}
