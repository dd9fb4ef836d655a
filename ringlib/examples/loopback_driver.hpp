// A software-only loopback NIC and its NetAdapterCx-style client driver, for tests and the
// loopback benchmark (never the product driver).
//
// The driver is written the way a real one is, against the WDK-shaped API only: queues created
// from NET*QUEUE_INIT with a WDF context, extensions queried by name, the datapath walking the
// rings with the 2019 iterators. EvtAdvance is "post, then drain", as in the public samples.
//
// LoopbackHardware plays the NIC: the TX datapath posts descriptors (logical address + length);
// step() "DMAs" each posted frame out of host memory through the DmaArena, puts it on a wire, and
// writes it into posted RX buffers as soon as enough are available, producing one RX completion
// per frame. Interrupts are one-shot: armed by EvtSetNotificationEnabled(TRUE), fired from step()
// (the ISR/DPC calls NotifyMore) when work is pending.
//
// LoopbackFaults injects known driver bugs so the OS side's diagnoses can be tested.
#pragma once

#include <netadaptercx.h>
#include <ringlib/dma_arena.hpp>

#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

namespace loopback {

struct LoopbackFaults {
    bool tx_forgets_fragment_begin = false;  // completes packets but never advances the fragment BeginIndex
    bool hardware_hangs = false;             // step() does nothing: no TX completion, no RX traffic
    bool rx_cancel_does_nothing = false;     // EvtCancel on RX returns nothing
};

struct LoopbackHardware {
    struct TxDescriptor {
        std::uint64_t logical_address;
        std::uint32_t length_bytes;
        bool end_of_packet;
        bool skip;  // an Ignore packet: completes without sending
    };
    struct RxBuffer {
        std::uint64_t logical_address;
        std::uint32_t usable_bytes;
    };
    struct RxCompletion {
        std::vector<std::uint32_t> fragment_lengths;
    };

    explicit LoopbackHardware(ringlib::DmaArena& arena_) : arena(arena_) {}

    ringlib::DmaArena& arena;
    LoopbackFaults faults;
    std::deque<TxDescriptor> tx_descriptors;
    std::uint32_t tx_packets_done = 0;  // completed by hardware, not yet reaped by the driver
    std::deque<std::vector<std::uint8_t>> wire;
    std::deque<RxBuffer> rx_buffers;
    std::deque<RxCompletion> rx_completions;
    bool tx_interrupt_armed = false;
    bool rx_interrupt_armed = false;
    NETPACKETQUEUE tx_queue = nullptr;
    NETPACKETQUEUE rx_queue = nullptr;
    std::uint64_t interrupts = 0;

    /// One hardware step between OS polls: transmit, receive, then raise armed interrupts.
    void step() {
        if (faults.hardware_hangs) {
            return;
        }
        transmit();
        receive();
        if (tx_interrupt_armed && tx_packets_done != 0 && tx_queue != nullptr) {
            tx_interrupt_armed = false;  // one-shot, like the contract's arm bit
            ++interrupts;
            NetTxQueueNotifyMoreCompletedPacketsAvailable(tx_queue);
        }
        if (rx_interrupt_armed && !rx_completions.empty() && rx_queue != nullptr) {
            rx_interrupt_armed = false;
            ++interrupts;
            NetRxQueueNotifyMoreReceivedPacketsAvailable(rx_queue);
        }
    }

private:
    void transmit() {
        std::vector<std::uint8_t> frame;
        while (!tx_descriptors.empty()) {
            TxDescriptor const descriptor = tx_descriptors.front();
            tx_descriptors.pop_front();
            if (!descriptor.skip) {
                auto const* data = static_cast<std::uint8_t const*>(arena.to_virtual(descriptor.logical_address));
                frame.insert(frame.end(), data, data + descriptor.length_bytes);
            }
            if (descriptor.end_of_packet) {
                if (!descriptor.skip) {
                    wire.push_back(std::move(frame));
                }
                frame.clear();
                ++tx_packets_done;
            }
        }
    }

    void receive() {
        while (!wire.empty()) {
            std::vector<std::uint8_t> const& frame = wire.front();
            std::size_t buffers_needed = 0;
            std::size_t room = 0;
            while (room < frame.size() && buffers_needed < rx_buffers.size()) {
                room += rx_buffers[buffers_needed++].usable_bytes;
            }
            if (room < frame.size()) {
                return;  // wait for the driver to post more buffers
            }
            RxCompletion completion;
            std::size_t written = 0;
            for (std::size_t i = 0; i < buffers_needed; ++i) {
                RxBuffer const buffer = rx_buffers.front();
                rx_buffers.pop_front();
                std::size_t const length = std::min<std::size_t>(buffer.usable_bytes, frame.size() - written);
                std::memcpy(arena.to_virtual(buffer.logical_address), frame.data() + written, length);
                written += length;
                completion.fragment_lengths.push_back(static_cast<std::uint32_t>(length));
            }
            rx_completions.push_back(std::move(completion));
            wire.pop_front();
        }
    }
};

// ---- the driver ----------------------------------------------------------------------------

struct LoopbackTxQueueContext {
    LoopbackHardware* hardware;
    NET_RING_COLLECTION const* rings;
    NET_EXTENSION logical_address;
};
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(LoopbackTxQueueContext, GetLoopbackTxQueueContext);

struct LoopbackRxQueueContext {
    LoopbackHardware* hardware;
    NET_RING_COLLECTION const* rings;
    NET_EXTENSION logical_address;
    NET_EXTENSION checksum;
    NET_EXTENSION hash;
    NET_EXTENSION ieee8021q;
};
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(LoopbackRxQueueContext, GetLoopbackRxQueueContext);

/// The adapter handle the OS passes to the create callbacks is the loopback hardware.
inline NETADAPTER loopback_adapter(LoopbackHardware& hardware) {
    return reinterpret_cast<NETADAPTER>(&hardware);
}
inline LoopbackHardware* loopback_hardware(NETADAPTER adapter) {
    return reinterpret_cast<LoopbackHardware*>(adapter);
}

inline void LoopbackTxPostPackets(LoopbackTxQueueContext* tx) {
    NET_RING* const fragment_ring = NetRingCollectionGetFragmentRing(tx->rings);
    NET_RING_PACKET_ITERATOR packets = NetRingGetPostPackets(tx->rings);
    while (NetPacketIteratorHasAny(&packets)) {
        NET_PACKET const* packet = NetPacketIteratorGetPacket(&packets);
        if (packet->Ignore) {
            tx->hardware->tx_descriptors.push_back({0, 0, true, true});
        } else {
            NET_RING_FRAGMENT_ITERATOR fragments = NetPacketIteratorGetFragments(&packets);
            while (NetFragmentIteratorHasAny(&fragments)) {
                NET_FRAGMENT const* fragment = NetFragmentIteratorGetFragment(&fragments);
                UINT32 const index = NetFragmentIteratorGetIndex(&fragments);
                NetFragmentIteratorAdvance(&fragments);
                tx->hardware->tx_descriptors.push_back(
                    {NetExtensionGetFragmentLogicalAddress(&tx->logical_address, index)->LogicalAddress +
                         fragment->Offset,
                     static_cast<std::uint32_t>(fragment->ValidLength), !NetFragmentIteratorHasAny(&fragments), false});
            }
            fragment_ring->NextIndex = NetFragmentIteratorGetIndex(&fragments);
        }
        NetPacketIteratorAdvance(&packets);
    }
    NetPacketIteratorSet(&packets);
}

inline void LoopbackTxCompletePackets(LoopbackTxQueueContext* tx) {
    NET_RING* const fragment_ring = NetRingCollectionGetFragmentRing(tx->rings);
    NET_RING_PACKET_ITERATOR packets = NetRingGetDrainPackets(tx->rings);
    while (NetPacketIteratorHasAny(&packets) && tx->hardware->tx_packets_done != 0) {
        NET_PACKET const* packet = NetPacketIteratorGetPacket(&packets);
        if (!packet->Ignore && !tx->hardware->faults.tx_forgets_fragment_begin) {
            NET_RING_FRAGMENT_ITERATOR fragments = NetPacketIteratorGetFragments(&packets);
            NetFragmentIteratorAdvanceToTheEnd(&fragments);
            fragment_ring->BeginIndex = NetFragmentIteratorGetIndex(&fragments);
        }
        --tx->hardware->tx_packets_done;
        NetPacketIteratorAdvance(&packets);
    }
    NetPacketIteratorSet(&packets);
}

inline void LoopbackEvtTxAdvance(NETPACKETQUEUE queue) {
    LoopbackTxQueueContext* tx = GetLoopbackTxQueueContext(queue);
    LoopbackTxPostPackets(tx);
    LoopbackTxCompletePackets(tx);
}

inline void LoopbackEvtTxSetNotificationEnabled(NETPACKETQUEUE queue, BOOLEAN enabled) {
    GetLoopbackTxQueueContext(queue)->hardware->tx_interrupt_armed = enabled != FALSE;
}

// TX cancel has nothing to do: the hardware finishes what was posted and the OS keeps calling
// EvtAdvance until every packet is back.
inline void LoopbackEvtTxCancel(NETPACKETQUEUE queue) {
    UNREFERENCED_PARAMETER(queue);
}

inline NTSTATUS LoopbackEvtCreateTxQueue(NETADAPTER adapter, NETTXQUEUE_INIT* init) {
    NET_PACKET_QUEUE_CONFIG config;
    NET_PACKET_QUEUE_CONFIG_INIT(&config, LoopbackEvtTxAdvance, LoopbackEvtTxSetNotificationEnabled,
                                 LoopbackEvtTxCancel);
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, LoopbackTxQueueContext);
    NETPACKETQUEUE queue;
    NTSTATUS const status = NetTxQueueCreate(init, &attributes, &config, &queue);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    LoopbackTxQueueContext* tx = GetLoopbackTxQueueContext(queue);
    tx->hardware = loopback_hardware(adapter);
    tx->hardware->tx_queue = queue;
    tx->rings = NetTxQueueGetRingCollection(queue);
    NET_EXTENSION_QUERY query;
    NET_EXTENSION_QUERY_INIT(&query, NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME,
                             NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_VERSION_1, NetExtensionTypeFragment);
    NetTxQueueGetExtension(queue, &query, &tx->logical_address);
    return tx->logical_address.Enabled ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED;
}

inline void LoopbackRxPostBuffers(LoopbackRxQueueContext* rx) {
    NET_RING_FRAGMENT_ITERATOR fragments = NetRingGetPostFragments(rx->rings);
    while (NetFragmentIteratorHasAny(&fragments)) {
        NET_FRAGMENT const* fragment = NetFragmentIteratorGetFragment(&fragments);
        UINT32 const index = NetFragmentIteratorGetIndex(&fragments);
        rx->hardware->rx_buffers.push_back(
            {NetExtensionGetFragmentLogicalAddress(&rx->logical_address, index)->LogicalAddress + fragment->Offset,
             static_cast<std::uint32_t>(fragment->Capacity - fragment->Offset)});
        NetFragmentIteratorAdvance(&fragments);
    }
    NetFragmentIteratorSet(&fragments);
}

inline void LoopbackRxIndicateReceives(LoopbackRxQueueContext* rx) {
    NET_RING_PACKET_ITERATOR packets = NetRingGetAllPackets(rx->rings);
    NET_RING_FRAGMENT_ITERATOR fragments = NetRingGetDrainFragments(rx->rings);
    auto& completions = rx->hardware->rx_completions;
    while (NetPacketIteratorHasAny(&packets) && !completions.empty() &&
           NetFragmentIteratorGetCount(&fragments) >= completions.front().fragment_lengths.size()) {
        UINT32 const packet_index = NetPacketIteratorGetIndex(&packets);
        NET_PACKET* const packet = NetPacketIteratorGetPacket(&packets);
        packet->FragmentIndex = NetFragmentIteratorGetIndex(&fragments);
        packet->FragmentCount = static_cast<UINT16>(completions.front().fragment_lengths.size());
        packet->Layout = NET_PACKET_LAYOUT{};
        packet->Layout.Layer2Type = NetPacketLayer2TypeEthernet;
        packet->Layout.Layer2HeaderLength = 14;
        packet->Layout.Layer3Type = NetPacketLayer3TypeUnspecified;
        packet->Layout.Layer4Type = NetPacketLayer4TypeUnspecified;
        for (std::uint32_t const length : completions.front().fragment_lengths) {
            NET_FRAGMENT* const fragment = NetFragmentIteratorGetFragment(&fragments);
            fragment->ValidLength = length;
            fragment->Offset = fragment->Offset;  // the hardware wrote at the backfill offset
            NetFragmentIteratorAdvance(&fragments);
        }
        if (rx->checksum.Enabled) {
            *NetExtensionGetPacketChecksum(&rx->checksum, packet_index) = NET_PACKET_CHECKSUM{};  // NotChecked
        }
        if (rx->hash.Enabled) {
            *NetExtensionGetPacketHash(&rx->hash, packet_index) = NET_PACKET_HASH{};
        }
        if (rx->ieee8021q.Enabled) {
            *NetExtensionGetPacketIeee8021Q(&rx->ieee8021q, packet_index) = NET_PACKET_IEEE8021Q{};
        }
        completions.pop_front();
        NetPacketIteratorAdvance(&packets);
    }
    NetPacketIteratorSet(&packets);
    NetFragmentIteratorSet(&fragments);
}

inline void LoopbackEvtRxAdvance(NETPACKETQUEUE queue) {
    LoopbackRxQueueContext* rx = GetLoopbackRxQueueContext(queue);
    LoopbackRxPostBuffers(rx);
    LoopbackRxIndicateReceives(rx);
}

inline void LoopbackEvtRxSetNotificationEnabled(NETPACKETQUEUE queue, BOOLEAN enabled) {
    GetLoopbackRxQueueContext(queue)->hardware->rx_interrupt_armed = enabled != FALSE;
}

// RX cancel: stop the hardware receiving into our buffers, then hand everything back, every
// packet marked Ignore (docs/netring.md §6: otherwise the queue can never be deleted).
inline void LoopbackEvtRxCancel(NETPACKETQUEUE queue) {
    LoopbackRxQueueContext* rx = GetLoopbackRxQueueContext(queue);
    if (rx->hardware->faults.rx_cancel_does_nothing) {
        return;
    }
    rx->hardware->rx_buffers.clear();
    rx->hardware->rx_completions.clear();
    NET_RING_PACKET_ITERATOR packets = NetRingGetAllPackets(rx->rings);
    while (NetPacketIteratorHasAny(&packets)) {
        NetPacketIteratorGetPacket(&packets)->Ignore = 1;
        NetPacketIteratorAdvance(&packets);
    }
    NetPacketIteratorSet(&packets);
    NET_RING_FRAGMENT_ITERATOR fragments = NetRingGetAllFragments(rx->rings);
    NetFragmentIteratorAdvanceToTheEnd(&fragments);
    NetFragmentIteratorSet(&fragments);
}

inline NTSTATUS LoopbackEvtCreateRxQueue(NETADAPTER adapter, NETRXQUEUE_INIT* init) {
    NET_PACKET_QUEUE_CONFIG config;
    NET_PACKET_QUEUE_CONFIG_INIT(&config, LoopbackEvtRxAdvance, LoopbackEvtRxSetNotificationEnabled,
                                 LoopbackEvtRxCancel);
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, LoopbackRxQueueContext);
    NETPACKETQUEUE queue;
    NTSTATUS const status = NetRxQueueCreate(init, &attributes, &config, &queue);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    LoopbackRxQueueContext* rx = GetLoopbackRxQueueContext(queue);
    rx->hardware = loopback_hardware(adapter);
    rx->hardware->rx_queue = queue;
    rx->rings = NetRxQueueGetRingCollection(queue);
    NET_EXTENSION_QUERY query;
    NET_EXTENSION_QUERY_INIT(&query, NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME,
                             NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_VERSION_1, NetExtensionTypeFragment);
    NetRxQueueGetExtension(queue, &query, &rx->logical_address);
    NET_EXTENSION_QUERY_INIT(&query, NET_PACKET_EXTENSION_CHECKSUM_NAME, NET_PACKET_EXTENSION_CHECKSUM_VERSION_1,
                             NetExtensionTypePacket);
    NetRxQueueGetExtension(queue, &query, &rx->checksum);
    NET_EXTENSION_QUERY_INIT(&query, NET_PACKET_EXTENSION_HASH_NAME, NET_PACKET_EXTENSION_HASH_VERSION_1,
                             NetExtensionTypePacket);
    NetRxQueueGetExtension(queue, &query, &rx->hash);
    NET_EXTENSION_QUERY_INIT(&query, NET_PACKET_EXTENSION_IEEE8021Q_NAME, NET_PACKET_EXTENSION_IEEE8021Q_VERSION_1,
                             NetExtensionTypePacket);
    NetRxQueueGetExtension(queue, &query, &rx->ieee8021q);
    return rx->logical_address.Enabled ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED;
}

}  // namespace loopback
