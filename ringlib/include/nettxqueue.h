// The transmit queue object: created by the driver from the OS's NETTXQUEUE_INIT, inside its
// EVT_NET_ADAPTER_CREATE_TXQUEUE callback. Implemented by ringlib's OS side.
#pragma once

#include <net/extension.h>
#include <net/ringcollection.h>
#include <netpacketqueue.h>

typedef struct _NETTXQUEUE_INIT NETTXQUEUE_INIT;

ULONG NetTxQueueInitGetQueueId(_In_ NETTXQUEUE_INIT* TxQueueInit);
NTSTATUS NetTxQueueCreate(_Inout_ NETTXQUEUE_INIT* TxQueueInit, _In_opt_ WDF_OBJECT_ATTRIBUTES* TxQueueAttributes,
                          _In_ NET_PACKET_QUEUE_CONFIG* Configuration, _Out_ NETPACKETQUEUE* TxQueue);
NET_RING_COLLECTION const* NetTxQueueGetRingCollection(_In_ NETPACKETQUEUE TxQueue);
void NetTxQueueGetExtension(_In_ NETPACKETQUEUE TxQueue, _In_ NET_EXTENSION_QUERY const* Query,
                            _Out_ NET_EXTENSION* Extension);
void NetTxQueueNotifyMoreCompletedPacketsAvailable(_In_ NETPACKETQUEUE TxQueue);
