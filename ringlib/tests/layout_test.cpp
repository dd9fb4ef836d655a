// The WDK 2.x binary layouts, checked at run time too so that a layout regression shows up as a
// named failing test and not only as a compile error in some other file.
#include <catch2/catch.hpp>
#include <netadaptercx.h>

#include <cstring>

TEST_CASE("NET_RING has the 64-byte NetAdapterCx 2.x header") {
    CHECK(offsetof(NET_RING, ElementStride) == 2);
    CHECK(offsetof(NET_RING, NumberOfElements) == 4);
    CHECK(offsetof(NET_RING, ElementIndexMask) == 8);
    CHECK(offsetof(NET_RING, EndIndex) == 12);
    CHECK(offsetof(NET_RING, OSReserved0) == 16);
    CHECK(offsetof(NET_RING, BeginIndex) == 48);
    CHECK(offsetof(NET_RING, NextIndex) == 52);
    CHECK(offsetof(NET_RING, Scratch) == 56);
    CHECK(offsetof(NET_RING, Buffer) == 64);
    CHECK(alignof(NET_RING) == 64);
}

TEST_CASE("packet, fragment and extension structs have their WDK sizes") {
    CHECK(sizeof(NET_PACKET) == 12);
    CHECK(sizeof(NET_PACKET_LAYOUT) == 5);
    CHECK(sizeof(NET_FRAGMENT) == 8);
    CHECK(sizeof(NET_PACKET_CHECKSUM) == 1);
    CHECK(sizeof(NET_PACKET_LSO) == 4);
    CHECK(sizeof(NET_PACKET_IEEE8021Q) == 4);
    CHECK(sizeof(NET_PACKET_HASH) == 8);
    CHECK(sizeof(NET_FRAGMENT_LOGICAL_ADDRESS) == 8);
    CHECK(sizeof(NET_FRAGMENT_VIRTUAL_ADDRESS) == sizeof(void*));
}

TEST_CASE("NET_PACKET_LAYOUT bit fields pack into 40 bits in WDK order") {
    NET_PACKET_LAYOUT layout{};
    layout.Layer2HeaderLength = 0x7f;
    layout.Layer3HeaderLength = 0x1ff;
    layout.Layer4HeaderLength = 0xff;
    layout.Layer2Type = 0xf;
    layout.Layer3Type = 0xf;
    layout.Layer4Type = 0xf;
    unsigned char bytes[5];
    std::memcpy(bytes, &layout, sizeof bytes);
    CHECK(bytes[0] == 0xff);  // L2 length (7) + low bit of L3 length
    CHECK(bytes[1] == 0xff);  // rest of L3 length
    CHECK(bytes[2] == 0xff);  // L4 length
    CHECK(bytes[3] == 0xff);  // L2 type | L3 type
    CHECK(bytes[4] == 0x0f);  // L4 type, reserved nibble untouched
}

TEST_CASE("NET_FRAGMENT fields sit at their WDK bit positions") {
    NET_FRAGMENT fragment{};
    fragment.ValidLength = 1;
    fragment.Capacity = 1;
    fragment.Offset = 1;
    fragment.Scratch = 1;
    fragment.OsReserved_Bounced = 1;
    std::uint64_t raw;
    std::memcpy(&raw, &fragment, sizeof raw);
    CHECK(raw == ((1ull << 0) | (1ull << 26) | (1ull << 52) | (1ull << 62) | (1ull << 63)));
}
