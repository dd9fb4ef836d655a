// The options of `nicsim run`: see run_options.hpp (the help text is run_usage(), command.cpp).
#include "nicsim/run_options.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cctype>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include <nic_contract.hpp>

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

/// A file name option's value: an empty one is a mistake, never "no file".
std::string file_name(std::string const& opt, std::string v) {
    if (v.empty()) throw UsageError(fmt::format("{}: needs a file name (got '')", opt));
    return v;
}

}  // namespace

RunOptions parse_run_options(std::span<std::string const> args, std::span<std::string const> configs) {
    RunOptions o;
    auto& s = o.scenario;
    std::optional<double> stall, mem_stall, tx_stall, rx_stall;
    bool imix = false, window_given = false, soak = false, latency_given = false, order_given = false;
    bool packets_given = false;
    std::string tap_option;  // the first tap option given (they need --mode tap)
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
            packets_given = true;
        } else if (opt == "--seed") {
            s.seed = parse_uint(opt, value(), 0, ~std::uint64_t{0});
            o.seed_given = true;
        } else if (opt == "--min-size") {
            s.min_size = parse_uint(opt, value(), wire::kMinFrameBytes, contract::MAX_FRAME_BYTES);
        } else if (opt == "--max-size") {
            s.max_size = parse_uint(opt, value(), wire::kMinFrameBytes, contract::MAX_FRAME_BYTES);
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
            if (std::find(configs.begin(), configs.end(), s.config) == configs.end())
                throw UsageError(fmt::format("--config: no configuration '{}' in this build ({})", s.config,
                                             fmt::join(configs, ", ")));
        } else if (opt == "--mode") {
            auto const v = value();
            if (v == "loopback")
                s.mode = cosim::Mode::loopback;
            else if (v == "generate")
                s.mode = cosim::Mode::generate;
            else if (v == "pcap")
                s.mode = cosim::Mode::pcap;
            else if (v == "tap")
                s.mode = cosim::Mode::tap;
            else
                throw UsageError(fmt::format("--mode: '{}' is not loopback, generate, pcap or tap", v));
        } else if (opt == "--tap-host" || opt == "--tap-wire" || opt == "--host-netns" || opt == "--wire-netns") {
            auto v = value();
            if (v.empty()) throw UsageError(fmt::format("{}: needs a name (got '')", opt));
            (opt == "--tap-host"     ? s.tap.host
             : opt == "--tap-wire"   ? s.tap.wire
             : opt == "--host-netns" ? s.tap.host_netns
                                     : s.tap.wire_netns) = std::move(v);
            if (tap_option.empty()) tap_option = opt;
        } else if (opt == "--tap-mtu") {
            s.tap.mtu = static_cast<unsigned>(parse_uint(opt, value(), 68, 65535));
            if (tap_option.empty()) tap_option = opt;
        } else if (opt == "--duration") {
            s.tap.duration_seconds = parse_double(opt, value(), 0.001, 1e7);
            if (tap_option.empty()) tap_option = opt;
        } else if (opt == "--pcap-in") {
            s.pcap_in = file_name(opt, value());
        } else if (opt == "--pcap-out") {
            s.pcap_out = file_name(opt, value());
        } else if (opt == "--mem-latency") {
            latency_given = true;
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
            if (!std::has_single_bit(s.ring_size))
                throw UsageError(fmt::format("--ring-size: {} is not a power of two", v));
        } else if (opt == "--irq-moderation") {
            auto const v = value();
            auto const colon = v.find(':');
            if (colon == std::string_view::npos)
                throw UsageError(fmt::format("--irq-moderation: '{}' is not PACKETS:CYCLES", v));
            s.irq_packets = static_cast<std::uint16_t>(parse_uint(opt, v.substr(0, colon), 0, 65535));
            s.irq_holdoff_cycles = static_cast<std::uint16_t>(parse_uint(opt, v.substr(colon + 1), 0, 65535));
        } else if (opt == "--tx-fragment-bytes") {
            s.tx_fragment_bytes = static_cast<std::uint32_t>(parse_uint(opt, value(), 64, 65536));
        } else if (opt == "--max-cycles") {
            s.max_cycles = parse_uint(opt, value(), 1, ~std::uint64_t{0});
        } else if (opt == "--clock-mhz") {
            s.clock_hz = static_cast<std::uint64_t>(parse_double(opt, value(), 1, 100'000) * 1e6);
        } else if (opt == "--csum-offload") {
            s.csum_offload_fraction = parse_double(opt, value(), 0, 100) / 100.0;
        } else if (opt == "--csum-offload-sums") {
            auto const v = value();
            auto const sums = cosim::csum_sums_named(v);
            if (!sums) throw UsageError(fmt::format("--csum-offload-sums: '{}' is not both, ip, l4 or mixed", v));
            s.csum_offload_sums = *sums;
        } else if (opt == "--no-rss") {
            flag();
            s.rss = false;
        } else if (opt == "--json") {
            o.json_path = file_name(opt, value());
        } else if (opt == "--trace") {
            s.trace_path = file_name(opt, value());
        } else if (opt == "--trace-window") {
            auto const v = value();
            auto const colon = v.find(':');
            if (colon == std::string::npos) throw UsageError(fmt::format("--trace-window: '{}' is not START:END", v));
            auto const a = v.substr(0, colon), b = v.substr(colon + 1);
            s.trace_first_cycle = a.empty() ? 0 : parse_uint(opt, a, 0, ~std::uint64_t{0} - 1);
            s.trace_last_cycle = b.empty() ? ~std::uint64_t{0} : parse_uint(opt, b, 0, ~std::uint64_t{0} - 1);
            if (s.trace_first_cycle > s.trace_last_cycle)
                throw UsageError(fmt::format("--trace-window: {} has START > END", v));
            window_given = true;
        } else if (opt == "--trace-depth") {
            s.trace_depth = static_cast<int>(parse_uint(opt, value(), 1, 1000));
        } else if (opt == "--trace-scope") {
            auto const v = value();
            if (!is_dotted_name(v))
                throw UsageError(
                    fmt::format("--trace-scope: '{}' is not a dotted scope name (e.g. nic_top.nic_top.tx)", v));
            s.trace_scopes.push_back(v);
        } else if (opt == "--trace-threads") {
            s.trace_threads = static_cast<unsigned>(parse_uint(opt, value(), 0, 2));
        } else if (opt == "--waves-ring") {
            s.waves_ring_cycles = parse_uint(opt, value(), 100, 1'000'000'000);
        } else if (opt == "--failure-trace-cycles") {
            o.failure_trace_cycles = parse_uint(opt, value(), 1, 100'000'000);
        } else if (opt == "--failure-trace-dir") {
            o.failure_trace_dir = value();
            if (o.failure_trace_dir.empty()) throw UsageError("--failure-trace-dir: empty");
        } else if (opt == "--coverage-dir") {
            o.coverage_dir = value();
            if (o.coverage_dir.empty()) throw UsageError("--coverage-dir: empty");
        } else if (opt == "--no-failure-trace") {
            flag();
            o.failure_trace = false;
        } else if (opt == "--timeline") {
            s.timeline_json = file_name(opt, value());
        } else if (opt == "--timeline-csv") {
            s.timeline_csv = file_name(opt, value());
        } else if (opt == "--no-ownership-monitor") {
            flag();
            s.ownership_monitor = false;
        } else if (opt == "--fault") {
            try {
                s.faults.push_back(cosim::parse_fault(value()));
            } catch (cosim::ScenarioError const& e) {
                throw UsageError(e.what());
            }
        } else if (opt == "--memory-order") {
            auto const v = value();
            auto const order = host::memory_order_named(v);
            if (!order) throw UsageError(fmt::format("--memory-order: '{}' is not strong or weak", v));
            s.memory_order = *order;
            order_given = true;
        } else if (opt == "--barrier-bug") {
            auto const v = value();
            auto const bug = cosim::barrier_bug_named(v);
            if (!bug)
                throw UsageError(fmt::format("--barrier-bug: '{}' is not one of {}", v, cosim::barrier_bug_names()));
            s.barrier_bug = *bug;
        } else if (opt == "--soak") {
            flag();
            soak = true;
        } else if (opt == "--rx-buffer") {
            auto const v = value();
            s.rx_buffer_bytes = static_cast<std::uint32_t>(parse_uint(opt, v, 128, 65536));
            if (s.rx_buffer_bytes % 64) throw UsageError(fmt::format("--rx-buffer: {} is not a multiple of 64", v));
        } else if (opt == "--hang-check") {
            s.hang_check_cycles = parse_uint(opt, value(), 0, ~std::uint64_t{0});
        } else if (opt == "--watchdog") {
            s.watchdog_cycles = parse_uint(opt, value(), 1, ~std::uint64_t{0});
        } else {
            throw UsageError(fmt::format("{}: unknown option (nicsim run --help lists them)", opt));
        }
    }
    if (s.min_size > s.max_size)
        throw UsageError(fmt::format("--min-size: {} is larger than --max-size {}", s.min_size, s.max_size));
    if (imix) s.sizes = wire::SizeDist::imix();
    if (soak) {
        for (auto const& f : cosim::soak_faults()) s.faults.push_back(f);
        if (!latency_given) s.mem_latency_min = 0, s.mem_latency_max = 500;
        if (!order_given) s.memory_order = host::MemoryOrder::weak;
        if (!stall) stall = 10;
    }
    s.mem_stall_percent = mem_stall.value_or(stall.value_or(0));
    s.tx_stall_percent = tx_stall.value_or(stall.value_or(0));
    s.rx_stall_percent = rx_stall.value_or(stall.value_or(0));
    if (s.trace_path.empty()) {
        if (window_given) throw UsageError("--trace-window: needs --trace FILE");
        if (s.trace_depth) throw UsageError("--trace-depth: needs --trace FILE");
        if (!s.trace_scopes.empty()) throw UsageError("--trace-scope: needs --trace FILE");
        if (s.waves_ring_cycles) throw UsageError("--waves-ring: needs --trace FILE (where the last cycles go)");
    }
    if (s.waves_ring_cycles && window_given)
        throw UsageError("--waves-ring: not with --trace-window (the ring keeps the last cycles, whatever they are)");
    if (s.waves_ring_cycles && s.top != "cpp") throw UsageError("--waves-ring: runs on the C++ top (--top cpp)");
    if (s.mode == cosim::Mode::pcap && s.pcap_in.empty()) throw UsageError("--mode pcap: needs --pcap-in FILE");
    if (s.mode != cosim::Mode::pcap && !s.pcap_in.empty()) throw UsageError("--pcap-in: only with --mode pcap");
    if (s.mode != cosim::Mode::tap && !tap_option.empty())
        throw UsageError(fmt::format("{}: only with --mode tap", tap_option));
    if (s.mode == cosim::Mode::tap) {
        if (packets_given)
            throw UsageError(
                "--packets: not with --mode tap (its traffic comes from the TAP devices; --duration S "
                "or a signal ends it)");
        if (soak || !s.faults.empty()) throw UsageError("--fault/--soak: not with --mode tap");
        if (s.top != "cpp") throw UsageError("--mode tap: runs on the C++ top (--top cpp)");
        s.packets = 0;
        // Frames of any size the kernel may send: up to the NIC's largest (tap/tap_link.hpp).
        s.min_size = wire::kMinFrameBytes;
        s.max_size = contract::MAX_FRAME_BYTES;
        o.failure_trace = false;  // the kernel's traffic cannot be replayed
    }
    return o;
}

}  // namespace nicsim::cli
