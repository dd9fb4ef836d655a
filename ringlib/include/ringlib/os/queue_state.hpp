// The lifecycle and polling state of an OS-side packet queue, as the simulation loop sees it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ringlib::os {

/// What poll() returns. The caller keeps calling poll() while the state is Polling, Armed or
/// Stopping. Sleeping means the OS waits for the driver's NotifyMore (or, for TX, new frames):
/// polling it again does nothing until one arrives.
enum class QueueState {
    Created,   // the driver created the queue; EvtStart not called yet
    Polling,   // the OS calls EvtAdvance on every poll
    Armed,     // a poll found no work: notifications enabled, one more poll is due
    Sleeping,  // armed and that extra poll found nothing either
    Stopping,  // EvtCancel was called; the OS calls EvtAdvance until the driver returned everything
    Stopped,   // EvtStop was called; the queue is finished
};

char const* to_string(QueueState state) noexcept;

/// How often the queue went from one state to another (never from a state to itself): the
/// transitions X -> Stopping are EvtCancel in state X. For coverage of the OS's queue lifecycle.
struct StateTransitions {
    static constexpr std::size_t kStates = static_cast<std::size_t>(QueueState::Stopped) + 1;
    std::array<std::array<std::uint64_t, kStates>, kStates> count{};

    std::uint64_t operator()(QueueState from, QueueState to) const noexcept {
        return count[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)];
    }
};

/// Polls that found the packet ring in a corner: every element but one with the driver (the ring
/// is full: the OS can hand over nothing more), or none (the driver returned everything).
struct OccupancyCounters {
    std::uint64_t packet_ring_full = 0;
    std::uint64_t packet_ring_empty = 0;
};

/// Counts of the driver's NotifyMore calls: accepted ones woke an armed queue, ignored ones
/// arrived while the queue was not armed (or after a wake-up was already pending).
struct NotificationCounters {
    std::uint64_t accepted = 0;
    std::uint64_t ignored = 0;
};

/// Counts of the callbacks the OS made, so tests can pin the exact sequence.
struct CallbackCounters {
    std::uint64_t advance = 0;
    std::uint64_t cancel = 0;
    std::uint64_t start = 0;
    std::uint64_t stop = 0;
    std::uint64_t notification_enabled = 0;   // EvtSetNotificationEnabled(TRUE)
    std::uint64_t notification_disabled = 0;  // EvtSetNotificationEnabled(FALSE)
};

}  // namespace ringlib::os
