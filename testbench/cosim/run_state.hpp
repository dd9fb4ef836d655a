// RunState: what the parts of a Workload (workload.cpp) share while a run goes on: the frame counts,
// the last packet event (for the watchdog and the throughput's end), and where the run is (stopping,
// cancelled, errors found by software). Plain data; each field says which part writes it, every
// part may read it. One per Workload, alive from its construction to the end of run().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cosim/platform.hpp"

namespace nicsim::cosim {

struct RunState {
    // TX frames: generated (TrafficSource), submitted to and completed by the OS queues
    // (TransmitSide), seen on the wire (ReceiveSide).
    std::uint64_t tx_generated = 0, tx_submitted = 0, tx_completed = 0, tx_seen = 0;
    // RX frames put on the wire and delivered by the OS queues (ReceiveSide).
    std::uint64_t rx_put = 0, rx_delivered = 0;
    // The last packet event (activity()); TapTraffic also restarts the watchdog's period.
    std::uint64_t last_activity = 0;
    std::string last_activity_what = "none";
    // The traffic's span for the throughput: its first frame (TransmitSide or ReceiveSide,
    // traffic_starts()) to the last packet event.
    std::uint64_t first_submit_cycle = 0, last_account_cycle = 0;
    bool traffic_started = false;
    // Workload: the queues are being stopped; a cancel fault stopped them.
    bool stopping = false, cancelled_run = false;
    // Errors software found (TransmitSide; the faults' problems at the end).
    std::vector<std::string> run_errors;

    /// A packet moved: restarts the watchdog (and the top's).
    void activity(Platform& hw, char const* what) {
        last_activity = hw.cycle();
        last_activity_what = what;
        last_account_cycle = hw.cycle();
        hw.report_progress();
    }
    /// The first frame of the run (TX submitted or RX first beat) is at `cycle`, unless one was before.
    void traffic_starts(std::uint64_t cycle) {
        if (traffic_started) return;
        traffic_started = true;
        first_submit_cycle = cycle;
    }
};

}  // namespace nicsim::cosim
