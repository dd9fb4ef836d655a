// PauseGenerator: random back-pressure for one valid or ready signal. Draws from a generator
// the caller owns (one seeded std::mt19937_64 per run), so a seed replays every stall.
#pragma once

#include <cstdint>
#include <random>

namespace nicsim::bfm {

/// A uniform double in [0, 1) from the top 53 bits: the same on every standard library.
inline double unit_draw(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

/// A draw in [lo, hi], the same on every standard library (modulo bias is irrelevant here).
inline std::uint64_t range_draw(std::mt19937_64& rng, std::uint64_t lo, std::uint64_t hi) {
    return hi <= lo ? lo : lo + rng() % (hi - lo + 1);
}

class PauseGenerator {
public:
    PauseGenerator() = default;
    explicit PauseGenerator(double probability) : probability_(probability) {}

    double probability() const noexcept { return probability_; }
    void set_probability(double probability) noexcept { probability_ = probability; }

    /// True when the signal should be held low this cycle. Draws only when enabled, so adding
    /// a disabled generator does not shift the random sequence of the others.
    bool pause(std::mt19937_64& rng) const { return probability_ > 0.0 && unit_draw(rng) < probability_; }

private:
    double probability_ = 0.0;
};

}  // namespace nicsim::bfm
