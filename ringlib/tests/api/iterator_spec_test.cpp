// Specification of netringiterator.h: the 2019 iterator API (docs/netring.md §4) and every 2018 name
// of §5, on rings whose sections wrap.
#include "ring_fixture.hpp"

#include <netringiterator.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

using ringlib::testing::InMemoryRing;
using ringlib::testing::InMemoryRings;

namespace {

// Packet ring, 8 elements: reclaim 5, drain [6,1) = 3, post [1,3) = 2, all [6,3) = 5.
// Fragment ring, 16 elements: reclaim 10, drain [12,15) = 3, post [15,4) = 5, all [12,4) = 8.
struct WrappedQueue {
    InMemoryRings rings{8, 16, 16, 24};

    WrappedQueue() {
        rings.packets.place_indices(5, 6, 1, 3);
        rings.fragments.place_indices(10, 12, 15, 4);
    }

    NET_RING_COLLECTION const* collection() const { return rings.collection(); }
    NET_RING* packet_ring() const { return rings.packets.get(); }
    NET_RING* fragment_ring() const { return rings.fragments.get(); }
};

// Every byte of both rings, header and elements, to prove what an operation wrote.
struct Bytes {
    std::vector<unsigned char> packets;
    std::vector<unsigned char> fragments;

    explicit Bytes(InMemoryRings const& rings) : packets(copy(rings.packets)), fragments(copy(rings.fragments)) {}

    static std::vector<unsigned char> copy(InMemoryRing const& ring) {
        auto const* first = reinterpret_cast<unsigned char const*>(ring.get());
        return {first, first + 64 + std::size_t{ring.size()} * ring->ElementStride};
    }
};

// True when `after` differs from `before` in at most the 4 bytes of `field` of ring `which`.
bool only_field_changed(Bytes const& before, Bytes const& after, bool packet_ring, std::size_t field_offset) {
    auto expect_same = [](std::vector<unsigned char> a, std::vector<unsigned char> b, std::ptrdiff_t skip) {
        if (skip >= 0) {
            std::memset(a.data() + skip, 0, 4);
            std::memset(b.data() + skip, 0, 4);
        }
        return a == b;
    };
    auto const skip = static_cast<std::ptrdiff_t>(field_offset);
    return expect_same(before.packets, after.packets, packet_ring ? skip : -1) &&
           expect_same(before.fragments, after.fragments, packet_ring ? -1 : skip);
}

template <typename Iterator>
void check_iterator(Iterator const& it, UINT32 start_index, UINT32 end_index, UINT32 const* index_to_set) {
    CHECK(it.Iterator.Index == start_index);
    CHECK(it.Iterator.End == end_index);
    CHECK(it.Iterator.IndexToSet == index_to_set);
}

std::vector<UINT32> walk(NET_RING_PACKET_ITERATOR it) {
    std::vector<UINT32> indices;
    for (; NetPacketIteratorHasAny(&it); NetPacketIteratorAdvance(&it)) {
        indices.push_back(NetPacketIteratorGetIndex(&it));
    }
    return indices;
}

std::vector<UINT32> walk(NET_RING_FRAGMENT_ITERATOR it) {
    std::vector<UINT32> indices;
    for (; NetFragmentIteratorHasAny(&it); NetFragmentIteratorAdvance(&it)) {
        indices.push_back(NetFragmentIteratorGetIndex(&it));
    }
    return indices;
}

}  // namespace

// ---- 2019 ----------------------------------------------------------------------------------

TEST_CASE("2019 section constructors start, end and set the indices of docs/netring.md §4") {
    WrappedQueue q;
    NET_RING* p = q.packet_ring();
    NET_RING* f = q.fragment_ring();
    check_iterator(NetRingGetPostPackets(q.collection()), 1, 3, &p->NextIndex);
    check_iterator(NetRingGetDrainPackets(q.collection()), 6, 1, &p->BeginIndex);
    check_iterator(NetRingGetAllPackets(q.collection()), 6, 3, &p->BeginIndex);
    check_iterator(NetRingGetPostFragments(q.collection()), 15, 4, &f->NextIndex);
    check_iterator(NetRingGetDrainFragments(q.collection()), 12, 15, &f->BeginIndex);
    check_iterator(NetRingGetAllFragments(q.collection()), 12, 4, &f->BeginIndex);
    CHECK(NetRingGetPostPackets(q.collection()).Iterator.Rings == q.collection());
}

TEST_CASE("2019 packet iterators count, index, fetch and advance across the wrap") {
    WrappedQueue q;
    auto it = NetRingGetAllPackets(q.collection());
    CHECK(NetPacketIteratorHasAny(&it));
    CHECK(NetPacketIteratorGetCount(&it) == 5);
    std::vector<UINT32> const expected{6, 7, 0, 1, 2};
    for (UINT32 expected_index : expected) {
        CAPTURE(expected_index);
        REQUIRE(NetPacketIteratorHasAny(&it));
        CHECK(NetPacketIteratorGetIndex(&it) == expected_index);
        CHECK(reinterpret_cast<unsigned char*>(NetPacketIteratorGetPacket(&it)) ==
              q.rings.packets.element_address(expected_index));
        NetPacketIteratorAdvance(&it);
    }
    CHECK_FALSE(NetPacketIteratorHasAny(&it));
    CHECK(NetPacketIteratorGetCount(&it) == 0);
    CHECK(walk(NetRingGetPostPackets(q.collection())) == std::vector<UINT32>{1, 2});
    CHECK(walk(NetRingGetDrainPackets(q.collection())) == std::vector<UINT32>{6, 7, 0});
}

TEST_CASE("2019 fragment iterators count, index, fetch and advance across the wrap") {
    WrappedQueue q;
    auto it = NetRingGetPostFragments(q.collection());
    CHECK(NetFragmentIteratorGetCount(&it) == 5);
    std::vector<UINT32> const expected{15, 0, 1, 2, 3};
    for (UINT32 expected_index : expected) {
        CAPTURE(expected_index);
        REQUIRE(NetFragmentIteratorHasAny(&it));
        CHECK(NetFragmentIteratorGetIndex(&it) == expected_index);
        CHECK(reinterpret_cast<unsigned char*>(NetFragmentIteratorGetFragment(&it)) ==
              q.rings.fragments.element_address(expected_index));
        NetFragmentIteratorAdvance(&it);
    }
    CHECK_FALSE(NetFragmentIteratorHasAny(&it));
    CHECK(walk(NetRingGetDrainFragments(q.collection())) == std::vector<UINT32>{12, 13, 14});
    CHECK(walk(NetRingGetAllFragments(q.collection())) == std::vector<UINT32>{12, 13, 14, 15, 0, 1, 2, 3});
}

TEST_CASE("an empty section has nothing: Begin == End means the driver owns nothing") {
    InMemoryRings rings(8, 8);
    rings.packets.place_indices(7, 7, 7, 7);
    auto it = NetRingGetAllPackets(rings.collection());
    CHECK_FALSE(NetPacketIteratorHasAny(&it));
    CHECK(NetPacketIteratorGetCount(&it) == 0);
    auto fragments = NetRingGetPostFragments(rings.collection());
    CHECK_FALSE(NetFragmentIteratorHasAny(&fragments));
}

TEST_CASE("AdvanceToTheEnd jumps to the End snapshot taken when the iterator was made") {
    WrappedQueue q;
    auto packets = NetRingGetAllPackets(q.collection());
    auto fragments = NetRingGetAllFragments(q.collection());
    q.packet_ring()->EndIndex = 4;  // the OS hands over more afterwards: this iterator does not see it
    q.fragment_ring()->EndIndex = 9;
    NetPacketIteratorAdvanceToTheEnd(&packets);
    NetFragmentIteratorAdvanceToTheEnd(&fragments);
    CHECK(NetPacketIteratorGetIndex(&packets) == 3);
    CHECK(NetFragmentIteratorGetIndex(&fragments) == 4);
    CHECK_FALSE(NetPacketIteratorHasAny(&packets));
    CHECK_FALSE(NetFragmentIteratorHasAny(&fragments));
}

TEST_CASE("advancing a 2019 iterator never writes the ring") {
    WrappedQueue q;
    Bytes const before(q.rings);
    auto post = NetRingGetPostPackets(q.collection());
    auto drain = NetRingGetDrainFragments(q.collection());
    NetPacketIteratorAdvance(&post);
    NetPacketIteratorAdvanceToTheEnd(&post);
    NetFragmentIteratorAdvance(&drain);
    auto all = NetRingGetAllPackets(q.collection());
    auto per_packet = NetPacketIteratorGetFragments(&all);
    NetFragmentIteratorAdvanceToTheEnd(&per_packet);
    Bytes const after(q.rings);
    CHECK(after.packets == before.packets);
    CHECK(after.fragments == before.fragments);
}

TEST_CASE("2019 Set writes IndexToSet and nothing else") {
    WrappedQueue q;
    Bytes const before(q.rings);
    constexpr std::size_t begin_offset = offsetof(NET_RING, BeginIndex);
    constexpr std::size_t next_offset = offsetof(NET_RING, NextIndex);

    SECTION("post packets: NextIndex") {
        auto it = NetRingGetPostPackets(q.collection());
        NetPacketIteratorAdvance(&it);
        NetPacketIteratorSet(&it);
        CHECK(q.packet_ring()->NextIndex == 2);
        CHECK(only_field_changed(before, Bytes(q.rings), true, next_offset));
    }
    SECTION("drain packets: BeginIndex") {
        auto it = NetRingGetDrainPackets(q.collection());
        NetPacketIteratorAdvance(&it);
        NetPacketIteratorAdvance(&it);
        NetPacketIteratorSet(&it);
        CHECK(q.packet_ring()->BeginIndex == 0);
        CHECK(only_field_changed(before, Bytes(q.rings), true, begin_offset));
    }
    SECTION("all packets: BeginIndex") {
        auto it = NetRingGetAllPackets(q.collection());
        NetPacketIteratorAdvanceToTheEnd(&it);
        NetPacketIteratorSet(&it);
        CHECK(q.packet_ring()->BeginIndex == 3);
        CHECK(only_field_changed(before, Bytes(q.rings), true, begin_offset));
    }
    SECTION("post fragments: NextIndex") {
        auto it = NetRingGetPostFragments(q.collection());
        NetFragmentIteratorAdvance(&it);
        NetFragmentIteratorSet(&it);
        CHECK(q.fragment_ring()->NextIndex == 0);
        CHECK(only_field_changed(before, Bytes(q.rings), false, next_offset));
    }
    SECTION("drain fragments: BeginIndex") {
        auto it = NetRingGetDrainFragments(q.collection());
        NetFragmentIteratorAdvanceToTheEnd(&it);
        NetFragmentIteratorSet(&it);
        CHECK(q.fragment_ring()->BeginIndex == 15);
        CHECK(only_field_changed(before, Bytes(q.rings), false, begin_offset));
    }
    SECTION("all fragments: BeginIndex") {
        auto it = NetRingGetAllFragments(q.collection());
        NetFragmentIteratorAdvance(&it);
        NetFragmentIteratorSet(&it);
        CHECK(q.fragment_ring()->BeginIndex == 13);
        CHECK(only_field_changed(before, Bytes(q.rings), false, begin_offset));
    }
    SECTION("Set without advancing rewrites the same value") {
        auto it = NetRingGetAllFragments(q.collection());
        NetFragmentIteratorSet(&it);
        CHECK(Bytes(q.rings).fragments == before.fragments);
    }
}

TEST_CASE("NetPacketIteratorGetFragments walks one packet's fragments, wrapping the fragment ring") {
    WrappedQueue q;
    q.rings.packet(6) = NET_PACKET{};
    q.rings.packet(6).FragmentIndex = 14;
    q.rings.packet(6).FragmentCount = 4;
    q.rings.packet(7).FragmentIndex = 2;
    q.rings.packet(7).FragmentCount = 0;

    auto packets = NetRingGetAllPackets(q.collection());
    auto fragments = NetPacketIteratorGetFragments(&packets);
    CHECK(fragments.Iterator.IndexToSet == nullptr);
    CHECK(fragments.Iterator.Rings == q.collection());
    CHECK(NetFragmentIteratorGetCount(&fragments) == 4);
    CHECK(walk(fragments) == std::vector<UINT32>{14, 15, 0, 1});
    CHECK(reinterpret_cast<unsigned char*>(NetFragmentIteratorGetFragment(&fragments)) ==
          q.rings.fragments.element_address(14));

    NetPacketIteratorAdvance(&packets);
    auto none = NetPacketIteratorGetFragments(&packets);
    CHECK_FALSE(NetFragmentIteratorHasAny(&none));
    CHECK(NetFragmentIteratorGetIndex(&none) == 2);
}

TEST_CASE("Set on a 2019 per-packet fragment iterator is API misuse and writes nothing") {
    WrappedQueue q;
    q.rings.packet(6).FragmentIndex = 12;
    q.rings.packet(6).FragmentCount = 2;
    Bytes const before(q.rings);
    auto packets = NetRingGetAllPackets(q.collection());
    auto fragments = NetPacketIteratorGetFragments(&packets);
    NetFragmentIteratorAdvanceToTheEnd(&fragments);
    CHECK_THROWS_AS(NetFragmentIteratorSet(&fragments), ringlib::ApiMisuse);
    CHECK(Bytes(q.rings).packets == before.packets);
    CHECK(Bytes(q.rings).fragments == before.fragments);
}

// ---- 2018 ----------------------------------------------------------------------------------

TEST_CASE("2018 section names make the same iterators as their 2019 equivalents") {
    WrappedQueue q;
    NET_RING* p = q.packet_ring();
    NET_RING* f = q.fragment_ring();
    check_iterator(NetRingGetAllPacketIterator(q.collection()), 6, 3, &p->BeginIndex);
    check_iterator(NetRingGetAllFragmentIterator(q.collection()), 12, 4, &f->BeginIndex);
    check_iterator(NetRingGetTxPostPacketIterator(q.collection()), 1, 3, &p->NextIndex);
    check_iterator(NetRingGetTxDrainPacketIterator(q.collection()), 6, 1, &p->BeginIndex);
    // RX packets are never posted: the 2018 RX drain spans Begin..End.
    check_iterator(NetRingGetRxDrainPacketIterator(q.collection()), 6, 3, &p->BeginIndex);
    check_iterator(NetRingGetRxPostFragmentIterator(q.collection()), 15, 4, &f->NextIndex);
    check_iterator(NetRingGetRxDrainFragmentIterator(q.collection()), 12, 15, &f->BeginIndex);
}

TEST_CASE("2018 accessors: Any and GetIndex by value, Get/Advance/Count by pointer") {
    WrappedQueue q;
    auto packets = NetRingGetTxDrainPacketIterator(q.collection());
    CHECK(NetRingIteratorAny(packets));
    CHECK(NetRingPacketIteratorGetCount(&packets) == 3);
    CHECK(NetRingIteratorGetIndex(packets) == 6);
    CHECK(reinterpret_cast<unsigned char*>(NetRingIteratorGetPacket(&packets)) == q.rings.packets.element_address(6));
    NetRingAdvancePacketIterator(&packets);
    NetRingAdvancePacketIterator(&packets);
    CHECK(NetRingIteratorGetIndex(packets) == 0);  // wrapped
    CHECK(NetRingPacketIteratorGetCount(&packets) == 1);
    NetRingAdvanceEndPacketIterator(&packets);
    CHECK_FALSE(NetRingIteratorAny(packets));
    CHECK(NetRingIteratorGetIndex(packets) == 1);

    auto fragments = NetRingGetRxPostFragmentIterator(q.collection());
    CHECK(NetRingIteratorAny(fragments));
    CHECK(NetRingFragmentIteratorGetCount(&fragments) == 5);
    CHECK(NetRingIteratorGetIndex(fragments) == 15);
    CHECK(reinterpret_cast<unsigned char*>(NetRingIteratorGetFragment(&fragments)) ==
          q.rings.fragments.element_address(15));
    NetRingAdvanceFragmentIterator(&fragments);
    CHECK(NetRingIteratorGetIndex(fragments) == 0);
    NetRingAdvanceEndFragmentIterator(&fragments);
    CHECK(NetRingIteratorGetIndex(fragments) == 4);
    CHECK_FALSE(NetRingIteratorAny(fragments));
    CHECK(NetRingFragmentIteratorGetCount(&fragments) == 0);
}

TEST_CASE("2018 Set names write the index of their section and nothing else") {
    WrappedQueue q;
    Bytes const before(q.rings);
    constexpr std::size_t begin_offset = offsetof(NET_RING, BeginIndex);
    constexpr std::size_t next_offset = offsetof(NET_RING, NextIndex);

    SECTION("NetRingSetAllPacketIterator: packet BeginIndex") {
        auto it = NetRingGetAllPacketIterator(q.collection());
        NetRingAdvancePacketIterator(&it);
        NetRingSetAllPacketIterator(&it);
        CHECK(q.packet_ring()->BeginIndex == 7);
        CHECK(only_field_changed(before, Bytes(q.rings), true, begin_offset));
    }
    SECTION("NetRingSetAllFragmentIterator: fragment BeginIndex") {
        auto it = NetRingGetAllFragmentIterator(q.collection());
        NetRingAdvanceEndFragmentIterator(&it);
        NetRingSetAllFragmentIterator(&it);
        CHECK(q.fragment_ring()->BeginIndex == 4);
        CHECK(only_field_changed(before, Bytes(q.rings), false, begin_offset));
    }
    SECTION("NetRingSetTxPostPacketIterator: packet NextIndex") {
        auto it = NetRingGetTxPostPacketIterator(q.collection());
        NetRingAdvanceEndPacketIterator(&it);
        NetRingSetTxPostPacketIterator(&it);
        CHECK(q.packet_ring()->NextIndex == 3);
        CHECK(only_field_changed(before, Bytes(q.rings), true, next_offset));
    }
    SECTION("NetRingSetTxDrainPacketIterator: packet BeginIndex") {
        auto it = NetRingGetTxDrainPacketIterator(q.collection());
        NetRingAdvancePacketIterator(&it);
        NetRingSetTxDrainPacketIterator(&it);
        CHECK(q.packet_ring()->BeginIndex == 7);
        CHECK(only_field_changed(before, Bytes(q.rings), true, begin_offset));
    }
    SECTION("NetRingSetRxDrainPacketIterator: packet BeginIndex, may pass NextIndex") {
        auto it = NetRingGetRxDrainPacketIterator(q.collection());
        NetRingAdvanceEndPacketIterator(&it);
        NetRingSetRxDrainPacketIterator(&it);
        CHECK(q.packet_ring()->BeginIndex == 3);
        CHECK(only_field_changed(before, Bytes(q.rings), true, begin_offset));
    }
    SECTION("NetRingSetRxPostFragmentIterator: fragment NextIndex") {
        auto it = NetRingGetRxPostFragmentIterator(q.collection());
        NetRingAdvanceFragmentIterator(&it);
        NetRingAdvanceFragmentIterator(&it);
        NetRingSetRxPostFragmentIterator(&it);
        CHECK(q.fragment_ring()->NextIndex == 1);
        CHECK(only_field_changed(before, Bytes(q.rings), false, next_offset));
    }
    SECTION("NetRingSetRxDrainFragmentIterator: fragment BeginIndex") {
        auto it = NetRingGetRxDrainFragmentIterator(q.collection());
        NetRingAdvanceFragmentIterator(&it);
        NetRingSetRxDrainFragmentIterator(&it);
        CHECK(q.fragment_ring()->BeginIndex == 13);
        CHECK(only_field_changed(before, Bytes(q.rings), false, begin_offset));
    }
}

TEST_CASE("2018 TX packet-fragment iterators walk a packet's fragments and set the fragment ring's index") {
    WrappedQueue q;
    // Post packet 1 owns fragments 15, 0, 1 (wrapping); drain packet 6 owns fragments 12, 13.
    q.rings.packet(1).FragmentIndex = 15;
    q.rings.packet(1).FragmentCount = 3;
    q.rings.packet(6).FragmentIndex = 12;
    q.rings.packet(6).FragmentCount = 2;
    Bytes const before(q.rings);

    SECTION("post: NetRingSetTxPostFragmentIterator writes the fragment ring's NextIndex") {
        auto packets = NetRingGetTxPostPacketIterator(q.collection());
        auto fragments = NetRingGetTxPostPacketFragmentIterator(&packets);
        CHECK(fragments.Iterator.IndexToSet == &q.fragment_ring()->NextIndex);
        CHECK(NetRingFragmentIteratorGetCount(&fragments) == 3);
        CHECK(walk(fragments) == std::vector<UINT32>{15, 0, 1});
        NetRingAdvanceEndFragmentIterator(&fragments);
        NetRingSetTxPostFragmentIterator(&fragments);
        CHECK(q.fragment_ring()->NextIndex == 2);
        CHECK(only_field_changed(before, Bytes(q.rings), false, offsetof(NET_RING, NextIndex)));
    }
    SECTION("drain: NetRingSetTxDrainFragmentIterator writes the fragment ring's BeginIndex") {
        auto packets = NetRingGetTxDrainPacketIterator(q.collection());
        auto fragments = NetRingGetTxDrainPacketFragmentIterator(&packets);
        CHECK(fragments.Iterator.IndexToSet == &q.fragment_ring()->BeginIndex);
        CHECK(walk(fragments) == std::vector<UINT32>{12, 13});
        NetRingAdvanceEndFragmentIterator(&fragments);
        NetRingSetTxDrainFragmentIterator(&fragments);
        CHECK(q.fragment_ring()->BeginIndex == 14);
        CHECK(only_field_changed(before, Bytes(q.rings), false, offsetof(NET_RING, BeginIndex)));
    }
}

TEST_CASE("2018 cancel idiom returns every packet and fragment to the OS") {
    WrappedQueue q;
    auto packets = NetRingGetAllPacketIterator(q.collection());
    UINT32 marked = 0;
    for (; NetRingIteratorAny(packets); NetRingAdvancePacketIterator(&packets)) {
        NetRingIteratorGetPacket(&packets)->Ignore = 1;
        ++marked;
    }
    auto cancel = NetRingGetAllPacketIterator(q.collection());  // fresh, as a driver would after marking
    NetRingAdvanceEndPacketIterator(&cancel);
    NetRingSetAllPacketIterator(&cancel);
    auto fragments = NetRingGetAllFragmentIterator(q.collection());
    NetRingAdvanceEndFragmentIterator(&fragments);
    NetRingSetAllFragmentIterator(&fragments);

    CHECK(marked == 5);
    for (UINT32 index : {6u, 7u, 0u, 1u, 2u}) {
        CHECK(q.rings.packet(index).Ignore == 1);
    }
    CHECK(q.rings.packet(3).Ignore == 0);  // OS-owned: untouched
    CHECK(q.packet_ring()->BeginIndex == q.packet_ring()->EndIndex);
    CHECK(q.fragment_ring()->BeginIndex == q.fragment_ring()->EndIndex);
    auto nothing_left = NetRingGetAllPacketIterator(q.collection());
    CHECK(NetRingPacketIteratorGetCount(&nothing_left) == 0);
}
