// FstFile against a real Verilator FST dump of waves_demo, and against broken files.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <array>
#include <random>
#include <regex>
#include <vector>

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
    for (auto const* n :
         {"TOP.rst_n", "TOP.in_valid", "TOP.in_data", "TOP.out_valid", "TOP.out_data", "TOP.err_code", "TOP.count"}) {
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
    SECTION("missing") {
        expect_error(dir / "absent.fst", "no such file");
    }
    SECTION("empty") {
        spit(dir / "empty.fst", "");
        expect_error(dir / "empty.fst", "empty file");
    }
    SECTION("a VCD file") {
        spit(dir / "text.fst", "$date today $end\n$timescale 1ps $end\n");
        expect_error(dir / "text.fst", "not an FST file");
    }
    SECTION("a directory") {
        expect_error(dir, "directory");
    }
    SECTION("cut anywhere") {
        std::string const whole = slurp(t::demo_run().fst);
        for (std::size_t cut : {std::size_t{1}, std::size_t{9}, std::size_t{200}, whole.size() / 2, whole.size() - 40,
                                whole.size() - 1}) {
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

// ---- damaged dumps (issue 13: a damaged FST is a one-line error with the offset, never a crash,
// an exit inside the FST library or a hang) ----

namespace {

void put_u64(std::string& bytes, std::size_t at, std::uint64_t v) {
    for (std::size_t i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(v >> (8 * (7 - i)));
}

std::uint64_t get_u64(std::string const& bytes, std::size_t at) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
}

std::uint64_t get_varint(std::string const& bytes, std::size_t& at) {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        auto const b = static_cast<unsigned char>(bytes[at++]);
        v |= std::uint64_t{b & 0x7fu} << shift;
        if ((b & 0x80) == 0) return v;
    }
}

// Opens the file and reads every signal over the whole dump: "" when that worked, else the
// FstError's message.
std::string open_and_read(fs::path const& p) {
    try {
        FstFile const f(p);
        std::vector<const Signal*> all;
        for (auto const& s : f.signals()) all.push_back(&s);
        f.read(all, f.start_time(), f.end_time());
        return "";
    } catch (FstError const& e) {
        return e.what();
    }
}

// The demo dump's value-change block: where its packing byte and its signals' data are.
struct ValueBlock {
    std::size_t offset = 0, packing = 0, index = 0;
};

ValueBlock value_block(std::string const& bytes) {
    for (std::size_t at = 0; at < bytes.size(); at += 1 + get_u64(bytes, at + 1)) {
        if (bytes[at] != 8) continue;  // FST_BL_VCDATA_DYN_ALIAS2, what Verilator writes
        std::uint64_t const length = get_u64(bytes, at + 1), end = at + 1 + length;
        std::uint64_t const time_packed = get_u64(bytes, end - 16);
        std::uint64_t const index_length = get_u64(bytes, end - 24 - time_packed - 8);
        std::size_t pos = at + 1 + 32;
        get_varint(bytes, pos);
        std::uint64_t const frame_packed = get_varint(bytes, pos);
        get_varint(bytes, pos);
        pos += frame_packed;
        get_varint(bytes, pos);
        return {at, pos, static_cast<std::size_t>(end - 24 - time_packed - 8 - index_length)};
    }
    FAIL("the demo dump has no value-change block");
    return {};
}

}  // namespace

TEST_CASE("flipped bytes anywhere in a dump are read or refused with the byte offset, never a crash") {
    std::string const whole = slurp(t::demo_run().fst);
    auto const dir = t::work_dir();
    int refused = 0;
    for (unsigned seed = 0; seed < 200; ++seed) {
        std::mt19937 rng(seed);
        std::string bytes = whole;
        for (unsigned i = 0; i <= seed % 3; ++i) bytes[rng() % bytes.size()] ^= static_cast<char>(1u << (rng() % 8));
        auto const p = dir / fmt::format("flip{}.fst", seed);
        spit(p, bytes);
        std::string const msg = open_and_read(p);
        fs::remove(p);
        if (msg.empty()) continue;  // damage in a value that still decodes
        INFO("seed " << seed << ": " << msg);
        ++refused;
        CHECK(msg.rfind(p.string() + ": ", 0) == 0);
        CHECK(msg.find('\n') == std::string::npos);
        CHECK(std::regex_search(msg, std::regex(R"(at byte \d+|not an FST file \(first byte)")));
    }
    CHECK(refused > 60);
}

TEST_CASE("damage is named by the block and field it is in") {
    std::string const whole = slurp(t::demo_run().fst);
    auto const dir = t::work_dir();
    auto const expect = [&](std::string const& name, std::string const& bytes, std::vector<std::string> const& parts) {
        auto const p = dir / name;
        spit(p, bytes);
        std::string const msg = open_and_read(p);
        INFO(msg);
        CHECK(msg.rfind(p.string() + ": damaged FST file at byte ", 0) == 0);
        for (auto const& part : parts) CHECK(msg.find(part) != std::string::npos);
    };
    ValueBlock const vc = value_block(whole);
    SECTION("the header's signal count against the geometry block") {
        std::string bytes = whole;
        std::uint64_t const signals = get_u64(bytes, 57);
        put_u64(bytes, 57, signals + 1);
        put_u64(bytes, 49, get_u64(bytes, 49) + 1);  // keep variables >= signals
        expect("count.fst", bytes,
               {"geometry block at byte", fmt::format("{} signals, the header declares {}", signals, signals + 1)});
    }
    SECTION("an unknown packing of the value data") {
        std::string bytes = whole;
        bytes[vc.packing] = 'X';
        expect("packing.fst", bytes,
               {fmt::format("damaged FST file at byte {}: value-change block at byte {}: packing 0x58", vc.packing,
                            vc.offset)});
    }
    SECTION("a time table that does not unpack") {
        std::string bytes = whole;
        std::size_t const end = vc.offset + 1 + get_u64(bytes, vc.offset + 1);
        put_u64(bytes, end - 24, get_u64(bytes, end - 24) + 1);  // one byte more than it unpacks to
        expect("times.fst", bytes, {fmt::format("value-change block at byte {}", vc.offset), "time table"});
    }
    SECTION("damage inside a signal's packed values: the FST library's failure, contained") {
        // The structure check does not unpack the values; the library meets the damage in its own
        // process, which exits or crashes, and the message names the block it was reading.
        int library = 0;
        for (std::size_t at = vc.packing + 1; at < vc.index && library == 0; ++at) {
            std::string bytes = whole;
            bytes[at] = static_cast<char>(~bytes[at]);
            auto const p = dir / "values.fst";
            spit(p, bytes);
            std::string const msg = open_and_read(p);
            if (msg.find("the FST library") == std::string::npos) continue;
            INFO(msg);
            ++library;
            CHECK(msg.find(fmt::format("damaged FST file at byte {}: the FST library ", vc.offset)) !=
                  std::string::npos);
            CHECK(std::regex_search(
                msg, std::regex("(exited with status \\d+|was killed by SIG[A-Z]+) reading value changes")));
            CHECK(msg.find(fmt::format("in the value-change block at byte {}", vc.offset)) != std::string::npos);
        }
        CHECK(library == 1);
    }
}
