// Real net rings in memory for tests: a 64-byte-aligned block holding the NET_RING header and
// NumberOfElements * ElementStride bytes of elements, with the OS-written fields filled in as
// NetAdapterCx fills them when a queue starts (docs/netring.md §1, §2: every index 0).
//
// Header-only and free of Catch2 so that other test folders (os, verifier) can reuse it.
#pragma once

#include <net/fragment.h>
#include <net/packet.h>
#include <net/ringcollection.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <string>

namespace ringlib::testing {

/// One ring. Contract: NumberOfElements is a power of two >= 2 and the stride holds at least the
/// core element (checked, throws std::invalid_argument); elements start zeroed; the object owns
/// the memory and never moves it, so NET_RING* and element pointers stay valid for its lifetime.
class InMemoryRing {
public:
    InMemoryRing(UINT32 number_of_elements, UINT16 element_stride_bytes) {
        if (number_of_elements < 2 || (number_of_elements & (number_of_elements - 1)) != 0) {
            throw std::invalid_argument("ring size must be a power of two >= 2, got " +
                                        std::to_string(number_of_elements));
        }
        if (element_stride_bytes == 0) {
            throw std::invalid_argument("element stride must not be 0");
        }
        // NET_RING's declared size covers one alignment unit of Buffer; small rings need that much.
        size_bytes_ = std::max(sizeof(NET_RING),
                               offsetof(NET_RING, Buffer) + std::size_t{number_of_elements} * element_stride_bytes);
        storage_.reset(static_cast<unsigned char*>(::operator new (size_bytes_, std::align_val_t{alignof(NET_RING)})));
        std::memset(storage_.get(), 0, size_bytes_);
        ring_ = new (storage_.get()) NET_RING{};
        ring_->ElementStride = element_stride_bytes;
        ring_->NumberOfElements = number_of_elements;
        ring_->ElementIndexMask = number_of_elements - 1;
    }

    InMemoryRing(InMemoryRing const&) = delete;
    InMemoryRing& operator=(InMemoryRing const&) = delete;

    NET_RING* get() const noexcept { return ring_; }
    NET_RING* operator->() const noexcept { return ring_; }
    UINT32 size() const noexcept { return ring_->NumberOfElements; }

    /// Where element `index` must be, computed from the allocation and not from the ring helpers,
    /// so tests of those helpers have an independent reference.
    unsigned char* element_address(UINT32 index) const noexcept {
        return storage_.get() + 64 + std::size_t{index} * ring_->ElementStride;
    }

    /// The 64 header bytes, to prove that an operation wrote nothing but what it should.
    std::span<unsigned char const, 64> header_bytes() const noexcept {
        return std::span<unsigned char const, 64>(storage_.get(), 64);
    }

    /// Puts the ring in any ownership state at once (normally each side moves its own indices).
    void place_indices(UINT32 os_reclaim_index, UINT32 begin_index, UINT32 next_index, UINT32 end_index) noexcept {
        ring_->OSReserved0 = os_reclaim_index;
        ring_->BeginIndex = begin_index;
        ring_->NextIndex = next_index;
        ring_->EndIndex = end_index;
    }

private:
    struct AlignedDelete {
        void operator()(unsigned char* bytes) const noexcept {
            ::operator delete (bytes, std::align_val_t{alignof(NET_RING)});
        }
    };

    std::unique_ptr<unsigned char, AlignedDelete> storage_;
    std::size_t size_bytes_ = 0;
    NET_RING* ring_ = nullptr;
};

/// A packet ring and a fragment ring as one queue's NET_RING_COLLECTION (no data buffer ring).
/// Default strides are the bare core structs; pass larger ones to model inline extensions.
class InMemoryRings {
public:
    InMemoryRings(UINT32 packet_count, UINT32 fragment_count, UINT16 packet_stride_bytes = sizeof(NET_PACKET),
                  UINT16 fragment_stride_bytes = sizeof(NET_FRAGMENT))
        : packets(packet_count, packet_stride_bytes), fragments(fragment_count, fragment_stride_bytes) {
        if (packet_stride_bytes < sizeof(NET_PACKET) || fragment_stride_bytes < sizeof(NET_FRAGMENT)) {
            throw std::invalid_argument("element stride smaller than the core struct");
        }
        collection_.Rings[NetRingTypePacket] = packets.get();
        collection_.Rings[NetRingTypeFragment] = fragments.get();
    }

    NET_RING_COLLECTION const* collection() const noexcept { return &collection_; }

    NET_PACKET& packet(UINT32 index) const noexcept {
        return *reinterpret_cast<NET_PACKET*>(packets.element_address(index));
    }

    NET_FRAGMENT& fragment(UINT32 index) const noexcept {
        return *reinterpret_cast<NET_FRAGMENT*>(fragments.element_address(index));
    }

    InMemoryRing packets;
    InMemoryRing fragments;

private:
    NET_RING_COLLECTION collection_{};
};

}  // namespace ringlib::testing
