// AxisSink: an AXI-Stream slave BFM that takes frames from a verilated model's master port and
// checks the stream protocol as it goes, like cocotbext-axi's AxiStreamSink plus a monitor.
//
// Contract per clock (same phases as AxisSource):
//   drive()   before the edge: writes tready (low at random by the pause generator), then
//             samples tvalid and the payload (correct when they are registers of the model).
//   sample()  optional, after the harness settled the model and before the edge: re-reads them.
//   observe() after the edge: checks the beat against the rules below, records a transfer when
//             tvalid and tready were high, and advances cycle() (= number of observe() calls).
// Frames: the kept lanes of each transferred beat, in order, up to the beat with tlast; the
// frame's `bad` flag is tuser of the last beat; first_beat_cycle/last_beat_cycle are stamped.
// Completed frames go to the on_frame callback (if set) and to frames() (unless keep(false)).
// Checks (AxisProtocolError names the rule, the port and the cycle; check = false disables):
//   - a valid beat has tkeep nonzero and contiguous from lane 0, all ones unless tlast;
//   - while tvalid and not tready, the next cycle keeps tvalid high and tdata/tkeep/tlast/tuser
//     unchanged (all lanes of tdata, kept or not);
//   - tvalid is low while reset is asserted and in the first cycle after (reset comes from
//     port.rst_n when bound, else from set_reset()). A reset drops a frame in progress.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bfm/axis_port.hpp"
#include "bfm/pause.hpp"
#include "bfm/sig_ref.hpp"
#include "frame/frame.hpp"

namespace nicsim::bfm {

struct AxisSinkConfig {
    PauseGenerator pause;                    // probability of tready low on a cycle
    bool check = true;                       // throw AxisProtocolError on a broken rule
    std::size_t max_frame_bytes = 1u << 20;  // a longer frame is a runaway stream: error
};

class AxisSink {
public:
    using FrameCallback = std::function<void(wire::Frame const&)>;

    AxisSink(AxisPort port, std::mt19937_64& rng, AxisSinkConfig cfg = {})
        : port_(std::move(port)),
          rng_(rng),
          cfg_(cfg),
          lanes_(port_.lanes_or_default()),
          data_(lanes_),
          prev_data_(lanes_),
          keep_((lanes_ + 7) / 8),
          prev_keep_((lanes_ + 7) / 8) {
        port_.tready.set(0);
    }

    AxisSinkConfig& config() noexcept { return cfg_; }
    std::size_t lanes() const noexcept { return lanes_; }
    std::uint64_t cycle() const noexcept { return cycle_; }

    void on_frame(FrameCallback cb) { on_frame_ = std::move(cb); }
    std::deque<wire::Frame>& frames() noexcept { return frames_; }
    void keep(bool keep_frames) noexcept { keep_frames_ = keep_frames; }
    std::uint64_t frames_received() const noexcept { return frames_received_; }
    std::uint64_t beats_received() const noexcept { return beats_received_; }
    /// Bytes of a frame whose tlast has not come yet.
    std::size_t partial_bytes() const noexcept { return current_.bytes.size(); }

    /// Reset as seen by the port when port.rst_n is not bound (asserted = in reset).
    void set_reset(bool asserted) noexcept { manual_reset_ = asserted; }

    void drive() {
        ready_ = !cfg_.pause.pause(rng_);
        port_.tready.set(ready_);
        sample();
    }

    void sample() {
        valid_ = port_.tvalid.high();
        in_reset_ = port_.rst_n.bound() ? !port_.rst_n.high() : manual_reset_;
        if (!valid_) return;  // no beat: the payload means nothing (a stall's is kept in prev_*)
        port_.tdata.read_bytes(0, data_);
        if (port_.tkeep.bound()) {
            port_.tkeep.read_bytes(0, keep_);
        } else {
            std::fill(keep_.begin(), keep_.end(), 0xFF);
        }
        if (lanes_ % 8) keep_.back() &= static_cast<std::uint8_t>((1u << (lanes_ % 8)) - 1);
        last_ = port_.tlast.high();
        user_ = port_.tuser.high();
    }

    void observe() {
        if (in_reset_ || was_in_reset_) {
            if (valid_) fail(AxisRule::valid_in_reset, in_reset_ ? "reset asserted" : "first cycle after reset");
            current_ = {};
            stalled_ = false;
        } else {
            check_beat();
            if (valid_ && ready_) take_beat();
            stalled_ = valid_ && !ready_;
            if (stalled_) {
                prev_data_ = data_;
                prev_keep_ = keep_;
                prev_last_ = last_;
                prev_user_ = user_;
            }
        }
        was_in_reset_ = in_reset_;
        ++cycle_;
    }

private:
    bool keep_bit(std::size_t lane) const { return (keep_[lane / 8] >> (lane % 8)) & 1u; }

    std::string keep_hex() const {
        std::string s = "0x";
        for (std::size_t i = keep_.size(); i-- > 0;) s += fmt::format("{:02x}", keep_[i]);
        return s;
    }

    void check_beat() {
        if (stalled_) {
            if (!valid_) fail(AxisRule::valid_dropped_stalled, "");
            if (data_ != prev_data_ || keep_ != prev_keep_ || last_ != prev_last_ || user_ != prev_user_) {
                std::string what;
                if (data_ != prev_data_) {
                    std::size_t i = 0;
                    while (data_[i] == prev_data_[i]) ++i;
                    what = fmt::format("tdata lane {} {:#04x} -> {:#04x}", i, prev_data_[i], data_[i]);
                } else if (keep_ != prev_keep_) {
                    what = fmt::format("tkeep now {}", keep_hex());
                } else if (last_ != prev_last_) {
                    what = fmt::format("tlast {} -> {}", prev_last_, last_);
                } else {
                    what = fmt::format("tuser {} -> {}", prev_user_, user_);
                }
                fail(AxisRule::payload_changed_stalled, what);
            }
        }
        if (!valid_) return;
        // tkeep a byte at a time: the lanes kept from lane 0, and whether any lane above is kept
        // (lanes past lanes_ are masked off in sample()).
        std::size_t byte = 0;
        kept_ = 0;
        while (byte < keep_.size() && keep_[byte] == 0xFF) {
            kept_ += 8;
            ++byte;
        }
        bool contiguous = true;
        if (byte < keep_.size()) {
            auto const run = std::countr_one(keep_[byte]);
            kept_ += static_cast<std::size_t>(run);
            contiguous = (keep_[byte] >> run) == 0;  // this byte is not 0xFF: run < 8
            for (std::size_t i = byte + 1; i < keep_.size(); ++i) contiguous = contiguous && keep_[i] == 0;
        }
        if (kept_ == 0 || !contiguous || (!last_ && kept_ != lanes_)) check_keep_slowly();
    }

    // The rules on tkeep one lane at a time, naming the first one broken.
    void check_keep_slowly() {
        std::size_t kept = 0;
        while (kept < lanes_ && keep_bit(kept)) ++kept;
        if (kept == 0 && std::all_of(keep_.begin(), keep_.end(), [](std::uint8_t b) { return b == 0; }))
            fail(AxisRule::keep_zero, "");
        for (std::size_t i = kept; i < lanes_; ++i)
            if (keep_bit(i)) fail(AxisRule::keep_not_contiguous, fmt::format("tkeep {}", keep_hex()));
        if (!last_ && kept != lanes_) fail(AxisRule::keep_partial_not_last, fmt::format("tkeep {}", keep_hex()));
    }

    // The beat's kept lanes (kept_, from check_beat()) are the frame's next bytes.
    void take_beat() {
        if (current_.bytes.empty()) {
            current_.first_beat_cycle = cycle_;
            current_.bytes.reserve(longest_frame_);  // one allocation per frame, not one per doubling
        }
        current_.bytes.insert(current_.bytes.end(), data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(kept_));
        ++beats_received_;
        if (cfg_.check && current_.bytes.size() > cfg_.max_frame_bytes)
            throw AxisProtocolError(AxisRule::frame_too_long, port_.name, cycle_,
                                    fmt::format("no tlast within {} bytes", cfg_.max_frame_bytes));
        if (!last_) return;
        current_.bad = user_;
        longest_frame_ = std::max(longest_frame_, current_.bytes.size());
        current_.last_beat_cycle = cycle_;
        ++frames_received_;
        wire::Frame done = std::move(current_);
        current_ = {};
        if (on_frame_) on_frame_(done);
        if (keep_frames_) frames_.push_back(std::move(done));
    }

    void fail(AxisRule rule, std::string const& detail) {
        if (cfg_.check) throw AxisProtocolError(rule, port_.name, cycle_, detail);
    }

    AxisPort port_;
    std::mt19937_64& rng_;
    AxisSinkConfig cfg_;
    std::size_t lanes_;
    std::vector<std::uint8_t> data_, prev_data_, keep_, prev_keep_;
    bool valid_ = false, ready_ = false, last_ = false, user_ = false;
    bool prev_last_ = false, prev_user_ = false;
    bool stalled_ = false;
    std::size_t kept_ = 0;  // lanes kept from lane 0 in the beat sampled (check_beat())
    std::size_t longest_frame_ = 0;
    bool in_reset_ = false, was_in_reset_ = false, manual_reset_ = false;
    wire::Frame current_;
    std::deque<wire::Frame> frames_;
    bool keep_frames_ = true;
    FrameCallback on_frame_;
    std::uint64_t cycle_ = 0;
    std::uint64_t frames_received_ = 0, beats_received_ = 0;
};

}  // namespace nicsim::bfm
