// join_fst_segments: one FST file from consecutive FST files of the same model and signals, cut
// to start at a given time. The flight recorder (--waves-ring) traces into short segments and
// joins the last ones into the file a user opens when something happened.
//
// The inputs must be files this process wrote (one verilated model, one $dumpvars filter: the
// same hierarchy and handles in each) with increasing times; they are read directly, not through
// FstFile's isolated child (no untrusted input). The output holds the first input's hierarchy
// (scopes, variables, aliases, attributes such as enum tables), at `from_time` the value every
// variable had then, and every change from `from_time` on.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "fst/fst_file.hpp"

namespace nicsim::waves {

/// Writes `out` from `segments` (in time order) from `from_time` on; throws FstError naming the
/// file that cannot be read or written.
void join_fst_segments(std::span<std::filesystem::path const> segments, std::uint64_t from_time,
                       std::filesystem::path const& out);

}  // namespace nicsim::waves
