// The shard and outcome files of the Slurm backend, and the command an array task runs: see
// shard.hpp.
#include "nicsim/regress/shard.hpp"

#include <charconv>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "command_line/command_line.hpp"
#include "cosim/scenario_error.hpp"
#include "io/output_file.hpp"
#include "interrupt_watch.hpp"
#include "nicsim/regress/local_launcher.hpp"
#include "nicsim/regress/run_result.hpp"

namespace nicsim::regress {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr char const* kShardFormat = "nicsim-regress-shard 1";
constexpr char const* kOutcomeFormat = "nicsim-regress-outcome 1";

constexpr std::pair<LaunchOutcome::End, char const*> kEndNames[] = {
    {LaunchOutcome::End::exited, "exited"},           {LaunchOutcome::End::signaled, "signaled"},
    {LaunchOutcome::End::timed_out, "timed_out"},     {LaunchOutcome::End::cancelled, "cancelled"},
    {LaunchOutcome::End::not_started, "not_started"}, {LaunchOutcome::End::lost, "lost"},
};

char const* end_name(LaunchOutcome::End end) {
    for (auto const& [e, name] : kEndNames)
        if (e == end) return name;
    return "lost";
}

/// Parses `text` as JSON and hands it to `read`; any error is one line naming `source`.
template <typename Read>
auto parse_json_file(std::string_view text, std::string const& source, char const* format, Read read) {
    try {
        auto const j = json::parse(text);
        if (!j.is_object() || j.value("format", "") != format)
            throw std::runtime_error(fmt::format("not a {} file", format));
        return read(j);
    } catch (json::exception const& e) {
        throw std::runtime_error(cosim::one_line(fmt::format("{}: {}", source, e.what())));
    } catch (std::runtime_error const& e) {
        throw std::runtime_error(cosim::one_line(fmt::format("{}: {}", source, e.what())));
    }
}

std::string read_file(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot read it", p.string()));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

std::size_t task_of_run(std::size_t id, std::size_t task_count) {
    return id % std::max<std::size_t>(1, task_count);
}

std::size_t task_count_for(std::size_t runs, std::size_t runs_per_task) {
    runs_per_task = std::max<std::size_t>(1, runs_per_task);
    return std::max<std::size_t>(1, (runs + runs_per_task - 1) / runs_per_task);
}

std::vector<Shard> make_shards(std::span<LaunchJob const> jobs, std::size_t task_count, unsigned jobs_per_task,
                               double kill_grace_seconds, fs::path const& outcome_dir) {
    std::vector<Shard> shards(std::max<std::size_t>(1, task_count));
    for (std::size_t t = 0; t < shards.size(); ++t) {
        shards[t].task = t;
        shards[t].task_count = shards.size();
        shards[t].jobs = jobs_per_task;
        shards[t].kill_grace_seconds = kill_grace_seconds;
        shards[t].outcome_dir = outcome_dir;
    }
    for (auto const& job : jobs) shards[task_of_run(job.id, shards.size())].runs.push_back(job);
    return shards;
}

std::string shard_json(Shard const& shard) {
    json runs = json::array();
    for (auto const& r : shard.runs)
        runs.push_back(
            {{"id", r.id}, {"argv", r.argv}, {"dir", r.dir.string()}, {"timeout_seconds", r.timeout_seconds}});
    json const j = {{"format", kShardFormat},
                    {"task", shard.task},
                    {"task_count", shard.task_count},
                    {"jobs", shard.jobs},
                    {"kill_grace_seconds", shard.kill_grace_seconds},
                    {"outcome_dir", shard.outcome_dir.string()},
                    {"runs", runs}};
    return j.dump(1) + "\n";
}

Shard parse_shard(std::string_view text, std::string const& source) {
    return parse_json_file(text, source, kShardFormat, [](json const& j) {
        Shard s;
        s.task = j.at("task").get<std::size_t>();
        s.task_count = j.at("task_count").get<std::size_t>();
        s.jobs = std::max(1u, j.at("jobs").get<unsigned>());
        s.kill_grace_seconds = j.at("kill_grace_seconds").get<double>();
        s.outcome_dir = j.at("outcome_dir").get<std::string>();
        for (auto const& r : j.at("runs")) {
            LaunchJob job;
            job.id = r.at("id").get<std::size_t>();
            job.argv = r.at("argv").get<std::vector<std::string>>();
            job.dir = r.at("dir").get<std::string>();
            job.timeout_seconds = r.at("timeout_seconds").get<double>();
            if (job.argv.empty()) throw std::runtime_error(fmt::format("run {}: empty argv", job.id));
            s.runs.push_back(std::move(job));
        }
        return s;
    });
}

std::string outcome_json(RunOutcome const& r) {
    auto const& o = r.outcome;
    json const j = {{"format", kOutcomeFormat},     {"id", r.id},         {"end", end_name(o.end)},
                    {"exit_status", o.exit_status}, {"signal", o.signal}, {"wall_seconds", o.wall_seconds},
                    {"cpu_seconds", o.cpu_seconds}, {"detail", o.detail}};
    return j.dump() + "\n";
}

RunOutcome parse_outcome(std::string_view text, std::string const& source) {
    return parse_json_file(text, source, kOutcomeFormat, [](json const& j) {
        RunOutcome r;
        r.id = j.at("id").get<std::size_t>();
        auto const end = j.at("end").get<std::string>();
        bool known = false;
        for (auto const& [e, name] : kEndNames)
            if (end == name) {
                r.outcome.end = e;
                known = true;
            }
        if (!known) throw std::runtime_error(fmt::format("unknown end '{}'", end));
        r.outcome.exit_status = j.at("exit_status").get<int>();
        r.outcome.signal = j.at("signal").get<int>();
        r.outcome.wall_seconds = j.at("wall_seconds").get<double>();
        r.outcome.cpu_seconds = j.at("cpu_seconds").get<double>();
        r.outcome.detail = j.at("detail").get<std::string>();
        return r;
    });
}

fs::path outcome_path(fs::path const& outcome_dir, std::size_t id) {
    return outcome_dir / fmt::format("{}.json", id);
}

void write_outcome(fs::path const& outcome_dir, RunOutcome const& r) {
    try {
        io::write_output_file(outcome_path(outcome_dir, r.id), outcome_json(r));  // temporary + rename
    } catch (io::OutputFileError const& e) {
        throw std::runtime_error(e.what());
    }
}

std::optional<std::size_t> outcome_id_of(std::string_view name) {
    constexpr std::string_view suffix = ".json";
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) return std::nullopt;
    auto const digits = name.substr(0, name.size() - suffix.size());
    std::size_t id = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
    return id;
}

namespace {

/// The shard's side of the local launcher: an outcome file per run as it ends, a line per run in
/// the task's log (Slurm's --output).
class ShardEvents final : public LaunchEvents {
public:
    ShardEvents(Shard const& shard, std::ostream& log, InterruptWatch const& interrupt)
        : shard_(shard), log_(log), interrupt_(interrupt) {}

    void started(LaunchJob const& job) override {
        log_ << fmt::format("run {} started: {}", job.id, job.dir.string()) << std::endl;
    }
    void finished(LaunchJob const& job, LaunchOutcome const& outcome) override {
        ended_.insert(job.id);
        RunOutcome r{job.id, outcome};
        if (outcome.end == LaunchOutcome::End::cancelled)
            r.outcome.detail = fmt::format(
                "array task {} was ended by {} {} (scancel, or its "
                "time limit)",
                shard_.task, signal_name(interrupt_.signal()),
                outcome.wall_seconds > 0 ? "while the run was in flight" : "before the run started");
        try {
            write_outcome(shard_.outcome_dir, r);
            ++written_;
        } catch (std::runtime_error const& e) {
            log_ << "nicsim regress-shard: " << e.what() << std::endl;
        }
        log_ << fmt::format("run {} ended: {} exit {} signal {} ({:.1f} s)", job.id, end_name(outcome.end),
                            outcome.exit_status, outcome.signal, outcome.wall_seconds)
             << std::endl;
    }
    bool stop_requested() override { return interrupt_.signal() != 0; }
    void tick() override {}

    std::size_t written() const { return written_; }
    bool has_ended(std::size_t id) const { return ended_.count(id) != 0; }

private:
    Shard const& shard_;
    std::ostream& log_;
    InterruptWatch const& interrupt_;
    std::size_t written_ = 0;
    std::set<std::size_t> ended_;
};

}  // namespace

int run_regress_shard_command(std::span<std::string const> args, std::ostream& out, std::ostream& err) {
    CLI::App app{"", "nicsim regress-shard"};
    std::string shard_dir, task;
    app.add_option("SHARD_DIR", shard_dir)->required();
    app.add_option("TASK", task)->required();
    try {
        command_line::parse(app, args);
    } catch (CLI::ParseError const&) {  // a word missing or too many, or --help: said the same way
        err << "nicsim regress-shard: usage: nicsim regress-shard SHARD_DIR TASK (run by nicsim regress --backend "
               "slurm's array tasks)\n";
        return 2;
    }
    Shard shard;
    auto const file = fs::path(shard_dir) / fmt::format("{}.json", task);
    try {
        shard = parse_shard(read_file(file), file.string());
    } catch (std::runtime_error const& e) {
        err << "nicsim regress-shard: " << e.what() << "\n";
        return 2;
    }
    char host[256] = "?";
    ::gethostname(host, sizeof host - 1);
    out << fmt::format("nicsim regress-shard: task {} of {} on {}: {} runs, {} at once", shard.task, shard.task_count,
                       host, shard.runs.size(), shard.jobs)
        << std::endl;
    InterruptWatch interrupt;
    ShardEvents events(shard, out, interrupt);
    LocalLaunchOptions lo;
    lo.jobs = shard.jobs;
    lo.wake_fd = interrupt.wake_fd();
    lo.kill_grace_seconds = shard.kill_grace_seconds;
    lo.tick_seconds = 1;
    make_local_launcher(lo)->run(shard.runs, events);
    // Stopped early: the runs never started get an outcome too, so the regression need not wait
    // for Slurm to say the task is gone.
    for (auto const& job : shard.runs)
        if (!events.has_ended(job.id)) {
            LaunchOutcome never;
            never.end = LaunchOutcome::End::cancelled;
            events.finished(job, never);
        }
    out << fmt::format("nicsim regress-shard: task {}: {} of {} outcomes written", shard.task, events.written(),
                       shard.runs.size())
        << std::endl;
    if (interrupt.signal()) return 128 + interrupt.signal();
    return events.written() == shard.runs.size() ? 0 : 1;
}

}  // namespace nicsim::regress
