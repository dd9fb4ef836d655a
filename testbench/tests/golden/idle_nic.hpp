// IdleNic: one NIC configuration on the bare kernel with zero-latency, never-stalling host
// memory, its rings programmed by hand (no driver), a TX wire sink and an RX wire source that
// never stall, and a TransactionRecorder whose handshakes are kept as events. For measurements
// that need an otherwise idle NIC (docs/contract.md "Pipeline latencies"): nothing but what a
// test asks for moves on any port.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bfm/axis_sink.hpp"
#include "bfm/axis_source.hpp"
#include "dut/dut.hpp"
#include "host/host.hpp"
#include "monitor/transaction_recorder.hpp"
#include "nic_contract.hpp"
#include "sim/kernel.hpp"

namespace nicsim::golden {

namespace ct = nicsim::contract;
using monitor::Channel;
using monitor::Handshake;

class IdleNic {
public:
    static constexpr std::uint32_t ring_log2 = 4;  // 16 entries, both rings of every queue
    static constexpr std::uint32_t rx_buf_bytes = 2048;

    explicit IdleNic(std::string const& config, std::uint64_t seed = 1)
        : dut_(dut::make_dut(config)),
          kernel_(*dut_, {.seed = seed}),
          host_(kernel_),
          lanes_(dut_->config().data_bytes()),
          sink_(dut_->stream_port(dut_->ports().m_axis_tx, "m_axis_tx"), kernel_.rng()),
          source_(dut_->stream_port(dut_->ports().s_axis_rx, "s_axis_rx"), kernel_.rng()),
          rec_(kernel_, *dut_) {
        kernel_.add_bfm(sink_);
        kernel_.add_bfm(source_);
        rec_.on_line([this](Handshake const& h, std::string_view line) {
            events_.push_back(h);
            lines_.emplace_back(line);
        });
        kernel_.reset();
    }

    sim::Kernel& kernel() noexcept { return kernel_; }
    host::Host& host() noexcept { return host_; }
    dut::Dut& dut() noexcept { return *dut_; }
    bfm::AxisSink& sink() noexcept { return sink_; }
    std::vector<Handshake> const& events() const noexcept { return events_; }
    std::string trace() const { return fmt::format("{}", fmt::join(lines_, "\n")); }

    /// Program queue q's TX and RX rings (RX fully posted with 2 KiB buffers) and arm its
    /// interrupt with moderation off; then start recording.
    void bring_up(unsigned q) {
        auto& arena = host_.memory.arena();
        Queue& s = queue(q);
        std::uint32_t const n = 1u << ring_log2;
        s.tx_ring = arena.allocate(n * ct::DESC_BYTES, 64).logical_address;
        s.tx_cpl = arena.allocate(n * ct::CPL_BYTES, 64).logical_address;
        s.rx_ring = arena.allocate(n * ct::DESC_BYTES, 64).logical_address;
        s.rx_cpl = arena.allocate(n * ct::CPL_BYTES, 64).logical_address;
        std::memset(arena.to_virtual(s.tx_cpl), 0, n * ct::CPL_BYTES);
        std::memset(arena.to_virtual(s.rx_cpl), 0, n * ct::CPL_BYTES);
        for (std::uint32_t i = 0; i + 1 < n; ++i) {
            std::uint64_t const buf = arena.allocate(rx_buf_bytes, 64).logical_address;
            std::uint8_t desc[16] = {};
            std::memcpy(desc, &buf, 8);
            std::memcpy(desc + 8, &rx_buf_bytes, 4);
            std::memcpy(arena.to_virtual(s.rx_ring + i * ct::DESC_BYTES), desc, sizeof desc);
        }
        for (auto [block, base, cpl] :
             {std::tuple{ct::QREG_TX, s.tx_ring, s.tx_cpl}, std::tuple{ct::QREG_RX, s.rx_ring, s.rx_cpl}}) {
            write(q, block, ct::RING_BASE_LO, static_cast<std::uint32_t>(base));
            write(q, block, ct::RING_BASE_HI, static_cast<std::uint32_t>(base >> 32));
            write(q, block, ct::RING_CPL_BASE_LO, static_cast<std::uint32_t>(cpl));
            write(q, block, ct::RING_CPL_BASE_HI, static_cast<std::uint32_t>(cpl >> 32));
            write(q, block, ct::RING_SIZE_LOG2, ring_log2);
            write(q, block, ct::RING_CTRL, 1);
        }
        write(q, ct::QREG_RX, ct::RING_PROD, n - 1);
        write(q, ct::QREG_IRQ, ct::IRQ_ARM, 1);
        host_.mmio.flush();
        // Let the RX descriptor prefetch finish: the NIC is idle from here on.
        kernel_.step(500);
        rec_.start();
    }

    /// One TX packet of `bytes` in one fragment at `offset` bytes past a 64-byte boundary:
    /// descriptor written, then the doorbell (posted).
    void send_tx(unsigned q, std::span<std::uint8_t const> bytes, unsigned offset = 0) {
        auto& arena = host_.memory.arena();
        Queue& s = queue(q);
        std::uint64_t const addr = arena.allocate(bytes.size() + offset + 64, 64).logical_address + offset;
        std::memcpy(arena.to_virtual(addr), bytes.data(), bytes.size());
        std::uint8_t desc[16] = {};
        std::memcpy(desc, &addr, 8);
        auto const len = static_cast<std::uint16_t>(bytes.size());
        std::memcpy(desc + 8, &len, 2);
        desc[10] = 1;  // eop
        std::uint32_t const n = 1u << ring_log2;
        std::memcpy(arena.to_virtual(s.tx_ring + s.tx_prod * ct::DESC_BYTES), desc, sizeof desc);
        s.tx_prod = (s.tx_prod + 1) % n;
        write(q, ct::QREG_TX, ct::RING_PROD, s.tx_prod);
    }

    void put_rx(std::vector<std::uint8_t> bytes) {
        wire::Frame f;
        f.bytes = std::move(bytes);
        source_.send(std::move(f));
    }

    /// Steps until `done`, at most `limit` cycles (CycleLimitReached names `what`).
    template <class Done>
    void run_until(Done&& done, char const* what, std::uint64_t limit = 20'000) {
        kernel_.run_until(std::forward<Done>(done), limit, what);
    }

    /// The first recorded event at or after cycle `from` matching `pred`.
    template <class Pred>
    std::optional<Handshake> first(std::uint64_t from, Pred&& pred) const {
        for (auto const& e : events_)
            if (e.cycle >= from && pred(e)) return e;
        return std::nullopt;
    }

private:
    struct Queue {
        std::uint64_t tx_ring = 0, tx_cpl = 0, rx_ring = 0, rx_cpl = 0;
        std::uint32_t tx_prod = 0;
    };
    Queue& queue(unsigned q) {
        if (queues_.size() <= q) queues_.resize(q + 1);
        return queues_[q];
    }
    void write(unsigned q, std::uint8_t block, std::uint8_t reg, std::uint32_t v) {
        host_.mmio.write32(ct::queue_reg(q, block, reg), v);
    }

    std::unique_ptr<dut::Dut> dut_;
    sim::Kernel kernel_;
    host::Host host_;
    std::size_t lanes_;
    bfm::AxisSink sink_;
    bfm::AxisSource source_;
    monitor::TransactionRecorder rec_;
    std::vector<Handshake> events_;
    std::vector<std::string> lines_;
    std::vector<Queue> queues_;
};

}  // namespace nicsim::golden
