// The AXI4 memory BFM and its sparse memory on their own: a plain struct with the m_axi_* names
// plays the master, so the checker can be shown the misuse the NIC never commits.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "bfm/axi4_slave_mem.hpp"

namespace {

using namespace nicsim::bfm;

// What Verilator would generate for a 64-bit, 4-bit-ID master (scalars only at this width).
struct FakeMaster {
    std::uint8_t m_axi_awid = 0, m_axi_awlen = 0, m_axi_awsize = 3, m_axi_awburst = 1, m_axi_awvalid = 0,
                 m_axi_awready = 0;
    std::uint64_t m_axi_awaddr = 0;
    std::uint64_t m_axi_wdata = 0;
    std::uint8_t m_axi_wstrb = 0, m_axi_wlast = 0, m_axi_wvalid = 0, m_axi_wready = 0;
    std::uint8_t m_axi_bid = 0, m_axi_bresp = 0, m_axi_bvalid = 0, m_axi_bready = 1;
    std::uint8_t m_axi_arid = 0, m_axi_arlen = 0, m_axi_arsize = 3, m_axi_arburst = 1, m_axi_arvalid = 0,
                 m_axi_arready = 0;
    std::uint64_t m_axi_araddr = 0;
    std::uint8_t m_axi_rid = 0, m_axi_rresp = 0, m_axi_rlast = 0, m_axi_rvalid = 0, m_axi_rready = 1;
    std::uint64_t m_axi_rdata = 0;
};

struct Rig {
    FakeMaster m;
    SparseMemory mem;
    std::mt19937_64 rng{1};
    Axi4SlaveMem<8> axi{Axi4Port::of_master(m), mem, rng};
    void tick() {
        axi.drive();
        axi.observe();
    }
};

}  // namespace

TEST_CASE("sparse memory reads the fill pattern where nothing was written and counts it", "[bfm]") {
    SparseMemory mem(0xCD);
    mem.write_u64(0x1000'0ffc, 0x1122334455667788ull);  // straddles a page
    CHECK(mem.read_u64(0x1000'0ffc) == 0x1122334455667788ull);
    CHECK(mem.unwritten_read_bytes() == 0);
    CHECK(mem.read_u8(0x1000'0ffb) == 0xCD);
    CHECK(mem.unwritten_read_bytes() == 1);
    CHECK(mem.allocated_pages() == 2);
    CHECK(mem.written(0x1000'1003));
    CHECK_FALSE(mem.written(0x1000'1004));
}

TEST_CASE("a mapped host buffer is the memory at its logical base", "[bfm]") {
    SparseMemory mem;
    std::vector<std::uint8_t> host(8192, 0);
    mem.map(0x8000'0000, host);
    mem.write_u64(0x8000'0ffc, 0x0102030405060708ull);
    CHECK(host[0xffc] == 0x08);
    CHECK(host[0x1003] == 0x01);
    host[0x10] = 0x5A;
    CHECK(mem.read_u8(0x8000'0010) == 0x5A);
    // a write straddling the region's end goes half to the buffer, half to sparse pages
    mem.write_u64(0x8000'1ffc, ~0ull);
    CHECK(host[0x1fff] == 0xFF);
    CHECK(mem.read_u64(0x8000'1ffc) == ~0ull);
    CHECK_THROWS_AS(mem.map(0x8000'1000, host), std::invalid_argument);
}

TEST_CASE("the BFM serves a write then a read burst with strobes", "[bfm]") {
    Rig r;
    r.mem.write_u64(0x2000, 0xAAAAAAAAAAAAAAAAull);
    r.m.m_axi_awvalid = 1;
    r.m.m_axi_awaddr = 0x2000;
    r.m.m_axi_awlen = 1;
    r.m.m_axi_wvalid = 1;
    r.m.m_axi_wdata = 0x1111111111111111ull;
    r.m.m_axi_wstrb = 0x0F;
    int beats = 0, guard = 0;
    bool got_b = false;
    while (!got_b && guard++ < 50) {
        r.axi.drive();
        bool const aw_hs = r.m.m_axi_awvalid && r.m.m_axi_awready;
        bool const w_hs = r.m.m_axi_wvalid && r.m.m_axi_wready;
        got_b = r.m.m_axi_bvalid && r.m.m_axi_bready;
        r.axi.observe();
        if (aw_hs) r.m.m_axi_awvalid = 0;
        if (w_hs && ++beats == 1) {
            r.m.m_axi_wdata = 0x2222222222222222ull;
            r.m.m_axi_wstrb = 0xFF;
            r.m.m_axi_wlast = 1;
        } else if (w_hs) {
            r.m.m_axi_wvalid = 0;
        }
    }
    REQUIRE(got_b);
    CHECK(r.mem.read_u64(0x2000) == 0xAAAAAAAA11111111ull);
    CHECK(r.mem.read_u64(0x2008) == 0x2222222222222222ull);
    CHECK(r.axi.stats().write_bursts == 1);
    CHECK(r.axi.stats().write_beats == 2);
}

TEST_CASE("the BFM checker names the rule a master breaks", "[bfm]") {
    Rig r;
    SECTION("INCR burst crossing 4 KiB") {
        r.m.m_axi_arvalid = 1;
        r.m.m_axi_araddr = 0x1ff8;
        r.m.m_axi_arlen = 1;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("crosses a 4 KiB boundary") && Catch::Contains("0x1ff8"));
    }
    SECTION("burst type other than INCR") {
        r.m.m_axi_arvalid = 1;
        r.m.m_axi_arburst = 2;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("AxBURST 2 unsupported"));
    }
    SECTION("size wider than the bus") {
        r.m.m_axi_awvalid = 1;
        r.m.m_axi_awsize = 4;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("wider than the 8-byte bus"));
    }
    SECTION("WLAST on the wrong beat") {
        r.m.m_axi_awvalid = 1;
        r.m.m_axi_awlen = 3;
        r.tick();
        r.m.m_axi_awvalid = 0;
        r.m.m_axi_wvalid = 1;
        r.m.m_axi_wstrb = 0xFF;
        r.m.m_axi_wlast = 1;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("WLAST set on beat 0 of a 4-beat burst"));
    }
    SECTION("payload changed while waiting for ready") {
        r.axi.config().ar_pause.set_probability(1.0);
        r.m.m_axi_arvalid = 1;
        r.m.m_axi_araddr = 0x100;
        r.tick();
        r.m.m_axi_araddr = 0x108;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("AR payload changed before ARREADY"));
    }
}

TEST_CASE("the BFM answers error ranges and keeps memory unwritten there", "[bfm]") {
    Rig r;
    r.axi.config().error_ranges.push_back({0x3000, 0x4000, axi4::resp_decerr});
    r.m.m_axi_awvalid = 1;
    r.m.m_axi_awaddr = 0x3008;
    r.m.m_axi_wvalid = 1;
    r.m.m_axi_wstrb = 0xFF;
    r.m.m_axi_wlast = 1;
    r.m.m_axi_wdata = 42;
    std::uint8_t bresp = 0xFF;
    for (int i = 0; i < 10 && bresp == 0xFF; ++i) {
        r.axi.drive();
        if (r.m.m_axi_bvalid) bresp = r.m.m_axi_bresp;
        bool const aw_hs = r.m.m_axi_awready, w_hs = r.m.m_axi_wready && r.m.m_axi_wvalid;
        r.axi.observe();
        if (aw_hs) r.m.m_axi_awvalid = 0;
        if (w_hs) r.m.m_axi_wvalid = 0;
    }
    CHECK(bresp == axi4::resp_decerr);
    CHECK_FALSE(r.mem.written(0x3008));
    CHECK(r.axi.stats().error_bursts == 1);
}
