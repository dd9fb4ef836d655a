// The transaction recorder on a bare kernel + Dut + host (no driver): register accesses by hand,
// one TX packet from a hand-written descriptor. Its lines are checked against what the host's own
// BFMs saw (counts, bytes), so a handshake the recorder misses or invents fails here.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bfm/axis_sink.hpp"
#include "dut/dut.hpp"
#include "host/host.hpp"
#include "monitor/transaction_recorder.hpp"
#include "nic_contract.hpp"
#include "sim/kernel.hpp"

namespace ct = nicsim::contract;
using nicsim::monitor::Channel;
using nicsim::monitor::TransactionRecorder;

namespace {

std::string first_config() {
    auto names = nicsim::dut::dut_config_names();
    if (names.empty()) FAIL("this build has no NIC configuration");
    return names.front();
}

/// The text of a line after its cycle column.
std::string body(std::string const& line) {
    return line.substr(9);
}
std::uint64_t cycle_of(std::string const& line) {
    return std::stoull(line.substr(0, 8));
}

std::vector<std::string> with_channel(std::vector<std::string> const& lines, std::string_view ch) {
    std::vector<std::string> out;
    for (auto const& l : lines)
        if (l.size() > 9 && l.compare(9, ch.size() + 1, std::string(ch) + " ") == 0) out.push_back(l);
    return out;
}

/// The kept bytes of a tx/rx line, first byte first ("data=0x....0a0b" with ".." for kept-off lanes).
std::vector<std::uint8_t> kept_bytes(std::string const& line) {
    auto const at = line.find("data=0x") + 7;
    auto const end = line.find(' ', at);
    std::string const hex = line.substr(at, end - at);
    std::vector<std::uint8_t> out;
    for (std::size_t i = hex.size(); i >= 2; i -= 2) {
        std::string const pair = hex.substr(i - 2, 2);
        if (pair == "..") continue;
        out.push_back(static_cast<std::uint8_t>(std::stoul(pair, nullptr, 16)));
    }
    return out;
}

struct Bench {
    std::unique_ptr<nicsim::dut::Dut> dut = nicsim::dut::make_dut(first_config());
    nicsim::sim::Kernel kernel{*dut, {.seed = 7}};
    nicsim::host::Host host{kernel};
    TransactionRecorder rec{kernel, *dut};
    Bench() {
        rec.keep_lines(true);
        kernel.reset();
    }
};

}  // namespace

TEST_CASE("recorder: register reads and writes are axil lines with address, data and response") {
    Bench b;
    b.rec.start();
    std::uint16_t const mod = ct::queue_reg(0, ct::QREG_IRQ, ct::IRQ_MOD_CYCLES);
    b.host.mmio.write32(mod, 0x1234);
    b.host.mmio.flush();
    CHECK(b.host.mmio.read32(ct::REG_ID_MAGIC) == ct::NIC_MAGIC);
    auto const& lines = b.rec.lines();
    INFO(fmt::format("{}", fmt::join(lines, "\n")));
    REQUIRE(lines.size() == 5);
    // AXI4-Lite: AW and W may share a cycle (then AW is listed first), B after both, R after AR.
    CHECK(body(lines[0]) == fmt::format("axil.aw addr=0x{:04x} prot=0", mod));
    CHECK(body(lines[1]) == "axil.w  data=0x00001234 strb=f");
    CHECK(body(lines[2]) == "axil.b  resp=OKAY");
    CHECK(body(lines[3]) == "axil.ar addr=0x0000 prot=0");
    CHECK(body(lines[4]) == fmt::format("axil.r  data=0x{:08x} resp=OKAY", ct::NIC_MAGIC));
    CHECK(cycle_of(lines[1]) >= cycle_of(lines[0]));
    CHECK(cycle_of(lines[2]) > cycle_of(lines[1]));
    CHECK(cycle_of(lines[4]) > cycle_of(lines[3]));
    CHECK(b.rec.count(Channel::axil_aw) == 1);
    CHECK(b.rec.count(Channel::axil_r) == 1);

    // An undefined address answers SLVERR.
    (void)b.host.mmio.read32(0x1ffc);
    REQUIRE(lines.size() == 7);
    CHECK(body(lines[6]) == "axil.r  data=0x00000000 resp=SLVERR");
}

TEST_CASE("recorder: nothing is recorded before start() or after stop()") {
    Bench b;
    (void)b.host.mmio.read32(ct::REG_ID_MAGIC);
    CHECK(b.rec.line_count() == 0);
    CHECK(b.rec.hash() == nicsim::monitor::fnv1a64(""));
    b.rec.start();
    (void)b.host.mmio.read32(ct::REG_ID_VERSION);
    CHECK(b.rec.line_count() == 2);
    b.rec.stop();
    (void)b.host.mmio.read32(ct::REG_ID_MAGIC);
    CHECK(b.rec.line_count() == 2);
    // Cycles count from start(): the first line's cycle is the read's trip to the port, not the
    // reset and the first read before it.
    CHECK(cycle_of(b.rec.lines().front()) < b.kernel.cycle() - b.rec.start_cycle());
    CHECK(b.rec.start_cycle() > b.kernel.config().reset_cycles);
}

TEST_CASE(
    "recorder: one TX packet by hand - DMA and wire lines agree with the host's BFMs, "
    "the hash is FNV-1a over the lines") {
    Bench b;
    auto& dut = *b.dut;
    auto const lanes = dut.config().data_bytes();
    nicsim::bfm::AxisPort tx_port;
    tx_port.name = "m_axis_tx";
    tx_port.tdata = dut.ports().m_axis_tx.tdata;
    tx_port.tkeep = dut.ports().m_axis_tx.tkeep;
    tx_port.tlast = dut.ports().m_axis_tx.tlast;
    tx_port.tuser = dut.ports().m_axis_tx.tuser;
    tx_port.tvalid = dut.ports().m_axis_tx.tvalid;
    tx_port.tready = dut.ports().m_axis_tx.tready;
    tx_port.lanes = lanes;
    nicsim::bfm::AxisSink sink(tx_port, b.kernel.rng());
    b.kernel.add_bfm(sink);
    std::ostringstream stream;
    b.rec.write_to(&stream);

    // Ring of 4 entries, one 100-byte packet at an odd address (unaligned first and last beats).
    auto& arena = b.host.memory.arena();
    auto ring = arena.allocate(4 * ct::DESC_BYTES, 64);
    auto cpl = arena.allocate(4 * ct::CPL_BYTES, 64);
    auto buf = arena.allocate(256, 64);
    std::memset(arena.to_virtual(cpl.logical_address), 0, 4 * ct::CPL_BYTES);
    std::vector<std::uint8_t> frame(100);
    for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<std::uint8_t>(0x30 + i);
    std::uint64_t const frame_addr = buf.logical_address + 3;
    std::memcpy(arena.to_virtual(frame_addr), frame.data(), frame.size());
    std::uint8_t desc[16] = {};
    std::memcpy(desc, &frame_addr, 8);
    desc[8] = static_cast<std::uint8_t>(frame.size());
    desc[10] = 1;  // eop
    std::memcpy(arena.to_virtual(ring.logical_address), desc, sizeof desc);

    auto reg = [](std::uint8_t block, std::uint8_t r) { return ct::queue_reg(0, block, r); };
    auto& mmio = b.host.mmio;
    mmio.write32(reg(ct::QREG_TX, ct::RING_BASE_LO), static_cast<std::uint32_t>(ring.logical_address));
    mmio.write32(reg(ct::QREG_TX, ct::RING_BASE_HI), static_cast<std::uint32_t>(ring.logical_address >> 32));
    mmio.write32(reg(ct::QREG_TX, ct::RING_CPL_BASE_LO), static_cast<std::uint32_t>(cpl.logical_address));
    mmio.write32(reg(ct::QREG_TX, ct::RING_CPL_BASE_HI), static_cast<std::uint32_t>(cpl.logical_address >> 32));
    mmio.write32(reg(ct::QREG_TX, ct::RING_SIZE_LOG2), 2);
    mmio.write32(reg(ct::QREG_TX, ct::RING_CTRL), 1);
    mmio.write32(reg(ct::QREG_IRQ, ct::IRQ_ARM), 1);
    mmio.flush();
    b.rec.start();
    mmio.write32(reg(ct::QREG_TX, ct::RING_PROD), 1);
    b.kernel.run_until([&] { return b.host.interrupts.pending() > 0; }, 2000, "the TX completion interrupt");
    b.kernel.step(4);

    auto const& lines = b.rec.lines();
    INFO(fmt::format("{}", fmt::join(lines, "\n")));
    auto const& st = b.host.memory.dma().stats();
    CHECK(b.rec.count(Channel::dma_ar) == st.read_bursts);
    CHECK(b.rec.count(Channel::dma_r) == st.read_beats);
    CHECK(b.rec.count(Channel::dma_aw) == st.write_bursts);
    CHECK(b.rec.count(Channel::dma_w) == st.write_beats);
    CHECK(b.rec.count(Channel::dma_b) == st.write_bursts);
    CHECK(st.read_bursts >= 2);   // the descriptor and the data
    CHECK(st.write_bursts == 1);  // the completion

    // The wire lines carry the frame, byte for byte, and one last.
    auto const tx = with_channel(lines, "tx");
    REQUIRE(tx.size() == (frame.size() + lanes - 1) / lanes);
    std::vector<std::uint8_t> seen;
    for (auto const& l : tx) {
        auto const bytes = kept_bytes(l);
        seen.insert(seen.end(), bytes.begin(), bytes.end());
    }
    CHECK(seen == frame);
    CHECK(tx.back().find("last=1") != std::string::npos);
    REQUIRE(sink.frames().size() == 1);
    CHECK(sink.frames().front().bytes == frame);

    // The descriptor read: AR of one burst at the ring base, its R data holds the descriptor.
    auto const ar = with_channel(lines, "dma.ar");
    REQUIRE_FALSE(ar.empty());
    CHECK(ar.front().find(fmt::format("addr=0x{:x} ", ring.logical_address)) != std::string::npos);
    // The completion write: AW at the completion ring, then exactly one interrupt line after its B.
    auto const aw = with_channel(lines, "dma.aw");
    REQUIRE(aw.size() == 1);
    CHECK(aw.front().find(fmt::format("addr=0x{:x} ", cpl.logical_address)) != std::string::npos);
    auto const bl = with_channel(lines, "dma.b");
    auto const irq = with_channel(lines, "irq");
    REQUIRE(bl.size() == 1);
    REQUIRE(irq.size() == 1);
    CHECK(body(irq.front()) == "irq     queues=0x1");
    CHECK(cycle_of(irq.front()) > cycle_of(bl.front()));
    CHECK(b.host.interrupts.raised(0) == 1);

    // Stream, kept lines and hash describe the same text.
    std::string joined;
    for (auto const& l : lines) joined += l + "\n";
    CHECK(stream.str() == joined);
    CHECK(b.rec.hash() == nicsim::monitor::fnv1a64(joined));
    CHECK(b.rec.line_count() == lines.size());
}
