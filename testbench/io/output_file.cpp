// OutputFile: see output_file.hpp for the contract.
#include "io/output_file.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace nicsim::io {

namespace fs = std::filesystem;

namespace {

// Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS).
constexpr int kMaxSymlinkHops = 40;

[[noreturn]] void fail(fs::path const& p, std::string const& what) {
    throw OutputFileError(fmt::format("{}: {}", p.string(), what));
}

std::string reason(int err) {
    return std::strerror(err);
}

char const* kind_of(mode_t m) {
    if (S_ISDIR(m)) return "a directory";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISLNK(m)) return "a symbolic link";
    return "not a regular file";
}

/// The file a chain of symlinks ends at (the path itself when it is no symlink). The target may
/// not exist (a dangling link names the file to create).
fs::path follow_links(fs::path const& requested) {
    fs::path p = requested;
    for (int hop = 0; hop <= kMaxSymlinkHops; ++hop) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        std::error_code ec;
        fs::path const link = fs::read_symlink(p, ec);
        if (ec) fail(requested, fmt::format("cannot read the symbolic link {}: {}", p.string(), ec.message()));
        p = link.is_absolute() ? link : p.parent_path() / link;
    }
    fail(requested, "too many levels of symbolic links");
}

fs::path directory_of(fs::path const& target) {
    fs::path d = target.parent_path();
    return d.empty() ? fs::path(".") : d;
}

mode_t process_umask() {
    // umask() can only be read by setting it; done once, before any writer thread exists.
    static mode_t const mask = [] {
        mode_t const m = ::umask(0);
        ::umask(m);
        return m;
    }();
    return mask;
}

}  // namespace

OutputPlan plan_output(fs::path const& path, OutputOptions options) {
    if (path.empty()) throw OutputFileError("'': an empty file name");
    OutputPlan plan;
    plan.requested = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
            if (options.regular_only)
                fail(path, fmt::format("is {}, not a regular file (this output is written to a temporary file "
                                       "and renamed into place: give a file name)",
                                       kind_of(st.st_mode)));
            plan.target = path;  // opened as it is: /dev/fd/N and /proc links included
            plan.in_place = true;
            return plan;
        }
        if (!S_ISREG(st.st_mode)) fail(path, fmt::format("is {}, not a regular file", kind_of(st.st_mode)));
        if (::access(path.c_str(), W_OK) != 0) fail(path, fmt::format("not writable: {}", reason(errno)));
        plan.target = follow_links(path);
        return plan;
    }
    int const err = errno;
    if (err == ELOOP) fail(path, "too many levels of symbolic links");
    if (err != ENOENT) fail(path, fmt::format("cannot use it: {}", reason(err)));
    plan.target = follow_links(path);  // absent, or a dangling symlink to the file to create
    fs::path const dir = directory_of(plan.target);
    struct stat dst {};
    if (::stat(dir.c_str(), &dst) != 0) fail(path, fmt::format("no directory {}: {}", dir.string(), reason(errno)));
    if (!S_ISDIR(dst.st_mode)) fail(path, fmt::format("{} is not a directory", dir.string()));
    return plan;
}

void check_output(fs::path const& path, OutputOptions options) {
    OutputPlan const plan = plan_output(path, options);
    if (!plan.in_place) {
        OutputFile probe(path, options);  // creates the temporary; the destructor removes it
        return;
    }
    struct stat st {};
    if (::stat(plan.target.c_str(), &st) == 0 && S_ISFIFO(st.st_mode)) {
        // Opening a FIFO for writing waits for a reader: only ask whether it may be written.
        if (::access(plan.target.c_str(), W_OK) != 0) fail(path, fmt::format("not writable: {}", reason(errno)));
        return;
    }
    int const fd = ::open(plan.target.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) fail(path, fmt::format("cannot open for writing: {}", reason(errno)));
    ::close(fd);
}

OutputFile::OutputFile(fs::path const& path, OutputOptions options) : plan_(plan_output(path, options)) {
    if (plan_.in_place) {
        write_path_ = plan_.target;
        fd_ = ::open(plan_.target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd_ < 0) fail(path, fmt::format("cannot open for writing: {}", reason(errno)));
        return;
    }
    fs::path const dir = directory_of(plan_.target);
    // ".NAME.tmp-XXXXXX": hidden, next to the target (same file system: rename is atomic); the
    // name is cut so that the temporary's stays within NAME_MAX.
    std::string const name = plan_.target.filename().string().substr(0, 200);
    std::string tmpl = (dir / ("." + name + ".tmp-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd_ < 0) fail(path, fmt::format("cannot create a temporary file in {}: {}", dir.string(), reason(errno)));
    write_path_ = fs::path(buf.data());
    struct stat st {};
    mode_t const mode = ::stat(plan_.target.c_str(), &st) == 0 ? (st.st_mode & 07777) : (0666 & ~process_umask());
    if (::fchmod(fd_, mode) != 0) {
        int const err = errno;
        close_fd();
        ::unlink(write_path_.c_str());
        fail(path, fmt::format("cannot set the permissions of {}: {}", write_path_.string(), reason(err)));
    }
}

OutputFile::~OutputFile() {
    close_fd();
    if (!committed_ && !plan_.in_place && !write_path_.empty()) ::unlink(write_path_.c_str());
}

void OutputFile::close_fd() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void OutputFile::write(std::span<std::byte const> bytes) {
    if (fd_ < 0) fail(plan_.requested, "write after commit");
    auto const* p = reinterpret_cast<char const*>(bytes.data());
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t const n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(plan_.requested, fmt::format("write failed: {}", reason(errno)));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void OutputFile::write(std::string_view text) {
    write(std::as_bytes(std::span(text.data(), text.size())));
}

void OutputFile::commit() {
    if (committed_) return;
    if (fd_ >= 0) {
        int const rc = ::close(fd_);
        fd_ = -1;
        if (rc != 0 && errno != EINTR) fail(plan_.requested, fmt::format("write failed: {}", reason(errno)));
    }
    if (!plan_.in_place) {
        // The target may have changed since it was planned: still never replace a non-file.
        struct stat st {};
        if (::lstat(plan_.target.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
            fail(plan_.requested, fmt::format("{} is now {}: not replaced (the output is left out)",
                                              plan_.target.string(), kind_of(st.st_mode)));
        if (::rename(write_path_.c_str(), plan_.target.c_str()) != 0)
            fail(plan_.requested,
                 fmt::format("cannot rename {} to {}: {}", write_path_.string(), plan_.target.string(), reason(errno)));
    }
    committed_ = true;
}

void write_output_file(fs::path const& path, std::string_view contents, OutputOptions options) {
    OutputFile f(path, options);
    f.write(contents);
    f.commit();
}

}  // namespace nicsim::io
