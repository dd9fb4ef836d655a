// Trace control and waves of a failure on the real NIC: the kernel's trace window is exact (the
// file holds cycles START..END and nothing else, opened at START), depth and scope filters are
// Verilator's $dumpvars, and a failing co-simulation replayed by nicsim::replay fails again at
// the same cycle for the same reason, leaving an FST that ends at the failing cycle and a .gtkw
// whose every signal exists in it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "cosim/cosim.hpp"
#include "dut/dut.hpp"
#include "fst/fst_file.hpp"
#include "host/host.hpp"
#include "waves/gtkw.hpp"
#include "replay/failure_waves.hpp"
#include "sim/kernel.hpp"
#include "tests/common/run_command.hpp"

namespace fs = std::filesystem;
using nicsim::sim::Kernel;
using nicsim::sim::TraceWindow;
using nicsim::waves::FstFile;

namespace {

fs::path work_dir() {
    auto const dir = fs::path(NICSIM_TRACE_TEST_WORK_DIR) / std::to_string(::getpid());
    fs::create_directories(dir);
    return dir;
}

std::string first_config() {
    return nicsim::dut::dut_config_names().front();
}

std::string value_at(FstFile const& f, std::string const& name, std::uint64_t t) {
    auto const* s = f.find(name);
    REQUIRE(s != nullptr);
    std::array<nicsim::waves::Signal const*, 1> sigs{s};
    return f.read(sigs, t, t)[0].value_at(t);
}

using Exec = nicsim::test::CommandResult;
inline Exec exec(std::string const& cmd) {
    return nicsim::test::run_command(cmd);
}

/// A run that fails deterministically: 100 packets cannot finish in 12,000 cycles.
nicsim::cosim::Scenario cycle_limited() {
    nicsim::cosim::Scenario s;
    s.config = first_config();
    s.traffic.packets = 100;
    s.seed = 5;
    s.checks.max_cycles = 12'000;
    return s;
}

}  // namespace

TEST_CASE("trace window: the file is opened at START and holds exactly cycles START..END") {
    auto dut = nicsim::dut::make_dut(first_config());
    Kernel kernel(*dut, {.seed = 3});
    nicsim::host::Host host(kernel);
    auto const path = work_dir() / "window.fst";
    fs::remove(path);
    kernel.set_trace_window(
        TraceWindow{.path = path.string(), .first_cycle = 40, .last_cycle = 90, .options = {}, .on_closed = {}});
    kernel.reset();  // 16 cycles
    kernel.step(40 - kernel.cycle());
    CHECK(kernel.cycle() == 40);
    CHECK_FALSE(dut->tracing());
    CHECK_FALSE(fs::exists(path));  // nothing paid before START
    kernel.step();
    CHECK(dut->tracing());
    CHECK(kernel.trace_window_opened());
    kernel.step(90 - kernel.cycle());
    CHECK(dut->tracing());  // cycle 90 not simulated yet
    kernel.step();
    CHECK_FALSE(dut->tracing());  // closed right after cycle 90's rising edge
    kernel.step(50);

    FstFile const f(path);
    // Cycle c's rising edge is at c * trace_period + trace_period / 2 (kernel.hpp); the file
    // starts with cycle 40's clock-low sample and ends with cycle 90's edge.
    CHECK(f.start_time() == 40 * Kernel::trace_period);
    CHECK(f.end_time() == 90 * Kernel::trace_period + Kernel::trace_period / 2);
    std::string const clk = dut->root_scope() + ".clk";
    CHECK(value_at(f, clk, 400) == "0");
    CHECK(value_at(f, clk, 405) == "1");
    CHECK(value_at(f, clk, 905) == "1");
}

TEST_CASE("trace window: refused when inverted, already past, or a trace is open") {
    auto dut = nicsim::dut::make_dut(first_config());
    Kernel kernel(*dut, {.seed = 3});
    CHECK_THROWS_AS(
        kernel.set_trace_window({.path = "x.fst", .first_cycle = 9, .last_cycle = 8, .options = {}, .on_closed = {}}),
        std::invalid_argument);
    kernel.step(10);
    CHECK_THROWS_AS(
        kernel.set_trace_window({.path = "x.fst", .first_cycle = 5, .last_cycle = 80, .options = {}, .on_closed = {}}),
        std::invalid_argument);
    auto const path = work_dir() / "open.fst";
    dut->open_trace(path.string());
    CHECK_THROWS_AS(
        kernel.set_trace_window({.path = "x.fst", .first_cycle = 20, .last_cycle = 80, .options = {}, .on_closed = {}}),
        std::invalid_argument);
    dut->close_trace();
}

TEST_CASE("trace depth and scope are Verilator's $dumpvars filter") {
    auto dut = nicsim::dut::make_dut(first_config());
    Kernel kernel(*dut, {.seed = 3});
    std::string const root = dut->root_scope();
    std::string const top = root + ".nic_top";
    auto dump = [&](std::string const& name, nicsim::dut::TraceOptions const& o) {
        auto const path = work_dir() / name;
        dut->open_trace(path.string(), o);
        kernel.step(3);
        dut->close_trace();
        return path;
    };
    FstFile const all(dump("all.fst", {}));
    FstFile const d1(dump("depth1.fst", {.scopes = {}, .depth = 1}));
    FstFile const d2(dump("depth2.fst", {.scopes = {}, .depth = 2}));
    FstFile const tx(dump("tx.fst", {.scopes = {top + ".tx"}, .depth = 0}));
    FstFile const tx1(dump("tx1.fst", {.scopes = {top + ".tx", top + ".rx"}, .depth = 1}));

    auto scopes = [](FstFile const& f) {
        std::vector<std::string> v;
        for (auto const& s : f.signals()) v.push_back(s.scope);
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    };
    CHECK(scopes(d1) == std::vector<std::string>{root});
    auto const s2 = scopes(d2);  // root, nic_top and the packages' parameters (nic_top.nic_pkg)
    CHECK(std::find(s2.begin(), s2.end(), top) != s2.end());
    for (auto const& sc : s2) CHECK(std::count(sc.begin(), sc.end(), '.') <= 1);
    CHECK(d1.find(root + ".m_axis_tx_tvalid") != nullptr);
    CHECK(d2.find(top + ".m_axis_tx_tvalid") != nullptr);
    CHECK(scopes(all).size() > scopes(d2).size());
    CHECK(all.signals().size() > d2.signals().size());
    // Scopes filter; the root clk is always kept (the cycle count comes from it).
    for (auto const& s : tx.signals()) CHECK((s.scope.rfind(top + ".tx", 0) == 0 || s.name == root + ".clk"));
    CHECK(scopes(tx).size() > 2);  // the TX engine and its sub-blocks
    CHECK(tx.find(root + ".clk") != nullptr);
    CHECK(scopes(tx1) == std::vector<std::string>{root, top + ".rx", top + ".tx"});
    CHECK(tx1.find(top + ".tx.clk") != nullptr);
}

TEST_CASE("a failed run replayed with a trace window fails again at the same cycle and leaves its waves") {
    auto const s = cycle_limited();
    nicsim::cosim::RunSummary failed;
    {
        nicsim::cosim::CoSimulation sim(s);
        failed = sim.run();
    }
    INFO(nicsim::cosim::format_summary(failed));
    REQUIRE_FALSE(failed.passed);
    CHECK(failed.failure.find("cycle limit") != std::string::npos);
    CHECK(failed.failure_cycle == failed.cycles - 1);  // found between cycles, after the last edge
    CHECK(failed.failure_cycle >= 12'000 - 1);
    CHECK(failed.trace_file.empty());

    nicsim::replay::FailureTraceOptions o;
    o.dir = work_dir() / "failure";
    o.name = "limited";
    o.cycles = 3000;
    auto const ft = nicsim::replay::trace_failure(s, failed, o);
    INFO(ft.report);
    CHECK(ft.replayed);
    CHECK(ft.same_failure);
    CHECK(ft.replay.failure_cycle == failed.failure_cycle);
    CHECK(ft.replay.failure == failed.failure);
    CHECK(ft.replay.cycles == failed.cycles);
    CHECK(ft.fst == o.dir / "limited.fst");
    CHECK(ft.first_cycle == failed.failure_cycle - 2999);
    CHECK(ft.last_cycle == failed.failure_cycle);

    FstFile const f(ft.fst);
    CHECK(f.start_time() == ft.first_cycle * Kernel::trace_period);
    CHECK(f.end_time() == failed.failure_cycle * Kernel::trace_period + Kernel::trace_period / 2);  // ends at it
    REQUIRE(fs::exists(ft.gtkw));
    auto const names = nicsim::waves::read_gtkw_signals(ft.gtkw);
    CHECK(names.size() > 50);
    CHECK(nicsim::waves::gtkw_signals_missing(f, ft.gtkw).empty());
    std::stringstream gtkw;
    gtkw << std::ifstream(ft.gtkw).rdbuf();
    // GTKWave's marker line: "*<zoom> <marker time> ..." at the failing cycle's edge.
    CHECK(gtkw.str().find(fmt::format(
              " {} ", failed.failure_cycle * Kernel::trace_period + Kernel::trace_period / 2)) != std::string::npos);
    CHECK(ft.report.find("gtkwave " + ft.fst.string() + " " + ft.gtkw.string()) != std::string::npos);
    CHECK(ft.terminal_waves.find("m_axis_tx_tvalid") != std::string::npos);
    CHECK(ft.terminal_waves.find(std::to_string(failed.failure_cycle)) != std::string::npos);
}

TEST_CASE("nicsim run: a failing run writes its failure trace and the gtkw check passes") {
    auto const dir = work_dir() / "cli";
    fs::create_directories(dir);
    auto const json = dir / "limited.json";
    auto const e =
        exec(fmt::format("{} run --config {} --packets 100 --seed 5 --max-cycles 12000 --json {} "
                         "--failure-trace-cycles 2000",
                         NICSIM_BIN, first_config(), json.string()));
    INFO(e.output);
    CHECK(e.status == 1);
    auto const fst = dir / "limited.fst", gtkw = dir / "limited.gtkw";
    std::ifstream json_in(json);
    auto const summary = nlohmann::json::parse(json_in, nullptr, false);
    REQUIRE(summary.is_object());
    REQUIRE(summary.at("failure_cycle").is_number_unsigned());
    auto const fail = summary.at("failure_cycle").get<std::uint64_t>();
    CHECK(e.output.find(fmt::format("failed again at cycle {}, same reason", fail)) != std::string::npos);
    CHECK(e.output.find(fmt::format("gtkwave {} {}", fst.string(), fs::absolute(gtkw).string())) != std::string::npos);
    REQUIRE(fs::exists(fst));
    FstFile const f(fst);
    CHECK(f.start_time() == (fail - 1999) * Kernel::trace_period);
    CHECK(f.end_time() == fail * Kernel::trace_period + Kernel::trace_period / 2);
    auto const check = exec(fmt::format("{} waves {} --check-gtkw {}", NICSIM_BIN, fst.string(), gtkw.string()));
    INFO(check.output);
    CHECK(check.status == 0);
    CHECK(check.output.find("all ") != std::string::npos);

    auto const off =
        exec(fmt::format("{} run --config {} --packets 100 --seed 5 --max-cycles 12000 --no-failure-trace "
                         "--failure-trace-dir {}",
                         NICSIM_BIN, first_config(), (dir / "off").string()));
    CHECK(off.status == 1);
    CHECK_FALSE(fs::exists(dir / "off"));
}

TEST_CASE("nicsim run: trace options are checked before anything runs") {
    auto const dir = work_dir();
    auto const fst = (dir / "opts.fst").string();
    struct Case {
        std::string args, names;
    };
    unsigned const threads = nicsim::dut::make_dut(first_config())->trace_threads();
    std::vector<Case> const cases = {
        {"--trace-window 5:10", "--trace-window"},
        {"--trace " + fst + " --trace-window 10:5", "--trace-window"},
        {"--trace " + fst + " --trace-window x:5", "--trace-window"},
        {"--trace " + fst + " --trace-window 7", "--trace-window"},
        {"--trace " + fst + " --trace-depth 0", "--trace-depth"},
        {"--trace " + fst + " --trace-scope 'nic_top..tx'", "--trace-scope"},
        {"--trace " + fst + " --trace-scope nic_top.nic_top.nosuch", "--trace-scope"},
        {"--trace " + fst + " --trace-threads 3", "--trace-threads"},
        {fmt::format("--trace {} --trace-threads {}", fst, (threads + 1) % 3), "--trace-threads"},  // not this build's
        {"--failure-trace-cycles 0", "--failure-trace-cycles"},
        {"--no-failure-trace=1", "--no-failure-trace"},
    };
    for (auto const& c : cases) {
        auto const e = exec(fmt::format("{} run --packets 1 {}", NICSIM_BIN, c.args));
        INFO(c.args << "\n" << e.output);
        CHECK(e.status == 2);
        CHECK(std::count(e.output.begin(), e.output.end(), '\n') == 1);
        CHECK(e.output.find(c.names) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(fst));
}

TEST_CASE("nicsim run --trace-window writes only the window and fst2vcd reads it") {
    auto const dir = work_dir() / "fst2vcd";
    fs::create_directories(dir);
    auto const fst = dir / "run.fst";
    auto const e =
        exec(fmt::format("{} run --config {} --packets 10 --seed 2 --trace {} --trace-window 3000:3499 "
                         "--trace-depth 2",
                         NICSIM_BIN, first_config(), fst.string()));
    INFO(e.output);
    REQUIRE(e.status == 0);
    FstFile const f(fst);
    CHECK(f.start_time() == 30'000);
    CHECK(f.end_time() == 34'995);
    // gtkwave's own reader accepts the file and names the ports.
    REQUIRE(std::string(NICSIM_FST2VCD).size() > 0);
    auto const vcd = exec(fmt::format("{} {}", NICSIM_FST2VCD, fst.string()));
    REQUIRE(vcd.status == 0);
    for (char const* var : {" clk $end", " m_axis_tx_tvalid $end", " s_axis_rx_tdata [", " irq_queue "})
        CHECK(vcd.output.find(var) != std::string::npos);
    CHECK(vcd.output.find("#30000") != std::string::npos);
    CHECK(vcd.output.find("#34995") != std::string::npos);
    CHECK(vcd.output.find("#35000") == std::string::npos);
}
