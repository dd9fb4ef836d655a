// idle_model_cycles: clocks one verilated nic_top configuration out of reset for N cycles with
// every input idle (the TX stream ready), one evaluation per cycle like the kernel without a trace
// (Dut::eval_rising_edge; --two-evals: clk low then high, each evaluated), and nothing else.
// The model is the one a run without waves uses: the untraced one where the build has it
// (dut::Tracing::never); --traced measures the model with tracing compiled in.
// It exists to be measured from outside: bench/instructions-per-cycle runs it under callgrind
// twice (N and 2N cycles) and divides the difference, so start-up cancels; bench/compare-builds
// runs it from two builds in turn and compares the wall-clock rate it prints.
//
//   idle_model_cycles --config dw64_q4 --cycles N [--two-evals] [--traced]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "../common/cli.hpp"
#include "dut/dut.hpp"

namespace {

constexpr char const* kUsage = "idle_model_cycles --config NAME --cycles N [--two-evals] [--traced]";

[[gnu::noinline]] void idle_cycles(nicsim::dut::Dut& dut, std::uint64_t cycles, bool two_evals) {
    auto& p = dut.ports();
    for (std::uint64_t i = 0; i < cycles; ++i) {
        if (two_evals) {
            p.clk.set(0);
            dut.eval();
            p.clk.set(1);
            dut.eval();
        } else {
            dut.eval_rising_edge();  // sets clk high itself
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    namespace nb = nicsim::bench;
    std::string config = "dw64_q4";
    std::uint64_t cycles = 10'000;
    bool two_evals = false;
    bool traced = false;
    for (int i = 1; i < argc; i += 2) {
        bool* const flag = !std::strcmp(argv[i], "--two-evals") ? &two_evals
                           : !std::strcmp(argv[i], "--traced")  ? &traced
                                                                : nullptr;
        if (flag) {
            *flag = true;
            --i;  // takes no value
            continue;
        }
        if (i + 1 >= argc) nb::usage_error("idle_model_cycles", kUsage, fmt::format("{}: missing value", argv[i]));
        if (!std::strcmp(argv[i], "--config"))
            config = argv[i + 1];
        else if (!std::strcmp(argv[i], "--cycles"))
            cycles = nb::parse_count("idle_model_cycles", kUsage, "--cycles", argv[i + 1]);
        else
            nb::usage_error("idle_model_cycles", kUsage, fmt::format("unknown option '{}'", argv[i]));
    }
    auto const names = nicsim::dut::dut_config_names();
    if (std::find(names.begin(), names.end(), config) == names.end())
        nb::usage_error(
            "idle_model_cycles", kUsage,
            fmt::format("--config: no configuration '{}' in this build (built: {})", config, fmt::join(names, ", ")));
    auto dut = nicsim::dut::make_dut(config, traced ? nicsim::dut::Tracing::possible : nicsim::dut::Tracing::never);
    auto& p = dut->ports();
    for (auto& in : p.inputs()) in.set(0);
    p.rst_n.set(0);
    idle_cycles(*dut, 16, two_evals);
    p.rst_n.set(1);
    p.m_axis_tx.tready.set(1);
    auto const t0 = std::chrono::steady_clock::now();
    idle_cycles(*dut, cycles, two_evals);
    double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("simulation: {} cycles (idle {} {} model after reset, {} per cycle), {:.0f} cycles/s\n", cycles + 16,
               config, dut->can_trace() ? "traced" : "untraced", two_evals ? "two evaluations" : "one evaluation",
               static_cast<double>(cycles) / seconds);
    return 0;
}
