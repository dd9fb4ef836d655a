// nic_regs (with nic_irq inside) through its AXI4-Lite port: the register map of
// contract/nic_contract.def, the checks that protect the engines, and the interrupts.
// The model is nic_regs with NUM_QUEUES = 4, DATA_WIDTH = 64.
#include "Vrtl_regs_model.h"
#include "bfm/axil_blocking.hpp"
#include "bfm/axil_master_bfm.hpp"
#include "nic_contract.hpp"
#include "clock/signal_access.hpp"
#include "clock/verilated_model.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <random>
#include <vector>

namespace c = nicsim::contract;
using nicsim::bfm::AxilBlocking;
using nicsim::bfm::AxilMasterBfm;
using nicsim::bfm::AxilMasterConfig;
using nicsim::bfm::AxilWriteOptions;
using nicsim::sim::get_bits;

namespace {

constexpr unsigned kQueues = 4;
constexpr unsigned kDataWidth = 64;
constexpr std::uint8_t OKAY = 0;  // BRESP / RRESP
constexpr std::uint8_t SLVERR = 2;

std::uint64_t seed_from_env() {
    if (const char* s = std::getenv("NICSIM_SEED")) return std::strtoull(s, nullptr, 0);
    return std::random_device{}();
}

// Later writes present AW and W while earlier ones wait for B, as a CPU's posted writes may.
AxilMasterConfig overlapping_writes() {
    AxilMasterConfig config;
    config.writes_in_flight = AxilMasterBfm::max_writes_in_flight;
    return config;
}

struct RegsBench {
    Vrtl_regs_model m;
    nicsim::sim::VerilatedModel<Vrtl_regs_model> clocked{m};
    nicsim::sim::Clock clock{clocked};
    std::mt19937_64 rng;
    AxilMasterBfm bfm;
    AxilBlocking axil;
    std::vector<unsigned> irq_count = std::vector<unsigned>(kQueues, 0);
    std::vector<std::uint64_t> irq_cycle = std::vector<std::uint64_t>(kQueues, 0);  // last pulse
    unsigned irq_error_count = 0;
    std::vector<unsigned> tx_reset_count = std::vector<unsigned>(kQueues, 0);
    std::vector<unsigned> rx_reset_count = std::vector<unsigned>(kQueues, 0);

    explicit RegsBench(std::uint64_t seed = 1)
        : rng(seed), bfm(nicsim::bfm::AxilPort::of_slave(m), rng, overlapping_writes()), axil(bfm, [this] { tick(); }) {
        // Engines with nothing in flight (RING_STATUS.IDLE and REG_STATUS read these inputs).
        m.txq_idle = (1u << kQueues) - 1;
        m.rxq_idle = (1u << kQueues) - 1;
        m.rx_idle = 1;
        m.rst_n = 0;
        tick();
        tick();
        m.rst_n = 1;
        tick();
    }

    void tick() {
        bfm.drive();
        clock.settle();
        for (unsigned q = 0; q < kQueues; ++q) {
            if ((m.irq_queue >> q) & 1u) {
                ++irq_count[q];
                irq_cycle[q] = clock.cycle();
            }
            tx_reset_count[q] += (m.txq_reset >> q) & 1u;
            rx_reset_count[q] += (m.rxq_reset >> q) & 1u;
        }
        irq_error_count += m.irq_error;
        clock.edge();
        bfm.observe();
    }
    void ticks(unsigned n) {
        for (unsigned i = 0; i < n; ++i) tick();
    }

    std::uint32_t rd(std::uint32_t addr) {
        const auto r = axil.read(addr);
        INFO(fmt::format("read 0x{:04X}", addr));
        REQUIRE(r.resp == OKAY);
        return r.data;
    }
    void wr(std::uint32_t addr, std::uint32_t data, std::uint8_t strb = 0xF) {
        INFO(fmt::format("write 0x{:04X} = 0x{:08X}", addr, data));
        REQUIRE(axil.write(addr, data, AxilWriteOptions{.strb = strb}) == OKAY);
    }

    // engine events: one cycle each
    void tx_pkt(unsigned q, unsigned bytes) {
        m.tx_pkt_valid = 1;
        m.tx_pkt_queue = q;
        m.tx_pkt_bytes = bytes;
        tick();
        m.tx_pkt_valid = 0;
    }
    void rx_pkt(unsigned q, unsigned bytes) {
        m.rx_pkt_valid = 1;
        m.rx_pkt_queue = q;
        m.rx_pkt_bytes = bytes;
        tick();
        m.rx_pkt_valid = 0;
    }
    void tx_err(unsigned q, c::err_e code) {
        m.tx_err_valid = 1;
        m.tx_err_queue = q;
        m.tx_err_code = static_cast<std::uint8_t>(code);
        tick();
        m.tx_err_valid = 0;
    }
};

std::uint16_t txr(unsigned q, std::uint8_t reg) {
    return c::queue_reg(q, c::QREG_TX, reg);
}
std::uint16_t rxr(unsigned q, std::uint8_t reg) {
    return c::queue_reg(q, c::QREG_RX, reg);
}
std::uint16_t irqr(unsigned q, std::uint8_t reg) {
    return c::queue_reg(q, c::QREG_IRQ, reg);
}

// Every (address, register) of the map as instantiated with kQueues queues.
struct RegAt {
    std::uint16_t addr;
    const c::reg_info* reg;
    std::string name;
};
std::vector<RegAt> all_registers() {
    std::vector<RegAt> out;
    for (const auto& r : c::registers) {
        if (r.block == c::reg_block::GLOBAL) {
            for (unsigned w = 0; w < r.count; ++w)
                out.push_back({static_cast<std::uint16_t>(r.offset + 4 * w), &r, fmt::format("{}[{}]", r.name, w)});
            continue;
        }
        for (unsigned q = 0; q < kQueues; ++q) {
            if (r.block == c::reg_block::RING) {
                out.push_back({c::queue_reg(q, c::QREG_TX, static_cast<std::uint8_t>(r.offset)), &r,
                               fmt::format("tx{}.{}", q, r.name)});
                out.push_back({c::queue_reg(q, c::QREG_RX, static_cast<std::uint8_t>(r.offset)), &r,
                               fmt::format("rx{}.{}", q, r.name)});
            } else {
                out.push_back({c::queue_reg(q, c::QREG_IRQ, static_cast<std::uint8_t>(r.offset)), &r,
                               fmt::format("irq{}.{}", q, r.name)});
            }
        }
    }
    return out;
}

std::map<std::uint16_t, std::uint32_t> snapshot(RegsBench& b) {
    std::map<std::uint16_t, std::uint32_t> s;
    for (const auto& r : all_registers()) s[r.addr] = b.rd(r.addr);
    return s;
}

void configure_ring(RegsBench& b, std::uint16_t (*reg)(unsigned, std::uint8_t), unsigned q, unsigned log2) {
    b.wr(reg(q, c::RING_BASE_LO), 0x10000 + q * 0x1000);
    b.wr(reg(q, c::RING_CPL_BASE_LO), 0x80000 + q * 0x1000);
    b.wr(reg(q, c::RING_SIZE_LOG2), log2);
    b.wr(reg(q, c::RING_CTRL), 1);
}

}  // namespace

TEST_CASE("every register reads its reset value after reset") {
    RegsBench b;
    for (const auto& r : all_registers()) {
        INFO(r.name);
        std::uint32_t expect = r.reg->reset;
        if (r.reg->reset_param == "DATA_WIDTH") expect = kDataWidth;
        if (r.reg->reset_param == "NUM_QUEUES") expect = kQueues;
        const auto got = b.axil.read(r.addr);
        CHECK(got.resp == OKAY);
        CHECK(got.data == expect);
    }
    CHECK(b.rd(c::REG_ID_MAGIC) == c::NIC_MAGIC);
    CHECK(b.rd(c::REG_ID_VERSION) == c::CONTRACT_VERSION);
}

TEST_CASE("RW registers keep what is written inside their fields - reserved bits read 0") {
    RegsBench b;
    for (const auto& r : all_registers()) {
        if (r.reg->access != c::reg_access::RW) continue;
        const std::string_view name = r.reg->name;
        // registers with side effects have their own tests
        if (name == "RING_CTRL" || name == "RING_PROD" || name == "REG_RSS_TABLE0") continue;
        INFO(r.name);
        for (std::uint32_t pattern : {0xFFFFFFFFu, 0xA5A5A5A0u, 0x5A5A5A50u, 0u}) {
            b.wr(r.addr, pattern);
            CHECK(b.rd(r.addr) == (pattern & r.reg->field_mask));
        }
    }
}

TEST_CASE("writes to read-only registers answer SLVERR and change nothing") {
    RegsBench b;
    configure_ring(b, txr, 1, 4);
    b.m.txq_cons = 0x0003000000000000ull | (std::uint64_t{5} << 16);  // queue 1 cons = 5
    b.tx_pkt(1, 100);
    const auto before = snapshot(b);
    unsigned ro = 0;
    for (const auto& r : all_registers()) {
        if (r.reg->access != c::reg_access::RO) continue;
        ++ro;
        INFO(r.name);
        CHECK(b.axil.write(r.addr, 0xFFFFFFFFu) == SLVERR);
    }
    CHECK(ro > 10);
    CHECK(snapshot(b) == before);
    CHECK(b.rd(txr(1, c::RING_CONS)) == 5);
    CHECK(b.rd(txr(1, c::RING_STAT_PKTS)) == 1);
}

TEST_CASE("undefined addresses and absent queues answer SLVERR and change nothing") {
    RegsBench b;
    const auto before = snapshot(b);
    const std::vector<std::uint32_t> holes = {0x001C,
                                              0x0020,
                                              0x00FC,
                                              0x0110,
                                              0x01FC,
                                              0x0228,
                                              0x03FC,
                                              0x0600,
                                              0x0FFC,
                                              txr(0, 0x3C),
                                              rxr(2, 0x3C),
                                              irqr(3, 0x10),
                                              irqr(3, 0x3C),
                                              c::queue_reg(0, 0xC0, 0),
                                              c::queue_reg(3, 0xC0, 0x3C),
                                              txr(kQueues, 0),
                                              rxr(kQueues, c::RING_PROD),
                                              irqr(kQueues, c::IRQ_ARM),
                                              txr(15, c::RING_CONS),
                                              0x2000,
                                              0x8000,
                                              0xFFFC};
    for (auto a : holes) {
        INFO(fmt::format("address 0x{:04X}", a));
        const auto r = b.axil.read(a);
        CHECK(r.resp == SLVERR);
        CHECK(r.data == 0);
        CHECK(b.axil.write(a, 0xFFFFFFFFu) == SLVERR);
    }
    CHECK(snapshot(b) == before);
}

TEST_CASE("address bits 1:0 are ignored - byte strobes select the bytes written") {
    RegsBench b;
    b.wr(txr(0, c::RING_BASE_LO), 0x11223340);
    CHECK(b.rd(txr(0, c::RING_BASE_LO) + 2) == 0x11223340);
    b.wr(txr(0, c::RING_BASE_LO) + 1, 0xAABBCCDD, 0x2);
    CHECK(b.rd(txr(0, c::RING_BASE_LO)) == 0x1122CC40);
    b.wr(txr(0, c::RING_BASE_LO), 0xAABBCCDD, 0x9);
    CHECK(b.rd(txr(0, c::RING_BASE_LO)) == 0xAA22CCDD);
    b.wr(txr(0, c::RING_BASE_LO), 0x12345678, 0x0);  // no lanes: OKAY, nothing written
    CHECK(b.rd(txr(0, c::RING_BASE_LO)) == 0xAA22CCDD);
    b.wr(c::REG_RSS_KEY0 + 4, 0xDEADBEEF, 0xC);
    CHECK(b.rd(c::REG_RSS_KEY0 + 4) == 0xDEAD0000);
}

TEST_CASE("ring registers drive the engine outputs of their own ring only") {
    RegsBench b;
    for (unsigned q = 0; q < kQueues; ++q) {
        b.wr(txr(q, c::RING_BASE_LO), 0x1000 * (q + 1));
        b.wr(txr(q, c::RING_BASE_HI), 0xA0 + q);
        b.wr(txr(q, c::RING_CPL_BASE_LO), 0x2000 * (q + 1));
        b.wr(txr(q, c::RING_CPL_BASE_HI), 0xB0 + q);
        b.wr(txr(q, c::RING_SIZE_LOG2), 1 + q);
        b.wr(rxr(q, c::RING_BASE_LO), 0x3000 * (q + 1));
        b.wr(rxr(q, c::RING_BASE_HI), 0xC0 + q);
        b.wr(rxr(q, c::RING_CPL_BASE_LO), 0x4000 * (q + 1));
        b.wr(rxr(q, c::RING_CPL_BASE_HI), 0xD0 + q);
        b.wr(rxr(q, c::RING_SIZE_LOG2), 16 - q);
    }
    b.wr(txr(2, c::RING_CTRL), 1);
    b.wr(rxr(1, c::RING_CTRL), 1);
    b.wr(txr(2, c::RING_PROD), 3);
    b.wr(rxr(1, c::RING_PROD), 0x7FFF);
    b.tick();
    for (unsigned q = 0; q < kQueues; ++q) {
        INFO(fmt::format("queue {}", q));
        CHECK(get_bits(b.m.txq_base, 64 * q, 64) == (std::uint64_t{0xA0 + q} << 32 | 0x1000 * (q + 1)));
        CHECK(get_bits(b.m.txq_cpl_base, 64 * q, 64) == (std::uint64_t{0xB0 + q} << 32 | 0x2000 * (q + 1)));
        CHECK(get_bits(b.m.rxq_base, 64 * q, 64) == (std::uint64_t{0xC0 + q} << 32 | 0x3000 * (q + 1)));
        CHECK(get_bits(b.m.rxq_cpl_base, 64 * q, 64) == (std::uint64_t{0xD0 + q} << 32 | 0x4000 * (q + 1)));
        CHECK(((b.m.txq_size_log2 >> (5 * q)) & 31u) == 1 + q);
        CHECK(((b.m.rxq_size_log2 >> (5 * q)) & 31u) == 16 - q);
    }
    CHECK(b.m.txq_enable == 0x4);
    CHECK(b.m.rxq_enable == 0x2);
    CHECK(b.m.txq_prod == std::uint64_t{3} << 32);
    CHECK(b.m.rxq_prod == std::uint64_t{0x7FFF} << 16);
    CHECK(b.rd(txr(2, c::RING_CTRL)) == 1);
    CHECK(b.m.txq_in_error == 0);
    CHECK(b.m.rxq_in_error == 0);
}

TEST_CASE("ring base and size are SLVERR while the ring is enabled") {
    RegsBench b;
    configure_ring(b, rxr, 0, 4);
    for (auto reg : {c::RING_BASE_LO, c::RING_BASE_HI, c::RING_CPL_BASE_LO, c::RING_CPL_BASE_HI, c::RING_SIZE_LOG2}) {
        const auto before = b.rd(rxr(0, reg));
        CHECK(b.axil.write(rxr(0, reg), 0x40) == SLVERR);
        CHECK(b.rd(rxr(0, reg)) == before);
    }
    b.wr(rxr(0, c::RING_CTRL), 0);
    b.wr(rxr(0, c::RING_SIZE_LOG2), 5);
    CHECK(b.rd(rxr(0, c::RING_SIZE_LOG2)) == 5);
}

TEST_CASE("a doorbell >= ring size puts the ring in ERR_DOORBELL_RANGE and keeps prod") {
    RegsBench b;
    configure_ring(b, txr, 3, 4);  // 16 entries
    b.wr(txr(3, c::RING_PROD), 15);
    CHECK(b.rd(txr(3, c::RING_PROD)) == 15);
    CHECK(b.axil.write(txr(3, c::RING_PROD), 16) == OKAY);  // posted doorbell: the error is the queue's
    b.tick();
    CHECK(b.rd(txr(3, c::RING_PROD)) == 15);
    CHECK(b.rd(txr(3, c::RING_ERR)) == static_cast<unsigned>(c::err_e::ERR_DOORBELL_RANGE));
    CHECK(b.rd(c::REG_ERR_QUEUES) == 1u << 3);
    CHECK(b.rd(txr(3, c::RING_STAT_ERRS)) == 1);
    CHECK(b.m.txq_in_error == 0x8);
    CHECK(b.m.rxq_in_error == 0);

    SECTION("a second error keeps the first code and is not counted again") {
        b.wr(txr(3, c::RING_PROD), 0x10000);
        b.tx_err(3, c::err_e::ERR_DMA_DESC_READ);
        CHECK(b.rd(txr(3, c::RING_ERR)) == static_cast<unsigned>(c::err_e::ERR_DOORBELL_RANGE));
        CHECK(b.rd(txr(3, c::RING_STAT_ERRS)) == 1);
    }
    SECTION("high bits of a doorbell are out of range even for 65536-entry rings") {
        RegsBench b2;
        configure_ring(b2, rxr, 0, 16);
        b2.wr(rxr(0, c::RING_PROD), 0xFFFF);
        CHECK(b2.rd(rxr(0, c::RING_ERR)) == 0);
        b2.wr(rxr(0, c::RING_PROD), 0x10000);
        CHECK(b2.rd(rxr(0, c::RING_PROD)) == 0xFFFF);
        CHECK(b2.rd(rxr(0, c::RING_ERR)) == static_cast<unsigned>(c::err_e::ERR_DOORBELL_RANGE));
    }
}

TEST_CASE("enabling a ring with a bad configuration is ERR_RING_CONFIG and leaves it disabled") {
    struct Bad {
        const char* what;
        std::uint32_t log2, base, cpl;
    };
    const Bad bad =
        GENERATE(Bad{"size_log2 0", 0, 0x1000, 0x2000}, Bad{"size_log2 17", 17, 0x1000, 0x2000},
                 Bad{"size_log2 31", 31, 0x1000, 0x2000}, Bad{"base not 16-byte aligned", 4, 0x1008, 0x2000},
                 Bad{"completion base not 16-byte aligned", 4, 0x1000, 0x2001});
    INFO(bad.what);
    RegsBench b;
    b.wr(rxr(2, c::RING_BASE_LO), bad.base);
    b.wr(rxr(2, c::RING_CPL_BASE_LO), bad.cpl);
    b.wr(rxr(2, c::RING_SIZE_LOG2), bad.log2);
    b.wr(rxr(2, c::RING_CTRL), 1);
    CHECK(b.rd(rxr(2, c::RING_CTRL)) == 0);
    CHECK(b.rd(rxr(2, c::RING_ERR)) == static_cast<unsigned>(c::err_e::ERR_RING_CONFIG));
    CHECK(b.rd(c::REG_ERR_QUEUES) == 1u << (16 + 2));
    CHECK(b.m.rxq_enable == 0);
    CHECK(b.m.rxq_in_error == 0x4);
}

TEST_CASE("the RING_CTRL reset bit pulses _reset once and clears the error and the producer index") {
    RegsBench b;
    configure_ring(b, txr, 0, 3);
    b.wr(txr(0, c::RING_PROD), 5);
    b.tx_err(0, c::err_e::ERR_DESC_ZERO_LEN);
    CHECK(b.rd(txr(0, c::RING_ERR)) == static_cast<unsigned>(c::err_e::ERR_DESC_ZERO_LEN));
    CHECK(b.m.txq_in_error == 1);
    CHECK(b.tx_reset_count[0] == 0);
    b.wr(txr(0, c::RING_CTRL), 1u << c::RING_CTRL_RESET.lsb);
    b.ticks(3);
    CHECK(b.tx_reset_count[0] == 1);
    CHECK(b.rx_reset_count[0] == 0);
    CHECK(b.m.txq_in_error == 0);
    CHECK(b.rd(txr(0, c::RING_ERR)) == 0);
    CHECK(b.rd(txr(0, c::RING_PROD)) == 0);
    CHECK(b.rd(txr(0, c::RING_CTRL)) == 0);  // reset disables unless the write also enables
    CHECK(b.rd(c::REG_ERR_QUEUES) == 0);
    // reset and enable in one write
    b.wr(txr(0, c::RING_CTRL), 3);
    CHECK(b.rd(txr(0, c::RING_CTRL)) == 1);
    CHECK(b.tx_reset_count[0] == 2);
    // the reset bit reads 0 and a write without it does not pulse
    b.wr(txr(0, c::RING_CTRL), 1);
    b.ticks(2);
    CHECK(b.tx_reset_count[0] == 2);
}

TEST_CASE("RSS: table values >= NUM_QUEUES are SLVERR - key and table reach the outputs in order") {
    RegsBench b;
    b.wr(c::REG_RSS_TABLE0 + 4 * 5, 3);
    CHECK(b.axil.write(c::REG_RSS_TABLE0 + 4 * 5, kQueues) == SLVERR);
    CHECK(b.axil.write(c::REG_RSS_TABLE0 + 4 * 5, 0x13) == SLVERR);
    CHECK(b.axil.write(c::REG_RSS_TABLE0 + 4 * 5, 0x100, AxilWriteOptions{.strb = 0x2}) ==
          SLVERR);  // merged value 0x103
    CHECK(b.rd(c::REG_RSS_TABLE0 + 4 * 5) == 3);
    b.wr(c::REG_RSS_TABLE0 + 4 * 127, 2);
    b.wr(c::REG_RSS_TABLE0, 1);
    for (unsigned w = 0; w < 10; ++w) b.wr(c::REG_RSS_KEY0 + 4 * w, 0x01020304u + 0x04040404u * w);
    b.wr(c::REG_CTRL, 1);
    b.tick();
    CHECK(b.m.rss_enable == 1);
    // key byte k is byte k of the key words in big-endian order, at rss_key[319-8k -: 8]
    for (unsigned k = 0; k < 40; ++k) {
        const auto byte = get_bits(b.m.rss_key, 319 - 8 * k - 7, 8);
        INFO(fmt::format("key byte {}", k));
        CHECK(byte == k + 1);
    }
    auto entry = [&](unsigned e) { return get_bits(b.m.rss_table, 4 * e, 4); };
    CHECK(entry(0) == 1);
    CHECK(entry(5) == 3);
    CHECK(entry(127) == 2);
    CHECK(entry(6) == 0);
}

TEST_CASE("statistics count engine events per ring - consumer indices read through") {
    RegsBench b;
    b.tx_pkt(1, 60);
    b.tx_pkt(1, 1514);
    b.rx_pkt(1, 9000);
    b.rx_pkt(3, 64);
    b.m.rx_drop_valid = 1;
    b.m.rx_drop_queue = 2;
    b.m.rx_bad_valid = 1;
    b.m.rx_bad_queue = 2;
    b.ticks(2);
    b.m.rx_drop_valid = 0;
    b.m.rx_bad_valid = 0;
    b.m.tx_pkt_valid = 1;  // an event for a queue that does not exist counts nowhere
    b.m.tx_pkt_queue = 9;
    b.tick();
    b.m.tx_pkt_valid = 0;
    b.m.txq_cons = 0x0004000300020001ull;
    b.m.rxq_cons = 0xFFFF000000000000ull;
    CHECK(b.rd(txr(1, c::RING_STAT_PKTS)) == 2);
    CHECK(b.rd(txr(1, c::RING_STAT_BYTES)) == 1574);
    CHECK(b.rd(rxr(1, c::RING_STAT_PKTS)) == 1);
    CHECK(b.rd(rxr(1, c::RING_STAT_BYTES)) == 9000);
    CHECK(b.rd(rxr(3, c::RING_STAT_BYTES)) == 64);
    CHECK(b.rd(rxr(2, c::RING_STAT_DROPS)) == 2);
    CHECK(b.rd(rxr(2, c::RING_STAT_ERRS)) == 2);
    CHECK(b.rd(txr(0, c::RING_STAT_PKTS)) == 0);
    CHECK(b.rd(txr(2, c::RING_STAT_PKTS)) == 0);
    CHECK(b.rd(txr(2, c::RING_CONS)) == 3);
    CHECK(b.rd(rxr(3, c::RING_CONS)) == 0xFFFF);
}

TEST_CASE("RING_TAKEN counts taken events per ring since its reset - RING_STATUS and REG_STATUS read the idle inputs") {
    RegsBench b;
    auto event = [&](unsigned char& valid, unsigned char& queue, unsigned q) {
        valid = 1;
        queue = static_cast<unsigned char>(q);
        b.tick();
        valid = 0;
    };
    event(b.m.tx_sent_valid, b.m.tx_sent_queue, 1);
    event(b.m.tx_sent_valid, b.m.tx_sent_queue, 1);
    event(b.m.tx_sent_valid, b.m.tx_sent_queue, 9);  // a queue that does not exist counts nowhere
    for (int i = 0; i < 3; ++i) event(b.m.rx_taken_valid, b.m.rx_taken_queue, 2);
    b.tx_pkt(1, 60);
    CHECK(b.rd(txr(1, c::RING_TAKEN)) == 2);
    CHECK(b.rd(rxr(2, c::RING_TAKEN)) == 3);
    CHECK(b.rd(txr(2, c::RING_TAKEN)) == 0);
    CHECK(b.rd(rxr(1, c::RING_TAKEN)) == 0);
    // The ring's reset zeroes its count, nothing else (statistics are cleared only by the NIC reset).
    b.wr(txr(1, c::RING_CTRL), static_cast<std::uint32_t>(c::RING_CTRL_RESET.put(0, 1)));
    CHECK(b.rd(txr(1, c::RING_TAKEN)) == 0);
    CHECK(b.rd(txr(1, c::RING_STAT_PKTS)) == 1);
    CHECK(b.rd(rxr(2, c::RING_TAKEN)) == 3);
    event(b.m.tx_sent_valid, b.m.tx_sent_queue, 1);
    CHECK(b.rd(txr(1, c::RING_TAKEN)) == 1);

    CHECK(b.rd(c::REG_STATUS) == (c::REG_STATUS_TX_IDLE.put(0, 1) | c::REG_STATUS_RX_IDLE.put(0, 1)));
    b.m.txq_idle = 0b1101;  // TX ring 1 busy
    b.m.rxq_idle = 0b0111;  // RX ring 3 busy
    b.m.rx_idle = 0;
    CHECK(b.rd(txr(1, c::RING_STATUS)) == 0);
    CHECK(b.rd(txr(0, c::RING_STATUS)) == c::RING_STATUS_IDLE.put(0, 1));
    CHECK(b.rd(rxr(3, c::RING_STATUS)) == 0);
    CHECK(b.rd(rxr(1, c::RING_STATUS)) == c::RING_STATUS_IDLE.put(0, 1));
    CHECK(b.rd(c::REG_STATUS) == 0);
}

TEST_CASE("AW and W may arrive in either order - together or apart") {
    const auto seed = seed_from_env();
    INFO(fmt::format("seed {} (replay: NICSIM_SEED={} rtl_regs_test)", seed, seed));
    RegsBench b(seed);
    std::mt19937_64 rng(seed);
    std::map<std::uint16_t, std::uint32_t> expect;
    for (unsigned i = 0; i < 200; ++i) {
        const auto word = static_cast<unsigned>(rng() % 10);
        const auto addr = static_cast<std::uint16_t>(c::REG_RSS_KEY0 + 4 * word);
        const auto data = static_cast<std::uint32_t>(rng());
        AxilWriteOptions opt;
        opt.aw_delay_cycles = static_cast<unsigned>(rng() % 4);
        opt.w_delay_cycles = static_cast<unsigned>(rng() % 4);
        b.axil.post_write(addr, data, opt);
        expect[addr] = data;
        if (rng() % 8 == 0) {
            b.axil.flush();
            for (const auto& [a, d] : expect) CHECK(b.rd(a) == d);
        }
    }
    b.axil.flush();
    for (const auto& [a, d] : expect) CHECK(b.rd(a) == d);
    for (const auto& r : b.axil.write_results()) CHECK(r.resp == OKAY);
    CHECK(b.axil.write_results().size() == 200);
}

TEST_CASE("a stalled B response holds - and the next write waits for it") {
    RegsBench b;
    b.bfm.config().bready_pause.set_probability(1.0);  // bready low
    b.bfm.config().reads_pass_writes = true;           // reads go past the stalled writes
    b.axil.post_write(c::REG_RSS_KEY0, 0x11111111);
    b.axil.post_write(c::REG_RSS_KEY0, 0x22222222);
    b.ticks(5);
    CHECK(b.m.s_axil_bvalid == 1);
    CHECK(b.m.s_axil_bresp == 0);
    CHECK(b.m.s_axil_awready == 0);  // second write's address is held, not performed
    CHECK(b.rd(c::REG_RSS_KEY0) == 0x11111111);
    b.ticks(20);
    CHECK(b.m.s_axil_bvalid == 1);
    CHECK(b.rd(c::REG_RSS_KEY0) == 0x11111111);
    b.bfm.config().bready_pause.set_probability(0.0);
    b.axil.flush();
    CHECK(b.rd(c::REG_RSS_KEY0) == 0x22222222);
    CHECK(b.axil.write_results().size() == 2);
}

TEST_CASE("a stalled R response holds its data - random ready stalls lose nothing") {
    RegsBench b;
    b.wr(c::REG_RSS_KEY0 + 8, 0xCAFEF00D);
    b.bfm.config().rready_pause.set_probability(1.0);
    // issue a read by hand so the stall can be watched
    b.m.s_axil_arvalid = 1;
    b.m.s_axil_araddr = c::REG_RSS_KEY0 + 8;
    b.m.s_axil_rready = 0;
    b.clock.settle();
    REQUIRE(b.m.s_axil_arready == 1);
    b.clock.edge();
    b.m.s_axil_arvalid = 0;
    for (int i = 0; i < 10; ++i) {
        b.clock.settle();
        CHECK(b.m.s_axil_rvalid == 1);
        CHECK(b.m.s_axil_rdata == 0xCAFEF00D);
        CHECK(b.m.s_axil_arready == 0);
        b.clock.edge();
    }
    b.m.s_axil_rready = 1;
    b.clock.settle();
    b.clock.edge();
    b.m.s_axil_rready = 0;
    b.clock.settle();
    CHECK(b.m.s_axil_rvalid == 0);

    const auto seed = seed_from_env();
    INFO(fmt::format("seed {} (replay: NICSIM_SEED={} rtl_regs_test)", seed, seed));
    RegsBench r(seed);
    r.bfm.config().rready_pause.set_probability(0.5);
    r.bfm.config().bready_pause.set_probability(0.5);
    for (unsigned w = 0; w < 10; ++w) r.axil.post_write(c::REG_RSS_KEY0 + 4 * w, 0x1000 + w);
    for (unsigned w = 0; w < 10; ++w) CHECK(r.rd(c::REG_RSS_KEY0 + 4 * w) == 0x1000 + w);
}

TEST_CASE("a read costs its round trip in cycles") {
    RegsBench b;
    const auto r = b.axil.read(c::REG_ID_MAGIC);
    CHECK(r.data == c::NIC_MAGIC);
    CHECK(r.cycles == 2);  // AR handshake at the first edge, R accepted at the second
}

// ---- interrupts ----

TEST_CASE("interrupt: fires once when armed - not again until re-armed - ARM reads back") {
    RegsBench b;
    b.tx_pkt(1, 64);  // not armed: cause set, no interrupt
    b.ticks(5);
    CHECK(b.irq_count[1] == 0);
    CHECK(b.rd(irqr(1, c::IRQ_CAUSE)) == 1u << c::IRQ_CAUSE_TX_CPL.lsb);
    b.wr(irqr(1, c::IRQ_ARM), 1);  // armed with an event pending since the last interrupt: fires
    b.ticks(3);
    CHECK(b.irq_count[1] == 1);
    CHECK(b.rd(irqr(1, c::IRQ_ARM)) == 0);
    b.rx_pkt(1, 64);
    b.ticks(5);
    CHECK(b.irq_count[1] == 1);  // one-shot
    CHECK(b.rd(irqr(1, c::IRQ_CAUSE)) == 3);
    b.wr(irqr(1, c::IRQ_ARM), 1);
    b.ticks(3);
    CHECK(b.irq_count[1] == 2);
    CHECK(b.irq_count[0] + b.irq_count[2] + b.irq_count[3] == 0);
}

TEST_CASE("interrupt: an armed queue fires two cycles after the completion event") {
    RegsBench b;
    b.wr(irqr(2, c::IRQ_ARM), 1);
    CHECK(b.rd(irqr(2, c::IRQ_ARM)) == 1);
    const auto event_cycle = b.clock.cycle();
    b.rx_pkt(2, 64);
    b.ticks(4);
    REQUIRE(b.irq_count[2] == 1);
    CHECK(b.irq_cycle[2] - event_cycle == 2);
}

TEST_CASE("interrupt: writing 0 to ARM disarms") {
    RegsBench b;
    b.wr(irqr(0, c::IRQ_ARM), 1);
    b.wr(irqr(0, c::IRQ_ARM), 0);
    b.tx_pkt(0, 64);
    b.ticks(5);
    CHECK(b.irq_count[0] == 0);
}

TEST_CASE("interrupt: CAUSE is write-1-to-clear - per bit") {
    RegsBench b;
    b.tx_pkt(3, 64);
    b.rx_pkt(3, 64);
    b.tx_err(3, c::err_e::ERR_DMA_DATA_READ);
    CHECK(b.rd(irqr(3, c::IRQ_CAUSE)) == 7);
    b.wr(irqr(3, c::IRQ_CAUSE), 0x2);
    CHECK(b.rd(irqr(3, c::IRQ_CAUSE)) == 5);
    b.wr(irqr(3, c::IRQ_CAUSE), 0x5, 0x0);  // no strobe: nothing cleared
    CHECK(b.rd(irqr(3, c::IRQ_CAUSE)) == 5);
    b.wr(irqr(3, c::IRQ_CAUSE), 0xFFFFFFFF);
    CHECK(b.rd(irqr(3, c::IRQ_CAUSE)) == 0);
}

TEST_CASE("interrupt: MOD_PKTS waits for that many completions") {
    const unsigned threshold = GENERATE(0u, 1u, 2u, 5u);
    INFO(fmt::format("MOD_PKTS {}", threshold));
    RegsBench b;
    b.wr(irqr(0, c::IRQ_MOD_PKTS), threshold);
    b.wr(irqr(0, c::IRQ_ARM), 1);
    const unsigned needed = threshold < 1 ? 1 : threshold;
    for (unsigned i = 1; i <= needed; ++i) {
        (i % 2 ? b.tx_pkt(0, 64) : b.rx_pkt(0, 64));
        b.ticks(3);
        CHECK(b.irq_count[0] == (i == needed ? 1u : 0u));
    }
    // counting restarts after the interrupt
    b.wr(irqr(0, c::IRQ_ARM), 1);
    for (unsigned i = 1; i < needed; ++i) b.tx_pkt(0, 64);
    b.ticks(5);
    CHECK(b.irq_count[0] == 1);
}

TEST_CASE("interrupt: MOD_CYCLES fires a threshold that is not reached - that many cycles after the first event") {
    const unsigned holdoff = GENERATE(1u, 10u, 100u);
    INFO(fmt::format("MOD_CYCLES {}", holdoff));
    RegsBench b;
    b.wr(irqr(1, c::IRQ_MOD_PKTS), 50);
    b.wr(irqr(1, c::IRQ_MOD_CYCLES), holdoff);
    b.wr(irqr(1, c::IRQ_ARM), 1);
    const auto event_cycle = b.clock.cycle();
    b.tx_pkt(1, 64);
    b.ticks(holdoff + 5);
    REQUIRE(b.irq_count[1] == 1);
    // event seen at the next edge; timer counts from then; the pulse is registered
    CHECK(b.irq_cycle[1] - event_cycle == holdoff + 2);
}

TEST_CASE("interrupt: without a timer an unreached threshold never fires") {
    RegsBench b;
    b.wr(irqr(1, c::IRQ_MOD_PKTS), 3);
    b.wr(irqr(1, c::IRQ_ARM), 1);
    b.tx_pkt(1, 64);
    b.tx_pkt(1, 64);
    b.ticks(200);
    CHECK(b.irq_count[1] == 0);
    b.tx_pkt(1, 64);
    b.ticks(3);
    CHECK(b.irq_count[1] == 1);
}

TEST_CASE("interrupt: a ring entering error fires its queue regardless of moderation - and irq_error if enabled") {
    RegsBench b;
    b.wr(irqr(2, c::IRQ_MOD_PKTS), 100);
    b.wr(irqr(2, c::IRQ_ARM), 1);
    b.tx_err(2, c::err_e::ERR_DESC_CHAIN_LONG);
    b.ticks(3);
    CHECK(b.irq_count[2] == 1);
    CHECK(b.irq_error_count == 0);  // ERR_IRQ_EN off
    CHECK(b.rd(irqr(2, c::IRQ_CAUSE)) == 1u << c::IRQ_CAUSE_ERROR.lsb);

    b.wr(c::REG_ERR_IRQ_EN, 1);
    configure_ring(b, rxr, 1, 2);
    b.wr(rxr(1, c::RING_PROD), 4);  // doorbell out of range: error detected by the registers
    b.ticks(3);
    CHECK(b.irq_error_count == 1);
    b.tx_err(2, c::err_e::ERR_DESC_CHAIN_LONG);  // already in error: not a new entry
    b.ticks(3);
    CHECK(b.irq_error_count == 1);
    b.m.rx_err_valid = 1;
    b.m.rx_err_queue = 0;
    b.m.rx_err_code = static_cast<std::uint8_t>(c::err_e::ERR_DMA_DATA_WRITE);
    b.tick();
    b.m.rx_err_valid = 0;
    b.ticks(3);
    CHECK(b.irq_error_count == 2);
    CHECK(b.rd(rxr(0, c::RING_ERR)) == static_cast<unsigned>(c::err_e::ERR_DMA_DATA_WRITE));
    CHECK(b.rd(c::REG_ERR_QUEUES) == ((1u << 2) | (1u << 16) | (1u << 17)));
}
