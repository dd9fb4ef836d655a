// The text files the waves command reads besides the FST (--rtl-file, --check-gtkw, the *.sv of
// the RTL folder): read whole, or InputFileError naming the file and why. Only a regular file
// is read: a FIFO or a device could block or never end (/dev/zero).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace nicsim::waves {

class InputFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The whole file; throws InputFileError "<path>: no such file" (or: is a directory, is not a
// regular file, cannot be read: <reason>).
std::string read_input_file(std::filesystem::path const& path);

}  // namespace nicsim::waves
