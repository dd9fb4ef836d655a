// WdfObjectGetTypedContextWorker for the only WDF objects ringlib owns: packet queues.
#include <ringlib/os/packet_queue.hpp>

void* WdfObjectGetTypedContextWorker(WDFOBJECT Handle, WDF_OBJECT_CONTEXT_TYPE_INFO const* TypeInfo) {
    ringlib::os::PacketQueue const* queue = ringlib::os::PacketQueue::from_object(Handle);
    NT_ASSERT(queue != nullptr);  // only NETPACKETQUEUE handles carry contexts in ringlib
    return queue->context(TypeInfo);
}
