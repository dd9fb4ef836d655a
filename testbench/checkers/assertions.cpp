// assertions.cpp: the DPI-C sink of the protocol checkers (see assertions.hpp).
#include "checkers/assertions.hpp"

#include <atomic>
#include <charconv>
#include <mutex>
#include <utility>

#include "verilated.h"

namespace nicsim::checkers {
namespace {

std::atomic<OnViolation> g_mode{OnViolation::throw_at_eval};
std::atomic<std::uint64_t> g_count{0};
std::mutex g_recorded_mutex;
std::vector<std::string> g_recorded;  // guarded by g_recorded_mutex

std::string_view field_after(std::string_view message, std::string_view key) {
    auto pos = message.find(key);
    if (pos == std::string_view::npos) return {};
    message.remove_prefix(pos + key.size());
    return message.substr(0, message.find(' '));
}

}  // namespace

ViolationText parse_violation(std::string_view message) {
    ViolationText t;
    bool rule_ok = false;
    if (!message.empty() && message.front() == '[') {
        auto close = message.find(']');
        if (close != std::string_view::npos) {
            t.rule = std::string(message.substr(1, close - 1));
            rule_ok = !t.rule.empty();
        }
    }
    t.port = std::string(field_after(message, " port="));
    auto cycle = field_after(message, " cycle=");
    auto [ptr, ec] = std::from_chars(cycle.data(), cycle.data() + cycle.size(), t.cycle);
    t.well_formed =
        rule_ok && !t.port.empty() && !cycle.empty() && ec == std::errc{} && ptr == cycle.data() + cycle.size();
    return t;
}

ProtocolViolation::ProtocolViolation(std::vector<std::string> messages)
    : std::runtime_error(messages.empty() ? std::string("protocol violation") : messages.front()),
      messages_(messages.empty() ? std::vector<std::string>{"protocol violation"} : std::move(messages)),
      text_(parse_violation(messages_.front())) {}

void set_on_violation(OnViolation mode) {
    g_mode = mode;
}
OnViolation on_violation() {
    return g_mode;
}

std::vector<std::string> recorded_violations() {
    std::lock_guard lock(g_recorded_mutex);
    return g_recorded;
}

void clear_recorded_violations() {
    std::lock_guard lock(g_recorded_mutex);
    g_recorded.clear();
}

void throw_if_violated() {
    std::vector<std::string> messages;
    {
        std::lock_guard lock(g_recorded_mutex);
        messages.swap(g_recorded);
    }
    if (!messages.empty()) throw ProtocolViolation(std::move(messages));
}

std::uint64_t violation_count() {
    return g_count;
}

RecordViolations::RecordViolations(VerilatedContext* context)
    : context_(context ? context : Verilated::threadContextp()),
      fatal_on_error_(context_->fatalOnError()),
      previous_(g_mode) {
    context_->fatalOnError(false);
    g_mode = OnViolation::record;
}

RecordViolations::~RecordViolations() {
    context_->fatalOnError(fatal_on_error_);
    g_mode = previous_;
}

}  // namespace nicsim::checkers

extern "C" void nicsim_checker_violation(const char* message) {
    using namespace nicsim::checkers;
    ++g_count;
    std::string text = message ? message : "";
    if (g_mode == OnViolation::throw_at_eval) throw ProtocolViolation({std::move(text)});
    std::lock_guard lock(g_recorded_mutex);
    g_recorded.push_back(std::move(text));
}
