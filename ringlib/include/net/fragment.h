// NET_FRAGMENT: one contiguous buffer of a packet (8 bytes). Buffer addresses live in the
// virtual-address and logical-address fragment extensions, not here.
#pragma once

#include <net/ring.h>

typedef struct _NET_FRAGMENT {
    UINT64 ValidLength : 26;
    UINT64 Capacity : 26;
    UINT64 Offset : 10;
    UINT64 Scratch : 1;
    UINT64 OsReserved_Bounced : 1;
} NET_FRAGMENT;

C_ASSERT(sizeof(NET_FRAGMENT) == 8);

FORCEINLINE NET_FRAGMENT* NetRingGetFragmentAtIndex(_In_ NET_RING const* Ring, _In_ UINT32 Index) {
    return static_cast<NET_FRAGMENT*>(NetRingGetElementAtIndex(Ring, Index));
}
