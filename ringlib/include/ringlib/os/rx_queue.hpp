// RxQueue: the OS side of a receive queue.
//
// On each poll the OS gives the driver empty fragments, one DmaArena buffer per fragment ring
// slot (Capacity = buffer_capacity_bytes, Offset = backfill_offset_bytes, addresses in the VA/LA
// extensions), up to one slot short of its lag index, and hands every free packet slot too (RX
// packets are empty slots the driver fills). After EvtAdvance it reclaims the packets the driver
// returned: every non-Ignore packet becomes one RxFrame (its fragments' bytes at VA + Offset,
// ValidLength long, gathered in order) passed to the frame handler with Layout and the checksum,
// hash and 802.1Q extension values. Returned fragments, with or without a packet, are zeroed and
// provisioned again.
//
// Stop: after EvtCancel the driver must have returned everything (both BeginIndex == EndIndex),
// possibly over a few more Advances; the OS provisions nothing more once stopping.
#pragma once

#include <ringlib/dma_arena.hpp>
#include <ringlib/os/packet_queue.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ringlib::os {

struct RxExtensionSet {
    bool checksum = true;
    bool hash = true;
    bool ieee8021q = true;
    bool virtual_address = true;
    bool logical_address = true;
};

struct RxQueueConfig {
    std::uint32_t queue_id = 0;
    std::string name = "rx0";
    std::uint32_t packet_ring_size = 64;         // power of two, 2..65536
    std::uint32_t fragment_ring_size = 256;      // power of two, 2..65536, independent of the packet ring
    std::uint32_t buffer_capacity_bytes = 2048;  // NET_FRAGMENT Capacity, backfill included
    std::uint32_t backfill_offset_bytes = 0;     // NET_FRAGMENT Offset of an empty buffer (< 1024)
    std::uint32_t buffer_alignment_bytes = 64;
    RxExtensionSet extensions{};
    QueueOptions options{};
};

struct RxFrame {
    std::vector<std::uint8_t> bytes;
    NET_PACKET_LAYOUT layout{};
    std::uint32_t packet_index = 0;
    std::uint32_t fragment_count = 0;
    std::optional<NET_PACKET_CHECKSUM> checksum;  // absent when the extension is not registered
    std::optional<NET_PACKET_HASH> hash;
    std::optional<NET_PACKET_IEEE8021Q> ieee8021q;
};

using RxFrameHandler = std::function<void(RxFrame&&)>;

class RxQueue final : public PacketQueue {
public:
    /// Builds the queue, then calls the driver's create callback, which must call NetRxQueueCreate.
    static std::unique_ptr<RxQueue> create(RxQueueConfig const& config, DmaArena& arena, NETADAPTER adapter,
                                           PFN_NET_ADAPTER_CREATE_RXQUEUE create_rxqueue);
    ~RxQueue() override;

    void on_frame(RxFrameHandler handler) { frame_handler_ = std::move(handler); }

    RxQueueConfig const& config() const noexcept { return config_; }
    std::uint64_t frames_delivered() const noexcept { return frames_delivered_; }
    std::uint64_t packets_ignored() const noexcept { return packets_ignored_; }
    /// Fragments returned by the driver that no returned packet referenced (recycled unused).
    std::uint64_t fragments_recycled_unused() const noexcept { return fragments_recycled_unused_; }
    DmaBlock const& fragment_buffer(std::uint32_t index) const { return fragment_buffers_.at(index); }

private:
    RxQueue(RxQueueConfig const& config, DmaArena& arena);

    bool hand_over() override;
    void reclaim() override;

    RxFrame gather(std::uint32_t packet_index, NET_PACKET const& packet) const;

    RxQueueConfig config_;
    FragmentBuffers fragment_buffers_;
    RxFrameHandler frame_handler_;
    std::uint64_t frames_delivered_ = 0;
    std::uint64_t packets_ignored_ = 0;
    std::uint64_t fragments_recycled_unused_ = 0;

    NET_EXTENSION checksum_{};
    NET_EXTENSION hash_{};
    NET_EXTENSION ieee8021q_{};
};

}  // namespace ringlib::os
