// RX post: give the OS's empty buffers to the hardware, one descriptor per fragment, and ring
// the doorbell once per batch. The hardware wants 64-byte aligned buffers with capacities in
// 64-byte units: the driver posts the aligned part of each buffer and remembers, per hardware
// slot, the Offset and capacity it used, to describe the data when the frame completes.
#include "datapath.hpp"
#include "hw_registers.hpp"

#include <nicsim/driver/descriptors.hpp>

#include <fmt/format.h>

namespace nicsim::driver::detail {

void RxPostBuffer(RxState& rx, std::uint64_t logical_address, NET_FRAGMENT const* fragment) {
    HwRing& ring = rx.pair->rx;
    RxBufferPlacement const placement = rx_buffer_placement(
        logical_address, static_cast<std::uint32_t>(fragment->Offset), static_cast<std::uint32_t>(fragment->Capacity));
    if (placement.usable_bytes == 0) {
        throw DriverError(
            fmt::format("rx{}: an OS buffer (Capacity {}, Offset {}) holds no aligned {}-byte unit; "
                        "configure larger or aligned RX buffers",
                        ring.queue, std::uint64_t{fragment->Capacity}, std::uint64_t{fragment->Offset},
                        contract::RX_BUF_ALIGN_BYTES));
    }
    std::uint32_t const slot = ring.space.produce_index();
    store_descriptor(rx.adapter->memory(), ring.descriptor_slot(slot), make_rx_descriptor(placement));
    rx.slots[slot] = RxSlot{placement.offset_bytes, placement.usable_bytes};
    ring.space.produce(1);
}

void RxPostBuffers(RxState& rx) {
    HwRing& ring = rx.pair->rx;
    bool posted = false;
    NET_RING_FRAGMENT_ITERATOR fragments = NetRingGetPostFragments(rx.rings);
    while (NetFragmentIteratorHasAny(&fragments) && ring.space.free() != 0) {
        UINT32 const index = NetFragmentIteratorGetIndex(&fragments);
        RxPostBuffer(rx, NetExtensionGetFragmentLogicalAddress(&rx.logical_address, index)->LogicalAddress,
                     NetFragmentIteratorGetFragment(&fragments));
        posted = true;
        NetFragmentIteratorAdvance(&fragments);
    }
    NetFragmentIteratorSet(&fragments);
    if (posted) {
        ring_doorbell(rx.adapter->bus(), rx.adapter->memory(), ring);
    }
}

}  // namespace nicsim::driver::detail
