// The adapter-level callbacks through which the OS asks the driver to create its queues.
#pragma once

#include <netrxqueue.h>
#include <nettxqueue.h>

typedef struct NETADAPTER__* NETADAPTER;

typedef NTSTATUS EVT_NET_ADAPTER_CREATE_TXQUEUE(_In_ NETADAPTER Adapter, _Inout_ NETTXQUEUE_INIT* TxQueueInit);
typedef NTSTATUS EVT_NET_ADAPTER_CREATE_RXQUEUE(_In_ NETADAPTER Adapter, _Inout_ NETRXQUEUE_INIT* RxQueueInit);
typedef EVT_NET_ADAPTER_CREATE_TXQUEUE* PFN_NET_ADAPTER_CREATE_TXQUEUE;
typedef EVT_NET_ADAPTER_CREATE_RXQUEUE* PFN_NET_ADAPTER_CREATE_RXQUEUE;
