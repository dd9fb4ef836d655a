// The nic_dma client bus model on its own: a plain struct with an engine's port names plays the
// client, cycle by cycle, so every knob can be measured and every rule broken on purpose. (The
// engines use it in rtl/tests/tx and rtl/tests/rx; dma_client_conformance_test.cpp holds it
// against nic_dma itself.)
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bfm/dma_client_memory.hpp"

namespace {

using namespace nicsim::bfm;

// What Verilator generates for a 64-bit engine's client ports (scalars at this width).
struct FakeEngine {
    std::uint8_t desc_rd_req_valid = 0, desc_rd_req_ready = 0;
    std::uint64_t desc_rd_req_addr = 0;
    std::uint16_t desc_rd_req_len = 0;
    std::uint8_t desc_rd_resp_valid = 0, desc_rd_resp_ready = 1, desc_rd_resp_last = 0, desc_rd_resp_err = 0;
    std::uint64_t desc_rd_resp_data = 0;

    std::uint8_t data_rd_req_valid = 0, data_rd_req_ready = 0;
    std::uint64_t data_rd_req_addr = 0;
    std::uint16_t data_rd_req_len = 0;
    std::uint8_t data_rd_resp_valid = 0, data_rd_resp_ready = 1, data_rd_resp_last = 0, data_rd_resp_err = 0;
    std::uint64_t data_rd_resp_data = 0;

    std::uint8_t cpl_wr_req_valid = 0, cpl_wr_req_ready = 0;
    std::uint64_t cpl_wr_req_addr = 0;
    std::uint16_t cpl_wr_req_len = 0;
    std::uint8_t cpl_wr_data_valid = 0, cpl_wr_data_ready = 0, cpl_wr_data_strb = 0, cpl_wr_data_last = 0;
    std::uint64_t cpl_wr_data = 0;
    std::uint8_t cpl_wr_resp_valid = 0, cpl_wr_resp_err = 0;

    std::uint8_t data_wr_req_valid = 0, data_wr_req_ready = 0;
    std::uint64_t data_wr_req_addr = 0;
    std::uint16_t data_wr_req_len = 0;
    std::uint8_t data_wr_data_valid = 0, data_wr_data_ready = 0, data_wr_data_strb = 0, data_wr_data_last = 0;
    std::uint64_t data_wr_data = 0;
    std::uint8_t data_wr_resp_valid = 0, data_wr_resp_err = 0;
};

using Mem = DmaClientMemory<8>;

struct Rig {
    FakeEngine e;
    SparseMemory host;
    std::mt19937_64 rng{7};
    Mem mem;
    Mem::Client& desc;
    Mem::Client& data;
    Mem::Client& cpl;
    Mem::Client& dwr;

    explicit Rig(DmaClientMemoryConfig cfg = {})
        : mem(host, rng, cfg),
          desc(mem.add_read_client("desc_rd", DmaReadPort::of_desc_rd(e))),
          data(mem.add_read_client("data_rd", DmaReadPort::of_data_rd(e))),
          cpl(mem.add_write_client("cpl_wr", DmaWritePort::of_cpl_wr(e))),
          dwr(mem.add_write_client("data_wr", DmaWritePort::of_data_wr(e))) {
        for (std::uint64_t a = 0; a < 0x4000; a += 8) host.write_u64(a, 0x0101010101010101ull * (a / 8 % 251));
    }
    // One cycle: inputs, (no model to settle), handshakes.
    void tick() {
        mem.drive();
        mem.sample();
    }
};

// The beats a read port hands over, with the cycle each was taken.
struct Beat {
    std::uint64_t cycle;
    std::uint64_t data;
    bool last, err;
};

// Offers one read request on desc_rd and takes its beats (resp_ready always high).
std::vector<Beat> read(Rig& r, std::uint64_t addr, std::uint16_t len, int max_cycles = 200) {
    r.e.desc_rd_req_valid = 1;
    r.e.desc_rd_req_addr = addr;
    r.e.desc_rd_req_len = len;
    std::vector<Beat> beats;
    for (int i = 0; i < max_cycles; ++i) {
        std::uint64_t const c = r.mem.cycle();
        r.mem.drive();
        bool const req_taken = r.e.desc_rd_req_valid && r.e.desc_rd_req_ready;
        if (r.e.desc_rd_resp_valid && r.e.desc_rd_resp_ready)
            beats.push_back({c, r.e.desc_rd_resp_data, r.e.desc_rd_resp_last != 0, r.e.desc_rd_resp_err != 0});
        r.mem.sample();
        if (req_taken) r.e.desc_rd_req_valid = 0;
        if (!beats.empty() && beats.back().last) break;
    }
    return beats;
}

std::uint8_t lane(std::uint64_t beat, unsigned i) {
    return static_cast<std::uint8_t>(beat >> (8 * i));
}

// A write on cpl_wr of `len` bytes at `addr` (within one beat), data and strobes offered with the
// request; returns the cycle of the response pulse and its error flag.
struct WriteResult {
    std::uint64_t resp_cycle = 0;
    bool err = false;
    bool responded = false;
};
WriteResult write_one_beat(Rig& r, std::uint64_t addr, std::uint16_t len, std::uint64_t data, int max_cycles = 200) {
    r.e.cpl_wr_req_valid = 1;
    r.e.cpl_wr_req_addr = addr;
    r.e.cpl_wr_req_len = len;
    r.e.cpl_wr_data_valid = 1;
    r.e.cpl_wr_data = data;
    r.e.cpl_wr_data_strb = static_cast<std::uint8_t>(((1u << len) - 1) << (addr % 8));
    r.e.cpl_wr_data_last = 1;
    WriteResult w;
    for (int i = 0; i < max_cycles && !w.responded; ++i) {
        std::uint64_t const c = r.mem.cycle();
        r.mem.drive();
        bool const req_taken = r.e.cpl_wr_req_valid && r.e.cpl_wr_req_ready;
        bool const data_taken = r.e.cpl_wr_data_valid && r.e.cpl_wr_data_ready;
        if (r.e.cpl_wr_resp_valid) w = {c, r.e.cpl_wr_resp_err != 0, true};
        r.mem.sample();
        if (req_taken) r.e.cpl_wr_req_valid = 0;
        if (data_taken) r.e.cpl_wr_data_valid = 0;
    }
    return w;
}

}  // namespace

TEST_CASE("a read is served beat-aligned with junk outside the request and last on its last beat", "[bfm][dma]") {
    Rig r;
    auto const beats = read(r, 0x1003, 10);  // lanes 3..7 of one beat, 0..4 of the next
    REQUIRE(beats.size() == 2);
    for (unsigned i = 0; i < 8; ++i) {
        INFO("lane " << i);
        CHECK(lane(beats[0].data, i) == (i >= 3 ? r.host.read_u8(0x1000 + i) : (0xA5 ^ i)));
        CHECK(lane(beats[1].data, i) == (i < 5 ? r.host.read_u8(0x1008 + i) : (0xA5 ^ i ^ 1)));
    }
    CHECK_FALSE(beats[0].last);
    CHECK(beats[1].last);
    CHECK_FALSE(beats[0].err);
    // Latency 0: taken at cycle 0, first beat offered at cycle 1, the next right after.
    CHECK(beats[0].cycle == 1);
    CHECK(beats[1].cycle == 2);
    CHECK(r.desc.stats().requests == 1);
    CHECK(r.desc.stats().beats == 2);
    CHECK(r.mem.idle());
}

TEST_CASE("the latency knob delays the first beat by exactly the cycles drawn", "[bfm][dma]") {
    Rig r;
    SECTION("fixed") {
        r.desc.config().latency = Latency::fixed(17);
        auto const beats = read(r, 0x200, 16);
        REQUIRE(beats.size() == 2);
        CHECK(beats[0].cycle == 0 + 1 + 17);
    }
    SECTION("uniform: every draw in range, both ends reached") {
        r.desc.config().latency = Latency::uniform(3, 6);
        std::vector<int> seen(7, 0);
        for (int i = 0; i < 200; ++i) {
            std::uint64_t const start = r.mem.cycle();
            auto const beats = read(r, 0x300, 8);
            REQUIRE(beats.size() == 1);
            auto const latency = beats[0].cycle - start - 1;
            REQUIRE(latency >= 3);
            REQUIRE(latency <= 6);
            ++seen[latency];
        }
        for (int l = 3; l <= 6; ++l) CHECK(seen[l] > 20);
    }
}

TEST_CASE("pauses hold req_ready and the data channels low at the rate asked", "[bfm][dma]") {
    Rig r;
    SECTION("request channel") {
        r.desc.config().req_pause.set_probability(0.75);
        r.e.desc_rd_req_valid = 1;
        r.e.desc_rd_req_len = 8;
        int ready = 0;
        constexpr int cycles = 4000;
        for (int i = 0; i < cycles; ++i) {
            r.mem.drive();
            ready += r.e.desc_rd_req_ready;
            r.mem.sample();
        }
        CHECK(ready > cycles / 4 - 200);
        CHECK(ready < cycles / 4 + 200);
        CHECK(r.desc.stats().requests == static_cast<std::uint64_t>(ready));
    }
    SECTION("a due beat is offered at the rate asked, and held once offered") {
        r.desc.config().data_pause.set_probability(0.5);
        r.e.desc_rd_resp_ready = 0;
        auto const beats = read(r, 0x400, 8, 50);  // never taken: the offered beat must stay
        CHECK(beats.empty());
        CHECK(r.e.desc_rd_resp_valid == 1);
        r.e.desc_rd_resp_ready = 1;
        int offered = 0, taken = 0;
        r.e.desc_rd_req_valid = 1;
        r.e.desc_rd_req_len = 8;
        for (int i = 0; i < 4000; ++i) {
            r.mem.drive();
            offered += r.e.desc_rd_resp_valid;
            r.mem.sample();
        }
        taken = static_cast<int>(r.desc.stats().beats);
        CHECK(taken == offered);
        // A request every cycle: a beat is always due, and offered in half the cycles.
        CHECK(taken > 4000 / 2 - 300);
        CHECK(taken < 4000 / 2 + 300);
    }
    SECTION("write data") {
        r.cpl.config().data_pause.set_probability(1.0);
        auto const w = write_one_beat(r, 0x500, 8, 0x1122334455667788ull, 100);
        CHECK_FALSE(w.responded);
        CHECK(r.cpl.in_flight() == 1);
        CHECK(r.host.read_u64(0x500) != 0x1122334455667788ull);
        r.cpl.config().data_pause.set_probability(0.0);
        r.mem.drive();
        CHECK(r.e.cpl_wr_data_ready == 1);
        r.mem.sample();
        r.e.cpl_wr_data_valid = 0;
        CHECK(r.host.read_u64(0x500) == 0x1122334455667788ull);
    }
}

TEST_CASE("writes land with their strobes and get one response pulse each, in order, after the latency", "[bfm][dma]") {
    Rig r;
    r.cpl.config().latency = Latency::fixed(9);
    r.host.write_u64(0x2000, 0x1111111111111111ull);
    auto const w = write_one_beat(r, 0x2002, 3, 0x9999994433229999ull);  // lanes 2..4 strobed
    REQUIRE(w.responded);
    CHECK_FALSE(w.err);
    CHECK(r.host.read_u64(0x2000) == 0x1111114433221111ull);
    // Request and data at cycle 0, the data taken at cycle 1 (only once the request is), the
    // pulse 9 cycles after the next cycle.
    CHECK(w.resp_cycle == 1 + 1 + 9);
    CHECK(r.cpl.idle());

    SECTION("two requests back to back: two pulses, the second no earlier than the first") {
        std::vector<std::uint64_t> pulses;
        std::vector<DmaRequest> done;
        r.cpl.on_done = [&](DmaRequest const& q) { done.push_back(q); };
        r.cpl.config().latency = Latency::uniform(0, 30);
        r.e.cpl_wr_req_valid = 1;
        r.e.cpl_wr_req_addr = 0x2100;
        r.e.cpl_wr_req_len = 16;  // two beats
        int requests = 0, beats = 0;
        for (int i = 0; i < 200; ++i) {
            std::uint64_t const c = r.mem.cycle();
            r.mem.drive();
            bool const req_taken = r.e.cpl_wr_req_valid && r.e.cpl_wr_req_ready;
            bool const data_taken = r.e.cpl_wr_data_valid && r.e.cpl_wr_data_ready;
            if (r.e.cpl_wr_resp_valid) pulses.push_back(c);
            r.mem.sample();
            if (req_taken && ++requests == 2) r.e.cpl_wr_req_valid = 0;
            if (req_taken) r.e.cpl_wr_req_addr = 0x2200;
            if (data_taken) ++beats;
            r.e.cpl_wr_data_valid = beats < 4;
            r.e.cpl_wr_data_strb = 0xFF;
            r.e.cpl_wr_data_last = beats % 2 == 1;
            r.e.cpl_wr_data = 0x5555555555555555ull + static_cast<std::uint64_t>(beats);
        }
        REQUIRE(pulses.size() == 2);
        CHECK(pulses[0] < pulses[1]);
        REQUIRE(done.size() == 2);
        CHECK(done[0].addr == 0x2100);
        CHECK(done[1].addr == 0x2200);
        CHECK(done[1].index == 2);  // the third request of the port
        CHECK(r.host.read_u64(0x2108) == 0x5555555555555556ull);
        CHECK(r.host.read_u64(0x2208) == 0x5555555555555558ull);
    }
}

TEST_CASE("max_in_flight holds req_ready low until a request finishes", "[bfm][dma]") {
    Rig r;
    r.desc.config().max_in_flight = 2;
    r.desc.config().latency = Latency::fixed(50);
    r.e.desc_rd_req_valid = 1;
    r.e.desc_rd_req_len = 8;
    std::size_t most = 0;
    for (int i = 0; i < 40; ++i) {
        r.tick();
        most = std::max(most, r.desc.in_flight());
    }
    CHECK(r.desc.stats().requests == 2);
    CHECK(most == 2);
    CHECK(r.desc.stats().max_in_flight == 2);
    for (int i = 0; i < 30; ++i) r.tick();
    // The first two finish at cycles 51 and 52 (their one beat each); the next two are taken at
    // 52 and 53, and the port is full again.
    CHECK(r.desc.stats().requests == 4);
}

TEST_CASE("errors: chosen requests are answered with err, reads with junk, writes leave memory alone", "[bfm][dma]") {
    Rig r;
    SECTION("by address range, reads") {
        r.desc.config().error_ranges.push_back({0x1010, 0x1011});
        auto const ok = read(r, 0x1000, 16);
        REQUIRE(ok.size() == 2);
        CHECK_FALSE(ok[0].err);
        auto const bad = read(r, 0x100c, 8);  // overlaps the range
        REQUIRE(bad.size() == 2);
        for (unsigned n = 0; n < 2; ++n) {
            CHECK(bad[n].err);
            for (unsigned i = 0; i < 8; ++i) CHECK(lane(bad[n].data, i) == (0xA5 ^ i ^ n));
        }
        CHECK(r.desc.stats().error_requests == 1);
    }
    SECTION("by address range, writes") {
        r.cpl.config().error_ranges.push_back({0x3000, 0x3100});
        std::uint64_t const before = r.host.read_u64(0x3008);
        auto const w = write_one_beat(r, 0x3008, 8, 42);
        REQUIRE(w.responded);
        CHECK(w.err);
        CHECK(r.host.read_u64(0x3008) == before);
        CHECK(r.cpl.stats().error_requests == 1);
    }
    SECTION("by probability") {
        r.desc.config().error_probability = 1.0;
        auto const beats = read(r, 0x40, 8);
        REQUIRE(beats.size() == 1);
        CHECK(beats[0].err);
    }
    SECTION("by hook: the second request only") {
        std::vector<std::uint64_t> asked;
        r.desc.config().error_hook = [&](DmaRequest const& q) {
            asked.push_back(q.index);
            return q.index == 1;
        };
        CHECK_FALSE(read(r, 0x80, 8).at(0).err);
        CHECK(read(r, 0x80, 8).at(0).err);
        CHECK_FALSE(read(r, 0x80, 8).at(0).err);
        CHECK(asked == std::vector<std::uint64_t>{0, 1, 2});
    }
}

TEST_CASE("the checker names the port, the cycle and the rule a client breaks", "[bfm][dma]") {
    Rig r;
    SECTION("request valid dropped before ready") {
        r.desc.config().req_pause.set_probability(1.0);
        r.e.desc_rd_req_valid = 1;
        r.e.desc_rd_req_addr = 0x100;
        r.e.desc_rd_req_len = 32;
        r.tick();
        r.tick();
        r.e.desc_rd_req_valid = 0;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("port desc_rd at cycle 2") &&
                                        Catch::Contains("req_valid dropped before req_ready") &&
                                        Catch::Contains("0x100+32 offered since cycle 0"));
    }
    SECTION("request payload changed before ready") {
        r.cpl.config().req_pause.set_probability(1.0);
        r.e.cpl_wr_req_valid = 1;
        r.e.cpl_wr_req_addr = 0x100;
        r.e.cpl_wr_req_len = 16;
        r.tick();
        r.e.cpl_wr_req_len = 32;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("port cpl_wr at cycle 1: req_addr/req_len changed"));
    }
    SECTION("request of length 0") {
        r.e.data_rd_req_valid = 1;
        r.e.data_rd_req_addr = 0x40;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("port data_rd at cycle 0: request of 0 bytes at 0x40"));
    }
    SECTION("request past the top of the address space") {
        r.e.data_rd_req_valid = 1;
        r.e.data_rd_req_addr = ~0ull - 3;
        r.e.data_rd_req_len = 8;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("runs past the top of the address space"));
    }
    SECTION("write data with no request") {
        r.e.data_wr_data_valid = 1;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("port data_wr at cycle 0: wr_data_valid with no request"));
    }
    SECTION("write data dropped or changed before ready") {
        r.dwr.config().data_pause.set_probability(1.0);
        r.e.data_wr_req_valid = 1;
        r.e.data_wr_req_addr = 0x800;
        r.e.data_wr_req_len = 8;
        r.e.data_wr_data_valid = 1;
        r.e.data_wr_data_strb = 0xFF;
        r.e.data_wr_data_last = 1;
        r.tick();
        r.e.data_wr_req_valid = 0;
        r.tick();
        SECTION("dropped") {
            r.e.data_wr_data_valid = 0;
            CHECK_THROWS_WITH(r.tick(), Catch::Contains("wr_data_valid dropped before wr_data_ready (beat 0 of "
                                                        "request 0x800+8)"));
        }
        SECTION("changed") {
            r.e.data_wr_data = 1;
            CHECK_THROWS_WITH(r.tick(), Catch::Contains("wr_data, wr_data_strb or wr_data_last changed"));
        }
    }
    SECTION("last on the wrong beat, or missing on the last") {
        bool early = false;
        SECTION("set early") {
            early = true;
        }
        SECTION("missing") {
            early = false;
        }
        r.e.data_wr_req_valid = 1;
        r.e.data_wr_req_addr = 0x804;
        r.e.data_wr_req_len = 8;  // two beats
        r.e.data_wr_data_valid = 1;
        r.e.data_wr_data_strb = 0xF0;
        r.e.data_wr_data_last = early;
        r.tick();  // the request; its first beat waits for it
        r.e.data_wr_req_valid = 0;
        if (early) {
            CHECK_THROWS_WITH(r.tick(), Catch::Contains("wr_data_last set on beat 0 of the 2-beat request 0x804+8"));
        } else {
            r.tick();  // beat 0
            r.e.data_wr_data_strb = 0x0F;
            CHECK_THROWS_WITH(r.tick(), Catch::Contains("wr_data_last missing on beat 1 of the 2-beat request"));
        }
    }
    SECTION("a strobe outside the request") {
        r.e.cpl_wr_req_valid = 1;
        r.e.cpl_wr_req_addr = 0x900;
        r.e.cpl_wr_req_len = 4;
        r.e.cpl_wr_data_valid = 1;
        r.e.cpl_wr_data_strb = 0x1F;
        r.e.cpl_wr_data_last = 1;
        r.tick();
        r.e.cpl_wr_req_valid = 0;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("wr_data_strb lane 4 set outside the request 0x900+4"));
    }
    SECTION("with exact_strobes, a byte of the request not strobed") {
        r.cpl.config().exact_strobes = true;
        r.e.cpl_wr_req_valid = 1;
        r.e.cpl_wr_req_addr = 0x900;
        r.e.cpl_wr_req_len = 4;
        r.e.cpl_wr_data_valid = 1;
        r.e.cpl_wr_data_strb = 0x0B;
        r.e.cpl_wr_data_last = 1;
        r.tick();
        r.e.cpl_wr_req_valid = 0;
        CHECK_THROWS_WITH(r.tick(), Catch::Contains("wr_data_strb lane 2 clear inside the request 0x900+4"));
    }
    SECTION("with check off the model serves a request of length 0 as one byte") {
        r.data.config().check = false;
        r.e.data_rd_req_valid = 1;
        r.e.data_rd_req_addr = 0x41;
        CHECK_NOTHROW(r.tick());
        r.e.data_rd_req_valid = 0;
        r.tick();
        CHECK(r.e.data_rd_resp_valid == 1);
        CHECK(r.e.data_rd_resp_last == 1);
        CHECK(lane(r.e.data_rd_resp_data, 1) == r.host.read_u8(0x41));
    }
}

TEST_CASE("shared channels: one read beat at a time, write beats in request order", "[bfm][dma]") {
    DmaClientMemoryConfig cfg;
    cfg.shared_read_data = true;
    cfg.shared_write_data = true;
    Rig r(cfg);
    SECTION("reads of two ports take turns, one beat per cycle") {
        r.e.desc_rd_req_valid = r.e.data_rd_req_valid = 1;
        r.e.desc_rd_req_len = r.e.data_rd_req_len = 32;  // four beats each
        r.tick();
        r.e.desc_rd_req_valid = r.e.data_rd_req_valid = 0;
        std::vector<int> who;
        for (int i = 0; i < 12; ++i) {
            r.mem.drive();
            CHECK(r.e.desc_rd_resp_valid + r.e.data_rd_resp_valid <= 1);
            if (r.e.desc_rd_resp_valid) who.push_back(0);
            if (r.e.data_rd_resp_valid) who.push_back(1);
            r.mem.sample();
        }
        CHECK(who == std::vector<int>{1, 0, 1, 0, 1, 0, 1, 0});
    }
    SECTION("a read beat not taken holds the channel for every port") {
        r.e.desc_rd_resp_ready = 0;
        r.e.desc_rd_req_valid = 1;
        r.e.desc_rd_req_len = r.e.data_rd_req_len = 8;
        r.tick();  // desc_rd's request, due first
        r.e.desc_rd_req_valid = 0;
        r.e.data_rd_req_valid = 1;
        r.tick();  // data_rd's; desc_rd's beat is offered and not taken
        r.e.data_rd_req_valid = 0;
        for (int i = 0; i < 5; ++i) r.tick();
        CHECK(r.e.desc_rd_resp_valid == 1);
        CHECK(r.e.data_rd_resp_valid == 0);
        CHECK(r.data.stats().beats == 0);
        CHECK(r.data.in_flight() == 1);
        r.e.desc_rd_resp_ready = 1;
        for (int i = 0; i < 3; ++i) r.tick();
        CHECK(r.data.stats().beats == 1);
        CHECK(r.mem.idle());
    }
    SECTION("the second port's beats wait for the first request's") {
        r.e.cpl_wr_req_valid = 1;
        r.e.cpl_wr_req_addr = 0x3000;
        r.e.cpl_wr_req_len = 16;
        r.tick();  // cpl_wr's request first
        r.e.cpl_wr_req_valid = 0;
        r.e.data_wr_req_valid = 1;
        r.e.data_wr_req_addr = 0x3100;
        r.e.data_wr_req_len = 8;
        r.e.data_wr_data_valid = 1;
        r.e.data_wr_data_strb = 0xFF;
        r.e.data_wr_data_last = 1;
        r.tick();  // data_wr's request second; cpl_wr has not sent a beat
        r.e.data_wr_req_valid = 0;
        for (int i = 0; i < 3; ++i) {
            r.mem.drive();
            CHECK(r.e.data_wr_data_ready == 0);
            CHECK(r.e.cpl_wr_data_ready == 1);
            r.mem.sample();
        }
        r.e.cpl_wr_data_valid = 1;
        r.e.cpl_wr_data_strb = 0xFF;
        std::string order;  // the port of each beat taken, a cycle each
        for (int i = 0; i < 5; ++i) {
            r.e.cpl_wr_data_last = order.size() == 1;
            r.mem.drive();
            bool const c = r.e.cpl_wr_data_ready && r.e.cpl_wr_data_valid;
            bool const d = r.e.data_wr_data_ready && r.e.data_wr_data_valid;
            r.mem.sample();
            if (c) order += 'c';
            if (d) order += 'd';
            if (order.size() == 2) r.e.cpl_wr_data_valid = 0;
            if (d) r.e.data_wr_data_valid = 0;
        }
        CHECK(order == "ccd");
        CHECK(r.host.read_u64(0x3100) == r.e.data_wr_data);
    }
}

TEST_CASE("hooks see each request at its handshake and when done; reset forgets", "[bfm][dma]") {
    Rig r;
    r.desc.config().latency = Latency::fixed(4);
    std::vector<DmaRequest> taken, done;
    r.desc.on_request = [&](DmaRequest const& q) { taken.push_back(q); };
    r.desc.on_done = [&](DmaRequest const& q) { done.push_back(q); };
    read(r, 0x1006, 4);
    REQUIRE(taken.size() == 1);
    REQUIRE(done.size() == 1);
    CHECK(taken[0].port == "desc_rd");
    CHECK_FALSE(taken[0].write);
    CHECK(taken[0].beats == 2);
    CHECK(done[0].accept_cycle == 0);
    CHECK(done[0].first_beat_cycle == 5);
    CHECK(done[0].done_cycle == 6);

    r.e.desc_rd_req_valid = 1;
    r.e.desc_rd_req_len = 8;
    r.tick();
    CHECK(r.desc.in_flight() == 1);
    r.mem.reset();
    CHECK(r.mem.idle());
    CHECK(r.e.desc_rd_req_ready == 0);
    CHECK(r.e.desc_rd_resp_valid == 0);
}

TEST_CASE("a memory view sees every read and write the clients make", "[bfm][dma]") {
    struct Flip : DmaMemoryView {
        std::vector<std::uint64_t> writes;
        void after_read(std::uint64_t, std::span<std::uint8_t> data) override {
            for (auto& b : data) b = static_cast<std::uint8_t>(~b);
        }
        void before_write(std::uint64_t addr, std::size_t) override { writes.push_back(addr); }
    } view;
    Rig r;
    r.mem.set_view(&view);
    auto const beats = read(r, 0x1000, 8);
    REQUIRE(beats.size() == 1);
    CHECK(beats[0].data == ~r.host.read_u64(0x1000));
    write_one_beat(r, 0x2004, 2, 0x0000BEEF00000000ull);
    CHECK(view.writes == std::vector<std::uint64_t>{0x2004});
}
