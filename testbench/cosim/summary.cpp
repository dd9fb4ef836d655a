// RunSummary as text and JSON, and the replay command of a scenario (see cosim.hpp).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <csignal>
#include <string>

#include <fmt/format.h>

#include "cosim/cosim.hpp"

namespace nicsim::cosim {

namespace {

std::string json_string(std::string_view s) {
    std::string o = "\"";
    for (char ch : s) {
        auto const u = static_cast<unsigned char>(ch);
        switch (ch) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\n': o += "\\n"; break;
        case '\t': o += "\\t"; break;
        default:
            if (u < 0x20) o += fmt::format("\\u{:04x}", u);
            else o += ch;
        }
    }
    return o + "\"";
}

std::string json_number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : "0"; }

std::string latency_json(LatencyStats const& l) {
    return fmt::format("{{\"count\": {}, \"p50\": {}, \"p99\": {}, \"max\": {}}}", l.count, l.p50, l.p99, l.max);
}

std::string latency_text(LatencyStats const& l) {
    if (l.count == 0) return "n/a";
    return fmt::format("p50 {} / p99 {} / max {} cycles ({} packets)", l.p50, l.p99, l.max, l.count);
}

}  // namespace

std::string signal_name(int signal) {
    switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return fmt::format("signal {}", signal);
    }
}

std::string format_summary(RunSummary const& s) {
    std::string o;
    double const mhz = static_cast<double>(s.clock_hz) / 1e6;
    o += fmt::format("nicsim run: {} ({} bits, {} of {} queues), mode {}, {} memory order, seed {}: {}\n", s.config,
                     s.data_width_bits, s.queues, s.num_queues, to_string(s.mode), host::to_string(s.memory_order),
                     s.seed, s.passed ? "PASSED" : "FAILED");
    o += fmt::format("  TX  {:>8} packets {:>12} bytes (posted {}, checksum offload {}, multi-fragment {})\n",
                     s.tx_packets, s.tx_bytes, s.tx_posted, s.tx_offloaded, s.tx_multi_fragment);
    o += fmt::format("  RX  {:>8} packets {:>12} bytes (put on the wire {}, multi-buffer {})\n", s.rx_packets,
                     s.rx_bytes, s.rx_injected, s.rx_multi_buffer);
    if (s.rx_padded)
        o += fmt::format("      ({} pcap records under 60 bytes padded to 60, as the sending MAC does)\n", s.rx_padded);
    for (std::size_t q = 0; q < s.per_queue.size(); ++q) {
        auto const& c = s.per_queue[q];
        o += fmt::format("    queue {:>2}: TX {:>8} packets {:>12} bytes | RX {:>8} packets {:>12} bytes{}{}\n", q,
                         c.tx_packets, c.tx_bytes, c.rx_packets, c.rx_bytes,
                         c.rx_dropped ? fmt::format(", dropped {}", c.rx_dropped) : "",
                         c.tx_unsent ? fmt::format(", TX returned unsent {}", c.tx_unsent) : "");
    }
    std::string drops;
    for (auto const& [r, n] : s.drops) drops += fmt::format("{}{} {}", drops.empty() ? "" : ", ", r, n);
    o += fmt::format("  dropped {} ({}), lost {}, TX missing {}, errors {}, ring errors {} ({} expected from faults), "
                     "verifier violations {}, protocol violations {}, ownership violations {}, ordering violations {}\n",
                     s.dropped, drops.empty() ? "none" : drops, s.lost, s.tx_missing, s.errors, s.ring_errors,
                     s.ring_errors - std::min(s.ring_errors, s.unexpected_ring_errors), s.verifier_violations,
                     s.protocol_violations, s.ownership_violations, s.ordering_violations);
    if (!s.faults_injected.empty() || s.ring_errors || s.tx_dropped || s.queue_resets || s.tx_duplicates ||
        s.tx_sent_without_completion) {
        std::string inj, codes, txd;
        for (auto const& [k, n] : s.faults_injected) inj += fmt::format("{}{} {}", inj.empty() ? "" : ", ", k, n);
        for (auto const& [k, n] : s.ring_errors_by_code) codes += fmt::format("{}{} {}", codes.empty() ? "" : ", ", k, n);
        for (auto const& [k, n] : s.tx_drops) txd += fmt::format("{}{} {}", txd.empty() ? "" : ", ", k, n);
        o += fmt::format("  faults injected: {}\n", inj.empty() ? "none" : inj);
        o += fmt::format("  errors expected {}, unexpected {}; ring errors: {}; TX returned unsent {} ({}); TX "
                         "sent without completion {} (returned as sent); TX duplicates {}; ring resets {} ({} to "
                         "recover from ring errors, {} on request of which hang check {})\n",
                         s.expected_errors, s.unexpected_errors, codes.empty() ? "none" : codes, s.tx_dropped,
                         txd.empty() ? "none" : txd, s.tx_sent_without_completion, s.tx_duplicates,
                         s.ring_errors + s.queue_resets, s.ring_errors, s.queue_resets, s.hang_resets);
    }
    if (!s.faults_not_fired.empty()) {
        std::string nf;
        for (auto const& [spec, n] : s.faults_not_fired) nf += fmt::format("{}{} ({})", nf.empty() ? "" : ", ", spec, n);
        o += fmt::format("  warning: faults that never took effect: {}: the run ended before their time came (at= "
                         "counts TX frames submitted: {}), or nothing came by for them to strike\n",
                         nf, s.tx_posted);
    }
    o += fmt::format("  throughput at {:g} MHz (stated clock): TX {:.2f} Gbit/s, RX {:.2f} Gbit/s over {} traffic cycles\n",
                     mhz, s.tx_gbit_per_second, s.rx_gbit_per_second, s.traffic_cycles);
    o += fmt::format("  latency TX (OS hand-off to completion): {}\n", latency_text(s.tx_latency));
    o += fmt::format("  latency RX (wire to OS delivery):       {}\n", latency_text(s.rx_latency));
    o += fmt::format("  simulation: {} cycles in {:.2f} s wall: {:.0f} cycles/s, {:.0f} packets/s; {} interrupts, "
                     "{} MMIO reads, {} MMIO writes\n",
                     s.cycles, s.wall_seconds, s.sim_cycles_per_second, s.packets_per_second, s.interrupts,
                     s.mmio_reads, s.mmio_writes);
    if (s.limits_raised)
        o += fmt::format("  limits raised to the scenario's stalls, latency and frame sizes: hang check {}, watchdog {} "
                         "cycles\n",
                         s.hang_check_cycles ? std::to_string(s.hang_check_cycles) : std::string("off"),
                         s.watchdog_cycles ? std::to_string(s.watchdog_cycles) : std::string("off"));
    if (!s.trace_file.empty()) o += fmt::format("  trace: {}\n", s.trace_file);
    if (!s.passed) {
        o += fmt::format("  failure at cycle {}: {}\n", s.failure_cycle, s.failure);
        std::size_t shown = 0;
        for (auto const& e : s.error_messages) {
            if (e == s.failure) continue;
            if (++shown > 10) {
                o += fmt::format("  ... {} more error(s)\n", s.error_messages.size() - 10);
                break;
            }
            o += fmt::format("  error: {}\n", e);
        }
    }
    return o;
}

std::string scenario_json(Scenario const& s) {
    std::string o = "{";
    auto field = [&](std::string_view k, std::string const& v) {
        o += fmt::format("{}{}: {}", o.size() > 1 ? ", " : "", json_string(k), v);
    };
    auto str = [](std::string const& v) { return json_string(v); };
    auto num = [](auto v) { return fmt::format("{}", v); };
    field("top", str(s.top));
    field("config", str(s.config));
    field("seed", num(s.seed));
    field("seed_string", str(std::to_string(s.seed)));
    field("mode", str(to_string(s.mode)));
    field("packets", num(s.packets));
    field("sizes", str(s.sizes && s.sizes->kind() == wire::SizeDist::Kind::imix ? "imix" : "uniform"));
    field("min_size", num(s.sizes ? s.sizes->min_bytes() : s.min_size));
    field("max_size", num(s.sizes ? s.sizes->max_bytes() : s.max_size));
    field("queues", num(s.queues));
    field("pcap_in", str(s.pcap_in));
    field("pcap_out", str(s.pcap_out));
    field("mem_latency_min", num(s.mem_latency_min));
    field("mem_latency_max", num(s.mem_latency_max));
    field("mem_stall_percent", json_number(s.mem_stall_percent));
    field("tx_stall_percent", json_number(s.tx_stall_percent));
    field("rx_stall_percent", json_number(s.rx_stall_percent));
    field("ring_size", num(s.ring_size));
    field("max_cycles", num(s.max_cycles));
    auto const opt_num = [](std::optional<std::uint64_t> v) { return v ? std::to_string(*v) : std::string("null"); };
    field("watchdog_cycles", opt_num(s.watchdog_cycles));      // null: the default, scaled (RunSummary limits)
    field("hang_check_cycles", opt_num(s.hang_check_cycles));
    field("clock_hz", num(s.clock_hz));
    field("rss", s.rss ? "true" : "false");
    field("csum_offload_percent", json_number(s.csum_offload_fraction * 100));
    field("tx_fragment_bytes", num(s.tx_fragment_bytes));
    field("rx_buffer_bytes", num(s.rx_buffer_bytes));
    field("trace", str(s.trace_path));
    field("trace_first_cycle", num(s.trace_first_cycle));
    field("trace_last_cycle", s.trace_last_cycle == ~std::uint64_t{0} ? "null" : num(s.trace_last_cycle));
    field("trace_depth", num(s.trace_depth));
    std::string scopes = "[";
    for (std::size_t i = 0; i < s.trace_scopes.size(); ++i) scopes += (i ? ", " : "") + json_string(s.trace_scopes[i]);
    field("trace_scopes", scopes + "]");
    field("timeline", str(s.timeline_json));
    field("timeline_csv", str(s.timeline_csv));
    field("ownership_monitor", s.ownership_monitor ? "true" : "false");
    field("memory_order", str(host::to_string(s.memory_order)));
    field("barrier_bug", str(to_string(s.barrier_bug)));
    std::string faults = "[";
    for (std::size_t i = 0; i < s.faults.size(); ++i) faults += (i ? ", " : "") + json_string(to_string(s.faults[i]));
    field("faults", faults + "]");
    return o + "}";
}

std::string to_json(RunSummary const& s, RunRecord const& record) {
    std::string o = "{\n";
    auto field = [&](std::string_view k, std::string const& v) { o += fmt::format("  {}: {},\n", json_string(k), v); };
    if (!record.tool_version.empty()) field("nicsim_version", json_string(record.tool_version));
    if (record.scenario) {
        field("replay_command", json_string(replay_command(*record.scenario)));
        field("scenario", scenario_json(*record.scenario));
    }
    field("failure_trace", record.failure_trace_fst.empty()
                               ? std::string("null")
                               : fmt::format("{{\"fst\": {}, \"gtkw\": {}}}", json_string(record.failure_trace_fst),
                                             json_string(record.failure_trace_gtkw)));
    field("config", json_string(s.config));
    field("data_width_bits", std::to_string(s.data_width_bits));
    field("num_queues", std::to_string(s.num_queues));
    field("queues", std::to_string(s.queues));
    field("mode", json_string(to_string(s.mode)));
    field("seed", std::to_string(s.seed));
    field("seed_string", json_string(std::to_string(s.seed)));  // exact in every JSON reader
    field("passed", s.passed ? "true" : "false");
    field("failure", json_string(s.failure));
    field("failure_cycle", s.passed ? "null" : std::to_string(s.failure_cycle));
    field("trace_file", json_string(s.trace_file));
    field("interrupted", s.interrupted_by ? json_string(signal_name(s.interrupted_by)) : "null");
    std::string outs = "[";
    for (std::size_t i = 0; i < s.output_errors.size(); ++i) outs += (i ? ", " : "") + json_string(s.output_errors[i]);
    field("output_errors", outs + "]");
    field("cycles", std::to_string(s.cycles));
    field("traffic_cycles", std::to_string(s.traffic_cycles));
    field("tx_packets", std::to_string(s.tx_packets));
    field("rx_packets", std::to_string(s.rx_packets));
    field("tx_bytes", std::to_string(s.tx_bytes));
    field("rx_bytes", std::to_string(s.rx_bytes));
    field("tx_posted", std::to_string(s.tx_posted));
    field("rx_injected", std::to_string(s.rx_injected));
    field("rx_padded", std::to_string(s.rx_padded));
    field("tx_checksum_offloaded", std::to_string(s.tx_offloaded));
    field("tx_multi_fragment", std::to_string(s.tx_multi_fragment));
    field("rx_multi_buffer", std::to_string(s.rx_multi_buffer));
    field("lost", std::to_string(s.lost));
    field("tx_missing", std::to_string(s.tx_missing));
    field("dropped", std::to_string(s.dropped));
    std::string drops = "{";
    for (auto const& [r, n] : s.drops) drops += fmt::format("{}{}: {}", drops.size() > 1 ? ", " : "", json_string(r), n);
    field("drops", drops + "}");
    field("errors", std::to_string(s.errors));
    field("ring_errors", std::to_string(s.ring_errors));
    field("verifier_violations", std::to_string(s.verifier_violations));
    field("protocol_violations", std::to_string(s.protocol_violations));
    field("ownership_violations", std::to_string(s.ownership_violations));
    field("memory_order", json_string(host::to_string(s.memory_order)));
    field("ordering_violations", std::to_string(s.ordering_violations));
    std::string msgs = "[";
    for (std::size_t i = 0; i < s.error_messages.size(); ++i) msgs += (i ? ", " : "") + json_string(s.error_messages[i]);
    field("error_messages", msgs + "]");
    std::string qs = "[";
    for (std::size_t q = 0; q < s.per_queue.size(); ++q) {
        auto const& c = s.per_queue[q];
        qs += fmt::format("{}{{\"queue\": {}, \"tx_packets\": {}, \"tx_bytes\": {}, \"rx_packets\": {}, \"rx_bytes\": {}, "
                          "\"rx_expected\": {}, \"rx_dropped\": {}, \"tx_unsent\": {}}}",
                          q ? ", " : "", q, c.tx_packets, c.tx_bytes, c.rx_packets, c.rx_bytes, c.rx_expected,
                          c.rx_dropped, c.tx_unsent);
    }
    field("per_queue", qs + "]");
    auto map_json = [](std::map<std::string, std::uint64_t> const& m) {
        std::string j = "{";
        for (auto const& [k, n] : m) j += fmt::format("{}{}: {}", j.size() > 1 ? ", " : "", json_string(k), n);
        return j + "}";
    };
    field("faults_injected", map_json(s.faults_injected));
    field("faults_not_fired", map_json(s.faults_not_fired));
    field("ring_errors_by_code", map_json(s.ring_errors_by_code));
    field("expected_errors", std::to_string(s.expected_errors));
    field("unexpected_errors", std::to_string(s.unexpected_errors));
    field("tx_dropped", std::to_string(s.tx_dropped));
    field("tx_drops", map_json(s.tx_drops));
    field("tx_duplicates", std::to_string(s.tx_duplicates));
    field("tx_sent_without_completion", std::to_string(s.tx_sent_without_completion));
    field("queue_resets", std::to_string(s.queue_resets));
    field("hang_resets", std::to_string(s.hang_resets));
    field("ring_resets", std::to_string(s.ring_errors + s.queue_resets));  // recoveries + requested
    field("limits", fmt::format("{{\"hang_check_cycles\": {}, \"watchdog_cycles\": {}, \"max_cycles\": {}}}",
                                s.hang_check_cycles, s.watchdog_cycles, s.max_cycles));
    field("interrupts", std::to_string(s.interrupts));
    field("mmio_reads", std::to_string(s.mmio_reads));
    field("mmio_writes", std::to_string(s.mmio_writes));
    field("clock_hz", std::to_string(s.clock_hz));
    field("tx_gbit_per_second", json_number(s.tx_gbit_per_second));
    field("rx_gbit_per_second", json_number(s.rx_gbit_per_second));
    field("tx_latency_cycles", latency_json(s.tx_latency));
    field("rx_latency_cycles", latency_json(s.rx_latency));
    field("wall_seconds", json_number(s.wall_seconds));
    field("packets_per_second", json_number(s.packets_per_second));
    o += fmt::format("  \"sim_cycles_per_second\": {}\n}}\n", json_number(s.sim_cycles_per_second));
    return o;
}

std::string shell_quote(std::string_view word) {
    bool const plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || std::string_view("_@%+=:,./-").find(ch) != std::string_view::npos;
    });
    if (plain) return std::string(word);
    std::string o = "'";
    for (char ch : word) o += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return o + "'";
}

std::string replay_command(Scenario const& s) {
    Scenario const d;
    auto const q = [](std::string const& word) { return shell_quote(word); };
    std::string o = "nicsim run";
    if (s.top != d.top) o += " --top " + s.top;
    if (s.config != d.config) o += " --config " + s.config;
    if (s.mode != d.mode) o += fmt::format(" --mode {}", to_string(s.mode));
    o += fmt::format(" --packets {}", s.packets);
    if (s.sizes && s.sizes->kind() == wire::SizeDist::Kind::imix) o += " --imix";
    else if (s.sizes) o += fmt::format(" --min-size {} --max-size {}", s.sizes->min_bytes(), s.sizes->max_bytes());
    else if (s.min_size != d.min_size || s.max_size != d.max_size)
        o += fmt::format(" --min-size {} --max-size {}", s.min_size, s.max_size);
    if (s.queues) o += fmt::format(" --queues {}", s.queues);
    if (!s.pcap_in.empty()) o += " --pcap-in " + q(s.pcap_in);
    if (!s.pcap_out.empty()) o += " --pcap-out " + q(s.pcap_out);
    if (s.mem_latency_min || s.mem_latency_max) o += fmt::format(" --mem-latency {}:{}", s.mem_latency_min, s.mem_latency_max);
    if (s.mem_stall_percent || s.tx_stall_percent || s.rx_stall_percent) {
        if (s.mem_stall_percent == s.tx_stall_percent && s.tx_stall_percent == s.rx_stall_percent)
            o += fmt::format(" --stall {:g}", s.mem_stall_percent);
        else
            o += fmt::format(" --mem-stall {:g} --tx-stall {:g} --rx-stall {:g}", s.mem_stall_percent,
                             s.tx_stall_percent, s.rx_stall_percent);
    }
    if (s.ring_size != d.ring_size) o += fmt::format(" --ring-size {}", s.ring_size);
    if (s.max_cycles) o += fmt::format(" --max-cycles {}", s.max_cycles);
    if (!s.rss) o += " --no-rss";
    if (s.csum_offload_fraction != d.csum_offload_fraction) o += fmt::format(" --csum-offload {:g}", s.csum_offload_fraction * 100);
    if (s.tx_fragment_bytes) o += fmt::format(" --tx-fragment-bytes {}", s.tx_fragment_bytes);
    if (s.clock_hz != d.clock_hz) o += fmt::format(" --clock-mhz {:g}", static_cast<double>(s.clock_hz) / 1e6);
    if (!s.trace_path.empty()) {
        o += " --trace " + q(s.trace_path);
        if (s.trace_first_cycle != d.trace_first_cycle || s.trace_last_cycle != d.trace_last_cycle)
            o += s.trace_last_cycle == d.trace_last_cycle ? fmt::format(" --trace-window {}:", s.trace_first_cycle)
                                                          : fmt::format(" --trace-window {}:{}", s.trace_first_cycle,
                                                                        s.trace_last_cycle);
        if (s.trace_depth) o += fmt::format(" --trace-depth {}", s.trace_depth);
        for (auto const& scope : s.trace_scopes) o += " --trace-scope " + q(scope);
        if (s.trace_threads) o += fmt::format(" --trace-threads {}", *s.trace_threads);
    }
    if (!s.ownership_monitor) o += " --no-ownership-monitor";
    if (s.memory_order != d.memory_order) o += fmt::format(" --memory-order {}", host::to_string(s.memory_order));
    if (s.barrier_bug != d.barrier_bug) o += fmt::format(" --barrier-bug {}", to_string(s.barrier_bug));
    if (!s.timeline_json.empty()) o += " --timeline " + q(s.timeline_json);
    if (!s.timeline_csv.empty()) o += " --timeline-csv " + q(s.timeline_csv);
    if (s.rx_buffer_bytes != d.rx_buffer_bytes) o += fmt::format(" --rx-buffer {}", s.rx_buffer_bytes);
    if (s.hang_check_cycles) o += fmt::format(" --hang-check {}", *s.hang_check_cycles);
    if (s.watchdog_cycles) o += fmt::format(" --watchdog {}", *s.watchdog_cycles);
    for (auto const& f : s.faults) o += " --fault " + q(to_string(f));
    o += fmt::format(" --seed {}", s.seed);
    return o;
}

}  // namespace nicsim::cosim
