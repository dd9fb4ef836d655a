// RxDropBooks: the RX frames the NIC and the driver dropped, and when the RX books are final. It
// owns the counters' values last reported to the scoreboard, per (queue, reason), and the time of
// the last statistics read. Between cycles it takes the driver's drop counts (every cycle) and,
// once traffic is quiet with frames unaccounted for, asks the NIC (REG_STATUS, RING_STAT_DROPS):
// the answer is exact, never a guess. At the end of a cancelled run it counts what the disabled
// rings dropped; its per-queue totals go into the summary.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "cosim/cosim.hpp"
#include "cosim/platform.hpp"
#include "os_side.hpp"
#include "run_state.hpp"
#include "scoreboard/scoreboard.hpp"

namespace nicsim::cosim {

class RxDropBooks {
public:
    RxDropBooks(Platform& hw, RunState& state, scoreboard::Scoreboard& board, OsSide& os)
        : hw_(hw), state_(state), board_(board), os_(os) {}

    /// RX frames the driver counted dropped, per queue and reason: bad, truncated and runt frames
    /// (from their completions), and frames the NIC took that a ring reset or a cancel kept from
    /// an OS packet (RING_TAKEN minus the completions: exact once the ring was idle).
    void collect_driver_drops();
    /// RING_STAT_DROPS of every RX ring (a statistics query: MMIO reads, only when traffic is quiet).
    void read_hw_drops();
    /// REG_STATUS.RX_IDLE: no RX frame inside the NIC (received, waiting or being written) and no
    /// RX ring with anything in flight; every frame's fate is then decided and counted.
    bool nic_rx_idle();
    /// The RX books are final when the wire is done, the NIC holds no RX frame, the driver owes no
    /// frame, and the counters were read after that: what is still missing is lost, exactly.
    void settle();

    std::uint64_t total() const { return total_; }
    /// RX frames delivered or dropped.
    std::uint64_t accounted() const { return state_.rx_delivered + total(); }
    bool books_final() const { return final_; }
    std::uint64_t last_stat_read_cycle() const { return last_stat_read_cycle_; }
    /// Per-queue drops in the summary.
    void add_to(RunSummary& out) const;

private:
    /// `total`: the counter's value for (queue, reason); what is new goes to the scoreboard.
    void report(unsigned q, scoreboard::DropReason r, std::uint64_t total);

    Platform& hw_;
    RunState& state_;
    scoreboard::Scoreboard& board_;
    OsSide& os_;
    // RX drops reported to the scoreboard so far, by queue and reason: the counters' last values
    // (read every cycle: an array, not a map), and their sum.
    std::vector<std::array<std::uint64_t, scoreboard::kDropReasons>> reported_;
    std::uint64_t total_ = 0;
    std::uint64_t last_stat_read_cycle_ = 0;
    bool final_ = false;  // the NIC holds no RX frame and every counter was read after that
};

}  // namespace nicsim::cosim
