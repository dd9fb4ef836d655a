// Golden traces and determinism (README.md in this folder):
// - each golden scenario's trace equals its committed file data/<name>.trace; on a difference
//   the failure names the first divergent line and cycle with context and the regenerate command;
// - one file per scenario, none stale, each small;
// - the same seed twice in a row gives the identical trace;
// - the untraced model (NICSIM_DUT_UNTRACED_CONFIGS) gives the traced model's trace;
// - a Debug build (-O0, asserts on) of the same sources gives the same trace hashes as this build;
// - each scenario's run takes its pinned cycle count (golden_cycles.tsv) within the margin, and
//   every scenario has exactly one pin.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "cosim/cosim.hpp"
#include "dut/dut.hpp"
#include "golden_scenarios.hpp"
#include "monitor/transaction_recorder.hpp"

namespace fs = std::filesystem;
using nicsim::golden::GoldenScenario;

namespace {

fs::path const golden_dir = NICSIM_GOLDEN_DIR;
fs::path const cycles_file = NICSIM_GOLDEN_CYCLES;

std::string read_file(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) FAIL(fmt::format("cannot read {} (new scenario? run `{}`)", p.string(), nicsim::golden::regen_command));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

GoldenScenario const& scenario(std::string const& name) {
    auto const* g = nicsim::golden::find_golden(name);
    if (!g) FAIL("no golden scenario " << name);
    auto const names = nicsim::dut::dut_config_names();
    if (std::find(names.begin(), names.end(), g->scenario.config) == names.end())
        FAIL(
            fmt::format("{} needs configuration {}, not in this build (NICSIM_DUT_CONFIGS)", name, g->scenario.config));
    return *g;
}

std::vector<nicsim::golden::CyclePin> cycle_pins() {
    try {
        return nicsim::golden::parse_cycle_pins(read_file(cycles_file), cycles_file.string());
    } catch (std::invalid_argument const& e) {
        FAIL(e.what());
    }
    return {};
}

void check_golden(std::string const& name) {
    auto const& g = scenario(name);
    INFO(fmt::format("seed {}; replay the run: {}; print the trace: golden_trace print {}", g.scenario.seed,
                     nicsim::cosim::replay_command(g.scenario), name));
    auto const want = read_file(golden_dir / (name + ".trace"));
    auto const pins = cycle_pins();
    auto const pin = std::find_if(pins.begin(), pins.end(), [&](auto const& p) { return p.scenario == name; });
    auto const run = nicsim::golden::run_golden(g);
    CHECK(run.lines > 0);
    // Before the trace comparison (which ends the test): a slowdown is reported with the diff.
    if (pin == pins.end()) {
        FAIL_CHECK(fmt::format("{} has no cycle-count pin in {} (run `{}`)", name, cycles_file.string(),
                               nicsim::golden::regen_cycles_command));
    } else if (auto const miss = nicsim::golden::check_cycles(*pin, run.summary.cycles)) {
        FAIL_CHECK(*miss);
    }
    if (auto const diff = nicsim::golden::compare_traces(want, run.trace)) {
        // Printed as is (Catch would re-wrap the long lines of the context).
        fmt::print(stderr, "golden trace {} differs from {}:\n{}", name, (golden_dir / (name + ".trace")).string(),
                   *diff);
        FAIL(fmt::format("golden trace {} differs (first divergent line and context above)", name));
    }
}

/// Runs a command, returns its standard output; FAILs on a nonzero exit.
std::string run_command(std::string const& cmd) {
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p) FAIL("cannot run " << cmd);
    std::string out;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
    int const rc = pclose(p.release());
    if (rc != 0) FAIL(fmt::format("`{}` exited with {}:\n{}", cmd, rc, out));
    return out;
}

}  // namespace

TEST_CASE("golden trace: loopback_single", "[dw64_q1]") {
    check_golden("loopback_single");
}
TEST_CASE("golden trace: multi_fragment", "[dw64_q1]") {
    check_golden("multi_fragment");
}
TEST_CASE("golden trace: ring_wrap", "[dw64_q1]") {
    check_golden("ring_wrap");
}
TEST_CASE("golden trace: multi_queue_rss", "[dw64_q4]") {
    check_golden("multi_queue_rss");
}
TEST_CASE("golden trace: error_tx_desc_read", "[dw64_q1]") {
    check_golden("error_tx_desc_read");
}
TEST_CASE("golden trace: error_rx_cpl_write", "[dw64_q1]") {
    check_golden("error_rx_cpl_write");
}

TEST_CASE("golden traces: one small file per scenario, every scenario tested, no stale file") {
    std::set<std::string> scenarios, files;
    for (auto const& g : nicsim::golden::golden_scenarios()) scenarios.insert(g.name);
    for (auto const& e : fs::directory_iterator(golden_dir)) {
        if (e.path().extension() != ".trace") continue;
        files.insert(e.path().stem().string());
        INFO(e.path().string());
        CHECK(fs::file_size(e.path()) <= 64u * 1024);  // reviewable: tens of KB at most
    }
    CHECK(files == scenarios);
    // Every scenario has its TEST_CASE above (a new scenario must add one).
    auto const& tests = Catch::getAllTestCasesSorted(*Catch::getCurrentContext().getConfig());
    std::set<std::string> tested;
    for (auto const& t : tests)
        if (t.name.rfind("golden trace: ", 0) == 0) tested.insert(t.name.substr(14));
    CHECK(tested == scenarios);
}

TEST_CASE("golden cycles: every scenario pinned once, no pin without a scenario") {
    std::set<std::string> scenarios, pinned;
    for (auto const& g : nicsim::golden::golden_scenarios()) scenarios.insert(g.name);
    for (auto const& p : cycle_pins()) pinned.insert(p.scenario);
    CHECK(pinned == scenarios);
}

TEST_CASE("golden cycles: a run beyond the margin fails, naming the scenario, both counts and what to do") {
    nicsim::golden::CyclePin const pin{.scenario = "loopback_single", .cycles = 4000};
    CHECK_FALSE(nicsim::golden::check_cycles(pin, 4000));
    CHECK_FALSE(nicsim::golden::check_cycles(pin, 4040));  // +1 %: the margin
    CHECK_FALSE(nicsim::golden::check_cycles(pin, 3960));
    auto const slower = nicsim::golden::check_cycles(pin, 4100);
    REQUIRE(slower);
    CHECK(*slower ==
          "golden scenario loopback_single: the run took 4100 cycles, pinned 4000 (+2.50 %, margin 1 %): "
          "SLOWER than the pin; if intended, `tools/regen-golden --cycles` rewrites "
          "testbench/tests/golden/golden_cycles.tsv: commit it with the change");
    auto const faster = nicsim::golden::check_cycles(pin, 3900);
    REQUIRE(faster);
    CHECK(faster->find("faster than the pin: update the table") != std::string::npos);
    // The table's format is strict, with the file and line of what is wrong.
    CHECK(nicsim::golden::parse_cycle_pins("# c\n\nring_wrap\t5000\n", "t").size() == 1);
    CHECK_THROWS_WITH(nicsim::golden::parse_cycle_pins("ring_wrap 5000 7\n", "t"),
                      "t:1: expected two fields: scenario cycles");
    CHECK_THROWS_WITH(nicsim::golden::parse_cycle_pins("a 1\nring_wrap 5k\n", "t"),
                      "t:2: cycles '5k' is not a positive number");
    CHECK_THROWS_WITH(nicsim::golden::parse_cycle_pins("a 1\na 2\n", "t"), "t:2: a pinned twice");
}

TEST_CASE("determinism: the same seed twice in a row gives the identical trace", "[dw64_q4]") {
    auto const& g = scenario("multi_queue_rss");
    auto const first = nicsim::golden::run_golden(g);
    auto const second = nicsim::golden::run_golden(g);
    INFO("seed " << g.scenario.seed << "; " << nicsim::cosim::replay_command(g.scenario));
    CHECK(first.hash == second.hash);
    CHECK(first.lines == second.lines);
    if (auto const diff = nicsim::golden::compare_traces(first.trace, second.trace)) {
        fmt::print(stderr, "the second run differs from the first:\n{}", *diff);
        FAIL("the same seed gave two different traces (first divergent line and context above)");
    }
}

TEST_CASE("the untraced model: the traced model's transactions, cycle for cycle, and no trace") {
    // A run without waves takes the model verilated without tracing (dut.hpp); the same scenario
    // with an FST file open runs the traced one. Both must record the same handshakes.
    std::vector<std::string> expected;
    for (std::string_view rest = NICSIM_EXPECT_UNTRACED; !rest.empty();) {
        auto const end = std::min(rest.find(';'), rest.size());
        if (end) expected.emplace_back(rest.substr(0, end));
        rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    auto const untraced = nicsim::dut::untraced_config_names();
    CHECK(untraced == expected);  // what the build configured (NICSIM_DUT_UNTRACED_BUILT)
    fs::path const fst = fs::temp_directory_path() / fmt::format("nicsim_golden_traced_{}.fst", ::getpid());
    std::size_t compared = 0;
    for (auto const& config : untraced) {
        CHECK_FALSE(nicsim::dut::make_dut(config, nicsim::dut::Tracing::never)->can_trace());
        CHECK(nicsim::dut::make_dut(config, nicsim::dut::Tracing::possible)->can_trace());
        CHECK_THROWS_WITH(nicsim::dut::make_dut(config, nicsim::dut::Tracing::never)->open_trace(fst.string()),
                          Catch::Contains("untraced model"));
        for (auto const& g : nicsim::golden::golden_scenarios()) {
            if (g.scenario.config != config) continue;
            GoldenScenario traced = g;
            traced.scenario.trace.path = fst.string();
            INFO(g.name << ": " << nicsim::cosim::replay_command(g.scenario));
            auto const without_waves = nicsim::golden::run_golden(g);
            auto const with_waves = nicsim::golden::run_golden(traced);
            CHECK(fs::file_size(fst) > 0);  // the traced run really wrote waves
            CHECK(without_waves.hash == with_waves.hash);
            CHECK(without_waves.summary.cycles == with_waves.summary.cycles);
            // The header names the scenario, --trace included; every other line must be the same.
            auto const body = [](std::string trace) {
                auto const at = trace.find("\n# scenario: ");
                if (at != std::string::npos) trace.erase(at, trace.find('\n', at + 1) - at);
                return trace;
            };
            if (auto const diff = nicsim::golden::compare_traces(body(with_waves.trace), body(without_waves.trace)))
                FAIL("the untraced model's trace differs from the traced model's:\n" << *diff);
            ++compared;
        }
    }
    fs::remove(fst);
    CHECK(compared >= untraced.size());  // a golden scenario for every configuration with an untraced model
}

TEST_CASE("weak ordering: a correct driver gives every golden scenario its golden transactions") {
    // The driver's barriers make every store visible before the NIC can read it and every
    // completion field a fresh load: the weak host model (host/memory_order.hpp) changes nothing
    // the NIC sees, cycle for cycle, and costs no simulated time. Compared with the committed
    // trace's hash (its last line), which the strong run of the same scenario must match.
    auto const names = nicsim::dut::dut_config_names();
    std::size_t compared = 0;
    for (auto const& strong : nicsim::golden::golden_scenarios()) {
        if (std::find(names.begin(), names.end(), strong.scenario.config) == names.end()) continue;
        std::smatch golden_end;
        std::string const golden = read_file(golden_dir / (strong.name + ".trace"));
        REQUIRE(std::regex_search(golden, golden_end, std::regex("# end: ([0-9]+) lines, hash ([0-9a-f]+)")));
        GoldenScenario weak = strong;
        weak.scenario.platform.memory_order = nicsim::host::MemoryOrder::weak;
        INFO(strong.name << ": " << nicsim::cosim::replay_command(weak.scenario));
        auto const run = nicsim::golden::run_golden(weak);
        CHECK(run.summary.ordering_violations == 0);
        CHECK(std::to_string(run.lines) == golden_end[1].str());
        CHECK(nicsim::monitor::hash_hex(run.hash) == golden_end[2].str());
        ++compared;
    }
    CHECK(compared > 0);
}

#ifdef NICSIM_GOLDEN_DEBUG_TOOL
TEST_CASE("determinism: a Debug build (-O0, asserts on) gives the same trace hashes as this build", "[dw64_q1]") {
    std::string const tool = NICSIM_GOLDEN_DEBUG_TOOL;
    REQUIRE(fs::exists(tool));
    // The other binary really is unoptimized with asserts, and this one optimized.
    CHECK(run_command(tool + " build") == "optimized no asserts on\n");
#ifdef __OPTIMIZE__
    bool const optimized_here = true;
#else
    bool const optimized_here = false;
#endif
    CHECK(optimized_here);

    std::map<std::string, std::string> debug;
    std::istringstream lines(run_command(tool + " hash"));
    for (std::string name, hash; lines >> name >> hash;) debug[name] = hash;
    std::size_t compared = 0;
    for (auto const& g : nicsim::golden::golden_scenarios()) {
        auto const it = debug.find(g.name);
        REQUIRE(it != debug.end());
        if (it->second == "not-built") continue;  // the Debug build has dw64_q1 only
        INFO(g.name << ", seed " << g.scenario.seed);
        CHECK(it->second == nicsim::monitor::hash_hex(nicsim::golden::run_golden(g).hash));
        ++compared;
    }
    // Every dw64_q1 scenario was compared.
    auto const& all = nicsim::golden::golden_scenarios();
    CHECK(compared == static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](GoldenScenario const& g) {
              return g.scenario.config == "dw64_q1";
          })));
    CHECK(compared >= 4);
}
#endif
