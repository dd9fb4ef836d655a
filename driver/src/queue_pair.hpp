// The driver's private state: one QueuePair per hardware queue pair, holding both hardware rings
// (descriptor ring + completion rings in host memory) and the state of the OS queues bound to
// them. The WDF contexts of the OS queues point here (contexts are zeroed memory, so they hold
// only pointers; the state with real constructors lives in the QueuePair).
#pragma once

#include <nicsim/driver/adapter.hpp>
#include <nicsim/driver/host_memory_access.hpp>
#include <nicsim/driver/ring_space.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace nicsim::driver::detail {

enum class Direction { Tx, Rx };

/// One hardware ring of a queue pair. Two completion rings are allocated and swapped at every
/// ring reset: a completion write the hardware had in flight when it was reset can then only
/// land in the ring the driver stopped reading, never be mistaken for a new completion.
struct HwRing {
    HwRing(Direction direction_, std::uint32_t queue_, std::uint32_t log2_)
        : direction(direction_), queue(queue_), log2(log2_), space(1u << log2_) {}
    Direction direction;
    std::uint32_t queue;
    std::uint32_t log2;
    ringlib::DmaBlock descriptors{};
    std::array<ringlib::DmaBlock, 2> completions{};
    unsigned active_completions = 0;
    DescriptorRingSpace space;
    std::uint32_t completion_head = 0;
    bool completion_phase = true;  // the contract's phase starts at 1 and flips at each wrap

    bool error_pending = false;    // set by the ISR/DPC, handled by the queue's next Advance
    bool reset_requested = false;  // Adapter::request_ring_reset, handled by the queue's next Advance
    // Completions read since the ring's last reset, modulo 2^32 like RING_TAKEN: once the ring is
    // idle, RING_TAKEN - this = packets the NIC took and the driver found no completion for.
    std::uint32_t completions_since_reset = 0;
    std::uint32_t recoveries_without_progress = 0;

    std::uint32_t entries() const noexcept { return space.entries(); }
    void* descriptor_slot(std::uint32_t index) const noexcept;
    void const* completion_slot() const noexcept;
    void advance_completion_head() noexcept;
    std::uint64_t active_completion_base() const noexcept { return completions[active_completions].logical_address; }
    /// After the hardware forgot the ring: switch completion rings, zero the new one (CPU stores
    /// through `memory`), indices and the completion count 0.
    void forget_software_state(HostMemoryAccess& memory);
};

struct QueuePair;

struct TxState {
    Adapter* adapter = nullptr;
    QueuePair* pair = nullptr;
    NETPACKETQUEUE queue = nullptr;
    NET_RING_COLLECTION const* rings = nullptr;
    NET_EXTENSION checksum{};
    NET_EXTENSION lso{};
    NET_EXTENSION ieee8021q{};
    NET_EXTENSION virtual_address{};
    NET_EXTENSION logical_address{};
    bool active = false;
    bool cancelled = false;
};

/// What the driver remembers of each posted RX buffer, by hardware ring slot.
struct RxSlot {
    std::uint32_t offset_bytes = 0;  // the fragment's Offset once data landed
    std::uint32_t usable_bytes = 0;  // the capacity posted to hardware
};

struct RxState {
    Adapter* adapter = nullptr;
    QueuePair* pair = nullptr;
    NETPACKETQUEUE queue = nullptr;
    NET_RING_COLLECTION const* rings = nullptr;
    NET_EXTENSION checksum{};
    NET_EXTENSION hash{};
    NET_EXTENSION ieee8021q{};
    NET_EXTENSION virtual_address{};
    NET_EXTENSION logical_address{};
    std::vector<RxSlot> slots;  // one per hardware ring entry
    bool active = false;
    bool cancelled = false;
};

struct QueuePair {
    QueuePair(std::uint32_t index_, AdapterConfig const& config)
        : index(index_),
          tx(Direction::Tx, index_, config.tx_ring_log2),
          rx(Direction::Rx, index_, config.rx_ring_log2) {}
    std::uint32_t index;
    HwRing tx;
    HwRing rx;
    TxState txq;
    RxState rxq;
    QueueStats stats;
    // Interrupts: the pair shares one IRQ block, so the hardware arm bit is on while either OS
    // queue asked for notification; each side is notified at most once per arm.
    bool tx_notification_armed = false;
    bool rx_notification_armed = false;
    std::uint32_t pending_causes = 0;  // IRQ_CAUSE bits the ISR acknowledged, for the DPC
    bool dpc_pending = false;
};

HwRing& ring_of(QueuePair& pair, Direction direction) noexcept;

// WDF contexts of the OS queues.
struct NicTxQueueContext {
    TxState* tx;
};
struct NicRxQueueContext {
    RxState* rx;
};
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(NicTxQueueContext, GetNicTxQueueContext);
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(NicRxQueueContext, GetNicRxQueueContext);

}  // namespace nicsim::driver::detail
