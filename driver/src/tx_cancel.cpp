// TX cancel: stop the hardware queue and let the drain path return everything.
//
// Who returns what, so that nothing is lost or returned twice:
//  1. The ring is disabled (no new descriptor fetches) and the driver waits until it is idle: the
//     NIC sends and completes what it had already fetched.
//  2. Completions already in host memory are real: TxCompletePackets returns those packets as
//     sent, exactly as in any Advance; so are packets the NIC sent whose completion was lost
//     (RING_TAKEN, after a completion write error).
//  3. Every packet still in the drain section was given to hardware that will now never complete
//     it: it is marked (Scratch) and counted as cancelled. The ring is reset, and the driver
//     switches completion rings, so a completion still in flight cannot be read later.
//  4. Packets still in the post section were never given to hardware: TxPostPackets marks them on
//     the next Advance (the queue is cancelled), moving NextIndex past them.
//  5. Each following Advance's drain returns the marked packets in order, with their fragments.
#include "datapath.hpp"
#include "hw_registers.hpp"

namespace nicsim::driver::detail {

void TxAbandonInFlightPackets(TxState& tx) {
    // Walks the drain section without Set: marking is not returning.
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx.rings);
    while (NetPacketIteratorHasAny(&packets)) {
        NET_PACKET* packet = NetPacketIteratorGetPacket(&packets);
        if (TxPacketGoesToHardware(packet)) {
            packet->Scratch = 1;
            ++tx.pair->stats.tx_cancelled;
        }
        NetPacketIteratorAdvance(&packets);
    }
}

void EvtTxCancel(NETPACKETQUEUE queue) {
    TxState& tx = *GetNicTxQueueContext(queue)->tx;
    HwRing& ring = tx.pair->tx;
    RegisterBus& bus = tx.adapter->bus();
    tx.cancelled = true;

    disable_ring(bus, ring);
    TxReturnFinishedPackets(tx);
    TxAbandonInFlightPackets(tx);
    reset_ring(bus, ring);
    ring.forget_software_state(tx.adapter->memory());
    ring.error_pending = false;  // the reset cleared any error too
}

}  // namespace nicsim::driver::detail
