// OutputFile: how every output of nicsim (--json, --trace, --pcap-out, --timeline,
// --timeline-csv, the failure trace's files) is written without ever destroying something that
// is not a regular file, and without leaving a half-written file where the old one was.
//
// Contract (the path as given is resolved once, by plan_output()):
// - A regular file, or nothing: the bytes go to a temporary file in the directory of the target
//   (".NAME.tmp-XXXXXX", created exclusively); commit() renames it over the target, so the old
//   file stays whole until the new one is complete. A symlink is followed to its target (chains
//   too, and a dangling one names the file to create); the link itself is never replaced.
//   The new file gets the old file's permission bits, or 0666 minus the umask.
// - A character device or a FIFO (/dev/null, /dev/stdout, a pipe from `>(cmd)`): written in
//   place, never truncated, replaced or removed; unless the writer needs a file it can seek in
//   and reopen by name (an FST: `regular_only`), which is an OutputFileError.
// - Anything else (a directory, a block device, a socket, a symlink loop, a missing directory,
//   an empty name) is an OutputFileError naming the path and what it is.
// - Not committed (an error, an exception, a run that produced nothing): the destructor removes
//   the temporary; the target is untouched.
// Errors are OutputFileError, one line: "PATH: what is wrong" (with the system's reason).
//
//   nicsim::io::check_output(path);                 // before a run: can it be written? (creates
//                                                   // and removes a temporary; touches nothing else)
//   nicsim::io::write_output_file(path, text);      // whole contents at once
//   nicsim::io::OutputFile f(path, {.regular_only = true});
//   open_by_name(f.write_path());                   // a writer that opens files itself (fstapi)
//   f.commit();                                     // the target now holds the new bytes
#pragma once

#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nicsim::io {

class OutputFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OutputOptions {
    /// Only a regular file (or none) will do: devices and FIFOs are refused.
    bool regular_only = false;
};

/// Where the bytes for `path` go.
struct OutputPlan {
    std::filesystem::path requested;  // as given
    std::filesystem::path target;     // symlinks resolved: the file that will hold the bytes
    bool in_place = false;            // a character device or FIFO, written as it is
};

/// Resolves `path` as the contract says; throws OutputFileError if it cannot be an output.
/// Looks only (stat, readlink): creates, opens or changes nothing.
OutputPlan plan_output(std::filesystem::path const& path, OutputOptions options = {});

/// plan_output(), then proves the output can be written: a temporary is created next to the
/// target and removed again, a device is opened for writing (never truncated), a FIFO must be
/// writable. For option checks before anything runs.
void check_output(std::filesystem::path const& path, OutputOptions options = {});

class OutputFile {
public:
    /// Plans `path` and opens where the bytes go (the temporary, or the device/FIFO itself).
    explicit OutputFile(std::filesystem::path const& path, OutputOptions options = {});
    ~OutputFile();  // not committed: the temporary is removed
    OutputFile(OutputFile const&) = delete;
    OutputFile& operator=(OutputFile const&) = delete;

    OutputPlan const& plan() const noexcept { return plan_; }
    /// The file to write: the temporary (or the device). For writers that open files by name;
    /// they must have closed it before commit().
    std::filesystem::path const& write_path() const noexcept { return write_path_; }

    /// Appends bytes through this object's own descriptor.
    void write(std::span<std::byte const> bytes);
    void write(std::string_view text);
    /// Makes the output final: the temporary is flushed, closed and renamed over the target
    /// (a device is just closed). Throws OutputFileError (then the target is untouched).
    void commit();
    bool committed() const noexcept { return committed_; }

private:
    void close_fd() noexcept;

    OutputPlan plan_;
    std::filesystem::path write_path_;
    int fd_ = -1;
    bool committed_ = false;
};

/// OutputFile + write + commit.
void write_output_file(std::filesystem::path const& path, std::string_view contents, OutputOptions options = {});

}  // namespace nicsim::io
