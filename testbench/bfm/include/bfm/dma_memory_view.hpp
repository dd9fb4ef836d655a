// DmaMemoryView: what a bus master's view of memory adds to the memory itself. A memory slave
// (Axi4SlaveMem, the SystemC top's HostMemoryTarget) calls it for every transfer it serves, when
// one is set: after_read may change the bytes the master gets (a host model whose CPU stores are
// not yet visible to the device), before_write learns of bytes the master is about to write.
// Without a view a slave serves memory as it is, at no cost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace nicsim::bfm {

class DmaMemoryView {
public:
    virtual ~DmaMemoryView() = default;
    /// `data` holds memory's bytes at [addr, addr + data.size()), about to go to the master.
    virtual void after_read(std::uint64_t addr, std::span<std::uint8_t> data) = 0;
    /// The master writes [addr, addr + size_bytes) next (the slave writes memory after the call).
    virtual void before_write(std::uint64_t addr, std::size_t size_bytes) = 0;
};

}  // namespace nicsim::bfm
