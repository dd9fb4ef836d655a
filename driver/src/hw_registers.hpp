// Register access for one hardware ring or queue pair: every address and field comes from
// nic_contract.hpp, composed here so that no other file computes a register address.
#pragma once

#include "queue_pair.hpp"

#include <nicsim/driver/host_memory_access.hpp>
#include <nicsim/driver/register_bus.hpp>
#include <nic_contract.hpp>

#include <cstdint>

namespace nicsim::driver::detail {

std::uint16_t ring_register(HwRing const& ring, std::uint8_t offset) noexcept;
std::uint16_t irq_register(std::uint32_t queue, std::uint8_t offset) noexcept;

/// RING_CTRL.RESET: the hardware forgets the ring's indices, state and error.
void reset_ring(RegisterBus& bus, HwRing const& ring);
/// Descriptor base, active completion base and size.
void program_ring(RegisterBus& bus, HwRing const& ring);
void enable_ring(RegisterBus& bus, HwRing const& ring);
void disable_ring(RegisterBus& bus, HwRing const& ring);
/// Reset the hardware ring, switch completion rings (the new one zeroed through `memory`), program
/// and enable it: a clean ring at 0. The zeroing needs no barrier of its own: the NIC never reads
/// completions, and the write barrier of the ring's next doorbell orders it before the first
/// completion the NIC can write there.
void restart_ring(RegisterBus& bus, HostMemoryAccess& memory, HwRing& ring);
/// Write barrier (descriptors and the frames they point to visible before the doorbell: rule O1),
/// then RING_PROD = the next free slot.
void ring_doorbell(RegisterBus& bus, HostMemoryAccess& memory, HwRing const& ring);
contract::err_e read_ring_error(RegisterBus& bus, HwRing const& ring);
/// Slow path, for a ring that is disabled or in error: reads RING_STATUS until IDLE (nothing of
/// the ring is left in the NIC, every completion it will write is in host memory and RING_TAKEN
/// is final). Throws DriverError after config.idle_wait_max_reads reads.
void wait_for_ring_idle(RegisterBus& bus, HwRing const& ring, AdapterConfig const& config);
/// RING_TAKEN: packets the NIC took for the ring since its last reset (TX: sent on the wire; RX:
/// frames given buffers), completion or not. Exact once the ring is idle.
std::uint32_t read_ring_taken(RegisterBus& bus, HwRing const& ring);
void set_irq_arm(RegisterBus& bus, std::uint32_t queue, bool armed);
void acknowledge_irq_causes(RegisterBus& bus, std::uint32_t queue, std::uint32_t causes);

}  // namespace nicsim::driver::detail
