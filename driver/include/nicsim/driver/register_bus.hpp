// RegisterBus: how the driver reaches the NIC's registers. The testbench implements it with its
// AXI4-Lite master BFM; driver unit tests implement it with a small register file.
//
// Contract (what a real CPU on PCIe gives a driver, and what the driver assumes):
//  - write32 is posted: it returns at once; writes reach the NIC in program order. It is relaxed:
//    it does not wait for earlier host-memory stores (the driver's write barrier before a doorbell
//    does that: host_memory_access.hpp).
//  - read32 blocks until the NIC answered. Every read costs real simulated cycles (a PCIe round
//    trip on real hardware), so the datapath never reads a register on the hot path: it learns of
//    completions from host memory. Reads are used at start, in the ISR and in error recovery.
// Offsets are byte offsets in the NIC's register space, always taken from nic_contract.hpp.
#pragma once

#include <cstdint>

namespace nicsim::driver {

class RegisterBus {
public:
    virtual ~RegisterBus() = default;
    virtual void write32(std::uint16_t offset, std::uint32_t value) = 0;
    virtual std::uint32_t read32(std::uint16_t offset) = 0;
};

}  // namespace nicsim::driver
