// Creating queues the way a driver sees it, and the rings and extensions it finds.
#include "test_support.hpp"

#include <ringlib/os/errors.hpp>

#include <catch2/catch.hpp>

using namespace ringlib::os;

namespace {

NET_EXTENSION query(NETPACKETQUEUE queue, bool tx, PCWSTR name, ULONG version, NET_EXTENSION_TYPE type) {
    NET_EXTENSION_QUERY q;
    NET_EXTENSION_QUERY_INIT(&q, name, version, type);
    NET_EXTENSION extension;
    if (tx) {
        NetTxQueueGetExtension(queue, &q, &extension);
    } else {
        NetRxQueueGetExtension(queue, &q, &extension);
    }
    return extension;
}

}  // namespace

TEST_CASE("a TX queue is created through the driver's create callback with zeroed context") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.queue_id = 3;
    config.name = "tx3";
    config.packet_ring_size = 16;
    config.fragment_ring_size = 64;
    auto tx = ostest::make_tx(driver, memory.arena, config);

    REQUIRE(driver.queue == tx->handle());
    CHECK(tx->state() == QueueState::Created);
    CHECK(ostest::GetScriptedContext(driver.queue)->zero_check[0] == 0);
    CHECK(ostest::GetScriptedContext(driver.queue)->zero_check[3] == 0);
    CHECK(ostest::GetScriptedContext(driver.queue)->driver == &driver);

    NET_RING_COLLECTION const* rings = NetTxQueueGetRingCollection(driver.queue);
    NET_RING const* packets = NetRingCollectionGetPacketRing(rings);
    NET_RING const* fragments = NetRingCollectionGetFragmentRing(rings);
    CHECK(packets->NumberOfElements == 16);
    CHECK(packets->ElementIndexMask == 15);
    CHECK(fragments->NumberOfElements == 64);
    CHECK(reinterpret_cast<std::uintptr_t>(packets) % 64 == 0);
    CHECK(reinterpret_cast<std::uintptr_t>(fragments) % 64 == 0);
    for (NET_RING const* ring : {packets, fragments}) {
        CHECK(ring->BeginIndex == 0);
        CHECK(ring->NextIndex == 0);
        CHECK(ring->EndIndex == 0);
        CHECK(ring->OSReserved0 == 0);
    }
}

TEST_CASE("the queue id reaches the driver through the init") {
    ostest::HostMemory memory;
    static ULONG seen_id;
    seen_id = 0;
    auto create = [](NETADAPTER adapter, NETRXQUEUE_INIT* init) -> NTSTATUS {
        seen_id = NetRxQueueInitGetQueueId(init);
        return ostest::ScriptedCreateRx(adapter, init);
    };
    ostest::ScriptedDriver driver;
    RxQueueConfig config;
    config.queue_id = 7;
    auto rx = RxQueue::create(config, memory.arena, reinterpret_cast<NETADAPTER>(&driver), create);
    CHECK(seen_id == 7);
}

TEST_CASE("TX rings lay out checksum, LSO, 802.1Q and VA/LA extensions inline and aligned") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    NETPACKETQUEUE q = driver.queue;
    NET_RING const* packets = tx->packet_ring();
    NET_RING const* fragments = tx->fragment_ring();
    // NET_PACKET 12 + checksum 1 @12, LSO 4 @16, 802.1Q 4 @20: stride 24.
    CHECK(packets->ElementStride == 24);
    // NET_FRAGMENT 8 + VA 8 @8 + LA 8 @16: stride 24.
    CHECK(fragments->ElementStride == 24);

    auto const checksum = query(q, true, NET_PACKET_EXTENSION_CHECKSUM_NAME, 1, NetExtensionTypePacket);
    auto const lso = query(q, true, NET_PACKET_EXTENSION_LSO_NAME, 1, NetExtensionTypePacket);
    auto const vlan = query(q, true, NET_PACKET_EXTENSION_IEEE8021Q_NAME, 1, NetExtensionTypePacket);
    auto const va = query(q, true, NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME, 1, NetExtensionTypeFragment);
    auto const la = query(q, true, NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME, 1, NetExtensionTypeFragment);
    for (auto const& e : {checksum, lso, vlan, va, la}) {
        CHECK(e.Enabled == TRUE);
    }
    auto const* packet0 = reinterpret_cast<unsigned char const*>(NetRingGetPacketAtIndex(packets, 0));
    auto const* fragment0 = reinterpret_cast<unsigned char const*>(NetRingGetFragmentAtIndex(fragments, 0));
    CHECK(static_cast<unsigned char*>(checksum.Reserved[0]) - packet0 == 12);
    CHECK(static_cast<unsigned char*>(lso.Reserved[0]) - packet0 == 16);
    CHECK(static_cast<unsigned char*>(vlan.Reserved[0]) - packet0 == 20);
    CHECK(static_cast<unsigned char*>(va.Reserved[0]) - fragment0 == 8);
    CHECK(static_cast<unsigned char*>(la.Reserved[0]) - fragment0 == 16);
    CHECK(reinterpret_cast<std::uintptr_t>(lso.Reserved[1]) == 24);
    CHECK(reinterpret_cast<std::uintptr_t>(la.Reserved[1]) == 24);
    // Element i's extension is where NetExtensionGetData says, and it is aligned.
    for (UINT32 i = 0; i < 5; ++i) {
        CHECK(reinterpret_cast<unsigned char*>(NetExtensionGetFragmentLogicalAddress(&la, i)) ==
              reinterpret_cast<unsigned char const*>(NetRingGetFragmentAtIndex(fragments, i)) + 16);
        CHECK(reinterpret_cast<std::uintptr_t>(NetExtensionGetFragmentLogicalAddress(&la, i)) % 8 == 0);
        CHECK(reinterpret_cast<std::uintptr_t>(NetExtensionGetPacketLso(&lso, i)) % 4 == 0);
    }
    // Not registered on TX, wrong version, wrong type: disabled.
    CHECK(query(q, true, NET_PACKET_EXTENSION_HASH_NAME, 1, NetExtensionTypePacket).Enabled == FALSE);
    CHECK(query(q, true, NET_PACKET_EXTENSION_LSO_NAME, 2, NetExtensionTypePacket).Enabled == FALSE);
    CHECK(query(q, true, NET_PACKET_EXTENSION_LSO_NAME, 1, NetExtensionTypeFragment).Enabled == FALSE);
}

TEST_CASE("RX rings register checksum, hash, 802.1Q and VA/LA; unregistered ones are disabled") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    RxQueueConfig config;
    config.extensions.ieee8021q = false;
    auto rx = ostest::make_rx(driver, memory.arena, config);
    NETPACKETQUEUE q = driver.queue;
    // NET_PACKET 12 + checksum @12 + hash (align 4) @16: stride 24.
    CHECK(rx->packet_ring()->ElementStride == 24);
    CHECK(query(q, false, NET_PACKET_EXTENSION_CHECKSUM_NAME, 1, NetExtensionTypePacket).Enabled == TRUE);
    auto const hash = query(q, false, NET_PACKET_EXTENSION_HASH_NAME, 1, NetExtensionTypePacket);
    CHECK(hash.Enabled == TRUE);
    CHECK(static_cast<unsigned char*>(hash.Reserved[0]) -
              reinterpret_cast<unsigned char*>(NetRingGetPacketAtIndex(rx->packet_ring(), 0)) ==
          16);
    CHECK(query(q, false, NET_PACKET_EXTENSION_IEEE8021Q_NAME, 1, NetExtensionTypePacket).Enabled == FALSE);
    CHECK(query(q, false, NET_PACKET_EXTENSION_LSO_NAME, 1, NetExtensionTypePacket).Enabled == FALSE);
    CHECK(query(q, false, NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME, 1, NetExtensionTypeFragment).Enabled == TRUE);
}

TEST_CASE("ring sizes are validated: powers of two 2..65536, chosen independently") {
    ostest::HostMemory memory(256u << 20);
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.fragment_buffer_bytes = 64;
    config.packet_ring_size = 2;
    config.fragment_ring_size = 65536;
    CHECK_NOTHROW(ostest::make_tx(driver, memory.arena, config));
    config.packet_ring_size = 48;
    CHECK_THROWS_AS(ostest::make_tx(driver, memory.arena, config), ringlib::VerifierViolation);
    config.packet_ring_size = 1;
    CHECK_THROWS(ostest::make_tx(driver, memory.arena, config));
    config.packet_ring_size = 1u << 17;
    CHECK_THROWS_WITH(ostest::make_tx(driver, memory.arena, config), Catch::Contains("2..65536"));
}

TEST_CASE("queue creation reports a failing or absent NetTxQueueCreate") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    driver.create_status = STATUS_INSUFFICIENT_RESOURCES;
    CHECK_THROWS_WITH(ostest::make_tx(driver, memory.arena), Catch::Contains("0xc000009a") && Catch::Contains("tx0"));
    driver.create_status = STATUS_SUCCESS;
    driver.call_create = false;
    CHECK_THROWS_WITH(ostest::make_tx(driver, memory.arena), Catch::Contains("without calling NetTxQueueCreate"));
}

TEST_CASE("queue buffers come from the arena and go back to it") {
    ostest::HostMemory memory(1 << 20);
    std::size_t const free_before = memory.arena.free_bytes();
    {
        ostest::ScriptedDriver driver;
        TxQueueConfig config;
        config.fragment_ring_size = 32;
        config.fragment_buffer_bytes = 1000;
        auto tx = ostest::make_tx(driver, memory.arena, config);
        CHECK(memory.arena.allocated_block_count() == 32);
        CHECK(memory.arena.contains_logical(tx->fragment_buffer(31).logical_address, 1000));
        CHECK_THROWS_AS(NetRxQueueGetRingCollection(driver.queue), ringlib::ApiMisuse);  // a TX handle
    }
    CHECK(memory.arena.free_bytes() == free_before);
    ostest::ScriptedDriver driver;
    RxQueueConfig config;
    config.fragment_ring_size = 1024;
    config.buffer_capacity_bytes = 2048;  // 2 MiB: more than the arena has
    CHECK_THROWS_WITH(ostest::make_rx(driver, memory.arena, config), Catch::Contains("DmaArena exhausted"));
    CHECK(memory.arena.free_bytes() == free_before);
}
