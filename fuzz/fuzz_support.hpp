// What every fuzz target shares: the input as a file, and the check that turns a broken promise
// into a crash the fuzzer records.
//
// A fuzz target (OSS-Fuzz style) defines LLVMFuzzerTestOneInput(data, size): it hands the input
// to one reader's public entry point and checks what that reader promises for any input (its
// documented error type only, one-line messages, results inside their limits). A broken
// promise is FUZZ_CHECK's abort(); an exception of another type escapes, which libFuzzer also
// reports. Built with libFuzzer (NICSIM_FUZZ=ON) it fuzzes; built with replay_main.cpp it runs
// the corpus in every build's ctest ("fuzz corpus: ...").
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(condition, detail)                                                                     \
    do {                                                                                                  \
        if (!(condition)) {                                                                               \
            std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n  %s\n", #condition, __FILE__, __LINE__, \
                         std::string(detail).c_str());                                                    \
            std::abort();                                                                                 \
        }                                                                                                 \
    } while (false)

namespace nicsim::fuzz {

// The input as a file a reader opens by name: an anonymous in-memory file (memfd), named
// /proc/self/fd/N, reused for every input of the process.
class InputFile {
public:
    static InputFile& holding(std::uint8_t const* data, std::size_t size) {
        static InputFile file;
        file.fill(data, size);
        return file;
    }
    std::string const& path() const { return path_; }

private:
    InputFile() : fd_(::memfd_create("nicsim-fuzz-input", 0)), path_("/proc/self/fd/" + std::to_string(fd_)) {
        FUZZ_CHECK(fd_ >= 0, "memfd_create failed");
    }
    void fill(std::uint8_t const* data, std::size_t size) {
        FUZZ_CHECK(::ftruncate(fd_, 0) == 0, "ftruncate failed");
        std::size_t done = 0;
        while (done < size) {
            ssize_t const n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
            FUZZ_CHECK(n > 0, "pwrite failed");
            done += static_cast<std::size_t>(n);
        }
    }
    int fd_;
    std::string path_;
};

// One line: no newline anywhere (a message ends without one; the caller adds it).
inline bool one_line(std::string_view text) {
    return !text.empty() && text.find('\n') == std::string_view::npos;
}

}  // namespace nicsim::fuzz
