// RunSummary as text and JSON, and the replay command of a scenario (see cosim.hpp).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <csignal>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cosim/cosim.hpp"

namespace nicsim::cosim {

namespace {

using Json = nlohmann::ordered_json;  // keys in the order written

/// A measured double as the report gives it: 6 significant digits; 0 for NaN and infinity,
/// which JSON cannot hold.
double reported(double v) {
    if (!std::isfinite(v)) return 0;
    auto const text = fmt::format("{:.6g}", v);
    double rounded = 0;
    std::from_chars(text.data(), text.data() + text.size(), rounded);
    return rounded;
}

/// The JSON text; bytes that are not UTF-8 (a path, a message) become U+FFFD instead of an error.
std::string text_of(Json const& j, int indent) {
    return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Json latency_json(LatencyStats const& l) {
    Json j;
    j["count"] = l.count;
    j["p50"] = l.p50;
    j["p99"] = l.p99;
    j["max"] = l.max;
    return j;
}

/// null for a value not given, else the value.
template <class T>
Json or_null(std::optional<T> const& v) {
    return v ? Json(*v) : Json(nullptr);
}

Json scenario_object(Scenario const& s) {
    Json j;
    j["top"] = s.top;
    j["config"] = s.config;
    j["seed"] = s.seed;
    j["seed_string"] = std::to_string(s.seed);
    j["mode"] = to_string(s.traffic.mode);
    j["packets"] = s.traffic.packets;
    j["sizes"] = s.traffic.sizes && s.traffic.sizes->kind() == wire::SizeDist::Kind::imix ? "imix" : "uniform";
    j["min_size"] = s.traffic.sizes ? s.traffic.sizes->min_bytes() : s.traffic.min_size;
    j["max_size"] = s.traffic.sizes ? s.traffic.sizes->max_bytes() : s.traffic.max_size;
    j["queues"] = s.platform.queues;
    j["pcap_in"] = s.traffic.pcap_in;
    j["pcap_out"] = s.views.pcap_out;
    j["tap"]["host"] = s.traffic.tap.host;
    j["tap"]["wire"] = s.traffic.tap.wire;
    j["tap"]["host_netns"] = s.traffic.tap.host_netns;
    j["tap"]["wire_netns"] = s.traffic.tap.wire_netns;
    j["tap"]["mtu"] = s.traffic.tap.mtu;
    j["tap"]["duration_seconds"] = reported(s.traffic.tap.duration_seconds);
    j["mem_latency_min"] = s.platform.mem_latency_min;
    j["mem_latency_max"] = s.platform.mem_latency_max;
    j["mem_stall_percent"] = reported(s.platform.mem_stall_percent);
    j["tx_stall_percent"] = reported(s.platform.tx_stall_percent);
    j["rx_stall_percent"] = reported(s.platform.rx_stall_percent);
    j["ring_size"] = s.platform.ring_size;
    j["irq_packets"] = s.platform.irq_packets;
    j["irq_holdoff_cycles"] = s.platform.irq_holdoff_cycles;
    j["max_cycles"] = s.checks.max_cycles;
    j["watchdog_cycles"] = or_null(s.checks.watchdog_cycles);  // null: the default, scaled (RunSummary limits)
    j["hang_check_cycles"] = or_null(s.checks.hang_check_cycles);
    j["clock_hz"] = s.platform.clock_hz;
    j["rss"] = s.platform.rss;
    j["csum_offload_percent"] = reported(s.traffic.csum_offload_fraction * 100);
    j["csum_offload_sums"] = to_string(s.traffic.csum_offload_sums);
    j["tx_fragment_bytes"] = s.platform.tx_fragment_bytes;
    j["rx_buffer_bytes"] = s.platform.rx_buffer_bytes;
    j["trace"] = s.trace.path;
    j["trace_first_cycle"] = s.trace.first_cycle;
    j["trace_last_cycle"] = s.trace.last_cycle == ~std::uint64_t{0} ? Json(nullptr) : Json(s.trace.last_cycle);
    j["trace_depth"] = s.trace.depth;
    j["trace_scopes"] = s.trace.scopes;
    j["waves_ring_cycles"] = s.trace.ring_cycles;
    j["timeline"] = s.views.timeline_json;
    j["timeline_csv"] = s.views.timeline_csv;
    j["ownership_monitor"] = s.checks.ownership_monitor;
    j["memory_order"] = host::to_string(s.platform.memory_order);
    j["barrier_bug"] = to_string(s.barrier_bug);
    Json faults = Json::array();
    for (auto const& f : s.faults) faults.push_back(to_string(f));
    j["faults"] = std::move(faults);
    return j;
}

/// Megabits per second of wall time (tap mode: what the stacks saw).
double wall_mbit_per_second(std::uint64_t bytes, double wall_seconds) {
    return wall_seconds > 0 ? static_cast<double>(bytes) * 8 / wall_seconds / 1e6 : 0.0;
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
    o += fmt::format(
        "  dropped {} ({}), lost {}, TX missing {}, errors {}, ring errors {} ({} expected from faults), "
        "verifier violations {}, protocol violations {}, ownership violations {}, ordering violations {}\n",
        s.dropped, drops.empty() ? "none" : drops, s.lost, s.tx_missing, s.errors, s.ring_errors,
        s.ring_errors - std::min(s.ring_errors, s.unexpected_ring_errors), s.verifier_violations, s.protocol_violations,
        s.ownership_violations, s.ordering_violations);
    if (!s.faults_injected.empty() || s.ring_errors || s.tx_dropped || s.queue_resets || s.tx_duplicates ||
        s.tx_sent_without_completion) {
        std::string inj, codes, txd;
        for (auto const& [k, n] : s.faults_injected) inj += fmt::format("{}{} {}", inj.empty() ? "" : ", ", k, n);
        for (auto const& [k, n] : s.ring_errors_by_code)
            codes += fmt::format("{}{} {}", codes.empty() ? "" : ", ", k, n);
        for (auto const& [k, n] : s.tx_drops) txd += fmt::format("{}{} {}", txd.empty() ? "" : ", ", k, n);
        o += fmt::format("  faults injected: {}\n", inj.empty() ? "none" : inj);
        o += fmt::format(
            "  errors expected {}, unexpected {}; ring errors: {}; TX returned unsent {} ({}); TX "
            "sent without completion {} (returned as sent); TX duplicates {}; ring resets {} ({} to "
            "recover from ring errors, {} on request of which hang check {})\n",
            s.expected_errors, s.unexpected_errors, codes.empty() ? "none" : codes, s.tx_dropped,
            txd.empty() ? "none" : txd, s.tx_sent_without_completion, s.tx_duplicates, s.ring_errors + s.queue_resets,
            s.ring_errors, s.queue_resets, s.hang_resets);
    }
    if (!s.faults_not_fired.empty()) {
        std::string nf;
        for (auto const& [spec, n] : s.faults_not_fired)
            nf += fmt::format("{}{} ({})", nf.empty() ? "" : ", ", spec, n);
        o += fmt::format(
            "  warning: faults that never took effect: {}: the run ended before their time came (at= "
            "counts TX frames submitted: {}), or nothing came by for them to strike\n",
            nf, s.tx_posted);
    }
    o += fmt::format(
        "  throughput at {:g} MHz (stated clock): TX {:.2f} Gbit/s, RX {:.2f} Gbit/s over {} traffic cycles\n", mhz,
        s.tx_gbit_per_second, s.rx_gbit_per_second, s.traffic_cycles);
    if (s.mode == Mode::tap) {
        auto const& t = s.tap;
        std::string dropped;
        for (auto const& [reason, n] : t.dropped)
            dropped += fmt::format("{}{} {}", dropped.empty() ? "" : ", ", reason, n);
        o += fmt::format(
            "  tap (MTU {}, ended by {}): host device: read {} written {} | wire device: read {} written {} "
            "| padded {} | checksum offloaded {} (in software {}), RX marked verified {} | dropped at "
            "the devices: {}\n",
            s.tap_mtu, s.tap_ended_by.empty() ? "a failure" : s.tap_ended_by, t.host_read, t.host_written, t.wire_read,
            t.wire_written, t.padded, t.checksum_offloaded, t.checksum_in_software, t.rx_marked_valid,
            dropped.empty() ? "none" : dropped);
        o += fmt::format(
            "  tap wall time: TX {:.1f} Mbit/s, RX {:.1f} Mbit/s over {:.2f} s; idle {:.2f} s blocked on "
            "the devices ({} cycles not simulated), {} cycles simulated\n",
            wall_mbit_per_second(s.tx_bytes, s.wall_seconds), wall_mbit_per_second(s.rx_bytes, s.wall_seconds),
            s.wall_seconds, t.idle_wall_seconds, t.idle_cycles_skipped, s.cycles);
    }
    o += fmt::format("  latency TX (OS hand-off to completion): {}\n", latency_text(s.tx_latency));
    o += fmt::format("  latency RX (wire to OS delivery):       {}\n", latency_text(s.rx_latency));
    o += fmt::format(
        "  simulation: {} cycles in {:.2f} s wall: {:.0f} cycles/s, {:.0f} packets/s; {} interrupts, "
        "{} MMIO reads, {} MMIO writes\n",
        s.cycles, s.wall_seconds, s.sim_cycles_per_second, s.packets_per_second, s.interrupts, s.mmio_reads,
        s.mmio_writes);
    if (s.limits_raised)
        o += fmt::format(
            "  limits raised to the scenario's stalls, latency and frame sizes: hang check {}, watchdog {} "
            "cycles\n",
            s.hang_check_cycles ? std::to_string(s.hang_check_cycles) : std::string("off"),
            s.watchdog_cycles ? std::to_string(s.watchdog_cycles) : std::string("off"));
    if (!s.trace_file.empty()) o += fmt::format("  trace: {}\n", s.trace_file);
    for (auto const& d : s.waves_ring_dumps)
        o += fmt::format("  waves ring (SIGUSR1): {} (cycles {}..{})\n", d.path, d.first_cycle, d.last_cycle);
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
    return text_of(scenario_object(s), -1);
}

std::string to_json(RunSummary const& s, RunRecord const& record) {
    Json j;
    if (!record.tool_version.empty()) j["nicsim_version"] = record.tool_version;
    if (record.scenario) {
        j["replay_command"] = replay_command(*record.scenario);
        j["scenario"] = scenario_object(*record.scenario);
    }
    j["failure_trace"] = nullptr;
    if (!record.failure_trace_fst.empty()) {
        j["failure_trace"]["fst"] = record.failure_trace_fst;
        j["failure_trace"]["gtkw"] = record.failure_trace_gtkw;
    }
    j["config"] = s.config;
    j["data_width_bits"] = s.data_width_bits;
    j["num_queues"] = s.num_queues;
    j["queues"] = s.queues;
    j["mode"] = to_string(s.mode);
    j["seed"] = s.seed;
    j["seed_string"] = std::to_string(s.seed);  // exact in every JSON reader
    j["passed"] = s.passed;
    j["failure"] = s.failure;
    j["failure_cycle"] = s.passed ? Json(nullptr) : Json(s.failure_cycle);
    j["trace_file"] = s.trace_file;
    j["waves_ring_dumps"] = Json::array();
    for (auto const& d : s.waves_ring_dumps)
        j["waves_ring_dumps"].push_back(
            {{"fst", d.path}, {"first_cycle", d.first_cycle}, {"last_cycle", d.last_cycle}});
    j["interrupted"] = s.interrupted_by ? Json(signal_name(s.interrupted_by)) : Json(nullptr);
    j["output_errors"] = s.output_errors;
    j["cycles"] = s.cycles;
    j["traffic_cycles"] = s.traffic_cycles;
    j["tx_packets"] = s.tx_packets;
    j["rx_packets"] = s.rx_packets;
    j["tx_bytes"] = s.tx_bytes;
    j["rx_bytes"] = s.rx_bytes;
    j["tx_posted"] = s.tx_posted;
    j["rx_injected"] = s.rx_injected;
    j["rx_padded"] = s.rx_padded;
    j["tx_checksum_offloaded"] = s.tx_offloaded;
    j["tx_multi_fragment"] = s.tx_multi_fragment;
    j["rx_multi_buffer"] = s.rx_multi_buffer;
    j["lost"] = s.lost;
    j["tx_missing"] = s.tx_missing;
    j["dropped"] = s.dropped;
    j["drops"] = s.drops;
    j["errors"] = s.errors;
    j["ring_errors"] = s.ring_errors;
    j["verifier_violations"] = s.verifier_violations;
    j["protocol_violations"] = s.protocol_violations;
    j["ownership_violations"] = s.ownership_violations;
    j["memory_order"] = host::to_string(s.memory_order);
    j["ordering_violations"] = s.ordering_violations;
    j["error_messages"] = s.error_messages;
    Json queues = Json::array();
    for (std::size_t q = 0; q < s.per_queue.size(); ++q) {
        auto const& c = s.per_queue[q];
        Json qj;
        qj["queue"] = q;
        qj["tx_packets"] = c.tx_packets;
        qj["tx_bytes"] = c.tx_bytes;
        qj["rx_packets"] = c.rx_packets;
        qj["rx_bytes"] = c.rx_bytes;
        qj["rx_expected"] = c.rx_expected;
        qj["rx_dropped"] = c.rx_dropped;
        qj["tx_unsent"] = c.tx_unsent;
        queues.push_back(std::move(qj));
    }
    j["per_queue"] = std::move(queues);
    j["faults_injected"] = s.faults_injected;
    j["faults_not_fired"] = s.faults_not_fired;
    j["ring_errors_by_code"] = s.ring_errors_by_code;
    j["expected_errors"] = s.expected_errors;
    j["unexpected_errors"] = s.unexpected_errors;
    j["tx_dropped"] = s.tx_dropped;
    j["tx_drops"] = s.tx_drops;
    j["tx_duplicates"] = s.tx_duplicates;
    j["tx_sent_without_completion"] = s.tx_sent_without_completion;
    j["queue_resets"] = s.queue_resets;
    j["hang_resets"] = s.hang_resets;
    j["ring_resets"] = s.ring_errors + s.queue_resets;  // recoveries + requested
    j["limits"]["hang_check_cycles"] = s.hang_check_cycles;
    j["limits"]["watchdog_cycles"] = s.watchdog_cycles;
    j["limits"]["max_cycles"] = s.max_cycles;
    j["interrupts"] = s.interrupts;
    j["mmio_reads"] = s.mmio_reads;
    j["mmio_writes"] = s.mmio_writes;
    j["clock_hz"] = s.clock_hz;
    j["tx_gbit_per_second"] = reported(s.tx_gbit_per_second);
    j["rx_gbit_per_second"] = reported(s.rx_gbit_per_second);
    j["tx_latency_cycles"] = latency_json(s.tx_latency);
    j["rx_latency_cycles"] = latency_json(s.rx_latency);
    // Every point of the model, hit or not, so that a regression can list what no run hit.
    j["contract_coverage"] = nullptr;
    if (s.contract_coverage) j["contract_coverage"]["points"] = *s.contract_coverage;
    j["wall_seconds"] = reported(s.wall_seconds);
    j["packets_per_second"] = reported(s.packets_per_second);
    j["sim_cycles_per_second"] = reported(s.sim_cycles_per_second);
    if (s.mode == Mode::tap) {
        auto const& t = s.tap;
        Json tj;
        tj["mtu"] = s.tap_mtu;
        tj["ended_by"] = s.tap_ended_by;
        tj["host_read"] = t.host_read;
        tj["host_written"] = t.host_written;
        tj["wire_read"] = t.wire_read;
        tj["wire_written"] = t.wire_written;
        tj["host_read_bytes"] = t.host_read_bytes;
        tj["wire_read_bytes"] = t.wire_read_bytes;
        tj["padded"] = t.padded;
        tj["checksum_offloaded"] = t.checksum_offloaded;
        tj["checksum_in_software"] = t.checksum_in_software;
        tj["rx_marked_valid"] = t.rx_marked_valid;
        tj["dropped"] = t.dropped;
        tj["idle_wall_seconds"] = reported(t.idle_wall_seconds);
        tj["idle_cycles_skipped"] = t.idle_cycles_skipped;
        tj["tx_mbit_per_wall_second"] = reported(wall_mbit_per_second(s.tx_bytes, s.wall_seconds));
        tj["rx_mbit_per_wall_second"] = reported(wall_mbit_per_second(s.rx_bytes, s.wall_seconds));
        j["tap"] = std::move(tj);
    }
    return text_of(j, 2) + "\n";
}

std::string shell_quote(std::string_view word) {
    bool const plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) ||
               std::string_view("_@%+=:,./-").find(ch) != std::string_view::npos;
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
    if (s.traffic.mode != d.traffic.mode) o += fmt::format(" --mode {}", to_string(s.traffic.mode));
    if (s.traffic.mode == Mode::tap) {
        if (s.traffic.tap.host != d.traffic.tap.host) o += " --tap-host " + q(s.traffic.tap.host);
        if (s.traffic.tap.wire != d.traffic.tap.wire) o += " --tap-wire " + q(s.traffic.tap.wire);
        if (!s.traffic.tap.host_netns.empty()) o += " --host-netns " + q(s.traffic.tap.host_netns);
        if (!s.traffic.tap.wire_netns.empty()) o += " --wire-netns " + q(s.traffic.tap.wire_netns);
        if (s.traffic.tap.mtu) o += fmt::format(" --tap-mtu {}", s.traffic.tap.mtu);
        if (s.traffic.tap.duration_seconds) o += fmt::format(" --duration {:g}", s.traffic.tap.duration_seconds);
    } else {
        o += fmt::format(" --packets {}", s.traffic.packets);
        if (s.traffic.sizes && s.traffic.sizes->kind() == wire::SizeDist::Kind::imix)
            o += " --imix";
        else if (s.traffic.sizes)
            o +=
                fmt::format(" --min-size {} --max-size {}", s.traffic.sizes->min_bytes(), s.traffic.sizes->max_bytes());
        else if (s.traffic.min_size != d.traffic.min_size || s.traffic.max_size != d.traffic.max_size)
            o += fmt::format(" --min-size {} --max-size {}", s.traffic.min_size, s.traffic.max_size);
    }
    if (s.platform.queues) o += fmt::format(" --queues {}", s.platform.queues);
    if (!s.traffic.pcap_in.empty()) o += " --pcap-in " + q(s.traffic.pcap_in);
    if (!s.views.pcap_out.empty()) o += " --pcap-out " + q(s.views.pcap_out);
    if (s.platform.mem_latency_min || s.platform.mem_latency_max)
        o += fmt::format(" --mem-latency {}:{}", s.platform.mem_latency_min, s.platform.mem_latency_max);
    if (s.platform.mem_stall_percent || s.platform.tx_stall_percent || s.platform.rx_stall_percent) {
        if (s.platform.mem_stall_percent == s.platform.tx_stall_percent &&
            s.platform.tx_stall_percent == s.platform.rx_stall_percent)
            o += fmt::format(" --stall {:g}", s.platform.mem_stall_percent);
        else
            o += fmt::format(" --mem-stall {:g} --tx-stall {:g} --rx-stall {:g}", s.platform.mem_stall_percent,
                             s.platform.tx_stall_percent, s.platform.rx_stall_percent);
    }
    if (s.platform.ring_size != d.platform.ring_size) o += fmt::format(" --ring-size {}", s.platform.ring_size);
    if (s.platform.irq_packets != d.platform.irq_packets ||
        s.platform.irq_holdoff_cycles != d.platform.irq_holdoff_cycles)
        o += fmt::format(" --irq-moderation {}:{}", s.platform.irq_packets, s.platform.irq_holdoff_cycles);
    if (s.checks.max_cycles) o += fmt::format(" --max-cycles {}", s.checks.max_cycles);
    if (!s.platform.rss) o += " --no-rss";
    if (s.traffic.csum_offload_fraction != d.traffic.csum_offload_fraction)
        o += fmt::format(" --csum-offload {:g}", s.traffic.csum_offload_fraction * 100);
    if (s.traffic.csum_offload_sums != d.traffic.csum_offload_sums)
        o += fmt::format(" --csum-offload-sums {}", to_string(s.traffic.csum_offload_sums));
    if (s.platform.tx_fragment_bytes) o += fmt::format(" --tx-fragment-bytes {}", s.platform.tx_fragment_bytes);
    if (s.platform.clock_hz != d.platform.clock_hz)
        o += fmt::format(" --clock-mhz {:g}", static_cast<double>(s.platform.clock_hz) / 1e6);
    if (!s.trace.path.empty()) {
        o += " --trace " + q(s.trace.path);
        if (s.trace.first_cycle != d.trace.first_cycle || s.trace.last_cycle != d.trace.last_cycle)
            o += s.trace.last_cycle == d.trace.last_cycle
                     ? fmt::format(" --trace-window {}:", s.trace.first_cycle)
                     : fmt::format(" --trace-window {}:{}", s.trace.first_cycle, s.trace.last_cycle);
        if (s.trace.depth) o += fmt::format(" --trace-depth {}", s.trace.depth);
        for (auto const& scope : s.trace.scopes) o += " --trace-scope " + q(scope);
        if (s.trace.threads) o += fmt::format(" --trace-threads {}", *s.trace.threads);
        if (s.trace.ring_cycles) o += fmt::format(" --waves-ring {}", s.trace.ring_cycles);
    }
    if (!s.checks.ownership_monitor) o += " --no-ownership-monitor";
    if (s.platform.memory_order != d.platform.memory_order)
        o += fmt::format(" --memory-order {}", host::to_string(s.platform.memory_order));
    if (s.barrier_bug != d.barrier_bug) o += fmt::format(" --barrier-bug {}", to_string(s.barrier_bug));
    if (!s.views.timeline_json.empty()) o += " --timeline " + q(s.views.timeline_json);
    if (!s.views.timeline_csv.empty()) o += " --timeline-csv " + q(s.views.timeline_csv);
    if (s.platform.rx_buffer_bytes != d.platform.rx_buffer_bytes)
        o += fmt::format(" --rx-buffer {}", s.platform.rx_buffer_bytes);
    if (s.checks.hang_check_cycles) o += fmt::format(" --hang-check {}", *s.checks.hang_check_cycles);
    if (s.checks.watchdog_cycles) o += fmt::format(" --watchdog {}", *s.checks.watchdog_cycles);
    for (auto const& f : s.faults) o += " --fault " + q(to_string(f));
    o += fmt::format(" --seed {}", s.seed);
    return o;
}

}  // namespace nicsim::cosim
