// Stress over the option space: each seed draws one `nicsim run` from every option's documented
// range (configuration, queues, ring sizes, RX buffers, frame sizes 60..9216 or IMIX, memory
// latency 0..2000, stalls 0..99 per bus, loopback or generated RX, checksum offload, RSS, TX
// fragment size, the hang check, strong or weak memory order, 0..3 faults of any kind with random
// keys, a cancel at any point) and runs the command. Every run must pass (exit 0) or be refused before it starts (exit
// 2, one line); anything else fails the test with the command to replay it (the run's own report
// names the failure's waves). The packet count keeps each run to a few seconds.
//
//   ctest -R "stress: "     the fixed seeds, in CI
//   NICSIM_STRESS_RUNS=1000 NICSIM_STRESS_SEED=7 build/testbench/tests/stress/stress_test "[.stress-long]"
//                           the long mode (docs/faults.md, "Stress")
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dut/dut.hpp"
#include "tests/common/run_command.hpp"

namespace {

namespace fs = std::filesystem;

struct Draw {
    std::mt19937_64 rng;
    explicit Draw(std::uint64_t seed) : rng(seed * 0x9e3779b97f4a7c15ull + 1) {}
    std::uint64_t in(std::uint64_t lo, std::uint64_t hi) {
        return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
    }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
    template <class T>
    T const& pick(std::vector<T> const& v) {
        return v[in(0, v.size() - 1)];
    }
    /// A stall percentage: often none, often light, sometimes heavy up to 99.
    std::uint64_t stall() {
        switch (in(0, 3)) {
        case 0: return 0;
        case 1: return in(1, 30);
        case 2: return in(30, 90);
        default: return in(90, 99);
        }
    }
};

/// One fault spec of `kind` with keys drawn inside their documented ranges.
std::string draw_fault(Draw& d, std::string const& kind, unsigned queues, std::uint64_t packets) {
    std::vector<std::string> keys;
    bool const has_dir = kind == "dma-desc-read" || kind == "dma-cpl-write" || kind == "doorbell-range";
    bool const per_queue = has_dir || kind == "tx-zero-len" || kind == "tx-len-over" || kind == "tx-chain-long" ||
                           kind == "tx-no-eop" || kind == "rx-starve" || kind == "queue-reset" ||
                           kind == "reg-readonly";
    if (per_queue && d.chance(0.7)) keys.push_back(fmt::format("queue={}", d.in(0, queues - 1)));
    if (has_dir && d.chance(0.7)) keys.push_back(d.chance(0.5) ? "dir=tx" : "dir=rx");
    if (kind == "queue-reset" && d.chance(0.5)) keys.push_back(d.chance(0.5) ? "dir=tx" : "dir=rx");
    if (kind != "reg-undefined" && kind != "reg-readonly" && d.chance(0.8))
        keys.push_back(fmt::format("at={}", d.in(0, packets)));
    if (kind == "rx-runt" || kind == "rx-oversize" || kind == "rx-bad")
        if (d.chance(0.5)) keys.push_back(fmt::format("count={}", d.in(1, 4)));
    if (kind == "rx-starve") keys.push_back(fmt::format("cycles={}", d.in(1'000, 60'000)));
    std::string spec = kind;
    for (std::size_t i = 0; i < keys.size(); ++i) spec += (i ? "," : ":") + keys[i];
    return spec;
}

/// The `nicsim run` options of stress run `seed`. `full_range`: ring sizes up to 65536 (hundreds
/// of MiB of host memory: the long mode only).
std::string draw_run(std::uint64_t seed, bool full_range) {
    Draw d(seed);
    auto const configs = nicsim::dut::dut_config_names();
    std::string const config = d.pick(configs);
    auto const dut = nicsim::dut::make_dut(config);
    unsigned const num_queues = dut->config().num_queues;
    unsigned const data_bytes = dut->config().data_bytes();
    std::vector<std::string> a;
    a.push_back(fmt::format("--config {}", config));
    unsigned queues = num_queues;
    if (d.chance(0.5)) {
        queues = static_cast<unsigned>(d.in(1, num_queues));
        a.push_back(fmt::format("--queues {}", queues));
    }
    std::uint64_t max_frame = 1514;
    bool const imix = d.chance(0.15);
    if (imix) {
        a.push_back("--imix");
    } else {
        std::uint64_t lo = d.in(60, 9216), hi = d.in(60, 9216);
        if (d.chance(0.4)) lo = hi = std::max(lo, hi);  // one size
        if (lo > hi) std::swap(lo, hi);
        a.push_back(fmt::format("--min-size {} --max-size {}", lo, hi));
        max_frame = hi;
    }
    if (d.chance(0.6)) a.push_back(fmt::format("--ring-size {}", 1u << d.in(1, full_range ? 16 : 12)));
    if (d.chance(0.4)) a.push_back(fmt::format("--rx-buffer {}", 64 * d.in(2, d.chance(0.7) ? 64 : 1024)));
    if (d.chance(0.2)) a.push_back(fmt::format("--tx-fragment-bytes {}", d.in(64, 9216)));
    std::uint64_t latency = 0;
    if (d.chance(0.6)) {
        std::uint64_t lo = d.in(0, 2000), hi = d.in(0, 2000);
        if (lo > hi) std::swap(lo, hi);
        a.push_back(fmt::format("--mem-latency {}:{}", lo, hi));
        latency = hi;
    }
    std::uint64_t const stalls[3] = {d.stall(), d.stall(), d.stall()};
    a.push_back(fmt::format("--mem-stall {} --tx-stall {} --rx-stall {}", stalls[0], stalls[1], stalls[2]));
    if (d.chance(0.3)) a.push_back("--mode generate");
    if (d.chance(0.3)) a.push_back(fmt::format("--csum-offload {}", d.in(0, 100)));
    if (d.chance(0.15)) a.push_back("--no-rss");
    if (d.chance(0.15)) a.push_back("--hang-check 0");
    if (d.chance(0.5)) a.push_back("--memory-order weak");

    // A few seconds per run: as many packets as a cycle budget holds at the scenario's pace (one
    // maximal frame through the slowest stalled bus, run_limits' estimate).
    double const worst = static_cast<double>(*std::max_element(std::begin(stalls), std::end(stalls)));
    double const frame_cycles = std::ceil((static_cast<double>(max_frame) / data_bytes + 16) / (1 - worst / 100)) +
                                2.0 * static_cast<double>(latency);
    auto const packets = static_cast<std::uint64_t>(std::clamp(1.5e6 / frame_cycles, 4.0, 120.0));
    a.push_back(fmt::format("--packets {}", packets));

    static std::vector<std::string> const kinds = {
        "dma-desc-read",  "dma-data-read", "dma-rx-write", "dma-cpl-write", "tx-zero-len", "tx-len-over",
        "tx-chain-long",  "tx-no-eop",     "rx-runt",      "rx-oversize",   "rx-bad",      "rx-starve",
        "doorbell-range", "reg-undefined", "reg-readonly", "queue-reset",   "cancel"};
    for (std::uint64_t n = d.in(0, 3); n > 0; --n)
        a.push_back(fmt::format("--fault {}", draw_fault(d, d.pick(kinds), queues, packets)));
    a.push_back(fmt::format("--seed {}", seed));

    std::string line;
    for (auto const& s : a) line += " " + s;
    return line;
}

/// Runs stress seed `seed`: passes, or is refused with exit 2 and one line.
void stress_run(std::uint64_t seed, bool full_range) {
    std::string const options = draw_run(seed, full_range);
    fs::path const dir = fs::path(NICSIM_STRESS_DIR) / fmt::format("seed{}", seed);
    fs::create_directories(dir);
    std::string const cmd = fmt::format("{} run{} --json {} --failure-trace-dir {}", NICSIM_BIN, options,
                                        (dir / "run.json").string(), dir.string());
    auto const e = nicsim::test::run_command(cmd);
    INFO("stress seed " << seed << "; replay: nicsim run" << options);
    INFO(e.output);
    bool const refused = e.status == 2 && std::count(e.output.begin(), e.output.end(), '\n') == 1;
    CHECK((e.status == 0 || refused));
    if (e.status == 0 || refused) fs::remove_all(dir);  // keep only what a failure left (its waves)
}

std::uint64_t env_or(char const* name, std::uint64_t fallback) {
    char const* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 0) : fallback;
}

}  // namespace

// Fixed seeds in CI, four per test case so that ctest runs them in parallel.
TEST_CASE("seeds 1-4 pass or are refused with exit 2") {
    for (std::uint64_t s = 1; s <= 4; ++s) stress_run(s, false);
}
TEST_CASE("seeds 5-8 pass or are refused with exit 2") {
    for (std::uint64_t s = 5; s <= 8; ++s) stress_run(s, false);
}
TEST_CASE("seeds 9-12 pass or are refused with exit 2") {
    for (std::uint64_t s = 9; s <= 12; ++s) stress_run(s, false);
}
TEST_CASE("seeds 13-16 pass or are refused with exit 2") {
    for (std::uint64_t s = 13; s <= 16; ++s) stress_run(s, false);
}

TEST_CASE("the long mode (NICSIM_STRESS_RUNS seeds from NICSIM_STRESS_SEED)", "[.stress-long]") {
    std::uint64_t const first = env_or("NICSIM_STRESS_SEED", 1000), runs = env_or("NICSIM_STRESS_RUNS", 200);
    for (std::uint64_t s = first; s < first + runs; ++s) stress_run(s, true);
}

TEST_CASE("a run is drawn from its seed alone") {
    CHECK(draw_run(77, false) == draw_run(77, false));
    CHECK(draw_run(77, false) != draw_run(78, false));
}
