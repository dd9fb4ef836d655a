// The weak host memory model (host/memory_order.hpp) on its own: a region of memory, a clock the
// test moves, the CPU's side (stores, loads, barriers), the register path (MMIO writes issued and
// taken by the NIC, MMIO reads) and the NIC's side (DMA reads and writes through the view).
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "host/memory_order.hpp"

using nicsim::host::OrderingHazard;
using nicsim::host::OrderingViolation;
using nicsim::host::WeakOrdering;
using nicsim::host::WeakOrderingConfig;

namespace {

constexpr std::uint64_t kBase = 0x1'0000'0000;
constexpr std::uint32_t kMaxDelay = 32;

/// Records every hazard and calls each a violation (the model then records, without throwing).
struct Recorder final : nicsim::host::OrderingListener {
    std::vector<OrderingHazard> hazards;
    bool dismiss = false;
    std::optional<std::string> explain(OrderingHazard const& h) override {
        hazards.push_back(h);
        if (dismiss) return std::nullopt;
        return nicsim::host::describe(h);
    }
};

struct Rig {
    std::vector<std::uint8_t> memory = std::vector<std::uint8_t>(4096);
    std::uint64_t now = 100;
    Recorder recorder;
    WeakOrdering model;

    explicit Rig(std::uint64_t seed = 7, bool listen = true)
        : model(
              memory.data(), kBase, memory.size(), [this] { return now; }, seed, config()) {
        if (listen) model.set_listener(&recorder);
    }
    static WeakOrderingConfig config() {
        WeakOrderingConfig c;
        c.store_visibility_max_cycles = kMaxDelay;
        c.throw_on_violation = false;
        return c;
    }
    void* at(std::uint64_t offset) { return memory.data() + offset; }
    void cpu_store(std::uint64_t offset, std::vector<std::uint8_t> const& bytes) {
        model.store(at(offset), bytes.data(), bytes.size());
    }
    /// What the NIC reads at `offset`.
    std::vector<std::uint8_t> dma_read(std::uint64_t offset, std::size_t n) {
        std::vector<std::uint8_t> data(memory.begin() + static_cast<std::ptrdiff_t>(offset),
                                       memory.begin() + static_cast<std::ptrdiff_t>(offset + n));
        model.after_read(kBase + offset, data);
        return data;
    }
    void dma_write(std::uint64_t offset, std::vector<std::uint8_t> const& bytes) {
        model.before_write(kBase + offset, bytes.size());
        std::memcpy(at(offset), bytes.data(), bytes.size());
    }
    std::vector<std::uint8_t> cpu_load(std::uint64_t offset, std::size_t n) {
        std::vector<std::uint8_t> out(n);
        model.load(out.data(), at(offset), n);
        return out;
    }
};

std::vector<std::uint8_t> const kOld(16, 0x00);
std::vector<std::uint8_t> const kNew(16, 0xAB);

}  // namespace

TEST_CASE("a CPU store is invisible to DMA reads until the write barrier, and the stale read is reported") {
    Rig rig;
    rig.cpu_store(64, kNew);
    CHECK(rig.cpu_load(64, 16) == kNew);  // the CPU reads its own store at once
    CHECK(rig.dma_read(64, 16) == kOld);
    REQUIRE(rig.recorder.hazards.size() == 1);
    auto const& h = rig.recorder.hazards[0];
    CHECK(h.kind == OrderingHazard::Kind::stale_dma_read);
    CHECK(h.addr == kBase + 64);
    CHECK(h.stale == kOld);
    CHECK(h.fresh == kNew);
    CHECK(h.cycle == 100);
    CHECK(h.earlier_cycle == 100);
    CHECK(h.cause.find("no write barrier") != std::string::npos);
    rig.model.write_barrier();
    CHECK(rig.model.pending_stores() == 0);
    CHECK(rig.dma_read(64, 16) == kNew);
    CHECK(rig.recorder.hazards.size() == 1);
    CHECK(rig.model.stats().violations == 1);
    CHECK(rig.model.stats().retired_at_barrier == 1);
}

TEST_CASE("stores, write barrier, MMIO write: the NIC never sees stale bytes (a correct doorbell costs nothing)") {
    Rig rig;
    rig.cpu_store(0, kNew);
    rig.cpu_store(16, kNew);
    rig.model.write_barrier();
    rig.model.mmio_write_issued(0x1018, 2);
    rig.now += 60;
    rig.model.mmio_write_arrived();
    CHECK(rig.dma_read(0, 32) == std::vector<std::uint8_t>(32, 0xAB));
    CHECK(rig.recorder.hazards.empty());
    CHECK(rig.model.stats().overtaken_stores == 0);
}

TEST_CASE("a pending store drains by itself within store_visibility_max_cycles") {
    Rig rig;
    rig.cpu_store(0, kNew);
    rig.recorder.dismiss = true;  // only the bytes matter here
    std::uint64_t visible_at = 0;
    for (std::uint64_t t = 100; t <= 100 + kMaxDelay + 1 && visible_at == 0; ++t) {
        rig.now = t;
        if (rig.dma_read(0, 16) == kNew) visible_at = t;
    }
    REQUIRE(visible_at != 0);
    CHECK(visible_at <= 100 + kMaxDelay);
    CHECK(rig.model.stats().retired_after_delay == 1);

    SECTION("the same seed draws the same delay; the run replays") {
        Rig again(7);
        again.cpu_store(0, kNew);
        again.recorder.dismiss = true;
        again.now = visible_at - 1;
        if (visible_at > 100) CHECK(again.dma_read(0, 16) == kOld);
        again.now = visible_at;
        CHECK(again.dma_read(0, 16) == kNew);
    }
}

TEST_CASE("an MMIO write does not drain the store buffer: the store it overtook stays stale after it reached the NIC") {
    Rig rig;
    rig.recorder.dismiss = true;
    rig.cpu_store(0, kNew);
    rig.model.mmio_write_issued(0x1018, 1);  // the doorbell before the barrier
    rig.model.write_barrier();               // ... and the barrier after it
    rig.now += 10'000;                       // far beyond the store's own delay: the write is not at the NIC yet
    CHECK(rig.dma_read(0, 16) == kOld);
    rig.model.mmio_write_arrived();
    std::uint64_t const arrived = rig.now;
    std::uint64_t visible_at = 0;
    for (; rig.now <= arrived + kMaxDelay + 1 && visible_at == 0; ++rig.now)
        if (rig.dma_read(0, 16) == kNew) visible_at = rig.now;
    REQUIRE(visible_at != 0);
    CHECK(visible_at <= arrived + kMaxDelay);
    CHECK(rig.model.stats().overtaken_stores == 1);

    SECTION("the barrier orders it before the next MMIO write: visible when that one reaches the NIC") {
        Rig next;
        next.recorder.dismiss = true;
        next.cpu_store(0, kNew);
        next.model.mmio_write_issued(0x1018, 1);
        next.model.write_barrier();
        next.model.mmio_write_issued(0x1080, 1);  // after the barrier
        next.model.mmio_write_arrived();          // the doorbell: the store may still be stale
        next.model.mmio_write_arrived();          // the write after the barrier: now it is visible
        CHECK(next.dma_read(0, 16) == kNew);
        CHECK(next.model.pending_stores() == 0);
    }
    SECTION("the report names the MMIO write that overtook the store and the late barrier") {
        Rig named;
        named.cpu_store(0, kNew);
        named.model.mmio_write_issued(0x1018, 1);
        named.model.write_barrier();
        named.now += 5;
        named.dma_read(0, 16);
        REQUIRE(named.recorder.hazards.size() == 1);
        auto const& cause = named.recorder.hazards[0].cause;
        CHECK(cause.find("0x1018 <- 0x1") != std::string::npos);
        CHECK(cause.find("issued at cycle 100") != std::string::npos);
        CHECK(cause.find("not yet at the NIC") != std::string::npos);
        CHECK(cause.find("barrier came only after that write") != std::string::npos);
    }
}

TEST_CASE("an MMIO read is a full barrier: every pending store is visible, the loads start a new run") {
    Rig rig;
    rig.cpu_store(0, kNew);
    rig.model.mmio_write_issued(0x1018, 1);
    rig.model.mmio_read_issued();
    CHECK(rig.model.pending_stores() == 0);
    CHECK(rig.dma_read(0, 16) == kNew);
    CHECK(rig.recorder.hazards.empty());
}

TEST_CASE("overlapping pending stores: the NIC sees the bytes from before the oldest") {
    Rig rig;
    rig.recorder.dismiss = true;
    rig.cpu_store(0, std::vector<std::uint8_t>(16, 0x11));
    rig.cpu_store(8, std::vector<std::uint8_t>(16, 0x22));
    CHECK(rig.dma_read(0, 24) == std::vector<std::uint8_t>(24, 0x00));
    CHECK(rig.cpu_load(0, 24) == [] {
        std::vector<std::uint8_t> v(24, 0x11);
        std::fill(v.begin() + 8, v.end(), 0x22);
        return v;
    }());
}

TEST_CASE("a store that leaves memory as it was is not pending") {
    Rig rig;
    rig.cpu_store(0, kOld);
    rig.model.zero(rig.at(32), 16);
    CHECK(rig.model.pending_stores() == 0);
    CHECK(rig.model.stats().stores == 0);
}

TEST_CASE("a record's changed bytes loaded after the load that saw the change, with no read barrier, are stale") {
    Rig rig;
    std::vector<std::uint8_t> record(16, 0x00);
    CHECK(rig.cpu_load(15, 1) == std::vector<std::uint8_t>{0x00});  // polling: not written yet
    record.assign(16, 0x5A);
    record[15] = 0x80;  // phase
    rig.now += 3;
    rig.dma_write(0, record);
    CHECK(rig.cpu_load(15, 1) == std::vector<std::uint8_t>{0x80});  // the phase: new at once

    SECTION("without a read barrier the fields come from before the NIC's write, reported as rule O2") {
        CHECK(rig.cpu_load(0, 16) == std::vector<std::uint8_t>(16, 0x00));
        REQUIRE(rig.recorder.hazards.size() == 1);
        auto const& h = rig.recorder.hazards[0];
        CHECK(h.kind == OrderingHazard::Kind::stale_cpu_load);
        CHECK(std::string(nicsim::host::rule_of(h.kind)) == "O2");
        CHECK(h.addr == kBase);
        CHECK(h.stale == std::vector<std::uint8_t>(16, 0x00));
        CHECK(h.fresh == record);
        CHECK(h.earlier_cycle == 103);
    }
    SECTION("after a read barrier the fields are the NIC's") {
        rig.model.read_barrier();
        CHECK(rig.cpu_load(0, 16) == record);
        CHECK(rig.recorder.hazards.empty());
    }
    SECTION("reading the fields first and the phase after, with no barrier between, is reported too") {
        Rig first;
        first.cpu_load(0, 16);
        first.dma_write(0, record);
        CHECK(first.cpu_load(0, 15) == std::vector<std::uint8_t>(record.begin(), record.begin() + 15));
        CHECK(first.cpu_load(15, 1) == std::vector<std::uint8_t>{0x00});  // may be older than the fields
        CHECK(first.recorder.hazards.size() == 1);
    }
}

TEST_CASE("a record polled across cycles is seen as soon as the NIC wrote it: a correct driver waits for nothing") {
    Rig rig;
    for (int poll = 0; poll < 3; ++poll) {
        CHECK(rig.cpu_load(15, 1) == std::vector<std::uint8_t>{0x00});
        ++rig.now;
    }
    std::vector<std::uint8_t> record(16, 0x33);
    rig.dma_write(0, record);
    CHECK(rig.cpu_load(15, 1) == std::vector<std::uint8_t>{0x33});
    rig.model.read_barrier();
    CHECK(rig.cpu_load(0, 16) == record);
    ++rig.now;
    CHECK(rig.cpu_load(16 + 15, 1) == std::vector<std::uint8_t>{0x00});  // the next slot, polled
    CHECK(rig.recorder.hazards.empty());
}

TEST_CASE("the CPU's own store to a record resets what the CPU knows of it") {
    Rig rig;
    rig.cpu_load(0, 16);
    rig.dma_write(0, kNew);
    CHECK(rig.cpu_load(15, 1) == std::vector<std::uint8_t>{0xAB});
    rig.model.zero(rig.at(0), 16);  // the driver zeroes the ring
    rig.model.write_barrier();
    CHECK(rig.cpu_load(0, 16) == kOld);
    CHECK(rig.cpu_load(0, 16) == kOld);
    CHECK(rig.recorder.hazards.empty());
}

TEST_CASE("a DMA write to bytes a CPU store still holds is reported as rule O3, and the NIC's bytes stay") {
    Rig rig;
    rig.cpu_store(0, std::vector<std::uint8_t>(32, 0x11));
    rig.dma_write(8, std::vector<std::uint8_t>(8, 0x77));
    REQUIRE(rig.recorder.hazards.size() == 1);
    auto const& h = rig.recorder.hazards[0];
    CHECK(h.kind == OrderingHazard::Kind::dma_write_under_store);
    CHECK(h.addr == kBase + 8);
    CHECK(h.stale == std::vector<std::uint8_t>(8, 0x00));
    CHECK(h.fresh == std::vector<std::uint8_t>(8, 0x11));
    // The rest of the store is still pending around the NIC's bytes.
    rig.recorder.dismiss = true;
    std::vector<std::uint8_t> seen = rig.dma_read(0, 32);
    std::vector<std::uint8_t> expected(32, 0x00);
    std::fill(expected.begin() + 8, expected.begin() + 16, 0x77);
    CHECK(seen == expected);
    rig.model.write_barrier();
    std::fill(expected.begin(), expected.begin() + 8, 0x11);
    std::fill(expected.begin() + 16, expected.end(), 0x11);
    CHECK(rig.dma_read(0, 32) == expected);
}

TEST_CASE("without a listener a hazard throws OrderingViolation naming the rule, the bytes and the cycle") {
    std::vector<std::uint8_t> memory(256);
    std::uint64_t now = 42;
    WeakOrdering model(
        memory.data(), kBase, memory.size(), [&] { return now; }, 1);
    std::vector<std::uint8_t> const bytes(4, 0xEE);
    model.store(memory.data() + 16, bytes.data(), bytes.size());
    std::array<std::uint8_t, 8> data{};
    std::memcpy(data.data(), memory.data() + 16, data.size());  // what the slave read from memory
    try {
        model.after_read(kBase + 16, data);
        FAIL("no OrderingViolation");
    } catch (OrderingViolation const& e) {
        std::string const m = e.message();
        CHECK(m.find("ordering violation at cycle 42") != std::string::npos);
        CHECK(m.find("rule O1") != std::string::npos);
        CHECK(m.find("[0x100000010, 0x100000014)") != std::string::npos);
        CHECK(m.find("got 00000000, but the CPU stored eeeeeeee") != std::string::npos);
    }
    CHECK(model.stats().violations == 1);
}

TEST_CASE("a dismissed hazard is counted, not a violation") {
    Rig rig;
    rig.recorder.dismiss = true;
    rig.cpu_store(0, kNew);
    rig.dma_read(0, 16);
    CHECK(rig.model.stats().hazards == 1);
    CHECK(rig.model.stats().dismissed == 1);
    CHECK(rig.model.stats().violations == 0);
}
