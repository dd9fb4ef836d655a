// RX: empty buffers handed to the driver, received frames delivered to the user.
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace ringlib::os;

namespace {

NET_EXTENSION rx_extension(NETPACKETQUEUE q, PCWSTR name, NET_EXTENSION_TYPE type) {
    NET_EXTENSION_QUERY query;
    NET_EXTENSION_QUERY_INIT(&query, name, 1, type);
    NET_EXTENSION extension;
    NetRxQueueGetExtension(q, &query, &extension);
    return extension;
}

RxQueueConfig small_rx() {
    RxQueueConfig config;
    config.packet_ring_size = 8;
    config.fragment_ring_size = 16;
    config.buffer_capacity_bytes = 1024;
    config.backfill_offset_bytes = 64;
    config.buffer_alignment_bytes = 128;
    return config;
}

}  // namespace

TEST_CASE("RX provisions empty fragments and packet slots up to one short of the lag index") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto rx = ostest::make_rx(driver, memory.arena, small_rx());
    rx->start();
    rx->poll();
    NET_RING const* packets = rx->packet_ring();
    NET_RING const* fragments = rx->fragment_ring();
    CHECK(packets->EndIndex == 7);
    CHECK(fragments->EndIndex == 15);
    auto const va = rx_extension(driver.queue, NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME, NetExtensionTypeFragment);
    auto const la = rx_extension(driver.queue, NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME, NetExtensionTypeFragment);
    for (UINT32 i = 0; i < 15; ++i) {
        NET_FRAGMENT const* f = NetRingGetFragmentAtIndex(fragments, i);
        CHECK(f->Capacity == 1024);
        CHECK(f->Offset == 64);
        auto const logical = NetExtensionGetFragmentLogicalAddress(&la, i)->LogicalAddress;
        CHECK(logical % 128 == 0);
        CHECK(memory.arena.to_virtual(logical) == NetExtensionGetFragmentVirtualAddress(&va, i)->VirtualAddress);
    }
    // Nothing received and nothing more to give: the next poll is not progress.
    CHECK(rx->poll() == QueueState::Armed);
}

TEST_CASE("RX delivers returned packets with their bytes, layout, checksum and hash; recycles the rest") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto rx = ostest::make_rx(driver, memory.arena, small_rx());
    std::vector<RxFrame> frames;
    rx->on_frame([&](RxFrame&& f) { frames.push_back(std::move(f)); });
    auto const received = ostest::pattern_frame(1500, 9);  // 960 + 540 over two buffers with 64 backfill
    auto const checksum = rx_extension(driver.queue, NET_PACKET_EXTENSION_CHECKSUM_NAME, NetExtensionTypePacket);
    auto const hash = rx_extension(driver.queue, NET_PACKET_EXTENSION_HASH_NAME, NetExtensionTypePacket);
    auto const vlan = rx_extension(driver.queue, NET_PACKET_EXTENSION_IEEE8021Q_NAME, NetExtensionTypePacket);
    auto const va = rx_extension(driver.queue, NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME, NetExtensionTypeFragment);

    driver.advance = [&](NETPACKETQUEUE) {
        NET_RING* packets = NetRingCollectionGetPacketRing(driver.rings);
        NET_RING* fragments = NetRingCollectionGetFragmentRing(driver.rings);
        std::size_t written = 0;
        for (UINT32 i = 0; i < 2; ++i) {
            NET_FRAGMENT* f = NetRingGetFragmentAtIndex(fragments, i);
            std::size_t const n = std::min<std::size_t>(f->Capacity - f->Offset, received.size() - written);
            std::memcpy(
                static_cast<unsigned char*>(NetExtensionGetFragmentVirtualAddress(&va, i)->VirtualAddress) + f->Offset,
                received.data() + written, n);
            f->ValidLength = n;
            f->Offset = f->Offset;
            written += n;
        }
        NET_PACKET* p = NetRingGetPacketAtIndex(packets, 0);
        p->FragmentIndex = 0;
        p->FragmentCount = 2;
        p->Layout = NET_PACKET_LAYOUT{};
        p->Layout.Layer2Type = NetPacketLayer2TypeEthernet;
        p->Layout.Layer2HeaderLength = 14;
        *NetExtensionGetPacketChecksum(&checksum, 0) =
            NET_PACKET_CHECKSUM{0, NetPacketRxChecksumEvaluationValid, NetPacketRxChecksumEvaluationInvalid};
        *NetExtensionGetPacketHash(&hash, 0) = NET_PACKET_HASH{0xdeadbeef, NetPacketHashProtocolTypeIPv4};
        *NetExtensionGetPacketIeee8021Q(&vlan, 0) = NET_PACKET_IEEE8021Q{};
        packets->BeginIndex = 1;
        fragments->BeginIndex = 5;  // fragments 2..4 come back unused
        driver.advance = [](NETPACKETQUEUE) {};
    };
    rx->start();
    rx->poll();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].bytes == received);
    CHECK(frames[0].fragment_count == 2);
    CHECK(frames[0].layout.Layer2Type == NetPacketLayer2TypeEthernet);
    REQUIRE(frames[0].checksum.has_value());
    CHECK(frames[0].checksum->Layer3 == NetPacketRxChecksumEvaluationValid);
    CHECK(frames[0].checksum->Layer4 == NetPacketRxChecksumEvaluationInvalid);
    REQUIRE(frames[0].hash.has_value());
    CHECK(frames[0].hash->HashValue == 0xdeadbeef);
    CHECK(frames[0].hash->ProtocolType == NetPacketHashProtocolTypeIPv4);
    CHECK(rx->fragments_recycled_unused() == 3);
    CHECK(rx->fragment_ring()->OSReserved0 == 5);
    CHECK(rx->packet_ring()->OSReserved0 == 1);
    // The next poll gives the reclaimed slots back.
    rx->poll();
    CHECK(rx->fragment_ring()->EndIndex == 4);
    CHECK(rx->packet_ring()->EndIndex == 0);
    CHECK(NetRingGetFragmentAtIndex(rx->fragment_ring(), 2)->Capacity == 1024);
}

TEST_CASE("RX configuration is validated against the NET_FRAGMENT bit widths") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    RxQueueConfig config = small_rx();
    config.backfill_offset_bytes = 1024;
    CHECK_THROWS_WITH(ostest::make_rx(driver, memory.arena, config), Catch::Contains("backfill"));
    config = small_rx();
    config.buffer_alignment_bytes = 96;
    CHECK_THROWS_WITH(ostest::make_rx(driver, memory.arena, config), Catch::Contains("alignment"));
}
