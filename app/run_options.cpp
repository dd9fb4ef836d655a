// The options of `nicsim run`: see run_options.hpp.
#include "nicsim/run_options.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <nic_contract.hpp>

#include "command_line/command_line.hpp"
#include "nicsim/scenario_flags.hpp"

namespace nicsim::cli {

namespace {

namespace cl = command_line;

constexpr std::uint64_t kNoLimit = ~std::uint64_t{0};
constexpr std::size_t kDescriptionColumn = 23;  // of the help text, 100 columns wide
constexpr std::size_t kHelpWidth = 100;

/// A ", "-separated list broken into lines of at most `width` columns, each continuation line
/// indented by `indent` spaces (the help text's description column).
std::string wrap_list(std::string const& list, std::size_t indent, std::size_t width) {
    std::string out, line;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        std::size_t const comma = list.find(", ", pos);
        std::string const item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos) +
                                 (comma == std::string::npos ? "" : ",");
        if (!line.empty() && indent + line.size() + 1 + item.size() > width) {
            out += line + "\n";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + item;
        if (comma == std::string::npos) break;
        pos = comma + 2;
    }
    return out + line;
}

/// A SystemVerilog hierarchical scope: identifiers ([A-Za-z_][A-Za-z0-9_$]*) joined by dots.
bool is_dotted_name(std::string_view v) {
    bool at_start = true;  // of an identifier
    for (char const c : v) {
        auto const u = static_cast<unsigned char>(c);
        if (c == '.') {
            if (at_start) return false;
            at_start = true;
        } else if (std::isalpha(u) || c == '_' || (!at_start && (std::isdigit(u) || c == '$'))) {
            at_start = false;
        } else {
            return false;
        }
    }
    return !at_start;
}

CLI::Validator dotted_scope_name() {
    return CLI::Validator(
        [](std::string const& v) {
            return is_dotted_name(v) ? std::string()
                                     : fmt::format("'{}' is not a dotted scope name (e.g. nic_top.nic_top.tx)", v);
        },
        "");
}

/// A file name option's value: an empty one is a mistake, never "no file".
CLI::Validator file_name() {
    return cl::not_empty("needs a file name (got '')");
}

CLI::Validator power_of_two() {
    return CLI::Validator(
        [](std::string const& v) {
            return std::has_single_bit(std::stoull(v)) ? std::string() : fmt::format("{} is not a power of two", v);
        },
        "");
}

CLI::Validator multiple_of_64() {
    return CLI::Validator(
        [](std::string const& v) {
            return std::stoull(v) % 64 == 0 ? std::string() : fmt::format("{} is not a multiple of 64", v);
        },
        "");
}

CLI::Validator configuration_of(std::span<std::string const> configs) {
    return CLI::Validator(
        [names = std::vector<std::string>(configs.begin(), configs.end())](std::string const& v) {
            return std::find(names.begin(), names.end(), v) != names.end()
                       ? std::string()
                       : fmt::format("no configuration '{}' in this build ({})", v, fmt::join(names, ", "));
        },
        "");
}

CLI::Validator barrier_bug_name() {
    return CLI::Validator(
        [](std::string const& v) {
            return cosim::barrier_bug_named(v) ? std::string()
                                               : fmt::format("'{}' is not one of {}", v, cosim::barrier_bug_names());
        },
        "");
}

/// --mode's values, in the order its error message lists them.
constexpr std::pair<char const*, cosim::Mode> kModes[] = {{"loopback", cosim::Mode::loopback},
                                                          {"generate", cosim::Mode::generate},
                                                          {"pcap", cosim::Mode::pcap},
                                                          {"tap", cosim::Mode::tap}};

std::vector<std::string> mode_names() {
    std::vector<std::string> names;
    for (auto const& [name, mode] : kModes) names.emplace_back(name);
    return names;
}

cosim::Mode mode_named(std::string_view name) {
    auto const* const it =
        std::find_if(std::begin(kModes), std::end(kModes), [name](auto const& mode) { return name == mode.first; });
    return it->second;  // one of them: --mode checks its value first
}

/// `text` split at its first ':' (the second side empty when there is none).
std::pair<std::string_view, std::string_view> split_at_colon(std::string_view text) {
    auto const colon = text.find(':');
    if (colon == std::string_view::npos) return {text, {}};
    return {text.substr(0, colon), text.substr(colon + 1)};
}

/// --mem-latency: "N" or "MIN:MAX" cycles, each 0..100000.
void read_latency_range(std::string const& v, cosim::Scenario& s) {
    auto const cycles = [](std::string_view t) {
        return static_cast<std::uint32_t>(cl::read_whole_number(t, 0, 100'000));
    };
    auto const [min, max] = split_at_colon(v);
    s.platform.mem_latency_min = cycles(min);
    s.platform.mem_latency_max = v.find(':') == std::string::npos ? s.platform.mem_latency_min : cycles(max);
    if (s.platform.mem_latency_min > s.platform.mem_latency_max)
        throw CLI::ValidationError(fmt::format("{} has MIN > MAX", v));
}

/// --irq-moderation: "PACKETS:CYCLES", each 0..65535.
void read_irq_moderation(std::string const& v, cosim::Scenario& s) {
    if (v.find(':') == std::string::npos) throw CLI::ValidationError(fmt::format("'{}' is not PACKETS:CYCLES", v));
    auto const [packets, cycles] = split_at_colon(v);
    s.platform.irq_packets = static_cast<std::uint16_t>(cl::read_whole_number(packets, 0, 65535));
    s.platform.irq_holdoff_cycles = static_cast<std::uint16_t>(cl::read_whole_number(cycles, 0, 65535));
}

/// --trace-window: "START:END" cycles; "START:" to the end, ":END" from cycle 0.
void read_trace_window(std::string const& v, cosim::Scenario& s) {
    if (v.find(':') == std::string::npos) throw CLI::ValidationError(fmt::format("'{}' is not START:END", v));
    auto const [first, last] = split_at_colon(v);
    s.trace.first_cycle = first.empty() ? 0 : cl::read_whole_number(first, 0, kNoLimit - 1);
    s.trace.last_cycle = last.empty() ? kNoLimit : cl::read_whole_number(last, 0, kNoLimit - 1);
    if (s.trace.first_cycle > s.trace.last_cycle) throw CLI::ValidationError(fmt::format("{} has START > END", v));
}

/// What the help text says about this build.
struct BuildFacts {
    std::span<std::string const> configs;
    std::string_view systemc_top_config;  // the help text only
};

/// `nicsim run`'s command line: its options bound to a RunOptions (in the help text's groups),
/// and parse(), which applies the rules between options that CLI11 does not express.
class RunCommandLine {
public:
    explicit RunCommandLine(BuildFacts const& build);
    RunCommandLine(RunCommandLine const&) = delete;  // the options hold pointers into this object
    RunCommandLine& operator=(RunCommandLine const&) = delete;

    RunOptions parse(std::span<std::string const> args);
    std::string help() const { return app_.help(); }

private:
    void add_traffic_options(CLI::App& group);
    void add_nic_options(CLI::App& group, BuildFacts const& build);
    void add_fault_options(CLI::App& group);
    void add_run_options(CLI::App& group);
    void add_waves_options(CLI::App& group);
    void add_coverage_options(CLI::App& group);

    void apply_shorthands();  // --imix, --soak and the stall percents
    void check_trace_options() const;
    void check_mode_options() const;
    void settle_tap_mode();
    std::string first_tap_option() const;
    static bool given(CLI::Option const* option) { return option->count() > 0; }

    CLI::App app_{"Runs one co-simulation and prints its summary. Options take a value as '--opt V' or '--opt=V'.",
                  "nicsim run"};
    RunOptions o_;
    cosim::Scenario& s_ = o_.scenario;
    bool imix_ = false, soak_ = false;
    double stall_ = 0, mem_stall_ = 0, tx_stall_ = 0, rx_stall_ = 0;
    // Options whose being given matters to the rules after parsing.
    CLI::Option *packets_ = nullptr, *seed_ = nullptr, *latency_ = nullptr, *memory_order_ = nullptr;
    CLI::Option *stall_option_ = nullptr, *mem_stall_option_ = nullptr, *tx_stall_option_ = nullptr;
    CLI::Option *rx_stall_option_ = nullptr, *trace_window_ = nullptr;
    std::vector<CLI::Option const*> tap_options_;  // each needs --mode tap
    CLI::App* traffic_ = nullptr;                  // the group of the tap options, which keeps their order
};

RunCommandLine::RunCommandLine(BuildFacts const& build) {
    cl::prepare(app_, "[options]", kDescriptionColumn);
    app_.footer(
        "On a terminal a progress line shows TX frames completed and RX frames accounted for, each of\n"
        "what the run waits for, cycles and rate; otherwise nothing is printed until the summary.\n"
        "Exit status: 0 the run passed (scoreboard passed, lost 0, no verifier, protocol, ownership or\n"
        "ordering violation);\n"
        "1 the run failed (the summary says why, with the command that replays it); 2 a bad option or\n"
        "value, or an unreadable/unwritable file (one line naming it), nothing run; 130/143 ended by\n"
        "SIGINT/SIGTERM (the outputs are written). Output files replace a regular file only once complete;\n"
        "devices (/dev/null) are written in place.");
    traffic_ = app_.add_option_group("traffic");
    add_traffic_options(*traffic_);
    add_nic_options(*app_.add_option_group("NIC and host"), build);
    add_fault_options(*app_.add_option_group("faults (docs/faults.md: what each does and the outcome the run checks)"));
    add_run_options(*app_.add_option_group("run"));
    add_waves_options(*app_.add_option_group("waves"));
    add_coverage_options(*app_.add_option_group("coverage (a coverage build only: tools/coverage, docs/coverage.md)"));
}

void RunCommandLine::add_traffic_options(CLI::App& group) {
    packets_ = group
                   .add_option("--packets", s_.traffic.packets,
                               "TX frames the OS sends (default 2000); in generate mode as many frames again\n"
                               "come in from the wire")
                   ->type_name("N")
                   ->transform(cl::whole_number_in(0, 100'000'000));
    group.add_option("--min-size", s_.traffic.min_size, "smallest frame, bytes without FCS (default 60, at least 60)")
        ->type_name("B")
        ->transform(cl::whole_number_in(wire::kMinFrameBytes, contract::MAX_FRAME_BYTES));
    group
        .add_option("--max-size", s_.traffic.max_size,
                    "largest frame (default 1514, at most the NIC's MAX_FRAME_BYTES 9216)")
        ->type_name("B")
        ->transform(cl::whole_number_in(wire::kMinFrameBytes, contract::MAX_FRAME_BYTES));
    group.add_flag("--imix", imix_, "sizes 60/590/1514 in 7:4:1 instead of uniform min..max")->check(cl::no_value());
    group
        .add_option_function<std::string>(
            "--mode", [this](std::string const& v) { s_.traffic.mode = mode_named(v); },
            "loopback (default: every TX frame comes back as RX), generate (RX frames from\n"
            "a traffic generator, TX frames go to the wire), pcap (RX frames replayed\n"
            "from --pcap-in), tap (a real network stack: the OS's traffic from a TAP\n"
            "device, the wire another one; runs until --duration or SIGINT/SIGTERM)")
        ->type_name("M")
        ->check(cl::one_of(mode_names()));
    auto const tap_name = [&](char const* name, std::string& target, char const* value, char const* description) {
        tap_options_.push_back(group.add_option(name, target, description)
                                   ->type_name(value)
                                   ->check(cl::not_empty("needs a name (got '')")));
    };
    tap_name("--tap-host", s_.traffic.tap.host, "NAME", "tap mode: the OS side's TAP device (default nsim0)");
    tap_name("--tap-wire", s_.traffic.tap.wire, "NAME", "tap mode: the link partner's TAP device (default nsimwire0)");
    tap_name("--host-netns", s_.traffic.tap.host_netns, "NS",
             "tap mode: create the host device in network namespace NS (ip netns add NS)");
    tap_name("--wire-netns", s_.traffic.tap.wire_netns, "NS",
             "tap mode: create the wire device in network namespace NS");
    tap_options_.push_back(group
                               .add_option("--tap-mtu", s_.traffic.tap.mtu,
                                           "tap mode: MTU of both devices (default: the NIC's largest frame less 14)")
                               ->type_name("N")
                               ->transform(cl::whole_number_in(68, 65535)));
    tap_options_.push_back(
        group
            .add_option("--duration", s_.traffic.tap.duration_seconds,
                        "tap mode: end the traffic after S wall seconds (default: at SIGINT/SIGTERM)")
            ->type_name("S")
            ->transform(cl::number_in(0.001, 1e7)));
    group
        .add_option("--pcap-in", s_.traffic.pcap_in,
                    "pcap/pcapng file replayed into RX (--mode pcap); records under 60 bytes are\n"
                    "padded to 60, empty ones or longer than the NIC's largest frame refused")
        ->type_name("FILE")
        ->check(file_name());
    group
        .add_option("--pcap-out", s_.views.pcap_out,
                    "write every wire frame of both directions (.pcapng: with direction;\n"
                    "else .pcap)")
        ->type_name("FILE")
        ->check(file_name());
    group
        .add_option_function<double>(
            "--csum-offload", [this](double percent) { s_.traffic.csum_offload_fraction = percent / 100.0; },
            "percent of TX IP frames sent with zeroed checksums and checksum offload\n"
            "requested (default 50)")
        ->type_name("P")
        ->transform(cl::number_in(0, 100));
    group
        .add_option_function<std::string>(
            "--csum-offload-sums",
            [this](std::string const& v) { s_.traffic.csum_offload_sums = *cosim::csum_sums_named(v); },
            "which sums such a frame asks for: both (default; IPv6: TCP/UDP), ip (IPv4\n"
            "header), l4 (TCP/UDP) or mixed (one of the three per frame)")
        ->type_name("S")
        ->check(cl::one_of({"both", "ip", "l4", "mixed"}));
    group
        .add_flag_callback(
            "--no-rss", [this] { s_.platform.rss = false; },
            "every RX frame to queue 0 (default: RSS over the queues in use)")
        ->check(cl::no_value());
}

void RunCommandLine::add_nic_options(CLI::App& group, BuildFacts const& build) {
    group
        .add_option("--top", s_.top,
                    fmt::format("hardware top: cpp (default: the C++ testbench) or systemc (the\n"
                                "SystemC/TLM-2.0 module in a SystemC platform; no --mem-stall, no --trace;\n"
                                "--tx-stall/--rx-stall hold whole frames; configuration {})",
                                build.systemc_top_config))
        ->type_name("T")
        ->check(cl::one_of({"cpp", "systemc"}));
    group
        .add_option(
            "--config", s_.config,
            fmt::format("NIC configuration (default dw64_q4; in this build: {})", fmt::join(build.configs, ", ")))
        ->type_name("NAME")
        ->check(configuration_of(build.configs));
    group
        .add_option("--queues", s_.platform.queues,
                    "queue pairs in use, 1..NUM_QUEUES of the configuration (default: all)")
        ->type_name("Q")
        ->transform(cl::whole_number_in(1, 16));
    group
        .add_option("--ring-size", s_.platform.ring_size,
                    "OS packet ring and hardware ring entries, power of two 2..65536 (default\n"
                    "256; a hardware ring is never smaller than one maximal packet needs)")
        ->type_name("N")
        ->transform(cl::whole_number_in(2, 65536))
        ->check(power_of_two());
    group
        .add_option("--tx-fragment-bytes", s_.platform.tx_fragment_bytes,
                    "OS TX fragment buffer size (default: max-size/4, at least 256)")
        ->type_name("B")
        ->transform(cl::whole_number_in(64, 65536));
    group.add_option("--irq-moderation")
        ->description(
            "interrupt moderation of every queue: an interrupt per P completions\n"
            "(IRQ_MOD_PKTS, 0 or 1 = each) or C cycles after the first (IRQ_MOD_CYCLES,\n"
            "0 = no timer) (default 1:0)")
        ->type_name("P:C")
        ->each([this](std::string const& v) { read_irq_moderation(v, s_); });
    latency_ = group.add_option("--mem-latency")
                   ->description("host memory latency in cycles, uniform (default 0:0; 'N' = N:N)")
                   ->type_name("MIN:MAX")
                   ->each([this](std::string const& v) { read_latency_range(v, s_); });
    auto const stall = [&](char const* name, double& target, char const* description) {
        return group.add_option(name, target, description)->type_name("P")->transform(cl::number_in(0, 99));
    };
    stall_option_ = stall("--stall", stall_,
                          "percent of cycles each bus model stalls: host memory (every AXI4 channel),\n"
                          "TX wire sink (tready) and RX wire source (tvalid) (default 0)");
    mem_stall_option_ = stall("--mem-stall", mem_stall_, "the same for host memory only (default: --stall)");
    tx_stall_option_ = stall("--tx-stall", tx_stall_, "the same for the TX wire sink only (default: --stall)");
    rx_stall_option_ = stall("--rx-stall", rx_stall_, "the same for the RX wire source only (default: --stall)");
    memory_order_ = group
                        .add_option_function<std::string>(
                            "--memory-order",
                            [this](std::string const& v) { s_.platform.memory_order = *host::memory_order_named(v); },
                            "host memory ordering: strong (default: every CPU store visible at once) or\n"
                            "weak (a CPU store reaches the NIC only after the driver's write barrier or\n"
                            "a bounded random delay, MMIO writes do not wait for it, completion fields\n"
                            "loaded before a read barrier may be stale; a missing barrier fails the run\n"
                            "naming rule, ring and cycle: docs/contract.md, Ordering rules)")
                        ->type_name("O")
                        ->check(cl::one_of({"strong", "weak"}));
}

void RunCommandLine::add_fault_options(CLI::App& group) {
    group.add_option("--fault")
        ->description(fmt::format("inject a fault, repeatable. SPEC is KIND[:key=value,...] with KIND one of\n"
                                  "{}\n"
                                  "and keys queue=Q, dir=tx|rx, at=N (after N TX frames; default a third of\n"
                                  "the run), count=K, every=E (frames apart), rate=P (per frame instead of\n"
                                  "at/count), cycles=C (rx-starve). Example:\n"
                                  "--fault dma-desc-read:queue=1,at=100",
                                  wrap_list(cosim::fault_kind_names(), kDescriptionColumn, kHelpWidth)))
        ->type_name("SPEC")
        // parse_fault's ScenarioError names the field and the spec: parse() says it with the option.
        ->each([this](std::string const& spec) { s_.faults.push_back(cosim::parse_fault(spec)); });
    group
        .add_flag("--soak", soak_,
                  "every fault kind at random (the soak's mix), and unless given:\n"
                  "--mem-latency 0:500 --stall 10 --memory-order weak")
        ->check(cl::no_value());
    group
        .add_option_function<std::string>(
            "--barrier-bug", [this](std::string const& v) { s_.barrier_bug = *cosim::barrier_bug_named(v); },
            fmt::format("a driver with its barriers misplaced on purpose, to see the ordering checks\n"
                        "catch it (weak order) or miss it (strong); KIND one of\n"
                        "{}",
                        wrap_list(cosim::barrier_bug_names(), kDescriptionColumn, kHelpWidth)))
        ->type_name("KIND")
        ->check(barrier_bug_name());
    group
        .add_option("--rx-buffer", s_.platform.rx_buffer_bytes,
                    "OS RX buffer bytes, multiple of 64 in 128..65536 (default 2048)")
        ->type_name("B")
        ->transform(cl::whole_number_in(128, 65536))
        ->check(multiple_of_64());
    group
        .add_option_function<std::uint64_t>(
            "--hang-check", [this](std::uint64_t cycles) { s_.checks.hang_check_cycles = cycles; },
            "reset a TX ring whose frames saw no completion for N cycles (0 = off;\n"
            "default 40000, raised to what the stalls, latency and frame sizes make\n"
            "normal: docs/faults.md, \"Heavy back-pressure\")")
        ->type_name("N")
        ->transform(cl::whole_number_in(0, kNoLimit));
    group
        .add_option_function<std::uint64_t>(
            "--watchdog", [this](std::uint64_t cycles) { s_.checks.watchdog_cycles = cycles; },
            "fail when no packet moved for N cycles (default 200000, raised likewise)")
        ->type_name("N")
        ->transform(cl::whole_number_in(1, kNoLimit));
}

void RunCommandLine::add_run_options(CLI::App& group) {
    seed_ =
        group.add_option("--seed", s_.seed, "random seed (default: a random one, printed); the seed replays the run")
            ->type_name("S")
            ->transform(cl::whole_number_in(0, kNoLimit));
    group
        .add_option("--max-cycles", s_.checks.max_cycles,
                    "fail after exactly N cycles (default 1000000 + per packet 20000, or four\n"
                    "times a maximal frame's time through the slowest stalled bus if longer)")
        ->type_name("N")
        ->transform(cl::whole_number_in(1, kNoLimit));
    group
        .add_option_function<double>(
            "--clock-mhz", [this](double mhz) { s_.platform.clock_hz = static_cast<std::uint64_t>(mhz * 1e6); },
            "clock frequency for throughput and pcap time stamps (default 250)")
        ->type_name("F")
        ->transform(cl::number_in(1, 100'000));
    group.add_option("--json", o_.json_path, "write the summary as JSON, with the options and the replay command")
        ->type_name("FILE")
        ->check(file_name());
    cl::add_help_flag(group, o_.help);
}

void RunCommandLine::add_waves_options(CLI::App& group) {
    group
        .add_option("--trace", s_.trace.path,
                    "FST waveform of the run (open with nicsim waves or GTKWave), and its GTKWave\n"
                    "layout next to it (FILE's stem .gtkw)")
        ->type_name("FILE")
        ->check(file_name());
    trace_window_ = group.add_option("--trace-window")
                        ->description(
                            "trace only cycles S..E ('S:' from S to the end, ':E' from 0): the file is\n"
                            "opened at cycle S and closed after cycle E, so the rest runs at full speed")
                        ->type_name("S:E")
                        ->each([this](std::string const& v) { read_trace_window(v, s_); });
    group
        .add_option("--trace-depth", s_.trace.depth,
                    "dump N scope levels ($dumpvars): 1 the model's ports, 2 and nic_top's own\n"
                    "signals, 3 and its engines'; below each --trace-scope when given\n"
                    "(default: all)")
        ->type_name("N")
        ->transform(cl::whole_number_in(1, 1000));
    group
        .add_option("--trace-scope", s_.trace.scopes,
                    "dump only scope S and below (dotted, e.g. nic_top.nic_top.tx); repeatable")
        ->type_name("S")
        ->allow_extra_args(false)  // one scope per --trace-scope
        ->check(dotted_scope_name());
    group
        .add_option_function<unsigned>(
            "--trace-threads", [this](unsigned threads) { s_.trace.threads = threads; },
            "FST writer threads the model was verilated with (0, 1 or 2); an error if\n"
            "this build differs (NICSIM_DUT_TRACE_THREADS)")
        ->type_name("N")
        ->transform(cl::whole_number_in(0, 2));
    group
        .add_option("--waves-ring", s_.trace.ring_cycles,
                    "flight recorder: --trace FILE holds the last N cycles of the run (written at\n"
                    "the end, a failure included); SIGUSR1 writes them at once to FILE.usr1-K.fst\n"
                    "and the run goes on (tap mode: the moment something went wrong)")
        ->type_name("N")
        ->transform(cl::whole_number_in(100, 1'000'000'000));
    group
        .add_option("--failure-trace-cycles", o_.failure_trace_cycles,
                    "on failure, replay the same seed with a trace of the N cycles up to\n"
                    "the failing one (default 4000) and write NAME.fst + NAME.gtkw (marker at the\n"
                    "failure) next to the --json file (NAME its stem), else ./nicsim-failure-SEED")
        ->type_name("N")
        ->transform(cl::whole_number_in(1, 100'000'000));
    group.add_option("--failure-trace-dir", o_.failure_trace_dir, "put those files in DIR instead")
        ->type_name("DIR")
        ->check(cl::not_empty("empty"));
    group
        .add_flag_callback(
            "--no-failure-trace", [this] { o_.failure_trace = false; }, "do not replay a failed run")
        ->check(cl::no_value());
    group
        .add_option("--timeline", s_.views.timeline_json,
                    "packet timeline as Chrome/Perfetto trace JSON (open in ui.perfetto.dev): per\n"
                    "packet the cycles of OS hand-off, descriptor post, doorbell, descriptor\n"
                    "fetch, data read, wire beats, completion write and drain\n"
                    "(testbench/monitor/README.md)")
        ->type_name("FILE")
        ->check(file_name());
    group.add_option("--timeline-csv", s_.views.timeline_csv, "the same timeline, one CSV row per packet")
        ->type_name("FILE")
        ->check(file_name());
    group
        .add_flag_callback(
            "--no-ownership-monitor", [this] { s_.checks.ownership_monitor = false; },
            "do not check DMA accesses against the ownership contract (benchmarks;\n"
            "by default a violation stops the run naming the address, owner and cycle)")
        ->check(cl::no_value());
}

void RunCommandLine::add_coverage_options(CLI::App& group) {
    group
        .add_option("--coverage-dir", o_.coverage_dir,
                    "at the end, whatever the verdict, write the model's RTL coverage (line,\n"
                    "toggle, user) to DIR/rtl.dat and, at exit, this process's C++ counts (gcov)\n"
                    "under DIR/gcov/ (emptied first); DIR is created if missing")
        ->type_name("DIR")
        ->check(cl::not_empty("empty"));
}

RunOptions RunCommandLine::parse(std::span<std::string const> args) {
    try {
        cl::parse(app_, args);
    } catch (CLI::ParseError const& e) {
        throw UsageError(e.what());
    } catch (cosim::ScenarioError const& e) {  // a --fault spec
        throw UsageError(scenario_message(e));
    }
    if (auto const word = cl::first_unexpected(app_))
        throw UsageError(fmt::format("{}: unknown option (nicsim run --help lists them)", *word));
    o_.seed_given = given(seed_);
    if (s_.traffic.min_size > s_.traffic.max_size)
        throw UsageError(
            fmt::format("--min-size: {} is larger than --max-size {}", s_.traffic.min_size, s_.traffic.max_size));
    apply_shorthands();
    check_trace_options();
    check_mode_options();
    if (s_.traffic.mode == cosim::Mode::tap) settle_tap_mode();
    return o_;
}

void RunCommandLine::apply_shorthands() {
    if (imix_) s_.traffic.sizes = wire::SizeDist::imix();
    if (soak_) {
        for (auto const& f : cosim::soak_faults()) s_.faults.push_back(f);
        if (!given(latency_)) s_.platform.mem_latency_min = 0, s_.platform.mem_latency_max = 500;
        if (!given(memory_order_)) s_.platform.memory_order = host::MemoryOrder::weak;
        if (!given(stall_option_)) stall_ = 10;
    }
    // Each bus's own percent, else --stall's.
    s_.platform.mem_stall_percent = given(mem_stall_option_) ? mem_stall_ : stall_;
    s_.platform.tx_stall_percent = given(tx_stall_option_) ? tx_stall_ : stall_;
    s_.platform.rx_stall_percent = given(rx_stall_option_) ? rx_stall_ : stall_;
}

void RunCommandLine::check_trace_options() const {
    bool const window_given = given(trace_window_);
    if (s_.trace.path.empty()) {
        if (window_given) throw UsageError("--trace-window: needs --trace FILE");
        if (s_.trace.depth) throw UsageError("--trace-depth: needs --trace FILE");
        if (!s_.trace.scopes.empty()) throw UsageError("--trace-scope: needs --trace FILE");
        if (s_.trace.ring_cycles) throw UsageError("--waves-ring: needs --trace FILE (where the last cycles go)");
    }
    if (s_.trace.ring_cycles && window_given)
        throw UsageError("--waves-ring: not with --trace-window (the ring keeps the last cycles, whatever they are)");
    if (s_.trace.ring_cycles && s_.top != "cpp") throw UsageError("--waves-ring: runs on the C++ top (--top cpp)");
}

void RunCommandLine::check_mode_options() const {
    if (s_.traffic.mode == cosim::Mode::pcap && s_.traffic.pcap_in.empty())
        throw UsageError("--mode pcap: needs --pcap-in FILE");
    if (s_.traffic.mode != cosim::Mode::pcap && !s_.traffic.pcap_in.empty())
        throw UsageError("--pcap-in: only with --mode pcap");
    if (s_.traffic.mode == cosim::Mode::tap) return;
    if (auto const tap_option = first_tap_option(); !tap_option.empty())
        throw UsageError(fmt::format("{}: only with --mode tap", tap_option));
}

/// Tap mode's traffic is the kernel's: no packet count, no faults, every frame size, no replay.
void RunCommandLine::settle_tap_mode() {
    if (given(packets_))
        throw UsageError(
            "--packets: not with --mode tap (its traffic comes from the TAP devices; --duration S "
            "or a signal ends it)");
    if (soak_ || !s_.faults.empty()) throw UsageError("--fault/--soak: not with --mode tap");
    if (s_.top != "cpp") throw UsageError("--mode tap: runs on the C++ top (--top cpp)");
    s_.traffic.packets = 0;
    // Frames of any size the kernel may send: up to the NIC's largest (tap/tap_link.hpp).
    s_.traffic.min_size = wire::kMinFrameBytes;
    s_.traffic.max_size = contract::MAX_FRAME_BYTES;
    o_.failure_trace = false;  // the kernel's traffic cannot be replayed
}

/// The tap option given first on the command line, or "". (CLI11 keeps the order in which an
/// option group's options were given in the group.)
std::string RunCommandLine::first_tap_option() const {
    for (auto const* option : traffic_->parse_order())
        if (std::find(tap_options_.begin(), tap_options_.end(), option) != tap_options_.end())
            return option->get_name();
    return "";
}

}  // namespace

RunOptions parse_run_options(std::span<std::string const> args, std::span<std::string const> configs) {
    return RunCommandLine({.configs = configs, .systemc_top_config = ""}).parse(args);
}

std::string run_usage(std::span<std::string const> configs, std::string_view systemc_top_config) {
    return RunCommandLine({.configs = configs, .systemc_top_config = systemc_top_config}).help();
}

}  // namespace nicsim::cli
