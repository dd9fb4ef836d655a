// The ID/version check: the first thing the driver does with a NIC.
#include <nicsim/driver/identity.hpp>
#include <nicsim/driver/register_bus.hpp>

#include <fmt/format.h>
#include <nic_contract.hpp>

namespace nicsim::driver {

namespace c = nicsim::contract;

NicIdentity read_identity(RegisterBus& bus) {
    NicIdentity id;
    id.magic = bus.read32(c::REG_ID_MAGIC);
    id.version = bus.read32(c::REG_ID_VERSION);
    id.data_width_bits = bus.read32(c::REG_ID_DATA_WIDTH);
    id.num_queues = bus.read32(c::REG_ID_NUM_QUEUES);
    id.max_frame_bytes = bus.read32(c::REG_ID_MAX_FRAME);
    id.max_tx_fragments = bus.read32(c::REG_ID_MAX_FRAGS);
    id.rx_buffer_alignment_bytes = bus.read32(c::REG_ID_RX_ALIGN);
    return id;
}

std::vector<std::string> identity_mismatches(NicIdentity const& found, IdentityExpectations const& expected) {
    std::vector<std::string> problems;
    if (found.magic != c::NIC_MAGIC) {
        // Nothing else in the block means anything if the magic is wrong.
        problems.push_back(fmt::format("REG_ID_MAGIC: expected {:#010x} (\"NICS\"), found {:#010x}: not a nicsim NIC",
                                       c::NIC_MAGIC, found.magic));
        return problems;
    }
    auto const major = c::REG_ID_VERSION_MAJOR.get(found.version);
    auto const minor = c::REG_ID_VERSION_MINOR.get(found.version);
    if (major != static_cast<std::uint64_t>(c::CONTRACT_MAJOR) ||
        minor < static_cast<std::uint64_t>(c::CONTRACT_MINOR)) {
        problems.push_back(
            fmt::format("REG_ID_VERSION: the driver speaks contract {}.{} (needs major {} and minor >= {}), "
                        "the NIC reports {}.{}",
                        c::CONTRACT_MAJOR, c::CONTRACT_MINOR, c::CONTRACT_MAJOR, c::CONTRACT_MINOR, major, minor));
    }
    if (found.data_width_bits != expected.data_width_bits) {
        problems.push_back(fmt::format("REG_ID_DATA_WIDTH: the driver was configured for a {}-bit NIC, found {} bits",
                                       expected.data_width_bits, found.data_width_bits));
    }
    if (found.num_queues < expected.queues_in_use || found.num_queues > static_cast<std::uint32_t>(c::MAX_QUEUES)) {
        problems.push_back(
            fmt::format("REG_ID_NUM_QUEUES: the driver uses {} queue pair(s) (at most {}), the NIC has {}",
                        expected.queues_in_use, c::MAX_QUEUES, found.num_queues));
    }
    if (found.max_frame_bytes != static_cast<std::uint32_t>(c::MAX_FRAME_BYTES)) {
        problems.push_back(fmt::format("REG_ID_MAX_FRAME: expected MAX_FRAME_BYTES = {}, found {}", c::MAX_FRAME_BYTES,
                                       found.max_frame_bytes));
    }
    if (found.max_tx_fragments != static_cast<std::uint32_t>(c::MAX_TX_FRAGS)) {
        problems.push_back(fmt::format("REG_ID_MAX_FRAGS: expected MAX_TX_FRAGS = {}, found {}", c::MAX_TX_FRAGS,
                                       found.max_tx_fragments));
    }
    if (found.rx_buffer_alignment_bytes != static_cast<std::uint32_t>(c::RX_BUF_ALIGN_BYTES)) {
        problems.push_back(fmt::format("REG_ID_RX_ALIGN: expected RX_BUF_ALIGN_BYTES = {}, found {}",
                                       c::RX_BUF_ALIGN_BYTES, found.rx_buffer_alignment_bytes));
    }
    return problems;
}

}  // namespace nicsim::driver
