// `nicsim regress` in parts, without a simulation: the plan reader, the seeds, a run's verdict
// from what its process left, the reports, the local launcher on tiny shell scripts, and the
// Slurm backend's parts (its shards, outcome files and sbatch line; the backend itself runs in
// the "regress slurm:" tests).
// ctest -R "^regress unit:"
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/common/scratch_files.hpp"
#include "cosim/workload.hpp"
#include "nicsim/regress/coverage.hpp"
#include "nicsim/regress/html_report.hpp"
#include "nicsim/regress/local_launcher.hpp"
#include "nicsim/regress/plan.hpp"
#include "nicsim/regress/report.hpp"
#include "nicsim/regress/run_result.hpp"
#include "nicsim/regress/seeds.hpp"
#include "nicsim/regress/shard.hpp"
#include "nicsim/regress/slurm_launcher.hpp"

namespace fs = std::filesystem;
using namespace nicsim::regress;

namespace {

fs::path fresh_dir(std::string const& name) {
    return nicsim::test::fresh_dir("regress_unit", name);
}
using nicsim::test::slurp;

void write_file(fs::path const& p, std::string const& text) {
    std::ofstream(p, std::ios::binary) << text;
}

PlanContext context() {
    PlanContext c;
    c.configs = {"dw64_q1", "dw64_q4"};
    // Stands in for cosim::validate: the plan reader must pass on whatever it says.
    c.check = [](nicsim::cli::RunOptions const& o) {
        if (o.scenario.traffic.packets == 13) throw std::runtime_error("--packets: 13 is unlucky");
    };
    return c;
}

Plan parse(std::string const& text) {
    return parse_plan(text, "plan.toml", "/plans", context());
}

/// The PlanError message parse() throws on `text` ("" if none).
std::string plan_error(std::string const& text) {
    try {
        parse(text);
    } catch (PlanError const& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a plan lists scenarios in file order, options as an array or one string, seeds or a seed list, groups") {
    auto const plan = parse(R"(
timeout = 90
[[scenario]]
name = "zeta"
options = ["--config", "dw64_q1", "--packets", "50"]
seeds = 3

[[scenario]]
name = "alpha"
options = "--mode generate   --stall 10 --fault rx-bad:count=2"
seed_list = [7, 11]

[[scenario]]
name = "defaults"

[groups]
smoke = ["alpha", "zeta"]
)");
    REQUIRE(plan.scenarios.size() == 3);
    CHECK(plan.scenarios[0].name == "zeta");  // file order, not alphabetical
    CHECK(plan.scenarios[0].options == std::vector<std::string>{"--config", "dw64_q1", "--packets", "50"});
    CHECK(plan.scenarios[0].seed_count == 3);
    CHECK(plan.scenarios[0].line == 3);
    CHECK(plan.scenarios[1].options ==
          std::vector<std::string>{"--mode", "generate", "--stall", "10", "--fault", "rx-bad:count=2"});
    CHECK(plan.scenarios[1].seed_list == std::vector<std::uint64_t>{7, 11});
    CHECK(plan.scenarios[1].seed_count == 2);
    CHECK(plan.scenarios[2].options.empty());
    CHECK(plan.scenarios[2].seed_count == 1);
    CHECK(plan.groups.at("smoke") == std::vector<std::string>{"alpha", "zeta"});
    CHECK(plan.timeout_seconds == 90.0);
}

TEST_CASE("a malformed plan names the file, the line and what was expected") {
    SECTION("TOML syntax: toml++'s own message at its line") {
        auto const e = plan_error("[[scenario]]\nname = \"a\"\noptions = [\"--packets\", \n\n");
        CHECK(std::regex_search(e, std::regex(R"(^plan\.toml:[45]: )")));
    }
    SECTION("an unknown key in a scenario, at its line") {
        CHECK(plan_error("[[scenario]]\nname = \"a\"\nseed = 3\n") ==
              "plan.toml:3: scenario 'a': unknown key 'seed' (expected name, options, seeds or seed_list)");
    }
    SECTION("an unknown top-level key") {
        CHECK(plan_error("[[scenario]]\nname = \"a\"\n[scenarios]\n") ==
              "plan.toml:3: unknown key 'scenarios' (expected [[scenario]], [groups] or timeout)");
    }
    SECTION("no scenario") {
        CHECK(plan_error("timeout = 3\n") == "plan.toml:1: the plan has no [[scenario]]");
    }
    SECTION("a scenario without a name, or with one that cannot name a folder") {
        CHECK(plan_error("[[scenario]]\nseeds = 2\n") == "plan.toml:1: a [[scenario]] needs name = \"...\"");
        CHECK(plan_error("[[scenario]]\nname = \"../up\"\n").find("plan.toml:2: scenario name '../up'") == 0);
    }
    SECTION("seeds of the wrong kind") {
        CHECK(plan_error("[[scenario]]\nname = \"a\"\nseeds = 0\n") ==
              "plan.toml:3: scenario 'a': seeds must be an integer in 1..1000000 (how many seeds to run)");
        CHECK(plan_error("[[scenario]]\nname = \"a\"\nseed_list = [1, -2]\n") ==
              "plan.toml:3: scenario 'a': seed_list holds -2: a seed is a non-negative integer");
        CHECK(plan_error("[[scenario]]\nname = \"a\"\nseed_list = [4, 4]\n") ==
              "plan.toml:3: scenario 'a': seed_list names seed 4 twice");
        CHECK(plan_error("[[scenario]]\nname = \"a\"\nseeds = 2\nseed_list = [1]\n") ==
              "plan.toml:4: scenario 'a': give seeds = N or seed_list = [..], not both");
    }
    SECTION("options of the wrong type") {
        CHECK(plan_error("[[scenario]]\nname = \"a\"\noptions = [\"--packets\", 5]\n") ==
              "plan.toml:3: scenario 'a': options must be strings (one argument each), not an integer");
    }
    SECTION("a scenario defined twice") {
        CHECK(plan_error("[[scenario]]\nname = \"a\"\n[[scenario]]\nname = \"a\"\n") ==
              "plan.toml:3: scenario 'a' is defined twice (first at line 1)");
    }
    SECTION("a group naming a scenario the plan lacks") {
        CHECK(plan_error("[[scenario]]\nname = \"a\"\n[groups]\nsmoke = [\"a\", \"b\"]\n") ==
              "plan.toml:4: group 'smoke': no scenario 'b' in the plan");
    }
}

TEST_CASE("a scenario's options are checked by nicsim run's own parser and the build's check, naming the scenario") {
    CHECK(plan_error("[[scenario]]\nname = \"a\"\noptions = \"--packets 5 --bogus\"\n") ==
          "plan.toml:3: scenario 'a': --bogus: unknown option (nicsim run --help lists them)");
    CHECK(plan_error("[[scenario]]\nname = \"a\"\noptions = \"--config dw512_q4\"\n") ==
          "plan.toml:3: scenario 'a': --config: no configuration 'dw512_q4' in this build (dw64_q1, dw64_q4)");
    CHECK(plan_error("[[scenario]]\nname = \"a\"\noptions = \"--fault nope\"\n")
              .find("plan.toml:3: scenario 'a': --fault nope: no fault kind 'nope'") == 0);
    CHECK(plan_error("[[scenario]]\nname = \"a\"\noptions = \"--packets 13\"\n") ==
          "plan.toml:3: scenario 'a': --packets: 13 is unlucky");
    SECTION("the regression's own options are refused") {
        CHECK(plan_error("[[scenario]]\nname = \"a\"\noptions = \"--seed 4\"\n") ==
              "plan.toml:3: scenario 'a': --seed is not allowed: use seeds = N or seed_list = [..]");
        CHECK(plan_error("[[scenario]]\nname = \"a\"\noptions = \"--json=x.json\"\n")
                  .find("--json and --failure-trace-dir") != std::string::npos);
    }
    SECTION("output files are relative (each run's folder); a relative pcap input is the plan's folder's") {
        CHECK(plan_error("[[scenario]]\nname = \"a\"\noptions = \"--trace /tmp/a.fst\"\n") ==
              "plan.toml:3: scenario 'a': --trace /tmp/a.fst: an output file must be a relative path (every run "
              "writes it in its own folder)");
        auto const plan =
            parse("[[scenario]]\nname = \"a\"\noptions = \"--mode pcap --pcap-in ../in/f.pcap --trace a.fst\"\n");
        CHECK(plan.scenarios[0].options ==
              std::vector<std::string>{"--mode", "pcap", "--pcap-in", "/in/f.pcap", "--trace", "a.fst"});
    }
}

TEST_CASE("load_plan names a file it cannot read") {
    auto const dir = fresh_dir("load");
    CHECK_THROWS_WITH(load_plan(dir / "none.toml", context()),
                      (dir / "none.toml").string() + ": cannot read the plan (no such file)");
    write_file(dir / "p.toml", "[[scenario]]\nname = \"x\"\nseeds = 2\n");
    CHECK(load_plan(dir / "p.toml", context()).scenarios.at(0).seed_count == 2);
}

TEST_CASE("the shipped plans are valid: every scenario as nicsim run would check it, with every configuration") {
    PlanContext full;
    std::string const known = NICSIM_KNOWN_CONFIGS;
    for (std::size_t at = 0; at <= known.size();) {
        auto const comma = std::min(known.find(',', at), known.size());
        full.configs.push_back(known.substr(at, comma - at));
        at = comma + 1;
    }
    full.check = [](nicsim::cli::RunOptions const& o) { nicsim::cosim::validate(o.scenario); };
    for (char const* name : {"smoke.toml", "ci.toml", "nightly.toml"}) {
        INFO(name);
        Plan plan;
        REQUIRE_NOTHROW(plan = load_plan(fs::path(NICSIM_PLANS_DIR) / name, full));
        CHECK(plan.scenarios.size() >= 8);
        CHECK(plan.timeout_seconds.has_value());
        // Every scenario is in a group (a plan's groups cover it), when it has groups.
        std::set<std::string> grouped;
        for (auto const& [g, members] : plan.groups) grouped.insert(members.begin(), members.end());
        if (!plan.groups.empty())
            for (auto const& sc : plan.scenarios) CHECK(grouped.count(sc.name) == 1);
    }
}

TEST_CASE("a run's seed is a pure function of the seed base, the scenario's name and the run's index") {
    CHECK(derive_seed(1, "smoke", 0) == derive_seed(1, "smoke", 0));
    std::set<std::uint64_t> seen;
    for (std::uint64_t base : {0ull, 1ull, 2ull})
        for (char const* name : {"smoke", "smoke2", "faults"})
            for (std::uint64_t i = 0; i < 50; ++i) {
                auto const s = derive_seed(base, name, i);
                CHECK(s < (std::uint64_t{1} << kDerivedSeedBits));
                seen.insert(s);
            }
    CHECK(seen.size() == 3 * 3 * 50);  // every one different
    // Pinned: plans and bug reports name derived seeds; a change of the derivation must be seen.
    CHECK(derive_seed(1, "smoke", 0) == 77401242462571ull);
    CHECK(derive_seed(20261207, "faults", 3) == 58975549256806ull);
    PlanScenario sc;
    sc.name = "pinned";
    sc.seed_list = {5, 9};
    CHECK(run_seed(1, sc, 0) == 5);
    CHECK(run_seed(1, sc, 1) == 9);
    CHECK(run_seed(1, sc, 2) == derive_seed(1, "pinned", 2));  // past the list (--seeds N): derived
}

namespace {

RunResult settled(std::string const& json, std::string const& output, LaunchOutcome const& o) {
    static int n = 0;
    auto const out = fresh_dir(fmt::format("settle{}", n++));
    RunResult r;
    r.scenario = "s";
    r.seed = 42;
    r.options = {"--packets", "10", "--stall", "5 5"};
    r.dir = "runs/s/run0-seed42";
    fs::create_directories(out / r.dir);
    if (!json.empty()) write_file(out / r.dir / "run.json", json);
    write_file(out / r.dir / "output.txt", output);
    settle(r, o, out, "interrupted by SIGINT");
    return r;
}

LaunchOutcome exited(int code) {
    LaunchOutcome o;
    o.end = LaunchOutcome::End::exited;
    o.exit_status = code;
    o.wall_seconds = 1.5;
    return o;
}

}  // namespace

TEST_CASE("a run's verdict comes from its exit status and its run.json") {
    std::string const passed_json =
        R"({"passed": true, "failure": "", "replay_command": "nicsim run --packets 10 --seed 42",
        "failure_trace": null, "cycles": 1000, "tx_packets": 10, "rx_packets": 10, "tx_gbit_per_second": 3.5,
        "rx_gbit_per_second": 3.25, "sim_cycles_per_second": 2e6, "packets_per_second": 4e3, "clock_hz": 250000000,
        "tx_latency_cycles": {"count": 10, "p50": 400, "p99": 900, "max": 950},
        "rx_latency_cycles": {"count": 0, "p50": 0, "p99": 0, "max": 0}})";
    std::string const failed_json = R"({"passed": false, "failure": "ordering violation at cycle 99: rule O1",
        "replay_command": "nicsim run --packets 10 --seed 42", "failure_trace": {"fst": "./run.fst", "gtkw": "/abs/out/runs/s/run0-seed42/./run.gtkw"},
        "cycles": 99})";
    SECTION("passed") {
        auto const r = settled(passed_json, "summary\n", exited(0));
        CHECK(r.status == RunStatus::passed);
        CHECK(r.reason.empty());
        CHECK(r.cycles == 1000);
        CHECK(r.tx_gbit_per_second == 3.5);
        CHECK(r.cycles_per_second == 2e6);
        CHECK(r.replay_command == "nicsim run --packets 10 --seed 42");
        CHECK(r.clock_hz == 250000000);
        CHECK(r.tx_latency.p50 == 400);
        CHECK(r.tx_latency.p99 == 900);
        CHECK(r.tx_latency.max == 950);
        CHECK(r.rx_latency.count == 0);
    }
    SECTION("failed: the run's failure line, its waves under the output folder") {
        auto const r = settled(failed_json, "FAILED\n", exited(1));
        CHECK(r.status == RunStatus::failed);
        CHECK(r.failure_kind == "failed");
        CHECK(r.reason == "ordering violation at cycle 99: rule O1");
        CHECK(r.waves == "runs/s/run0-seed42/run.fst");
        CHECK(r.waves_view == "runs/s/run0-seed42/run.gtkw");
    }
    SECTION("refused: the one-line error") {
        auto const r = settled("", "nicsim run: --queues: 4 is not in 1..1 (NUM_QUEUES of dw64_q1)\n", exited(2));
        CHECK(r.status == RunStatus::refused);
        CHECK(r.reason == "nicsim run: --queues: 4 is not in 1..1 (NUM_QUEUES of dw64_q1)");
        CHECK(r.replay_command == "nicsim run --packets 10 --stall '5 5' --seed 42");  // built when no run.json
    }
    SECTION("exit 0 without a report, exit 1 without a failure line, another exit status: failed") {
        CHECK(settled("", "", exited(0)).failure_kind == "no-report");
        CHECK(settled("{not json", "", exited(0)).failure_kind == "no-report");
        CHECK(settled(passed_json, "", exited(1)).failure_kind == "no-report");
        auto const r = settled("", "boom\n", exited(3));
        CHECK(r.status == RunStatus::failed);
        CHECK(r.reason == "exit status 3: boom");
        CHECK(settled("", "", exited(143)).reason == "ended by SIGTERM (exit status 143)");
    }
    SECTION("a signal, a time-out, a cancel") {
        LaunchOutcome o;
        o.end = LaunchOutcome::End::signaled;
        o.signal = SIGSEGV;
        auto const crashed = settled("", "half a line\n", o);
        CHECK(crashed.status == RunStatus::failed);
        CHECK(crashed.reason == "killed by SIGSEGV (last output: half a line)");
        CHECK(crashed.signal == "SIGSEGV");
        o.end = LaunchOutcome::End::timed_out;
        o.signal = SIGTERM;
        o.detail = "the limit of 2 s";
        auto const timed_out = settled("", "", o);
        CHECK(timed_out.failure_kind == "timeout");
        CHECK(timed_out.reason == "timeout: still running after the limit of 2 s (its process group was ended)");
        o.end = LaunchOutcome::End::cancelled;
        auto const cancelled = settled("", "", o);
        CHECK(cancelled.status == RunStatus::not_run);
        CHECK(cancelled.reason == "cancelled: interrupted by SIGINT");
    }
}

namespace {

Regression sample_regression() {
    Regression reg;
    reg.plan = "p.toml";
    reg.seed_base = 1;
    reg.scenarios = {"good", "bad"};
    RunResult a;
    a.scenario = "good";
    a.seed = 10;
    a.dir = "runs/good/run0-seed10";
    a.status = RunStatus::passed;
    a.replay_command = "nicsim run --seed 10";
    a.reported = true;
    a.tx_gbit_per_second = 2;
    a.cycles_per_second = 1e6;
    a.wall_seconds = 1;
    RunResult b = a;
    b.scenario = "bad";
    b.seed = 11;
    b.dir = "runs/bad/run0-seed11";
    b.status = RunStatus::failed;
    b.failure_kind = "failed";
    b.reason = "lost 1 <frame> & \"more\"";
    b.waves = "runs/bad/run0-seed11/run.fst";
    RunResult c = b;
    c.index = 1;
    c.seed = 12;
    c.dir = "runs/bad/run1-seed12";
    c.status = RunStatus::refused;
    c.failure_kind = "refused";
    c.reason = "nicsim run: --queues: 4 is not in 1..1";
    c.waves.clear();
    reg.runs = {a, b, c};
    return reg;
}

}  // namespace

TEST_CASE("summary.json keeps whatever varies between identical regressions under timing") {
    auto reg = sample_regression();
    auto const first = summary_json(reg);
    reg.jobs = 7;
    reg.wall_seconds = 99;
    for (auto& r : reg.runs) r.wall_seconds *= 3, r.cycles_per_second *= 3;
    auto const second = summary_json(reg);
    CHECK(first != second);
    auto const without_timing = [](std::string s) {
        return std::regex_replace(s, std::regex(R"("timing": \{[^}]*\})"), "\"timing\": {}");
    };
    CHECK(without_timing(first) == without_timing(second));
    CHECK(first.find("\"exit_status\": 1") != std::string::npos);
    CHECK(exit_status_of(reg) == 1);
}

TEST_CASE("a summary gives back its failed and refused runs (--rerun-failed)") {
    auto const dir = fresh_dir("rerun");
    write_file(dir / "summary.json", summary_json(sample_regression()));
    auto const keys = failed_runs(dir.string());
    REQUIRE(keys.size() == 2);
    CHECK(keys[0].scenario == "bad");
    CHECK(keys[0].seed == 11);
    CHECK(keys[1].index == 1);
    CHECK(keys[1].seed == 12);
    write_file(dir / "summary.json", "{\"runs\": []}");
    CHECK_THROWS_WITH(failed_runs(dir.string()),
                      "--rerun-failed: " + (dir / "summary.json").string() + ": not a nicsim regress summary");
    fs::remove(dir / "summary.json");
    CHECK_THROWS_WITH(failed_runs(dir.string()), Catch::Matchers::Contains("cannot read it"));
}

TEST_CASE("junit.xml: a suite per scenario, a case per run, failures and errors escaped") {
    auto const xml = junit_xml(sample_regression());
    CHECK(
        xml.find("<testsuites name=\"nicsim regress p.toml\" tests=\"3\" failures=\"1\" errors=\"1\" skipped=\"0\"") !=
        std::string::npos);
    CHECK(xml.find("<testsuite name=\"good\" tests=\"1\" failures=\"0\"") != std::string::npos);
    CHECK(xml.find("<failure message=\"lost 1 &lt;frame&gt; &amp; &quot;more&quot;\" type=\"failed\">") !=
          std::string::npos);
    CHECK(xml.find("<error message=\"nicsim run: --queues: 4 is not in 1..1\" type=\"refused\">") != std::string::npos);
    CHECK(xml.find("<system-out>replay: nicsim run --seed 10&#10;") != std::string::npos);
    auto const text = format_report(sample_regression(), "out");
    CHECK(text.find("FAILED bad run 0 seed 11: lost 1 <frame>") != std::string::npos);
    CHECK(text.find("  waves:  out/runs/bad/run0-seed11/run.fst") != std::string::npos);
    CHECK(text.find("REFUSED bad run 1 seed 12") != std::string::npos);
}

TEST_CASE("html_escape makes hostile text inert in element content and quoted attributes; url_path encodes a link") {
    CHECK(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(html_escape(R"(a "b" 'c' & d)") == "a &quot;b&quot; &#39;c&#39; &amp; d");
    CHECK(html_escape("&amp;") == "&amp;amp;");  // escaped again: what the text says is what shows
    CHECK(html_escape(std::string("nul\0bell\a", 9)) == "nul\\x00bell\\x07");
    CHECK(html_escape("tab\tnew\nline") == "tab\tnew\nline");
    CHECK(html_escape("caf\xc3\xa9") == "caf\xc3\xa9");  // UTF-8 passes as it is
    CHECK(html_escape("\xff\xfe") == "\xff\xfe");  // not UTF-8: left for the browser to show as such, never markup
    CHECK(url_path("runs/loopback/run0-seed1/run.fst") == "runs/loopback/run0-seed1/run.fst");
    CHECK(url_path("a b/#1?x=%\"<") == "a%20b/%231%3Fx%3D%25%22%3C");
}

namespace {

/// sample_regression() and more: a hostile reason, plan and replay command, a run not run,
/// latency, a clock, timing figures.
Regression hostile_regression() {
    auto reg = sample_regression();
    reg.plan = "plans/<b>night</b>.toml";
    reg.filter = "\"'&<";
    reg.scenarios.push_back("late");
    reg.started = "2025-06-01 07:00:03 +0200";
    reg.wall_seconds = 12.5;
    auto& good = reg.runs[0];
    good.clock_hz = 250'000'000;
    good.rx_gbit_per_second = 3;
    good.tx_latency = {10, 400, 107519, 120000};
    good.rx_latency = {10, 300, 700, 720};
    good.cpu_seconds = 0.75;
    auto& bad = reg.runs[1];
    bad.reason = "<script>alert('reason')</script> & \"more\"";
    bad.replay_command = "nicsim run --pcap-in '<img src=x onerror=alert(1)>.pcap' --seed 11";
    bad.waves_view = "runs/bad/run0-seed11/run.gtkw";
    bad.exit_status = 1;
    RunResult late = reg.runs[0];
    late.scenario = "late";
    late.seed = 13;
    late.dir = "runs/late/run0-seed13";
    late.status = RunStatus::not_run;
    late.failure_kind = "not-run";
    late.reason = "not started: interrupted by SIGINT";
    late.reported = false;
    late.tx_latency = {};
    late.rx_latency = {};
    reg.runs.push_back(late);
    reg.stopped = "interrupted by SIGINT";
    return reg;
}

std::size_t occurrences(std::string const& text, std::string const& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

}  // namespace

TEST_CASE("report.html: totals, a row per scenario, each failure with its replay and links, nothing unescaped") {
    auto const html = html_report(hostile_regression());
    // Header and totals.
    CHECK(html.find("<h1>nicsim regress <span class=\"plan\">plans/&lt;b&gt;night&lt;/b&gt;.toml</span></h1>") !=
          std::string::npos);
    CHECK(html.find("<p class=\"verdict bad\">1 failed, 1 refused, 1 not run of 4 runs</p>") != std::string::npos);
    CHECK(html.find("<div class=\"total failed\"><b>1</b><span>failed</span></div>") != std::string::npos);
    CHECK(html.find("<div class=\"total passed\"><b>1</b><span>passed</span></div>") != std::string::npos);
    CHECK(html.find("<div class=\"total not-run\"><b>1</b><span>not run</span></div>") != std::string::npos);
    CHECK(html.find("filter <code>&quot;&#39;&amp;&lt;</code>") != std::string::npos);
    CHECK(html.find("Stopped early: interrupted by SIGINT.") != std::string::npos);
    // The table: runs, passed, failed, refused, not run, TX, RX, latency, clock per scenario.
    CHECK(html.find(
              "<tr class=\"ok\" data-scenario=\"good\"><td>good</td><td>1</td><td class=\"passed\">1</td>"
              "<td class=\"failed zero\">0</td><td class=\"refused zero\">0</td><td class=\"not-run zero\">0</td>"
              "<td data-sort=\"2\">2.00</td><td data-sort=\"3\">3.00</td><td data-sort=\"107519\">400 / 107,519</td>"
              "<td data-sort=\"700\">300 / 700</td><td>250</td>") != std::string::npos);
    CHECK(html.find("<tr class=\"bad\" data-scenario=\"bad\"><td><a href=\"#run-bad-0\">bad</a></td><td>2</td>"
                    "<td class=\"passed\">0</td><td class=\"failed some\">1</td><td class=\"refused some\">1</td>"
                    "<td class=\"not-run zero\">0</td>") != std::string::npos);
    CHECK(html.find(
              "<tr class=\"stopped\" data-scenario=\"late\"><td>late</td><td>1</td><td class=\"passed\">0</td>"
              "<td class=\"failed zero\">0</td><td class=\"refused zero\">0</td><td class=\"not-run some\">1</td>") !=
          std::string::npos);
    CHECK(html.find("<tfoot><tr><td>all 3 scenarios</td><td>4</td><td class=\"passed\">1</td>") != std::string::npos);
    // The failure and the refusal: reason, replay, links relative to the output folder.
    CHECK(html.find("<article class=\"failure\" id=\"run-bad-0\">") != std::string::npos);
    CHECK(html.find(
              "<p class=\"reason\">&lt;script&gt;alert(&#39;reason&#39;)&lt;/script&gt; &amp; &quot;more&quot;</p>") !=
          std::string::npos);
    CHECK(html.find("<pre class=\"replay\">nicsim run --pcap-in &#39;&lt;img src=x onerror=alert(1)&gt;.pcap&#39; "
                    "--seed 11</pre>") != std::string::npos);
    CHECK(html.find("<a href=\"runs/bad/run0-seed11/run.fst\">run.fst</a>") != std::string::npos);
    CHECK(html.find("<a href=\"runs/bad/run0-seed11/run.gtkw\">run.gtkw</a>") != std::string::npos);
    CHECK(html.find("<a href=\"runs/bad/run0-seed11/output.txt\">output.txt</a>") != std::string::npos);
    CHECK(html.find("<article class=\"failure refused\" id=\"run-bad-1\">") != std::string::npos);
    CHECK(occurrences(html, "<article class=\"failure") == 2);
    CHECK(html.find("<li>late run 0 seed 13: not started: interrupted by SIGINT</li>") != std::string::npos);
    CHECK(html.find("Not collected: run the regression with <code>--coverage</code>") != std::string::npos);
    CHECK(html.find("No run reported contract cover points") != std::string::npos);
    // Nothing from the input made it through as markup: the one script is the page's own.
    CHECK(html.find("<script>alert") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<b>night") == std::string::npos);
    CHECK(occurrences(html, "<script") == 1);
    // Self-contained: no fetch of any kind; the only URL is SVG's namespace name.
    CHECK(html.find(" src=\"") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    CHECK(occurrences(html, "://") == occurrences(html, "xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST_CASE("report.html: a throughput, a TX and an RX latency chart, each with one row per scenario and its axis") {
    auto const reg = hostile_regression();
    auto const html = html_report(reg);
    CHECK(occurrences(html, "<svg class=\"chart\"") == 3);
    CHECK(occurrences(html, "</svg>") == 3);
    CHECK(occurrences(html, "<g class=\"row\"") == 3 * reg.scenarios.size());
    for (auto const& name : reg.scenarios)
        CHECK(occurrences(html, fmt::format("<g class=\"row\" data-scenario=\"{}\">", name)) == 3);
    CHECK(html.find("Gbit/s at the scenario&#39;s clock") != std::string::npos);
    CHECK(html.find("clock cycles (bar: mean") != std::string::npos);
    // Each bar says its figures: bad's two runs at 2 Gbit/s, good's TX p99 of 107,519 cycles (grouped).
    CHECK(html.find("<title>TX: mean 2.00, least 2.00, greatest 2.00 over 2 run(s)</title>") != std::string::npos);
    CHECK(html.find("<title>p99: mean 107,519, least 107,519, greatest 107,519 over 1 run(s)</title>") !=
          std::string::npos);
    // late has no figures in any chart, bad none of latency.
    CHECK(occurrences(html, "no figures: no run of it reported any") == 5);
}

TEST_CASE("report.html is the same for the same runs but for its timing figures") {
    auto reg = hostile_regression();
    auto const first = html_report(reg);
    reg.started = "2030-01-01 00:00:00 +0000";
    reg.wall_seconds = 999;
    reg.jobs = 7;
    for (auto& r : reg.runs)
        r.wall_seconds *= 3, r.cpu_seconds *= 5, r.cycles_per_second *= 3, r.packets_per_second += 7;
    auto const second = html_report(reg);
    CHECK(first != second);
    auto const without_timing = [](std::string const& s) {
        return std::regex_replace(s, std::regex(R"(<span class="timing">[^<]*</span>)"),
                                  "<span class=\"timing\"></span>");
    };
    CHECK(without_timing(first) == without_timing(second));
}

namespace {

/// A launcher run of `scripts` (sh -c bodies), collecting outcomes by job id.
struct Collector final : LaunchEvents {
    std::map<std::size_t, LaunchOutcome> outcomes;
    std::size_t started_count = 0;
    bool stop_after_first = false;
    void started(LaunchJob const&) override { ++started_count; }
    void finished(LaunchJob const& job, LaunchOutcome const& o) override { outcomes[job.id] = o; }
    bool stop_requested() override { return stop_after_first && !outcomes.empty(); }
    void tick() override {}
};

std::vector<LaunchJob> shell_jobs(fs::path const& dir, std::vector<std::string> const& scripts, double timeout = 0) {
    std::vector<LaunchJob> jobs;
    for (std::size_t i = 0; i < scripts.size(); ++i) {
        LaunchJob j;
        j.id = i;
        j.argv = {"/bin/sh", "-c", scripts[i]};
        j.dir = dir / std::to_string(i);
        j.timeout_seconds = timeout;
        fs::create_directories(j.dir);
        jobs.push_back(j);
    }
    return jobs;
}

}  // namespace

TEST_CASE("the local launcher: exit statuses, signals, output in the run's folder, a time-out ends the group") {
    auto const dir = fresh_dir("launch");
    auto const jobs =
        shell_jobs(dir, {"echo hello; echo oops >&2; pwd; exit 3", "kill -SEGV $$", "sleep 60 & wait", "exit 0"},
                   /*timeout=*/1.0);
    Collector c;
    LocalLaunchOptions o;
    o.jobs = 2;
    o.kill_grace_seconds = 0.5;
    make_local_launcher(o)->run(jobs, c);
    REQUIRE(c.outcomes.size() == 4);
    CHECK(c.outcomes[0].end == LaunchOutcome::End::exited);
    CHECK(c.outcomes[0].exit_status == 3);
    CHECK(slurp(dir / "0" / "output.txt") == "hello\noops\n" + fs::canonical(dir / "0").string() + "\n");
    CHECK(c.outcomes[1].end == LaunchOutcome::End::signaled);
    CHECK(c.outcomes[1].signal == SIGSEGV);
    CHECK(c.outcomes[2].end == LaunchOutcome::End::timed_out);  // the background sleep ended with it
    CHECK(c.outcomes[2].wall_seconds >= 1.0);
    CHECK(c.outcomes[2].wall_seconds < 30.0);
    CHECK(c.outcomes[2].detail == "the limit of 1 s");
    CHECK(c.outcomes[3].end == LaunchOutcome::End::exited);
    CHECK(c.outcomes[3].exit_status == 0);
}

TEST_CASE("the local launcher stops when asked: no new run, the running ones cancelled") {
    auto const dir = fresh_dir("stop");
    // Job 0 ends at once; job 1 would run for a minute; job 2 must never start.
    auto const jobs = shell_jobs(dir, {"exit 0", "sleep 60", "exit 0"});
    Collector c;
    c.stop_after_first = true;
    LocalLaunchOptions o;
    o.jobs = 2;
    o.kill_grace_seconds = 0.5;
    make_local_launcher(o)->run(jobs, c);
    CHECK(c.started_count == 2);
    REQUIRE(c.outcomes.size() == 2);
    CHECK(c.outcomes[1].end == LaunchOutcome::End::cancelled);
    CHECK(c.outcomes[1].wall_seconds < 30.0);
    CHECK_FALSE(c.outcomes.count(2));
}

TEST_CASE("slurm shards: run i goes to task i % K, every run once, the same split every time") {
    CHECK(task_count_for(9, 1) == 9);
    CHECK(task_count_for(9, 2) == 5);
    CHECK(task_count_for(100'000, 100) == 1000);
    CHECK(task_count_for(0, 5) == 1);
    SlurmOptions o;
    CHECK(runs_per_task_for(o, 9) == 10);         // a task carries at least ten runs ...
    CHECK(runs_per_task_for(o, 100'000) == 100);  // ... and an array has at most 1000 tasks
    o.runs_per_task = 7;
    CHECK(runs_per_task_for(o, 100'000) == 7);

    std::vector<LaunchJob> jobs(11);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        jobs[i].id = i;
        jobs[i].argv = {"/bin/nicsim", "run", "--seed", std::to_string(100 + i)};
        jobs[i].dir = fmt::format("/out/runs/s/run{}", i);
        jobs[i].timeout_seconds = 30;
    }
    auto const shards = make_shards(jobs, 4, 2, 3, "/out/slurm/outcomes");
    REQUIRE(shards.size() == 4);
    std::multiset<std::size_t> seen;
    for (auto const& s : shards) {
        CHECK(s.task_count == 4);
        CHECK(s.jobs == 2);
        for (auto const& r : s.runs) {
            CHECK(task_of_run(r.id, 4) == s.task);
            seen.insert(r.id);
        }
    }
    CHECK(seen.size() == 11);
    CHECK(std::set<std::size_t>(seen.begin(), seen.end()).size() == 11);
    CHECK(shards[1].runs.size() == 3);  // 1, 5, 9
    CHECK(shards[1].runs[2].id == 9);
    CHECK(shards[3].runs.size() == 2);  // 3, 7
    auto const again = make_shards(jobs, 4, 2, 3, "/out/slurm/outcomes");
    for (std::size_t t = 0; t < 4; ++t) CHECK(shard_json(again[t]) == shard_json(shards[t]));

    SECTION("a shard file reads back as written; a broken one is one line naming it") {
        auto const back = parse_shard(shard_json(shards[1]), "1.json");
        CHECK(back.task == 1);
        CHECK(back.outcome_dir == "/out/slurm/outcomes");
        REQUIRE(back.runs.size() == 3);
        CHECK(back.runs[1].argv == jobs[5].argv);
        CHECK(back.runs[1].dir == jobs[5].dir);
        CHECK(back.runs[1].timeout_seconds == 30);
        CHECK(shard_json(back) == shard_json(shards[1]));
        auto const error = [](std::string const& text) {
            try {
                parse_shard(text, "shards/2.json");
            } catch (std::runtime_error const& e) {
                return std::string(e.what());
            }
            return std::string();
        };
        CHECK(error("{\"format\": \"other\"}") == "shards/2.json: not a nicsim-regress-shard 1 file");
        CHECK(error("{").rfind("shards/2.json: [json.exception.parse_error", 0) == 0);
        CHECK(error("{").find('\n') == std::string::npos);
    }
}

TEST_CASE("slurm outcome files: each way a run ends reads back as written, names other than ID.json are not outcomes") {
    auto const dir = fresh_dir("outcomes");
    using End = LaunchOutcome::End;
    std::size_t id = 40;
    for (auto end : {End::exited, End::signaled, End::timed_out, End::cancelled, End::not_started, End::lost}) {
        RunOutcome r;
        r.id = id++;
        r.outcome.end = end;
        r.outcome.exit_status = 143;
        r.outcome.signal = SIGSEGV;
        r.outcome.wall_seconds = 1.25;
        r.outcome.cpu_seconds = 0.5;
        r.outcome.detail = "the limit of 3 s \"quoted\"\n";
        write_outcome(dir, r);
        auto const back = parse_outcome(slurp(outcome_path(dir, r.id)), "o");
        CHECK(back.id == r.id);
        CHECK(back.outcome.end == end);
        CHECK(back.outcome.exit_status == 143);
        CHECK(back.outcome.signal == SIGSEGV);
        CHECK(back.outcome.wall_seconds == 1.25);
        CHECK(back.outcome.cpu_seconds == 0.5);
        CHECK(back.outcome.detail == r.outcome.detail);
    }
    // Written whole: no temporary is left next to them.
    std::size_t files = 0;
    for (auto const& e : fs::directory_iterator(dir)) {
        CHECK(outcome_id_of(e.path().filename().string()).has_value());
        ++files;
    }
    CHECK(files == 6);
    CHECK(outcome_path("/o", 17) == "/o/17.json");
    CHECK(outcome_id_of("17.json") == std::optional<std::size_t>(17));
    CHECK_FALSE(outcome_id_of(".17.json.tmp-abc").has_value());
    CHECK_FALSE(outcome_id_of("x.json").has_value());
    CHECK_FALSE(outcome_id_of(".json").has_value());
    CHECK_THROWS_WITH(
        parse_outcome("{\"format\": \"nicsim-regress-outcome 1\", \"id\": 1, \"end\": \"vanished\", "
                      "\"exit_status\": 0, \"signal\": 0, \"wall_seconds\": 0, \"cpu_seconds\": 0, \"detail\": \"\"}",
                      "o/1.json"),
        "o/1.json: unknown end 'vanished'");
}

TEST_CASE("slurm: the sbatch command line from the options, a run timeout gives the tasks a time limit") {
    SlurmOptions o;
    o.out_dir = "/shared/out";
    o.jobs_per_task = 2;
    auto const base = std::vector<std::string>{"--parsable",
                                               "--job-name=nicsim-regress",
                                               "--array=0-9%64",
                                               "--cpus-per-task=2",
                                               "--output=/shared/out/slurm/logs/task-%a.out",
                                               "--chdir=/shared/out"};
    auto with = [&](std::vector<std::string> tail) {
        auto a = base;
        a.insert(a.end(), tail.begin(), tail.end());
        a.push_back("/shared/out/slurm/task.sh");
        return a;
    };
    CHECK(sbatch_arguments(o, 10, 3, 0) == with({}));
    // 3 runs, 2 at once: 2 rounds of (300 s + 3 s of kill grace), plus a minute: 666 s, 12 minutes.
    CHECK(sbatch_arguments(o, 10, 3, 300) == with({"--time=12"}));
    o.partition = "debug";
    o.mem = "4G";
    o.account = "chip";
    o.throttle = 8;
    o.sbatch_options = {"--qos=low", "--constraint=avx2"};
    auto a = sbatch_arguments(o, 10, 3, 300);
    CHECK(a[2] == "--array=0-9%8");
    CHECK(std::vector<std::string>(a.begin() + 6, a.end()) ==
          std::vector<std::string>{"--partition=debug", "--time=12", "--mem=4G", "--account=chip", "--qos=low",
                                   "--constraint=avx2", "/shared/out/slurm/task.sh"});
    o.time = "2:00:00";
    CHECK(sbatch_arguments(o, 10, 3, 300)[7] == "--time=2:00:00");
    o.time.clear();
    o.sbatch_options = {"-t", "30"};  // a time limit of the user's own: none derived
    a = sbatch_arguments(o, 1, 3, 300);
    CHECK(a[2] == "--array=0-0%8");
    CHECK(std::none_of(a.begin(), a.end(), [](std::string const& s) { return s.rfind("--time", 0) == 0; }));

    CHECK(task_script("/opt/it's/nicsim", "/shared/out/slurm/shards") ==
          "#!/bin/sh\n"
          "# nicsim regress --backend slurm: array task $SLURM_ARRAY_TASK_ID runs its shard of the runs.\n"
          "exec '/opt/it'\\''s/nicsim' regress-shard '/shared/out/slurm/shards' \"$SLURM_ARRAY_TASK_ID\"\n");
}

// ---------------------------------------------------------------------------------------- coverage

TEST_CASE(
    "contract coverage: hits are summed over the runs, a point missing from a run counts 0, a run "
    "without the object adds nothing") {
    ContractCoverage c;
    std::string problem;
    CHECK(add_contract_coverage(
        c, R"({"passed": true, "contract_coverage": {"points": {"tx.ring.wrap": 2, "rx.ring.full": 0}}})", problem));
    CHECK(add_contract_coverage(
        c, R"({"passed": true, "contract_coverage": {"points": {"tx.ring.wrap": 3, "irq.timer": 1}}})", problem));
    CHECK(add_contract_coverage(c, R"({"passed": true})", problem));  // an older nicsim: nothing
    CHECK(add_contract_coverage(c, R"({"passed": true, "contract_coverage": null})", problem));  // not collected
    CHECK(problem.empty());
    CHECK(c.runs == 2);
    REQUIRE(c.hits.size() == 3);
    CHECK(c.hits.at("tx.ring.wrap") == 5);
    CHECK(c.hits.at("irq.timer") == 1);
    CHECK(c.hits.at("rx.ring.full") == 0);
    CHECK(c.hit_points() == 2);
    CHECK(c.never_hit() == std::vector<std::string>{"rx.ring.full"});
}

TEST_CASE("contract coverage: the same runs in any order give the same sums") {
    std::vector<std::string> const runs = {R"({"contract_coverage": {"points": {"a": 1, "b": 0, "c": 7}}})",
                                           R"({"contract_coverage": {"points": {"a": 0, "b": 0, "d": 2}}})",
                                           R"({"contract_coverage": {"points": {"c": 1}}})"};
    ContractCoverage forward, backward;
    std::string problem;
    for (auto const& r : runs) REQUIRE(add_contract_coverage(forward, r, problem));
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) REQUIRE(add_contract_coverage(backward, *it, problem));
    CHECK(forward.hits == backward.hits);
    CHECK(forward.never_hit() == std::vector<std::string>{"b"});
    CHECK(forward.hits.at("c") == 8);
}

TEST_CASE("contract coverage: a malformed object is refused whole, saying what is wrong") {
    ContractCoverage c;
    std::string problem;
    CHECK_FALSE(add_contract_coverage(c, R"({"contract_coverage": {"points": {"a": 1, "b": -2}}})", problem));
    CHECK(problem.find("'b'") != std::string::npos);
    CHECK_FALSE(add_contract_coverage(c, R"({"contract_coverage": {"points": {"a": "many"}}})", problem));
    CHECK_FALSE(add_contract_coverage(c, R"({"contract_coverage": {"point": {}}})", problem));
    CHECK(problem.find("points") != std::string::npos);
    CHECK_FALSE(add_contract_coverage(c, R"({"contract_coverage": [1, 2]})", problem));
    CHECK_FALSE(add_contract_coverage(c, "not json", problem));
    CHECK(c.hits.empty());
    CHECK(c.runs == 0);
}

namespace {

/// One point of Verilator's coverage data, as its writer puts it.
std::string dat_point(std::string const& file, int line, std::string const& page, std::uint64_t count,
                      std::string const& linescov = "") {
    std::string keys = fmt::format(
        "\x01"
        "f\x02{}\x01l\x02{}\x01page\x02{}\x01o\x02x",
        file, line, page);  // \x01f is one byte
    if (!linescov.empty()) keys += fmt::format("\x01S\x02{}", linescov);
    return fmt::format("C '{}' {}\n", keys, count);
}

}  // namespace

TEST_CASE("RTL coverage figures: points per kind and file, uncovered lines as ranges, the checkers left out") {
    std::string const dat =
        "# SystemC::Coverage-3\n" + dat_point("/src/rtl/a.sv", 10, "v_line/a", 4, "10-12") +
        dat_point("/src/rtl/a.sv", 20, "v_line/a", 0, "20-22") + dat_point("/src/rtl/a.sv", 23, "v_branch/a", 0) +
        dat_point("/src/rtl/a.sv", 30, "v_branch/a", 0, "30,32") + dat_point("/src/rtl/a.sv", 5, "v_toggle/a", 1) +
        dat_point("/src/rtl/a.sv", 5, "v_toggle/a", 0) + dat_point("/src/rtl/b.sv", 7, "v_user/b", 9) +
        dat_point("/src/rtl/b.sv", 8, "v_line/b", 1) + dat_point("/src/testbench/checkers/c.sv", 3, "v_line/c", 0);
    CodeCoverage c;
    add_rtl_figures(dat, "/src", c);
    REQUIRE(c.rtl_files.size() == 2);
    auto const& a = c.rtl_files[0];
    CHECK(a.file == "rtl/a.sv");
    CHECK(a.line.hit == 1);
    CHECK(a.line.total == 4);
    CHECK(a.toggle.hit == 1);
    CHECK(a.toggle.total == 2);
    CHECK(a.user.total == 0);
    CHECK(format_line_ranges(a.uncovered) == "20-23, 30, 32");
    auto const& b = c.rtl_files[1];
    CHECK(b.file == "rtl/b.sv");
    CHECK(b.user.hit == 1);
    CHECK(b.uncovered.empty());
    CHECK(c.rtl_line.hit == 2);
    CHECK(c.rtl_line.total == 5);  // the checker's point is not RTL
    CHECK(c.rtl_toggle.total == 2);
    CHECK(c.rtl_user.hit == 1);
    CHECK_THROWS_AS(add_rtl_figures("C 'no keys 3\n", "/src", c), std::runtime_error);
}

TEST_CASE("C++ coverage figures: lines per top-level folder of the source tree, each line once") {
    std::string const info =
        "TN:\nSF:/src/driver/a.cpp\nDA:1,3\nDA:2,0\nDA:3,1\nLF:3\nLH:2\nend_of_record\n"
        "SF:/src/driver/sub/b.cpp\nDA:5,0\nDA:5,2\nend_of_record\n"
        "SF:/src/ringlib/src/c.cpp\nDA:9,0\nend_of_record\n";
    CodeCoverage c;
    add_cpp_figures(info, "/src", c);
    REQUIRE(c.cpp_folders.size() == 2);
    CHECK(c.cpp_folders[0].folder == "driver");
    CHECK(c.cpp_folders[0].lines.hit == 3);  // lines 1 and 3 of a.cpp, line 5 of b.cpp (hit by one instance)
    CHECK(c.cpp_folders[0].lines.total == 4);
    CHECK(c.cpp_folders[1].folder == "ringlib");
    CHECK(c.cpp_folders[1].lines.hit == 0);
    CHECK(c.cpp_lines.hit == 3);
    CHECK(c.cpp_lines.total == 5);
}

TEST_CASE(
    "coverage in the reports: summary.json, the text table and report.html carry the figures and the "
    "never-hit points first") {
    Regression r;
    r.plan = "p.toml";
    r.scenarios = {"s"};
    RunResult run;
    run.scenario = "s";
    run.dir = "runs/s/run0-seed1";
    run.status = RunStatus::passed;
    r.runs = {run};
    std::string problem;
    REQUIRE(add_contract_coverage(
        r.contract, R"({"contract_coverage": {"points": {"z.hit": 4, "a.never": 0, "<b>": 0}}})", problem));
    r.code.requested = true;
    r.code.runs = 1;
    add_rtl_figures(
        dat_point("/src/rtl/a.sv", 20, "v_line/a", 0, "20-22") + dat_point("/src/rtl/a.sv", 9, "v_line/a", 2), "/src",
        r.code);
    r.code.errors = {"genhtml failed: genhtml: ERROR: no valid records"};

    auto const j = nlohmann::json::parse(summary_json(r));
    CHECK(j["contract_coverage"]["points"] == 3);
    CHECK(j["contract_coverage"]["hit"] == 1);
    CHECK(j["contract_coverage"]["never_hit"] == nlohmann::json::array({"<b>", "a.never"}));
    CHECK(j["contract_coverage"]["hits"]["z.hit"] == 4);
    CHECK(j["code_coverage"]["rtl"]["line"]["hit"] == 1);
    CHECK(j["code_coverage"]["rtl"]["files"][0]["uncovered_lines"] == "20-22");
    CHECK(j["code_coverage"]["errors"][0] == "genhtml failed: genhtml: ERROR: no valid records");

    auto const text = format_report(r, "out");
    CHECK(text.find("RTL line points 50.0% (1/2)") != std::string::npos);
    CHECK(text.find("contract coverage: 1 of 3 points hit over 1 run(s); never hit: <b>, a.never") !=
          std::string::npos);
    CHECK(text.find("coverage not complete: genhtml failed") != std::string::npos);

    auto const html = html_report(r);
    auto const never = html.find("<code>a.never</code>");
    auto const hit = html.find("<code>z.hit</code>");
    REQUIRE(never != std::string::npos);
    REQUIRE(hit != std::string::npos);
    CHECK(never < hit);  // never-hit points first
    CHECK(html.find("<code>&lt;b&gt;</code>") != std::string::npos);
    CHECK(html.find("<b>1 of 3 points hit</b>") != std::string::npos);
    CHECK(html.find("20-22") != std::string::npos);
    CHECK(html.find("Not complete: genhtml failed") != std::string::npos);

    Regression plain = r;
    plain.code = {};
    plain.contract = {};
    auto const plain_json = nlohmann::json::parse(summary_json(plain));
    CHECK(plain_json["code_coverage"].is_null());
    CHECK(plain_json["contract_coverage"]["runs"] == 0);
    CHECK(html_report(plain).find("Not collected: run the regression with <code>--coverage</code>") !=
          std::string::npos);
    CHECK(format_report(plain, "out").find("contract coverage: no run reported contract points") != std::string::npos);
}
