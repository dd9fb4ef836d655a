// run_program: see program.hpp.
#include "program.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "elapsed.hpp"

extern char** environ;

namespace nicsim::regress {

ProgramResult run_program(std::vector<std::string> const& argv, double limit_seconds) {
    ProgramResult result;
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        result.err = std::strerror(errno);
        return result;
    }
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        result.err = std::strerror(errno);
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    std::vector<char*> args;
    for (auto const& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int const spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (spawned != 0) {
        result.err = fmt::format("cannot run {}: {}", argv[0], std::strerror(spawned));
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        return result;
    }
    auto const start = std::chrono::steady_clock::now();
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_count = 2;
    bool killed = false;
    while (open_count > 0) {
        double const left = limit_seconds - seconds_since(start);
        if (left <= 0 && !killed) {
            ::kill(pid, SIGKILL);
            killed = true;
        }
        int const n = ::poll(fds, 2, killed ? 1000 : static_cast<int>(std::ceil(left * 1000)));
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buffer[4096];
            ssize_t const got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            }
        }
        if (killed && n == 0) break;  // a grandchild holds the pipes: give up on them
    }
    for (auto const& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (killed)
        result.err = fmt::format("{} did not answer within {:g} s", argv[0], limit_seconds);
    else if (WIFEXITED(status))
        result.status = WEXITSTATUS(status);
    return result;
}

std::string first_line(std::string const& text) {
    auto const start = text.find_first_not_of(" \n\t");
    if (start == std::string::npos) return "";
    return text.substr(start, text.find('\n', start) - start);
}

std::string message_of(ProgramResult const& r) {
    for (auto const* text : {&r.err, &r.out})
        if (auto const line = first_line(*text); !line.empty()) return line;
    return fmt::format("exit status {}", r.status);
}

}  // namespace nicsim::regress
