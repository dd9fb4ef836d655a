// The reference point of the speed benchmarks: a verilated nic_top configuration clocked bare,
// out of reset with every input idle (the TX stream ready), through the Dut interface and
// nothing else. Returns simulated cycles per wall second over `cycles` cycles. By default the
// model a run without waves uses (the untraced one where the build has it); the SystemC top's
// bench asks for the traced one, as its own model is.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "dut/dut.hpp"

namespace nicsim::bench {

[[gnu::noinline]] inline double bare_model_cycles_per_second(std::string const& config, std::uint64_t cycles,
                                                             dut::Tracing tracing = dut::Tracing::never) {
    auto dut = dut::make_dut(config, tracing);
    auto& p = dut->ports();
    for (auto& in : p.inputs()) in.set(0);
    p.rst_n.set(0);
    auto edge = [&] {
        p.clk.set(0);
        dut->eval();
        p.clk.set(1);
        dut->eval();
    };
    for (int i = 0; i < 16; ++i) edge();
    p.rst_n.set(1);
    p.m_axis_tx.tready.set(1);
    auto const t0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < cycles; ++i) edge();
    return static_cast<double>(cycles) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace nicsim::bench
