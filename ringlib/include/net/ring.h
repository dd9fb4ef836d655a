// NET_RING: the ring buffer shared by NetAdapterCx and its client driver (NetAdapterCx 2.x layout).
// See docs/netring.md §1-§3 for who owns which index.
#pragma once

#include <ringlib/wdk_base.h>

typedef struct DECLSPEC_CACHEALIGN _NET_RING {
    UINT16 OSReserved1;
    UINT16 ElementStride;  // bytes from one element to the next: core struct + inline extensions
    UINT32 NumberOfElements;
    UINT32 ElementIndexMask;
    UINT32 EndIndex;  // written by the OS only
    union {
        UINT32 OSReserved0;  // the OS's private lag index (start of what it has not reclaimed)
        void* OSReserved2[4];
    };
    UINT32 BeginIndex;  // driver: elements before it are returned to the OS
    UINT32 NextIndex;   // driver's own bookkeeping: end of the drain section
    void* Scratch;
    DECLSPEC_CACHEALIGN unsigned char Buffer[ANYSIZE_ARRAY];
} NET_RING;

C_ASSERT(offsetof(NET_RING, OSReserved1) == 0);
C_ASSERT(offsetof(NET_RING, ElementStride) == 2);
C_ASSERT(offsetof(NET_RING, NumberOfElements) == 4);
C_ASSERT(offsetof(NET_RING, ElementIndexMask) == 8);
C_ASSERT(offsetof(NET_RING, EndIndex) == 12);
C_ASSERT(offsetof(NET_RING, OSReserved0) == 16);
C_ASSERT(offsetof(NET_RING, BeginIndex) == 48);
C_ASSERT(offsetof(NET_RING, NextIndex) == 52);
C_ASSERT(offsetof(NET_RING, Scratch) == 56);
C_ASSERT(offsetof(NET_RING, Buffer) == 64);

FORCEINLINE void* NetRingGetElementAtIndex(_In_ NET_RING const* Ring, _In_ UINT32 Index) {
    NT_ASSERT(Index < Ring->NumberOfElements);
    auto* const base = reinterpret_cast<unsigned char*>(const_cast<NET_RING*>(Ring)) + offsetof(NET_RING, Buffer);
    return base + static_cast<SIZE_T>(Index) * Ring->ElementStride;
}

FORCEINLINE UINT32 NetRingAdvanceIndex(_In_ NET_RING const* Ring, _In_ UINT32 Index, _In_ INT32 Distance) {
    return (Index + static_cast<UINT32>(Distance)) & Ring->ElementIndexMask;
}

FORCEINLINE UINT32 NetRingIncrementIndex(_In_ NET_RING const* Ring, _In_ UINT32 Index) {
    return NetRingAdvanceIndex(Ring, Index, 1);
}

FORCEINLINE UINT32 NetRingGetRangeCount(_In_ NET_RING const* Ring, _In_ UINT32 StartIndex, _In_ UINT32 EndIndex) {
    return (EndIndex - StartIndex) & Ring->ElementIndexMask;
}
