// RTL enum parsing, translate filters and the GTKWave save file, on the waves_demo dump.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "demo_run.hpp"
#include "waves/gtkw.hpp"
#include "waves/nic_layout.hpp"
#include "waves/rtl_enums.hpp"

using namespace nicsim::waves;
namespace t = nicsim::waves::test;
namespace fs = std::filesystem;

namespace {

std::string slurp(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// As nicsim-waves has them for the demo: the contract's, built in, and the demo's own file.
std::vector<EnumType> demo_enums() {
    auto enums = contract_enums();
    for (auto& e : parse_enum_dir(NICSIM_WAVES_TEST_DIR)) enums.push_back(std::move(e));
    return enums;
}

const EnumType* by_name(std::vector<EnumType> const& enums, std::string const& name) {
    for (auto const& e : enums)
        if (e.name == name) return &e;
    return nullptr;
}

}  // namespace

TEST_CASE("typedef enums parse with sized or unsized or implicit values and comments ignored") {
    auto const enums = parse_enums(R"(
    typedef enum logic [2:0] {
      A = 3'd0,   // first, {braces} in comments do not matter
      B = 3'b101, /* binary */
      C,          // implicit: 6
      D = 'h7
    } abc_e;
    typedef enum { X, Y } xy_e;  // int base
    typedef enum bit [7:0] { P = 8'h1_0 } p_e;
  )",
                                   "snippet.sv");
    REQUIRE(enums.size() == 3);
    CHECK(enums[0].name == "abc_e");
    CHECK(enums[0].width == 3);
    CHECK(enums[0].values ==
          std::vector<std::pair<std::uint64_t, std::string>>{{0, "A"}, {5, "B"}, {6, "C"}, {7, "D"}});
    CHECK(enums[1].width == 32);
    CHECK(enums[1].values == std::vector<std::pair<std::uint64_t, std::string>>{{0, "X"}, {1, "Y"}});
    CHECK(enums[2].values.front() == std::pair<std::uint64_t, std::string>{16, "P"});
    CHECK(enums[0].source == "snippet.sv");
}

TEST_CASE("a huge enum body or an unclosed one parses without crashing") {
    // One std::regex over the text recursed per character of the body: 200,000 literals (1.5 MB)
    // overflowed the stack.
    std::string big = "typedef enum logic [31:0] {";
    for (int i = 0; i < 200000; ++i) big += fmt::format("{}L{}", i ? "," : "", i);
    big += "} big_e;\ntypedef enum {" + std::string(3'000'000, 'x') + "\n";  // the second never closes
    auto const enums = parse_enums(big, "big.sv");
    REQUIRE(enums.size() == 1);
    CHECK(enums[0].name == "big_e");
    CHECK(enums[0].values.size() == 200000);
    CHECK(enums[0].values.back() == std::pair<std::uint64_t, std::string>{199999, "L199999"});
    // Not an enum: a range too wide to be a number, text between the range and the brace.
    CHECK(parse_enums("typedef enum logic [99999999999:0] { A } a_e;").empty());
    CHECK(parse_enums("typedef enum logic [3:0] junk { A } a_e;").empty());
    CHECK(parse_enums("mytypedef enum { A } a_e;").empty());
}

TEST_CASE("the RTL's enums are found in rtl/*.sv") {
    auto const enums = parse_enum_dir(NICSIM_RTL_DIR);
    auto const* err = by_name(enums, "err_e");
    REQUIRE(err != nullptr);
    CHECK(err->width == 8);
    REQUIRE(err->literal(0x0A) != nullptr);
    CHECK(*err->literal(0x0A) == "ERR_RING_CONFIG");
    CHECK(by_name(enums, "cpl_status_e") != nullptr);
}

TEST_CASE("the built-in contract enums are exactly those of rtl/*.sv") {
    // nicsim waves and the failure replay use the built-in table (no RTL source path in the
    // binary); the RTL's nic_pkg.sv is generated from the same contract: they must agree.
    auto const parsed = parse_enum_dir(NICSIM_RTL_DIR);
    auto const built_in = contract_enums();
    REQUIRE(built_in.size() == parsed.size());
    for (auto const& e : built_in) {
        INFO("enum " << e.name);
        auto const* p = by_name(parsed, e.name);
        REQUIRE(p != nullptr);
        CHECK(p->width == e.width);
        CHECK(p->values == e.values);
        CHECK(e.source == "contract/nic_contract.def");
    }
}

TEST_CASE("translate filters map enum values as GTKWave shows them in hex to names") {
    EnumType const e{"err_e", 8, {{0, "ERR_NONE"}, {0x0A, "ERR_RING_CONFIG"}}, "nic_pkg.sv"};
    CHECK(translate_filter_text(e) ==
          "# err_e (8 bits) from nic_pkg.sv: GTKWave translate filter written by nicsim-waves\n"
          "00 ERR_NONE\n"
          "0 ERR_NONE\n"
          "0A ERR_RING_CONFIG\n"
          "A ERR_RING_CONFIG\n");
}

TEST_CASE("the .gtkw names only signals of the FST and groups them and wires the filters") {
    FstFile const f(t::demo_run().fst);
    GtkwOptions o;
    o.save_file = t::work_dir() / "demo.gtkw";
    o.enums = demo_enums();
    o.clock = CycleClock{10, 5, "TOP.clk"};
    o.marker_cycle = 17;
    auto const r = write_gtkw(f, o);
    CHECK(find_top_scope(f) == "TOP.waves_demo");

    std::string const text = slurp(o.save_file);
    std::istringstream lines(text);
    std::string line;
    std::vector<std::string> signals;
    std::set<std::string> filters;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        char const c = line[0];
        if (c == '^') {
            filters.insert(line.substr(line.find(' ') + 1));
            continue;
        }
        if (c == '[' || c == '*' || c == '@' || c == '-') continue;
        signals.push_back(line);
    }
    REQUIRE(!signals.empty());
    CHECK(signals == r.signals);
    for (auto const& s : signals) {
        INFO(s);
        CHECK(f.find(s) != nullptr);  // every signal named exists in the FST
    }
    CHECK(text.find("[dumpfile] \"" + fs::absolute(t::demo_run().fst).string() + "\"") != std::string::npos);
    CHECK(text.find("\n*") != std::string::npos);
    CHECK(text.find(" 175 -1") != std::string::npos);  // marker at cycle 17
    CHECK(r.groups == std::vector<std::string>{"clock and reset", "other ports", "state and enum registers"});
    CHECK(text.find("@2022\n^2 " + (t::work_dir() / "demo.state_e.filter").string() +
                    "\nTOP.waves_demo.state_q[1:0]\n") != std::string::npos);
    CHECK(text.find("@22\nTOP.waves_demo.count[15:0]\n") != std::string::npos);
    CHECK(text.find("@28\nTOP.waves_demo.out_valid\n") != std::string::npos);

    REQUIRE(filters.size() == 2);
    for (auto const& p : filters) CHECK(fs::exists(p));
    std::string const state = slurp(t::work_dir() / "demo.state_e.filter");
    CHECK(state.find("\n0 ST_IDLE\n1 ST_LOAD\n2 ST_SEND\n3 ST_DONE\n") != std::string::npos);
    std::string const err = slurp(t::work_dir() / "demo.err_e.filter");
    CHECK(err.find("\n01 ERR_DESC_ZERO_LEN\n") != std::string::npos);
}

TEST_CASE("layout names match a signal inside its instance, every element of an array, globs too") {
    CHECK(without_array_index("fetch_q[2]") == "fetch_q");
    CHECK(without_array_index("m[1][0]") == "m");
    CHECK(without_array_index("fetch_q") == "fetch_q");
    CHECK(without_array_index("odd[x]") == "odd[x]");
    CHECK(without_array_index("odd[]") == "odd[]");
    CHECK(layout_name_matches("fetch_q", "fetch_q[15]"));
    CHECK(layout_name_matches("s_axil_*", "s_axil_awvalid"));
    CHECK_FALSE(layout_name_matches("err_q", "perr_q"));
    CHECK(split_names(" clk  rst_n ") == std::vector<std::string_view>{"clk", "rst_n"});

    GroupRule const tx{"TX", "tx", "fetch_q tx_err_*"};
    CHECK(tx.claims("tx.fetch_q[0]"));
    CHECK(tx.claims("tx.tx_err_code"));
    CHECK_FALSE(tx.claims("fetch_q"));  // the same name in another instance
    CHECK_FALSE(tx.claims("rx.fetch_q[0]"));
    CHECK_FALSE(tx.claims("tx.u_tags.fetch_q"));  // nor below it
    GroupRule const ports{"ports", "", "clk"};
    CHECK(ports.claims("clk"));
    CHECK_FALSE(ports.claims("tx.clk"));
    EnumRule const err{"*_err_code code_q", "err_e"};
    CHECK(err.claims("tx_err_code"));
    CHECK(err.claims("code_q[3]"));
    CHECK_FALSE(err.claims("ecode_q[3]"));
}

TEST_CASE("nic_top's interface groups take their signals by name") {
    // The layout rules against the names a nic_top dump has (without a full nic_top run here).
    FstFile const f(t::demo_run().fst);
    GtkwOptions o;
    o.save_file = t::work_dir() / "root.gtkw";
    o.top_scope = "TOP";  // the root: its ports, no internal state
    auto const r = write_gtkw(f, o);
    CHECK(r.groups == std::vector<std::string>{"clock and reset", "other ports"});
    CHECK(r.filter_files.empty());  // no enums given: no filters
    CHECK(std::find(r.signals.begin(), r.signals.end(), "TOP.in_data[7:0]") != r.signals.end());
}
