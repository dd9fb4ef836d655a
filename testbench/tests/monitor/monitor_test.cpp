// The ownership monitor against deliberately broken hardware: the real verilated NIC in a
// co-simulation, with a bus model (bus_fault_injector.hpp) rewriting one chosen DMA request on its
// way to host memory. Each fault must stop the run with the monitor's message naming the access,
// the owner and the cycle; the same run without a fault (and through ring resets and recovery)
// must leave the monitor quiet. Each run is a few thousand cycles (well under a second).
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "bus_fault_injector.hpp"
#include "cosim/cosim.hpp"
#include "dut/dut.hpp"
#include "host/host.hpp"
#include "monitor/ownership_monitor.hpp"
#include "sim/kernel.hpp"

using nicsim::cosim::CoSimulation;
using nicsim::cosim::RunSummary;
using nicsim::cosim::Scenario;
using nicsim::monitor::Direction;
using nicsim::monitor::test::BusFault;
using nicsim::monitor::test::BusFaultInjector;

namespace {

constexpr std::uint32_t id_tx_desc = 0, id_tx_data = 1;                // AXI IDs of nic_dma's read clients
constexpr std::uint32_t id_tx_cpl = 0, id_rx_data = 1, id_rx_cpl = 2;  // and of its write clients

Scenario small() {
    Scenario s;
    s.config = "dw64_q4";
    s.platform.queues = 1;  // every ring is queue 0's: the faults below name it
    s.traffic.packets = 40;
    s.traffic.min_size = 200;
    s.traffic.max_size = 600;
    s.seed = 7;
    s.checks.watchdog_cycles = 50'000;
    return s;
}

struct Outcome {
    RunSummary summary;
    std::uint64_t injected = 0;
    std::string replay;  // the scenario (the fault is this test's)
};

/// Runs `s` with `fault` injected (none: the injector passes everything).
Outcome run_with(Scenario const& s, BusFault fault, std::function<void(CoSimulation&, BusFault&)> prepare = nullptr) {
    CoSimulation sim(s);
    if (prepare) prepare(sim, fault);
    BusFaultInjector injector(sim.dut().ports().m_axi, sim.dut().config().data_bytes(), std::move(fault));
    sim.kernel().add_agent(injector);
    Outcome o;
    o.summary = sim.run();
    o.injected = injector.injected();
    o.replay = fmt::format("seed {}; scenario: {}", s.seed, nicsim::cosim::replay_command(s));
    return o;
}

/// The run stopped at the first (injected) fault with the monitor's message.
std::string expect_violation(Outcome const& o) {
    INFO(nicsim::cosim::format_summary(o.summary));
    INFO(o.replay);
    CHECK(o.injected >= 1);
    CHECK_FALSE(o.summary.passed);
    CHECK(o.summary.ownership_violations == 1);
    std::string const& f = o.summary.failure;
    CHECK(f.rfind("ownership violation at cycle ", 0) == 0);
    CHECK(f.find("; owner: ") != std::string::npos);
    return f.substr(0, f.find('\n'));  // the message without the kernel's diagnosis
}

std::uint64_t offset(std::uint64_t a, std::int64_t by) {
    return a + static_cast<std::uint64_t>(by);
}

}  // namespace

TEST_CASE("the injector without a fault leaves the NIC correct and the monitor quiet") {
    BusFault none;
    none.kind = BusFault::Kind::read_address;
    none.id = id_tx_data;
    none.skip = ~std::uint64_t{0} >> 1;  // never
    Outcome const o = run_with(small(), none);
    INFO(nicsim::cosim::format_summary(o.summary));
    INFO(o.replay);
    CHECK(o.injected == 0);
    CHECK(o.summary.passed);
    CHECK(o.summary.ownership_violations == 0);
}

TEST_CASE("the monitor checked every kind of access of a clean run") {
    CoSimulation sim(small());
    RunSummary const r = sim.run();
    INFO(nicsim::cosim::format_summary(r));
    INFO("replay: " << nicsim::cosim::replay_command(small()));
    REQUIRE(r.passed);
    REQUIRE(sim.ownership_monitor() != nullptr);
    auto const& st = sim.ownership_monitor()->stats();
    CHECK(st.descriptor_reads > 0);
    CHECK(st.data_reads >= r.tx_packets);  // at least one burst per packet
    CHECK(st.data_writes >= r.rx_packets);
    CHECK(st.completions >= r.tx_packets + r.rx_packets);  // TX: one per packet; RX: one record per frame
    CHECK(st.doorbells > 0);
    CHECK(st.ring_resets >= 2 * 4);  // the driver resets every ring at start and at stop
    // at the end every ring is back with the driver
    auto const& tx = sim.ownership_monitor()->ring({0, Direction::tx});
    CHECK(tx.owned() == 0);
}

TEST_CASE("a TX descriptor read beyond the doorbell stops the run") {
    BusFault f;
    f.kind = BusFault::Kind::read_address;
    f.id = id_tx_desc;
    f.rewrite = [](std::uint64_t a) { return a + 128 * 16; };  // 128 slots further: never published here
    std::string const msg = expect_violation(run_with(small(), f));
    INFO(msg);
    CHECK(msg.find(": descriptor read [") != std::string::npos);
    CHECK(msg.find("descriptor slot 128 of the TX ring of queue 0 is not published to the NIC (RING_PROD ") !=
          std::string::npos);
    CHECK(msg.find("owner: driver: descriptor slot 128 of the TX ring of queue 0 (not published to the NIC") !=
          std::string::npos);
}

TEST_CASE("a TX data read outside its fragment stops the run") {
    BusFault f;
    f.kind = BusFault::Kind::read_address;
    f.id = id_tx_data;
    f.rewrite = [](std::uint64_t a) { return a + (1u << 20); };  // 1 MiB away: no fragment there
    std::string const msg = expect_violation(run_with(small(), f));
    INFO(msg);
    CHECK(msg.find(": TX data read [") != std::string::npos);
    CHECK(msg.find("not inside any fragment of a published packet the NIC owns") != std::string::npos);
}

TEST_CASE("an RX data write past the buffer's capacity stops the run") {
    BusFault f;
    f.kind = BusFault::Kind::write_address;
    f.id = id_rx_data;
    f.rewrite = [](std::uint64_t a) { return a + 2048 - 64; };  // the frame's first byte at the buffer's last 64
    std::string const msg = expect_violation(run_with(small(), f));
    INFO(msg);
    CHECK(msg.find(": RX data write [") != std::string::npos);
    CHECK(msg.find("bytes past the end of the buffer of RX ring of queue 0 slot 0") != std::string::npos);
    CHECK(msg.find("capacity 2048") != std::string::npos);
}

TEST_CASE("an RX data write into a buffer the NIC gave back stops the run") {
    BusFault f;
    f.kind = BusFault::Kind::write_address;
    f.id = id_rx_data;
    f.skip = 12;  // by then earlier frames are completed and their buffers back with the OS
    Outcome const o = run_with(small(), f, [](CoSimulation& sim, BusFault& fault) {
        auto const* mon = sim.ownership_monitor();
        // Into the buffer of the last slot the NIC completed, at the same offset as in its own.
        fault.rewrite = [mon](std::uint64_t a) {
            auto const& m = mon->ring({0, Direction::rx});
            auto const& done = m.entries[(m.released - 1) & m.mask()];
            for (std::uint32_t k = 0; k < m.owned(); ++k) {
                auto const& own = m.entries[(m.released + k) & m.mask()];
                if (a >= own.addr && a < own.addr + own.len) return done.addr + (a - own.addr);
            }
            return a;  // not a buffer write the monitor would accept anyway
        };
    });
    std::string const msg = expect_violation(o);
    INFO(msg);
    CHECK(msg.find(": DMA write [") != std::string::npos);
    CHECK(msg.find("not inside any RX buffer the NIC owns") != std::string::npos);
    CHECK(msg.find("owner: OS: buffer of the RX ring of queue 0 slot ") != std::string::npos);
    CHECK(msg.find("given back by the completion at cycle ") != std::string::npos);
}

TEST_CASE("a completion written to the wrong slot stops the run") {
    BusFault f;
    f.kind = BusFault::Kind::write_address;
    f.id = id_tx_cpl;
    f.rewrite = [](std::uint64_t a) { return offset(a, 16); };  // slot 1 instead of slot 0
    std::string const msg = expect_violation(run_with(small(), f));
    INFO(msg);
    CHECK(msg.find(": completion write (slot 1 of the TX ring of queue 0) [") != std::string::npos);
    CHECK(msg.find("out of order: the next completion goes to slot 0 (0 written so far)") != std::string::npos);
    CHECK(msg.find("owner: driver: completion slot 1 of the TX ring of queue 0") != std::string::npos);
}

TEST_CASE("a completion with the wrong phase stops the run") {
    BusFault f;
    f.kind = BusFault::Kind::completion_phase;
    f.id = id_rx_cpl;
    std::string const msg = expect_violation(run_with(small(), f));
    INFO(msg);
    CHECK(msg.find(": completion write (slot 0 of the RX ring of queue 0) [") != std::string::npos);
    CHECK(msg.find("phase bit 0, expected 1 (pass 1 over the ") != std::string::npos);
}

TEST_CASE("a completion with the wrong phase after a wrap stops the run") {
    // 16-entry rings: the second pass over the TX completion ring expects phase 0; the fault
    // flips the first completion of that pass back to 1.
    Scenario s = small();
    s.platform.ring_size = 16;
    BusFault f;
    f.kind = BusFault::Kind::completion_phase;
    f.id = id_tx_cpl;
    f.skip = 16;
    std::string const msg = expect_violation(run_with(s, f));
    INFO(msg);
    CHECK(msg.find(": completion write (slot 0 of the TX ring of queue 0) [") != std::string::npos);
    CHECK(msg.find("phase bit 1, expected 0 (pass 2 over the 16-slot completion ring") != std::string::npos);
}

TEST_CASE("rings reset and recovered after DMA errors keep the monitor quiet") {
    // Host memory answers some bursts with SLVERR: rings enter ERR_DMA_*, the driver resets,
    // reprograms (the other completion ring) and reposts. Accesses under way at the reset drain.
    Scenario s = small();
    s.traffic.packets = 150;
    CoSimulation sim(s);
    sim.on_started([&sim] { sim.host().memory.dma().config().error_probability = 0.002; });
    RunSummary const r = sim.run();
    INFO(nicsim::cosim::format_summary(r));
    INFO("seed " << s.seed << " (with host memory error probability 0.002): " << nicsim::cosim::replay_command(s));
    CHECK(r.ring_errors > 0);  // the recovery path ran
    CHECK(r.ownership_violations == 0);
    CHECK(r.failure.find("ownership violation") == std::string::npos);
    // every ring reset at start (4 queues), queue 0's rings at creation, one restart per error
    CHECK(sim.ownership_monitor()->stats().ring_resets >= 8 + 2 + r.ring_errors);
}
