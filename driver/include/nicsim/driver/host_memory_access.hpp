// HostMemoryAccess: how the driver's CPU reaches the DMA memory it shares with the NIC
// (descriptor and completion rings), and the barriers that order those accesses. It sits beside
// RegisterBus: RegisterBus is the NIC's registers, this is host memory. The driver makes every
// access to ring memory through it; the testbench implements it with a weakly ordered host model
// (testbench/host/include/host/memory_order.hpp), a real port would use plain loads, stores and the
// platform's barriers, which is what DirectHostMemoryAccess does.
//
// The ordering model the driver is written against (docs/contract.md, Ordering rules):
//  - store: a CPU store may become visible to the NIC's DMA reads later than program order says,
//    after later stores and after later MMIO writes (RegisterBus::write32 is a relaxed, posted
//    write: like writel_relaxed or a no-fence register write, it does not wait for earlier
//    stores). The CPU always reads its own stores.
//  - load: a CPU load of memory the NIC writes may be satisfied before an earlier load of the same
//    record, so two loads without a read barrier between them may see two different versions of
//    it (the phase bit new, the fields old).
//  - write_barrier: every store before it is visible to the NIC before any store or MMIO write
//    after it (wmb before a doorbell).
//  - read_barrier: every load after it sees memory at least as new as every load before it did
//    (dma_rmb between reading a completion's phase and its fields).
//  - memory_barrier: both (KeMemoryBarrier, mb).
// The driver needs two of them: write_barrier before every doorbell and read_barrier between a
// completion's phase and its fields. An MMIO read (RegisterBus::read32) also orders: nothing
// after it passes it, nothing before it is still pending when it reaches the NIC (the host model
// treats it as memory_barrier, as a non-posted read behaves on common platforms).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nicsim::driver {

class HostMemoryAccess {
public:
    virtual ~HostMemoryAccess() = default;
    /// CPU store of `size_bytes` from `source` to `destination` (DMA memory).
    virtual void store(void* destination, void const* source, std::size_t size_bytes) = 0;
    /// CPU store of `size_bytes` zero bytes at `destination` (DMA memory).
    virtual void zero(void* destination, std::size_t size_bytes) = 0;
    /// CPU load of `size_bytes` of DMA memory at `source` into `destination`.
    virtual void load(void* destination, void const* source, std::size_t size_bytes) = 0;
    virtual void write_barrier() = 0;
    virtual void read_barrier() = 0;
    virtual void memory_barrier() = 0;
};

/// Plain loads and stores and the C++ fences: what the driver does on a real, coherent host.
/// Costs what the memcpy and fences cost, nothing more.
class DirectHostMemoryAccess final : public HostMemoryAccess {
public:
    void store(void* destination, void const* source, std::size_t size_bytes) override {
        std::memcpy(destination, source, size_bytes);
    }
    void zero(void* destination, std::size_t size_bytes) override { std::memset(destination, 0, size_bytes); }
    void load(void* destination, void const* source, std::size_t size_bytes) override {
        std::memcpy(destination, source, size_bytes);
    }
    void write_barrier() override { std::atomic_thread_fence(std::memory_order_release); }
    void read_barrier() override { std::atomic_thread_fence(std::memory_order_acquire); }
    void memory_barrier() override { std::atomic_thread_fence(std::memory_order_seq_cst); }
};

}  // namespace nicsim::driver
