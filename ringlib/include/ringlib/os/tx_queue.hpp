// TxQueue: the OS side of a transmit queue.
//
// The user submits frames (bytes + offload metadata). On each poll the OS translates waiting
// frames, in order, into packets and fragments: it copies each frame into the fragment buffers
// pre-allocated from the DmaArena (one buffer of fragment_buffer_bytes per fragment ring slot:
// CPU stores, made through TxQueueConfig::store_frame_bytes when set),
// fills Layout by parsing the headers and fills the checksum / LSO / 802.1Q extensions, keeps
// one slot of each ring free, and moves EndIndex. After each EvtAdvance it reclaims what the
// driver returned, zeroes those elements and reports one TxCompletion per frame.
//
// A frame that cannot be translated (empty, more fragments than max_fragments_per_packet or than
// the fragment ring can ever hold, or the force_ignore hook) is handed over as an Ignore packet
// with FragmentCount 0, which the driver must complete without sending.
//
// Stall diagnosis: if the driver owns no packets but still owns fragments, makes no progress for
// QueueOptions::stall_detection_polls polls, and frames wait for fragment space (or the queue is
// stopping), the driver returned packets without advancing the fragment ring's BeginIndex past
// their fragments; poll() throws QueueStall saying so.
#pragma once

#include <ringlib/dma_arena.hpp>
#include <ringlib/os/packet_queue.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ringlib::os {

struct TxExtensionSet {
    bool checksum = true;
    bool lso = true;
    bool ieee8021q = true;
    bool virtual_address = true;
    bool logical_address = true;
};

struct TxQueueConfig {
    std::uint32_t queue_id = 0;
    std::string name = "tx0";
    std::uint32_t packet_ring_size = 64;     // power of two, 2..65536
    std::uint32_t fragment_ring_size = 256;  // power of two, 2..65536, independent of the packet ring
    std::uint32_t max_fragments_per_packet = 8;
    std::uint32_t fragment_buffer_bytes = 2048;  // frames are split into fragments of this size
    TxExtensionSet extensions{};
    QueueOptions options{};
    // How the OS's CPU stores a frame's bytes into a fragment buffer (DMA memory). Empty: memcpy.
    // A host model with weakly ordered stores (the testbench's) sets it, so that the NIC sees the
    // frame only once the driver's write barrier made it visible.
    std::function<void(void* destination, void const* source, std::size_t size_bytes)> store_frame_bytes;
};

/// What the sender asks of the NIC for one frame.
struct TxFrameMetadata {
    bool ipv4_header_checksum = false;  // checksum extension Layer3 = Required
    bool tcp_udp_checksum = false;      // checksum extension Layer4 = Required
    std::uint32_t lso_mss = 0;          // 0: no large send offload
    std::uint8_t priority_code_point = 0;
    std::uint16_t vlan_id = 0;
    std::uint8_t ieee8021q_tagging = 0;  // NetPacketTxIeee8021qActionFlag... bits; 0: no tag requested
    bool force_ignore = false;           // test hook: hand the frame over as an Ignore packet
};

enum class TxCompletionStatus {
    Sent,       // handed to the driver and returned
    Ignored,    // handed over as an Ignore packet (untranslatable or forced)
    Cancelled,  // never handed over: the queue stopped first
};

struct TxCompletion {
    std::uint64_t frame_id;
    TxCompletionStatus status;
};

using TxCompletionHandler = std::function<void(TxCompletion const&)>;

class TxQueue final : public PacketQueue {
public:
    /// Builds the queue, then calls the driver's create callback, which must call NetTxQueueCreate.
    static std::unique_ptr<TxQueue> create(TxQueueConfig const& config, DmaArena& arena, NETADAPTER adapter,
                                           PFN_NET_ADAPTER_CREATE_TXQUEUE create_txqueue);
    ~TxQueue() override;

    void on_completion(TxCompletionHandler handler) { completion_handler_ = std::move(handler); }

    /// Queues a frame (the bytes are copied); returns its id, increasing from 1.
    std::uint64_t submit(std::span<std::uint8_t const> frame, TxFrameMetadata const& metadata = {});

    TxQueueConfig const& config() const noexcept { return config_; }
    std::size_t frames_waiting() const noexcept { return waiting_.size(); }
    std::uint64_t frames_completed() const noexcept { return frames_completed_; }
    /// Frames handed over and not yet completed.
    std::size_t frames_in_flight() const noexcept;
    /// The DMA buffer behind fragment ring slot `index`.
    DmaBlock const& fragment_buffer(std::uint32_t index) const { return fragment_buffers_.at(index); }
    /// How many fragments `frame_bytes` needs, or 0 when the frame can only be ignored.
    std::uint32_t fragments_needed(std::size_t frame_bytes) const noexcept;

private:
    TxQueue(TxQueueConfig const& config, DmaArena& arena);

    bool hand_over() override;
    void reclaim() override;
    void check_progress(bool made_progress) override;
    void on_stopped() override;

    struct WaitingFrame {
        std::uint64_t id;
        std::vector<std::uint8_t> bytes;
        TxFrameMetadata metadata;
    };
    struct SlotRecord {
        std::uint64_t frame_id = 0;
        bool ignored = false;
    };
    void fill_packet(std::uint32_t packet_index, std::uint32_t fragment_index, std::uint32_t fragment_count,
                     WaitingFrame const& frame);
    void complete(std::uint64_t frame_id, TxCompletionStatus status);
    [[noreturn]] void throw_stall() const;

    TxQueueConfig config_;
    FragmentBuffers fragment_buffers_;
    std::vector<SlotRecord> packet_records_;
    std::deque<WaitingFrame> waiting_;
    TxCompletionHandler completion_handler_;
    std::uint64_t next_frame_id_ = 1;
    std::uint64_t frames_completed_ = 0;
    std::uint32_t polls_without_progress_while_orphaned_ = 0;

    NET_EXTENSION checksum_{};
    NET_EXTENSION lso_{};
    NET_EXTENSION ieee8021q_{};
};

}  // namespace ringlib::os
