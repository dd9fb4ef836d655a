// Cycles <-> FST time. Cycle c is the rising clock edge at time `phase + c * period`: cycle
// numbers count from time 0, not from where the dump starts, so a dump that begins late (trace
// on demand) still numbers cycles like the simulation did.
#pragma once

#include <cstdint>
#include <string>

#include "fst/fst_file.hpp"

namespace nicsim::waves {

struct CycleClock {
    std::uint64_t period = 1;  // time units per cycle
    std::uint64_t phase = 0;   // time of cycle 0's rising edge (< period)
    std::string source;        // clock signal name, or "--period"

    std::uint64_t time_of(std::uint64_t cycle) const { return phase + cycle * period; }
    // The cycle whose rising edge is at or before t (0 before the first edge).
    std::uint64_t cycle_at(std::uint64_t t) const { return t < phase ? 0 : (t - phase) / period; }
};

// Measures the period and phase from the rising edges of `clock_name` (full name), or, when
// empty, of the first 1-bit signal named `clk` or `clock` (the shallowest one). Throws
// FstError if no clock is found or it has fewer than two rising edges.
CycleClock detect_clock(FstFile const& file, std::string const& clock_name = {});

}  // namespace nicsim::waves
