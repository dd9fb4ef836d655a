// Faults: one test per fault of docs/faults.md, on dw64_q4 in loopback (300 packets, a second or
// two each). Each asserts the fault's specific outcome: the ring error code it must cause (and no
// other), the drop reason and count or the TX frames returned unsent, the recovery (traffic after
// the fault completes), the other queues' traffic intact, zero lost and a clean verifier.
// A failing test prints the summary, the seed and the command that replays it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <sys/wait.h>

#include "cosim/cosim.hpp"
#include "tests/common/clean_run.hpp"
#include "tests/common/run_command.hpp"

using nicsim::cosim::CoSimulation;
using nicsim::cosim::FaultKind;
using nicsim::cosim::parse_fault;
using nicsim::cosim::RunSummary;
using nicsim::cosim::Scenario;

namespace {

constexpr std::uint64_t kPackets = 300;

Scenario with_fault(std::string const& spec, std::uint64_t seed = 3) {
    Scenario s;
    s.config = "dw64_q4";
    s.traffic.packets = kPackets;
    s.seed = seed;
    s.checks.watchdog_cycles = 60'000;
    s.platform.memory_order = nicsim::host::MemoryOrder::weak;  // the fault tests run on a weakly ordered host
    s.faults.push_back(parse_fault(spec));
    return s;
}

std::uint64_t at(std::map<std::string, std::uint64_t> const& m, std::string const& k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
}

/// Runs and checks what every fault run must give: passed, zero lost, nothing missing or sent
/// twice, verifier and protocol checkers clean, no error the faults do not explain, and per queue
/// every RX frame delivered or reported dropped (by the NIC's or the driver's counters, exactly).
RunSummary run_fault(Scenario const& s) {
    CoSimulation sim(s);
    RunSummary r = sim.run();
    INFO(nicsim::cosim::format_summary(r));
    INFO("seed " << s.seed << "; replay: " << nicsim::cosim::replay_command(s));
    nicsim::test::check_clean_run(r);
    CHECK(r.errors == 0);
    return r;
}

/// Exactly one ring error, of `code`, explained by the fault.
void check_one_error(RunSummary const& r, std::string const& code) {
    INFO(nicsim::cosim::format_summary(r));
    CHECK(r.ring_errors == 1);
    CHECK(at(r.ring_errors_by_code, code) == 1);
    CHECK(r.expected_errors == 1);
}

/// Every RX frame meant for a queue other than `except` was delivered there.
void check_other_queues_intact(RunSummary const& r, std::optional<unsigned> except) {
    INFO(nicsim::cosim::format_summary(r));
    REQUIRE(r.per_queue.size() == 4);
    for (unsigned q = 0; q < 4; ++q) {
        if (except && q == *except) continue;
        INFO("queue " << q);
        CHECK(r.per_queue[q].rx_expected > 0);
        CHECK(r.per_queue[q].rx_packets == r.per_queue[q].rx_expected);
    }
}

/// The one queue that lost RX frames (any), or nothing if none did; fails if several did.
std::optional<unsigned> queue_short_of_frames(RunSummary const& r) {
    std::optional<unsigned> short_q;
    for (unsigned q = 0; q < r.per_queue.size(); ++q) {
        if (r.per_queue[q].rx_packets == r.per_queue[q].rx_expected) continue;
        CHECK_FALSE(short_q.has_value());
        short_q = q;
    }
    return short_q;
}

}  // namespace

// ---- DMA error responses ----

TEST_CASE("DMA error on a TX descriptor read: ring recovered, every frame sent once") {
    auto const r = run_fault(with_fault("dma-desc-read:queue=1,dir=tx,at=100"));
    check_one_error(r, "ERR_DMA_DESC_READ");
    CHECK(at(r.faults_injected, "dma-desc-read") == 1);
    CHECK(r.tx_packets == kPackets);
    CHECK(r.tx_dropped == 0);
    CHECK(r.tx_duplicates == 0);
    CHECK(r.rx_packets == kPackets);
    CHECK(r.dropped == 0);
}

TEST_CASE("DMA error on an RX descriptor read: that queue drops while stopped, the others are intact") {
    auto const r = run_fault(with_fault("dma-desc-read:queue=2,dir=rx,at=100"));
    check_one_error(r, "ERR_DMA_DESC_READ");
    CHECK(r.tx_packets == kPackets);
    check_other_queues_intact(r, 2);
    CHECK(r.rx_packets + r.dropped == r.rx_injected);
    CHECK(r.dropped == at(r.drops, "no_buffer") + at(r.drops, "ring_reset"));
}

TEST_CASE("DMA error on a TX data read: the packet is read again after recovery") {
    auto const r = run_fault(with_fault("dma-data-read:at=120"));
    check_one_error(r, "ERR_DMA_DATA_READ");
    CHECK(r.tx_packets == kPackets);
    CHECK(r.tx_dropped == 0);
    CHECK(r.tx_duplicates == 0);
    CHECK(r.rx_packets == kPackets);
}

TEST_CASE("DMA error on an RX data write: one queue loses what was in flight, the others are intact") {
    auto const r = run_fault(with_fault("dma-rx-write:at=120"));
    check_one_error(r, "ERR_DMA_DATA_WRITE");
    CHECK(r.tx_packets == kPackets);
    check_other_queues_intact(r, queue_short_of_frames(r));
    CHECK(r.dropped == at(r.drops, "no_buffer") + at(r.drops, "ring_reset"));
    CHECK(r.rx_packets + r.dropped == r.rx_injected);
}

TEST_CASE("DMA error on a TX completion write: the frames whose completion was lost return as sent, once") {
    auto const r = run_fault(with_fault("dma-cpl-write:queue=0,dir=tx,at=100"));
    check_one_error(r, "ERR_DMA_CPL_WRITE");
    CHECK(r.tx_sent_without_completion >= 1);  // on the wire (RING_TAKEN), its completion lost
    CHECK(r.tx_dropped == 0);
    CHECK(r.tx_packets == kPackets);  // every frame seen exactly once (run_fault: no duplicate)
    CHECK(r.rx_injected == kPackets);
    CHECK(r.rx_packets == kPackets);
}

TEST_CASE("DMA error on an RX completion write: only that queue loses frames") {
    auto const r = run_fault(with_fault("dma-cpl-write:queue=3,dir=rx,at=100"));
    check_one_error(r, "ERR_DMA_CPL_WRITE");
    check_other_queues_intact(r, 3);
    CHECK(r.rx_packets + r.dropped == r.rx_injected);
}

// ---- malformed TX descriptors ----

TEST_CASE("TX descriptor of zero length: that frame comes back unsent, the rest is sent") {
    auto const r = run_fault(with_fault("tx-zero-len:queue=2,at=50"));
    check_one_error(r, "ERR_DESC_ZERO_LEN");
    CHECK(at(r.faults_injected, "tx-zero-len") == 1);
    CHECK(at(r.tx_drops, "desc_error") == 1);
    CHECK(r.tx_packets == kPackets - 1);
    CHECK(r.rx_packets == kPackets - 1);
    CHECK(r.tx_duplicates == 0);
}

TEST_CASE("TX descriptor longer than MAX_FRAME_BYTES: that frame comes back unsent") {
    auto const r = run_fault(with_fault("tx-len-over:queue=1,at=80"));
    check_one_error(r, "ERR_DESC_LEN_OVER");
    CHECK(at(r.tx_drops, "desc_error") == 1);
    CHECK(r.tx_packets == kPackets - 1);
    CHECK(r.rx_packets == kPackets - 1);
}

TEST_CASE("TX chain of MAX_TX_FRAGS descriptors without end of packet: that frame comes back unsent") {
    auto const r = run_fault(with_fault("tx-chain-long:queue=0,at=30"));
    check_one_error(r, "ERR_DESC_CHAIN_LONG");
    CHECK(at(r.tx_drops, "desc_error") == 1);
    CHECK(r.tx_packets == kPackets - 1);
}

TEST_CASE("TX chain without end of packet: the ring waits, the hang check resets it, the frame is sent") {
    auto const r = run_fault(with_fault("tx-no-eop:queue=3,at=200"));
    CHECK(at(r.faults_injected, "tx-no-eop") == 1);
    CHECK(r.ring_errors == 0);  // the contract: a chain published in pieces is not an error
    CHECK(r.hang_resets == 1);
    CHECK(r.queue_resets == 1);
    CHECK(r.tx_packets == kPackets);
    CHECK(r.tx_duplicates == 0);
    CHECK(r.rx_packets == kPackets);
}

// ---- RX from the wire ----

TEST_CASE("RX runt frames are dropped as runts") {
    auto const r = run_fault(with_fault("rx-runt:count=5,every=20"));
    CHECK(at(r.faults_injected, "rx-runt") == 5);
    CHECK(at(r.drops, "runt") == 5);
    CHECK(r.dropped == 5);
    CHECK(r.rx_packets == kPackets - 5);
    CHECK(r.ring_errors == 0);
}

TEST_CASE("RX frames over MAX_FRAME_BYTES are dropped as oversize") {
    auto const r = run_fault(with_fault("rx-oversize:count=3,every=30"));
    CHECK(at(r.drops, "oversize") == 3);
    CHECK(r.dropped == 3);
    CHECK(r.rx_packets == kPackets - 3);
}

TEST_CASE("RX frames marked bad by tuser are dropped as bad frames") {
    auto const r = run_fault(with_fault("rx-bad:count=4,every=25"));
    CHECK(at(r.drops, "bad_frame") == 4);
    CHECK(r.dropped == 4);
    CHECK(r.rx_packets == kPackets - 4);
}

TEST_CASE("RX frames with a spoiled checksum are delivered, their completions saying which sum is bad") {
    auto const r = run_fault(with_fault("rx-bad-csum:count=6,every=15"));
    CHECK(at(r.faults_injected, "rx-bad-csum") == 6);
    CHECK(r.ring_errors == 0);
    CHECK(r.dropped == 0);
    CHECK(r.rx_packets == kPackets);  // delivered, bytes as put (the scoreboard checks each verdict)
    REQUIRE(r.contract_coverage.has_value());
    auto const ip_bad = at(*r.contract_coverage, "rx.completion.ip_csum.bad");
    auto const l4_bad = at(*r.contract_coverage, "rx.completion.l4_csum.bad");
    CHECK(ip_bad == 3);  // injections alternate between the two sums, one per frame
    CHECK(l4_bad == 3);  // (the L4 sum covers the pseudo header, not the IPv4 header's checksum)
}

TEST_CASE("RX starvation: the starved queue drops for want of buffers, counted exactly, the others are intact") {
    auto s = with_fault("rx-starve:queue=1,at=40,cycles=20000");
    s.platform.ring_size = 16;
    auto const r = run_fault(s);
    CHECK(at(r.drops, "no_buffer") > 0);
    CHECK(r.dropped == at(r.drops, "no_buffer"));
    check_other_queues_intact(r, 1);
    CHECK(r.per_queue[1].rx_packets + r.dropped == r.per_queue[1].rx_expected);
    CHECK(r.ring_errors == 0);
}

TEST_CASE("RX buffers smaller than the frames: frames span several buffers, all delivered") {
    Scenario s;
    s.traffic.packets = kPackets;
    s.seed = 4;
    s.platform.rx_buffer_bytes = 128;
    auto const r = run_fault(s);
    CHECK(r.rx_packets == kPackets);
    CHECK(r.rx_multi_buffer > kPackets / 2);
    CHECK(r.dropped == 0);
}

// ---- registers ----

TEST_CASE("Doorbell beyond the TX ring size: the ring stops, recovers, nothing lost") {
    auto const r = run_fault(with_fault("doorbell-range:queue=2,dir=tx,at=100"));
    check_one_error(r, "ERR_DOORBELL_RANGE");
    CHECK(r.tx_packets == kPackets);
    CHECK(r.tx_duplicates == 0);
    CHECK(r.rx_packets == kPackets);
}

TEST_CASE("Doorbell beyond the RX ring size: that queue recovers, the others are intact") {
    auto const r = run_fault(with_fault("doorbell-range:queue=2,dir=rx,at=100"));
    check_one_error(r, "ERR_DOORBELL_RANGE");
    check_other_queues_intact(r, 2);
    CHECK(r.rx_packets + r.dropped == r.rx_injected);
}

TEST_CASE("Register writes to undefined addresses are refused with SLVERR, traffic unaffected") {
    auto const r = run_fault(with_fault("reg-undefined:count=2"));
    CHECK(r.expected_errors == 10);  // 4 writes and 1 read per injection, all SLVERR
    CHECK(r.ring_errors == 0);
    CHECK(r.rx_packets == kPackets);
}

TEST_CASE("Register writes to read-only registers are refused with SLVERR and change nothing") {
    auto const r = run_fault(with_fault("reg-readonly:queue=0"));
    CHECK(r.expected_errors == 4);
    CHECK(r.ring_errors == 0);
    CHECK(r.rx_packets == kPackets);
}

TEST_CASE("Register readback: every register answers, each one the driver wrote reads back its value") {
    auto const r = run_fault(with_fault("reg-readback:count=3"));  // run_fault: a wrong value fails the run
    CHECK(at(r.faults_injected, "reg-readback") == 3);
    CHECK(r.ring_errors == 0);
    CHECK(r.expected_errors == 0);
    CHECK(r.rx_packets == kPackets);
    CHECK(r.tx_packets == kPackets);
    REQUIRE(r.contract_coverage.has_value());
    CHECK(at(*r.contract_coverage, "register.read_refused") == 0);
}

// ---- queue reset ----

TEST_CASE("Queue reset in the middle of traffic: both rings reset, TX resent, the other queues intact") {
    auto const r = run_fault(with_fault("queue-reset:queue=1,at=120"));
    CHECK(r.queue_resets == 2);
    CHECK(r.ring_errors == 0);
    CHECK(r.tx_packets == kPackets);
    CHECK(r.tx_dropped == 0);
    check_other_queues_intact(r, 1);
    CHECK(r.rx_packets + r.dropped == r.rx_injected);
}

// ---- ring configurations and RX buffers the NIC must refuse ----

TEST_CASE("TX ring enabled with a bad size: refused, the driver recovers, every frame sent once") {
    auto const r = run_fault(with_fault("ring-config:queue=1,dir=tx,at=100"));
    check_one_error(r, "ERR_RING_CONFIG");
    CHECK(at(r.faults_injected, "ring-config") == 1);
    CHECK(r.queue_resets == 1);  // the reset whose enable the NIC refused
    CHECK(r.tx_packets == kPackets);
    CHECK(r.tx_dropped == 0);
    CHECK(r.tx_duplicates == 0);
    CHECK(r.rx_packets == kPackets);
}

TEST_CASE("RX ring enabled with a bad size: that queue recovers, the others are intact") {
    auto const r = run_fault(with_fault("ring-config:queue=3,dir=rx,at=100"));
    check_one_error(r, "ERR_RING_CONFIG");
    CHECK(r.tx_packets == kPackets);
    check_other_queues_intact(r, 3);
    CHECK(r.rx_packets + r.dropped == r.rx_injected);
    CHECK(r.dropped == at(r.drops, "no_buffer") + at(r.drops, "ring_reset"));
}

TEST_CASE("RX buffer not aligned: the ring stops before writing it, recovers, the others are intact") {
    Scenario s = with_fault("rx-desc-bad:queue=2,at=100");
    s.platform.ring_size = 32;  // the NIC reaches the next buffer posted (the bad one) within the run
    auto const r = run_fault(s);
    check_one_error(r, "ERR_RX_DESC_BAD");
    CHECK(at(r.faults_injected, "rx-desc-bad") == 1);
    CHECK(r.tx_packets == kPackets);
    check_other_queues_intact(r, 2);
    CHECK(r.rx_packets + r.dropped == r.rx_injected);
    CHECK(r.dropped == at(r.drops, "no_buffer") + at(r.drops, "ring_reset"));
}

// ---- several faults at once, and on the wide datapath ----

TEST_CASE("Several faults on different queues in one run") {
    Scenario s = with_fault("dma-desc-read:queue=0,dir=tx,at=60", 11);
    s.faults.push_back(parse_fault("tx-zero-len:queue=1,at=90"));
    s.faults.push_back(parse_fault("rx-bad:count=3"));
    s.faults.push_back(parse_fault("doorbell-range:queue=3,dir=tx,at=150"));
    auto const r = run_fault(s);
    CHECK(r.ring_errors == 3);
    CHECK(r.expected_errors == 3);
    CHECK(at(r.tx_drops, "desc_error") == 1);
    CHECK(at(r.drops, "bad_frame") == 3);
}

TEST_CASE("DMA and descriptor faults on dw512_q4") {
    auto const names = nicsim::dut::dut_config_names();
    if (std::find(names.begin(), names.end(), "dw512_q4") == names.end()) {
        WARN("dw512_q4 is not in this build (NICSIM_DUT_CONFIGS)");
        return;
    }
    Scenario s = with_fault("dma-data-read:at=80", 12);
    s.config = "dw512_q4";
    s.faults.push_back(parse_fault("tx-chain-long:queue=2,at=150"));
    auto const r = run_fault(s);
    CHECK(r.ring_errors == 2);
    CHECK(at(r.tx_drops, "desc_error") == 1);
}

// At 256 and 512 bits the TX engine buffers descriptor beats; the ring error of a failed read
// was raised from the R channel instead of the buffered beat, so under heavy stalls it was never
// raised: the engine skipped the failed descriptors and completed later packets out of order
// (found by stress seed 1022).
namespace {
void check_tx_descriptor_read_error_on_wide_nic(std::string const& config) {
    Scenario s = with_fault("dma-desc-read:queue=0,dir=tx,at=17", 1022);
    s.config = config;
    s.traffic.packets = 60;
    s.platform.queues = 1;
    s.platform.ring_size = 64;
    s.traffic.sizes = nicsim::wire::SizeDist::imix();
    s.platform.mem_stall_percent = 90;
    s.checks.watchdog_cycles.reset();  // scaled to the stalls
    auto const r = run_fault(s);
    check_one_error(r, "ERR_DMA_DESC_READ");
    CHECK(r.tx_packets == 60);
    CHECK(r.tx_duplicates == 0);
}
}  // namespace

TEST_CASE("DMA error on a TX descriptor read at 256 bits, under heavy stalls", "[dw256_q4]") {
    check_tx_descriptor_read_error_on_wide_nic("dw256_q4");
}

TEST_CASE("DMA error on a TX descriptor read at 512 bits, under heavy stalls", "[dw512_q4]") {
    check_tx_descriptor_read_error_on_wide_nic("dw512_q4");
}

// ---- a deliberately broken driver against the RTL ----

TEST_CASE("A broken driver is caught by the ring verifier with rule, ring and index, and the run fails cleanly") {
    Scenario s;
    s.traffic.packets = 100;
    s.seed = 5;
    s.platform.memory_order = nicsim::host::MemoryOrder::weak;
    s.driver_faults.rx_leaves_layout_unwritten = true;
    CoSimulation sim(s);
    RunSummary const r = sim.run();
    INFO(nicsim::cosim::format_summary(r));
    CHECK_FALSE(r.passed);
    CHECK(r.verifier_violations == 1);
    CHECK(r.failure.find("ring verifier") != std::string::npos);
    // With context: the rule (code and name), the queue, the callback, the ring and the index.
    CHECK(r.failure.find("InvalidRingUnmodifiedRxPacket") != std::string::npos);
    CHECK(r.failure.find("queue=rx") != std::string::npos);
    CHECK(r.failure.find("callback=EvtAdvance") != std::string::npos);
    CHECK(r.failure.find("ring=packet") != std::string::npos);
    CHECK(r.failure.find("index=") != std::string::npos);
    CHECK(r.wall_seconds < 60);  // stopped at the violation, no hang
    CHECK(format_summary(r).find("FAILED") != std::string::npos);
}

// ---- the command line ----

namespace {
using Exec = nicsim::test::CommandResult;
inline Exec exec(std::string const& cmd) {
    return nicsim::test::run_command(cmd);
}
}  // namespace

TEST_CASE("nicsim run --fault: a bad spec exits 2 with one line naming it") {
    for (std::string const spec :
         {"nosuch", "dma-desc-read:queue=x", "rx-bad:rate=2", "tx-zero-len:dir=rx", "rx-bad:at=5,rate=0.1",
          "cancel:count=2", "queue-reset:queue=9", "rx-bad:queue=4294967296"}) {  // was cut to 32 bits: queue 0
        auto const e = exec(fmt::format("{} run --packets 10 --fault '{}'", NICSIM_BIN, spec));
        INFO(spec << ": " << e.output);
        CHECK(e.status == 2);
        CHECK(std::count(e.output.begin(), e.output.end(), '\n') == 1);
        CHECK(e.output.find("--fault") != std::string::npos);
    }
}

TEST_CASE("nicsim run --fault tx-no-eop with the hang check off is refused: the ring would wait forever") {
    auto const e = exec(fmt::format("{} run --packets 10 --fault tx-no-eop --hang-check 0", NICSIM_BIN));
    INFO(e.output);
    CHECK(e.status == 2);
    CHECK(std::count(e.output.begin(), e.output.end(), '\n') == 1);
    CHECK(e.output.find("--fault tx-no-eop needs the hang check") != std::string::npos);
}

TEST_CASE("nicsim run --help documents --fault, every kind and --soak") {
    auto const e = exec(fmt::format("{} run --help", NICSIM_BIN));
    CHECK(e.status == 0);
    for (std::string const k : {"--fault", "--soak", "--rx-buffer", "--hang-check", "dma-desc-read", "tx-no-eop",
                                "rx-starve", "queue-reset", "cancel"})
        CHECK(e.output.find(k) != std::string::npos);
}

TEST_CASE("nicsim run --fault runs and the replay command repeats the fault") {
    auto const e =
        exec(fmt::format("{} run --packets 60 --seed 2 --memory-order weak --fault rx-bad:count=2", NICSIM_BIN));
    INFO(e.output);
    CHECK(e.status == 0);
    CHECK(e.output.find("--fault rx-bad:count=2") != std::string::npos);
    CHECK(e.output.find("bad_frame 2") != std::string::npos);
}
