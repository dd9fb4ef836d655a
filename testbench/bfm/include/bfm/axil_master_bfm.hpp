// AxilMasterBfm: an AXI4-Lite master (the CPU's side of the register port), two-phase like the
// other BFMs here: drive() before the clock edge, observe() after it.
//
// Contract:
// - Operations are queued (write() / read() return a ticket, 0, 1, 2, ... in call order) and
//   started in queue order. By default they also run strictly one at a time: a write raises
//   AWVALID and WVALID and completes at its B handshake; a read raises ARVALID and completes at
//   its R handshake. So a read never passes an earlier write (the ordering a CPU gets from PCIe:
//   reads do not pass posted writes), and done(t) is monotonic.
// - Per write, AxilWriteOptions may delay AWVALID and WVALID independently (counted from the
//   cycle the write starts, or, with overlapping writes, from when it heads its channel), so a
//   slave sees either arrival order.
// - Overlap, for tests of a slave's channel handling (both off by default; the co-simulation's
//   CPU model relies on the default): writes_in_flight > 1 lets later writes present AW and W
//   while earlier ones wait for B (AW and W each walk the writes in order, B answers in order);
//   reads_pass_writes lets a read start while earlier writes wait for B (AXI does not order the
//   two). Reads stay one at a time and nothing starts while a read is outstanding. With
//   reads_pass_writes a read may complete before earlier writes: done(t) is per ticket.
// - The slave's outputs (AWREADY, WREADY, BVALID/BRESP, ARREADY, RVALID/RDATA/RRESP) are
//   sampled in drive(), before the edge: they must be registers (true of nic_regs) or the
//   harness must settle the model after setting its inputs.
// - issue_delay_cycles: an operation starts no earlier than that many cycles after it was
//   queued (the trip from the CPU to the device, e.g. across PCIe).
// - Randomness: an optional pause before starting each operation and on BREADY / RREADY, drawn
//   from the run's generator only when enabled (so a disabled pause shifts nothing).
// - While nothing is in progress and nothing may start yet, drive() samples and writes nothing
//   (the port's valids and readies are already low): an idle register port costs a few compares.
// - The queue is a fixed-capacity ring allocated at construction; nothing allocates per cycle.
//   Pushing into a full queue throws (callers that model a CPU stall wait for !full()).
#pragma once

#include <algorithm>
#include <array>
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
    PauseGenerator start_pause;            // idle cycles before an operation starts
    PauseGenerator bready_pause;           // BREADY held low
    PauseGenerator rready_pause;           // RREADY held low
    std::size_t queue_capacity = 256;      // operations queued and not yet started
    std::uint32_t issue_delay_cycles = 0;  // queued -> may start (CPU-to-device trip)
    std::uint32_t writes_in_flight = 1;    // started writes awaiting B (1..AxilMasterBfm::max_writes_in_flight)
    bool reads_pass_writes = false;        // a read may start while earlier writes await B
};

/// Per-write options: byte strobes, and delays that let AW and W reach the slave in either order.
struct AxilWriteOptions {
    std::uint8_t strb = 0xF;
    std::uint32_t aw_delay_cycles = 0;  // cycles AWVALID stays low once the write heads the AW channel
    std::uint32_t w_delay_cycles = 0;   // the same for WVALID
};

/// One finished operation.
struct AxilResult {
    std::uint64_t ticket = 0;
    bool write = false;
    std::uint32_t addr = 0;
    std::uint32_t data = 0;         // written value, or the value read
    std::uint8_t resp = 0;          // BRESP / RRESP (0 OKAY, 2 SLVERR, 3 DECERR)
    std::uint64_t start_cycle = 0;  // cycle the operation started (its valid(s) may be delayed)
    std::uint64_t done_cycle = 0;   // cycle of the B / R handshake
};

struct AxilMasterStats {
    std::uint64_t writes = 0;
    std::uint64_t reads = 0;
    std::uint64_t error_responses = 0;
};

class AxilMasterBfm {
public:
    static constexpr std::uint32_t max_writes_in_flight = 8;

    AxilMasterBfm(AxilPort port, std::mt19937_64& rng, AxilMasterConfig config = {})
        : port_(port),
          rng_(rng),
          cfg_(config),
          queue_(round_up_pow2(config.queue_capacity)),
          done_flags_(round_up_pow2(2 * queue_.size() + max_writes_in_flight + 2), 0) {
        drive_idle();
    }

    /// Queue a write (posted); returns its ticket.
    std::uint64_t write(std::uint32_t addr, std::uint32_t data, std::uint8_t strb = 0xF) {
        return write(addr, data, AxilWriteOptions{.strb = strb});
    }
    std::uint64_t write(std::uint32_t addr, std::uint32_t data, AxilWriteOptions const& options) {
        return push({true, addr, data, options, 0, 0});
    }
    /// Queue a read; returns its ticket. The value arrives in the AxilResult of that ticket.
    std::uint64_t read(std::uint32_t addr) { return push({false, addr, 0, {}, 0, 0}); }

    bool done(std::uint64_t ticket) const noexcept {
        return ticket < done_floor_ || (ticket < issued_ && done_flags_[ticket & (done_flags_.size() - 1)]);
    }
    /// Nothing queued and nothing in progress.
    bool idle() const noexcept { return completed_ == issued_; }
    bool full() const noexcept { return tail_ - head_ == queue_.size() || issued_ - done_floor_ == done_flags_.size(); }
    std::size_t pending() const noexcept { return static_cast<std::size_t>(issued_ - completed_); }
    std::uint64_t completed() const noexcept { return completed_; }
    /// The most recently finished operation (meaningful once completed() > 0).
    AxilResult const& last_result() const noexcept { return last_; }
    AxilMasterStats const& stats() const noexcept { return stats_; }
    AxilMasterConfig& config() noexcept { return cfg_; }
    std::uint64_t cycle() const noexcept { return cycle_; }

    /// Called at every completion, after the clock edge (observe phase).
    std::function<void(AxilResult const&)> on_complete;
    /// Called with a write's ticket at the edge the slave has taken both its AW and its W (observe
    /// phase): the write has reached the device, its response may still be owed.
    std::function<void(std::uint64_t ticket)> on_write_taken;

    /// Drop every queued and in-progress operation (counted as completed) and drive idle.
    void reset() {
        head_ = tail_;
        completed_ = done_floor_ = issued_;
        std::fill(done_flags_.begin(), done_flags_.end(), std::uint8_t{0});
        writes_count_ = 0;
        read_busy_ = ar_pending_ = false;
        awvalid_ = wvalid_ = bready_ = rready_ = false;
        drive_idle();
    }

    /// Phase 1, before the edge: sample the slave's outputs, set the master's.
    void drive() {
        if (quiet()) [[likely]] {
            drive_quiet();
            return;
        }
        awready_ = port_.awready.high();
        wready_ = port_.wready.high();
        arready_ = port_.arready.high();
        bvalid_ = port_.bvalid.high();
        rvalid_ = port_.rvalid.high();
        if (bvalid_) bresp_ = static_cast<std::uint8_t>(port_.bresp.get() & 3u);
        if (rvalid_) {
            rresp_ = static_cast<std::uint8_t>(port_.rresp.get() & 3u);
            rdata_ = static_cast<std::uint32_t>(port_.rdata.get());
        }

        if (head_ != tail_ && queue_[head_ & (queue_.size() - 1)].ready_cycle <= cycle_ &&
            may_start(queue_[head_ & (queue_.size() - 1)]) && !cfg_.start_pause.pause(rng_))
            start();

        // AW and W each serve the oldest started write that has not used that channel yet.
        aw_slot_ = first_write_without(&InFlightWrite::aw_done);
        w_slot_ = first_write_without(&InFlightWrite::w_done);
        awvalid_ = aw_slot_ != no_slot && writes_[aw_slot_].opt.aw_delay_cycles == 0;
        wvalid_ = w_slot_ != no_slot && writes_[w_slot_].opt.w_delay_cycles == 0;
        if (awvalid_) {
            port_.awaddr.set(writes_[aw_slot_].addr);
            port_.awprot.set(0);
        }
        if (wvalid_) {
            port_.wdata.set(writes_[w_slot_].data);
            port_.wstrb.set(writes_[w_slot_].opt.strb);
        }

        InFlightWrite const* oldest = writes_count_ != 0 ? &writes_[writes_head_] : nullptr;
        bready_ = oldest != nullptr && oldest->aw_done && oldest->w_done && !cfg_.bready_pause.pause(rng_);
        rready_ = read_busy_ && !ar_pending_ && !cfg_.rready_pause.pause(rng_);
        port_.awvalid.set(awvalid_);
        port_.wvalid.set(wvalid_);
        port_.arvalid.set(ar_pending_);
        port_.bready.set(bready_);
        port_.rready.set(rready_);
        outputs_idle_ = false;
    }

    /// Phase 2, after the edge: record the handshakes that happened at it.
    void observe() {
        bool const aw_taken = awvalid_ && awready_;
        bool const w_taken = wvalid_ && wready_;
        if (aw_taken)
            writes_[aw_slot_].aw_done = true;
        else if (aw_slot_ != no_slot && writes_[aw_slot_].opt.aw_delay_cycles > 0)
            --writes_[aw_slot_].opt.aw_delay_cycles;
        if (w_taken)
            writes_[w_slot_].w_done = true;
        else if (w_slot_ != no_slot && writes_[w_slot_].opt.w_delay_cycles > 0)
            --writes_[w_slot_].opt.w_delay_cycles;
        if ((aw_taken || w_taken) && on_write_taken) [[unlikely]]
            report_writes_taken(aw_taken, w_taken);
        if (ar_pending_ && arready_) ar_pending_ = false;
        if (bready_ && bvalid_) finish_write();
        if (rready_ && rvalid_) finish_read();
        ++cycle_;
    }

private:
    struct Op {
        bool write = false;
        std::uint32_t addr = 0;
        std::uint32_t data = 0;
        AxilWriteOptions opt;
        std::uint64_t ready_cycle = 0;  // may start at this cycle
        std::uint64_t ticket = 0;
    };
    struct InFlightWrite : Op {
        std::uint64_t start_cycle = 0;
        bool aw_done = false;
        bool w_done = false;
    };
    static constexpr std::uint32_t no_slot = max_writes_in_flight;

    static std::size_t round_up_pow2(std::size_t n) {
        std::size_t p = 1;
        while (p < n) p <<= 1;
        return p;
    }

    std::uint64_t push(Op op) {
        if (full()) throw std::length_error(fmt::format("AxilMasterBfm: queue full ({} operations)", queue_.size()));
        op.ready_cycle = cycle_ + cfg_.issue_delay_cycles;
        op.ticket = issued_;
        queue_[tail_++ & (queue_.size() - 1)] = op;
        return issued_++;
    }

    /// Nothing in progress and nothing that may start this cycle: every valid and ready stays
    /// low, nothing is sampled and nothing is drawn (a pause is drawn only for an operation).
    bool quiet() const noexcept {
        return writes_count_ == 0 && !read_busy_ &&
               (head_ == tail_ || queue_[head_ & (queue_.size() - 1)].ready_cycle > cycle_);
    }
    void drive_quiet() noexcept {
        awvalid_ = wvalid_ = bready_ = rready_ = false;
        aw_slot_ = w_slot_ = no_slot;
        if (!outputs_idle_) drive_idle();
    }

    /// Nothing starts while a read is outstanding; see the contract for writes_in_flight and
    /// reads_pass_writes (with the defaults: only when nothing is outstanding).
    bool may_start(Op const& op) const noexcept {
        if (read_busy_) return false;
        if (op.write) return writes_count_ < std::clamp<std::uint32_t>(cfg_.writes_in_flight, 1, max_writes_in_flight);
        return writes_count_ == 0 || cfg_.reads_pass_writes;
    }

    void start() {
        Op const op = queue_[head_++ & (queue_.size() - 1)];
        if (op.write) {
            InFlightWrite& w = writes_[(writes_head_ + writes_count_++) % max_writes_in_flight];
            static_cast<Op&>(w) = op;
            w.start_cycle = cycle_;
            w.aw_done = w.w_done = false;
        } else {
            read_ = op;
            read_busy_ = ar_pending_ = true;
            read_start_cycle_ = cycle_;
            port_.araddr.set(op.addr);
            port_.arprot.set(0);
        }
    }

    std::uint32_t first_write_without(bool InFlightWrite::*done) const noexcept {
        for (std::uint32_t k = 0; k < writes_count_; ++k) {
            std::uint32_t const slot = (writes_head_ + k) % max_writes_in_flight;
            if (!(writes_[slot].*done)) return slot;
        }
        return no_slot;
    }

    // A write whose AW or W was taken at this edge and now has both.
    void report_writes_taken(bool aw_taken, bool w_taken) {
        auto const whole = [&](std::uint32_t slot) { return writes_[slot].aw_done && writes_[slot].w_done; };
        if (aw_taken && whole(aw_slot_)) on_write_taken(writes_[aw_slot_].ticket);
        if (w_taken && w_slot_ != (aw_taken ? aw_slot_ : no_slot) && whole(w_slot_))
            on_write_taken(writes_[w_slot_].ticket);
    }

    void finish_write() {
        InFlightWrite const& w = writes_[writes_head_];
        writes_head_ = (writes_head_ + 1) % max_writes_in_flight;
        --writes_count_;
        finish(AxilResult{w.ticket, true, w.addr, w.data, bresp_, w.start_cycle, cycle_});
    }

    void finish_read() {
        read_busy_ = false;
        finish(AxilResult{read_.ticket, false, read_.addr, rdata_, rresp_, read_start_cycle_, cycle_});
    }

    void finish(AxilResult const& result) {
        last_ = result;
        ++completed_;
        std::size_t const mask = done_flags_.size() - 1;
        done_flags_[result.ticket & mask] = 1;
        while (done_floor_ < issued_ && done_flags_[done_floor_ & mask]) done_flags_[done_floor_++ & mask] = 0;
        ++(result.write ? stats_.writes : stats_.reads);
        if (result.resp != 0) ++stats_.error_responses;
        if (on_complete) on_complete(last_);
    }

    void drive_idle() {
        port_.awvalid.set(0);
        port_.wvalid.set(0);
        port_.arvalid.set(0);
        port_.bready.set(0);
        port_.rready.set(0);
        outputs_idle_ = true;
    }

    AxilPort port_;
    std::mt19937_64& rng_;
    AxilMasterConfig cfg_;
    std::vector<Op> queue_;
    std::uint64_t head_ = 0, tail_ = 0;         // ring positions (mod capacity)
    std::uint64_t issued_ = 0, completed_ = 0;  // tickets, and how many have completed
    std::vector<std::uint8_t> done_flags_;      // by ticket (mod size): completed above done_floor_
    std::uint64_t done_floor_ = 0;              // every ticket below it has completed
    // started writes awaiting B, oldest first (a ring of writes_count_ from writes_head_)
    std::array<InFlightWrite, max_writes_in_flight> writes_{};
    std::uint32_t writes_head_ = 0, writes_count_ = 0;
    std::uint32_t aw_slot_ = no_slot, w_slot_ = no_slot;  // the writes AW / W serve this cycle
    Op read_;
    bool read_busy_ = false, ar_pending_ = false;
    std::uint64_t read_start_cycle_ = 0;
    // sampled in drive()
    bool awready_ = false, wready_ = false, arready_ = false, bvalid_ = false, rvalid_ = false;
    std::uint8_t bresp_ = 0, rresp_ = 0;
    std::uint32_t rdata_ = 0;
    // driven in drive()
    bool awvalid_ = false, wvalid_ = false, bready_ = false, rready_ = false;
    bool outputs_idle_ = false;  // every valid and ready low on the port since drive_idle()
    AxilResult last_;
    AxilMasterStats stats_;
    std::uint64_t cycle_ = 0;
};

}  // namespace nicsim::bfm
