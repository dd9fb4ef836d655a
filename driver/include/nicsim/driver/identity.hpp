// The NIC's identification block and the check the driver makes of it before touching anything
// else: a driver built for one contract refuses hardware that speaks another.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

/// Every mismatch, one sentence each ("expected ..., found ..."); empty when the NIC fits.
std::vector<std::string> identity_mismatches(NicIdentity const& found, IdentityExpectations const& expected);

}  // namespace nicsim::driver
