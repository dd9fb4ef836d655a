// Receive hash extension (ms_packet_hash): the RSS hash a NIC computed and over what.
#pragma once

#include <net/extension.h>

typedef enum _NET_PACKET_HASH_PROTOCOL_TYPE {
    NetPacketHashProtocolTypeNone = 0x00,
    NetPacketHashProtocolTypeIPv4 = 0x01,
    NetPacketHashProtocolTypeIPv4Options = 0x02,
    NetPacketHashProtocolTypeIPv6 = 0x04,
    NetPacketHashProtocolTypeIPv6Extensions = 0x08,
    NetPacketHashProtocolTypeTcp = 0x10,
    NetPacketHashProtocolTypeUdp = 0x20,
} NET_PACKET_HASH_PROTOCOL_TYPE;

typedef struct _NET_PACKET_HASH {
    UINT32 HashValue;
    UINT16 ProtocolType;  // NET_PACKET_HASH_PROTOCOL_TYPE flags
} NET_PACKET_HASH;

C_ASSERT(sizeof(NET_PACKET_HASH) == 8);

#define NET_PACKET_EXTENSION_HASH_NAME L"ms_packet_hash"
#define NET_PACKET_EXTENSION_HASH_VERSION_1 1U

FORCEINLINE NET_PACKET_HASH* NetExtensionGetPacketHash(_In_ NET_EXTENSION const* Extension, _In_ UINT32 Index) {
    return static_cast<NET_PACKET_HASH*>(NetExtensionGetData(Extension, Index));
}
