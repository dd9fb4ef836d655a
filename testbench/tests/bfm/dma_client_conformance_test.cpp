// The nic_dma client memory model against what it stands for: the verilated nic_dma behind the
// AXI4 memory model. One scripted client (one read port and one write port, as an engine has)
// sends the same requests to both, each world with its own latencies and stalls; what the client
// sees must be the same: every read's beats (the bytes it asked for, resp_last, resp_err), every
// write's response and error, and memory afterwards. Requests of any alignment and length,
// crossing 4 KiB pages (nic_dma splits those into bursts), strobes with holes, an error page.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <ostream>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "Vrtl_dma_w64.h"
#include "bfm/axi4_slave_mem.hpp"
#include "bfm/dma_client_memory.hpp"
#include "clock/signal_access.hpp"
#include "clock/verilated_model.hpp"
#include "tests/common/random.hpp"

namespace {

using namespace nicsim::bfm;
using nicsim::sim::get_bits;
using nicsim::sim::set_bits;

constexpr std::size_t B = 8;     // rtl_dma_w64: 64-bit data, three clients a direction
constexpr unsigned kClient = 1;  // the client index the script plays on nic_dma (not 0: its ID is 1)
constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kReadBase = 0x1'0000'0000, kReadSize = 16 * kPage;
constexpr std::uint64_t kWriteBase = 0x2'0000'0000, kWriteSize = 16 * kPage;
constexpr std::uint64_t kReadErrPage = kReadBase + 5 * kPage, kWriteErrPage = kWriteBase + 9 * kPage;

// One engine's read and write port, as the script drives and sees them.
struct Pins {
    std::uint8_t rd_req_valid = 0, rd_req_ready = 0;
    std::uint64_t rd_req_addr = 0;
    std::uint16_t rd_req_len = 0;
    std::uint8_t rd_resp_valid = 0, rd_resp_ready = 0, rd_resp_last = 0, rd_resp_err = 0;
    std::uint64_t rd_resp_data = 0;
    std::uint8_t wr_req_valid = 0, wr_req_ready = 0;
    std::uint64_t wr_req_addr = 0;
    std::uint16_t wr_req_len = 0;
    std::uint8_t wr_data_valid = 0, wr_data_ready = 0, wr_data_strb = 0, wr_data_last = 0;
    std::uint64_t wr_data = 0;
    std::uint8_t wr_resp_valid = 0, wr_resp_err = 0;
};

struct ReadReq {
    std::uint64_t addr;
    std::uint16_t len;
};
struct WriteReq {
    std::uint64_t addr;
    std::uint16_t len;
    std::vector<std::uint64_t> data;  // a word per beat
    std::vector<std::uint8_t> strb;   // within the request's bytes of the beat, holes allowed
};

std::uint32_t beats_of(std::uint64_t addr, std::uint32_t len) {
    return static_cast<std::uint32_t>((addr % B + len + B - 1) / B);
}
// The lanes of beat n that hold bytes of the request, as a byte mask of a 64-bit word.
std::uint64_t request_lanes(std::uint64_t addr, std::uint32_t len, std::uint32_t n) {
    std::uint64_t const beat_lo = (addr & ~std::uint64_t{B - 1}) + std::uint64_t{n} * B;
    std::uint64_t const lo = std::max(addr, beat_lo), hi = std::min(addr + len, beat_lo + B);
    std::uint64_t mask = 0;
    for (std::uint64_t a = lo; a < hi; ++a) mask |= std::uint64_t{0xFF} << (8 * (a - beat_lo));
    return mask;
}

// A request that lies wholly inside or wholly outside the error page (the model answers a
// request as a whole; nic_dma answers each burst, so a request half in the page differs).
bool straddles(std::uint64_t addr, std::uint32_t len, std::uint64_t page) {
    bool const in_lo = addr >= page && addr < page + kPage;
    bool const in_hi = addr + len - 1 >= page && addr + len - 1 < page + kPage;
    bool const around = addr < page && addr + len > page + kPage;
    return in_lo != in_hi || around;
}

struct Script {
    std::vector<ReadReq> reads;
    std::vector<WriteReq> writes;
};

Script make_script(std::mt19937_64& rng, int n) {
    auto len_draw = [&] {
        auto const u = rng() % 8;
        return static_cast<std::uint16_t>(u < 3 ? 1 + rng() % 16 : u < 6 ? 1 + rng() % 600 : 1 + rng() % 5000);
    };
    auto addr_draw = [&](std::uint64_t base, std::uint64_t size, std::uint16_t len) {
        std::uint64_t off = rng() % (size - len);
        if (rng() % 3 == 0) {  // just below a page boundary: crosses it
            std::uint64_t const boundary = (1 + rng() % (size / kPage - 1)) * kPage;
            off = std::min(boundary - std::min<std::uint64_t>(boundary, rng() % (len + 2 * B)), size - len);
        }
        return base + off;
    };
    Script s;
    while (static_cast<int>(s.reads.size()) < n) {
        auto const len = len_draw();
        auto const addr = addr_draw(kReadBase, kReadSize, len);
        if (!straddles(addr, len, kReadErrPage)) s.reads.push_back({addr, len});
    }
    while (static_cast<int>(s.writes.size()) < n) {
        WriteReq w;
        w.len = len_draw();
        w.addr = addr_draw(kWriteBase, kWriteSize, w.len);
        if (straddles(w.addr, w.len, kWriteErrPage)) continue;
        for (std::uint32_t b = 0; b < beats_of(w.addr, w.len); ++b) {
            std::uint64_t const lanes = request_lanes(w.addr, w.len, b);
            std::uint8_t strb = 0;
            for (unsigned i = 0; i < B; ++i)
                if (((lanes >> (8 * i)) & 1) && rng() % 8 != 0) strb |= static_cast<std::uint8_t>(1u << i);
            w.data.push_back(rng());
            w.strb.push_back(strb);
        }
        s.writes.push_back(std::move(w));
    }
    return s;
}

// What the client saw.
struct Seen {
    struct Beat {
        std::uint64_t data;  // the request's lanes only (the rest is undefined)
        bool last, err;
        bool operator==(Beat const&) const = default;
    };
    std::vector<std::vector<Beat>> reads;  // per read request, its beats
    std::vector<bool> write_errs;          // per write request, its response
};

std::ostream& operator<<(std::ostream& os, Seen::Beat const& b) {
    return os << fmt::format("{{{:016x}{}{}}}", b.data, b.last ? " last" : "", b.err ? " err" : "");
}

// The client: offers the script's requests in order, each write's beats after (or with) its
// request, resp_ready and its own valids stalled at random. Drives only from its own state.
class Client {
public:
    Client(Script const& s, std::uint64_t seed, double stall) : s_(s), rng_(seed), stall_(stall) {}

    void drive(Pins& p) {
        p.rd_req_valid = rd_next_ < s_.reads.size();
        if (p.rd_req_valid) {
            p.rd_req_addr = s_.reads[rd_next_].addr;
            p.rd_req_len = s_.reads[rd_next_].len;
        }
        p.rd_resp_ready = !stall();
        p.wr_req_valid = wr_next_ < s_.writes.size();
        if (p.wr_req_valid) {
            p.wr_req_addr = s_.writes[wr_next_].addr;
            p.wr_req_len = s_.writes[wr_next_].len;
        }
        // A beat once offered stays until taken; the next one may wait a cycle at random.
        if (!p.wr_data_valid && data_req_ < s_.writes.size() && data_req_ <= wr_next_ && !stall()) {
            WriteReq const& w = s_.writes[data_req_];
            p.wr_data_valid = 1;
            p.wr_data = w.data[data_beat_];
            p.wr_data_strb = w.strb[data_beat_];
            p.wr_data_last = data_beat_ + 1 == w.data.size();
        }
    }

    void observe(Pins& p) {
        if (p.rd_req_valid && p.rd_req_ready) ++rd_next_;
        if (p.rd_resp_valid && p.rd_resp_ready) {
            if (!rd_open_) seen.reads.emplace_back();
            rd_open_ = true;
            ReadReq const& r = s_.reads[seen.reads.size() - 1];  // answered in request order
            auto& beats = seen.reads.back();
            std::uint64_t const mask = request_lanes(r.addr, r.len, static_cast<std::uint32_t>(beats.size()));
            beats.push_back({p.rd_resp_err ? 0 : p.rd_resp_data & mask, p.rd_resp_last != 0, p.rd_resp_err != 0});
            if (p.rd_resp_last) rd_open_ = false;
        }
        if (p.wr_req_valid && p.wr_req_ready) ++wr_next_;
        if (p.wr_data_valid && p.wr_data_ready) {
            p.wr_data_valid = 0;
            if (++data_beat_ == s_.writes[data_req_].data.size()) {
                ++data_req_;
                data_beat_ = 0;
            }
        }
        if (p.wr_resp_valid) seen.write_errs.push_back(p.wr_resp_err != 0);
    }

    bool done() const {
        return rd_next_ == s_.reads.size() && seen.reads.size() == s_.reads.size() && !rd_open_ &&
               seen.write_errs.size() == s_.writes.size();
    }

    Seen seen;

private:
    bool stall() { return stall_ > 0.0 && unit_draw(rng_) < stall_; }

    Script const& s_;
    std::mt19937_64 rng_;
    double stall_;
    std::size_t rd_next_ = 0, wr_next_ = 0;  // next request to offer
    std::size_t data_req_ = 0, data_beat_ = 0;
    bool rd_open_ = false;  // a read's beats are coming
};

// Both worlds start from the same memory image.
void fill(SparseMemory& mem, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (std::uint64_t a = kReadBase; a < kReadBase + kReadSize; a += 8) mem.write_u64(a, rng());
    for (std::uint64_t a = kWriteBase; a < kWriteBase + kWriteSize; a += 8) mem.write_u64(a, rng());
}

struct Knobs {
    std::uint32_t lat_min, lat_max;
    double stall;
};

// The script through nic_dma (client kClient) and the AXI4 memory model.
Seen run_nic_dma(Script const& s, Knobs k, std::uint64_t seed, SparseMemory& mem) {
    nicsim::sim::ModelBench<Vrtl_dma_w64> top;
    std::mt19937_64 rng(seed);
    Axi4SlaveMemConfig cfg;
    cfg.read_latency = cfg.write_latency = Latency::uniform(k.lat_min, k.lat_max);
    cfg.set_all_pauses(k.stall);
    cfg.error_ranges.push_back({kReadErrPage, kReadErrPage + kPage, axi4::resp_slverr});
    cfg.error_ranges.push_back({kWriteErrPage, kWriteErrPage + kPage, axi4::resp_decerr});
    Axi4SlaveMem<B> axi(Axi4Port::of_master(*top), mem, rng, cfg);
    top.reset(4);
    Client client(s, seed + 1, k.stall);
    Pins p;
    auto& m = *top;
    for (std::uint64_t c = 0; c < 400'000 && !client.done(); ++c) {
        client.drive(p);
        set_bits(m.rd_req_valid, kClient, 1, p.rd_req_valid);
        set_bits(m.rd_req_addr, 64 * kClient, 64, p.rd_req_addr);
        set_bits(m.rd_req_len, 16 * kClient, 16, p.rd_req_len);
        set_bits(m.rd_resp_ready, kClient, 1, p.rd_resp_ready);
        set_bits(m.wr_req_valid, kClient, 1, p.wr_req_valid);
        set_bits(m.wr_req_addr, 64 * kClient, 64, p.wr_req_addr);
        set_bits(m.wr_req_len, 16 * kClient, 16, p.wr_req_len);
        set_bits(m.wr_data_valid, kClient, 1, p.wr_data_valid);
        set_bits(m.wr_data, 64 * kClient, 64, p.wr_data);
        set_bits(m.wr_data_strb, B * kClient, B, p.wr_data_strb);
        set_bits(m.wr_data_last, kClient, 1, p.wr_data_last);
        axi.drive();
        // nic_dma's client outputs are registers: this cycle's values without a settle
        p.rd_req_ready = static_cast<std::uint8_t>(get_bits(m.rd_req_ready, kClient, 1));
        p.rd_resp_valid = static_cast<std::uint8_t>(get_bits(m.rd_resp_valid, kClient, 1));
        p.rd_resp_data = get_bits(m.rd_resp_data, 64 * kClient, 64);
        p.rd_resp_last = static_cast<std::uint8_t>(get_bits(m.rd_resp_last, kClient, 1));
        p.rd_resp_err = static_cast<std::uint8_t>(get_bits(m.rd_resp_err, kClient, 1));
        p.wr_req_ready = static_cast<std::uint8_t>(get_bits(m.wr_req_ready, kClient, 1));
        p.wr_data_ready = static_cast<std::uint8_t>(get_bits(m.wr_data_ready, kClient, 1));
        p.wr_resp_valid = static_cast<std::uint8_t>(get_bits(m.wr_resp_valid, kClient, 1));
        p.wr_resp_err = static_cast<std::uint8_t>(get_bits(m.wr_resp_err, kClient, 1));
        client.observe(p);
        top.edge();
        axi.observe();
    }
    REQUIRE(client.done());
    return client.seen;
}

// The same script through DmaClientMemory, bound by hand to the pins.
Seen run_model(Script const& s, Knobs k, std::uint64_t seed, SparseMemory& mem) {
    Pins p;
    std::mt19937_64 rng(seed);
    DmaClientMemory<B> dma(mem, rng);
    DmaClientConfig cfg;
    cfg.latency = Latency::uniform(k.lat_min, k.lat_max);
    cfg.set_all_pauses(k.stall);
    DmaReadPort rd;
    rd.req_valid = p.rd_req_valid;
    rd.req_ready = p.rd_req_ready;
    rd.req_addr = p.rd_req_addr;
    rd.req_len = p.rd_req_len;
    rd.resp_valid = p.rd_resp_valid;
    rd.resp_ready = p.rd_resp_ready;
    rd.resp_data = p.rd_resp_data;
    rd.resp_last = p.rd_resp_last;
    rd.resp_err = p.rd_resp_err;
    DmaWritePort wr;
    wr.req_valid = p.wr_req_valid;
    wr.req_ready = p.wr_req_ready;
    wr.req_addr = p.wr_req_addr;
    wr.req_len = p.wr_req_len;
    wr.data_valid = p.wr_data_valid;
    wr.data_ready = p.wr_data_ready;
    wr.data = p.wr_data;
    wr.data_strb = p.wr_data_strb;
    wr.data_last = p.wr_data_last;
    wr.resp_valid = p.wr_resp_valid;
    wr.resp_err = p.wr_resp_err;
    cfg.error_ranges = {{kReadErrPage, kReadErrPage + kPage}};
    dma.add_read_client("rd", rd, cfg);
    cfg.error_ranges = {{kWriteErrPage, kWriteErrPage + kPage}};
    dma.add_write_client("wr", wr, cfg);
    Client client(s, seed + 1, k.stall);
    for (std::uint64_t c = 0; c < 400'000 && !client.done(); ++c) {
        client.drive(p);
        dma.drive();
        dma.sample();  // before the client's observe(), which already sets next cycle's outputs
        client.observe(p);
    }
    REQUIRE(client.done());
    return client.seen;
}

}  // namespace

TEST_CASE("the client memory model shows a client what nic_dma and the AXI4 memory show it", "[bfm][dma]") {
    NICSIM_REPLAY_INFO();
    auto rng = nicsim::rtltest::test_rng(0xD3A);
    Knobs k{0, 0, 0.0};
    SECTION("no latency, no stalls") {
        k = {0, 0, 0.0};
    }
    SECTION("random latency and stalls on every channel and at the client") {
        k = {0, 60, 0.3};
    }
    Script const s = make_script(rng, 150);
    std::uint64_t const seed = rng();
    SparseMemory dma_mem, model_mem;
    fill(dma_mem, seed);
    fill(model_mem, seed);
    Seen const want = run_nic_dma(s, k, seed, dma_mem);
    Seen const got = run_model(s, k, seed + 2, model_mem);

    // Every read: same beats, same bytes asked for, last and err in the same places.
    REQUIRE(got.reads.size() == want.reads.size());
    std::size_t err_reads = 0;
    for (std::size_t i = 0; i < want.reads.size(); ++i) {
        INFO(fmt::format("read {}: {:#x}+{}", i, s.reads[i].addr, s.reads[i].len));
        REQUIRE(got.reads[i].size() == beats_of(s.reads[i].addr, s.reads[i].len));
        CHECK(got.reads[i] == want.reads[i]);
        err_reads += want.reads[i].front().err;
    }
    // Every write: one response each, errors alike, memory alike byte for byte.
    CHECK(got.write_errs == want.write_errs);
    std::size_t const err_writes =
        static_cast<std::size_t>(std::count(want.write_errs.begin(), want.write_errs.end(), true));
    auto const a = dma_mem.read(kWriteBase, kWriteSize), b = model_mem.read(kWriteBase, kWriteSize);
    std::size_t first_diff = 0;
    while (first_diff < a.size() && a[first_diff] == b[first_diff]) ++first_diff;
    INFO(fmt::format("first difference at {:#x}", kWriteBase + first_diff));
    CHECK(first_diff == a.size());
    // The script reached the error pages, and the writes changed memory.
    CHECK(err_reads > 0);
    CHECK(err_writes > 0);
    SparseMemory untouched;
    fill(untouched, seed);
    CHECK(untouched.read(kWriteBase, kWriteSize) != a);
}
