// contract_cover.hpp: the hit counts of the contract cover points that live in the RTL checkers
// (nic_irq_cover.sv and any later *_cover.sv bound by nic_top_checkers.sv).
//
// The SystemVerilog declares each point at time 0 (a number and a name) and counts it by number
// through two DPI-C functions defined in contract_cover.cpp. Numbers are unique across the cover
// modules: nic_irq_cover.sv has 0..15; a new module takes the next 16. Counts are process-wide and only grow: a co-simulation takes a
// snapshot when it starts and subtracts it at the end (several models in one process, as in the
// tests, then each see their own hits as long as they do not run at the same time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace nicsim::checkers {

inline constexpr std::size_t kMaxRtlCoverPoints = 64;

/// Every point the checkers declared so far (a model declares its points at its first
/// evaluation), with its hits since the process started.
std::map<std::string, std::uint64_t> rtl_cover_counts();

}  // namespace nicsim::checkers
