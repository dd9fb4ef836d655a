#pragma once

#include <net/extension.h>
#include <net/ieee8021qtypes.h>

FORCEINLINE NET_PACKET_IEEE8021Q* NetExtensionGetPacketIeee8021Q(_In_ NET_EXTENSION const* Extension,
                                                                 _In_ UINT32 Index) {
    return static_cast<NET_PACKET_IEEE8021Q*>(NetExtensionGetData(Extension, Index));
}
