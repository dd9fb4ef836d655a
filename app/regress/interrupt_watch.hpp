// InterruptWatch: SIGINT and SIGTERM while a regression (or one shard of it) runs are remembered
// and written as a byte to a pipe a launcher polls (wake_fd), so it wakes at once. One at a time
// per process; the previous handlers come back when it is destroyed.
#pragma once

#include <atomic>
#include <csignal>

#include <fcntl.h>
#include <unistd.h>

namespace nicsim::regress {

class InterruptWatch {
public:
    InterruptWatch() {
        if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) pipe_[0] = pipe_[1] = -1;
        write_fd_.store(pipe_[1]);
        signal_.store(0);
        struct sigaction sa {};
        sa.sa_handler = [](int sig) {
            signal_.store(sig);
            if (int const fd = write_fd_.load(); fd >= 0) [[maybe_unused]]
                auto n = ::write(fd, "!", 1);
        };
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGINT, &sa, &old_int_);
        ::sigaction(SIGTERM, &sa, &old_term_);
    }
    ~InterruptWatch() {
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
        write_fd_.store(-1);
        for (int fd : pipe_)
            if (fd >= 0) ::close(fd);
    }
    InterruptWatch(InterruptWatch const&) = delete;
    InterruptWatch& operator=(InterruptWatch const&) = delete;

    int wake_fd() const { return pipe_[0]; }
    int signal() const { return signal_.load(); }

private:
    static inline std::atomic<int> signal_{0};
    static inline std::atomic<int> write_fd_{-1};
    int pipe_[2] = {-1, -1};
    struct sigaction old_int_ {
    }, old_term_{};
};

}  // namespace nicsim::regress
