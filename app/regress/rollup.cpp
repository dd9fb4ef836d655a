// The roll-up of a regression's runs: see rollup.hpp.
#include "rollup.hpp"

#include "nicsim/regress/report.hpp"

namespace nicsim::regress {

void Tally::add(RunResult const& r) {
    ++runs;
    passed += r.status == RunStatus::passed;
    failed += r.status == RunStatus::failed;
    refused += r.status == RunStatus::refused;
    not_run += r.status == RunStatus::not_run;
    wall_seconds += r.wall_seconds;
    cpu_seconds += r.cpu_seconds;
    if (!r.reported) return;
    ++reported;
    tx_gbit.add(r.tx_gbit_per_second);
    rx_gbit.add(r.rx_gbit_per_second);
    cycles_per_second.add(r.cycles_per_second);
    packets_per_second.add(r.packets_per_second);
    if (r.clock_hz) clock_hz.add(static_cast<double>(r.clock_hz));
    if (r.tx_latency.count) {
        tx_latency_p50.add(static_cast<double>(r.tx_latency.p50));
        tx_latency_p99.add(static_cast<double>(r.tx_latency.p99));
    }
    if (r.rx_latency.count) {
        rx_latency_p50.add(static_cast<double>(r.rx_latency.p50));
        rx_latency_p99.add(static_cast<double>(r.rx_latency.p99));
    }
}

std::map<std::string, Tally> tally_by_scenario(Regression const& r) {
    std::map<std::string, Tally> t;
    for (auto const& s : r.scenarios) t[s];
    for (auto const& run : r.runs) t[run.scenario].add(run);
    return t;
}

Tally tally_all(Regression const& r) {
    Tally t;
    for (auto const& run : r.runs) t.add(run);
    return t;
}

}  // namespace nicsim::regress
