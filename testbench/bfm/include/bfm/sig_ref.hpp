// SigRef: one Verilator port signal seen as little-endian bytes, whatever C++ type Verilator
// chose for it (CData/SData/IData/QData up to 64 bits, VlWide<N> of 32-bit words above).
// BFMs bind to signals through SigRefs so one model serves any top with the standard names.
#pragma once

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace nicsim::bfm {

static_assert(std::endian::native == std::endian::little, "SigRef reads Verilator storage as little-endian bytes");

class SigRef {
public:
    SigRef() = default;

    /// A scalar signal (CData, SData, IData, QData).
    template <class T>
    requires std::is_integral_v<T> && std::is_unsigned_v<T> SigRef(T& value)
    noexcept  // NOLINT: implicit on purpose, bindings read like assignments
        : bytes_(reinterpret_cast<std::uint8_t*>(&value)), size_bytes_(sizeof(T)) {}

    /// A wide signal (VlWide<N>): N 32-bit words, least significant first.
    template <class W>
    requires requires(W& w) {
        { w.data() } -> std::convertible_to<std::uint32_t*>;
    }
    SigRef(W& wide) noexcept  // NOLINT
        : bytes_(reinterpret_cast<std::uint8_t*>(wide.data())), size_bytes_(sizeof(W)) {}

    bool bound() const noexcept { return bytes_ != nullptr; }
    std::size_t size_bytes() const noexcept { return size_bytes_; }

    /// The low 64 bits (0 when unbound). Verilator's storage is 1, 2, 4 or 8 bytes, or a
    /// multiple of 4 above 8: each is one typed load, never a copy of a runtime size, and the
    /// one-byte signals (every valid, ready and flag) take the first branch. get(), high() and
    /// set() are forced inline: a call would cost more than they do.
    [[gnu::always_inline]] std::uint64_t get() const noexcept {
        if (size_bytes_ == 1) [[likely]]
            return *bytes_;
        switch (size_bytes_) {
        case 0: return 0;
        case 2: return load<std::uint16_t>();
        case 4: return load<std::uint32_t>();
        default: return load<std::uint64_t>();  // 8, or a wide signal's low 64 bits
        }
    }
    /// Bit 0 (false when unbound): a valid, ready or flag, whatever the storage.
    [[gnu::always_inline]] bool high() const noexcept { return bytes_ != nullptr && (*bytes_ & 1u) != 0; }
    /// Writes the low 64 bits and clears the rest of the storage (no-op when unbound).
    [[gnu::always_inline]] void set(std::uint64_t value) noexcept {
        if (size_bytes_ == 1) [[likely]] {
            *bytes_ = static_cast<std::uint8_t>(value);
            return;
        }
        switch (size_bytes_) {
        case 0: return;
        case 2: store(static_cast<std::uint16_t>(value)); return;
        case 4: store(static_cast<std::uint32_t>(value)); return;
        case 8: store(value); return;
        default:  // wide
            store(value);
            std::memset(bytes_ + 8, 0, size_bytes_ - 8);
        }
    }

    bool bit(std::size_t index) const noexcept {
        if (!bytes_ || index / 8 >= size_bytes_) return false;
        return (bytes_[index / 8] >> (index % 8)) & 1u;
    }
    void set_bit(std::size_t index, bool value) noexcept {
        if (!bytes_ || index / 8 >= size_bytes_) return;
        auto const mask = static_cast<std::uint8_t>(1u << (index % 8));
        bytes_[index / 8] = value ? (bytes_[index / 8] | mask) : (bytes_[index / 8] & ~mask);
    }

    /// `n_bytes` (<= 8) bytes starting at byte `offset`, as a little-endian number.
    std::uint64_t field(std::size_t offset, std::size_t n_bytes) const noexcept {
        std::uint64_t value = 0;
        if (bytes_ && offset < size_bytes_)
            std::memcpy(&value, bytes_ + offset, std::min(n_bytes, size_bytes_ - offset));
        return value;
    }
    void set_field(std::size_t offset, std::size_t n_bytes, std::uint64_t value) noexcept {
        if (bytes_ && offset < size_bytes_)
            std::memcpy(bytes_ + offset, &value, std::min(n_bytes, size_bytes_ - offset));
    }

    /// Bytes [offset, offset + out.size()) (nothing when they are not all there). A 64-bit
    /// beat (the narrowest data bus) is one move, not a library call.
    void read_bytes(std::size_t offset, std::span<std::uint8_t> out) const noexcept {
        if (!bytes_ || offset + out.size() > size_bytes_) return;
        if (out.size() == 8)
            std::memcpy(out.data(), bytes_ + offset, 8);
        else
            std::memcpy(out.data(), bytes_ + offset, out.size());
    }
    void write_bytes(std::size_t offset, std::span<std::uint8_t const> in) noexcept {
        if (!bytes_ || offset + in.size() > size_bytes_) return;
        if (in.size() == 8)
            std::memcpy(bytes_ + offset, in.data(), 8);
        else
            std::memcpy(bytes_ + offset, in.data(), in.size());
    }

private:
    template <class T>
    T load() const noexcept {
        T v;
        std::memcpy(&v, bytes_, sizeof(T));  // a fixed size: one move
        return v;
    }
    template <class T>
    void store(T v) noexcept {
        std::memcpy(bytes_, &v, sizeof(T));
    }

    std::uint8_t* bytes_ = nullptr;
    std::size_t size_bytes_ = 0;
};

}  // namespace nicsim::bfm
