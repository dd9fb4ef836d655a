// AxilMasterBfm: an AXI4-Lite master (the CPU's side of the register port), two-phase like the
// other BFMs here: drive() before the clock edge, observe() after it.
//
// Contract:
// - Operations are queued (write() / read() return a ticket, 0, 1, 2, ... in call order) and
//   executed strictly one at a time in queue order: a write raises AWVALID and WVALID together
//   and completes at its B handshake; a read raises ARVALID and completes at its R handshake.
//   So a read never passes an earlier write (the ordering a CPU gets from PCIe: reads do not
//   pass posted writes), and done(t) is monotonic.
// - The slave's outputs (AWREADY, WREADY, BVALID/BRESP, ARREADY, RVALID/RDATA/RRESP) are
//   sampled in drive(), before the edge: they must be registers (true of nic_regs) or the
//   harness must settle the model after setting its inputs.
// - issue_delay_cycles: an operation starts no earlier than that many cycles after it was
//   queued (the trip from the CPU to the device, e.g. across PCIe).
// - Randomness: an optional pause before starting each operation and on BREADY / RREADY, drawn
//   from the run's generator only when enabled (so a disabled pause shifts nothing).
// - The queue is a fixed-capacity ring allocated at construction; nothing allocates per cycle.
//   Pushing into a full queue throws (callers that model a CPU stall wait for !full()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "pause.hpp"
#include "sig_ref.hpp"

namespace nicsim::bfm {

/// The signals of one AXI4-Lite slave port of a verilated model. of_slave() binds s_axil_*.
struct AxilPort {
    SigRef awaddr, awprot, awvalid, awready;
    SigRef wdata, wstrb, wvalid, wready;
    SigRef bresp, bvalid, bready;
    SigRef araddr, arprot, arvalid, arready;
    SigRef rdata, rresp, rvalid, rready;

    template <class Top>
    static AxilPort of_slave(Top& t) {
        AxilPort p;
        p.awaddr = t.s_axil_awaddr;
        p.awprot = t.s_axil_awprot;
        p.awvalid = t.s_axil_awvalid;
        p.awready = t.s_axil_awready;
        p.wdata = t.s_axil_wdata;
        p.wstrb = t.s_axil_wstrb;
        p.wvalid = t.s_axil_wvalid;
        p.wready = t.s_axil_wready;
        p.bresp = t.s_axil_bresp;
        p.bvalid = t.s_axil_bvalid;
        p.bready = t.s_axil_bready;
        p.araddr = t.s_axil_araddr;
        p.arprot = t.s_axil_arprot;
        p.arvalid = t.s_axil_arvalid;
        p.arready = t.s_axil_arready;
        p.rdata = t.s_axil_rdata;
        p.rresp = t.s_axil_rresp;
        p.rvalid = t.s_axil_rvalid;
        p.rready = t.s_axil_rready;
        return p;
    }
};

struct AxilMasterConfig {
    PauseGenerator start_pause;   // idle cycles before an operation starts
    PauseGenerator bready_pause;  // BREADY held low
    PauseGenerator rready_pause;  // RREADY held low
    std::size_t queue_capacity = 256;  // operations queued and not yet started
    std::uint32_t issue_delay_cycles = 0;  // queued -> may start (CPU-to-device trip)
};

/// One finished operation.
struct AxilResult {
    std::uint64_t ticket = 0;
    bool write = false;
    std::uint32_t addr = 0;
    std::uint32_t data = 0;        // written value, or the value read
    std::uint8_t resp = 0;         // BRESP / RRESP (0 OKAY, 2 SLVERR, 3 DECERR)
    std::uint64_t start_cycle = 0; // cycle its valid(s) were first driven
    std::uint64_t done_cycle = 0;  // cycle of the B / R handshake
};

struct AxilMasterStats {
    std::uint64_t writes = 0;
    std::uint64_t reads = 0;
    std::uint64_t error_responses = 0;
};

class AxilMasterBfm {
public:
    AxilMasterBfm(AxilPort port, std::mt19937_64& rng, AxilMasterConfig config = {})
        : port_(port), rng_(rng), cfg_(config), queue_(round_up_pow2(config.queue_capacity)) {
        drive_idle();
    }

    /// Queue a write (posted); returns its ticket.
    std::uint64_t write(std::uint32_t addr, std::uint32_t data, std::uint8_t strb = 0xF) {
        return push({true, addr, data, strb, 0});
    }
    /// Queue a read; returns its ticket. The value arrives in the AxilResult of that ticket.
    std::uint64_t read(std::uint32_t addr) { return push({false, addr, 0, 0, 0}); }

    bool done(std::uint64_t ticket) const noexcept { return ticket < completed_; }
    /// Nothing queued and nothing in progress.
    bool idle() const noexcept { return completed_ == issued_; }
    bool full() const noexcept { return tail_ - head_ == queue_.size(); }
    std::size_t pending() const noexcept { return static_cast<std::size_t>(issued_ - completed_); }
    std::uint64_t completed() const noexcept { return completed_; }
    /// The most recently finished operation (meaningful once completed() > 0).
    AxilResult const& last_result() const noexcept { return last_; }
    AxilMasterStats const& stats() const noexcept { return stats_; }
    AxilMasterConfig& config() noexcept { return cfg_; }
    std::uint64_t cycle() const noexcept { return cycle_; }

    /// Called at every completion, after the clock edge (observe phase).
    std::function<void(AxilResult const&)> on_complete;

    /// Drop every queued and in-progress operation (counted as completed) and drive idle.
    void reset() {
        head_ = tail_;
        completed_ = issued_;
        busy_ = aw_pending_ = w_pending_ = ar_pending_ = resp_pending_ = false;
        drive_idle();
    }

    /// Phase 1, before the edge: sample the slave's outputs, set the master's.
    void drive() {
        awready_ = port_.awready.get() & 1u;
        wready_ = port_.wready.get() & 1u;
        arready_ = port_.arready.get() & 1u;
        bvalid_ = port_.bvalid.get() & 1u;
        rvalid_ = port_.rvalid.get() & 1u;
        if (bvalid_) bresp_ = static_cast<std::uint8_t>(port_.bresp.get() & 3u);
        if (rvalid_) {
            rresp_ = static_cast<std::uint8_t>(port_.rresp.get() & 3u);
            rdata_ = static_cast<std::uint32_t>(port_.rdata.get());
        }

        if (!busy_ && head_ != tail_ && queue_[head_ & (queue_.size() - 1)].ready_cycle <= cycle_ &&
            !cfg_.start_pause.pause(rng_))
            start();

        bready_ = busy_ && cur_.write && resp_pending_ && !aw_pending_ && !w_pending_ &&
                  !cfg_.bready_pause.pause(rng_);
        rready_ = busy_ && !cur_.write && resp_pending_ && !ar_pending_ &&
                  !cfg_.rready_pause.pause(rng_);
        port_.awvalid.set(aw_pending_);
        port_.wvalid.set(w_pending_);
        port_.arvalid.set(ar_pending_);
        port_.bready.set(bready_);
        port_.rready.set(rready_);
    }

    /// Phase 2, after the edge: record the handshakes that happened at it.
    void observe() {
        if (aw_pending_ && awready_) aw_pending_ = false;
        if (w_pending_ && wready_) w_pending_ = false;
        if (ar_pending_ && arready_) ar_pending_ = false;
        if (bready_ && bvalid_) finish(bresp_, cur_.data);
        else if (rready_ && rvalid_) finish(rresp_, rdata_);
        ++cycle_;
    }

private:
    struct Op {
        bool write = false;
        std::uint32_t addr = 0;
        std::uint32_t data = 0;
        std::uint8_t strb = 0;
        std::uint64_t ready_cycle = 0;  // may start at this cycle
    };

    static std::size_t round_up_pow2(std::size_t n) {
        std::size_t p = 1;
        while (p < n) p <<= 1;
        return p;
    }

    std::uint64_t push(Op op) {
        if (full())
            throw std::length_error(fmt::format("AxilMasterBfm: queue full ({} operations)", queue_.size()));
        op.ready_cycle = cycle_ + cfg_.issue_delay_cycles;
        queue_[tail_++ & (queue_.size() - 1)] = op;
        return issued_++;
    }

    void start() {
        cur_ = queue_[head_++ & (queue_.size() - 1)];
        busy_ = resp_pending_ = true;
        start_cycle_ = cycle_;
        if (cur_.write) {
            aw_pending_ = w_pending_ = true;
            port_.awaddr.set(cur_.addr);
            port_.awprot.set(0);
            port_.wdata.set(cur_.data);
            port_.wstrb.set(cur_.strb);
        } else {
            ar_pending_ = true;
            port_.araddr.set(cur_.addr);
            port_.arprot.set(0);
        }
    }

    void finish(std::uint8_t resp, std::uint32_t data) {
        last_ = AxilResult{completed_, cur_.write, cur_.addr, data, resp, start_cycle_, cycle_};
        ++completed_;
        ++(cur_.write ? stats_.writes : stats_.reads);
        if (resp != 0) ++stats_.error_responses;
        busy_ = resp_pending_ = false;
        if (on_complete) on_complete(last_);
    }

    void drive_idle() {
        port_.awvalid.set(0);
        port_.wvalid.set(0);
        port_.arvalid.set(0);
        port_.bready.set(0);
        port_.rready.set(0);
    }

    AxilPort port_;
    std::mt19937_64& rng_;
    AxilMasterConfig cfg_;
    std::vector<Op> queue_;
    std::uint64_t head_ = 0, tail_ = 0;        // ring positions (mod capacity)
    std::uint64_t issued_ = 0, completed_ = 0; // tickets
    Op cur_;
    bool busy_ = false, aw_pending_ = false, w_pending_ = false, ar_pending_ = false, resp_pending_ = false;
    std::uint64_t start_cycle_ = 0;
    // sampled in drive()
    bool awready_ = false, wready_ = false, arready_ = false, bvalid_ = false, rvalid_ = false;
    std::uint8_t bresp_ = 0, rresp_ = 0;
    std::uint32_t rdata_ = 0;
    // driven in drive()
    bool bready_ = false, rready_ = false;
    AxilResult last_;
    AxilMasterStats stats_;
    std::uint64_t cycle_ = 0;
};

}  // namespace nicsim::bfm
