// Unit tests of nic_tx_engine. The harness plays everything around the engine:
//  - the register block (ring configuration, doorbells, resets, in_error following tx_err),
//  - a driver that posts packets (random sizes, 1..16 fragments at random byte alignments,
//    optional IPv4/IPv6 + TCP/UDP checksum requests) and checks completions in host memory,
//  - the DMA client ports, served by the nic_dma client bus model (bfm::DmaClientMemory) from the
//    harness's memory with random latency and stalls; it checks the engine's side of the interface,
//  - the wire, with random back-pressure and AXI-Stream rule checks.
// Frames carry their identity in the destination MAC: byte 0 queue, bytes 1..4 sequence,
// byte 5 epoch (bumped by each queue reset), so the scoreboard knows what to expect.
#include <catch2/catch.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "Vrtl_tx_w512_q1.h"
#include "Vrtl_tx_w512_q4.h"
#include "Vrtl_tx_w64_q1.h"
#include "Vrtl_tx_w64_q4.h"
#include "bfm/dma_client_memory.hpp"
#include "clock/signal_access.hpp"
#include "clock/verilated_model.hpp"

namespace {

using nicsim::sim::get_bit;
using nicsim::sim::get_bits;
using nicsim::sim::get_bytes;
using nicsim::sim::set_bit;
using nicsim::sim::set_bits;

// ---- reference checksums (RFC 1071) ----
std::uint16_t ones_sum(const std::uint8_t* p, std::size_t n, std::uint32_t acc = 0) {
    for (std::size_t i = 0; i + 1 < n; i += 2) acc += (std::uint32_t{p[i]} << 8) | p[i + 1];
    if (n & 1) acc += std::uint32_t{p[n - 1]} << 8;
    while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
    return static_cast<std::uint16_t>(acc);
}

struct CsumReq {
    bool ip = false, l4 = false, udp = false, v6 = false;
    unsigned l3 = 0, l4off = 0;
};

// Fills in the checksum fields the engine is asked to insert.
void apply_checksums(std::vector<std::uint8_t>& f, const CsumReq& c) {
    if (c.ip && !c.v6) {
        const unsigned ihl = (f[c.l3] & 0xF) * 4u;
        f[c.l3 + 10] = f[c.l3 + 11] = 0;
        const std::uint16_t s = static_cast<std::uint16_t>(~ones_sum(&f[c.l3], ihl));
        f[c.l3 + 10] = static_cast<std::uint8_t>(s >> 8);
        f[c.l3 + 11] = static_cast<std::uint8_t>(s);
    }
    if (c.l4) {
        const unsigned fld = c.l4off + (c.udp ? 6 : 16);
        f[fld] = f[fld + 1] = 0;
        // The segment ends where the IP header says the packet does: what follows (padding) is not summed.
        const unsigned length_field = c.v6 ? c.l3 + 4 : c.l3 + 2;
        const unsigned ip_len = (unsigned{f[length_field]} << 8) | f[length_field + 1];
        const unsigned ip_end = c.l3 + (c.v6 ? 40 : 0) + ip_len;
        const std::uint32_t l4len = static_cast<std::uint32_t>(ip_end - c.l4off);
        std::uint32_t acc = c.udp ? 17 : 6;
        acc += l4len;
        acc += c.v6 ? ones_sum(&f[c.l3 + 8], 32) : ones_sum(&f[c.l3 + 12], 8);
        std::uint16_t s = static_cast<std::uint16_t>(~ones_sum(&f[c.l4off], l4len, acc));
        if (c.udp && s == 0) s = 0xFFFF;
        f[fld] = static_cast<std::uint8_t>(s >> 8);
        f[fld + 1] = static_cast<std::uint8_t>(s);
    }
}

// ---- harness ----
constexpr std::uint64_t kMemBytes = 16ull << 20;
constexpr std::uint64_t kDataArena = 4ull << 20;  // data buffers live in [4 MiB, 16 MiB)

struct Knobs {
    int lat_min = 0, lat_max = 0;  // memory latency in cycles (per request)
    int req_ready_pct = 100;       // DMA request ready
    int resp_valid_pct = 100;      // a ready response beat is presented
    int wr_data_ready_pct = 100;
    int tready_pct = 100;  // wire back-pressure
};

// The DMA knobs as the bus model takes them: a latency per request, stall probabilities per channel.
nicsim::bfm::DmaClientConfig dma_config(const Knobs& k, bool write) {
    nicsim::bfm::DmaClientConfig c;
    c.latency =
        nicsim::bfm::Latency::uniform(static_cast<std::uint32_t>(k.lat_min), static_cast<std::uint32_t>(k.lat_max));
    c.req_pause.set_probability((100 - k.req_ready_pct) / 100.0);
    c.data_pause.set_probability((100 - (write ? k.wr_data_ready_pct : k.resp_valid_pct)) / 100.0);
    c.exact_strobes = true;  // a completion write strobes its 16 bytes, no more, no less
    return c;
}

using Range = nicsim::bfm::AddressRange;

struct Frag {
    std::uint64_t addr;
    std::uint32_t len;
};

struct Pkt {
    std::vector<std::uint8_t> frame;  // expected on the wire
    std::vector<Frag> frags;
    std::uint16_t first_desc = 0, last_desc = 0;
    std::uint32_t seq = 0;
    bool on_wire = false;
    CsumReq csum;
};

struct QueueState {
    std::uint64_t ring = 0, cpl_ring = 0;
    unsigned size_log2 = 3;
    bool enable = false;
    std::uint16_t prod = 0;
    std::uint16_t sw_cons = 0;
    std::uint32_t cpl_slot = 0;
    bool phase = true;
    std::uint8_t epoch = 0;
    std::uint32_t next_seq = 0;
    std::deque<Pkt> posted;  // posted, not completed, in order (current epoch)
    std::deque<Pkt> stale;   // posted in an earlier epoch: may still appear on the wire
    bool in_error = false;
    std::uint8_t err_code = 0;
    int err_events = 0;
    std::uint64_t completed = 0, sent = 0, completed_bytes = 0;
    std::uint64_t stale_seen = 0;    // frames of an earlier epoch that reached the wire
    std::uint64_t sent_reports = 0;  // tx_sent events (RING_TAKEN): one per frame that left, any epoch
    unsigned size() const { return 1u << size_log2; }
};

struct Stats {
    std::uint64_t first_desc_req_cycle = 0, first_data_req_cycle = 0, first_cpl_req_cycle = 0;
    std::uint64_t doorbell_cycle = 0, first_desc_resp_cycle = 0, first_last_beat_cycle = 0;
    std::uint64_t wire_beats = 0;
    std::size_t max_rd_outstanding[2] = {0, 0};  // requests accepted, response not finished
};

template <class M, int DW, int NQ>
class Harness {
public:
    static constexpr int B = DW / 8;

    Harness(std::uint64_t seed, Knobs k) : rng_(seed), k_(k), mem_(kMemBytes) {
        for (auto& b : mem_) b = static_cast<std::uint8_t>(rng_());
        host_.map(0, mem_);
        desc_ = &dma_.add_read_client("desc_rd", nicsim::bfm::DmaReadPort::of_desc_rd(*m_), dma_config(k, false));
        data_ = &dma_.add_read_client("data_rd", nicsim::bfm::DmaReadPort::of_data_rd(*m_), dma_config(k, false));
        cpl_ = &dma_.add_write_client("cpl_wr", nicsim::bfm::DmaWritePort::of_cpl_wr(*m_), dma_config(k, true));
        desc_->on_request = [this](const nicsim::bfm::DmaRequest& r) {
            if (!st_.first_desc_req_cycle) st_.first_desc_req_cycle = r.accept_cycle;
            if (r.len % 16 != 0 || r.len == 0 || r.len > 128) fail(fmt::format("descriptor read of {} bytes", r.len));
        };
        desc_->on_done = [this](const nicsim::bfm::DmaRequest& r) {
            if (!st_.first_desc_resp_cycle) st_.first_desc_resp_cycle = r.first_beat_cycle;
        };
        data_->on_request = [this](const nicsim::bfm::DmaRequest& r) {
            if (!st_.first_data_req_cycle) st_.first_data_req_cycle = r.accept_cycle;
        };
        cpl_->on_request = [this](const nicsim::bfm::DmaRequest& r) {
            if (!st_.first_cpl_req_cycle) st_.first_cpl_req_cycle = r.accept_cycle;
            if (r.len != 16) fail(fmt::format("completion write of {} bytes", r.len));
        };
        for (int i = 0; i < 4; ++i) tick();  // in reset since the model was built
        m_->rst_n = 1;
    }
    ~Harness() { m_->final(); }

    // ---- driver side ----
    QueueState& q(int i) { return qs_[i]; }

    void configure(int qi, unsigned size_log2, bool enable = true) {
        auto& s = qs_[qi];
        s.size_log2 = size_log2;
        s.ring = alloc_ring(16u << size_log2);
        s.cpl_ring = alloc_ring(16u << size_log2);
        std::fill(mem_.begin() + static_cast<long>(s.cpl_ring),
                  mem_.begin() + static_cast<long>(s.cpl_ring + (16u << size_log2)), 0);
        s.enable = enable;
    }

    unsigned free_slots(int qi) const {
        const auto& s = qs_[qi];
        const unsigned used = (s.prod - s.sw_cons) & (s.size() - 1);
        return s.size() - 1 - used;
    }

    // Builds a random packet (not yet posted).
    Pkt make_packet(int qi, unsigned len, unsigned nfrags, bool csum) {
        auto& s = qs_[qi];
        Pkt p;
        p.frame.resize(len);
        for (auto& b : p.frame) b = static_cast<std::uint8_t>(rng_());
        p.seq = s.next_seq++;
        p.frame[0] = static_cast<std::uint8_t>(qi);
        for (int i = 0; i < 4; ++i) p.frame[1 + i] = static_cast<std::uint8_t>(p.seq >> (8 * i));
        p.frame[5] = s.epoch;
        CsumReq csum_req{};
        if (csum) {
            CsumReq c;
            const bool vlan = rng_() % 2;
            c.l3 = 14 + (vlan ? 4 : 0) + (rng_() % 3 == 0 ? 1 : 0);  // sometimes odd offsets
            c.v6 = rng_() % 3 == 0;
            c.udp = rng_() % 2;
            c.ip = !c.v6 && rng_() % 4 != 0;
            c.l4 = rng_() % 4 != 0;
            unsigned ihl = c.v6 ? 40 : 4 * (5 + rng_() % 3);
            c.l4off = c.l3 + ihl + (rng_() % 4 == 0 ? 1 : 0);
            if (c.l4off + 20 <= len && c.l4off < 1000) {
                // The IP packet ends with the frame, or now and then earlier: padding or a trailer of
                // random bytes follows, which the engine must leave out of the L4 sum and length.
                unsigned ip_end = len;
                if (rng_() % 4 == 0) ip_end = c.l4off + 20 + static_cast<unsigned>(rng_() % (len - c.l4off - 20 + 1));
                const unsigned length_field = c.v6 ? c.l3 + 4 : c.l3 + 2;
                const unsigned ip_len = c.v6 ? ip_end - c.l3 - 40 : ip_end - c.l3;
                p.frame[length_field] = static_cast<std::uint8_t>(ip_len >> 8);
                p.frame[length_field + 1] = static_cast<std::uint8_t>(ip_len);
                if (!c.v6)
                    p.frame[c.l3] = static_cast<std::uint8_t>(0x40 | (ihl / 4));
                else
                    p.frame[c.l3] = 0x60;
                apply_checksums(p.frame, c);
                csum_req = c;
            }
        }
        // Fragments: random split, each at a random byte alignment.
        nfrags = std::max(1u, std::min(nfrags, len));
        std::vector<unsigned> cuts{0, len};
        while (cuts.size() < nfrags + 1) {
            const unsigned c = 1 + static_cast<unsigned>(rng_() % (len - 1));
            if (std::find(cuts.begin(), cuts.end(), c) == cuts.end()) cuts.push_back(c);
        }
        std::sort(cuts.begin(), cuts.end());
        for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
            const unsigned fl = cuts[i + 1] - cuts[i];
            const std::uint64_t a = alloc_data(fl);
            p.frags.push_back({a, fl});
        }
        p.csum = csum_req;
        return p;
    }

    // Writes the packet's data and descriptors; the doorbell is a separate step.
    // Optional overrides make bad descriptors (len, eop of the last one).
    void post(int qi, Pkt p, std::optional<std::uint16_t> bad_len = {}, bool no_eop = false) {
        auto& s = qs_[qi];
        if (p.frags.size() > free_slots(qi)) fail(fmt::format("test bug: queue {} ring overflow", qi));
        // The frame as posted has garbage in the checksum fields: the engine must ignore them.
        const CsumReq c = p.csum;
        std::vector<std::uint8_t> posted = p.frame;
        if (c.ip) posted[c.l3 + 10] = posted[c.l3 + 11] = 0xEE;
        if (c.l4) {
            const unsigned fld = c.l4off + (c.udp ? 6 : 16);
            posted[fld] = posted[fld + 1] = 0xDD;
        }
        unsigned off = 0;
        p.first_desc = s.prod;
        for (std::size_t i = 0; i < p.frags.size(); ++i) {
            const auto& fr = p.frags[i];
            // Fragments may describe more bytes than the frame has (a length fault's extra fragment):
            // those read as zeros.
            const std::size_t have = off < posted.size() ? std::min<std::size_t>(fr.len, posted.size() - off) : 0;
            std::memcpy(&mem_[fr.addr], posted.data() + off, have);
            std::memset(&mem_[fr.addr] + have, 0, fr.len - have);
            off += fr.len;
            const std::uint64_t d = s.ring + 16u * s.prod;
            put_le(d, fr.addr, 8);
            const bool last = i + 1 == p.frags.size();
            std::uint64_t w1 = (bad_len && last) ? *bad_len : fr.len;
            if (last && !no_eop) w1 |= 1ull << 16;
            if (i == 0) {
                w1 |= std::uint64_t{c.ip} << 17;
                w1 |= std::uint64_t{c.l4} << 18;
                w1 |= std::uint64_t{c.v6} << 19;
                w1 |= std::uint64_t{c.udp} << 20;
                w1 |= std::uint64_t{c.l3} << 32;
                w1 |= std::uint64_t{c.l4off} << 48;
            }
            put_le(d + 8, w1, 8);
            p.last_desc = s.prod;
            s.prod = static_cast<std::uint16_t>((s.prod + 1) & (s.size() - 1));
        }
        s.posted.push_back(std::move(p));
    }

    // Publishes everything posted (and written back any descriptors hidden by doorbell_partial).
    void doorbell(int qi) {
        reveal(qi);
        prod_reg_[qi] = qs_[qi].prod;
    }

    // Rings the doorbell at ring index idx, possibly inside a packet's chain. The descriptors
    // posted from idx on are not published: until the next doorbell their ring slots hold
    // garbage, so reading past the producer index shows up as a wrong frame or an error.
    void doorbell_partial(int qi, std::uint16_t idx) {
        auto& s = qs_[qi];
        reveal(qi);
        for (std::uint16_t i = idx; i != s.prod; i = static_cast<std::uint16_t>((i + 1) & (s.size() - 1))) {
            const std::uint64_t a = s.ring + 16u * i;
            Hidden hd{a, {}};
            std::memcpy(hd.bytes, &mem_[a], 16);
            for (int k = 0; k < 16; ++k) mem_[a + static_cast<std::uint64_t>(k)] = static_cast<std::uint8_t>(rng_());
            hidden_[qi].push_back(hd);
        }
        prod_reg_[qi] = idx;
    }
    bool has_hidden(int qi) const { return !hidden_[qi].empty(); }
    std::uint16_t prod_reg(int qi) const { return prod_reg_[qi]; }
    std::uint16_t hw_cons(int qi) const {
        return static_cast<std::uint16_t>(get_bits(m_->txq_cons, 16 * static_cast<unsigned>(qi), 16));
    }

    void reset_queue(int qi, unsigned new_size_log2) {
        auto& s = qs_[qi];
        reset_pulse_ |= 1u << qi;
        for (auto& p : s.posted) s.stale.push_back(std::move(p));
        s.posted.clear();
        s.prod = 0;
        s.sw_cons = 0;
        s.cpl_slot = 0;
        s.phase = true;
        s.epoch++;
        s.in_error = false;
        s.err_code = 0;
        prod_reg_[qi] = 0;
        hidden_[qi].clear();  // the old ring is abandoned
        // Fresh rings: a completion write issued before the reset may still land in the old one.
        configure(qi, new_size_log2, true);
    }

    // Makes what follows repeatable: the harness's random stream and data buffer alignment.
    void reseed(std::uint64_t seed) {
        rng_.seed(seed);
        data_next_ = (data_next_ + 4095) & ~std::uint64_t{4095};
    }
    // Reads (descriptors and data) or writes (completions) overlapping r are answered with an error.
    void add_rd_error(Range r) {
        desc_->config().error_ranges.push_back(r);
        data_->config().error_ranges.push_back(r);
    }
    void add_wr_error(Range r) { cpl_->config().error_ranges.push_back(r); }
    void clear_errors() {
        for (auto* c : {desc_, data_, cpl_}) c->config().error_ranges.clear();
    }
    std::uint8_t* mem(std::uint64_t a) { return &mem_[a]; }
    std::uint64_t cycle() const { return m_.cycle(); }
    Stats stats() const {
        Stats s = st_;
        s.max_rd_outstanding[0] = desc_->stats().max_in_flight;
        s.max_rd_outstanding[1] = data_->stats().max_in_flight;
        return s;
    }

    // Runs one clock cycle: drive inputs, settle, observe handshakes (the bus model's first), edge.
    void tick() {
        drive();
        m_.settle();
        dma_.sample();
        observe();
        m_.edge();
    }

    // Runs until pred() or the cycle budget is spent; returns pred().
    bool run_until(const std::function<bool()>& pred, std::uint64_t budget) {
        for (std::uint64_t i = 0; i < budget; ++i) {
            if (pred()) return true;
            tick();
        }
        return pred();
    }

    bool all_done(int qi) const { return qs_[qi].posted.empty(); }
    // txq_idle[qi]: nothing of the queue in flight in the engine.
    bool queue_idle(int qi) const { return get_bit(m_->txq_idle, static_cast<unsigned>(qi)); }

    std::vector<std::string> errors;  // scoreboard / protocol failures

private:
    struct Hidden {
        std::uint64_t addr;
        std::uint8_t bytes[16];
    };

    void reveal(int qi) {
        for (const auto& hd : hidden_[qi]) std::memcpy(&mem_[hd.addr], hd.bytes, 16);
        hidden_[qi].clear();
    }

    std::uint64_t alloc_ring(std::uint64_t bytes) {
        const std::uint64_t a = ring_next_;
        ring_next_ += (bytes + 63) & ~63ull;
        if (ring_next_ >= kDataArena) ring_next_ = 4096;  // old rings are long dead by then
        return a;
    }
    std::uint64_t alloc_data(std::uint32_t len) {
        std::uint64_t a = data_next_ + rng_() % 64;
        if (a + len >= kMemBytes) a = kDataArena + rng_() % 64;
        data_next_ = a + len;
        return a;
    }
    void put_le(std::uint64_t a, std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) mem_[a + i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    std::uint64_t get_le(std::uint64_t a, int n) const {
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v |= std::uint64_t{mem_[a + i]} << (8 * i);
        return v;
    }
    bool pct(int p) { return static_cast<int>(rng_() % 100) < p; }

    void fail(std::string s) {
        if (errors.size() < 20) errors.push_back(fmt::format("cycle {}: {}", cycle(), s));
    }

    // Inputs for this cycle (from state only).
    void drive() {
        auto& m = *m_;
        for (int qi = 0; qi < NQ; ++qi) {
            const auto& s = qs_[qi];
            set_bits(m.txq_base, 64 * qi, 64, s.ring);
            set_bits(m.txq_cpl_base, 64 * qi, 64, s.cpl_ring);
            set_bits(m.txq_size_log2, 5 * qi, 5, s.size_log2);
            set_bit(m.txq_enable, qi, s.enable);
            set_bits(m.txq_prod, 16 * qi, 16, prod_reg_[qi]);
            set_bit(m.txq_in_error, qi, in_error_reg_[qi]);
            set_bit(m.txq_reset, qi, (reset_pulse_ >> qi) & 1);
        }
        // The DMA client ports.
        dma_.drive();
        m.m_axis_tx_tready = pct(k_.tready_pct);
    }

    // Handshakes of this cycle (inputs and outputs settled, before the edge), after the bus
    // model's: completions it wrote this cycle are in memory.
    void observe() {
        auto& m = *m_;
        const std::uint32_t reset_now = reset_pulse_;
        reset_pulse_ = 0;
        for (int qi = 0; qi < NQ; ++qi) {
            if ((reset_now >> qi) & 1) in_error_reg_[qi] = false;
        }

        // Wire.
        check_axis();

        // Events.
        if (m.tx_err_valid) {
            const int qi = m.tx_err_queue;
            if (qi >= NQ)
                fail("error event for a queue that does not exist");
            else {
                qs_[qi].err_events++;
                qs_[qi].err_code = m.tx_err_code;
                qs_[qi].in_error = true;
                in_error_reg_[qi] = true;
            }
        }
        // pkt_valid is a register: one in the cycle of the queue's reset pulse was decided before
        // it and belongs to the old epoch (whose packets the harness already forgot).
        if (m.tx_pkt_valid && !(m.tx_pkt_queue < NQ && ((reset_now >> m.tx_pkt_queue) & 1)))
            on_completion(m.tx_pkt_queue, m.tx_pkt_bytes);
        if (m.tx_sent_valid) {
            if (m.tx_sent_queue >= NQ)
                fail("sent report for a queue that does not exist");
            else
                qs_[m.tx_sent_queue].sent_reports++;
        }
    }

    void check_axis() {
        auto& m = *m_;
        std::uint8_t data[B];
        get_bytes(m.m_axis_tx_tdata, data);
        const std::uint64_t keep = get_bits(m.m_axis_tx_tkeep, 0, B);
        if (axis_hold_) {
            if (!m.m_axis_tx_tvalid)
                fail("tvalid dropped under back-pressure");
            else if (std::memcmp(data, axis_data_, B) != 0 || keep != axis_keep_ ||
                     static_cast<bool>(m.m_axis_tx_tlast) != axis_last_)
                fail("AXI-Stream payload changed under back-pressure");
        }
        axis_hold_ = m.m_axis_tx_tvalid && !m.m_axis_tx_tready;
        std::memcpy(axis_data_, data, B);
        axis_keep_ = keep;
        axis_last_ = m.m_axis_tx_tlast;
        if (m.m_axis_tx_tvalid && m.m_axis_tx_tuser) fail("tuser set");
        if (!(m.m_axis_tx_tvalid && m.m_axis_tx_tready)) {
            if (in_frame_ && !m.m_axis_tx_tvalid) engine_bubbles_++;
            return;
        }
        st_.wire_beats++;
        last_valid_cycle_ = cycle();
        const bool last = m.m_axis_tx_tlast;
        // tkeep contiguous from lane 0; all ones unless last.
        const std::uint64_t full = B == 64 ? ~0ull : ((1ull << B) - 1);
        if (!last && keep != full) fail("tkeep not full on a beat before tlast");
        if (keep == 0 || ((keep + 1) & keep) != 0) fail(fmt::format("tkeep {:x} not contiguous", keep));
        for (int i = 0; i < B; ++i)
            if ((keep >> i) & 1) frame_.push_back(data[i]);
        in_frame_ = !last;
        if (last) {
            if (!st_.first_last_beat_cycle) st_.first_last_beat_cycle = cycle();
            on_frame(std::move(frame_));
            frame_.clear();
        }
    }

    void on_frame(std::vector<std::uint8_t> f) {
        if (f.size() < 6) {
            fail("runt frame");
            return;
        }
        const int qi = f[0];
        std::uint32_t seq = 0;
        for (int i = 0; i < 4; ++i) seq |= std::uint32_t{f[1 + i]} << (8 * i);
        if (qi >= NQ) {
            fail(fmt::format("frame of unknown queue {} ({} bytes){}", qi, f.size(), locate(f)));
            return;
        }
        auto& s = qs_[qi];
        if (f[5] != s.epoch) {
            // From before a reset: must still be in order among the stale ones.
            while (!s.stale.empty() && s.stale.front().seq != seq) s.stale.pop_front();
            s.stale_seen++;
            if (s.stale.empty())
                fail(fmt::format("queue {}: unexpected stale frame seq {}", qi, seq));
            else {
                if (s.stale.front().frame != f) fail(fmt::format("queue {}: stale frame seq {} differs", qi, seq));
                s.stale.pop_front();
            }
            return;
        }
        Pkt* p = nullptr;
        for (auto& c : s.posted) {
            if (!c.on_wire) {
                p = &c;
                break;
            }
        }
        if (!p || p->seq != seq) {
            fail(fmt::format("queue {}: frame seq {} out of order (expected {})", qi, seq,
                             p ? static_cast<long>(p->seq) : -1L));
            return;
        }
        if (p->frame != f) {
            std::size_t i = 0;
            while (i < f.size() && i < p->frame.size() && f[i] == p->frame[i]) ++i;
            fail(fmt::format("queue {}: frame seq {} differs at byte {} (len {} vs {})", qi, seq, i, f.size(),
                             p->frame.size()));
        }
        p->on_wire = true;
        s.sent++;
    }

    // Where a stray frame's first bytes come from, for the failure message.
    std::string locate(const std::vector<std::uint8_t>& f) const {
        std::string r;
        for (int qi = 0; qi < NQ; ++qi) {
            for (const auto& p : qs_[qi].posted) {
                for (std::size_t o = 0; o + 16 <= p.frame.size() && f.size() >= 16; ++o) {
                    if (std::memcmp(&p.frame[o], f.data(), 16) == 0) {
                        r += fmt::format("; starts at byte {} of queue {} seq {} (len {}, frags {}, on_wire {})", o, qi,
                                         p.seq, p.frame.size(), p.frags.size(), p.on_wire);
                    }
                }
            }
        }
        return r;
    }

    void on_completion(int qi, unsigned bytes) {
        if (qi >= NQ) {
            fail("completion event of unknown queue");
            return;
        }
        auto& s = qs_[qi];
        if (s.posted.empty()) {
            fail(fmt::format("queue {}: completion with nothing posted", qi));
            return;
        }
        const Pkt& p = s.posted.front();
        if (!p.on_wire) fail(fmt::format("queue {}: completion before the frame left", qi));
        if (bytes != p.frame.size())
            fail(fmt::format("queue {}: completion event bytes {} vs {}", qi, bytes, p.frame.size()));
        const std::uint16_t next = static_cast<std::uint16_t>((p.last_desc + 1) & (s.size() - 1));
        const auto cons = static_cast<std::uint16_t>(get_bits(m_->txq_cons, 16 * static_cast<unsigned>(qi), 16));
        if (cons != next) fail(fmt::format("queue {}: txq_cons {} expected {}", qi, cons, next));
        // The completion record, byte-exact.
        const std::uint64_t a = s.cpl_ring + 16ull * s.cpl_slot;
        const std::uint64_t w0 = get_le(a, 8), w1 = get_le(a + 8, 8);
        const std::uint64_t e0 =
            std::uint64_t{p.last_desc} | (std::uint64_t{p.frags.size()} << 16) | (std::uint64_t{p.frame.size()} << 32);
        const std::uint64_t e1 = std::uint64_t{s.phase} << 63;
        if (w0 != e0 || w1 != e1)
            fail(fmt::format("queue {}: completion slot {} = {:016x}_{:016x}, expected {:016x}_{:016x}", qi, s.cpl_slot,
                             w1, w0, e1, e0));
        s.completed++;
        s.completed_bytes += bytes;
        s.sw_cons = next;
        if (++s.cpl_slot == s.size()) {
            s.cpl_slot = 0;
            s.phase = !s.phase;
        }
        s.posted.pop_front();
    }

    std::mt19937_64 rng_;
    Knobs k_;
    std::vector<std::uint8_t> mem_;
    nicsim::sim::ModelBench<M> m_;
    // The DMA side: the harness's memory as host memory, the engine's three client ports on it.
    nicsim::bfm::SparseMemory host_;
    nicsim::bfm::DmaClientMemory<B> dma_{host_, rng_};
    typename nicsim::bfm::DmaClientMemory<B>::Client* desc_ = nullptr;
    typename nicsim::bfm::DmaClientMemory<B>::Client* data_ = nullptr;
    typename nicsim::bfm::DmaClientMemory<B>::Client* cpl_ = nullptr;
    QueueState qs_[NQ];
    std::uint16_t prod_reg_[NQ] = {};
    std::vector<Hidden> hidden_[NQ];
    bool in_error_reg_[NQ] = {};
    std::uint32_t reset_pulse_ = 0;
    bool axis_hold_ = false, axis_last_ = false, in_frame_ = false, last_beat_taken_ = false;
    std::uint8_t axis_data_[B] = {};
    std::uint64_t axis_keep_ = 0, last_valid_cycle_ = 0, engine_bubbles_ = 0;
    std::vector<std::uint8_t> frame_;
    std::uint64_t ring_next_ = 4096, data_next_ = kDataArena;
    Stats st_;
};

std::string replay() {
    return fmt::format("replay: {} --rng-seed {}", NICSIM_TEST_EXE, Catch::rngSeed());
}

template <class H>
void require_clean(const H& h) {
    for (const auto& e : h.errors) UNSCOPED_INFO(e);
    REQUIRE(h.errors.empty());
}

// A random packet for queue qi: 60..max_len bytes, 1..16 fragments.
template <class H>
Pkt random_packet(H& h, std::mt19937_64& rng, int qi, unsigned max_len, unsigned frags) {
    unsigned len;
    switch (rng() % 4) {
    case 0: len = 60 + static_cast<unsigned>(rng() % 40); break;
    case 1: len = 60 + static_cast<unsigned>(rng() % 1500); break;
    default: len = 60 + static_cast<unsigned>(rng() % (max_len - 59)); break;
    }
    return h.make_packet(qi, len, frags, rng() % 3 != 0);
}

// Posts random packets on the given queues until `count` per queue have been completed. With
// split_pct, that share of the doorbells stops inside the last packet's chain (after at least one
// of its descriptors); a later doorbell publishes the rest.
template <class H, int NQ>
void random_traffic(H& h, std::mt19937_64& rng, int count, unsigned max_len, std::uint64_t budget, int split_pct = 0) {
    int posted[NQ] = {};
    const std::uint64_t end = h.cycle() + budget;
    while (h.cycle() < end) {
        bool done = true;
        for (int qi = 0; qi < NQ; ++qi) {
            if (posted[qi] < count) done = false;
            if (!h.q(qi).posted.empty()) done = false;
        }
        if (done) break;
        for (int qi = 0; qi < NQ; ++qi) {
            if (rng() % 8 != 0) continue;
            if (posted[qi] >= count) {
                if (h.has_hidden(qi)) h.doorbell(qi);
                continue;
            }
            // Post a small batch, then ring the doorbell once.
            int batch = 1 + static_cast<int>(rng() % 3);
            const Pkt* last = nullptr;
            while (batch-- > 0 && posted[qi] < count) {
                // Decide the fragment count first: data buffers are only allocated for posted packets.
                const unsigned frags = 1 + static_cast<unsigned>(rng() % 16);
                if (frags > h.free_slots(qi)) break;
                h.post(qi, random_packet(h, rng, qi, max_len, frags));
                last = &h.q(qi).posted.back();
                posted[qi]++;
            }
            if (last && last->frags.size() > 1 && static_cast<int>(rng() % 100) < split_pct) {
                const auto n = static_cast<unsigned>(last->frags.size());
                const unsigned at = 1 + static_cast<unsigned>(rng() % (n - 1));
                h.doorbell_partial(qi, static_cast<std::uint16_t>((last->first_desc + at) & (h.q(qi).size() - 1)));
            } else {
                h.doorbell(qi);
            }
        }
        h.tick();
        if (!h.errors.empty()) break;
    }
}

template <int DW, int NQ>
struct Cfg;
template <>
struct Cfg<64, 4> {
    using M = Vrtl_tx_w64_q4;
};
template <>
struct Cfg<64, 1> {
    using M = Vrtl_tx_w64_q1;
};
template <>
struct Cfg<512, 4> {
    using M = Vrtl_tx_w512_q4;
};
template <>
struct Cfg<512, 1> {
    using M = Vrtl_tx_w512_q1;
};

template <int DW, int NQ>
struct P {
    static constexpr int kDW = DW, kNQ = NQ;
    using H = Harness<typename Cfg<DW, NQ>::M, DW, NQ>;
};

using W64Q4 = P<64, 4>;
using W64Q1 = P<64, 1>;
using W512Q4 = P<512, 4>;
using W512Q1 = P<512, 1>;

}  // namespace

TEMPLATE_TEST_CASE("random traffic is sent byte-exact and checksummed and completed in order", "[tx]", W64Q4, W64Q1,
                   W512Q4, W512Q1) {
    constexpr int NQ = TestType::kNQ;
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    std::mt19937_64 rng(seed);
    Knobs k;
    SECTION("random latency and stalls and back-pressure") {
        k = {0, 80, 70, 70, 70, 60};
    }
    SECTION("no stalls and long latency") {
        k = {150, 250, 100, 100, 100, 100};
    }
    typename TestType::H h(seed, k);
    for (int qi = 0; qi < NQ; ++qi) h.configure(qi, 3 + static_cast<unsigned>(rng() % 3));  // 8..32: wraps
    random_traffic<typename TestType::H, NQ>(h, rng, 40, 9018, 3'000'000);
    require_clean(h);
    h.run_until([] { return false; }, 4);  // the last reports leave their registers
    for (int qi = 0; qi < NQ; ++qi) {
        INFO("queue " << qi);
        CHECK(h.q(qi).posted.empty());
        CHECK(h.q(qi).completed == 40);
        CHECK(h.q(qi).err_events == 0);
        CHECK(h.q(qi).sent_reports == 40);  // every frame that left reported once
        CHECK(h.queue_idle(qi));            // and nothing of the queue left in flight
    }
}

namespace {
enum class Fault { zero_len, len_over, frag_over, chain_long, desc_read, data_read, cpl_write };

template <class TestType>
void error_scenario(Fault fault) {
    constexpr int NQ = TestType::kNQ;
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    std::mt19937_64 rng(seed);
    typename TestType::H h(seed, Knobs{0, 40, 80, 80, 80, 80});
    for (int qi = 0; qi < NQ; ++qi) h.configure(qi, 5);  // 32 entries: room for a 17-fragment chain
    const int bad = 0;

    // Some good packets first on every queue.
    for (int qi = 0; qi < NQ; ++qi) {
        for (int i = 0; i < 3; ++i) h.post(qi, h.make_packet(qi, 200 + 100u * static_cast<unsigned>(i), 2, true));
        h.doorbell(qi);
    }
    REQUIRE(h.run_until(
        [&] {
            for (int qi = 0; qi < NQ; ++qi)
                if (!h.all_done(qi)) return false;
            return true;
        },
        200000));
    require_clean(h);

    // The faulty packet on queue `bad`, and more good ones behind it.
    std::uint8_t expect = 0;
    Pkt p = h.make_packet(bad, 300, 3, false);
    switch (fault) {
    case Fault::zero_len:
        h.post(bad, std::move(p), std::uint16_t{0});
        expect = 0x01;
        break;
    case Fault::len_over: {
        // Fragment lengths each fine, sum too long.
        Pkt big = h.make_packet(bad, 9216, 2, false);
        big.frags.push_back(big.frags.back());
        h.post(bad, std::move(big));
        expect = 0x02;
        break;
    }
    case Fault::frag_over:
        h.post(bad, std::move(p), std::uint16_t{9300});
        expect = 0x02;
        break;
    case Fault::chain_long: {
        Pkt ch = h.make_packet(bad, 400, 16, false);
        h.post(bad, std::move(ch), {}, /*no_eop=*/true);
        h.post(bad, h.make_packet(bad, 100, 1, false));
        expect = 0x03;
        break;
    }
    case Fault::desc_read:
        h.add_rd_error({h.q(bad).ring + 16u * h.q(bad).prod, h.q(bad).ring + 16u * h.q(bad).prod + 16});
        h.post(bad, std::move(p));
        expect = 0x05;
        break;
    case Fault::data_read:
        h.add_rd_error({p.frags[1].addr, p.frags[1].addr + 1});
        h.post(bad, std::move(p));
        expect = 0x06;
        break;
    case Fault::cpl_write:
        h.add_wr_error({h.q(bad).cpl_ring + 16u * h.q(bad).cpl_slot, h.q(bad).cpl_ring + 16u * h.q(bad).cpl_slot + 16});
        h.post(bad, std::move(p));
        expect = 0x08;
        break;
    }
    for (int i = 0; i < 4; ++i) h.post(bad, h.make_packet(bad, 100, 1, false));
    h.doorbell(bad);
    const auto completed_before = h.q(bad).completed;

    // Other queues keep sending meanwhile.
    for (int round = 0; round < 3; ++round) {
        for (int qi = 0; qi < NQ; ++qi) {
            if (qi == bad) continue;
            for (int i = 0; i < 4; ++i)
                h.post(qi, h.make_packet(qi, 64 + static_cast<unsigned>(rng() % 2000),
                                         1 + static_cast<unsigned>(rng() % 4), true));
            h.doorbell(qi);
        }
        h.run_until(
            [&] {
                for (int qi = 0; qi < NQ; ++qi)
                    if (qi != bad && !h.all_done(qi)) return false;
                return h.q(bad).err_events > 0;
            },
            200000);
    }
    h.run_until([] { return false; }, 2000);
    require_clean(h);
    CHECK(h.q(bad).err_events == 1);
    CHECK(static_cast<int>(h.q(bad).err_code) == expect);
    // The stopped queue drains (reads already issued still come back, at the harness's stalls) and
    // reads idle; every frame that left was reported, with a completion or (a failed completion
    // write) without: RING_TAKEN is exact.
    CHECK(h.run_until([&] { return h.queue_idle(bad); }, 100000));
    h.run_until([] { return false; }, 4);
    CHECK(h.q(bad).sent_reports == h.q(bad).sent + h.q(bad).stale_seen);
    if (fault == Fault::cpl_write) CHECK(h.q(bad).sent > h.q(bad).completed);
    for (int qi = 0; qi < NQ; ++qi) {
        if (qi == bad) continue;
        INFO("queue " << qi);
        CHECK(h.all_done(qi));
        CHECK(h.q(qi).err_events == 0);
    }
    // Nothing of the faulty packet or behind it completed; nothing half-sent.
    CHECK(h.q(bad).completed == completed_before);
    if (fault != Fault::cpl_write) CHECK(h.q(bad).sent == h.q(bad).completed);
    const auto cons = h.q(bad).sw_cons;
    CHECK(cons == h.q(bad).posted.front().first_desc);

    // Reset recovers: a fresh ring on the same queue sends again.
    h.clear_errors();
    h.reset_queue(bad, 3);
    h.tick();
    for (int i = 0; i < 10; ++i) {
        h.post(bad, h.make_packet(bad, 60 + static_cast<unsigned>(rng() % 3000), 1 + static_cast<unsigned>(rng() % 3),
                                  true));
        if (i % 3 == 2 || h.free_slots(bad) < 3) h.doorbell(bad);
        REQUIRE(h.run_until([&] { return h.free_slots(bad) >= 3; }, 100000));
    }
    h.doorbell(bad);
    CHECK(h.run_until([&] { return h.all_done(bad); }, 400000));
    require_clean(h);
    CHECK(h.q(bad).err_events == 1);
    CHECK(h.q(bad).completed >= 10);
}
}  // namespace

TEMPLATE_TEST_CASE("each error stops only its queue while other queues keep sending and reset recovers", "[tx]", W64Q4,
                   W64Q1, W512Q4, W512Q1) {
    SECTION("zero length") {
        error_scenario<TestType>(Fault::zero_len);
    }
    SECTION("packet over length") {
        error_scenario<TestType>(Fault::len_over);
    }
    SECTION("fragment over length") {
        error_scenario<TestType>(Fault::frag_over);
    }
    SECTION("chain too long") {
        error_scenario<TestType>(Fault::chain_long);
    }
    SECTION("descriptor read error") {
        error_scenario<TestType>(Fault::desc_read);
    }
    SECTION("data read error") {
        error_scenario<TestType>(Fault::data_read);
    }
    SECTION("completion write error") {
        error_scenario<TestType>(Fault::cpl_write);
    }
}

TEMPLATE_TEST_CASE("queue reset with reads in flight forgets the queue and recovers", "[tx]", W64Q4, W512Q4, W64Q1) {
    constexpr int NQ = TestType::kNQ;
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    std::mt19937_64 rng(seed);
    typename TestType::H h(seed, Knobs{20, 120, 80, 80, 80, 80});
    for (int qi = 0; qi < NQ; ++qi) h.configure(qi, 4);
    for (int round = 0; round < 6; ++round) {
        for (int qi = 0; qi < NQ; ++qi) {
            while (true) {
                const unsigned frags = 1 + static_cast<unsigned>(rng() % 16);
                if (frags > h.free_slots(qi)) break;
                h.post(qi, random_packet(h, rng, qi, 9018, frags));
            }
            h.doorbell(qi);
        }
        h.run_until([] { return false; }, 200 + rng() % 3000);
        const int victim = static_cast<int>(rng() % NQ);
        h.reset_queue(victim, 3 + static_cast<unsigned>(rng() % 3));
        h.tick();
        require_clean(h);
    }
    // After the last reset everything posted since must go through.
    for (int qi = 0; qi < NQ; ++qi) {
        for (int i = 0; i < 5 && h.free_slots(qi) >= 16; ++i)
            h.post(qi, random_packet(h, rng, qi, 9018, 1 + static_cast<unsigned>(rng() % 16)));
        h.doorbell(qi);
    }
    CHECK(h.run_until(
        [&] {
            for (int qi = 0; qi < NQ; ++qi)
                if (!h.all_done(qi)) return false;
            return true;
        },
        1'000'000));
    require_clean(h);
    for (int qi = 0; qi < NQ; ++qi) CHECK(h.q(qi).err_events == 0);
}

namespace {
template <class TestType>
double duty(unsigned len, int lat, std::uint64_t seed) {
    constexpr int NQ = TestType::kNQ;
    typename TestType::H h(seed, Knobs{lat, lat, 100, 100, 100, 100});
    std::mt19937_64 rng(seed);
    h.configure(0, 9);
    for (int qi = 1; qi < NQ; ++qi) h.configure(qi, 3, false);
    auto fill = [&] {
        while (h.free_slots(0) > 0) h.post(0, h.make_packet(0, len, 1, false));
        h.doorbell(0);
    };
    fill();
    h.run_until([] { return false; }, 3000);  // warm up
    const auto b0 = h.stats().wire_beats;
    const auto c0 = h.cycle();
    for (int i = 0; i < 40; ++i) {
        fill();
        h.run_until([] { return false; }, 500);
    }
    require_clean(h);
    fmt::print("  (max reads outstanding: descriptors {}, data {})\n", h.stats().max_rd_outstanding[0],
               h.stats().max_rd_outstanding[1]);
    return static_cast<double>(h.stats().wire_beats - b0) / static_cast<double>(h.cycle() - c0);
}
}  // namespace

TEMPLATE_TEST_CASE("latencies and output duty cycle (reported)", "[tx][perf]", W64Q4, W512Q4) {
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    typename TestType::H h(seed, Knobs{0, 0, 100, 100, 100, 100});
    h.configure(0, 4);
    h.run_until([] { return false; }, 10);
    h.post(0, h.make_packet(0, 64, 1, false));
    const auto bell = h.cycle();
    h.doorbell(0);
    REQUIRE(h.run_until([&] { return h.all_done(0); }, 10000));
    require_clean(h);
    const auto& s = h.stats();
    const auto doorbell_to_desc = s.first_desc_req_cycle - bell;
    const auto desc_to_data = s.first_data_req_cycle - s.first_desc_resp_cycle;
    const auto last_to_cpl = s.first_cpl_req_cycle - s.first_last_beat_cycle;
    fmt::print(
        "tx w{}: doorbell->desc read req {} cycles, desc data->data read req {} cycles, "
        "last wire beat->cpl write req {} cycles\n",
        TestType::kDW, doorbell_to_desc, desc_to_data, last_to_cpl);
    // Pinned: any change to these is a deliberate pipeline change.
    CHECK(doorbell_to_desc == 1);
    // 64 bits: a descriptor takes two beats; 256/512 bits: the beat passes the descriptor beat FIFO.
    CHECK(desc_to_data == (TestType::kDW == 128 ? 2u : 3u));
    CHECK(last_to_cpl == 2);
    for (unsigned len : {64u, 1518u}) {
        for (int lat : {0, 200}) {
            const double d = duty<TestType>(len, lat, seed);
            fmt::print("tx w{}: {}-byte packets, {}-cycle memory: output duty cycle {:.3f}\n", TestType::kDW, len, lat,
                       d);
            CHECK(d > 0.0);
        }
    }
}

// ---- packets published without their EOP descriptor (chain ends at the producer index) ----

TEMPLATE_TEST_CASE("random traffic with doorbells inside chains sends each packet once", "[tx]", W64Q4, W64Q1, W512Q4,
                   W512Q1) {
    constexpr int NQ = TestType::kNQ;
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    std::mt19937_64 rng(seed);
    Knobs k;
    SECTION("random latency and stalls and back-pressure") {
        k = {0, 80, 70, 70, 70, 60};
    }
    SECTION("zero latency and no stalls") {
        k = {0, 0, 100, 100, 100, 100};
    }
    SECTION("long latency") {
        k = {150, 250, 100, 100, 100, 100};
    }
    typename TestType::H h(seed, k);
    for (int qi = 0; qi < NQ; ++qi) h.configure(qi, 4 + static_cast<unsigned>(rng() % 3));  // 16..64: wraps
    random_traffic<typename TestType::H, NQ>(h, rng, 60, 4000, 4'000'000, /*split_pct=*/40);
    require_clean(h);
    for (int qi = 0; qi < NQ; ++qi) {
        INFO("queue " << qi);
        CHECK(h.q(qi).posted.empty());
        CHECK(h.q(qi).completed == 60);
        CHECK(h.q(qi).sent == 60);
        CHECK(h.q(qi).err_events == 0);
    }
}

namespace {
// Queues 1..NQ-1 send `per_queue` packets each (lengths from `lens`), their rings kept topped
// up; returns wire beats per cycle over the run. Fresh rings and a reseeded harness: two runs
// with the same `lens` and `seed` send the same traffic.
template <class H, int NQ>
double others_run(H& h, std::mt19937_64 lens, std::uint64_t seed, int per_queue, std::uint64_t budget) {
    for (int qi = 1; qi < NQ; ++qi) h.reset_queue(qi, 8);
    h.tick();
    h.reseed(seed);
    int posted[NQ] = {};
    std::uint64_t done0[NQ];
    for (int qi = 0; qi < NQ; ++qi) done0[qi] = h.q(qi).completed;
    const auto b0 = h.stats().wire_beats;
    const auto c0 = h.cycle();
    const std::uint64_t end = c0 + budget;
    auto finished = [&] {
        for (int qi = 1; qi < NQ; ++qi)
            if (h.q(qi).completed - done0[qi] < static_cast<std::uint64_t>(per_queue)) return false;
        return true;
    };
    while (!finished() && h.cycle() < end) {
        for (int qi = 1; qi < NQ; ++qi) {
            bool any = false;
            while (posted[qi] < per_queue && h.free_slots(qi) >= 4) {
                const unsigned len = 60 + static_cast<unsigned>(lens() % 1500);
                const unsigned frags = 1 + static_cast<unsigned>(lens() % 4);
                h.post(qi, h.make_packet(qi, len, frags, lens() % 2 == 0));
                posted[qi]++;
                any = true;
            }
            if (any) h.doorbell(qi);
        }
        h.tick();
        if (!h.errors.empty()) break;
    }
    return static_cast<double>(h.stats().wire_beats - b0) / static_cast<double>(h.cycle() - c0);
}

// Queue 0 posts `complete` whole packets and then a packet of `nfrags` fragments of which only
// the first `published` descriptors are published. Returns the partial packet's sequence.
template <class H>
std::uint32_t post_partial(H& h, std::mt19937_64& rng, int complete, unsigned nfrags, unsigned published) {
    for (int i = 0; i < complete; ++i)
        h.post(0,
               h.make_packet(0, 60 + static_cast<unsigned>(rng() % 2000), 1 + static_cast<unsigned>(rng() % 4), true));
    Pkt p = h.make_packet(0, 100 * nfrags + static_cast<unsigned>(rng() % 1000), nfrags, true);
    const std::uint32_t seq = p.seq;
    const std::uint16_t first = h.q(0).prod;
    h.post(0, std::move(p));
    h.doorbell_partial(0, static_cast<std::uint16_t>((first + published) & (h.q(0).size() - 1)));
    return seq;
}
}  // namespace

TEMPLATE_TEST_CASE("a queue waiting for the rest of a chain does not slow the other queues", "[tx]", W64Q4, W512Q4) {
    constexpr int NQ = TestType::kNQ;
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    std::mt19937_64 rng(seed);
    int lat = 0;
    SECTION("zero latency") {
        lat = 0;
    }
    SECTION("100-cycle memory") {
        lat = 100;
    }
    typename TestType::H h(seed, Knobs{lat, lat, 100, 100, 100, 100});
    h.configure(0, 5);
    for (int qi = 1; qi < NQ; ++qi) h.configure(qi, 8);
    constexpr int kPkts = 300;

    // Baseline: queue 0 idle.
    const double base = others_run<typename TestType::H, NQ>(h, std::mt19937_64(seed + 7), seed + 9, kPkts, 2'000'000);
    require_clean(h);

    // Queue 0: two whole packets, then 1..15 descriptors of a longer chain, no EOP published.
    const unsigned nfrags = 2 + static_cast<unsigned>(rng() % 15);               // 2..16
    const unsigned published = 1 + static_cast<unsigned>(rng() % (nfrags - 1));  // 1..nfrags-1
    INFO("chain of " << nfrags << " fragments, " << published << " published");
    const std::uint32_t seq = post_partial(h, rng, 2, nfrags, published);
    REQUIRE(h.run_until([&] { return h.q(0).completed == 2; }, 100000));  // its beats not measured
    const double with = others_run<typename TestType::H, NQ>(h, std::mt19937_64(seed + 7), seed + 9, kPkts, 2'000'000);
    h.run_until([] { return false; }, 1000);
    require_clean(h);
    fmt::print("tx w{} lat {}: queues 1..{} alone {:.3f} beats/cycle, beside a waiting chain {:.3f} ({:+.1f}%)\n",
               TestType::kDW, lat, NQ - 1, base, with, 100.0 * (with - base) / base);
    CHECK(with >= 0.97 * base);
    for (int qi = 1; qi < NQ; ++qi) {
        INFO("queue " << qi);
        CHECK(h.q(qi).posted.empty());
        CHECK(h.q(qi).completed == 2u * kPkts);
        CHECK(h.q(qi).stale_seen == 0);
        CHECK(h.q(qi).err_events == 0);
    }
    // Queue 0: the whole packets went, the partial one did not, no error, cons at its start.
    CHECK(h.q(0).err_events == 0);
    CHECK(h.q(0).completed == 2);
    CHECK(h.q(0).sent == 2);
    REQUIRE(h.q(0).posted.size() == 1);
    CHECK(h.q(0).posted.front().seq == seq);
    CHECK_FALSE(h.q(0).posted.front().on_wire);
    CHECK(h.hw_cons(0) == h.q(0).posted.front().first_desc);

    // The rest of the chain: the packet goes out once, byte-exact, and completes.
    h.doorbell(0);
    CHECK(h.run_until([&] { return h.all_done(0); }, 100000));
    h.run_until([] { return false; }, 2000);
    require_clean(h);
    CHECK(h.q(0).completed == 3);
    CHECK(h.q(0).sent == 3);
    CHECK(h.q(0).err_events == 0);
}

TEMPLATE_TEST_CASE("a chain published in pieces is sent once and never past the producer index", "[tx]", W64Q4, W64Q1,
                   W512Q4, W512Q1) {
    constexpr int NQ = TestType::kNQ;
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    std::mt19937_64 rng(seed);
    typename TestType::H h(seed, Knobs{0, 60, 80, 80, 80, 80});
    for (int qi = 0; qi < NQ; ++qi) h.configure(qi, 5);
    for (int round = 0; round < 12; ++round) {
        // A 2..16-fragment chain published in up to four doorbells, with pauses between them
        // long enough for the queue to park; the other queues keep sending.
        const unsigned nfrags = 2 + static_cast<unsigned>(rng() % 15);
        if (h.free_slots(0) < nfrags + 4) break;
        h.post(0,
               h.make_packet(0, 60 + static_cast<unsigned>(rng() % 2000), 1 + static_cast<unsigned>(rng() % 3), true));
        const std::uint16_t first = h.q(0).prod;
        h.post(0, h.make_packet(0, 100 * nfrags + static_cast<unsigned>(rng() % 500), nfrags, true));
        unsigned at = 0;
        for (int piece = 0; piece < 3 && at + 1 < nfrags; ++piece) {
            at += 1 + static_cast<unsigned>(rng() % (nfrags - at - 1));
            h.doorbell_partial(0, static_cast<std::uint16_t>((first + at) & (h.q(0).size() - 1)));
            for (int qi = 1; qi < NQ; ++qi) {
                h.post(qi, h.make_packet(qi, 60 + static_cast<unsigned>(rng() % 1500),
                                         1 + static_cast<unsigned>(rng() % 3), false));
                h.doorbell(qi);
            }
            h.run_until([] { return false; }, rng() % 2 ? 3000 : rng() % 200);
            require_clean(h);
            CHECK(h.q(0).err_events == 0);
            CHECK(h.q(0).posted.size() >= 1);
        }
        h.doorbell(0);
        REQUIRE(h.run_until(
            [&] {
                for (int qi = 0; qi < NQ; ++qi)
                    if (!h.all_done(qi)) return false;
                return true;
            },
            200000));
        require_clean(h);
    }
    for (int qi = 0; qi < NQ; ++qi) {
        INFO("queue " << qi);
        CHECK(h.q(qi).err_events == 0);
        CHECK(h.q(qi).sent == h.q(qi).completed);
    }
    CHECK(h.q(0).completed >= 2);
}

TEMPLATE_TEST_CASE("reset of a queue waiting for the rest of a chain is clean", "[tx]", W64Q4, W64Q1, W512Q4, W512Q1) {
    constexpr int NQ = TestType::kNQ;
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    std::mt19937_64 rng(seed);
    typename TestType::H h(seed, Knobs{0, 60, 80, 80, 80, 80});
    for (int qi = 0; qi < NQ; ++qi) h.configure(qi, 5);
    for (int round = 0; round < 8; ++round) {
        const unsigned nfrags = 2 + static_cast<unsigned>(rng() % 15);
        const unsigned published = 1 + static_cast<unsigned>(rng() % (nfrags - 1));
        post_partial(h, rng, static_cast<int>(rng() % 3), nfrags, published);
        for (int qi = 1; qi < NQ; ++qi) {
            for (int i = 0; i < 3; ++i)
                h.post(qi, h.make_packet(qi, 60 + static_cast<unsigned>(rng() % 1500),
                                         1 + static_cast<unsigned>(rng() % 3), false));
            h.doorbell(qi);
        }
        // Reset early (the chain may still be fetched) or late (parked), sometimes with the rest
        // published just before.
        h.run_until([] { return false; }, rng() % 2 ? 5000 : rng() % 300);
        require_clean(h);
        CHECK(h.q(0).err_events == 0);
        const bool published_rest = rng() % 4 == 0;
        if (published_rest) h.doorbell(0);
        const auto stale_before = h.q(0).stale_seen;
        h.reset_queue(0, 5 + static_cast<unsigned>(rng() % 2));  // room for the next round's chain
        h.tick();
        // Normal traffic on the queue afterwards.
        for (int i = 0; i < 6; ++i) {
            const unsigned frags = 1 + static_cast<unsigned>(rng() % 4);
            if (frags > h.free_slots(0)) break;
            h.post(0, h.make_packet(0, 60 + static_cast<unsigned>(rng() % 3000), frags, true));
        }
        h.doorbell(0);
        REQUIRE(h.run_until(
            [&] {
                for (int qi = 0; qi < NQ; ++qi)
                    if (!h.all_done(qi)) return false;
                return true;
            },
            300000));
        h.run_until([] { return false; }, 500);
        require_clean(h);
        CHECK(h.q(0).err_events == 0);
        // The waiting chain never reached the wire (only whole packets from before the reset may).
        if (!published_rest) CHECK(h.q(0).stale_seen <= stale_before + 2);
    }
    for (int qi = 0; qi < NQ; ++qi) CHECK(h.q(qi).err_events == 0);
}

TEMPLATE_TEST_CASE("MAX_TX_FRAGS descriptors without EOP are an error and one fewer waits", "[tx]", W64Q4, W64Q1,
                   W512Q4, W512Q1) {
    constexpr int NQ = TestType::kNQ;
    const std::uint64_t seed = Catch::rngSeed();
    INFO(replay());
    std::mt19937_64 rng(seed);
    typename TestType::H h(seed, Knobs{0, 40, 80, 80, 80, 80});
    for (int qi = 0; qi < NQ; ++qi) h.configure(qi, 5);
    SECTION("16 without EOP, nothing behind") {
        h.post(0, h.make_packet(0, 1600, 16, false), {}, /*no_eop=*/true);
        h.doorbell(0);
        h.run_until([&] { return h.q(0).err_events > 0; }, 50000);
        h.run_until([] { return false; }, 2000);
        require_clean(h);
        CHECK(h.q(0).err_events == 1);
        CHECK(static_cast<int>(h.q(0).err_code) == 0x03);
        CHECK(h.q(0).sent == 0);
        // Refused unread: a chain without EOP is no whole packet, so none of its data may be read
        // (the 10,000,000-frame soak caught 15 such reads when nothing followed the chain).
        CHECK(h.stats().first_data_req_cycle == 0);
    }
    SECTION("15 published of a 16-fragment chain") {
        h.post(0, h.make_packet(0, 1600, 16, true));
        h.doorbell_partial(0, 15);
        h.run_until([] { return false; }, 20000);
        require_clean(h);
        CHECK(h.q(0).err_events == 0);
        CHECK(h.q(0).sent == 0);
        h.doorbell(0);
        CHECK(h.run_until([&] { return h.all_done(0); }, 50000));
        require_clean(h);
        CHECK(h.q(0).err_events == 0);
        CHECK(h.q(0).completed == 1);
    }
    // The other queues were never held.
    for (int qi = 1; qi < NQ; ++qi) {
        h.post(qi, h.make_packet(qi, 500, 3, true));
        h.doorbell(qi);
    }
    CHECK(h.run_until(
        [&] {
            for (int qi = 1; qi < NQ; ++qi)
                if (!h.all_done(qi)) return false;
            return true;
        },
        50000));
    require_clean(h);
}
