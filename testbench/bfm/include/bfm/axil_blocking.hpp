// AxilBlocking: blocking register accesses for unit tests that own the clock. Not a second
// master: each call queues operations on an AxilMasterBfm and runs the test's tick() until they
// complete, so their cost in cycles is real and counted. tick() must advance the harness by one
// clock cycle, calling the BFM's drive() before the edge and observe() after it.
//
// It takes over the BFM's on_complete (to keep each operation's result and every write's).
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "axil_master_bfm.hpp"

namespace nicsim::bfm {

/// A read as a test sees it: the value, RRESP and the cycles from the call to the R handshake
/// (waiting for earlier writes included).
struct AxilReadResult {
    std::uint32_t data = 0;
    std::uint8_t resp = 0;
    std::uint64_t cycles = 0;
};

class AxilBlocking {
public:
    AxilBlocking(AxilMasterBfm& bfm, std::function<void()> tick) : bfm_(bfm), tick_(std::move(tick)) {
        bfm_.on_complete = [this](AxilResult const& r) {
            if (r.ticket == awaited_ticket_) awaited_ = r;
            if (r.write) write_results_.push_back(r);
        };
    }
    AxilBlocking(AxilBlocking const&) = delete;
    AxilBlocking& operator=(AxilBlocking const&) = delete;

    std::uint64_t timeout_cycles = 10000;

    /// Queues a write and returns at once (posted); its result joins write_results().
    std::uint64_t post_write(std::uint32_t addr, std::uint32_t data, AxilWriteOptions const& options = {}) {
        return bfm_.write(addr, data, options);
    }
    /// Queues a write and runs the clock until its B response; returns BRESP.
    std::uint8_t write(std::uint32_t addr, std::uint32_t data, AxilWriteOptions const& options = {}) {
        return wait_for(bfm_.write(addr, data, options), "the B response").resp;
    }
    /// Queues a read and runs the clock until its R response.
    AxilReadResult read(std::uint32_t addr) {
        std::uint64_t const start = ticks_;
        AxilResult const r = wait_for(bfm_.read(addr), "the R response");
        return AxilReadResult{r.data, r.resp, ticks_ - start};
    }
    /// Runs the clock until every queued operation has completed.
    void flush() {
        run_until([this] { return bfm_.idle(); }, "every response");
    }

    /// Every finished write, oldest first.
    std::vector<AxilResult> const& write_results() const noexcept { return write_results_; }

private:
    AxilResult wait_for(std::uint64_t ticket, char const* what) {
        awaited_ticket_ = ticket;
        run_until([&] { return bfm_.done(ticket); }, what);
        return awaited_;
    }

    template <class Done>
    void run_until(Done done, char const* what) {
        std::uint64_t const start = ticks_;
        while (!done()) {
            if (ticks_ - start > timeout_cycles)
                throw std::runtime_error(
                    fmt::format("AXI4-Lite: no {} within {} cycles (the slave never answered)", what, timeout_cycles));
            tick_();
            ++ticks_;
        }
    }

    AxilMasterBfm& bfm_;
    std::function<void()> tick_;
    std::uint64_t ticks_ = 0;  // clock cycles this adapter has run
    std::uint64_t awaited_ticket_ = ~std::uint64_t{0};
    AxilResult awaited_;
    std::vector<AxilResult> write_results_;
};

}  // namespace nicsim::bfm
