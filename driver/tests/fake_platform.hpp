// A RegisterBus for unit tests of the driver's own logic ONLY: it records every write and
// answers reads from a small register file the test fills in. It is not a NIC model; anything
// that depends on how the hardware behaves is tested end to end in the co-simulation.
#pragma once

#include <nicsim/driver/register_bus.hpp>

#include <nic_contract.hpp>

#include <cstdint>
#include <map>
#include <vector>

namespace drivertest {

namespace c = nicsim::contract;

struct FakeRegisterBus final : nicsim::driver::RegisterBus {
    struct Write {
        std::uint16_t offset;
        std::uint32_t value;
        bool after_barrier;  // a write_barrier() came between the previous write and this one
    };

    FakeRegisterBus() { answer_as_contract_nic(4, 64); }

    /// The ID block of a NIC that speaks exactly the contract this driver was built with.
    void answer_as_contract_nic(std::uint32_t num_queues, std::uint32_t data_width_bits)
    {
        registers[c::REG_ID_MAGIC] = c::NIC_MAGIC;
        registers[c::REG_ID_VERSION] = c::CONTRACT_VERSION;
        registers[c::REG_ID_DATA_WIDTH] = data_width_bits;
        registers[c::REG_ID_NUM_QUEUES] = num_queues;
        registers[c::REG_ID_MAX_FRAME] = c::MAX_FRAME_BYTES;
        registers[c::REG_ID_MAX_FRAGS] = c::MAX_TX_FRAGS;
        registers[c::REG_ID_RX_ALIGN] = c::RX_BUF_ALIGN_BYTES;
    }

    void write32(std::uint16_t offset, std::uint32_t value) override
    {
        writes.push_back({offset, value, barrier_pending});
        log.push_back({false, offset});
        barrier_pending = false;
        last_written[offset] = value;
    }
    std::uint32_t read32(std::uint16_t offset) override
    {
        ++reads;
        log.push_back({true, offset});
        auto const it = registers.find(offset);
        return it == registers.end() ? 0 : it->second;
    }
    void write_barrier() override { barrier_pending = true; }

    std::vector<Write> writes_to(std::uint16_t offset) const
    {
        std::vector<Write> found;
        for (auto const& w : writes) {
            if (w.offset == offset) {
                found.push_back(w);
            }
        }
        return found;
    }

    std::map<std::uint16_t, std::uint32_t> registers;  // what reads return (0 if absent)
    std::map<std::uint16_t, std::uint32_t> last_written;
    std::vector<Write> writes;
    struct Access {
        bool read;
        std::uint16_t offset;
    };
    std::vector<Access> log;  // every read and write, in order
    std::uint64_t reads = 0;
    bool barrier_pending = false;
};

}  // namespace drivertest
