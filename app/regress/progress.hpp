// What a regression shows while it runs. On a terminal: one line rewritten in place (done/total,
// passed/failed, runs/s, estimated time left), each failure printed above it as it comes. Else
// (a log, CI): one plain line per finished run.
#pragma once

#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "nicsim/regress/run_result.hpp"

namespace nicsim::regress {

class Progress {
public:
    /// `scenario_of_run`: the scenario of every run to come, for the time estimate.
    Progress(std::ostream& out, bool terminal, std::vector<std::string> scenario_of_run, unsigned jobs);

    void started();
    void finished(RunResult const& r);
    void tick();
    /// Clears the terminal line; nothing is printed after.
    void done();

private:
    void draw();
    /// Seconds left: each unfinished run at its scenario's mean so far (else the overall mean),
    /// spread over the jobs; negative when nothing has finished yet.
    double seconds_left() const;

    std::ostream& out_;
    bool terminal_;
    std::vector<std::string> scenario_of_run_;
    unsigned jobs_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::size_t done_ = 0, passed_ = 0, failed_ = 0, refused_ = 0, running_ = 0;
    std::map<std::string, std::pair<double, std::size_t>> wall_by_scenario_;  // sum, count
    std::map<std::string, std::size_t> left_by_scenario_;
    bool line_shown_ = false;
};

}  // namespace nicsim::regress
