// The driver's fault hooks: known driver bugs and malformed TX descriptors it can be told to
// produce (docs/faults.md). Apart from adapter.hpp so that a scenario can name them without the
// driver library (target nicsim::driver_faults: this header only).
#pragma once

#include <cstdint>
#include <functional>

namespace nicsim::driver {

/// A malformed TX descriptor chain the driver writes on purpose (fault injection, docs/faults.md).
enum class TxDescriptorFault : std::uint8_t {
    none,
    zero_length,       // the first descriptor's len is 0                       -> ERR_DESC_ZERO_LEN
    length_over_max,   // the first descriptor's len is MAX_FRAME_BYTES + 1    -> ERR_DESC_LEN_OVER
    chain_too_long,    // MAX_TX_FRAGS descriptors, none with eop               -> ERR_DESC_CHAIN_LONG
    no_end_of_packet,  // the last descriptor has no eop and the driver publishes nothing more on the
                       // ring (a chain published in pieces whose rest is forgotten): the ring waits
};
char const* to_string(TxDescriptorFault f) noexcept;

/// Fault injection for negative tests of the checkers: known driver bugs, each off by default.
struct DriverFaults {
    bool rx_leaves_layout_unwritten = false;  // RX indicates packets without writing Layout
    bool tx_forgets_fragment_begin = false;   // TX returns packets without moving the fragment BeginIndex
    // RX queue 0 consumes the completion of its Nth good frame (1-based; 0 = never) and neither
    // indicates nor counts the frame: a silent loss only the scoreboard's exact books can catch.
    std::uint64_t rx_swallows_frame = 0;
    // Asked once per packet the driver posts to TX ring `queue` for the first time (never for a
    // repost after a ring reset), with the number of packets first posted there before it.
    std::function<TxDescriptorFault(std::uint32_t queue, std::uint64_t post_sequence)> tx_descriptor_fault;
};

}  // namespace nicsim::driver
