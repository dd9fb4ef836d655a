// AxisPort: the signals of one AXI-Stream port of a verilated model, bound through SigRefs so
// the AXI-Stream BFMs (bfm/axis_source.hpp, bfm/axis_sink.hpp) serve any DATA_WIDTH.
//
//   auto tx = NICSIM_AXIS_PORT(top, m_axis_tx);   // binds m_axis_tx_tdata ... _tready
//
// tkeep and tuser may stay unbound (all lanes kept / tuser 0); rst_n is optional and only the
// sink's reset rule uses it. lanes = bytes per beat; 0 means "the tdata storage size", which is
// right for every power-of-two width of 64 bits and more.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "bfm/sig_ref.hpp"

namespace nicsim::bfm {

struct AxisPort {
    std::string name;  // for error messages, e.g. "m_axis_tx"
    SigRef tdata, tkeep, tlast, tuser, tvalid, tready;
    SigRef rst_n;  // optional, active-low reset seen by the port
    std::size_t lanes = 0;

    std::size_t lanes_or_default() const {
        std::size_t const n = lanes ? lanes : tdata.size_bytes();
        if (n == 0 || n > 128) throw std::invalid_argument(fmt::format("AxisPort {}: bad lane count {}", name, n));
        return n;
    }
};

/// The rule an AXI-Stream beat broke (AxisProtocolError::rule).
enum class AxisRule : std::uint8_t {
    keep_zero,                // a valid beat with tkeep == 0
    keep_not_contiguous,      // tkeep not of the form 0..01..1 (contiguous from lane 0)
    keep_partial_not_last,    // a beat other than the last without every lane kept
    payload_changed_stalled,  // tdata/tkeep/tlast/tuser changed while valid and not ready
    valid_dropped_stalled,    // tvalid fell before the transfer
    valid_in_reset,           // tvalid high during reset or the first cycle after it
    frame_too_long,           // no tlast within the sink's max_frame_bytes
};

inline char const* to_string(AxisRule r) {
    switch (r) {
    case AxisRule::keep_zero: return "tkeep is zero on a valid beat";
    case AxisRule::keep_not_contiguous: return "tkeep not contiguous from lane 0";
    case AxisRule::keep_partial_not_last: return "tkeep not all ones on a beat without tlast";
    case AxisRule::payload_changed_stalled: return "payload changed while tvalid and not tready";
    case AxisRule::valid_dropped_stalled: return "tvalid dropped before the transfer";
    case AxisRule::valid_in_reset: return "tvalid high during or right after reset";
    case AxisRule::frame_too_long: return "frame longer than the sink allows (tlast missing?)";
    }
    return "?";
}

/// Thrown by the sink's protocol checker: names the rule, the port and the cycle.
class AxisProtocolError : public std::runtime_error {
public:
    AxisProtocolError(AxisRule rule, std::string const& port, std::uint64_t cycle, std::string const& detail)
        : std::runtime_error(fmt::format("AXI-Stream rule violated on {} at cycle {}: {}{}{}", port, cycle,
                                         to_string(rule), detail.empty() ? "" : ": ", detail)),
          rule_(rule),
          port_(port),
          cycle_(cycle) {}
    AxisRule rule() const noexcept { return rule_; }
    std::string const& port() const noexcept { return port_; }
    std::uint64_t cycle() const noexcept { return cycle_; }

private:
    AxisRule rule_;
    std::string port_;
    std::uint64_t cycle_;
};

}  // namespace nicsim::bfm

/// Binds PREFIX_tdata, _tkeep, _tlast, _tuser, _tvalid, _tready of `top` (a verilated model).
#define NICSIM_AXIS_PORT(top, prefix)                                                                    \
    ::nicsim::bfm::AxisPort {                                                                            \
#prefix, (top).prefix##_tdata, (top).prefix##_tkeep, (top).prefix##_tlast, (top).prefix##_tuser, \
            (top).prefix##_tvalid, (top).prefix##_tready, {}, 0                                          \
    }
