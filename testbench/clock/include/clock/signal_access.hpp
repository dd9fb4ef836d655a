// Bit, field and byte access to a verilated model's ports, whatever C++ type Verilator chose for
// each: an unsigned integer up to 64 bits (CData, SData, IData, QData) or VlWide<N> (N 32-bit
// words, least significant first) above. Lane/byte i is bits [8i, 8i + 8); a field is at most
// 64 bits. Unit tests use these on the model's members; the BFMs bind SigRefs instead
// (bfm/sig_ref.hpp: the same storage seen as bytes, whatever the type).
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

template <std::size_t T_Words>
struct VlWide;  // verilated_types.h; complete wherever a model's header is included

namespace nicsim::sim {

template <class S>
concept NarrowSignal = std::unsigned_integral<S> && sizeof(S) <= sizeof(std::uint64_t);

namespace signal_detail {
constexpr std::uint64_t low_mask(std::size_t width) noexcept {
    return width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
}
}  // namespace signal_detail

// ---- fields: `width` (<= 64) bits from bit `lsb` ----

template <NarrowSignal S>
std::uint64_t get_bits(S const& s, std::size_t lsb, std::size_t width) noexcept {
    return (std::uint64_t{s} >> lsb) & signal_detail::low_mask(width);
}
template <NarrowSignal S>
void set_bits(S& s, std::size_t lsb, std::size_t width, std::uint64_t v) noexcept {
    std::uint64_t const mask = signal_detail::low_mask(width) << lsb;
    s = static_cast<S>((std::uint64_t{s} & ~mask) | ((v << lsb) & mask));
}
template <std::size_t W>
std::uint64_t get_bits(VlWide<W> const& s, std::size_t lsb, std::size_t width) noexcept {
    std::uint64_t v = 0;
    for (std::size_t done = 0; done < width;) {  // a piece per 32-bit word the field touches
        std::size_t const bit = lsb + done, shift = bit % 32;
        std::size_t const take = std::min(32 - shift, width - done);
        v |= ((std::uint64_t{s.data()[bit / 32]} >> shift) & signal_detail::low_mask(take)) << done;
        done += take;
    }
    return v;
}
template <std::size_t W>
void set_bits(VlWide<W>& s, std::size_t lsb, std::size_t width, std::uint64_t v) noexcept {
    for (std::size_t done = 0; done < width;) {
        std::size_t const bit = lsb + done, shift = bit % 32;
        std::size_t const take = std::min(32 - shift, width - done);
        auto const mask = static_cast<std::uint32_t>(signal_detail::low_mask(take) << shift);
        std::uint32_t& word = s.data()[bit / 32];
        word = (word & ~mask) | (static_cast<std::uint32_t>((v >> done) << shift) & mask);
        done += take;
    }
}

// ---- bits ----

template <class S>
bool get_bit(S const& s, std::size_t i) noexcept {
    return get_bits(s, i, 1) != 0;
}
template <class S>
void set_bit(S& s, std::size_t i, bool v) noexcept {
    set_bits(s, i, 1, v);
}

// ---- bytes: lane i is bits [8i, 8i + 8) ----

template <class S>
std::uint8_t get_byte(S const& s, std::size_t lane) noexcept {
    return static_cast<std::uint8_t>(get_bits(s, 8 * lane, 8));
}
template <class S>
void set_byte(S& s, std::size_t lane, std::uint8_t v) noexcept {
    set_bits(s, 8 * lane, 8, v);
}
/// Lanes 0 .. out.size() - 1 into `out`.
template <class S>
void get_bytes(S const& s, std::span<std::uint8_t> out) noexcept {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = get_byte(s, i);
}
/// `in` into lanes 0 .. in.size() - 1; the lanes above keep their value.
template <class S>
void set_bytes(S& s, std::span<std::uint8_t const> in) noexcept {
    for (std::size_t i = 0; i < in.size(); ++i) set_byte(s, i, in[i]);
}

}  // namespace nicsim::sim
