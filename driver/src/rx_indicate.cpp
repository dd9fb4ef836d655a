// RX indicate: turn completions (read from host memory by phase bit) into packets.
//
// One completion per frame; a frame fills consecutive buffers from the oldest posted one
// (first_buf must be the driver's consume index). Good frames take the next packet slot of the
// "all" range and their buffers from the fragment drain range; bad, truncated and runt frames
// give their buffers back without a packet. Both rings' BeginIndex move once, at the end.
#include "datapath.hpp"

#include <nicsim/driver/descriptors.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace nicsim::driver::detail {

namespace c = nicsim::contract;

namespace {

void RxCheckCompletionMatchesRing(RxState const& rx, c::rx_cpl_t const& completion,
                                  NET_RING_FRAGMENT_ITERATOR const* fragments) {
    HwRing const& ring = rx.pair->rx;
    if (completion.first_buf != ring.space.consume_index() || completion.buf_count == 0 ||
        completion.buf_count > NetFragmentIteratorGetCount(fragments) ||
        completion.buf_count > ring.space.outstanding()) {
        throw DriverError(
            fmt::format("rx{}: completion {} says buffers {}..+{}, but the driver expects the next frame "
                        "at buffer {} with {} buffer(s) posted",
                        ring.queue, ring.completion_head, completion.first_buf, completion.buf_count,
                        ring.space.consume_index(), ring.space.outstanding()));
    }
}

// Writes each buffer's ValidLength and Offset: buffers fill to their posted capacity in order.
void RxDescribeFragments(RxState& rx, c::rx_cpl_t const& completion, NET_RING_FRAGMENT_ITERATOR* fragments) {
    HwRing const& ring = rx.pair->rx;
    std::uint32_t remaining = completion.len;
    for (std::uint32_t i = 0; i < completion.buf_count; ++i) {
        RxSlot const& slot = rx.slots[ring.space.index_after(ring.space.consume_index(), i)];
        NET_FRAGMENT* fragment = NetFragmentIteratorGetFragment(fragments);
        std::uint32_t const length = std::min(remaining, slot.usable_bytes);
        fragment->Offset = slot.offset_bytes;
        fragment->ValidLength = length;
        remaining -= length;
        NetFragmentIteratorAdvance(fragments);
    }
}

void RxDescribePacket(RxState& rx, c::rx_cpl_t const& completion, NET_RING_PACKET_ITERATOR const* packets,
                      UINT32 first_fragment) {
    UINT32 const packet_index = NetPacketIteratorGetIndex(packets);
    NET_PACKET* packet = NetPacketIteratorGetPacket(packets);
    packet->FragmentIndex = first_fragment;
    packet->FragmentCount = completion.buf_count;
    if (DatapathHooks* const hooks = HooksOf(*rx.adapter);
        hooks == nullptr || hooks->rx_writes_layout(rx.pair->index)) {
        packet->Layout = rx_layout_from(completion);
    }
    if (rx.checksum.Enabled) {
        *NetExtensionGetPacketChecksum(&rx.checksum, packet_index) = rx_checksum_from(completion);
    }
    if (rx.hash.Enabled) {
        *NetExtensionGetPacketHash(&rx.hash, packet_index) = rx_hash_from(completion);
    }
    if (rx.ieee8021q.Enabled) {
        // The NIC does not strip tags: the tag stays in the frame (Layer2HeaderLength covers it).
        *NetExtensionGetPacketIeee8021Q(&rx.ieee8021q, packet_index) = NET_PACKET_IEEE8021Q{};
    }
}

void RxCountDroppedFrame(QueueStats& stats, c::cpl_status_e status) {
    if (status == c::cpl_status_e::CPL_TRUNCATED) {
        ++stats.rx_truncated;
    } else {
        ++stats.rx_bad_frames;
    }
}

}  // namespace

void RxIndicateReceives(RxState& rx) {
    HwRing& ring = rx.pair->rx;
    QueueStats& stats = rx.pair->stats;
    DatapathHooks* const hooks = HooksOf(*rx.adapter);
    NET_RING_PACKET_ITERATOR packets = NetRingGetAllPackets(rx.rings);
    NET_RING_FRAGMENT_ITERATOR fragments = NetRingGetDrainFragments(rx.rings);
    while (true) {
        auto const completion = read_rx_completion(rx.adapter->memory(), ring.completion_slot(), ring.completion_phase);
        if (!completion) {
            break;
        }
        RxCheckCompletionMatchesRing(rx, *completion, &fragments);
        bool const runt = completion->status == c::cpl_status_e::CPL_OK && completion->len < kMinRxFrameBytes;
        bool const good = completion->status == c::cpl_status_e::CPL_OK && !runt;
        if (good && hooks != nullptr && hooks->rx_drops_good_frame(ring.queue, NetPacketIteratorHasAny(&packets))) {
            for (std::uint32_t i = 0; i < completion->buf_count; ++i) {
                NetFragmentIteratorAdvance(&fragments);  // the buffers go back, the frame is not indicated
            }
        } else if (good) {
            if (!NetPacketIteratorHasAny(&packets)) {
                break;  // no packet slot left: the frame waits for the OS to give some back
            }
            UINT32 const first_fragment = NetFragmentIteratorGetIndex(&fragments);
            RxDescribeFragments(rx, *completion, &fragments);
            RxDescribePacket(rx, *completion, &packets, first_fragment);
            NetPacketIteratorAdvance(&packets);
            ++stats.rx_packets;
            stats.rx_bytes += completion->len;
        } else {
            for (std::uint32_t i = 0; i < completion->buf_count; ++i) {
                NetFragmentIteratorAdvance(&fragments);
            }
            if (runt) {
                ++stats.rx_runts;
            } else {
                RxCountDroppedFrame(stats, completion->status);
            }
        }
        ring.advance_completion_head();
        ++ring.completions_since_reset;
        ring.space.consume(completion->buf_count);
        ring.recoveries_without_progress = 0;
    }
    NetPacketIteratorSet(&packets);
    NetFragmentIteratorSet(&fragments);
}

}  // namespace nicsim::driver::detail
