// Helpers of the wire-side tests: the seeded generator of a randomized test and the replay
// command printed with a failure.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

namespace nicsim::wiretest {

/// The generator of a randomized test: Catch's --rng-seed mixed with a per-test salt.
inline std::mt19937_64 test_rng(std::uint64_t salt) {
    return std::mt19937_64{(std::uint64_t{Catch::rngSeed()} << 20) ^ salt};
}

inline std::string replay_hint() {
    return "seed " + std::to_string(Catch::rngSeed()) + "; replay: " NICSIM_TEST_EXE " --rng-seed " +
           std::to_string(Catch::rngSeed()) + " \"" + Catch::getResultCapture().getCurrentTestName() + "\"";
}

/// Runs a shell command, returns its standard output (and sets `status`).
inline std::string run_command(std::string const& cmd, int& status) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) {
        status = -1;
        return out;
    }
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    status = ::pclose(p);
    return out;
}

}  // namespace nicsim::wiretest

// Put at the top of a randomized test: printed with any failing assertion.
#define NICSIM_REPLAY_INFO() INFO(::nicsim::wiretest::replay_hint())
