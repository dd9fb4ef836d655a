// DmaClientMemory: the memory behind nic_dma's client interface, for the block tests of the
// engines that are its clients (nic_tx_engine, nic_rx_engine). In nic_top an engine's read and
// write client ports reach host memory through nic_dma and the AXI4 slave; here one model stands
// for both and answers each client port straight from a SparseMemory, with the knobs of
// Axi4SlaveMem: a latency per request, random stalls per channel, errors on chosen requests. It
// checks the client's side of the interface as it goes (docs/rtl-architecture.md, "Internal DMA
// client interface") and throws DmaClientProtocolError naming the port, the cycle and the rule.
//
// Stepping: drive() sets the ports' inputs for the cycle, sample() records the cycle's
// handshakes from the ports as they are settled before the clock edge:
//     mem.drive(); bench.settle(); mem.sample(); bench.edge();
// Not the two phases of the other models here (observe() after the edge, the master's outputs
// sampled in drive()): an engine's ready may follow its valid input combinationally
// (nic_tx_engine's desc_rd_resp_ready at 64 bits does), which only a settled model shows.
// sample() writes no input, so the edge sees exactly the handshakes it recorded.
//
// Behaviour per port, as nic_dma shows it to a client:
// - Reads: a request is taken while fewer than max_in_flight of the port are in flight (and
//   req_pause allows). Its first beat may be offered `latency` cycles after the handshake cycle
//   plus one, then its beats in order, beat-aligned (the byte at address A on lane A % DataBytes),
//   resp_last on the last. Lanes outside the request, and every lane of an error beat, carry a
//   junk pattern (0xA5 ^ lane ^ beat), never memory: a client that uses them shows it. A port's
//   requests are answered in order; an offered beat stays until resp_ready.
// - Writes: wr_data_ready only for a request already taken, beats in request order; each beat is
//   written at its handshake, strobes honoured. One resp_valid pulse per request, `latency`
//   cycles after its last beat's cycle plus one, in request order.
// - Errors: a request overlapping an error range, drawn by error_probability or chosen by
//   error_hook gets resp_err on every beat (reads; junk data) or on its pulse (writes; nothing of
//   it is written): what nic_dma shows when the AXI slave answers SLVERR/DECERR.
// - Shared channels (DmaClientMemoryConfig): nic_dma has one R and one W channel for all its
//   clients. shared_read_data offers one beat at a time over every read port (round-robin; a
//   beat not taken holds the channel); shared_write_data takes write beats one request at a time
//   over every write port, in request order (nic_dma's W order queue). Off by default.
// - Randomness: one std::mt19937_64 the caller owns and seeds; pauses draw only when enabled.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <span>
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

/// Pointers to one read port of nic_dma's client interface, named as the client sees them.
/// of_desc_rd() and of_data_rd() bind the names nicsim's engines use (`desc_rd_req_valid`, ...);
/// fill the fields by hand for other names.
struct DmaReadPort {
    SigRef req_valid, req_ready, req_addr, req_len;
    SigRef resp_valid, resp_ready, resp_data, resp_last, resp_err;

    template <class Top>
    static DmaReadPort of_desc_rd(Top& t) {
        DmaReadPort p;
        p.req_valid = t.desc_rd_req_valid;
        p.req_ready = t.desc_rd_req_ready;
        p.req_addr = t.desc_rd_req_addr;
        p.req_len = t.desc_rd_req_len;
        p.resp_valid = t.desc_rd_resp_valid;
        p.resp_ready = t.desc_rd_resp_ready;
        p.resp_data = t.desc_rd_resp_data;
        p.resp_last = t.desc_rd_resp_last;
        p.resp_err = t.desc_rd_resp_err;
        return p;
    }
    template <class Top>
    static DmaReadPort of_data_rd(Top& t) {
        DmaReadPort p;
        p.req_valid = t.data_rd_req_valid;
        p.req_ready = t.data_rd_req_ready;
        p.req_addr = t.data_rd_req_addr;
        p.req_len = t.data_rd_req_len;
        p.resp_valid = t.data_rd_resp_valid;
        p.resp_ready = t.data_rd_resp_ready;
        p.resp_data = t.data_rd_resp_data;
        p.resp_last = t.data_rd_resp_last;
        p.resp_err = t.data_rd_resp_err;
        return p;
    }
};

/// Pointers to one write port of nic_dma's client interface. of_cpl_wr() and of_data_wr() bind
/// the names nicsim's engines use (`cpl_wr_req_valid`, ...); fill the fields by hand for others.
struct DmaWritePort {
    SigRef req_valid, req_ready, req_addr, req_len;
    SigRef data_valid, data_ready, data, data_strb, data_last;
    SigRef resp_valid, resp_err;

    template <class Top>
    static DmaWritePort of_cpl_wr(Top& t) {
        DmaWritePort p;
        p.req_valid = t.cpl_wr_req_valid;
        p.req_ready = t.cpl_wr_req_ready;
        p.req_addr = t.cpl_wr_req_addr;
        p.req_len = t.cpl_wr_req_len;
        p.data_valid = t.cpl_wr_data_valid;
        p.data_ready = t.cpl_wr_data_ready;
        p.data = t.cpl_wr_data;
        p.data_strb = t.cpl_wr_data_strb;
        p.data_last = t.cpl_wr_data_last;
        p.resp_valid = t.cpl_wr_resp_valid;
        p.resp_err = t.cpl_wr_resp_err;
        return p;
    }
    template <class Top>
    static DmaWritePort of_data_wr(Top& t) {
        DmaWritePort p;
        p.req_valid = t.data_wr_req_valid;
        p.req_ready = t.data_wr_req_ready;
        p.req_addr = t.data_wr_req_addr;
        p.req_len = t.data_wr_req_len;
        p.data_valid = t.data_wr_data_valid;
        p.data_ready = t.data_wr_data_ready;
        p.data = t.data_wr_data;
        p.data_strb = t.data_wr_data_strb;
        p.data_last = t.data_wr_data_last;
        p.resp_valid = t.data_wr_resp_valid;
        p.resp_err = t.data_wr_resp_err;
        return p;
    }
};

/// Bytes [begin, end).
struct AddressRange {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    bool overlaps(std::uint64_t lo, std::uint64_t hi) const noexcept { return lo < end && begin < hi; }
};

/// One request of a client, as the hooks see it.
struct DmaRequest {
    std::string_view port;  // the name the port was added with
    bool write = false;
    std::uint64_t addr = 0;
    std::uint32_t len = 0;    // bytes as asked (0 is a protocol violation, served as 1 byte)
    std::uint32_t beats = 0;  // ceil((addr % DataBytes + len) / DataBytes)
    std::uint64_t index = 0;  // requests the port made before this one
    bool err = false;         // answered with an error (decided at the handshake)
    std::uint64_t accept_cycle = 0;
    std::uint64_t first_beat_cycle = 0;  // read: first response beat taken; write: first data beat
    std::uint64_t done_cycle = 0;        // read: last beat taken; write: the response pulse
};

/// The knobs of one port (a read port or a write port).
struct DmaClientConfig {
    Latency latency;                         // read: handshake -> first beat; write: last data beat -> response
    PauseGenerator req_pause;                // req_ready held low
    PauseGenerator data_pause;               // read: a beat that is due not yet offered; write: wr_data_ready held low
    std::size_t max_in_flight = 256;         // requests taken and not finished (nic_top's DMA_MAX_BURSTS)
    std::vector<AddressRange> error_ranges;  // requests overlapping one are answered with an error
    double error_probability = 0.0;          // per request, in addition to the ranges
    // Asked for every request the ranges and the probability left alone: true answers it with
    // an error (targeted fault injection: "the third completion write").
    std::function<bool(DmaRequest const&)> error_hook;
    // Writes: every byte of a request must be strobed. Stricter than the interface (which only
    // forbids strobes outside the request); nicsim's engines always write whole requests.
    bool exact_strobes = false;
    bool check = true;  // throw DmaClientProtocolError when the client breaks a rule

    /// The same stall probability on the port's request and data channels.
    void set_all_pauses(double probability) {
        req_pause.set_probability(probability);
        data_pause.set_probability(probability);
    }
};

/// What the ports share, as nic_dma's AXI channels do (see the header comment).
struct DmaClientMemoryConfig {
    bool shared_read_data = false;   // one response beat at a time over every read port
    bool shared_write_data = false;  // write beats one request at a time, in request order, over every write port
};

struct DmaClientStats {
    std::uint64_t requests = 0;  // taken
    std::uint64_t beats = 0;     // response beats (read) or data beats (write) taken
    std::uint64_t error_requests = 0;
    std::size_t max_in_flight = 0;
};

class DmaClientProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

template <std::size_t DataBytes>
class DmaClientMemory {
    static_assert(DataBytes >= 1 && (DataBytes & (DataBytes - 1)) == 0 && DataBytes <= 128,
                  "the data bus is a power of two bytes wide, at most 1024 bits");
    static constexpr std::size_t strb_bytes = (DataBytes + 7) / 8;

public:
    using Beat = std::array<std::uint8_t, DataBytes>;

    /// One port served. Its knobs may change between cycles (config()).
    class Client {
    public:
        std::string const& name() const noexcept { return name_; }
        bool writes() const noexcept { return write_; }
        DmaClientConfig& config() noexcept { return cfg_; }
        DmaClientStats const& stats() const noexcept { return stats_; }
        /// Requests taken and not finished (read: last beat not taken; write: no response yet).
        std::size_t in_flight() const noexcept { return active_.size() + responses_.size(); }
        bool idle() const noexcept { return in_flight() == 0; }

        std::function<void(DmaRequest const&)> on_request;  // at the request handshake, error decided
        std::function<void(DmaRequest const&)> on_done;     // read: last beat taken; write: response pulse

    private:
        friend class DmaClientMemory;
        struct ReqSnap {
            bool valid = false;
            std::uint64_t addr = 0;
            std::uint64_t len = 0;
            bool operator==(ReqSnap const&) const = default;
        };
        struct DataSnap {
            bool valid = false;
            Beat data{};
            std::array<std::uint8_t, strb_bytes> strb{};
            bool last = false;
            bool operator==(DataSnap const&) const = default;
        };
        struct Txn {
            DmaRequest r;
            std::uint64_t ready_cycle = 0;  // read: first beat may be offered; write: response due
            std::uint32_t beat = 0;         // next beat
        };

        Client(std::string name, bool write, DmaReadPort rd, DmaWritePort wr, DmaClientConfig cfg)
            : name_(std::move(name)), write_(write), rd_(rd), wr_(wr), cfg_(std::move(cfg)) {}

        std::string name_;
        bool write_;
        DmaReadPort rd_;
        DmaWritePort wr_;
        DmaClientConfig cfg_;
        DmaClientStats stats_;
        std::deque<Txn> active_;     // read: taken, beats left; write: taken, data beats left
        std::deque<Txn> responses_;  // write: every beat in, response pulse not given yet
        // driven in drive()
        bool req_ready_ = false;
        bool presenting_ = false;  // read: a beat offered, not taken
        bool data_ready_ = false;  // write
        bool resp_now_ = false;    // write: the response pulse of this cycle
        std::uint64_t last_due_ = 0;
        // owed from the previous cycle (valid = offered and not taken)
        ReqSnap req_prev_;
        std::uint64_t req_since_ = 0;
        DataSnap data_prev_;
        DataSnap data_now_;
    };

    DmaClientMemory(SparseMemory& memory, std::mt19937_64& rng, DmaClientMemoryConfig config = {})
        : mem_(memory), rng_(rng), cfg_(config) {}
    DmaClientMemory(DmaClientMemory const&) = delete;
    DmaClientMemory& operator=(DmaClientMemory const&) = delete;

    /// Serve the read port `port`; `name` names it in violations and hooks. Drives it idle.
    Client& add_read_client(std::string name, DmaReadPort port, DmaClientConfig config = {}) {
        if (port.resp_data.size_bytes() < DataBytes)
            throw std::invalid_argument(fmt::format("DmaClientMemory<{}>: {}'s resp_data holds {} bytes", DataBytes,
                                                    name, port.resp_data.size_bytes()));
        clients_.push_back(std::unique_ptr<Client>(new Client(std::move(name), false, port, {}, std::move(config))));
        reads_.push_back(clients_.back().get());
        drive_idle(*clients_.back());
        return *clients_.back();
    }
    /// Serve the write port `port`; `name` names it in violations and hooks. Drives it idle.
    Client& add_write_client(std::string name, DmaWritePort port, DmaClientConfig config = {}) {
        if (port.data.size_bytes() < DataBytes)
            throw std::invalid_argument(
                fmt::format("DmaClientMemory<{}>: {}'s data holds {} bytes", DataBytes, name, port.data.size_bytes()));
        clients_.push_back(std::unique_ptr<Client>(new Client(std::move(name), true, {}, port, std::move(config))));
        writes_.push_back(clients_.back().get());
        drive_idle(*clients_.back());
        return *clients_.back();
    }

    DmaClientMemoryConfig& config() noexcept { return cfg_; }
    SparseMemory& memory() noexcept { return mem_; }
    /// The view between memory and the clients (not owned; nullptr: memory as it is).
    void set_view(DmaMemoryView* view) noexcept { view_ = view; }

    /// The cycle sample() records next, which violations name. Counts sample() calls from 0; a
    /// harness that clocked its model without this memory (through reset) sets the model's count.
    std::uint64_t cycle() const noexcept { return cycle_; }
    void set_cycle(std::uint64_t cycle) noexcept { cycle_ = cycle; }

    /// Nothing in flight on any port.
    bool idle() const noexcept {
        return std::all_of(clients_.begin(), clients_.end(), [](auto const& c) { return c->idle(); });
    }

    /// Forget every request and drive every port idle (call while the model is in reset).
    void reset() {
        for (auto& c : clients_) {
            c->active_.clear();
            c->responses_.clear();
            c->req_ready_ = c->presenting_ = c->data_ready_ = c->resp_now_ = false;
            c->last_due_ = 0;
            c->req_prev_ = {};
            c->data_prev_ = {};
            drive_idle(*c);
        }
        w_order_.clear();
    }

    /// Before settle(): every port's inputs for this cycle, from the model's state and its draws.
    void drive() {
        for (auto& c : clients_) {
            c->req_ready_ = c->in_flight() < c->cfg_.max_in_flight && !c->cfg_.req_pause.pause(rng_);
            if (c->write_)
                drive_write(*c);
            else
                drive_read(*c);
        }
        if (cfg_.shared_read_data) offer_shared_read();
        for (Client* c : reads_) {
            c->rd_.resp_valid.set(c->presenting_);
            if (!c->presenting_) {
                c->rd_.resp_last.set(0);
                c->rd_.resp_err.set(0);
            }
        }
    }

    /// After settle(), before the edge: the cycle's handshakes, checked; no input is written.
    void sample() {
        for (auto& c : clients_) {
            sample_request(*c);
            if (c->write_)
                sample_write(*c);
            else
                sample_read(*c);
        }
        ++cycle_;
    }

private:
    using Txn = typename Client::Txn;

    static std::uint64_t align_down(std::uint64_t a) noexcept { return a & ~std::uint64_t{DataBytes - 1}; }

    [[noreturn]] void violation(Client const& c, std::string_view rule) const {
        throw DmaClientProtocolError(
            fmt::format("nic_dma client rule broken on port {} at cycle {}: {}", c.name_, cycle_, rule));
    }

    void drive_idle(Client& c) {
        if (c.write_) {
            c.wr_.req_ready.set(0);
            c.wr_.data_ready.set(0);
            c.wr_.resp_valid.set(0);
            c.wr_.resp_err.set(0);
        } else {
            c.rd_.req_ready.set(0);
            c.rd_.resp_valid.set(0);
            c.rd_.resp_last.set(0);
            c.rd_.resp_err.set(0);
        }
    }

    // ---- drive ----

    void drive_read(Client& c) {
        c.rd_.req_ready.set(c.req_ready_);
        if (cfg_.shared_read_data || c.presenting_) return;
        if (due(c) && !c.cfg_.data_pause.pause(rng_)) offer_beat(c);
    }

    bool due(Client const& c) const { return !c.active_.empty() && c.active_.front().ready_cycle <= cycle_; }

    // One beat over every read port: none while one is offered; else the next port after the last
    // served whose oldest request is due (its data_pause may hold the channel this cycle).
    void offer_shared_read() {
        if (reads_.empty()) return;
        for (Client const* c : reads_)
            if (c->presenting_) return;
        for (std::size_t k = 1; k <= reads_.size(); ++k) {
            std::size_t const i = (read_turn_ + k) % reads_.size();
            if (!due(*reads_[i])) continue;
            if (!reads_[i]->cfg_.data_pause.pause(rng_)) {
                offer_beat(*reads_[i]);
                read_turn_ = i;
            }
            return;
        }
    }

    void offer_beat(Client& c) {
        Txn const& t = c.active_.front();
        std::uint64_t const beat_lo = align_down(t.r.addr) + std::uint64_t{t.beat} * DataBytes;
        Beat data;
        for (std::size_t lane = 0; lane < DataBytes; ++lane)
            data[lane] = static_cast<std::uint8_t>(0xA5u ^ lane ^ t.beat);
        if (!t.r.err) {
            auto const [lo, hi] = request_bytes_in_beat(t.r, beat_lo);
            std::span const bytes(data.data() + (lo - beat_lo), hi - lo);
            mem_.read(lo, bytes);
            if (view_) [[unlikely]]
                view_->after_read(lo, bytes);
        }
        c.rd_.resp_data.write_bytes(0, data);
        c.rd_.resp_last.set(t.beat + 1 == t.r.beats);
        c.rd_.resp_err.set(t.r.err);
        c.presenting_ = true;
    }

    void drive_write(Client& c) {
        c.wr_.req_ready.set(c.req_ready_);
        bool const has_beats =
            cfg_.shared_write_data ? !w_order_.empty() && w_order_.front() == &c : !c.active_.empty();
        c.data_ready_ = has_beats && !c.cfg_.data_pause.pause(rng_);
        c.wr_.data_ready.set(c.data_ready_);
        c.resp_now_ = !c.responses_.empty() && c.responses_.front().ready_cycle <= cycle_;
        c.wr_.resp_valid.set(c.resp_now_);
        c.wr_.resp_err.set(c.resp_now_ && c.responses_.front().r.err);
    }

    // ---- sample ----

    // The request channel of either kind: the hold rules, then the handshake.
    void sample_request(Client& c) {
        SigRef const& valid = c.write_ ? c.wr_.req_valid : c.rd_.req_valid;
        typename Client::ReqSnap now;
        now.valid = valid.high();
        if (now.valid) {
            now.addr = (c.write_ ? c.wr_.req_addr : c.rd_.req_addr).get();
            now.len = (c.write_ ? c.wr_.req_len : c.rd_.req_len).get() & 0xFFFF;
        }
        auto const& prev = c.req_prev_;
        if (c.cfg_.check && prev.valid && !(now == prev))
            violation(c, fmt::format("{} before req_ready (request {:#x}+{} offered since cycle {})",
                                     now.valid ? "req_addr/req_len changed" : "req_valid dropped", prev.addr, prev.len,
                                     c.req_since_));
        if (now.valid && !prev.valid) c.req_since_ = cycle_;
        if (now.valid && c.req_ready_) accept(c, now.addr, static_cast<std::uint32_t>(now.len));
        c.req_prev_ = now.valid && !c.req_ready_ ? now : typename Client::ReqSnap{};
    }

    void accept(Client& c, std::uint64_t addr, std::uint32_t len) {
        if (c.cfg_.check) {
            if (len == 0) violation(c, fmt::format("request of 0 bytes at {:#x} (the interface takes 1..65535)", addr));
            if (addr + len < addr)
                violation(c, fmt::format("request {:#x}+{} runs past the top of the address space", addr, len));
        }
        Txn t;
        t.r.port = c.name_;
        t.r.write = c.write_;
        t.r.addr = addr;
        t.r.len = len;
        t.r.beats = static_cast<std::uint32_t>((addr % DataBytes + std::max<std::uint32_t>(len, 1) + DataBytes - 1) /
                                               DataBytes);
        t.r.index = c.stats_.requests;
        t.r.accept_cycle = cycle_;
        t.r.err = decide_error(c, t.r);
        if (!c.write_) t.ready_cycle = cycle_ + 1 + draw_latency(c.cfg_.latency);
        c.active_.push_back(t);
        if (c.write_ && cfg_.shared_write_data) w_order_.push_back(&c);
        ++c.stats_.requests;
        if (t.r.err) ++c.stats_.error_requests;
        c.stats_.max_in_flight = std::max(c.stats_.max_in_flight, c.in_flight());
        if (c.on_request) c.on_request(t.r);
    }

    bool decide_error(Client& c, DmaRequest const& r) {
        std::uint64_t const hi = r.addr + std::max<std::uint32_t>(r.len, 1);
        for (auto const& range : c.cfg_.error_ranges)
            if (range.overlaps(r.addr, hi)) return true;
        if (c.cfg_.error_probability > 0.0 && unit_draw(rng_) < c.cfg_.error_probability) return true;
        return c.cfg_.error_hook && c.cfg_.error_hook(r);
    }

    std::uint64_t draw_latency(Latency l) { return range_draw(rng_, l.min_cycles, l.max_cycles); }

    // Bytes [lo, hi) of request r that the beat starting at beat_lo carries.
    static std::pair<std::uint64_t, std::uint64_t> request_bytes_in_beat(DmaRequest const& r, std::uint64_t beat_lo) {
        std::uint64_t const end = r.addr + std::max<std::uint32_t>(r.len, 1);
        return {std::max(r.addr, beat_lo), std::min(end, beat_lo + DataBytes)};
    }

    void sample_read(Client& c) {
        if (!c.presenting_ || !c.rd_.resp_ready.high()) return;
        c.presenting_ = false;
        Txn& t = c.active_.front();
        if (t.beat == 0) t.r.first_beat_cycle = cycle_;
        ++c.stats_.beats;
        if (++t.beat < t.r.beats) return;
        t.r.done_cycle = cycle_;
        DmaRequest const done = t.r;
        c.active_.pop_front();
        if (c.on_done) c.on_done(done);
    }

    void sample_write(Client& c) {
        auto& now = c.data_now_;
        now.valid = c.wr_.data_valid.high();
        if (now.valid) {
            c.wr_.data.read_bytes(0, now.data);
            c.wr_.data_strb.read_bytes(0, now.strb);
            now.last = c.wr_.data_last.high();
        }
        if (c.cfg_.check) check_data_channel(c);
        if (now.valid && c.data_ready_) take_beat(c);
        if (now.valid && !c.data_ready_)
            c.data_prev_ = now;
        else
            c.data_prev_.valid = false;  // nothing owed: the rest is never read
        if (c.resp_now_) {
            Txn t = c.responses_.front();
            c.responses_.pop_front();
            t.r.done_cycle = cycle_;
            if (c.on_done) c.on_done(t.r);
        }
    }

    void check_data_channel(Client const& c) const {
        auto const& now = c.data_now_;
        auto const& prev = c.data_prev_;
        if (prev.valid && !(now == prev)) {
            auto const where = c.active_.empty() ? std::string{}
                                                 : fmt::format(" (beat {} of request {:#x}+{})", c.active_.front().beat,
                                                               c.active_.front().r.addr, c.active_.front().r.len);
            violation(c,
                      fmt::format("{} before wr_data_ready{}",
                                  now.valid ? "wr_data, wr_data_strb or wr_data_last changed" : "wr_data_valid dropped",
                                  where));
        }
        // Data comes after or with its request: a beat with neither a request taken that still
        // owes beats nor one offered now belongs to no request.
        if (now.valid && c.active_.empty() && !c.wr_.req_valid.high())
            violation(c, "wr_data_valid with no request taken or offered");
    }

    void take_beat(Client& c) {
        auto const& now = c.data_now_;
        Txn& t = c.active_.front();
        std::uint64_t const beat_lo = align_down(t.r.addr) + std::uint64_t{t.beat} * DataBytes;
        auto const [lo, hi] = request_bytes_in_beat(t.r, beat_lo);
        std::size_t const lane0 = lo - beat_lo, lanes = hi - lo;
        bool const last = t.beat + 1 == t.r.beats;
        auto strobe = [&](std::size_t lane) { return ((now.strb[lane / 8] >> (lane % 8)) & 1u) != 0; };
        if (c.cfg_.check) {
            if (now.last != last)
                violation(c, fmt::format("wr_data_last {} on beat {} of the {}-beat request {:#x}+{}",
                                         now.last ? "set" : "missing", t.beat, t.r.beats, t.r.addr, t.r.len));
            for (std::size_t lane = 0; lane < DataBytes; ++lane) {
                bool const inside = lane >= lane0 && lane < lane0 + lanes;
                if (strobe(lane) && !inside)
                    violation(c, fmt::format("wr_data_strb lane {} set outside the request {:#x}+{} (beat {})", lane,
                                             t.r.addr, t.r.len, t.beat));
                if (c.cfg_.exact_strobes && inside && !strobe(lane))
                    violation(c, fmt::format("wr_data_strb lane {} clear inside the request {:#x}+{} (beat {})", lane,
                                             t.r.addr, t.r.len, t.beat));
            }
        }
        if (!t.r.err) {
            std::size_t lane = lane0;
            while (lane < lane0 + lanes) {  // each run of strobed lanes in one write
                if (!strobe(lane)) {
                    ++lane;
                    continue;
                }
                std::size_t end = lane;
                while (end < lane0 + lanes && strobe(end)) ++end;
                std::uint64_t const addr = beat_lo + lane;
                if (view_) [[unlikely]]
                    view_->before_write(addr, end - lane);
                mem_.write(addr, std::span(now.data.data() + lane, end - lane));
                lane = end;
            }
        }
        if (t.beat == 0) t.r.first_beat_cycle = cycle_;
        ++c.stats_.beats;
        if (++t.beat < t.r.beats) return;
        c.last_due_ = std::max(cycle_ + 1 + draw_latency(c.cfg_.latency), c.last_due_);
        t.ready_cycle = c.last_due_;
        c.responses_.push_back(t);
        c.active_.pop_front();
        if (cfg_.shared_write_data) w_order_.pop_front();
    }

    SparseMemory& mem_;
    std::mt19937_64& rng_;
    DmaClientMemoryConfig cfg_;
    DmaMemoryView* view_ = nullptr;
    std::uint64_t cycle_ = 0;
    std::vector<std::unique_ptr<Client>> clients_;  // in the order added: drive() draws in this order
    std::vector<Client*> reads_, writes_;
    std::size_t read_turn_ = 0;          // shared_read_data: the read port served last
    std::deque<Client const*> w_order_;  // shared_write_data: the port of each request owing beats, oldest first
};

}  // namespace nicsim::bfm
