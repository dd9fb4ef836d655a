// The `nicsim` command: see command.hpp.
#include "nicsim/command.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <random>

#include <fmt/format.h>

#include "dut/dut.hpp"
#include "cosim/workload.hpp"
#include "lib/command.hpp"  // waves
#ifdef NICSIM_SYSTEMC_TOP_CONFIG
#include "systemc_top.hpp"
#endif

namespace nicsim::cli {

namespace {

std::uint64_t parse_uint(std::string const& opt, std::string const& v, std::uint64_t lo, std::uint64_t hi) {
    std::uint64_t x = 0;
    auto const* b = v.data();
    auto const* e = v.data() + v.size();
    auto [p, ec] = std::from_chars(b, e, x);
    if (v.empty() || ec != std::errc() || p != e)
        throw UsageError(fmt::format("{}: '{}' is not a non-negative integer", opt, v));
    if (x < lo || x > hi) throw UsageError(fmt::format("{}: {} is not in {}..{}", opt, v, lo, hi));
    return x;
}

double parse_double(std::string const& opt, std::string const& v, double lo, double hi) {
    double x = 0;
    std::size_t used = 0;
    try {
        x = std::stod(v, &used);
    } catch (std::exception const&) {
        used = 0;
    }
    if (v.empty() || used != v.size() || !std::isfinite(x))
        throw UsageError(fmt::format("{}: '{}' is not a number", opt, v));
    if (x < lo || x > hi) throw UsageError(fmt::format("{}: {} is not in {:g}..{:g}", opt, v, lo, hi));
    return x;
}

}  // namespace

std::string main_usage() {
    return "usage: nicsim <command> [options]\n"
           "\n"
           "commands:\n"
           "  run      run one co-simulation: the driver posts and drains packets through ringlib's\n"
           "           net rings into the verilated NIC; every packet is accounted for (nicsim run --help)\n"
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
        "                       from --pcap-in)\n"
        "  --pcap-in FILE       pcap/pcapng file replayed into RX (--mode pcap)\n"
        "  --pcap-out FILE      write every wire frame of both directions (.pcapng: with direction; else .pcap)\n"
        "  --csum-offload P     percent of TX IP frames sent with zeroed checksums and checksum offload\n"
        "                       requested (default 50)\n"
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
        "  --mem-latency MIN:MAX  host memory latency in cycles, uniform (default 0:0; 'N' = N:N)\n"
        "  --stall P            percent of cycles each bus model stalls: host memory (every AXI4 channel),\n"
        "                       TX wire sink (tready) and RX wire source (tvalid) (default 0)\n"
        "  --mem-stall P, --tx-stall P, --rx-stall P   the same per bus\n"
        "run:\n"
        "  --seed S             random seed (default: a random one, printed); the seed replays the run\n"
        "  --max-cycles N       give up after N cycles (default 1000000 + 20000 per packet)\n"
        "  --clock-mhz F        clock frequency for throughput and pcap time stamps (default 250)\n"
        "  --json FILE          write the summary as JSON\n"
        "  --trace FILE         FST waveform of the whole run (slow; open with nicsim waves or GTKWave)\n"
        "  -h, --help           this text\n"
        "\n"
        "On a terminal a progress line shows packets done/total, cycles and rate; otherwise nothing is\n"
        "printed until the summary.\n"
        "Exit status: 0 the run passed (scoreboard passed, lost 0, no verifier or protocol violation);\n"
        "1 the run failed (the summary says why, with the command that replays it); 2 a bad option or\n"
        "value, or an unreadable/unwritable file (one line naming it), nothing run.\n",
        kSystemcTopConfig, configs);
}

RunOptions parse_run_options(std::span<std::string const> args) {
    RunOptions o;
    auto& s = o.scenario;
    std::optional<double> stall, mem_stall, tx_stall, rx_stall;
    bool imix = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string opt = args[i];
        std::optional<std::string> inline_value;
        if (auto eq = opt.find('='); opt.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = opt.substr(eq + 1);
            opt = opt.substr(0, eq);
        }
        auto flag = [&] {
            if (inline_value) throw UsageError(fmt::format("{}: takes no value", opt));
        };
        auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) throw UsageError(fmt::format("{}: missing value", opt));
            return args[++i];
        };
        if (opt == "-h" || opt == "--help") {
            flag();
            o.help = true;
        } else if (opt == "--packets") {
            s.packets = parse_uint(opt, value(), 0, 100'000'000);
        } else if (opt == "--seed") {
            s.seed = parse_uint(opt, value(), 0, ~std::uint64_t{0});
            o.seed_given = true;
        } else if (opt == "--min-size") {
            s.min_size = parse_uint(opt, value(), 60, 9216);
        } else if (opt == "--max-size") {
            s.max_size = parse_uint(opt, value(), 60, 9216);
        } else if (opt == "--imix") {
            flag();
            imix = true;
        } else if (opt == "--queues") {
            s.queues = static_cast<std::uint32_t>(parse_uint(opt, value(), 1, 16));
        } else if (opt == "--top") {
            s.top = value();
            if (s.top != "cpp" && s.top != "systemc")
                throw UsageError(fmt::format("--top: '{}' is not cpp or systemc", s.top));
        } else if (opt == "--config") {
            s.config = value();
            auto const names = dut::dut_config_names();
            if (std::find(names.begin(), names.end(), s.config) == names.end())
                throw UsageError(fmt::format("--config: no configuration '{}' in this build ({})", s.config,
                                             fmt::join(names, ", ")));
        } else if (opt == "--mode") {
            auto const v = value();
            if (v == "loopback") s.mode = cosim::Mode::loopback;
            else if (v == "generate") s.mode = cosim::Mode::generate;
            else if (v == "pcap") s.mode = cosim::Mode::pcap;
            else throw UsageError(fmt::format("--mode: '{}' is not loopback, generate or pcap", v));
        } else if (opt == "--pcap-in") {
            s.pcap_in = value();
        } else if (opt == "--pcap-out") {
            s.pcap_out = value();
        } else if (opt == "--mem-latency") {
            auto const v = value();
            auto const colon = v.find(':');
            if (colon == std::string::npos) {
                s.mem_latency_min = s.mem_latency_max = static_cast<std::uint32_t>(parse_uint(opt, v, 0, 100'000));
            } else {
                s.mem_latency_min = static_cast<std::uint32_t>(parse_uint(opt, v.substr(0, colon), 0, 100'000));
                s.mem_latency_max = static_cast<std::uint32_t>(parse_uint(opt, v.substr(colon + 1), 0, 100'000));
                if (s.mem_latency_min > s.mem_latency_max)
                    throw UsageError(fmt::format("--mem-latency: {} has MIN > MAX", v));
            }
        } else if (opt == "--stall") {
            stall = parse_double(opt, value(), 0, 99);
        } else if (opt == "--mem-stall") {
            mem_stall = parse_double(opt, value(), 0, 99);
        } else if (opt == "--tx-stall") {
            tx_stall = parse_double(opt, value(), 0, 99);
        } else if (opt == "--rx-stall") {
            rx_stall = parse_double(opt, value(), 0, 99);
        } else if (opt == "--ring-size") {
            auto const v = value();
            s.ring_size = static_cast<std::uint32_t>(parse_uint(opt, v, 2, 65536));
            if (!std::has_single_bit(s.ring_size)) throw UsageError(fmt::format("--ring-size: {} is not a power of two", v));
        } else if (opt == "--tx-fragment-bytes") {
            s.tx_fragment_bytes = static_cast<std::uint32_t>(parse_uint(opt, value(), 64, 65536));
        } else if (opt == "--max-cycles") {
            s.max_cycles = parse_uint(opt, value(), 1, ~std::uint64_t{0});
        } else if (opt == "--clock-mhz") {
            s.clock_hz = static_cast<std::uint64_t>(parse_double(opt, value(), 1, 100'000) * 1e6);
        } else if (opt == "--csum-offload") {
            s.csum_offload_fraction = parse_double(opt, value(), 0, 100) / 100.0;
        } else if (opt == "--no-rss") {
            flag();
            s.rss = false;
        } else if (opt == "--json") {
            o.json_path = value();
        } else if (opt == "--trace") {
            s.trace_path = value();
        } else {
            throw UsageError(fmt::format("{}: unknown option (nicsim run --help lists them)", opt));
        }
    }
    if (s.min_size > s.max_size)
        throw UsageError(fmt::format("--min-size: {} is larger than --max-size {}", s.min_size, s.max_size));
    if (imix) s.sizes = wire::SizeDist::imix();
    s.mem_stall_percent = mem_stall.value_or(stall.value_or(0));
    s.tx_stall_percent = tx_stall.value_or(stall.value_or(0));
    s.rx_stall_percent = rx_stall.value_or(stall.value_or(0));
    if (s.mode == cosim::Mode::pcap && s.pcap_in.empty()) throw UsageError("--mode pcap: needs --pcap-in FILE");
    if (s.mode != cosim::Mode::pcap && !s.pcap_in.empty()) throw UsageError("--pcap-in: only with --mode pcap");
    return o;
}

namespace {

int run_command(std::span<std::string const> args, std::ostream& out, std::ostream& err, bool show_progress) {
    RunOptions o;
    try {
        o = parse_run_options(args);
    } catch (UsageError const& e) {
        err << "nicsim run: " << e.what() << "\n";
        return 2;
    }
    if (o.help) {
        out << run_usage();
        return 0;
    }
    if (!o.seed_given) o.scenario.seed = std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
    // Output files must be writable before anything runs.
    std::unique_ptr<std::ofstream> json;
    if (!o.json_path.empty()) {
        json = std::make_unique<std::ofstream>(o.json_path);
        if (!*json) {
            err << fmt::format("nicsim run: --json {}: cannot open for writing\n", o.json_path);
            return 2;
        }
    }
    for (auto const* path : {&o.scenario.pcap_out, &o.scenario.trace_path}) {
        if (path->empty()) continue;
        std::ofstream probe(*path, std::ios::app);
        if (!probe) {
            err << fmt::format("nicsim run: {} {}: cannot open for writing\n",
                               path == &o.scenario.pcap_out ? "--pcap-out" : "--trace", *path);
            return 2;
        }
    }
    if (show_progress) o.scenario.progress_interval_cycles = 20'000;
    std::function<void(cosim::Progress const&)> progress;
    if (show_progress) {
        progress = [&out](cosim::Progress const& p) {
            double const rate = p.wall_seconds > 0 ? static_cast<double>(p.cycles) / p.wall_seconds : 0;
            out << fmt::format("\r\033[K  packets {}/{}  cycles {}  {:.0f} cycles/s", p.packets_done, p.packets_total,
                               p.cycles, rate);
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
    out << cosim::format_summary(r);
    if (json) {
        *json << cosim::to_json(r);
        json->flush();
        if (!*json) err << fmt::format("nicsim run: --json {}: write failed\n", o.json_path);
    }
    if (!r.passed) {
        out << fmt::format("FAILED (seed {}). Replay with: {}\n", r.seed, cosim::replay_command(o.scenario));
        return 1;
    }
    return 0;
}

}  // namespace

int run_nicsim_command(std::span<std::string const> args, std::ostream& out, std::ostream& err, bool progress) {
    if (args.empty()) {
        err << "nicsim: missing command (run or waves; nicsim --help)\n";
        return 2;
    }
    std::string const& cmd = args[0];
    auto const rest = args.subspan(1);
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        out << main_usage();
        return 0;
    }
    if (cmd == "run") return run_command(rest, out, err, progress);
    if (cmd == "waves") return waves::run_waves_command("nicsim waves", rest, out, err);
    err << fmt::format("nicsim: {}: unknown command (run or waves; nicsim --help)\n", cmd);
    return 2;
}

}  // namespace nicsim::cli
