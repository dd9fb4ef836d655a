#pragma once

#include <net/extension.h>
#include <net/lsotypes.h>

FORCEINLINE NET_PACKET_LSO* NetExtensionGetPacketLso(_In_ NET_EXTENSION const* Extension, _In_ UINT32 Index) {
    return static_cast<NET_PACKET_LSO*>(NetExtensionGetData(Extension, Index));
}
