// Net ring iterators: the 2019 API (NetRingGetPostPackets and friends, used by the public sample
// drivers) and, below it, the original 2018 names (NetRingGetAllPacketIterator and its family).
// Both generations are thin names over the same three-field iterator, so they cannot disagree.
//
// An iterator walks [Index, End) of one ring. Advancing never writes the ring; Set writes Index
// into the ring index it was made from (IndexToSet), and is the only write-back.
#pragma once

#include <net/fragment.h>
#include <net/packet.h>
#include <net/ringcollection.h>

typedef struct _NET_RING_ITERATOR {
    NET_RING_COLLECTION const* Rings;
    UINT32* const IndexToSet;  // NULL for a per-packet fragment iterator (2019)
    UINT32 Index;
    UINT32 const End;  // snapshot taken when the iterator was made
} NET_RING_ITERATOR;

typedef struct _NET_RING_PACKET_ITERATOR {
    NET_RING_ITERATOR Iterator;
} NET_RING_PACKET_ITERATOR;

typedef struct _NET_RING_FRAGMENT_ITERATOR {
    NET_RING_ITERATOR Iterator;
} NET_RING_FRAGMENT_ITERATOR;

namespace ringlib::detail {

enum class Section { Post, Drain, All };

// Post = [Next, End) setting Next; Drain = [Begin, Next) setting Begin; All = [Begin, End) setting Begin.
inline NET_RING_ITERATOR make_section_iterator(NET_RING_COLLECTION const* rings, NET_RING* ring, Section section) {
    switch (section) {
    case Section::Post: return NET_RING_ITERATOR{rings, &ring->NextIndex, ring->NextIndex, ring->EndIndex};
    case Section::Drain: return NET_RING_ITERATOR{rings, &ring->BeginIndex, ring->BeginIndex, ring->NextIndex};
    case Section::All: break;
    }
    return NET_RING_ITERATOR{rings, &ring->BeginIndex, ring->BeginIndex, ring->EndIndex};
}

inline NET_RING_ITERATOR make_packet_fragments_iterator(NET_RING_PACKET_ITERATOR const* packets, UINT32* index_to_set) {
    NET_RING_COLLECTION const* rings = packets->Iterator.Rings;
    NET_PACKET const* packet = NetRingGetPacketAtIndex(NetRingCollectionGetPacketRing(rings), packets->Iterator.Index);
    NET_RING const* fragments = NetRingCollectionGetFragmentRing(rings);
    return NET_RING_ITERATOR{rings, index_to_set, packet->FragmentIndex,
                             NetRingAdvanceIndex(fragments, packet->FragmentIndex, packet->FragmentCount)};
}

inline NET_RING* ring_of(NET_RING_PACKET_ITERATOR const* it) {
    return NetRingCollectionGetPacketRing(it->Iterator.Rings);
}
inline NET_RING* ring_of(NET_RING_FRAGMENT_ITERATOR const* it) {
    return NetRingCollectionGetFragmentRing(it->Iterator.Rings);
}

inline void set_index(NET_RING_ITERATOR const* it) {
    NT_ASSERT(it->IndexToSet != nullptr);  // a per-packet fragment iterator has no index to set
    *it->IndexToSet = it->Index;
}

}  // namespace ringlib::detail

// ---- 2019 API ------------------------------------------------------------------------------

FORCEINLINE NET_RING_PACKET_ITERATOR NetRingGetPostPackets(_In_ NET_RING_COLLECTION const* Rings) {
    return {ringlib::detail::make_section_iterator(Rings, NetRingCollectionGetPacketRing(Rings),
                                                   ringlib::detail::Section::Post)};
}

FORCEINLINE NET_RING_PACKET_ITERATOR NetRingGetDrainPackets(_In_ NET_RING_COLLECTION const* Rings) {
    return {ringlib::detail::make_section_iterator(Rings, NetRingCollectionGetPacketRing(Rings),
                                                   ringlib::detail::Section::Drain)};
}

FORCEINLINE NET_RING_PACKET_ITERATOR NetRingGetAllPackets(_In_ NET_RING_COLLECTION const* Rings) {
    return {ringlib::detail::make_section_iterator(Rings, NetRingCollectionGetPacketRing(Rings),
                                                   ringlib::detail::Section::All)};
}

FORCEINLINE NET_RING_FRAGMENT_ITERATOR NetRingGetPostFragments(_In_ NET_RING_COLLECTION const* Rings) {
    return {ringlib::detail::make_section_iterator(Rings, NetRingCollectionGetFragmentRing(Rings),
                                                   ringlib::detail::Section::Post)};
}

FORCEINLINE NET_RING_FRAGMENT_ITERATOR NetRingGetDrainFragments(_In_ NET_RING_COLLECTION const* Rings) {
    return {ringlib::detail::make_section_iterator(Rings, NetRingCollectionGetFragmentRing(Rings),
                                                   ringlib::detail::Section::Drain)};
}

FORCEINLINE NET_RING_FRAGMENT_ITERATOR NetRingGetAllFragments(_In_ NET_RING_COLLECTION const* Rings) {
    return {ringlib::detail::make_section_iterator(Rings, NetRingCollectionGetFragmentRing(Rings),
                                                   ringlib::detail::Section::All)};
}

FORCEINLINE BOOLEAN NetPacketIteratorHasAny(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return Iterator->Iterator.Index != Iterator->Iterator.End;
}

FORCEINLINE UINT32 NetPacketIteratorGetCount(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return NetRingGetRangeCount(ringlib::detail::ring_of(Iterator), Iterator->Iterator.Index, Iterator->Iterator.End);
}

FORCEINLINE UINT32 NetPacketIteratorGetIndex(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return Iterator->Iterator.Index;
}

FORCEINLINE NET_PACKET* NetPacketIteratorGetPacket(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return NetRingGetPacketAtIndex(ringlib::detail::ring_of(Iterator), Iterator->Iterator.Index);
}

FORCEINLINE void NetPacketIteratorAdvance(_Inout_ NET_RING_PACKET_ITERATOR* Iterator) {
    Iterator->Iterator.Index = NetRingIncrementIndex(ringlib::detail::ring_of(Iterator), Iterator->Iterator.Index);
}

FORCEINLINE void NetPacketIteratorAdvanceToTheEnd(_Inout_ NET_RING_PACKET_ITERATOR* Iterator) {
    Iterator->Iterator.Index = Iterator->Iterator.End;
}

FORCEINLINE void NetPacketIteratorSet(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    ringlib::detail::set_index(&Iterator->Iterator);
}

FORCEINLINE NET_RING_FRAGMENT_ITERATOR NetPacketIteratorGetFragments(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return {ringlib::detail::make_packet_fragments_iterator(Iterator, nullptr)};
}

FORCEINLINE BOOLEAN NetFragmentIteratorHasAny(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    return Iterator->Iterator.Index != Iterator->Iterator.End;
}

FORCEINLINE UINT32 NetFragmentIteratorGetCount(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    return NetRingGetRangeCount(ringlib::detail::ring_of(Iterator), Iterator->Iterator.Index, Iterator->Iterator.End);
}

FORCEINLINE UINT32 NetFragmentIteratorGetIndex(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    return Iterator->Iterator.Index;
}

FORCEINLINE NET_FRAGMENT* NetFragmentIteratorGetFragment(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    return NetRingGetFragmentAtIndex(ringlib::detail::ring_of(Iterator), Iterator->Iterator.Index);
}

FORCEINLINE void NetFragmentIteratorAdvance(_Inout_ NET_RING_FRAGMENT_ITERATOR* Iterator) {
    Iterator->Iterator.Index = NetRingIncrementIndex(ringlib::detail::ring_of(Iterator), Iterator->Iterator.Index);
}

FORCEINLINE void NetFragmentIteratorAdvanceToTheEnd(_Inout_ NET_RING_FRAGMENT_ITERATOR* Iterator) {
    Iterator->Iterator.Index = Iterator->Iterator.End;
}

FORCEINLINE void NetFragmentIteratorSet(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    ringlib::detail::set_index(&Iterator->Iterator);
}

// ---- 2018 API: the original names (docs/netring.md §5) -----------------------------------------

FORCEINLINE NET_RING_PACKET_ITERATOR NetRingGetAllPacketIterator(_In_ NET_RING_COLLECTION const* Rings) {
    return NetRingGetAllPackets(Rings);
}

FORCEINLINE void NetRingSetAllPacketIterator(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    NetPacketIteratorSet(Iterator);
}

FORCEINLINE NET_RING_FRAGMENT_ITERATOR NetRingGetAllFragmentIterator(_In_ NET_RING_COLLECTION const* Rings) {
    return NetRingGetAllFragments(Rings);
}

FORCEINLINE void NetRingSetAllFragmentIterator(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    NetFragmentIteratorSet(Iterator);
}

FORCEINLINE NET_RING_PACKET_ITERATOR NetRingGetTxPostPacketIterator(_In_ NET_RING_COLLECTION const* Rings) {
    return NetRingGetPostPackets(Rings);
}

FORCEINLINE void NetRingSetTxPostPacketIterator(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    NetPacketIteratorSet(Iterator);
}

FORCEINLINE NET_RING_PACKET_ITERATOR NetRingGetTxDrainPacketIterator(_In_ NET_RING_COLLECTION const* Rings) {
    return NetRingGetDrainPackets(Rings);
}

FORCEINLINE void NetRingSetTxDrainPacketIterator(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    NetPacketIteratorSet(Iterator);
}

// RX packets are never posted: the drain iterator of the 2018 API spans everything the driver owns.
FORCEINLINE NET_RING_PACKET_ITERATOR NetRingGetRxDrainPacketIterator(_In_ NET_RING_COLLECTION const* Rings) {
    return NetRingGetAllPackets(Rings);
}

FORCEINLINE void NetRingSetRxDrainPacketIterator(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    NetPacketIteratorSet(Iterator);
}

FORCEINLINE NET_RING_FRAGMENT_ITERATOR NetRingGetRxPostFragmentIterator(_In_ NET_RING_COLLECTION const* Rings) {
    return NetRingGetPostFragments(Rings);
}

FORCEINLINE void NetRingSetRxPostFragmentIterator(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    NetFragmentIteratorSet(Iterator);
}

FORCEINLINE NET_RING_FRAGMENT_ITERATOR NetRingGetRxDrainFragmentIterator(_In_ NET_RING_COLLECTION const* Rings) {
    return NetRingGetDrainFragments(Rings);
}

FORCEINLINE void NetRingSetRxDrainFragmentIterator(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    NetFragmentIteratorSet(Iterator);
}

// In 2018 a packet's fragment iterator remembered which fragment index it may set: the post
// iterator sets the fragment ring's NextIndex, the drain iterator its BeginIndex.
FORCEINLINE NET_RING_FRAGMENT_ITERATOR
NetRingGetTxPostPacketFragmentIterator(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return {ringlib::detail::make_packet_fragments_iterator(
        Iterator, &NetRingCollectionGetFragmentRing(Iterator->Iterator.Rings)->NextIndex)};
}

FORCEINLINE void NetRingSetTxPostFragmentIterator(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    NetFragmentIteratorSet(Iterator);
}

FORCEINLINE NET_RING_FRAGMENT_ITERATOR
NetRingGetTxDrainPacketFragmentIterator(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return {ringlib::detail::make_packet_fragments_iterator(
        Iterator, &NetRingCollectionGetFragmentRing(Iterator->Iterator.Rings)->BeginIndex)};
}

FORCEINLINE void NetRingSetTxDrainFragmentIterator(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    NetFragmentIteratorSet(Iterator);
}

FORCEINLINE void NetRingAdvancePacketIterator(_Inout_ NET_RING_PACKET_ITERATOR* Iterator) {
    NetPacketIteratorAdvance(Iterator);
}
FORCEINLINE void NetRingAdvanceFragmentIterator(_Inout_ NET_RING_FRAGMENT_ITERATOR* Iterator) {
    NetFragmentIteratorAdvance(Iterator);
}
FORCEINLINE void NetRingAdvanceEndPacketIterator(_Inout_ NET_RING_PACKET_ITERATOR* Iterator) {
    NetPacketIteratorAdvanceToTheEnd(Iterator);
}
FORCEINLINE void NetRingAdvanceEndFragmentIterator(_Inout_ NET_RING_FRAGMENT_ITERATOR* Iterator) {
    NetFragmentIteratorAdvanceToTheEnd(Iterator);
}

FORCEINLINE UINT32 NetRingPacketIteratorGetCount(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return NetPacketIteratorGetCount(Iterator);
}
FORCEINLINE UINT32 NetRingFragmentIteratorGetCount(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    return NetFragmentIteratorGetCount(Iterator);
}

FORCEINLINE NET_PACKET* NetRingIteratorGetPacket(_In_ NET_RING_PACKET_ITERATOR const* Iterator) {
    return NetPacketIteratorGetPacket(Iterator);
}
FORCEINLINE NET_FRAGMENT* NetRingIteratorGetFragment(_In_ NET_RING_FRAGMENT_ITERATOR const* Iterator) {
    return NetFragmentIteratorGetFragment(Iterator);
}

// The 2018 header made these two macros over either iterator kind, taking the iterator by value.
FORCEINLINE BOOLEAN NetRingIteratorAny(NET_RING_PACKET_ITERATOR const& Iterator) {
    return NetPacketIteratorHasAny(&Iterator);
}
FORCEINLINE BOOLEAN NetRingIteratorAny(NET_RING_FRAGMENT_ITERATOR const& Iterator) {
    return NetFragmentIteratorHasAny(&Iterator);
}
FORCEINLINE UINT32 NetRingIteratorGetIndex(NET_RING_PACKET_ITERATOR const& Iterator) {
    return Iterator.Iterator.Index;
}
FORCEINLINE UINT32 NetRingIteratorGetIndex(NET_RING_FRAGMENT_ITERATOR const& Iterator) {
    return Iterator.Iterator.Index;
}
