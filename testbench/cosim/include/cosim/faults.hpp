// Faults: the co-simulation's fault model (docs/faults.md has the matrix of faults and outcomes).
//
// A FaultSpec names one fault, where it strikes and how often; `nicsim run --fault SPEC` parses
// one (parse_fault), Scenario::faults holds them. The FaultInjector carries them out during a run
// at the level the contract allows: DMA error responses from host memory (one burst per
// injection), malformed TX descriptors written by the driver (driver/fault_injection), damaged frames from
// the wire peer, RX starvation (the OS stops returning buffers), register writes the NIC must
// refuse, doorbells past the ring, queue resets, ring configurations and RX buffers the NIC must
// refuse (FaultyDriverPlatform) and the adapter's cancel. It keeps the books the
// workload needs to account for every frame: which TX frames must come back unsent, which RX
// frames must be dropped, which ring error codes are expected and how many.
//
// The spec (FaultSpec, parse_fault) is in fault_spec.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nic_contract.hpp>
#include <nicsim/driver/adapter.hpp>
#include <nicsim/driver/fault_injection/driver_faults.hpp>

#include "cosim/driver_platform_decorator.hpp"
#include "cosim/fault_spec.hpp"
#include "cosim/platform.hpp"
#include "frame/rx_wire.hpp"
#include "scoreboard/scoreboard.hpp"

namespace nicsim::cosim {

/// Carries out a run's faults and keeps their books (see the top of this file).
class FaultInjector {
public:
    /// Throws ScenarioError for a spec the run cannot carry out (queue out of range, a top
    /// without fault injection, a ring too small for a chain of MAX_TX_FRAGS).
    FaultInjector(std::vector<FaultSpec> specs, std::uint64_t seed, std::uint64_t packets, unsigned queues,
                  std::uint32_t hw_tx_ring_entries, Platform& hw);

    bool has(FaultKind k) const;
    /// At the start of traffic (the adapter up, RX buffers posted, the wire about to start): no
    /// injection happens before (tick() waits for it), DMA faults find the rings through it.
    void attach(driver::Adapter& adapter);
    /// DriverFaults::tx_descriptor_fault (nicsim::driver::fault_injection).
    driver::fault_injection::TxDescriptorFault tx_descriptor_fault(unsigned queue, std::uint64_t post_sequence);

    /// A frame went to TX queue `queue` as its frame `frame_id`: the drop reason if it must
    /// come back unsent.
    std::optional<scoreboard::DropReason> on_tx_submitted(unsigned queue, std::uint64_t frame_id);
    /// The driver writes `value` to register `offset`: the value that reaches the NIC (ring-config
    /// turns the awaited RING_SIZE_LOG2 write into 0).
    std::uint32_t on_register_write(std::uint16_t offset, std::uint32_t value);
    /// The driver stores `size_bytes` at `destination` of ring memory: true if rx-desc-bad changed
    /// them (into `replacement`) because it is the RX descriptor the injection waits for. The
    /// injection takes effect (is counted) when the NIC reads that descriptor.
    bool on_ring_store(void const* destination, void const* source, std::size_t size_bytes,
                       std::array<std::uint8_t, contract::rx_desc_t::bytes>& replacement);
    /// A frame is about to go on the RX wire: damaged here by the wire kinds.
    void on_rx_frame(wire::Frame& f);
    /// Between cycles: injections whose time came.
    void tick(std::uint64_t tx_submitted);
    /// The OS holds queue `queue`'s RX buffers back (rx-starve).
    bool rx_starved(unsigned queue) const;
    bool cancel_due() const noexcept { return cancel_due_; }

    /// Injections that took effect, by kind name.
    std::map<std::string, std::uint64_t> const& injected() const noexcept { return injected_; }
    /// Ring errors of `code` the injections should have caused.
    std::uint64_t expected_ring_errors(contract::err_e code) const;
    /// Register accesses refused as the contract says (SLVERR, nothing changed).
    std::uint64_t register_refusals() const noexcept { return register_refusals_; }
    /// Injections that never took effect, by spec (or kind): scheduled past the end of the run,
    /// or armed and never met by the burst, descriptor or frame they wait for.
    std::map<std::string, std::uint64_t> not_fired() const;
    /// Answers the contract does not allow (a run error each).
    std::vector<std::string> const& problems() const noexcept { return problems_; }

private:
    struct Armed {
        FaultKind kind;
        unsigned queue;
        bool tx;
    };
    struct Schedule {
        FaultSpec spec;
        std::vector<std::uint64_t> points;  // TX frames submitted, ascending
        std::size_t next = 0;
        std::uint64_t due = 0;  // rate: injections drawn, not yet carried out
    };
    void fire(FaultSpec const& spec);
    bool dma_hook(bool write, std::uint64_t lo, std::uint64_t hi);
    bool in_any_ring(std::uint64_t lo, std::uint64_t hi, bool completions) const;
    void count(FaultKind k);
    bool spoil_checksum(wire::Frame& f);
    void read_back_registers();
    void probe_refused(bool write, std::uint16_t offset, std::uint32_t value, char const* what);

    std::vector<Schedule> schedules_;
    std::mt19937_64 rng_;
    unsigned queues_;
    std::uint32_t hw_tx_entries_;
    Platform& hw_;
    driver::Adapter* adapter_ = nullptr;
    std::vector<Armed> armed_;                            // one-shot DMA faults
    std::vector<Armed> armed_config_;                     // ring-config: the next RING_SIZE_LOG2 write
    std::vector<std::optional<unsigned>> armed_rx_desc_;  // rx-desc-bad: the next RX descriptor (of the queue)
    std::vector<std::uint64_t> bad_rx_descriptors_;       // rx-desc-bad: posted, the NIC has not read them yet
    std::vector<std::vector<FaultKind>> pending_desc_;    // per queue: next frame's fault
    std::map<std::pair<unsigned, std::uint64_t>, FaultKind> desc_faults_;  // (queue, frame id)
    std::set<std::pair<unsigned, std::uint64_t>> desc_applied_;
    std::map<FaultKind, std::uint64_t> pending_wire_;
    std::vector<std::uint64_t> starved_until_;
    bool cancel_due_ = false;
    std::map<std::string, std::uint64_t> injected_;
    std::map<FaultKind, std::uint64_t> fired_;
    std::uint64_t register_refusals_ = 0;
    std::vector<std::string> problems_;
};

/// The driver's platform (its registers and its ring memory) with the injector in the way: every
/// access passes through unchanged except the register write or descriptor store a ring-config
/// or rx-desc-bad injection waits for. A test-only seam: the driver itself has no such switch.
class FaultyDriverPlatform final : public DriverPlatformDecorator {
public:
    FaultyDriverPlatform(driver::RegisterBus& registers, driver::HostMemoryAccess& memory, FaultInjector& faults)
        : DriverPlatformDecorator(registers, memory), faults_(faults) {}

    void write32(std::uint16_t offset, std::uint32_t value) override {
        registers_.write32(offset, faults_.on_register_write(offset, value));
    }
    void store(void* destination, void const* source, std::size_t size_bytes) override {
        std::array<std::uint8_t, contract::rx_desc_t::bytes> replacement;
        if (faults_.on_ring_store(destination, source, size_bytes, replacement))
            memory_.store(destination, replacement.data(), replacement.size());
        else
            memory_.store(destination, source, size_bytes);
    }

private:
    FaultInjector& faults_;
};

/// An RxWire that lets the injector damage each frame on its way to the wire.
class FaultyRxWire final : public wire::RxWire {
public:
    FaultyRxWire(wire::RxWire& inner, FaultInjector& faults) : inner_(inner), faults_(faults) {}
    void send(wire::Frame frame, std::uint64_t not_before_cycle = 0) override {
        faults_.on_rx_frame(frame);
        inner_.send(std::move(frame), not_before_cycle);
    }
    std::size_t pending() const override { return inner_.pending(); }
    std::uint64_t cycle() const override { return inner_.cycle(); }
    void set_inter_frame_gap(std::uint32_t cycles) override { inner_.set_inter_frame_gap(cycles); }

private:
    wire::RxWire& inner_;
    FaultInjector& faults_;
};

}  // namespace nicsim::cosim
