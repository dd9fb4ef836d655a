// TX drain: return the packets the hardware finished, in ring order.
//
// Completions are read from host memory (phase bit), never through a register. A completion
// names the ring index of its packet's LAST descriptor, so it is matched against the oldest
// in-flight packet's last descriptor (consume index + FragmentCount - 1): a packet is only done
// when all its descriptors are, and only then is its descriptor space given back.
//
// After a ring stopped and went idle, RING_TAKEN may count packets the NIC sent whose completion
// never reached host memory (a failed completion write): they are the oldest in-flight packets
// after the completed ones (a ring sends in order), and they return as sent, never posted again.
#include "datapath.hpp"

#include <nicsim/driver/descriptors.hpp>

#include <fmt/format.h>

namespace nicsim::driver::detail {

namespace {

// Matches the completion at the head of the completion ring to `packet`; false if none yet.
bool TxTakeCompletion(TxState& tx, NET_PACKET const* packet) {
    HwRing& ring = tx.pair->tx;
    auto const completion = read_tx_completion(tx.adapter->memory(), ring.completion_slot(), ring.completion_phase);
    if (!completion) {
        return false;
    }
    std::uint32_t const expected_last = ring.space.index_after(ring.space.consume_index(), packet->FragmentCount - 1u);
    if (completion->last_desc != expected_last || completion->desc_count != packet->FragmentCount) {
        throw DriverError(
            fmt::format("tx{}: completion {} names descriptor {} ({} descriptors), but the oldest in-flight packet has "
                        "{} descriptors ending at {}",
                        ring.queue, ring.completion_head, completion->last_desc, completion->desc_count,
                        packet->FragmentCount, expected_last));
    }
    ring.advance_completion_head();
    ++ring.completions_since_reset;
    ring.space.consume(packet->FragmentCount);
    ring.recoveries_without_progress = 0;
    ++tx.pair->stats.tx_packets;
    tx.pair->stats.tx_bytes += completion->len;
    return true;
}

// The fragment ring's BeginIndex follows the returned packets, or the OS runs out of fragments.
void TxReturnFragments(TxState& tx, NET_RING_PACKET_ITERATOR const* packets) {
    DatapathHooks* const hooks = HooksOf(*tx.adapter);
    if (NetPacketIteratorGetPacket(packets)->FragmentCount == 0 ||
        (hooks != nullptr && !hooks->tx_returns_fragments(tx.pair->index))) {
        return;
    }
    NET_RING_FRAGMENT_ITERATOR fragments = NetPacketIteratorGetFragments(packets);
    NetFragmentIteratorAdvanceToTheEnd(&fragments);
    NetRingCollectionGetFragmentRing(tx.rings)->BeginIndex = NetFragmentIteratorGetIndex(&fragments);
}

}  // namespace

void TxCompletePackets(TxState& tx) {
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx.rings);
    while (NetPacketIteratorHasAny(&packets)) {
        NET_PACKET const* packet = NetPacketIteratorGetPacket(&packets);
        if (TxPacketGoesToHardware(packet)) {
            if (!TxTakeCompletion(tx, packet)) {
                break;  // completions come in order: nothing later is done either
            }
        } else if (packet->Ignore) {
            ++tx.pair->stats.tx_ignored;
        }
        TxReturnFragments(tx, &packets);
        NetPacketIteratorAdvance(&packets);
    }
    NetPacketIteratorSet(&packets);
}

void TxCompleteSentWithoutCompletion(TxState& tx, std::uint32_t sent_without_completion) {
    HwRing& ring = tx.pair->tx;
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx.rings);
    while (NetPacketIteratorHasAny(&packets)) {
        NET_PACKET const* packet = NetPacketIteratorGetPacket(&packets);
        if (TxPacketGoesToHardware(packet)) {
            if (sent_without_completion == 0) {
                break;
            }
            --sent_without_completion;
            ring.space.consume(packet->FragmentCount);
            ring.recoveries_without_progress = 0;
            ++tx.pair->stats.tx_sent_without_completion;
        } else if (packet->Ignore) {
            ++tx.pair->stats.tx_ignored;
        }
        TxReturnFragments(tx, &packets);
        NetPacketIteratorAdvance(&packets);
    }
    NetPacketIteratorSet(&packets);
    if (sent_without_completion != 0) {
        throw DriverError(fmt::format("tx{}: RING_TAKEN counts {} more sent packet(s) than the driver has in flight",
                                      ring.queue, sent_without_completion));
    }
}

}  // namespace nicsim::driver::detail
