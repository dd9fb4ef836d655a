// frame_port.hpp: the wire side of the SystemC NIC: one nicsim::wire::Frame per sc_fifo entry.
//
// Why sc_fifo and not a TLM socket: a frame on the wire is a stream item, not a memory-mapped
// access, and the generic payload has no place for tuser/metadata without an extension every
// peer would have to know. sc_fifo<Frame> is the primitive every SystemC platform already has:
// a bounded depth is the back-pressure (the NIC deasserts TX tready while its output fifo is
// full; the RX side is as fast as the fifo is filled), blocking read()/write() suit a peer's
// SC_THREAD, nb_read()/nb_write() an SC_METHOD.
#pragma once

#include <ostream>

#include <systemc>

#include "frame/frame.hpp"

namespace nicsim::wire {

/// sc_fifo<T> needs operator<< (sc_fifo::print, dump); found by ADL next to Frame.
inline std::ostream& operator<<(std::ostream& os, Frame const& f) {
    return os << describe(f);
}

}  // namespace nicsim::wire

namespace nicsim::systemc {

using FrameFifo = sc_core::sc_fifo<wire::Frame>;
using FrameIn = sc_core::sc_fifo_in<wire::Frame>;
using FrameOut = sc_core::sc_fifo_out<wire::Frame>;

}  // namespace nicsim::systemc
