// Interrupts: the OS arms a queue (EvtSetNotificationEnabled), the NIC fires once per arm, the
// ISR reads and acknowledges the cause over MMIO, and the DPC tells the OS (NotifyMore) at most
// once per arm. TX and RX of a queue pair share one IRQ block, so the hardware arm bit is on
// while either side waits.
#include "datapath.hpp"
#include "hw_registers.hpp"

namespace nicsim::driver {

namespace c = nicsim::contract;
using detail::QueuePair;

namespace detail {

void UpdateInterruptArm(Adapter& adapter, QueuePair& pair) {
    // Causes latched while the OS was polling are NOT cleared here. The write would be posted and
    // reach the NIC only after the OS's extra poll read host memory: a completion written in
    // between would have its cause cleared and never interrupt, and the queue would sleep with
    // work pending (seen end to end: TX packets completed in memory, queue asleep forever). A
    // stale cause costs at most one spurious interrupt per arm (the ISR acknowledges it), as the
    // contract's loop has it: clear, drain, re-arm; a completion that raced the re-arm fires.
    bool const armed = pair.tx_notification_armed || pair.rx_notification_armed;
    set_irq_arm(adapter.bus(), pair.index, armed);
}

void EvtTxSetNotificationEnabled(NETPACKETQUEUE queue, BOOLEAN enabled) {
    TxState& tx = *GetNicTxQueueContext(queue)->tx;
    tx.pair->tx_notification_armed = enabled != FALSE;
    UpdateInterruptArm(*tx.adapter, *tx.pair);
}

void EvtRxSetNotificationEnabled(NETPACKETQUEUE queue, BOOLEAN enabled) {
    RxState& rx = *GetNicRxQueueContext(queue)->rx;
    rx.pair->rx_notification_armed = enabled != FALSE;
    UpdateInterruptArm(*rx.adapter, *rx.pair);
}

}  // namespace detail

bool Adapter::on_interrupt(std::uint32_t queue) {
    QueuePair& p = pair(queue);
    std::uint32_t const known =
        static_cast<std::uint32_t>(c::IRQ_CAUSE_TX_CPL.mask() | c::IRQ_CAUSE_RX_CPL.mask() | c::IRQ_CAUSE_ERROR.mask());
    std::uint32_t const causes = bus_.read32(detail::irq_register(queue, c::IRQ_CAUSE)) & known;
    if (causes == 0) {
        return false;
    }
    detail::acknowledge_irq_causes(bus_, queue, causes);
    // Flush the acknowledgement (a read never passes a posted write) before the DPC lets the OS
    // drain host memory. Unflushed, the clear lands up to a PCIe write latency later and erases the
    // cause of a completion written in that window, after a queue's last poll: that queue then
    // never fires again and sleeps with work pending. Flushed, a completion either is in memory
    // before the OS's next drain or sets its cause after the clear and fires when armed.
    static_cast<void>(bus_.read32(detail::irq_register(queue, c::IRQ_CAUSE)));
    p.pending_causes |= causes;
    p.dpc_pending = true;
    ++p.stats.interrupts;
    return true;
}

void Adapter::on_error_interrupt() {
    std::uint32_t const in_error = bus_.read32(c::REG_ERR_QUEUES);
    std::uint64_t const tx_bits = c::REG_ERR_QUEUES_TX.get(in_error);
    std::uint64_t const rx_bits = c::REG_ERR_QUEUES_RX.get(in_error);
    for (std::uint32_t q = 0; q < pairs_.size(); ++q) {
        QueuePair& p = *pairs_[q];
        if ((tx_bits >> q) & 1u) {
            p.tx.error_pending = true;
            p.dpc_pending = true;
        }
        if ((rx_bits >> q) & 1u) {
            p.rx.error_pending = true;
            p.dpc_pending = true;
        }
    }
}

void Adapter::request_ring_reset(std::uint32_t queue, bool tx, bool rx) {
    QueuePair& p = pair(queue);
    p.tx.reset_requested = p.tx.reset_requested || tx;
    p.rx.reset_requested = p.rx.reset_requested || rx;
    p.dpc_pending = p.dpc_pending || tx || rx;
}

void Adapter::run_dpc() {
    for (auto& owned : pairs_) {
        QueuePair& p = *owned;
        if (!p.dpc_pending) {
            continue;
        }
        std::uint32_t const causes = p.pending_causes;
        p.pending_causes = 0;
        p.dpc_pending = false;
        if (c::IRQ_CAUSE_ERROR.get(causes) != 0) {
            // The queue's cause does not say which ring: recovery reads RING_ERR of both.
            p.tx.error_pending = true;
            p.rx.error_pending = true;
        }
        bool const tx_news = c::IRQ_CAUSE_TX_CPL.get(causes) != 0 || p.tx.error_pending || p.tx.reset_requested;
        bool const rx_news = c::IRQ_CAUSE_RX_CPL.get(causes) != 0 || p.rx.error_pending || p.rx.reset_requested;
        if (tx_news && p.txq.active && p.tx_notification_armed) {
            p.tx_notification_armed = false;
            ++p.stats.tx_notifications;
            NetTxQueueNotifyMoreCompletedPacketsAvailable(p.txq.queue);
        }
        if (rx_news && p.rxq.active && p.rx_notification_armed) {
            p.rx_notification_armed = false;
            ++p.stats.rx_notifications;
            NetRxQueueNotifyMoreReceivedPacketsAvailable(p.rxq.queue);
        }
        // Firing cleared the hardware arm bit; the side that was not notified still waits.
        if (p.tx_notification_armed || p.rx_notification_armed) {
            detail::set_irq_arm(bus_, p.index, true);
        }
    }
}

}  // namespace nicsim::driver
