#include <ringlib/dma_arena.hpp>

#include <fmt/format.h>

#include <bit>
#include <iterator>

namespace ringlib {

DmaArena::DmaArena(void* virtual_base, std::uint64_t logical_base, std::size_t size_bytes)
    : virtual_base_(static_cast<unsigned char*>(virtual_base)), logical_base_(logical_base), size_bytes_(size_bytes) {
    if (virtual_base == nullptr || size_bytes == 0) {
        throw DmaArenaError(fmt::format("DmaArena: expected a non-null region of at least 1 byte, got base={} size={}",
                                        virtual_base, size_bytes));
    }
    if (logical_base + size_bytes < logical_base) {
        throw DmaArenaError(
            fmt::format("DmaArena: logical range 0x{:x} + {} bytes wraps past 2^64", logical_base, size_bytes));
    }
    free_.emplace(0, size_bytes);
}

DmaBlock DmaArena::allocate(std::size_t size_bytes, std::size_t alignment) {
    if (size_bytes == 0 || !std::has_single_bit(alignment)) {
        throw DmaArenaError(
            fmt::format("DmaArena: expected size > 0 and a power-of-two alignment, got size={} bytes alignment={}",
                        size_bytes, alignment));
    }
    auto const virtual_misalignment = reinterpret_cast<std::uintptr_t>(virtual_base_) & (alignment - 1);
    auto const logical_misalignment = logical_base_ & (alignment - 1);
    if (virtual_misalignment != logical_misalignment) {
        throw DmaArenaError(
            fmt::format("DmaArena: alignment {} cannot hold in both address spaces: virtual base {} "
                        "and logical base 0x{:x} differ modulo {}",
                        alignment, static_cast<void*>(virtual_base_), logical_base_, alignment));
    }
    for (auto it = free_.begin(); it != free_.end(); ++it) {
        auto const [offset, length] = *it;
        std::uint64_t const logical = logical_base_ + offset;
        std::size_t const padding =
            static_cast<std::size_t>((alignment - (logical & (alignment - 1))) & (alignment - 1));
        if (padding > length || length - padding < size_bytes) {
            continue;
        }
        std::size_t const start = offset + padding;
        std::size_t const tail = length - padding - size_bytes;
        free_.erase(it);
        if (padding != 0) {
            free_.emplace(offset, padding);
        }
        if (tail != 0) {
            free_.emplace(start + size_bytes, tail);
        }
        allocated_.emplace(start, size_bytes);
        return DmaBlock{virtual_base_ + start, logical_base_ + start, size_bytes};
    }
    throw DmaArenaError(
        fmt::format("DmaArena exhausted: cannot allocate {} bytes aligned to {}; {} of {} bytes "
                    "remain free, the largest free block is {} bytes",
                    size_bytes, alignment, free_bytes(), size_bytes_, largest_free_block_bytes()));
}

void DmaArena::free(DmaBlock const& block) {
    auto const offset = static_cast<std::size_t>(static_cast<unsigned char*>(block.virtual_address) - virtual_base_);
    auto const found = allocated_.find(offset);
    if (block.virtual_address < virtual_base_ || found == allocated_.end() || found->second != block.size_bytes ||
        block.logical_address != logical_base_ + offset) {
        throw DmaArenaError(
            fmt::format("DmaArena::free: expected a live block of this arena, got va={} la=0x{:x} "
                        "size={} bytes",
                        block.virtual_address, block.logical_address, block.size_bytes));
    }
    allocated_.erase(found);
    auto [inserted, ok] = free_.emplace(offset, block.size_bytes);
    (void)ok;
    // Coalesce with the following and the preceding free range.
    auto next = std::next(inserted);
    if (next != free_.end() && inserted->first + inserted->second == next->first) {
        inserted->second += next->second;
        free_.erase(next);
    }
    if (inserted != free_.begin()) {
        auto previous = std::prev(inserted);
        if (previous->first + previous->second == inserted->first) {
            previous->second += inserted->second;
            free_.erase(inserted);
        }
    }
}

bool DmaArena::contains_logical(std::uint64_t logical_address, std::size_t length_bytes) const noexcept {
    return logical_address >= logical_base_ && length_bytes <= size_bytes_ &&
           logical_address - logical_base_ <= size_bytes_ - length_bytes;
}

void* DmaArena::to_virtual(std::uint64_t logical_address) const {
    if (!contains_logical(logical_address)) {
        throw DmaArenaError(fmt::format("DmaArena: logical address 0x{:x} is outside [0x{:x}, 0x{:x})", logical_address,
                                        logical_base_, logical_base_ + size_bytes_));
    }
    return virtual_base_ + (logical_address - logical_base_);
}

std::uint64_t DmaArena::to_logical(void const* virtual_address) const {
    auto const* address = static_cast<unsigned char const*>(virtual_address);
    if (address < virtual_base_ || address >= virtual_base_ + size_bytes_) {
        throw DmaArenaError(fmt::format("DmaArena: virtual address {} is outside [{}, {})", virtual_address,
                                        static_cast<void*>(virtual_base_),
                                        static_cast<void*>(virtual_base_ + size_bytes_)));
    }
    return logical_base_ + static_cast<std::uint64_t>(address - virtual_base_);
}

std::size_t DmaArena::free_bytes() const noexcept {
    std::size_t total = 0;
    for (auto const& [offset, length] : free_) {
        total += length;
    }
    return total;
}

std::size_t DmaArena::largest_free_block_bytes() const noexcept {
    std::size_t largest = 0;
    for (auto const& [offset, length] : free_) {
        largest = length > largest ? length : largest;
    }
    return largest;
}

}  // namespace ringlib
