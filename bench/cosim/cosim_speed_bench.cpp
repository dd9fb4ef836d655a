// Co-simulation speed per configuration, and the harness overhead as a ratio.
//
// For each configuration: the default scenario (the README's run: loopback, mixed sizes 60..1514,
// tracing off) through the whole co-simulation (driver, ringlib OS queues, scoreboard, bus
// models, checkers), and the same verilated configuration clocked bare with idle inputs for as
// many cycles, alternating repetition by repetition. Prints simulated cycles and packets per wall
// second and co-simulation / bare (paired per repetition, median).
//
//   cosim_speed_bench [--configs a,b,...] [--packets N] [--repetitions R] [--seed S]
//
// "Bare" toggles the clock and evaluates the model through the Dut interface (one virtual call
// per eval, nothing else); an idle model evaluates less logic than a busy one, so the ratio
// bounds from above what the testbench costs on top of the model's own work under traffic.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "../common/bare_model.hpp"
#include "../common/cli.hpp"
#include "../common/harness.hpp"
#include "cosim/cosim.hpp"
#include "dut/dut.hpp"

namespace hb = nicsim::bench;

namespace {

struct Options {
    std::vector<std::string> configs;
    std::uint64_t packets = 3000;
    int repetitions = 3;
    std::uint64_t seed = 1;
};

constexpr std::string_view kProgram = "cosim_speed_bench";
constexpr std::string_view kUsage = "cosim_speed_bench [--configs a,b,...] [--packets N] [--repetitions R] [--seed S]";

[[noreturn]] void usage_error(std::string const& msg) {
    hb::usage_error(kProgram, kUsage, msg);
}
std::uint64_t parse_count(std::string_view opt, char const* v) {
    return hb::parse_count(kProgram, kUsage, opt, v);
}

Options parse(int argc, char** argv) {
    Options o;
    auto const built = nicsim::dut::dut_config_names();
    for (int i = 1; i < argc; ++i) {
        std::string_view const a = argv[i];
        if (i + 1 >= argc) usage_error(fmt::format("{}: missing value (or unknown option)", a));
        char const* v = argv[++i];
        if (a == "--configs") {
            std::string_view s = v;
            while (!s.empty()) {
                auto const comma = s.find(',');
                std::string name(s.substr(0, comma));
                if (std::find(built.begin(), built.end(), name) == built.end())
                    usage_error(fmt::format("--configs: '{}' is not built (built: {})", name, fmt::join(built, ", ")));
                o.configs.push_back(std::move(name));
                s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
            }
        } else if (a == "--packets") {
            o.packets = parse_count(a, v);
        } else if (a == "--repetitions") {
            o.repetitions = static_cast<int>(parse_count(a, v));
        } else if (a == "--seed") {
            o.seed = parse_count(a, v);
        } else {
            usage_error(fmt::format("unknown option '{}'", a));
        }
    }
    if (o.configs.empty()) o.configs = built;
    return o;
}

struct CosimSample {
    double cycles_per_second = 0, packets_per_second = 0;
    std::uint64_t cycles = 0;
};

CosimSample run_cosim(std::string const& config, Options const& o) {
    nicsim::cosim::Scenario s;
    s.config = config;
    s.traffic.packets = o.packets;
    s.seed = o.seed;
    s.traffic.min_size = 60;
    s.traffic.max_size = 1514;
    nicsim::cosim::CoSimulation sim(s);
    auto const r = sim.run();
    if (!r.passed) {
        fmt::print(stderr, "cosim_speed_bench: the co-simulation failed on {}: {}\nreplay: {}\n", config, r.failure,
                   nicsim::cosim::replay_command(s));
        std::exit(1);
    }
    return {r.sim_cycles_per_second, r.packets_per_second, r.cycles};
}

}  // namespace

int main(int argc, char** argv) {
    Options const o = parse(argc, argv);
    auto const env = hb::environment(argc, argv);
    fmt::print(
        "cosim_speed_bench: {} ({}), {} cpus; loopback, {} packets of 60..1514 bytes each way, seed {}, "
        "{} alternating repetitions\n\n",
        env.command_line, env.build_type, env.cpus, o.packets, o.seed, o.repetitions);
    fmt::print(
        "| configuration | cycles | co-sim cycles/s | co-sim packets/s | bare model cycles/s | co-sim / bare |\n"
        "|---|---|---|---|---|---|\n");
    for (auto const& config : o.configs) {
        std::vector<double> cosim_cps, cosim_pps, bare_cps, ratios;
        std::uint64_t cycles = 0;
        for (int r = 0; r < o.repetitions; ++r) {
            // Alternate which goes first, so drift over the run does not favour one side.
            CosimSample c;
            double b = 0;
            if (r % 2 == 0) {
                c = run_cosim(config, o);
                b = hb::bare_model_cycles_per_second(config, c.cycles);
            } else {
                b = hb::bare_model_cycles_per_second(config, cycles);
                c = run_cosim(config, o);
            }
            cycles = c.cycles;
            cosim_cps.push_back(c.cycles_per_second);
            cosim_pps.push_back(c.packets_per_second);
            bare_cps.push_back(b);
            ratios.push_back(c.cycles_per_second / b);
        }
        fmt::print("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.3f} |\n", config, cycles, hb::median(cosim_cps),
                   hb::median(cosim_pps), hb::median(bare_cps), hb::median(ratios));
        std::fflush(stdout);
    }
    return 0;
}
