#include <ringlib/os/errors.hpp>
#include <ringlib/os/frame_layout.hpp>
#include <ringlib/os/tx_queue.hpp>

#include "queue_init.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace ringlib::os {

namespace {

std::vector<ExtensionDeclaration> tx_packet_extensions(TxExtensionSet const& set) {
    std::vector<ExtensionDeclaration> declarations;
    if (set.checksum) declarations.push_back(extension::packet_checksum);
    if (set.lso) declarations.push_back(extension::packet_lso);
    if (set.ieee8021q) declarations.push_back(extension::packet_ieee8021q);
    return declarations;
}

TxQueueConfig const& validated(TxQueueConfig const& config) {
    validate_ring_size(config.name, "packet ring size", config.packet_ring_size);
    validate_ring_size(config.name, "fragment ring size", config.fragment_ring_size);
    if (config.max_fragments_per_packet == 0 || config.max_fragments_per_packet > UINT16_MAX) {
        throw QueueCreationError(fmt::format("{}: max fragments per packet must be 1..65535, got {}", config.name,
                                             config.max_fragments_per_packet));
    }
    if (config.fragment_buffer_bytes == 0 || config.fragment_buffer_bytes >= (1U << 26)) {
        throw QueueCreationError(
            fmt::format("{}: fragment buffer size must be 1..2^26-1 bytes (NET_FRAGMENT "
                        "Capacity is 26 bits), got {}",
                        config.name, config.fragment_buffer_bytes));
    }
    return config;
}

std::uint32_t free_slots(NET_RING const* ring) noexcept {
    // [EndIndex, OSReserved0 - 1): the OS always keeps one slot empty.
    return NetRingGetRangeCount(ring, ring->EndIndex, NetRingAdvanceIndex(ring, ring->OSReserved0, -1));
}

}  // namespace

TxQueue::TxQueue(TxQueueConfig const& config, DmaArena& arena)
    : PacketQueue(
          QueueKind::Tx, validated(config).queue_id, config.name, config.options, config.packet_ring_size,
          RingLayout(sizeof(NET_PACKET), alignof(NET_PACKET), tx_packet_extensions(config.extensions)),
          config.fragment_ring_size,
          RingLayout(sizeof(NET_FRAGMENT), alignof(NET_FRAGMENT),
                     fragment_extensions(config.extensions.virtual_address, config.extensions.logical_address))),
      config_(config),
      fragment_buffers_(arena, config.name, "fragment buffers", config.fragment_ring_size, config.fragment_buffer_bytes,
                        64),
      packet_records_(config.packet_ring_size) {
    NET_RING const* packets = packet_ring_.get();
    checksum_ = make_extension(packets, extension_offset(extension::packet_checksum));
    lso_ = make_extension(packets, extension_offset(extension::packet_lso));
    ieee8021q_ = make_extension(packets, extension_offset(extension::packet_ieee8021q));
}

TxQueue::~TxQueue() = default;

std::unique_ptr<TxQueue> TxQueue::create(TxQueueConfig const& config, DmaArena& arena, NETADAPTER adapter,
                                         PFN_NET_ADAPTER_CREATE_TXQUEUE create_txqueue) {
    std::unique_ptr<TxQueue> queue(new TxQueue(config, arena));
    run_create_callback<NETTXQUEUE_INIT>(*queue, adapter, create_txqueue, "EVT_NET_ADAPTER_CREATE_TXQUEUE",
                                         "NetTxQueueCreate");
    return queue;
}

std::uint32_t TxQueue::fragments_needed(std::size_t frame_bytes) const noexcept {
    if (frame_bytes == 0) {
        return 0;
    }
    std::size_t const needed = (frame_bytes + config_.fragment_buffer_bytes - 1) / config_.fragment_buffer_bytes;
    std::size_t const limit = std::min<std::size_t>(config_.max_fragments_per_packet, config_.fragment_ring_size - 1);
    return needed <= limit ? static_cast<std::uint32_t>(needed) : 0;
}

std::uint64_t TxQueue::submit(std::span<std::uint8_t const> frame, TxFrameMetadata const& metadata) {
    if (state() == QueueState::Stopping || state() == QueueState::Stopped) {
        throw QueueStateError(fmt::format("{}: submit() after stop(): the queue is {}", name(), to_string(state())));
    }
    std::uint64_t const id = next_frame_id_++;
    waiting_.push_back(WaitingFrame{id, std::vector<std::uint8_t>(frame.begin(), frame.end()), metadata});
    request_os_wake();
    return id;
}

std::size_t TxQueue::frames_in_flight() const noexcept {
    return NetRingGetRangeCount(packet_ring_.get(), packet_ring_->OSReserved0, packet_ring_->EndIndex);
}

bool TxQueue::hand_over() {
    if (stopping()) {
        return false;
    }
    NET_RING* const packets = packet_ring_.get();
    NET_RING* const fragments = fragment_ring_.get();
    std::uint32_t packet_end = packets->EndIndex;
    std::uint32_t fragment_end = fragments->EndIndex;
    std::uint32_t packets_free = free_slots(packets);
    std::uint32_t fragments_free = free_slots(fragments);
    bool handed_any = false;

    while (!waiting_.empty() && packets_free != 0) {
        WaitingFrame const& frame = waiting_.front();
        std::uint32_t const count = frame.metadata.force_ignore ? 0 : fragments_needed(frame.bytes.size());
        if (count > fragments_free) {
            break;  // in order: later frames wait behind this one
        }
        fill_packet(packet_end, fragment_end, count, frame);
        packet_end = NetRingIncrementIndex(packets, packet_end);
        fragment_end = NetRingAdvanceIndex(fragments, fragment_end, static_cast<INT32>(count));
        --packets_free;
        fragments_free -= count;
        waiting_.pop_front();
        handed_any = true;
    }
    if (handed_any) {
        hand_over_range(NetRingTypeFragment, fragment_end);
        hand_over_range(NetRingTypePacket, packet_end);
    }
    return handed_any;
}

void TxQueue::fill_packet(std::uint32_t packet_index, std::uint32_t fragment_index, std::uint32_t fragment_count,
                          WaitingFrame const& frame) {
    NET_RING* const fragments = fragment_ring_.get();
    NET_PACKET* const packet = NetRingGetPacketAtIndex(packet_ring_.get(), packet_index);
    packet_records_[packet_index] = SlotRecord{frame.id, fragment_count == 0};
    packet->FragmentIndex = fragment_index;
    packet->FragmentCount = static_cast<UINT16>(fragment_count);
    if (fragment_count == 0) {
        packet->Ignore = 1;
        return;
    }
    packet->Layout = parse_frame_layout(frame.bytes);

    std::size_t copied = 0;
    std::uint32_t index = fragment_index;
    for (std::uint32_t i = 0; i < fragment_count; ++i) {
        DmaBlock const& buffer = fragment_buffers_[index];
        std::size_t const chunk = std::min<std::size_t>(config_.fragment_buffer_bytes, frame.bytes.size() - copied);
        if (config_.store_frame_bytes) {
            config_.store_frame_bytes(buffer.virtual_address, frame.bytes.data() + copied, chunk);
        } else {
            std::memcpy(buffer.virtual_address, frame.bytes.data() + copied, chunk);
        }
        copied += chunk;
        NET_FRAGMENT* const fragment = NetRingGetFragmentAtIndex(fragments, index);
        fragment->ValidLength = chunk;
        fragment->Capacity = config_.fragment_buffer_bytes;
        fragment->Offset = 0;
        set_fragment_addresses(index, buffer);
        index = NetRingIncrementIndex(fragments, index);
    }

    TxFrameMetadata const& metadata = frame.metadata;
    if (checksum_.Enabled) {
        NET_PACKET_CHECKSUM* const checksum = NetExtensionGetPacketChecksum(&checksum_, packet_index);
        checksum->Layer3 =
            metadata.ipv4_header_checksum ? NetPacketTxChecksumActionRequired : NetPacketTxChecksumActionPassthrough;
        checksum->Layer4 =
            metadata.tcp_udp_checksum ? NetPacketTxChecksumActionRequired : NetPacketTxChecksumActionPassthrough;
    }
    if (lso_.Enabled) {
        NetExtensionGetPacketLso(&lso_, packet_index)->TCP.Mss = metadata.lso_mss;
    }
    if (ieee8021q_.Enabled) {
        NET_PACKET_IEEE8021Q* const tag = NetExtensionGetPacketIeee8021Q(&ieee8021q_, packet_index);
        tag->PriorityCodePoint = metadata.priority_code_point;
        tag->VlanIdentifier = metadata.vlan_id;
        tag->TxTagging = metadata.ieee8021q_tagging;
    }
}

void TxQueue::complete(std::uint64_t frame_id, TxCompletionStatus status) {
    ++frames_completed_;
    if (completion_handler_) {
        completion_handler_(TxCompletion{frame_id, status});
    }
}

void TxQueue::reclaim() {
    NET_RING* const packets = packet_ring_.get();
    for (std::uint32_t index = packets->OSReserved0; index != packets->BeginIndex;
         index = NetRingIncrementIndex(packets, index)) {
        SlotRecord const record = packet_records_[index];
        packet_records_[index] = SlotRecord{};
        complete(record.frame_id, record.ignored ? TxCompletionStatus::Ignored : TxCompletionStatus::Sent);
    }
    zero_returned(packets);
    zero_returned(fragment_ring_.get());
}

void TxQueue::check_progress(bool made_progress) {
    NET_RING const* packets = packet_ring_.get();
    NET_RING const* fragments = fragment_ring_.get();
    bool const orphaned_fragments =
        packets->BeginIndex == packets->EndIndex && fragments->BeginIndex != fragments->EndIndex;
    bool waiting_for_fragments = stopping();
    if (!waiting_.empty() && !waiting_.front().metadata.force_ignore) {
        waiting_for_fragments =
            waiting_for_fragments || fragments_needed(waiting_.front().bytes.size()) > free_slots(fragments);
    }
    if (made_progress || !orphaned_fragments || !waiting_for_fragments) {
        polls_without_progress_while_orphaned_ = 0;
        return;
    }
    if (++polls_without_progress_while_orphaned_ >= config_.options.stall_detection_polls) {
        throw_stall();
    }
}

void TxQueue::throw_stall() const {
    NET_RING const* packets = packet_ring_.get();
    NET_RING const* fragments = fragment_ring_.get();
    std::string const waiting =
        stopping()
            ? std::string("the queue is stopping and cannot finish")
            : fmt::format("{} frames wait for fragment space (the next needs {} fragments, {} are free)",
                          waiting_.size(), fragments_needed(waiting_.front().bytes.size()), free_slots(fragments));
    throw QueueStall(fmt::format(
        "{}: TX stall: the driver owns no packets (packet ring BeginIndex={} == EndIndex={}) but still owns {} "
        "fragments (fragment ring BeginIndex={}, EndIndex={}), and {}. The driver returned packets without "
        "advancing the fragment ring's BeginIndex past their fragments. Packet ring {}; fragment ring {}",
        name(), packets->BeginIndex, packets->EndIndex,
        NetRingGetRangeCount(fragments, fragments->BeginIndex, fragments->EndIndex), fragments->BeginIndex,
        fragments->EndIndex, waiting, describe_ring(*packets), describe_ring(*fragments)));
}

void TxQueue::on_stopped() {
    while (!waiting_.empty()) {
        std::uint64_t const id = waiting_.front().id;
        waiting_.pop_front();
        complete(id, TxCompletionStatus::Cancelled);
    }
}

}  // namespace ringlib::os

// ---- nettxqueue.h ------------------------------------------------------------------------------

using ringlib::QueueKind;
using ringlib::os::PacketQueue;

ULONG NetTxQueueInitGetQueueId(NETTXQUEUE_INIT* TxQueueInit) {
    NT_ASSERT(TxQueueInit != nullptr && TxQueueInit->queue != nullptr);
    return TxQueueInit->queue->queue_id();
}

NTSTATUS NetTxQueueCreate(NETTXQUEUE_INIT* TxQueueInit, WDF_OBJECT_ATTRIBUTES* TxQueueAttributes,
                          NET_PACKET_QUEUE_CONFIG* Configuration, NETPACKETQUEUE* TxQueue) {
    return ringlib::os::attach_driver_from(TxQueueInit, TxQueueAttributes, Configuration, TxQueue);
}

NET_RING_COLLECTION const* NetTxQueueGetRingCollection(NETPACKETQUEUE TxQueue) {
    return PacketQueue::from_handle(TxQueue, QueueKind::Tx, "NetTxQueueGetRingCollection").rings();
}

void NetTxQueueGetExtension(NETPACKETQUEUE TxQueue, NET_EXTENSION_QUERY const* Query, NET_EXTENSION* Extension) {
    NT_ASSERT(Extension != nullptr);
    *Extension = PacketQueue::from_handle(TxQueue, QueueKind::Tx, "NetTxQueueGetExtension").get_extension(Query);
}

void NetTxQueueNotifyMoreCompletedPacketsAvailable(NETPACKETQUEUE TxQueue) {
    PacketQueue::from_handle(TxQueue, QueueKind::Tx, "NetTxQueueNotifyMoreCompletedPacketsAvailable").notify_more();
}
