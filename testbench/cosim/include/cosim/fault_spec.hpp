// FaultSpec: one fault of `nicsim run --fault SPEC` (docs/faults.md has the matrix of faults and
// outcomes): which fault, where it strikes and how often. parse_fault() reads the text a user
// gives; to_string() writes it back (the replay command), and parse_fault(to_string(f)) is f.
// No heavier dependency than the contract: the fuzz target fuzz/fault_spec links only this.
//
// Spec syntax: KIND[:key=value[,key=value...]]
//   keys: queue=Q      the queue (default: drawn per injection)
//         dir=tx|rx    the ring, for kinds that have two (default tx; queue-reset: both)
//         at=N         first injection when N TX frames were submitted (default: a third of the run)
//         count=K      injections (default 1), every=E frames apart (default: spread over the run)
//         rate=P       instead of at/count: each TX frame (wire kinds: each RX frame) with probability P
//         cycles=C     rx-starve: how long the OS holds its buffers back (default 20000)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cosim/scenario_error.hpp"

namespace nicsim::cosim {

enum class FaultKind : std::uint8_t {
    dma_desc_read,   // error response to a descriptor read of the ring
    dma_data_read,   // error response to a TX data read (whichever ring's is next)
    dma_rx_write,    // error response to an RX data write (whichever ring's is next)
    dma_cpl_write,   // error response to a completion write of the ring
    tx_zero_len,     // the driver writes a zero-length descriptor for a frame
    tx_len_over,     // ... a descriptor longer than MAX_FRAME_BYTES
    tx_chain_long,   // ... MAX_TX_FRAGS descriptors without end of packet
    tx_no_eop,       // ... a chain without end of packet, and nothing after it
    rx_runt,         // the wire peer cuts a frame below 60 bytes
    rx_oversize,     // ... makes a frame longer than MAX_FRAME_BYTES
    rx_bad,          // ... marks a frame bad (tuser)
    rx_bad_csum,     // ... spoils an IPv4 header or TCP/UDP checksum (delivered, reported bad)
    rx_starve,       // the OS gives the queue's RX buffers back late (none posted for a while)
    doorbell_range,  // RING_PROD written with the ring size
    reg_undefined,   // writes (and a read) to undefined register addresses
    reg_readonly,    // writes to read-only registers
    reg_readback,    // reads of every register, each RW one checked against what the driver wrote
    queue_reset,     // the driver resets the queue's rings in the middle of traffic
    ring_config,     // ... and enables the ring again with RING_SIZE_LOG2 0 (its next enable is good)
    rx_desc_bad,     // the driver posts one RX buffer whose address is not RX_BUF_ALIGN_BYTES aligned
    cancel,          // the OS cancels every queue in the middle of traffic (ends the run)
};
inline constexpr std::size_t kFaultKinds = 21;
char const* to_string(FaultKind k);
/// Every kind's spec name, for --help and error messages.
std::string fault_kind_names();

struct FaultSpec {
    FaultKind kind = FaultKind::dma_desc_read;
    std::optional<unsigned> queue;
    std::optional<bool> tx;  // dir=tx (true) / rx (false)
    std::optional<std::uint64_t> at;
    std::uint64_t count = 1;
    std::optional<std::uint64_t> every;
    double rate = 0;
    std::uint64_t cycles = 20'000;
};

/// Parses a spec; throws ScenarioError about ScenarioField::faults, "faults SPEC: why" naming the
/// bad part (`nicsim run` says "--fault SPEC: why").
FaultSpec parse_fault(std::string_view spec);
/// The spec again, in the form parse_fault reads (replay commands).
std::string to_string(FaultSpec const& f);
/// Every fault kind at a soak's rates (random queues, directions and times).
std::vector<FaultSpec> soak_faults();

}  // namespace nicsim::cosim
