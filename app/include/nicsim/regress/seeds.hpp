// The seed of each run of a regression: a pure function of the seed base, the scenario's name and
// the run's index, so the same plan and seed base give the same runs on any machine, at any -j and
// on any backend. Not std::hash (it may differ between library versions): FNV-1a over the name,
// mixed with SplitMix64's finaliser.
#pragma once

#include <cstdint>
#include <string_view>

#include "nicsim/regress/plan.hpp"

namespace nicsim::regress {

/// Derived seeds have this many bits: short enough to read, copy and pin in a seed_list (a TOML
/// integer), wide enough that a scenario's runs practically never share one.
inline constexpr unsigned kDerivedSeedBits = 48;

/// The seed of run `index` of scenario `scenario` under seed base `base`.
std::uint64_t derive_seed(std::uint64_t base, std::string_view scenario, std::uint64_t index);

/// The seed of run `index` of `scenario`: its seed_list entry, else derived.
std::uint64_t run_seed(std::uint64_t base, PlanScenario const& scenario, std::uint64_t index);

}  // namespace nicsim::regress
