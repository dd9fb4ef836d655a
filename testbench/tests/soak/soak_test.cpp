// Soak: a long randomized run mixing every fault kind (cosim::soak_faults(): DMA errors of all four
// kinds, malformed TX descriptors of all four kinds, runt/oversize/bad RX frames, RX starvation,
// doorbells past the ring, refused register writes, queue resets) with random memory latency
// 0..500 cycles and 10% stalls on every bus. Asserts zero lost, zero unexpected errors, a clean
// verifier, and a flat resident set: RSS sampled from /proc/self/statm through the progress
// callback may grow by at most kRssGrowthBoundBytes between 25% and 100% of the run, plus the
// scoreboard's per-frame ledger (kBooksBytesPerFrame: O(frames) by design, see docs/faults.md).
//
//   soak_test                         the CI run: 100,000 TX frames (and as many back on RX)
//   soak_test "[.soak-long]"          10,000,000 frames (hours; see docs/faults.md)
//   soak_test --packets N ...         Catch2 does not take --packets: use NICSIM_SOAK_PACKETS=N
// The same mix from the command line: nicsim run --soak --packets 10000000 --seed S
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
// The sanitizer runtime's (sanitizer/allocator_interface.h, which GCC does not ship).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

#include "cosim/cosim.hpp"
#include "tests/common/clean_run.hpp"

using nicsim::cosim::CoSimulation;
using nicsim::cosim::Progress;
using nicsim::cosim::RunSummary;
using nicsim::cosim::Scenario;

namespace {

// RSS may grow by at most this much between 25% and 100% of the run, whatever its length: the
// books keep only what is outstanding (the scoreboard forgets a frame once it is accounted for,
// latencies go to a fixed histogram), so the allowance is for the allocator's slack, not per frame.
constexpr std::uint64_t kRssGrowthBoundBytes = 4u << 20;

/// The memory the run holds: the resident set; under AddressSanitizer the heap bytes allocated and
/// not freed (its quarantine keeps freed memory resident, up to 256 MiB, so RSS grows there however
/// flat the program's own memory is).
std::uint64_t memory_bytes() {
#if defined(__SANITIZE_ADDRESS__)
    return __sanitizer_get_current_allocated_bytes();
#else
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
#endif
}

struct RssSample {
    double fraction;  // of the run's packets done
    std::uint64_t bytes;
};

void soak(std::uint64_t packets, std::uint64_t seed) {
    if (char const* env = std::getenv("NICSIM_SOAK_PACKETS")) packets = std::strtoull(env, nullptr, 10);
    Scenario s;
    s.config = "dw64_q4";
    s.traffic.packets = packets;
    s.seed = seed;
    s.faults = nicsim::cosim::soak_faults();
    s.platform.memory_order = nicsim::host::MemoryOrder::weak;  // a missing barrier anywhere in the mix fails the soak
    s.platform.mem_latency_min = 0;
    s.platform.mem_latency_max = 500;
    s.platform.mem_stall_percent = s.platform.tx_stall_percent = s.platform.rx_stall_percent = 10;
    s.views.progress_interval_cycles = 200'000;
    std::vector<RssSample> samples;
    CoSimulation sim(s);
    sim.on_progress([&](Progress const& p) {
        double const f =
            p.packets_total ? static_cast<double>(p.packets_done) / static_cast<double>(p.packets_total) : 0;
        samples.push_back({f, memory_bytes()});
    });
    RunSummary const r = sim.run();
    INFO(nicsim::cosim::format_summary(r));
    INFO("seed " << s.seed << "; replay: " << nicsim::cosim::replay_command(s));
    nicsim::test::check_clean_run(r);
    CHECK(r.tx_posted == packets);
    // Every fault kind of the mix struck at least once.
    for (auto const& f : s.faults) {
        INFO("fault kind " << nicsim::cosim::to_string(f.kind));
        CHECK(r.faults_injected.count(nicsim::cosim::to_string(f.kind)) == 1);
    }
    // RSS flat: the growth from the first sample at >= 25% to the last.
    REQUIRE(samples.size() >= 4);
    std::uint64_t at25 = 0;
    for (auto const& smp : samples)
        if (smp.fraction >= 0.25) {
            at25 = smp.bytes;
            break;
        }
    std::uint64_t const at_end = samples.back().bytes;
    std::string const figures = fmt::format(
        "soak: {} packets, {} cycles, {:.1f} s wall, RSS {:.1f} MiB at 25% -> {:.1f} MiB at the end; faults {}; "
        "ring errors {}; dropped {}; TX returned unsent {}; TX duplicates {}",
        packets, r.cycles, r.wall_seconds, static_cast<double>(at25) / 1048576.0,
        static_cast<double>(at_end) / 1048576.0,
        [&] {
            std::uint64_t n = 0;
            for (auto const& [k, v] : r.faults_injected) n += v;
            return n;
        }(),
        r.ring_errors, r.dropped, r.tx_dropped, r.tx_duplicates);
    WARN(figures);  // the soak's figures, in the test log (docs/faults.md records them)
    CHECK(at25 > 0);
    CHECK(at_end <= at25 + kRssGrowthBoundBytes);
}

}  // namespace

TEST_CASE("soak 100000 packets with every fault, random stalls and latencies") {
    soak(100'000, 20261124);
}

TEST_CASE("soak 10000000 packets (documented long run)", "[.soak-long]") {
    soak(10'000'000, 20261125);
}
