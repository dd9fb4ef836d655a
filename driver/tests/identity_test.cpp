// The ID check at adapter start: a NIC that does not speak this driver's contract is refused
// with a message naming each mismatch, before the driver writes anything to it.
#include "fake_platform.hpp"

#include <nicsim/driver/adapter.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <vector>

using namespace nicsim::driver;
using Catch::Matchers::Contains;
namespace c = nicsim::contract;

namespace {

NicIdentity contract_identity() {
    drivertest::FakePlatform bus;  // registers and host memory
    return read_identity(bus);
}

struct HostMemory {
    std::vector<unsigned char> bytes = std::vector<unsigned char>(8u << 20);
    ringlib::DmaArena arena{bytes.data() + (64 - reinterpret_cast<std::uintptr_t>(bytes.data()) % 64) % 64,
                            0x1'0000'0000ull, (8u << 20) - 64};
};

}  // namespace

TEST_CASE("a NIC of this contract, data width and enough queues passes the ID check") {
    CHECK(identity_mismatches(contract_identity(), IdentityExpectations{64, 4}).empty());
}

TEST_CASE("ID check failures say what was expected and what was found") {
    NicIdentity id = contract_identity();
    SECTION("wrong magic: nothing else is checked") {
        id.magic = 0xdeadbeef;
        id.data_width_bits = 512;
        auto const problems = identity_mismatches(id, IdentityExpectations{});
        REQUIRE(problems.size() == 1);
        CHECK_THAT(problems[0], Contains("REG_ID_MAGIC") && Contains("0xdeadbeef") && Contains("not a nicsim NIC"));
    }
    SECTION("another contract major") {
        id.version = static_cast<std::uint32_t>(c::REG_ID_VERSION_MAJOR.put(0, c::CONTRACT_MAJOR + 1));
        auto const problems = identity_mismatches(id, IdentityExpectations{});
        REQUIRE(problems.size() == 1);
        CHECK_THAT(problems[0],
                   Contains("REG_ID_VERSION") && Contains(fmt::format("reports {}.0", c::CONTRACT_MAJOR + 1)));
    }
    SECTION("a newer minor is compatible") {
        id.version = static_cast<std::uint32_t>(
            c::REG_ID_VERSION_MINOR.put(c::REG_ID_VERSION_MAJOR.put(0, c::CONTRACT_MAJOR), c::CONTRACT_MINOR + 3));
        CHECK(identity_mismatches(id, IdentityExpectations{}).empty());
    }
    SECTION("data width, queue count and limits") {
        id.data_width_bits = 256;
        id.num_queues = 2;
        id.max_frame_bytes = 1518;
        id.max_tx_fragments = 4;
        id.rx_buffer_alignment_bytes = 128;
        auto const problems = identity_mismatches(id, IdentityExpectations{64, 4});
        REQUIRE(problems.size() == 5);
        CHECK_THAT(problems[0], Contains("64-bit") && Contains("found 256 bits"));
        CHECK_THAT(problems[1], Contains("4 queue pair(s)") && Contains("the NIC has 2"));
        CHECK_THAT(problems[2], Contains("MAX_FRAME_BYTES") && Contains("found 1518"));
        CHECK_THAT(problems[3], Contains("MAX_TX_FRAGS") && Contains("found 4"));
        CHECK_THAT(problems[4], Contains("RX_BUF_ALIGN_BYTES") && Contains("found 128"));
    }
}

TEST_CASE("adapter start refuses a mismatching NIC without writing a register") {
    HostMemory memory;
    drivertest::FakePlatform bus;  // registers and host memory
    bus.registers[c::REG_ID_DATA_WIDTH] = 128;
    AdapterConfig config;
    config.expected_data_width_bits = 64;
    Adapter adapter(bus, bus, memory.arena, config);
    CHECK_THROWS_WITH(adapter.start(), Contains("the NIC does not match this driver") &&
                                           Contains("configured for a 64-bit NIC, found 128 bits"));
    CHECK(bus.writes.empty());
    CHECK_FALSE(adapter.started());
}

TEST_CASE("adapter start resets every queue, programs rings, RSS and interrupts, enables the rings") {
    HostMemory memory;
    drivertest::FakePlatform bus;  // registers and host memory
    AdapterConfig config;
    config.queues_in_use = 3;
    config.tx_ring_log2 = 6;
    config.rx_ring_log2 = 7;
    config.irq_holdoff_cycles = 100;
    config.irq_packet_threshold = 8;
    Adapter adapter(bus, bus, memory.arena, config);
    adapter.start();
    REQUIRE(adapter.started());

    // Every queue of the NIC (4) is reset, not only the ones in use.
    for (std::uint32_t q = 0; q < 4; ++q) {
        auto const ctrl = bus.writes_to(c::queue_reg(q, c::QREG_TX, c::RING_CTRL));
        REQUIRE_FALSE(ctrl.empty());
        CHECK(c::RING_CTRL_RESET.get(ctrl.front().value) == 1);
    }
    for (std::uint32_t q = 0; q < 3; ++q) {
        HwRingInfo const tx = adapter.tx_ring(q);
        CHECK(tx.entries == 64);
        CHECK(tx.descriptor_base % c::RING_BASE_ALIGN_BYTES == 0);
        CHECK(bus.last_written.at(c::queue_reg(q, c::QREG_TX, c::RING_BASE_LO)) ==
              static_cast<std::uint32_t>(tx.descriptor_base));
        CHECK(bus.last_written.at(c::queue_reg(q, c::QREG_TX, c::RING_BASE_HI)) ==
              static_cast<std::uint32_t>(tx.descriptor_base >> 32));
        CHECK(bus.last_written.at(c::queue_reg(q, c::QREG_TX, c::RING_CPL_BASE_LO)) ==
              static_cast<std::uint32_t>(tx.completion_base));
        CHECK(bus.last_written.at(c::queue_reg(q, c::QREG_TX, c::RING_SIZE_LOG2)) == 6);
        CHECK(bus.last_written.at(c::queue_reg(q, c::QREG_RX, c::RING_SIZE_LOG2)) == 7);
        CHECK(c::RING_CTRL_ENABLE.get(bus.last_written.at(c::queue_reg(q, c::QREG_TX, c::RING_CTRL))) == 1);
        CHECK(c::RING_CTRL_ENABLE.get(bus.last_written.at(c::queue_reg(q, c::QREG_RX, c::RING_CTRL))) == 1);
        CHECK(bus.last_written.at(c::queue_reg(q, c::QREG_IRQ, c::IRQ_MOD_CYCLES)) == 100);
        CHECK(bus.last_written.at(c::queue_reg(q, c::QREG_IRQ, c::IRQ_MOD_PKTS)) == 8);
    }
    // The RSS table spreads the buckets over the 3 queues in use.
    for (std::uint32_t entry = 0; entry < static_cast<std::uint32_t>(c::RSS_TABLE_ENTRIES); ++entry) {
        CHECK(c::REG_RSS_TABLE0_QUEUE.get(
                  bus.last_written.at(static_cast<std::uint16_t>(c::REG_RSS_TABLE0 + 4 * entry))) == entry % 3);
    }
    // Key byte 0 lands in bits [31:24] of the first key word.
    CHECK(bus.last_written.at(c::REG_RSS_KEY0) >> 24 == AdapterConfig::default_rss_key()[0]);
    CHECK(c::REG_CTRL_RSS_EN.get(bus.last_written.at(c::REG_CTRL)) == 1);
    CHECK(c::REG_ERR_IRQ_EN_EN.get(bus.last_written.at(c::REG_ERR_IRQ_EN)) == 1);
}

TEST_CASE("adapter start refuses rings shorter than one data beat of descriptors, before writing a register") {
    CHECK(min_ring_log2(64) == 1);
    CHECK(min_ring_log2(256) == 1);
    CHECK(min_ring_log2(512) == 2);  // 64-byte beats: 4 descriptors
    CHECK(descriptor_ring_alignment(64) == 16);
    CHECK(descriptor_ring_alignment(512) == 64);

    HostMemory memory;
    drivertest::FakePlatform bus;
    bus.answer_as_contract_nic(4, 512);
    AdapterConfig config;
    config.expected_data_width_bits = 512;
    config.rx_ring_log2 = 1;
    Adapter adapter(bus, bus, memory.arena, config);
    CHECK_THROWS_WITH(adapter.start(), Contains("a 512-bit NIC needs rings of at least 2^2 entries") &&
                                           Contains("not 2^8 (TX) / 2^1 (RX)"));
    CHECK(bus.writes.empty());
}
