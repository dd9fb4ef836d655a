// The nicsim NIC client driver: one Adapter per NIC, written the way a NetAdapterCx driver is.
//
// How the testbench drives it:
//
//   nicsim::driver::Adapter adapter(bus, memory, arena, config);  // bus: RegisterBus over AXI4-Lite,
//                                              // memory: HostMemoryAccess (loads, stores, barriers)
//   adapter.start();                                       // reset, ID check, rings, RSS, IRQs
//   auto tx = ringlib::os::TxQueue::create(tx_cfg, arena, adapter.handle(),
//                                          nicsim::driver::EvtCreateTxQueue);
//   auto rx = ringlib::os::RxQueue::create(rx_cfg, arena, adapter.handle(),
//                                          nicsim::driver::EvtCreateRxQueue);
//   tx->start(); rx->start();
//   loop: clock the model; on irq_queue[q]: adapter.on_interrupt(q);
//         on irq_error: adapter.on_error_interrupt();  then adapter.run_dpc();
//         tx->poll(); rx->poll();
//   tx->stop(); rx->stop(); poll until Stopped; adapter.stop();
//
// The queue id of NET*QUEUE_INIT (TxQueueConfig::queue_id) selects the hardware queue pair.
// Everything the device reads or writes (descriptor and completion rings) comes from `arena`.
#pragma once

#include <nicsim/driver/host_memory_access.hpp>
#include <nicsim/driver/identity.hpp>
#include <nicsim/driver/register_bus.hpp>

#include <netadaptercx.h>
#include <nic_contract.hpp>
#include <ringlib/dma_arena.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

namespace nicsim::driver {

/// Frames shorter than this (the Ethernet minimum without FCS) are runts: the driver does not
/// indicate them (the NIC delivers frames of any length; docs/contract.md, Errors and recovery).
inline constexpr std::uint32_t kMinRxFrameBytes = 60;

struct AdapterConfig {
    std::uint32_t queues_in_use = 1;              // queue pairs the driver runs (<= NUM_QUEUES)
    std::uint32_t expected_data_width_bits = 64;  // DATA_WIDTH of the NIC this driver is built for
    std::uint32_t tx_ring_log2 = 8;               // hardware TX descriptor/completion ring entries
    std::uint32_t rx_ring_log2 = 8;               // hardware RX descriptor/completion ring entries
    std::uint16_t irq_holdoff_cycles = 0;         // IRQ_MOD_CYCLES
    std::uint16_t irq_packet_threshold = 1;       // IRQ_MOD_PKTS
    bool rss_enabled = true;                      // with one queue in use RSS stays off
    std::array<std::uint8_t, contract::RSS_KEY_BYTES> rss_key = default_rss_key();
    // Error recovery, requested resets and cancel wait for the ring to be idle (RING_STATUS.IDLE)
    // before they read what it did; a ring still busy after this many reads is a DriverError.
    // Draining a disabled ring takes as long as sending what it already fetched: the bound must
    // cover the slowest back-pressure the platform applies.
    std::uint32_t idle_wait_max_reads = 1'000'000;
    // A ring that errors again this many times without completing anything in between is given up.
    std::uint32_t max_recoveries_without_progress = 3;

    /// The widely published RSS verification key (40 bytes).
    static std::array<std::uint8_t, contract::RSS_KEY_BYTES> default_rss_key() noexcept;
};

/// The NIC does not match what the driver was built for, or the configuration is impossible.
class AdapterStartError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Hardware and driver disagree (a completion names an unexpected descriptor, a ring cannot be
/// recovered): the run must stop, with a message naming the queue and both views.
class DriverError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct QueueStats {
    std::uint64_t tx_packets = 0;  // completed by the hardware
    std::uint64_t tx_bytes = 0;
    std::uint64_t tx_ignored = 0;                  // Ignore packets completed without hardware
    std::uint64_t tx_unsupported = 0;              // LSO requested or too many fragments: returned unsent
    std::uint64_t tx_vlan_not_inserted = 0;        // 802.1Q insertion requested: sent as is (no such offload)
    std::uint64_t tx_cancelled = 0;                // returned unsent because the queue was cancelled
    std::uint64_t tx_dropped_by_error = 0;         // the packet a descriptor error named, returned unsent
    std::uint64_t tx_sent_without_completion = 0;  // left on the wire (RING_TAKEN) but its completion was
                                                   // lost (completion write error): returned as sent
    std::uint64_t tx_reposted = 0;                 // packets posted again after a ring reset
    std::uint64_t rx_packets = 0;
    std::uint64_t rx_bytes = 0;
    std::uint64_t rx_bad_frames = 0;    // CPL_BAD_FRAME: buffers returned, no packet
    std::uint64_t rx_truncated = 0;     // CPL_TRUNCATED: buffers returned, no packet
    std::uint64_t rx_runts = 0;         // shorter than kMinRxFrameBytes: buffers returned, no packet
    std::uint64_t rx_reset_drops = 0;   // frames the NIC took (RING_TAKEN) that reached no OS packet
                                        // because the ring was reset or stopped in error
    std::uint64_t rx_cancel_drops = 0;  // frames the NIC took that reached no OS packet because
                                        // the queue was cancelled
    std::uint64_t tx_resets = 0;        // requested ring resets (request_ring_reset) carried out
    std::uint64_t rx_resets = 0;
    std::uint64_t rx_buffers_reposted = 0;  // buffers posted again after a ring reset
    std::uint64_t tx_errors = 0;            // TX ring entered error (each one recovered)
    std::uint64_t rx_errors = 0;
    std::array<std::uint64_t, 256> errors_by_code{};  // indexed by err_e
    std::uint64_t interrupts = 0;                     // ISR calls that found a cause
    std::uint64_t tx_notifications = 0;               // NetTxQueueNotifyMoreCompletedPacketsAvailable calls
    std::uint64_t rx_notifications = 0;
};

/// Where one hardware ring lives (for checkers and waves), and the driver's own bookkeeping of
/// it (no register is read: RING_PROD as last written, RING_CONS as learnt from completions).
struct HwRingInfo {
    std::uint64_t descriptor_base = 0;
    std::uint64_t completion_base = 0;  // the active one of the two completion rings
    std::uint32_t entries = 0;
    std::uint32_t produce_index = 0;    // next slot the driver fills (RING_PROD after the doorbell)
    std::uint32_t consume_index = 0;    // oldest slot not yet given back by a completion
    std::uint32_t outstanding = 0;      // descriptors posted and not completed
    std::uint32_t completion_head = 0;  // next completion slot the driver reads
    bool completion_phase = true;       // phase the driver expects there
    bool error_pending = false;         // an error waits for recovery in the next Advance
};

namespace detail {
struct QueuePair;
class DatapathHooks;  // src/datapath_hooks.hpp: test code's seam; a product driver has none
struct DatapathHooksAccess;
}  // namespace detail

class Adapter {
public:
    /// `memory` is how the driver's CPU reaches the ring memory it allocates from `arena`.
    Adapter(RegisterBus& bus, HostMemoryAccess& memory, ringlib::DmaArena& arena, AdapterConfig config = {});
    ~Adapter();
    Adapter(Adapter const&) = delete;
    Adapter& operator=(Adapter const&) = delete;

    /// Reset every queue, check the ID block (throws AdapterStartError naming every mismatch),
    /// allocate and program the rings, RSS key and table, interrupt moderation, enable the rings
    /// and the error interrupt.
    void start();
    /// Disable every ring and interrupt (after the OS stopped the queues).
    void stop();

    NETADAPTER handle() noexcept { return reinterpret_cast<NETADAPTER>(this); }
    static Adapter& from_handle(NETADAPTER adapter) noexcept { return *reinterpret_cast<Adapter*>(adapter); }

    /// ISR of queue pair `queue`'s interrupt line: reads and acknowledges IRQ_CAUSE, schedules
    /// the DPC. Returns false when no cause was pending (a spurious interrupt).
    bool on_interrupt(std::uint32_t queue);
    /// ISR of irq_error: reads REG_ERR_QUEUES and schedules recovery of every ring in error.
    void on_error_interrupt();
    /// DPC: NotifyMore for each armed queue with news (at most once per arm), hands errors to
    /// the queues' next Advance for recovery.
    void run_dpc();
    /// Queue reset (the OS's hang check, or a test): at the queue's next Advance the ring is
    /// disabled, allowed to go quiet, reset and given its work again exactly as after an error
    /// (recovery.cpp), without dropping anything. Schedules the DPC: call run_dpc() (or let the
    /// next interrupt) so that an armed queue is told to advance.
    void request_ring_reset(std::uint32_t queue, bool tx, bool rx);

    NicIdentity const& identity() const noexcept { return identity_; }
    AdapterConfig const& config() const noexcept { return config_; }
    QueueStats const& stats(std::uint32_t queue) const;
    HwRingInfo tx_ring(std::uint32_t queue) const;
    HwRingInfo rx_ring(std::uint32_t queue) const;
    bool started() const noexcept { return started_; }

    // ---- for the driver's own callbacks ----
    RegisterBus& bus() noexcept { return bus_; }
    HostMemoryAccess& memory() noexcept { return memory_; }
    ringlib::DmaArena& arena() noexcept { return arena_; }
    detail::QueuePair& pair(std::uint32_t queue);

private:
    void validate_config() const;
    void program_rss();
    void program_interrupts();

    RegisterBus& bus_;
    HostMemoryAccess& memory_;
    ringlib::DmaArena& arena_;
    AdapterConfig config_;
    NicIdentity identity_{};
    std::vector<std::unique_ptr<detail::QueuePair>> pairs_;
    bool started_ = false;
    friend struct detail::DatapathHooksAccess;
    std::unique_ptr<detail::DatapathHooks> hooks_;
};

/// EVT_NET_ADAPTER_CREATE_TXQUEUE / _RXQUEUE: pass these to TxQueue::create / RxQueue::create
/// with adapter.handle(). They create the queue with its WDF context and query the extensions.
EVT_NET_ADAPTER_CREATE_TXQUEUE EvtCreateTxQueue;
EVT_NET_ADAPTER_CREATE_RXQUEUE EvtCreateRxQueue;

}  // namespace nicsim::driver
