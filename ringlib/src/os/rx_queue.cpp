#include <ringlib/os/errors.hpp>
#include <ringlib/os/rx_queue.hpp>

#include "queue_init.hpp"

#include <fmt/format.h>

#include <cstring>

namespace ringlib::os {

namespace {

std::vector<ExtensionDeclaration> rx_packet_extensions(RxExtensionSet const& set) {
    std::vector<ExtensionDeclaration> declarations;
    if (set.checksum) declarations.push_back(extension::packet_checksum);
    if (set.hash) declarations.push_back(extension::packet_hash);
    if (set.ieee8021q) declarations.push_back(extension::packet_ieee8021q);
    return declarations;
}

RxQueueConfig const& validated(RxQueueConfig const& config) {
    validate_ring_size(config.name, "packet ring size", config.packet_ring_size);
    validate_ring_size(config.name, "fragment ring size", config.fragment_ring_size);
    if (config.buffer_capacity_bytes == 0 || config.buffer_capacity_bytes >= (1U << 26)) {
        throw QueueCreationError(
            fmt::format("{}: buffer capacity must be 1..2^26-1 bytes (NET_FRAGMENT Capacity "
                        "is 26 bits), got {}",
                        config.name, config.buffer_capacity_bytes));
    }
    if (config.backfill_offset_bytes >= 1024 || config.backfill_offset_bytes >= config.buffer_capacity_bytes) {
        throw QueueCreationError(
            fmt::format("{}: backfill offset must be < 1024 (NET_FRAGMENT Offset is 10 bits) "
                        "and < buffer capacity {}, got {}",
                        config.name, config.buffer_capacity_bytes, config.backfill_offset_bytes));
    }
    if (config.buffer_alignment_bytes == 0 || (config.buffer_alignment_bytes & (config.buffer_alignment_bytes - 1))) {
        throw QueueCreationError(fmt::format("{}: buffer alignment must be a power of two, got {}", config.name,
                                             config.buffer_alignment_bytes));
    }
    return config;
}

}  // namespace

RxQueue::RxQueue(RxQueueConfig const& config, DmaArena& arena)
    : PacketQueue(
          QueueKind::Rx, validated(config).queue_id, config.name, config.options, config.packet_ring_size,
          RingLayout(sizeof(NET_PACKET), alignof(NET_PACKET), rx_packet_extensions(config.extensions)),
          config.fragment_ring_size,
          RingLayout(sizeof(NET_FRAGMENT), alignof(NET_FRAGMENT),
                     fragment_extensions(config.extensions.virtual_address, config.extensions.logical_address))),
      config_(config),
      fragment_buffers_(arena, config.name, "receive buffers", config.fragment_ring_size, config.buffer_capacity_bytes,
                        config.buffer_alignment_bytes) {
    NET_RING const* packets = packet_ring_.get();
    checksum_ = make_extension(packets, extension_offset(extension::packet_checksum));
    hash_ = make_extension(packets, extension_offset(extension::packet_hash));
    ieee8021q_ = make_extension(packets, extension_offset(extension::packet_ieee8021q));
}

RxQueue::~RxQueue() = default;

std::unique_ptr<RxQueue> RxQueue::create(RxQueueConfig const& config, DmaArena& arena, NETADAPTER adapter,
                                         PFN_NET_ADAPTER_CREATE_RXQUEUE create_rxqueue) {
    std::unique_ptr<RxQueue> queue(new RxQueue(config, arena));
    run_create_callback<NETRXQUEUE_INIT>(*queue, adapter, create_rxqueue, "EVT_NET_ADAPTER_CREATE_RXQUEUE",
                                         "NetRxQueueCreate");
    return queue;
}

bool RxQueue::hand_over() {
    if (stopping()) {
        return false;
    }
    NET_RING* const fragments = fragment_ring_.get();
    NET_RING* const packets = packet_ring_.get();
    // Everything up to one slot short of the lag index.
    std::uint32_t const fragment_limit = NetRingAdvanceIndex(fragments, fragments->OSReserved0, -1);
    std::uint32_t const packet_limit = NetRingAdvanceIndex(packets, packets->OSReserved0, -1);
    bool const moves = fragments->EndIndex != fragment_limit || packets->EndIndex != packet_limit;

    for (std::uint32_t index = fragments->EndIndex; index != fragment_limit;
         index = NetRingIncrementIndex(fragments, index)) {
        DmaBlock const& buffer = fragment_buffers_[index];
        NET_FRAGMENT* const fragment = NetRingGetFragmentAtIndex(fragments, index);
        fragment->ValidLength = 0;
        fragment->Capacity = config_.buffer_capacity_bytes;
        fragment->Offset = config_.backfill_offset_bytes;
        set_fragment_addresses(index, buffer);
    }
    hand_over_range(NetRingTypeFragment, fragment_limit);
    hand_over_range(NetRingTypePacket, packet_limit);  // empty slots (zeroed at reclaim)
    return moves;
}

RxFrame RxQueue::gather(std::uint32_t packet_index, NET_PACKET const& packet) const {
    NET_RING const* fragments = fragment_ring_.get();
    if (packet.FragmentCount == 0 || packet.FragmentCount >= fragments->NumberOfElements ||
        packet.FragmentIndex >= fragments->NumberOfElements) {
        throw QueueError(fmt::format(
            "{}: returned RX packet {} must own 1..{} fragments from a valid index, found "
            "FragmentIndex={} FragmentCount={}",
            name(), packet_index, fragments->NumberOfElements - 1, packet.FragmentIndex, packet.FragmentCount));
    }
    RxFrame frame;
    frame.layout = packet.Layout;
    frame.packet_index = packet_index;
    frame.fragment_count = packet.FragmentCount;
    std::uint32_t index = packet.FragmentIndex;
    for (std::uint32_t i = 0; i < packet.FragmentCount; ++i) {
        NET_FRAGMENT const* fragment = NetRingGetFragmentAtIndex(fragments, index);
        std::size_t const offset = fragment->Offset;
        std::size_t const length = fragment->ValidLength;
        // The OS reads its own buffer, so a driver that overstates a length cannot make it read
        // outside: it is reported instead (the verifier, when on, has already named the rule).
        if (offset + length > fragment_buffers_[index].size_bytes) {
            throw QueueError(
                fmt::format("{}: fragment {} of RX packet {}: expected Offset + ValidLength <= buffer "
                            "capacity {}, found Offset={} ValidLength={}",
                            name(), index, packet_index, fragment_buffers_[index].size_bytes, offset, length));
        }
        auto const* data = static_cast<std::uint8_t const*>(fragment_buffers_[index].virtual_address) + offset;
        frame.bytes.insert(frame.bytes.end(), data, data + length);
        index = NetRingIncrementIndex(fragments, index);
    }
    if (checksum_.Enabled) {
        frame.checksum = *NetExtensionGetPacketChecksum(&checksum_, packet_index);
    }
    if (hash_.Enabled) {
        frame.hash = *NetExtensionGetPacketHash(&hash_, packet_index);
    }
    if (ieee8021q_.Enabled) {
        frame.ieee8021q = *NetExtensionGetPacketIeee8021Q(&ieee8021q_, packet_index);
    }
    return frame;
}

void RxQueue::reclaim() {
    NET_RING* const packets = packet_ring_.get();
    NET_RING* const fragments = fragment_ring_.get();
    std::uint64_t fragments_in_packets = 0;
    for (std::uint32_t index = packets->OSReserved0; index != packets->BeginIndex;
         index = NetRingIncrementIndex(packets, index)) {
        NET_PACKET const* packet = NetRingGetPacketAtIndex(packets, index);
        if (packet->Ignore) {
            ++packets_ignored_;
            continue;
        }
        RxFrame frame = gather(index, *packet);
        fragments_in_packets += frame.fragment_count;
        ++frames_delivered_;
        if (frame_handler_) {
            frame_handler_(std::move(frame));
        }
    }
    std::uint64_t const fragments_returned =
        NetRingGetRangeCount(fragments, fragments->OSReserved0, fragments->BeginIndex);
    if (fragments_returned > fragments_in_packets) {
        fragments_recycled_unused_ += fragments_returned - fragments_in_packets;
    }
    zero_returned(packets);
    zero_returned(fragments);
}

}  // namespace ringlib::os

// ---- netrxqueue.h ------------------------------------------------------------------------------

using ringlib::QueueKind;
using ringlib::os::PacketQueue;

ULONG NetRxQueueInitGetQueueId(NETRXQUEUE_INIT* RxQueueInit) {
    NT_ASSERT(RxQueueInit != nullptr && RxQueueInit->queue != nullptr);
    return RxQueueInit->queue->queue_id();
}

NTSTATUS NetRxQueueCreate(NETRXQUEUE_INIT* RxQueueInit, WDF_OBJECT_ATTRIBUTES* RxQueueAttributes,
                          NET_PACKET_QUEUE_CONFIG* Configuration, NETPACKETQUEUE* RxQueue) {
    return ringlib::os::attach_driver_from(RxQueueInit, RxQueueAttributes, Configuration, RxQueue);
}

NET_RING_COLLECTION const* NetRxQueueGetRingCollection(NETPACKETQUEUE RxQueue) {
    return PacketQueue::from_handle(RxQueue, QueueKind::Rx, "NetRxQueueGetRingCollection").rings();
}

void NetRxQueueGetExtension(NETPACKETQUEUE RxQueue, NET_EXTENSION_QUERY const* Query, NET_EXTENSION* Extension) {
    NT_ASSERT(Extension != nullptr);
    *Extension = PacketQueue::from_handle(RxQueue, QueueKind::Rx, "NetRxQueueGetExtension").get_extension(Query);
}

void NetRxQueueNotifyMoreReceivedPacketsAvailable(NETPACKETQUEUE RxQueue) {
    PacketQueue::from_handle(RxQueue, QueueKind::Rx, "NetRxQueueNotifyMoreReceivedPacketsAvailable").notify_more();
}
