// AxisSource: an AXI-Stream master BFM that plays frames (wire::Frame) into a verilated model's
// slave port, like cocotbext-axi's AxiStreamSource.
//
// Contract per clock (testbench/bfm/README.md, "The two-phase stepping contract"):
//   drive()   before the edge: decides this cycle's beat and writes tdata/tkeep/tlast/tuser/
//             tvalid; then samples tready (correct when the model's tready is a register).
//             The port is written only when it changes (a new beat, or going idle), so the
//             source owns its signals: nothing else may write them (reset() re-drives idle).
//   sample()  optional, after the harness settled the model (eval with the clock low) and
//             before the edge: re-reads tready, for models whose tready depends
//             combinationally on other inputs (e.g. nic_fifo when full).
//   observe() after the edge: a transfer happened if tvalid and the sampled tready were both
//             high; records it and advances the BFM's cycle count (cycle() = number of
//             observe() calls so far, so a source and a sink built together agree on cycles).
// Beats: frame byte i goes on lane i % lanes of beat i / lanes; tkeep is contiguous from lane
// 0, all ones except possibly on the last beat; tlast on the last beat; tuser = frame.bad on the
// last beat only. Unkept lanes carry zero (or random bytes with scramble_unkept_lanes).
// Timing: a frame is not started before its not_before_cycle, and at least ifg_cycles idle
// cycles separate the last beat of one frame from the first of the next. The pause generator
// holds tvalid low at random between beats; a beat once offered stays, unchanged, until taken.
// Every randomness comes from the caller's generator; a disabled pause draws nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bfm/axis_port.hpp"
#include "bfm/pause.hpp"
#include "bfm/sig_ref.hpp"
#include "frame/frame.hpp"
#include "frame/rx_wire.hpp"

namespace nicsim::bfm {

struct AxisSourceConfig {
    PauseGenerator pause;          // probability of tvalid low on a cycle a beat could go
    std::uint32_t ifg_cycles = 0;  // idle cycles between frames
    bool scramble_unkept_lanes = false;
};

class AxisSource final : public wire::RxWire {
public:
    using FrameCallback = std::function<void(wire::Frame const&)>;

    AxisSource(AxisPort port, std::mt19937_64& rng, AxisSourceConfig cfg = {})
        : port_(std::move(port)),
          rng_(rng),
          cfg_(cfg),
          lanes_(port_.lanes_or_default()),
          beat_data_(lanes_),
          keep_bytes_((lanes_ + 7) / 8) {
        drive_idle();
    }

    AxisSourceConfig& config() noexcept { return cfg_; }
    std::size_t lanes() const noexcept { return lanes_; }
    std::uint64_t cycle() const noexcept override { return cycle_; }
    void set_inter_frame_gap(std::uint32_t cycles) override { cfg_.ifg_cycles = cycles; }

    /// Queues a frame; it starts no earlier than `not_before_cycle`. Frames go out in send order.
    void send(wire::Frame frame, std::uint64_t not_before_cycle = 0) override {
        if (frame.bytes.empty())
            throw std::invalid_argument(fmt::format("AxisSource {}: an empty frame cannot be sent", port_.name));
        queue_.push_back({std::move(frame), not_before_cycle});
    }

    /// Called once per frame, after the handshake of its last beat, with its beat cycles stamped.
    void on_sent(FrameCallback cb) { on_sent_ = std::move(cb); }
    /// Frames fully sent, oldest first (the test may pop them; kept unless keep_sent(false)).
    std::deque<wire::Frame>& sent() noexcept { return sent_; }
    void keep_sent(bool keep) noexcept { keep_sent_ = keep; }

    /// Frames queued or in progress.
    std::size_t pending() const noexcept override { return queue_.size(); }
    bool idle() const noexcept { return queue_.empty() && !valid_; }
    std::uint64_t frames_sent() const noexcept { return frames_sent_; }
    std::uint64_t beats_sent() const noexcept { return beats_sent_; }

    /// The model is being reset: drop tvalid and restart the frame in progress from its first
    /// byte (queued frames stay queued).
    void reset() {
        offset_ = 0;
        valid_ = false;
        ready_ = false;
        full_keep_on_port_ = false;  // the kernel's reset zeroed the inputs
        if (!queue_.empty()) queue_.front().frame.first_beat_cycle.reset();
        drive_idle();
    }

    void drive() {
        if (!valid_) {  // the previous beat (if any) was taken: choose the next one
            bool const can_start = !queue_.empty() && cycle_ >= queue_.front().not_before_cycle &&
                                   (offset_ > 0 || cycle_ >= gap_until_cycle_);
            if (can_start && !cfg_.pause.pause(rng_)) {
                load_beat(queue_.front().frame);
                valid_ = true;
                present_beat();
            } else if (presenting_) {
                drive_idle();
            }
        }
        sample();
    }

    void sample() { ready_ = port_.tready.bound() ? port_.tready.high() : true; }

    void observe() {
        if (valid_ && ready_) {
            auto& f = queue_.front().frame;
            if (offset_ == 0) f.first_beat_cycle = cycle_;
            offset_ += lanes_;
            ++beats_sent_;
            valid_ = false;
            if (last_) {
                f.last_beat_cycle = cycle_;
                wire::Frame done = std::move(f);
                queue_.pop_front();
                offset_ = 0;
                gap_until_cycle_ = cycle_ + 1 + cfg_.ifg_cycles;
                ++frames_sent_;
                if (on_sent_) on_sent_(done);
                if (keep_sent_) sent_.push_back(std::move(done));
            }
        }
        ++cycle_;
    }

private:
    struct Queued {
        wire::Frame frame;
        std::uint64_t not_before_cycle;
    };

    void load_beat(wire::Frame const& f) {
        std::size_t const n = std::min(lanes_, f.bytes.size() - offset_);
        std::memcpy(beat_data_.data(), f.bytes.data() + offset_, n);
        for (std::size_t i = n; i < lanes_; ++i)
            beat_data_[i] = cfg_.scramble_unkept_lanes ? static_cast<std::uint8_t>(rng_()) : 0;
        bool const was_full = full_beat_;
        full_beat_ = n == lanes_;
        if (!(full_beat_ && was_full)) {  // tkeep: n lanes from lane 0 (unchanged between full beats)
            std::fill(keep_bytes_.begin(), keep_bytes_.end(), 0);
            std::fill_n(keep_bytes_.begin(), n / 8, std::uint8_t{0xFF});
            if (n % 8) keep_bytes_[n / 8] = static_cast<std::uint8_t>((1u << (n % 8)) - 1);
        }
        last_ = offset_ + n == f.bytes.size();
        user_ = last_ && f.bad;
    }

    // A beat's signals are written once, when it is loaded: they stay until it is taken.
    void present_beat() {
        port_.tdata.write_bytes(0, beat_data_);
        if (!(full_beat_ && full_keep_on_port_)) {  // tkeep changes only around a frame's last beat
            port_.tkeep.set(0);
            port_.tkeep.write_bytes(0, keep_bytes_);
            full_keep_on_port_ = full_beat_;
        }
        port_.tlast.set(last_);
        port_.tuser.set(user_);
        port_.tvalid.set(1);
        presenting_ = true;
    }

    void drive_idle() {
        port_.tvalid.set(0);
        port_.tlast.set(0);
        port_.tuser.set(0);
        presenting_ = false;
    }

    AxisPort port_;
    std::mt19937_64& rng_;
    AxisSourceConfig cfg_;
    std::size_t lanes_;
    std::vector<std::uint8_t> beat_data_;
    std::vector<std::uint8_t> keep_bytes_;
    std::deque<Queued> queue_;
    std::deque<wire::Frame> sent_;
    bool keep_sent_ = true;
    FrameCallback on_sent_;
    std::size_t offset_ = 0;  // bytes of the front frame already transferred
    bool valid_ = false, last_ = false, user_ = false;
    bool ready_ = false;
    bool presenting_ = false;         // tvalid is high on the port (else every signal idle)
    bool full_beat_ = false;          // the loaded beat keeps every lane
    bool full_keep_on_port_ = false;  // tkeep on the port keeps every lane
    std::uint64_t cycle_ = 0;
    std::uint64_t gap_until_cycle_ = 0;  // the next frame may start at this cycle
    std::uint64_t frames_sent_ = 0, beats_sent_ = 0;
};

}  // namespace nicsim::bfm
