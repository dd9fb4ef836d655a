// FstFile against a real Verilator FST dump of waves_demo, and against broken files.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <array>

#include "demo_run.hpp"
#include "fst/fst_file.hpp"

using namespace nicsim::waves;
namespace t = nicsim::waves::test;
namespace fs = std::filesystem;

namespace {

std::string bits(std::uint64_t v, unsigned width) {
  std::string s;
  for (unsigned i = width; i-- > 0;) s += ((v >> i) & 1) ? '1' : '0';
  return s;
}

std::string slurp(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(fs::path const& p, std::string const& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

TEST_CASE("the dump validates with gtkwave's own fst2vcd and mentions the signals") {
  std::string const tool = NICSIM_FST2VCD;
  if (tool.empty() || tool.find("NOTFOUND") != std::string::npos) {
    FAIL("fst2vcd not found: tools/install-deps installs it (Debian package gtkwave)");
  }
  auto const vcd = t::work_dir() / "demo.vcd";
  std::string const cmd =
      fmt::format("'{}' '{}' -o '{}' > /dev/null 2>&1", tool, t::demo_run().fst.string(), vcd.string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string const text = slurp(vcd);
  CHECK(text.find("$scope module waves_demo $end") != std::string::npos);
  for (auto const* name : {" clk ", " in_data ", " out_valid ", " state_q ", " err_code "})
    CHECK(text.find(name) != std::string::npos);
}

TEST_CASE("FstFile lists the hierarchy with full dotted names and widths and types") {
  FstFile const f(t::demo_run().fst);
  CHECK(f.timescale_unit() == "1ps");
  CHECK(f.start_time() == 0);
  CHECK(f.end_time() == (t::demo_cycles - 1) * t::demo_period + t::demo_phase);

  auto const* clk = f.find("TOP.waves_demo.clk");
  REQUIRE(clk != nullptr);
  CHECK(clk->width == 1);
  CHECK(!clk->range);
  CHECK(clk->direction == "input");
  CHECK(clk->scope == "TOP.waves_demo");
  CHECK(clk->base_name() == "clk");
  CHECK(clk->alias);  // TOP.clk is the same net, declared first
  CHECK(f.find("TOP.clk")->handle == clk->handle);

  auto const* data = f.find("TOP.waves_demo.in_data[7:0]");
  REQUIRE(data != nullptr);
  CHECK(data->name == "TOP.waves_demo.in_data");
  CHECK(data->width == 8);
  CHECK(data->range == std::pair{7, 0});

  auto const* state = f.find("TOP.waves_demo.state_q");
  REQUIRE(state != nullptr);
  CHECK(state->width == 2);
  CHECK(state->direction.empty());
  CHECK(state->enum_table.ends_with("state_e"));  // Verilator attaches enum tables to FST vars

  bool table = false;
  for (auto const& e : f.enum_tables()) {
    if (!e.name.ends_with("state_e")) continue;
    table = true;
    CHECK(e.entries == std::vector<std::pair<std::string, std::string>>{
                           {"00", "ST_IDLE"}, {"01", "ST_LOAD"}, {"10", "ST_SEND"}, {"11", "ST_DONE"}});
  }
  CHECK(table);
  CHECK(f.find("TOP.waves_demo.nothing") == nullptr);
}

TEST_CASE("FstFile reads the values the test drove and saw cycle by cycle") {
  auto const& run = t::demo_run();
  FstFile const f(run.fst);
  std::vector<const Signal*> sigs;
  for (auto const* n : {"TOP.rst_n", "TOP.in_valid", "TOP.in_data", "TOP.out_valid", "TOP.out_data",
                        "TOP.err_code", "TOP.count"}) {
    sigs.push_back(f.find(n));
    REQUIRE(sigs.back() != nullptr);
  }
  auto const traces = f.read(sigs, 0, f.end_time());
  REQUIRE(traces.size() == sigs.size());
  for (std::size_t c = 0; c < run.cycles.size(); ++c) {
    auto const& d = run.cycles[c];
    auto const at = c * t::demo_period + t::demo_phase;  // right after rising edge c
    INFO("cycle " << c);
    CHECK(traces[0].value_at(at) == bits(d.rst_n, 1));
    CHECK(traces[1].value_at(at) == bits(d.in_valid, 1));
    CHECK(traces[2].value_at(at) == bits(d.in_data, 8));
    CHECK(traces[3].value_at(at) == bits(d.out_valid, 1));
    CHECK(traces[4].value_at(at) == bits(d.out_data, 8));
    CHECK(traces[5].value_at(at) == bits(d.err_code, 8));
    CHECK(traces[6].value_at(at) == bits(d.count, 16));
  }
  // The test saw something happen: a word went out and the zero word raised the error.
  CHECK(run.cycles[13].out_valid);
  CHECK(run.cycles[17].err_code == 1);
}

TEST_CASE("FstFile reads a window as the value at its start and then only its changes") {
  FstFile const f(t::demo_run().fst);
  std::array<const Signal*, 1> const sig{f.find("TOP.waves_demo.state_q")};
  auto const tr = f.read(sig, 160, 200).front();
  CHECK(tr.initial == "00");  // ST_IDLE since cycle 15
  REQUIRE(tr.changes.size() == 3);
  CHECK(tr.changes[0].time == 175);
  CHECK(tr.changes[0].value == "01");
  CHECK(tr.changes[2].time == 195);
  CHECK(tr.changes[2].value == "11");
  CHECK(tr.value_at(200) == "11");
}

TEST_CASE("FstFile refuses missing or non-FST or truncated files with a clear message") {
  auto const dir = t::work_dir();
  auto const expect_error = [](fs::path const& p, std::string const& what) {
    try {
      FstFile const f(p);
      FAIL("opened " << p << " without error");
    } catch (FstError const& e) {
      std::string const msg = e.what();
      INFO(msg);
      CHECK(msg.find(p.string()) != std::string::npos);
      CHECK(msg.find(what) != std::string::npos);
    }
  };
  SECTION("missing") { expect_error(dir / "absent.fst", "no such file"); }
  SECTION("empty") {
    spit(dir / "empty.fst", "");
    expect_error(dir / "empty.fst", "empty file");
  }
  SECTION("a VCD file") {
    spit(dir / "text.fst", "$date today $end\n$timescale 1ps $end\n");
    expect_error(dir / "text.fst", "not an FST file");
  }
  SECTION("a directory") { expect_error(dir, "directory"); }
  SECTION("cut anywhere") {
    std::string const whole = slurp(t::demo_run().fst);
    for (std::size_t cut : {std::size_t{1}, std::size_t{9}, std::size_t{200}, whole.size() / 2,
                            whole.size() - 40, whole.size() - 1}) {
      auto const p = dir / fmt::format("cut{}.fst", cut);
      spit(p, whole.substr(0, cut));
      INFO("cut at " << cut << " of " << whole.size());
      expect_error(p, "truncated");
    }
  }
  SECTION("a block still being written") {
    std::string bytes = slurp(t::demo_run().fst);
    std::size_t const hdr = 1 + 8 + 320;  // the block after the header: mark it unfinished
    REQUIRE(bytes.size() > hdr + 9);
    std::uint64_t len = 0;
    for (int i = 1; i < 9; ++i) len = (len << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    bytes[1 + len] = static_cast<char>(0xff);
    spit(dir / "skip.fst", bytes);
    expect_error(dir / "skip.fst", "unfinished");
  }
}
