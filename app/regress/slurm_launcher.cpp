// The Slurm backend: see slurm_launcher.hpp.
#include "nicsim/regress/slurm_launcher.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "elapsed.hpp"
#include "program.hpp"
#include "nicsim/regress/run_result.hpp"
#include "nicsim/regress/shard.hpp"
#include "cosim/scenario_error.hpp"

extern char** environ;

namespace nicsim::regress {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

/// 'word' for sh, whatever it holds.
std::string shell_quote(std::string const& word) {
    std::string q = "'";
    for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

void write_text(fs::path const& p, std::string const& text) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) throw SlurmError(fmt::format("cannot write {}", p.string()));
}

/// Array task states in which the task may still write outcomes (squeue's %T).
bool still_active(std::string const& state) {
    static const std::set<std::string> active = {"PENDING",   "RUNNING",       "CONFIGURING", "COMPLETING", "SUSPENDED",
                                                 "REQUEUED",  "REQUEUE_HOLD",  "REQUEUE_FED", "RESIZING",   "SIGNALING",
                                                 "STAGE_OUT", "RESV_DEL_HOLD", "STOPPED"};
    return active.count(state) != 0;
}

class SlurmLauncher final : public Launcher {
public:
    explicit SlurmLauncher(SlurmOptions o) : o_(std::move(o)) {}

    void run(std::span<LaunchJob const> jobs, LaunchEvents& events) override {
        jobs_ = jobs;
        reported_.assign(jobs.size(), false);
        left_ = jobs.size();
        if (jobs.empty()) return;
        submit();
        // A big regression lists its outcome folder less often: one listing reads every file name.
        double const poll_seconds = std::clamp(static_cast<double>(jobs.size()) / 2000.0, o_.poll_seconds, 10.0);
        auto const submitted = Clock::now();
        auto last_squeue = Clock::now() - std::chrono::hours(1);
        bool squeue_failing = false;
        auto squeue_failing_since = Clock::now();
        std::string squeue_error;
        while (left_ > 0) {
            wait(poll_seconds);
            if (events.stop_requested()) {
                read_outcomes(events, /*stopping=*/true);
                scancel();
                for (std::size_t i = 0; i < jobs_.size(); ++i)
                    if (!reported_[i]) report(events, i, cancelled_outcome());
                return;
            }
            read_outcomes(events, false);
            if (left_ == 0) break;
            if (seconds_since(last_squeue) >= o_.squeue_seconds) {
                last_squeue = Clock::now();
                bool const answered = query_tasks(squeue_error);
                if (!answered && !squeue_failing) squeue_failing_since = Clock::now();
                squeue_failing = !answered;
            }
            if (squeue_failing && seconds_since(squeue_failing_since) >= o_.squeue_failure_limit_seconds) {
                give_up(events, fmt::format("squeue failed for {:g} s ({}): the Slurm job {} was cancelled",
                                            o_.squeue_failure_limit_seconds, squeue_error, job_id_));
                return;
            }
            if (o_.wait_limit_seconds > 0 && seconds_since(submitted) >= o_.wait_limit_seconds) {
                give_up(events, fmt::format("the Slurm job {} had not finished within --slurm-wait-limit {:g} s: "
                                            "cancelled",
                                            job_id_, o_.wait_limit_seconds));
                return;
            }
            settle_lost_tasks(events);
            events.tick();
        }
    }

private:
    void submit() {
        fs::path const slurm = o_.out_dir / "slurm";
        std::error_code ec;
        for (auto const* sub : {"shards", "outcomes", "logs"}) {
            fs::remove_all(slurm / sub, ec);
            fs::create_directories(slurm / sub, ec);
            if (ec) throw SlurmError(fmt::format("cannot create {}: {}", (slurm / sub).string(), ec.message()));
        }
        std::size_t const per_task = runs_per_task_for(o_, jobs_.size());
        task_count_ = task_count_for(jobs_.size(), per_task);
        outcome_dir_ = slurm / "outcomes";
        // The tasks start in another process, maybe on another node: every folder absolute.
        std::vector<LaunchJob> absolute(jobs_.begin(), jobs_.end());
        for (auto& job : absolute) job.dir = fs::absolute(job.dir);
        for (auto const& shard :
             make_shards(absolute, task_count_, o_.jobs_per_task, o_.kill_grace_seconds, outcome_dir_))
            write_text(slurm / "shards" / fmt::format("{}.json", shard.task), shard_json(shard));
        auto const script = slurm / "task.sh";
        write_text(script, task_script(o_.nicsim, slurm / "shards"));
        fs::permissions(script,
                        fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec,
                        ec);
        double const timeout = jobs_.empty() ? 0 : jobs_.front().timeout_seconds;
        std::vector<std::string> argv = {"sbatch"};
        auto const args = sbatch_arguments(o_, task_count_, per_task, timeout);
        argv.insert(argv.end(), args.begin(), args.end());
        auto const r = run_program(argv, 120);
        if (r.status != 0) throw SlurmError(fmt::format("sbatch refused the job: {}", message_of(r)));
        job_id_ = first_line(r.out).substr(0, first_line(r.out).find(';'));  // --parsable: "ID" or "ID;CLUSTER"
        if (job_id_.empty() || job_id_.find_first_not_of("0123456789") != std::string::npos)
            throw SlurmError(fmt::format("sbatch did not print a job id (it printed '{}')", first_line(r.out)));
        task_state_.assign(task_count_, "PENDING");
        gone_since_.assign(task_count_, std::nullopt);
        write_text(slurm / "job", job_id_ + "\n");
    }

    void wait(double seconds) {
        pollfd fd{o_.wake_fd, POLLIN, 0};
        int const n = ::poll(&fd, o_.wake_fd >= 0 ? 1 : 0, static_cast<int>(seconds * 1000));
        if (n > 0 && (fd.revents & POLLIN)) {
            char drain[64];
            while (::read(o_.wake_fd, drain, sizeof drain) > 0) {
            }
        }
    }

    void report(LaunchEvents& events, std::size_t id, LaunchOutcome const& outcome) {
        reported_[id] = true;
        --left_;
        events.finished(jobs_[id], outcome);
    }

    static LaunchOutcome cancelled_outcome() {
        LaunchOutcome o;
        o.end = LaunchOutcome::End::cancelled;
        return o;
    }

    /// One listing of the outcome folder; each new file read once.
    void read_outcomes(LaunchEvents& events, bool stopping) {
        std::error_code ec;
        for (fs::directory_iterator it(outcome_dir_, ec), end; !ec && it != end; it.increment(ec)) {
            auto const name = it->path().filename().string();
            auto const id = outcome_id_of(name);
            if (!id || *id >= jobs_.size() || reported_[*id]) continue;
            LaunchOutcome outcome;
            try {
                std::ifstream in(it->path(), std::ios::binary);
                std::stringstream text;
                text << in.rdbuf();
                outcome = parse_outcome(text.str(), it->path().string()).outcome;
            } catch (std::runtime_error const& e) {
                outcome = {};
                outcome.end = LaunchOutcome::End::lost;
                outcome.detail = e.what();
            }
            // A run its task cancelled while the regression goes on: the task was ended under it.
            if (outcome.end == LaunchOutcome::End::cancelled && !stopping) outcome.end = LaunchOutcome::End::lost;
            report(events, *id, outcome);
        }
    }

    /// One squeue call: each task's state. False (and `error`) when squeue failed.
    bool query_tasks(std::string& error) {
        auto const r =
            run_program({"squeue", "--noheader", "--array", "--states=all", "--jobs=" + job_id_, "--format=%K|%T"}, 60);
        if (r.status != 0) {
            if (r.err.find("Invalid job id") != std::string::npos) {  // forgotten (MinJobAge): every task ended
                for (std::size_t t = 0; t < task_count_; ++t)
                    if (still_active(task_state_[t])) task_state_[t] = "ended, no longer known to squeue";
                mark_gone();
                return true;
            }
            error = message_of(r);
            return false;
        }
        std::set<std::size_t> listed;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) {
            auto const bar = line.find('|');
            if (bar == std::string::npos) continue;
            auto const index = line.substr(0, bar);
            auto const state = first_line(line.substr(bar + 1));
            std::size_t t = 0;
            auto [p, ec] = std::from_chars(index.data(), index.data() + index.size(), t);
            if (ec != std::errc() || p != index.data() + index.size() || t >= task_count_) continue;
            task_state_[t] = state;
            listed.insert(t);
        }
        // A task squeue does not list at all has ended and been forgotten.
        if (!listed.empty())
            for (std::size_t t = 0; t < task_count_; ++t)
                if (!listed.count(t) && still_active(task_state_[t]))
                    task_state_[t] = "ended, no longer known to squeue";
        mark_gone();
        return true;
    }

    void mark_gone() {
        for (std::size_t t = 0; t < task_count_; ++t)
            if (!still_active(task_state_[t]) && !gone_since_[t]) gone_since_[t] = Clock::now();
    }

    /// Runs of tasks that ended lost_grace_seconds ago and never wrote their outcome: lost.
    void settle_lost_tasks(LaunchEvents& events) {
        for (std::size_t id = 0; id < jobs_.size(); ++id) {
            if (reported_[id]) continue;
            std::size_t const t = task_of_run(id, task_count_);
            if (!gone_since_[t] || seconds_since(*gone_since_[t]) < o_.lost_grace_seconds) continue;
            LaunchOutcome o;
            o.end = LaunchOutcome::End::lost;
            o.detail =
                fmt::format("Slurm array task {}_{} ended ({}) without reporting this run (its log: {})", job_id_, t,
                            task_state_[t], (o_.out_dir / "slurm" / "logs" / fmt::format("task-{}.out", t)).string());
            report(events, id, o);
        }
    }

    void give_up(LaunchEvents& events, std::string const& why) {
        scancel();
        read_outcomes(events, false);
        for (std::size_t id = 0; id < jobs_.size(); ++id)
            if (!reported_[id]) {
                LaunchOutcome o;
                o.end = LaunchOutcome::End::lost;
                o.detail = why;
                report(events, id, o);
            }
    }

    void scancel() {
        if (!job_id_.empty()) run_program({"scancel", job_id_}, 60);
    }

    SlurmOptions o_;
    std::span<LaunchJob const> jobs_;
    std::vector<bool> reported_;
    std::size_t left_ = 0;
    std::size_t task_count_ = 1;
    fs::path outcome_dir_;
    std::string job_id_;
    std::vector<std::string> task_state_;                       // last state squeue gave
    std::vector<std::optional<Clock::time_point>> gone_since_;  // when it was first seen ended
};

}  // namespace

std::size_t runs_per_task_for(SlurmOptions const& o, std::size_t runs) {
    if (o.runs_per_task > 0) return o.runs_per_task;
    // An array task costs the scheduler and the node seconds to start (about 3 s of a CPU on the
    // one-node Slurm here): ten runs at least, so that a few seconds of runs carry it; and at most
    // 1000 tasks, far below a cluster's MaxArraySize.
    return std::max<std::size_t>(10, (runs + 999) / 1000);
}

std::vector<std::string> sbatch_arguments(SlurmOptions const& o, std::size_t task_count, std::size_t runs_per_task,
                                          double run_timeout_seconds) {
    fs::path const slurm = o.out_dir / "slurm";
    std::vector<std::string> a = {
        "--parsable",
        "--job-name=nicsim-regress",
        fmt::format("--array=0-{}%{}", std::max<std::size_t>(1, task_count) - 1, std::max(1u, o.throttle)),
        fmt::format("--cpus-per-task={}", std::max(1u, o.jobs_per_task)),
        fmt::format("--output={}", (slurm / "logs" / "task-%a.out").string()),
        fmt::format("--chdir={}", o.out_dir.string()),
    };
    if (!o.partition.empty()) a.push_back("--partition=" + o.partition);
    bool const time_in_options =
        std::any_of(o.sbatch_options.begin(), o.sbatch_options.end(), [](std::string const& s) {
            return s == "-t" || s.rfind("--time", 0) == 0 || (s.rfind("-t", 0) == 0 && s.size() > 2);
        });
    if (!o.time.empty()) {
        a.push_back("--time=" + o.time);
    } else if (run_timeout_seconds > 0 && !time_in_options) {
        double const rounds = std::ceil(static_cast<double>(runs_per_task) / std::max(1u, o.jobs_per_task));
        double const seconds = rounds * (run_timeout_seconds + o.kill_grace_seconds) + 60;
        a.push_back(fmt::format("--time={}", static_cast<long long>(std::ceil(seconds / 60))));
    }
    if (!o.mem.empty()) a.push_back("--mem=" + o.mem);
    if (!o.account.empty()) a.push_back("--account=" + o.account);
    a.insert(a.end(), o.sbatch_options.begin(), o.sbatch_options.end());
    a.push_back((slurm / "task.sh").string());
    return a;
}

std::string task_script(std::string const& nicsim, fs::path const& shard_dir) {
    return fmt::format(
        "#!/bin/sh\n"
        "# nicsim regress --backend slurm: array task $SLURM_ARRAY_TASK_ID runs its shard of the runs.\n"
        "exec {} regress-shard {} \"$SLURM_ARRAY_TASK_ID\"\n",
        shell_quote(nicsim), shell_quote(shard_dir.string()));
}

std::optional<std::string> find_on_path(std::string_view name) {
    char const* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "";
    while (true) {
        auto const colon = dirs.find(':');
        auto const dir = dirs.substr(0, colon);
        auto const candidate = (fs::path(dir.empty() ? "." : std::string(dir)) / std::string(name)).string();
        std::error_code ec;
        if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate, ec)) return candidate;
        if (colon == std::string_view::npos) return std::nullopt;
        dirs.remove_prefix(colon + 1);
    }
}

std::unique_ptr<Launcher> make_slurm_launcher(SlurmOptions const& options) {
    return std::make_unique<SlurmLauncher>(options);
}

}  // namespace nicsim::regress
