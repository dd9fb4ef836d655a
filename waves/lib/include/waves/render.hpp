// Compact terminal views of a few signals over a window of cycles: an ASCII/Unicode waveform
// (1-bit signals as strips, buses as hex segments with transitions, enum registers by name) or a
// table (one row per cycle, one column per signal).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fst/fst_file.hpp"
#include "waves/cycles.hpp"
#include "waves/rtl_enums.hpp"

namespace nicsim::waves {

// Every signal's value at each cycle's rising edge (as dumped at that time, i.e. after the edge).
struct Samples {
    std::uint64_t first_cycle = 0;
    std::uint64_t last_cycle = 0;
    CycleClock clock;
    std::vector<const Signal*> signals;
    // values[signal][cycle - first_cycle]: "0"/"1"/"x"/"z" for 1-bit signals; hex digits (x/z per
    // nibble) for buses; the literal for signals enum_for() maps to an RTL enum.
    std::vector<std::vector<std::string>> values;

    std::size_t cycles() const { return static_cast<std::size_t>(last_cycle - first_cycle + 1); }
};

Samples sample(FstFile const& file, std::span<const Signal* const> signals, CycleClock const& clock,
               std::uint64_t first_cycle, std::uint64_t last_cycle, std::span<const EnumType> enums = {});

// Bits (MSB first) as shown: 1-bit as is, buses in hex, enum literal when `e` names the value.
std::string format_value(Signal const& signal, std::string_view bits, const EnumType* e);

enum class WaveStyle {
    blocks,  // ▁ ▔ strips, ╳ transitions, … for cut values
    lines,   // _ ‾ strips, X transitions, + for cut values
};

struct RenderOptions {
    unsigned cycle_width = 4;  // characters per cycle in the waveform (>= 2)
    WaveStyle style = WaveStyle::blocks;
    std::optional<std::uint64_t> mark_cycle;  // the cycle to point at (the failure)
};

// Names are shown relative to the scope all signals share, which is printed in the first line.
std::string render_wave(Samples const& samples, RenderOptions const& options = {});
std::string render_table(Samples const& samples, RenderOptions const& options = {});

}  // namespace nicsim::waves
