// Errors the OS side of a packet queue raises. Each message names the queue and says what was
// expected and what was found; ring states are printed as Begin/Next/End/OSReserved0.
//
// A broken ring rule found around a driver callback is not here: that is
// ringlib::VerifierViolation (ringlib/verifier.hpp), which propagates unchanged.
#pragma once

#include <net/ring.h>

#include <stdexcept>
#include <string>

namespace ringlib::os {

/// Base of every queue error, so a testbench can catch "the queue failed" in one place.
class QueueError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Bad configuration, or the driver's create callback failed or did not create the queue.
class QueueCreationError : public QueueError {
public:
    using QueueError::QueueError;
};

/// An operation in the wrong lifecycle state (poll before start, submit after stop, ...).
class QueueStateError : public QueueError {
public:
    using QueueError::QueueError;
};

/// The driver did not return every element within the configured number of polls after Cancel.
class QueueStopTimeout : public QueueError {
public:
    using QueueError::QueueError;
};

/// The queue can make no further progress and the OS can tell why (e.g. the driver returned
/// packets without returning their fragments).
class QueueStall : public QueueError {
public:
    using QueueError::QueueError;
};

/// "Begin=3 Next=5 End=7 OSReserved0=1 (of 8)": how every error prints a ring.
std::string describe_ring(NET_RING const& ring);

}  // namespace ringlib::os
