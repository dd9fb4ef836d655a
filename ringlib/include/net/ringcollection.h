// NET_RING_COLLECTION: the rings of one packet queue, indexed by NET_RING_TYPE.
#pragma once

#include <net/ring.h>

typedef enum _NET_RING_TYPE {
    NetRingTypePacket = 0,
    NetRingTypeFragment = 1,
    NetRingTypeDataBuffer = 2,
} NET_RING_TYPE;

typedef struct _NET_RING_COLLECTION {
    NET_RING* Rings[NetRingTypeDataBuffer + 1];
} NET_RING_COLLECTION;

FORCEINLINE NET_RING* NetRingCollectionGetPacketRing(_In_ NET_RING_COLLECTION const* Rings) {
    return Rings->Rings[NetRingTypePacket];
}

FORCEINLINE NET_RING* NetRingCollectionGetFragmentRing(_In_ NET_RING_COLLECTION const* Rings) {
    return Rings->Rings[NetRingTypeFragment];
}

FORCEINLINE NET_RING* NetRingCollectionGetDataBufferRing(_In_ NET_RING_COLLECTION const* Rings) {
    return Rings->Rings[NetRingTypeDataBuffer];
}
