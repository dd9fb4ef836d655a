// run_isolated(): see isolated_call.hpp.
#include "isolated_call.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string.h>
#include <system_error>

// Present only in a sanitizer's runtime: a fuzzer registers its crash report there.
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)(void));

namespace nicsim::waves {
namespace {

constexpr std::size_t kFlushBytes = 64 * 1024;
constexpr std::size_t kStderrTailBytes = 4096;
constexpr std::array kCrashSignals = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, SIGXCPU, SIGPIPE};

[[noreturn]] void throw_errno(char const* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// Owns a file descriptor.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd const&) = delete;
    Fd& operator=(Fd const&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

// The child until reaped: killed and reaped if the caller leaves early.
class Child {
public:
    explicit Child(pid_t pid) : pid_(pid) {}
    Child(Child const&) = delete;
    Child& operator=(Child const&) = delete;
    ~Child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        return status;
    }

private:
    pid_t pid_;
};

void write_all(int fd, char const* data, std::size_t n) {
    while (n > 0) {
        ssize_t const w = ::write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) ::_exit(2);  // the caller has gone: nothing left to report to
        data += w;
        n -= static_cast<std::size_t>(w);
    }
}

// The part of the child that runs before `work`.
void prepare_child(pid_t parent, int stderr_fd, unsigned cpu_seconds) {
    for (int sig : kCrashSignals) ::signal(sig, SIG_DFL);
    sigset_t crash{};
    ::sigemptyset(&crash);
    for (int sig : kCrashSignals) ::sigaddset(&crash, sig);
    ::sigprocmask(SIG_UNBLOCK, &crash, nullptr);
    if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(2);
    rlimit const no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    rlimit const cpu{cpu_seconds, cpu_seconds + 1};
    ::setrlimit(RLIMIT_CPU, &cpu);
    ::dup2(stderr_fd, STDERR_FILENO);
    // exit() from inside `work` (fstapi's way to give up) ends the child at once: the caller's
    // exit handlers (a fuzzer's, a leak check, static destructors) belong to the caller. Handlers
    // run last registered first, so this one comes before all of them.
    ::on_exit([](int status, void*) { ::_exit(status); }, nullptr);
}

std::string signal_name(int sig) {
    char const* abbrev = ::sigabbrev_np(sig);
    return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

// The last non-empty line of what the child wrote to stderr, made printable.
std::string last_line(int fd) {
    off_t const end = ::lseek(fd, 0, SEEK_END);
    if (end <= 0) return {};
    off_t const from = end > static_cast<off_t>(kStderrTailBytes) ? end - static_cast<off_t>(kStderrTailBytes) : 0;
    std::string text(static_cast<std::size_t>(end - from), '\0');
    ssize_t const n = ::pread(fd, text.data(), text.size(), from);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    std::string line = text.substr(text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1);
    std::string out;
    for (unsigned char ch : line) {
        if (ch < 0x20 || ch == 0x7f)
            out += fmt::format("\\x{:02x}", ch);
        else
            out += static_cast<char>(ch);
    }
    return out;
}

}  // namespace

void RecordSink::send(std::string_view record) {
    auto const n = static_cast<std::uint32_t>(record.size());
    char const* len = reinterpret_cast<char const*>(&n);
    buffer_.insert(buffer_.end(), len, len + sizeof n);
    buffer_.insert(buffer_.end(), record.begin(), record.end());
    if (buffer_.size() >= kFlushBytes) flush();
}

void RecordSink::flush() {
    write_all(fd_, buffer_.data(), buffer_.size());
    buffer_.clear();
}

std::optional<IsolatedFailure> run_isolated(std::function<void(RecordSink&)> const& work,
                                            std::function<void(std::string_view)> const& on_record,
                                            unsigned cpu_seconds) {
    Fd err(::memfd_create("nicsim-isolated-stderr", MFD_CLOEXEC));
    if (err.get() < 0) throw_errno("memfd_create");
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno("pipe2");
    Fd from_child(pipe_fds[0]), to_parent(pipe_fds[1]);
    pid_t const parent = ::getpid();
    pid_t const pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        from_child.reset();
        prepare_child(parent, err.get(), cpu_seconds);
        try {
            RecordSink sink(to_parent.get());
            work(sink);
            sink.flush();
        } catch (std::exception const& e) {
            std::string const line = fmt::format("{}\n", e.what());
            write_all(STDERR_FILENO, line.data(), line.size());
            ::_exit(1);
        } catch (...) {
            ::_exit(1);
        }
        ::_exit(0);
    }
    Child child(pid);
    to_parent.reset();

    // Records as they come: read straight into the tail of `pending`, parse from `start`, keep
    // what is left of a record cut by the pipe for the next read.
    std::vector<char> pending;
    std::size_t start = 0;
    constexpr std::size_t kReadBytes = 64 * 1024;
    for (;;) {
        std::size_t const have = pending.size();
        pending.resize(have + kReadBytes);
        ssize_t const n = ::read(from_child.get(), pending.data() + have, kReadBytes);
        int const read_errno = errno;
        pending.resize(have + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
        if (n < 0 && read_errno == EINTR) continue;
        if (n < 0) throw std::system_error(read_errno, std::generic_category(), "reading from the child process");
        if (n == 0) break;
        while (pending.size() - start >= sizeof(std::uint32_t)) {
            std::uint32_t len = 0;
            std::memcpy(&len, pending.data() + start, sizeof len);
            if (pending.size() - start - sizeof len < len) break;
            on_record(std::string_view(pending.data() + start + sizeof len, len));
            start += sizeof len + len;
        }
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(start));
        start = 0;
    }
    int const status = child.wait();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (pending.size() == start) return std::nullopt;
        return IsolatedFailure{"ended in the middle of a record", last_line(err.get())};
    }
    int const signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    std::string how;
    if (signal == SIGXCPU)
        how = fmt::format("used up its {} s of CPU time", cpu_seconds);
    else if (signal != 0)
        how = fmt::format("was killed by {}", signal_name(signal));
    else
        how = fmt::format("exited with status {}", WEXITSTATUS(status));
    return IsolatedFailure{how, last_line(err.get()), signal};
}

}  // namespace nicsim::waves
