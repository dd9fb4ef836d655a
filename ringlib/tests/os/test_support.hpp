// Shared by the OS-side tests: host memory with a DmaArena over it, a scripted driver whose
// callbacks are lambdas (so each test states exactly what "the driver" does), and frame builders.
#pragma once

#include <netadaptercx.h>
#include <ringlib/dma_arena.hpp>
#include <ringlib/os/rx_queue.hpp>
#include <ringlib/os/tx_queue.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ostest {

/// Host memory for DMA, 4 KiB aligned in both address spaces.
struct HostMemory {
    explicit HostMemory(std::size_t size_bytes = 64u << 20)
        : storage(size_bytes + 4096),
          base(reinterpret_cast<unsigned char*>((reinterpret_cast<std::uintptr_t>(storage.data()) + 4095) &
                                                ~std::uintptr_t{4095})),
          arena(base, 0x8000'0000ull, size_bytes) {}
    std::vector<unsigned char> storage;
    unsigned char* base;
    ringlib::DmaArena arena;
};

/// A driver whose every callback is a test-provided lambda; it logs the callbacks in order.
struct ScriptedDriver {
    std::function<void(NETPACKETQUEUE)> advance = [](NETPACKETQUEUE) {};
    std::function<void(NETPACKETQUEUE)> cancel = [](NETPACKETQUEUE) {};
    std::function<void(NETPACKETQUEUE, BOOLEAN)> set_notification = [](NETPACKETQUEUE, BOOLEAN) {};
    std::vector<std::string> log;
    NETPACKETQUEUE queue = nullptr;
    NET_RING_COLLECTION const* rings = nullptr;
    NTSTATUS create_status = STATUS_SUCCESS;
    bool call_create = true;
};

struct ScriptedContext {
    ScriptedDriver* driver;
    std::uint64_t zero_check[4];  // must read back as zero: contexts are zero-initialized
};
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(ScriptedContext, GetScriptedContext);

inline ScriptedDriver& driver_of(NETPACKETQUEUE queue) {
    return *GetScriptedContext(queue)->driver;
}

inline void ScriptedAdvance(NETPACKETQUEUE q) {
    driver_of(q).log.push_back("Advance");
    driver_of(q).advance(q);
}
inline void ScriptedCancel(NETPACKETQUEUE q) {
    driver_of(q).log.push_back("Cancel");
    driver_of(q).cancel(q);
}
inline void ScriptedSetNotification(NETPACKETQUEUE q, BOOLEAN enabled) {
    driver_of(q).log.push_back(enabled ? "Notify(TRUE)" : "Notify(FALSE)");
    driver_of(q).set_notification(q, enabled);
}
inline void ScriptedStart(NETPACKETQUEUE q) {
    driver_of(q).log.push_back("Start");
}
inline void ScriptedStop(NETPACKETQUEUE q) {
    driver_of(q).log.push_back("Stop");
}

template <typename Init, typename CreateFn, typename RingsFn>
NTSTATUS scripted_create(NETADAPTER adapter, Init* init, CreateFn create, RingsFn get_rings) {
    auto* driver = reinterpret_cast<ScriptedDriver*>(adapter);
    if (!driver->call_create) {
        return driver->create_status;
    }
    NET_PACKET_QUEUE_CONFIG config;
    NET_PACKET_QUEUE_CONFIG_INIT(&config, ScriptedAdvance, ScriptedSetNotification, ScriptedCancel);
    config.EvtStart = ScriptedStart;
    config.EvtStop = ScriptedStop;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, ScriptedContext);
    NETPACKETQUEUE queue;
    NTSTATUS const status = create(init, &attributes, &config, &queue);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    GetScriptedContext(queue)->driver = driver;
    driver->queue = queue;
    driver->rings = get_rings(queue);
    return driver->create_status;
}

inline NTSTATUS ScriptedCreateTx(NETADAPTER adapter, NETTXQUEUE_INIT* init) {
    return scripted_create(adapter, init, NetTxQueueCreate, NetTxQueueGetRingCollection);
}
inline NTSTATUS ScriptedCreateRx(NETADAPTER adapter, NETRXQUEUE_INIT* init) {
    return scripted_create(adapter, init, NetRxQueueCreate, NetRxQueueGetRingCollection);
}

inline std::unique_ptr<ringlib::os::TxQueue> make_tx(ScriptedDriver& driver, ringlib::DmaArena& arena,
                                                     ringlib::os::TxQueueConfig const& config = {}) {
    return ringlib::os::TxQueue::create(config, arena, reinterpret_cast<NETADAPTER>(&driver), ScriptedCreateTx);
}
inline std::unique_ptr<ringlib::os::RxQueue> make_rx(ScriptedDriver& driver, ringlib::DmaArena& arena,
                                                     ringlib::os::RxQueueConfig const& config = {}) {
    return ringlib::os::RxQueue::create(config, arena, reinterpret_cast<NETADAPTER>(&driver), ScriptedCreateRx);
}

// ---- frames -------------------------------------------------------------------------------------

struct FrameSpec {
    bool vlan = false;
    int ip_version = 4;                  // 4, 6 or 0 (no IP: ethertype 0x88b5)
    std::size_t ipv4_options_bytes = 0;  // multiple of 4
    int l4 = 6;                          // 6 TCP, 17 UDP, other: no transport header parsed
    std::size_t tcp_options_bytes = 0;   // multiple of 4
    std::size_t payload_bytes = 18;
};

/// Builds a frame whose headers a NIC parser would accept; the payload counts up from 0.
std::vector<std::uint8_t> build_frame(FrameSpec const& spec);

/// A frame of exactly `size_bytes` with a recognizable pattern (seeded by `tag`).
std::vector<std::uint8_t> pattern_frame(std::size_t size_bytes, std::uint32_t tag);

}  // namespace ostest
