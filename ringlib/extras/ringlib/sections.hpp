// ringlib::sections: C++20 ranges over the sections of a net ring (docs/netring.md §2, §4).
//
//   auto post = ringlib::post_packets(rings);        // [NextIndex, EndIndex) of the packet ring
//   for (auto [index, packet] : post.indexed()) {     // index: for NetExtensionGetData(ext, index)
//       for (NET_FRAGMENT& fragment : ringlib::packet_fragments(rings, packet)) { ... }
//   }
//   post.commit_all();                                // the one write-back: NextIndex = EndIndex
//
// Same sections, same snapshot and same write-back as NetRingGet{Post,Drain,All}{Packets,Fragments}
// and NetPacketIteratorGetFragments; walking a section never writes the ring, commit does.
// Header-only, no allocation, no virtual call: an element access is the same multiply-add as
// NetRingGetElementAtIndex, minus its range check, because every index a section hands out is
// masked by construction (the section checks its bounds once, when it is made).
#pragma once

#include <net/fragment.h>
#include <net/packet.h>
#include <net/ringcollection.h>

#include <concepts>
#include <cstddef>
#include <iterator>
#include <ranges>
#include <type_traits>

namespace ringlib {

template <typename Element>
concept RingElement = std::same_as<Element, NET_PACKET> || std::same_as<Element, NET_FRAGMENT>;

/// What an indexed() walk yields: the element and its ring index, for `auto [index, element]`.
template <RingElement Element>
struct indexed_element {
    UINT32 index;
    Element& element;
};

/// Forward iterator over ring elements in ring order, wrapping at the end of the ring.
/// Contract: it is only meaningful within the section that made it; two iterators compare equal
/// when their indices are equal. With Indexed it yields indexed_element instead of Element&.
/// It caches the ring's base, stride and mask, so walking it never reads or writes the header.
template <RingElement Element, bool Indexed = false>
class ring_iterator {
public:
    using value_type = std::conditional_t<Indexed, indexed_element<Element>, Element>;
    using reference = std::conditional_t<Indexed, indexed_element<Element>, Element&>;
    using difference_type = std::ptrdiff_t;
    using iterator_concept = std::forward_iterator_tag;
    // Legacy algorithms require a true reference for forward iterators; indexed yields a proxy.
    using iterator_category = std::conditional_t<Indexed, std::input_iterator_tag, std::forward_iterator_tag>;

    ring_iterator() = default;

    ring_iterator(NET_RING const* ring, UINT32 index) noexcept
        : elements_(const_cast<unsigned char*>(ring->Buffer)),
          stride_bytes_(ring->ElementStride),
          index_mask_(ring->ElementIndexMask),
          index_(index) {}

    /// The ring index of the current element (what Net{Packet,Fragment}IteratorGetIndex returns).
    [[nodiscard]] UINT32 index() const noexcept { return index_; }

    [[nodiscard]] Element& element() const noexcept {
        return *reinterpret_cast<Element*>(elements_ + static_cast<std::size_t>(index_) * stride_bytes_);
    }

    reference operator*() const noexcept {
        if constexpr (Indexed) {
            return reference{index_, element()};
        } else {
            return element();
        }
    }

    Element* operator->() const noexcept { return &element(); }

    ring_iterator& operator++() noexcept {
        index_ = (index_ + 1) & index_mask_;
        return *this;
    }

    ring_iterator operator++(int) noexcept {
        ring_iterator before = *this;
        ++*this;
        return before;
    }

    friend bool operator==(ring_iterator const& a, ring_iterator const& b) noexcept { return a.index_ == b.index_; }

private:
    unsigned char* elements_ = nullptr;
    UINT32 stride_bytes_ = 0;
    UINT32 index_mask_ = 0;
    UINT32 index_ = 0;
};

/// The walk of a section that yields {index, element}; a plain pair of iterators into the ring.
template <RingElement Element>
class indexed_range {
public:
    using iterator = ring_iterator<Element, true>;

    indexed_range(iterator first, iterator last) noexcept : first_(first), last_(last) {}

    [[nodiscard]] iterator begin() const noexcept { return first_; }
    [[nodiscard]] iterator end() const noexcept { return last_; }

private:
    iterator first_;
    iterator last_;
};

/// The run [begin_index, end_index) of one ring, both indices snapshotted when the section is made
/// (as the 2019 iterators snapshot End). With WriteBack the section knows the one ring index it
/// may write (NextIndex for post, BeginIndex for drain and all) and commit*() writes it; walking
/// never does. Without WriteBack (the fragments of one packet) there is nothing to write and
/// commit does not compile, where the 2019 API fails at run time. commit checks, once, that the
/// new index lies inside the section, so a driver cannot move an index past EndIndex or backward.
/// A commit writes the ring only: the section keeps its snapshot, and positions stay relative to it.
template <RingElement Element, bool WriteBack = true>
class ring_section {
public:
    using iterator = ring_iterator<Element>;
    using indexed_iterator = ring_iterator<Element, true>;

    ring_section(NET_RING* ring, UINT32 begin_index, UINT32 end_index, UINT32* index_to_set)
        : ring_(ring), index_to_set_(index_to_set), begin_index_(begin_index), end_index_(end_index) {
        NT_ASSERT(begin_index < ring->NumberOfElements);
        NT_ASSERT(end_index < ring->NumberOfElements);
        NT_ASSERT((index_to_set != nullptr) == WriteBack);
    }

    [[nodiscard]] iterator begin() const noexcept { return iterator(ring_, begin_index_); }
    [[nodiscard]] iterator end() const noexcept { return iterator(ring_, end_index_); }

    /// The same walk, yielding {index, element}: `for (auto [index, packet] : section.indexed())`.
    [[nodiscard]] indexed_range<Element> indexed() const noexcept {
        return {indexed_iterator(ring_, begin_index_), indexed_iterator(ring_, end_index_)};
    }

    [[nodiscard]] UINT32 size() const noexcept { return NetRingGetRangeCount(ring_, begin_index_, end_index_); }
    [[nodiscard]] bool empty() const noexcept { return begin_index_ == end_index_; }
    [[nodiscard]] UINT32 begin_index() const noexcept { return begin_index_; }
    [[nodiscard]] UINT32 end_index() const noexcept { return end_index_; }
    [[nodiscard]] NET_RING* ring() const noexcept { return ring_; }

    /// Writes position's index: everything before position is done (posted, or returned to the OS).
    template <bool Indexed>
    void commit(ring_iterator<Element, Indexed> position) const requires WriteBack {
        commit_count(NetRingGetRangeCount(ring_, begin_index_, position.index()));
    }

    /// Writes begin_index + count: the first count elements of the section are done.
    void commit_count(UINT32 count) const requires WriteBack {
        NT_ASSERT(count <= size());  // never past the section's end, never behind its start
        *index_to_set_ = NetRingAdvanceIndex(ring_, begin_index_, static_cast<INT32>(count));
    }

    /// Writes end_index: the whole section is done (AdvanceToTheEnd then Set, in 2019 terms).
    void commit_all() const requires WriteBack { *index_to_set_ = end_index_; }

private:
    NET_RING* ring_;
    UINT32* index_to_set_;
    UINT32 begin_index_;
    UINT32 end_index_;
};

using packet_section = ring_section<NET_PACKET>;
using fragment_section = ring_section<NET_FRAGMENT>;
using packet_fragment_section = ring_section<NET_FRAGMENT, false>;

namespace sections_detail {

template <RingElement Element>
ring_section<Element> post(NET_RING* ring) {
    return {ring, ring->NextIndex, ring->EndIndex, &ring->NextIndex};
}

template <RingElement Element>
ring_section<Element> drain(NET_RING* ring) {
    return {ring, ring->BeginIndex, ring->NextIndex, &ring->BeginIndex};
}

template <RingElement Element>
ring_section<Element> all(NET_RING* ring) {
    return {ring, ring->BeginIndex, ring->EndIndex, &ring->BeginIndex};
}

}  // namespace sections_detail

/// Packets handed over but not yet given to hardware: [NextIndex, EndIndex); commit writes NextIndex.
inline packet_section post_packets(NET_RING_COLLECTION const* rings) {
    return sections_detail::post<NET_PACKET>(NetRingCollectionGetPacketRing(rings));
}

/// Packets given to hardware, awaiting completion: [BeginIndex, NextIndex); commit writes BeginIndex.
inline packet_section drain_packets(NET_RING_COLLECTION const* rings) {
    return sections_detail::drain<NET_PACKET>(NetRingCollectionGetPacketRing(rings));
}

/// Every packet the driver owns: [BeginIndex, EndIndex); commit writes BeginIndex.
inline packet_section all_packets(NET_RING_COLLECTION const* rings) {
    return sections_detail::all<NET_PACKET>(NetRingCollectionGetPacketRing(rings));
}

/// Fragment ring, [NextIndex, EndIndex); commit writes NextIndex.
inline fragment_section post_fragments(NET_RING_COLLECTION const* rings) {
    return sections_detail::post<NET_FRAGMENT>(NetRingCollectionGetFragmentRing(rings));
}

/// Fragment ring, [BeginIndex, NextIndex); commit writes BeginIndex.
inline fragment_section drain_fragments(NET_RING_COLLECTION const* rings) {
    return sections_detail::drain<NET_FRAGMENT>(NetRingCollectionGetFragmentRing(rings));
}

/// Fragment ring, [BeginIndex, EndIndex); commit writes BeginIndex.
inline fragment_section all_fragments(NET_RING_COLLECTION const* rings) {
    return sections_detail::all<NET_FRAGMENT>(NetRingCollectionGetFragmentRing(rings));
}

/// The FragmentCount fragments of packet from FragmentIndex on, with wrap. Read-only walk: a TX
/// driver returns them by committing drain_fragments/all_fragments (e.g. commit_count(total)).
/// A FragmentCount the fragment ring cannot hold is API misuse (it would alias an empty run).
inline packet_fragment_section packet_fragments(NET_RING_COLLECTION const* rings, NET_PACKET const& packet) {
    NET_RING* const fragments = NetRingCollectionGetFragmentRing(rings);
    NT_ASSERT(packet.FragmentCount < fragments->NumberOfElements);
    return {fragments, packet.FragmentIndex, NetRingAdvanceIndex(fragments, packet.FragmentIndex, packet.FragmentCount),
            nullptr};
}

// The same, for drivers that hold the collection by reference.
inline packet_section post_packets(NET_RING_COLLECTION const& rings) {
    return post_packets(&rings);
}
inline packet_section drain_packets(NET_RING_COLLECTION const& rings) {
    return drain_packets(&rings);
}
inline packet_section all_packets(NET_RING_COLLECTION const& rings) {
    return all_packets(&rings);
}
inline fragment_section post_fragments(NET_RING_COLLECTION const& rings) {
    return post_fragments(&rings);
}
inline fragment_section drain_fragments(NET_RING_COLLECTION const& rings) {
    return drain_fragments(&rings);
}
inline fragment_section all_fragments(NET_RING_COLLECTION const& rings) {
    return all_fragments(&rings);
}
inline packet_fragment_section packet_fragments(NET_RING_COLLECTION const& rings, NET_PACKET const& packet) {
    return packet_fragments(&rings, packet);
}

}  // namespace ringlib

// Iterators point into the ring, not into the section, so they outlive it (std::ranges::find on a
// temporary section returns a usable iterator).
template <ringlib::RingElement Element, bool WriteBack>
inline constexpr bool std::ranges::enable_borrowed_range<ringlib::ring_section<Element, WriteBack>> = true;
template <ringlib::RingElement Element>
inline constexpr bool std::ranges::enable_borrowed_range<ringlib::indexed_range<Element>> = true;
