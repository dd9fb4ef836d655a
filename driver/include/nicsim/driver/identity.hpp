// The NIC's identification block and the check the driver makes of it before touching anything
// else: a driver built for one contract refuses hardware that speaks another.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nic_contract.hpp>

namespace nicsim::driver {

class RegisterBus;

/// The ID/version registers as read from the NIC.
struct NicIdentity {
    std::uint32_t magic = 0;
    std::uint32_t version = 0;  // REG_ID_VERSION: major and minor fields
    std::uint32_t data_width_bits = 0;
    std::uint32_t num_queues = 0;
    std::uint32_t max_frame_bytes = 0;
    std::uint32_t max_tx_fragments = 0;
    std::uint32_t rx_buffer_alignment_bytes = 0;
};

/// What this driver needs of the NIC (the contract constants come from nic_contract.hpp).
struct IdentityExpectations {
    std::uint32_t data_width_bits = 64;  // the configuration the driver was built/started for
    std::uint32_t queues_in_use = 1;     // NUM_QUEUES must be at least this
};

NicIdentity read_identity(RegisterBus& bus);

/// The smallest RING_SIZE_LOG2 a NIC of `data_width_bits` accepts: a descriptor ring covers at
/// least one data beat (docs/contract.md, Queues and rings): 1 up to 256 bits, 2 at 512 bits.
constexpr std::uint32_t min_ring_log2(std::uint32_t data_width_bits) noexcept {
    std::uint32_t log2 = 1;
    while ((static_cast<std::uint32_t>(contract::DESC_BYTES) << log2) < data_width_bits / 8) {
        ++log2;
    }
    return log2;
}
/// The alignment a descriptor ring's base needs on a NIC of `data_width_bits`: a data beat, and at
/// least RING_BASE_ALIGN_BYTES.
constexpr std::uint32_t descriptor_ring_alignment(std::uint32_t data_width_bits) noexcept {
    auto const minimum = static_cast<std::uint32_t>(contract::RING_BASE_ALIGN_BYTES);
    return data_width_bits / 8 > minimum ? data_width_bits / 8 : minimum;
}

/// Every mismatch, one sentence each ("expected ..., found ..."); empty when the NIC fits.
std::vector<std::string> identity_mismatches(NicIdentity const& found, IdentityExpectations const& expected);

}  // namespace nicsim::driver
