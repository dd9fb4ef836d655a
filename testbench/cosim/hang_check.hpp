// HangCheck: the TX hang check of a run (Scenario::checks.hang_check_cycles). It owns, per queue,
// the cycle of the last TX progress (a completion, or a submit to an idle queue) and of its last
// reset. Between cycles, while the run is not stopping, a queue with frames in flight and no
// progress for longer than the limit has its ring reset by the driver (as an OS's TX watchdog would
// ask it), then the DPC runs; the resets are counted for the summary.
#pragma once

#include <cstdint>
#include <vector>

namespace nicsim::cosim {

class OsSide;
class Platform;

class HangCheck {
public:
    /// `limit_cycles` 0: no check.
    HangCheck(unsigned queues, std::uint64_t limit_cycles)
        : limit_(limit_cycles), progress_(queues, 0), reset_(queues, 0) {}

    /// Queue q made TX progress at `cycle`.
    void progress(unsigned q, std::uint64_t cycle) { progress_[q] = cycle; }
    /// Between cycles: resets every hung TX ring.
    void check(Platform& hw, OsSide& os) {
        if (limit_) check_queues(hw, os);
    }
    std::uint64_t resets() const { return resets_; }

private:
    void check_queues(Platform& hw, OsSide& os);

    std::uint64_t limit_;
    std::vector<std::uint64_t> progress_, reset_;  // per queue
    std::uint64_t resets_ = 0;
};

}  // namespace nicsim::cosim
