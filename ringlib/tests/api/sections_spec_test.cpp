// Specification of ringlib/sections.hpp: the same sections and write-backs as the 2019 iterators,
// as C++20 ranges.
#include <ringlib/sections.hpp>

#include "ring_fixture.hpp"

#include <netringiterator.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <ranges>
#include <type_traits>
#include <vector>

using ringlib::testing::InMemoryRings;

// Zero cost starts with the types: plain values, no allocation, no vtable, standard concepts.
static_assert(std::forward_iterator<ringlib::ring_iterator<NET_PACKET>>);
static_assert(std::forward_iterator<ringlib::ring_iterator<NET_FRAGMENT, true>>);
static_assert(std::ranges::forward_range<ringlib::packet_section>);
static_assert(std::ranges::borrowed_range<ringlib::fragment_section>);
static_assert(std::ranges::forward_range<decltype(std::declval<ringlib::packet_section>().indexed())>);
static_assert(std::is_trivially_copyable_v<ringlib::packet_section>);
static_assert(std::is_trivially_copyable_v<ringlib::ring_iterator<NET_PACKET>>);
static_assert(!std::is_polymorphic_v<ringlib::packet_section>);
static_assert(sizeof(ringlib::ring_iterator<NET_PACKET>) <= 24);
static_assert(sizeof(ringlib::packet_section) <= 24);
// The fragments of one packet have no ring index to write: misuse is a compile error.
template <typename Section>
concept CanCommitAll = requires(Section const s) {
    s.commit_all();
};
template <typename Section>
concept CanCommitCount = requires(Section const s) {
    s.commit_count(1u);
};
template <typename Section>
concept CanCommitPosition = requires(Section const s) {
    s.commit(s.begin());
};
static_assert(CanCommitAll<ringlib::fragment_section> && CanCommitCount<ringlib::fragment_section> &&
              CanCommitPosition<ringlib::fragment_section>);
static_assert(!CanCommitAll<ringlib::packet_fragment_section> && !CanCommitCount<ringlib::packet_fragment_section> &&
              !CanCommitPosition<ringlib::packet_fragment_section>);

namespace {

// Same wrapped queue as the iterator specification: packets (8) drain [6,1) post [1,3);
// fragments (16) drain [12,15) post [15,4).
struct WrappedQueue {
    InMemoryRings rings{8, 16, 16, 24};

    WrappedQueue() {
        rings.packets.place_indices(5, 6, 1, 3);
        rings.fragments.place_indices(10, 12, 15, 4);
    }

    NET_RING_COLLECTION const* collection() const { return rings.collection(); }
};

template <typename Section>
std::vector<UINT32> indices_of(Section const& section) {
    std::vector<UINT32> indices;
    for (auto it = section.begin(); it != section.end(); ++it) {
        indices.push_back(it.index());
    }
    return indices;
}

}  // namespace

TEST_CASE("sections span the ranges of the 2019 iterators, wrapping") {
    WrappedQueue q;
    auto const* rings = q.collection();
    CHECK(indices_of(ringlib::post_packets(rings)) == std::vector<UINT32>{1, 2});
    CHECK(indices_of(ringlib::drain_packets(rings)) == std::vector<UINT32>{6, 7, 0});
    CHECK(indices_of(ringlib::all_packets(rings)) == std::vector<UINT32>{6, 7, 0, 1, 2});
    CHECK(indices_of(ringlib::post_fragments(rings)) == std::vector<UINT32>{15, 0, 1, 2, 3});
    CHECK(indices_of(ringlib::drain_fragments(rings)) == std::vector<UINT32>{12, 13, 14});
    CHECK(indices_of(ringlib::all_fragments(rings)) == std::vector<UINT32>{12, 13, 14, 15, 0, 1, 2, 3});

    auto const all = ringlib::all_packets(*rings);
    CHECK(all.size() == 5);
    CHECK_FALSE(all.empty());
    CHECK(all.begin_index() == 6);
    CHECK(all.end_index() == 3);
    CHECK(all.ring() == q.rings.packets.get());
    CHECK(ringlib::post_fragments(rings).size() == 5);
}

TEST_CASE("a range-for yields the elements themselves and indexed() adds their ring index") {
    WrappedQueue q;
    std::vector<unsigned char*> addresses;
    for (NET_PACKET& packet : ringlib::drain_packets(q.collection())) {
        addresses.push_back(reinterpret_cast<unsigned char*>(&packet));
    }
    CHECK(addresses == std::vector<unsigned char*>{q.rings.packets.element_address(6),
                                                   q.rings.packets.element_address(7),
                                                   q.rings.packets.element_address(0)});

    std::vector<UINT32> indices;
    for (auto [index, fragment] : ringlib::post_fragments(q.collection()).indexed()) {
        CHECK(reinterpret_cast<unsigned char*>(&fragment) == q.rings.fragments.element_address(index));
        indices.push_back(index);
    }
    CHECK(indices == std::vector<UINT32>{15, 0, 1, 2, 3});
}

TEST_CASE("writes through a section land in the ring element") {
    WrappedQueue q;
    for (auto [index, packet] : ringlib::all_packets(q.collection()).indexed()) {
        packet.Scratch = 1;
        packet.FragmentIndex = index;
    }
    CHECK(q.rings.packet(7).Scratch == 1);
    CHECK(q.rings.packet(2).FragmentIndex == 2);
    CHECK(q.rings.packet(3).Scratch == 0);  // OS-owned
}

TEST_CASE("an empty section yields nothing") {
    InMemoryRings rings(8, 8);
    rings.packets.place_indices(7, 7, 7, 7);
    auto section = ringlib::all_packets(rings.collection());
    CHECK(section.empty());
    CHECK(section.size() == 0);
    CHECK(section.begin() == section.end());
}

TEST_CASE("walking a section never writes the ring, only commit does") {
    WrappedQueue q;
    NET_RING before_packets = *q.rings.packets.get();
    auto post = ringlib::post_packets(q.collection());
    auto it = post.begin();
    ++it;
    CHECK(q.rings.packets->NextIndex == 1);
    CHECK(std::ranges::equal(q.rings.packets.header_bytes(),
                             std::span(reinterpret_cast<unsigned char const*>(&before_packets), 64)));

    SECTION("commit(position) writes the position's index into NextIndex") {
        post.commit(it);
        CHECK(q.rings.packets->NextIndex == 2);
        CHECK(q.rings.packets->BeginIndex == 6);
        CHECK(q.rings.packets->EndIndex == 3);
    }
    SECTION("commit accepts an indexed position too") {
        auto indexed = post.indexed().begin();
        ++indexed;
        ++indexed;
        post.commit(indexed);
        CHECK(q.rings.packets->NextIndex == 3);
    }
    SECTION("commit_count counts from the section's start, across the wrap") {
        auto drain = ringlib::drain_packets(q.collection());
        drain.commit_count(2);
        CHECK(q.rings.packets->BeginIndex == 0);
        drain.commit_count(0);  // positions stay relative to the snapshot
        CHECK(q.rings.packets->BeginIndex == 6);
    }
    SECTION("commit_all writes the end snapshot") {
        auto all = ringlib::all_fragments(q.collection());
        q.rings.fragments->EndIndex = 8;  // handed over after the snapshot: not returned
        all.commit_all();
        CHECK(q.rings.fragments->BeginIndex == 4);
        CHECK(q.rings.fragments->NextIndex == 15);
    }
}

TEST_CASE("commit refuses to move an index outside its section") {
    WrappedQueue q;
    auto post = ringlib::post_packets(q.collection());
    CHECK_THROWS_AS(post.commit_count(3), ringlib::ApiMisuse);  // past EndIndex
    auto drain = ringlib::drain_packets(q.collection());
    CHECK_THROWS_AS(post.commit(drain.begin()), ringlib::ApiMisuse);  // behind NextIndex
    CHECK(q.rings.packets->NextIndex == 1);
    CHECK_NOTHROW(post.commit(post.end()));
    CHECK(q.rings.packets->NextIndex == 3);
}

TEST_CASE("a ring index outside the ring is API misuse when the section is made") {
    WrappedQueue q;
    q.rings.packets->EndIndex = 8;
    CHECK_THROWS_AS(ringlib::post_packets(q.collection()), ringlib::ApiMisuse);
    CHECK_NOTHROW(ringlib::drain_packets(q.collection()));
}

TEST_CASE("packet_fragments walks one packet's fragments with wrap, like NetPacketIteratorGetFragments") {
    WrappedQueue q;
    q.rings.packet(6).FragmentIndex = 14;
    q.rings.packet(6).FragmentCount = 4;
    auto const fragments = ringlib::packet_fragments(q.collection(), q.rings.packet(6));
    CHECK(fragments.size() == 4);
    CHECK(indices_of(fragments) == std::vector<UINT32>{14, 15, 0, 1});

    auto packets = NetRingGetAllPackets(q.collection());
    auto reference = NetPacketIteratorGetFragments(&packets);
    CHECK(fragments.begin_index() == reference.Iterator.Index);
    CHECK(fragments.end_index() == reference.Iterator.End);

    q.rings.packet(7).FragmentIndex = 3;
    q.rings.packet(7).FragmentCount = 0;
    CHECK(ringlib::packet_fragments(*q.collection(), q.rings.packet(7)).empty());

    q.rings.packet(0).FragmentCount = 16;  // the whole ring: would alias an empty run
    CHECK_THROWS_AS(ringlib::packet_fragments(q.collection(), q.rings.packet(0)), ringlib::ApiMisuse);
}

TEST_CASE("sections work with standard range algorithms") {
    WrappedQueue q;
    q.rings.packet(7).Ignore = 1;
    q.rings.packet(1).Ignore = 1;
    CHECK(std::ranges::count_if(ringlib::all_packets(q.collection()), [](NET_PACKET const& p) { return p.Ignore; }) ==
          2);
    // A borrowed range: the iterator from a temporary section is still valid.
    auto found =
        std::ranges::find_if(ringlib::all_packets(q.collection()), [](NET_PACKET const& p) { return p.Ignore; });
    CHECK(found.index() == 7);
    CHECK(std::ranges::distance(ringlib::all_fragments(q.collection())) == 8);
}

TEST_CASE("a TX completion reads naturally: drain packets, return their fragments, commit both") {
    WrappedQueue q;
    // Drain packets 6, 7, 0 own fragments 12, 13 | 14 | (none); hardware completed the first two.
    q.rings.packet(6).FragmentIndex = 12;
    q.rings.packet(6).FragmentCount = 2;
    q.rings.packet(7).FragmentIndex = 14;
    q.rings.packet(7).FragmentCount = 1;
    auto const rings = q.collection();

    auto drain = ringlib::drain_packets(rings);
    UINT32 completed_packets = 0;
    UINT32 completed_fragments = 0;
    for (auto [index, packet] : drain.indexed()) {
        if (index == 0) {
            break;  // hardware still owns it
        }
        completed_packets += 1;
        completed_fragments += ringlib::packet_fragments(rings, packet).size();
    }
    drain.commit_count(completed_packets);
    ringlib::drain_fragments(rings).commit_count(completed_fragments);
    CHECK(q.rings.packets->BeginIndex == 0);
    CHECK(q.rings.fragments->BeginIndex == 15);
}
