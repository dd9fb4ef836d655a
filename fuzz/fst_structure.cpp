// Fuzz target: the FST structure check alone (waves/fst/fst_structure.hpp), in process and fast:
// the part of the FST reader path that parses the file's layout before fstapi sees it. The
// target `fst` runs the whole path, which forks a reader process per call and is much slower.
//
// Promises checked for any input: an FstStructure, or FstError (one line naming the file) and
// nothing else; and a structure accepted describes the file: blocks back to back from byte 0 to
// its end, the header first, value-change blocks with ordered times, at least one signal.
#include <string>

#include "fst/fst_file.hpp"
#include "fst/fst_structure.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const& path = nicsim::fuzz::InputFile::holding(data, size).path();
    nicsim::waves::FstStructure st;
    try {
        st = nicsim::waves::check_fst_structure(path);
    } catch (nicsim::waves::FstError const& e) {
        std::string const what = e.what();
        FUZZ_CHECK(nicsim::fuzz::one_line(what), what);
        FUZZ_CHECK(what.rfind(path + ": ", 0) == 0, what);
        return 0;
    }
    FUZZ_CHECK(!st.blocks.empty() && st.blocks.front().offset == 0 && st.blocks.front().type == 0, "no header first");
    FUZZ_CHECK(st.max_handle >= 1, "no signal");
    std::uint64_t next = 0, previous_end = 0;
    for (auto const& b : st.blocks) {
        FUZZ_CHECK(b.offset == next, std::to_string(b.offset) + " != " + std::to_string(next));
        next = b.offset + 1 + b.length;
        if (!st.is_value_block(b)) continue;
        FUZZ_CHECK(b.begin_time <= b.end_time && b.begin_time >= previous_end, std::to_string(b.begin_time));
        previous_end = b.end_time;
    }
    if (!st.gzip_wrapped) FUZZ_CHECK(next == size, std::to_string(next) + " != " + std::to_string(size));
    return 0;
}
