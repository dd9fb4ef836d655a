#include "input_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace nicsim::waves {

std::string read_input_file(std::filesystem::path const& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    auto const status = fs::status(path, ec);
    if (!fs::exists(status)) throw InputFileError(fmt::format("{}: no such file", path.string()));
    if (fs::is_directory(status)) throw InputFileError(fmt::format("{}: is a directory, not a file", path.string()));
    if (!fs::is_regular_file(status))
        throw InputFileError(fmt::format("{}: is not a regular file (a FIFO or device is not read)", path.string()));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputFileError(fmt::format("{}: cannot be read: {}", path.string(), std::strerror(errno)));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw InputFileError(fmt::format("{}: reading it failed", path.string()));
    return text;
}

}  // namespace nicsim::waves
