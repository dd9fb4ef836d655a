// The Slurm backend: the whole regression is ONE job array. Its task T runs the runs with
// id % K == T (shard.hpp) with the local launcher on whatever node Slurm gives it, and leaves an
// outcome file per run in OUT/slurm/outcomes/; this side lists that folder (one directory read
// every poll_seconds, never a scheduler query per run) and reports each run as its file appears.
//
// Files, all under the output folder, which must be on a filesystem every node shares (as must
// the nicsim binary):
//   OUT/slurm/shards/T.json     what task T runs (argv, folder, timeout of each of its runs)
//   OUT/slurm/task.sh           the array's batch script: exec NICSIM regress-shard SHARDS $SLURM_ARRAY_TASK_ID
//   OUT/slurm/outcomes/ID.json  how run ID's process ended, written by its task
//   OUT/slurm/logs/task-T.out   the task's own log (sbatch --output)
//
// Contract:
// - run() submits with `sbatch --parsable --array=0-(K-1)%THROTTLE ...` (sbatch_arguments); a
//   refusal throws SlurmError with sbatch's own message, before any event.
// - Every run is reported exactly once: by its outcome file; or, when `squeue` says its task
//   ended (or no longer knows the job) and the file has not appeared within lost_grace_seconds
//   (a shared filesystem may show a file late), as `lost` naming the task, its last state and
//   its log; or as `lost` when squeue has failed for squeue_failure_limit_seconds in a row, or
//   the job has not finished within wait_limit_seconds (0: no limit). The job is then scancelled.
// - The job's state is asked with one squeue call every squeue_seconds, never per run.
// - stop_requested() (Ctrl-C, --fail-fast): the outcomes already written are read, the job is
//   scancelled and every run not reported is reported `cancelled`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nicsim/regress/launcher.hpp"

namespace nicsim::regress {

/// Slurm could not take the job (sbatch missing or refusing): one line.
class SlurmError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct SlurmOptions {
    // What the user chooses (nicsim regress --slurm-*; docs/regress.md).
    std::string partition;                    // sbatch --partition ("" = the cluster's default)
    std::string time;                         // sbatch --time per array task ("" = derived, below)
    std::string mem;                          // sbatch --mem
    std::string account;                      // sbatch --account
    unsigned throttle = 64;                   // tasks running at once: --array=0-N%THROTTLE
    std::size_t runs_per_task = 0;            // 0: max(10, ceil(runs / 1000)): at most 1000 tasks
    std::vector<std::string> sbatch_options;  // --slurm-option, verbatim, after the others
    unsigned jobs_per_task = 1;               // -j: runs at once in a task (its --cpus-per-task)
    double wait_limit_seconds = 0;            // --slurm-wait-limit (0 = none)

    // What the regression sets.
    std::filesystem::path out_dir;  // absolute, shared with the nodes
    std::string nicsim;             // absolute path of the nicsim that runs the shards
    int wake_fd = -1;               // readable when stop_requested() should be asked
    double poll_seconds = 0.5;      // between two listings of the outcome folder
    double squeue_seconds = 3;      // between two squeue calls
    double lost_grace_seconds = 10;
    double squeue_failure_limit_seconds = 120;
    double kill_grace_seconds = 3;  // a task's SIGTERM -> SIGKILL for a run past its timeout
};

/// Runs per task when SlurmOptions::runs_per_task is 0 (or as given).
std::size_t runs_per_task_for(SlurmOptions const& o, std::size_t runs);

/// The sbatch command line (without "sbatch" itself) that submits `task_count` tasks, each of at
/// most `runs_per_task` runs with `run_timeout_seconds` each (0: none). With no --slurm-time and
/// no --time/-t among sbatch_options, a run timeout gives the tasks a time limit: their runs one
/// after another (jobs_per_task at once), each at its timeout plus the kill grace, plus a minute.
std::vector<std::string> sbatch_arguments(SlurmOptions const& o, std::size_t task_count, std::size_t runs_per_task,
                                          double run_timeout_seconds);

/// The array's batch script: execs `nicsim regress-shard SHARD_DIR $SLURM_ARRAY_TASK_ID`.
std::string task_script(std::string const& nicsim, std::filesystem::path const& shard_dir);

/// The program's path if `name` is an executable on PATH.
std::optional<std::string> find_on_path(std::string_view name);

std::unique_ptr<Launcher> make_slurm_launcher(SlurmOptions const& options);

}  // namespace nicsim::regress
