// Queue creation and the queue callbacks that are not a datapath step of their own:
// EvtAdvance (post, then drain), EvtStart, EvtStop.
#include "datapath.hpp"
#include "hw_registers.hpp"

namespace nicsim::driver {

using namespace detail;

namespace {

NET_EXTENSION QueryTxExtension(NETPACKETQUEUE queue, PCWSTR name, ULONG version, NET_EXTENSION_TYPE type) {
    NET_EXTENSION_QUERY query;
    NET_EXTENSION_QUERY_INIT(&query, name, version, type);
    NET_EXTENSION extension{};
    NetTxQueueGetExtension(queue, &query, &extension);
    return extension;
}

NET_EXTENSION QueryRxExtension(NETPACKETQUEUE queue, PCWSTR name, ULONG version, NET_EXTENSION_TYPE type) {
    NET_EXTENSION_QUERY query;
    NET_EXTENSION_QUERY_INIT(&query, name, version, type);
    NET_EXTENSION extension{};
    NetRxQueueGetExtension(queue, &query, &extension);
    return extension;
}

bool QueueIdUsable(Adapter& adapter, ULONG queue_id) {
    return adapter.started() && queue_id < adapter.config().queues_in_use;
}

}  // namespace

NTSTATUS EvtCreateTxQueue(NETADAPTER net_adapter, NETTXQUEUE_INIT* init) {
    Adapter& adapter = Adapter::from_handle(net_adapter);
    ULONG const queue_id = NetTxQueueInitGetQueueId(init);
    if (!QueueIdUsable(adapter, queue_id) || adapter.pair(queue_id).txq.active) {
        return STATUS_INVALID_PARAMETER;
    }
    NET_PACKET_QUEUE_CONFIG config;
    NET_PACKET_QUEUE_CONFIG_INIT(&config, EvtTxAdvance, EvtTxSetNotificationEnabled, EvtTxCancel);
    config.EvtStart = EvtTxStart;
    config.EvtStop = EvtTxStop;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, NicTxQueueContext);
    NETPACKETQUEUE queue = nullptr;
    NTSTATUS const status = NetTxQueueCreate(init, &attributes, &config, &queue);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    QueuePair& pair = adapter.pair(queue_id);
    TxState& tx = pair.txq;
    tx = TxState{};
    tx.adapter = &adapter;
    tx.pair = &pair;
    tx.queue = queue;
    tx.rings = NetTxQueueGetRingCollection(queue);
    // Extensions are looked up once, by name and version; their offsets are never assumed.
    tx.checksum = QueryTxExtension(queue, NET_PACKET_EXTENSION_CHECKSUM_NAME, NET_PACKET_EXTENSION_CHECKSUM_VERSION_1,
                                   NetExtensionTypePacket);
    tx.lso = QueryTxExtension(queue, NET_PACKET_EXTENSION_LSO_NAME, NET_PACKET_EXTENSION_LSO_VERSION_1,
                              NetExtensionTypePacket);
    tx.ieee8021q = QueryTxExtension(queue, NET_PACKET_EXTENSION_IEEE8021Q_NAME,
                                    NET_PACKET_EXTENSION_IEEE8021Q_VERSION_1, NetExtensionTypePacket);
    tx.virtual_address = QueryTxExtension(queue, NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME,
                                          NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_VERSION_1, NetExtensionTypeFragment);
    tx.logical_address = QueryTxExtension(queue, NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME,
                                          NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_VERSION_1, NetExtensionTypeFragment);
    GetNicTxQueueContext(queue)->tx = &tx;
    if (!tx.logical_address.Enabled) {
        return STATUS_NOT_SUPPORTED;  // a DMA device cannot work without logical addresses
    }
    tx.active = true;
    return STATUS_SUCCESS;
}

NTSTATUS EvtCreateRxQueue(NETADAPTER net_adapter, NETRXQUEUE_INIT* init) {
    Adapter& adapter = Adapter::from_handle(net_adapter);
    ULONG const queue_id = NetRxQueueInitGetQueueId(init);
    if (!QueueIdUsable(adapter, queue_id) || adapter.pair(queue_id).rxq.active) {
        return STATUS_INVALID_PARAMETER;
    }
    NET_PACKET_QUEUE_CONFIG config;
    NET_PACKET_QUEUE_CONFIG_INIT(&config, EvtRxAdvance, EvtRxSetNotificationEnabled, EvtRxCancel);
    config.EvtStart = EvtRxStart;
    config.EvtStop = EvtRxStop;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, NicRxQueueContext);
    NETPACKETQUEUE queue = nullptr;
    NTSTATUS const status = NetRxQueueCreate(init, &attributes, &config, &queue);
    if (!NT_SUCCESS(status)) {
        return status;
    }

    QueuePair& pair = adapter.pair(queue_id);
    RxState& rx = pair.rxq;
    std::vector<RxSlot> slots(pair.rx.entries());
    rx = RxState{};
    rx.slots = std::move(slots);
    rx.adapter = &adapter;
    rx.pair = &pair;
    rx.queue = queue;
    rx.rings = NetRxQueueGetRingCollection(queue);
    rx.checksum = QueryRxExtension(queue, NET_PACKET_EXTENSION_CHECKSUM_NAME, NET_PACKET_EXTENSION_CHECKSUM_VERSION_1,
                                   NetExtensionTypePacket);
    rx.hash = QueryRxExtension(queue, NET_PACKET_EXTENSION_HASH_NAME, NET_PACKET_EXTENSION_HASH_VERSION_1,
                               NetExtensionTypePacket);
    rx.ieee8021q = QueryRxExtension(queue, NET_PACKET_EXTENSION_IEEE8021Q_NAME,
                                    NET_PACKET_EXTENSION_IEEE8021Q_VERSION_1, NetExtensionTypePacket);
    rx.virtual_address = QueryRxExtension(queue, NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME,
                                          NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_VERSION_1, NetExtensionTypeFragment);
    rx.logical_address = QueryRxExtension(queue, NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME,
                                          NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_VERSION_1, NetExtensionTypeFragment);
    GetNicRxQueueContext(queue)->rx = &rx;
    if (!rx.logical_address.Enabled) {
        return STATUS_NOT_SUPPORTED;
    }
    rx.active = true;
    return STATUS_SUCCESS;
}

namespace detail {

void EvtTxAdvance(NETPACKETQUEUE queue) {
    TxState& tx = *GetNicTxQueueContext(queue)->tx;
    if (tx.pair->tx.reset_requested && !tx.cancelled) {
        TxResetRing(tx);
    }
    if (tx.pair->tx.error_pending && !tx.cancelled) {
        TxRecoverRing(tx);
    }
    TxPostPackets(tx);
    TxCompletePackets(tx);
}

void EvtRxAdvance(NETPACKETQUEUE queue) {
    RxState& rx = *GetNicRxQueueContext(queue)->rx;
    if (rx.cancelled) {
        RxReturnEverythingToOs(rx);  // anything handed over after the cancel goes straight back
        return;
    }
    if (rx.pair->rx.reset_requested) {
        RxResetRing(rx);
    }
    if (rx.pair->rx.error_pending) {
        RxRecoverRing(rx);
    }
    RxPostBuffers(rx);
    RxIndicateReceives(rx);
}

// A queue starts on a clean hardware ring: whatever an earlier queue or an error left is reset.
void EvtTxStart(NETPACKETQUEUE queue) {
    TxState& tx = *GetNicTxQueueContext(queue)->tx;
    restart_ring(tx.adapter->bus(), tx.adapter->memory(), tx.pair->tx);
    tx.pair->tx.error_pending = false;
    tx.pair->tx.reset_requested = false;
    tx.pair->tx.recoveries_without_progress = 0;
    tx.cancelled = false;
    if (DatapathHooks* const hooks = HooksOf(*tx.adapter); hooks != nullptr) {
        hooks->tx_ring_fresh(tx.pair->index);
    }
}

void EvtRxStart(NETPACKETQUEUE queue) {
    RxState& rx = *GetNicRxQueueContext(queue)->rx;
    restart_ring(rx.adapter->bus(), rx.adapter->memory(), rx.pair->rx);
    rx.pair->rx.error_pending = false;
    rx.pair->rx.reset_requested = false;
    rx.pair->rx.recoveries_without_progress = 0;
    rx.cancelled = false;
    if (DatapathHooks* const hooks = HooksOf(*rx.adapter); hooks != nullptr) {
        hooks->rx_queue_started(rx.pair->index);
    }
}

void EvtTxStop(NETPACKETQUEUE queue) {
    TxState& tx = *GetNicTxQueueContext(queue)->tx;
    disable_ring(tx.adapter->bus(), tx.pair->tx);
    tx.active = false;
    tx.pair->tx_notification_armed = false;
    UpdateInterruptArm(*tx.adapter, *tx.pair);
}

void EvtRxStop(NETPACKETQUEUE queue) {
    RxState& rx = *GetNicRxQueueContext(queue)->rx;
    disable_ring(rx.adapter->bus(), rx.pair->rx);
    rx.active = false;
    rx.pair->rx_notification_armed = false;
    UpdateInterruptArm(*rx.adapter, *rx.pair);
}

}  // namespace detail

}  // namespace nicsim::driver
