// Axi4SlaveMem: an AXI4 slave that serves a SparseMemory to a verilated AXI4 master (the
// NIC's DMA port), shaped like a RAM model from a hardware testbench library: construct it on
// the model's m_axi_* signals, give it the memory and the run's random generator, configure
// latency, reordering, back-pressure and error injection, then call drive() and observe()
// once per clock (see testbench/bfm/README.md for the two-phase contract).
//
// Behaviour:
// - AR/AW are accepted while fewer than max_reads/max_writes bursts are in flight (and the
//   channel's pause generator allows). W beats are accepted once their AW was; each beat is
//   written to memory at its handshake, honouring WSTRB. B follows the last W beat after
//   write_latency; the first R beat of a burst may go out read_latency after its AR.
// - Responses stay in order within an ID; with `reorder` they are picked at random across IDs,
//   and with `interleave_reads` R beats of different IDs interleave beat by beat.
// - Error responses by address range (a burst overlapping the range) or by probability.
//   A write burst answered with an error leaves memory untouched; a read burst answered with
//   an error returns zero data.
// - With `check`, protocol misuse by the master throws Axi4ProtocolError naming the rule,
//   address, ID and cycle: payload changed or valid dropped before the handshake, burst type
//   other than INCR, AxSIZE wider than the bus, INCR burst crossing 4 KiB, WLAST on the wrong
//   beat, WSTRB outside the beat's bytes.
// - The master's outputs are sampled in drive(): they must be registers (true of every nicsim
//   master), or the harness must eval() the model after setting its other inputs.
// - set_view(): a DmaMemoryView sees every beat served (after_read may change the bytes the
//   master gets) and every write (before_write), e.g. a weakly ordered host; none by default.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "dma_memory_view.hpp"
#include "latency.hpp"
#include "pause.hpp"
#include "sig_ref.hpp"
#include "sparse_memory.hpp"

namespace nicsim::bfm {

namespace axi4 {
inline constexpr std::uint8_t resp_okay = 0;
inline constexpr std::uint8_t resp_exokay = 1;
inline constexpr std::uint8_t resp_slverr = 2;
inline constexpr std::uint8_t resp_decerr = 3;
inline constexpr std::uint8_t burst_fixed = 0;
inline constexpr std::uint8_t burst_incr = 1;
inline constexpr std::uint8_t burst_wrap = 2;
}  // namespace axi4

/// Pointers to one AXI4 port of a verilated model. of_master() binds the standard m_axi_*
/// names; fill the fields by hand for other prefixes. Optional signals may stay unbound.
struct Axi4Port {
    SigRef awid, awaddr, awlen, awsize, awburst, awlock, awcache, awprot, awvalid, awready;
    SigRef wdata, wstrb, wlast, wvalid, wready;
    SigRef bid, bresp, bvalid, bready;
    SigRef arid, araddr, arlen, arsize, arburst, arlock, arcache, arprot, arvalid, arready;
    SigRef rid, rdata, rresp, rlast, rvalid, rready;

    template <class Top>
    static Axi4Port of_master(Top& t) {
        Axi4Port p;
        p.awid = t.m_axi_awid;
        p.awaddr = t.m_axi_awaddr;
        p.awlen = t.m_axi_awlen;
        p.awsize = t.m_axi_awsize;
        p.awburst = t.m_axi_awburst;
        p.awvalid = t.m_axi_awvalid;
        p.awready = t.m_axi_awready;
        p.wdata = t.m_axi_wdata;
        p.wstrb = t.m_axi_wstrb;
        p.wlast = t.m_axi_wlast;
        p.wvalid = t.m_axi_wvalid;
        p.wready = t.m_axi_wready;
        p.bid = t.m_axi_bid;
        p.bresp = t.m_axi_bresp;
        p.bvalid = t.m_axi_bvalid;
        p.bready = t.m_axi_bready;
        p.arid = t.m_axi_arid;
        p.araddr = t.m_axi_araddr;
        p.arlen = t.m_axi_arlen;
        p.arsize = t.m_axi_arsize;
        p.arburst = t.m_axi_arburst;
        p.arvalid = t.m_axi_arvalid;
        p.arready = t.m_axi_arready;
        p.rid = t.m_axi_rid;
        p.rdata = t.m_axi_rdata;
        p.rresp = t.m_axi_rresp;
        p.rlast = t.m_axi_rlast;
        p.rvalid = t.m_axi_rvalid;
        p.rready = t.m_axi_rready;
        if constexpr (requires { t.m_axi_awlock; }) p.awlock = t.m_axi_awlock;
        if constexpr (requires { t.m_axi_awcache; }) p.awcache = t.m_axi_awcache;
        if constexpr (requires { t.m_axi_awprot; }) p.awprot = t.m_axi_awprot;
        if constexpr (requires { t.m_axi_arlock; }) p.arlock = t.m_axi_arlock;
        if constexpr (requires { t.m_axi_arcache; }) p.arcache = t.m_axi_arcache;
        if constexpr (requires { t.m_axi_arprot; }) p.arprot = t.m_axi_arprot;
        return p;
    }
};

/// Bursts overlapping [begin, end) are answered with `resp`.
struct ErrorRange {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::uint8_t resp = axi4::resp_slverr;
};

struct Axi4SlaveMemConfig {
    Latency read_latency;           // AR handshake -> first R beat may be offered
    Latency write_latency;          // last W beat -> B may be offered
    std::size_t max_reads = 64;     // read bursts accepted and not fully answered
    std::size_t max_writes = 64;    // write bursts accepted and not answered with B
    bool reorder = false;           // answer different IDs out of order
    bool interleave_reads = false;  // with reorder: switch bursts between R beats
    PauseGenerator ar_pause, r_pause, aw_pause, w_pause, b_pause;
    std::vector<ErrorRange> error_ranges;
    double error_probability = 0.0;  // per burst, in addition to the ranges
    std::uint8_t error_resp = axi4::resp_slverr;
    // Asked for every burst the ranges and the probability left OKAY (write, bytes [lo, hi)):
    // true answers it with error_resp (targeted fault injection, e.g. one burst of one ring).
    std::function<bool(bool write, std::uint64_t lo, std::uint64_t hi)> error_hook;
    bool check = true;  // throw Axi4ProtocolError on master misuse

    /// The same stall probability on all five channels.
    void set_all_pauses(double probability) {
        for (auto* p : {&ar_pause, &r_pause, &aw_pause, &w_pause, &b_pause}) p->set_probability(probability);
    }
};

/// One completed burst, passed to the on_read_burst / on_write_burst hooks.
struct Axi4Burst {
    bool write = false;
    std::uint32_t id = 0;
    std::uint64_t addr = 0;        // AxADDR as issued
    std::uint32_t beats = 0;       // AxLEN + 1
    std::uint32_t size_bytes = 0;  // 1 << AxSIZE
    std::uint8_t burst = 0;        // AxBURST
    std::uint8_t resp = 0;         // the RRESP / BRESP given
    std::uint64_t accept_cycle = 0;
    std::uint64_t done_cycle = 0;
};

class Axi4ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Axi4SlaveStats {
    std::uint64_t read_bursts = 0;  // completed
    std::uint64_t read_beats = 0;
    std::uint64_t write_bursts = 0;  // completed (B handshaken)
    std::uint64_t write_beats = 0;
    std::uint64_t error_bursts = 0;
    std::size_t max_reads_in_flight = 0;
    std::size_t max_writes_in_flight = 0;
    std::map<std::uint32_t, std::size_t> max_reads_in_flight_by_id;
    std::map<std::uint32_t, std::size_t> max_writes_in_flight_by_id;
};

template <std::size_t DataBytes>
class Axi4SlaveMem {
    static_assert(DataBytes >= 1 && (DataBytes & (DataBytes - 1)) == 0 && DataBytes <= 128,
                  "the data bus is a power of two bytes wide, at most 1024 bits");
    static constexpr std::size_t strb_bytes = (DataBytes + 7) / 8;

public:
    using Beat = std::array<std::uint8_t, DataBytes>;

    Axi4SlaveMem(Axi4Port port, SparseMemory& memory, std::mt19937_64& rng, Axi4SlaveMemConfig config = {})
        : port_(port), mem_(memory), rng_(rng), cfg_(std::move(config)) {
        if (port_.rdata.size_bytes() < DataBytes || port_.wdata.size_bytes() < DataBytes)
            throw std::invalid_argument(fmt::format("Axi4SlaveMem<{}>: data signals hold {} / {} bytes", DataBytes,
                                                    port_.rdata.size_bytes(), port_.wdata.size_bytes()));
        drive_idle();
    }

    Axi4SlaveMemConfig& config() noexcept { return cfg_; }
    Axi4SlaveStats const& stats() const noexcept { return stats_; }
    SparseMemory& memory() noexcept { return mem_; }
    std::uint64_t cycle() const noexcept { return cycle_; }
    std::size_t reads_in_flight() const noexcept { return reads_.size(); }
    std::size_t writes_in_flight() const noexcept { return w_pending_.size() + b_pending_.size(); }
    bool idle() const noexcept { return reads_.empty() && writes_in_flight() == 0; }
    /// The view between memory and the master (not owned; nullptr: memory as it is).
    void set_view(DmaMemoryView* view) noexcept { view_ = view; }

    std::function<void(Axi4Burst const&)> on_read_burst;
    std::function<void(Axi4Burst const&)> on_write_burst;

    /// Forget every transaction and drive all slave outputs low (call while the model is in reset).
    void reset() {
        reads_.clear();
        reads_started_ = 0;
        w_pending_.clear();
        b_pending_.clear();
        in_flight_reads_by_id_.clear();
        in_flight_writes_by_id_.clear();
        r_valid_ = b_valid_ = false;
        ar_prev_ = aw_prev_ = {};
        w_prev_ = {};
        drive_idle();
    }

    /// Phase 1, before the clock edge: sample the master's outputs, set the slave's outputs.
    void drive() {
        ar_ = sample_addr(port_.arvalid, port_.arid, port_.araddr, port_.arlen, port_.arsize, port_.arburst);
        aw_ = sample_addr(port_.awvalid, port_.awid, port_.awaddr, port_.awlen, port_.awsize, port_.awburst);
        w_.valid = port_.wvalid.high();
        if (w_.valid) {
            port_.wdata.read_bytes(0, w_.data);
            port_.wstrb.read_bytes(0, w_.strb);
            w_.last = port_.wlast.high();
        }
        rready_ = port_.rready.high();
        bready_ = port_.bready.high();
        if (cfg_.check) check_stable();

        arready_ = reads_.size() < cfg_.max_reads && !cfg_.ar_pause.pause(rng_);
        awready_ = writes_in_flight() < cfg_.max_writes && !cfg_.aw_pause.pause(rng_);
        wready_ = !w_pending_.empty() && !cfg_.w_pause.pause(rng_);
        bool const r_stall = cfg_.r_pause.pause(rng_);
        bool const b_stall = cfg_.b_pause.pause(rng_);
        if (!r_valid_ && !r_stall) offer_read();
        if (!b_valid_ && !b_stall) offer_write_response();

        port_.arready.set(arready_);
        port_.awready.set(awready_);
        port_.wready.set(wready_);
        port_.rvalid.set(r_valid_);
        port_.bvalid.set(b_valid_);
    }

    /// Phase 2, after the clock edge: record the handshakes that happened at it.
    void observe() {
        if (ar_.valid && arready_) accept_read();
        if (aw_.valid && awready_) accept_write();
        if (w_.valid && wready_) accept_write_beat();
        if (r_valid_ && rready_) complete_read_beat();
        if (b_valid_ && bready_) complete_write_response();
        // A payload still owed (valid, not taken) must stay unchanged; only then is it kept.
        owe(ar_prev_, ar_, ar_.valid && !arready_);
        owe(aw_prev_, aw_, aw_.valid && !awready_);
        owe(w_prev_, w_, w_.valid && !wready_);
        ++cycle_;
    }

private:
    struct AddrSnap {
        bool valid = false;
        std::uint32_t id = 0;
        std::uint64_t addr = 0;
        std::uint32_t len = 0;
        std::uint32_t size = 0;
        std::uint8_t burst = 0;
        bool operator==(AddrSnap const&) const = default;
    };
    struct WSnap {
        bool valid = false;
        Beat data{};
        std::array<std::uint8_t, strb_bytes> strb{};
        bool last = false;
        bool operator==(WSnap const&) const = default;
    };
    struct Txn {
        std::uint64_t seq = 0;
        AddrSnap a;
        std::uint8_t resp = 0;
        std::uint64_t accept_cycle = 0;
        std::uint64_t ready_cycle = 0;
        std::uint32_t beat = 0;  // next beat
    };

    static AddrSnap sample_addr(SigRef const& valid, SigRef const& id, SigRef const& addr, SigRef const& len,
                                SigRef const& size, SigRef const& burst) {
        AddrSnap s;
        s.valid = valid.high();
        if (s.valid) {
            s.id = static_cast<std::uint32_t>(id.get());
            s.addr = addr.get();
            s.len = static_cast<std::uint32_t>(len.get() & 0xFF);
            s.size = static_cast<std::uint32_t>(size.get() & 7);
            s.burst = static_cast<std::uint8_t>(burst.get() & 3);
        }
        return s;
    }

    template <class Snap>
    static void owe(Snap& prev, Snap const& now, bool stalled) {
        if (stalled)
            prev = now;
        else
            prev.valid = false;  // nothing owed: the rest of prev is never read
    }

    [[noreturn]] void violation(std::string_view rule, std::uint64_t addr, std::uint32_t id) const {
        throw Axi4ProtocolError(
            fmt::format("AXI4 rule violated by the master: {} (addr {:#x}, id {}, cycle {})", rule, addr, id, cycle_));
    }

    void check_stable() const {
        if (ar_prev_.valid && !(ar_ == ar_prev_))
            violation(ar_.valid ? "AR payload changed before ARREADY" : "ARVALID dropped before ARREADY", ar_prev_.addr,
                      ar_prev_.id);
        if (aw_prev_.valid && !(aw_ == aw_prev_))
            violation(aw_.valid ? "AW payload changed before AWREADY" : "AWVALID dropped before AWREADY", aw_prev_.addr,
                      aw_prev_.id);
        if (w_prev_.valid && !(w_ == w_prev_)) {
            auto const addr = w_pending_.empty() ? 0 : beat_addr(w_pending_.front().a, w_pending_.front().beat);
            violation(w_.valid ? "W payload changed before WREADY" : "WVALID dropped before WREADY", addr,
                      w_pending_.empty() ? 0 : w_pending_.front().a.id);
        }
    }

    void check_addr(AddrSnap const& a) const {
        if (!cfg_.check) return;
        if ((std::size_t{1} << a.size) > DataBytes)
            violation(fmt::format("AxSIZE {} ({} bytes) wider than the {}-byte bus", a.size, 1u << a.size, DataBytes),
                      a.addr, a.id);
        if (a.burst != axi4::burst_incr)
            violation(fmt::format("AxBURST {} unsupported (INCR only)", a.burst), a.addr, a.id);
        std::uint64_t const size = std::uint64_t{1} << a.size;
        std::uint64_t const last = (a.addr & ~(size - 1)) + std::uint64_t{a.len + 1} * size - 1;
        if ((a.addr >> 12) != (last >> 12))
            violation(fmt::format("INCR burst of {} beats x {} bytes crosses a 4 KiB boundary", a.len + 1, size),
                      a.addr, a.id);
    }

    // Address of beat n: the start address for beat 0, then size-aligned steps (INCR).
    static std::uint64_t beat_addr(AddrSnap const& a, std::uint32_t n) {
        std::uint64_t const size = std::uint64_t{1} << a.size;
        return n == 0 ? a.addr : (a.addr & ~(size - 1)) + std::uint64_t{n} * size;
    }
    // Bytes [lo, hi) the beat transfers.
    static std::pair<std::uint64_t, std::uint64_t> beat_span(AddrSnap const& a, std::uint32_t n) {
        std::uint64_t const size = std::uint64_t{1} << a.size;
        std::uint64_t const lo = beat_addr(a, n);
        return {lo, (lo & ~(size - 1)) + size};
    }

    std::uint8_t decide_resp(AddrSnap const& a, bool write) {
        std::uint64_t const size = std::uint64_t{1} << a.size;
        std::uint64_t const lo = a.addr & ~(size - 1);
        std::uint64_t const hi = lo + std::uint64_t{a.len + 1} * size;
        for (auto const& r : cfg_.error_ranges)
            if (lo < r.end && r.begin < hi) return r.resp;
        if (cfg_.error_probability > 0.0 && unit_draw(rng_) < cfg_.error_probability) return cfg_.error_resp;
        if (cfg_.error_hook && cfg_.error_hook(write, lo, hi)) return cfg_.error_resp;
        return axi4::resp_okay;
    }

    std::uint64_t draw_latency(Latency l) { return range_draw(rng_, l.min_cycles, l.max_cycles); }

    static void count_in(std::map<std::uint32_t, std::size_t>& now, std::map<std::uint32_t, std::size_t>& max,
                         std::uint32_t id) {
        auto const n = ++now[id];
        auto& m = max[id];
        if (n > m) m = n;
    }

    void accept_read() {
        check_addr(ar_);
        Txn t;
        t.seq = next_seq_++;
        t.a = ar_;
        t.resp = decide_resp(ar_, false);
        t.accept_cycle = cycle_;
        t.ready_cycle = cycle_ + 1 + draw_latency(cfg_.read_latency);
        reads_.push_back(t);
        stats_.max_reads_in_flight = std::max(stats_.max_reads_in_flight, reads_.size());
        count_in(in_flight_reads_by_id_, stats_.max_reads_in_flight_by_id, ar_.id);
    }

    void accept_write() {
        check_addr(aw_);
        Txn t;
        t.seq = next_seq_++;
        t.a = aw_;
        t.resp = decide_resp(aw_, true);
        t.accept_cycle = cycle_;
        w_pending_.push_back(t);
        stats_.max_writes_in_flight = std::max(stats_.max_writes_in_flight, writes_in_flight());
        count_in(in_flight_writes_by_id_, stats_.max_writes_in_flight_by_id, aw_.id);
    }

    void accept_write_beat() {
        Txn& t = w_pending_.front();
        bool const last = t.beat == t.a.len;
        auto const [lo, hi] = beat_span(t.a, t.beat);
        if (cfg_.check && w_.last != last)
            violation(
                fmt::format("WLAST {} on beat {} of a {}-beat burst", w_.last ? "set" : "missing", t.beat, t.a.len + 1),
                lo, t.a.id);
        std::size_t const lane0 = lo % DataBytes;
        std::size_t const lanes = hi - lo;
        if (!write_whole_beat(lo, lane0, lanes, t.resp == axi4::resp_okay))
            write_strobed_lanes(lo, lane0, lanes, t.a.id, t.resp == axi4::resp_okay);
        ++stats_.write_beats;
        ++t.beat;
        if (last) {
            t.ready_cycle = cycle_ + 1 + draw_latency(cfg_.write_latency);
            b_pending_.push_back(t);
            w_pending_.erase(w_pending_.begin());
        }
    }

    // The common beat: every lane of [lane0, lane0 + lanes) strobed and no other. Writes it (when
    // `store`) and returns true; false leaves the beat to write_strobed_lanes().
    bool write_whole_beat(std::uint64_t lo, std::size_t lane0, std::size_t lanes, bool store) {
        if constexpr (strb_bytes > 8) {
            return false;
        } else {
            std::uint64_t strb = 0;
            std::memcpy(&strb, w_.strb.data(), strb_bytes);
            std::uint64_t const beat = (lanes >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << lanes) - 1) << lane0;
            if (strb != beat) return false;
            if (store) write_memory(lo, std::span(w_.data.data() + lane0, lanes));
            return true;
        }
    }

    // Any other beat, lane by lane: checks WSTRB against the beat's bytes (with `check`) and
    // writes each run of strobed lanes in one go (when `store`).
    void write_strobed_lanes(std::uint64_t lo, std::size_t lane0, std::size_t lanes, std::uint32_t id, bool store) {
        auto strobe = [&](std::size_t lane) { return (w_.strb[lane / 8] >> (lane % 8)) & 1u; };
        if (cfg_.check) {
            for (std::size_t lane = 0; lane < DataBytes; ++lane)
                if (strobe(lane) && (lane < lane0 || lane >= lane0 + lanes))
                    violation(fmt::format("WSTRB lane {} outside the beat's bytes", lane), lo, id);
        }
        if (!store) return;
        std::size_t lane = lane0;
        while (lane < lane0 + lanes) {
            if (!strobe(lane)) {
                ++lane;
                continue;
            }
            std::size_t end = lane;
            while (end < lane0 + lanes && strobe(end)) ++end;
            write_memory(lo - lane0 + lane, std::span(w_.data.data() + lane, end - lane));
            lane = end;
        }
    }

    void write_memory(std::uint64_t addr, std::span<std::uint8_t const> bytes) {
        if (view_) [[unlikely]]
            view_->before_write(addr, bytes.size());
        mem_.write(addr, bytes);
    }

    // Index into `list` of the transaction to answer next, or -1. Only the oldest transaction
    // of each ID is a candidate (in order within an ID).
    long pick(std::vector<Txn> const& list) {
        if (list.empty()) return -1;
        candidates_.clear();
        seen_ids_.clear();
        for (std::size_t i = 0; i < list.size(); ++i) {
            auto const id = list[i].a.id;
            if (std::find(seen_ids_.begin(), seen_ids_.end(), id) != seen_ids_.end()) continue;
            seen_ids_.push_back(id);
            if (list[i].ready_cycle <= cycle_) {
                candidates_.push_back(i);
                if (!cfg_.reorder) break;
            }
        }
        if (candidates_.empty()) return -1;
        if (!cfg_.reorder || candidates_.size() == 1) return static_cast<long>(candidates_.front());
        return static_cast<long>(candidates_[rng_() % candidates_.size()]);
    }

    void offer_read() {
        long idx = -1;
        if (!cfg_.interleave_reads || !cfg_.reorder) {  // finish the (last) burst in progress
            std::size_t seen = 0;
            for (std::size_t i = 0; i < reads_.size() && seen < reads_started_; ++i)
                if (reads_[i].beat > 0) {
                    idx = static_cast<long>(i);
                    ++seen;
                }
        }
        if (idx < 0) idx = pick(reads_);
        if (idx < 0) return;
        Txn const& t = reads_[static_cast<std::size_t>(idx)];
        r_seq_ = t.seq;
        Beat data{};
        if (t.resp == axi4::resp_okay) {
            auto const [lo, hi] = beat_span(t.a, t.beat);
            std::span const bytes(data.data() + lo % DataBytes, hi - lo);
            mem_.read(lo, bytes);
            if (view_) [[unlikely]]
                view_->after_read(lo, bytes);
        }
        port_.rid.set(t.a.id);
        port_.rdata.write_bytes(0, data);
        port_.rresp.set(t.resp);
        port_.rlast.set(t.beat == t.a.len);
        r_valid_ = true;
    }

    void complete_read_beat() {
        auto it = std::find_if(reads_.begin(), reads_.end(), [&](Txn const& t) { return t.seq == r_seq_; });
        ++stats_.read_beats;
        r_valid_ = false;
        if (it->beat == 0) ++reads_started_;
        if (it->beat++ < it->a.len) return;
        --reads_started_;
        ++stats_.read_bursts;
        if (it->resp != axi4::resp_okay) ++stats_.error_bursts;
        --in_flight_reads_by_id_[it->a.id];
        Axi4Burst const b = to_burst(*it, false);
        reads_.erase(it);
        if (on_read_burst) on_read_burst(b);
    }

    void offer_write_response() {
        long const idx = pick(b_pending_);
        if (idx < 0) return;
        Txn const& t = b_pending_[static_cast<std::size_t>(idx)];
        b_seq_ = t.seq;
        port_.bid.set(t.a.id);
        port_.bresp.set(t.resp);
        b_valid_ = true;
    }

    void complete_write_response() {
        auto it = std::find_if(b_pending_.begin(), b_pending_.end(), [&](Txn const& t) { return t.seq == b_seq_; });
        b_valid_ = false;
        ++stats_.write_bursts;
        if (it->resp != axi4::resp_okay) ++stats_.error_bursts;
        --in_flight_writes_by_id_[it->a.id];
        Axi4Burst const b = to_burst(*it, true);
        b_pending_.erase(it);
        if (on_write_burst) on_write_burst(b);
    }

    Axi4Burst to_burst(Txn const& t, bool write) const {
        return Axi4Burst{write,     t.a.id, t.a.addr,       t.a.len + 1, 1u << t.a.size,
                         t.a.burst, t.resp, t.accept_cycle, cycle_};
    }

    void drive_idle() {
        port_.arready.set(0);
        port_.awready.set(0);
        port_.wready.set(0);
        port_.rvalid.set(0);
        port_.bvalid.set(0);
    }

    Axi4Port port_;
    SparseMemory& mem_;
    DmaMemoryView* view_ = nullptr;
    std::mt19937_64& rng_;
    Axi4SlaveMemConfig cfg_;
    Axi4SlaveStats stats_;
    std::uint64_t cycle_ = 0;
    std::uint64_t next_seq_ = 0;

    // sampled in drive()
    AddrSnap ar_, aw_;
    WSnap w_;
    bool rready_ = false, bready_ = false;
    // owed payloads from the previous cycle (valid = stalled)
    AddrSnap ar_prev_, aw_prev_;
    WSnap w_prev_;
    // driven in drive()
    bool arready_ = false, awready_ = false, wready_ = false;
    bool r_valid_ = false, b_valid_ = false;
    std::uint64_t r_seq_ = 0, b_seq_ = 0;

    std::vector<Txn> reads_;         // accepted, not fully answered, in acceptance order
    std::size_t reads_started_ = 0;  // of reads_, those with beats answered (beat > 0)
    std::vector<Txn> w_pending_;     // AW accepted, W incomplete, in AW order
    std::vector<Txn> b_pending_;     // W complete, B not yet handshaken
    std::map<std::uint32_t, std::size_t> in_flight_reads_by_id_, in_flight_writes_by_id_;
    std::vector<std::size_t> candidates_;
    std::vector<std::uint32_t> seen_ids_;
};

}  // namespace nicsim::bfm
