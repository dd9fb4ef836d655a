// The table of configurations built into this binary. Generated (testbench/dut/CMakeLists.txt:
// dut_configs.cpp) from the list verilated/configs.cmake built; read it through
// dut_config_names() / make_dut() (dut.hpp).
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "dut/dut.hpp"

namespace nicsim::dut {

struct ConfigEntry {
    std::string_view name;
    std::unique_ptr<Dut> (*make)();           // the model with FST tracing
    std::unique_ptr<Dut> (*make_untraced)();  // the model without (NICSIM_DUT_UNTRACED_CONFIGS), or nullptr
};

std::span<ConfigEntry const> config_table();

}  // namespace nicsim::dut
