// The scenario's rules on their own (cosim/scenario_rules.hpp): validate's boundaries, the ring
// plan from the ring size, RX buffer size and frame sizes, and the run limits raised by latency,
// stalls and frame size but never past what a scenario sets.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "cosim/fault_spec.hpp"
#include "cosim/scenario.hpp"
#include "cosim/scenario_rules.hpp"

namespace {

using nicsim::cosim::Scenario;
using nicsim::cosim::ScenarioError;
using nicsim::cosim::ScenarioField;

nicsim::dut::DutConfig const kDw64Q4{"dw64_q4", 64, 4};
nicsim::dut::DutConfig const kDw512Q4{"dw512_q4", 512, 4};

/// The field validate refuses `s` for, or none.
std::optional<ScenarioField> refused_for(Scenario const& s) {
    try {
        nicsim::cosim::validate(s);
    } catch (ScenarioError const& e) {
        return e.fields().front();
    }
    return std::nullopt;
}

Scenario with_ring(std::uint32_t ring_size, std::uint32_t rx_buffer_bytes = 2048) {
    Scenario s;
    s.platform.ring_size = ring_size;
    s.platform.rx_buffer_bytes = rx_buffer_bytes;
    return s;
}

}  // namespace

TEST_CASE("validate takes ring sizes 2..65536 in powers of two and nothing else") {
    for (std::uint32_t ok : {2u, 4u, 256u, 32768u, 65536u}) {
        INFO(ok);
        CHECK_FALSE(refused_for(with_ring(ok)));
    }
    for (std::uint32_t bad : {0u, 1u, 3u, 48u, 65535u, 131072u}) {
        INFO(bad);
        CHECK(refused_for(with_ring(bad)) == ScenarioField::ring_size);
    }
}

TEST_CASE("validate takes RX buffers of 128..65536 bytes in multiples of the alignment") {
    for (std::uint32_t ok : {128u, 192u, 2048u, 65536u}) {
        INFO(ok);
        CHECK_FALSE(refused_for(with_ring(256, ok)));
    }
    for (std::uint32_t bad : {0u, 64u, 127u, 200u, 65600u}) {
        INFO(bad);
        CHECK(refused_for(with_ring(256, bad)) == ScenarioField::rx_buffer_bytes);
    }
}

TEST_CASE("the ring plan of the default scenario") {
    auto const p = nicsim::cosim::plan_rings(Scenario{}, kDw64Q4);
    CHECK(p.os_ring == 256);
    CHECK(p.tx_fragment_bytes == 384);  // 1514-byte frames in up to 4 fragments, 64-byte multiples
    CHECK(p.tx_fragment_ring == 1024);  // 256 packets of 4 fragments
    CHECK(p.rx_fragment_ring == 256);   // a 2048-byte buffer holds a frame
    CHECK(p.hw_tx_log2 == 8);
    CHECK(p.hw_rx_log2 == 8);
    CHECK(p.host_memory_bytes == nicsim::cosim::kDefaultHostMemoryBytes);
}

TEST_CASE("the smallest rings still hold one maximal packet and a data beat of descriptors") {
    auto const p = nicsim::cosim::plan_rings(with_ring(2), kDw64Q4);
    CHECK(p.os_ring == 2);
    CHECK(p.tx_fragment_ring == 8);
    CHECK(p.rx_fragment_ring == 2);
    CHECK(p.hw_tx_log2 == 3);  // 4 fragments need 5 entries: 8
    CHECK(p.hw_rx_log2 == 1);
    auto const small_buffers = nicsim::cosim::plan_rings(with_ring(2, 128), kDw64Q4);
    CHECK(small_buffers.rx_fragment_ring == 32);  // 12 buffers a frame, 2 frames
    CHECK(small_buffers.hw_rx_log2 == 4);         // 12 buffers need 13 entries: 16
    auto const wide = nicsim::cosim::plan_rings(with_ring(2, 2048), kDw512Q4);
    CHECK(wide.hw_rx_log2 == 2);  // a 64-byte beat holds 4 descriptors
}

TEST_CASE("the largest rings stop at a net ring's 65536 entries and at the host memory limit") {
    auto const p = nicsim::cosim::plan_rings(with_ring(65536), kDw64Q4);
    CHECK(p.os_ring == 65536);
    CHECK(p.tx_fragment_ring == nicsim::cosim::kMaxNetRingEntries);
    CHECK(p.rx_fragment_ring == nicsim::cosim::kMaxNetRingEntries);
    CHECK(p.hw_tx_log2 == 16);
    CHECK(p.hw_rx_log2 == 16);
    CHECK(p.host_memory_bytes > nicsim::cosim::kDefaultHostMemoryBytes);
    CHECK(p.host_memory_bytes <= nicsim::cosim::kMaxHostMemoryBytes);
    try {
        nicsim::cosim::plan_rings(with_ring(65536, 65536), kDw64Q4);
        FAIL("65536 rings of 64 KiB buffers fit");
    } catch (ScenarioError const& e) {
        CHECK(e.fields().front() == ScenarioField::ring_size);
        CHECK(std::string(e.what()).find("platform.rx_buffer_bytes 65536 on 4 queue pair(s)") != std::string::npos);
    }
}

TEST_CASE("RX buffers are planned for the largest frame the scenario sends, or any with rx-oversize") {
    Scenario s = with_ring(256, 1024);
    CHECK(nicsim::cosim::plan_rings(s, kDw64Q4).rx_fragment_ring == 512);  // 1514 bytes: 2 buffers
    s.faults.push_back(nicsim::cosim::parse_fault("rx-oversize"));
    CHECK(nicsim::cosim::plan_rings(s, kDw64Q4).rx_fragment_ring == 4096);  // 9216 bytes: 9 buffers
}

TEST_CASE("a TX fragment too small for the largest frame is refused") {
    Scenario s;
    s.platform.tx_fragment_bytes = 64;
    s.traffic.max_size = 9000;
    try {
        nicsim::cosim::plan_rings(s, kDw64Q4);
        FAIL("141 fragments accepted");
    } catch (ScenarioError const& e) {
        CHECK(e.fields().front() == ScenarioField::tx_fragment_bytes);
    }
    s.platform.tx_fragment_bytes = 576;  // 9000 bytes in 16 = MAX_TX_FRAGS
    CHECK(nicsim::cosim::plan_rings(s, kDw64Q4).tx_fragment_bytes == 576);
}

TEST_CASE("run limits: the defaults, raised by latency, stalls and frame size, and kept where set") {
    auto const base = nicsim::cosim::run_limits(Scenario{}, 8, 4);
    CHECK(base.frame_cycles == 206);  // 190 beats of 1514 bytes and 16 more
    CHECK(base.hang_check_cycles == nicsim::cosim::kDefaultHangCheckCycles);
    CHECK(base.watchdog_cycles == nicsim::cosim::kDefaultWatchdogCycles);
    CHECK(base.max_cycles == 1'000'000 + 2000 * 20'000);

    Scenario slow;
    slow.platform.mem_latency_min = 500;
    slow.platform.mem_latency_max = 500;
    slow.platform.tx_stall_percent = 90;
    slow.traffic.max_size = 9216;
    auto const raised = nicsim::cosim::run_limits(slow, 8, 4);
    CHECK(raised.frame_cycles > 10 * base.frame_cycles);
    CHECK(raised.hang_check_cycles > base.hang_check_cycles);
    CHECK(raised.watchdog_cycles > base.watchdog_cycles);
    CHECK(raised.watchdog_cycles == 2 * raised.hang_check_cycles);
    CHECK(raised.max_cycles == 1'000'000 + 2000 * 4 * raised.frame_cycles);

    Scenario latency_only;
    latency_only.platform.mem_latency_max = 1000;
    CHECK(nicsim::cosim::run_limits(latency_only, 8, 4).frame_cycles == base.frame_cycles + 2000);

    slow.checks.hang_check_cycles = 0;  // off stays off
    slow.checks.watchdog_cycles = 5;
    slow.checks.max_cycles = 77;
    auto const kept = nicsim::cosim::run_limits(slow, 8, 4);
    CHECK(kept.hang_check_cycles == 0);
    CHECK(kept.watchdog_cycles == 5);
    CHECK(kept.max_cycles == 77);
}
