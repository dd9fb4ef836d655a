// HostMemoryTarget: the host's DMA-able memory as a TLM-2.0 target, shared with software.
//
// Contract:
// - One contiguous region of size_bytes (4 KiB-aligned), known to software as a
//   ringlib::DmaArena (virtual = the region's bytes, logical = logical_base) and served on
//   `socket` at logical_base. A byte written by the OS side, the driver or the NIC is the same
//   byte for the other two, with no copy (as testbench/host/include/host/host_memory.hpp does for
//   the C++ top).
// - b_transport: reads and writes of any length and alignment inside the region, honouring byte
//   enables (a pattern repeated when shorter than the data, per TLM-2.0), streaming width equal
//   to the length. It never waits: it adds read_latency / write_latency to the annotated delay
//   (loosely timed; the NIC presents the response no earlier than that).
// - Errors, with memory untouched: a transaction that leaves the region ->
//   TLM_ADDRESS_ERROR_RESPONSE; one that overlaps an injected error range of its direction ->
//   that range's status; a streaming width other than the length -> TLM_BURST_ERROR_RESPONSE.
// - transport_dbg reads and writes the region without latency or injected errors (debuggers);
//   DMI is not offered, so every NIC access pays its latency and can be observed.
// - on_transport, when set, sees every b_transport after it was served (status set), with the
//   simulated time of the call and the delay it returned.
// - view, when set (a weakly ordered host: testbench/host/include/host/memory_order.hpp), sees
//   every b_transport it serves: before a write's bytes land, and after a read's bytes were copied
//   (it may change them: CPU stores not yet visible to the NIC). transport_dbg bypasses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include <ringlib/dma_arena.hpp>
#include <systemc>

#include "bfm/dma_memory_view.hpp"
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace nicsim::systemc {

struct HostMemoryTargetConfig {
    std::uint64_t logical_base = 0x1'0000'0000;  // above 4 GiB: exercises 64-bit DMA addresses
    std::size_t size_bytes = 16u << 20;
    sc_core::sc_time read_latency = sc_core::SC_ZERO_TIME;
    sc_core::sc_time write_latency = sc_core::SC_ZERO_TIME;
};

enum class AccessKind { read, write, both };

struct InjectedError {
    std::uint64_t addr = 0;  // logical
    std::uint64_t bytes = 0;
    AccessKind kind = AccessKind::both;
    tlm::tlm_response_status status = tlm::TLM_GENERIC_ERROR_RESPONSE;
};

struct HostMemoryStats {
    std::uint64_t reads = 0, writes = 0;  // b_transport calls served OK
    std::uint64_t read_bytes = 0, write_bytes = 0;
    std::uint64_t errors = 0;  // answered with an error
};

class HostMemoryTarget : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<HostMemoryTarget> socket;

    explicit HostMemoryTarget(sc_core::sc_module_name name, HostMemoryTargetConfig config = {});
    HostMemoryTarget(HostMemoryTarget const&) = delete;
    HostMemoryTarget& operator=(HostMemoryTarget const&) = delete;

    ringlib::DmaArena& arena() noexcept { return *arena_; }
    HostMemoryTargetConfig& config() noexcept { return cfg_; }
    HostMemoryStats const& stats() const noexcept { return stats_; }
    std::uint64_t logical_base() const noexcept { return cfg_.logical_base; }
    std::size_t size_bytes() const noexcept { return cfg_.size_bytes; }

    /// The region's bytes at a logical address; throws std::out_of_range outside the region.
    std::span<std::uint8_t> bytes(std::uint64_t logical_addr, std::size_t length);

    void inject_error(InjectedError e) { errors_.push_back(e); }
    void clear_injected_errors() { errors_.clear(); }

    /// When set, the latency of each transaction (replaces read_latency / write_latency), e.g.
    /// drawn from a seeded generator.
    std::function<sc_core::sc_time(tlm::tlm_generic_payload const&)> latency;

    std::function<void(tlm::tlm_generic_payload const&, sc_core::sc_time const& call_time,
                       sc_core::sc_time const& delay)>
        on_transport;

    /// Between memory and the NIC (not owned; nullptr: memory as it is).
    bfm::DmaMemoryView* view = nullptr;

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
    tlm::tlm_response_status serve(tlm::tlm_generic_payload& trans, bool debug);

    HostMemoryTargetConfig cfg_;
    HostMemoryStats stats_;
    std::vector<std::uint8_t> storage_;
    std::uint8_t* region_ = nullptr;
    std::unique_ptr<ringlib::DmaArena> arena_;
    std::vector<InjectedError> errors_;
};

}  // namespace nicsim::systemc
