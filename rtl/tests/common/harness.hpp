// The common-block unit tests' bench: a block on its own, clocked by the Clock every model is
// clocked with (what a cycle is, settle() and edge(): testbench/clock/include/clock/clock.hpp), its ports read and
// written with clock/signal_access.hpp. Combinational blocks are evaluated without one.
#pragma once

#include <catch2/catch.hpp>

#include "clock/signal_access.hpp"
#include "clock/verilated_model.hpp"
#include "tests/common/random.hpp"

namespace nicsim::rtltest {

using sim::get_bit;
using sim::get_byte;
using sim::set_bit;
using sim::set_byte;

/// A block out of reset (two cycles) and settled: where every common-block test starts.
template <class Model>
struct Clocked : sim::ModelBench<Model> {
    Clocked() {
        this->reset(2);
        this->settle();
    }
};

}  // namespace nicsim::rtltest
