// ScenarioError: a bad scenario or an unusable input, named in one line. Nothing was simulated.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace nicsim::cosim {

/// `text` as one printable line: control characters (a newline in a file name or an option
/// value) become \xNN, so an error that quotes what the user gave stays one line.
inline std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        auto const byte = static_cast<unsigned char>(ch);
        if (byte < 0x20 || byte == 0x7f)
            out += fmt::format("\\x{:02x}", byte);
        else
            out += ch;
    }
    return out;
}

/// A bad scenario or an unusable input: names the option or the file, in one line. Nothing was
/// simulated.
class ScenarioError : public std::runtime_error {
public:
    explicit ScenarioError(std::string_view what) : std::runtime_error(one_line(what)) {}
};

}  // namespace nicsim::cosim
