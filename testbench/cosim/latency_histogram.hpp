// LatencyHistogram: per-packet latencies in constant memory, for runs of any length.
//
// Values below 128 cycles are counted exactly; above, each power of two is split into 64
// buckets, so a quantile is reported within 1/64 (1.6%) of the true value (as the bucket's upper
// bound, never above the exact maximum). count() and max() are exact. About 2,300 counters.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include "cosim/cosim.hpp"

namespace nicsim::cosim {

class LatencyHistogram {
public:
    void record(std::uint64_t v) noexcept {
        ++counts_[bucket_of(v)];
        ++count_;
        max_ = std::max(max_, v);
    }
    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t max() const noexcept { return max_; }

    /// The smallest recorded value v' (to bucket precision) with at least q of the values <= v'.
    std::uint64_t quantile(double q) const noexcept {
        if (count_ == 0) return 0;
        auto const rank =
            std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
        std::uint64_t seen = 0;
        for (std::size_t b = 0; b < kBuckets; ++b) {
            seen += counts_[b];
            if (seen >= rank) return std::min(upper_bound_of(b), max_);
        }
        return max_;
    }

private:
    static constexpr unsigned kExactBits = 7;  // values < 128 exact
    static constexpr unsigned kSubBits = 6;    // 64 buckets per power of two above
    static constexpr unsigned kOctaves = 64 - kExactBits;
    static constexpr std::size_t kBuckets = (std::size_t{1} << kExactBits) + kOctaves * (std::size_t{1} << kSubBits);

    static std::size_t bucket_of(std::uint64_t v) noexcept {
        if (v < (std::uint64_t{1} << kExactBits)) return static_cast<std::size_t>(v);
        unsigned const msb = 63u - static_cast<unsigned>(std::countl_zero(v));  // >= kExactBits
        auto const sub = static_cast<std::size_t>((v >> (msb - kSubBits)) & ((1u << kSubBits) - 1));
        return (std::size_t{1} << kExactBits) + (msb - kExactBits) * (std::size_t{1} << kSubBits) + sub;
    }
    static std::uint64_t upper_bound_of(std::size_t b) noexcept {
        if (b < (std::size_t{1} << kExactBits)) return b;
        std::size_t const rest = b - (std::size_t{1} << kExactBits);
        unsigned const msb = static_cast<unsigned>(rest >> kSubBits) + kExactBits;
        std::uint64_t const sub = rest & ((1u << kSubBits) - 1);
        std::uint64_t const lo = (std::uint64_t{1} << msb) | (sub << (msb - kSubBits));
        return lo + (std::uint64_t{1} << (msb - kSubBits)) - 1;
    }

    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0, max_ = 0;
};

/// The summary's figures of a histogram.
inline LatencyStats latency_of(LatencyHistogram const& h) {
    LatencyStats s;
    s.count = h.count();
    s.p50 = h.quantile(0.50);
    s.p99 = h.quantile(0.99);
    s.max = h.max();
    return s;
}

}  // namespace nicsim::cosim
