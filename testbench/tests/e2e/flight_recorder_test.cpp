// The flight recorder (--waves-ring, sim/flight_recorder.hpp): its file must hold exactly the
// last N cycles, value for value what a full trace of the same seed holds over those cycles, and
// a write on request (SIGUSR1) must do the same for the cycles up to the request while the run
// goes on. The segment files must not outlive the run.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cosim/cosim.hpp"
#include "cosim/stop_request.hpp"
#include "fst/fst_file.hpp"

namespace fs = std::filesystem;
using nicsim::cosim::CoSimulation;
using nicsim::cosim::RunSummary;
using nicsim::cosim::Scenario;
using nicsim::waves::FstFile;

namespace {

constexpr std::uint64_t kPeriod = 10;  // trace time units per cycle (sim::Kernel::trace_period)

fs::path fresh_dir(std::string const& name) {
    fs::path const dir = fs::temp_directory_path() / fmt::format("nicsim-flight-recorder-{}-{}", name, ::getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

Scenario small_run(std::uint64_t seed) {
    Scenario s;
    s.traffic.packets = 120;
    s.seed = seed;
    s.trace.depth = 2;  // the ports and nic_top's own signals: enough to compare, quick to write
    return s;
}

/// Every signal of `ring` has, over cycles first..last, the values `full` has there.
void check_same_values(FstFile const& full, FstFile const& ring, std::uint64_t first, std::uint64_t last) {
    std::vector<nicsim::waves::Signal const*> in_full, in_ring;
    for (auto const& sig : ring.signals()) {
        if (sig.alias) continue;
        auto const* other = full.find(sig.name);
        INFO("signal " << sig.name);
        REQUIRE(other != nullptr);
        in_full.push_back(other);
        in_ring.push_back(&sig);
    }
    REQUIRE(in_ring.size() > 100);
    std::uint64_t const from = first * kPeriod, to = last * kPeriod + kPeriod / 2;
    auto const a = full.read(in_full, from, to);
    auto const b = ring.read(in_ring, from, to);
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO("signal " << in_ring[i]->name << " over cycles " << first << ".." << last);
        CHECK(b[i].initial == a[i].initial);
        REQUIRE(b[i].changes.size() == a[i].changes.size());
        for (std::size_t k = 0; k < a[i].changes.size(); ++k) {
            CHECK(b[i].changes[k].time == a[i].changes[k].time);
            CHECK(b[i].changes[k].value == a[i].changes[k].value);
        }
    }
}

/// A full trace of the run `seed` in dir/full.fst: what the recorder's files are compared with.
RunSummary run_full_trace(fs::path const& dir, std::uint64_t seed) {
    Scenario full = small_run(seed);
    full.trace.path = (dir / "full.fst").string();
    RunSummary r = CoSimulation(full).run();
    INFO(nicsim::cosim::format_summary(r) << "replay: " << nicsim::cosim::replay_command(full));
    REQUIRE(r.passed);
    REQUIRE(r.trace_file == full.trace.path);
    return r;
}

std::size_t leftover_segments(fs::path const& dir) {
    std::size_t n = 0;
    for (auto const& e : fs::directory_iterator(dir))
        n += e.path().filename().string().find(".ring-") != std::string::npos;
    return n;
}

}  // namespace

TEST_CASE("flight recorder: --waves-ring N leaves exactly the last N cycles, equal to a full trace of the same seed") {
    auto const dir = fresh_dir("end");
    std::uint64_t const seed = 41, ring_cycles = 2500;
    RunSummary const a = run_full_trace(dir, seed);

    Scenario ring = small_run(seed);
    ring.trace.path = (dir / "ring.fst").string();
    ring.trace.ring_cycles = ring_cycles;
    RunSummary const b = CoSimulation(ring).run();
    INFO(nicsim::cosim::format_summary(b) << "replay: " << nicsim::cosim::replay_command(ring));
    REQUIRE(b.passed);
    REQUIRE(b.cycles == a.cycles);  // the recorder does not change the run
    REQUIRE(b.trace_file == ring.trace.path);
    REQUIRE(b.cycles > 3 * ring_cycles);  // several segments came and went

    FstFile const f(a.trace_file), r(ring.trace.path);
    std::uint64_t const last = b.cycles - 1, first = b.cycles - ring_cycles;
    CHECK(r.start_time() == first * kPeriod);
    CHECK(r.end_time() == last * kPeriod + kPeriod / 2);
    check_same_values(f, r, first, last);
    CHECK(leftover_segments(dir) == 0);
    fs::remove_all(dir);
}

TEST_CASE("flight recorder: a request (SIGUSR1) writes the cycles up to it and the run goes on to its own file") {
    auto const dir = fresh_dir("request");
    std::uint64_t const seed = 42, ring_cycles = 3000;
    RunSummary const a = run_full_trace(dir, seed);

    Scenario ring = small_run(seed);
    ring.trace.path = (dir / "ring.fst").string();
    ring.trace.ring_cycles = ring_cycles;
    ring.views.progress_interval_cycles = 1000;
    CoSimulation sim(ring);
    bool requested = false;
    sim.on_progress([&](nicsim::cosim::Progress const& p) {
        if (!requested && p.cycles >= 12'000) {
            requested = true;
            nicsim::cosim::request_waves();  // what nicsim run's SIGUSR1 handler does
        }
    });
    RunSummary const b = sim.run();
    INFO(nicsim::cosim::format_summary(b) << "replay: " << nicsim::cosim::replay_command(ring));
    REQUIRE(b.passed);
    REQUIRE(b.waves_ring_dumps.size() == 1);
    auto const& dump = b.waves_ring_dumps.front();
    CHECK(dump.path == (dir / "ring.usr1-1.fst").string());
    CHECK(dump.last_cycle + 1 - dump.first_cycle == ring_cycles);
    CHECK(dump.last_cycle >= 12'000);
    CHECK(dump.last_cycle < b.cycles - ring_cycles);  // written mid-run, long before the end

    FstFile const f(a.trace_file), d(dump.path), r(ring.trace.path);
    check_same_values(f, d, dump.first_cycle, dump.last_cycle);
    // After the request the recorder went on: the end-of-run file is the last N cycles again.
    check_same_values(f, r, b.cycles - ring_cycles, b.cycles - 1);
    CHECK(leftover_segments(dir) == 0);
    fs::remove_all(dir);
}
