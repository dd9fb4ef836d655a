// checker_bench.hpp: drive a verilated checker (or nic_top) edge by edge from C++ and expect
// violations with a given rule at a given cycle.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "checkers/assertions.hpp"

namespace nicsim::checkers::test {

/// One model, clocked from C++. `cycle` is the index of the next rising edge, which is what the
/// checkers report (their counter starts at 0 at the first edge and is never reset).
template <class Model>
struct Bench {
    std::unique_ptr<Model> m = std::make_unique<Model>();
    std::uint64_t cycle = 0;

    Bench() {
        m->clk = 0;
        m->rst_n = 0;
        m->eval();
    }
    /// One rising and one falling edge; inputs set before the call are sampled at the rising one.
    void edge() {
        m->clk = 1;
        m->eval();
        m->clk = 0;
        m->eval();
        ++cycle;
    }
    void edges(unsigned n) {
        for (unsigned i = 0; i < n; ++i) edge();
    }
    /// Reset low for `n` edges, then high (the next edge is the first after reset).
    void reset(unsigned n = 3) {
        m->rst_n = 0;
        edges(n);
        m->rst_n = 1;
    }
};

/// Runs `step` (which must clock the model) and expects it to throw ProtocolViolation for
/// `rule` at checker cycle `cycle`.
template <class Step>
void expect_fires(std::string_view rule, std::uint64_t cycle, Step&& step) {
    try {
        step();
    } catch (ProtocolViolation const& v) {
        INFO("message: " << v.message());
        CHECK(v.rule() == rule);
        CHECK(v.cycle() == cycle);
        CHECK(parse_violation(v.message()).well_formed);
        CHECK(v.port().find("TOP.") == 0);
        return;
    }
    FAIL("no violation; expected [" << rule << "] at cycle " << cycle);
}

}  // namespace nicsim::checkers::test
