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
#include "io/output_file.hpp"
#include "fst/fst_file.hpp"
#include "lib/command.hpp"  // waves
#include "nicsim/regress/regress_command.hpp"
#include "nicsim/regress/shard.hpp"
#include "replay/failure_waves.hpp"
#ifdef NICSIM_SYSTEMC_TOP_CONFIG
#include "systemc_top.hpp"
#endif

namespace nicsim::cli {

namespace {

/// A ", "-separated list broken into lines of at most `width` columns, each continuation line
/// indented by `indent` spaces (the help text's value column).
std::string wrap_list(std::string const& list, std::size_t indent, std::size_t width) {
    std::string out, line;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        std::size_t const comma = list.find(", ", pos);
        std::string const item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos) +
                                 (comma == std::string::npos ? "" : ",");
        if (!line.empty() && indent + line.size() + 1 + item.size() > width) {
            out += line + "\n" + std::string(indent, ' ');
            line.clear();
        }
        line += (line.empty() ? "" : " ") + item;
        if (comma == std::string::npos) break;
        pos = comma + 2;
    }
    return out + line;
}

}  // namespace

std::string main_usage() {
    return "usage: nicsim <command> [options]\n"
           "\n"
           "commands:\n"
           "  run      run one co-simulation: the driver posts and drains packets through ringlib's\n"
           "           net rings into the verilated NIC; every packet is accounted for (nicsim run --help)\n"
           "  regress  run a plan of scenarios, each over many seeds, every run its own process; JUnit XML,\n"
           "           a JSON roll-up and the replay command of every failure (nicsim regress --help)\n"
           "  waves    look at an FST trace in the terminal or write a GTKWave layout (nicsim waves --help)\n"
           "\n"
           "  -h, --help   this text\n"
           "\n" +
           run_usage();
}

#ifdef NICSIM_SYSTEMC_TOP_CONFIG
constexpr char const* kSystemcTopConfig = NICSIM_SYSTEMC_TOP_CONFIG;
#else
constexpr char const* kSystemcTopConfig = "not in this build";
#endif

std::string run_usage() {
    std::string configs;
    for (auto const& n : dut::dut_config_names()) configs += (configs.empty() ? "" : ", ") + n;
    return fmt::format(
        "usage: nicsim run [options]\n"
        "\n"
        "Runs one co-simulation and prints its summary. Options take a value as '--opt V' or '--opt=V'.\n"
        "\n"
        "traffic:\n"
        "  --packets N          TX frames the OS sends (default 2000); in generate mode as many frames again\n"
        "                       come in from the wire\n"
        "  --min-size B         smallest frame, bytes without FCS (default 60, at least 60)\n"
        "  --max-size B         largest frame (default 1514, at most the NIC's MAX_FRAME_BYTES 9216)\n"
        "  --imix               sizes 60/590/1514 in 7:4:1 instead of uniform min..max\n"
        "  --mode M             loopback (default: every TX frame comes back as RX), generate (RX frames from\n"
        "                       a traffic generator, TX frames go to the wire), pcap (RX frames replayed\n"
        "                       from --pcap-in), tap (a real network stack: the OS's traffic from a TAP\n"
        "                       device, the wire another one; runs until --duration or SIGINT/SIGTERM)\n"
        "  --tap-host NAME      tap mode: the OS side's TAP device (default nsim0)\n"
        "  --tap-wire NAME      tap mode: the link partner's TAP device (default nsimwire0)\n"
        "  --host-netns NS      tap mode: create the host device in network namespace NS (ip netns add NS)\n"
        "  --wire-netns NS      tap mode: create the wire device in network namespace NS\n"
        "  --tap-mtu N          tap mode: MTU of both devices (default: the NIC's largest frame less 14)\n"
        "  --duration S         tap mode: end the traffic after S wall seconds (default: at SIGINT/SIGTERM)\n"
        "  --pcap-in FILE       pcap/pcapng file replayed into RX (--mode pcap); records under 60 bytes are\n"
        "                       padded to 60, empty ones or longer than the NIC's largest frame refused\n"
        "  --pcap-out FILE      write every wire frame of both directions (.pcapng: with direction; else .pcap)\n"
        "  --csum-offload P     percent of TX IP frames sent with zeroed checksums and checksum offload\n"
        "                       requested (default 50)\n"
        "  --csum-offload-sums S  which sums such a frame asks for: both (default; IPv6: TCP/UDP), ip (IPv4\n"
        "                       header), l4 (TCP/UDP) or mixed (one of the three per frame)\n"
        "  --no-rss             every RX frame to queue 0 (default: RSS over the queues in use)\n"
        "NIC and host:\n"
        "  --top T              hardware top: cpp (default: the C++ testbench) or systemc (the SystemC/TLM-2.0\n"
        "                       module in a SystemC platform; configuration {}; no --mem-stall, no --trace;\n"
        "                       --tx-stall/--rx-stall hold whole frames)\n"
        "  --config NAME        NIC configuration (default dw64_q4; in this build: {})\n"
        "  --queues Q           queue pairs in use, 1..NUM_QUEUES of the configuration (default: all)\n"
        "  --ring-size N        OS packet ring and hardware ring entries, power of two 2..65536 (default\n"
        "                       256; a hardware ring is never smaller than one maximal packet needs)\n"
        "  --tx-fragment-bytes B  OS TX fragment buffer size (default: max-size/4, at least 256)\n"
        "  --irq-moderation P:C   interrupt moderation of every queue: an interrupt per P completions\n"
        "                       (IRQ_MOD_PKTS, 0 or 1 = each) or C cycles after the first (IRQ_MOD_CYCLES,\n"
        "                       0 = no timer) (default 1:0)\n"
        "  --mem-latency MIN:MAX  host memory latency in cycles, uniform (default 0:0; 'N' = N:N)\n"
        "  --stall P            percent of cycles each bus model stalls: host memory (every AXI4 channel),\n"
        "                       TX wire sink (tready) and RX wire source (tvalid) (default 0)\n"
        "  --mem-stall P, --tx-stall P, --rx-stall P   the same per bus\n"
        "  --memory-order O     host memory ordering: strong (default: every CPU store visible at once) or\n"
        "                       weak (a CPU store reaches the NIC only after the driver's write barrier or\n"
        "                       a bounded random delay, MMIO writes do not wait for it, completion fields\n"
        "                       loaded before a read barrier may be stale; a missing barrier fails the run\n"
        "                       naming rule, ring and cycle: docs/contract.md, Ordering rules)\n"
        "faults (docs/faults.md: what each does and the outcome the run checks):\n"
        "  --fault SPEC         inject a fault, repeatable. SPEC is KIND[:key=value,...] with KIND one of\n"
        "                       {}\n"
        "                       and keys queue=Q, dir=tx|rx, at=N (after N TX frames; default a third of\n"
        "                       the run), count=K, every=E (frames apart), rate=P (per frame instead of\n"
        "                       at/count), cycles=C (rx-starve). Example: --fault dma-desc-read:queue=1,at=100\n"
        "  --soak               every fault kind at random (the soak's mix), and unless given:\n"
        "                       --mem-latency 0:500 --stall 10 --memory-order weak\n"
        "  --barrier-bug KIND   a driver with its barriers misplaced on purpose, to see the ordering checks\n"
        "                       catch it (weak order) or miss it (strong); KIND one of\n"
        "                       {}\n"
        "  --rx-buffer B        OS RX buffer bytes, multiple of 64 in 128..65536 (default 2048)\n"
        "  --hang-check N       reset a TX ring whose frames saw no completion for N cycles (0 = off;\n"
        "                       default 40000, raised to what the stalls, latency and frame sizes make\n"
        "                       normal: docs/faults.md, \"Heavy back-pressure\")\n"
        "  --watchdog N         fail when no packet moved for N cycles (default 200000, raised likewise)\n"
        "run:\n"
        "  --seed S             random seed (default: a random one, printed); the seed replays the run\n"
        "  --max-cycles N       fail after exactly N cycles (default 1000000 + per packet 20000, or four\n"
        "                       times a maximal frame's time through the slowest stalled bus if longer)\n"
        "  --clock-mhz F        clock frequency for throughput and pcap time stamps (default 250)\n"
        "  --json FILE          write the summary as JSON, with the options and the replay command\n"
        "waves:\n"
        "  --trace FILE         FST waveform of the run (open with nicsim waves or GTKWave), and its GTKWave\n"
        "                       layout next to it (FILE's stem .gtkw)\n"
        "  --trace-window S:E   trace only cycles S..E ('S:' from S to the end, ':E' from 0): the file is\n"
        "                       opened at cycle S and closed after cycle E, so the rest runs at full speed\n"
        "  --trace-depth N      dump N scope levels ($dumpvars): 1 the model's ports, 2 and nic_top's own\n"
        "                       signals, 3 and its engines'; below each --trace-scope when given (default: all)\n"
        "  --trace-scope S      dump only scope S and below (dotted, e.g. nic_top.nic_top.tx); repeatable\n"
        "  --trace-threads N    FST writer threads the model was verilated with (0, 1 or 2); an error if\n"
        "                       this build differs (NICSIM_DUT_TRACE_THREADS)\n"
        "  --waves-ring N       flight recorder: --trace FILE holds the last N cycles of the run (written at\n"
        "                       the end, a failure included); SIGUSR1 writes them at once to FILE.usr1-K.fst\n"
        "                       and the run goes on (tap mode: the moment something went wrong)\n"
        "  --failure-trace-cycles N  on failure, replay the same seed with a trace of the N cycles up to\n"
        "                       the failing one (default 4000) and write NAME.fst + NAME.gtkw (marker at the\n"
        "                       failure) next to the --json file (NAME its stem), else ./nicsim-failure-SEED\n"
        "  --failure-trace-dir DIR   put those files in DIR instead\n"
        "  --no-failure-trace   do not replay a failed run\n"
        "  --timeline FILE      packet timeline as Chrome/Perfetto trace JSON (open in ui.perfetto.dev): per\n"
        "                       packet the cycles of OS hand-off, descriptor post, doorbell, descriptor fetch,\n"
        "                       data read, wire beats, completion write and drain (testbench/monitor/README.md)\n"
        "  --timeline-csv FILE  the same timeline, one CSV row per packet\n"
        "  --no-ownership-monitor  do not check DMA accesses against the ownership contract (benchmarks;\n"
        "                       by default a violation stops the run naming the address, owner and cycle)\n"
        "coverage (a coverage build only: tools/coverage, docs/coverage.md):\n"
        "  --coverage-dir DIR   at the end, whatever the verdict, write the model's RTL coverage (line, toggle,\n"
        "                       user) to DIR/rtl.dat and, at exit, this process's C++ counts (gcov) under\n"
        "                       DIR/gcov/ (emptied first); DIR is created if missing\n"
        "  -h, --help           this text\n"
        "\n"
        "On a terminal a progress line shows TX frames completed and RX frames accounted for, each of\n"
        "what the run waits for, cycles and rate; otherwise nothing is printed until the summary.\n"
        "Exit status: 0 the run passed (scoreboard passed, lost 0, no verifier, protocol, ownership or\n"
        "ordering violation);\n"
        "1 the run failed (the summary says why, with the command that replays it); 2 a bad option or\n"
        "value, or an unreadable/unwritable file (one line naming it), nothing run; 130/143 ended by\n"
        "SIGINT/SIGTERM (the outputs are written). Output files replace a regular file only once complete;\n"
        "devices (/dev/null) are written in place.\n",
        kSystemcTopConfig, configs, wrap_list(cosim::fault_kind_names(), 23, 100),
        wrap_list(cosim::barrier_bug_names(), 23, 100));
}

namespace {

/// Each --trace-scope must name a scope of the model: a throwaway trace of only that scope (at
/// --trace-depth) must hold a signal. Costs one model instance and a few small files.
void check_trace_scopes(cosim::Scenario const& s) {
    if (s.trace_scopes.empty()) return;
    auto dut = dut::make_dut(s.config);
    auto const probe = std::filesystem::temp_directory_path() / fmt::format("nicsim_scope_probe_{}.fst", ::getpid());
    for (auto const& scope : s.trace_scopes) {
        dut::TraceOptions t;
        t.scopes = {scope};
        t.depth = s.trace_depth;
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
                            s.config, s.trace_depth ? fmt::format(" within --trace-depth {}", s.trace_depth) : "",
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
                              {o.scenario.pcap_out, "--pcap-out", {}},
                              {o.scenario.trace_path, "--trace", {.regular_only = true}},
                              {o.scenario.timeline_json, "--timeline", {}},
                              {o.scenario.timeline_csv, "--timeline-csv", {}}};
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
    if (show_progress) o.scenario.progress_interval_cycles = 20'000;
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
            throw cosim::ScenarioError("--top systemc: this build has no SystemC top (no SystemC model was built)");
#endif
        } else {
            sim = std::make_unique<cosim::CoSimulation>(o.scenario);
            if (progress) sim->on_progress(progress);
            if (o.scenario.mode == cosim::Mode::tap) {
                // Scripts wait for this line before they address the devices and send traffic.
                sim->on_started([&out, &tap = o.scenario.tap] {
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
        err << "nicsim run: " << e.what() << "\n";
        return 2;
    }
    out << fmt::format("nicsim run: seed {} (replay: {})\n", o.scenario.seed, cosim::replay_command(o.scenario));
    out.flush();
    cosim::RunSummary r;
    try {
        r = run();
    } catch (cosim::ScenarioError const& e) {  // the SystemC top checks its part of the scenario here
        err << "nicsim run: " << e.what() << "\n";
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
        if (!r.passed && o.scenario.trace_first_cycle <= r.failure_cycle &&
            r.failure_cycle <= o.scenario.trace_last_cycle)
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
    if (!o.scenario.trace_path.empty() && r.trace_file.empty() && r.output_errors.empty())
        out << fmt::format("trace: the run ended at cycle {} before the trace window opened: {} was not written\n",
                           r.cycles, o.scenario.trace_path);
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
            sc.progress_interval_cycles = 0;
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
#ifndef NICSIM_SYSTEMC_TOP_CONFIG
        if (o.scenario.top == "systemc")
            throw cosim::ScenarioError("--top systemc: this build has no SystemC top (no SystemC model was built)");
#endif
        cosim::validate(o.scenario);
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

int run_nicsim_command(std::span<std::string const> args, std::ostream& out, std::ostream& err, bool progress) {
    if (args.empty()) {
        err << "nicsim: missing command (run, regress or waves; nicsim --help)\n";
        return 2;
    }
    std::string const& cmd = args[0];
    auto const rest = args.subspan(1);
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        out << main_usage();
        return 0;
    }
    if (cmd == "run") return run_command(rest, out, err, progress);
    if (cmd == "regress") return regress::run_regress_command(rest, out, err, regress_environment(progress));
    // Hidden: what each array task of `nicsim regress --backend slurm` runs (regress/shard.hpp).
    if (cmd == "regress-shard") return regress::run_regress_shard_command(rest, out, err);
    if (cmd == "waves") return waves::run_waves_command("nicsim waves", rest, out, err);
    err << fmt::format("nicsim: {}: unknown command (run, regress or waves; nicsim --help)\n", cmd);
    return 2;
}

}  // namespace nicsim::cli
