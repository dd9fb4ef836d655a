// The base of the test-only seams between the driver and its platform (MisplacedBarriers,
// FaultyDriverPlatform): a RegisterBus and HostMemoryAccess that passes every call through to the
// real ones, so a seam overrides only the calls it changes.
#pragma once

#include <cstddef>
#include <cstdint>

#include <nicsim/driver/host_memory_access.hpp>
#include <nicsim/driver/register_bus.hpp>

namespace nicsim::cosim {

class DriverPlatformDecorator : public driver::RegisterBus, public driver::HostMemoryAccess {
public:
    DriverPlatformDecorator(driver::RegisterBus& registers, driver::HostMemoryAccess& memory)
        : registers_(registers), memory_(memory) {}

    void write32(std::uint16_t offset, std::uint32_t value) override { registers_.write32(offset, value); }
    std::uint32_t read32(std::uint16_t offset) override { return registers_.read32(offset); }

    void store(void* destination, void const* source, std::size_t size_bytes) override {
        memory_.store(destination, source, size_bytes);
    }
    void zero(void* destination, std::size_t size_bytes) override { memory_.zero(destination, size_bytes); }
    void load(void* destination, void const* source, std::size_t size_bytes) override {
        memory_.load(destination, source, size_bytes);
    }
    void write_barrier() override { memory_.write_barrier(); }
    void read_barrier() override { memory_.read_barrier(); }
    void memory_barrier() override { memory_.memory_barrier(); }

protected:
    driver::RegisterBus& registers_;
    driver::HostMemoryAccess& memory_;
};

}  // namespace nicsim::cosim
