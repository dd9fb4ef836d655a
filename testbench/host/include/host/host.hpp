// Host: everything on the host's side of the DUT in one object: DMA memory (HostMemory),
// the register port (MmioBus, the driver's RegisterBus) and the interrupt controller
// (Interrupts). Construct it on a kernel after the kernel's other agents that must drive before
// it; its agents are registered in that order: DMA slave, AXI4-Lite master, interrupt monitor.
#pragma once

#include <cstddef>

#include "host/host_memory.hpp"
#include "host/interrupts.hpp"
#include "host/mmio.hpp"
#include "sim/kernel.hpp"

namespace nicsim::host {

struct HostConfig {
    HostMemoryConfig memory;
    MmioConfig mmio;
    std::size_t interrupt_capacity = 1024;
};

class Host {
public:
    explicit Host(sim::Kernel& kernel, HostConfig config = {})
        : memory(kernel, std::move(config.memory)),
          mmio(kernel, config.mmio),
          interrupts(kernel, config.interrupt_capacity) {
        mmio.set_ordering(memory.ordering());  // weak ordering: MMIO writes overtake pending stores
    }

    HostMemory memory;
    MmioBus mmio;
    Interrupts interrupts;
};

}  // namespace nicsim::host
