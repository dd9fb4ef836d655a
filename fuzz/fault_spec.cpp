// Fuzz target: the `--fault SPEC` parser (testbench/cosim/include/cosim/fault_spec.hpp), on the input as a spec.
//
// Promises checked for any input: a FaultSpec, or ScenarioError (one line, "faults SPEC: ...") and
// nothing else; and a spec parsed is written back (to_string, the replay command's form) as
// text that parses to the same spec and is written back the same.
#include <string>
#include <string_view>

#include "cosim/fault_spec.hpp"
#include "fuzz_support.hpp"

namespace {

bool same(nicsim::cosim::FaultSpec const& a, nicsim::cosim::FaultSpec const& b) {
    return a.kind == b.kind && a.queue == b.queue && a.tx == b.tx && a.at == b.at && a.count == b.count &&
           a.every == b.every && a.rate == b.rate && a.cycles == b.cycles;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const spec(reinterpret_cast<char const*>(data), size);
    nicsim::cosim::FaultSpec parsed;
    try {
        parsed = nicsim::cosim::parse_fault(spec);
    } catch (nicsim::cosim::ScenarioError const& e) {
        std::string const what = e.what();
        FUZZ_CHECK(nicsim::fuzz::one_line(what), what);
        FUZZ_CHECK(what.rfind("faults ", 0) == 0, what);  // the field, and the spec quoted
        return 0;
    }
    std::string const text = nicsim::cosim::to_string(parsed);
    nicsim::cosim::FaultSpec again;
    try {
        again = nicsim::cosim::parse_fault(text);
    } catch (nicsim::cosim::ScenarioError const& e) {
        FUZZ_CHECK(false, "'" + text + "' (written back from '" + std::string(spec) + "') does not parse: " + e.what());
    }
    FUZZ_CHECK(same(parsed, again), "'" + std::string(spec) + "' -> '" + text + "' parses to another spec");
    FUZZ_CHECK(nicsim::cosim::to_string(again) == text, "'" + text + "' is written back differently");
    return 0;
}
