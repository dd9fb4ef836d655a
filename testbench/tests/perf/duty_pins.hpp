// Throughput pins: the whole-NIC stream duty of every cell of docs/performance.md's hardware
// efficiency table (configuration x direction x frame size x memory latency), committed in
// hw_duty_pins.tsv and asserted in CI (hw_pins_test). Simulated cycles are exact, so a pin is a
// property like any other, not a timing.
//
// A pin records two runs of the same cell (bench/hw/hw_efficiency.hpp measures both):
//   - the benchmark's run (default_frames: 2 MiB of frames), the figure docs/performance.md shows;
//   - the pin's run: the fewest frames (from 32, doubling) whose duty is within a quarter of the
//     margin of the benchmark's, so CI pays for a fraction of the frames. CI measures this one.
// A measured duty more than `margin` (relative) below the pin fails as a regression; more than
// `margin` above it fails too, asking for the table to be updated in the same commit, so the
// table tracks improvements. tools/regen-hw-pins measures and rewrites the table and the docs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hw_efficiency.hpp"

namespace nicsim::perf {

namespace hw = nicsim::hw_efficiency;

/// Relative margin around a pin: it absorbs intended small changes, nothing else (cycle counts
/// repeat exactly). 1 %: a bubble per 64-byte frame at 64 bits (8 -> 9 cycles, -11 %) fails, a
/// descriptor fetched a few cycles later in a run of thousands does not.
inline constexpr double margin = 0.01;
/// The pin's run stands for the benchmark's when their duties differ by at most this (relative).
inline constexpr double reduced_run_tolerance = margin / 4;

/// The cells the table holds for each configuration: the sizes and latencies of docs/performance.md.
inline constexpr std::uint32_t pinned_sizes[] = {64, 128, 256, 512, 1518, 9000};
inline constexpr std::uint32_t pinned_latencies[] = {0, 200};

struct DutyPin {
    hw::Cell cell;
    std::uint32_t frames = 0;  // the pin's run
    std::uint32_t warmup = 0;
    double duty = 0;                 // its duty: what CI expects
    std::uint32_t bench_frames = 0;  // the benchmark's run (default frames and warmup)
    double bench_duty = 0;           // its duty: what docs/performance.md shows
    bool bench_absorbed = false;     // RX: never back-pressured in the benchmark's run (* in the docs)

    /// The options of the pin's run.
    hw::RunOptions run_options() const;
};

/// "dw512_q4 tx 64 B latency 200"
std::string describe(hw::Cell const& cell);

/// Bytes per beat of a configuration named dw<DATA_WIDTH>_q<NUM_QUEUES>; throws std::invalid_argument.
std::uint32_t lanes_of(std::string const& config);

/// The table's rows from its text; throws std::invalid_argument "<source>:<line>: what is wrong".
std::vector<DutyPin> parse_pins(std::string_view text, std::string const& source);
/// The table's text (header comment and one row per pin, in the order given).
std::string format_pins(std::vector<DutyPin> const& pins);

/// Sorts pins into the table's order: configuration (as given), direction, size, latency.
void sort_pins(std::vector<DutyPin>& pins, std::vector<std::string> const& config_order);

/// nullopt when `measured` is within the margin of the pin; else the failure report: the cell,
/// pinned and measured duty, the margin, whether it dropped or improved, and what to do.
/// `bench_command` is the benchmark's path (for the re-run commands).
std::optional<std::string> check_pin(DutyPin const& pin, hw::Result const& measured, std::string const& bench_command);

/// The benchmark command lines that re-run the pin's cell, its waves and the benchmark's run.
std::string rerun_commands(DutyPin const& pin, std::string const& bench_command);

/// The Markdown table docs/performance.md shows (benchmark figures, bound and target rows),
/// between the begin and end markers.
std::string render_docs_table(std::vector<DutyPin> const& pins);
inline constexpr std::string_view docs_begin_marker =
    "<!-- hw_duty_pins: generated from testbench/tests/perf/hw_duty_pins.tsv by tools/regen-hw-pins; do not edit -->";
inline constexpr std::string_view docs_end_marker = "<!-- hw_duty_pins end -->";

/// The generated table in a document (from the begin marker through the end marker's line);
/// throws std::invalid_argument when the markers are missing.
std::string docs_table_of(std::string const& document);
/// The document with its generated table replaced by `table`.
std::string replace_docs_table(std::string const& document, std::string const& table);

/// The command that regenerates the table and the docs.
inline constexpr std::string_view regen_command = "tools/regen-hw-pins";

}  // namespace nicsim::perf
