// The local backend: every run a child process of this one (fork/exec), at most `jobs` at once.
//
// Each child gets its own process group (so a time-out or a stop ends whatever it started too),
// dies with the regression (PR_SET_PDEATHSIG), reads /dev/null and writes stdout and stderr to
// DIR/output.txt. A time-out or a stop sends SIGTERM to the group (`nicsim run` then writes its
// outputs and exits) and SIGKILL after kill_grace_seconds. The launcher waits on pidfds with
// poll(): no polling loop, no SIGCHLD handler.
#pragma once

#include <memory>

#include "nicsim/regress/launcher.hpp"

namespace nicsim::regress {

struct LocalLaunchOptions {
    unsigned jobs = 1;              // runs at once (>= 1)
    int wake_fd = -1;               // readable when the regression should look at stop_requested()
                                    // (a signal handler's self-pipe; drained by the launcher)
    double kill_grace_seconds = 3;  // between SIGTERM and SIGKILL
    double tick_seconds = 0.25;     // LaunchEvents::tick() period
};

std::unique_ptr<Launcher> make_local_launcher(LocalLaunchOptions const& options);

}  // namespace nicsim::regress
