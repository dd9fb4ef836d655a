// Interrupts: the host's interrupt controller for the DUT's irq_queue / irq_error outputs.
//
// Contract:
// - Each cycle an irq line is high after the edge is one interrupt (MSI-like: nic_top pulses a
//   line for one cycle per interrupt); it is queued with its cycle. Lines are observed only,
//   never driven.
// - Delivery happens between cycles (a Kernel between-cycle hook), never inside a blocking MMIO
//   read: for every queued interrupt in order, isr(irq) runs; if any ISR returned true
//   (requested its DPC), dpc() runs once after them, like EvtInterruptIsr then EvtInterruptDpc.
//   Without an ISR installed, interrupts stay queued for take().
// - The queue is a fixed ring (capacity at construction); interrupts beyond it are counted as
//   lost (a diagnostic, and lost() for tests), nothing allocates per cycle.
// - Diagnostic provider "interrupts": pending, delivered and lost counts per line.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel.hpp"

namespace nicsim::host {

struct Interrupt {
    static constexpr unsigned error_line = 0xFFFF;
    unsigned line = 0;        // queue index, or error_line for irq_error
    std::uint64_t cycle = 0;  // kernel cycle after whose edge the line was high
    bool error() const noexcept { return line == error_line; }
};

class Interrupts final : public sim::Agent {
public:
    explicit Interrupts(sim::Kernel& kernel, std::size_t capacity = 1024);

    std::function<bool(Interrupt const&)> isr;  // true: run the DPC
    std::function<void()> dpc;

    /// The oldest undelivered interrupt, removed from the queue (tests without an ISR).
    std::optional<Interrupt> take();
    std::size_t pending() const noexcept { return static_cast<std::size_t>(tail_ - head_); }
    std::uint64_t raised(unsigned queue) const { return raised_.at(queue); }
    std::uint64_t raised_error() const noexcept { return raised_error_; }
    std::uint64_t delivered() const noexcept { return delivered_; }
    std::uint64_t lost() const noexcept { return lost_; }

    void drive() override {}
    bool drives() const noexcept override { return false; }
    void observe() override {
        auto const q = static_cast<std::uint32_t>(queue_line_.get()) & queue_mask_;
        bool const e = error_line_.high();
        if (q == 0 && !e) [[likely]]
            return;
        record(q, e);
    }
    void reset() override { head_ = tail_; }

    std::string describe() const;

private:
    void record(std::uint32_t queues, bool error);
    void deliver();
    void push(Interrupt irq);

    sim::Kernel& kernel_;
    bfm::SigRef queue_line_, error_line_;
    std::uint32_t queue_mask_;
    std::vector<Interrupt> ring_;
    std::uint64_t head_ = 0, tail_ = 0;
    std::vector<std::uint64_t> raised_;
    std::uint64_t raised_error_ = 0, delivered_ = 0, lost_ = 0;
};

}  // namespace nicsim::host
