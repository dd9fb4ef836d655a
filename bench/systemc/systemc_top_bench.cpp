// The SystemC top's speed relative to the C++ top, and where the difference comes from.
//
//   systemc_top_bench [--packets N] [--repetitions R] [--seed S] [--idle-cycles C]
//
// 1. Whole runs: `nicsim run --top cpp` and `--top systemc` on the same scenario (the README's
//    default: loopback, 60..1514 bytes, every queue), alternating, each in its own process (SystemC
//    elaborates once per process). Prints wall seconds and simulated cycles per second per top,
//    and the paired ratios (repetition r of one top against repetition r of the other).
// 2. Where the time goes on the SystemC side: the same SystemC platform (NicModule, host memory,
//    fifos) clocked idle after reset, advanced by one sc_start() per cycle (as SystemcTop does, to
//    run software between cycles) and by one sc_start() for all cycles; each in its own process
//    (this program re-runs itself with --idle-child), alternating with the same configuration's
//    C++ model clocked bare (as bare_model_bench): the cost of the SystemC model and kernel.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "../common/bare_model.hpp"
#include "../common/cli.hpp"
#include "../common/harness.hpp"
#include "dut/dut.hpp"
#include "nicsim/systemc/host_memory_target.hpp"
#include "nicsim/systemc/nic_module.hpp"

namespace hb = nicsim::bench;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::uint64_t packets = 3000;
    int repetitions = 3;
    std::uint64_t seed = 1;
    std::uint64_t idle_cycles = 200'000;
};

constexpr std::string_view kProgram = "systemc_top_bench";
constexpr std::string_view kUsage = "systemc_top_bench [--packets N] [--repetitions R] [--seed S] [--idle-cycles C]";

[[noreturn]] void usage_error(std::string const& msg) {
    hb::usage_error(kProgram, kUsage, msg);
}
std::uint64_t parse_count(std::string_view opt, char const* v) {
    return hb::parse_count(kProgram, kUsage, opt, v);
}

struct RunSample {
    double wall_seconds = 0, cycles_per_second = 0, cycles = 0;
};

RunSample run_top(std::string const& top, Options const& o) {
    fs::path const json = fs::temp_directory_path() / fmt::format("systemc_top_bench_{}_{}.json", ::getpid(), top);
    std::string const cmd = fmt::format("'{}' run --top {} --packets {} --seed {} --json '{}' > /dev/null", NICSIM_BIN,
                                        top, o.packets, o.seed, json.string());
    if (std::system(cmd.c_str()) != 0) {
        fmt::print(stderr, "systemc_top_bench: failed: {}\n", cmd);
        std::exit(1);
    }
    std::ifstream in(json);
    auto const summary = nlohmann::json::parse(in, nullptr, false);
    fs::remove(json);
    if (!summary.is_object()) {
        fmt::print(stderr, "systemc_top_bench: the summary of `{}` is not JSON\n", cmd);
        std::exit(1);
    }
    return {summary.at("wall_seconds").get<double>(), summary.at("sim_cycles_per_second").get<double>(),
            summary.at("cycles").get<double>()};
}

// ---- the idle child: one SystemC platform, clocked idle ----

SC_MODULE(IdlePlatform) {
    sc_core::sc_clock clk{"clk", 4, sc_core::SC_NS};
    sc_core::sc_signal<bool> rst_n{"rst_n", false};
    nicsim::systemc::FrameFifo rx{"rx", 1}, tx{"tx", 2};
    sc_core::sc_vector<sc_core::sc_signal<bool>> irq{"irq", nicsim::systemc::NicModule::num_queues};
    sc_core::sc_signal<bool> irq_error{"irq_error"};
    nicsim::systemc::HostMemoryTarget host{"host"};
    nicsim::systemc::NicModule nic{"nic"};
    tlm_utils::simple_initiator_socket<IdlePlatform> cpu{"cpu"};  // unused: a bound, idle register bus
    SC_CTOR(IdlePlatform) {
        cpu.bind(nic.regs);
        nic.clk(clk);
        nic.rst_n(rst_n);
        nic.rx_in(rx);
        nic.tx_out(tx);
        nic.irq_queue.bind(irq);
        nic.irq_error(irq_error);
        nic.dma.bind(host.socket);
    }
};

int idle_child(bool per_cycle, std::uint64_t cycles) {
    IdlePlatform p("idle");
    sc_core::sc_time const period(4, sc_core::SC_NS);
    sc_core::sc_start(16 * period);
    p.rst_n.write(true);
    sc_core::sc_start(period);
    auto const t0 = Clock::now();
    if (per_cycle) {
        for (std::uint64_t i = 0; i < cycles; ++i) sc_core::sc_start(period);
    } else {
        sc_core::sc_start(static_cast<double>(cycles) * period);
    }
    double const wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("idle cycles/s %.1f\n", static_cast<double>(cycles) / wall);
    return 0;
}

double run_idle(char const* self, bool per_cycle, std::uint64_t cycles) {
    std::string const cmd = fmt::format("'{}' --idle-child {} {}", self, per_cycle ? "per-cycle" : "at-once", cycles);
    FILE* f = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[256];
    while (f && std::fgets(buf, sizeof buf, f)) out += buf;
    if (f) ::pclose(f);
    auto const at = out.find("idle cycles/s ");  // after SystemC's banner, if it prints one
    if (at == std::string::npos) {
        fmt::print(stderr, "systemc_top_bench: failed: {}\n{}", cmd, out);
        std::exit(1);
    }
    return std::strtod(out.c_str() + at + 14, nullptr);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    if (argc == 4 && std::string_view(argv[1]) == "--idle-child")
        return idle_child(std::string_view(argv[2]) == "per-cycle", parse_count("--idle-child", argv[3]));
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view const a = argv[i];
        if (i + 1 >= argc) usage_error(fmt::format("{}: missing value (or unknown option)", a));
        char const* v = argv[++i];
        if (a == "--packets")
            o.packets = parse_count(a, v);
        else if (a == "--repetitions")
            o.repetitions = static_cast<int>(parse_count(a, v));
        else if (a == "--seed")
            o.seed = parse_count(a, v);
        else if (a == "--idle-cycles")
            o.idle_cycles = parse_count(a, v);
        else
            usage_error(fmt::format("unknown option '{}'", a));
    }
    auto const env = hb::environment(argc, argv);
    fmt::print("systemc_top_bench: {} ({}), {} cpus; SystemC top configuration {}; {} alternating repetitions\n\n",
               env.command_line, env.build_type, env.cpus, nicsim::systemc::NicModule::config_name, o.repetitions);

    std::vector<double> cpp_wall, sc_wall, cpp_cps, sc_cps, wall_ratio, cps_ratio;
    double cpp_cycles = 0, sc_cycles = 0;
    for (int r = 0; r < o.repetitions; ++r) {
        RunSample a, b;
        if (r % 2 == 0) {
            a = run_top("cpp", o);
            b = run_top("systemc", o);
        } else {
            b = run_top("systemc", o);
            a = run_top("cpp", o);
        }
        cpp_wall.push_back(a.wall_seconds);
        sc_wall.push_back(b.wall_seconds);
        cpp_cps.push_back(a.cycles_per_second);
        sc_cps.push_back(b.cycles_per_second);
        wall_ratio.push_back(b.wall_seconds / a.wall_seconds);
        cps_ratio.push_back(a.cycles_per_second / b.cycles_per_second);
        cpp_cycles = a.cycles;
        sc_cycles = b.cycles;
    }
    fmt::print("whole run: nicsim run --packets {} --seed {} (loopback, 60..1514 bytes, every queue)\n\n", o.packets,
               o.seed);
    fmt::print("| top | cycles | wall s (median) | cycles/s (median) |\n|---|---|---|---|\n");
    fmt::print("| cpp | {:.0f} | {:.3f} | {:.0f} |\n", cpp_cycles, hb::median(cpp_wall), hb::median(cpp_cps));
    fmt::print("| systemc | {:.0f} | {:.3f} | {:.0f} |\n\n", sc_cycles, hb::median(sc_wall), hb::median(sc_cps));
    fmt::print("SystemC / C++ wall time for the same scenario (paired median): {:.2f}\n", hb::median(wall_ratio));
    fmt::print("C++ / SystemC cycles per second (paired median): {:.2f}\n\n", hb::median(cps_ratio));

    std::vector<double> per_cycle, at_once, bare, step_ratio, model_ratio;
    for (int r = 0; r < o.repetitions; ++r) {
        double const a = run_idle(argv[0], true, o.idle_cycles);
        double const b = run_idle(argv[0], false, o.idle_cycles);
        double const c = nicsim::bench::bare_model_cycles_per_second(nicsim::systemc::NicModule::config_name,
                                                                     o.idle_cycles, nicsim::dut::Tracing::possible);
        per_cycle.push_back(a);
        at_once.push_back(b);
        bare.push_back(c);
        step_ratio.push_back(b / a);
        model_ratio.push_back(c / b);
    }
    fmt::print("SystemC platform idle after reset, {} cycles:\n\n", o.idle_cycles);
    fmt::print("| advanced by | cycles/s (median) |\n|---|---|\n");
    fmt::print("| one sc_start per cycle (SystemcTop) | {:.0f} |\n", hb::median(per_cycle));
    fmt::print("| one sc_start for all cycles | {:.0f} |\n", hb::median(at_once));
    fmt::print("| (the C++ model, bare, same configuration) | {:.0f} |\n\n", hb::median(bare));
    fmt::print("cost of returning to software every cycle (at once / per cycle, paired median): {:.2f}\n",
               hb::median(step_ratio));
    fmt::print("C++ model bare / SystemC platform at once (paired median): {:.2f}\n", hb::median(model_ratio));
    return 0;
}
