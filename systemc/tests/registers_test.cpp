// The register target socket: TLM b_transport -> AXI4-Lite on the verilated NIC.
#include <catch2/catch.hpp>

#include "test_platform.hpp"

using namespace nicsim::systemc;
using namespace nicsim::systemc::test;

TEST_CASE("registers: the ID block read through the target socket holds the contract's values") {
    TestPlatform p("tb");
    std::vector<RegResult> id;
    std::uint16_t const offsets[] = {c::REG_ID_MAGIC,      c::REG_ID_VERSION,   c::REG_ID_DATA_WIDTH,
                                     c::REG_ID_NUM_QUEUES, c::REG_ID_MAX_FRAME, c::REG_ID_MAX_FRAGS,
                                     c::REG_ID_RX_ALIGN};
    RegResult magic_byte1;
    p.software = [&](TestPlatform& tb) {
        for (auto off : offsets) id.push_back(tb.read(off));
        // Only byte 1 enabled: the other bytes of the caller's buffer stay as they were.
        unsigned char const be[4] = {TLM_BYTE_DISABLED, TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED};
        magic_byte1 = tb.transport(tlm::TLM_READ_COMMAND, c::REG_ID_MAGIC, 0xEEEEEEEE, sc_core::SC_ZERO_TIME, 4, be, 4);
    };
    REQUIRE(p.run());
    REQUIRE(id.size() == 7);
    for (auto const& r : id) CHECK(r.status == tlm::TLM_OK_RESPONSE);
    CHECK(id[0].value == c::NIC_MAGIC);
    CHECK(id[1].value == c::CONTRACT_VERSION);
    CHECK(id[2].value == NicModule::data_width);
    CHECK(id[3].value == NicModule::num_queues);
    CHECK(id[4].value == static_cast<std::uint32_t>(c::MAX_FRAME_BYTES));
    CHECK(id[5].value == static_cast<std::uint32_t>(c::MAX_TX_FRAGS));
    CHECK(id[6].value == static_cast<std::uint32_t>(c::RX_BUF_ALIGN_BYTES));
    CHECK(magic_byte1.status == tlm::TLM_OK_RESPONSE);
    CHECK(magic_byte1.value == ((0xEEEEEE00u & ~0xFF00u) | (c::NIC_MAGIC & 0xFF00u) | 0xEEu));
    CHECK(p.nic.stats().register_accesses == 8);
}

TEST_CASE("registers: a RW register written through the socket reads back with byte enables as WSTRB") {
    TestPlatform p("tb");
    unsigned const q = NicModule::num_queues - 1;
    std::uint16_t const mod_cycles = c::queue_reg(q, c::QREG_IRQ, c::IRQ_MOD_CYCLES);
    RegResult w1, r1, w2, r2, rss;
    p.software = [&](TestPlatform& tb) {
        w1 = tb.write(mod_cycles, 0x1234);
        r1 = tb.read(mod_cycles);
        unsigned char const be[4] = {TLM_BYTE_DISABLED, TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_DISABLED};
        w2 = tb.transport(tlm::TLM_WRITE_COMMAND, mod_cycles, 0xFFFFABFF, sc_core::SC_ZERO_TIME, 4, be, 4);
        r2 = tb.read(mod_cycles);
        tb.write_ok(c::REG_RSS_TABLE0 + 4 * 5, q);
        rss = tb.read(c::REG_RSS_TABLE0 + 4 * 5);
    };
    REQUIRE(p.run());
    CHECK(w1.status == tlm::TLM_OK_RESPONSE);
    CHECK(r1.status == tlm::TLM_OK_RESPONSE);
    CHECK(r1.value == 0x1234);
    CHECK(w2.status == tlm::TLM_OK_RESPONSE);
    CHECK(r2.value == 0xAB34);  // only byte 1 written
    CHECK(rss.status == tlm::TLM_OK_RESPONSE);
    CHECK(rss.value == q);
}

TEST_CASE("registers: bad accesses answer TLM errors with SLVERR mapped by direction") {
    TestPlatform p("tb");
    RegResult undefined_read, ro_write, magic_after, absent_queue, rss_bad, too_far, misaligned, too_long, ignored,
        undefined_write;
    std::uint64_t accesses_before_local_checks = 0, accesses_after_local_checks = 0;
    p.software = [&](TestPlatform& tb) {
        undefined_read = tb.read(0x0800);
        undefined_write = tb.write(0x0800, 1);
        ro_write = tb.write(c::REG_ID_MAGIC, 0);
        magic_after = tb.read(c::REG_ID_MAGIC);
        absent_queue = tb.read(c::queue_reg(NicModule::num_queues, c::QREG_TX, c::RING_BASE_LO));
        rss_bad = tb.write(c::REG_RSS_TABLE0, NicModule::num_queues);  // a queue that does not exist
        accesses_before_local_checks = tb.nic.stats().register_accesses;
        too_far = tb.read(0x10000);
        misaligned = tb.read(c::REG_ID_VERSION + 2);
        too_long = tb.transport(tlm::TLM_READ_COMMAND, c::REG_ID_MAGIC, 0, sc_core::SC_ZERO_TIME, 8);
        ignored = tb.transport(tlm::TLM_IGNORE_COMMAND, c::REG_ID_MAGIC, 0);
        accesses_after_local_checks = tb.nic.stats().register_accesses;
    };
    REQUIRE(p.run());
    CHECK(undefined_read.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(undefined_read.value == 0);  // the contract: undefined reads return 0 with SLVERR
    CHECK(undefined_write.status == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK(ro_write.status == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK(magic_after.value == c::NIC_MAGIC);
    CHECK(absent_queue.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(rss_bad.status == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK(too_far.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(misaligned.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(too_long.status == tlm::TLM_BURST_ERROR_RESPONSE);
    CHECK(ignored.status == tlm::TLM_OK_RESPONSE);
    CHECK(accesses_after_local_checks == accesses_before_local_checks);  // none reached the bus
}

TEST_CASE("registers: an access takes its AXI4-Lite cycles in simulated time after the annotated delay") {
    TestPlatform p("tb");
    sc_core::sc_time t_plain, t_delayed;
    std::uint64_t cycles_plain = 0, cycles_delayed = 0;
    RegResult plain, delayed;
    sc_core::sc_time const annotated = 3 * kPeriod;
    p.software = [&](TestPlatform& tb) {
        wait(tb.clk.posedge_event());
        auto e0 = tb.edges;
        auto t0 = sc_core::sc_time_stamp();
        plain = tb.read(c::REG_ID_MAGIC);
        t_plain = sc_core::sc_time_stamp() - t0;
        cycles_plain = tb.edges - e0;

        wait(tb.clk.posedge_event());
        e0 = tb.edges;
        t0 = sc_core::sc_time_stamp();
        delayed = tb.transport(tlm::TLM_READ_COMMAND, c::REG_ID_MAGIC, 0, annotated);
        t_delayed = sc_core::sc_time_stamp() - t0;
        cycles_delayed = tb.edges - e0;
    };
    REQUIRE(p.run());
    REQUIRE(plain.status == tlm::TLM_OK_RESPONSE);
    REQUIRE(delayed.status == tlm::TLM_OK_RESPONSE);
    CHECK(cycles_plain >= 2);  // address, then data: an AXI4-Lite read is never one cycle
    CHECK(t_plain == static_cast<double>(cycles_plain) * kPeriod);
    CHECK(plain.delay == sc_core::SC_ZERO_TIME);  // the time is spent, not annotated twice
    // The incoming delay is waited first, then the same bus cycles.
    CHECK(cycles_delayed == cycles_plain + 3);
    CHECK(t_delayed == annotated + t_plain);
    CHECK(delayed.delay == sc_core::SC_ZERO_TIME);
}
