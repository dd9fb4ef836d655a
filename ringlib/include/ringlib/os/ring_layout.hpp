// How a ring element is laid out: the core struct (NET_PACKET or NET_FRAGMENT) followed by the
// registered extensions inline, each at its own alignment; the stride is rounded up to the
// largest alignment so that every element's extensions stay aligned. And OwnedRing, the
// 64-byte aligned storage of one NET_RING (header + elements), zeroed, every index 0.
#pragma once

#include <net/extension.h>
#include <net/ring.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ringlib::os {

struct ExtensionDeclaration {
    wchar_t const* name;
    ULONG version;
    NET_EXTENSION_TYPE type;
    std::size_t size_bytes;
    std::size_t alignment_bytes;
};

/// The extensions ringlib's OS side knows how to register.
namespace extension {
extern ExtensionDeclaration const packet_checksum;
extern ExtensionDeclaration const packet_lso;
extern ExtensionDeclaration const packet_ieee8021q;
extern ExtensionDeclaration const packet_hash;
extern ExtensionDeclaration const fragment_virtual_address;
extern ExtensionDeclaration const fragment_logical_address;
}  // namespace extension

class RingLayout {
public:
    RingLayout(std::size_t core_size_bytes, std::size_t core_alignment_bytes,
               std::vector<ExtensionDeclaration> const& extensions);

    std::uint16_t stride_bytes() const noexcept { return stride_bytes_; }
    /// Byte offset of a registered extension inside an element; nullopt when not registered.
    std::optional<std::size_t> offset_of(wchar_t const* name, ULONG version, NET_EXTENSION_TYPE type) const;

private:
    struct Placed {
        ExtensionDeclaration declaration;
        std::size_t offset_bytes;
    };
    std::vector<Placed> placed_;
    std::uint16_t stride_bytes_ = 0;
};

class OwnedRing {
public:
    /// `element_count` must already be validated (power of two, 2..65536).
    OwnedRing(std::uint32_t element_count, std::uint16_t stride_bytes);

    NET_RING* get() const noexcept { return ring_.get(); }
    NET_RING* operator->() const noexcept { return ring_.get(); }
    NET_RING& operator*() const noexcept { return *ring_; }
    std::size_t storage_bytes() const noexcept { return storage_bytes_; }

    unsigned char* element(std::uint32_t index) const noexcept {
        return ring_->Buffer + static_cast<std::size_t>(index) * ring_->ElementStride;
    }

private:
    struct AlignedFree {
        void operator()(NET_RING* ring) const noexcept;
    };
    std::unique_ptr<NET_RING, AlignedFree> ring_;
    std::size_t storage_bytes_ = 0;
};

/// The NET_EXTENSION a driver receives for an extension at `offset_bytes` of `ring`'s elements.
NET_EXTENSION make_extension(NET_RING const* ring, std::optional<std::size_t> offset_bytes) noexcept;

}  // namespace ringlib::os
