// nicsim-waves: terminal waveform viewer and GTKWave layout writer for FST dumps.
// All the logic is nicsim::waves::run_waves_command (shared with `nicsim waves`).
#include <iostream>
#include <string>
#include <vector>

#include "waves/command.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return nicsim::waves::run_waves_command("nicsim-waves", args, std::cout, std::cerr);
}
