// Tests of the C++ glue (testbench/checkers/include/checkers/assertions.hpp): message parsing, the default
// throw-from-eval mode and the record mode.
#include <catch2/catch.hpp>

#include "Vcheckers_axis_model.h"
#include "checker_bench.hpp"
#include "verilated.h"

using namespace nicsim::checkers;
using nicsim::checkers::test::Bench;

TEST_CASE("glue: parse_violation reads rule, port and cycle", "[glue]") {
    auto t = parse_violation("[axi4.w.wlast] port=TOP.nic_top.chk_m_axi.w_wlast cycle=1234 side=master beat=3");
    CHECK(t.well_formed);
    CHECK(t.rule == "axi4.w.wlast");
    CHECK(t.port == "TOP.nic_top.chk_m_axi.w_wlast");
    CHECK(t.cycle == 1234);
    CHECK_FALSE(parse_violation("no brackets port=x cycle=1").well_formed);
    CHECK_FALSE(parse_violation("[r] port=x cycle=abc").well_formed);
}

TEST_CASE("glue: default mode throws ProtocolViolation out of eval()", "[glue]") {
    REQUIRE(on_violation() == OnViolation::throw_at_eval);
    Bench<Vcheckers_axis_model> b;
    b->tvalid = 0;
    b.reset(3);
    b.edge();
    b->tvalid = 1;
    b->tkeep = 0;
    b->tlast = 1;
    auto const before = violation_count();
    try {
        b.edge();  // the model's eval() of the rising edge throws, and edge() lets it through
        FAIL("eval() returned");
    } catch (ProtocolViolation const& v) {
        CHECK(v.rule() == "axis.tkeep_zero");
        CHECK(v.port() == "TOP.axis_checker.tkeep_zero");
        CHECK(v.cycle() == 4);
        CHECK(v.all_messages().size() == 1);
        CHECK(std::string(v.what()) == v.message());
    }
    CHECK(violation_count() == before + 1);
}

TEST_CASE("glue: record mode lets the edge finish and reports every violation of it", "[glue]") {
    Bench<Vcheckers_axis_model> b;
    b->tvalid = 0;
    b.reset(3);
    b.edge();
    {
        RecordViolations scope;
        CHECK(on_violation() == OnViolation::record);
        CHECK_FALSE(Verilated::threadContextp()->fatalOnError());
        b->tvalid = 1;
        b->tkeep = 0x0B;  // hole (tkeep_contiguous)
        b->tlast = 0;
        b->tready = 0;
        b.edge();         // first violation
        b->tkeep = 0x0F;  // payload changed (payload_stable) and still a partial non-last beat (tkeep_full)
        REQUIRE_NOTHROW(b.edge());
        CHECK(recorded_violations().size() == 3);
        try {
            throw_if_violated();
            FAIL("nothing thrown");
        } catch (ProtocolViolation const& v) {
            CHECK(v.rule() == "axis.tkeep_contiguous");
            CHECK(v.all_messages().size() == 3);
        }
        CHECK(recorded_violations().empty());
        REQUIRE_NOTHROW(throw_if_violated());
        // Verilator treated $error as $stop (error limit reached) without aborting:
        CHECK(Verilated::threadContextp()->gotError());
        Verilated::threadContextp()->gotError(false);
        Verilated::threadContextp()->gotFinish(false);
        Verilated::threadContextp()->errorCount(0);
    }
    CHECK(on_violation() == OnViolation::throw_at_eval);
    CHECK(Verilated::threadContextp()->fatalOnError());
}
