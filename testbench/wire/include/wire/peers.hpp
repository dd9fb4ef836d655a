// Wire peers: what sits at the far end of the NIC's Ethernet-side ports, at frame level. A peer
// feeds the receive wire (RxWire: on the C++ top the AxisSource on s_axis_rx) and hears the frames
// the NIC transmitted. The harness calls tick(cycle) once per clock before the bus models drive,
// and forwards each frame the NIC completed on its TX port to on_tx(). The frames a peer put on
// the RX wire are reported by the top (the AxisSource's on_sent: hook the scoreboard there).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "frame/rx_wire.hpp"
#include "wire/pcap.hpp"
#include "wire/traffic_gen.hpp"

namespace nicsim::wire {

class WirePeer {
public:
    virtual ~WirePeer() = default;
    /// The NIC transmitted `f` (beat cycles stamped by the TX sink).
    virtual void on_tx(Frame const& f) { (void)f; }
    /// Once per cycle, before the BFMs drive: may queue frames into the RX source.
    virtual void tick(std::uint64_t cycle) { (void)cycle; }
    /// Nothing more will be put on the RX wire (queued frames may still be going out).
    virtual bool done() const { return true; }
};

/// Every TX frame comes back as an RX frame: its first RX beat no earlier than
/// wire_latency_cycles after its last TX beat (store and forward), with at least ifg_cycles
/// idle cycles between RX frames (the RX source's inter-frame gap is set to it).
class LoopbackPeer : public WirePeer {
public:
    LoopbackPeer(RxWire& rx, std::uint64_t wire_latency_cycles, std::uint32_t ifg_cycles = 0)
        : rx_(rx), latency_cycles_(wire_latency_cycles) {
        rx_.set_inter_frame_gap(ifg_cycles);
    }
    void on_tx(Frame const& f) override {
        Frame back;
        back.bytes = f.bytes;
        back.tag = f.tag ? f.tag : decode_tag(f.bytes);
        back.gen = f.gen;
        back.tx_queue = f.tx_queue;
        rx_.send(std::move(back), f.last_beat_cycle.value_or(rx_.cycle()) + latency_cycles_);
        ++looped_;
    }
    std::uint64_t frames_looped() const noexcept { return looped_; }

private:
    RxWire& rx_;
    std::uint64_t latency_cycles_;
    std::uint64_t looped_ = 0;
};

/// Puts `count` generated frames on the RX wire, keeping at most `max_queued` frames queued
/// in the RX source so frames are generated shortly before they go out.
class GeneratorPeer : public WirePeer {
public:
    GeneratorPeer(RxWire& rx, TrafficGenerator& gen, std::uint64_t count, std::size_t max_queued = 2)
        : rx_(rx), gen_(gen), remaining_(count), max_queued_(max_queued) {}
    void tick(std::uint64_t cycle) override {
        (void)cycle;
        while (remaining_ > 0 && rx_.pending() < max_queued_) {
            rx_.send(gen_.next());
            --remaining_;
        }
    }
    bool done() const override { return remaining_ == 0; }

private:
    RxWire& rx_;
    TrafficGenerator& gen_;
    std::uint64_t remaining_;
    std::size_t max_queued_;
};

/// Replays the packets of a capture into RX, in file order: back to back (subject to the RX
/// source's gap and pauses), or, with honour_timestamps, each no earlier than its time stamp
/// (relative to the first packet) converted to cycles at clock_hz, starting at start_cycle.
/// With only_direction set, packets whose pcapng direction differs are skipped.
class PcapReplayPeer : public WirePeer {
public:
    struct Options {
        bool honour_timestamps = false;
        std::uint64_t clock_hz = 250'000'000;
        std::uint64_t start_cycle = 0;
        std::optional<Direction> only_direction;
    };
    PcapReplayPeer(RxWire& rx, PcapCapture const& cap, Options opt) : rx_(rx) {
        std::uint64_t const t0 = cap.packets.empty() ? 0 : cap.packets.front().ts_ns;
        for (auto const& p : cap.packets) {
            if (opt.only_direction && p.direction != *opt.only_direction) continue;
            if (p.bytes.empty()) continue;
            Frame f;
            f.bytes = p.bytes;
            f.tag = decode_tag(f.bytes);
            std::uint64_t at = opt.start_cycle;
            if (opt.honour_timestamps && p.ts_ns > t0)
                at += static_cast<std::uint64_t>(static_cast<unsigned __int128>(p.ts_ns - t0) * opt.clock_hz /
                                                 1'000'000'000);
            pending_.emplace_back(std::move(f), at);
        }
    }
    PcapReplayPeer(RxWire& rx, PcapCapture const& cap) : PcapReplayPeer(rx, cap, Options{}) {}
    void tick(std::uint64_t cycle) override {
        (void)cycle;
        for (auto& [f, at] : pending_) rx_.send(std::move(f), at);
        pending_.clear();
    }
    bool done() const override { return pending_.empty(); }

private:
    RxWire& rx_;
    std::vector<std::pair<Frame, std::uint64_t>> pending_;
};

}  // namespace nicsim::wire
