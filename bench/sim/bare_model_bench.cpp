// Harness overhead: cycles per second of a bare verilated nic_top (clock toggled, eval, idle
// inputs) against the same configuration driven by the simulation kernel with the host's idle
// BFMs (AXI4 memory slave, AXI4-Lite master, interrupt monitor), in one alternating run.
//
//   bare_model_bench [--cycles N] [--repetitions R]
//
// The configuration is fixed at build time (NICSIM_BENCH_CONFIG, bench/sim/CMakeLists.txt): the
// bare loop needs the model class itself, not the Dut interface.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <verilated.h>

#include "../common/harness.hpp"
#include "dut/dut.hpp"
#include "host/host.hpp"
#include "sim/kernel.hpp"

#include NICSIM_BENCH_MODEL_HEADER

namespace hb = nicsim::bench;

namespace {

using BareModel = NICSIM_BENCH_MODEL_CLASS;

[[gnu::noinline]] void bare_cycles(BareModel& m, std::uint64_t cycles) {
    for (std::uint64_t i = 0; i < cycles; ++i) {
        m.clk = 0;
        m.eval();
        m.clk = 1;
        m.eval();
    }
}

[[gnu::noinline]] void kernel_cycles(nicsim::sim::Kernel& k, std::uint64_t cycles) {
    k.step(cycles);
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t cycles = 20'000;
    int repetitions = 21;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--cycles"))
            cycles = std::strtoull(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repetitions"))
            repetitions = std::atoi(argv[i + 1]);
    }
    auto const env = hb::environment(argc, argv);
    fmt::print("bare_model_bench: {} ({}), {} cpus, configuration {}\n", env.command_line, env.build_type, env.cpus,
               NICSIM_BENCH_CONFIG);

    // bare: the model alone, out of reset, every input zero but the stream sink ready
    VerilatedContext bare_context;
    BareModel bare(&bare_context, "nic_top");
    bare.rst_n = 0;
    bare_cycles(bare, 16);
    bare.rst_n = 1;
    bare.m_axis_tx_tready = 1;

    // kernel: the same configuration through the Dut interface with the host's idle BFMs
    auto dut = nicsim::dut::make_dut(NICSIM_BENCH_CONFIG);
    nicsim::sim::Kernel kernel(*dut, nicsim::sim::KernelConfig{.seed = 1, .watchdog_cycles = 0});
    nicsim::host::Host host(kernel);
    kernel.reset();
    dut->ports().m_axis_tx.tready.set(1);
    fmt::print("seed {}\n", kernel.seed());

    std::vector<hb::Variant> variants{
        {"bare model", [&] { bare_cycles(bare, cycles); }},
        {"kernel + idle host BFMs", [&] { kernel_cycles(kernel, cycles); }},
    };
    auto const results = hb::run_alternating(
        variants, {.repetitions = repetitions, .passes_per_sample = 1, .warmup_passes = 2, .items_per_pass = cycles});
    for (auto const& r : results)
        fmt::print("  {:<26} {:8.3f} M cycles/s  (median {:.1f} ns/cycle, best {:.1f})\n", r.name,
                   1e3 / r.median_ns_per_item, r.median_ns_per_item, r.min_ns_per_item);
    fmt::print("  harness overhead: kernel / bare = {:.3f} (paired median; ratio of medians {:.3f})\n",
               hb::paired_ratio(results[1], results[0]), hb::ratio(results[1], results[0]));
    return 0;
}
