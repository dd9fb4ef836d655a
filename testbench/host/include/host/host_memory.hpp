// HostMemory: the host's DMA-able memory, shared by the NIC, ringlib's OS side and the driver.
//
// Contract:
// - One contiguous region of size_bytes (anonymous pages: zero, and costing memory only once
//   touched, so a scenario with 65536-entry rings does not fill gigabytes up front), known to
//   software as a ringlib::DmaArena (virtual = the region's bytes, logical = logical_base) and
//   mapped into the AXI4 slave memory model at logical_base. A byte written by the OS side,
//   the driver or the NIC is the same byte for the other two, with no copy.
// - The NIC's m_axi port is served by an Axi4SlaveMem of the DUT's data width (latency,
//   back-pressure, reordering and error injection through config().axi), registered with the
//   kernel as an agent.
// - A DMA burst that touches bytes outside the region is recorded (out_of_region()) and, with
//   OutOfRegion::error_response (the default), answered DECERR without touching memory; with
//   OutOfRegion::record_only it is served from sparse memory (reads of never-written bytes
//   return the fill pattern) and only recorded.
// - Memory ordering (config.memory_order, host/memory_order.hpp): strong, the CPU (cpu()) stores
//   and loads plain memory; weak, cpu() is a WeakOrdering, which also sits between memory and the
//   NIC's DMA slave (stale reads while CPU stores are pending). Seeded with config.ordering_seed.
// - Diagnostic provider "host dma": bursts in flight, totals, out-of-region accesses; with weak
//   ordering also "host memory ordering".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ringlib/dma_arena.hpp>

#include "bfm/axi4_slave_mem.hpp"
#include "bfm/sparse_memory.hpp"
#include "host/memory_order.hpp"
#include "nicsim/driver/host_memory_access.hpp"
#include "sim/kernel.hpp"

namespace nicsim::host {

enum class OutOfRegion { error_response, record_only };

struct HostMemoryConfig {
    std::uint64_t logical_base = 0x1'0000'0000;  // above 4 GiB: exercises 64-bit DMA addresses
    std::size_t size_bytes = 16u << 20;
    OutOfRegion out_of_region = OutOfRegion::error_response;
    bfm::Axi4SlaveMemConfig axi;  // latency, pauses, reorder, injected errors
    MemoryOrder memory_order = MemoryOrder::strong;
    std::uint64_t ordering_seed = 0;  // the weak model's delays (derive it from the run's seed)
    WeakOrderingConfig ordering;
};

/// One DMA burst that left the region.
struct OutOfRegionAccess {
    bool write = false;
    std::uint64_t addr = 0;
    std::uint64_t bytes = 0;
    std::uint64_t cycle = 0;
};

/// The AXI4 slave of the DUT's data width, behind one interface.
class DmaSlave : public sim::Agent {
public:
    virtual bfm::Axi4SlaveMemConfig& config() noexcept = 0;
    virtual bfm::Axi4SlaveStats const& stats() const noexcept = 0;
    virtual std::size_t reads_in_flight() const noexcept = 0;
    virtual std::size_t writes_in_flight() const noexcept = 0;
    bool idle() const noexcept { return reads_in_flight() == 0 && writes_in_flight() == 0; }
    /// See Axi4SlaveMem::set_view.
    virtual void set_view(bfm::DmaMemoryView* view) noexcept = 0;
    /// Called at every completed burst (after the edge), after HostMemory's own checks.
    std::function<void(bfm::Axi4Burst const&)> on_read_burst, on_write_burst;
};

/// Deleter of HostMemory's region: returns its pages.
struct PagesUnmap {
    std::size_t bytes = 0;
    void operator()(std::uint8_t* pages) const noexcept;
};

class HostMemory {
public:
    HostMemory(sim::Kernel& kernel, HostMemoryConfig config = {});
    HostMemory(HostMemory const&) = delete;
    HostMemory& operator=(HostMemory const&) = delete;

    ringlib::DmaArena& arena() noexcept { return *arena_; }
    bfm::SparseMemory& memory() noexcept { return memory_; }
    DmaSlave& dma() noexcept { return *dma_; }
    /// How the CPU (driver, OS) stores to and loads from this memory, with its barriers.
    driver::HostMemoryAccess& cpu() noexcept;
    /// The weak model (nullptr with strong ordering).
    WeakOrdering* ordering() noexcept { return ordering_.get(); }
    MemoryOrder memory_order() const noexcept { return cfg_.memory_order; }
    std::uint64_t logical_base() const noexcept { return cfg_.logical_base; }
    std::size_t size_bytes() const noexcept { return cfg_.size_bytes; }

    std::vector<OutOfRegionAccess> const& out_of_region() const noexcept { return out_of_region_; }
    std::uint64_t out_of_region_count() const noexcept { return out_of_region_count_; }

    std::string describe() const;

private:
    void check_burst(bfm::Axi4Burst const& b);

    sim::Kernel& kernel_;
    HostMemoryConfig cfg_;
    std::unique_ptr<std::uint8_t, PagesUnmap> region_;
    std::unique_ptr<ringlib::DmaArena> arena_;
    bfm::SparseMemory memory_;
    std::unique_ptr<DmaSlave> dma_;
    driver::DirectHostMemoryAccess direct_;
    std::unique_ptr<WeakOrdering> ordering_;
    std::vector<OutOfRegionAccess> out_of_region_;  // the first max_recorded
    std::uint64_t out_of_region_count_ = 0;
    static constexpr std::size_t max_recorded = 64;
};

}  // namespace nicsim::host
