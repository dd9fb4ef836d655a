// seconds_since: the wall time the regression's own waits measure (launcher ticks, job and helper
// program limits), all on the steady clock.
#pragma once

#include <chrono>

namespace nicsim::regress {

/// Seconds from `t` to now.
inline double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace nicsim::regress
