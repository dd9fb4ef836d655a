// A RegisterBus and HostMemoryAccess for unit tests of the driver's own logic ONLY: it records
// every register write, every host-memory store, load and barrier in one log, in program order,
// and answers register reads from a small register file the test fills in. Memory accesses are
// plain copies. It is not a NIC model: anything that depends on how the hardware behaves is
// tested end to end in the co-simulation; what this checks is where the driver puts its barriers.
#pragma once

#include <nicsim/driver/host_memory_access.hpp>
#include <nicsim/driver/register_bus.hpp>

#include <nic_contract.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

namespace drivertest {

namespace c = nicsim::contract;

struct FakePlatform final : nicsim::driver::RegisterBus, nicsim::driver::HostMemoryAccess {
    enum class Kind { register_write, register_read, store, load, write_barrier, read_barrier, memory_barrier };
    struct Event {
        Kind kind;
        std::uintptr_t address = 0;  // stores and loads: the host address; registers: the offset
        std::size_t size_bytes = 0;  // stores and loads
        std::uint32_t value = 0;     // register writes
    };
    struct Write {
        std::uint16_t offset;
        std::uint32_t value;
        // Every host-memory store made before this write is ordered before it: a write (or full)
        // barrier came after the last of them. What a doorbell needs (rule O1).
        bool stores_ordered;
        std::size_t stores_before;  // host-memory stores made before this write, in all
    };

    FakePlatform() { answer_as_contract_nic(4, 64); }

    /// The ID block of a NIC that speaks exactly the contract this driver was built with.
    void answer_as_contract_nic(std::uint32_t num_queues, std::uint32_t data_width_bits) {
        registers[c::REG_ID_MAGIC] = c::NIC_MAGIC;
        registers[c::REG_ID_VERSION] = c::CONTRACT_VERSION;
        registers[c::REG_ID_DATA_WIDTH] = data_width_bits;
        registers[c::REG_ID_NUM_QUEUES] = num_queues;
        registers[c::REG_ID_MAX_FRAME] = c::MAX_FRAME_BYTES;
        registers[c::REG_ID_MAX_FRAGS] = c::MAX_TX_FRAGS;
        registers[c::REG_ID_RX_ALIGN] = c::RX_BUF_ALIGN_BYTES;
        // Every ring idle: a cancel or a recovery finds nothing left in flight.
        for (std::uint32_t q = 0; q < num_queues; ++q) {
            for (auto block : {c::QREG_TX, c::QREG_RX}) {
                registers[c::queue_reg(q, block, c::RING_STATUS)] =
                    static_cast<std::uint32_t>(c::RING_STATUS_IDLE.put(0, 1));
            }
        }
    }

    // ---- RegisterBus ----
    void write32(std::uint16_t offset, std::uint32_t value) override {
        writes.push_back({offset, value, unordered_stores == 0, stores});
        log.push_back({Kind::register_write, offset, 0, value});
        last_written[offset] = value;
    }
    std::uint32_t read32(std::uint16_t offset) override {
        ++reads;
        log.push_back({Kind::register_read, offset, 0, 0});
        auto const it = registers.find(offset);
        return it == registers.end() ? 0 : it->second;
    }

    // ---- HostMemoryAccess ----
    void store(void* destination, void const* source, std::size_t size_bytes) override {
        std::memcpy(destination, source, size_bytes);
        note_store(destination, size_bytes);
    }
    void zero(void* destination, std::size_t size_bytes) override {
        std::memset(destination, 0, size_bytes);
        note_store(destination, size_bytes);
    }
    void load(void* destination, void const* source, std::size_t size_bytes) override {
        std::memcpy(destination, source, size_bytes);
        log.push_back({Kind::load, reinterpret_cast<std::uintptr_t>(source), size_bytes, 0});
    }
    void write_barrier() override {
        unordered_stores = 0;
        log.push_back({Kind::write_barrier});
    }
    void read_barrier() override { log.push_back({Kind::read_barrier}); }
    void memory_barrier() override {
        unordered_stores = 0;
        log.push_back({Kind::memory_barrier});
    }

    std::vector<Write> writes_to(std::uint16_t offset) const {
        std::vector<Write> found;
        for (auto const& w : writes) {
            if (w.offset == offset) {
                found.push_back(w);
            }
        }
        return found;
    }
    /// The log's events from the first access to host memory at [address, address + size) on.
    std::vector<Event> events_from_access(void const* address, std::size_t size_bytes) const {
        auto const a = reinterpret_cast<std::uintptr_t>(address);
        for (std::size_t i = 0; i < log.size(); ++i) {
            auto const& e = log[i];
            bool const memory = e.kind == Kind::store || e.kind == Kind::load;
            if (memory && e.address < a + size_bytes && a < e.address + e.size_bytes) {
                return {log.begin() + static_cast<std::ptrdiff_t>(i), log.end()};
            }
        }
        return {};
    }

    std::map<std::uint16_t, std::uint32_t> registers;  // what reads return (0 if absent)
    std::map<std::uint16_t, std::uint32_t> last_written;
    std::vector<Write> writes;
    std::vector<Event> log;  // every register access, memory access and barrier, in order
    std::uint64_t reads = 0;
    std::size_t stores = 0;            // host-memory stores so far
    std::size_t unordered_stores = 0;  // of them, made since the last write or full barrier

private:
    void note_store(void const* destination, std::size_t size_bytes) {
        ++stores;
        ++unordered_stores;
        log.push_back({Kind::store, reinterpret_cast<std::uintptr_t>(destination), size_bytes, 0});
    }
};

}  // namespace drivertest
