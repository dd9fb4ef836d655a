// NET_EXTENSION: where a packet or fragment extension lives inside the ring elements.
// A driver queries it once by name and version (NET_EXTENSION_QUERY_INIT +
// Net{Tx,Rx}QueueGetExtension) and never hard-codes its offset.
#pragma once

#include <ringlib/wdk_base.h>

typedef enum _NET_EXTENSION_TYPE {
    NetExtensionTypeInvalid = 0,
    NetExtensionTypePacket = 1,
    NetExtensionTypeFragment = 2,
} NET_EXTENSION_TYPE;

typedef struct _NET_EXTENSION {
    void* Reserved[2];  // [0]: the data of element 0; [1]: the ring's element stride (bytes)
    BOOLEAN Enabled;    // FALSE when the queue has no such extension
} NET_EXTENSION;

typedef struct _NET_EXTENSION_QUERY {
    ULONG Size;
    PCWSTR Name;
    ULONG Version;
    NET_EXTENSION_TYPE Type;
} NET_EXTENSION_QUERY;

FORCEINLINE void NET_EXTENSION_QUERY_INIT(_Out_ NET_EXTENSION_QUERY* Query, _In_ PCWSTR Name, _In_ ULONG Version,
                                          _In_ NET_EXTENSION_TYPE Type) {
    Query->Size = sizeof(NET_EXTENSION_QUERY);
    Query->Name = Name;
    Query->Version = Version;
    Query->Type = Type;
}

FORCEINLINE void* NetExtensionGetData(_In_ NET_EXTENSION const* Extension, _In_ UINT32 Index) {
    NT_ASSERT(Extension->Enabled);
    auto* const base = static_cast<unsigned char*>(Extension->Reserved[0]);
    auto const stride = reinterpret_cast<SIZE_T>(Extension->Reserved[1]);
    return base + stride * Index;
}
