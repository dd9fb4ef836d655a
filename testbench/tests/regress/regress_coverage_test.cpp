// `nicsim regress --coverage` and `nicsim run --coverage-dir` on a coverage build (NICSIM_COVERAGE:
// tools/coverage makes one; these tests are registered only there). They check that every run
// leaves its counts in its folder, that the merge is what the tools make of the runs' files, that
// the figures in the reports agree with the merged files, and that Slurm merges the same counts as
// the local backend for the same seeds. ctest -R "^regress coverage"
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/common/scratch_files.hpp"
#include "tests/common/run_command.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using Exec = nicsim::test::CommandResult;

fs::path fresh_dir(std::string const& name) {
    return nicsim::test::fresh_dir("regress_coverage", name);
}
using nicsim::test::slurp;

json read_json(fs::path const& p) {
    std::ifstream in(p);
    REQUIRE(in);
    return json::parse(in);
}

Exec shell(std::string const& command) {
    return nicsim::test::run_command(command);
}

/// The plan these tests run: NICSIM_COVERAGE_TEST_PLAN (e.g. the smoke plan), else the CI plan.
fs::path test_plan() {
    if (char const* p = std::getenv("NICSIM_COVERAGE_TEST_PLAN"); p && *p) return p;
    return fs::path(NICSIM_PLANS_DIR) / "ci.toml";
}

/// `nicsim regress PLAN --coverage ARGS --out OUT` in `dir`.
Exec regress(fs::path const& dir, std::string const& out, std::string const& args) {
    return shell(fmt::format("cd '{}' && '{}' regress '{}' --coverage --out '{}' {}", dir.string(), NICSIM_BIN,
                             test_plan().string(), out, args));
}

/// Every run folder of a regression's output, from its summary.json (plan order).
std::vector<fs::path> run_dirs(fs::path const& out) {
    std::vector<fs::path> dirs;
    auto const summary = read_json(out / "summary.json");
    for (auto const& run : summary["runs"]) dirs.push_back(out / run["dir"].get<std::string>());
    return dirs;
}

/// The merged coverage as the reports give it, without the timing.
json coverage_of(fs::path const& out) {
    auto const j = read_json(out / "summary.json");
    return {{"code", j["code_coverage"]}, {"contract", j["contract_coverage"]}};
}

/// The checks every --coverage output passes.
void check_coverage_output(fs::path const& out) {
    auto const cov = out / "coverage";
    for (auto const* f : {"rtl.dat", "rtl.info", "cpp.info", "html/index.html"}) {
        INFO(f);
        CHECK(fs::is_regular_file(cov / f));
    }
    // Every run left its RTL and C++ counts in its own folder.
    auto const dirs = run_dirs(out);
    std::string dats;
    for (auto const& d : dirs) {
        INFO(d);
        CHECK(fs::is_regular_file(d / "coverage" / "rtl.dat"));
        std::size_t gcda = 0;
        for (auto const& e : fs::recursive_directory_iterator(d / "coverage" / "gcov"))
            gcda += e.path().extension() == ".gcda";
        CHECK(gcda > 10);
        dats += fmt::format(" '{}'", (d / "coverage" / "rtl.dat").string());
    }
    // The merged RTL counts are what verilator_coverage makes of the runs' own files.
    auto const check_dat = out.parent_path() / (out.filename().string() + "-check.dat");
    auto const merge_command = fmt::format("verilator_coverage --write '{}'{}", check_dat.string(), dats);
    auto const merged = shell(merge_command);
    INFO(merge_command << "\n" << merged.output);
    REQUIRE(merged.status == 0);
    CHECK(slurp(check_dat) == slurp(cov / "rtl.dat"));

    auto const s = read_json(out / "summary.json");
    auto const& code = s["code_coverage"];
    CHECK(code["errors"].empty());
    CHECK(code["runs"] == dirs.size());
    CHECK(code["rtl_runs"] == dirs.size());
    CHECK(code["cpp_runs"] == dirs.size());
    // The figures: RTL line points are a real share, every file's uncovered list agrees with its counts.
    std::uint64_t hit = 0, total = 0;
    for (auto const& f : code["rtl"]["files"]) {
        INFO(f.dump());
        CHECK(f["file"].get<std::string>().rfind("rtl/", 0) == 0);
        hit += f["line"]["hit"].get<std::uint64_t>();
        total += f["line"]["total"].get<std::uint64_t>();
        CHECK((f["line"]["hit"] == f["line"]["total"]) == f["uncovered_lines"].get<std::string>().empty());
    }
    CHECK(code["rtl"]["line"]["hit"] == hit);
    CHECK(code["rtl"]["line"]["total"] == total);
    CHECK(hit > total / 2);
    if (NICSIM_COVERAGE_TOGGLE) {
        CHECK(code["rtl"]["toggle"]["hit"].get<std::uint64_t>() > 0);
    } else {  // NICSIM_COVERAGE_TOGGLE=OFF: the models count no toggle point at all
        CHECK(code["rtl"]["toggle"]["total"] == 0);
    }
    // The RTL line points counted here are those of rtl/ in the merged file (grep the .dat: one point per line).
    auto const grep = shell(
        fmt::format("grep -a -c -E \"^C '.f.[^']*/rtl/[^']*page.v_(line|branch)/\" '{}'", (cov / "rtl.dat").string()));
    CHECK(std::stoull(grep.output) == total);
    // C++: our sources only, in the folders the nicsim program is made of.
    auto const cpp = slurp(cov / "cpp.info");
    std::regex const source_file("^SF:(.*)$", std::regex::multiline);
    std::set<std::string> folders;
    for (auto const& f : code["cpp"]["folders"]) folders.insert(f["folder"].get<std::string>());
    for (auto const* folder : {"driver", "ringlib", "testbench"}) CHECK(folders.count(folder));
    for (std::sregex_iterator it(cpp.begin(), cpp.end(), source_file), end; it != end; ++it) {
        auto const file = (*it)[1].str();
        INFO(file);
        CHECK(file.rfind(NICSIM_SOURCE_DIR, 0) == 0);
        CHECK(file.find("/usr/") != 0);
        CHECK(file.rfind(NICSIM_BUILD_DIR, 0) != 0);
    }
    CHECK(code["cpp"]["lines"]["hit"].get<std::uint64_t>() > 1000);
    // Contract coverage (when the runs report it): the never-hit list is exactly the points at 0.
    auto const& contract = s["contract_coverage"];
    std::vector<std::string> zero;
    std::size_t points_hit = 0;
    for (auto const& [name, count] : contract["hits"].items()) {
        if (count == 0)
            zero.push_back(name);
        else
            ++points_hit;
    }
    CHECK(contract["never_hit"] == json(zero));
    CHECK(contract["hit"] == points_hit);
    // report.html says the same.
    auto const html = slurp(out / "report.html");
    CHECK(html.find(fmt::format("<td>{:.1f}%</td>", 100.0 * static_cast<double>(hit) / static_cast<double>(total))) !=
          std::string::npos);
    CHECK(html.find("coverage/html/index.html") != std::string::npos);
}

}  // namespace

TEST_CASE(
    "nicsim run --coverage-dir: the model's counts and this process's C++ counts in the folder, a failed run's too",
    "[coverage][dw64_q4]") {
    auto const dir = fresh_dir("run");
    auto const ok =
        shell(fmt::format("cd '{}' && '{}' run --packets 20 --seed 3 --coverage-dir cov", dir.string(), NICSIM_BIN));
    INFO(ok.output);
    REQUIRE(ok.status == 0);
    CHECK(slurp(dir / "cov" / "rtl.dat").rfind("# SystemC::Coverage-3\n", 0) == 0);
    CHECK(fs::exists(dir / "cov" / "gcov" / "app" / "CMakeFiles" / "nicsim_command.dir" / "command.cpp.gcda"));
    // A run that fails (a driver without its barriers on a weakly ordered host) writes its counts as well.
    auto const bad =
        shell(fmt::format("cd '{}' && '{}' run --packets 20 --seed 33 --memory-order weak --barrier-bug "
                          "no-barriers --no-failure-trace --coverage-dir bad",
                          dir.string(), NICSIM_BIN));
    INFO(bad.output);
    CHECK(bad.status == 1);
    CHECK(fs::file_size(dir / "bad" / "rtl.dat") > 1000);
    CHECK(fs::exists(dir / "bad" / "gcov"));
    // An unwritable folder is refused before the run.
    auto const refused =
        shell(fmt::format("cd '{}' && '{}' run --packets 20 --coverage-dir /proc/nope", dir.string(), NICSIM_BIN));
    CHECK(refused.status == 2);
    CHECK(refused.output.rfind("nicsim run: --coverage-dir /proc/nope: cannot create the folder: ", 0) == 0);
}

TEST_CASE(
    "nicsim regress --coverage, locally: each run's counts in its folder, merged as the tools merge them, the "
    "figures in every report",
    "[coverage][dw64_q4]") {
    auto const dir = fresh_dir("local");
    auto const local = regress(dir, "out", "-j 2");
    INFO(local.output);
    REQUIRE(local.status == 0);
    CHECK(local.output.find("coverage of ") != std::string::npos);
    CHECK(std::regex_search(local.output, std::regex("RTL line points [0-9.]+% \\([0-9]+/[0-9]+\\)")));
    check_coverage_output(dir / "out");
}

TEST_CASE("nicsim regress --coverage: a merge tool that fails is one line naming it, the verdicts are still written",
          "[coverage][dw64_q4]") {
    auto const dir = fresh_dir("tool-fails");
    fs::create_directories(dir / "bin");
    // A genhtml that fails as a broken installation would.
    std::ofstream(dir / "bin" / "genhtml") << "#!/bin/sh\necho 'genhtml: ERROR: cannot write the report' >&2\nexit 3\n";
    fs::permissions(dir / "bin" / "genhtml", fs::perms::owner_all);
    auto const e = shell(fmt::format(
        "cd '{}' && PATH='{}':\"$PATH\" '{}' regress '{}' --coverage --filter '^loopback$' --seeds 1 --out out",
        dir.string(), (dir / "bin").string(), NICSIM_BIN, (fs::path(NICSIM_PLANS_DIR) / "ci.toml").string()));
    INFO(e.output);
    CHECK(e.status == 2);  // every run passed, but an output is missing
    CHECK(e.output.find("nicsim regress: coverage: genhtml failed: genhtml: ERROR: cannot write the report\n") !=
          std::string::npos);
    auto const s = read_json(dir / "out" / "summary.json");
    CHECK(s["totals"]["passed"] == 1);
    CHECK(s["code_coverage"]["errors"][0] == "genhtml failed: genhtml: ERROR: cannot write the report");
    CHECK(fs::exists(dir / "out" / "coverage" / "rtl.dat"));
    CHECK(fs::exists(dir / "out" / "junit.xml"));
    CHECK(slurp(dir / "out" / "report.html").find("Not complete: genhtml failed") != std::string::npos);
}

TEST_CASE("nicsim regress --coverage through Slurm merges the same counts as locally for the same seeds",
          "[slurm][coverage][dw64_q4]") {
    auto const dir = fresh_dir("slurm");
    auto const local = regress(dir, "local", "-j 2");
    INFO(local.output);
    REQUIRE(local.status == 0);
    auto const slurm = regress(dir, "slurm", "--backend slurm -j 2 --slurm-runs-per-task 1000");
    INFO(slurm.output);
    REQUIRE(slurm.status == 0);
    check_coverage_output(dir / "slurm");
    CHECK(slurp(dir / "slurm" / "coverage" / "rtl.dat") == slurp(dir / "local" / "coverage" / "rtl.dat"));
    CHECK(slurp(dir / "slurm" / "coverage" / "cpp.info") == slurp(dir / "local" / "coverage" / "cpp.info"));
    CHECK(coverage_of(dir / "slurm").dump(1) == coverage_of(dir / "local").dump(1));
}
