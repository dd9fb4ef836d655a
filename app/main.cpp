// nicsim: the co-simulation command (see command.hpp and README.md, "Running a co-simulation").
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "nicsim/command.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> const args(argv + 1, argv + argc);
    return nicsim::cli::run_nicsim_command(args, std::cout, std::cerr, isatty(STDOUT_FILENO) != 0,
                                           nicsim::cli::OnSignal::stop_run);  // Ctrl-C ends a run cleanly
}
