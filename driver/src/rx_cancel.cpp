// RX cancel: stop the hardware queue, then give every packet and fragment back to the OS.
#include "datapath.hpp"
#include "hw_registers.hpp"

namespace nicsim::driver::detail {

// The original (2018) documented cancel idiom, written with that era's names on purpose:
// take the all-packets iterator (BeginIndex..EndIndex: everything the driver owns), mark every
// packet Ignore so the OS indicates none of them, jump to the end and Set (BeginIndex =
// EndIndex); then the same for fragments with the fragment twins. Frames the hardware completed
// but the driver had not indicated yet are dropped here: a cancelled queue indicates nothing.
void RxReturnEverythingToOs(RxState& rx) {
    NET_RING_PACKET_ITERATOR packets = NetRingGetAllPacketIterator(rx.rings);
    for (NET_RING_PACKET_ITERATOR marker = packets; NetRingIteratorAny(marker); NetRingAdvancePacketIterator(&marker)) {
        NetRingIteratorGetPacket(&marker)->Ignore = 1;
    }
    NetRingAdvanceEndPacketIterator(&packets);
    NetRingSetAllPacketIterator(&packets);

    NET_RING_FRAGMENT_ITERATOR fragments = NetRingGetAllFragmentIterator(rx.rings);
    NetRingAdvanceEndFragmentIterator(&fragments);
    NetRingSetAllFragmentIterator(&fragments);
}

void EvtRxCancel(NETPACKETQUEUE queue) {
    RxState& rx = *GetNicRxQueueContext(queue)->rx;
    HwRing& ring = rx.pair->rx;
    RegisterBus& bus = rx.adapter->bus();
    rx.cancelled = true;

    // Stop the hardware first: once the buffers are back with the OS, nothing may write them.
    // Every frame the NIC took and the driver did not indicate is dropped here, and counted.
    disable_ring(bus, ring);
    wait_for_ring_idle(bus, ring, rx.adapter->config());
    RxCountFramesNotIndicated(rx, rx.pair->stats.rx_cancel_drops);
    reset_ring(bus, ring);
    ring.forget_software_state(rx.adapter->memory());
    ring.error_pending = false;

    RxReturnEverythingToOs(rx);
}

}  // namespace nicsim::driver::detail
