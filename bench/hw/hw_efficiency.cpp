// The measurement of one cell: see hw_efficiency.hpp.
#include "hw_efficiency.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <nic_contract.hpp>
#include <nicsim/driver/descriptors.hpp>

#include "bfm/axis_sink.hpp"
#include "bfm/axis_source.hpp"
#include "dut/dut.hpp"
#include "host/host.hpp"
#include "sim/kernel.hpp"

namespace nicsim::hw_efficiency {

namespace {

namespace c = nicsim::contract;

std::uint32_t round_up(std::uint64_t v, std::uint64_t to) {
    return static_cast<std::uint32_t>((v + to - 1) / to * to);
}

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
        : dut_(dut::make_dut(config, trace_path.empty() ? dut::Tracing::never : dut::Tracing::possible)),
          kernel_(*dut_, sim::KernelConfig{.seed = seed, .watchdog_cycles = 0}),
          lanes_(dut_->config().data_bytes()) {
        auto& ports = dut_->ports();
        source_ = std::make_unique<bfm::AxisSource>(dut_->stream_port(ports.s_axis_rx, "s_axis_rx"), kernel_.rng(),
                                                    bfm::AxisSourceConfig{});
        sink_ = std::make_unique<bfm::AxisSink>(dut_->stream_port(ports.m_axis_tx, "m_axis_tx"), kernel_.rng(),
                                                bfm::AxisSinkConfig{});
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

    /// The CPU's loads and stores of host memory (strongly ordered here: plain memory).
    driver::HostMemoryAccess& cpu() { return host_->memory.cpu(); }

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
        cpu().write_barrier();  // descriptors before the doorbell (a formality on this strong host)
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

Result run_tx(Cell const& cell, std::uint32_t frames, std::uint32_t warmup, RunOptions const& o) {
    std::uint32_t const size = cell.frame_bytes;
    std::uint32_t const latency = cell.latency_cycles;
    std::uint32_t const stride = round_up(size + o.tx_offset_bytes, 64);
    unsigned const log2 = ring_log2_for(frames + 1);
    std::size_t const ring_bytes = std::size_t{c::DESC_BYTES} << log2;
    Bench b(cell.config, latency, std::size_t{stride} * frames + 2 * ring_bytes, o.seed, o.trace_path);
    std::uint32_t const beats_per_frame = (size + b.lanes() - 1) / b.lanes();
    driver::HostMemoryAccess& cpu = b.cpu();

    auto descs = b.allocate(ring_bytes, 4096);
    auto cpls = b.allocate(ring_bytes, 4096);
    auto data = b.allocate(std::size_t{stride} * frames, 4096);
    std::mt19937_64 rng(o.seed);
    std::vector<std::vector<std::uint8_t>> sent;
    auto* slots = static_cast<std::uint8_t*>(descs.virtual_address);
    for (std::uint32_t i = 0; i < frames; ++i) {
        sent.push_back(make_frame(rng, size));
        std::size_t const at = std::size_t{stride} * i + o.tx_offset_bytes;
        std::memcpy(static_cast<std::uint8_t*>(data.virtual_address) + at, sent.back().data(), size);
        auto const d = driver::make_tx_descriptor(data.logical_address + at, size, true, nullptr);
        driver::store_descriptor(cpu, slots + std::size_t{i} * c::DESC_BYTES, d);
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
        return driver::read_tx_completion(cpu, cpl_slots + std::size_t{frames - 1} * c::CPL_BYTES, true).has_value();
    };
    b.kernel().run_until([&] { return seen >= frames && last_cpl_written(); },
                         wait_limit(frames, beats_per_frame, latency), "every TX frame and its completion");
    b.kernel().step(std::uint64_t{4} * beats_per_frame + 64);  // anything extra would show now

    require(mismatch.empty(), mismatch);
    require(seen == frames, fmt::format("TX: {} frames on the wire, {} posted", seen, frames));
    for (std::uint32_t i = 0; i < frames; ++i) {
        auto const cpl = driver::read_tx_completion(cpu, cpl_slots + std::size_t{i} * c::CPL_BYTES, true);
        require(cpl.has_value(), fmt::format("TX completion {} not written", i));
        require(
            cpl->status == c::cpl_status_e::CPL_OK && cpl->len == size && cpl->last_desc == i && cpl->desc_count == 1,
            fmt::format("TX completion {}: status {} len {} last_desc {} desc_count {}", i,
                        static_cast<unsigned>(cpl->status), cpl->len, cpl->last_desc, cpl->desc_count));
    }
    require(b.read_reg(c::QREG_TX, c::RING_ERR) == 0, "TX ring in error");
    require(b.read_reg(c::QREG_TX, c::RING_CONS) == frames, "TX RING_CONS did not reach the producer index");
    Result r = t.window(warmup, size);
    r.lanes = b.lanes();
    require(r.beats == std::uint64_t{r.frames} * beats_per_frame,
            fmt::format("TX: {} beats for {} frames of {} beats", r.beats, r.frames, beats_per_frame));
    return r;
}

Result run_rx(Cell const& cell, std::uint32_t frames, std::uint32_t warmup, RunOptions const& o) {
    std::uint32_t const size = cell.frame_bytes;
    std::uint32_t const latency = cell.latency_cycles;
    std::uint32_t const capacity = round_up(size, c::RX_BUF_ALIGN_BYTES);
    unsigned const log2 = ring_log2_for(frames + 1);
    std::size_t const ring_bytes = std::size_t{c::DESC_BYTES} << log2;
    Bench b(cell.config, latency, std::size_t{capacity} * frames + 2 * ring_bytes, o.seed, o.trace_path);
    std::uint32_t const beats_per_frame = (size + b.lanes() - 1) / b.lanes();
    driver::HostMemoryAccess& cpu = b.cpu();

    auto descs = b.allocate(ring_bytes, 4096);
    auto cpls = b.allocate(ring_bytes, 4096);
    auto data = b.allocate(std::size_t{capacity} * frames, 4096);
    auto* slots = static_cast<std::uint8_t*>(descs.virtual_address);
    for (std::uint32_t i = 0; i < frames; ++i) {
        auto const placement =
            driver::rx_buffer_placement(data.logical_address + std::size_t{capacity} * i, 0, capacity);
        require(placement.usable_bytes == capacity, "RX buffer placement lost bytes");
        driver::store_descriptor(cpu, slots + std::size_t{i} * c::DESC_BYTES, driver::make_rx_descriptor(placement));
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
                   driver::read_rx_completion(cpu, cpl_slots + std::size_t{frames - 1} * c::CPL_BYTES, true)
                       .has_value();
        },
        wait_limit(frames, beats_per_frame, latency), "every RX frame offered and its completion");
    b.kernel().step(64);

    require(t.first.size() == frames, fmt::format("RX: {} frames offered of {}", t.first.size(), frames));
    for (std::uint32_t i = 0; i < frames; ++i) {
        auto const cpl = driver::read_rx_completion(cpu, cpl_slots + std::size_t{i} * c::CPL_BYTES, true);
        require(cpl.has_value(), fmt::format("RX completion {} not written", i));
        require(
            cpl->status == c::cpl_status_e::CPL_OK && cpl->len == size && cpl->first_buf == i && cpl->buf_count == 1,
            fmt::format("RX completion {}: status {} len {} first_buf {} buf_count {}", i,
                        static_cast<unsigned>(cpl->status), cpl->len, cpl->first_buf, cpl->buf_count));
        auto const* got = static_cast<std::uint8_t const*>(data.virtual_address) + std::size_t{capacity} * i;
        require(std::memcmp(got, sent[i].data(), size) == 0,
                fmt::format("RX frame {}: buffer differs from the frame sent", i));
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
        if (start + 16 > frames)
            throw TooFewFrames(
                fmt::format("RX: first back-pressure at frame {} of {}: run more frames "
                            "(--frames) for a steady-state window",
                            index, frames));
    }
    Result r = t.window(start, size);
    r.lanes = b.lanes();
    r.absorbed = !b.rx_stall().first_stall().has_value();
    require(r.beats == std::uint64_t{r.frames} * beats_per_frame,
            fmt::format("RX: {} beats for {} frames of {} beats", r.beats, r.frames, beats_per_frame));
    return r;
}

}  // namespace

char const* direction_name(Direction d) {
    return d == Direction::tx ? "tx" : "rx";
}

std::optional<Direction> parse_direction(std::string const& name) {
    if (name == "tx") return Direction::tx;
    if (name == "rx") return Direction::rx;
    return std::nullopt;
}

double Result::duty() const {
    return window_cycles ? static_cast<double>(beats) / static_cast<double>(window_cycles) : 0.0;
}

double Result::byte_efficiency() const {
    return window_cycles && lanes ? static_cast<double>(bytes) / (static_cast<double>(window_cycles) * lanes) : 0.0;
}

Result measure(Cell const& cell, RunOptions const& options) {
    std::uint32_t const frames = options.frames ? options.frames : default_frames(cell.frame_bytes);
    std::uint32_t const warmup = options.frames ? options.warmup : default_warmup(frames);
    if (frames < 2 || frames > max_frames || warmup >= frames)
        throw std::invalid_argument(
            fmt::format("{} frames with a warmup of {}: need 2..{} frames and a warmup "
                        "below the frames",
                        frames, warmup, max_frames));
    if (cell.frame_bytes < 60 || cell.frame_bytes > c::MAX_FRAME_BYTES)
        throw std::invalid_argument(
            fmt::format("frames of {} bytes: the NIC takes 60..{}", cell.frame_bytes, c::MAX_FRAME_BYTES));
    return cell.direction == Direction::tx ? run_tx(cell, frames, warmup, options)
                                           : run_rx(cell, frames, warmup, options);
}

std::uint32_t default_frames(std::uint32_t frame_bytes) {
    return std::clamp<std::uint32_t>((2u << 20) / std::max<std::uint32_t>(frame_bytes, 1), 256, max_frames);
}

std::uint32_t default_warmup(std::uint32_t frames) {
    return frames / 4;
}

std::optional<double> target_for(std::uint32_t frame_bytes) {
    if (frame_bytes >= 256) return 0.95;
    if (frame_bytes == 64) return 0.85;
    return std::nullopt;
}

double shared_channel_bound(Direction direction, std::uint32_t frame_bytes, std::uint32_t lanes) {
    // TX reads a descriptor per frame over the R channel of its data, RX writes a completion per
    // frame over the W channel of its data.
    double const record_bytes = direction == Direction::tx ? c::DESC_BYTES : c::CPL_BYTES;
    double const beats = std::ceil(static_cast<double>(frame_bytes) / lanes);
    return beats / (beats + record_bytes / lanes);
}

std::string bench_arguments(Cell const& cell, RunOptions const& options) {
    std::uint32_t const frames = options.frames ? options.frames : default_frames(cell.frame_bytes);
    std::uint32_t const warmup = options.frames ? options.warmup : default_warmup(frames);
    std::string out = fmt::format(
        "--config {} --direction {} --sizes {} --latency {} --frames {} --warmup {} --seed {}", cell.config,
        direction_name(cell.direction), cell.frame_bytes, cell.latency_cycles, frames, warmup, options.seed);
    if (options.tx_offset_bytes) out += fmt::format(" --tx-offset {}", options.tx_offset_bytes);
    return out;
}

}  // namespace nicsim::hw_efficiency
