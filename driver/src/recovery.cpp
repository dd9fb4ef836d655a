// Error recovery: a ring in error (RING_ERR != ERR_NONE) is reset and its work posted again,
// without losing anything the OS still owns. It runs in the queue's Advance (so every ring change
// is under the verifier), after the ISR/DPC flagged the ring.
//
// TX, packet by packet:
//  - completions already written (host memory) are real: those packets return as sent;
//  - the packet at the hardware's consumer index is the one the error stopped. After a descriptor
//    error (zero length, too long, chain too long) posting it again would fail again: it is
//    returned unsent and counted (tx_dropped_by_error). After a DMA error it is posted again,
//    unless the ring already failed max_recoveries_without_progress times in a row;
//  - every other packet in the drain section is posted again from descriptor 0 of the reset
//    ring, in order (tx_reposted). Post-section packets were never posted and just wait.
// RX, buffer by buffer:
//  - frames already completed are indicated as usual;
//  - every buffer still in the fragment drain section is posted again from slot 0 (the frame
//    that was being received when the ring failed is lost on the wire side, as on real hardware).
//    A ring that keeps failing without receiving anything is given up with a DriverError.
//
// Known limit: the contract has no "ring idle" status, so the driver waits until RING_CONS stops
// moving (wait_for_ring_quiet). A packet the TX engine commits after that wait would go out
// twice (its old completion lands in the completion ring the driver no longer reads).
#include "datapath.hpp"
#include "hw_registers.hpp"

#include <fmt/format.h>

namespace nicsim::driver::detail {

namespace c = nicsim::contract;

namespace {

bool IsDescriptorError(c::err_e error)
{
    return error == c::err_e::ERR_DESC_ZERO_LEN || error == c::err_e::ERR_DESC_LEN_OVER ||
           error == c::err_e::ERR_DESC_CHAIN_LONG;
}

// Reads RING_ERR and counts it; ERR_NONE means the flag was stale (e.g. a reset already cleared it).
c::err_e TakeRingError(Adapter& adapter, HwRing& ring, QueueStats& stats)
{
    ring.error_pending = false;
    c::err_e const error = read_ring_error(adapter.bus(), ring);
    if (error != c::err_e::ERR_NONE) {
        ++(ring.direction == Direction::Tx ? stats.tx_errors : stats.rx_errors);
        ++stats.errors_by_code[static_cast<std::size_t>(error)];
        ++ring.recoveries_without_progress;
    }
    return error;
}

NET_PACKET* TxFirstInFlightPacket(TxState& tx)
{
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx.rings);
    for (; NetPacketIteratorHasAny(&packets); NetPacketIteratorAdvance(&packets)) {
        NET_PACKET* packet = NetPacketIteratorGetPacket(&packets);
        if (TxPacketGoesToHardware(packet)) {
            return packet;
        }
    }
    return nullptr;
}

bool TxRepostInFlightPackets(TxState& tx)
{
    bool posted = false;
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx.rings);
    for (; NetPacketIteratorHasAny(&packets); NetPacketIteratorAdvance(&packets)) {
        if (TxPacketGoesToHardware(NetPacketIteratorGetPacket(&packets))) {
            TxPostPacketDescriptors(tx, &packets);
            ++tx.pair->stats.tx_reposted;
            posted = true;
        }
    }
    return posted;
}

bool RxRepostOwnedBuffers(RxState& rx)
{
    bool posted = false;
    NET_RING_FRAGMENT_ITERATOR fragments = NetRingGetDrainFragments(rx.rings);
    for (; NetFragmentIteratorHasAny(&fragments); NetFragmentIteratorAdvance(&fragments)) {
        UINT32 const index = NetFragmentIteratorGetIndex(&fragments);
        RxPostBuffer(rx, NetExtensionGetFragmentLogicalAddress(&rx.logical_address, index)->LogicalAddress,
                     NetFragmentIteratorGetFragment(&fragments));
        ++rx.pair->stats.rx_buffers_reposted;
        posted = true;
    }
    return posted;
}

}  // namespace

void TxRecoverRing(TxState& tx)
{
    Adapter& adapter = *tx.adapter;
    HwRing& ring = tx.pair->tx;
    c::err_e const error = TakeRingError(adapter, ring, tx.pair->stats);
    if (error == c::err_e::ERR_NONE) {
        return;
    }
    wait_for_ring_quiet(adapter.bus(), ring, adapter.config());
    TxCompletePackets(tx);
    bool const giving_up_on_head = ring.recoveries_without_progress > adapter.config().max_recoveries_without_progress;
    if (NET_PACKET* head = TxFirstInFlightPacket(tx); head != nullptr && (IsDescriptorError(error) || giving_up_on_head)) {
        head->Scratch = 1;  // returned unsent by the drain path
        ++tx.pair->stats.tx_dropped_by_error;
        ring.recoveries_without_progress = 0;
    }
    restart_ring(adapter.bus(), ring);
    if (TxRepostInFlightPackets(tx)) {
        ring_doorbell(adapter.bus(), ring);
    }
}

void RxRecoverRing(RxState& rx)
{
    Adapter& adapter = *rx.adapter;
    HwRing& ring = rx.pair->rx;
    c::err_e const error = TakeRingError(adapter, ring, rx.pair->stats);
    if (error == c::err_e::ERR_NONE) {
        return;
    }
    if (ring.recoveries_without_progress > adapter.config().max_recoveries_without_progress) {
        throw DriverError(fmt::format("rx{}: the ring failed {} times in a row without receiving a frame (last error {}); "
                                      "giving up",
                                      ring.queue, ring.recoveries_without_progress, c::to_string(error)));
    }
    wait_for_ring_quiet(adapter.bus(), ring, adapter.config());
    RxIndicateReceives(rx);
    restart_ring(adapter.bus(), ring);
    if (RxRepostOwnedBuffers(rx)) {
        ring_doorbell(adapter.bus(), ring);
    }
}

}  // namespace nicsim::driver::detail
