#pragma once

#include <net/extension.h>
#include <net/logicaladdresstypes.h>

FORCEINLINE NET_FRAGMENT_LOGICAL_ADDRESS* NetExtensionGetFragmentLogicalAddress(_In_ NET_EXTENSION const* Extension,
                                                                                _In_ UINT32 Index) {
    return static_cast<NET_FRAGMENT_LOGICAL_ADDRESS*>(NetExtensionGetData(Extension, Index));
}
