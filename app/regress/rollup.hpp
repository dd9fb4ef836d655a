// The roll-up of a regression's runs, per scenario and overall, that every report (the text
// table, summary.json, junit.xml, report.html) is written from, so they count alike.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>

#include "nicsim/regress/run_result.hpp"

namespace nicsim::regress {

struct Regression;

/// The mean, least and greatest of the values added (all 0 when none were).
struct Spread {
    std::size_t count = 0;
    double sum = 0, min = 0, max = 0;

    void add(double v) {
        min = count ? std::min(min, v) : v;
        max = count ? std::max(max, v) : v;
        sum += v;
        ++count;
    }
    double mean() const { return count ? sum / static_cast<double>(count) : 0.0; }
};

struct Tally {
    std::size_t runs = 0, passed = 0, failed = 0, refused = 0, not_run = 0;
    std::size_t reported = 0;  // runs with a run.json: the figures below are over those
    Spread tx_gbit, rx_gbit, clock_hz;
    Spread tx_latency_p50, tx_latency_p99, rx_latency_p50, rx_latency_p99;  // over the runs that measured latency
    // Timing: differs between two regressions of the same plan and seed base.
    Spread cycles_per_second, packets_per_second;
    double wall_seconds = 0, cpu_seconds = 0;

    void add(RunResult const& r);
    std::size_t problems() const { return failed + refused; }
};

/// A tally per selected scenario (every one, runs or not).
std::map<std::string, Tally> tally_by_scenario(Regression const& r);
Tally tally_all(Regression const& r);

}  // namespace nicsim::regress
