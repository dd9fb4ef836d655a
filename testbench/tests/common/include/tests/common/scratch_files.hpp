// Scratch folders and whole-file reads, for the tests that run programs or write files.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <unistd.h>

namespace nicsim::test {

/// An empty folder <temp>/nicsim_<suite>_<pid>/<name>, made afresh: one per test process and case.
inline std::filesystem::path fresh_dir(std::string_view suite, std::string const& name) {
    auto const d = std::filesystem::temp_directory_path() / fmt::format("nicsim_{}_{}", suite, ::getpid()) / name;
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

/// The whole file, byte for byte ("" when it cannot be read).
inline std::string slurp(std::filesystem::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace nicsim::test
