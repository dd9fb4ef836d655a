// The driver's datapath steps and queue callbacks, one small function per step, grouped in files
// named for the step: tx_post, tx_drain, tx_cancel, rx_post, rx_indicate, rx_cancel, recovery,
// interrupt, queue_create.
#pragma once

#include "datapath_hooks.hpp"
#include "queue_pair.hpp"

namespace nicsim::driver::detail {

// tx_post.cpp
bool TxPacketGoesToHardware(NET_PACKET const* packet) noexcept;
void TxPostPackets(TxState& tx);
/// The packet's descriptors (FragmentCount <= MAX_TX_FRAGS), not yet written.
TxChain TxChainFor(TxState const& tx, NET_RING_PACKET_ITERATOR const* packets);
/// Writes `chain` at the ring's produce index and accounts for its descriptors.
void TxWriteChain(TxState& tx, TxChain const& chain);
// tx_drain.cpp
void TxCompletePackets(TxState& tx);
/// Returns the next `sent_without_completion` in-flight packets as sent (ring idle, after
/// TxCompletePackets): the NIC sent them (RING_TAKEN) but their completion was lost.
void TxCompleteSentWithoutCompletion(TxState& tx, std::uint32_t sent_without_completion);
// tx_cancel.cpp
void TxAbandonInFlightPackets(TxState& tx);
EVT_PACKET_QUEUE_CANCEL EvtTxCancel;
// rx_post.cpp
void RxPostBuffers(RxState& rx);
void RxPostBuffer(RxState& rx, std::uint64_t logical_address, NET_FRAGMENT const* fragment);
// rx_indicate.cpp
void RxIndicateReceives(RxState& rx);
// rx_cancel.cpp
void RxReturnEverythingToOs(RxState& rx);
EVT_PACKET_QUEUE_CANCEL EvtRxCancel;
// recovery.cpp
/// Ring idle, after the last indicate: adds the frames the NIC took since the ring's last reset
/// that no completion the driver consumed accounts for (RING_TAKEN - completions) to `counter`.
void RxCountFramesNotIndicated(RxState& rx, std::uint64_t& counter);
/// Ring disabled or stopped: waits until it is idle, then returns what the NIC finished.
void TxReturnFinishedPackets(TxState& tx);
void TxRecoverRing(TxState& tx);
void RxRecoverRing(RxState& rx);
void TxResetRing(TxState& tx);
void RxResetRing(RxState& rx);
// interrupt.cpp
EVT_PACKET_QUEUE_SET_NOTIFICATION_ENABLED EvtTxSetNotificationEnabled;
EVT_PACKET_QUEUE_SET_NOTIFICATION_ENABLED EvtRxSetNotificationEnabled;
void UpdateInterruptArm(Adapter& adapter, QueuePair& pair);
// queue_create.cpp
EVT_PACKET_QUEUE_ADVANCE EvtTxAdvance;
EVT_PACKET_QUEUE_ADVANCE EvtRxAdvance;
EVT_PACKET_QUEUE_START EvtTxStart;
EVT_PACKET_QUEUE_START EvtRxStart;
EVT_PACKET_QUEUE_STOP EvtTxStop;
EVT_PACKET_QUEUE_STOP EvtRxStop;

}  // namespace nicsim::driver::detail
