#include <ringlib/os/errors.hpp>
#include <ringlib/os/queue_state.hpp>

#include <fmt/format.h>

namespace ringlib::os {

char const* to_string(QueueState state) noexcept {
    switch (state) {
    case QueueState::Created: return "Created";
    case QueueState::Polling: return "Polling";
    case QueueState::Armed: return "Armed";
    case QueueState::Sleeping: return "Sleeping";
    case QueueState::Stopping: return "Stopping";
    case QueueState::Stopped: return "Stopped";
    }
    return "?";
}

std::string describe_ring(NET_RING const& ring) {
    return fmt::format("Begin={} Next={} End={} OSReserved0={} (of {})", ring.BeginIndex, ring.NextIndex, ring.EndIndex,
                       ring.OSReserved0, ring.NumberOfElements);
}

}  // namespace ringlib::os
