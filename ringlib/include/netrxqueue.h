// The receive queue object: created by the driver from the OS's NETRXQUEUE_INIT, inside its
// EVT_NET_ADAPTER_CREATE_RXQUEUE callback. Implemented by ringlib's OS side.
#pragma once

#include <net/extension.h>
#include <net/ringcollection.h>
#include <netpacketqueue.h>

typedef struct _NETRXQUEUE_INIT NETRXQUEUE_INIT;

ULONG NetRxQueueInitGetQueueId(_In_ NETRXQUEUE_INIT* RxQueueInit);
NTSTATUS NetRxQueueCreate(_Inout_ NETRXQUEUE_INIT* RxQueueInit, _In_opt_ WDF_OBJECT_ATTRIBUTES* RxQueueAttributes,
                          _In_ NET_PACKET_QUEUE_CONFIG* Configuration, _Out_ NETPACKETQUEUE* RxQueue);
NET_RING_COLLECTION const* NetRxQueueGetRingCollection(_In_ NETPACKETQUEUE RxQueue);
void NetRxQueueGetExtension(_In_ NETPACKETQUEUE RxQueue, _In_ NET_EXTENSION_QUERY const* Query,
                            _Out_ NET_EXTENSION* Extension);
void NetRxQueueNotifyMoreReceivedPacketsAvailable(_In_ NETPACKETQUEUE RxQueue);
