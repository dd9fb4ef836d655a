// The local backend: see local_launcher.hpp.
#include "nicsim/regress/local_launcher.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "elapsed.hpp"

namespace nicsim::regress {

namespace {

using Clock = std::chrono::steady_clock;

struct Running {
    LaunchJob const* job = nullptr;
    pid_t pid = -1;
    int pidfd = -1;
    Clock::time_point started;
    std::optional<Clock::time_point> kill_at;  // SIGTERM sent; SIGKILL then
    bool killed = false;                       // SIGKILL sent
    bool timed_out = false;
    bool cancelled = false;
};

/// pidfd_open(2) by its system call: glibc 2.36's <sys/pidfd.h> lacks the C linkage C++ needs.
int open_pidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

class LocalLauncher final : public Launcher {
public:
    explicit LocalLauncher(LocalLaunchOptions const& o) : options_(o) { options_.jobs = std::max(1u, options_.jobs); }

    void run(std::span<LaunchJob const> jobs, LaunchEvents& events) override {
        std::vector<Running> running;
        std::size_t next = 0;
        bool stopping = false;
        auto last_tick = Clock::now();
        for (;;) {
            if (!stopping && events.stop_requested()) {
                stopping = true;
                for (auto& r : running) end_group(r, /*cancel=*/true);
            }
            while (!stopping && running.size() < options_.jobs && next < jobs.size()) {
                auto const& job = jobs[next++];
                LaunchOutcome failed;
                if (auto r = start(job, failed)) {
                    running.push_back(*r);
                    events.started(job);
                } else {
                    events.finished(job, failed);
                    if (events.stop_requested()) break;
                }
            }
            if (running.empty()) {
                if (stopping || next >= jobs.size()) return;
                continue;  // every start in this round failed: start the next ones
            }
            wait_for_event(running, last_tick);
            for (std::size_t i = 0; i < running.size();) {
                if (auto outcome = reap_if_ended(running[i])) {
                    Running const r = running[i];
                    running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
                    events.finished(*r.job, *outcome);
                } else {
                    ++i;
                }
            }
            enforce_deadlines(running);
            if (seconds_since(last_tick) >= options_.tick_seconds) {
                last_tick = Clock::now();
                events.tick();
            }
        }
    }

private:
    /// Forks and executes the job; nothing (and `failed` filled in) when it could not start.
    std::optional<Running> start(LaunchJob const& job, LaunchOutcome& failed) {
        failed.end = LaunchOutcome::End::not_started;
        auto const output_path = (job.dir / "output.txt").string();
        int const output = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (output < 0) {
            failed.detail = fmt::format("cannot write {}: {}", output_path, std::strerror(errno));
            return std::nullopt;
        }
        int const null_input = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        // Everything the child needs is made before fork: after it, only async-signal-safe calls.
        std::vector<char*> argv;
        for (auto const& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        auto const dir = job.dir.string();
        auto const exec_error = fmt::format("nicsim regress: cannot execute {}: ", job.argv.at(0));
        pid_t const parent = ::getpid();
        auto const started = Clock::now();
        pid_t const pid = ::fork();
        if (pid == 0) {
            ::setpgid(0, 0);
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the regression gone: the run goes too
            if (::getppid() != parent) ::_exit(127);
            for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP}) ::signal(sig, SIG_DFL);
            sigset_t none;
            sigemptyset(&none);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            ::dup2(null_input, 0);
            ::dup2(output, 1);
            ::dup2(output, 2);
            if (::chdir(dir.c_str()) == 0) ::execv(argv[0], argv.data());
            char const* reason = std::strerror(errno);
            [[maybe_unused]] auto w = ::write(2, exec_error.data(), exec_error.size());
            w = ::write(2, reason, std::strlen(reason));
            w = ::write(2, "\n", 1);
            ::_exit(127);
        }
        int const fork_errno = errno;
        ::close(output);
        if (null_input >= 0) ::close(null_input);
        if (pid < 0) {
            failed.detail = fmt::format("fork failed: {}", std::strerror(fork_errno));
            return std::nullopt;
        }
        ::setpgid(pid, pid);  // also here: a kill of the group right after fork must find it
        int const pidfd = open_pidfd(pid);
        if (pidfd < 0) {
            failed.detail = fmt::format("pidfd_open failed: {}", std::strerror(errno));
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            return std::nullopt;
        }
        Running r;
        r.job = &job;
        r.pid = pid;
        r.pidfd = pidfd;
        r.started = started;
        return r;
    }

    /// Sleeps until a child ends, the wake fd is written, the next deadline or the next tick.
    void wait_for_event(std::vector<Running> const& running, Clock::time_point last_tick) {
        auto wake_at = last_tick + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(options_.tick_seconds));
        for (auto const& r : running) {
            if (r.kill_at) {
                if (!r.killed) wake_at = std::min(wake_at, *r.kill_at);
            } else if (r.job->timeout_seconds > 0)
                wake_at = std::min(wake_at, r.started + std::chrono::duration_cast<Clock::duration>(
                                                            std::chrono::duration<double>(r.job->timeout_seconds)));
        }
        std::vector<pollfd> fds;
        for (auto const& r : running) fds.push_back({r.pidfd, POLLIN, 0});
        if (options_.wake_fd >= 0) fds.push_back({options_.wake_fd, POLLIN, 0});
        auto const ms = std::chrono::ceil<std::chrono::milliseconds>(wake_at - Clock::now()).count();
        int const n = ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long long>(ms, 0, 60'000)));
        if (n > 0 && options_.wake_fd >= 0 && (fds.back().revents & POLLIN)) {
            char drain[64];
            while (::read(options_.wake_fd, drain, sizeof drain) > 0) {
            }
        }
    }

    /// The outcome if the run's process has ended (then reaped, its group's leftovers killed).
    static std::optional<LaunchOutcome> reap_if_ended(Running& r) {
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(r.pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0)
            return std::nullopt;
        // Still a zombie, so its pid (the group's id) cannot be reused yet: end whatever it left.
        ::kill(-r.pid, SIGKILL);
        int status = 0;
        rusage usage{};
        ::wait4(r.pid, &status, 0, &usage);
        ::close(r.pidfd);
        LaunchOutcome o;
        o.wall_seconds = seconds_since(r.started);
        auto const seconds = [](timeval t) {
            return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
        };
        o.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
        if (WIFEXITED(status)) o.exit_status = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) o.signal = WTERMSIG(status);
        if (r.timed_out) o.detail = fmt::format("the limit of {:g} s", r.job->timeout_seconds);
        o.end = r.cancelled           ? LaunchOutcome::End::cancelled
                : r.timed_out         ? LaunchOutcome::End::timed_out
                : WIFSIGNALED(status) ? LaunchOutcome::End::signaled
                                      : LaunchOutcome::End::exited;
        return o;
    }

    /// SIGTERM to the run's group now, SIGKILL after the grace period (enforce_deadlines).
    void end_group(Running& r, bool cancel) {
        r.cancelled = r.cancelled || cancel;
        if (r.kill_at) return;
        ::kill(-r.pid, SIGTERM);
        r.kill_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(options_.kill_grace_seconds));
    }

    void enforce_deadlines(std::vector<Running>& running) {
        auto const now = Clock::now();
        for (auto& r : running) {
            if (r.kill_at) {
                if (!r.killed && now >= *r.kill_at) {
                    ::kill(-r.pid, SIGKILL);
                    r.killed = true;
                }
            } else if (r.job->timeout_seconds > 0 && seconds_since(r.started) >= r.job->timeout_seconds) {
                r.timed_out = true;
                end_group(r, /*cancel=*/false);
            }
        }
    }

    LocalLaunchOptions options_;
};

}  // namespace

std::unique_ptr<Launcher> make_local_launcher(LocalLaunchOptions const& options) {
    return std::make_unique<LocalLauncher>(options);
}

}  // namespace nicsim::regress
