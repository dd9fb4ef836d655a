// Tracing cost: the default loopback co-simulation with no trace, a full FST trace, and a
// 10,000-cycle trace window in a 1,000,000-cycle run, variants interleaved in one run (the
// harness rotates their order every repetition; ratios are of time neighbours).
//
//   trace_cost_bench [--config NAME] [--repetitions R] [--full-cycles N] [--long-cycles N]
//                    [--window N] [--dir DIR]
//
// Part 1 (slowdown): a run of about --full-cycles (default 200,000) cycles, no trace vs every
// cycle traced. Part 2 (window): a run of about --long-cycles (default 1,000,000) cycles, no trace
// vs a trace of --window (default 10,000) cycles in its middle; the bound is < 1.10.
// The FST writer threads are fixed at verilation (NICSIM_DUT_TRACE_THREADS); the table says which
// this build has: build a second tree with another value and run the bench there to compare.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "../common/harness.hpp"
#include "cosim/cosim.hpp"
#include "dut/dut.hpp"

namespace hb = nicsim::bench;
namespace fs = std::filesystem;
using nicsim::cosim::CoSimulation;
using nicsim::cosim::RunSummary;
using nicsim::cosim::Scenario;

namespace {

std::uint64_t arg_u64(char const* opt, char const* v) {
    char* end = nullptr;
    unsigned long long const x = std::strtoull(v, &end, 10);
    if (!v[0] || *end || x == 0) {
        fmt::print(stderr, "trace_cost_bench: {}: '{}' is not a positive integer\n", opt, v);
        std::exit(2);
    }
    return x;
}

RunSummary run(Scenario const& s) {
    CoSimulation sim(s);
    RunSummary r = sim.run();
    if (!r.passed) {
        fmt::print(stderr, "trace_cost_bench: the run failed: {}\n", r.failure);
        std::exit(1);
    }
    return r;
}

/// Packets for a default loopback run of about `cycles` cycles (one calibration run).
std::uint64_t packets_for(Scenario s, std::uint64_t cycles) {
    s.traffic.packets = 200;
    for (int pass = 0; pass < 2; ++pass) {  // bring-up costs a fixed number of cycles: refine once
        RunSummary const r = run(s);
        double const per_packet = static_cast<double>(r.cycles) / static_cast<double>(s.traffic.packets);
        s.traffic.packets =
            std::max<std::uint64_t>(1, static_cast<std::uint64_t>(static_cast<double>(cycles) / per_packet));
    }
    return s.traffic.packets;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config = "dw64_q4";
    int reps = 3;
    std::uint64_t full_cycles = 200'000, long_cycles = 1'000'000, window = 10'000;
    fs::path dir = fs::temp_directory_path() / fmt::format("nicsim_trace_cost_{}", ::getpid());
    for (int i = 1; i < argc; ++i) {
        auto const a = std::string(argv[i]);
        if (i + 1 >= argc) {
            fmt::print(stderr, "trace_cost_bench: {}: unknown option or missing value\n", a);
            return 2;
        }
        char const* v = argv[++i];
        if (a == "--config")
            config = v;
        else if (a == "--repetitions")
            reps = static_cast<int>(arg_u64("--repetitions", v));
        else if (a == "--full-cycles")
            full_cycles = arg_u64("--full-cycles", v);
        else if (a == "--long-cycles")
            long_cycles = arg_u64("--long-cycles", v);
        else if (a == "--window")
            window = arg_u64("--window", v);
        else if (a == "--dir")
            dir = v;
        else {
            fmt::print(stderr, "trace_cost_bench: {}: unknown option\n", a);
            return 2;
        }
    }
    fs::create_directories(dir);
    Scenario base;
    base.config = config;
    base.seed = 1;
    unsigned const threads = nicsim::dut::make_dut(config)->trace_threads();

    // ---- part 1: full trace vs none ----
    Scenario shortrun = base;
    shortrun.traffic.packets = packets_for(base, full_cycles);
    std::uint64_t const short_cycles = run(shortrun).cycles;
    Scenario full = shortrun;
    full.trace.path = (dir / "full.fst").string();
    std::vector<hb::Variant> part1{{"no trace", [&] { run(shortrun); }}, {"full trace", [&] { run(full); }}};
    auto const r1 = hb::run_alternating(
        part1, {.repetitions = reps, .passes_per_sample = 1, .warmup_passes = 0, .items_per_pass = short_cycles});
    auto const full_bytes = fs::file_size(full.trace.path);

    // ---- part 2: a window in a long run ----
    Scenario longrun = base;
    longrun.traffic.packets = packets_for(base, long_cycles);
    std::uint64_t const long_run_cycles = run(longrun).cycles;
    Scenario windowed = longrun;
    windowed.trace.path = (dir / "window.fst").string();
    windowed.trace.first_cycle = long_run_cycles / 2;
    windowed.trace.last_cycle = long_run_cycles / 2 + window - 1;
    std::vector<hb::Variant> part2{{"no trace", [&] { run(longrun); }}, {"window", [&] { run(windowed); }}};
    auto const r2 = hb::run_alternating(
        part2, {.repetitions = reps, .passes_per_sample = 1, .warmup_passes = 0, .items_per_pass = long_run_cycles});
    auto const window_bytes = fs::file_size(windowed.trace.path);

    auto mcps = [](hb::Result const& r) { return 1e3 / r.median_ns_per_item; };  // M cycles/s
    fmt::print(
        "trace_cost_bench: {} loopback seed 1, FST trace threads {} (verilated), {} repetitions "
        "interleaved\n\n",
        config, threads, reps);
    fmt::print("| run | variant | cycles | M cycles/s (median) | / no trace (paired median) | FST size |\n");
    fmt::print("|---|---|---|---|---|---|\n");
    fmt::print("| {} packets | no trace | {} | {:.3f} | 1.00 | - |\n", shortrun.traffic.packets, short_cycles,
               mcps(r1[0]));
    fmt::print("| {} packets | full trace | {} | {:.3f} | {:.2f} | {:.1f} MB |\n", shortrun.traffic.packets,
               short_cycles, mcps(r1[1]), hb::paired_ratio(r1[1], r1[0]), static_cast<double>(full_bytes) / 1e6);
    fmt::print("| {} packets | no trace | {} | {:.3f} | 1.00 | - |\n", longrun.traffic.packets, long_run_cycles,
               mcps(r2[0]));
    fmt::print("| {} packets | window {}:{} | {} | {:.3f} | {:.3f} | {:.1f} MB |\n", longrun.traffic.packets,
               windowed.trace.first_cycle, windowed.trace.last_cycle, long_run_cycles, mcps(r2[1]),
               hb::paired_ratio(r2[1], r2[0]), static_cast<double>(window_bytes) / 1e6);
    double const wratio = hb::paired_ratio(r2[1], r2[0]);
    fmt::print("\nwindowed trace costs {:.1f}% over no trace ({} the 10% bound)\n", (wratio - 1) * 100,
               wratio < 1.10 ? "within" : "OVER");
    fs::remove_all(dir);
    return 0;
}
