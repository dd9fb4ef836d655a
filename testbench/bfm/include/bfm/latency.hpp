// Latency: how long a memory model takes to answer, in cycles, drawn per transaction from the
// run's generator (range_draw in pause.hpp). One type for every memory model of this folder
// (Axi4SlaveMem, DmaClientMemory), so their knobs read the same.
#pragma once

#include <cstdint>

namespace nicsim::bfm {

/// A latency in cycles: fixed (min == max) or uniform in [min, max].
struct Latency {
    std::uint32_t min_cycles = 0;
    std::uint32_t max_cycles = 0;
    static Latency fixed(std::uint32_t cycles) { return {cycles, cycles}; }
    static Latency uniform(std::uint32_t lo, std::uint32_t hi) { return {lo, hi}; }
};

}  // namespace nicsim::bfm
