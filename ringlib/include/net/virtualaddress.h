#pragma once

#include <net/extension.h>
#include <net/virtualaddresstypes.h>

FORCEINLINE NET_FRAGMENT_VIRTUAL_ADDRESS* NetExtensionGetFragmentVirtualAddress(_In_ NET_EXTENSION const* Extension,
                                                                                _In_ UINT32 Index) {
    return static_cast<NET_FRAGMENT_VIRTUAL_ADDRESS*>(NetExtensionGetData(Extension, Index));
}
