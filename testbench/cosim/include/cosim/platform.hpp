// Platform: what a co-simulation's workload (workload.hpp: traffic, the OS queues, the driver,
// the scoreboard) needs from a hardware top. The C++ top (cpp_top.hpp: kernel + bus models around
// a verilated nic_top) implements it; so does the SystemC top. The workload is written once
// against this interface, so one scenario means the same traffic on either top.
//
// Time is counted in NIC clock cycles. Software (the workload's per-cycle hook) runs between
// cycles, never inside a blocking register read, exactly as sim::Kernel defines it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nicsim/driver/host_memory_access.hpp>
#include <nicsim/driver/register_bus.hpp>
#include <ringlib/dma_arena.hpp>

#include "dut/dut.hpp"
#include "frame/frame.hpp"
#include "frame/rx_wire.hpp"
#include "wire/peers.hpp"

namespace nicsim::cosim {

struct RegisterStats {
    std::uint64_t reads = 0, writes = 0;
};

class Platform {
public:
    using FrameCallback = std::function<void(wire::Frame const&)>;
    /// An interrupt: the queue's line, or the error line. Returns true to request the DPC.
    using Isr = std::function<bool(unsigned queue, bool error)>;

    virtual ~Platform() = default;

    virtual dut::DutConfig const& config() const = 0;
    /// Rising edges of the NIC clock so far.
    virtual std::uint64_t cycle() const = 0;

    // ---- the CPU's side ----
    /// The NIC's registers as the driver sees them.
    virtual driver::RegisterBus& registers() = 0;
    /// Returns once every posted register write has reached the NIC.
    virtual void flush_registers() = 0;
    virtual RegisterStats register_stats() const = 0;
    /// Host memory the NIC reaches by DMA (rings, buffers).
    virtual ringlib::DmaArena& arena() = 0;
    /// How the CPU stores to and loads from that memory, with its barriers (strong or weakly
    /// ordered, as the scenario's memory_order says).
    virtual driver::HostMemoryAccess& host_memory() = 0;
    /// Ordering violations found so far (weak ordering; 0 when strong).
    virtual std::uint64_t ordering_violations() const = 0;
    /// Interrupts are delivered between cycles: isr per interrupt in order, then dpc once if any
    /// isr asked for it.
    virtual void set_interrupt_handlers(Isr isr, std::function<void()> dpc) = 0;

    // ---- the wire's side ----
    virtual wire::RxWire& rx_wire() = 0;
    /// No frame queued or in progress on the RX wire.
    virtual bool rx_wire_idle() const = 0;
    /// Called once per frame the NIC put whole on the RX wire / transmitted, beat cycles stamped.
    virtual void on_rx_sent(FrameCallback cb) = 0;
    virtual void on_tx_frame(FrameCallback cb) = 0;
    /// Bytes of a TX frame in progress (diagnostics).
    virtual std::size_t tx_partial_bytes() const = 0;
    /// From now on `peer` is ticked once per cycle before the wire is driven.
    virtual void start_wire(wire::WirePeer& peer) = 0;

    // ---- time ----
    /// Reset the NIC with every input idle.
    virtual void reset() = 0;
    /// Runs cycles until done() (checked before each); software hooks run between them. Throws
    /// sim::CycleLimitReached naming `what` after limit cycles.
    virtual void run_until(std::function<bool()> done, std::uint64_t limit, std::string_view what) = 0;
    /// Software run between cycles, in registration order.
    virtual void add_between_cycles(std::function<void()> hook) = 0;
    virtual void add_diagnostic(std::string name, std::function<std::string()> describe) = 0;
    /// Something made progress (restarts the top's own watchdog, if it has one).
    virtual void report_progress() = 0;
    /// Every diagnostic provider's report, headed by cycle and seed.
    virtual std::string diagnosis() const = 0;
    /// End of the run: close what is open (trace files). Never throws.
    virtual void finish() noexcept = 0;

    // ---- fault injection (docs/faults.md); a top without it refuses a scenario that needs it ----
    /// Asked for every DMA burst (write or read, bytes [lo, hi)); true answers it with SLVERR.
    using DmaFaultHook = std::function<bool(bool write, std::uint64_t lo, std::uint64_t hi)>;
    virtual bool supports_faults() const { return false; }
    virtual void set_dma_fault(DmaFaultHook hook) { (void)hook; }
    struct RegisterProbe {
        std::uint8_t resp = 0;   // AXI response: 0 OKAY, 2 SLVERR
        std::uint32_t data = 0;  // reads: the data returned
    };
    /// One register access that may be refused (SLVERR is then the expected answer, not a run
    /// failure). Earlier posted writes complete first; a write is flushed before it returns.
    virtual RegisterProbe probe_register(bool write, std::uint16_t offset, std::uint32_t value) {
        (void)write, (void)offset, (void)value;
        return {};
    }

protected:
    Platform() = default;
    Platform(Platform const&) = delete;
    Platform& operator=(Platform const&) = delete;
};

}  // namespace nicsim::cosim
