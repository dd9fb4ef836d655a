#include "hw_registers.hpp"

#include <fmt/format.h>

namespace nicsim::driver::detail {

namespace c = nicsim::contract;

namespace {
std::uint32_t low_word(std::uint64_t address) {
    return static_cast<std::uint32_t>(c::RING_BASE_LO_ADDR.get(address));
}
std::uint32_t high_word(std::uint64_t address) {
    return static_cast<std::uint32_t>(address >> c::RING_BASE_LO_ADDR.width);
}
}  // namespace

std::uint16_t ring_register(HwRing const& ring, std::uint8_t offset) noexcept {
    return c::queue_reg(ring.queue, ring.direction == Direction::Tx ? c::QREG_TX : c::QREG_RX, offset);
}

std::uint16_t irq_register(std::uint32_t queue, std::uint8_t offset) noexcept {
    return c::queue_reg(queue, c::QREG_IRQ, offset);
}

void reset_ring(RegisterBus& bus, HwRing const& ring) {
    bus.write32(ring_register(ring, c::RING_CTRL), static_cast<std::uint32_t>(c::RING_CTRL_RESET.put(0, 1)));
}

void program_ring(RegisterBus& bus, HwRing const& ring) {
    bus.write32(ring_register(ring, c::RING_BASE_LO), low_word(ring.descriptors.logical_address));
    bus.write32(ring_register(ring, c::RING_BASE_HI), high_word(ring.descriptors.logical_address));
    bus.write32(ring_register(ring, c::RING_CPL_BASE_LO), low_word(ring.active_completion_base()));
    bus.write32(ring_register(ring, c::RING_CPL_BASE_HI), high_word(ring.active_completion_base()));
    bus.write32(ring_register(ring, c::RING_SIZE_LOG2),
                static_cast<std::uint32_t>(c::RING_SIZE_LOG2_LOG2.put(0, ring.log2)));
}

void enable_ring(RegisterBus& bus, HwRing const& ring) {
    bus.write32(ring_register(ring, c::RING_CTRL), static_cast<std::uint32_t>(c::RING_CTRL_ENABLE.put(0, 1)));
}

void disable_ring(RegisterBus& bus, HwRing const& ring) {
    bus.write32(ring_register(ring, c::RING_CTRL), 0);
}

void restart_ring(RegisterBus& bus, HostMemoryAccess& memory, HwRing& ring) {
    reset_ring(bus, ring);
    ring.forget_software_state(memory);
    program_ring(bus, ring);
    enable_ring(bus, ring);
}

void ring_doorbell(RegisterBus& bus, HostMemoryAccess& memory, HwRing const& ring) {
    memory.write_barrier();
    bus.write32(ring_register(ring, c::RING_PROD),
                static_cast<std::uint32_t>(c::RING_PROD_INDEX.put(0, ring.space.produce_index())));
}

contract::err_e read_ring_error(RegisterBus& bus, HwRing const& ring) {
    return static_cast<c::err_e>(c::RING_ERR_CODE.get(bus.read32(ring_register(ring, c::RING_ERR))));
}

void wait_for_ring_idle(RegisterBus& bus, HwRing const& ring, AdapterConfig const& config) {
    for (std::uint32_t reads = 1;; ++reads) {
        if (c::RING_STATUS_IDLE.get(bus.read32(ring_register(ring, c::RING_STATUS))) != 0) {
            return;
        }
        if (reads >= config.idle_wait_max_reads) {
            throw DriverError(
                fmt::format("{}{}: the ring did not go idle (RING_STATUS.IDLE still 0 after {} reads): "
                            "the NIC still holds work of a disabled or failed ring",
                            ring.direction == Direction::Tx ? "tx" : "rx", ring.queue, reads));
        }
    }
}

std::uint32_t read_ring_taken(RegisterBus& bus, HwRing const& ring) {
    return bus.read32(ring_register(ring, c::RING_TAKEN));
}

void set_irq_arm(RegisterBus& bus, std::uint32_t queue, bool armed) {
    bus.write32(irq_register(queue, c::IRQ_ARM), static_cast<std::uint32_t>(c::IRQ_ARM_ARMED.put(0, armed ? 1 : 0)));
}

void acknowledge_irq_causes(RegisterBus& bus, std::uint32_t queue, std::uint32_t causes) {
    bus.write32(irq_register(queue, c::IRQ_CAUSE), causes);
}

// ---- HwRing ----

HwRing& ring_of(QueuePair& pair, Direction direction) noexcept {
    return direction == Direction::Tx ? pair.tx : pair.rx;
}

void* HwRing::descriptor_slot(std::uint32_t index) const noexcept {
    return static_cast<unsigned char*>(descriptors.virtual_address) + std::size_t{index} * c::DESC_BYTES;
}

void const* HwRing::completion_slot() const noexcept {
    return static_cast<unsigned char const*>(completions[active_completions].virtual_address) +
           std::size_t{completion_head} * c::CPL_BYTES;
}

void HwRing::advance_completion_head() noexcept {
    completion_head = space.index_after(completion_head, 1);
    if (completion_head == 0) {
        completion_phase = !completion_phase;
    }
}

void HwRing::forget_software_state(HostMemoryAccess& memory) {
    active_completions ^= 1u;
    memory.zero(completions[active_completions].virtual_address, completions[active_completions].size_bytes);
    space.reset();
    completion_head = 0;
    completion_phase = true;
    completions_since_reset = 0;
}

}  // namespace nicsim::driver::detail
