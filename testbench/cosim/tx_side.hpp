// TransmitSide: the OS's side of TX. It owns the frames the TrafficSource generated and the OS has
// not taken yet (per queue), submits them to the OS TX queues between cycles (zeroing the
// checksums the OS asks the NIC for, telling the scoreboard what to expect), and takes the OS's
// completions: TX latency (submit to completion), frames the OS returned at a cancel, completions
// that are not Sent. At the end it gives the scoreboard the frames the driver returned unsent.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "cosim/cosim.hpp"
#include "cosim/faults.hpp"
#include "cosim/platform.hpp"
#include "cosim/workload.hpp"
#include "hang_check.hpp"
#include "latency_histogram.hpp"
#include "os_side.hpp"
#include "run_state.hpp"
#include "scoreboard/scoreboard.hpp"
#include "traffic_source.hpp"

namespace ringlib::os {
struct TxCompletion;
}

namespace nicsim::cosim {

class TransmitSide {
public:
    /// `faults`: the run's injector, or nullptr. `hooks` is read at each event (set later).
    TransmitSide(Platform& hw, RunState& state, scoreboard::Scoreboard& board, TrafficHooks const& hooks, OsSide& os,
                 HangCheck& hang, FaultInjector* faults, std::uint32_t os_ring);

    /// Between cycles, while not stopping: tops up the pending frames from `traffic`, then submits
    /// what each OS TX queue has room for.
    void submit(TrafficSource& traffic);
    /// The OS completed a frame of queue q.
    void completed(unsigned q, ringlib::os::TxCompletion const& comp);

    PendingFrames const& pending() const { return pending_; }
    /// End of the run: frames returned unsent to the scoreboard, per queue, and its counts.
    void close_books(RunSummary& out);

private:
    Platform& hw_;
    RunState& state_;
    scoreboard::Scoreboard& board_;
    TrafficHooks const& hooks_;
    OsSide& os_;
    HangCheck& hang_;
    FaultInjector* faults_;
    std::uint32_t os_ring_;
    PendingFrames pending_;  // per queue: generated, not yet submitted
    std::vector<std::unordered_map<std::uint64_t, std::uint64_t>> submit_cycle_;  // per queue: frame id ->
                                                                                  // cycle, until completed
    std::vector<std::uint64_t> submitted_on_;                                     // per queue
    std::vector<std::uint64_t> os_cancelled_;  // per queue: frames the OS returned at stop, never given to the driver
    LatencyHistogram latency_;                 // constant memory, whatever the run length
    std::uint64_t offloaded_ = 0, multi_fragment_ = 0;
};

}  // namespace nicsim::cosim
