// Pipeline latencies at nic_top's ports, pinned exactly (docs/contract.md "Pipeline latencies"):
// an idle NIC, zero-latency host memory, no stalls anywhere (IdleNic), measured from the
// transaction recorder's handshakes. DMA clients are told apart by AXI ID (nic_top numbers its
// DMA clients: ARID 0 TX descriptors, 1 TX data, 2 RX descriptors; AWID 0 TX completions,
// 1 RX data, 2 RX completions).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "idle_nic.hpp"

using nicsim::golden::IdleNic;
using nicsim::monitor::Channel;
using nicsim::monitor::Handshake;
namespace ct = nicsim::contract;

namespace {

constexpr std::uint32_t arid_tx_desc = 0, arid_tx_data = 1;
constexpr std::uint32_t awid_tx_cpl = 0, awid_rx_cpl = 2;

/// Every latency of the contract's table, in cycles between the two handshakes' edges.
struct Latencies {
    std::uint64_t doorbell_to_desc_read = 0;   // RING_PROD write (AW and W done) -> descriptor AR
    std::uint64_t desc_data_to_data_read = 0;  // last descriptor R beat -> first data AR
    std::uint64_t last_data_to_first_tx = 0;   // last data R beat -> first m_axis_tx beat
    std::uint64_t last_tx_to_cpl_write = 0;    // m_axis_tx last beat -> completion AW
    std::uint64_t tx_cpl_to_irq = 0;           // completion B -> irq_queue high
    std::uint64_t rx_last_to_cpl_write = 0;    // s_axis_rx last beat -> RX completion AW
    std::uint64_t rx_cpl_to_irq = 0;           // RX completion B -> irq_queue high
    bool operator==(Latencies const&) const = default;
};

std::string describe(Latencies const& l) {
    return fmt::format(
        "doorbell->desc AR {}, desc R->data AR {}, last data R->first TX {}, last TX->cpl AW {}, "
        "TX cpl B->irq {}, RX last->cpl AW {}, RX cpl B->irq {}",
        l.doorbell_to_desc_read, l.desc_data_to_data_read, l.last_data_to_first_tx, l.last_tx_to_cpl_write,
        l.tx_cpl_to_irq, l.rx_last_to_cpl_write, l.rx_cpl_to_irq);
}

std::vector<std::uint8_t> frame_of(std::size_t n) {
    std::vector<std::uint8_t> f(n);
    for (std::size_t i = 0; i < n; ++i) f[i] = static_cast<std::uint8_t>(i * 7 + 1);
    return f;
}

template <class Pred>
Handshake need(IdleNic const& nic, std::uint64_t from, char const* what, Pred&& pred) {
    auto const e = nic.first(from, std::forward<Pred>(pred));
    if (!e) FAIL(fmt::format("no {} handshake at or after cycle {}; trace:\n{}", what, from, nic.trace()));
    return *e;
}

/// One TX packet of `tx_bytes` at `tx_offset`, then (once its interrupt came) one RX frame of
/// `rx_bytes`, on queue 0 of an idle NIC.
Latencies measure(std::string const& config, std::size_t tx_bytes, unsigned tx_offset, std::size_t rx_bytes) {
    IdleNic nic(config);
    nic.bring_up(0);
    nic.send_tx(0, frame_of(tx_bytes), tx_offset);
    nic.run_until([&] { return nic.host().interrupts.pending() > 0; }, "the TX completion interrupt");
    (void)nic.host().interrupts.take();
    nic.host().mmio.write32(ct::queue_reg(0, ct::QREG_IRQ, ct::IRQ_CAUSE), 0x7);
    nic.host().mmio.write32(ct::queue_reg(0, ct::QREG_IRQ, ct::IRQ_ARM), 1);
    nic.host().mmio.flush();
    nic.kernel().step(200);
    nic.put_rx(frame_of(rx_bytes));
    nic.run_until([&] { return nic.host().interrupts.pending() > 0; }, "the RX completion interrupt");
    nic.kernel().step(4);

    Latencies l;
    auto const prod = ct::queue_reg(0, ct::QREG_TX, ct::RING_PROD);
    auto const aw = need(nic, 0, "doorbell AW",
                         [&](Handshake const& e) { return e.channel == Channel::axil_aw && e.addr == prod; });
    auto const w = need(nic, aw.cycle, "doorbell W", [](Handshake const& e) { return e.channel == Channel::axil_w; });
    std::uint64_t const doorbell = std::max(aw.cycle, w.cycle);
    auto const desc_ar = need(nic, doorbell, "descriptor AR",
                              [](Handshake const& e) { return e.channel == Channel::dma_ar && e.id == arid_tx_desc; });
    auto const desc_r = need(nic, desc_ar.cycle, "last descriptor R", [](Handshake const& e) {
        return e.channel == Channel::dma_r && e.id == arid_tx_desc && e.last;
    });
    auto const data_ar = need(nic, desc_r.cycle, "data AR",
                              [](Handshake const& e) { return e.channel == Channel::dma_ar && e.id == arid_tx_data; });
    auto const tx_first =
        need(nic, data_ar.cycle, "first TX beat", [](Handshake const& e) { return e.channel == Channel::tx; });
    // The packet's last data beat: the last R beat of the data reads before the wire starts
    // (TX is store-and-forward; a packet may take several bursts).
    Handshake data_r = need(nic, data_ar.cycle, "last data R", [](Handshake const& e) {
        return e.channel == Channel::dma_r && e.id == arid_tx_data && e.last;
    });
    for (auto const& e : nic.events())
        if (e.cycle < tx_first.cycle && e.channel == Channel::dma_r && e.id == arid_tx_data && e.last) data_r = e;
    auto const tx_last = need(nic, tx_first.cycle, "last TX beat",
                              [](Handshake const& e) { return e.channel == Channel::tx && e.last; });
    auto const tx_cpl_aw = need(nic, tx_last.cycle, "TX completion AW",
                                [](Handshake const& e) { return e.channel == Channel::dma_aw && e.id == awid_tx_cpl; });
    auto const tx_cpl_b = need(nic, tx_cpl_aw.cycle, "TX completion B",
                               [](Handshake const& e) { return e.channel == Channel::dma_b && e.id == awid_tx_cpl; });
    auto const tx_irq =
        need(nic, tx_cpl_b.cycle, "TX interrupt", [](Handshake const& e) { return e.channel == Channel::irq; });
    auto const rx_last = need(nic, tx_irq.cycle + 1, "last RX beat",
                              [](Handshake const& e) { return e.channel == Channel::rx && e.last; });
    auto const rx_cpl_aw = need(nic, rx_last.cycle, "RX completion AW",
                                [](Handshake const& e) { return e.channel == Channel::dma_aw && e.id == awid_rx_cpl; });
    auto const rx_cpl_b = need(nic, rx_cpl_aw.cycle, "RX completion B",
                               [](Handshake const& e) { return e.channel == Channel::dma_b && e.id == awid_rx_cpl; });
    auto const rx_irq =
        need(nic, rx_cpl_b.cycle, "RX interrupt", [](Handshake const& e) { return e.channel == Channel::irq; });

    l.doorbell_to_desc_read = desc_ar.cycle - doorbell;
    l.desc_data_to_data_read = data_ar.cycle - desc_r.cycle;
    l.last_data_to_first_tx = tx_first.cycle - data_r.cycle;
    l.last_tx_to_cpl_write = tx_cpl_aw.cycle - tx_last.cycle;
    l.tx_cpl_to_irq = tx_irq.cycle - tx_cpl_b.cycle;
    l.rx_last_to_cpl_write = rx_cpl_aw.cycle - rx_last.cycle;
    l.rx_cpl_to_irq = rx_irq.cycle - rx_cpl_b.cycle;
    return l;
}

}  // namespace

struct Case {
    std::size_t tx_bytes;
    unsigned tx_offset;
    std::size_t rx_bytes;
    Latencies expected;
};

void check_pins(std::string const& config, std::vector<Case> const& cases) {
    for (auto const& c : cases) {
        INFO(fmt::format("{}: TX {} bytes at offset {}, RX {} bytes (seed 1)", config, c.tx_bytes, c.tx_offset,
                         c.rx_bytes));
        Latencies const got = measure(config, c.tx_bytes, c.tx_offset, c.rx_bytes);
        INFO("measured: " << describe(got));
        INFO("pinned:   " << describe(c.expected));
        CHECK(got == c.expected);
    }
}

// Field order: doorbell->desc AR, desc R->data AR, last data R->first TX, last TX->cpl AW,
// TX cpl B->irq, RX last->cpl AW, RX cpl B->irq.
// TX: one cycle more from the last data beat to the wire when the last read beat has to complete
// two wire beats (fragment off a beat boundary, as many read beats as wire beats, more than one).
// RX: store-and-forward, 16 + the frame's beats ceil(bytes / DATA_WIDTH bytes).
// At 256 and 512 bits a descriptor beat passes a small FIFO in the TX engine (so descriptor
// extraction never holds the shared R channel): descriptor data -> data read takes 6, not 5.

TEST_CASE("latency: dw64_q1 pipeline latencies at nic_top's ports", "[dw64_q1]") {
    check_pins("dw64_q1", {
                              {60, 0, 60, {5, 5, 4, 4, 4, 24, 5}},
                              {60, 3, 64, {5, 5, 5, 4, 4, 24, 5}},
                              {64, 3, 65, {5, 5, 4, 4, 4, 25, 5}},
                              {1514, 3, 1514, {5, 5, 5, 4, 4, 206, 5}},
                          });
}

TEST_CASE("latency: dw64_q4 pipeline latencies at nic_top's ports", "[dw64_q4]") {
    check_pins("dw64_q4", {
                              {60, 0, 60, {5, 5, 4, 4, 4, 24, 5}},
                              {60, 3, 64, {5, 5, 5, 4, 4, 24, 5}},
                              {64, 3, 65, {5, 5, 4, 4, 4, 25, 5}},
                              {200, 0, 200, {5, 5, 4, 4, 4, 41, 5}},
                              {1514, 3, 1514, {5, 5, 5, 4, 4, 206, 5}},
                          });
}

TEST_CASE("latency: dw512_q4 pipeline latencies at nic_top's ports", "[dw512_q4]") {
    check_pins("dw512_q4", {
                               {60, 0, 60, {5, 6, 4, 4, 4, 17, 5}},
                               {60, 3, 64, {5, 6, 4, 4, 4, 17, 5}},
                               {65, 3, 65, {5, 6, 5, 4, 4, 18, 5}},
                               {200, 0, 200, {5, 6, 4, 4, 4, 20, 5}},
                               {1514, 3, 1514, {5, 6, 5, 4, 4, 40, 5}},
                           });
}
