// assertions.hpp: how a protocol-checker violation stops a C++ run.
//
// Every checker in this folder reports a failed rule in two ways, in this order:
//   1. it calls the DPI-C import nicsim_checker_violation(msg) (defined in assertions.cpp), then
//   2. $error(msg), which Verilator 5.006 prints and then treats as $stop once the context's
//      error limit (default 1) is reached: with fatalOnError (default true) that is std::abort().
// msg reads "[rule] port=<instance path>.<assertion label> cycle=<n> side=<who> <values>", where
// cycle is the index of the rising clk edge at which the rule was sampled (0 = the first edge
// since the model was built; the checkers' counter is never reset).
//
// Default (OnViolation::throw_at_eval): nicsim_checker_violation throws ProtocolViolation right
// there, so the exception leaves the model's eval() of that edge, i.e. the sim step that called
// it, and $error never runs. Nothing needs installing: linking nicsim::checkers is enough. The
// model is left mid-evaluation and must not be used again (destroying it is fine).
//
// OnViolation::record (RecordViolations scope): messages are stored instead, eval() completes,
// Verilator prints $error and marks the context gotError()/gotFinish() (fatalOnError is turned off
// for the scope so it does not abort); the harness calls throw_if_violated() after the edge to get
// ProtocolViolation for the first violation of the edge (every message of it in all_messages()).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

class VerilatedContext;

namespace nicsim::checkers {

/// The fields of a checker message "[rule] port=<p> cycle=<n> ...".
struct ViolationText {
    std::string rule;
    std::string port;
    std::uint64_t cycle = 0;
    bool well_formed = false;  ///< all three fields were found
};

ViolationText parse_violation(std::string_view message);

class ProtocolViolation : public std::runtime_error {
public:
    /// `messages`: every violation of the edge, first one first (at least one).
    explicit ProtocolViolation(std::vector<std::string> messages);

    const std::string& rule() const noexcept { return text_.rule; }
    const std::string& port() const noexcept { return text_.port; }
    std::uint64_t cycle() const noexcept { return text_.cycle; }
    /// The first message, as the checker printed it.
    const std::string& message() const noexcept { return messages_.front(); }
    const std::vector<std::string>& all_messages() const noexcept { return messages_; }

private:
    std::vector<std::string> messages_;
    ViolationText text_;
};

enum class OnViolation { throw_at_eval, record };

/// Process-wide (every checker instance of every model calls the same DPI function).
void set_on_violation(OnViolation mode);
OnViolation on_violation();

/// Record mode: violations stored since the last clear/throw.
std::vector<std::string> recorded_violations();
void clear_recorded_violations();
/// Record mode: throws ProtocolViolation with every recorded message (and clears them) if any.
void throw_if_violated();
/// Violations reported since the process started, in either mode.
std::uint64_t violation_count();

/// Record mode for a scope: sets OnViolation::record and context->fatalOnError(false) (so $error
/// does not abort), restores both on exit. `context` defaults to Verilated::threadContextp().
class RecordViolations {
public:
    explicit RecordViolations(VerilatedContext* context = nullptr);
    ~RecordViolations();
    RecordViolations(RecordViolations const&) = delete;
    RecordViolations& operator=(RecordViolations const&) = delete;

private:
    VerilatedContext* context_;
    bool fatal_on_error_;
    OnViolation previous_;
};

}  // namespace nicsim::checkers

/// The DPI-C import every checker calls on a violation (declared here for completeness; only
/// the generated models call it).
extern "C" void nicsim_checker_violation(const char* message);
