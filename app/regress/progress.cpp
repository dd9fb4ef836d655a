// The progress of a regression: see progress.hpp.
#include "progress.hpp"

#include <fmt/format.h>

namespace nicsim::regress {

namespace {

std::string clock_time(double seconds) {
    auto const s = static_cast<long long>(seconds + 0.5);
    return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                     : fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

Progress::Progress(std::ostream& out, bool terminal, std::vector<std::string> scenario_of_run, unsigned jobs)
    : out_(out), terminal_(terminal), scenario_of_run_(std::move(scenario_of_run)), jobs_(jobs ? jobs : 1) {
    for (auto const& s : scenario_of_run_) ++left_by_scenario_[s];
}

void Progress::started() {
    ++running_;
    if (terminal_) draw();
}

void Progress::finished(RunResult const& r) {
    running_ -= running_ > 0;
    ++done_;
    passed_ += r.status == RunStatus::passed;
    failed_ += r.status == RunStatus::failed;
    refused_ += r.status == RunStatus::refused;
    auto& w = wall_by_scenario_[r.scenario];
    w.first += r.wall_seconds;
    ++w.second;
    if (auto it = left_by_scenario_.find(r.scenario); it != left_by_scenario_.end() && it->second) --it->second;
    auto const total = scenario_of_run_.size();
    auto const what = r.status == RunStatus::passed ? fmt::format("passed {} run {} seed {} ({:.1f} s)", r.scenario,
                                                                  r.index, r.seed, r.wall_seconds)
                                                    : fmt::format("{} {} run {} seed {}: {}",
                                                                  r.status == RunStatus::failed    ? "FAILED"
                                                                  : r.status == RunStatus::refused ? "REFUSED"
                                                                                                   : "not run",
                                                                  r.scenario, r.index, r.seed, r.reason);
    if (!terminal_) {
        out_ << fmt::format("[{}/{}] {}\n", done_, total, what);
        out_.flush();
        return;
    }
    if (r.status != RunStatus::passed) out_ << "\r\033[K" << what << "\n";
    draw();
}

void Progress::tick() {
    if (terminal_) draw();
}

void Progress::done() {
    if (terminal_ && line_shown_) out_ << "\r\033[K";
    out_.flush();
    line_shown_ = false;
}

double Progress::seconds_left() const {
    double all_sum = 0;
    std::size_t all_count = 0;
    for (auto const& [name, w] : wall_by_scenario_) all_sum += w.first, all_count += w.second;
    if (all_count == 0) return -1;
    double left = 0;
    for (auto const& [name, n] : left_by_scenario_) {
        auto const it = wall_by_scenario_.find(name);
        double const mean = it != wall_by_scenario_.end() && it->second.second
                                ? it->second.first / static_cast<double>(it->second.second)
                                : all_sum / static_cast<double>(all_count);
        left += mean * static_cast<double>(n);
    }
    return left / jobs_;
}

void Progress::draw() {
    double const elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double const left = seconds_left();
    out_ << fmt::format("\r\033[K[{}/{}] passed {} failed {}{} | {} running | {:.2f} runs/s | {} elapsed, {} left",
                        done_, scenario_of_run_.size(), passed_, failed_,
                        refused_ ? fmt::format(" refused {}", refused_) : "", running_,
                        elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0, clock_time(elapsed),
                        left < 0 ? std::string("?") : fmt::format("~{}", clock_time(left)));
    out_.flush();
    line_shown_ = true;
}

}  // namespace nicsim::regress
