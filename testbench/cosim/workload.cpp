// Workload: see workload.hpp.
#include "cosim/workload.hpp"

#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <deque>
#include <exception>
#include <map>
#include <random>
#include <unordered_map>

#include <fmt/format.h>

#include <nic_contract.hpp>
#include <nicsim/driver/adapter.hpp>
#include <nicsim/driver/fault_injection.hpp>
#include <ringlib/os/errors.hpp>
#include <ringlib/os/rx_queue.hpp>
#include <ringlib/os/tx_queue.hpp>
#include <ringlib/verifier.hpp>

#include "bfm/axi4_slave_mem.hpp"
#include "barrier_bugs.hpp"
#include "cosim/faults.hpp"
#include "cosim/stop_request.hpp"
#include "bfm/axis_source.hpp"
#include "checkers/assertions.hpp"
#include "model/checksum.hpp"
#include "scoreboard/scoreboard.hpp"
#include "sim/kernel.hpp"
#include "tap/tap_link.hpp"
#include "tap/tap_wire_peer.hpp"
#include "wire/pcap.hpp"
#include "wire/peers.hpp"

namespace nicsim::cosim {

namespace {

using Clock = std::chrono::steady_clock;
namespace c = nicsim::contract;

LatencyStats latency_of(LatencyHistogram const& h) {
    LatencyStats s;
    s.count = h.count();
    s.p50 = h.quantile(0.50);
    s.p99 = h.quantile(0.99);
    s.max = h.max();
    return s;
}

model::CsumVerdict verdict_of(unsigned eval) {
    switch (eval) {
    case NetPacketRxChecksumEvaluationValid: return model::CsumVerdict::good;
    case NetPacketRxChecksumEvaluationInvalid: return model::CsumVerdict::bad;
    default: return model::CsumVerdict::not_checked;
    }
}

}  // namespace

namespace {
/// Thrown between cycles when stop_requested() (a signal): ends the run where it is.
struct RunInterrupted {
    int signal = 0;
};
// The end of a run asks the NIC whether RX frames are still inside it only after this many cycles
// without a packet event (and at most once per as many cycles): the answer is exact, the pause
// only keeps register reads out of runs whose frames all arrive.
constexpr std::uint64_t kQuietBeforeStatusRead = 2000;
// Tap mode: after this many cycles without a packet event the run checks whether the NIC and the
// driver are idle (one status read) and, if so, blocks on the TAP devices instead of simulating.
constexpr std::uint64_t kTapQuietBeforeIdle = 2000;
constexpr int kTapPollMilliseconds = 100;  // how often a blocked run looks at signals and --duration
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
    std::mt19937_64 tx_rng, rx_rng;  // the traffic's own streams (traffic_seed)
    std::unique_ptr<wire::TrafficGenerator> tx_gen, rx_gen;
    std::unique_ptr<wire::WirePeer> peer;
    // Tap mode: the devices, the wire peer on one of them, and how the run ends.
    std::unique_ptr<tap::TapLink> tap_link;
    tap::TapWirePeer* tap_peer = nullptr;
    bool tap_draining = false;  // no more frames taken from the devices: drain and end
    std::string tap_ended_by;   // "SIGINT", "SIGTERM" or "--duration"
    Clock::time_point tap_traffic_start;
    std::uint64_t tap_next_host_read = 0, tap_last_idle_check = 0;
    scoreboard::RssConfig tx_steering;  // the TX queue of a host frame: its RSS queue
    std::unique_ptr<FaultInjector> faults;
    std::unique_ptr<FaultyRxWire> faulty_wire;
    std::vector<std::uint64_t> tx_progress_cycle, hang_reset_cycle, submitted_on;  // per queue
    std::uint64_t hang_resets = 0;
    std::vector<std::uint64_t> os_cancelled;  // per queue: TX frames the OS returned at stop, never given to the driver
    bool cancelled_run = false;
    bool rx_books_final = false;  // the NIC holds no RX frame and every counter was read after that
    std::unique_ptr<wire::PcapWriter> pcap_out;
    wire::PcapCapture pcap_in;
    scoreboard::Scoreboard board;
    std::unique_ptr<MisplacedBarriers> misplaced_barriers;  // Scenario::barrier_bug
    std::unique_ptr<FaultyDriverPlatform> faulty_platform;  // Scenario::faults
    std::unique_ptr<driver::Adapter> adapter;
    std::vector<std::unique_ptr<ringlib::os::TxQueue>> txq;
    std::vector<std::unique_ptr<ringlib::os::RxQueue>> rxq;

    unsigned queues = 1;
    std::uint32_t os_ring = 256, tx_frag_ring = 1024, rx_frag_ring = 512, frag_bytes = 512;
    std::uint32_t hw_tx_log2 = 8, hw_rx_log2 = 8;
    bool rss_on = false;

    // traffic state
    std::uint64_t tx_generated = 0, tx_submitted = 0, tx_completed = 0, tx_seen = 0;
    struct PendingFrame {
        wire::Frame frame;
        bool offload_ip = false;  // IPv4 header checksum insertion requested
        bool offload_l4 = false;  // TCP/UDP checksum insertion requested
    };
    std::vector<std::deque<PendingFrame>> pending;  // per queue: generated, not yet submitted
    std::vector<std::unordered_map<std::uint64_t, std::uint64_t>>
        submit_cycle;  // per queue: frame id -> cycle, until completed
    std::uint64_t rx_put = 0, rx_delivered = 0;
    std::uint64_t rx_expected_total = 0;  // known up front (0 in loopback: = packets)
    // RX latency: latency_key -> first beat cycles of the frames put and not yet delivered, in
    // wire order (a capture may hold one frame several times); no allocation for the usual one.
    struct PutCycles {
        std::uint64_t first = 0;
        std::vector<std::uint64_t> more;
    };
    std::unordered_map<std::uint64_t, PutCycles> rx_put_cycle;
    LatencyHistogram tx_lat, rx_lat;  // constant memory, whatever the run length
    // RX drops reported to the scoreboard so far, by (queue, reason): the counters' last values.
    std::map<std::pair<unsigned, scoreboard::DropReason>, std::uint64_t> drops_reported;
    std::uint64_t last_activity = 0;
    std::string last_activity_what = "none";
    std::uint64_t first_submit_cycle = 0, last_account_cycle = 0;
    bool traffic_started = false;
    std::uint64_t last_stat_read_cycle = 0;
    bool stopping = false;
    std::uint64_t next_progress = 0;
    RunLimits limits;
    Clock::time_point t0;
    RunSummary out;
    TrafficHooks hooks;

    Impl(Scenario const& s, Platform& platform)
        : sc(s), hw(platform), tx_rng(traffic_seed(s.seed, 0)), rx_rng(traffic_seed(s.seed, 1)) {
        build();
    }

    static std::uint64_t tag_key(wire::FrameTag t) { return (std::uint64_t{t.stream_id} << 32) | t.seq; }
    /// A frame's identity for its RX latency: its tag, or (frames of a capture carry none) a hash
    /// of its bytes with the top bit set (tag keys never have it: the stream id is 16 bits).
    static std::uint64_t latency_key(std::span<std::uint8_t const> bytes) {
        if (auto const tag = wire::decode_tag(bytes)) return tag_key(*tag);
        std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
        for (std::uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ull;
        return h | (std::uint64_t{1} << 63);
    }
    static std::uint64_t latency_key(wire::Frame const& f) { return f.tag ? tag_key(*f.tag) : latency_key(f.bytes); }

    void activity(char const* what) {
        last_activity = hw.cycle();
        last_activity_what = what;
        last_account_cycle = hw.cycle();
        hw.report_progress();
    }

    void build() {
        if (sc.traffic.mode == Mode::pcap) {
            try {
                pcap_in = wire::read_pcap(sc.traffic.pcap_in);
                out.rx_padded =
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
        frag_bytes = rings.tx_fragment_bytes;
        os_ring = rings.os_ring;
        tx_frag_ring = rings.tx_fragment_ring;
        rx_frag_ring = rings.rx_fragment_ring;
        hw_tx_log2 = rings.hw_tx_log2;
        hw_rx_log2 = rings.hw_rx_log2;

        // The RX wire's gap between frames: 20 bytes of preamble and IFG, at least one cycle.
        std::uint32_t const ifg = static_cast<std::uint32_t>(std::max<std::size_t>(1, 20 / cfg.data_bytes()));
        hw.rx_wire().set_inter_frame_gap(ifg);
        if (!sc.faults.empty()) {
            faults = std::make_unique<FaultInjector>(sc.faults, traffic_seed(sc.seed, 2), sc.traffic.packets, queues,
                                                     1u << hw_tx_log2, hw);
            faulty_wire = std::make_unique<FaultyRxWire>(hw.rx_wire(), *faults);
            for (auto r :
                 {scoreboard::DropReason::runt, scoreboard::DropReason::oversize, scoreboard::DropReason::bad_frame,
                  scoreboard::DropReason::ring_reset, scoreboard::DropReason::cancelled})
                board.expect_drops(r);
        }
        wire::RxWire& rx_wire = faulty_wire ? static_cast<wire::RxWire&>(*faulty_wire) : hw.rx_wire();
        tx_progress_cycle.assign(queues, 0);
        hang_reset_cycle.assign(queues, 0);
        os_cancelled.assign(queues, 0);
        submitted_on.assign(queues, 0);

        // Traffic.
        wire::TrafficConfig tc;
        tc.stream_id = 0;
        tc.sizes =
            sc.traffic.sizes ? *sc.traffic.sizes : wire::SizeDist::uniform(sc.traffic.min_size, sc.traffic.max_size);
        tx_gen = std::make_unique<wire::TrafficGenerator>(tc, tx_rng);
        pending.resize(queues);
        submit_cycle.resize(queues);
        rss_on = sc.platform.rss && queues > 1;
        board.set_rss(rss_on ? scoreboard::RssConfig::spread(static_cast<std::uint16_t>(queues))
                             : scoreboard::RssConfig{});
        board.expect_drops(scoreboard::DropReason::no_buffer);  // the wire cannot wait for a slow host

        switch (sc.traffic.mode) {
        case Mode::loopback:
            peer = std::make_unique<wire::LoopbackPeer>(rx_wire, sc.platform.wire_latency_cycles, ifg);
            rx_expected_total = sc.traffic.packets;
            break;
        case Mode::generate: {
            wire::TrafficConfig rc = tc;
            rc.stream_id = 1;
            rx_gen = std::make_unique<wire::TrafficGenerator>(rc, rx_rng);
            peer = std::make_unique<wire::GeneratorPeer>(rx_wire, *rx_gen, sc.traffic.packets);
            rx_expected_total = sc.traffic.packets;
            break;
        }
        case Mode::tap: {
            tap::TapLinkOptions to;
            to.host_name = sc.traffic.tap.host;
            to.wire_name = sc.traffic.tap.wire;
            to.host_netns = sc.traffic.tap.host_netns;
            to.wire_netns = sc.traffic.tap.wire_netns;
            to.mtu = sc.traffic.tap.mtu;
            to.max_frame_bytes = static_cast<std::size_t>(c::MAX_FRAME_BYTES);
            try {
                tap_link = std::make_unique<tap::TapLink>(to);
            } catch (tap::TapError const& e) {
                throw ScenarioError({ScenarioField::mode, fmt::format(" tap: {}", e.what())});
            }
            auto p = std::make_unique<tap::TapWirePeer>(rx_wire, *tap_link);
            tap_peer = p.get();
            peer = std::move(p);
            tx_steering =
                rss_on ? scoreboard::RssConfig::spread(static_cast<std::uint16_t>(queues)) : scoreboard::RssConfig{};
            break;
        }
        case Mode::pcap:
            peer = std::make_unique<wire::PcapReplayPeer>(rx_wire, pcap_in);
            // Every record is a frame of 60..MAX_FRAME_BYTES (prepare_for_replay): delivered, or
            // dropped for want of buffers like any other.
            rx_expected_total = pcap_in.packets.size();
            break;
        }
        if (!sc.views.pcap_out.empty()) {
            wire::PcapWriterOptions po;
            po.clock_hz = sc.platform.clock_hz;
            try {
                pcap_out = std::make_unique<wire::PcapWriter>(sc.views.pcap_out, po);
            } catch (std::exception const& e) {
                throw ScenarioError({ScenarioField::pcap_out, fmt::format(" {}: {}", sc.views.pcap_out, e.what())});
            }
        }

        hw.on_tx_frame([this](wire::Frame const& f) {
            ++tx_seen;
            board.tx_seen(f);
            if (pcap_out) pcap_out->add_tx(f);
            peer->on_tx(f);
            if (hooks.tx_on_wire) hooks.tx_on_wire(f);
            activity("TX frame on the wire");
        });
        hw.on_rx_sent([this](wire::Frame const& f) {
            ++rx_put;
            std::optional<scoreboard::DropReason> must;
            if (f.bytes.size() > static_cast<std::size_t>(c::MAX_FRAME_BYTES))
                must = scoreboard::DropReason::oversize;
            else if (f.bad)
                must = scoreboard::DropReason::bad_frame;
            else if (faults && f.bytes.size() < driver::kMinRxFrameBytes)
                must = scoreboard::DropReason::runt;
            board.rx_put(f, must);
            if (pcap_out) pcap_out->add_rx(f);
            if (f.first_beat_cycle) {
                auto const [it, fresh] = rx_put_cycle.try_emplace(latency_key(f), PutCycles{*f.first_beat_cycle, {}});
                if (!fresh) it->second.more.push_back(*f.first_beat_cycle);  // the same frame again (a replay)
                if (!traffic_started) {  // an RX-only run (pcap replay, --packets 0): the traffic starts here
                    traffic_started = true;
                    first_submit_cycle = *f.first_beat_cycle;
                }
            }
            if (hooks.rx_on_wire) hooks.rx_on_wire(f);
            activity("RX frame put on the wire");
        });

        // Diagnostics for stalls: OS rings, the driver's view of the hardware rings, activity.
        for (unsigned q = 0; q < queues; ++q) {
            hw.add_diagnostic(fmt::format("queue {}", q), [this, q] { return describe_queue(q); });
        }
        hw.add_diagnostic("traffic", [this] {
            return fmt::format(
                "TX generated {} submitted {} completed {} seen {} of {}; RX put {} delivered {} "
                "dropped {} of {}; wire: RX source pending {}, TX sink partial {} bytes; last activity "
                "cycle {} ({})",
                tx_generated, tx_submitted, tx_completed, tx_seen, sc.traffic.packets, rx_put, rx_delivered,
                total_drops(), rx_expected_total, hw.rx_wire().pending(), hw.tx_partial_bytes(), last_activity,
                last_activity_what);
        });
    }

    std::string describe_queue(unsigned q) const {
        std::string s;
        if (q < txq.size() && txq[q])
            s += fmt::format("OS {} state {}; ", txq[q]->describe(), static_cast<int>(txq[q]->state()));
        if (q < rxq.size() && rxq[q])
            s += fmt::format("OS {} state {}; ", rxq[q]->describe(), static_cast<int>(rxq[q]->state()));
        if (adapter && adapter->started()) {
            for (bool tx : {true, false}) {
                auto const r = tx ? adapter->tx_ring(q) : adapter->rx_ring(q);
                // The completion slot the driver waits on, as host memory holds it (no MMIO).
                std::string slot;
                auto const addr = r.completion_base + std::uint64_t{r.completion_head} * c::CPL_BYTES;
                if (hw.arena().contains_logical(addr, c::CPL_BYTES)) {
                    auto const* b = static_cast<std::uint8_t const*>(hw.arena().to_virtual(addr));
                    for (int i = c::CPL_BYTES - 1; i >= 0; --i) slot += fmt::format("{:02x}", b[i]);
                }
                s += fmt::format(
                    "hw {} ring (driver's view): RING_PROD {} RING_CONS {} outstanding {} of {}, "
                    "completion head {} phase {}{} (slot there: 0x{}); ",
                    tx ? "TX" : "RX", r.produce_index, r.consume_index, r.outstanding, r.entries, r.completion_head,
                    r.completion_phase ? 1 : 0, r.error_pending ? ", error pending" : "", slot);
            }
        }
        return s;
    }

    std::uint64_t total_drops() const {
        std::uint64_t n = 0;
        for (auto const& [r, v] : drops_reported) n += v;
        return n;
    }

    void start_driver() {
        driver::AdapterConfig ac;
        ac.queues_in_use = queues;
        ac.expected_data_width_bits = hw.config().data_width_bits;
        ac.tx_ring_log2 = hw_tx_log2;
        ac.rx_ring_log2 = hw_rx_log2;
        ac.rss_enabled = sc.platform.rss;
        ac.irq_packet_threshold = sc.platform.irq_packets;
        ac.irq_holdoff_cycles = sc.platform.irq_holdoff_cycles;
        // A ring drains (and goes idle) as slowly as the scenario's back-pressure lets it: give the
        // driver's wait as long as the watchdog gives a packet (a read takes several cycles).
        if (limits.watchdog_cycles)
            ac.idle_wait_max_reads = static_cast<std::uint32_t>(
                std::clamp<std::uint64_t>(limits.watchdog_cycles / 4, 4096, ~std::uint32_t{0}));
        driver::fault_injection::DriverFaults driver_faults = sc.driver_faults;
        if (faults)
            driver_faults.tx_descriptor_fault = [this](std::uint32_t q, std::uint64_t seq) {
                return faults->tx_descriptor_fault(q, seq);
            };
        // The driver's platform, with the test-only seams a scenario asks for wrapped around it.
        driver::RegisterBus* registers = &hw.registers();
        driver::HostMemoryAccess* memory = &hw.host_memory();
        if (sc.barrier_bug != BarrierBug::none) {
            misplaced_barriers = std::make_unique<MisplacedBarriers>(*registers, *memory, sc.barrier_bug);
            registers = misplaced_barriers.get();
            memory = misplaced_barriers.get();
        }
        if (faults) {
            faulty_platform = std::make_unique<FaultyDriverPlatform>(*registers, *memory, *faults);
            registers = faulty_platform.get();
            memory = faulty_platform.get();
        }
        adapter = std::make_unique<driver::Adapter>(*registers, *memory, hw.arena(), ac);
        if (driver_faults.any()) driver::fault_injection::install(*adapter, std::move(driver_faults));
        adapter->start();
        hw.set_interrupt_handlers(
            [this](unsigned queue, bool error) {
                if (error) {
                    adapter->on_error_interrupt();
                    return true;
                }
                return adapter->on_interrupt(queue);
            },
            [this] { adapter->run_dpc(); });

        for (unsigned q = 0; q < queues; ++q) {
            ringlib::os::TxQueueConfig tcfg;
            tcfg.queue_id = q;
            tcfg.name = fmt::format("tx{}", q);
            tcfg.packet_ring_size = os_ring;
            tcfg.fragment_ring_size = tx_frag_ring;
            tcfg.fragment_buffer_bytes = frag_bytes;
            tcfg.max_fragments_per_packet = static_cast<std::uint32_t>(c::MAX_TX_FRAGS);
            tcfg.extensions.lso = false;  // this NIC has no segmentation offload: never advertised
            if (sc.platform.memory_order == host::MemoryOrder::weak) {
                // The OS's frame copies are CPU stores too: the driver's barrier must cover them.
                tcfg.store_frame_bytes = [&memory = hw.host_memory()](void* to, void const* from, std::size_t n) {
                    memory.store(to, from, n);
                };
            }
            auto tx = ringlib::os::TxQueue::create(tcfg, hw.arena(), adapter->handle(), driver::EvtCreateTxQueue);
            tx->on_completion([this, q](ringlib::os::TxCompletion const& comp) {
                ++tx_completed;
                if (hooks.tx_completed) hooks.tx_completed(q, comp.frame_id);
                auto& sub = submit_cycle[q];
                auto const submitted = sub.find(comp.frame_id);
                bool const known = submitted != sub.end();
                std::uint64_t const at = known ? submitted->second : 0;
                if (known) sub.erase(submitted);
                tx_progress_cycle[q] = hw.cycle();
                if (comp.status == ringlib::os::TxCompletionStatus::Sent && known)
                    tx_lat.record(hw.cycle() - at);
                else if (comp.status == ringlib::os::TxCompletionStatus::Cancelled && cancelled_run)
                    ++os_cancelled[q];  // never reached the driver: the OS returns it at stop
                else if (comp.status != ringlib::os::TxCompletionStatus::Sent)
                    board_error(
                        fmt::format("tx{}: frame {} completed {} instead of Sent", q, comp.frame_id,
                                    comp.status == ringlib::os::TxCompletionStatus::Ignored ? "Ignored" : "Cancelled"));
                activity("TX completion");
            });
            ringlib::os::RxQueueConfig rcfg;
            rcfg.queue_id = q;
            rcfg.name = fmt::format("rx{}", q);
            rcfg.packet_ring_size = os_ring;
            rcfg.fragment_ring_size = rx_frag_ring;
            rcfg.buffer_capacity_bytes = sc.platform.rx_buffer_bytes;
            auto rx = ringlib::os::RxQueue::create(rcfg, hw.arena(), adapter->handle(), driver::EvtCreateRxQueue);
            rx->on_frame([this, q](ringlib::os::RxFrame&& f) { delivered(q, std::move(f)); });
            tx->start();
            rx->start();
            txq.push_back(std::move(tx));
            rxq.push_back(std::move(rx));
        }
    }

    std::vector<std::string> run_errors;
    std::optional<std::uint64_t> first_error_cycle;  // the scoreboard's or the run's first error
    void board_error(std::string msg) { run_errors.push_back(std::move(msg)); }

    void delivered(unsigned q, ringlib::os::RxFrame&& f) {
        ++rx_delivered;
        scoreboard::RxDelivery d;
        d.queue = static_cast<std::uint16_t>(q);
        if (f.checksum) {
            d.ip = verdict_of(f.checksum->Layer3);
            d.l4 = verdict_of(f.checksum->Layer4);
        }
        if (rss_on && f.hash && f.hash->ProtocolType != NetPacketHashProtocolTypeNone) d.hash = f.hash->HashValue;
        if (f.fragment_count > 1) ++out.rx_multi_buffer;
        if (auto it = rx_put_cycle.find(latency_key(f.bytes)); it != rx_put_cycle.end()) {
            auto& put = it->second;
            rx_lat.record(hw.cycle() - put.first);
            if (put.more.empty()) {
                rx_put_cycle.erase(it);
            } else {  // the next copy of the same frame, in wire order
                put.first = put.more.front();
                put.more.erase(put.more.begin());
            }
        }
        if (q < out.per_queue.size()) {
            ++out.per_queue[q].rx_packets;
            out.per_queue[q].rx_bytes += f.bytes.size();
        }
        out.rx_packets++;
        out.rx_bytes += f.bytes.size();
        if (hooks.rx_delivered) hooks.rx_delivered(q, f.bytes);
        if (tap_link) tap_link->write_host(f.bytes, d.l4 == model::CsumVerdict::good);
        d.bytes = std::move(f.bytes);
        board.rx_delivered(d);
        activity("RX delivery");
    }

    // ---- per cycle (software) ----
    /// Tap mode: the host stack's frames, each on the TX queue RSS gives its flow (as a host
    /// steers a flow's transmits to the queue that receives it).
    void take_host_frames() {
        if (tap_draining || hw.cycle() < tap_next_host_read) return;
        std::size_t queued = 0;
        for (auto const& p : pending) queued += p.size();
        while (queued < 4 * queues) {
            auto h = tap_link->read_host();
            if (!h) {
                tap_next_host_read = hw.cycle() + tap::TapWirePeer::kReadInterval;
                return;
            }
            wire::Frame f;
            f.bytes = std::move(h->bytes);
            auto const q = scoreboard::expect_rx(tx_steering, f.bytes, false).queue;
            f.tx_queue = q;
            pending[q].push_back({std::move(f), false, h->l4_checksum});
            ++tx_generated;
            ++queued;
        }
    }

    void generate_tx() {
        if (tap_link) return take_host_frames();
        std::size_t queued = 0;
        for (auto const& p : pending) queued += p.size();
        while (tx_generated < sc.traffic.packets && queued < 4 * queues) {
            wire::Frame f = tx_gen->next();
            unsigned q = 0;
            if (queues > 1) {
                bool const ip = f.gen && f.gen->kind == wire::FrameKind::ip;
                q = static_cast<unsigned>((ip ? f.gen->flow_idx : tx_generated) % queues);
            }
            f.tx_queue = static_cast<std::uint16_t>(q);
            auto const [offload_ip, offload_l4] = choose_csum_offload(model::parse_frame(f.bytes));
            pending[q].push_back({std::move(f), offload_ip, offload_l4});
            ++tx_generated;
            ++queued;
        }
    }

    /// Which checksums the OS asks the NIC for in a frame of this layout (none: it fills them).
    /// The default (both) draws exactly as it always did, so its runs repeat cycle for cycle.
    std::pair<bool, bool> choose_csum_offload(model::FrameLayout const& lay) {
        bool const has_ip = lay.l3 == model::L3::ipv4, has_l4 = lay.l4 != model::L4::other;
        switch (sc.traffic.csum_offload_sums) {
        case CsumSums::both: {
            bool const offload =
                lay.l3 != model::L3::other && has_l4 && bfm::unit_draw(tx_rng) < sc.traffic.csum_offload_fraction;
            return {offload, offload};
        }
        case CsumSums::ip: return {has_ip && bfm::unit_draw(tx_rng) < sc.traffic.csum_offload_fraction, false};
        case CsumSums::l4: return {false, has_l4 && bfm::unit_draw(tx_rng) < sc.traffic.csum_offload_fraction};
        case CsumSums::mixed: {
            if (!(has_ip || has_l4) || bfm::unit_draw(tx_rng) >= sc.traffic.csum_offload_fraction)
                return {false, false};
            if (!has_ip || !has_l4) return {has_ip, has_l4};
            switch (std::uniform_int_distribution<int>(0, 2)(tx_rng)) {
            case 0: return {true, false};
            case 1: return {false, true};
            default: return {true, true};
            }
        }
        }
        return {false, false};
    }

    void submit_tx() {
        generate_tx();
        for (unsigned q = 0; q < queues; ++q) {
            auto& tx = *txq[q];
            while (!pending[q].empty() && tx.frames_waiting() + tx.frames_in_flight() + 1 < os_ring) {
                wire::Frame f = std::move(pending[q].front().frame);
                bool const offload_ip = pending[q].front().offload_ip;
                bool const offload_l4 = pending[q].front().offload_l4;
                pending[q].pop_front();
                ringlib::os::TxFrameMetadata md;
                scoreboard::TxCsumRequest req;
                if (offload_ip || offload_l4) {
                    model::FrameLayout const lay = model::parse_frame(f.bytes);
                    // The OS hands the frame with zeroed checksums and asks the NIC for them.
                    std::span<std::uint8_t> b(f.bytes);
                    if (offload_ip && lay.l3 == model::L3::ipv4) {
                        model::store_be16(b, lay.l3_offset + model::kIpv4ChecksumOffset, 0);
                        md.ipv4_header_checksum = req.ip = true;
                    }
                    if (offload_l4) {
                        model::store_be16(b, lay.l4_offset + model::l4_checksum_offset(lay.l4), 0);
                        md.tcp_udp_checksum = req.l4 = true;
                    }
                    ++out.tx_offloaded;
                }
                if (tx.fragments_needed(f.bytes.size()) > 1) ++out.tx_multi_fragment;
                std::optional<scoreboard::DropReason> must;
                if (faults) must = faults->on_tx_submitted(q, submitted_on[q]);
                if (tx.frames_in_flight() == 0) tx_progress_cycle[q] = hw.cycle();  // the hang check starts now
                board.tx_posted(static_cast<std::uint16_t>(q), f, req, must);
                auto const id = tx.submit(f.bytes, md);
                if (hooks.tx_submitted) hooks.tx_submitted(q, id, f);
                ++submitted_on[q];
                submit_cycle[q][id] = hw.cycle();
                ++tx_submitted;
                if (!traffic_started) {
                    traffic_started = true;
                    first_submit_cycle = hw.cycle();
                }
            }
        }
    }

    /// RX frames the driver counted dropped, per queue and reason: bad, truncated and runt frames
    /// (from their completions), and frames the NIC took that a ring reset or a cancel kept from
    /// an OS packet (RING_TAKEN minus the completions: exact once the ring was idle).
    void collect_driver_drops() {
        for (unsigned q = 0; q < queues; ++q) {
            auto const& st = adapter->stats(q);
            report_drop(q, scoreboard::DropReason::bad_frame, st.rx_bad_frames);
            report_drop(q, scoreboard::DropReason::oversize, st.rx_truncated);
            report_drop(q, scoreboard::DropReason::runt, st.rx_runts);
            report_drop(q, scoreboard::DropReason::ring_reset, st.rx_reset_drops);
            report_drop(q, scoreboard::DropReason::cancelled, st.rx_cancel_drops);
        }
    }
    std::uint64_t tx_unsent() const {
        std::uint64_t n = 0;
        for (unsigned q = 0; q < queues; ++q) n += adapter->stats(q).tx_dropped_by_error;
        return n;
    }
    void hang_check() {
        if (!limits.hang_check_cycles) return;
        for (unsigned q = 0; q < queues; ++q) {
            if (txq[q]->frames_in_flight() == 0) continue;
            std::uint64_t const since = std::max(tx_progress_cycle[q], hang_reset_cycle[q]);
            if (hw.cycle() - since <= limits.hang_check_cycles) continue;
            hang_reset_cycle[q] = hw.cycle();
            ++hang_resets;
            adapter->request_ring_reset(q, true, false);
            adapter->run_dpc();
        }
    }
    void begin_cancel() {
        stopping = true;
        cancelled_run = true;
        for (unsigned q = 0; q < queues; ++q) {
            txq[q]->stop();
            rxq[q]->stop();
        }
    }
    /// `total`: the counter's value for (queue, reason); what is new goes to the scoreboard.
    void report_drop(unsigned q, scoreboard::DropReason r, std::uint64_t total) {
        auto& seen = drops_reported[{q, r}];
        if (total > seen) {
            board.nic_dropped(static_cast<std::uint16_t>(q), r, total - seen);
            seen = total;
            activity("RX drop");
        }
    }
    /// RING_STAT_DROPS of every RX ring (a statistics query: MMIO reads, only when traffic is quiet).
    void read_hw_drops() {
        for (unsigned q = 0; q < queues; ++q)
            report_drop(q, scoreboard::DropReason::no_buffer,
                        hw.registers().read32(c::queue_reg(q, c::QREG_RX, c::RING_STAT_DROPS)));
        last_stat_read_cycle = hw.cycle();
    }
    /// REG_STATUS.RX_IDLE: no RX frame inside the NIC (received, waiting or being written) and no
    /// RX ring with anything in flight; every frame's fate is then decided and counted.
    bool nic_rx_idle() {
        last_stat_read_cycle = hw.cycle();
        return c::REG_STATUS_RX_IDLE.get(hw.registers().read32(c::REG_STATUS)) != 0;
    }
    /// A completion the driver has not consumed yet (host memory, at its RX completion head), or a
    /// recovery it has not run: the driver still owes the OS frames.
    bool driver_rx_pending() const {
        for (unsigned q = 0; q < queues; ++q) {
            auto const r = adapter->rx_ring(q);
            if (r.error_pending) return true;
            auto const addr = r.completion_base + std::uint64_t{r.completion_head} * c::CPL_BYTES;
            if (!hw.arena().contains_logical(addr, c::CPL_BYTES)) continue;
            auto const* b = static_cast<std::uint8_t const*>(hw.arena().to_virtual(addr));
            bool const phase = (b[c::CPL_BYTES - 1] >> 7) != 0;
            if (phase == r.completion_phase) return true;
        }
        return false;
    }
    /// The RX books are final when the wire is done, the NIC holds no RX frame, the driver owes no
    /// frame, and the counters were read after that: what is still missing is lost, exactly.
    void settle_rx_books() {
        if (!nic_rx_idle() || driver_rx_pending()) return;
        read_hw_drops();
        collect_driver_drops();
        if (rx_accounted() < rx_put) rx_books_final = true;
    }

    /// TX frames the run sends: the scenario's, or in tap mode those taken from the host device.
    std::uint64_t tx_total() const { return tap_link ? tx_generated : sc.traffic.packets; }
    bool tx_done() const {
        std::uint64_t const total = tx_total();
        return (!tap_link || tap_draining) && tx_submitted == total && tx_completed == total &&
               tx_seen + tx_unsent() >= total;
    }
    bool rx_wire_done() const { return peer->done() && hw.rx_wire_idle(); }
    std::uint64_t rx_accounted() const { return rx_delivered + total_drops(); }
    bool traffic_done() const {
        if (!tx_done() || !rx_wire_done()) return false;
        // Loopback: every frame the NIC sent comes back (frames returned unsent do not, and a frame
        // sent twice comes back twice).
        std::uint64_t const expect = sc.traffic.mode == Mode::loopback ? tx_seen
                                     : tap_link                        ? rx_put
                                                                       : rx_expected_total;
        return rx_put == expect && (rx_accounted() >= rx_put || rx_books_final);
    }

    /// Tap mode: stop taking frames from the devices; the run ends once what was taken is through.
    void tap_drain(std::string why) {
        if (tap_draining) return;
        tap_draining = true;
        tap_ended_by = std::move(why);
        tap_peer->close();
        last_activity = hw.cycle();  // the drain's own watchdog period starts now
    }
    bool tap_duration_over() const {
        return sc.traffic.tap.duration_seconds > 0 &&
               std::chrono::duration<double>(Clock::now() - tap_traffic_start).count() >=
                   sc.traffic.tap.duration_seconds;
    }
    /// Tap mode: nothing waits or moves anywhere (no frame pending or in flight, wire ports idle,
    /// the NIC holds no RX frame, the driver owes the OS nothing): time can stop until a device
    /// has a frame. Asked after kTapQuietBeforeIdle quiet cycles, at most once per as many.
    bool tap_idle() {
        if (hw.cycle() - last_activity < kTapQuietBeforeIdle || hw.cycle() - tap_last_idle_check < kTapQuietBeforeIdle)
            return false;
        tap_last_idle_check = hw.cycle();
        for (unsigned q = 0; q < queues; ++q)
            if (!pending[q].empty() || txq[q]->frames_waiting() || txq[q]->frames_in_flight()) return false;
        if (!hw.rx_wire_idle() || hw.tx_partial_bytes() || driver_rx_pending() || !nic_rx_idle()) return false;
        read_hw_drops();  // what the NIC dropped is counted before time stops
        collect_driver_drops();
        return true;
    }
    void tap_wait_for_traffic() {
        while (!stop_requested() && !tap_duration_over())
            if (tap_link->wait_for_traffic(kTapPollMilliseconds, sc.platform.clock_hz)) break;
        tap_next_host_read = 0;
        tap_peer->wake();
        last_activity = hw.cycle();
    }

    void software() {
        if (int const sig = stop_requested()) [[unlikely]] {
            // Tap mode: the first signal ends the traffic; the run drains and reports (nicsim run's
            // handler is one-shot: a second Ctrl-C ends the process at once).
            if (!tap_link || tap_draining) throw RunInterrupted{sig};
            clear_stop_request();
            tap_drain(signal_name(sig));
        }
        if (tap_link && !tap_draining) {
            if (tap_duration_over())
                tap_drain("--duration");
            else if (tap_idle())
                tap_wait_for_traffic();
        }
        // Packets, not just any MMIO read, are progress: an interrupt storm must not hide a stall.
        if (limits.watchdog_cycles && hw.cycle() - last_activity > limits.watchdog_cycles)
            throw sim::WatchdogExpired(
                fmt::format("watchdog: no packet moved for {} cycles: the last packet event "
                            "was at cycle {} ({}) (cycle {}, seed {})",
                            limits.watchdog_cycles, last_activity, last_activity_what, hw.cycle(), sc.seed),
                hw.diagnosis());
        if (hw.cycle() >= limits.max_cycles)
            throw sim::CycleLimitReached(fmt::format("the run reached its cycle limit {} (cycle {}, seed {})",
                                                     limits.max_cycles, hw.cycle(), sc.seed),
                                         hw.diagnosis());
        if (!first_error_cycle && (board.event_errors() || !run_errors.empty())) [[unlikely]]
            first_error_cycle = last_edge();
        if (!stopping) submit_tx();
        if (faults && !stopping) {
            faults->tick(tx_submitted);
            if (faults->cancel_due()) begin_cancel();
        }
        for (unsigned q = 0; q < queues; ++q) {
            if (txq[q]->state() != ringlib::os::QueueState::Stopped) txq[q]->poll();
            bool const starved = faults && !stopping && faults->rx_starved(q);
            if (rxq[q]->state() != ringlib::os::QueueState::Stopped && !starved) rxq[q]->poll();
        }
        collect_driver_drops();
        if (!stopping) hang_check();
        // Quiet with RX frames unaccounted for: ask the NIC (exact: settle_rx_books), never guess.
        if (!stopping && tx_done() && rx_wire_done() && rx_accounted() < rx_put &&
            hw.cycle() - last_activity > kQuietBeforeStatusRead &&
            hw.cycle() - last_stat_read_cycle > kQuietBeforeStatusRead)
            settle_rx_books();
        if (sc.views.progress_interval_cycles && progress_cb && hw.cycle() >= next_progress) {
            next_progress = hw.cycle() + sc.views.progress_interval_cycles;
            progress_cb(progress());
        }
    }

    /// The last rising edge simulated (cycle() counts edges).
    std::uint64_t last_edge() const { return hw.cycle() ? hw.cycle() - 1 : 0; }

    Progress progress() const {
        Progress p;
        p.tx_done = tx_completed;
        p.tx_total = tx_total();
        p.rx_done = rx_accounted();
        p.rx_total = sc.traffic.mode == Mode::loopback ? sc.traffic.packets : tap_link ? rx_put : rx_expected_total;
        p.packets_done = p.tx_done + p.rx_done;
        p.packets_total = p.tx_total + p.rx_total;
        p.cycles = hw.cycle();
        p.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        return p;
    }

    bool rx_rings_posted() const {
        for (unsigned q = 0; q < queues; ++q)
            if (adapter->rx_ring(q).outstanding == 0) return false;
        return true;
    }

    bool all_stopped() const {
        for (unsigned q = 0; q < queues; ++q)
            if (txq[q]->state() != ringlib::os::QueueState::Stopped ||
                rxq[q]->state() != ringlib::os::QueueState::Stopped)
                return false;
        return true;
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
        bool model_usable = true;
        try {
            hw.reset();
            start_driver();
            last_activity = hw.cycle();
            hw.add_between_cycles([this] { software(); });
            // The wire starts once every RX ring has buffers posted and the doorbell reached the
            // NIC (until then a frame can only be dropped for want of buffers), never in reset.
            // The OS queues keep polling meanwhile (between-cycle hooks).
            hw.run_until([this] { return rx_rings_posted(); }, 100'000, "RX buffers posted");
            hw.flush_registers();  // bring-up writes (RSS table...) and the first doorbells have landed
            if (started_cb) started_cb();
            // Faults strike from the start of traffic on, never during bring-up: TX frames are
            // submitted from the first cycle, and a fault due at a few of them (a cancel at=1)
            // would otherwise hit an adapter still posting its first buffers.
            if (faults) faults->attach(*adapter);
            hw.start_wire(*peer);
            last_activity = hw.cycle();
            tap_traffic_start = Clock::now();
            hw.run_until([this] { return traffic_done() || cancelled_run; }, ~std::uint64_t{0} >> 1,
                         "every frame accounted for");
            // Stop: cancel, drain, EvtStop, then the adapter.
            if (!cancelled_run) {
                stopping = true;
                for (unsigned q = 0; q < queues; ++q) {
                    txq[q]->stop();
                    rxq[q]->stop();
                }
            }
            hw.run_until([this] { return all_stopped(); }, 200'000, "the queues to stop");
            if (cancelled_run) {
                // What was on its way still arrives and is dropped by the disabled rings, each on
                // the queue RSS picks (the adapter keeps RSS on until it stops, so the reference
                // knows the queue); once nothing more comes and the NIC holds no RX frame, every
                // drop is counted.
                hw.run_until(
                    [this] {
                        return rx_wire_done() && hw.tx_partial_bytes() == 0 &&
                               hw.cycle() - last_stat_read_cycle > kQuietBeforeStatusRead / 8 && nic_rx_idle();
                    },
                    limits.watchdog_cycles ? limits.watchdog_cycles : 200'000,
                    "the NIC to hold no RX frame after the cancel");
                collect_driver_drops();
                read_hw_drops();
            }
            adapter->stop();
            hw.flush_registers();
        } catch (ringlib::VerifierViolation const& e) {
            ++out.verifier_violations;
            failure = fmt::format("ring verifier: {}", e.what());
        } catch (checkers::ProtocolViolation const& e) {
            ++out.protocol_violations;
            model_usable = false;
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
        (void)model_usable;
        std::uint64_t const failure_cycle = !failure.empty() ? last_edge() : first_error_cycle.value_or(last_edge());
        auto const wall = std::chrono::duration<double>(Clock::now() - t0).count();
        if (progress_cb) progress_cb(progress());
        if (pcap_out) {
            try {
                pcap_out->write();
            } catch (std::exception const& e) {  // names the file: io::OutputFileError
                out.output_errors.push_back(fmt::format("--pcap-out {}", e.what()));
            }
        }
        hw.finish();

        // Books. TX frames the driver returned unsent, by reason (NetAdapterCx has no per-packet
        // TX status: the OS sees them completed; docs/faults.md).
        if (adapter) {
            for (unsigned q = 0; q < queues; ++q) {
                auto const queue = static_cast<std::uint16_t>(q);
                auto const& st = adapter->stats(q);
                board.tx_dropped(queue, scoreboard::DropReason::desc_error, st.tx_dropped_by_error);
                board.tx_dropped(queue, scoreboard::DropReason::cancelled, st.tx_cancelled + os_cancelled[q]);
                out.per_queue[q].tx_unsent = st.tx_dropped_by_error + st.tx_cancelled + os_cancelled[q];
                out.tx_sent_without_completion += st.tx_sent_without_completion;
            }
        }
        for (auto const& [key, n] : drops_reported)
            if (key.first < out.per_queue.size()) out.per_queue[key.first].rx_dropped += n;
        out.hang_check_cycles = limits.hang_check_cycles;
        out.watchdog_cycles = limits.watchdog_cycles;
        out.max_cycles = limits.max_cycles;
        out.limits_raised = (!sc.checks.hang_check_cycles && limits.hang_check_cycles > kDefaultHangCheckCycles) ||
                            (!sc.checks.watchdog_cycles && limits.watchdog_cycles > kDefaultWatchdogCycles);
        scoreboard::Summary const sb = board.finish();
        out.cycles = hw.cycle();
        // From the first frame to the last accounted for (none accounted: the traffic took no time).
        out.traffic_cycles = traffic_started && last_account_cycle > first_submit_cycle
                                 ? last_account_cycle - first_submit_cycle
                                 : traffic_started;
        out.wall_seconds = wall;
        out.tx_posted = tx_submitted;
        out.rx_injected = rx_put;
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
        if (adapter) {
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
        out.hang_resets = hang_resets;
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
        if (tap_link) {
            out.tap = tap_link->stats();
            out.tap_ended_by = tap_ended_by;
            out.tap_mtu = tap_link->mtu();
        }
        out.tx_latency = latency_of(tx_lat);
        out.rx_latency = latency_of(rx_lat);

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
        return out;
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
    return impl_->adapter.get();
}
RunSummary Workload::run() {
    return impl_->run();
}
void Workload::for_each_os_queue(std::function<void(ringlib::os::PacketQueue const&)> const& visit) const {
    for (auto const& q : impl_->txq) visit(*q);
    for (auto const& q : impl_->rxq) visit(*q);
}

}  // namespace nicsim::cosim
