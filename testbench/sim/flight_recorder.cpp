// FlightRecorder: see flight_recorder.hpp.
#include "sim/flight_recorder.hpp"

#include <algorithm>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "fst/fst_join.hpp"

namespace nicsim::sim {

FlightRecorder::FlightRecorder(Kernel& kernel, std::filesystem::path segment_stem, std::uint64_t cycles,
                               dut::TraceOptions options)
    : kernel_(kernel),
      stem_(std::move(segment_stem)),
      cycles_(std::max<std::uint64_t>(cycles, 2)),
      segment_cycles_(std::max<std::uint64_t>(cycles_ / 2, 1)),
      options_(std::move(options)) {
    open_segment(kernel_.cycle());
}

FlightRecorder::~FlightRecorder() {
    kernel_.end_trace_window();
    std::error_code ec;
    for (auto const& s : closed_) std::filesystem::remove(s.path, ec);
    if (open_) std::filesystem::remove(open_->path, ec);
}

void FlightRecorder::open_segment(std::uint64_t first_cycle) {
    Segment s;
    s.path = stem_;
    s.path += fmt::format(".{}.fst", next_index_++);
    s.first_cycle = first_cycle;
    s.last_cycle = first_cycle + segment_cycles_ - 1;
    TraceWindow w;
    w.path = s.path.string();
    w.first_cycle = s.first_cycle;
    w.last_cycle = s.last_cycle;
    w.options = options_;
    w.on_closed = [this] { segment_closed(); };
    kernel_.set_trace_window(std::move(w));
    open_ = std::move(s);
}

void FlightRecorder::segment_closed() {
    closed_.push_back(*open_);
    open_.reset();
    prune();
    open_segment(closed_.back().last_cycle + 1);
}

void FlightRecorder::prune() {
    if (closed_.empty()) return;
    std::uint64_t const end = closed_.back().last_cycle;
    // The front segment goes once the ones after it hold cycles_ cycles.
    while (closed_.size() > 1 && end - closed_[1].first_cycle + 1 >= cycles_) {
        std::error_code ec;
        std::filesystem::remove(closed_.front().path, ec);
        closed_.pop_front();
    }
}

std::optional<FlightRecorder::Written> FlightRecorder::write(std::filesystem::path const& out, bool resume) {
    // The open segment ends with the last cycle simulated, if it ever opened.
    if (open_) {
        std::uint64_t const now = kernel_.cycle();
        bool const was_open = kernel_.end_trace_window();
        if (was_open && now > open_->first_cycle) {
            open_->last_cycle = now - 1;
            closed_.push_back(*open_);
        } else {
            std::error_code ec;
            std::filesystem::remove(open_->path, ec);
        }
        open_.reset();
    }
    std::optional<Written> written;
    if (!closed_.empty()) {
        Written w;
        w.last_cycle = closed_.back().last_cycle;
        w.first_cycle =
            std::max(closed_.front().first_cycle, w.last_cycle + 1 >= cycles_ ? w.last_cycle + 1 - cycles_ : 0);
        std::vector<std::filesystem::path> paths;
        for (auto const& s : closed_)
            if (s.last_cycle >= w.first_cycle) paths.push_back(s.path);
        waves::join_fst_segments(paths, w.first_cycle * Kernel::trace_period, out);
        written = w;
    }
    if (resume) open_segment(kernel_.cycle());
    return written;
}

}  // namespace nicsim::sim
