// Specification of net/ring.h, the element accessors of net/packet.h and net/fragment.h, and the
// collection accessors (docs/netring.md §1-§3), against rings built in memory.
#include "ring_fixture.hpp"

#include <catch2/catch.hpp>

using ringlib::testing::InMemoryRing;
using ringlib::testing::InMemoryRings;

TEST_CASE("NetRingGetElementAtIndex finds element i at Buffer + i * ElementStride") {
    InMemoryRing ring(8, 20);  // 20-byte stride: a core struct plus inline extensions
    for (UINT32 index = 0; index < 8; ++index) {
        CAPTURE(index);
        CHECK(NetRingGetElementAtIndex(ring.get(), index) == ring.element_address(index));
    }
    CHECK(static_cast<unsigned char*>(NetRingGetElementAtIndex(ring.get(), 0)) ==
          reinterpret_cast<unsigned char*>(ring.get()) + 64);
}

TEST_CASE("NetRingGetElementAtIndex rejects an index outside the ring as API misuse") {
    InMemoryRing ring(8, 8);
    CHECK_THROWS_AS(NetRingGetElementAtIndex(ring.get(), 8), ringlib::ApiMisuse);
    CHECK_THROWS_AS(NetRingGetElementAtIndex(ring.get(), 0xffffffffu), ringlib::ApiMisuse);
}

TEST_CASE("NetRingAdvanceIndex moves by a signed distance and wraps with the mask") {
    InMemoryRing ring(8, 8);
    CHECK(NetRingAdvanceIndex(ring.get(), 6, 3) == 1);
    CHECK(NetRingAdvanceIndex(ring.get(), 1, -3) == 6);
    CHECK(NetRingAdvanceIndex(ring.get(), 0, -1) == 7);
    CHECK(NetRingAdvanceIndex(ring.get(), 5, 0) == 5);
    CHECK(NetRingAdvanceIndex(ring.get(), 5, 8) == 5);  // a whole lap lands on the same slot
    CHECK(NetRingAdvanceIndex(ring.get(), 5, -8) == 5);
}

TEST_CASE("NetRingIncrementIndex steps by one and wraps from the last element to 0") {
    InMemoryRing ring(4, 8);
    CHECK(NetRingIncrementIndex(ring.get(), 0) == 1);
    CHECK(NetRingIncrementIndex(ring.get(), 2) == 3);
    CHECK(NetRingIncrementIndex(ring.get(), 3) == 0);

    InMemoryRing smallest(2, 8);
    CHECK(NetRingIncrementIndex(smallest.get(), 1) == 0);
}

TEST_CASE("NetRingGetRangeCount counts a half-open range in ring order (docs/netring.md §2 examples)") {
    InMemoryRing ring(8, 8);
    CHECK(NetRingGetRangeCount(ring.get(), 1, 4) == 3);
    CHECK(NetRingGetRangeCount(ring.get(), 4, 1) == 5);
    CHECK(NetRingGetRangeCount(ring.get(), 7, 7) == 0);
    CHECK(NetRingGetRangeCount(ring.get(), 0, 7) == 7);  // the most a driver can own: one slot stays empty
}

TEST_CASE("packet and fragment accessors honour a stride that includes extensions") {
    InMemoryRings rings(4, 8, /*packet stride*/ 28, /*fragment stride*/ 24);
    for (UINT32 index = 0; index < 4; ++index) {
        CHECK(reinterpret_cast<unsigned char*>(NetRingGetPacketAtIndex(rings.packets.get(), index)) ==
              rings.packets.element_address(index));
    }
    for (UINT32 index = 0; index < 8; ++index) {
        CHECK(reinterpret_cast<unsigned char*>(NetRingGetFragmentAtIndex(rings.fragments.get(), index)) ==
              rings.fragments.element_address(index));
    }
    CHECK_THROWS_AS(NetRingGetPacketAtIndex(rings.packets.get(), 4), ringlib::ApiMisuse);
    CHECK_THROWS_AS(NetRingGetFragmentAtIndex(rings.fragments.get(), 8), ringlib::ApiMisuse);
}

TEST_CASE("the ring collection accessors return the rings by NET_RING_TYPE") {
    InMemoryRings rings(4, 8);
    NET_RING_COLLECTION collection = *rings.collection();
    CHECK(NetRingCollectionGetPacketRing(&collection) == rings.packets.get());
    CHECK(NetRingCollectionGetFragmentRing(&collection) == rings.fragments.get());
    CHECK(NetRingCollectionGetDataBufferRing(&collection) == nullptr);
}

TEST_CASE("a fixture ring starts as NetAdapterCx starts a queue: OS fields set, every index 0") {
    InMemoryRing ring(16, 24);
    CHECK(ring->ElementStride == 24);
    CHECK(ring->NumberOfElements == 16);
    CHECK(ring->ElementIndexMask == 15);
    CHECK(ring->EndIndex == 0);
    CHECK(ring->OSReserved0 == 0);
    CHECK(ring->BeginIndex == 0);
    CHECK(ring->NextIndex == 0);
    CHECK(reinterpret_cast<std::uintptr_t>(ring.get()) % 64 == 0);
    CHECK_THROWS_AS(InMemoryRing(12, 8), std::invalid_argument);
    CHECK_THROWS_AS(InMemoryRing(1, 8), std::invalid_argument);
}
