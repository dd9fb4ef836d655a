// Faults: the co-simulation's fault model (docs/faults.md has the matrix of faults and outcomes).
//
// A FaultSpec names one fault, where it strikes and how often; `nicsim run --fault SPEC` parses
// one (parse_fault), Scenario::faults holds them. The FaultInjector carries them out during a run
// at the level the contract allows: DMA error responses from host memory (one burst per
// injection), malformed TX descriptors written by the driver (DriverFaults), damaged frames from
// the wire peer, RX starvation (the OS stops returning buffers), register writes the NIC must
// refuse, doorbells past the ring, queue resets and the adapter's cancel. It keeps the books the
// workload needs to account for every frame: which TX frames must come back unsent, which RX
// frames must be dropped, which ring error codes are expected and how many.
//
// Spec syntax: KIND[:key=value[,key=value...]]
//   keys: queue=Q      the queue (default: drawn per injection)
//         dir=tx|rx    the ring, for kinds that have two (default tx; queue-reset: both)
//         at=N         first injection when N TX frames were submitted (default: a third of the run)
//         count=K      injections (default 1), every=E frames apart (default: spread over the run)
//         rate=P       instead of at/count: each TX frame (wire kinds: each RX frame) with probability P
//         cycles=C     rx-starve: how long the OS holds its buffers back (default 20000)
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

#include "cosim/platform.hpp"
#include "scoreboard/scoreboard.hpp"
#include "wire/rx_wire.hpp"

namespace nicsim::cosim {

enum class FaultKind : std::uint8_t {
    dma_desc_read,   // error response to a descriptor read of the ring
    dma_data_read,   // error response to a TX data read (whichever ring's is next)
    dma_rx_write,    // error response to an RX data write (whichever ring's is next)
    dma_cpl_write,   // error response to a completion write of the ring
    tx_zero_len,     // the driver writes a zero-length descriptor for a frame
    tx_len_over,     // ... a descriptor longer than MAX_FRAME_BYTES
    tx_chain_long,   // ... MAX_TX_FRAGS descriptors without end of packet
    tx_no_eop,       // ... a chain without end of packet, and nothing after it
    rx_runt,         // the wire peer cuts a frame below 60 bytes
    rx_oversize,     // ... makes a frame longer than MAX_FRAME_BYTES
    rx_bad,          // ... marks a frame bad (tuser)
    rx_starve,       // the OS gives the queue's RX buffers back late (none posted for a while)
    doorbell_range,  // RING_PROD written with the ring size
    reg_undefined,   // writes (and a read) to undefined register addresses
    reg_readonly,    // writes to read-only registers
    queue_reset,     // the driver resets the queue's rings in the middle of traffic
    cancel,          // the OS cancels every queue in the middle of traffic (ends the run)
};
inline constexpr std::size_t kFaultKinds = 17;
char const* to_string(FaultKind k);
/// Every kind's spec name, for --help and error messages.
std::string fault_kind_names();

struct FaultSpec {
    FaultKind kind = FaultKind::dma_desc_read;
    std::optional<unsigned> queue;
    std::optional<bool> tx;          // dir=tx (true) / rx (false)
    std::optional<std::uint64_t> at;
    std::uint64_t count = 1;
    std::optional<std::uint64_t> every;
    double rate = 0;
    std::uint64_t cycles = 20'000;
};

/// Parses a spec; throws ScenarioError "--fault SPEC: why" naming the bad part.
FaultSpec parse_fault(std::string_view spec);
/// The spec again, in the form parse_fault reads (replay commands).
std::string to_string(FaultSpec const& f);
/// Every fault kind at a soak's rates (random queues, directions and times).
std::vector<FaultSpec> soak_faults();

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
    /// DriverFaults::tx_descriptor_fault.
    driver::TxDescriptorFault tx_descriptor_fault(unsigned queue, std::uint64_t post_sequence);

    /// A frame went to TX queue `queue` as its frame `frame_id`: the drop reason if it must
    /// come back unsent.
    std::optional<scoreboard::DropReason> on_tx_submitted(unsigned queue, std::uint64_t frame_id);
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
        std::uint64_t due = 0;              // rate: injections drawn, not yet carried out
    };
    void fire(FaultSpec const& spec);
    bool dma_hook(bool write, std::uint64_t lo, std::uint64_t hi);
    bool in_any_ring(std::uint64_t lo, std::uint64_t hi, bool completions) const;
    void count(FaultKind k);
    void probe_refused(bool write, std::uint16_t offset, std::uint32_t value, char const* what);

    std::vector<Schedule> schedules_;
    std::mt19937_64 rng_;
    unsigned queues_;
    std::uint32_t hw_tx_entries_;
    Platform& hw_;
    driver::Adapter* adapter_ = nullptr;
    std::vector<Armed> armed_;                                       // one-shot DMA faults
    std::vector<std::vector<FaultKind>> pending_desc_;               // per queue: next frame's fault
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
