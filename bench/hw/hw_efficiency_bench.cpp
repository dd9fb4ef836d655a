// Hardware efficiency of the whole nic_top: how close TX and RX come to the datapath's capacity
// of one stream beat per cycle, per frame size and host memory latency.
//
//   hw_efficiency_bench [--config dw64_q4,dw512_q4] [--sizes 64,128,256,512,1518,9000]
//                       [--latency 0,200] [--frames N] [--warmup N] [--direction tx|rx|both]
//                       [--tx-offset BYTES] [--seed S] [--trace PREFIX]
//
// --trace PREFIX writes one FST per measurement, PREFIX-<config>-<dir>-<bytes>-<latency>.fst (slow:
// use it with one size and a few --frames, to see where a gap comes from).
// It measures the hardware, not the driver: the benchmark is the software. It programs queue 0's
// rings through the MMIO bus (register offsets and descriptor/completion encodings from
// nic_contract.hpp, descriptors built and stored with the driver's own encoders), posts every
// descriptor of the run before it starts (rings of 2^k >= frames + 1 entries: the rings stay full,
// so frames are offered back to back), and lets the real verilated model run against the host
// memory model (read and write latency as given, 1024 bursts accepted in flight, so memory is
// never the limit) and AXI-Stream BFMs that never pause.
//
// TX: one descriptor per frame; duty = cycles with a beat on m_axis_tx / cycles from the first beat
// of frame `warmup` to the last beat of the last frame. RX: the source offers all frames back to
// back on s_axis_rx (no idle cycles); duty likewise from the handshakes. Every frame is exactly
// ceil(L/B) beats (checked), so the duty is also the fraction of the ideal ceil(L/B) beats per
// frame without gaps; "bytes" is payload bytes / (cycles * B).
//
// Honest: every frame must arrive intact (TX: the bytes on the wire equal the buffer, one
// completion per frame with status OK, length L, the right index; RX: the buffer holds the frame,
// one completion per frame, no drops, no errors). Any mismatch ends the run with a message and
// exit code 1. Missed targets are reported, not failed: this is a measurement.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <nic_contract.hpp>
#include <nicsim/driver/descriptors.hpp>

#include "../common/harness.hpp"
#include "bfm/axis_sink.hpp"
#include "bfm/axis_source.hpp"
#include "dut/dut.hpp"
#include "host/host.hpp"
#include "sim/kernel.hpp"

namespace c = nicsim::contract;
namespace hb = nicsim::bench;
using namespace nicsim;

namespace {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct IntegrityError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class Direction { tx, rx };

struct Options {
    std::vector<std::string> configs;
    std::vector<std::uint32_t> sizes{64, 128, 256, 512, 1518, 9000};
    std::vector<std::uint32_t> latencies{0, 200};
    std::uint32_t frames = 0;  // 0: per size, enough bytes to fill every FIFO many times (frames_for)
    std::uint32_t warmup = 0;  // 0: a quarter of the frames
    bool tx = true, rx = true;
    std::uint32_t tx_offset = 0;
    std::uint64_t seed = 1;
    std::string trace_prefix;
};

struct Result {
    std::uint64_t window_cycles = 0;  // first beat of frame `warmup` .. last beat of the last frame
    std::uint64_t beats = 0;          // beats in the window
    std::uint64_t bytes = 0;          // payload bytes in the window
    std::uint64_t frames = 0;         // frames in the window
    bool absorbed = false;            // RX: never back-pressured, the frame FIFO took the difference
};

std::vector<std::string> split(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t const comma = s.find(',', start);
        std::size_t const end = comma == std::string_view::npos ? s.size() : comma;
        if (end > start) out.emplace_back(s.substr(start, end - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

std::uint64_t parse_number(std::string const& text, char const* option, std::uint64_t lo, std::uint64_t hi) {
    char* end = nullptr;
    errno = 0;
    unsigned long long const v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || text[0] == '-' || v < lo || v > hi)
        throw UsageError(fmt::format("{}: '{}' is not a number in {}..{}", option, text, lo, hi));
    return v;
}

std::vector<std::uint32_t> parse_list(std::string const& text, char const* option, std::uint64_t lo, std::uint64_t hi) {
    std::vector<std::uint32_t> out;
    for (auto const& item : split(text)) out.push_back(static_cast<std::uint32_t>(parse_number(item, option, lo, hi)));
    if (out.empty()) throw UsageError(fmt::format("{}: empty list", option));
    return out;
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            fmt::print("usage: hw_efficiency_bench [--config a,b] [--sizes 64,...] [--latency 0,200] [--frames N]\n"
                       "                           [--warmup N] [--direction tx|rx|both] [--tx-offset BYTES] [--seed S]\n");
            std::exit(0);
        }
        if (i + 1 >= argc) throw UsageError(fmt::format("{}: missing value (or unknown option)", arg));
        std::string const value = argv[++i];
        if (arg == "--config") {
            o.configs = split(value);
        } else if (arg == "--sizes") {
            o.sizes = parse_list(value, "--sizes", 60, c::MAX_FRAME_BYTES);
        } else if (arg == "--latency") {
            o.latencies = parse_list(value, "--latency", 0, 100'000);
        } else if (arg == "--frames") {
            o.frames = static_cast<std::uint32_t>(parse_number(value, "--frames", 2, 32'767));
        } else if (arg == "--warmup") {
            o.warmup = static_cast<std::uint32_t>(parse_number(value, "--warmup", 0, 32'766));
        } else if (arg == "--direction") {
            if (value != "tx" && value != "rx" && value != "both")
                throw UsageError(fmt::format("--direction: '{}' is not tx, rx or both", value));
            o.tx = value != "rx";
            o.rx = value != "tx";
        } else if (arg == "--tx-offset") {
            o.tx_offset = static_cast<std::uint32_t>(parse_number(value, "--tx-offset", 0, 4095));
        } else if (arg == "--trace") {
            o.trace_prefix = value;
        } else if (arg == "--seed") {
            o.seed = parse_number(value, "--seed", 0, ~std::uint64_t{0});
        } else {
            throw UsageError(fmt::format("unknown option '{}'", arg));
        }
    }
    if (o.frames && o.warmup >= o.frames)
        throw UsageError(fmt::format("--warmup {} must be below --frames {}", o.warmup, o.frames));
    auto const built = dut::dut_config_names();
    if (o.configs.empty()) o.configs = built;
    for (auto const& name : o.configs)
        if (std::find(built.begin(), built.end(), name) == built.end())
            throw UsageError(fmt::format("--config: '{}' is not built into this binary (built: {})", name,
                                         fmt::join(built, ", ")));
    return o;
}

std::uint32_t round_up(std::uint64_t v, std::uint64_t to) { return static_cast<std::uint32_t>((v + to - 1) / to * to); }

unsigned ring_log2_for(std::uint32_t entries) {
    unsigned log2 = 4;
    while ((1u << log2) < entries) ++log2;
    return log2;
}

/// The first cycle (in the RX source's count) at which s_axis_rx had a beat waiting and tready low:
/// from then on the NIC's buffers are full and the input runs at the rate the NIC sustains.
class RxStallMonitor : public sim::Agent {
public:
    RxStallMonitor(dut::AxisPort const& port, bfm::AxisSource const& source) : port_(port), source_(source) {}
    void drive() override {
        if (!first_stall_ && (port_.tvalid.get() & 1u) && !(port_.tready.get() & 1u)) first_stall_ = source_.cycle();
    }
    void observe() override {}
    std::optional<std::uint64_t> first_stall() const { return first_stall_; }

private:
    dut::AxisPort port_;
    bfm::AxisSource const& source_;
    std::optional<std::uint64_t> first_stall_;
};

/// One NIC, host and pair of stream BFMs, out of reset, for one measurement.
class Bench {
public:
    Bench(std::string const& config, std::uint32_t latency, std::size_t memory_bytes, std::uint64_t seed,
          std::string const& trace_path)
        : dut_(dut::make_dut(config)),
          kernel_(*dut_, sim::KernelConfig{.seed = seed, .watchdog_cycles = 0}),
          lanes_(dut_->config().data_bytes()) {
        auto& ports = dut_->ports();
        source_ = std::make_unique<bfm::AxisSource>(dut_->stream_port(ports.s_axis_rx, "s_axis_rx"),
                                                    kernel_.rng(), bfm::AxisSourceConfig{});
        sink_ = std::make_unique<bfm::AxisSink>(dut_->stream_port(ports.m_axis_tx, "m_axis_tx"),
                                                kernel_.rng(), bfm::AxisSinkConfig{});
        source_->keep_sent(false);
        sink_->keep(false);
        kernel_.add_bfm(*source_);
        stall_ = std::make_unique<RxStallMonitor>(ports.s_axis_rx, *source_);
        kernel_.add_agent(*stall_);  // after the source: sees this cycle's tvalid
        kernel_.add_bfm(*sink_);
        host::HostConfig hc;
        hc.memory.size_bytes = (memory_bytes + (1u << 20) + 4095) / 4096 * 4096;
        hc.memory.axi.read_latency = bfm::Latency::fixed(latency);
        hc.memory.axi.write_latency = bfm::Latency::fixed(latency);
        hc.memory.axi.max_reads = 1024;
        hc.memory.axi.max_writes = 1024;
        hc.mmio.throw_on_error = true;
        host_ = std::make_unique<host::Host>(kernel_, hc);
        if (!trace_path.empty()) dut_->open_trace(trace_path);
        kernel_.reset();
    }

    std::uint32_t lanes() const { return lanes_; }
    sim::Kernel& kernel() { return kernel_; }
    host::Host& host() { return *host_; }
    bfm::AxisSource& source() { return *source_; }
    bfm::AxisSink& sink() { return *sink_; }
    RxStallMonitor const& rx_stall() const { return *stall_; }

    ringlib::DmaBlock allocate(std::size_t bytes, std::size_t align = 64) {
        auto block = host_->memory.arena().allocate(bytes, align);
        std::memset(block.virtual_address, 0, bytes);
        return block;
    }

    /// Program, enable and ring the doorbell of queue 0's TX or RX ring.
    void start_ring(std::uint8_t ring, ringlib::DmaBlock const& descs, ringlib::DmaBlock const& cpls, unsigned log2,
                    std::uint32_t prod) {
        auto reg = [&](std::uint8_t offset) { return c::queue_reg(0, ring, offset); };
        auto& mmio = host_->mmio;
        mmio.write32(reg(c::RING_BASE_LO), static_cast<std::uint32_t>(descs.logical_address));
        mmio.write32(reg(c::RING_BASE_HI), static_cast<std::uint32_t>(descs.logical_address >> 32));
        mmio.write32(reg(c::RING_CPL_BASE_LO), static_cast<std::uint32_t>(cpls.logical_address));
        mmio.write32(reg(c::RING_CPL_BASE_HI), static_cast<std::uint32_t>(cpls.logical_address >> 32));
        mmio.write32(reg(c::RING_SIZE_LOG2), static_cast<std::uint32_t>(c::RING_SIZE_LOG2_LOG2.put(0, log2)));
        mmio.write32(reg(c::RING_CTRL), static_cast<std::uint32_t>(c::RING_CTRL_ENABLE.put(0, 1)));
        mmio.write_barrier();
        mmio.write32(reg(c::RING_PROD), static_cast<std::uint32_t>(c::RING_PROD_INDEX.put(0, prod)));
        mmio.flush();
    }

    std::uint32_t read_reg(std::uint8_t ring, std::uint8_t offset) {
        return host_->mmio.read32(c::queue_reg(0, ring, offset));
    }

private:
    std::unique_ptr<dut::Dut> dut_;
    sim::Kernel kernel_;
    std::uint32_t lanes_;
    std::unique_ptr<bfm::AxisSource> source_;
    std::unique_ptr<RxStallMonitor> stall_;
    std::unique_ptr<bfm::AxisSink> sink_;
    std::unique_ptr<host::Host> host_;
};

std::string trace_path(Options const& o, std::string const& config, char const* dir, std::uint32_t size,
                       std::uint32_t latency) {
    if (o.trace_prefix.empty()) return {};
    return fmt::format("{}-{}-{}-{}-{}.fst", o.trace_prefix, config, dir, size, latency);
}

std::vector<std::uint8_t> make_frame(std::mt19937_64& rng, std::uint32_t bytes) {
    std::vector<std::uint8_t> f(bytes);
    for (std::size_t i = 0; i < bytes; i += 8) {
        std::uint64_t const r = rng();
        std::memcpy(f.data() + i, &r, std::min<std::size_t>(8, bytes - i));
    }
    return f;
}

std::uint64_t wait_limit(std::uint32_t frames, std::uint32_t beats_per_frame, std::uint32_t latency) {
    return 64ull * frames * beats_per_frame + 64ull * frames + 20ull * latency + 20'000;
}

void require(bool ok, std::string const& what) {
    if (!ok) throw IntegrityError(what);
}

/// Frame boundaries seen on a stream port, in BFM cycles, plus beats so far at each frame's end.
struct FrameTimes {
    std::vector<std::uint64_t> first, last, beats_after;

    Result window(std::uint32_t warmup, std::uint32_t frame_bytes) const {
        Result r;
        std::size_t const n = first.size();
        r.window_cycles = last[n - 1] - first[warmup] + 1;
        r.beats = beats_after[n - 1] - (warmup ? beats_after[warmup - 1] : 0);
        r.frames = n - warmup;
        r.bytes = r.frames * frame_bytes;
        return r;
    }
};

Result run_tx(std::string const& config, std::uint32_t size, std::uint32_t latency, std::uint32_t frames,
              std::uint32_t warmup, Options const& o) {
    std::uint32_t const stride = round_up(size + o.tx_offset, 64);
    unsigned const log2 = ring_log2_for(frames + 1);
    std::size_t const ring_bytes = std::size_t{c::DESC_BYTES} << log2;
    Bench b(config, latency, std::size_t{stride} * frames + 2 * ring_bytes, o.seed, trace_path(o, config, "tx", size, latency));
    std::uint32_t const beats_per_frame = (size + b.lanes() - 1) / b.lanes();

    auto descs = b.allocate(ring_bytes, 4096);
    auto cpls = b.allocate(ring_bytes, 4096);
    auto data = b.allocate(std::size_t{stride} * frames, 4096);
    std::mt19937_64 rng(o.seed);
    std::vector<std::vector<std::uint8_t>> sent;
    auto* slots = static_cast<std::uint8_t*>(descs.virtual_address);
    for (std::uint32_t i = 0; i < frames; ++i) {
        sent.push_back(make_frame(rng, size));
        std::size_t const at = std::size_t{stride} * i + o.tx_offset;
        std::memcpy(static_cast<std::uint8_t*>(data.virtual_address) + at, sent.back().data(), size);
        auto const d = driver::make_tx_descriptor(data.logical_address + at, size, true, nullptr);
        driver::store_descriptor(slots + std::size_t{i} * c::DESC_BYTES, d);
    }

    FrameTimes t;
    std::uint32_t seen = 0;
    std::string mismatch;
    b.sink().on_frame([&](wire::Frame const& f) {
        if (mismatch.empty() && (seen >= frames || f.bytes != sent[seen] || f.bad))
            mismatch = fmt::format("TX frame {} on m_axis_tx: {} bytes{}, expected {} bytes as posted", seen,
                                   f.bytes.size(), f.bad ? " (tuser set)" : "", size);
        t.first.push_back(*f.first_beat_cycle);
        t.last.push_back(*f.last_beat_cycle);
        t.beats_after.push_back(b.sink().beats_received());
        ++seen;
    });
    b.start_ring(c::QREG_TX, descs, cpls, log2, frames);

    auto const* cpl_slots = static_cast<std::uint8_t const*>(cpls.virtual_address);
    auto last_cpl_written = [&] {
        return driver::read_tx_completion(cpl_slots + std::size_t{frames - 1} * c::CPL_BYTES, true).has_value();
    };
    b.kernel().run_until([&] { return seen >= frames && last_cpl_written(); },
                         wait_limit(frames, beats_per_frame, latency), "every TX frame and its completion");
    b.kernel().step(std::uint64_t{4} * beats_per_frame + 64);  // anything extra would show now

    require(mismatch.empty(), mismatch);
    require(seen == frames, fmt::format("TX: {} frames on the wire, {} posted", seen, frames));
    for (std::uint32_t i = 0; i < frames; ++i) {
        auto const cpl = driver::read_tx_completion(cpl_slots + std::size_t{i} * c::CPL_BYTES, true);
        require(cpl.has_value(), fmt::format("TX completion {} not written", i));
        require(cpl->status == c::cpl_status_e::CPL_OK && cpl->len == size && cpl->last_desc == i && cpl->desc_count == 1,
                fmt::format("TX completion {}: status {} len {} last_desc {} desc_count {}", i,
                            static_cast<unsigned>(cpl->status), cpl->len, cpl->last_desc, cpl->desc_count));
    }
    require(b.read_reg(c::QREG_TX, c::RING_ERR) == 0, "TX ring in error");
    require(b.read_reg(c::QREG_TX, c::RING_CONS) == frames, "TX RING_CONS did not reach the producer index");
    Result r = t.window(warmup, size);
    require(r.beats == std::uint64_t{r.frames} * beats_per_frame,
            fmt::format("TX: {} beats for {} frames of {} beats", r.beats, r.frames, beats_per_frame));
    return r;
}

Result run_rx(std::string const& config, std::uint32_t size, std::uint32_t latency, std::uint32_t frames,
              std::uint32_t warmup, Options const& o) {
    std::uint32_t const capacity = round_up(size, c::RX_BUF_ALIGN_BYTES);
    unsigned const log2 = ring_log2_for(frames + 1);
    std::size_t const ring_bytes = std::size_t{c::DESC_BYTES} << log2;
    Bench b(config, latency, std::size_t{capacity} * frames + 2 * ring_bytes, o.seed, trace_path(o, config, "rx", size, latency));
    std::uint32_t const beats_per_frame = (size + b.lanes() - 1) / b.lanes();

    auto descs = b.allocate(ring_bytes, 4096);
    auto cpls = b.allocate(ring_bytes, 4096);
    auto data = b.allocate(std::size_t{capacity} * frames, 4096);
    auto* slots = static_cast<std::uint8_t*>(descs.virtual_address);
    for (std::uint32_t i = 0; i < frames; ++i) {
        auto const placement =
            driver::rx_buffer_placement(data.logical_address + std::size_t{capacity} * i, 0, capacity);
        require(placement.usable_bytes == capacity, "RX buffer placement lost bytes");
        driver::store_descriptor(slots + std::size_t{i} * c::DESC_BYTES, driver::make_rx_descriptor(placement));
    }
    b.start_ring(c::QREG_RX, descs, cpls, log2, frames);
    b.kernel().step(std::uint64_t{2} * latency + 200);  // the NIC fetched its first buffers: it is running

    std::mt19937_64 rng(o.seed);
    std::vector<std::vector<std::uint8_t>> sent;
    for (std::uint32_t i = 0; i < frames; ++i) {
        sent.push_back(make_frame(rng, size));
        wire::Frame f;
        f.bytes = sent.back();
        b.source().send(std::move(f));
    }
    FrameTimes t;
    b.source().on_sent([&](wire::Frame const& f) {
        t.first.push_back(*f.first_beat_cycle);
        t.last.push_back(*f.last_beat_cycle);
        t.beats_after.push_back(b.source().beats_sent());
    });
    auto const* cpl_slots = static_cast<std::uint8_t const*>(cpls.virtual_address);
    b.kernel().run_until(
        [&] {
            return b.source().idle() &&
                   driver::read_rx_completion(cpl_slots + std::size_t{frames - 1} * c::CPL_BYTES, true).has_value();
        },
        wait_limit(frames, beats_per_frame, latency), "every RX frame offered and its completion");
    b.kernel().step(64);

    require(t.first.size() == frames, fmt::format("RX: {} frames offered of {}", t.first.size(), frames));
    for (std::uint32_t i = 0; i < frames; ++i) {
        auto const cpl = driver::read_rx_completion(cpl_slots + std::size_t{i} * c::CPL_BYTES, true);
        require(cpl.has_value(), fmt::format("RX completion {} not written", i));
        require(cpl->status == c::cpl_status_e::CPL_OK && cpl->len == size && cpl->first_buf == i && cpl->buf_count == 1,
                fmt::format("RX completion {}: status {} len {} first_buf {} buf_count {}", i,
                            static_cast<unsigned>(cpl->status), cpl->len, cpl->first_buf, cpl->buf_count));
        auto const* got = static_cast<std::uint8_t const*>(data.virtual_address) + std::size_t{capacity} * i;
        require(std::memcmp(got, sent[i].data(), size) == 0, fmt::format("RX frame {}: buffer differs from the frame sent", i));
    }
    require(b.read_reg(c::QREG_RX, c::RING_ERR) == 0, "RX ring in error");
    require(b.read_reg(c::QREG_RX, c::RING_STAT_DROPS) == 0, "RX frames dropped");
    require(b.read_reg(c::QREG_RX, c::RING_STAT_PKTS) == frames, "RX RING_STAT_PKTS differs from the frames sent");
    // The frame FIFO (2 x 9216 bytes) takes the first frames faster than memory drains them, so
    // the window starts with the first frame after the first back-pressure (then the FIFO is
    // full and the input runs at the NIC's sustained rate), unless that leaves too few frames.
    std::uint32_t start = warmup;
    if (auto const stall = b.rx_stall().first_stall()) {
        auto const after = std::upper_bound(t.first.begin(), t.first.end(), *stall);
        auto const index = static_cast<std::uint32_t>(after - t.first.begin());
        start = std::max(start, index);
        require(start + 16 <= frames, fmt::format("RX: first back-pressure at frame {} of {}: run more frames "
                                                  "(--frames) for a steady-state window", index, frames));
    }
    Result r = t.window(start, size);
    r.absorbed = !b.rx_stall().first_stall().has_value();
    require(r.beats == std::uint64_t{r.frames} * beats_per_frame,
            fmt::format("RX: {} beats for {} frames of {} beats", r.beats, r.frames, beats_per_frame));
    return r;
}

/// Frames per run: 2 MiB of them, 256 to 32767 (the RX frame FIFO holds 18 KiB, the TX one 32 KiB,
/// so the measured window is many FIFOs long; RX at 64 bytes back-pressures within 100 KiB).
std::uint32_t frames_for(std::uint32_t size) {
    return std::clamp<std::uint32_t>((2u << 20) / size, 256, 32767);
}

/// The targets: 95% from 256 bytes up, 85% at 64 bytes (stated at latency 200; applied
/// to both latencies). None is stated for 128 bytes.
std::optional<double> target_for(std::uint32_t size) {
    if (size >= 256) return 0.95;
    if (size == 64) return 0.85;
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    try {
        o = parse_options(argc, argv);
    } catch (UsageError const& e) {
        fmt::print(stderr, "hw_efficiency_bench: {}\n", e.what());
        return 2;
    }
    auto const env = hb::environment(argc, argv);
    fmt::print("hw_efficiency_bench: {} ({}), {} cpus, seed {}, tx offset {}\n", env.command_line, env.build_type,
               env.cpus, o.seed, o.tx_offset);
    fmt::print("{:<9} {:<3} {:>6} {:>7} {:>6} {:>9} {:>7} {:>7} {:>7}  {}\n", "config", "dir", "bytes", "latency",
               "frames", "cycles", "duty", "bytes", "target", "verdict");
    int missed = 0;
    int absorbed = 0;
    for (auto const& config : o.configs) {
        for (Direction dir : {Direction::tx, Direction::rx}) {
            if ((dir == Direction::tx && !o.tx) || (dir == Direction::rx && !o.rx)) continue;
            for (auto size : o.sizes) {
                std::uint32_t const frames = o.frames ? o.frames : frames_for(size);
                std::uint32_t const warmup = o.frames ? o.warmup : frames / 4;
                for (auto latency : o.latencies) {
                    Result r;
                    try {
                        r = dir == Direction::tx ? run_tx(config, size, latency, frames, warmup, o)
                                                 : run_rx(config, size, latency, frames, warmup, o);
                    } catch (std::exception const& e) {
                        fmt::print(stderr, "hw_efficiency_bench: {} {} {} bytes latency {} FAILED: {}\n", config,
                                   dir == Direction::tx ? "TX" : "RX", size, latency, e.what());
                        return 1;
                    }
                    auto const lanes = dut::make_dut(config)->config().data_bytes();
                    double const duty = static_cast<double>(r.beats) / static_cast<double>(r.window_cycles);
                    double const byte_eff =
                        static_cast<double>(r.bytes) / (static_cast<double>(r.window_cycles) * lanes);
                    auto const target = target_for(size);
                    std::string verdict = "-";
                    if (target) {
                        verdict = duty >= *target ? "met" : "MISSED";
                        if (duty < *target) ++missed;
                    }
                    if (r.absorbed) {
                        verdict += " (never back-pressured)";
                        ++absorbed;
                    }
                    fmt::print("{:<9} {:<3} {:>6} {:>7} {:>6} {:>9} {:>7.3f} {:>7.3f} {:>7}  {}\n", config,
                               dir == Direction::tx ? "tx" : "rx", size, latency, r.frames, r.window_cycles, duty,
                               byte_eff,
                               target ? fmt::format("{:.2f}", *target) : std::string("-"), verdict);
                    std::fflush(stdout);
                }
            }
        }
    }
    fmt::print("every frame arrived intact; {} cell(s) below target\n", missed);
    if (absorbed)
        fmt::print("never back-pressured: the RX frame FIFO absorbed what memory did not drain within the run, so\n"
                   "the figure is the run's, not a steady state (the steady state is at most the shared-channel\n"
                   "bound ceil(L/B) / (ceil(L/B) + 16/B); run more --frames to see it)\n");
    return 0;
}
