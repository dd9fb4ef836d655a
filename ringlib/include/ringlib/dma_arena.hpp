// DmaArena: a caller-provided region of host memory from which every DMA-able buffer is carved.
//
// The region is known by two addresses: the virtual base the CPU (OS side, driver) uses and the
// logical base the device uses for DMA. The testbench backs AXI host memory with one arena, so a
// buffer's logical address is exactly what the NIC model puts on the bus.
//
// Contract:
//  - the arena never owns the memory; the caller keeps it alive and unmoved for the arena's life;
//  - allocate() returns a block inside the region, aligned in BOTH address spaces (the logical
//    base and the virtual base must therefore agree modulo every alignment that is requested);
//  - free() accepts only blocks this arena returned and not yet freed; freed space is reused
//    (first fit, neighbours coalesced), so long runs do not leak the region;
//  - exhaustion and misuse throw DmaArenaError naming the size, alignment and what remains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>

namespace ringlib {

class DmaArenaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct DmaBlock {
    void* virtual_address = nullptr;
    std::uint64_t logical_address = 0;
    std::size_t size_bytes = 0;
};

class DmaArena {
public:
    DmaArena(void* virtual_base, std::uint64_t logical_base, std::size_t size_bytes);
    DmaArena(DmaArena const&) = delete;
    DmaArena& operator=(DmaArena const&) = delete;

    /// A block of at least `size_bytes` (> 0), aligned to `alignment` (a power of two).
    DmaBlock allocate(std::size_t size_bytes, std::size_t alignment = 64);
    void free(DmaBlock const& block);

    /// Address translation for anything inside the region; throws DmaArenaError outside it.
    void* to_virtual(std::uint64_t logical_address) const;
    std::uint64_t to_logical(void const* virtual_address) const;
    bool contains_logical(std::uint64_t logical_address, std::size_t length_bytes = 1) const noexcept;

    void* virtual_base() const noexcept { return virtual_base_; }
    std::uint64_t logical_base() const noexcept { return logical_base_; }
    std::size_t size_bytes() const noexcept { return size_bytes_; }
    std::size_t free_bytes() const noexcept;
    std::size_t largest_free_block_bytes() const noexcept;
    std::size_t allocated_block_count() const noexcept { return allocated_.size(); }

private:
    unsigned char* virtual_base_;
    std::uint64_t logical_base_;
    std::size_t size_bytes_;
    std::map<std::size_t, std::size_t> free_;       // offset -> length, disjoint, coalesced
    std::map<std::size_t, std::size_t> allocated_;  // offset -> length
};

}  // namespace ringlib
