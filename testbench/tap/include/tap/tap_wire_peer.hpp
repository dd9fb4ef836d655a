// TapWirePeer: the link partner of --mode tap as a wire peer (wire/peers.hpp). Frames the NIC
// transmits go to the wire TAP device; frames its kernel sends are put on the NIC's RX wire. The
// device is read every kReadInterval cycles while it is quiet and every cycle while frames come,
// so a burst enters at wire pace and a silent device costs one system call per interval.
#pragma once

#include <cstdint>

#include "tap/tap_link.hpp"
#include "wire/peers.hpp"

namespace nicsim::tap {

class TapWirePeer : public wire::WirePeer {
public:
    static constexpr std::uint64_t kReadInterval = 32;
    static constexpr std::size_t kMaxQueued = 4;  // frames waiting in the RX source

    TapWirePeer(wire::RxWire& rx, TapLink& link) : rx_(rx), link_(link) {}

    void on_tx(wire::Frame const& f) override { link_.write_wire(f.bytes); }
    void tick(std::uint64_t cycle) override {
        if (closed_ || cycle < next_read_ || rx_.pending() >= kMaxQueued) return;
        if (auto bytes = link_.read_wire()) {
            wire::Frame f;
            f.bytes = std::move(*bytes);
            rx_.send(std::move(f));
            next_read_ = cycle + 1;
        } else {
            next_read_ = cycle + kReadInterval;
        }
    }
    bool done() const override { return closed_; }

    /// Reads from the device right away (traffic is back after an idle wait).
    void wake() noexcept { next_read_ = 0; }
    /// Nothing more is taken from the device (the run drains and ends).
    void close() noexcept { closed_ = true; }

private:
    wire::RxWire& rx_;
    TapLink& link_;
    std::uint64_t next_read_ = 0;
    bool closed_ = false;
};

}  // namespace nicsim::tap
