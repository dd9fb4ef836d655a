// The nicsim-waves executable: options, exit status and messages.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <sys/wait.h>

#include "demo_run.hpp"
#include "waves/command.hpp"

namespace t = nicsim::waves::test;

namespace {

struct Result {
    int status = -1;
    std::string out;
    std::string err;
};

Result run(std::string const& args) {
    auto const err_file = t::work_dir() / "cli.err";
    std::string const cmd = fmt::format("'{}' {} 2>'{}'", NICSIM_WAVES_BIN, args, err_file.string());
    Result r;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int const st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream in(err_file);
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
}

std::string fst() {
    return fmt::format("'{}'", t::demo_run().fst.string());
}

}  // namespace

TEST_CASE("a bad option or value gives one line naming it and exit status 2") {
    struct Case {
        std::string args, names;
    };
    for (auto const& c :
         {Case{"--bogus", "'--bogus'"}, Case{"--before abc --around 3", "'abc'"},
          Case{"--around", "--around: 1 required CYCLE missing"}, Case{"--width 1 x", "--width: 1 is not in 2..64"},
          Case{"--style fancy x", "'fancy'"}, Case{"--around 5 --from 2 x", "'--around'"}, Case{"", "no FST file"},
          Case{"--regex '(' ", "bad regex"}}) {
        auto const args = c.args.find("FST") == std::string::npos && c.args.rfind("--regex", 0) == 0
                              ? fmt::format("{} {}", fst(), c.args)
                              : c.args;
        auto const r = run(args);
        INFO(args << " -> " << r.err);
        CHECK(r.status == 2);
        CHECK(r.err.rfind("nicsim-waves: ", 0) == 0);
        CHECK(r.err.find(c.names) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.out.empty());
    }
}

TEST_CASE("the help text documents every option") {
    auto const r = run("--help");
    CHECK(r.status == 0);
    for (auto const* opt :
         {"--around", "--before", "--after", "--from", "--to", "--clock", "--period", "--table", "--width", "--style",
          "--regex", "--list", "--gtkw", "--marker", "--rtl", "--rtl-file", "--top", "--help"})
        CHECK(r.out.find(opt) != std::string::npos);
}

TEST_CASE("an FST file that cannot be used gives exit status 2 naming the file, no match gives 1") {
    auto const r = run("/nonexistent/run.fst '*'");
    CHECK(r.status == 2);
    CHECK(r.err == "nicsim-waves: /nonexistent/run.fst: no such file\n");
    // A damaged dump: one line with the byte offset.
    std::ifstream in(t::demo_run().fst, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto const damaged = t::work_dir() / "cli_damaged.fst";
    bytes[1] ^= 0x40;  // the header block's length now runs far past the end of the file
    std::ofstream(damaged, std::ios::binary) << bytes;
    auto const d = run(fmt::format("'{}' '*'", damaged.string()));
    INFO(d.err);
    CHECK(d.status == 2);
    CHECK(d.err.rfind(fmt::format("nicsim-waves: {}: ", damaged.string()), 0) == 0);
    CHECK(d.err.find("at byte 0") != std::string::npos);
    CHECK(std::count(d.err.begin(), d.err.end(), '\n') == 1);
    CHECK(d.out.empty());
    // The other files it reads: only regular files (/dev/zero used to be read until memory ran out).
    for (std::string const opt : {"--rtl-file", "--check-gtkw"}) {
        auto const z = run(fmt::format("{} {} /dev/zero", fst(), opt));
        CHECK(z.status == 2);
        CHECK(z.err == "nicsim-waves: /dev/zero: is not a regular file (a FIFO or device is not read)\n");
        auto const m = run(fmt::format("{} {} /nonexistent/x", fst(), opt));
        CHECK(m.status == 2);
        CHECK(m.err == "nicsim-waves: /nonexistent/x: no such file\n");
    }
    auto const no_rtl = run(fmt::format("{} --rtl /nonexistent/rtl", fst()));
    CHECK(no_rtl.status == 2);
    CHECK(no_rtl.err == "nicsim-waves: option '--rtl': '/nonexistent/rtl' is not a folder (see --help)\n");
    auto const none = run(fmt::format("{} 'TOP.nothing*'", fst()));
    CHECK(none.status == 1);
    CHECK(none.err.find("no signal matches TOP.nothing*") != std::string::npos);
}

TEST_CASE("the command shows the window around a cycle and lists signals") {
    auto const r =
        run(fmt::format("{} 'TOP.in_valid' 'TOP.out_valid' --around 17 --before 2 --after 1 --table", fst()));
    CHECK(r.status == 0);
    CHECK(r.out ==
          "scope TOP  cycles 15..18  period 10 (from TOP.clk, cycle c at time 5 + c*10)\n"
          "  cycle  time  in_valid  out_valid\n"
          "  15     155   0         0\n"
          "  16     165   0         0\n"
          "> 17     175   1         0\n"
          "  18     185   0         1\n");
    auto const p = run(fmt::format("{} 'TOP.in_valid' --from 0 --to 3 --period 5 --style lines", fst()));
    CHECK(p.status == 0);
    CHECK(p.out.find("cycles 0..3  period 5 (from --period") != std::string::npos);
    auto const l = run(fmt::format("{} --list '*state_q' --rtl-file '{}/waves_demo.sv'", fst(), NICSIM_WAVES_TEST_DIR));
    CHECK(l.status == 0);
    CHECK(l.out == "TOP.waves_demo.state_q[1:0]  2  logic enum state_e\n");
}

TEST_CASE("the gtkw option writes the layout and its filters") {
    auto const out = t::work_dir() / "cli.gtkw";
    auto const r = run(fmt::format("{} --gtkw '{}' --marker 17", fst(), out.string()));
    CHECK(r.status == 0);
    CHECK(r.out.find("open with: gtkwave") != std::string::npos);
    CHECK(std::filesystem::exists(out));
    CHECK(std::filesystem::exists(t::work_dir() / "cli.err_e.filter"));
}
