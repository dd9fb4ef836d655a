// MmioBus: the driver's RegisterBus (driver/include/nicsim/driver/register_bus.hpp) over the
// AXI4-Lite master BFM on the DUT's s_axil port.
//
// Contract:
// - write32 is posted: it queues a write in the master and returns at once (no cycle passes).
//   Only when the master's queue is full does it stall, stepping the clock until there is room,
//   like a CPU whose write buffer is full.
// - The path between CPU and NIC has a latency each way, like PCIe (defaults: 60 cycles each
//   way, ~0.5 us round trip at 250 MHz): an operation reaches the AXI4-Lite port
//   request_latency_cycles after write32/read32 queued it, and read data reaches the CPU
//   response_latency_cycles after the R handshake.
// - read32 blocks: it queues the read behind every earlier write (reads never pass posted
//   writes; with the master's queue full it first steps until there is room) and steps the
//   kernel until the R handshake plus the response latency. The clock and every BFM keep running;
//   the driver does not re-enter (the steps are taken inside Kernel::software_scope()), and
//   interrupts raised meanwhile are delivered after the read returns. The cycles a read took
//   are recorded (last_read_cycles(), stats()).
// - An error response (SLVERR/DECERR) to a read returns 0xFFFFFFFF (what a CPU sees from a
//   failed PCIe read), or throws MmioError when config().throw_on_error. Error responses to
//   writes are counted; throw_on_error makes the next MMIO call throw.
// - A read unanswered after read_timeout_cycles throws MmioError with the kernel's diagnosis.
// - With a weakly ordered host (set_ordering, host/memory_order.hpp) the bus tells the model of
//   every MMIO write when the CPU issues it and when the NIC takes it (both halves handshaken), and
//   of every MMIO read when issued (a full barrier). Barriers are the driver's HostMemoryAccess,
//   not this bus: a posted write does not drain the CPU's store buffer.
// - Reports progress to the kernel watchdog at each read answered.
// - Diagnostic provider "mmio": operations pending, the last read and its cost.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "bfm/axil_master_bfm.hpp"
#include "nicsim/driver/register_bus.hpp"
#include "sim/kernel.hpp"

namespace nicsim::host {
class WeakOrdering;
}

namespace nicsim::host {

class MmioError : public sim::SimError {
    using sim::SimError::SimError;
};

struct MmioConfig {
    bfm::AxilMasterConfig axil;  // its issue_delay_cycles is set from request_latency_cycles
    std::uint32_t request_latency_cycles = 60;
    std::uint32_t response_latency_cycles = 60;
    std::uint64_t read_timeout_cycles = 10'000;
    bool throw_on_error = false;
};

struct MmioStats {
    std::uint64_t writes = 0;
    std::uint64_t reads = 0;
    std::uint64_t read_cycles_total = 0;  // summed over reads: cycles from read32's call to its return
    std::uint64_t read_cycles_max = 0;
    std::uint64_t write_stall_cycles = 0;  // cycles write32 waited for room in the master's queue
    std::uint64_t error_responses = 0;
};

class MmioBus final : public driver::RegisterBus {
public:
    explicit MmioBus(sim::Kernel& kernel, MmioConfig config = {});

    void write32(std::uint16_t offset, std::uint32_t value) override;
    std::uint32_t read32(std::uint16_t offset) override;

    /// The weakly ordered host this bus tells of MMIO writes and reads (not owned; nullptr: none).
    void set_ordering(WeakOrdering* ordering);

    /// Called at each write32, when the CPU issues it (before it crosses to the NIC): views that
    /// need the software's side of a register write (the packet timeline's descriptor post).
    std::function<void(std::uint16_t offset, std::uint32_t value)> on_write;

    /// Steps until every posted write has its response (tests; the driver never needs it).
    void flush();

    bfm::AxilMasterBfm& master() noexcept { return master_; }
    MmioConfig& config() noexcept { return cfg_; }
    MmioStats const& stats() const noexcept { return stats_; }
    std::uint64_t last_read_cycles() const noexcept { return last_read_cycles_; }

    std::string describe() const;

private:
    void check_errors();

    sim::Kernel& kernel_;
    MmioConfig cfg_;
    bfm::AxilMasterBfm master_;
    MmioStats stats_;
    std::uint64_t last_read_cycles_ = 0;
    std::uint64_t pending_write_errors_ = 0;
    bfm::AxilResult last_error_;
    WeakOrdering* ordering_ = nullptr;
};

}  // namespace nicsim::host
