// The opaque NETTXQUEUE_INIT / NETRXQUEUE_INIT the OS passes to the driver's create callback:
// it names the queue being created, so that Net{Tx,Rx}QueueCreate can attach the driver to it.
// Also the two steps TX and RX creation share around it.
#pragma once

#include <ringlib/os/errors.hpp>
#include <ringlib/os/packet_queue.hpp>

#include <fmt/format.h>

#include <cstdint>

struct _NETTXQUEUE_INIT {
    ringlib::os::PacketQueue* queue;
};

struct _NETRXQUEUE_INIT {
    ringlib::os::PacketQueue* queue;
};

namespace ringlib::os {

/// Calls the driver's create callback (`callback_name`) with an init naming `queue`; throws
/// QueueCreationError unless it succeeds and has called `create_api` (Net{Tx,Rx}QueueCreate).
template <class Init, class CreateCallback>
void run_create_callback(PacketQueue& queue, NETADAPTER adapter, CreateCallback create, char const* callback_name,
                         char const* create_api) {
    if (create == nullptr) {
        throw QueueCreationError(fmt::format("{}: no {} callback given", queue.name(), callback_name));
    }
    Init init{&queue};
    NTSTATUS const status = create(adapter, &init);
    if (!NT_SUCCESS(status)) {
        throw QueueCreationError(fmt::format("{}: the driver's create callback failed with status 0x{:08x}",
                                             queue.name(), static_cast<std::uint32_t>(status)));
    }
    if (!queue.driver_attached()) {
        throw QueueCreationError(fmt::format("{}: the driver's create callback returned success without calling {}",
                                             queue.name(), create_api));
    }
}

/// The body of Net{Tx,Rx}QueueCreate: attaches the driver to the queue `init` names.
template <class Init>
NTSTATUS attach_driver_from(Init* init, WDF_OBJECT_ATTRIBUTES* attributes, NET_PACKET_QUEUE_CONFIG* configuration,
                            NETPACKETQUEUE* queue) {
    NT_ASSERT(init != nullptr && init->queue != nullptr && queue != nullptr);
    init->queue->attach_driver(attributes, configuration);
    *queue = init->queue->handle();
    return STATUS_SUCCESS;
}

}  // namespace ringlib::os
