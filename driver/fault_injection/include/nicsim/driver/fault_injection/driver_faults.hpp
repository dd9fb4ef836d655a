// What a deliberately broken driver does (docs/faults.md): the switches alone, plain data, so that
// a scenario can name them without linking anything (target nicsim::driver_faults). Installing
// them on an Adapter is fault_injection.hpp (target nicsim::driver_fault_injection).
#pragma once

#include <cstdint>
#include <functional>

namespace nicsim::driver::fault_injection {

/// A malformed TX descriptor chain written on purpose.
enum class TxDescriptorFault : std::uint8_t {
    none,
    zero_length,       // the first descriptor's len is 0                       -> ERR_DESC_ZERO_LEN
    length_over_max,   // the first descriptor's len is MAX_FRAME_BYTES + 1    -> ERR_DESC_LEN_OVER
    chain_too_long,    // MAX_TX_FRAGS descriptors, none with eop               -> ERR_DESC_CHAIN_LONG
    no_end_of_packet,  // the last descriptor has no eop and the driver publishes nothing more on the
                       // ring (a chain published in pieces whose rest is forgotten): the ring waits
};

/// Known driver bugs, each off by default, and the malformed chains to write.
struct DriverFaults {
    bool rx_leaves_layout_unwritten = false;  // RX indicates packets without writing Layout
    bool tx_forgets_fragment_begin = false;   // TX returns packets without moving the fragment BeginIndex
    // RX queue 0 consumes the completion of its Nth good frame (1-based; 0 = never) and neither
    // indicates nor counts the frame: a silent loss only the scoreboard's exact books can catch.
    std::uint64_t rx_swallows_frame = 0;
    // Asked before the driver posts a packet to TX ring `queue` for the first time (again if it did
    // not fit the ring yet; never for a repost after a ring reset), with the number of packets first
    // posted there before it. A packet posted again after a ring reset gets the same malformed
    // chain, except an open one (no_end_of_packet): that is posted whole.
    std::function<TxDescriptorFault(std::uint32_t queue, std::uint64_t post_sequence)> tx_descriptor_fault;

    /// Whether any of them is asked for.
    bool any() const noexcept {
        return rx_leaves_layout_unwritten || tx_forgets_fragment_begin || rx_swallows_frame != 0 ||
               static_cast<bool>(tx_descriptor_fault);
    }
};

}  // namespace nicsim::driver::fault_injection
