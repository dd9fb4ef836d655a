// Test helper: the verdict of a co-simulation that must pass, asserted field by field so a
// failing test names what went wrong: no frame lost, missing or sent twice, no violation of any
// checker, and per queue every frame put on the wire for it delivered or counted as dropped.
// Callers add what their scenario allows (e.g. errors == 0 without faults).
#pragma once

#include <cstddef>

#include <catch2/catch.hpp>

#include "cosim/cosim.hpp"

namespace nicsim::test {

inline void check_clean_run(cosim::RunSummary const& r) {
    CHECK(r.passed);
    CHECK(r.lost == 0);
    CHECK(r.tx_missing == 0);
    CHECK(r.tx_duplicates == 0);
    CHECK(r.unexpected_errors == 0);
    CHECK(r.verifier_violations == 0);
    CHECK(r.protocol_violations == 0);
    CHECK(r.ownership_violations == 0);  // the ownership monitor is on in every co-simulation
    CHECK(r.ordering_violations == 0);
    for (std::size_t q = 0; q < r.per_queue.size(); ++q) {
        INFO("queue " << q);
        CHECK(r.per_queue[q].rx_packets + r.per_queue[q].rx_dropped == r.per_queue[q].rx_expected);
    }
}

}  // namespace nicsim::test
