// Kernel: the simulation kernel. One clock, one cycle counter, one seeded generator, the
// two-phase loop, reset, a watchdog and a cycle limit, around one Dut.
//
// One cycle (step()):
//   1. every agent's drive(), in registration order: compute next inputs from the model's
//      current outputs (no agent reads a value another agent wrote in this phase);
//   2. the rising edge, by the Clock every model is clocked with (clock/clock.hpp): clk = 0, eval
//      (settles the new inputs; trace sample at 10*c), clk = 1, eval (the edge; trace sample at
//      10*c + 5); cycle() becomes c + 1. Without a trace open, the two are one
//      Dut::eval_rising_edge() (nothing samples the clock-low state then; same behaviour);
//   3. every agent's observe(): record the handshakes of that edge;
//   4. watchdog and cycle limit checks;
//   5. "software" (between-cycle hooks: interrupt delivery, the driver) runs, unless this step
//      was taken from inside software (a blocking MMIO read stalls the CPU: the clock and every
//      BFM keep running, the driver does not re-enter). software_scope() marks such code.
//
// Randomness: rng() is the run's only generator (std::mt19937_64 seeded with config().seed).
// Every BFM draws from it, so one seed replays a run bit for bit; print seed() at start.
//
// Watchdog: anything that makes progress (a packet completed, an MMIO read answered) calls
// report_progress(). When watchdog_cycles pass without one, step() throws WatchdogExpired whose
// diagnosis() holds the report of every diagnostic provider (ring indices, outstanding DMA...).
// max_cycles bounds the whole run the same way (CycleLimitReached). Both unwind through nested
// steps, so a stalled run ends instead of hanging.
//
// Trace window (set_trace_window): the FST file is opened just before cycle `first_cycle`'s
// clock-low sample and closed just after cycle `last_cycle`'s rising-edge sample, so the file
// holds times first*trace_period .. last*trace_period + trace_period/2 and nothing else; outside
// the window tracing costs two compares per cycle.
//
// Cost: the per-cycle path allocates nothing, takes one virtual call per agent and phase it
// takes part in (Agent::drives(), observes()) and one evaluation (two while tracing).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dut/dut.hpp"
#include "clock/clock.hpp"

namespace nicsim::sim {

/// A participant of the two-phase loop (a BFM, a monitor).
class Agent {
public:
    virtual ~Agent() = default;
    /// Before the edge: sample the model's outputs, set the inputs this agent owns.
    virtual void drive() = 0;
    /// After the edge: record what happened at it.
    virtual void observe() = 0;
    /// At the end of Kernel::reset(), before the first cycle out of reset: forget all
    /// transactions and drive idle.
    virtual void reset() {}
    /// Whether drive() / observe() do anything: asked once, by add_agent(); the kernel calls
    /// only the phases an agent takes part in (an interrupt monitor only observes).
    virtual bool drives() const noexcept { return true; }
    virtual bool observes() const noexcept { return true; }
};

struct KernelConfig {
    std::uint64_t seed = 1;
    std::uint64_t watchdog_cycles = 100'000;  // cycles without report_progress(); 0 = off
    std::uint64_t max_cycles = 0;             // total cycles of the run; 0 = unlimited
    std::uint32_t reset_cycles = 16;          // rst_n low, every input idle
};

class SimError : public std::runtime_error {
public:
    SimError(std::string const& what, std::string diagnosis)
        : std::runtime_error(what + "\n" + diagnosis), diagnosis_(std::move(diagnosis)) {}
    /// The diagnostic providers' report at the time of the error.
    std::string const& diagnosis() const noexcept { return diagnosis_; }

private:
    std::string diagnosis_;
};
/// No progress was reported for watchdog_cycles.
class WatchdogExpired : public SimError {
    using SimError::SimError;
};
/// The run reached max_cycles, or a bounded wait (run_until) its limit.
class CycleLimitReached : public SimError {
    using SimError::SimError;
};

/// Which cycles go to which FST file (see the header comment).
struct TraceWindow {
    static constexpr std::uint64_t kEnd = std::numeric_limits<std::uint64_t>::max();
    std::string path;
    std::uint64_t first_cycle = 0;
    std::uint64_t last_cycle = kEnd;  // kEnd: until the run ends (the owner closes the trace)
    dut::TraceOptions options;
    // Called once the file is closed after last_cycle's edge (cycle() is last_cycle + 1; not by
    // end_trace_window()); it may set the next window (the flight recorder's segments,
    // sim/flight_recorder.hpp).
    std::function<void()> on_closed;
};

class Kernel {
public:
    explicit Kernel(dut::Dut& dut, KernelConfig config = {});
    Kernel(Kernel const&) = delete;
    Kernel& operator=(Kernel const&) = delete;

    dut::Dut& dut() noexcept { return dut_; }
    KernelConfig& config() noexcept { return cfg_; }
    std::mt19937_64& rng() noexcept { return rng_; }
    std::uint64_t seed() const noexcept { return cfg_.seed; }
    /// Rising edges so far (reset cycles included).
    std::uint64_t cycle() const noexcept { return clock_.cycle(); }

    /// Register an agent (not owned; it must outlive the kernel's use). Drive and observe run in
    /// registration order.
    void add_agent(Agent& agent) {
        agents_.push_back(&agent);
        if (agent.drives()) drivers_.push_back(&agent);
        if (agent.observes()) observers_.push_back(&agent);
    }
    /// Register any object with drive() and observe() (and optionally reset()), e.g. a BFM from
    /// testbench/bfm; the kernel owns the small wrapper, not the object.
    template <class Bfm>
    Agent& add_bfm(Bfm& bfm);

    /// Software that runs between cycles (interrupt delivery, the driver's polling loop).
    void add_between_cycles(std::function<void()> hook) { hooks_.push_back(std::move(hook)); }
    /// A diagnostic provider: a name and a function describing its state, for stall reports.
    void add_diagnostic(std::string name, std::function<std::string()> describe) {
        diagnostics_.push_back({std::move(name), std::move(describe)});
    }
    /// Something made progress: restarts the watchdog.
    void report_progress() noexcept { last_progress_cycle_ = cycle(); }
    std::uint64_t last_progress_cycle() const noexcept { return last_progress_cycle_; }

    /// rst_n low for `cycles` (config().reset_cycles by default) with every input idle (zero)
    /// and no agent running; then rst_n high and every agent's reset().
    void reset();
    void reset(std::uint32_t cycles);

    /// One cycle of the two-phase loop (see the header comment).
    void step();
    void step(std::uint64_t cycles) {
        for (std::uint64_t i = 0; i < cycles; ++i) step();
    }
    /// Steps until done() is true (checked before each step); throws CycleLimitReached naming
    /// `what` after limit_cycles steps. Returns the cycles taken.
    template <class Done>
    std::uint64_t run_until(Done&& done, std::uint64_t limit_cycles, std::string_view what);

    /// While alive, steps taken are "inside software": between-cycle hooks do not run.
    class SoftwareScope {
    public:
        explicit SoftwareScope(Kernel& k) : k_(k) { ++k_.software_depth_; }
        ~SoftwareScope() { --k_.software_depth_; }
        SoftwareScope(SoftwareScope const&) = delete;
        SoftwareScope& operator=(SoftwareScope const&) = delete;

    private:
        Kernel& k_;
    };
    SoftwareScope software_scope() { return SoftwareScope(*this); }
    bool in_software() const noexcept { return software_depth_ > 0; }

    /// Trace cycles first_cycle..last_cycle of the run into window.path (see the header comment).
    /// Replaces a window not yet open; throws std::invalid_argument if first_cycle > last_cycle
    /// or first_cycle has already been simulated, or a trace is open.
    void set_trace_window(TraceWindow window);
    /// Whether the window's file has been opened (and possibly closed again) in this run.
    bool trace_window_opened() const noexcept { return trace_opened_; }
    /// Between cycles: closes the window's file now if it is open (its last cycle is cycle() - 1)
    /// and forgets a window not yet open. Returns whether a file was open.
    bool end_trace_window();

    /// The report of every diagnostic provider, headed by the cycle, seed and last progress.
    std::string diagnosis() const;

    /// Trace time of cycle c's rising edge is c * trace_period + trace_period / 2.
    static constexpr std::uint64_t trace_period = Clock::trace_period;

private:
    template <class Bfm>
    class BfmAgent;
    struct Diagnostic {
        std::string name;
        std::function<std::string()> describe;
    };

    void edge() {
        std::uint64_t const c = clock_.cycle();
        if (c == trace_open_cycle_) [[unlikely]]
            open_trace_window();
        clock_.edge();
        if (c == trace_close_cycle_) [[unlikely]]
            close_trace_window();
    }
    void open_trace_window();
    void close_trace_window();
    [[noreturn]] void watchdog_expired();
    [[noreturn]] void cycle_limit_reached();
    void run_software();

    dut::Dut& dut_;
    KernelConfig cfg_;
    std::mt19937_64 rng_;
    std::vector<bfm::SigRef> inputs_;  // idle (zero) before clock_ powers the model on
    Clock clock_;
    std::vector<Agent*> agents_;
    std::vector<Agent*> drivers_, observers_;  // of agents_, those taking part in each phase
    std::vector<std::unique_ptr<Agent>> owned_agents_;
    std::vector<std::function<void()>> hooks_;
    std::vector<Diagnostic> diagnostics_;
    std::uint64_t last_progress_cycle_ = 0;
    int software_depth_ = 0;
    TraceWindow trace_window_;
    std::uint64_t trace_open_cycle_ = TraceWindow::kEnd;   // kEnd: nothing to open
    std::uint64_t trace_close_cycle_ = TraceWindow::kEnd;  // kEnd: nothing to close
    bool trace_opened_ = false;
};

// ---- inline parts ----

template <class Bfm>
class Kernel::BfmAgent final : public Agent {
public:
    explicit BfmAgent(Bfm& bfm) : bfm_(bfm) {}
    void drive() override { bfm_.drive(); }
    void observe() override { bfm_.observe(); }
    void reset() override {
        if constexpr (requires { bfm_.reset(); }) bfm_.reset();
    }

private:
    Bfm& bfm_;
};

template <class Bfm>
Agent& Kernel::add_bfm(Bfm& bfm) {
    owned_agents_.push_back(std::make_unique<BfmAgent<Bfm>>(bfm));
    add_agent(*owned_agents_.back());
    return *owned_agents_.back();
}

inline void Kernel::step() {
    for (Agent* a : drivers_) a->drive();
    edge();
    for (Agent* a : observers_) a->observe();
    if (cfg_.watchdog_cycles != 0 && cycle() - last_progress_cycle_ >= cfg_.watchdog_cycles) [[unlikely]]
        watchdog_expired();
    if (cfg_.max_cycles != 0 && cycle() >= cfg_.max_cycles) [[unlikely]]
        cycle_limit_reached();
    if (software_depth_ == 0 && !hooks_.empty()) run_software();
}

template <class Done>
std::uint64_t Kernel::run_until(Done&& done, std::uint64_t limit_cycles, std::string_view what) {
    std::uint64_t const start = cycle();
    while (!done()) {
        if (cycle() - start >= limit_cycles)
            throw CycleLimitReached(std::string("gave up waiting for ") + std::string(what) + " after " +
                                        std::to_string(limit_cycles) + " cycles",
                                    diagnosis());
        step();
    }
    return cycle() - start;
}

}  // namespace nicsim::sim
