// The opaque NETTXQUEUE_INIT / NETRXQUEUE_INIT the OS passes to the driver's create callback:
// it names the queue being created, so that Net{Tx,Rx}QueueCreate can attach the driver to it.
#pragma once

#include <ringlib/os/packet_queue.hpp>

struct _NETTXQUEUE_INIT {
    ringlib::os::PacketQueue* queue;
};

struct _NETRXQUEUE_INIT {
    ringlib::os::PacketQueue* queue;
};
