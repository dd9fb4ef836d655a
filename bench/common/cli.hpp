// Command-line helpers shared by the benchmarks: a bad option is one line naming it plus the
// benchmark's usage, and exit status 2.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace nicsim::bench {

[[noreturn]] inline void usage_error(std::string_view program, std::string_view usage, std::string const& msg) {
    fmt::print(stderr, "{}: {}\nusage: {}\n", program, msg, usage);
    std::exit(2);
}

/// A positive decimal integer, or usage_error naming the option and the value.
inline std::uint64_t parse_count(std::string_view program, std::string_view usage, std::string_view opt,
                                 char const* v) {
    char* end = nullptr;
    unsigned long long const x = std::strtoull(v, &end, 10);
    if (end == v || *end != '\0' || x == 0)
        usage_error(program, usage, fmt::format("{}: '{}' is not a positive integer", opt, v));
    return x;
}

}  // namespace nicsim::bench
