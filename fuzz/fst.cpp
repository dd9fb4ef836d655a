// Fuzz target: the FST reader path of `nicsim waves` (waves/: the structure check, fstapi in a
// child process, FstFile, the command), on the input as an FST file.
//
// Promises checked for any input: `nicsim waves` ends with status 0, 1 or 2 and, unless 0, one
// line on stderr, which for status 2 names the file; FstFile opens and reads or throws FstError
// (one line naming the file) and nothing else, and what it reads keeps its own rules (changes
// in time order inside the window). A crash, an exit() or a hang inside fstapi ends only its
// child process and must come back as status 2: the fuzzer's own process never sees it.
#include <sstream>
#include <string>
#include <vector>

#include "fst/fst_file.hpp"
#include "fuzz_support.hpp"
#include "waves/command.hpp"

namespace {

void run_command(std::vector<std::string> const& args, std::string const& path) {
    std::ostringstream out, err;
    int const status = nicsim::waves::run_waves_command("nicsim waves", args, out, err);
    std::string const said = err.str();
    FUZZ_CHECK(status == 0 || status == 1 || status == 2, std::to_string(status) + ": " + said);
    if (status == 0) return;
    FUZZ_CHECK(!said.empty() && said.back() == '\n', said);
    FUZZ_CHECK(nicsim::fuzz::one_line(said.substr(0, said.size() - 1)), said);
    FUZZ_CHECK(said.rfind("nicsim waves: ", 0) == 0, said);
    if (status == 2) FUZZ_CHECK(said.find(path) != std::string::npos, said);
}

void read_everything(std::string const& path) {
    try {
        nicsim::waves::FstFile const file(path);
        std::vector<const nicsim::waves::Signal*> all;
        for (auto const& s : file.signals()) all.push_back(&s);
        std::uint64_t const from = file.start_time(), to = file.end_time();
        auto const traces = file.read(all, from, to);
        FUZZ_CHECK(traces.size() == all.size(), std::to_string(traces.size()));
        for (auto const& t : traces) {
            std::uint64_t previous = from;
            for (auto const& c : t.changes) {
                FUZZ_CHECK(c.time > previous && c.time <= to, std::to_string(c.time));
                previous = c.time;
            }
        }
    } catch (nicsim::waves::FstError const& e) {
        std::string const what = e.what();
        FUZZ_CHECK(nicsim::fuzz::one_line(what), what);
        FUZZ_CHECK(what.rfind(path + ": ", 0) == 0, what);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const& path = nicsim::fuzz::InputFile::holding(data, size).path();
    read_everything(path);
    // As a user runs it (no RTL enums: --rtl ''): a table of every signal at a given period, and
    // the default view with the clock found in the dump. (Each open and each read forks a reader
    // process, the slow part of this target: read_everything already covers opening alone.)
    run_command({path, "--rtl", "", "--period", "10", "--from", "0", "--to", "40", "--table", "*"}, path);
    run_command({path, "--rtl", "", "--around", "3"}, path);
    return 0;
}
