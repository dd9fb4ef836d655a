// golden_trace: the golden scenarios from the command line (tools/regen-golden runs `regen`).
//
//   golden_trace list                    names and descriptions
//   golden_trace print NAME              the trace, as data/NAME.trace would hold it
//   golden_trace summary NAME            the co-simulation's run summary (why an error case fails)
//   golden_trace hash [NAME...]          "NAME HASH" per scenario (all by default)
//   golden_trace regen DIR               writes DIR/NAME.trace for every scenario
//   golden_trace check DIR [NAME...]     compares with DIR/NAME.trace; exit 1 on a difference
//   golden_trace cycles                  every scenario's cycle-count pin (whole run), as golden_cycles.tsv holds it
//   golden_trace regen-cycles FILE       writes FILE (golden_cycles.tsv) from every scenario's run
//   golden_trace build                   how this binary was compiled ("optimized yes|no asserts on|off"),
//                                        for the Debug-vs-Release test
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dut/dut.hpp"
#include "golden_scenarios.hpp"
#include "monitor/transaction_recorder.hpp"

namespace {

using nicsim::golden::GoldenScenario;

int usage() {
    std::fputs(
        "usage: golden_trace list | build | print NAME | summary NAME | hash [NAME...] | regen DIR |\n"
        "                    check DIR [NAME...] | cycles | regen-cycles FILE\n",
        stderr);
    return 2;
}

bool built(GoldenScenario const& g) {
    auto const names = nicsim::dut::dut_config_names();
    return std::find(names.begin(), names.end(), g.scenario.config) != names.end();
}

/// The named scenarios (all when none is named); throws naming an unknown one.
std::vector<GoldenScenario const*> pick(std::vector<std::string> const& names) {
    std::vector<GoldenScenario const*> out;
    if (names.empty()) {
        for (auto const& g : nicsim::golden::golden_scenarios()) out.push_back(&g);
        return out;
    }
    for (auto const& n : names) {
        auto const* g = nicsim::golden::find_golden(n);
        if (!g) throw std::invalid_argument(fmt::format("golden_trace: no scenario '{}' (see golden_trace list)", n));
        out.push_back(g);
    }
    return out;
}

std::string read_file(std::filesystem::path const& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("golden_trace: cannot read {}", p.string()));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage();
    std::string const cmd = args.front();
    args.erase(args.begin());
    try {
        if (cmd == "list" && args.empty()) {
            for (auto const& g : nicsim::golden::golden_scenarios())
                fmt::print("{:<20} {:<8} {}\n", g.name, g.scenario.config, g.what);
            return 0;
        }
        if (cmd == "build" && args.empty()) {
#ifdef __OPTIMIZE__
            bool const optimized = true;
#else
            bool const optimized = false;
#endif
#ifdef NDEBUG
            bool const asserts = false;
#else
            bool const asserts = true;
#endif
            fmt::print("optimized {} asserts {}\n", optimized ? "yes" : "no", asserts ? "on" : "off");
            return 0;
        }
        if (cmd == "print" && args.size() == 1) {
            fmt::print("{}", nicsim::golden::run_golden(*pick(args).front()).trace);
            return 0;
        }
        if (cmd == "summary" && args.size() == 1) {
            fmt::print("{}", nicsim::cosim::format_summary(nicsim::golden::run_golden(*pick(args).front()).summary));
            return 0;
        }
        if (cmd == "hash") {
            for (auto const* g : pick(args)) {
                if (!built(*g)) {
                    fmt::print("{} not-built\n", g->name);  // its configuration is not in this binary
                    continue;
                }
                fmt::print("{} {}\n", g->name, nicsim::monitor::hash_hex(nicsim::golden::run_golden(*g).hash));
            }
            return 0;
        }
        if (cmd == "regen" && args.size() == 1) {
            std::filesystem::path const dir = args.front();
            std::filesystem::create_directories(dir);
            for (auto const* g : pick({})) {
                if (!built(*g))
                    throw std::runtime_error(
                        fmt::format("golden_trace: {} needs configuration {}, not in this build "
                                    "(NICSIM_DUT_CONFIGS)",
                                    g->name, g->scenario.config));
                auto const run = nicsim::golden::run_golden(*g);
                auto const path = dir / (g->name + ".trace");
                std::ofstream out(path, std::ios::binary);
                out << run.trace;
                if (!out) throw std::runtime_error(fmt::format("golden_trace: cannot write {}", path.string()));
                fmt::print("{}: {} lines, {} bytes, hash {}\n", path.string(), run.lines, run.trace.size(),
                           nicsim::monitor::hash_hex(run.hash));
            }
            return 0;
        }
        if ((cmd == "cycles" && args.empty()) || (cmd == "regen-cycles" && args.size() == 1)) {
            std::vector<nicsim::golden::CyclePin> pins;
            for (auto const* g : pick({})) {
                if (!built(*g))
                    throw std::runtime_error(
                        fmt::format("golden_trace: {} needs configuration {}, not in this build "
                                    "(NICSIM_DUT_CONFIGS)",
                                    g->name, g->scenario.config));
                pins.push_back({.scenario = g->name, .cycles = nicsim::golden::run_golden(*g).summary.cycles});
            }
            std::string const table = nicsim::golden::format_cycle_pins(pins);
            if (cmd == "cycles") {
                fmt::print("{}", table);
                return 0;
            }
            std::ofstream out(args.front(), std::ios::binary);
            out << table;
            if (!out) throw std::runtime_error(fmt::format("golden_trace: cannot write {}", args.front()));
            fmt::print("{}: {} scenarios\n", args.front(), pins.size());
            return 0;
        }
        if (cmd == "check" && !args.empty()) {
            std::filesystem::path const dir = args.front();
            args.erase(args.begin());
            int rc = 0;
            for (auto const* g : pick(args)) {
                auto const want = read_file(dir / (g->name + ".trace"));
                auto const diff = nicsim::golden::compare_traces(want, nicsim::golden::run_golden(*g).trace);
                fmt::print("{}: {}\n", g->name, diff ? "DIFFERS" : "same");
                if (diff) {
                    fmt::print("{}", *diff);
                    rc = 1;
                }
            }
            return rc;
        }
        return usage();
    } catch (std::exception const& e) {
        fmt::print(stderr, "{}\n", e.what());
        return 1;
    }
}
