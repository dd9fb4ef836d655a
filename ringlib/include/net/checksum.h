#pragma once

#include <net/checksumtypes.h>
#include <net/extension.h>

FORCEINLINE NET_PACKET_CHECKSUM* NetExtensionGetPacketChecksum(_In_ NET_EXTENSION const* Extension, _In_ UINT32 Index) {
    return static_cast<NET_PACKET_CHECKSUM*>(NetExtensionGetData(Extension, Index));
}
