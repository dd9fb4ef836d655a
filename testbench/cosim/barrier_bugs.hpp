// Barrier bugs: deliberately broken drivers for the memory ordering checks (docs/contract.md,
// Ordering rules). A test-only seam, not a driver switch: the driver is unchanged and takes its
// RegisterBus and HostMemoryAccess through MisplacedBarriers, which moves or drops the barriers
// the driver asks for. Scenario::barrier_bug (`nicsim run --barrier-bug KIND`, barrier_bug.hpp)
// selects one; with weak memory ordering every kind fails the run naming the rule, the ring and the cycle, with
// strong ordering every kind passes (the bug is invisible on a strongly ordered host).
//
//   doorbell-before-write-barrier  each write barrier is issued after the next MMIO write, which
//                                  is the doorbell it should precede (breaks rule O1)
//   fields-before-read-barrier     each read barrier is issued after the next load, which is the
//                                  completion's fields it should precede (breaks rule O2)
//   no-barriers                    no write, read or full barrier at all (breaks O1 and O2)
#pragma once

#include <cstdint>

#include "cosim/barrier_bug.hpp"
#include "cosim/driver_platform_decorator.hpp"

namespace nicsim::cosim {

/// The driver's platform with its barriers misplaced as `bug` says; everything else passes through.
class MisplacedBarriers final : public DriverPlatformDecorator {
public:
    MisplacedBarriers(driver::RegisterBus& registers, driver::HostMemoryAccess& memory, BarrierBug bug)
        : DriverPlatformDecorator(registers, memory), bug_(bug) {}

    void write32(std::uint16_t offset, std::uint32_t value) override;
    void load(void* destination, void const* source, std::size_t size_bytes) override;
    void write_barrier() override;
    void read_barrier() override;
    void memory_barrier() override;

    /// Barriers the driver asked for and this platform moved or dropped.
    std::uint64_t barriers_misplaced() const noexcept { return misplaced_; }

private:
    BarrierBug bug_;
    bool write_barrier_owed_ = false;  // doorbell_before_write_barrier: issue after the next MMIO write
    bool read_barrier_owed_ = false;   // fields_before_read_barrier: issue after the next load
    std::uint64_t misplaced_ = 0;
};

}  // namespace nicsim::cosim
