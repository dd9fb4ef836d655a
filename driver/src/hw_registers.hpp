// Register access for one hardware ring or queue pair: every address and field comes from
// nic_contract.hpp, composed here so that no other file computes a register address.
#pragma once

#include "queue_pair.hpp"

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
/// Reset the hardware ring, switch completion rings, program and enable it: a clean ring at 0.
void restart_ring(RegisterBus& bus, HwRing& ring);
/// Barrier (descriptors before the doorbell), then RING_PROD = the next free slot.
void ring_doorbell(RegisterBus& bus, HwRing const& ring);
contract::err_e read_ring_error(RegisterBus& bus, HwRing const& ring);
/// Slow path: waits (by reading RING_CONS) until the ring stopped moving; returns RING_CONS.
std::uint32_t wait_for_ring_quiet(RegisterBus& bus, HwRing const& ring, AdapterConfig const& config);
void set_irq_arm(RegisterBus& bus, std::uint32_t queue, bool armed);
void acknowledge_irq_causes(RegisterBus& bus, std::uint32_t queue, std::uint32_t causes);

}  // namespace nicsim::driver::detail
