// RxDropBooks: see rx_drop_books.hpp.
#include "rx_drop_books.hpp"

#include <array>
#include <utility>

#include <nic_contract.hpp>
#include <nicsim/driver/adapter.hpp>

namespace nicsim::cosim {

namespace c = nicsim::contract;

void RxDropBooks::collect_driver_drops() {
    using scoreboard::DropReason;
    if (reported_.size() < os_.queues()) reported_.resize(os_.queues(), {});
    for (unsigned q = 0; q < os_.queues(); ++q) {
        auto const& st = os_.adapter().stats(q);
        std::array<std::pair<DropReason, std::uint64_t>, 5> const counters{{
            {DropReason::bad_frame, st.rx_bad_frames},
            {DropReason::oversize, st.rx_truncated},
            {DropReason::runt, st.rx_runts},
            {DropReason::ring_reset, st.rx_reset_drops},
            {DropReason::cancelled, st.rx_cancel_drops},
        }};
        // The counters only grow: when they sum to what was reported of them, nothing is new.
        std::uint64_t now = 0, seen = 0;
        for (auto const& [reason, count] : counters) {
            now += count;
            seen += reported_[q][static_cast<std::size_t>(reason)];
        }
        if (now == seen) continue;
        for (auto const& [reason, count] : counters) report(q, reason, count);
    }
}

void RxDropBooks::read_hw_drops() {
    for (unsigned q = 0; q < os_.queues(); ++q)
        report(q, scoreboard::DropReason::no_buffer,
               hw_.registers().read32(c::queue_reg(q, c::QREG_RX, c::RING_STAT_DROPS)));
    last_stat_read_cycle_ = hw_.cycle();
}

bool RxDropBooks::nic_rx_idle() {
    last_stat_read_cycle_ = hw_.cycle();
    return c::REG_STATUS_RX_IDLE.get(hw_.registers().read32(c::REG_STATUS)) != 0;
}

void RxDropBooks::settle() {
    if (!nic_rx_idle() || os_.driver_rx_pending()) return;
    read_hw_drops();
    collect_driver_drops();
    if (accounted() < state_.rx_put) final_ = true;
}

void RxDropBooks::report(unsigned q, scoreboard::DropReason r, std::uint64_t total) {
    if (q >= reported_.size()) reported_.resize(q + 1, {});
    auto& seen = reported_[q][static_cast<std::size_t>(r)];
    if (total > seen) {
        board_.nic_dropped(static_cast<std::uint16_t>(q), r, total - seen);
        total_ += total - seen;
        seen = total;
        state_.activity(hw_, "RX drop");
    }
}

void RxDropBooks::add_to(RunSummary& out) const {
    for (std::size_t q = 0; q < reported_.size() && q < out.per_queue.size(); ++q)
        for (auto const n : reported_[q]) out.per_queue[q].rx_dropped += n;
}

}  // namespace nicsim::cosim
