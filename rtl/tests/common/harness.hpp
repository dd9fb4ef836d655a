// Tiny clocked harness and signal accessors for the common-block unit tests.
//
// One cycle is: set inputs, settle() (combinational outputs follow the new inputs, so a test sees
// the handshakes of this cycle), then edge() (the posedge commits them; outputs read afterwards
// are the next cycle's state). Inputs are always computed before the edge, outputs observed after.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "tests/common/random.hpp"
#include "verilated.h"

namespace nicsim::rtltest {

template <class Model>
class Clocked {
public:
    Clocked() : model_(std::make_unique<Model>(&context_)) { reset(); }

    Model* operator->() { return model_.get(); }
    Model& operator*() { return *model_; }

    // Synchronous reset for `cycles` edges; inputs keep whatever the model was constructed with.
    void reset(int cycles = 2) {
        model_->rst_n = 0;
        for (int i = 0; i < cycles; ++i) edge();
        model_->rst_n = 1;
        settle();
    }
    void settle() {
        model_->clk = 0;
        model_->eval();
    }
    void edge() {
        model_->clk = 1;
        model_->eval();
        model_->clk = 0;
        model_->eval();
        ++cycle_;
    }
    std::uint64_t cycle() const { return cycle_; }

private:
    VerilatedContext context_;
    std::unique_ptr<Model> model_;
    std::uint64_t cycle_ = 0;
};

// ---- bit/byte access on Verilator's signal types (CData..QData integers, VlWide) ----

template <class T>
requires std::is_integral_v<T>
inline bool get_bit(const T& s, std::size_t i) {
    return (s >> i) & 1u;
}
template <std::size_t W>
inline bool get_bit(const VlWide<W>& s, std::size_t i) {
    return (s.at(i / 32) >> (i % 32)) & 1u;
}
template <class T>
requires std::is_integral_v<T>
inline void set_bit(T& s, std::size_t i, bool v) {
    const T one = 1;
    s = v ? static_cast<T>(s | (one << i)) : static_cast<T>(s & ~(one << i));
}
template <std::size_t W>
inline void set_bit(VlWide<W>& s, std::size_t i, bool v) {
    const EData m = EData{1} << (i % 32);
    s.at(i / 32) = v ? (s.at(i / 32) | m) : (s.at(i / 32) & ~m);
}

template <class T>
requires std::is_integral_v<T>
inline std::uint8_t get_byte(const T& s, std::size_t lane) {
    return static_cast<std::uint8_t>(s >> (8 * lane));
}
template <std::size_t W>
inline std::uint8_t get_byte(const VlWide<W>& s, std::size_t lane) {
    return static_cast<std::uint8_t>(s.at(lane / 4) >> (8 * (lane % 4)));
}
template <class T>
requires std::is_integral_v<T>
inline void set_byte(T& s, std::size_t lane, std::uint8_t v) {
    const T ff = 0xFF;
    s = static_cast<T>((s & ~(ff << (8 * lane))) | (static_cast<T>(v) << (8 * lane)));
}
template <std::size_t W>
inline void set_byte(VlWide<W>& s, std::size_t lane, std::uint8_t v) {
    const unsigned sh = 8 * (lane % 4);
    s.at(lane / 4) = (s.at(lane / 4) & ~(EData{0xFF} << sh)) | (EData{v} << sh);
}

}  // namespace nicsim::rtltest
