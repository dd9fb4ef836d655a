// Workload: see workload.hpp. The facade over the parts of a run, each with one job (the comment
// at the top of each header says what it owns and when it runs):
//   OsSide        os_side.hpp        the driver's adapter, its interrupts, the OS TX/RX queues
//   TrafficSource traffic_source.hpp the TX frames and the RX wire's peer, per traffic mode
//   TransmitSide  tx_side.hpp        pending frames into the OS TX queues, their completions
//   ReceiveSide   rx_side.hpp        the wire's frames and the OS's deliveries to the scoreboard
//   RxDropBooks   rx_drop_books.hpp  RX drops counted by the driver and the NIC, final RX books
//   HangCheck     hang_check.hpp     TX rings reset when they stop making progress
//   RunState      run_state.hpp      the counts and the last packet event they share
// Here: building them in order from the Scenario, the run's script (bring-up, traffic, stop), the
// order of every step between two cycles (software()), the run's limits and the summary.
#include "cosim/workload.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <optional>

#include <fmt/format.h>

#include <nic_contract.hpp>
#include <nicsim/driver/adapter.hpp>
#include <ringlib/os/rx_queue.hpp>
#include <ringlib/os/tx_queue.hpp>
#include <ringlib/verifier.hpp>

#include "bfm/axi4_slave_mem.hpp"
#include "bfm/axis_source.hpp"
#include "checkers/assertions.hpp"
#include "cosim/faults.hpp"
#include "cosim/scenario_error.hpp"
#include "cosim/stop_request.hpp"
#include "hang_check.hpp"
#include "os_side.hpp"
#include "run_state.hpp"
#include "rx_drop_books.hpp"
#include "rx_side.hpp"
#include "scoreboard/scoreboard.hpp"
#include "sim/kernel.hpp"
#include "traffic_source.hpp"
#include "tx_side.hpp"
#include "wire/pcap.hpp"

namespace nicsim::cosim {

namespace {

using Clock = std::chrono::steady_clock;
namespace c = nicsim::contract;

/// Thrown between cycles when stop_requested() (a signal): ends the run where it is.
struct RunInterrupted {
    int signal = 0;
};
// The end of a run asks the NIC whether RX frames are still inside it only after this many cycles
// without a packet event (and at most once per as many cycles): the answer is exact, the pause
// only keeps register reads out of runs whose frames all arrive.
constexpr std::uint64_t kQuietBeforeStatusRead = 2000;

}  // namespace

std::uint64_t traffic_seed(std::uint64_t run_seed, unsigned stream) {
    // SplitMix64 of (seed, stream): distinct, well-mixed seeds for each stream of one run.
    std::uint64_t z = run_seed + 0x9e3779b97f4a7c15ull * (std::uint64_t{stream} + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

struct Workload::Impl {
    Scenario sc;
    std::function<void(Progress const&)> progress_cb;
    std::function<void()> started_cb;
    Platform& hw;
    TrafficHooks hooks;
    RunState state;
    scoreboard::Scoreboard board;
    unsigned queues = 1;
    RunLimits limits;
    // The parts, in the order they are built (and destroyed in reverse).
    std::unique_ptr<FaultInjector> faults;
    std::unique_ptr<FaultyRxWire> faulty_wire;
    std::unique_ptr<TrafficSource> traffic;
    std::unique_ptr<ReceiveSide> rx;
    std::unique_ptr<OsSide> os;
    std::unique_ptr<HangCheck> hang;
    std::unique_ptr<RxDropBooks> drops;
    std::unique_ptr<TransmitSide> tx;

    std::optional<std::uint64_t> first_error_cycle;  // the scoreboard's or the run's first error
    std::uint64_t next_progress = 0;
    Clock::time_point t0;
    RunSummary out;

    Impl(Scenario const& s, Platform& platform) : sc(s), hw(platform) { build(); }

    void build() {
        wire::PcapCapture pcap_in;
        std::uint64_t rx_padded = 0;
        if (sc.traffic.mode == Mode::pcap) {
            try {
                pcap_in = wire::read_pcap(sc.traffic.pcap_in);
                rx_padded =
                    wire::prepare_for_replay(pcap_in, sc.traffic.pcap_in, static_cast<std::size_t>(c::MAX_FRAME_BYTES));
            } catch (wire::PcapError const& e) {
                throw ScenarioError({ScenarioField::pcap_in, fmt::format(": {}", e.what())});
            } catch (std::exception const& e) {
                throw ScenarioError({ScenarioField::pcap_in, fmt::format(" {}: {}", sc.traffic.pcap_in, e.what())});
            }
        }
        auto const& cfg = hw.config();
        queues = sc.platform.queues == 0 ? cfg.num_queues : sc.platform.queues;
        if (queues < 1 || queues > cfg.num_queues)
            throw ScenarioError({ScenarioField::queues, fmt::format(": {} is not in 1..{} (NUM_QUEUES of {})",
                                                                    sc.platform.queues, cfg.num_queues, sc.config)});
        limits = run_limits(sc, cfg.data_bytes(), queues);
        if (!sc.checks.max_cycles) limits.max_cycles += 20'000 * pcap_in.packets.size();
        if (sc.traffic.mode == Mode::tap && !sc.checks.max_cycles)
            limits.max_cycles = ~std::uint64_t{0};  // ends on a signal

        RingPlan const rings = plan_rings(sc, cfg);

        // The RX wire's gap between frames: 20 bytes of preamble and IFG, at least one cycle.
        std::uint32_t const ifg = static_cast<std::uint32_t>(std::max<std::size_t>(1, 20 / cfg.data_bytes()));
        hw.rx_wire().set_inter_frame_gap(ifg);
        if (!sc.faults.empty()) {
            faults = std::make_unique<FaultInjector>(sc.faults, traffic_seed(sc.seed, 2), sc.traffic.packets, queues,
                                                     1u << rings.hw_tx_log2, hw);
            faulty_wire = std::make_unique<FaultyRxWire>(hw.rx_wire(), *faults);
            for (auto r :
                 {scoreboard::DropReason::runt, scoreboard::DropReason::oversize, scoreboard::DropReason::bad_frame,
                  scoreboard::DropReason::ring_reset, scoreboard::DropReason::cancelled})
                board.expect_drops(r);
        }
        wire::RxWire& rx_wire = faulty_wire ? static_cast<wire::RxWire&>(*faulty_wire) : hw.rx_wire();

        bool const rss_on = sc.platform.rss && queues > 1;
        board.set_rss(rss_on ? scoreboard::RssConfig::spread(static_cast<std::uint16_t>(queues))
                             : scoreboard::RssConfig{});
        board.expect_drops(scoreboard::DropReason::no_buffer);  // the wire cannot wait for a slow host

        traffic = make_traffic_source({.sc = sc,
                                       .hw = hw,
                                       .state = state,
                                       .queues = queues,
                                       .rss_on = rss_on,
                                       .rx_wire = rx_wire,
                                       .ifg = ifg,
                                       .run_idle = [this] { return run_idle(); }},
                                      std::move(pcap_in), rx_padded);
        rx = std::make_unique<ReceiveSide>(sc, hw, state, board, hooks, *traffic, faults != nullptr, rss_on, queues);
        os = std::make_unique<OsSide>(sc, hw, queues, rings, faults.get());
        hang = std::make_unique<HangCheck>(queues, limits.hang_check_cycles);
        drops = std::make_unique<RxDropBooks>(hw, state, board, *os);
        tx = std::make_unique<TransmitSide>(hw, state, board, hooks, *os, *hang, faults.get(), rings.os_ring);

        // Diagnostics for stalls: OS rings, the driver's view of the hardware rings, activity.
        for (unsigned q = 0; q < queues; ++q) {
            hw.add_diagnostic(fmt::format("queue {}", q), [this, q] { return os->describe_queue(q); });
        }
        hw.add_diagnostic("traffic", [this] {
            return fmt::format(
                "TX generated {} submitted {} completed {} seen {} of {}; RX put {} delivered {} "
                "dropped {} of {}; wire: RX source pending {}, TX sink partial {} bytes; last activity "
                "cycle {} ({})",
                state.tx_generated, state.tx_submitted, state.tx_completed, state.tx_seen, sc.traffic.packets,
                state.rx_put, state.rx_delivered, drops->total(), traffic->rx_expected_total(), hw.rx_wire().pending(),
                hw.tx_partial_bytes(), state.last_activity, state.last_activity_what);
        });
    }

    /// Tap mode: nothing waits or moves anywhere (no frame pending or in flight, wire ports idle,
    /// the NIC holds no RX frame, the driver owes the OS nothing); what the NIC and the driver
    /// dropped is counted before time stops.
    bool run_idle() {
        for (unsigned q = 0; q < queues; ++q)
            if (!tx->pending()[q].empty() || os->tx(q).frames_waiting() || os->tx(q).frames_in_flight()) return false;
        if (!hw.rx_wire_idle() || hw.tx_partial_bytes() || os->driver_rx_pending() || !drops->nic_rx_idle())
            return false;
        drops->read_hw_drops();
        drops->collect_driver_drops();
        return true;
    }

    bool tx_done() const {
        std::uint64_t const total = traffic->tx_total();
        return traffic->tx_closed() && state.tx_submitted == total && state.tx_completed == total &&
               state.tx_seen + os->tx_unsent() >= total;
    }
    bool rx_wire_done() const { return traffic->peer().done() && hw.rx_wire_idle(); }
    bool traffic_done() const {
        if (!tx_done() || !rx_wire_done()) return false;
        return state.rx_put == traffic->rx_awaited() && (drops->accounted() >= state.rx_put || drops->books_final());
    }

    void begin_cancel() {
        state.stopping = true;
        state.cancelled_run = true;
        os->stop();
    }

    // ---- per cycle (software), in this order ----
    void software() {
        if (int const sig = stop_requested()) [[unlikely]] {
            if (!traffic->end_on_signal(sig)) throw RunInterrupted{sig};
        }
        traffic->between_cycles();
        // Packets, not just any MMIO read, are progress: an interrupt storm must not hide a stall.
        if (limits.watchdog_cycles && hw.cycle() - state.last_activity > limits.watchdog_cycles)
            throw sim::WatchdogExpired(
                fmt::format("watchdog: no packet moved for {} cycles: the last packet event "
                            "was at cycle {} ({}) (cycle {}, seed {})",
                            limits.watchdog_cycles, state.last_activity, state.last_activity_what, hw.cycle(), sc.seed),
                hw.diagnosis());
        if (hw.cycle() >= limits.max_cycles)
            throw sim::CycleLimitReached(fmt::format("the run reached its cycle limit {} (cycle {}, seed {})",
                                                     limits.max_cycles, hw.cycle(), sc.seed),
                                         hw.diagnosis());
        if (!first_error_cycle && (board.event_errors() || !state.run_errors.empty())) [[unlikely]]
            first_error_cycle = last_edge();
        if (!state.stopping) tx->submit(*traffic);
        if (faults && !state.stopping) {
            faults->tick(state.tx_submitted);
            if (faults->cancel_due()) begin_cancel();
        }
        os->poll(faults && !state.stopping ? faults.get() : nullptr);
        drops->collect_driver_drops();
        if (!state.stopping) hang->check(hw, *os);
        // Quiet with RX frames unaccounted for: ask the NIC (exact: RxDropBooks::settle), never guess.
        if (!state.stopping && tx_done() && rx_wire_done() && drops->accounted() < state.rx_put &&
            hw.cycle() - state.last_activity > kQuietBeforeStatusRead &&
            hw.cycle() - drops->last_stat_read_cycle() > kQuietBeforeStatusRead)
            drops->settle();
        if (sc.views.progress_interval_cycles && progress_cb && hw.cycle() >= next_progress) {
            next_progress = hw.cycle() + sc.views.progress_interval_cycles;
            progress_cb(progress());
        }
    }

    /// The last rising edge simulated (cycle() counts edges).
    std::uint64_t last_edge() const { return hw.cycle() ? hw.cycle() - 1 : 0; }

    Progress progress() const {
        Progress p;
        p.tx_done = state.tx_completed;
        p.tx_total = traffic->tx_total();
        p.rx_done = drops->accounted();
        p.rx_total = traffic->rx_progress_total();
        p.packets_done = p.tx_done + p.rx_done;
        p.packets_total = p.tx_total + p.rx_total;
        p.cycles = hw.cycle();
        p.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        return p;
    }

    RunSummary run() {
        t0 = Clock::now();
        auto const& cfg = hw.config();
        out.config = sc.config;
        out.data_width_bits = cfg.data_width_bits;
        out.num_queues = cfg.num_queues;
        out.queues = queues;
        out.seed = sc.seed;
        out.mode = sc.traffic.mode;
        out.clock_hz = sc.platform.clock_hz;
        out.memory_order = sc.platform.memory_order;
        out.per_queue.assign(queues, {});
        std::string failure;
        try {
            hw.reset();
            os->start(
                limits.watchdog_cycles,
                {.tx_completed = [this](unsigned q, ringlib::os::TxCompletion const& comp) { tx->completed(q, comp); },
                 .rx_frame = [this](unsigned q, ringlib::os::RxFrame&& f) { rx->delivered(q, std::move(f)); }});
            state.last_activity = hw.cycle();
            hw.add_between_cycles([this] { software(); });
            // The wire starts once every RX ring has buffers posted and the doorbell reached the
            // NIC (until then a frame can only be dropped for want of buffers), never in reset.
            // The OS queues keep polling meanwhile (between-cycle hooks).
            hw.run_until([this] { return os->rx_rings_posted(); }, 100'000, "RX buffers posted");
            hw.flush_registers();  // bring-up writes (RSS table...) and the first doorbells have landed
            if (started_cb) started_cb();
            // Faults strike from the start of traffic on, never during bring-up: TX frames are
            // submitted from the first cycle, and a fault due at a few of them (a cancel at=1)
            // would otherwise hit an adapter still posting its first buffers.
            if (faults) faults->attach(os->adapter());
            hw.start_wire(traffic->peer());
            state.last_activity = hw.cycle();
            traffic->traffic_starts();
            hw.run_until([this] { return traffic_done() || state.cancelled_run; }, ~std::uint64_t{0} >> 1,
                         "every frame accounted for");
            // Stop: cancel, drain, EvtStop, then the adapter.
            if (!state.cancelled_run) {
                state.stopping = true;
                os->stop();
            }
            hw.run_until([this] { return os->all_stopped(); }, 200'000, "the queues to stop");
            if (state.cancelled_run) {
                // What was on its way still arrives and is dropped by the disabled rings, each on
                // the queue RSS picks (the adapter keeps RSS on until it stops, so the reference
                // knows the queue); once nothing more comes and the NIC holds no RX frame, every
                // drop is counted.
                hw.run_until(
                    [this] {
                        return rx_wire_done() && hw.tx_partial_bytes() == 0 &&
                               hw.cycle() - drops->last_stat_read_cycle() > kQuietBeforeStatusRead / 8 &&
                               drops->nic_rx_idle();
                    },
                    limits.watchdog_cycles ? limits.watchdog_cycles : 200'000,
                    "the NIC to hold no RX frame after the cancel");
                drops->collect_driver_drops();
                drops->read_hw_drops();
            }
            os->adapter().stop();
            hw.flush_registers();
        } catch (ringlib::VerifierViolation const& e) {
            ++out.verifier_violations;
            failure = fmt::format("ring verifier: {}", e.what());
        } catch (checkers::ProtocolViolation const& e) {
            ++out.protocol_violations;
            failure = fmt::format("protocol checker: {}", e.what());
        } catch (bfm::AxisProtocolError const& e) {
            ++out.protocol_violations;
            failure = e.what();
        } catch (bfm::Axi4ProtocolError const& e) {
            ++out.protocol_violations;
            failure = e.what();
        } catch (sim::SimError const& e) {
            failure = e.what();
        } catch (RunInterrupted const& e) {
            out.interrupted_by = e.signal;
            failure = fmt::format("interrupted by {} at cycle {}", signal_name(e.signal), last_edge());
        } catch (std::exception const& e) {
            failure = fmt::format("{}\n{}", e.what(), hw.diagnosis());
        }
        std::uint64_t const failure_cycle = !failure.empty() ? last_edge() : first_error_cycle.value_or(last_edge());
        auto const wall = std::chrono::duration<double>(Clock::now() - t0).count();
        if (progress_cb) progress_cb(progress());
        rx->write_pcap(out);
        hw.finish();
        close_books(failure, failure_cycle, wall);
        return out;
    }

    /// The summary: every part's counts, the scoreboard's verdict, the run's.
    void close_books(std::string const& failure, std::uint64_t failure_cycle, double wall) {
        tx->close_books(out);
        drops->add_to(out);
        rx->add_to(out);
        traffic->add_to(out);
        out.hang_check_cycles = limits.hang_check_cycles;
        out.watchdog_cycles = limits.watchdog_cycles;
        out.max_cycles = limits.max_cycles;
        out.limits_raised = (!sc.checks.hang_check_cycles && limits.hang_check_cycles > kDefaultHangCheckCycles) ||
                            (!sc.checks.watchdog_cycles && limits.watchdog_cycles > kDefaultWatchdogCycles);
        scoreboard::Summary const sb = board.finish();
        out.cycles = hw.cycle();
        // From the first frame to the last accounted for (none accounted: the traffic took no time).
        out.traffic_cycles = state.traffic_started && state.last_account_cycle > state.first_submit_cycle
                                 ? state.last_account_cycle - state.first_submit_cycle
                                 : state.traffic_started;
        out.wall_seconds = wall;
        out.tx_posted = state.tx_submitted;
        out.rx_injected = state.rx_put;
        for (auto const& [q, cnt] : sb.tx_seen) {
            out.tx_packets += cnt.packets;
            out.tx_bytes += cnt.bytes;
            if (q < out.per_queue.size()) {
                out.per_queue[q].tx_packets = cnt.packets;
                out.per_queue[q].tx_bytes = cnt.bytes;
            }
        }
        for (auto const& [r, n] : sb.rx_drops) {
            out.drops[scoreboard::to_string(r)] = n;
            out.dropped += n;
        }
        for (auto const& [r, n] : sb.tx_drops) {
            out.tx_drops[scoreboard::to_string(r)] = n;
            out.tx_dropped += n;
        }
        out.tx_duplicates = sb.tx_duplicates;
        for (auto const& [q, cnt] : sb.rx_put)
            if (q < out.per_queue.size()) out.per_queue[q].rx_expected = cnt.packets;
        out.lost = sb.lost;
        out.tx_missing = sb.tx_missing;
        std::uint64_t ring_errors = 0, interrupts = 0, unexpected = 0;
        if (driver::Adapter const* adapter = os->adapter_if_started()) {
            std::array<std::uint64_t, 256> by_code{};
            for (unsigned q = 0; q < queues; ++q) {
                auto const& st = adapter->stats(q);
                ring_errors += st.tx_errors + st.rx_errors;
                interrupts += st.interrupts;
                out.queue_resets += st.tx_resets + st.rx_resets;
                for (std::size_t code = 0; code < by_code.size(); ++code) by_code[code] += st.errors_by_code[code];
            }
            for (std::size_t code = 1; code < by_code.size(); ++code) {
                if (!by_code[code]) continue;
                auto const e = static_cast<c::err_e>(code);
                out.ring_errors_by_code[std::string(c::to_string(e))] = by_code[code];
                std::uint64_t const explained = faults ? std::min(by_code[code], faults->expected_ring_errors(e)) : 0;
                out.expected_errors += explained;
                unexpected += by_code[code] - explained;
            }
        }
        out.hang_resets = hang->resets();
        auto& run_errors = state.run_errors;
        if (faults) {
            out.faults_injected = faults->injected();
            out.expected_errors += faults->register_refusals();
            for (auto const& p : faults->problems()) run_errors.push_back(p);
        }
        out.unexpected_errors = unexpected + (faults ? faults->problems().size() : 0);
        out.unexpected_ring_errors = unexpected;
        if (faults) out.faults_not_fired = faults->not_fired();
        out.ring_errors = ring_errors;
        out.interrupts = interrupts;
        out.ordering_violations = hw.ordering_violations();
        out.mmio_reads = hw.register_stats().reads;
        out.mmio_writes = hw.register_stats().writes;
        out.error_messages = board.errors();
        for (auto& m : run_errors) out.error_messages.push_back(m);
        out.errors = out.error_messages.size() + unexpected + (failure.empty() ? 0 : 1);
        if (!failure.empty()) out.error_messages.push_back(failure);
        out.sim_cycles_per_second = wall > 0 ? static_cast<double>(out.cycles) / wall : 0;
        out.packets_per_second = wall > 0 ? static_cast<double>(out.tx_packets + out.rx_packets) / wall : 0;
        if (out.traffic_cycles) {
            double const secs = static_cast<double>(out.traffic_cycles) / static_cast<double>(sc.platform.clock_hz);
            out.tx_gbit_per_second = static_cast<double>(out.tx_bytes) * 8 / secs / 1e9;
            out.rx_gbit_per_second = static_cast<double>(out.rx_bytes) * 8 / secs / 1e9;
        }

        if (!failure.empty())
            out.failure = failure;
        else if (!sb.passed)
            out.failure = fmt::format("scoreboard failed: {} error(s), {} TX frame(s) missing, {} RX frame(s) lost",
                                      board.errors().size(), sb.tx_missing, sb.lost);
        else if (!run_errors.empty())
            out.failure = run_errors.front();
        else if (unexpected)
            out.failure = fmt::format("{} unexpected hardware ring error(s) (see the driver's stats)", unexpected);
        out.passed = out.failure.empty() && sb.passed && out.lost == 0 && out.verifier_violations == 0 &&
                     out.ordering_violations == 0;
        if (!out.passed && out.failure.empty()) out.failure = "run failed";
        if (!out.passed) out.failure_cycle = failure_cycle;
    }
};

Workload::Workload(Scenario const& scenario, Platform& platform) : impl_(std::make_unique<Impl>(scenario, platform)) {}
Workload::~Workload() = default;
void Workload::on_progress(std::function<void(Progress const&)> cb) {
    impl_->progress_cb = std::move(cb);
}
void Workload::on_started(std::function<void()> cb) {
    impl_->started_cb = std::move(cb);
}
void Workload::set_traffic_hooks(TrafficHooks hooks) {
    impl_->hooks = std::move(hooks);
}
driver::Adapter* Workload::adapter() noexcept {
    return impl_->os->adapter_if_started();
}
RunSummary Workload::run() {
    return impl_->run();
}
void Workload::for_each_os_queue(std::function<void(ringlib::os::PacketQueue const&)> const& visit) const {
    impl_->os->for_each_queue(visit);
}

}  // namespace nicsim::cosim
