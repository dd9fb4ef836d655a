// The real `nicsim regress` on small plans. Runs of the co-simulation where the verdict matters
// (a run that passes, one that fails on purpose, one refused), and a stand-in `nicsim` script
// (--nicsim) where the test needs a run to crash, hang or interrupt the regression, which no real
// run does on demand. ctest -R "^regress:"
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/common/scratch_files.hpp"
#include "tests/common/run_command.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using Exec = nicsim::test::CommandResult;

fs::path fresh_dir(std::string const& name) {
    return nicsim::test::fresh_dir("regress_test", name);
}
using nicsim::test::slurp;

void write_file(fs::path const& p, std::string const& text) {
    std::ofstream(p, std::ios::binary) << text;
}

json read_json(fs::path const& p) {
    std::ifstream in(p);
    REQUIRE(in);
    return json::parse(in);
}

/// `nicsim regress ARGS`, run in `dir` (so relative paths land there).
Exec regress(fs::path const& dir, std::string const& args) {
    return nicsim::test::run_command(fmt::format("cd '{}' && '{}' regress {}", dir.string(), NICSIM_BIN, args));
}

/// summary.json without what differs between identical regressions (every "timing").
json without_timing(json j) {
    if (j.is_object()) {
        j.erase("timing");
        for (auto& [k, v] : j.items()) v = without_timing(v);
    } else if (j.is_array()) {
        for (auto& v : j) v = without_timing(v);
    }
    return j;
}

/// A stand-in for `nicsim`: what a run does is chosen by its --packets value (the plan's options
/// are still checked by the real parser): 1 passes, 2 fails, 3 crashes (SIGSEGV), 4 hangs,
/// 5 interrupts the regression (SIGINT to its parent) and hangs, 6 kills its parent (under Slurm:
/// the array task running it), 7 says it started (a file "started" four folders up: next to
/// the output folder) and hangs.
fs::path fake_nicsim(fs::path const& dir) {
    auto const p = dir / "fake-nicsim";
    write_file(p, R"(#!/bin/sh
packets=; seed=
while [ $# -gt 0 ]; do
  case "$1" in --packets) packets=$2; shift ;; --seed) seed=$2; shift ;; esac
  shift
done
report() { printf '{"passed": %s, "failure": "%s", "cycles": 1000, "tx_packets": 1, "rx_packets": 1}\n' "$1" "$2" > run.json; }
echo "fake nicsim run: packets $packets seed $seed"
case "$packets" in
  1) report true ""; exit 0 ;;
  2) report false "fake failure of seed $seed"; exit 1 ;;
  3) kill -SEGV $$ ;;
  4) exec sleep 120 ;;
  5) kill -INT $PPID; exec sleep 120 ;;
  6) kill -KILL $PPID; exec sleep 120 ;;
  7) touch ../../../../started; exec sleep 120 ;;
esac
exit 9
)");
    fs::permissions(p, fs::perms::owner_all);
    return p;
}

/// The plan: "[[scenario]]" blocks of (name, options, seeds).
std::string plan_of(std::vector<std::tuple<std::string, std::string, std::string>> const& scenarios,
                    std::string const& extra = "") {
    std::string t;
    for (auto const& [name, options, seeds] : scenarios)
        t += fmt::format("[[scenario]]\nname = \"{}\"\noptions = \"{}\"\n{}\n\n", name, options, seeds);
    return t + extra;
}

std::string junit_listing(fs::path const& junit) {
    auto const e =
        nicsim::test::run_command(fmt::format("'{}' '{}' '{}'", NICSIM_PYTHON3, CHECK_JUNIT_PY, junit.string()));
    INFO(e.output);
    REQUIRE(e.status == 0);
    return e.output;
}

/// check_report.py's listing of a report.html (see the script for its lines).
std::string report_listing(std::string const& args) {
    auto const e = nicsim::test::run_command(fmt::format("'{}' '{}' {}", NICSIM_PYTHON3, CHECK_REPORT_PY, args));
    INFO(e.output);
    REQUIRE(e.status == 0);
    return e.output;
}

std::vector<std::string> lines_of(std::string const& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE(
    "a plan whose runs pass, fail and are refused: exit 1, JUnit and summary name each, the replay reproduces the "
    "failure",
    "[dw64_q4][dw64_q1]") {
    auto const dir = fresh_dir("verdicts");
    write_file(dir / "plan.toml",
               plan_of({{"passes", "--packets 20", "seeds = 2"},
                        {"fails", "--packets 20 --memory-order weak --barrier-bug no-barriers", "seed_list = [33]"},
                        {"refused", "--config dw64_q1 --queues 4 --packets 10", "seeds = 1"}}));
    auto const e = regress(dir, "plan.toml -j 2 --out out2");
    INFO(e.output);
    CHECK(e.status == 1);
    CHECK(e.output.find("nicsim regress: 4 runs: 2 passed, 1 failed, 1 refused, 0 not run") != std::string::npos);

    auto const summary = read_json(dir / "out2" / "summary.json");
    REQUIRE(summary["runs"].size() == 4);
    auto const& failed = summary["runs"][2];
    CHECK(failed["scenario"] == "fails");
    CHECK(failed["seed"] == 33);
    CHECK(failed["status"] == "failed");
    auto const run_json = read_json(dir / "out2" / failed["dir"].get<std::string>() / "run.json");
    std::string const failure =
        run_json["failure"].get<std::string>().substr(0, run_json["failure"].get<std::string>().find('\n'));
    CHECK(failure.find("ordering violation") != std::string::npos);
    CHECK(failed["reason"] == failure);
    CHECK(fs::exists(dir / "out2" / failed["waves"].get<std::string>()));  // the run's own failure trace
    CHECK(summary["runs"][3]["status"] == "refused");
    CHECK(summary["runs"][3]["reason"] == "nicsim run: --queues: 4 is not in 1..1 (NUM_QUEUES of dw64_q1)");
    // The table and the failure list on stdout.
    CHECK(std::regex_search(e.output, std::regex(R"(\npasses +2 +2 +0 +0 +0 )")));
    CHECK(e.output.find("FAILED fails run 0 seed 33: " + failure) != std::string::npos);
    CHECK(e.output.find("  waves:  out2/" + failed["waves"].get<std::string>()) != std::string::npos);

    // JUnit as a CI server reads it: a suite per scenario, a case per run.
    auto const junit = junit_listing(dir / "out2" / "junit.xml");
    CHECK(junit.find("suite passes tests=2 failures=0 errors=0 skipped=0") != std::string::npos);
    CHECK(junit.find("suite fails tests=1 failures=1 errors=0 skipped=0") != std::string::npos);
    CHECK(junit.find("suite refused tests=1 failures=0 errors=1 skipped=0") != std::string::npos);
    CHECK(junit.find("case fails | run 0 seed 33 | failure | failed | " + failure +
                     " | replay: " + failed["replay_command"].get<std::string>() + "\\nwaves: ") != std::string::npos);
    CHECK(junit.find("case refused | run 0 seed ") != std::string::npos);

    // The replay command, as printed, reproduces the failure.
    std::string replay = failed["replay_command"];
    REQUIRE(replay.rfind("nicsim run ", 0) == 0);
    auto const again = nicsim::test::run_command(fmt::format("cd '{}' && '{}' {} --no-failure-trace", dir.string(),
                                                             NICSIM_BIN, replay.substr(std::string("nicsim ").size())));
    CHECK(again.status == 1);
    CHECK(again.output.find(failure) != std::string::npos);

    SECTION("-j 1 gives the same summary.json, but for its timing") {
        auto const serial = regress(dir, "plan.toml -j 1 --out out1");
        CHECK(serial.status == 1);
        auto const one = read_json(dir / "out1" / "summary.json");
        CHECK(one["timing"]["jobs"] == 1);
        CHECK(summary["timing"]["jobs"] == 2);
        CHECK(without_timing(one).dump(1) == without_timing(summary).dump(1));
    }
    SECTION("--rerun-failed runs only the runs that failed or were refused, with their seeds") {
        auto const rerun = regress(dir, "plan.toml --rerun-failed out2 --out rerun");
        INFO(rerun.output);
        CHECK(rerun.status == 1);
        auto const r = read_json(dir / "rerun" / "summary.json");
        REQUIRE(r["runs"].size() == 2);
        CHECK(r["runs"][0]["scenario"] == "fails");
        CHECK(r["runs"][0]["seed"] == 33);
        CHECK(r["runs"][0]["reason"] == failure);
        CHECK(r["runs"][1]["scenario"] == "refused");
        CHECK(r["runs"][1]["seed"] == summary["runs"][3]["seed"]);
        CHECK(r["rerun_of"] == "out2");
        CHECK(report_listing(fmt::format("report '{}'", (dir / "rerun" / "report.html").string()))
                  .find("totals runs=2 passed=0 failed=1 refused=1 not_run=0\n") != std::string::npos);
    }
}

TEST_CASE("report.html: the table, the failure's replay and links to its files, rendered by headless Chromium",
          "[dw64_q4]") {
    auto const dir = fresh_dir("html");
    write_file(dir / "plan.toml",
               plan_of({{"passes", "--packets 20", "seeds = 2"},
                        {"fails", "--packets 20 --memory-order weak --barrier-bug no-barriers", "seed_list = [33]"}}));
    auto const e = regress(dir, "plan.toml -j 2 --out out");
    INFO(e.output);
    REQUIRE(e.status == 1);
    auto const out = dir / "out";
    auto const report = out / "report.html";
    REQUIRE(fs::exists(report));
    CHECK(e.output.find("out/report.html") != std::string::npos);
    auto const summary = read_json(out / "summary.json");
    auto const& failed = summary["runs"][2];
    REQUIRE(failed["status"] == "failed");

    // Parsed as HTML: the counts of summary.json, the failure's reason and replay, links to files
    // that exist, a chart row per scenario, nothing fetched.
    auto const listing = report_listing(fmt::format("report '{}'", report.string()));
    INFO(listing);
    CHECK(listing.find("totals runs=3 passed=2 failed=1 refused=0 not_run=0\n") != std::string::npos);
    for (auto const& sc : summary["scenarios"])
        CHECK(listing.find(fmt::format("row {} runs={} passed={} failed={} refused={} not_run={} tx={:.2f} rx={:.2f}\n",
                                       sc["name"].get<std::string>(), sc["runs"].get<int>(), sc["passed"].get<int>(),
                                       sc["failed"].get<int>(), sc["refused"].get<int>(), sc["not_run"].get<int>(),
                                       sc["mean_tx_gbit_per_second"].get<double>(),
                                       sc["mean_rx_gbit_per_second"].get<double>())) != std::string::npos);
    CHECK(listing.find(fmt::format("failure FAILED fails run 0 · seed 33 · failed · exit status 1 | {} | {}\n",
                                   failed["reason"].get<std::string>(), failed["replay_command"].get<std::string>())) !=
          std::string::npos);
    auto const run_dir = failed["dir"].get<std::string>();
    for (auto const& file : {failed["waves"].get<std::string>(), run_dir + "/run.gtkw", run_dir + "/output.txt",
                             run_dir + "/run.json", std::string("summary.json"), std::string("junit.xml")})
        CHECK(listing.find(fmt::format("link {} exists\n", file)) != std::string::npos);
    CHECK(listing.find(" missing\n") == std::string::npos);
    CHECK(listing.find("chart Throughput per scenario rows=2\n") != std::string::npos);
    CHECK(listing.find("chart TX latency per scenario rows=2\n") != std::string::npos);
    CHECK(listing.find("chart RX latency per scenario rows=2\n") != std::string::npos);
    CHECK(listing.find("external 0\n") != std::string::npos);
    CHECK(listing.find("scripted no\n") != std::string::npos);  // the file as written: its script adds to it

    // Rendered by a browser (CI runs as root: --no-sandbox): a screenshot that is not blank, and
    // the DOM it built holds the same table, with the page's script run.
    std::string const chromium = NICSIM_CHROMIUM;
    INFO("chromium: '" << chromium << "'");
    REQUIRE_FALSE(chromium.empty());  // not found when configured: tools/install-deps installs it
    REQUIRE(fs::exists(chromium));
    auto const shot = dir / "report.png";
    auto const browser = nicsim::test::run_command(fmt::format(
        "timeout 120 '{}' --headless=new --no-sandbox --disable-gpu --user-data-dir='{}' --window-size=1280,2000 "
        "--screenshot='{}' --dump-dom 'file://{}' > '{}'",
        chromium, (dir / "chromium-profile").string(), shot.string(), fs::absolute(report).string(),
        (dir / "dom.html").string()));
    INFO("chromium said: " << browser.output);
    INFO("screenshot: " << shot.string());
    REQUIRE(browser.status == 0);
    auto const png = report_listing(fmt::format("png '{}'", shot.string()));
    std::smatch m;
    REQUIRE(std::regex_search(png, m, std::regex(R"(png 1280x(\d+) colors=(\d+) non_white=([0-9.]+))")));
    CHECK(std::stoi(m[1]) >= 1000);
    CHECK(std::stoi(m[2]) >= 500);   // text, bars and boxes in colour: a blank or unstyled page has far fewer
    CHECK(std::stod(m[3]) >= 0.10);  // a blank page is all white
    auto const dom = report_listing(fmt::format("report '{}' --base '{}'", (dir / "dom.html").string(), out.string()));
    auto const without_script_line = [](std::string const& text) {
        auto lines = lines_of(text);
        lines.pop_back();  // "scripted ..."
        return lines;
    };
    CHECK(without_script_line(dom) == without_script_line(listing));
    CHECK(dom.find("scripted yes\n") != std::string::npos);
}

TEST_CASE("a crash and a hang past --timeout are failed runs with their reason, none lost") {
    auto const dir = fresh_dir("crash");
    auto const fake = fake_nicsim(dir);
    write_file(dir / "plan.toml", plan_of({{"ok", "--packets 1", "seeds = 1"},
                                           {"crash", "--packets 3", "seeds = 1"},
                                           {"hang", "--packets 4", "seeds = 1"}}));
    auto const e = regress(dir, fmt::format("plan.toml --nicsim {} --timeout 1 -j 3", fake.string()));
    INFO(e.output);
    CHECK(e.status == 1);
    auto const s = read_json(dir / "regress-out" / "summary.json");
    REQUIRE(s["runs"].size() == 3);
    CHECK(s["runs"][0]["status"] == "passed");
    CHECK(s["runs"][1]["status"] == "failed");
    CHECK(s["runs"][1]["failure_kind"] == "signal");
    CHECK(s["runs"][1]["signal"] == "SIGSEGV");
    CHECK(s["runs"][1]["reason"].get<std::string>().rfind("killed by SIGSEGV (last output: fake nicsim run: packets 3",
                                                          0) == 0);
    CHECK(s["runs"][2]["status"] == "failed");
    CHECK(s["runs"][2]["failure_kind"] == "timeout");
    CHECK(s["runs"][2]["reason"] == "timeout: still running after the limit of 1 s (its process group was ended)");
    CHECK(slurp(dir / "regress-out" / s["runs"][2]["dir"].get<std::string>() / "output.txt") ==
          fmt::format("fake nicsim run: packets 4 seed {}\n", s["runs"][2]["seed_string"].get<std::string>()));
    auto const junit = junit_listing(dir / "regress-out" / "junit.xml");
    CHECK(junit.find("| failure | signal | killed by SIGSEGV") != std::string::npos);
    CHECK(junit.find("| failure | timeout | timeout: still running") != std::string::npos);
}

TEST_CASE("Ctrl-C stops launching, ends the runs in flight and writes a partial report listing them as not run") {
    auto const dir = fresh_dir("sigint");
    auto const fake = fake_nicsim(dir);
    // The first run sends SIGINT to the regression itself: the interrupt comes while a run is in
    // flight and the others wait, with no timing in the test.
    write_file(dir / "plan.toml",
               plan_of({{"interrupts", "--packets 5", "seeds = 3"}, {"later", "--packets 1", "seeds = 2"}}));
    auto const e = regress(dir, fmt::format("plan.toml --nicsim {} -j 1", fake.string()));
    INFO(e.output);
    CHECK(e.status == 130);
    CHECK(e.output.find("5 run(s) not run: interrupted by SIGINT") != std::string::npos);
    auto const s = read_json(dir / "regress-out" / "summary.json");
    CHECK(s["stopped"] == "interrupted by SIGINT");
    CHECK(s["totals"]["runs"] == 5);
    CHECK(s["totals"]["not_run"] == 5);
    CHECK(s["runs"][0]["reason"] == "cancelled: interrupted by SIGINT");
    CHECK(s["runs"][4]["reason"] == "not started: interrupted by SIGINT");
    CHECK(junit_listing(dir / "regress-out" / "junit.xml").find("suite later tests=2 failures=0 errors=0 skipped=2") !=
          std::string::npos);
    auto const report = report_listing(fmt::format("report '{}'", (dir / "regress-out" / "report.html").string()));
    CHECK(report.find("totals runs=5 passed=0 failed=0 refused=0 not_run=5\n") != std::string::npos);
    CHECK(report.find("row later runs=2 passed=0 failed=0 refused=0 not_run=2 ") != std::string::npos);
}

TEST_CASE("which runs: --fail-fast stops at the first failure, --group, --filter, --seeds and --seed-base choose") {
    auto const dir = fresh_dir("select");
    auto const fake = fake_nicsim(dir);
    write_file(dir / "plan.toml", plan_of({{"a-pass", "--packets 1", "seeds = 2"},
                                           {"b-fail", "--packets 2", "seeds = 3"},
                                           {"c-pass", "--packets 1", "seed_list = [5, 6]"}},
                                          "[groups]\nquick = [\"c-pass\", \"a-pass\"]\n"));
    auto const nicsim = fmt::format("--nicsim {}", fake.string());
    auto const seeds_of = [&](std::string const& out) {
        std::vector<std::string> seeds;
        auto const summary = read_json(dir / out / "summary.json");
        for (auto const& r : summary["runs"])
            seeds.push_back(
                fmt::format("{}:{}", r["scenario"].get<std::string>(), r["seed_string"].get<std::string>()));
        return seeds;
    };
    SECTION("--fail-fast") {
        auto const e = regress(dir, fmt::format("plan.toml {} -j 1 --fail-fast", nicsim));
        INFO(e.output);
        CHECK(e.status == 1);
        auto const s = read_json(dir / "regress-out" / "summary.json");
        CHECK(s["totals"]["passed"] == 2);
        CHECK(s["totals"]["failed"] == 1);
        CHECK(s["totals"]["not_run"] == 4);
        CHECK(s["stopped"].get<std::string>().rfind("--fail-fast: stopped after b-fail run 0 seed ", 0) == 0);
    }
    SECTION("--group keeps plan order; --filter; --seeds overrides counts, a seed list is used first") {
        CHECK(regress(dir, fmt::format("plan.toml {} --group quick --out g", nicsim)).status == 0);
        auto const g = seeds_of("g");
        REQUIRE(g.size() == 4);
        CHECK(g[0].rfind("a-pass:", 0) == 0);
        CHECK(g[2] == "c-pass:5");
        CHECK(regress(dir, fmt::format("plan.toml {} --filter '^c' --seeds 3 --out f", nicsim)).status == 0);
        auto const f = seeds_of("f");
        REQUIRE(f.size() == 3);
        CHECK(f[0] == "c-pass:5");
        CHECK(f[1] == "c-pass:6");
        CHECK(f[2] != "c-pass:5");
    }
    SECTION("the same seed base gives the same seeds; another gives others") {
        CHECK(regress(dir, fmt::format("plan.toml {} --filter a-pass --seed-base 7 --out s1", nicsim)).status == 0);
        CHECK(regress(dir, fmt::format("plan.toml {} --filter a-pass --seed-base 7 --out s2 -j 1", nicsim)).status ==
              0);
        CHECK(regress(dir, fmt::format("plan.toml {} --filter a-pass --seed-base 8 --out s3", nicsim)).status == 0);
        CHECK(seeds_of("s1") == seeds_of("s2"));
        CHECK(seeds_of("s1") != seeds_of("s3"));
    }
}

TEST_CASE("bad input is one line and exit status 2, nothing run") {
    auto const dir = fresh_dir("bad");
    auto const one_line = [](Exec const& e) { return std::count(e.output.begin(), e.output.end(), '\n') == 1; };
    auto const check = [&](std::string const& args, std::string const& message) {
        auto const e = regress(dir, args);
        INFO(args << "\n" << e.output);
        CHECK(e.status == 2);
        CHECK(one_line(e));
        CHECK(e.output == "nicsim regress: " + message + "\n");
        CHECK_FALSE(fs::exists(dir / "regress-out" / "runs"));
    };
    write_file(dir / "syntax.toml", "[[scenario]]\nname = \"a\"\noptions = [\"--packets\" \"5\"]\n");
    write_file(dir / "unknown-option.toml",
               plan_of({{"ok", "--packets 5", "seeds = 1"}, {"typo", "--packets 5 --stal 10", "seeds = 2"}}));
    write_file(dir / "unknown-member.toml",
               plan_of({{"ok", "--packets 5", "seeds = 1"}}, "[groups]\nsmoke = [\"ok\", \"gone\"]\n"));
    auto const syntax = regress(dir, "syntax.toml");
    CHECK(syntax.status == 2);
    CHECK(one_line(syntax));
    CHECK(std::regex_search(syntax.output, std::regex("^nicsim regress: syntax\\.toml:3: ")));
    check("unknown-option.toml",
          "unknown-option.toml:8: scenario 'typo': --stal: unknown option (nicsim run --help lists them)");
    check("unknown-member.toml", "unknown-member.toml:7: group 'smoke': no scenario 'gone' in the plan");
    check("unknown-option.toml --group x",
          "unknown-option.toml:8: scenario 'typo': --stal: unknown option (nicsim run --help lists them)");
    check("unknown-member.toml --bogus", "--bogus: unknown option (nicsim regress --help lists them)");
    check("none.toml", "none.toml: cannot read the plan (no such file)");
    check("", "missing PLAN (a TOML file; nicsim regress --help)");
    check("unknown-member.toml -j 0", "--jobs: 0 is not in 1..4096");
    check("unknown-member.toml --backend lsf", "--backend: 'lsf' is not local or slurm");
    check("unknown-member.toml --slurm-partition debug", "--slurm-partition: only with --backend slurm");
    check("unknown-member.toml --backend slurm --slurm-throttle 0", "--slurm-throttle: 0 is not in 1..1000000");
    write_file(dir / "coverage-dir.toml", plan_of({{"mine", "--packets 5 --coverage-dir here", "seeds = 1"}}));
    check("coverage-dir.toml",
          "coverage-dir.toml:3: scenario 'mine': --coverage-dir is the regression's own (nicsim regress "
          "--coverage: each run writes its coverage in its folder)");
#ifndef NICSIM_COVERAGE
    // Coverage needs a coverage build: said before anything runs, by the regression and by a run.
    check("unknown-member.toml --coverage",
          "--coverage: this nicsim is not a coverage build, its runs would count nothing "
          "(build one: tools/coverage, or cmake -DNICSIM_COVERAGE=ON in a build folder of its own)");
    {
        auto const e = nicsim::test::run_command(
            fmt::format("cd '{}' && '{}' run --packets 5 --coverage-dir cov", dir.string(), NICSIM_BIN));
        INFO(e.output);
        CHECK(e.status == 2);
        CHECK(e.output ==
              "nicsim run: --coverage-dir: this build counts no coverage (build the coverage flavour: tools/coverage, "
              "or cmake -DNICSIM_COVERAGE=ON in a build folder of its own)\n");
        CHECK_FALSE(fs::exists(dir / "cov"));
    }
#endif
    {  // no Slurm here: what is missing and how to get it
        auto const e = nicsim::test::run_command(fmt::format(
            "cd '{}' && PATH=/nonexistent '{}' regress unknown-member.toml --backend slurm", dir.string(), NICSIM_BIN));
        INFO(e.output);
        CHECK(e.status == 2);
        CHECK(e.output ==
              "nicsim regress: --backend slurm: no sbatch on PATH (Slurm's client commands: install "
              "slurm-client and point SLURM_CONF at the cluster, or start a one-node Slurm here: "
              "tools/slurm-local start)\n");
    }
    write_file(dir / "ok.toml", plan_of({{"ok", "--packets 5", "seeds = 1"}}, "[groups]\nsmoke = [\"ok\"]\n"));
    check("ok.toml --group nightly", "--group: no group 'nightly' in ok.toml (it has smoke)");
    check("ok.toml --filter '('",
          "--filter: '(' is not a regular expression (Mismatched '(' and ')' in regular expression)");
    fs::create_directories(dir / "mine");
    write_file(dir / "mine" / "notes.txt", "keep me\n");
    check("ok.toml --out mine",
          "--out mine: not empty and not a regression's output folder (no .nicsim-regress); choose "
          "another or empty it");
    CHECK(slurp(dir / "mine" / "notes.txt") == "keep me\n");
}

// The Slurm backend on a real one-node Slurm (tools/slurm-local, started and stopped by the ctest
// fixture "regress slurm: start"/"stop"; SLURM_CONF points at it). Tagged [slurm]: registered
// only with that fixture (ctest -R "^regress slurm:").

namespace {

/// One line per run: what must not depend on the backend (the runs and their verdicts in
/// summary.json, and the key figures of each run's run.json: deterministic per seed).
std::vector<std::string> run_figures(fs::path const& out) {
    std::vector<std::string> lines;
    auto const summary = read_json(out / "summary.json");
    for (auto const& r : summary["runs"]) {
        std::string figures = "no run.json";
        if (auto const p = out / r["dir"].get<std::string>() / "run.json"; fs::exists(p)) {
            auto const j = read_json(p);
            figures = fmt::format("cycles {} tx {} rx {} passed {}", j.value("cycles", json()).dump(),
                                  j.value("tx_packets", json()).dump(), j.value("rx_packets", json()).dump(),
                                  j.value("passed", json()).dump());
        }
        lines.push_back(fmt::format("{} run {} seed {}: {} ({}) {}", r["scenario"].get<std::string>(),
                                    r["index"].dump(), r["seed_string"].get<std::string>(),
                                    r["status"].get<std::string>(), r["reason"].dump(), figures));
    }
    return lines;
}

/// summary.json without timing and without the backend's name: what must be equal across backends.
json comparable(fs::path const& out) {
    auto j = without_timing(read_json(out / "summary.json"));
    j.erase("backend");
    return j;
}

std::string slurm_job_of(fs::path const& out) {
    auto id = slurp(out / "slurm" / "job");
    return id.substr(0, id.find('\n'));
}

}  // namespace

TEST_CASE("the CI plan through Slurm: the same runs, verdicts and per-run figures as the local backend",
          "[slurm][dw64_q4]") {
    auto const dir = fresh_dir("slurm-ci");
    auto const plan = fs::path(NICSIM_PLANS_DIR) / "ci.toml";
    auto const local = regress(dir, fmt::format("'{}' -j 2 --out local", plan.string()));
    INFO(local.output);
    REQUIRE(local.status == 0);
    // Two runs per array task, one at a time: 5 tasks on the node's CPUs (the plan has 10 runs).
    auto const slurm = regress(
        dir, fmt::format("'{}' --backend slurm --slurm-runs-per-task 2 --slurm-throttle 4 --out slurm", plan.string()));
    INFO(slurm.output);
    CHECK(slurm.status == 0);
    CHECK(slurm.output.find("nicsim regress: 10 runs: 10 passed, 0 failed, 0 refused, 0 not run") != std::string::npos);
    CHECK(read_json(dir / "slurm" / "summary.json")["backend"] == "slurm");
    CHECK(run_figures(dir / "slurm") == run_figures(dir / "local"));
    CHECK(comparable(dir / "slurm").dump(1) == comparable(dir / "local").dump(1));
    CHECK(junit_listing(dir / "slurm" / "junit.xml") == junit_listing(dir / "local" / "junit.xml"));
    CHECK(report_listing(fmt::format("report '{}'", (dir / "slurm" / "report.html").string())) ==
          report_listing(fmt::format("report '{}'", (dir / "local" / "report.html").string())));
    // The array: 5 tasks, each logged its shard.
    for (int t = 0; t < 5; ++t)
        CHECK(slurp(dir / "slurm" / "slurm" / "logs" / fmt::format("task-{}.out", t))
                  .find(fmt::format("task {}: 2 of 2 outcomes written", t)) != std::string::npos);
}

TEST_CASE("through Slurm: a failure and a refusal are reported as locally, and --rerun-failed reruns them on Slurm",
          "[slurm][dw64_q4][dw64_q1]") {
    auto const dir = fresh_dir("slurm-verdicts");
    write_file(dir / "plan.toml",
               plan_of({{"passes", "--packets 20", "seeds = 2"},
                        {"fails", "--packets 20 --memory-order weak --barrier-bug no-barriers", "seed_list = [33]"},
                        {"refused", "--config dw64_q1 --queues 4 --packets 10", "seeds = 1"}}));
    auto const local = regress(dir, "plan.toml -j 2 --out local");
    CHECK(local.status == 1);
    auto const slurm = regress(dir, "plan.toml --backend slurm -j 2 --out slurm");
    INFO(slurm.output);
    CHECK(slurm.status == 1);
    CHECK(run_figures(dir / "slurm") == run_figures(dir / "local"));
    CHECK(comparable(dir / "slurm").dump(1) == comparable(dir / "local").dump(1));
    auto const s = read_json(dir / "slurm" / "summary.json");
    CHECK(s["runs"][2]["status"] == "failed");
    CHECK(fs::exists(dir / "slurm" /
                     s["runs"][2]["waves"].get<std::string>()));  // the failure's waves, written by the task
    auto const rerun = regress(dir, "plan.toml --backend slurm --rerun-failed slurm --out rerun");
    INFO(rerun.output);
    CHECK(rerun.status == 1);
    auto const r = read_json(dir / "rerun" / "summary.json");
    REQUIRE(r["runs"].size() == 2);
    CHECK(r["runs"][0]["seed"] == 33);
    CHECK(r["runs"][0]["reason"] == s["runs"][2]["reason"]);
    CHECK(r["runs"][1]["status"] == "refused");
}

TEST_CASE(
    "through Slurm: a crash, a hang past --timeout and an array task that dies are failed runs with their reason, none "
    "lost",
    "[slurm]") {
    auto const dir = fresh_dir("slurm-crash");
    auto const fake = fake_nicsim(dir);
    write_file(dir / "plan.toml", plan_of({{"ok", "--packets 1", "seeds = 2"},
                                           {"crash", "--packets 3", "seeds = 1"},
                                           {"hang", "--packets 4", "seeds = 1"},
                                           {"task-dies", "--packets 6", "seeds = 1"}}));
    auto const e = regress(
        dir, fmt::format("plan.toml --backend slurm --slurm-runs-per-task 1 --nicsim {} --timeout 1", fake.string()));
    INFO(e.output);
    CHECK(e.status == 1);
    auto const s = read_json(dir / "regress-out" / "summary.json");
    REQUIRE(s["runs"].size() == 5);
    CHECK(s["runs"][0]["status"] == "passed");
    CHECK(s["runs"][1]["status"] == "passed");
    CHECK(s["runs"][2]["failure_kind"] == "signal");
    CHECK(s["runs"][2]["reason"].get<std::string>().rfind("killed by SIGSEGV (last output: fake nicsim run: packets 3",
                                                          0) == 0);
    CHECK(s["runs"][3]["failure_kind"] == "timeout");
    CHECK(s["runs"][3]["reason"] == "timeout: still running after the limit of 1 s (its process group was ended)");
    // Task 4 (one run per task) was killed under its run: no outcome file; squeue says it ended.
    CHECK(s["runs"][4]["status"] == "failed");
    CHECK(s["runs"][4]["failure_kind"] == "lost");
    auto const job = slurm_job_of(dir / "regress-out");
    CHECK(s["runs"][4]["reason"].get<std::string>().rfind(
              fmt::format("Slurm array task {}_4 ended (FAILED) without reporting this run (its log: ", job), 0) == 0);
    CHECK(junit_listing(dir / "regress-out" / "junit.xml").find("| failure | lost | Slurm array task") !=
          std::string::npos);
}

TEST_CASE("through Slurm: sbatch refusing the job is exit 2 with sbatch's own message", "[slurm]") {
    auto const dir = fresh_dir("slurm-refused");
    auto const fake = fake_nicsim(dir);
    write_file(dir / "plan.toml", plan_of({{"ok", "--packets 1", "seeds = 2"}}));
    auto const e =
        regress(dir, fmt::format("plan.toml --backend slurm --nicsim {} --slurm-partition nosuch", fake.string()));
    INFO(e.output);
    CHECK(e.status == 2);
    CHECK(std::count(e.output.begin(), e.output.end(), '\n') == 2);  // the header line, then the error
    CHECK(e.output.find(
              "\nnicsim regress: sbatch refused the job: sbatch: error: invalid partition specified: nosuch\n") !=
          std::string::npos);
}

TEST_CASE("through Slurm: Ctrl-C cancels the job and writes a partial report, every run accounted for", "[slurm]") {
    auto const dir = fresh_dir("slurm-sigint");
    auto const fake = fake_nicsim(dir);
    write_file(dir / "plan.toml",
               plan_of({{"quick", "--packets 1", "seeds = 1"}, {"hangs", "--packets 7", "seeds = 3"}}));
    // The regression in the background; SIGINT once a run says it started (a bounded wait for that file).
    auto const e = nicsim::test::run_command(
        fmt::format("cd '{}' && {{ '{}' regress plan.toml --backend slurm --nicsim {} --slurm-runs-per-task 4 > "
                    "log.txt 2>&1 & pid=$!; "
                    "i=0; while [ ! -e started ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; "
                    "kill -INT $pid; wait $pid; echo \"status $?\"; }}",
                    dir.string(), NICSIM_BIN, fake.string()));
    INFO(e.output << slurp(dir / "log.txt"));
    CHECK(fs::exists(dir / "started"));
    CHECK(e.output == "status 130\n");
    auto const s = read_json(dir / "regress-out" / "summary.json");
    CHECK(s["stopped"] == "interrupted by SIGINT");
    CHECK(s["totals"]["runs"] == 4);
    CHECK(s["totals"]["passed"].get<int>() + s["totals"]["not_run"].get<int>() == 4);
    CHECK(s["runs"][1]["reason"] == "cancelled: interrupted by SIGINT");
    // The job was scancelled: Slurm lists none of its tasks as pending or running (once it has
    // ended them, a bounded wait).
    auto const job = slurm_job_of(dir / "regress-out");
    auto const q = nicsim::test::run_command(fmt::format(
        "i=0; while [ -n \"$(squeue --noheader --array --jobs={0} --states=PENDING,RUNNING,COMPLETING --format=%T)\" ] "
        "&& "
        "[ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; squeue --noheader --array --jobs={0} --states=all --format=%T",
        job));
    INFO(q.output);
    CHECK(q.output.find("RUNNING") == std::string::npos);
    CHECK(q.output.find("PENDING") == std::string::npos);
}
