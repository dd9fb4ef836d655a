// GTKWave save files (.gtkw) for an FST dump: signals grouped by nic_top interface (the list is
// nic_layout.cpp), buses in hex, enum registers shown by name through translate filter files
// generated from the RTL enums and written next to the save file, an optional marker (the
// failing cycle), and the dump path. Every signal it names comes from the FST itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fst/fst_file.hpp"
#include "waves/cycles.hpp"
#include "waves/rtl_enums.hpp"

namespace nicsim::waves {

struct GtkwOptions {
    std::filesystem::path save_file;            // OUT.gtkw; filters go next to it
    std::vector<EnumType> enums;                // contract_enums() (+ --rtl, --rtl-file)
    std::optional<CycleClock> clock;            // for the marker, start time and zoom
    std::optional<std::uint64_t> marker_cycle;  // needs `clock`
    std::string top_scope;                      // "" = find_top_scope()
};

struct GtkwResult {
    std::filesystem::path save_file;
    std::vector<std::filesystem::path> filter_files;
    std::vector<std::string> signals;  // gtkw names, in display order
    std::vector<std::string> groups;   // group titles that received signals, in order
};

// The scope of the design's top instance: the shallowest scope below the root holding a `clk`
// (TOP.nic_top in a Verilator dump of nic_top), else the first signal's scope.
std::string find_top_scope(FstFile const& file);

// Translate filter text for one enum: `<hex> <LITERAL>` lines, hex padded to the enum's width
// (as GTKWave shows it) and also unpadded.
std::string translate_filter_text(EnumType const& e);

// Writes the save file and its translate filters; throws std::runtime_error if a file cannot
// be written, FstError for a marker without a clock.
GtkwResult write_gtkw(FstFile const& file, GtkwOptions const& options);

// The signal names a save file lists (its trace lines; not groups, comments, flags, filters),
// in order. Throws InputFileError (lib/input_file.hpp) if the file cannot be read.
std::vector<std::string> read_gtkw_signals(std::filesystem::path const& save_file);

// The names of read_gtkw_signals(save_file) that `file` does not hold (empty: all exist).
std::vector<std::string> gtkw_signals_missing(FstFile const& file, std::filesystem::path const& save_file);

}  // namespace nicsim::waves
