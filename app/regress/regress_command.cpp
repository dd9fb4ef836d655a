// `nicsim regress`: see regress_command.hpp and docs/regress.md.
#include "nicsim/regress/regress_command.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <ctime>
#include <optional>
#include <regex>
#include <fstream>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "command_line/command_line.hpp"
#include "io/output_file.hpp"
#include "nicsim/regress/coverage.hpp"
#include "nicsim/regress/html_report.hpp"
#include "interrupt_watch.hpp"
#include "nicsim/regress/local_launcher.hpp"
#include "progress.hpp"
#include "nicsim/regress/report.hpp"
#include "nicsim/regress/seeds.hpp"
#include "nicsim/regress/slurm_launcher.hpp"

namespace nicsim::regress {

namespace fs = std::filesystem;

namespace {

namespace cl = command_line;

class UsageError : public std::runtime_error {
public:
    explicit UsageError(std::string_view what) : std::runtime_error(cosim::one_line(what)) {}
};

unsigned processors() {
    return static_cast<unsigned>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
}

struct Options {
    std::string plan;
    std::string group;
    std::string filter;
    std::optional<std::uint64_t> seeds;
    std::uint64_t seed_base = 1;
    unsigned jobs = processors();
    std::string out = "regress-out";
    bool fail_fast = false;
    std::string rerun_failed;
    std::optional<double> timeout_seconds;
    std::string nicsim;
    std::string backend = "local";
    bool coverage = false;
    SlurmOptions slurm;
    bool help = false;
};

/// --timeout: seconds in (0, 10000000], rewritten exactly for CLI11 (cl::number_in).
CLI::Validator timeout_seconds() {
    return CLI::Validator(
        [](std::string& v) {
            double t = 0;
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
            if (v.empty() || ec != std::errc() || p != v.data() + v.size() || !(t > 0) || t > 1e7)
                return fmt::format("'{}' is not a number of seconds in (0, 10000000]", v);
            v = fmt::format("{:a}", t);
            return std::string();
        },
        "");
}

/// `nicsim regress`'s command line: its options bound to an Options, and parse(), which applies
/// the rules between options that CLI11 does not express.
class RegressCommandLine {
public:
    RegressCommandLine();
    RegressCommandLine(RegressCommandLine const&) = delete;  // the options hold pointers into this object
    RegressCommandLine& operator=(RegressCommandLine const&) = delete;

    Options parse(std::span<std::string const> args);
    std::string help() const { return app_.help(); }

private:
    void add_regression_options(CLI::App& group);
    void add_slurm_options(CLI::App& group);
    std::string first_slurm_option() const;

    CLI::App app_{
        "Runs every seed of every scenario of PLAN (a TOML file: docs/regress.md), each run a `nicsim run`\n"
        "process of its own, and writes junit.xml, summary.json and each run's folder (run.json, output.txt,\n"
        "the waves of a failure) under --out. Options take a value as '--opt V' or '--opt=V'.",
        "nicsim regress"};
    Options o_;
    std::vector<std::string> plans_;  // more than one is refused, naming the second
    CLI::Option* jobs_ = nullptr;
    std::vector<CLI::Option const*> slurm_options_;  // each needs --backend slurm
    CLI::App* slurm_group_ = nullptr;                // their group, which keeps the order they were given in
};

RegressCommandLine::RegressCommandLine() {
    cl::prepare(app_, "PLAN [options]", 21);
    app_.footer(
        "Exit status: 0 every run passed; 1 a run failed or was refused; 2 a bad option, plan or output\n"
        "folder (one line naming it), nothing run; 130/143 stopped by SIGINT/SIGTERM: the runs in flight\n"
        "were ended, the report lists every run not done as not run.");
    cl::add_word_list(app_, "PLAN", plans_, "the plan: a TOML file (docs/regress.md)");
    add_regression_options(*app_.add_option_group("the regression"));
    slurm_group_ = app_.add_option_group(
        "with --backend slurm (-j N: runs at once in each array task, its --cpus-per-task; default 1)");
    add_slurm_options(*slurm_group_);
}

void RegressCommandLine::add_regression_options(CLI::App& group) {
    group.add_option("--group", o_.group, "only the scenarios of group G of the plan")
        ->type_name("G")
        ->check(cl::not_empty("empty"));
    group
        .add_option("--filter", o_.filter, "only scenarios whose name REGEX matches (ECMAScript, anywhere in the name)")
        ->type_name("REGEX")
        ->check(cl::not_empty("empty"));
    group
        .add_option_function<std::uint64_t>(
            "--seeds", [this](std::uint64_t n) { o_.seeds = n; },
            "N runs of every scenario (default: the plan's seeds = N, or its seed_list)")
        ->type_name("N")
        ->transform(cl::whole_number_in(1, 1'000'000));
    group
        .add_option("--seed-base", o_.seed_base,
                    "run i of scenario X gets a seed derived from S, X and i (default 1); a\n"
                    "seed_list's seeds are used as listed")
        ->type_name("S")
        ->transform(cl::whole_number_in(0, ~std::uint64_t{0}));
    jobs_ =
        group.add_option("-j,--jobs", o_.jobs, fmt::format("runs at once (default: the cores, {} here)", processors()))
            ->type_name("N")
            ->transform(cl::whole_number_in(1, 4096));
    group
        .add_option("--out", o_.out,
                    "output folder (default ./regress-out); an earlier regression's output is\n"
                    "replaced, any other non-empty folder refused")
        ->type_name("DIR")
        ->check(cl::not_empty("empty"));
    group
        .add_flag("--fail-fast", o_.fail_fast,
                  "stop at the first run that fails or is refused: no run starts after it,\n"
                  "runs in flight are ended (listed as not run); exit status 1")
        ->check(cl::no_value());
    group
        .add_option("--rerun-failed", o_.rerun_failed,
                    "only the runs that failed or were refused in the regression whose output is\n"
                    "DIR (same scenarios, run numbers and seeds; options as PLAN says now)")
        ->type_name("DIR")
        ->check(cl::not_empty("empty"));
    group
        .add_option_function<double>(
            "--timeout", [this](double seconds) { o_.timeout_seconds = seconds; },
            "a run still going after S seconds is ended and failed (\"timeout\");\n"
            "default: the plan's timeout = S, else none")
        ->type_name("S")
        ->transform(timeout_seconds());
    group.add_option("--nicsim", o_.nicsim, "the program each run executes (default: this nicsim)")
        ->type_name("PATH")
        ->check(cl::not_empty("empty"));
    group
        .add_option("--backend", o_.backend,
                    "where runs execute: local (default: -j child processes here) or slurm (one\n"
                    "Slurm job array; --out and this nicsim on a filesystem the nodes share)")
        ->type_name("B")
        ->check(cl::one_of({"local", "slurm"}));
    group
        .add_flag("--coverage", o_.coverage,
                  "every run writes its RTL and C++ coverage in its folder; at the end they are\n"
                  "merged into OUT/coverage/ (rtl.dat, rtl.info, cpp.info, html/) and summed up in\n"
                  "the reports (a coverage build only: tools/coverage; docs/coverage.md)")
        ->check(cl::no_value());
    cl::add_help_flag(group, o_.help);
}

void RegressCommandLine::add_slurm_options(CLI::App& group) {
    auto& slurm = o_.slurm;
    auto const word = [&](char const* name, std::string& target, char const* value, char const* description) {
        slurm_options_.push_back(
            group.add_option(name, target, description)->type_name(value)->check(cl::not_empty("empty")));
    };
    word("--slurm-partition", slurm.partition, "P", "sbatch --partition=P");
    word("--slurm-time", slurm.time, "T", "sbatch --time=T per array task (default: from the run timeout)");
    word("--slurm-mem", slurm.mem, "M", "sbatch --mem=M");
    word("--slurm-account", slurm.account, "A", "sbatch --account=A");
    slurm_options_.push_back(
        group.add_option("--slurm-throttle", slurm.throttle, "array tasks running at once (--array=0-K%N; default 64)")
            ->type_name("N")
            ->transform(cl::whole_number_in(1, 1'000'000)));
    slurm_options_.push_back(group
                                 .add_option("--slurm-runs-per-task", slurm.runs_per_task,
                                             "runs per array task (default: runs / 1000, at least 10)")
                                 ->type_name("N")
                                 ->transform(cl::whole_number_in(1, 1'000'000)));
    slurm_options_.push_back(group
                                 .add_option("--slurm-option", slurm.sbatch_options,
                                             "ARG passed to sbatch as is (repeat it: --slurm-option=--qos=low)")
                                 ->type_name("ARG")
                                 ->allow_extra_args(false)  // one ARG per --slurm-option
                                 ->check(cl::not_empty("empty")));
    slurm_options_.push_back(
        group
            .add_option_function<std::uint64_t>(
                "--slurm-wait-limit",
                [&slurm](std::uint64_t seconds) { slurm.wait_limit_seconds = static_cast<double>(seconds); },
                "the job not done S seconds after submission is cancelled, its runs\n"
                "left failed (default: no limit)")
            ->type_name("S")
            ->transform(cl::whole_number_in(1, 100'000'000)));
}

Options RegressCommandLine::parse(std::span<std::string const> args) {
    try {
        cl::parse(app_, args);
    } catch (CLI::ParseError const& e) {
        throw UsageError(e.what());
    }
    if (auto const word = cl::first_unexpected(app_))
        throw UsageError(fmt::format("{}: unknown option (nicsim regress --help lists them)", *word));
    if (o_.help) return o_;
    if (auto const slurm_option = first_slurm_option(); o_.backend != "slurm" && !slurm_option.empty())
        throw UsageError(fmt::format("{}: only with --backend slurm", slurm_option));
    if (o_.backend == "slurm" && jobs_->count() == 0) o_.jobs = 1;  // per array task: one CPU each by default
    if (plans_.empty()) throw UsageError("missing PLAN (a TOML file; nicsim regress --help)");
    if (plans_.size() > 1) throw UsageError(fmt::format("{}: one PLAN only (already given: {})", plans_[1], plans_[0]));
    o_.plan = plans_[0];
    return o_;
}

/// The --slurm-* option given first on the command line, or "". (CLI11 keeps the order in which an
/// option group's options were given in the group.)
std::string RegressCommandLine::first_slurm_option() const {
    for (auto const* option : slurm_group_->parse_order())
        if (std::find(slurm_options_.begin(), slurm_options_.end(), option) != slurm_options_.end())
            return option->get_name();
    return "";
}

Options parse_options(std::span<std::string const> args) {
    return RegressCommandLine().parse(args);
}

}  // namespace

std::string regress_usage() {
    return RegressCommandLine().help();
}

namespace {

/// The scenarios to run, in plan order: all, or --group's, narrowed by --filter.
std::vector<PlanScenario const*> select_scenarios(Plan const& plan, Options const& o) {
    std::set<std::string> in_group;
    if (!o.group.empty()) {
        auto const it = plan.groups.find(o.group);
        if (it == plan.groups.end()) {
            std::vector<std::string> names;
            for (auto const& [g, members] : plan.groups) names.push_back(g);
            throw UsageError(
                fmt::format("--group: no group '{}' in {} ({})", o.group, plan.source,
                            names.empty() ? "it has none" : fmt::format("it has {}", fmt::join(names, ", "))));
        }
        in_group.insert(it->second.begin(), it->second.end());
    }
    std::optional<std::regex> filter;
    if (!o.filter.empty()) {
        try {
            filter.emplace(o.filter);
        } catch (std::regex_error const& e) {
            throw UsageError(fmt::format("--filter: '{}' is not a regular expression ({})", o.filter, e.what()));
        }
    }
    std::vector<PlanScenario const*> out;
    for (auto const& sc : plan.scenarios) {
        if (!o.group.empty() && !in_group.count(sc.name)) continue;
        if (filter && !std::regex_search(sc.name, *filter)) continue;
        out.push_back(&sc);
    }
    if (out.empty())
        throw UsageError(fmt::format("no scenario of {} is selected{}{}", plan.source,
                                     o.group.empty() ? "" : fmt::format(" (--group {})", o.group),
                                     o.filter.empty() ? "" : fmt::format(" (--filter {})", o.filter)));
    return out;
}

RunResult planned_run(PlanScenario const& sc, std::uint64_t index, std::uint64_t seed) {
    RunResult r;
    r.scenario = sc.name;
    r.index = index;
    r.seed = seed;
    r.options = sc.options;
    r.dir = fmt::format("runs/{}/run{}-seed{}", sc.name, index, seed);
    r.replay_command = replay_command_of(sc.options, seed);
    return r;
}

/// Every run of the regression, in plan order.
std::vector<RunResult> plan_runs(Plan const& plan, std::vector<PlanScenario const*> const& selected, Options const& o) {
    std::vector<RunResult> runs;
    if (!o.rerun_failed.empty()) {
        std::vector<RunKey> keys;
        try {
            keys = failed_runs(o.rerun_failed);
        } catch (std::runtime_error const& e) {
            throw UsageError(e.what());
        }
        for (auto const& k : keys)
            if (!plan.find(k.scenario))
                throw UsageError(fmt::format("--rerun-failed {}: its scenario '{}' is not in {}", o.rerun_failed,
                                             k.scenario, plan.source));
        for (auto const* sc : selected)
            for (auto const& k : keys)
                if (k.scenario == sc->name) runs.push_back(planned_run(*sc, k.index, k.seed));
        return runs;
    }
    for (auto const* sc : selected) {
        std::uint64_t const count = o.seeds.value_or(sc->seed_count);
        for (std::uint64_t i = 0; i < count; ++i) runs.push_back(planned_run(*sc, i, run_seed(o.seed_base, *sc, i)));
    }
    return runs;
}

constexpr char const* kOutputMarker = ".nicsim-regress";

/// Makes `out` an empty regression output folder: an earlier regression's outputs are removed,
/// anything else that is there is refused (never a user's folder wiped by a typo).
void prepare_output(fs::path const& out, std::string const& rerun_of) {
    std::error_code ec;
    if (!rerun_of.empty() && fs::exists(out, ec) && fs::equivalent(out, rerun_of, ec))
        throw UsageError(fmt::format("--out {}: it is the --rerun-failed folder; choose another --out", out.string()));
    if (fs::exists(out, ec)) {
        if (!fs::is_directory(out, ec))
            throw UsageError(fmt::format("--out {}: exists and is not a folder", out.string()));
        bool const empty = fs::is_empty(out, ec);
        if (!empty && !fs::exists(out / kOutputMarker, ec))
            throw UsageError(
                fmt::format("--out {}: not empty and not a regression's output folder (no {}); choose "
                            "another or empty it",
                            out.string(), kOutputMarker));
        for (auto const* name : {"runs", "summary.json", "junit.xml", "report.html", "slurm", "coverage"})
            fs::remove_all(out / name, ec);
    }
    fs::create_directories(out, ec);
    if (ec) throw UsageError(fmt::format("--out {}: cannot create it: {}", out.string(), ec.message()));
    try {
        io::write_output_file(out / kOutputMarker, "nicsim regress output folder: --out may replace what is here\n");
    } catch (io::OutputFileError const& e) {
        throw UsageError(fmt::format("--out {}", e.what()));
    }
}

/// The regression's side of the launcher: settles each finished run, keeps the progress line,
/// decides when to stop.
class Events final : public LaunchEvents {
public:
    Events(std::vector<RunResult>& runs, fs::path out, Progress& progress, InterruptWatch const& interrupt,
           bool fail_fast, ContractCoverage& contract)
        : runs_(runs),
          out_(std::move(out)),
          progress_(progress),
          interrupt_(interrupt),
          fail_fast_(fail_fast),
          contract_(contract),
          finished_(runs.size(), false) {}

    void started(LaunchJob const&) override { progress_.started(); }
    void finished(LaunchJob const& job, LaunchOutcome const& outcome) override {
        auto& r = runs_.at(job.id);
        settle(r, outcome, out_, stop_reason_);
        finished_[job.id] = true;
        if (ran_to_a_verdict(r)) add_contract_points(r);
        progress_.finished(r);
        if (fail_fast_ && stop_reason_.empty() && (r.status == RunStatus::failed || r.status == RunStatus::refused))
            stop_reason_ = fmt::format("--fail-fast: stopped after {} run {} seed {}", r.scenario, r.index, r.seed);
    }
    bool stop_requested() override {
        if (int const sig = interrupt_.signal(); sig && signal_ == 0) {
            signal_ = sig;
            stop_reason_ = fmt::format("interrupted by {}", signal_name(sig));
        }
        return !stop_reason_.empty();
    }
    void tick() override { progress_.tick(); }

private:
    /// The run's contract points into the regression's sums (summing: the order runs end in does not matter).
    void add_contract_points(RunResult const& r) {
        auto const path = out_ / r.dir / "run.json";
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        std::string problem;
        if (!add_contract_coverage(contract_, text.str(), problem)) {
            if (contract_.problem_count++ < 5)
                contract_.problems.push_back(fmt::format("{}: {}", (fs::path(r.dir) / "run.json").string(), problem));
        }
    }

public:
    bool is_finished(std::size_t id) const { return finished_[id]; }

    /// Its counts are a whole run's: it passed or failed on its own (not cancelled, not refused).
    static bool ran_to_a_verdict(RunResult const& r) {
        return r.status == RunStatus::passed || (r.status == RunStatus::failed && r.failure_kind == "failed");
    }
    std::string const& stop_reason() const { return stop_reason_; }
    int signal() const { return signal_; }

private:
    std::vector<RunResult>& runs_;
    fs::path out_;
    Progress& progress_;
    InterruptWatch const& interrupt_;
    bool fail_fast_;
    ContractCoverage& contract_;
    std::vector<bool> finished_;
    std::string stop_reason_;
    int signal_ = 0;
};

/// Now, local time with its offset from UTC ("2025-06-01 07:00:03 +0200").
std::string local_time_now() {
    std::time_t const now = std::time(nullptr);
    std::tm local{};
    if (!::localtime_r(&now, &local)) return "";
    char text[64];
    return std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %z", &local) ? std::string(text) : std::string();
}

/// --coverage needs this nicsim to be a coverage build (its runs count, its build folder has the
/// .gcno files the merge reads) and the merge's tools on PATH: checked before anything runs.
void check_coverage_build(Options const& o) {
    if (!is_coverage_build())
        throw UsageError(
            "--coverage: this nicsim is not a coverage build, its runs would count nothing (build one: "
            "tools/coverage, or cmake -DNICSIM_COVERAGE=ON in a build folder of its own)");
    if (!o.nicsim.empty())
        throw UsageError("--coverage: not with --nicsim (the merge reads this build's own .gcno files)");
    for (auto const* tool : {"verilator_coverage", "gcov-tool", "lcov", "genhtml"})
        if (!find_on_path(tool))
            throw UsageError(fmt::format(
                "--coverage: no {} on PATH (Debian packages verilator, gcc, lcov: tools/install-deps)", tool));
}

std::string nicsim_program(Options const& o, CommandEnvironment const& env) {
    std::string const program = o.nicsim.empty() ? env.self_path : o.nicsim;
    if (program.empty()) throw UsageError("--nicsim: needed (the path of this nicsim is unknown)");
    if (::access(program.c_str(), X_OK) != 0 || fs::is_directory(program))
        throw UsageError(fmt::format("--nicsim {}: not an executable file", program));
    return fs::absolute(program).string();  // each run starts in its own folder
}

}  // namespace

int run_regress_command(std::span<std::string const> args, std::ostream& out, std::ostream& err,
                        CommandEnvironment const& env) {
    Options o;
    Plan plan;
    Regression reg;
    std::string program;
    try {
        o = parse_options(args);
        if (o.help) {
            out << regress_usage();
            return 0;
        }
        program = nicsim_program(o, env);
        if (o.backend == "slurm") {
            if (!find_on_path("sbatch"))
                throw UsageError(
                    "--backend slurm: no sbatch on PATH (Slurm's client commands: install slurm-client and "
                    "point SLURM_CONF at the cluster, or start a one-node Slurm here: tools/slurm-local start)");
            if (env.self_path.empty()) throw UsageError("--backend slurm: the path of this nicsim is unknown");
        }
        if (o.coverage) check_coverage_build(o);
        plan = load_plan(o.plan, env.plan_context);
        auto const selected = select_scenarios(plan, o);
        reg.runs = plan_runs(plan, selected, o);
        for (auto const* sc : selected) reg.scenarios.push_back(sc->name);
        prepare_output(o.out, o.rerun_failed);
    } catch (UsageError const& e) {
        err << "nicsim regress: " << e.what() << "\n";
        return 2;
    } catch (PlanError const& e) {
        err << "nicsim regress: " << e.what() << "\n";
        return 2;
    }
    reg.plan = o.plan;
    reg.group = o.group;
    reg.filter = o.filter;
    reg.seed_base = o.seed_base;
    reg.seeds = o.seeds;
    reg.rerun_of = o.rerun_failed;
    reg.jobs = o.jobs;
    reg.backend = o.backend;
    double const timeout = o.timeout_seconds.value_or(plan.timeout_seconds.value_or(0));

    std::vector<LaunchJob> jobs;
    std::vector<std::string> scenario_of_run;
    for (std::size_t i = 0; i < reg.runs.size(); ++i) {
        auto const& r = reg.runs[i];
        LaunchJob job;
        job.id = i;
        job.argv = {program, "run"};
        job.argv.insert(job.argv.end(), r.options.begin(), r.options.end());
        // Each run starts in its folder: run.json and the failure's waves (run.fst, run.gtkw) go there.
        job.argv.insert(job.argv.end(),
                        {"--seed", std::to_string(r.seed), "--json", "run.json", "--failure-trace-dir", "."});
        if (o.coverage)
            job.argv.insert(job.argv.end(), {"--coverage-dir", "coverage"});  // rtl.dat and gcov/ in its folder
        job.dir = fs::path(o.out) / r.dir;
        job.timeout_seconds = timeout;
        std::error_code ec;
        fs::create_directories(job.dir, ec);
        if (ec) {
            err << fmt::format("nicsim regress: --out {}: cannot create {}: {}\n", o.out, job.dir.string(),
                               ec.message());
            return 2;
        }
        jobs.push_back(std::move(job));
        scenario_of_run.push_back(r.scenario);
    }

    out << fmt::format("nicsim regress: {}: {} runs of {} scenario(s){}, seed base {}, -j {}{}, output in {}\n", o.plan,
                       reg.runs.size(), reg.scenarios.size(),
                       o.rerun_failed.empty() ? "" : fmt::format(" (those that failed in {})", o.rerun_failed),
                       o.seed_base, o.jobs, o.backend == "slurm" ? " per Slurm array task" : "", o.out);
    out.flush();
    auto const start = std::chrono::steady_clock::now();
    reg.started = local_time_now();
    InterruptWatch interrupt;
    Progress progress(out, env.terminal, scenario_of_run, o.jobs);
    Events events(reg.runs, o.out, progress, interrupt, o.fail_fast, reg.contract);
    std::unique_ptr<Launcher> launcher;
    if (o.backend == "slurm") {
        SlurmOptions so = o.slurm;
        so.jobs_per_task = o.jobs;
        so.out_dir = fs::absolute(o.out);
        so.nicsim = fs::absolute(env.self_path).string();
        so.wake_fd = interrupt.wake_fd();
        launcher = make_slurm_launcher(so);
    } else {
        LocalLaunchOptions lo;
        lo.jobs = o.jobs;
        lo.wake_fd = interrupt.wake_fd();
        launcher = make_local_launcher(lo);
    }
    try {
        launcher->run(jobs, events);  // a signal after the last run ended changes nothing
    } catch (SlurmError const& e) {
        progress.done();
        err << "nicsim regress: " << cosim::one_line(e.what()) << "\n";
        return 2;
    }
    progress.done();
    reg.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    reg.stopped = events.stop_reason();
    for (std::size_t i = 0; i < reg.runs.size(); ++i)
        if (!events.is_finished(i)) settle_not_started(reg.runs[i], fmt::format("not started: {}", reg.stopped));

    if (o.coverage) {
        CodeCoverageInputs in;
        in.out_dir = o.out;
        for (auto const& r : reg.runs)
            if (Events::ran_to_a_verdict(r)) in.run_dirs.push_back(r.dir);
        in.source_dir = coverage_source_dir();
        in.build_dir = coverage_build_dir();
        if (env.terminal)
            out << "nicsim regress: merging the coverage of " << in.run_dirs.size() << " run(s)...\n" << std::flush;
        reg.code = merge_code_coverage(in);
        for (auto const& e : reg.code.errors) err << "nicsim regress: coverage: " << e << "\n";
    }
    int status = exit_status_of(reg);
    if (status == 0 && !reg.code.errors.empty()) status = 2;  // as a missing report: the outputs are not all there
    for (auto const& [name, text] : {std::pair{"summary.json", summary_json(reg)},
                                     {"junit.xml", junit_xml(reg)},
                                     {"report.html", html_report(reg)}}) {
        try {
            io::write_output_file(fs::path(o.out) / name, text);
        } catch (io::OutputFileError const& e) {
            err << fmt::format("nicsim regress: {}\n", e.what());
            if (status == 0) status = 2;  // as `nicsim run`: a passed regression whose report is missing
        }
    }
    out << "\n" << format_report(reg, o.out);
    if (events.signal()) return 128 + events.signal();
    return status;
}

}  // namespace nicsim::regress
