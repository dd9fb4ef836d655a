// Clock: the one definition of a clock cycle for every model nicsim simulates: the whole NIC under
// the kernel (sim/kernel.hpp clocks its Dut through a Clock), the RTL blocks and the protocol
// checkers in their unit tests (clock/verilated_model.hpp adapts any verilated class). README.md in
// this folder, "Clocking", says why it is this way.
//
// One cycle c: the inputs are set (by the caller, or the kernel's agents); optionally settle(),
// after which outputs that follow the inputs combinationally show this cycle's handshakes; then
// edge(), the rising edge that ends cycle c: cycle() becomes c + 1 and outputs read afterwards
// are the state after the edge. edge() evaluates the clock-low state, then the clock-high one;
// without a trace open nothing samples the clock-low state, so a model that can (Dut) takes both
// in one evaluation, and after settle() (the clock-low state is evaluated) setting the clock high
// and evaluating once is the edge. One evaluation suffices because Verilator settles the logic
// driven by inputs before the clocked logic within an evaluation ("ico" region), so inputs set
// after settle() are still seen by the edge. The clock stays high until the next settle() or edge().
//
// Reset is rst_n low for n cycles (reset(n)); the inputs are the caller's.
#pragma once

#include <cstdint>

namespace nicsim::sim {

/// A model the Clock can clock: a clock input, an active-low reset input, an evaluation, and
/// optionally a trace written at times the Clock gives.
class ClockedModel {
public:
    virtual ~ClockedModel() = default;

    virtual void set_clock(bool high) = 0;
    virtual void set_reset_n(bool high) = 0;
    /// Evaluate the model with its current inputs (no time passes).
    virtual void eval() = 0;
    /// One rising clock edge with the current inputs, leaving the clock high: what
    /// set_clock(false), eval(), set_clock(true), eval() do, which is the default. A model that
    /// can do it in one evaluation overrides it; the clock-low state is then never settled, so
    /// nothing may sample it (the Clock uses the two evaluations while a trace is open).
    virtual void eval_rising_edge() {
        set_clock(false);
        eval();
        set_clock(true);
        eval();
    }

    bool tracing() const noexcept { return tracing_; }
    /// Record the current values at `time` (trace time units) if a trace is open.
    void dump(std::uint64_t time) {
        if (tracing_) dump_now(time);
    }

protected:
    /// Called by dump() only while tracing_ is set (the model's trace is open).
    virtual void dump_now(std::uint64_t) {}
    bool tracing_ = false;
};

class Clock {
public:
    /// Trace time of cycle c's clock-low sample is c * trace_period, of its rising edge
    /// c * trace_period + trace_period / 2.
    static constexpr std::uint64_t trace_period = 10;

    /// Powers the model on: clock low, reset asserted, one evaluation. A verilated model's first
    /// evaluation only records the clock's level (it takes no edge), so it is made with the clock
    /// low: the first edge() is a rising edge like every other.
    explicit Clock(ClockedModel& model) : model_(model) {
        model_.set_reset_n(false);
        settle();
    }
    Clock(Clock const&) = delete;
    Clock& operator=(Clock const&) = delete;

    /// Rising edges so far.
    std::uint64_t cycle() const noexcept { return cycle_; }

    /// Clock low, evaluated: outputs follow the inputs set so far, no edge (see the header comment).
    void settle() {
        model_.set_clock(false);
        model_.eval();
        settled_ = true;
    }
    /// The rising edge that ends cycle() (see the header comment); traced at cycle() * trace_period
    /// (clock low) and half a period later (clock high) when the model's trace is open.
    void edge() {
        if (model_.tracing()) [[unlikely]] {
            model_.set_clock(false);
            model_.eval();
            model_.dump(cycle_ * trace_period);
            model_.set_clock(true);
            model_.eval();
            model_.dump(cycle_ * trace_period + trace_period / 2);
        } else if (settled_) {
            model_.set_clock(true);
            model_.eval();
        } else {
            model_.eval_rising_edge();
        }
        settled_ = false;
        ++cycle_;
    }
    void edges(std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; ++i) edge();
    }
    /// rst_n low for `cycles` edges, then high (not evaluated: the next settle() or edge() does).
    void reset(std::uint64_t cycles) {
        model_.set_reset_n(false);
        edges(cycles);
        model_.set_reset_n(true);
    }

private:
    ClockedModel& model_;
    std::uint64_t cycle_ = 0;
    bool settled_ = false;  // clock low and evaluated since the last edge
};

}  // namespace nicsim::sim
