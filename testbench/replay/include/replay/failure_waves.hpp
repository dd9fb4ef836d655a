// Waves of a failure without a rerun by hand. When a co-simulation fails, trace_failure() runs
// the same scenario again (same seed: the run is deterministic, cycle for cycle) with an FST
// trace window ending at the failing cycle, then writes next to the report:
//   <dir>/<name>.fst    the last `cycles` cycles up to and including RunSummary::failure_cycle
//   <dir>/<name>.gtkw   GTKWave layout (waves/lib/gtkw.hpp) with a marker at the failing cycle,
//                       plus its translate filter files (<name>.<enum>.filter)
// and renders the key handshakes around the failing cycle as a terminal waveform, for CI logs.
// If the failed run already traced the failing cycle (Scenario::trace.path with a window that
// holds it), that file is used and nothing is rerun.
//
//   auto ft = nicsim::replay::trace_failure(scenario, summary, {.dir = "out", .name = "run"});
//   std::cout << ft.report;        // paths, `gtkwave out/run.fst out/run.gtkw`, the waveform
//   ft.same_failure;               // the replay failed at the same cycle for the same reason
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cosim/cosim.hpp"

namespace nicsim::replay {

struct FailureTraceOptions {
    std::filesystem::path dir = ".";  // where the files go (created if missing)
    std::string name = "failure";     // file stem
    std::uint64_t cycles = 4000;      // window length, ending at the failing cycle (>= 1)
    std::filesystem::path rtl_dir;    // more RTL whose typedef enums become filters (the contract's are built in)
    unsigned waves_before = 24;       // terminal waveform: cycles shown before the failing one
    unsigned waves_after = 0;         //   and after it (the trace ends at it)
    unsigned waves_cycle_width = 3;   //   characters per cycle
};

struct FailureTrace {
    std::filesystem::path fst, gtkw;
    std::uint64_t first_cycle = 0, last_cycle = 0;  // the window traced
    bool replayed = false;                          // false: the failed run's own trace held the failing cycle
    cosim::RunSummary replay;                       // the replay's summary (when replayed)
    bool same_failure = false;                      // replay failed at the same cycle with the same reason
    std::string terminal_waves;                     // key handshakes around the failing cycle
    std::string report;                             // what to print: files, gtkwave command, determinism, waves
};

/// Key nic_top handshakes for the terminal view, relative to the top instance scope.
std::vector<std::string> key_handshake_signals();

/// The layout every FST of a run comes with: `gtkw` (GTKWave save file, waves/lib/gtkw.hpp) and
/// its translate filters from the contract's enums (and those of `rtl_dir`, if given), cycles numbered
/// as the kernel does, the marker at `marker_cycle` if given. Throws std::runtime_error naming
/// the file that cannot be read or written.
struct TraceLayout {
    std::filesystem::path gtkw;  // absolute
    std::string description;     // "N signals in G groups"
};
TraceLayout write_trace_layout(std::filesystem::path const& fst, std::filesystem::path const& gtkw,
                               std::optional<std::uint64_t> marker_cycle, std::filesystem::path const& rtl_dir = {});

/// Replays `scenario` (which produced `failed`, a failing run) with a trace window ending at
/// failed.failure_cycle; see the header comment. Throws std::runtime_error (naming the file) if
/// the trace or the layout cannot be written or read back; never for the replay failing again.
FailureTrace trace_failure(cosim::Scenario const& scenario, cosim::RunSummary const& failed,
                           FailureTraceOptions const& options);

}  // namespace nicsim::replay
