// Hardware efficiency of the whole nic_top: how close TX and RX come to the datapath's capacity
// of one stream beat per cycle, per frame size and host memory latency.
//
//   hw_efficiency_bench [--config dw64_q4,dw512_q4] [--sizes 64,128,256,512,1518,9000]
//                       [--latency 0,200] [--frames N] [--warmup N] [--direction tx|rx|both]
//                       [--tx-offset BYTES] [--seed S] [--trace PREFIX]
//
// --trace PREFIX writes one FST per measurement, PREFIX-<config>-<dir>-<bytes>-<latency>.fst (slow:
// use it with one size and a few --frames, to see where a gap comes from).
// What one cell measures, and how, is hw_efficiency.hpp (shared with the throughput pins in
// testbench/tests/perf, which run the same cells in CI against testbench/tests/perf/hw_duty_pins.tsv).
// Any frame that arrives wrong ends the run with a message and exit code 1. Missed targets are
// reported, not failed: this is a measurement.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <nic_contract.hpp>

#include "../common/harness.hpp"
#include "dut/dut.hpp"
#include "hw_efficiency.hpp"

namespace c = nicsim::contract;
namespace hb = nicsim::bench;
namespace hw = nicsim::hw_efficiency;
using namespace nicsim;

namespace {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct Options {
    std::vector<std::string> configs;
    std::vector<std::uint32_t> sizes{64, 128, 256, 512, 1518, 9000};
    std::vector<std::uint32_t> latencies{0, 200};
    std::uint32_t frames = 0;  // 0: per size, enough bytes to fill every FIFO many times (default_frames)
    std::uint32_t warmup = 0;  // 0: a quarter of the frames
    bool tx = true, rx = true;
    std::uint32_t tx_offset = 0;
    std::uint64_t seed = 1;
    std::string trace_prefix;
};

std::vector<std::string> split(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t const comma = s.find(',', start);
        std::size_t const end = comma == std::string_view::npos ? s.size() : comma;
        if (end > start) out.emplace_back(s.substr(start, end - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

std::uint64_t parse_number(std::string const& text, char const* option, std::uint64_t lo, std::uint64_t hi) {
    char* end = nullptr;
    errno = 0;
    unsigned long long const v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || text[0] == '-' || v < lo || v > hi)
        throw UsageError(fmt::format("{}: '{}' is not a number in {}..{}", option, text, lo, hi));
    return v;
}

std::vector<std::uint32_t> parse_list(std::string const& text, char const* option, std::uint64_t lo, std::uint64_t hi) {
    std::vector<std::uint32_t> out;
    for (auto const& item : split(text)) out.push_back(static_cast<std::uint32_t>(parse_number(item, option, lo, hi)));
    if (out.empty()) throw UsageError(fmt::format("{}: empty list", option));
    return out;
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            fmt::print(
                "usage: hw_efficiency_bench [--config a,b] [--sizes 64,...] [--latency 0,200] [--frames N]\n"
                "                           [--warmup N] [--direction tx|rx|both] [--tx-offset BYTES] [--seed S]\n"
                "                           [--trace PREFIX]\n");
            std::exit(0);
        }
        if (i + 1 >= argc) throw UsageError(fmt::format("{}: missing value (or unknown option)", arg));
        std::string const value = argv[++i];
        if (arg == "--config") {
            o.configs = split(value);
        } else if (arg == "--sizes") {
            o.sizes = parse_list(value, "--sizes", 60, c::MAX_FRAME_BYTES);
        } else if (arg == "--latency") {
            o.latencies = parse_list(value, "--latency", 0, 100'000);
        } else if (arg == "--frames") {
            o.frames = static_cast<std::uint32_t>(parse_number(value, "--frames", 2, hw::max_frames));
        } else if (arg == "--warmup") {
            o.warmup = static_cast<std::uint32_t>(parse_number(value, "--warmup", 0, hw::max_frames - 1));
        } else if (arg == "--direction") {
            if (value != "tx" && value != "rx" && value != "both")
                throw UsageError(fmt::format("--direction: '{}' is not tx, rx or both", value));
            o.tx = value != "rx";
            o.rx = value != "tx";
        } else if (arg == "--tx-offset") {
            o.tx_offset = static_cast<std::uint32_t>(parse_number(value, "--tx-offset", 0, 4095));
        } else if (arg == "--trace") {
            o.trace_prefix = value;
        } else if (arg == "--seed") {
            o.seed = parse_number(value, "--seed", 0, ~std::uint64_t{0});
        } else {
            throw UsageError(fmt::format("unknown option '{}'", arg));
        }
    }
    if (o.frames && o.warmup >= o.frames)
        throw UsageError(fmt::format("--warmup {} must be below --frames {}", o.warmup, o.frames));
    auto const built = dut::dut_config_names();
    if (o.configs.empty()) o.configs = built;
    for (auto const& name : o.configs)
        if (std::find(built.begin(), built.end(), name) == built.end())
            throw UsageError(
                fmt::format("--config: '{}' is not built into this binary (built: {})", name, fmt::join(built, ", ")));
    return o;
}

/// PREFIX-<config>-<dir>-<bytes>-<latency>.fst, or "" without --trace.
std::string trace_path(Options const& o, hw::Cell const& cell) {
    if (o.trace_prefix.empty()) return {};
    return fmt::format("{}-{}-{}-{}-{}.fst", o.trace_prefix, cell.config, hw::direction_name(cell.direction),
                       cell.frame_bytes, cell.latency_cycles);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    try {
        o = parse_options(argc, argv);
    } catch (UsageError const& e) {
        fmt::print(stderr, "hw_efficiency_bench: {}\n", e.what());
        return 2;
    }
    auto const env = hb::environment(argc, argv);
    fmt::print("hw_efficiency_bench: {} ({}), {} cpus, seed {}, tx offset {}\n", env.command_line, env.build_type,
               env.cpus, o.seed, o.tx_offset);
    fmt::print("{:<9} {:<3} {:>6} {:>7} {:>6} {:>9} {:>7} {:>7} {:>7}  {}\n", "config", "dir", "bytes", "latency",
               "frames", "cycles", "duty", "bytes", "target", "verdict");
    int missed = 0;
    int absorbed = 0;
    for (auto const& config : o.configs) {
        for (hw::Direction dir : {hw::Direction::tx, hw::Direction::rx}) {
            if ((dir == hw::Direction::tx && !o.tx) || (dir == hw::Direction::rx && !o.rx)) continue;
            for (auto size : o.sizes) {
                for (auto latency : o.latencies) {
                    hw::Cell const cell{
                        .config = config, .direction = dir, .frame_bytes = size, .latency_cycles = latency};
                    hw::RunOptions run{.frames = o.frames,
                                       .warmup = o.warmup,
                                       .tx_offset_bytes = o.tx_offset,
                                       .seed = o.seed,
                                       .trace_path = trace_path(o, cell)};
                    hw::Result r;
                    try {
                        r = hw::measure(cell, run);
                    } catch (std::exception const& e) {
                        fmt::print(stderr, "hw_efficiency_bench: {} {} {} bytes latency {} FAILED: {}\n", config,
                                   dir == hw::Direction::tx ? "TX" : "RX", size, latency, e.what());
                        return 1;
                    }
                    double const duty = r.duty();
                    auto const target = hw::target_for(size);
                    std::string verdict = "-";
                    if (target) {
                        verdict = duty >= *target ? "met" : "MISSED";
                        if (duty < *target) ++missed;
                    }
                    if (r.absorbed) {
                        verdict += " (never back-pressured)";
                        ++absorbed;
                    }
                    fmt::print("{:<9} {:<3} {:>6} {:>7} {:>6} {:>9} {:>7.3f} {:>7.3f} {:>7}  {}\n", config,
                               hw::direction_name(dir), size, latency, r.frames, r.window_cycles, duty,
                               r.byte_efficiency(), target ? fmt::format("{:.2f}", *target) : std::string("-"),
                               verdict);
                    std::fflush(stdout);
                }
            }
        }
    }
    fmt::print("every frame arrived intact; {} cell(s) below target\n", missed);
    if (absorbed)
        fmt::print(
            "never back-pressured: the RX frame FIFO absorbed what memory did not drain within the run, so\n"
            "the figure is the run's, not a steady state (the steady state is at most the shared-channel\n"
            "bound ceil(L/B) / (ceil(L/B) + 16/B); run more --frames to see it)\n");
    return 0;
}
