// What the RX and TX path tests share: host memory managed by a DmaArena, a FakePlatform (registers
// and the driver's host-memory accesses, logged) and a started Adapter, plus reading the driver's descriptors and writing completions into host memory
// by hand. The test plays the NIC: these rigs check the driver's logic, not a NIC.
#pragma once

#include "fake_platform.hpp"

#include <nicsim/driver/adapter.hpp>

#include <ringlib/dma_arena.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace drivertest {

/// 16 MiB of host memory, 4 KiB aligned, whose DmaArena gives it logical (bus) addresses from
/// `logical_base` (a different base per test file keeps their addresses apart).
struct HostMemory {
    static constexpr std::size_t size_bytes = 16u << 20;

    explicit HostMemory(std::uint64_t logical_base) : arena{base, logical_base, size_bytes} {}

    std::vector<unsigned char> bytes = std::vector<unsigned char>(size_bytes + 4096);
    unsigned char* base = bytes.data() + (4096 - reinterpret_cast<std::uintptr_t>(bytes.data()) % 4096) % 4096;
    ringlib::DmaArena arena;
};

/// An Adapter started on host memory and a FakePlatform.
struct AdapterRig {
    HostMemory memory;
    FakePlatform platform;
    nicsim::driver::Adapter adapter;

    AdapterRig(std::uint64_t logical_base, nicsim::driver::AdapterConfig const& config)
        : memory(logical_base), adapter(platform, platform, memory.arena, config) {
        adapter.start();
    }

    /// Descriptor `slot` of the ring at logical address `ring_base`, decoded (rx_desc_t / tx_desc_t).
    template <class Desc>
    Desc descriptor_at(std::uint64_t ring_base, std::uint32_t slot) {
        auto const* bytes = static_cast<std::uint8_t const*>(memory.arena.to_virtual(ring_base)) + slot * c::DESC_BYTES;
        return Desc::decode(std::span<std::uint8_t const, Desc::bytes>(bytes, Desc::bytes));
    }

    /// Writes an encoded completion into `slot` of the completion ring at logical address `ring_base`.
    template <class Raw>
    void write_completion(std::uint64_t ring_base, std::uint32_t slot, Raw const& raw) {
        std::memcpy(static_cast<unsigned char*>(memory.arena.to_virtual(ring_base)) + slot * c::CPL_BYTES, raw.data(),
                    raw.size());
    }
};

}  // namespace drivertest
