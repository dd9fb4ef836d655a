#include "host/mmio.hpp"

#include "host/memory_order.hpp"

#include <fmt/format.h>

namespace nicsim::host {

MmioBus::MmioBus(sim::Kernel& kernel, MmioConfig config)
    : kernel_(kernel), cfg_(config), master_(kernel.dut().ports().s_axil, kernel.rng(), [&] {
          auto axil = config.axil;
          axil.issue_delay_cycles = config.request_latency_cycles;
          return axil;
      }()) {
    kernel_.add_bfm(master_);
    master_.on_complete = [this](bfm::AxilResult const& r) {
        if (r.resp == 0) return;
        ++stats_.error_responses;
        last_error_ = r;
        if (r.write) ++pending_write_errors_;
    };
    kernel_.add_diagnostic("mmio", [this] { return describe(); });
}

void MmioBus::set_ordering(WeakOrdering* ordering) {
    ordering_ = ordering;
    if (ordering_ == nullptr) {
        master_.on_write_taken = nullptr;
        return;
    }
    master_.on_write_taken = [this](std::uint64_t) { ordering_->mmio_write_arrived(); };
}

void MmioBus::check_errors() {
    if (pending_write_errors_ == 0) return;
    bool const throwing = cfg_.throw_on_error;
    pending_write_errors_ = 0;  // errors answered while not throwing are only counted
    if (!throwing) return;
    throw MmioError(fmt::format("MMIO write of {:#010x} to {:#06x} answered with response {}", last_error_.data,
                                last_error_.addr, last_error_.resp),
                    kernel_.diagnosis());
}

void MmioBus::write32(std::uint16_t offset, std::uint32_t value) {
    check_errors();
    if (master_.full()) {
        auto scope = kernel_.software_scope();
        std::uint64_t const start = kernel_.cycle();
        while (master_.full()) kernel_.step();
        stats_.write_stall_cycles += kernel_.cycle() - start;
    }
    if (ordering_) ordering_->mmio_write_issued(offset, value);
    master_.write(offset, value);
    ++stats_.writes;
    if (on_write) on_write(offset, value);
}

std::uint32_t MmioBus::read32(std::uint16_t offset) {
    check_errors();
    auto scope = kernel_.software_scope();
    std::uint64_t const start = kernel_.cycle();
    auto const check_timeout = [&] {
        if (kernel_.cycle() - start >= cfg_.read_timeout_cycles)
            throw MmioError(
                fmt::format("MMIO read of {:#06x} unanswered after {} cycles", offset, cfg_.read_timeout_cycles),
                kernel_.diagnosis());
    };
    // Behind a full queue of posted writes the read waits for room, as write32 does (the CPU
    // stalls on its full write buffer): the read cannot pass them anyway.
    while (master_.full()) {
        check_timeout();
        kernel_.step();
    }
    if (ordering_) ordering_->mmio_read_issued();
    std::uint64_t const ticket = master_.read(offset);
    while (!master_.done(ticket)) {
        check_timeout();
        kernel_.step();
    }
    kernel_.step(cfg_.response_latency_cycles);
    last_read_cycles_ = kernel_.cycle() - start;
    ++stats_.reads;
    stats_.read_cycles_total += last_read_cycles_;
    stats_.read_cycles_max = std::max(stats_.read_cycles_max, last_read_cycles_);
    kernel_.report_progress();
    auto const& r = master_.last_result();
    if (r.resp != 0) {
        if (cfg_.throw_on_error)
            throw MmioError(fmt::format("MMIO read of {:#06x} answered with response {}", offset, r.resp),
                            kernel_.diagnosis());
        return 0xFFFF'FFFFu;
    }
    return r.data;
}

void MmioBus::flush() {
    auto scope = kernel_.software_scope();
    std::uint64_t const start = kernel_.cycle();
    while (!master_.idle()) {
        if (kernel_.cycle() - start >= cfg_.read_timeout_cycles)
            throw MmioError(fmt::format("MMIO writes unanswered after {} cycles", cfg_.read_timeout_cycles),
                            kernel_.diagnosis());
        kernel_.step();
    }
    check_errors();
}

std::string MmioBus::describe() const {
    return fmt::format(
        "{} operations pending; {} writes, {} reads (last took {} cycles, max {}), "
        "{} error responses",
        master_.pending(), stats_.writes, stats_.reads, last_read_cycles_, stats_.read_cycles_max,
        stats_.error_responses);
}

}  // namespace nicsim::host
