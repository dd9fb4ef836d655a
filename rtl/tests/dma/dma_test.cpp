// nic_dma against the AXI4 memory BFM: random reads and writes from all six clients at once,
// under several memory latencies and back-pressure levels, at 64- and 512-bit data width.
//
// Checked: every read byte against memory, rd_resp_last only on a request's last beat, per-client
// order, write results byte-exact with strobes (neighbours untouched), one wr_resp per request,
// error responses on the right client's right request/beat, the burst split (bursts of each ID
// tile its requests in order, none crosses 4 KiB: the BFM checker throws), never more than
// MAX_BURSTS bursts in flight per ID, and that every run finishes within a cycle bound.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "Vrtl_dma_w512.h"
#include "Vrtl_dma_w64.h"
#include "bfm/axi4_slave_mem.hpp"
#include "clock/verilated_model.hpp"

namespace {

using nicsim::bfm::Axi4Burst;
using nicsim::bfm::Axi4Port;
using nicsim::bfm::Axi4SlaveMem;
using nicsim::bfm::Axi4SlaveMemConfig;
using nicsim::bfm::ErrorRange;
using nicsim::bfm::Latency;
using nicsim::bfm::PauseGenerator;
using nicsim::bfm::range_draw;
using nicsim::bfm::SigRef;
using nicsim::bfm::SparseMemory;
using nicsim::bfm::unit_draw;

constexpr int n_clients = 3;
constexpr std::size_t max_bursts = 16;
constexpr std::uint64_t page = 4096;

std::uint64_t align_down(std::uint64_t a, std::uint64_t b) {
    return a & ~(b - 1);
}

std::string replay_hint() {
    return fmt::format("seed {}; replay: rtl_dma_test --rng-seed {} \"{}\"", Catch::rngSeed(), Catch::rngSeed(),
                       Catch::getResultCapture().getCurrentTestName());
}

struct Scenario {
    std::string name;
    Latency read_latency;
    Latency write_latency;
    double stall = 0.0;  // pause probability on every channel, BFM and clients
    bool reorder = false;
    int requests_per_client = 30;
    bool errors = false;  // some pages answer SLVERR/DECERR
};

// Address map of a run: one read region (shared, mapped from a host vector) and one write
// region per write client, each with error pages when the scenario asks for them.
constexpr std::uint64_t read_base = 0x0000'0012'3400'0000ull;
constexpr std::uint64_t read_size = 256 * 1024;
constexpr std::uint64_t write_base = 0x0000'7fff'0000'0000ull;
constexpr std::uint64_t write_stride = 1ull << 24;
constexpr std::uint64_t write_size = 128 * 1024;

template <class Model, std::size_t B>
class DmaBench {
public:
    struct ReadReq {
        std::uint64_t addr = 0;
        std::uint32_t len = 0;
        std::uint32_t beats = 0;
        std::uint32_t got = 0;
    };
    struct WriteReq {
        std::uint64_t addr = 0;
        std::uint32_t len = 0;
        std::uint32_t beats = 0;
        std::vector<std::uint8_t> data;  // beats * B, lane-aligned
        std::vector<std::uint8_t> strb;  // one flag per byte of `data`
        bool expect_err = false;
    };
    struct Beat {
        std::vector<std::uint8_t> data;
        std::vector<std::uint8_t> strb;
        bool last = false;
    };

    struct ReadClient {
        int idx = 0;
        std::deque<ReadReq> todo, inflight;
        std::vector<ReadReq> issued;  // accepted, in order
        bool presenting = false, resp_ready = false;
        bool s_req_ready = false, s_valid = false, s_last = false, s_err = false;
        std::vector<std::uint8_t> s_data = std::vector<std::uint8_t>(B);
        std::uint64_t beats_seen = 0;
    };
    struct WriteClient {
        int idx = 0;
        std::deque<WriteReq> todo, waiting;
        std::vector<WriteReq> issued;
        std::deque<Beat> beats;
        bool presenting = false, data_presenting = false;
        bool s_req_ready = false, s_data_ready = false, s_resp = false, s_resp_err = false;
        std::uint64_t responses = 0;
    };

    DmaBench(Scenario const& sc, std::uint64_t seed) : sc_(sc), rng_(seed), read_image_(read_size) {
        for (auto& b : read_image_) b = static_cast<std::uint8_t>(rng_());
        mem_.map(read_base, read_image_);
        for (int c = 0; c < n_clients; ++c) {
            shadow_.emplace_back(write_size);
            for (auto& b : shadow_.back()) b = static_cast<std::uint8_t>(rng_());
            mem_.write(write_base + c * write_stride, shadow_.back());
        }
        Axi4SlaveMemConfig cfg;
        cfg.read_latency = sc.read_latency;
        cfg.write_latency = sc.write_latency;
        cfg.reorder = sc.reorder;
        cfg.interleave_reads = sc.reorder;
        cfg.set_all_pauses(sc.stall);
        if (sc.errors) {
            error_pages_ = {read_base / page + 5, read_base / page + 17, read_base / page + 40};
            for (int c = 0; c < n_clients; ++c) error_pages_.insert((write_base + c * write_stride) / page + 3 + 7 * c);
            std::uint8_t resp = nicsim::bfm::axi4::resp_slverr;
            for (auto p : error_pages_) {
                cfg.error_ranges.push_back({p * page, (p + 1) * page, resp});
                resp = resp == nicsim::bfm::axi4::resp_slverr ? nicsim::bfm::axi4::resp_decerr
                                                              : nicsim::bfm::axi4::resp_slverr;
            }
        }
        axi_ = std::make_unique<Axi4SlaveMem<B>>(Axi4Port::of_master(*top_), mem_, rng_, cfg);
        axi_->on_read_burst = [this](Axi4Burst const& b) { read_bursts_[b.id].push_back(b); };
        axi_->on_write_burst = [this](Axi4Burst const& b) { write_bursts_[b.id].push_back(b); };
        for (int c = 0; c < n_clients; ++c) {
            rd_[c].idx = c;
            wr_[c].idx = c;
            for (int r = 0; r < sc.requests_per_client; ++r) {
                rd_[c].todo.push_back(make_read());
                wr_[c].todo.push_back(make_write(c));
            }
        }
        reset();
    }

    void reset() {
        top_.reset(reset_cycles);
        top_.settle();
    }

    // One clock: every model drives, the edge, every model observes.
    void tick() {
        axi_->drive();
        for (auto& c : rd_) drive(c);
        for (auto& c : wr_) drive(c);
        top_.edge();
        axi_->observe();
        for (auto& c : rd_) observe(c);
        for (auto& c : wr_) observe(c);
    }

    bool done() const {
        for (auto const& c : rd_)
            if (!c.todo.empty() || !c.inflight.empty()) return false;
        for (auto const& c : wr_)
            if (!c.todo.empty() || !c.waiting.empty()) return false;
        return axi_->idle();
    }

    std::string state() const {
        std::string s = fmt::format("cycle {}, BFM reads in flight {}, writes in flight {}\n", cycle(),
                                    axi_->reads_in_flight(), axi_->writes_in_flight());
        for (auto const& c : rd_)
            s += fmt::format("  rd client {}: {} to issue, {} in flight (front got {}/{} beats)\n", c.idx,
                             c.todo.size(), c.inflight.size(), c.inflight.empty() ? 0 : c.inflight.front().got,
                             c.inflight.empty() ? 0 : c.inflight.front().beats);
        for (auto const& c : wr_)
            s += fmt::format("  wr client {}: {} to issue, {} awaiting response, {} beats unsent\n", c.idx,
                             c.todo.size(), c.waiting.size(), c.beats.size());
        return s;
    }

    void run(std::uint64_t max_cycles) {
        while (!done()) {
            if (cycle() >= max_cycles) FAIL("no progress: hang after " << max_cycles << " cycles\n" << state());
            tick();
        }
        for (int i = 0; i < 8; ++i) tick();  // stray responses would show up here
    }

    void check_final() {
        for (auto const& c : rd_) {
            CHECK(c.todo.empty());
            CHECK(c.inflight.empty());
            check_tiling(c.issued, read_bursts_[static_cast<std::uint32_t>(c.idx)], "read", c.idx);
        }
        for (auto const& c : wr_) {
            CHECK(c.waiting.empty());
            CHECK(c.beats.empty());
            CHECK(c.responses == c.issued.size());
            check_tiling(c.issued, write_bursts_[static_cast<std::uint32_t>(c.idx)], "write", c.idx);
            // memory equals the shadow over the whole region: written bytes, holes and neighbours
            auto const base = write_base + c.idx * write_stride;
            auto const got = mem_.read(base, write_size);
            auto const& want = shadow_[c.idx];
            std::size_t bad = 0, first_bad = 0;
            for (std::size_t i = 0; i < write_size; ++i)
                if (got[i] != want[i] && bad++ == 0) first_bad = i;
            INFO(fmt::format("write client {}: first mismatch at {:#x}", c.idx, base + first_bad));
            CHECK(bad == 0);
        }
        for (auto const& [id, n] : axi_->stats().max_reads_in_flight_by_id) CHECK(n <= max_bursts);
        for (auto const& [id, n] : axi_->stats().max_writes_in_flight_by_id) CHECK(n <= max_bursts);
        CHECK(mem_.unwritten_read_bytes() == 0);
    }

    Axi4SlaveMem<B>& axi() { return *axi_; }
    std::uint64_t cycle() const { return top_.cycle() - reset_cycles; }  // since reset
    std::uint64_t total_read_beats() const {
        std::uint64_t n = 0;
        for (auto const& c : rd_) n += c.beats_seen;
        return n;
    }

private:
    static std::uint32_t beats_of(std::uint64_t addr, std::uint32_t len) {
        return static_cast<std::uint32_t>((addr % B + len + B - 1) / B);
    }
    bool err_page(std::uint64_t addr) const { return error_pages_.count(addr / page) != 0; }
    bool touches_err_page(std::uint64_t addr, std::uint32_t len) const {
        for (std::uint64_t p = addr / page; p <= (addr + len - 1) / page; ++p)
            if (error_pages_.count(p)) return true;
        return false;
    }

    std::uint32_t draw_len() {
        double const u = unit_draw(rng_);
        if (u < 0.35) return static_cast<std::uint32_t>(range_draw(rng_, 1, 64));
        if (u < 0.6) return static_cast<std::uint32_t>(range_draw(rng_, 65, 1500));
        return static_cast<std::uint32_t>(range_draw(rng_, 1501, 9216));
    }
    // An offset in [0, size - len], a third of the time just below a 4 KiB boundary.
    std::uint64_t draw_offset(std::uint64_t size, std::uint32_t len) {
        std::uint64_t off = range_draw(rng_, 0, size - len);
        if (unit_draw(rng_) < 0.34) {
            std::uint64_t const boundary = range_draw(rng_, 1, size / page - 1) * page;
            std::uint64_t const back = range_draw(rng_, 0, std::min<std::uint64_t>(len + 2 * B, boundary));
            off = std::min(boundary - back, size - len);
        }
        return off;
    }

    ReadReq make_read() {
        ReadReq r;
        r.len = draw_len();
        r.addr = read_base + draw_offset(read_size, r.len);
        r.beats = beats_of(r.addr, r.len);
        return r;
    }

    WriteReq make_write(int c) {
        WriteReq w;
        w.len = draw_len();
        auto const base = write_base + c * write_stride;
        w.addr = base + draw_offset(write_size, w.len);
        w.beats = beats_of(w.addr, w.len);
        w.data.resize(std::size_t{w.beats} * B);
        w.strb.assign(w.data.size(), 0);
        bool const holes = unit_draw(rng_) < 0.5;
        auto const first = w.addr % B;
        for (std::size_t i = 0; i < w.data.size(); ++i) {
            w.data[i] = static_cast<std::uint8_t>(rng_());
            if (i >= first && i < first + w.len) w.strb[i] = holes ? (unit_draw(rng_) < 0.8) : 1;
        }
        w.expect_err = touches_err_page(w.addr, w.len);
        // the shadow: what memory must hold once every write is done (error bursts write nothing,
        // and bursts never cross a page, so a byte is written unless its page answers an error)
        auto& sh = shadow_[c];
        auto const start = align_down(w.addr, B);
        for (std::size_t i = 0; i < w.data.size(); ++i)
            if (w.strb[i] && !err_page(start + i)) sh[start + i - base] = w.data[i];
        return w;
    }

    // ---- read client ----
    void drive(ReadClient& c) {
        c.s_req_ready = SigRef(top_->rd_req_ready).bit(c.idx);
        c.s_valid = SigRef(top_->rd_resp_valid).bit(c.idx);
        c.s_last = SigRef(top_->rd_resp_last).bit(c.idx);
        c.s_err = SigRef(top_->rd_resp_err).bit(c.idx);
        if (c.s_valid) SigRef(top_->rd_resp_data).read_bytes(c.idx * B, c.s_data);
        if (!c.presenting && !c.todo.empty() && !pause_.pause(rng_)) {
            c.presenting = true;
            SigRef(top_->rd_req_addr).set_field(c.idx * 8, 8, c.todo.front().addr);
            SigRef(top_->rd_req_len).set_field(c.idx * 2, 2, c.todo.front().len);
        }
        SigRef(top_->rd_req_valid).set_bit(c.idx, c.presenting);
        c.resp_ready = !pause_.pause(rng_);
        SigRef(top_->rd_resp_ready).set_bit(c.idx, c.resp_ready);
    }

    void observe(ReadClient& c) {
        if (c.presenting && c.s_req_ready) {
            c.inflight.push_back(c.todo.front());
            c.issued.push_back(c.todo.front());
            c.todo.pop_front();
            c.presenting = false;
        }
        if (!(c.s_valid && c.resp_ready)) return;
        ++c.beats_seen;
        if (c.inflight.empty()) FAIL(fmt::format("read client {}: response beat with no request in flight", c.idx));
        auto& r = c.inflight.front();
        auto const beat_addr = align_down(r.addr, B) + std::uint64_t{r.got} * B;
        bool const want_last = r.got + 1 == r.beats;
        bool const want_err = err_page(beat_addr);
        if (c.s_last != want_last || c.s_err != want_err)
            FAIL(
                fmt::format("read client {} request {:#x}+{} beat {}/{} at cycle {}: last {} err {}, expected "
                            "last {} err {}",
                            c.idx, r.addr, r.len, r.got, r.beats, cycle(), c.s_last, c.s_err, want_last, want_err));
        if (!want_err) {
            for (std::size_t lane = 0; lane < B; ++lane) {
                auto const a = beat_addr + lane;
                if (a < r.addr || a >= r.addr + r.len) continue;
                if (c.s_data[lane] != read_image_[a - read_base])
                    FAIL(fmt::format("read client {}: byte at {:#x} is {:#04x}, memory holds {:#04x}", c.idx, a,
                                     c.s_data[lane], read_image_[a - read_base]));
            }
        }
        if (++r.got == r.beats) c.inflight.pop_front();
    }

    // ---- write client ----
    void drive(WriteClient& c) {
        c.s_req_ready = SigRef(top_->wr_req_ready).bit(c.idx);
        c.s_data_ready = SigRef(top_->wr_data_ready).bit(c.idx);
        c.s_resp = SigRef(top_->wr_resp_valid).bit(c.idx);
        c.s_resp_err = SigRef(top_->wr_resp_err).bit(c.idx);
        if (!c.presenting && !c.todo.empty() && !pause_.pause(rng_)) {
            c.presenting = true;
            SigRef(top_->wr_req_addr).set_field(c.idx * 8, 8, c.todo.front().addr);
            SigRef(top_->wr_req_len).set_field(c.idx * 2, 2, c.todo.front().len);
        }
        SigRef(top_->wr_req_valid).set_bit(c.idx, c.presenting);
        if (!c.data_presenting && !c.beats.empty() && !pause_.pause(rng_)) {
            c.data_presenting = true;
            auto const& b = c.beats.front();
            SigRef(top_->wr_data).write_bytes(c.idx * B, b.data);
            SigRef strb(top_->wr_data_strb);
            for (std::size_t i = 0; i < B; ++i) strb.set_bit(c.idx * B + i, b.strb[i]);
            SigRef(top_->wr_data_last).set_bit(c.idx, b.last);
        }
        SigRef(top_->wr_data_valid).set_bit(c.idx, c.data_presenting);
    }

    void observe(WriteClient& c) {
        if (c.presenting && c.s_req_ready) {
            auto const& w = c.todo.front();
            for (std::uint32_t k = 0; k < w.beats; ++k) {
                Beat b;
                b.data.assign(w.data.begin() + k * B, w.data.begin() + (k + 1) * B);
                b.strb.assign(w.strb.begin() + k * B, w.strb.begin() + (k + 1) * B);
                b.last = k + 1 == w.beats;
                c.beats.push_back(std::move(b));
            }
            c.waiting.push_back(w);
            c.issued.push_back(w);
            c.todo.pop_front();
            c.presenting = false;
        }
        if (c.data_presenting && c.s_data_ready) {
            c.beats.pop_front();
            c.data_presenting = false;
        }
        if (c.s_resp) {
            if (c.waiting.empty()) FAIL(fmt::format("write client {}: wr_resp_valid with no request waiting", c.idx));
            auto const& w = c.waiting.front();
            // every beat of this request must have been taken before its response
            std::size_t later_beats = 0;
            for (std::size_t i = 1; i < c.waiting.size(); ++i) later_beats += c.waiting[i].beats;
            if (c.beats.size() > later_beats || c.s_resp_err != w.expect_err)
                FAIL(fmt::format(
                    "write client {} request {:#x}+{} response at cycle {}: err {} (expected {}), "
                    "{} beats unsent ({} belong to later requests)",
                    c.idx, w.addr, w.len, cycle(), c.s_resp_err, w.expect_err, c.beats.size(), later_beats));
            c.waiting.pop_front();
            ++c.responses;
        }
    }

    // The bursts of one ID must tile that client's requests in order: each request covered by
    // consecutive bursts from its beat-aligned start, beats adding up exactly, none crossing 4 KiB.
    template <class Req>
    void check_tiling(std::vector<Req> const& reqs, std::vector<Axi4Burst> const& bursts, char const* what,
                      int client) {
        std::size_t k = 0;
        for (std::size_t r = 0; r < reqs.size(); ++r) {
            std::uint64_t cursor = align_down(reqs[r].addr, B);
            std::uint32_t left = reqs[r].beats;
            while (left > 0) {
                INFO(fmt::format("{} client {} request {} ({:#x}+{}) burst {}", what, client, r, reqs[r].addr,
                                 reqs[r].len, k));
                REQUIRE(k < bursts.size());
                auto const& b = bursts[k++];
                REQUIRE(b.addr == cursor);
                REQUIRE(b.size_bytes == B);
                REQUIRE(b.beats <= left);
                REQUIRE(b.beats <= 256);
                REQUIRE((b.addr / page) == ((b.addr + b.beats * B - 1) / page));
                // maximal split: a burst is shorter than 256 beats only at a page end or the request end
                bool const page_end = (b.addr + b.beats * B) % page == 0;
                REQUIRE((b.beats == 256 || page_end || b.beats == left));
                cursor += std::uint64_t{b.beats} * B;
                left -= b.beats;
            }
        }
        CHECK(k == bursts.size());
    }

    Scenario sc_;
    std::mt19937_64 rng_;
    static constexpr std::uint64_t reset_cycles = 4;
    nicsim::sim::ModelBench<Model> top_;
    SparseMemory mem_;
    std::vector<std::uint8_t> read_image_;
    std::vector<std::vector<std::uint8_t>> shadow_;
    std::set<std::uint64_t> error_pages_;
    std::unique_ptr<Axi4SlaveMem<B>> axi_;
    std::map<std::uint32_t, std::vector<Axi4Burst>> read_bursts_, write_bursts_;
    ReadClient rd_[n_clients];
    WriteClient wr_[n_clients];
    PauseGenerator pause_{0.0};

public:
    void set_client_stall(double p) { pause_.set_probability(p); }
};

std::vector<Scenario> scenarios() {
    return {
        {"latency 0, no stalls", Latency::fixed(0), Latency::fixed(0), 0.0, false, 80, false},
        {"latency 200 fixed", Latency::fixed(200), Latency::fixed(200), 0.0, false, 60, false},
        {"latency 0..500 random, reordered", Latency::uniform(0, 500), Latency::uniform(0, 500), 0.0, true, 60, false},
        {"heavy stalls on every channel, reordered", Latency::uniform(0, 40), Latency::uniform(0, 40), 0.6, true, 40,
         false},
        {"error responses, stalls, reordered", Latency::uniform(0, 100), Latency::uniform(0, 100), 0.3, true, 80, true},
    };
}

template <class Model, std::size_t B>
void run_scenario(Scenario const& sc, std::uint64_t salt) {
    std::uint64_t const seed = (std::uint64_t{Catch::rngSeed()} << 20) ^ salt;
    INFO(replay_hint());
    INFO(fmt::format("scenario: {}, {}-bit", sc.name, B * 8));
    DmaBench<Model, B> bench(sc, seed);
    bench.set_client_stall(sc.stall);
    bench.run(3'000'000);
    bench.check_final();
    auto const& st = bench.axi().stats();
    fmt::print(
        "rtl dma {:3}-bit {:<42} {:>8} cycles, {:>6} read bursts ({:>6} beats), {:>6} write bursts "
        "({:>6} beats), max in flight per ID rd {} wr {}, {} error bursts\n",
        B * 8, sc.name, bench.cycle(), st.read_bursts, st.read_beats, st.write_bursts, st.write_beats,
        st.max_reads_in_flight_by_id.empty()
            ? 0
            : std::max_element(st.max_reads_in_flight_by_id.begin(), st.max_reads_in_flight_by_id.end(),
                               [](auto& a, auto& b) { return a.second < b.second; })
                  ->second,
        st.max_writes_in_flight_by_id.empty()
            ? 0
            : std::max_element(st.max_writes_in_flight_by_id.begin(), st.max_writes_in_flight_by_id.end(),
                               [](auto& a, auto& b) { return a.second < b.second; })
                  ->second,
        st.error_bursts);
    if (sc.errors) CHECK(st.error_bursts > 0);
}

}  // namespace

TEST_CASE("random reads and writes from all clients, 64-bit data", "[dma][random]") {
    auto const all = scenarios();
    for (std::size_t i = 0; i < all.size(); ++i) {
        DYNAMIC_SECTION(all[i].name) {
            run_scenario<Vrtl_dma_w64, 8>(all[i], 0x640 + i);
        }
    }
}

TEST_CASE("random reads and writes from all clients, 512-bit data", "[dma][random]") {
    auto const all = scenarios();
    for (std::size_t i = 0; i < all.size(); ++i) {
        DYNAMIC_SECTION(all[i].name) {
            run_scenario<Vrtl_dma_w512, 64>(all[i], 0x5120 + i);
        }
    }
}

TEST_CASE("a far memory fills every client's MAX_BURSTS window", "[dma]") {
    Scenario sc{"latency 200, 9 KiB requests", Latency::fixed(200), Latency::fixed(200), 0.0, false, 12, false};
    INFO(replay_hint());
    DmaBench<Vrtl_dma_w64, 8> bench(sc, (std::uint64_t{Catch::rngSeed()} << 20) ^ 0x77);
    bench.run(3'000'000);
    bench.check_final();
    std::size_t best = 0;
    for (auto const& [id, n] : bench.axi().stats().max_reads_in_flight_by_id) best = std::max(best, n);
    CHECK(best == max_bursts);
}
