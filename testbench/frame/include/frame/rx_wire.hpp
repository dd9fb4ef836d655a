// RxWire: the far end's view of the NIC's receive wire at frame level. A wire peer (wire/peers.hpp)
// puts frames on it; a hardware top carries them into the NIC: the C++ top's AxisSource beats
// them onto s_axis_rx, the SystemC top hands them to the module's frame port. Peers are written
// once against this interface and run on either top.
#pragma once

#include <cstddef>
#include <cstdint>

#include "frame/frame.hpp"

namespace nicsim::wire {

class RxWire {
public:
    virtual ~RxWire() = default;
    /// Queues a frame; it starts no earlier than `not_before_cycle`. Frames go out in send order.
    virtual void send(Frame frame, std::uint64_t not_before_cycle = 0) = 0;
    /// Frames queued or in progress.
    virtual std::size_t pending() const = 0;
    /// The wire's clock: cycles observed so far.
    virtual std::uint64_t cycle() const = 0;
    /// Idle cycles between the last beat of one frame and the first of the next.
    virtual void set_inter_frame_gap(std::uint32_t cycles) = 0;

protected:
    RxWire() = default;
    RxWire(RxWire const&) = default;
    RxWire& operator=(RxWire const&) = default;
};

}  // namespace nicsim::wire
