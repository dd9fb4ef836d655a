// A tiny timing harness for comparing ways of doing the same work in one run.
//
// Why alternate: CPU frequency, other tenants of a shared machine and cache state drift over a
// run. Timing variant A for a second and then B for a second lets that drift masquerade as a
// difference. Here every repetition times each variant once, in a rotated order, so the samples
// of all variants interleave in time; repetition r of A and of B are neighbours, and the ratio of
// those neighbours (paired_ratio) cancels most of the drift. Medians, not means, so one
// preempted sample does not move the result.
//
//   #include "../common/harness.hpp"            // from bench/<area>/
//   namespace hb = nicsim::bench;
//   std::vector<hb::Variant> variants{{"raw", [&] { hb::do_not_optimize(raw(rings)); }},
//                                     {"sections", [&] { hb::do_not_optimize(with_sections(rings)); }}};
//   auto results = hb::run_alternating(variants, {.repetitions = 101, .passes_per_sample = 32,
//                                                 .items_per_pass = packet_count});
//   results[1].median_ns_per_item; hb::paired_ratio(results[1], results[0]);
//
// A Variant's run() is one pass over the work; it goes through std::function, which costs one
// indirect call per pass, nothing per item. Keep the measured loop inside run() (ideally in a
// [[gnu::noinline]] function) and feed its result to do_not_optimize so it is not discarded.
// Header-only, standard library only (plus GNU inline asm and, on Linux, sched_getaffinity).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace nicsim::bench {

/// Makes the compiler assume `value` is read (it must be computed) and memory may be touched.
template <typename T>
inline void do_not_optimize(T const& value) {
    asm volatile("" : : "r,m"(value) : "memory");
}

/// Makes the compiler assume all memory was read and written here (no caching across it).
inline void clobber_memory() {
    asm volatile("" : : : "memory");
}

/// One way of doing the measured work: each call of run() is one pass of items_per_pass items.
struct Variant {
    std::string name;
    std::function<void()> run;
};

struct Options {
    int repetitions = 51;              // samples per variant
    int passes_per_sample = 1;         // run() calls timed together, to lift a sample above timer noise
    int warmup_passes = 3;             // untimed passes per variant first (caches, branch predictors)
    std::uint64_t items_per_pass = 1;  // the unit of the result: ns per item
};

struct Result {
    std::string name;
    std::vector<double> ns_per_item;  // one sample per repetition, in repetition order
    double median_ns_per_item = 0;
    double min_ns_per_item = 0;
};

/// Median of samples (the mean of the middle two for an even count); 0 for none.
inline double median(std::vector<double> samples) {
    if (samples.empty()) {
        return 0;
    }
    auto const middle = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
    std::nth_element(samples.begin(), middle, samples.end());
    double const upper = *middle;
    if (samples.size() % 2 != 0) {
        return upper;
    }
    return (upper + *std::max_element(samples.begin(), middle)) / 2;
}

/// Runs every variant `repetitions` times, rotating which one goes first in each repetition.
inline std::vector<Result> run_alternating(std::vector<Variant> const& variants, Options const& options) {
    if (options.repetitions < 1 || options.passes_per_sample < 1 || options.items_per_pass == 0) {
        throw std::invalid_argument("run_alternating: repetitions, passes and items must be positive");
    }
    using clock = std::chrono::steady_clock;
    std::vector<Result> results(variants.size());
    for (std::size_t v = 0; v < variants.size(); ++v) {
        results[v].name = variants[v].name;
        results[v].ns_per_item.resize(static_cast<std::size_t>(options.repetitions));
        for (int pass = 0; pass < options.warmup_passes; ++pass) {
            variants[v].run();
        }
    }
    double const items_per_sample = static_cast<double>(options.items_per_pass) * options.passes_per_sample;
    for (int rep = 0; rep < options.repetitions; ++rep) {
        for (std::size_t turn = 0; turn < variants.size(); ++turn) {
            std::size_t const v = (static_cast<std::size_t>(rep) + turn) % variants.size();
            clobber_memory();
            auto const start = clock::now();
            for (int pass = 0; pass < options.passes_per_sample; ++pass) {
                variants[v].run();
            }
            auto const stop = clock::now();
            clobber_memory();
            std::chrono::duration<double, std::nano> const elapsed = stop - start;
            results[v].ns_per_item[static_cast<std::size_t>(rep)] = elapsed.count() / items_per_sample;
        }
    }
    for (Result& result : results) {
        result.median_ns_per_item = median(result.ns_per_item);
        result.min_ns_per_item = *std::min_element(result.ns_per_item.begin(), result.ns_per_item.end());
    }
    return results;
}

/// Median over repetitions of numerator[r] / denominator[r]: time neighbours, so drift cancels.
inline double paired_ratio(Result const& numerator, Result const& denominator) {
    std::vector<double> ratios;
    std::size_t const n = std::min(numerator.ns_per_item.size(), denominator.ns_per_item.size());
    for (std::size_t r = 0; r < n; ++r) {
        ratios.push_back(numerator.ns_per_item[r] / denominator.ns_per_item[r]);
    }
    return median(std::move(ratios));
}

/// Ratio of the two medians (the simpler figure; paired_ratio is the more robust one).
inline double ratio(Result const& numerator, Result const& denominator) {
    return numerator.median_ns_per_item / denominator.median_ns_per_item;
}

/// What a reader needs to judge or reproduce a figure.
struct Environment {
    std::string command_line;
    std::string build_type;  // NICSIM_BUILD_TYPE if the build defines it, plus optimization flags
    unsigned cpus = 0;       // CPUs this process may run on, as `nproc` reports
};

inline Environment environment(int argc, char** argv) {
    Environment env;
    for (int i = 0; i < argc; ++i) {
        if (i > 0) {
            env.command_line += ' ';
        }
        env.command_line += argv[i];
    }
#if defined(NICSIM_BUILD_TYPE)
    env.build_type = NICSIM_BUILD_TYPE;
#else
    env.build_type = "unknown build type";
#endif
#if defined(__OPTIMIZE__)
    env.build_type += " (optimized";
#else
    env.build_type += " (NOT optimized";
#endif
#if defined(NDEBUG)
    env.build_type += ", NDEBUG)";
#else
    env.build_type += ", assertions on)";
#endif
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        env.cpus = static_cast<unsigned>(CPU_COUNT(&set));
    }
#endif
    if (env.cpus == 0) {
        env.cpus = std::thread::hardware_concurrency();
    }
    return env;
}

}  // namespace nicsim::bench
