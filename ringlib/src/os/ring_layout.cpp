#include <ringlib/os/ring_layout.hpp>

#include <net/checksumtypes.h>
#include <net/ieee8021qtypes.h>
#include <net/logicaladdresstypes.h>
#include <net/lsotypes.h>
#include <net/packethash.h>
#include <net/virtualaddresstypes.h>

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <new>
#include <stdexcept>

namespace ringlib::os {

namespace extension {
ExtensionDeclaration const packet_checksum{NET_PACKET_EXTENSION_CHECKSUM_NAME, NET_PACKET_EXTENSION_CHECKSUM_VERSION_1,
                                           NetExtensionTypePacket, sizeof(NET_PACKET_CHECKSUM),
                                           alignof(NET_PACKET_CHECKSUM)};
ExtensionDeclaration const packet_lso{NET_PACKET_EXTENSION_LSO_NAME, NET_PACKET_EXTENSION_LSO_VERSION_1,
                                      NetExtensionTypePacket, sizeof(NET_PACKET_LSO), alignof(NET_PACKET_LSO)};
ExtensionDeclaration const packet_ieee8021q{NET_PACKET_EXTENSION_IEEE8021Q_NAME,
                                            NET_PACKET_EXTENSION_IEEE8021Q_VERSION_1, NetExtensionTypePacket,
                                            sizeof(NET_PACKET_IEEE8021Q), alignof(NET_PACKET_IEEE8021Q)};
ExtensionDeclaration const packet_hash{NET_PACKET_EXTENSION_HASH_NAME, NET_PACKET_EXTENSION_HASH_VERSION_1,
                                       NetExtensionTypePacket, sizeof(NET_PACKET_HASH), alignof(NET_PACKET_HASH)};
ExtensionDeclaration const fragment_virtual_address{
    NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_NAME, NET_FRAGMENT_EXTENSION_VIRTUAL_ADDRESS_VERSION_1,
    NetExtensionTypeFragment, sizeof(NET_FRAGMENT_VIRTUAL_ADDRESS), alignof(NET_FRAGMENT_VIRTUAL_ADDRESS)};
ExtensionDeclaration const fragment_logical_address{
    NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_NAME, NET_FRAGMENT_EXTENSION_LOGICAL_ADDRESS_VERSION_1,
    NetExtensionTypeFragment, sizeof(NET_FRAGMENT_LOGICAL_ADDRESS), alignof(NET_FRAGMENT_LOGICAL_ADDRESS)};
}  // namespace extension

namespace {
std::size_t round_up(std::size_t value, std::size_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}
}  // namespace

RingLayout::RingLayout(std::size_t core_size_bytes, std::size_t core_alignment_bytes,
                       std::vector<ExtensionDeclaration> const& extensions) {
    std::size_t offset = core_size_bytes;
    std::size_t largest_alignment = core_alignment_bytes;
    for (auto const& declaration : extensions) {
        offset = round_up(offset, declaration.alignment_bytes);
        placed_.push_back(Placed{declaration, offset});
        offset += declaration.size_bytes;
        largest_alignment = std::max(largest_alignment, declaration.alignment_bytes);
    }
    std::size_t const stride = round_up(offset, largest_alignment);
    if (stride > UINT16_MAX) {
        throw std::length_error(fmt::format("ring element stride {} bytes exceeds the UINT16 ElementStride", stride));
    }
    stride_bytes_ = static_cast<std::uint16_t>(stride);
}

std::optional<std::size_t> RingLayout::offset_of(wchar_t const* name, ULONG version, NET_EXTENSION_TYPE type) const {
    if (name == nullptr) {
        return std::nullopt;
    }
    for (auto const& placed : placed_) {
        if (placed.declaration.type == type && placed.declaration.version == version &&
            std::wcscmp(placed.declaration.name, name) == 0) {
            return placed.offset_bytes;
        }
    }
    return std::nullopt;
}

void OwnedRing::AlignedFree::operator()(NET_RING* ring) const noexcept {
    std::free(ring);
}

OwnedRing::OwnedRing(std::uint32_t element_count, std::uint16_t stride_bytes) {
    storage_bytes_ = round_up(offsetof(NET_RING, Buffer) + static_cast<std::size_t>(element_count) * stride_bytes, 64);
    void* memory = std::aligned_alloc(64, storage_bytes_);
    if (memory == nullptr) {
        throw std::bad_alloc();
    }
    std::memset(memory, 0, storage_bytes_);
    ring_.reset(static_cast<NET_RING*>(memory));
    ring_->ElementStride = stride_bytes;
    ring_->NumberOfElements = element_count;
    ring_->ElementIndexMask = element_count - 1;
}

NET_EXTENSION make_extension(NET_RING const* ring, std::optional<std::size_t> offset_bytes) noexcept {
    NET_EXTENSION extension{};
    if (offset_bytes) {
        auto* const element0 = const_cast<unsigned char*>(ring->Buffer);
        extension.Reserved[0] = element0 + *offset_bytes;
        extension.Reserved[1] = reinterpret_cast<void*>(static_cast<std::uintptr_t>(ring->ElementStride));
        extension.Enabled = TRUE;
    }
    return extension;
}

}  // namespace ringlib::os
