// TX: how the OS translates frames into packets and fragments, and takes them back.
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace ringlib::os;

namespace {

std::vector<std::uint8_t> fragment_bytes(TxQueue const& tx, UINT32 index) {
    NET_FRAGMENT const* f = NetRingGetFragmentAtIndex(tx.fragment_ring(), index);
    auto const* data = static_cast<std::uint8_t const*>(tx.fragment_buffer(index).virtual_address) + f->Offset;
    return {data, data + f->ValidLength};
}

NET_EXTENSION tx_extension(NETPACKETQUEUE q, PCWSTR name, NET_EXTENSION_TYPE type) {
    NET_EXTENSION_QUERY query;
    NET_EXTENSION_QUERY_INIT(&query, name, 1, type);
    NET_EXTENSION extension;
    NetTxQueueGetExtension(q, &query, &extension);
    return extension;
}

bool all_zero(void const* p, std::size_t n) {
    auto const* bytes = static_cast<unsigned char const*>(p);
    for (std::size_t i = 0; i < n; ++i) {
        if (bytes[i] != 0) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("TX splits a frame into fragments and fills layout, addresses and offload extensions") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.fragment_buffer_bytes = 2048;
    auto tx = ostest::make_tx(driver, memory.arena, config);
    tx->start();

    ostest::FrameSpec spec;
    spec.vlan = true;
    spec.payload_bytes = 5000 - 18 - 20 - 20;
    auto const frame = ostest::build_frame(spec);
    REQUIRE(frame.size() == 5000);
    TxFrameMetadata metadata;
    metadata.ipv4_header_checksum = true;
    metadata.tcp_udp_checksum = true;
    metadata.lso_mss = 1448;
    metadata.priority_code_point = 5;
    metadata.vlan_id = 100;
    metadata.ieee8021q_tagging =
        NetPacketTxIeee8021qActionFlagPriorityRequired | NetPacketTxIeee8021qActionFlagVlanRequired;
    tx->submit(frame, metadata);
    tx->poll();

    NET_RING const* packets = tx->packet_ring();
    NET_RING const* fragments = tx->fragment_ring();
    CHECK(packets->EndIndex == 1);
    CHECK(fragments->EndIndex == 3);
    NET_PACKET const* packet = NetRingGetPacketAtIndex(packets, 0);
    CHECK(packet->FragmentIndex == 0);
    CHECK(packet->FragmentCount == 3);
    CHECK(packet->Ignore == 0);
    CHECK(packet->Layout.Layer2HeaderLength == 18);
    CHECK(packet->Layout.Layer3Type == NetPacketLayer3TypeIPv4NoOptions);
    CHECK(packet->Layout.Layer4Type == NetPacketLayer4TypeTcp);

    std::vector<std::uint8_t> gathered;
    std::uint64_t const expected_lengths[] = {2048, 2048, 904};
    auto const va = tx_extension(driver.queue, NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME, NetExtensionTypeFragment);
    auto const la = tx_extension(driver.queue, NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME, NetExtensionTypeFragment);
    for (UINT32 i = 0; i < 3; ++i) {
        NET_FRAGMENT const* f = NetRingGetFragmentAtIndex(fragments, i);
        CHECK(f->ValidLength == expected_lengths[i]);
        CHECK(f->Capacity == 2048);
        CHECK(f->Offset == 0);
        void* const virtual_address = NetExtensionGetFragmentVirtualAddress(&va, i)->VirtualAddress;
        CHECK(virtual_address == tx->fragment_buffer(i).virtual_address);
        CHECK(memory.arena.to_virtual(NetExtensionGetFragmentLogicalAddress(&la, i)->LogicalAddress) ==
              virtual_address);
        auto const bytes = fragment_bytes(*tx, i);
        gathered.insert(gathered.end(), bytes.begin(), bytes.end());
    }
    CHECK(gathered == frame);

    auto const checksum = tx_extension(driver.queue, NET_PACKET_EXTENSION_CHECKSUM_NAME, NetExtensionTypePacket);
    auto const lso = tx_extension(driver.queue, NET_PACKET_EXTENSION_LSO_NAME, NetExtensionTypePacket);
    auto const vlan = tx_extension(driver.queue, NET_PACKET_EXTENSION_IEEE8021Q_NAME, NetExtensionTypePacket);
    CHECK(NetExtensionGetPacketChecksum(&checksum, 0)->Layer3 == NetPacketTxChecksumActionRequired);
    CHECK(NetExtensionGetPacketChecksum(&checksum, 0)->Layer4 == NetPacketTxChecksumActionRequired);
    CHECK(NetExtensionGetPacketChecksum(&checksum, 0)->Layer2 == NetPacketTxChecksumActionPassthrough);
    CHECK(NetExtensionGetPacketLso(&lso, 0)->TCP.Mss == 1448);
    CHECK(NetExtensionGetPacketIeee8021Q(&vlan, 0)->PriorityCodePoint == 5);
    CHECK(NetExtensionGetPacketIeee8021Q(&vlan, 0)->VlanIdentifier == 100);
    CHECK(NetExtensionGetPacketIeee8021Q(&vlan, 0)->TxTagging == 3);
}

TEST_CASE("TX stores frame bytes through store_frame_bytes when set, one store per fragment") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.fragment_buffer_bytes = 256;
    struct Store {
        void* destination;
        std::size_t size_bytes;
    };
    std::vector<Store> stores;
    config.store_frame_bytes = [&](void* destination, void const* source, std::size_t size_bytes) {
        stores.push_back({destination, size_bytes});
        std::memcpy(destination, source, size_bytes);
    };
    auto tx = ostest::make_tx(driver, memory.arena, config);
    tx->start();
    ostest::FrameSpec spec;
    spec.payload_bytes = 600 - 14 - 20 - 20;
    auto const frame = ostest::build_frame(spec);
    tx->submit(frame, {});
    tx->poll();
    REQUIRE(stores.size() == 3);
    std::size_t const expected[] = {256, 256, 88};
    std::vector<std::uint8_t> gathered;
    for (UINT32 i = 0; i < 3; ++i) {
        CHECK(stores[i].destination == tx->fragment_buffer(i).virtual_address);
        CHECK(stores[i].size_bytes == expected[i]);
        auto const bytes = fragment_bytes(*tx, i);
        gathered.insert(gathered.end(), bytes.begin(), bytes.end());
    }
    CHECK(gathered == frame);
}

TEST_CASE("TX layouts for IPv4/IPv6 and TCP/UDP frames reach the packets") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    tx->start();
    ostest::FrameSpec v6udp;
    v6udp.ip_version = 6;
    v6udp.l4 = 17;
    ostest::FrameSpec v4options;
    v4options.ipv4_options_bytes = 4;
    tx->submit(ostest::build_frame(v6udp));
    tx->submit(ostest::build_frame(v4options));
    tx->poll();
    NET_PACKET const* first = NetRingGetPacketAtIndex(tx->packet_ring(), 0);
    NET_PACKET const* second = NetRingGetPacketAtIndex(tx->packet_ring(), 1);
    CHECK(first->Layout.Layer3Type == NetPacketLayer3TypeIPv6NoExtensions);
    CHECK(first->Layout.Layer3HeaderLength == 40);
    CHECK(first->Layout.Layer4Type == NetPacketLayer4TypeUdp);
    CHECK(second->Layout.Layer3Type == NetPacketLayer3TypeIPv4WithOptions);
    CHECK(second->Layout.Layer3HeaderLength == 24);
    CHECK(second->FragmentIndex == 1);
}

TEST_CASE("TX never hands the driver all N elements of either ring") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    SECTION("packet ring is the limit") {
        config.packet_ring_size = 4;
        config.fragment_ring_size = 64;
        auto tx = ostest::make_tx(driver, memory.arena, config);
        tx->start();
        for (int i = 0; i < 10; ++i) tx->submit(ostest::pattern_frame(100, i));
        tx->poll();
        CHECK(tx->packet_ring()->EndIndex == 3);
        CHECK(tx->fragment_ring()->EndIndex == 3);
        CHECK(tx->frames_waiting() == 7);
        CHECK(tx->frames_in_flight() == 3);
    }
    SECTION("fragment ring is the limit, and frames stay in order") {
        config.packet_ring_size = 64;
        config.fragment_ring_size = 8;
        config.fragment_buffer_bytes = 100;
        auto tx = ostest::make_tx(driver, memory.arena, config);
        tx->start();
        tx->submit(ostest::pattern_frame(300, 1));  // 3 fragments
        tx->submit(ostest::pattern_frame(300, 2));  // 3 fragments
        tx->submit(ostest::pattern_frame(200, 3));  // 2 fragments: only 1 of the 7 usable is left
        tx->submit(ostest::pattern_frame(60, 4));   // 1 fragment: would fit, but waits behind frame 3
        tx->poll();
        CHECK(tx->fragment_ring()->EndIndex == 6);
        CHECK(tx->packet_ring()->EndIndex == 2);
        CHECK(tx->frames_waiting() == 2);
    }
}

TEST_CASE("TX reclaims returned elements: completions in order, whole stride zeroed, OSReserved0 follows") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.fragment_buffer_bytes = 256;
    auto tx = ostest::make_tx(driver, memory.arena, config);
    std::vector<TxCompletion> completions;
    tx->on_completion([&](TxCompletion const& c) { completions.push_back(c); });
    tx->start();
    std::uint32_t return_packets = 0;
    driver.advance = [&](NETPACKETQUEUE) {
        // Return the first `return_packets` packets with their fragments.
        NET_RING* packets = NetRingCollectionGetPacketRing(driver.rings);
        NET_RING* fragments = NetRingCollectionGetFragmentRing(driver.rings);
        for (; return_packets > 0; --return_packets) {
            NET_PACKET const* p = NetRingGetPacketAtIndex(packets, packets->BeginIndex);
            fragments->BeginIndex = NetRingAdvanceIndex(fragments, p->FragmentIndex, p->FragmentCount);
            packets->BeginIndex = NetRingIncrementIndex(packets, packets->BeginIndex);
        }
    };
    auto const a = tx->submit(ostest::pattern_frame(600, 1));  // 3 fragments
    auto const b = tx->submit(ostest::pattern_frame(100, 2));  // 1 fragment
    auto const c = tx->submit(ostest::pattern_frame(100, 3));
    tx->poll();
    CHECK(completions.empty());
    return_packets = 2;
    tx->poll();
    REQUIRE(completions.size() == 2);
    CHECK(completions[0].frame_id == a);
    CHECK(completions[1].frame_id == b);
    CHECK(completions[0].status == TxCompletionStatus::Sent);
    NET_RING const* packets = tx->packet_ring();
    NET_RING const* fragments = tx->fragment_ring();
    CHECK(packets->OSReserved0 == 2);
    CHECK(fragments->OSReserved0 == 4);
    for (UINT32 i = 0; i < 2; ++i) CHECK(all_zero(NetRingGetPacketAtIndex(packets, i), packets->ElementStride));
    for (UINT32 i = 0; i < 4; ++i) CHECK(all_zero(NetRingGetFragmentAtIndex(fragments, i), fragments->ElementStride));
    CHECK_FALSE(all_zero(NetRingGetPacketAtIndex(packets, 2), packets->ElementStride));  // c still with the driver
    CHECK(tx->frames_in_flight() == 1);
    (void)c;
}

TEST_CASE("TX frames that cannot be translated become Ignore packets with no fragments") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.fragment_buffer_bytes = 100;
    config.max_fragments_per_packet = 2;
    auto tx = ostest::make_tx(driver, memory.arena, config);
    std::vector<TxCompletion> completions;
    tx->on_completion([&](TxCompletion const& c) { completions.push_back(c); });
    driver.advance = [&](NETPACKETQUEUE) {
        NET_RING* packets = NetRingCollectionGetPacketRing(driver.rings);
        packets->BeginIndex = packets->EndIndex;  // no fragments to return: all ignored
    };
    tx->start();
    TxFrameMetadata forced;
    forced.force_ignore = true;
    tx->submit({});                             // empty
    tx->submit(ostest::pattern_frame(201, 1));  // 3 fragments > max 2
    tx->submit(ostest::pattern_frame(60, 2), forced);
    CHECK(tx->fragments_needed(201) == 0);
    CHECK(tx->fragments_needed(200) == 2);
    tx->poll();
    CHECK(tx->fragment_ring()->EndIndex == 0);
    REQUIRE(completions.size() == 3);
    for (auto const& completion : completions) CHECK(completion.status == TxCompletionStatus::Ignored);
}

TEST_CASE("TX Ignore packets carry the Ignore bit and FragmentCount 0 to the driver") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    tx->start();
    TxFrameMetadata forced;
    forced.force_ignore = true;
    tx->submit(ostest::pattern_frame(60, 2), forced);
    bool seen = false;
    driver.advance = [&](NETPACKETQUEUE) {
        NET_RING_PACKET_ITERATOR it = NetRingGetPostPackets(driver.rings);
        REQUIRE(NetPacketIteratorHasAny(&it));
        NET_PACKET const* p = NetPacketIteratorGetPacket(&it);
        seen = p->Ignore == 1 && p->FragmentCount == 0;
    };
    tx->poll();
    CHECK(seen);
}

TEST_CASE("TX submit after stop is refused") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    tx->start();
    CHECK(tx->stop() == QueueState::Stopped);
    CHECK_THROWS_WITH(tx->submit(ostest::pattern_frame(60, 1)), Catch::Contains("tx0") && Catch::Contains("Stopped"));
}
