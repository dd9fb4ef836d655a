// Error recovery: a ring in error (RING_ERR != ERR_NONE) is reset and its work posted again,
// without losing anything the OS still owns. It runs in the queue's Advance (so every ring change
// is under the verifier), after the ISR/DPC flagged the ring.
//
// Nothing is read before the ring is idle (RING_STATUS.IDLE, wait_for_ring_idle): then every
// completion the NIC will write is in host memory and RING_TAKEN says exactly how many packets it
// took since the ring's last reset, so the account below is exact, never a guess.
//
// TX, packet by packet:
//  - completions already written (host memory) are real: those packets return as sent;
//  - packets the NIC sent whose completion never landed (a completion write error: RING_TAKEN
//    minus the completions read) are the next in-flight ones: they return as sent, never posted
//    again (tx_sent_without_completion);
//  - after a descriptor error (zero length, too long, chain too long) posting the offending packet
//    again would fail again: it is returned unsent and counted (tx_dropped_by_error). The error
//    does not say which descriptor, and the engine aborts every packet not yet committed, so the
//    offender need not be the packet at RING_CONS: the driver reads its own descriptors from
//    RING_CONS on and takes the first chain that breaks the rule the error code names. After a
//    DMA error the packet at RING_CONS is posted again, unless the ring already failed
//    max_recoveries_without_progress times in a row (then it is returned unsent);
//  - every other packet in the drain section is posted again from descriptor 0 of the reset
//    ring, in order (tx_reposted). Post-section packets were never posted and just wait.
// RX, buffer by buffer:
//  - frames already completed are indicated as usual;
//  - frames the NIC took (RING_TAKEN) without a completion the driver could indicate (abandoned by
//    the reset or error, or completed while the OS had no packet to give) are lost to the reset and
//    counted exactly (rx_reset_drops);
//  - every buffer still in the fragment drain section is posted again from slot 0.
//    A ring that keeps failing without receiving anything is given up with a DriverError.
//
// A requested reset (Adapter::request_ring_reset: the OS's hang check, a test) takes the same path
// without an error to read: the ring is first disabled so that it fetches nothing new, then it
// sends (and completes) what it already fetched and goes idle; nothing is dropped or sent twice.
//
// Waiting is synchronous (MMIO reads inside Advance), as long as the NIC needs to drain the ring
// under the platform's back-pressure; a ring that never goes idle is a DriverError.
#include "datapath.hpp"
#include "hw_registers.hpp"

#include <fmt/format.h>

#include <span>

namespace nicsim::driver::detail {

namespace c = nicsim::contract;

namespace {

bool IsDescriptorError(c::err_e error) {
    return error == c::err_e::ERR_DESC_ZERO_LEN || error == c::err_e::ERR_DESC_LEN_OVER ||
           error == c::err_e::ERR_DESC_CHAIN_LONG;
}

// Reads RING_ERR and counts it; ERR_NONE means the flag was stale (e.g. a reset already cleared it).
c::err_e TakeRingError(Adapter& adapter, HwRing& ring, QueueStats& stats) {
    ring.error_pending = false;
    c::err_e const error = read_ring_error(adapter.bus(), ring);
    if (error != c::err_e::ERR_NONE) {
        ++(ring.direction == Direction::Tx ? stats.tx_errors : stats.rx_errors);
        ++stats.errors_by_code[static_cast<std::size_t>(error)];
        ++ring.recoveries_without_progress;
    }
    return error;
}

NET_PACKET* TxFirstInFlightPacket(TxState& tx) {
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx.rings);
    for (; NetPacketIteratorHasAny(&packets); NetPacketIteratorAdvance(&packets)) {
        NET_PACKET* packet = NetPacketIteratorGetPacket(&packets);
        if (TxPacketGoesToHardware(packet)) {
            return packet;
        }
    }
    return nullptr;
}

// The k-th packet of the drain section that went to hardware.
NET_PACKET* TxInFlightPacket(TxState& tx, std::uint32_t k) {
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx.rings);
    for (; NetPacketIteratorHasAny(&packets); NetPacketIteratorAdvance(&packets)) {
        NET_PACKET* packet = NetPacketIteratorGetPacket(&packets);
        if (TxPacketGoesToHardware(packet) && k-- == 0) {
            return packet;
        }
    }
    return nullptr;
}

// The in-flight packet whose descriptors (as the driver wrote them, from the consume index on)
// break the rule `error` names; nullptr if none does.
NET_PACKET* TxPacketNamedByDescriptorError(TxState& tx, c::err_e error) {
    HwRing const& ring = tx.pair->tx;
    std::uint32_t index = ring.space.consume_index();
    std::uint32_t const end = ring.space.produce_index();
    for (std::uint32_t k = 0; index != end; ++k) {
        std::uint32_t count = 0;
        std::uint64_t total = 0;
        bool broken = false;
        while (index != end) {
            auto const* raw = static_cast<std::uint8_t const*>(ring.descriptor_slot(index));
            auto const d = c::tx_desc_t::decode(std::span<std::uint8_t const, c::DESC_BYTES>(raw, c::DESC_BYTES));
            index = ring.space.index_after(index, 1);
            ++count;
            total += d.len;
            broken = broken || (error == c::err_e::ERR_DESC_ZERO_LEN && d.len == 0) ||
                     (error == c::err_e::ERR_DESC_LEN_OVER && total > static_cast<std::uint64_t>(c::MAX_FRAME_BYTES));
            if (d.eop) {
                break;
            }
            if (count == static_cast<std::uint32_t>(c::MAX_TX_FRAGS)) {
                broken = broken || error == c::err_e::ERR_DESC_CHAIN_LONG;
                break;
            }
        }
        if (broken) {
            return TxInFlightPacket(tx, k);
        }
    }
    return nullptr;
}

bool TxRepostInFlightPackets(TxState& tx) {
    DatapathHooks* const hooks = HooksOf(*tx.adapter);
    bool posted = false;
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx.rings);
    for (; NetPacketIteratorHasAny(&packets); NetPacketIteratorAdvance(&packets)) {
        if (TxPacketGoesToHardware(NetPacketIteratorGetPacket(&packets))) {
            TxChain chain = TxChainFor(tx, &packets);
            if (hooks != nullptr) {
                hooks->tx_repost(tx.pair->index, NetPacketIteratorGetIndex(&packets), chain);
            }
            TxWriteChain(tx, chain);
            ++tx.pair->stats.tx_reposted;
            posted = true;
        }
    }
    return posted;
}

bool RxRepostOwnedBuffers(RxState& rx) {
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

void TxReturnFinishedPackets(TxState& tx) {
    Adapter& adapter = *tx.adapter;
    HwRing& ring = tx.pair->tx;
    wait_for_ring_idle(adapter.bus(), ring, adapter.config());
    TxCompletePackets(tx);
    if (ring.space.outstanding() == 0) {
        return;  // every packet given to the ring came back with its completion
    }
    std::uint32_t const taken = read_ring_taken(adapter.bus(), ring);
    TxCompleteSentWithoutCompletion(tx, taken - ring.completions_since_reset);
}

void RxCountFramesNotIndicated(RxState& rx, std::uint64_t& counter) {
    HwRing const& ring = rx.pair->rx;
    std::uint32_t const taken = read_ring_taken(rx.adapter->bus(), ring);
    counter += static_cast<std::uint32_t>(taken - ring.completions_since_reset);
}

void TxRecoverRing(TxState& tx) {
    Adapter& adapter = *tx.adapter;
    HwRing& ring = tx.pair->tx;
    c::err_e const error = TakeRingError(adapter, ring, tx.pair->stats);
    if (error == c::err_e::ERR_NONE) {
        return;
    }
    TxReturnFinishedPackets(tx);
    bool const giving_up_on_head = ring.recoveries_without_progress > adapter.config().max_recoveries_without_progress;
    NET_PACKET* culprit = nullptr;
    if (IsDescriptorError(error)) {
        culprit = TxPacketNamedByDescriptorError(tx, error);
    }
    if (culprit == nullptr && (IsDescriptorError(error) || giving_up_on_head)) {
        culprit = TxFirstInFlightPacket(tx);
    }
    if (culprit != nullptr) {
        culprit->Scratch = 1;  // returned unsent by the drain path
        ++tx.pair->stats.tx_dropped_by_error;
        ring.recoveries_without_progress = 0;
    }
    restart_ring(adapter.bus(), adapter.memory(), ring);
    if (TxRepostInFlightPackets(tx)) {
        ring_doorbell(adapter.bus(), adapter.memory(), ring);
    }
}

void RxRecoverRing(RxState& rx) {
    Adapter& adapter = *rx.adapter;
    HwRing& ring = rx.pair->rx;
    c::err_e const error = TakeRingError(adapter, ring, rx.pair->stats);
    if (error == c::err_e::ERR_NONE) {
        return;
    }
    if (ring.recoveries_without_progress > adapter.config().max_recoveries_without_progress) {
        throw DriverError(
            fmt::format("rx{}: the ring failed {} times in a row without receiving a frame (last error {}); "
                        "giving up",
                        ring.queue, ring.recoveries_without_progress, c::to_string(error)));
    }
    wait_for_ring_idle(adapter.bus(), ring, adapter.config());
    RxIndicateReceives(rx);
    RxCountFramesNotIndicated(rx, rx.pair->stats.rx_reset_drops);
    restart_ring(adapter.bus(), adapter.memory(), ring);
    if (RxRepostOwnedBuffers(rx)) {
        ring_doorbell(adapter.bus(), adapter.memory(), ring);
    }
}

void TxResetRing(TxState& tx) {
    Adapter& adapter = *tx.adapter;
    HwRing& ring = tx.pair->tx;
    ring.reset_requested = false;
    ++tx.pair->stats.tx_resets;
    disable_ring(adapter.bus(), ring);
    TxReturnFinishedPackets(tx);
    restart_ring(adapter.bus(), adapter.memory(), ring);
    ring.error_pending = false;  // the reset cleared any error too
    if (DatapathHooks* const hooks = HooksOf(adapter); hooks != nullptr) {
        hooks->tx_ring_fresh(ring.queue);
    }
    if (TxRepostInFlightPackets(tx)) {
        ring_doorbell(adapter.bus(), adapter.memory(), ring);
    }
}

void RxResetRing(RxState& rx) {
    Adapter& adapter = *rx.adapter;
    HwRing& ring = rx.pair->rx;
    ring.reset_requested = false;
    ++rx.pair->stats.rx_resets;
    disable_ring(adapter.bus(), ring);
    wait_for_ring_idle(adapter.bus(), ring, adapter.config());
    RxIndicateReceives(rx);
    RxCountFramesNotIndicated(rx, rx.pair->stats.rx_reset_drops);
    restart_ring(adapter.bus(), adapter.memory(), ring);
    ring.error_pending = false;
    if (RxRepostOwnedBuffers(rx)) {
        ring_doorbell(adapter.bus(), adapter.memory(), ring);
    }
}

}  // namespace nicsim::driver::detail
