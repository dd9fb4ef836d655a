// Runs the verilated waves_demo block once per test process and leaves its FST dump in the
// test work folder, with what the test drove and saw at every cycle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace nicsim::waves::test {

// One clock cycle: inputs applied for its rising edge and outputs right after it.
struct DemoCycle {
    bool rst_n = false;
    bool in_valid = false;
    std::uint8_t in_data = 0;
    bool out_valid = false;
    std::uint8_t out_data = 0;
    std::uint8_t err_code = 0;
    std::uint16_t count = 0;
};

// Time units per cycle in the dump and the time of cycle 0's rising edge.
inline constexpr std::uint64_t demo_period = 10;
inline constexpr std::uint64_t demo_phase = 5;
inline constexpr int demo_cycles = 40;

struct DemoRun {
    std::filesystem::path fst;
    std::vector<DemoCycle> cycles;
};

DemoRun const& demo_run();

std::filesystem::path work_dir();  // a fresh folder per test process

}  // namespace nicsim::waves::test
