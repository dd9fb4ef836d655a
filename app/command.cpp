// The `nicsim` command: see command.hpp.
#include "nicsim/command.hpp"

#include <functional>
#include <random>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cosim/cosim.hpp"
#include "dut/dut.hpp"
#include "cosim/stop_request.hpp"
#include "cosim/workload.hpp"
#include "command_line/command_line.hpp"
#include "io/output_file.hpp"
#include "fst/fst_file.hpp"
#include "waves/command.hpp"  // waves
#include "nicsim/regress/regress_command.hpp"
#include "nicsim/regress/shard.hpp"
#include "nicsim/scenario_flags.hpp"
#include "replay/failure_waves.hpp"
#ifdef NICSIM_SYSTEMC_TOP_CONFIG
#include "systemc_top.hpp"
#endif

namespace nicsim::cli {

namespace {

namespace cl = command_line;

/// `nicsim`'s own command line: -h/--help, then a command, whose words are left as given to the
/// command's own parser (a CLI11 prefix command: parsing stops at the first word that is not
/// one of its options).
class MainCommandLine {
public:
    MainCommandLine() {
        cl::prepare(app_, "<command> [options]", 15);
        app_.prefix_command();
        cl::add_help_flag(app_, help_)->group("options");
    }

    /// The command and its words, or std::nullopt after -h/--help. Throws CLI::ParseError.
    std::optional<std::vector<std::string>> parse(std::span<std::string const> args) {
        cl::parse(app_, args);
        if (help_) return std::nullopt;
        return app_.remaining();
    }
    std::string help() const { return app_.help(); }

private:
    CLI::App app_{
        "commands:\n"
        "  run      run one co-simulation: the driver posts and drains packets through ringlib's\n"
        "           net rings into the verilated NIC; every packet is accounted for (nicsim run --help)\n"
        "  regress  run a plan of scenarios, each over many seeds, every run its own process; JUnit XML,\n"
        "           a JSON roll-up and the replay command of every failure (nicsim regress --help)\n"
        "  waves    look at an FST trace in the terminal or write a GTKWave layout (nicsim waves --help)",
        "nicsim"};
    bool help_ = false;
};

}  // namespace

std::string main_usage() {
    return MainCommandLine().help() + "\n" + run_usage();
}

#ifdef NICSIM_SYSTEMC_TOP_CONFIG
constexpr char const* kSystemcTopConfig = NICSIM_SYSTEMC_TOP_CONFIG;
#else
constexpr char const* kSystemcTopConfig = "not in this build";
#endif

std::string run_usage() {
    return run_usage(dut::dut_config_names(), kSystemcTopConfig);
}

namespace {

/// Each --trace-scope must name a scope of the model: a throwaway trace of only that scope (at
/// --trace-depth) must hold a signal. Costs one model instance and a few small files.
void check_trace_scopes(cosim::Scenario const& s) {
    if (s.trace.scopes.empty()) return;
    auto dut = dut::make_dut(s.config);
    auto const probe = std::filesystem::temp_directory_path() / fmt::format("nicsim_scope_probe_{}.fst", ::getpid());
    for (auto const& scope : s.trace.scopes) {
        dut::TraceOptions t;
        t.scopes = {scope};
        t.depth = s.trace.depth;
        dut->open_trace(probe.string(), t);
        dut->dump(0);
        dut->close_trace();
        std::size_t signals = 0;  // below `scope` (the root clk is always there)
        try {
            waves::FstFile const traced(probe);
            for (auto const& sig : traced.signals())
                signals += sig.scope == scope || sig.scope.rfind(scope + ".", 0) == 0;
        } catch (waves::FstError const&) {
            signals = 0;
        }
        std::filesystem::remove(probe);
        if (signals == 0)
            throw UsageError(
                fmt::format("--trace-scope: '{}' holds no signal of {}{} (scopes look like {}.{}, {}.{}.tx)", scope,
                            s.config, s.trace.depth ? fmt::format(" within --trace-depth {}", s.trace.depth) : "",
                            dut->root_scope(), "nic_top", dut->root_scope(), "nic_top"));
    }
}

/// --coverage-dir: only a coverage build counts; the folder is made ready and libgcov is told to
/// write this process's C++ counts under DIR/gcov/ at exit (GCOV_PREFIX, GCOV_PREFIX_STRIP: the
/// .gcda paths below the build folder), so runs at once never share a counts file
/// (docs/coverage.md). The SystemC top's model counts no RTL coverage: its runs leave C++ counts
/// only. Throws UsageError.
void prepare_coverage_dir(RunOptions const& o) {
    if (!dut::Dut::counts_coverage())
        throw UsageError(
            "--coverage-dir: this build counts no coverage (build the coverage flavour: tools/coverage, "
            "or cmake -DNICSIM_COVERAGE=ON in a build folder of its own)");
    std::error_code ec;
    auto const dir = std::filesystem::absolute(o.coverage_dir, ec);
    if (!ec) std::filesystem::create_directories(dir, ec);
    if (ec)
        throw UsageError(fmt::format("--coverage-dir {}: cannot create the folder: {}", o.coverage_dir, ec.message()));
    try {
        io::check_output(dir / "rtl.dat");
    } catch (io::OutputFileError const& e) {
        throw UsageError(fmt::format("--coverage-dir {}", e.what()));
    }
    auto const gcov_dir = dir / "gcov";
    std::filesystem::remove_all(gcov_dir, ec);
    if (ec)
        throw UsageError(
            fmt::format("--coverage-dir {}: cannot empty {}: {}", o.coverage_dir, gcov_dir.string(), ec.message()));
#ifdef NICSIM_COVERAGE
    int strip = 0;  // the build folder's components: a .gcda's path below it is kept
    for (auto const& part : std::filesystem::path(NICSIM_COVERAGE_BUILD_DIR).relative_path()) strip += !part.empty();
    ::setenv("GCOV_PREFIX", gcov_dir.c_str(), 1);
    ::setenv("GCOV_PREFIX_STRIP", std::to_string(strip).c_str(), 1);
#endif
}

int run_command(std::span<std::string const> args, std::ostream& out, std::ostream& err, bool show_progress) {
    RunOptions o;
    try {
        o = parse_run_options(args, dut::dut_config_names());
    } catch (UsageError const& e) {
        err << "nicsim run: " << e.what() << "\n";
        return 2;
    }
    if (o.help) {
        out << run_usage();
        return 0;
    }
    if (!o.seed_given) o.scenario.seed = std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
    // Output files must be writable before anything runs; none is touched until it is written
    // whole at the end (io/output_file.hpp: a temporary renamed into place, devices in place).
    struct Output {
        std::string const& path;
        char const* option;
        io::OutputOptions options;
    };
    Output const outputs[] = {{o.json_path, "--json", {}},
                              {o.scenario.views.pcap_out, "--pcap-out", {}},
                              {o.scenario.trace.path, "--trace", {.regular_only = true}},
                              {o.scenario.views.timeline_json, "--timeline", {}},
                              {o.scenario.views.timeline_csv, "--timeline-csv", {}}};
    for (auto const& output : outputs) {
        if (output.path.empty()) continue;
        try {
            io::check_output(output.path, output.options);
        } catch (io::OutputFileError const& e) {
            err << fmt::format("nicsim run: {} {}\n", output.option, e.what());
            return 2;
        }
    }
    try {
        check_trace_scopes(o.scenario);
        if (!o.coverage_dir.empty()) prepare_coverage_dir(o);
    } catch (UsageError const& e) {
        err << "nicsim run: " << e.what() << "\n";
        return 2;
    }
    if (show_progress) o.scenario.views.progress_interval_cycles = 20'000;
    std::function<void(cosim::Progress const&)> progress;
    if (show_progress) {
        progress = [&out](cosim::Progress const& p) {
            double const rate = p.wall_seconds > 0 ? static_cast<double>(p.cycles) / p.wall_seconds : 0;
            out << fmt::format(
                "\r\033[K  TX frames completed {}/{}  RX frames accounted {}/{}  cycles {}  {:.0f} cycles/s", p.tx_done,
                p.tx_total, p.rx_done, p.rx_total, p.cycles, rate);
            out.flush();
        };
    }
    // The top: CoSimulation (C++), or the SystemC top (systemc/), which runs as a whole.
    std::function<cosim::RunSummary()> run;
    std::unique_ptr<cosim::CoSimulation> sim;
    try {
        if (o.scenario.top == "systemc") {
#ifdef NICSIM_SYSTEMC_TOP_CONFIG
            cosim::validate(o.scenario);
            systemc::check_systemc_scenario(o.scenario);
            run = [&] { return systemc::run_on_systemc_top(o.scenario, progress); };
#else
            throw cosim::ScenarioError(
                {cosim::ScenarioField::top, " systemc: this build has no SystemC top (no SystemC model was built)"});
#endif
        } else {
            sim = std::make_unique<cosim::CoSimulation>(o.scenario);
            if (progress) sim->on_progress(progress);
            if (o.scenario.traffic.mode == cosim::Mode::tap) {
                // Scripts wait for this line before they address the devices and send traffic.
                sim->on_started([&out, &tap = o.scenario.traffic.tap] {
                    auto where = [](std::string const& dev, std::string const& ns) {
                        return ns.empty() ? dev : fmt::format("{} (netns {})", dev, ns);
                    };
                    out << fmt::format("nicsim run: tap ready: {} <-> NIC <-> {}; {}\n",
                                       where(tap.host, tap.host_netns), where(tap.wire, tap.wire_netns),
                                       tap.duration_seconds > 0
                                           ? fmt::format("traffic for {:g} s", tap.duration_seconds)
                                           : std::string("Ctrl-C or SIGTERM ends the traffic"));
                    out.flush();
                });
            }
            run = [&] { return sim->run(); };
        }
    } catch (cosim::ScenarioError const& e) {
        err << "nicsim run: " << scenario_message(e) << "\n";
        return 2;
    }
    out << fmt::format("nicsim run: seed {} (replay: {})\n", o.scenario.seed, cosim::replay_command(o.scenario));
    out.flush();
    cosim::RunSummary r;
    try {
        r = run();
    } catch (cosim::ScenarioError const& e) {  // the SystemC top checks its part of the scenario here
        err << "nicsim run: " << scenario_message(e) << "\n";
        return 2;
    }
    if (show_progress) out << "\r\033[K";
    if (!o.coverage_dir.empty() && !sim)
        out << fmt::format(
            "nicsim run: --coverage-dir {}: the SystemC top's model counts no RTL coverage: no rtl.dat, "
            "C++ counts only\n",
            o.coverage_dir);
    if (!o.coverage_dir.empty() && sim) {  // the run's model only: a failure trace's replay is not counted
        auto const path = std::filesystem::path(o.coverage_dir) / "rtl.dat";
        try {
            io::OutputFile file(path);
            sim->dut().write_coverage(file.write_path().string());
            file.commit();
        } catch (std::exception const& e) {
            r.output_errors.push_back(fmt::format("--coverage-dir {}: {}", o.coverage_dir, e.what()));
        }
    }
    out << cosim::format_summary(r);
    // The JSON report is written last, once the failure trace (whose files it names) exists.
    cosim::RunRecord record;
    record.scenario = &o.scenario;
    record.tool_version = NICSIM_VERSION;
    auto finish = [&](int status) {
        if (!o.json_path.empty()) {
            try {
                io::write_output_file(o.json_path, cosim::to_json(r, record));
            } catch (io::OutputFileError const& e) {
                r.output_errors.push_back(fmt::format("--json {}", e.what()));
            }
        }
        for (auto const& e : r.output_errors) err << fmt::format("nicsim run: {}\n", e);
        // An output that could not be written is exit status 2, unless the run itself failed.
        return status == 0 && !r.output_errors.empty() ? 2 : status;
    };
    if (!r.trace_file.empty()) {
        // Every FST comes with its layout: NAME.gtkw next to it, the marker at a failure it holds.
        std::filesystem::path gtkw = std::filesystem::path(r.trace_file).replace_extension(".gtkw");
        if (gtkw == std::filesystem::path(r.trace_file)) gtkw += ".gtkw";
        std::optional<std::uint64_t> marker;
        if (!r.passed && o.scenario.trace.first_cycle <= r.failure_cycle &&
            r.failure_cycle <= o.scenario.trace.last_cycle)
            marker = r.failure_cycle;
        try {
            auto const layout = replay::write_trace_layout(r.trace_file, gtkw, marker);
            out << fmt::format("  trace layout: {} ({}); open: gtkwave {} {}\n", layout.gtkw.string(),
                               layout.description, r.trace_file, layout.gtkw.string());
        } catch (std::exception const& e) {
            r.output_errors.push_back(fmt::format("--trace {}: its layout: {}", r.trace_file, e.what()));
        }
    }
    for (auto const& dump : r.waves_ring_dumps) {  // --waves-ring on SIGUSR1: each with its layout too
        std::filesystem::path const gtkw = std::filesystem::path(dump.path).replace_extension(".gtkw");
        try {
            replay::write_trace_layout(dump.path, gtkw, std::nullopt);
        } catch (std::exception const& e) {
            r.output_errors.push_back(fmt::format("--waves-ring {}: its layout: {}", dump.path, e.what()));
        }
    }
    if (r.interrupted_by) {
        out << fmt::format(
            "nicsim run: interrupted by {} at cycle {}: the run ended there (no failure trace); "
            "its outputs were written\n",
            cosim::signal_name(r.interrupted_by), r.failure_cycle);
        return finish(128 + r.interrupted_by);
    }
    if (!o.scenario.trace.path.empty() && r.trace_file.empty() && r.output_errors.empty())
        out << fmt::format("trace: the run ended at cycle {} before the trace window opened: {} was not written\n",
                           r.cycles, o.scenario.trace.path);
    if (!r.passed) {
        out << fmt::format("FAILED at cycle {} (seed {}). Replay with: {}\n", r.failure_cycle, r.seed,
                           cosim::replay_command(o.scenario));
        if (o.failure_trace) {
            out.flush();
            replay::FailureTraceOptions fo;
            std::filesystem::path const json_path(o.json_path);
            fo.dir = !o.failure_trace_dir.empty() ? std::filesystem::path(o.failure_trace_dir)
                     : !o.json_path.empty()       ? json_path.parent_path()
                                                  : std::filesystem::path(".");
            if (fo.dir.empty()) fo.dir = ".";
            fo.name = !o.json_path.empty() ? json_path.stem().string() : fmt::format("nicsim-failure-{}", r.seed);
            fo.cycles = o.failure_trace_cycles;
            cosim::Scenario sc = o.scenario;
            sc.views.progress_interval_cycles = 0;
            try {
                auto const ft = replay::trace_failure(sc, r, fo);
                out << ft.report;
                record.failure_trace_fst = ft.fst.string();
                record.failure_trace_gtkw = ft.gtkw.string();
            } catch (std::exception const& e) {
                err << fmt::format("nicsim run: failure trace: {}\n", e.what());
            }
            if (int const sig = cosim::stop_requested()) {
                out << fmt::format("nicsim run: interrupted by {} during the failure trace\n", cosim::signal_name(sig));
                return finish(128 + sig);
            }
        }
        return finish(1);
    }
    return finish(0);
}

/// What `nicsim regress` needs of this build: its configurations, the run command's own scenario
/// check (beyond the option parser), and this program to execute each run.
regress::CommandEnvironment regress_environment(bool terminal) {
    regress::CommandEnvironment env;
    env.plan_context.configs = dut::dut_config_names();
    env.plan_context.check = [](RunOptions const& o) {
        try {
#ifndef NICSIM_SYSTEMC_TOP_CONFIG
            if (o.scenario.top == "systemc")
                throw cosim::ScenarioError({cosim::ScenarioField::top,
                                            " systemc: this build has no SystemC top (no SystemC model was built)"});
#endif
            cosim::validate(o.scenario);
        } catch (cosim::ScenarioError const& e) {
            throw std::runtime_error(scenario_message(e));  // the plan's error, in nicsim run's words
        }
    };
    std::error_code ec;
    env.self_path = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    env.terminal = terminal;
    return env;
}

}  // namespace

void stop_runs_on_signals() {
    struct sigaction sa {};
    sa.sa_handler = [](int sig) { cosim::request_stop(sig); };
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process at once
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    struct sigaction waves {};
    waves.sa_handler = [](int) { cosim::request_waves(); };  // --waves-ring: write the last cycles now
    sigemptyset(&waves.sa_mask);
    waves.sa_flags = SA_RESTART;
    ::sigaction(SIGUSR1, &waves, nullptr);
}

int run_nicsim_command(std::span<std::string const> args, std::ostream& out, std::ostream& err, bool progress,
                       OnSignal on_signal) {
    std::optional<std::vector<std::string>> words;
    try {
        words = MainCommandLine().parse(args);
    } catch (CLI::ParseError const& e) {
        err << "nicsim: " << cosim::one_line(e.what()) << "\n";
        return 2;
    }
    if (!words || (!words->empty() && words->front() == "help")) {
        out << main_usage();
        return 0;
    }
    if (words->empty()) {
        err << "nicsim: missing command (run, regress or waves; nicsim --help)\n";
        return 2;
    }
    std::string const& cmd = words->front();
    auto const rest = std::span<std::string const>(*words).subspan(1);
    if (cmd == "run") {
        if (on_signal == OnSignal::stop_run) stop_runs_on_signals();
        return run_command(rest, out, err, progress);
    }
    if (cmd == "regress") return regress::run_regress_command(rest, out, err, regress_environment(progress));
    // Hidden: what each array task of `nicsim regress --backend slurm` runs (regress/shard.hpp).
    if (cmd == "regress-shard") return regress::run_regress_shard_command(rest, out, err);
    if (cmd == "waves") return waves::run_waves_command("nicsim waves", rest, out, err);
    err << fmt::format("nicsim: {}: unknown command (run, regress or waves; nicsim --help)\n", cosim::one_line(cmd));
    return 2;
}

}  // namespace nicsim::cli
