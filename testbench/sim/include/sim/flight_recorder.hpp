// FlightRecorder: the last N cycles of the waves, always at hand (--waves-ring N). Tracing hours
// of traffic to find one moment costs disk and time; the recorder traces into short segment files
// (N/2 cycles each, through the kernel's trace windows), keeps only the segments that cover the
// last N cycles, and on request joins them into one FST file holding exactly the last N cycles
// simulated (fewer when the run is younger), ready for GTKWave or `nicsim waves`.
//
// write() is called between cycles: on SIGUSR1 (tracing then goes on), at a checker failure and
// at the end of the run (the owner, CppTop, decides). Segment files live next to the output,
// named after it, and are removed when the recorder goes.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>

#include "sim/kernel.hpp"

namespace nicsim::sim {

class FlightRecorder {
public:
    /// Records from the kernel's current cycle on; segments are `segment_stem`.<n>.fst.
    FlightRecorder(Kernel& kernel, std::filesystem::path segment_stem, std::uint64_t cycles, dut::TraceOptions options);
    ~FlightRecorder();
    FlightRecorder(FlightRecorder const&) = delete;
    FlightRecorder& operator=(FlightRecorder const&) = delete;

    std::uint64_t cycles() const noexcept { return cycles_; }

    struct Written {
        std::uint64_t first_cycle = 0, last_cycle = 0;  // the cycles the file holds
    };
    /// Writes the last cycles() cycles traced so far into `out` (waves::FstError if it cannot);
    /// nullopt when no cycle has been traced yet. With `resume` tracing goes on, else it stops.
    std::optional<Written> write(std::filesystem::path const& out, bool resume);

private:
    struct Segment {
        std::filesystem::path path;
        std::uint64_t first_cycle = 0, last_cycle = 0;
    };
    void open_segment(std::uint64_t first_cycle);
    void segment_closed();
    /// Drops the oldest segments not needed for the last cycles_ cycles.
    void prune();

    Kernel& kernel_;
    std::filesystem::path stem_;
    std::uint64_t cycles_;
    std::uint64_t segment_cycles_;
    dut::TraceOptions options_;
    std::deque<Segment> closed_;
    std::optional<Segment> open_;
    std::uint64_t next_index_ = 0;
};

}  // namespace nicsim::sim
