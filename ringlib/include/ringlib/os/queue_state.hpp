// The lifecycle and polling state of an OS-side packet queue, as the simulation loop sees it.
#pragma once

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
