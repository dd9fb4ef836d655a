// Translation between the net ring's view of a packet and the contract's descriptors and
// completions. Pure functions, so the encodings can be tested without hardware; every bit
// position comes from nic_contract.hpp (the generated encode()/decode() and Field constants).
#pragma once

#include <nicsim/driver/host_memory_access.hpp>

#include <nic_contract.hpp>
#include <netadaptercx.h>

#include <cstdint>
#include <optional>

namespace nicsim::driver {

/// The offload request of one TX packet, as the first descriptor carries it.
struct TxOffload {
    bool ipv4_header_checksum = false;
    bool l4_checksum = false;
    bool ipv6 = false;
    bool udp = false;
    std::uint16_t l3_offset_bytes = 0;
    std::uint16_t l4_offset_bytes = 0;
};

/// Offloads of `packet` from its Layout and checksum extension (null: no extension registered).
TxOffload tx_offload_for(NET_PACKET const& packet, NET_PACKET_CHECKSUM const* checksum);

/// One fragment's descriptor. Offload fields are only set on a packet's first descriptor
/// (`offload` non-null), which is where the engine reads them.
contract::tx_desc_t make_tx_descriptor(std::uint64_t address, std::uint32_t length_bytes, bool end_of_packet,
                                       TxOffload const* offload);

/// Where an RX buffer goes in the hardware's eyes: the contract wants the address and capacity
/// aligned to RX_BUF_ALIGN_BYTES, so the usable part of the OS's buffer may start after the
/// backfill Offset and end before Capacity. `offset_bytes` is what the fragment's Offset must
/// say once data landed. usable_bytes == 0 means the buffer is too small to post.
struct RxBufferPlacement {
    std::uint64_t address = 0;
    std::uint32_t offset_bytes = 0;
    std::uint32_t usable_bytes = 0;
};
RxBufferPlacement rx_buffer_placement(std::uint64_t logical_address, std::uint32_t offset_bytes,
                                      std::uint32_t capacity_bytes);

contract::rx_desc_t make_rx_descriptor(RxBufferPlacement const& placement);

/// NET_PACKET_LAYOUT of a received frame from the parser results in its completion.
NET_PACKET_LAYOUT rx_layout_from(contract::rx_cpl_t const& completion);
/// Checksum extension value (RX evaluations) from the completion's verdicts.
NET_PACKET_CHECKSUM rx_checksum_from(contract::rx_cpl_t const& completion);
/// Hash extension value from the completion.
NET_PACKET_HASH rx_hash_from(contract::rx_cpl_t const& completion);

/// The completion in `slot` (CPL_BYTES of host memory) if its phase bit says the hardware wrote
/// it in the current pass of the ring, else nothing. Loads the phase byte, and only when it is
/// the expected one, a read barrier and then the whole record (docs/contract.md, rule O2).
std::optional<contract::tx_cpl_t> read_tx_completion(HostMemoryAccess& memory, void const* slot, bool expected_phase);
std::optional<contract::rx_cpl_t> read_rx_completion(HostMemoryAccess& memory, void const* slot, bool expected_phase);

/// Stores a descriptor's bytes into its ring slot (DESC_BYTES of host memory). Visible to the
/// NIC only after a write barrier: ring_doorbell issues it (rule O1).
void store_descriptor(HostMemoryAccess& memory, void* slot, contract::tx_desc_t const& descriptor);
void store_descriptor(HostMemoryAccess& memory, void* slot, contract::rx_desc_t const& descriptor);

}  // namespace nicsim::driver
