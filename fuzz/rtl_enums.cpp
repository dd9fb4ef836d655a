// Fuzz target: the SystemVerilog enum reader of `nicsim waves` (--rtl-file, the RTL folder;
// waves/lib/rtl_enums.hpp), on the input as the text of a .sv file.
//
// Promises checked for any input: no crash and no exception (text that is not an enum is
// skipped), and every enum found has a name, a width, and literals with names.
#include <string_view>

#include "fuzz_support.hpp"
#include "waves/rtl_enums.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    for (auto const& e : nicsim::waves::parse_enums(text, "fuzz.sv")) {
        FUZZ_CHECK(!e.name.empty() && e.width > 0, e.name);
        for (auto const& [value, name] : e.values) FUZZ_CHECK(!name.empty(), e.name);
    }
    return 0;
}
