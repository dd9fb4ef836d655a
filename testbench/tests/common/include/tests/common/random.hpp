// Randomized-test helpers: a generator seeded from Catch's --rng-seed and the replay command to
// print on failure.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>

namespace nicsim::rtltest {

// The generator of a randomized test: seeded from Catch's --rng-seed, mixed with a per-test salt.
inline std::mt19937_64 test_rng(std::uint64_t salt) {
    return std::mt19937_64{(std::uint64_t{Catch::rngSeed()} << 20) ^ salt};
}

inline std::string replay_hint(const char* exe) {
    return std::string{"seed "} + std::to_string(Catch::rngSeed()) + "; replay: " + exe + " --rng-seed " +
           std::to_string(Catch::rngSeed()) + " \"" + Catch::getResultCapture().getCurrentTestName() + "\"";
}

// Put at the top of a randomized test: printed with any failing assertion.
#define NICSIM_REPLAY_INFO() INFO(::nicsim::rtltest::replay_hint(NICSIM_TEST_EXE))

inline bool chance(std::mt19937_64& rng, double p) {
    return std::uniform_real_distribution<double>{0.0, 1.0}(rng) < p;
}
inline std::uint64_t uniform(std::mt19937_64& rng, std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>{lo, hi}(rng);
}

}  // namespace nicsim::rtltest
