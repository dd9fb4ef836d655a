// The driver's datapath steps and queue callbacks, one small function per step, grouped in files
// named for the step: tx_post, tx_drain, tx_cancel, rx_post, rx_indicate, rx_cancel, recovery,
// interrupt, queue_create.
#pragma once

#include "queue_pair.hpp"

namespace nicsim::driver::detail {

// tx_post.cpp
bool TxPacketGoesToHardware(NET_PACKET const* packet) noexcept;
void TxPostPackets(TxState& tx);
/// Writes the packet's descriptors (malformed as `fault` says: fault injection).
std::uint32_t TxPostPacketDescriptors(TxState& tx, NET_RING_PACKET_ITERATOR const* packets,
                                      TxDescriptorFault fault = TxDescriptorFault::none);
// tx_drain.cpp
void TxCompletePackets(TxState& tx);
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
