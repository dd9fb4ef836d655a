// A request to end a run early, from outside it: `nicsim run` sets it from its SIGINT/SIGTERM
// handler (async-signal-safe: one lock-free atomic store). The workload checks it between cycles;
// the run then ends at once like a failed one (RunSummary::interrupted_by names the signal, the
// failure says so): the trace is closed and put in place, --pcap-out and the timeline are
// written, the summary is complete up to that cycle. The queues are not stopped.
#pragma once

#include <atomic>

namespace nicsim::cosim {

namespace detail {
inline std::atomic<int> stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");
}  // namespace detail

/// Ends every run of this process at its next cycle; `signal` is what asked (SIGINT...).
inline void request_stop(int signal) noexcept {
    detail::stop_signal.store(signal, std::memory_order_relaxed);
}
/// 0, or the signal that asked for the stop.
inline int stop_requested() noexcept {
    return detail::stop_signal.load(std::memory_order_relaxed);
}
inline void clear_stop_request() noexcept {
    detail::stop_signal.store(0, std::memory_order_relaxed);
}

// A request to write the flight recorder's waves now (--waves-ring; `nicsim run` sets it on
// SIGUSR1): the run goes on.
namespace detail {
inline std::atomic<bool> waves_requested{false};
}
inline void request_waves() noexcept {
    detail::waves_requested.store(true, std::memory_order_relaxed);
}
/// Whether waves were asked for since the last call.
inline bool take_waves_request() noexcept {
    return detail::waves_requested.exchange(false, std::memory_order_relaxed);
}

}  // namespace nicsim::cosim
