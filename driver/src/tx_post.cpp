// TX post: give the OS's new packets to the hardware, one descriptor per fragment, and ring the
// doorbell once per batch.
//
// Packets that never reach the hardware (LSO requested, too many fragments, queue cancelled)
// are marked with the packet's Scratch bit, the one bit a TX driver may write, so the drain path
// returns them in ring order without waiting for a completion. Ignore packets need no mark.
#include "datapath.hpp"
#include "hw_registers.hpp"

#include <nicsim/driver/descriptors.hpp>

#include <algorithm>

namespace nicsim::driver::detail {

namespace c = nicsim::contract;

bool TxPacketGoesToHardware(NET_PACKET const* packet) noexcept {
    return !packet->Ignore && !packet->Scratch;
}

namespace {

bool TxPacketAsksForLso(TxState const& tx, UINT32 packet_index) {
    return tx.lso.Enabled && NetExtensionGetPacketLso(&tx.lso, packet_index)->TCP.Mss != 0;
}

bool TxPacketAsksForVlanInsertion(TxState const& tx, UINT32 packet_index) {
    return tx.ieee8021q.Enabled && NetExtensionGetPacketIeee8021Q(&tx.ieee8021q, packet_index)->TxTagging != 0;
}

// The most descriptors one packet may take: the contract's chain limit, and never more than the
// ring can hold at once (else the packet would wait for space forever).
std::uint32_t TxMaxDescriptorsPerPacket(HwRing const& ring) {
    return std::min<std::uint32_t>(static_cast<std::uint32_t>(c::MAX_TX_FRAGS), ring.space.capacity());
}

void TxMarkCompletedInSoftware(NET_PACKET* packet) {
    packet->Scratch = 1;
}

// The fragment ring's NextIndex follows the packets: past the last fragment of `packets`' packet.
void TxAdvanceFragmentNext(TxState& tx, NET_RING_PACKET_ITERATOR const* packets) {
    if (NetPacketIteratorGetPacket(packets)->FragmentCount == 0) {
        return;  // an empty packet's FragmentIndex means nothing
    }
    NET_RING_FRAGMENT_ITERATOR fragments = NetPacketIteratorGetFragments(packets);
    NetFragmentIteratorAdvanceToTheEnd(&fragments);
    NetRingCollectionGetFragmentRing(tx.rings)->NextIndex = NetFragmentIteratorGetIndex(&fragments);
}

}  // namespace

TxChain TxChainFor(TxState const& tx, NET_RING_PACKET_ITERATOR const* packets) {
    UINT32 const packet_index = NetPacketIteratorGetIndex(packets);
    NET_PACKET const* packet = NetPacketIteratorGetPacket(packets);
    NET_PACKET_CHECKSUM const* checksum =
        tx.checksum.Enabled ? NetExtensionGetPacketChecksum(&tx.checksum, packet_index) : nullptr;
    TxOffload const offload = tx_offload_for(*packet, checksum);

    TxChain chain;
    NET_RING_FRAGMENT_ITERATOR fragments = NetPacketIteratorGetFragments(packets);
    while (NetFragmentIteratorHasAny(&fragments)) {
        UINT32 const fragment_index = NetFragmentIteratorGetIndex(&fragments);
        NET_FRAGMENT const* fragment = NetFragmentIteratorGetFragment(&fragments);
        std::uint64_t const address =
            NetExtensionGetFragmentLogicalAddress(&tx.logical_address, fragment_index)->LogicalAddress +
            fragment->Offset;
        NetFragmentIteratorAdvance(&fragments);
        bool const last = !NetFragmentIteratorHasAny(&fragments);
        chain.descriptors[chain.count] = make_tx_descriptor(address, static_cast<std::uint32_t>(fragment->ValidLength),
                                                            last, chain.count == 0 ? &offload : nullptr);
        ++chain.count;
    }
    return chain;
}

void TxWriteChain(TxState& tx, TxChain const& chain) {
    HwRing& ring = tx.pair->tx;
    for (std::uint32_t i = 0; i < chain.count; ++i) {
        store_descriptor(tx.adapter->memory(), ring.descriptor_slot(ring.space.produce_index()), chain.descriptors[i]);
        ring.space.produce(1);
    }
}

void TxPostPackets(TxState& tx) {
    HwRing& ring = tx.pair->tx;
    QueueStats& stats = tx.pair->stats;
    std::uint32_t const max_descriptors = TxMaxDescriptorsPerPacket(ring);
    DatapathHooks* const hooks = HooksOf(*tx.adapter);
    bool posted = false;

    NET_RING_PACKET_ITERATOR packets = NetRingGetPostPackets(tx.rings);
    while (NetPacketIteratorHasAny(&packets)) {
        UINT32 const packet_index = NetPacketIteratorGetIndex(&packets);
        NET_PACKET* packet = NetPacketIteratorGetPacket(&packets);
        if (packet->Ignore) {
            // completes without hardware; the drain path returns it in order
        } else if (tx.cancelled) {
            TxMarkCompletedInSoftware(packet);
            ++stats.tx_cancelled;
        } else if (packet->FragmentCount == 0 || packet->FragmentCount > max_descriptors ||
                   TxPacketAsksForLso(tx, packet_index)) {
            // The NIC has no segmentation offload and no descriptor chains past MAX_TX_FRAGS.
            TxMarkCompletedInSoftware(packet);
            ++stats.tx_unsupported;
        } else {
            TxChain chain = TxChainFor(tx, &packets);
            if (hooks != nullptr && !hooks->tx_first_post(ring.queue, chain)) {
                break;  // held back by the installed hooks (datapath_hooks.hpp)
            }
            if (chain.count > ring.space.free()) {
                break;  // the hardware ring is full: the rest waits for completions
            }
            if (TxPacketAsksForVlanInsertion(tx, packet_index)) {
                ++stats.tx_vlan_not_inserted;  // no tag insertion offload: the frame goes as the OS built it
            }
            if (hooks != nullptr) {
                hooks->tx_first_posted(ring.queue, packet_index);
            }
            TxWriteChain(tx, chain);
            posted = true;
        }
        TxAdvanceFragmentNext(tx, &packets);
        NetPacketIteratorAdvance(&packets);
    }
    NetPacketIteratorSet(&packets);

    if (posted) {
        ring_doorbell(tx.adapter->bus(), tx.adapter->memory(), ring);
    }
}

}  // namespace nicsim::driver::detail
