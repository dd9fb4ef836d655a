// Signal selection, cycle detection and the terminal renderer, on the waves_demo dump.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "demo_run.hpp"
#include "waves/cycles.hpp"
#include "waves/render.hpp"
#include "waves/rtl_enums.hpp"
#include "waves/select.hpp"

using namespace nicsim::waves;
namespace t = nicsim::waves::test;

namespace {

std::vector<std::string> names(std::vector<const Signal*> const& sigs) {
    std::vector<std::string> out;
    for (auto const* s : sigs) out.push_back(s->name);
    return out;
}

// As nicsim-waves has them for the demo: the contract's, built in, and the demo's own file.
std::vector<EnumType> demo_enums() {
    auto enums = contract_enums();
    for (auto& e : parse_enum_dir(NICSIM_WAVES_TEST_DIR)) enums.push_back(std::move(e));
    return enums;
}

}  // namespace

TEST_CASE("globs match whole names where * crosses dots and ? or a class match one character") {
    CHECK(glob_match("*m_axis_tx_t*", "TOP.nic_top.m_axis_tx_tvalid"));
    CHECK_FALSE(glob_match("*m_axis_tx_t*", "TOP.nic_top.s_axis_rx_tvalid"));
    CHECK(glob_match("TOP.*.clk", "TOP.nic_top.tx.clk"));
    CHECK_FALSE(glob_match("TOP.*.clk", "TOP.nic_top.clk_en"));
    CHECK(glob_match("irq_queue?", "irq_queue3"));
    CHECK(glob_match("s_axil_[aw]*", "s_axil_awvalid"));
    CHECK_FALSE(glob_match("s_axil_[!aw]*", "s_axil_wvalid"));
    CHECK(glob_match("data[7:0]", "data[7:0]") == false);  // [7:0] is a class: use * or ?
    CHECK(glob_match("data?7:0]", "data[7:0]"));
    CHECK(glob_match("*", ""));
}

TEST_CASE("patterns select the right signals with one per net") {
    FstFile const f(t::demo_run().fst);
    std::vector<std::string> const glob{"*out_*"};
    CHECK(names(select_signals(f, glob, PatternKind::glob)) ==
          std::vector<std::string>{"TOP.out_valid", "TOP.out_data"});
    std::vector<std::string> const scoped{"TOP.waves_demo.*_q"};
    CHECK(names(select_signals(f, scoped, PatternKind::glob)) ==
          std::vector<std::string>{"TOP.waves_demo.state_q", "TOP.waves_demo.data_q", "TOP.waves_demo.err_q",
                                   "TOP.waves_demo.count_q"});
    std::vector<std::string> const ranged{"*count[[]15:0]"};
    CHECK(names(select_signals(f, ranged, PatternKind::glob)) == std::vector<std::string>{"TOP.count"});
    std::vector<std::string> const re{R"(waves_demo\.(state|err)_[qd]$)"};
    CHECK(names(select_signals(f, re, PatternKind::regex)) ==
          std::vector<std::string>{"TOP.waves_demo.state_q", "TOP.waves_demo.state_d", "TOP.waves_demo.err_q",
                                   "TOP.waves_demo.err_d"});
    std::vector<std::string> const bad{"(unclosed"};
    CHECK_THROWS_AS(select_signals(f, bad, PatternKind::regex), std::invalid_argument);
}

TEST_CASE("the clock period and phase are measured from the clock") {
    FstFile const f(t::demo_run().fst);
    auto const c = detect_clock(f);
    CHECK(c.source == "TOP.clk");
    CHECK(c.period == t::demo_period);
    CHECK(c.phase == t::demo_phase);
    CHECK(c.time_of(17) == 175);
    CHECK(c.cycle_at(179) == 17);
    CHECK_THROWS_AS(detect_clock(f, "TOP.nope"), FstError);
    CHECK_THROWS_AS(detect_clock(f, "TOP.rst_n"), FstError);  // one rising edge only
}

TEST_CASE("values are shown as bits or hex with x/z nibbles or enum names") {
    Signal bus;
    bus.width = 12;
    CHECK(format_value(bus, "000110101111", nullptr) == "1af");
    CHECK(format_value(bus, "0001x0101111", nullptr) == "1xf");
    CHECK(format_value(bus, "101", nullptr) == "005");  // dumped short: zero-extended
    CHECK(format_value(bus, "z", nullptr) == "zzz");
    Signal bit;
    CHECK(format_value(bit, "1", nullptr) == "1");
    CHECK(format_value(bit, "X", nullptr) == "x");
    EnumType e{"state_e", 2, {{0, "ST_IDLE"}, {2, "ST_SEND"}}, ""};
    Signal st;
    st.width = 2;
    CHECK(format_value(st, "10", &e) == "ST_SEND");
    CHECK(format_value(st, "01", &e) == "1");  // no literal: hex
}

TEST_CASE("the waveform of a known window is exactly as expected") {
    FstFile const f(t::demo_run().fst);
    auto const enums = demo_enums();
    std::vector<std::string> const pats{"TOP.in_*", "TOP.out_valid", "TOP.err_code", "TOP.waves_demo.state_q"};
    auto const sigs = select_signals(f, pats, PatternKind::glob);
    auto const s = sample(f, sigs, detect_clock(f), 15, 19, enums);

    SECTION("blocks, 4 columns per cycle") {
        RenderOptions o;
        o.mark_cycle = 17;
        CHECK(render_wave(s, o) ==
              "scope TOP  cycles 15..19  period 10 (from TOP.clk, cycle c at time 5 + c*10)\n"
              "cycle                    15  16  17  18  19\n"
              "                                 ▼\n"
              "in_valid                 ▁▁▁▁▁▁▁▁▔▔▔▔▁▁▁▁▁▁▁▁\n"
              "in_data[7:0]             |00\n"
              "out_valid                ▁▁▁▁▁▁▁▁▁▁▁▁▔▔▔▔▁▁▁▁\n"
              "err_code[7:0]            |ERR_NO…╳ERR_DESC_Z…\n"
              "waves_demo.state_q[1:0]  |ST_IDLE╳ST…╳ST…╳ST…\n");
    }
    SECTION("lines, 8 columns per cycle") {
        RenderOptions o;
        o.style = WaveStyle::lines;
        o.cycle_width = 8;
        CHECK(render_wave(s, o) ==
              "scope TOP  cycles 15..19  period 10 (from TOP.clk, cycle c at time 5 + c*10)\n"
              "cycle                    15      16      17      18      19\n"
              "in_valid                 ________________‾‾‾‾‾‾‾‾________________\n"
              "in_data[7:0]             |00\n"
              "out_valid                ________________________‾‾‾‾‾‾‾‾________\n"
              "err_code[7:0]            |ERR_NONE       XERR_DESC_ZERO_LEN\n"
              "waves_demo.state_q[1:0]  |ST_IDLE        XST_LOADXST_SENDXST_DONE\n");
    }
    SECTION("table") {
        RenderOptions o;
        o.mark_cycle = 17;
        CHECK(render_table(s, o) ==
              "scope TOP  cycles 15..19  period 10 (from TOP.clk, cycle c at time 5 + c*10)\n"
              "  cycle  time  in_valid  in_data[7:0]  out_valid  err_code[7:0]      waves_demo.state_q[1:0]\n"
              "  15     155   0         00            0          ERR_NONE           ST_IDLE\n"
              "  16     165   0         00            0          ERR_NONE           ST_IDLE\n"
              "> 17     175   1         00            0          ERR_DESC_ZERO_LEN  ST_LOAD\n"
              "  18     185   0         00            1          ERR_DESC_ZERO_LEN  ST_SEND\n"
              "  19     195   0         00            0          ERR_DESC_ZERO_LEN  ST_DONE\n");
    }
}

TEST_CASE("cycle labels that would collide are skipped") {
    FstFile const f(t::demo_run().fst);
    std::vector<std::string> const pats{"TOP.count"};
    auto const sigs = select_signals(f, pats, PatternKind::glob);
    CycleClock const c{10, 5, "TOP.clk"};
    auto const s = sample(f, sigs, c, 8, 12);
    RenderOptions o;
    o.cycle_width = 2;
    CHECK(render_wave(s, o) ==
          "scope TOP  cycles 8..12  period 10 (from TOP.clk, cycle c at time 5 + c*10)\n"
          "cycle        8 9 10  12\n"
          "count[15:0]  |…╳0002\n");
}
