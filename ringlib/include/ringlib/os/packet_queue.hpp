// PacketQueue: what TX and RX queues share on the OS side of NetAdapterCx.
//
// Contract with the driver (the client of NETPACKETQUEUE):
//  - the queue is created by the driver calling Net{Tx,Rx}QueueCreate from inside its create
//    callback; the handle it gets is this object; its WDF context is zeroed and owned here;
//  - EvtAdvance, EvtCancel and EvtSetNotificationEnabled are only ever called from start(),
//    poll() and stop(), one at a time, never re-entered;
//  - NotifyMore (from the driver's ISR/DPC, between OS steps) only records a wake-up; the next
//    poll() acts on it.
//
// Contract with the simulation loop (the caller):
//  - start(), then poll() between clock cycles while it returns Polling, Armed or Stopping;
//    after Sleeping, poll() does nothing until the driver notified (or TX got new frames);
//  - stop() calls EvtCancel and enters Stopping; poll() then drives the drain, and throws
//    QueueStopTimeout (naming both rings) if the driver has not returned everything within
//    QueueOptions::stop_poll_limit polls;
//  - ringlib::VerifierViolation, ringlib::ApiMisuse and QueueStall propagate out of poll().
//
// Polling model (docs/netring.md §6): a poll hands new elements to the driver, calls EvtAdvance and
// reclaims what came back; it "made progress" when EndIndex moved or any driver index moved.
// A poll without progress arms (SetNotificationEnabled(TRUE)) and the next poll is the extra
// one; if that finds work, or a NotifyMore arrived, the OS disarms (FALSE) and keeps polling,
// else it sleeps.
#pragma once

#include <ringlib/dma_arena.hpp>
#include <ringlib/os/queue_state.hpp>
#include <ringlib/os/ring_layout.hpp>
#include <ringlib/verifier.hpp>

#include <netadaptercx.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ringlib::os {

/// Options every queue has; the defaults are what a correctness run wants.
struct QueueOptions {
    bool verifier_enabled = true;             // benchmarks may turn it off
    std::uint32_t stop_poll_limit = 1000;     // EvtAdvance calls allowed after EvtCancel
    std::uint32_t stall_detection_polls = 2;  // consecutive polls without progress before a stall is declared
};

/// Validates a ring size the way the OS does: verify_ring_size_hint (a power of two) and 2..65536.
void validate_ring_size(std::string const& queue, char const* what, std::uint32_t size);

/// The fragment extensions a queue registers: virtual address, logical address, each if wanted.
std::vector<ExtensionDeclaration> fragment_extensions(bool virtual_address, bool logical_address);

/// One DmaArena buffer per fragment ring slot, allocated when the queue is built (translation
/// never allocates, and the addresses a run sees depend only on the configuration), freed with it.
class FragmentBuffers {
public:
    /// Throws QueueCreationError ("<queue>: cannot allocate <count> <what> of <size> bytes: ...")
    /// when the arena runs out, having freed what it took.
    FragmentBuffers(DmaArena& arena, std::string const& queue, char const* what, std::uint32_t count,
                    std::uint32_t size_bytes, std::uint32_t alignment_bytes);
    FragmentBuffers(FragmentBuffers const&) = delete;
    FragmentBuffers& operator=(FragmentBuffers const&) = delete;
    ~FragmentBuffers();

    DmaBlock const& operator[](std::uint32_t index) const noexcept { return blocks_[index]; }
    DmaBlock const& at(std::uint32_t index) const { return blocks_.at(index); }

private:
    void free_all() noexcept;

    DmaArena& arena_;
    std::vector<DmaBlock> blocks_;
};

class PacketQueue {
public:
    PacketQueue(PacketQueue const&) = delete;
    PacketQueue& operator=(PacketQueue const&) = delete;
    virtual ~PacketQueue();

    std::string const& name() const noexcept { return name_; }
    std::uint32_t queue_id() const noexcept { return queue_id_; }
    QueueKind kind() const noexcept { return kind_; }
    NETPACKETQUEUE handle() noexcept { return reinterpret_cast<NETPACKETQUEUE>(this); }
    NET_RING_COLLECTION const* rings() const noexcept { return &collection_; }
    NET_RING* packet_ring() const noexcept { return packet_ring_.get(); }
    NET_RING* fragment_ring() const noexcept { return fragment_ring_.get(); }

    QueueState state() const noexcept { return state_; }
    NotificationCounters const& notifications() const noexcept { return notifications_; }
    CallbackCounters const& callbacks() const noexcept { return callbacks_; }
    StateTransitions const& transitions() const noexcept { return transitions_; }
    OccupancyCounters const& occupancy() const noexcept { return occupancy_; }
    RingVerifier& verifier() noexcept { return *verifier_; }

    void start();       // EvtStart; Created -> Polling
    QueueState poll();  // one OS step (see the class comment)
    QueueState stop();  // EvtCancel; -> Stopping (or Stopped at once if already drained)

    /// "tx0: packet ring Begin=.. Next=.. End=.. OSReserved0=.. (of N); fragment ring ..."
    std::string describe() const;

    // ---- backends of the C API (nettxqueue.h / netrxqueue.h / wdfobject.h) ----
    static PacketQueue& from_handle(NETPACKETQUEUE handle, QueueKind expected, char const* api);
    static PacketQueue* from_object(WDFOBJECT object) noexcept;
    void attach_driver(WDF_OBJECT_ATTRIBUTES const* attributes, NET_PACKET_QUEUE_CONFIG const* config);
    bool driver_attached() const noexcept { return config_.EvtAdvance != nullptr; }
    NET_EXTENSION get_extension(NET_EXTENSION_QUERY const* query) const;
    void* context(WDF_OBJECT_CONTEXT_TYPE_INFO const* type) const noexcept;
    void notify_more() noexcept;

protected:
    PacketQueue(QueueKind kind, std::uint32_t queue_id, std::string name, QueueOptions options,
                std::uint32_t packet_ring_size, RingLayout packet_layout, std::uint32_t fragment_ring_size,
                RingLayout fragment_layout);

    /// Give the driver new elements (move EndIndex, tell the verifier); true if EndIndex moved.
    virtual bool hand_over() = 0;
    /// Take back [OSReserved0, BeginIndex) of both rings after a driver callback.
    virtual void reclaim() = 0;
    /// Called after every EvtAdvance with whether it made progress; may throw QueueStall.
    virtual void check_progress(bool made_progress) { (void)made_progress; }
    /// The queue reached Stopped (TX completes frames it never handed over).
    virtual void on_stopped() {}

    /// OS-side work appeared (TX: new frames): wakes an armed or sleeping queue on the next poll.
    void request_os_wake() noexcept { os_wake_pending_ = true; }
    bool stopping() const noexcept { return state_ == QueueState::Stopping; }

    /// Moves `ring`'s EndIndex to `new_end` and tells the verifier about [old, new).
    void hand_over_range(NET_RING_TYPE type, std::uint32_t new_end);
    /// Zeroes the whole stride of [OSReserved0, BeginIndex) and moves OSReserved0 to BeginIndex.
    static void zero_returned(NET_RING* ring) noexcept;
    /// Writes `buffer`'s addresses into fragment `index`'s VA / LA extensions (those registered).
    void set_fragment_addresses(std::uint32_t index, DmaBlock const& buffer) noexcept;
    std::optional<std::size_t> extension_offset(ExtensionDeclaration const& declaration) const;

    OwnedRing packet_ring_;
    OwnedRing fragment_ring_;

private:
    struct DriverIndices {
        std::uint32_t packet_begin, packet_next, fragment_begin, fragment_next;
        bool operator==(DriverIndices const&) const = default;
    };
    DriverIndices driver_indices() const noexcept;

    bool advance_step(bool hand_over_first);  // returns whether it made progress
    QueueState polling_step();
    QueueState stopping_step();
    void set_notification(bool enabled);
    void finish_stop();
    void enter(QueueState next) noexcept;  // state_ = next, counting the transition
    void require_state(char const* operation, std::initializer_list<QueueState> allowed) const;

    static constexpr std::uint64_t magic_value = 0x52494e474c49424fULL;  // "RINGLIBO"
    std::uint64_t magic_ = magic_value;
    QueueKind kind_;
    std::uint32_t queue_id_;
    std::string name_;
    QueueOptions options_;
    RingLayout packet_layout_;
    RingLayout fragment_layout_;
    NET_RING_COLLECTION collection_{};
    std::unique_ptr<RingVerifier> verifier_;
    NET_EXTENSION virtual_address_{};  // fragment extensions, when registered
    NET_EXTENSION logical_address_{};

    NET_PACKET_QUEUE_CONFIG config_{};
    WDF_OBJECT_CONTEXT_TYPE_INFO const* context_type_ = nullptr;
    std::unique_ptr<std::max_align_t[]> context_;

    QueueState state_ = QueueState::Created;
    bool driver_wake_pending_ = false;
    bool os_wake_pending_ = false;
    std::uint32_t stop_polls_ = 0;
    NotificationCounters notifications_;
    CallbackCounters callbacks_;
    StateTransitions transitions_;
    OccupancyCounters occupancy_;
};

}  // namespace ringlib::os
