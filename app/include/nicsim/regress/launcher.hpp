// Launcher: where a regression's runs execute. The regression hands it every run as a process to
// start (a LaunchJob) and learns of each end through LaunchEvents; what a run's outcome *means*
// (passed, failed, refused) is decided from the files the run leaves in its folder, never by the
// launcher, so every backend gives the same results.
//
// Backends: local (local_launcher.hpp: fork/exec on this machine, -j at a time) and Slurm
// (slurm_launcher.hpp: one job array whose tasks each run a shard of the jobs with the local
// launcher and leave an outcome file per run in the shared output folder, shard.hpp; each run is
// reported as its outcome file appears). docs/regress.md, "Backends".
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace nicsim::regress {

/// One run to execute: a process started in its own folder.
struct LaunchJob {
    std::size_t id = 0;             // the caller's name for it (its index in the caller's list)
    std::vector<std::string> argv;  // argv[0]: the program, a path
    std::filesystem::path dir;      // its working directory, created by the caller; stdout and
                                    // stderr go to dir/output.txt
    double timeout_seconds = 0;     // wall time allowed (0: none); then its process group is ended
};

/// How a run's process ended.
struct LaunchOutcome {
    enum class End {
        exited,       // exit_status says how
        signaled,     // killed by `signal` (a crash, or someone else's kill)
        timed_out,    // ran past its timeout: its process group was ended
        cancelled,    // ended because the regression stopped (Ctrl-C, --fail-fast)
        not_started,  // could not be started (detail says why)
        lost,         // the backend lost it: a cluster task that died or was never run (detail says how)
    };
    End end = End::not_started;
    int exit_status = 0;
    int signal = 0;
    double wall_seconds = 0;
    double cpu_seconds = 0;  // user + system time of the run's process (not the load's victim
                             // wall time is: what a plan costs on an idle machine)
    std::string detail;
};

/// What the launcher tells the regression, and asks it. Called on the launcher's thread only.
class LaunchEvents {
public:
    virtual ~LaunchEvents() = default;
    virtual void started(LaunchJob const& job) = 0;
    virtual void finished(LaunchJob const& job, LaunchOutcome const& outcome) = 0;
    /// Asked after every event and wake-up: true ends the regression early: no run starts any
    /// more, the running ones are ended (reported `cancelled`), and run() returns.
    virtual bool stop_requested() = 0;
    /// Called at least every few hundred milliseconds while runs are in flight (a progress line).
    virtual void tick() = 0;
};

class Launcher {
public:
    virtual ~Launcher() = default;
    /// Runs `jobs`, started in their order; returns when every job has finished, or when
    /// stop_requested() said so (the jobs never started are not reported).
    virtual void run(std::span<LaunchJob const> jobs, LaunchEvents& events) = 0;
};

}  // namespace nicsim::regress
