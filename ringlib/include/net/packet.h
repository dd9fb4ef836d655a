// NET_PACKET (12 bytes) and NET_PACKET_LAYOUT (5 packed bytes).
#pragma once

#include <net/ring.h>

typedef enum _NET_PACKET_LAYER2_TYPE {
    NetPacketLayer2TypeUnspecified = 0,
    NetPacketLayer2TypeNull = 1,
    NetPacketLayer2TypeEthernet = 2,
} NET_PACKET_LAYER2_TYPE;

typedef enum _NET_PACKET_LAYER3_TYPE {
    NetPacketLayer3TypeUnspecified = 0,
    NetPacketLayer3TypeIPv4UnspecifiedOptions = 1,
    NetPacketLayer3TypeIPv4WithOptions = 2,
    NetPacketLayer3TypeIPv4NoOptions = 3,
    NetPacketLayer3TypeIPv6UnspecifiedExtensions = 4,
    NetPacketLayer3TypeIPv6WithExtensions = 5,
    NetPacketLayer3TypeIPv6NoExtensions = 6,
} NET_PACKET_LAYER3_TYPE;

typedef enum _NET_PACKET_LAYER4_TYPE {
    NetPacketLayer4TypeUnspecified = 0,
    NetPacketLayer4TypeTcp = 1,
    NetPacketLayer4TypeUdp = 2,
    NetPacketLayer4TypeIPFragment = 3,
    NetPacketLayer4TypeIPNotFragment = 4,
} NET_PACKET_LAYER4_TYPE;

// Header lengths in bytes and protocol types; the types hold NET_PACKET_LAYERn_TYPE values.
typedef struct __attribute__((packed)) _NET_PACKET_LAYOUT {
    UINT8 Layer2HeaderLength : 7;
    UINT16 Layer3HeaderLength : 9;
    UINT8 Layer4HeaderLength : 8;
    UINT8 Layer2Type : 4;
    UINT8 Layer3Type : 4;
    UINT8 Layer4Type : 4;
    UINT8 Reserved0 : 4;
} NET_PACKET_LAYOUT;

C_ASSERT(sizeof(NET_PACKET_LAYOUT) == 5);

typedef struct _NET_PACKET {
    UINT32 FragmentIndex;
    UINT16 FragmentCount;
    NET_PACKET_LAYOUT Layout;
    UINT8 Ignore : 1;
    UINT8 Scratch : 1;
    UINT8 Reserved1 : 6;
} NET_PACKET;

C_ASSERT(sizeof(NET_PACKET) == 12);
C_ASSERT(offsetof(NET_PACKET, FragmentIndex) == 0);
C_ASSERT(offsetof(NET_PACKET, FragmentCount) == 4);
C_ASSERT(offsetof(NET_PACKET, Layout) == 6);

FORCEINLINE NET_PACKET* NetRingGetPacketAtIndex(_In_ NET_RING const* Ring, _In_ UINT32 Index) {
    return static_cast<NET_PACKET*>(NetRingGetElementAtIndex(Ring, Index));
}

FORCEINLINE BOOLEAN NetPacketIsIpv4(_In_ NET_PACKET const* Packet) {
    return Packet->Layout.Layer3Type >= NetPacketLayer3TypeIPv4UnspecifiedOptions &&
           Packet->Layout.Layer3Type <= NetPacketLayer3TypeIPv4NoOptions;
}

FORCEINLINE BOOLEAN NetPacketIsIpv6(_In_ NET_PACKET const* Packet) {
    return Packet->Layout.Layer3Type >= NetPacketLayer3TypeIPv6UnspecifiedExtensions &&
           Packet->Layout.Layer3Type <= NetPacketLayer3TypeIPv6NoExtensions;
}
