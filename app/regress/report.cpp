// The outputs of a regression: see report.hpp.
#include "nicsim/regress/report.hpp"
#include "nicsim/regress/html_report.hpp"

#include "rollup.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace nicsim::regress {

namespace {

using nlohmann::ordered_json;

// Bumped when a reader of summary.json (--rerun-failed, a dashboard) would misread the new form.
constexpr int kSummaryFormat = 1;

ordered_json null_or(std::string const& s) {
    return s.empty() ? ordered_json() : ordered_json(s);
}

/// As run.json has it; null when the run measured none.
ordered_json latency_json(LatencyCycles const& l) {
    if (!l.count) return ordered_json();
    return {{"count", l.count}, {"p50", l.p50}, {"p99", l.p99}, {"max", l.max}};
}

/// Rounded so that the same simulated figure prints the same everywhere.
double rounded(double v) {
    return std::round(v * 1e6) / 1e6;
}

std::string xml_escaped(std::string_view text) {
    // html_escape's references are XML's too (control bytes shown as \xNN: XML 1.0 forbids them);
    // in attributes XML keeps a newline or tab only as a character reference.
    std::string o;
    for (char ch : html_escape(text)) {
        if (ch == '\n')
            o += "&#10;";
        else if (ch == '\t')
            o += "&#9;";
        else
            o += ch;
    }
    return o;
}

}  // namespace

int exit_status_of(Regression const& r) {
    return std::all_of(r.runs.begin(), r.runs.end(), [](auto const& run) { return run.status == RunStatus::passed; })
               ? 0
               : 1;
}

namespace {

ordered_json ratio_json(Ratio const& r) {
    return {{"hit", r.hit}, {"total", r.total}, {"percent", rounded(r.percent())}};
}

ordered_json contract_coverage_json(ContractCoverage const& c) {
    ordered_json hits = ordered_json::object();
    for (auto const& [name, count] : c.hits) hits[name] = count;
    return {
        {"runs", c.runs}, {"points", c.hits.size()}, {"hit", c.hit_points()},           {"never_hit", c.never_hit()},
        {"hits", hits},   {"problems", c.problems},  {"problem_count", c.problem_count}};
}

ordered_json code_coverage_json(CodeCoverage const& c) {
    ordered_json files = ordered_json::array();
    for (auto const& f : c.rtl_files)
        files.push_back({{"file", f.file},
                         {"line", ratio_json(f.line)},
                         {"toggle", ratio_json(f.toggle)},
                         {"user", ratio_json(f.user)},
                         {"uncovered_lines", format_line_ranges(f.uncovered)}});
    ordered_json folders = ordered_json::array();
    for (auto const& f : c.cpp_folders) folders.push_back({{"folder", f.folder}, {"lines", ratio_json(f.lines)}});
    return {{"runs", c.runs},
            {"rtl_runs", c.rtl_runs},
            {"cpp_runs", c.cpp_runs},
            {"errors", c.errors},
            {"rtl",
             {{"line", ratio_json(c.rtl_line)},
              {"toggle", ratio_json(c.rtl_toggle)},
              {"user", ratio_json(c.rtl_user)},
              {"files", files}}},
            {"cpp", {{"lines", ratio_json(c.cpp_lines)}, {"folders", folders}}},
            {"outputs",
             {{"rtl_dat", null_or(c.rtl_dat)},
              {"rtl_info", null_or(c.rtl_info)},
              {"cpp_info", null_or(c.cpp_info)},
              {"html", null_or(c.html_index)}}}};
}

}  // namespace

std::string summary_json(Regression const& r) {
    ordered_json j;
    j["nicsim_regress"] = kSummaryFormat;
    j["plan"] = r.plan;
    j["group"] = null_or(r.group);
    j["filter"] = null_or(r.filter);
    j["seed_base"] = r.seed_base;
    j["seeds"] = r.seeds ? ordered_json(*r.seeds) : ordered_json();
    j["rerun_of"] = null_or(r.rerun_of);
    j["backend"] = r.backend;
    j["stopped"] = null_or(r.stopped);
    j["exit_status"] = exit_status_of(r);
    auto const all = tally_all(r);
    j["totals"] = {{"runs", all.runs},
                   {"passed", all.passed},
                   {"failed", all.failed},
                   {"refused", all.refused},
                   {"not_run", all.not_run}};
    auto const by_scenario = tally_by_scenario(r);
    j["scenarios"] = ordered_json::array();
    for (auto const& name : r.scenarios) {
        auto const& t = by_scenario.at(name);
        j["scenarios"].push_back({{"name", name},
                                  {"runs", t.runs},
                                  {"passed", t.passed},
                                  {"failed", t.failed},
                                  {"refused", t.refused},
                                  {"not_run", t.not_run},
                                  {"mean_tx_gbit_per_second", rounded(t.tx_gbit.mean())},
                                  {"mean_rx_gbit_per_second", rounded(t.rx_gbit.mean())},
                                  {"timing",
                                   {{"wall_seconds", t.wall_seconds},
                                    {"cpu_seconds", t.cpu_seconds},
                                    {"mean_cycles_per_second", t.cycles_per_second.mean()},
                                    {"mean_packets_per_second", t.packets_per_second.mean()}}}});
    }
    j["runs"] = ordered_json::array();
    for (auto const& run : r.runs) {
        j["runs"].push_back({{"scenario", run.scenario},
                             {"index", run.index},
                             {"seed", run.seed},
                             {"seed_string", std::to_string(run.seed)},  // exact in every JSON reader
                             {"dir", run.dir},
                             {"options", run.options},
                             {"status", to_string(run.status)},
                             {"failure_kind", null_or(run.failure_kind)},
                             {"reason", null_or(run.reason)},
                             {"replay_command", run.replay_command},
                             {"waves", null_or(run.waves)},
                             {"exit_status", run.exit_status ? ordered_json(*run.exit_status) : ordered_json()},
                             {"signal", null_or(run.signal)},
                             {"cycles", run.cycles},
                             {"tx_packets", run.tx_packets},
                             {"rx_packets", run.rx_packets},
                             {"tx_gbit_per_second", rounded(run.tx_gbit_per_second)},
                             {"rx_gbit_per_second", rounded(run.rx_gbit_per_second)},
                             {"clock_hz", run.clock_hz},
                             {"tx_latency_cycles", latency_json(run.tx_latency)},
                             {"rx_latency_cycles", latency_json(run.rx_latency)},
                             {"timing",
                              {{"wall_seconds", run.wall_seconds},
                               {"cpu_seconds", run.cpu_seconds},
                               {"cycles_per_second", run.cycles_per_second},
                               {"packets_per_second", run.packets_per_second}}}});
    }
    j["contract_coverage"] = contract_coverage_json(r.contract);
    j["code_coverage"] = r.code.requested ? code_coverage_json(r.code) : ordered_json();
    j["timing"] = {
        {"started", r.started},
        {"wall_seconds", r.wall_seconds},
        {"runs_cpu_seconds", all.cpu_seconds},
        {"jobs", r.jobs},
        {"runs_per_second", r.wall_seconds > 0 ? static_cast<double>(all.runs - all.not_run) / r.wall_seconds : 0.0}};
    return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string junit_xml(Regression const& r) {
    auto const all = tally_all(r);
    // JUnit's "failures" are failed tests, "errors" tests that could not run as asked (refused),
    // "skipped" the runs a stopped regression never finished.
    std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    o += fmt::format(
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
        xml_escaped(fmt::format("nicsim regress {}", r.plan)), all.runs, all.failed, all.refused, all.not_run,
        r.wall_seconds);
    auto const by_scenario = tally_by_scenario(r);
    for (auto const& name : r.scenarios) {
        auto const& t = by_scenario.at(name);
        o += fmt::format(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
            xml_escaped(name), t.runs, t.failed, t.refused, t.not_run, t.wall_seconds);
        for (auto const& run : r.runs) {
            if (run.scenario != name) continue;
            o += fmt::format("    <testcase classname=\"nicsim.regress.{}\" name=\"run {} seed {}\" time=\"{:.3f}\">\n",
                             xml_escaped(name), run.index, run.seed, run.wall_seconds);
            auto const message = xml_escaped(run.reason);
            switch (run.status) {
            case RunStatus::passed: break;
            case RunStatus::failed:
                o += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", message,
                                 xml_escaped(run.failure_kind), message);
                break;
            case RunStatus::refused:
                o += fmt::format("      <error message=\"{}\" type=\"refused\">{}</error>\n", message, message);
                break;
            case RunStatus::not_run: o += fmt::format("      <skipped message=\"{}\"/>\n", message); break;
            }
            auto out = fmt::format("replay: {}\n", run.replay_command);
            if (!run.waves.empty()) out += fmt::format("waves: {}\n", run.waves);
            out += fmt::format("output: {}/output.txt\n", run.dir);
            o += fmt::format("      <system-out>{}</system-out>\n", xml_escaped(out));
            o += "    </testcase>\n";
        }
        o += "  </testsuite>\n";
    }
    return o + "</testsuites>\n";
}

namespace {

std::string percent_of(Ratio const& r) {
    return r.total ? fmt::format("{:.1f}% ({}/{})", r.percent(), r.hit, r.total) : std::string("none");
}

/// The coverage lines of the text report: code coverage (with --coverage), then contract coverage.
std::string format_coverage(Regression const& r, std::string const& out_dir) {
    std::string o;
    auto const& c = r.code;
    if (c.requested) {
        o += fmt::format("coverage of {} run(s): RTL line points {}, toggle points {}, user points {}; C++ lines {}\n",
                         c.runs, percent_of(c.rtl_line), percent_of(c.rtl_toggle), percent_of(c.rtl_user),
                         percent_of(c.cpp_lines));
        std::size_t uncovered = 0;
        for (auto const& f : c.rtl_files) uncovered += !f.uncovered.empty();
        if (!c.html_index.empty())
            o += fmt::format("  {} RTL file(s) with uncovered lines (listed in report.html); HTML: {}\n", uncovered,
                             (std::filesystem::path(out_dir) / c.html_index).string());
        for (auto const& e : c.errors) o += fmt::format("  coverage not complete: {}\n", e);
    }
    auto const& k = r.contract;
    if (k.runs == 0) {
        o += "contract coverage: no run reported contract points\n";
    } else {
        auto const never = k.never_hit();
        o += fmt::format(
            "contract coverage: {} of {} points hit over {} run(s){}\n", k.hit_points(), k.hits.size(), k.runs,
            never.empty()
                ? std::string()
                : fmt::format(
                      "; never hit: {}{}",
                      fmt::join(never.begin(),
                                never.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(never.size(), 5)),
                                ", "),
                      never.size() > 5 ? fmt::format(" and {} more (report.html)", never.size() - 5) : ""));
    }
    if (k.problem_count)
        o += fmt::format("  {} run(s) with a malformed contract_coverage, left out: {}\n", k.problem_count,
                         k.problems.front());
    return o;
}

}  // namespace

std::string format_report(Regression const& r, std::string const& out_dir) {
    auto const by_scenario = tally_by_scenario(r);
    std::size_t width = 8;
    for (auto const& name : r.scenarios) width = std::max(width, name.size());
    std::string o =
        fmt::format("{:<{}}  {:>5} {:>6} {:>6} {:>7} {:>7} {:>10} {:>10} {:>9} {:>9}\n", "scenario", width, "runs",
                    "passed", "failed", "refused", "not run", "Mcycles/s", "kpackets/s", "TX Gbit/s", "RX Gbit/s");
    for (auto const& name : r.scenarios) {
        auto const& t = by_scenario.at(name);
        o += fmt::format("{:<{}}  {:>5} {:>6} {:>6} {:>7} {:>7} {:>10.2f} {:>10.2f} {:>9.2f} {:>9.2f}\n", name, width,
                         t.runs, t.passed, t.failed, t.refused, t.not_run, t.cycles_per_second.mean() / 1e6,
                         t.packets_per_second.mean() / 1e3, t.tx_gbit.mean(), t.rx_gbit.mean());
    }
    auto const under_out = [&](std::string const& p) { return (std::filesystem::path(out_dir) / p).string(); };
    std::size_t problems = 0, not_run = 0;
    for (auto const& run : r.runs) {
        if (run.status == RunStatus::not_run) {
            ++not_run;
            continue;
        }
        if (run.status == RunStatus::passed) continue;
        if (problems++ == 0) o += "\n";
        o += fmt::format("{} {} run {} seed {}: {}\n", run.status == RunStatus::refused ? "REFUSED" : "FAILED",
                         run.scenario, run.index, run.seed, run.reason);
        o += fmt::format("  replay: {}\n", run.replay_command);
        if (!run.waves.empty()) o += fmt::format("  waves:  {}\n", under_out(run.waves));
        o += fmt::format("  output: {}\n", under_out(fmt::format("{}/output.txt", run.dir)));
    }
    auto const all = tally_all(r);
    if (not_run) o += fmt::format("\n{} run(s) not run: {}\n", not_run, r.stopped.empty() ? "stopped" : r.stopped);
    o += '\n';
    o += format_coverage(r, out_dir);
    double const ran = static_cast<double>(all.runs - all.not_run);
    o += fmt::format(
        "\nnicsim regress: {} runs: {} passed, {} failed, {} refused, {} not run; {:.1f} s at -j {} "
        "({:.2f} runs/s; the runs used {:.1f} CPU-seconds); {}, {}, {}\n",
        all.runs, all.passed, all.failed, all.refused, all.not_run, r.wall_seconds, r.jobs,
        r.wall_seconds > 0 ? ran / r.wall_seconds : 0.0, all.cpu_seconds, under_out("report.html"),
        under_out("summary.json"), under_out("junit.xml"));
    return o;
}

std::vector<RunKey> failed_runs(std::string const& dir) {
    auto const path = (std::filesystem::path(dir) / "summary.json").string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(
            fmt::format("--rerun-failed: {}: cannot read it (not a regression's output folder?)", path));
    auto const j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    auto const bad = [&](std::string_view what) {
        return std::runtime_error(fmt::format("--rerun-failed: {}: {}", path, what));
    };
    if (!j.is_object() || !j.contains("nicsim_regress")) throw bad("not a nicsim regress summary");
    if (j["nicsim_regress"] != kSummaryFormat)
        throw bad(fmt::format("summary format {} (this nicsim reads {})", j["nicsim_regress"].dump(), kSummaryFormat));
    std::vector<RunKey> keys;
    try {
        for (auto const& run : j.at("runs")) {
            auto const status = run_status_named(run.at("status").get<std::string>());
            if (!status) throw bad(fmt::format("unknown run status {}", run.at("status").dump()));
            if (*status != RunStatus::failed && *status != RunStatus::refused) continue;
            keys.push_back({run.at("scenario").get<std::string>(), run.at("index").get<std::uint64_t>(),
                            std::stoull(run.at("seed_string").get<std::string>())});
        }
    } catch (nlohmann::json::exception const& e) {
        throw bad(fmt::format("malformed: {}", e.what()));
    } catch (std::logic_error const& e) {  // stoull
        throw bad("malformed seed_string");
    }
    return keys;
}

}  // namespace nicsim::regress
