// monitor_bench: the co-simulation's cost of the always-on ownership monitor (testbench/monitor).
// The default scenario (`nicsim run --packets N`, loopback, dw64_q4 or the first configuration
// built) with the monitor on and off (Scenario::checks.ownership_monitor, --no-ownership-monitor),
// alternating run by run; the monitor is passive, so both simulate the same cycles.
//   build/bench/sim/monitor_bench [--packets N] [--repetitions R]
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "../common/harness.hpp"
#include "cosim/cosim.hpp"

namespace hb = nicsim::bench;

int main(int argc, char** argv) {
    std::uint64_t packets = 3000;
    int repetitions = 7;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--packets"))
            packets = std::strtoull(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repetitions"))
            repetitions = std::atoi(argv[i + 1]);
    }
    auto const env = hb::environment(argc, argv);
    nicsim::cosim::Scenario s;
    s.config = NICSIM_BENCH_CONFIG;
    s.traffic.packets = packets;
    s.seed = 11;
    std::uint64_t cycles[2] = {0, 0};
    auto run = [&](bool monitor) {
        nicsim::cosim::Scenario sc = s;
        sc.checks.ownership_monitor = monitor;
        nicsim::cosim::CoSimulation sim(sc);
        auto const r = sim.run();
        if (!r.passed) {
            fmt::print("run failed: {}\n", r.failure);
            std::exit(1);
        }
        cycles[monitor] = r.cycles;
    };
    run(false);  // the cycle count is the unit of the result
    fmt::print("monitor_bench: {} ({}), {} cpus, configuration {}, {} packets, {} cycles\n", env.command_line,
               env.build_type, env.cpus, s.config, packets, cycles[0]);
    std::vector<hb::Variant> variants{{"monitor off", [&] { run(false); }}, {"monitor on", [&] { run(true); }}};
    auto const results = hb::run_alternating(
        variants,
        {.repetitions = repetitions, .passes_per_sample = 1, .warmup_passes = 1, .items_per_pass = cycles[0]});
    for (auto const& r : results)
        fmt::print("  {:<12} {:8.1f} k cycles/s  (median {:.0f} ns/cycle, best {:.0f})\n", r.name,
                   1e6 / r.median_ns_per_item, r.median_ns_per_item, r.min_ns_per_item);
    fmt::print("  same cycles simulated: {}\n", cycles[0] == cycles[1] ? "yes" : "NO");
    fmt::print("  monitor on / off = {:.3f} (paired median; ratio of medians {:.3f})\n",
               hb::paired_ratio(results[1], results[0]), hb::ratio(results[1], results[0]));
    return cycles[0] == cycles[1] ? 0 : 1;
}
