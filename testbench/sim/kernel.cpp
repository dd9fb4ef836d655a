#include "sim/kernel.hpp"

#include <fmt/format.h>

namespace nicsim::sim {

namespace {
std::vector<bfm::SigRef> idle(std::vector<bfm::SigRef> inputs) {
    for (auto& in : inputs) in.set(0);
    return inputs;
}
}  // namespace

Kernel::Kernel(dut::Dut& dut, KernelConfig config)
    : dut_(dut), cfg_(config), rng_(config.seed), inputs_(idle(dut.ports().inputs())), clock_(dut) {}

void Kernel::reset() {
    reset(cfg_.reset_cycles);
}

void Kernel::set_trace_window(TraceWindow window) {
    if (window.first_cycle > window.last_cycle)
        throw std::invalid_argument(fmt::format("trace window {}:{}: the first cycle is after the last",
                                                window.first_cycle, window.last_cycle));
    if (window.first_cycle < cycle())
        throw std::invalid_argument(fmt::format("trace window {}:{}: cycle {} has already been simulated",
                                                window.first_cycle, window.last_cycle, window.first_cycle));
    if (dut_.tracing()) throw std::invalid_argument("trace window: a trace is already open");
    trace_window_ = std::move(window);
    trace_open_cycle_ = trace_window_.first_cycle;
    trace_close_cycle_ = TraceWindow::kEnd;
    trace_opened_ = false;
}

void Kernel::open_trace_window() {
    trace_open_cycle_ = TraceWindow::kEnd;
    dut_.open_trace(trace_window_.path, trace_window_.options);
    trace_opened_ = true;
    trace_close_cycle_ = trace_window_.last_cycle;
}

void Kernel::close_trace_window() {
    trace_close_cycle_ = TraceWindow::kEnd;
    dut_.close_trace();
    // Moved out first: the callback may set the next window, which replaces trace_window_.
    if (auto closed = std::move(trace_window_.on_closed)) closed();
}

bool Kernel::end_trace_window() {
    trace_open_cycle_ = TraceWindow::kEnd;
    trace_close_cycle_ = TraceWindow::kEnd;
    trace_window_.on_closed = nullptr;
    if (!dut_.tracing()) return false;
    dut_.close_trace();
    return true;
}

void Kernel::reset(std::uint32_t cycles) {
    // Clock::reset, through the kernel's edge (a trace window may open or close in reset).
    for (auto& in : inputs_) in.set(0);
    dut_.set_reset_n(false);
    for (std::uint32_t i = 0; i < cycles; ++i) edge();
    dut_.set_reset_n(true);
    for (Agent* a : agents_) a->reset();
    report_progress();
}

void Kernel::run_software() {
    SoftwareScope scope(*this);
    for (auto& hook : hooks_) hook();
}

std::string Kernel::diagnosis() const {
    // "Progress" is whatever called report_progress(): in a co-simulation a packet moving or a
    // register read answered; say so, beside a watchdog that may count packets only.
    std::string out = fmt::format(
        "  {} at cycle {}, seed {}, last progress (a packet moved or a register read "
        "was answered) at cycle {} ({} cycles ago)\n",
        dut_.config().name, cycle(), cfg_.seed, last_progress_cycle_, cycle() - last_progress_cycle_);
    for (auto const& d : diagnostics_) {
        std::string text;
        try {
            text = d.describe();
        } catch (std::exception const& e) {
            text = fmt::format("(diagnostic failed: {})", e.what());
        }
        // indent continuation lines under the provider's name
        std::string indented;
        for (char c : text) {
            indented += c;
            if (c == '\n') indented += "      ";
        }
        while (!indented.empty() && (indented.back() == ' ' || indented.back() == '\n')) indented.pop_back();
        out += fmt::format("  {}: {}\n", d.name, indented);
    }
    return out;
}

void Kernel::watchdog_expired() {
    throw WatchdogExpired(fmt::format("watchdog: no progress for {} cycles (progress: a packet moved or a register "
                                      "read was answered; cycle {}, seed {})",
                                      cycle() - last_progress_cycle_, cycle(), cfg_.seed),
                          diagnosis());
}

void Kernel::cycle_limit_reached() {
    throw CycleLimitReached(
        fmt::format("the run reached its cycle limit {} (cycle {}, seed {})", cfg_.max_cycles, cycle(), cfg_.seed),
        diagnosis());
}

}  // namespace nicsim::sim
