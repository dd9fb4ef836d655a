// The files the Slurm backend and its array tasks share (docs/regress.md, "Backends"): a *shard*
// file per array task (the runs it executes) and an *outcome* file per run (how its process
// ended), both JSON in the regression's output folder, which every node sees.
//
// Contract:
// - Run `id` belongs to array task `id % task_count` (task_of_run): a deterministic round robin,
//   so each task gets a mix of the plan's scenarios and about the same work.
// - An outcome file is written to a temporary name and renamed, so a reader listing the outcome
//   folder sees a file whole or not at all (names starting with '.' are temporaries).
// - run_regress_shard_command() is `nicsim regress-shard SHARD_DIR TASK` (hidden): it runs the
//   shard SHARD_DIR/TASK.json with the local launcher and writes an outcome per run as it ends;
//   SIGTERM or SIGINT (scancel, Slurm's time limit) ends the runs in flight, which are written as
//   cancelled. Exit status 0 when every run of the shard has its outcome, 2 on a bad shard file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nicsim/regress/launcher.hpp"

namespace nicsim::regress {

/// What one array task runs.
struct Shard {
    std::size_t task = 0;
    std::size_t task_count = 1;
    unsigned jobs = 1;  // runs at once within the task
    double kill_grace_seconds = 3;
    std::filesystem::path outcome_dir;  // where it writes ID.json per run (absolute)
    std::vector<LaunchJob> runs;        // argv and dir absolute: the task starts anywhere
};

/// The array task that runs run `id`.
std::size_t task_of_run(std::size_t id, std::size_t task_count);

/// How many array tasks: ceil(runs / runs_per_task) with runs_per_task >= 1; at least 1.
std::size_t task_count_for(std::size_t runs, std::size_t runs_per_task);

/// The runs split into `task_count` shards (task_of_run), each in id order.
std::vector<Shard> make_shards(std::span<LaunchJob const> jobs, std::size_t task_count, unsigned jobs_per_task,
                               double kill_grace_seconds, std::filesystem::path const& outcome_dir);

std::string shard_json(Shard const& shard);
/// Throws std::runtime_error "SOURCE: what is wrong" (one line).
Shard parse_shard(std::string_view text, std::string const& source);

/// One run's end as an outcome file says it.
struct RunOutcome {
    std::size_t id = 0;
    LaunchOutcome outcome;
};
std::string outcome_json(RunOutcome const& r);
/// Throws std::runtime_error "SOURCE: what is wrong" (one line).
RunOutcome parse_outcome(std::string_view text, std::string const& source);

std::filesystem::path outcome_path(std::filesystem::path const& outcome_dir, std::size_t id);
/// Writes it whole (temporary + rename). Throws std::runtime_error when it cannot.
void write_outcome(std::filesystem::path const& outcome_dir, RunOutcome const& r);
/// The run id an outcome file's name stands for ("17.json" -> 17); nothing for anything else.
std::optional<std::size_t> outcome_id_of(std::string_view file_name);

/// `nicsim regress-shard SHARD_DIR TASK` (the command an array task runs).
int run_regress_shard_command(std::span<std::string const> args, std::ostream& out, std::ostream& err);

}  // namespace nicsim::regress
