// SparseMemory: the host's physical memory for a simulation. A 64-bit byte address space whose
// 4 KiB pages are allocated on first write; bytes never written read as a fill pattern and are
// counted (and optionally reported) so a test can flag the NIC reading memory nobody wrote.
// Host buffers can be mapped into it: map(logical_base, ptr, size) makes
// [logical_base, logical_base + size) read and write that buffer's bytes directly, so a
// DmaArena over a std::vector, the driver and the NIC's DMA all share one memory.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

namespace nicsim::bfm {

class SparseMemory {
public:
    static constexpr std::uint64_t page_bytes = 4096;

    explicit SparseMemory(std::uint8_t fill_byte = 0xA5) : fill_byte_(fill_byte) {}
    SparseMemory(SparseMemory const&) = delete;
    SparseMemory& operator=(SparseMemory const&) = delete;

    /// Serve [logical_base, logical_base + size_bytes) from `host` (which must outlive this).
    /// Mapped bytes count as written. Regions must not overlap each other.
    void map(std::uint64_t logical_base, void* host, std::size_t size_bytes) {
        for (auto const& r : regions_) {
            if (logical_base < r.base + r.size && r.base < logical_base + size_bytes)
                throw std::invalid_argument(
                    fmt::format("SparseMemory::map: [{:#x}, +{:#x}) overlaps the region at {:#x}", logical_base,
                                size_bytes, r.base));
        }
        regions_.push_back({logical_base, size_bytes, static_cast<std::uint8_t*>(host)});
    }
    template <class T>
    void map(std::uint64_t logical_base, std::vector<T>& host) {
        map(logical_base, host.data(), host.size() * sizeof(T));
    }

    void write(std::uint64_t addr, std::span<std::uint8_t const> bytes) {
        if (auto* host = mapped(addr, bytes.size())) {  // the common case: one mapped region
            std::memcpy(host, bytes.data(), bytes.size());
            return;
        }
        std::size_t done = 0;
        while (done < bytes.size()) {
            auto const a = addr + done;
            auto const n = chunk(a, bytes.size() - done);
            if (auto* host = mapped(a, n)) {
                std::memcpy(host, bytes.data() + done, n);
            } else {
                auto& page = page_for_write(a);
                auto const off = a % page_bytes;
                std::memcpy(page.data.data() + off, bytes.data() + done, n);
                for (std::size_t i = 0; i < n; ++i) page.written.set(off + i);
            }
            done += n;
        }
    }

    void read(std::uint64_t addr, std::span<std::uint8_t> out) const {
        if (auto const* host = mapped(addr, out.size())) {  // the common case: one mapped region
            std::memcpy(out.data(), host, out.size());
            return;
        }
        std::size_t done = 0;
        while (done < out.size()) {
            auto const a = addr + done;
            auto const n = chunk(a, out.size() - done);
            if (auto const* host = mapped(a, n)) {
                std::memcpy(out.data() + done, host, n);
            } else {
                auto const it = pages_.find(a / page_bytes);
                auto const off = a % page_bytes;
                std::size_t unwritten = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    bool const ok = it != pages_.end() && it->second->written.test(off + i);
                    out[done + i] = ok ? it->second->data[off + i] : fill_byte_;
                    unwritten += ok ? 0 : 1;
                }
                if (unwritten) {
                    unwritten_read_bytes_ += unwritten;
                    if (on_unwritten_read) on_unwritten_read(a, n);
                }
            }
            done += n;
        }
    }

    std::vector<std::uint8_t> read(std::uint64_t addr, std::size_t n) const {
        std::vector<std::uint8_t> out(n);
        read(addr, out);
        return out;
    }
    std::uint8_t read_u8(std::uint64_t addr) const {
        std::uint8_t b = 0;
        read(addr, std::span(&b, 1));
        return b;
    }
    std::uint64_t read_u64(std::uint64_t addr) const {
        std::array<std::uint8_t, 8> b{};
        read(addr, b);
        std::uint64_t v = 0;
        std::memcpy(&v, b.data(), 8);
        return v;
    }
    void write_u64(std::uint64_t addr, std::uint64_t value) {
        std::array<std::uint8_t, 8> b{};
        std::memcpy(b.data(), &value, 8);
        write(addr, b);
    }

    /// True if the byte was ever written (or is mapped).
    bool written(std::uint64_t addr) const {
        if (mapped(addr, 1)) return true;
        auto const it = pages_.find(addr / page_bytes);
        return it != pages_.end() && it->second->written.test(addr % page_bytes);
    }

    std::uint8_t fill_byte() const noexcept { return fill_byte_; }
    std::size_t allocated_pages() const noexcept { return pages_.size(); }
    /// Bytes read from never-written, unmapped memory since construction.
    std::uint64_t unwritten_read_bytes() const noexcept { return unwritten_read_bytes_; }

    /// Called on every read touching never-written bytes (address and length of the chunk).
    std::function<void(std::uint64_t addr, std::size_t n_bytes)> on_unwritten_read;

private:
    struct Page {
        std::array<std::uint8_t, page_bytes> data{};
        std::bitset<page_bytes> written;
    };
    struct Region {
        std::uint64_t base;
        std::size_t size;
        std::uint8_t* host;
    };

    // Longest run from `a` that stays inside one page and on one side of every region edge.
    std::size_t chunk(std::uint64_t a, std::size_t want) const {
        std::uint64_t n = std::min<std::uint64_t>(want, page_bytes - a % page_bytes);
        for (auto const& r : regions_) {
            if (a < r.base)
                n = std::min<std::uint64_t>(n, r.base - a);
            else if (a < r.base + r.size)
                n = std::min<std::uint64_t>(n, r.base + r.size - a);
        }
        return static_cast<std::size_t>(n);
    }
    std::uint8_t* mapped(std::uint64_t a, std::size_t n) const {
        for (auto const& r : regions_)
            if (a >= r.base && a + n <= r.base + r.size) return r.host + (a - r.base);
        return nullptr;
    }
    Page& page_for_write(std::uint64_t a) {
        auto& slot = pages_[a / page_bytes];
        if (!slot) {
            slot = std::make_unique<Page>();
            slot->data.fill(fill_byte_);
        }
        return *slot;
    }

    std::uint8_t fill_byte_;
    std::vector<Region> regions_;
    std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;
    mutable std::uint64_t unwritten_read_bytes_ = 0;
};

}  // namespace nicsim::bfm
