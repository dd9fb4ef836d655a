#include "host/interrupts.hpp"

#include <bit>
#include <stdexcept>

#include <fmt/format.h>

namespace nicsim::host {

Interrupts::Interrupts(sim::Kernel& kernel, std::size_t capacity)
    : kernel_(kernel),
      queue_line_(kernel.dut().ports().irq.queue),
      error_line_(kernel.dut().ports().irq.error),
      ring_(std::bit_ceil(std::max<std::size_t>(capacity, 1))),
      raised_(kernel.dut().config().num_queues) {
    auto const nq = kernel.dut().config().num_queues;
    if (nq == 0 || nq > 32) throw std::invalid_argument(fmt::format("Interrupts: {} queues", nq));
    queue_mask_ = nq == 32 ? 0xFFFF'FFFFu : (1u << nq) - 1;
    kernel_.add_agent(*this);
    kernel_.add_between_cycles([this] { deliver(); });
    kernel_.add_diagnostic("interrupts", [this] { return describe(); });
}

void Interrupts::push(Interrupt irq) {
    if (tail_ - head_ == ring_.size()) {
        ++lost_;
        return;
    }
    ring_[tail_++ & (ring_.size() - 1)] = irq;
}

void Interrupts::record(std::uint32_t queues, bool error) {
    auto const cycle = kernel_.cycle();
    while (queues != 0) {
        auto const q = static_cast<unsigned>(std::countr_zero(queues));
        queues &= queues - 1;
        ++raised_[q];
        push({q, cycle});
    }
    if (error) {
        ++raised_error_;
        push({Interrupt::error_line, cycle});
    }
}

std::optional<Interrupt> Interrupts::take() {
    if (head_ == tail_) return std::nullopt;
    return ring_[head_++ & (ring_.size() - 1)];
}

void Interrupts::deliver() {
    if (head_ == tail_ || !isr) return;
    bool run_dpc = false;
    while (head_ != tail_) {
        Interrupt const irq = ring_[head_++ & (ring_.size() - 1)];
        ++delivered_;
        run_dpc = isr(irq) || run_dpc;
    }
    if (run_dpc && dpc) dpc();
}

std::string Interrupts::describe() const {
    std::string per_queue;
    for (std::size_t q = 0; q < raised_.size(); ++q) per_queue += fmt::format("{}q{}={}", q ? " " : "", q, raised_[q]);
    return fmt::format("raised {} error={}; {} delivered, {} pending, {} lost", per_queue, raised_error_, delivered_,
                       pending(), lost_);
}

}  // namespace nicsim::host
