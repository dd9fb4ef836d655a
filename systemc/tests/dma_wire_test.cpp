// DMA through the initiator socket, frames through the sc_fifo ports, interrupts on sc_signals.
#include <algorithm>
#include <optional>

#include <catch2/catch.hpp>

#include "test_platform.hpp"

using namespace nicsim::systemc;
using namespace nicsim::systemc::test;
namespace wire = nicsim::wire;

namespace {

struct Transport {
    tlm::tlm_command cmd;
    std::uint64_t addr;
    unsigned length;
    tlm::tlm_response_status status;
    sc_core::sc_time call_time;
    sc_core::sc_time delay;
};

void record_transports(TestPlatform& p, std::vector<Transport>& log) {
    p.host.on_transport = [&log](tlm::tlm_generic_payload const& t, sc_core::sc_time const& at,
                                 sc_core::sc_time const& delay) {
        log.push_back({t.get_command(), t.get_address(), t.get_data_length(), t.get_response_status(), at, delay});
    };
}

/// Copies `f` into a fresh host buffer and posts it as one TX descriptor at ring index idx.
void post_tx_frame(TestPlatform& p, Ring const& tx, unsigned idx, wire::Frame const& f,
                   std::uint64_t* buf_out = nullptr) {
    auto const buf = p.host.arena().allocate(f.bytes.size(), 64).logical_address;
    auto dst = p.host.bytes(buf, f.bytes.size());
    std::copy(f.bytes.begin(), f.bytes.end(), dst.begin());
    c::tx_desc_t d;
    d.addr = buf;
    d.len = static_cast<std::uint16_t>(f.bytes.size());
    d.eop = true;
    put_desc(p, tx, idx, d);
    if (buf_out) *buf_out = buf;
}

/// Posts `count` RX buffers of `capacity` bytes at indices 0..count-1; returns their addresses.
std::vector<std::uint64_t> post_rx_buffers(TestPlatform& p, Ring const& rx, unsigned count, std::uint32_t capacity) {
    std::vector<std::uint64_t> bufs;
    for (unsigned i = 0; i < count; ++i) {
        auto const buf = p.host.arena().allocate(capacity, c::RX_BUF_ALIGN_BYTES).logical_address;
        c::rx_desc_t d;
        d.addr = buf;
        d.capacity = capacity;
        put_desc(p, rx, i, d);
        bufs.push_back(buf);
    }
    return bufs;
}

}  // namespace

TEST_CASE("dma: a doorbell makes the NIC fetch its descriptor and data through the initiator socket") {
    TestPlatform p("tb");
    std::vector<Transport> log;
    record_transports(p, log);
    Ring tx;
    std::uint64_t buf = 0;
    std::optional<c::tx_cpl_t> cpl;
    wire::Frame const frame = test_frame(60, 1);
    p.software = [&](TestPlatform& tb) {
        tx = bring_up_ring(tb, 0, c::QREG_TX, 3);
        post_tx_frame(tb, tx, 0, frame, &buf);
        tb.write_ok(tx.reg(c::RING_PROD), 1);
        tb.wait_until([&] { return (cpl = first_pass_cpl<c::tx_cpl_t>(tb, tx, 0)).has_value(); }, 2000);
    };
    REQUIRE(p.run());
    REQUIRE(cpl);
    CHECK(cpl->last_desc == 0);
    CHECK(cpl->desc_count == 1);
    CHECK(cpl->len == 60);
    CHECK(cpl->status == c::cpl_status_e::CPL_OK);
    // Descriptor read (covering slot 0), data read (covering the frame), completion write, in that order.
    auto covers = [](Transport const& t, std::uint64_t addr, std::uint64_t len) {
        return t.addr <= addr && addr + len <= t.addr + t.length;
    };
    auto desc = std::find_if(log.begin(), log.end(), [&](Transport const& t) {
        return t.cmd == tlm::TLM_READ_COMMAND && covers(t, tx.desc_addr(0), c::DESC_BYTES);
    });
    auto data = std::find_if(log.begin(), log.end(),
                             [&](Transport const& t) { return t.cmd == tlm::TLM_READ_COMMAND && covers(t, buf, 60); });
    auto completion = std::find_if(log.begin(), log.end(), [&](Transport const& t) {
        return t.cmd == tlm::TLM_WRITE_COMMAND && covers(t, tx.cpl_addr(0), c::CPL_BYTES);
    });
    REQUIRE(desc != log.end());
    REQUIRE(data != log.end());
    REQUIRE(completion != log.end());
    CHECK(desc < data);
    CHECK(data < completion);
    CHECK(p.nic.stats().dma_read_bursts == p.host.stats().reads);
    CHECK(p.nic.stats().dma_error_responses == 0);
}

TEST_CASE("dma: the response waits for the delay the host memory target annotated") {
    sc_core::sc_time const latency(400, sc_core::SC_NS);  // 100 NIC cycles
    HostMemoryTargetConfig cfg;
    cfg.read_latency = latency;
    TestPlatform p("tb", cfg);
    std::vector<Transport> log;
    record_transports(p, log);
    Ring tx;
    std::uint64_t buf = 0;
    std::optional<c::tx_cpl_t> cpl;
    p.software = [&](TestPlatform& tb) {
        tx = bring_up_ring(tb, 0, c::QREG_TX, 3);
        post_tx_frame(tb, tx, 0, test_frame(128, 9), &buf);
        tb.write_ok(tx.reg(c::RING_PROD), 1);
        tb.wait_until([&] { return (cpl = first_pass_cpl<c::tx_cpl_t>(tb, tx, 0)).has_value(); }, 4000);
    };
    REQUIRE(p.run());
    REQUIRE(cpl);
    auto desc = std::find_if(log.begin(), log.end(), [&](Transport const& t) {
        return t.cmd == tlm::TLM_READ_COMMAND && t.addr <= tx.desc_addr(0) && tx.desc_addr(0) < t.addr + t.length;
    });
    auto data = std::find_if(log.begin(), log.end(), [&](Transport const& t) {
        return t.cmd == tlm::TLM_READ_COMMAND && t.addr <= buf && buf < t.addr + t.length;
    });
    REQUIRE(desc != log.end());
    REQUIRE(data != log.end());
    CHECK(desc->delay == latency);
    // The data address is only known once the descriptor came back, a latency later.
    CHECK(data->call_time >= desc->call_time + latency);
    CHECK(data->call_time < desc->call_time + latency + 20 * kPeriod);
}

namespace {
// One platform per process: a variant is its own TEST_CASE, never a GENERATE or SECTION.
void check_dma_error_state(tlm::tlm_response_status status) {
    TestPlatform p("tb");
    Ring tx;
    std::uint32_t ring_err = 0, err_queues = 0, cause = 0, other_ring_err = 0;
    p.software = [&](TestPlatform& tb) {
        tb.write_ok(c::REG_ERR_IRQ_EN, 1);
        tx = bring_up_ring(tb, 0, c::QREG_TX, 3);
        Ring const tx1 = bring_up_ring(tb, 1, c::QREG_TX, 3);
        tb.host.inject_error({tx.desc_base, tx.size * c::DESC_BYTES, AccessKind::read, status});
        post_tx_frame(tb, tx, 0, test_frame(60, 3));
        tb.write_ok(tx.reg(c::RING_PROD), 1);
        tb.wait_until([&] { return tb.read_ok(tx.reg(c::RING_ERR)) != 0; }, 500);
        ring_err = tb.read_ok(tx.reg(c::RING_ERR));
        err_queues = tb.read_ok(c::REG_ERR_QUEUES);
        cause = tb.read_ok(c::queue_reg(0, c::QREG_IRQ, c::IRQ_CAUSE));
        other_ring_err = tb.read_ok(tx1.reg(c::RING_ERR));
        tb.wait_cycles(4);
    };
    REQUIRE(p.run());
    CHECK(ring_err == static_cast<std::uint32_t>(c::err_e::ERR_DMA_DESC_READ));
    CHECK(c::REG_ERR_QUEUES_TX.get(err_queues) == 1);
    CHECK(c::IRQ_CAUSE_ERROR.get(cause) == 1);
    CHECK(other_ring_err == 0);
    CHECK(p.nic.stats().dma_error_responses >= 1);
    CHECK(p.irq_error_line.rises.size() == 1);
    REQUIRE(p.irq_error_line.falls.size() == 1);
    CHECK(p.irq_error_line.falls[0] - p.irq_error_line.rises[0] == kPeriod);  // the RTL's one-cycle pulse
}
}  // namespace

TEST_CASE("dma: a generic error from the target (SLVERR) puts the ring in its DMA error state and pulses irq_error") {
    check_dma_error_state(tlm::TLM_GENERIC_ERROR_RESPONSE);
}

TEST_CASE("dma: an address error from the target (DECERR) puts the ring in its DMA error state and pulses irq_error") {
    check_dma_error_state(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("wire: frames written to the RX fifo land in host memory with their completions") {
    TestPlatform p("tb");
    Ring rx;
    std::vector<std::uint64_t> bufs;
    std::vector<c::rx_cpl_t> cpls;
    std::vector<wire::Frame> frames{test_frame(100, 5), test_frame(61, 6), test_frame(1500, 7)};
    frames[1].bad = true;
    p.software = [&](TestPlatform& tb) {
        rx = bring_up_ring(tb, 0, c::QREG_RX, 3);
        bufs = post_rx_buffers(tb, rx, 7, 2048);
        tb.write_ok(rx.reg(c::RING_PROD), 7);
        for (auto const& f : frames) tb.rx_fifo.write(f);
        for (unsigned i = 0; i < frames.size(); ++i) {
            std::optional<c::rx_cpl_t> cpl;
            if (!tb.wait_until([&] { return (cpl = first_pass_cpl<c::rx_cpl_t>(tb, rx, i)).has_value(); }, 4000))
                return;
            cpls.push_back(*cpl);
        }
    };
    REQUIRE(p.run());
    REQUIRE(cpls.size() == frames.size());
    for (unsigned i = 0; i < frames.size(); ++i) {
        INFO("frame " << i);
        CHECK(cpls[i].first_buf == i);
        CHECK(cpls[i].buf_count == 1);
        CHECK(cpls[i].len == frames[i].bytes.size());
        CHECK(cpls[i].status == (frames[i].bad ? c::cpl_status_e::CPL_BAD_FRAME : c::cpl_status_e::CPL_OK));
        auto landed = p.host.bytes(bufs[i], frames[i].bytes.size());
        CHECK(wire::describe_difference(frames[i].bytes, landed) == "");
    }
    CHECK(p.nic.stats().rx_frames == frames.size());
}

TEST_CASE("wire: TX frames arrive on the TX fifo in order while a full fifo holds the NIC back") {
    // A one-frame fifo read only every 300 cycles: the NIC must wait with tready low, lose nothing.
    TestPlatform p("tb", {}, 1);
    Ring tx;
    std::vector<wire::Frame> sent, received;
    std::vector<sc_core::sc_time> read_times;
    std::uint64_t max_cycles_waiting = 0;
    p.software = [&](TestPlatform& tb) {
        tx = bring_up_ring(tb, 0, c::QREG_TX, 3);
        for (unsigned i = 0; i < 5; ++i) {
            sent.push_back(test_frame(64 + 97 * i, static_cast<std::uint8_t>(20 + i)));
            post_tx_frame(tb, tx, i, sent.back());
        }
        tb.write_ok(tx.reg(c::RING_PROD), 5);
        for (unsigned i = 0; i < sent.size(); ++i) {
            tb.wait_cycles(300);
            wire::Frame f;
            if (!tb.tx_fifo.nb_read(f)) return;
            received.push_back(f);
            read_times.push_back(sc_core::sc_time_stamp());
            max_cycles_waiting = std::max(max_cycles_waiting, tb.nic.cycle() - *f.last_beat_cycle);
        }
    };
    REQUIRE(p.run());
    REQUIRE(received.size() == sent.size());
    for (unsigned i = 0; i < sent.size(); ++i) {
        INFO("frame " << i);
        CHECK(wire::describe_difference(sent[i].bytes, received[i].bytes) == "");
        CHECK_FALSE(received[i].bad);
    }
    CHECK(max_cycles_waiting > 100);  // frames sat in the fifo: the NIC was held back, not dropping
    CHECK(p.nic.stats().tx_frames == sent.size());
}

TEST_CASE("interrupts: an armed queue's RX completion pulses its irq_queue signal once per arming") {
    unsigned const q = 0;
    TestPlatform p("tb");
    Ring rx;
    std::uint32_t cause = 0;
    std::size_t pulses_after_first = 0, pulses_unarmed = 0, pulses_rearmed = 0;
    p.software = [&](TestPlatform& tb) {
        rx = bring_up_ring(tb, q, c::QREG_RX, 3);
        post_rx_buffers(tb, rx, 7, 2048);
        tb.write_ok(rx.reg(c::RING_PROD), 7);
        std::uint16_t const irq = c::queue_reg(q, c::QREG_IRQ, 0);
        tb.write_ok(irq + c::IRQ_ARM, 1);
        tb.rx_fifo.write(test_frame(80, 1));
        tb.wait_until([&] { return !tb.irq_lines[q].falls.empty(); }, 2000);
        pulses_after_first = tb.irq_lines[q].rises.size();
        cause = tb.read_ok(irq + c::IRQ_CAUSE);
        // Not re-armed: a second completion raises no interrupt...
        tb.rx_fifo.write(test_frame(80, 2));
        tb.wait_until([&] { return first_pass_cpl<c::rx_cpl_t>(tb, rx, 1).has_value(); }, 2000);
        tb.wait_cycles(20);
        pulses_unarmed = tb.irq_lines[q].rises.size();
        // ...until re-arming, which fires at once for the completion already counted.
        tb.write_ok(irq + c::IRQ_ARM, 1);
        tb.wait_cycles(20);
        pulses_rearmed = tb.irq_lines[q].rises.size();
    };
    REQUIRE(p.run());
    CHECK(pulses_after_first == 1);
    CHECK(c::IRQ_CAUSE_RX_CPL.get(cause) == 1);
    CHECK(pulses_unarmed == 1);
    CHECK(pulses_rearmed == 2);
    REQUIRE(p.irq_lines[q].falls.size() >= 1);
    CHECK(p.irq_lines[q].falls[0] - p.irq_lines[q].rises[0] == kPeriod);
    for (unsigned other = 1; other < NicModule::num_queues; ++other) CHECK(p.irq_lines[other].rises.empty());
    CHECK(p.irq_error_line.rises.empty());
}
