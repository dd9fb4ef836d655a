// A run's verdict from how it ended and what it left: see run_result.hpp.
#include "nicsim/regress/run_result.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cosim/scenario_error.hpp"

namespace nicsim::regress {

namespace fs = std::filesystem;
using nlohmann::json;

char const* to_string(RunStatus status) {
    switch (status) {
    case RunStatus::passed: return "passed";
    case RunStatus::failed: return "failed";
    case RunStatus::refused: return "refused";
    case RunStatus::not_run: return "not run";
    }
    return "?";
}

std::optional<RunStatus> run_status_named(std::string_view name) {
    for (auto s : {RunStatus::passed, RunStatus::failed, RunStatus::refused, RunStatus::not_run})
        if (name == to_string(s)) return s;
    return std::nullopt;
}

std::string signal_name(int signal) {
    if (char const* abbrev = ::sigabbrev_np(signal)) return fmt::format("SIG{}", abbrev);
    return fmt::format("signal {}", signal);
}

namespace {

std::string shell_word(std::string const& word) {
    bool const plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || std::strchr("_@%+=:,./-", ch) != nullptr;
    });
    if (plain) return word;
    std::string o = "'";
    for (char ch : word) o += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return o + "'";
}

/// The last line of `path` with something on it ("" if none or unreadable), as one line.
std::string last_line(fs::path const& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line, last;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") != std::string::npos) last = line;
    }
    return cosim::one_line(last);
}

/// run.json's latency object `key` (zeros when absent; a field of the wrong type throws).
LatencyCycles latency_of(json const& j, char const* key) {
    LatencyCycles l;
    auto const it = j.find(key);
    if (it == j.end() || !it->is_object()) return l;
    l.count = it->value("count", std::uint64_t{0});
    l.p50 = it->value("p50", std::uint64_t{0});
    l.p99 = it->value("p99", std::uint64_t{0});
    l.max = it->value("max", std::uint64_t{0});
    return l;
}

/// Reads what the run's run.json says into `r`; false (r untouched) without a readable one.
bool read_report(RunResult& r, fs::path const& run_dir, std::string& failure, bool& passed) {
    std::ifstream in(run_dir / "run.json", std::ios::binary);
    if (!in) return false;
    json const j = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return false;
    try {
        passed = j.value("passed", false);
        failure = j.value("failure", std::string());
        failure = failure.substr(0, failure.find('\n'));  // its headline; the details are in output.txt
        r.replay_command = j.value("replay_command", r.replay_command);
        if (auto const ft = j.find("failure_trace"); ft != j.end() && ft->is_object()) {
            r.waves = (fs::path(r.dir) / ft->value("fst", std::string())).lexically_normal().string();
            // nicsim run writes the save file next to the FST but names it by its absolute path:
            // the run folder's own name for it keeps the regression's output folder relocatable.
            if (auto const gtkw = ft->value("gtkw", std::string()); !gtkw.empty())
                r.waves_view =
                    (fs::path(r.waves).parent_path() / fs::path(gtkw).filename()).lexically_normal().string();
        }
        r.cycles = j.value("cycles", std::uint64_t{0});
        r.tx_packets = j.value("tx_packets", std::uint64_t{0});
        r.rx_packets = j.value("rx_packets", std::uint64_t{0});
        r.tx_gbit_per_second = j.value("tx_gbit_per_second", 0.0);
        r.rx_gbit_per_second = j.value("rx_gbit_per_second", 0.0);
        r.cycles_per_second = j.value("sim_cycles_per_second", 0.0);
        r.clock_hz = j.value("clock_hz", std::uint64_t{0});
        r.tx_latency = latency_of(j, "tx_latency_cycles");
        r.rx_latency = latency_of(j, "rx_latency_cycles");
        r.packets_per_second = j.value("packets_per_second", 0.0);
    } catch (json::exception const&) {
        return false;  // a field of the wrong type: not a report we can trust
    }
    r.reported = true;
    return true;
}

void fail(RunResult& r, std::string kind, std::string reason) {
    r.status = RunStatus::failed;
    r.failure_kind = std::move(kind);
    r.reason = cosim::one_line(reason);
}

}  // namespace

std::string replay_command_of(std::vector<std::string> const& options, std::uint64_t seed) {
    std::string o = "nicsim run";
    for (auto const& a : options) {
        o += ' ';
        o += shell_word(a);
    }
    return o + fmt::format(" --seed {}", seed);
}

void settle_not_started(RunResult& r, std::string const& why) {
    r.status = RunStatus::not_run;
    r.failure_kind = "not-run";
    r.reason = why;
}

void settle(RunResult& r, LaunchOutcome const& outcome, fs::path const& out_dir, std::string const& stop_reason) {
    using End = LaunchOutcome::End;
    fs::path const run_dir = out_dir / r.dir;
    if (r.replay_command.empty()) r.replay_command = replay_command_of(r.options, r.seed);
    r.wall_seconds = outcome.wall_seconds;
    r.cpu_seconds = outcome.cpu_seconds;
    if (outcome.end == End::exited) r.exit_status = outcome.exit_status;
    if (outcome.signal) r.signal = signal_name(outcome.signal);
    std::string failure;
    bool passed = false;
    bool const reported = read_report(r, run_dir, failure, passed);
    auto const output_line = last_line(run_dir / "output.txt");
    switch (outcome.end) {
    case End::not_started: fail(r, "not-started", fmt::format("could not start: {}", outcome.detail)); return;
    case End::lost: fail(r, "lost", outcome.detail); return;
    case End::cancelled: settle_not_started(r, fmt::format("cancelled: {}", stop_reason)); return;
    case End::timed_out:
        fail(r, "timeout",
             fmt::format("timeout: still running after {} (its process group was ended)", outcome.detail));
        return;
    case End::signaled:
        fail(r, "signal",
             fmt::format("killed by {}{}", signal_name(outcome.signal),
                         output_line.empty() ? "" : fmt::format(" (last output: {})", output_line)));
        return;
    case End::exited: break;
    }
    int const code = outcome.exit_status;
    if (code == 0 && reported && passed) {
        r.status = RunStatus::passed;
        r.waves.clear();
        r.waves_view.clear();
    } else if (code == 0) {
        fail(r, "no-report",
             reported ? "exit status 0 but run.json says the run failed" : "exit status 0 but no readable run.json");
    } else if (code == 1) {
        if (reported && !failure.empty())
            fail(r, "failed", failure);
        else
            fail(r, "no-report",
                 fmt::format("exit status 1 without a run.json failure line (last output: {})", output_line));
    } else if (code == 2) {
        r.status = RunStatus::refused;
        r.failure_kind = "refused";
        r.reason = output_line.empty() ? "refused (exit status 2, no message)" : output_line;
    } else if (code > 128 && code < 128 + 65) {
        fail(r, "signal", fmt::format("ended by {} (exit status {})", signal_name(code - 128), code));
    } else {
        fail(r, "exit",
             fmt::format("exit status {}{}", code, output_line.empty() ? "" : fmt::format(": {}", output_line)));
    }
}

}  // namespace nicsim::regress
