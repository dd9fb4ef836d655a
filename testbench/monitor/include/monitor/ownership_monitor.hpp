// OwnershipMonitor: the hardware's side of the ownership contract (docs/contract.md), checked at
// every DMA request of the NIC. It knows, at each cycle, which host memory the NIC may touch:
//
//   read   descriptors of a ring that the driver has published (RING_PROD) and the NIC has not yet
//          given back by a completion, and TX fragment data those descriptors point to (whole
//          packets only: nothing of a chain whose end is not yet published);
//   write  RX buffers of published, not yet completed RX descriptors, within their capacity, and
//          the next completion slot of a ring, in order, with the phase bit of the current pass
//          (1 on the first pass, flipping exactly at each wrap), describing exactly the entries
//          the NIC owns (TX: the next packet, ending at an eop descriptor; RX: buffers from the
//          first one the NIC owns), and for RX only after the write responses of the frame's data.
//
// Its inputs are the two passive observers (dma_observer.hpp, register_observer.hpp): register
// writes as the NIC takes them (ring bases and sizes, enable, reset, doorbells) and the NIC's
// AXI4 bursts. At a doorbell it reads the newly published descriptors from host memory (the
// driver must not change them until they are completed, so that is what the NIC may act on).
// Completions are decoded from the written data, each record at the W beat that completes it:
// that is when the driver can see it, and a driver may take a record (and post its buffers again)
// while the later beats of the same burst are still on their way.
//
// Granularity: the DMA engine issues whole, beat-aligned bursts, so a read is allowed when every
// beat it transfers overlaps bytes the NIC may read (a 64-byte beat may carry a published
// descriptor and its unpublished neighbour); writes must stay inside what the NIC owns (RX
// buffers are 64-byte aligned, so whole beats), and completion records are judged by their
// strobed bytes.
//
// Reset and disable: a ring reset (RING_CTRL.RESET) hands everything back to the driver;
// accesses the NIC had already under way may still land for drain_window_cycles, judged against
// the ring's state just before (completion content is not checked for those: the engine drops
// them). After that window they are violations. Clearing ENABLE hands nothing back: the NIC
// fetches nothing new but finishes what it took (docs/contract.md), so its accesses are judged,
// completions included, exactly as while enabled, until the reset.
//
// Memory ordering (watch_ordering): with a weakly ordered host (host/memory_order.hpp) the monitor
// checks rule O1 at every doorbell the NIC takes: the descriptors it publishes, and for TX the
// frame data they point to, must hold no CPU store still pending in the host's store buffer
// (WeakOrdering::check_published), whatever the timing of the NIC's reads. It explains each
// ordering hazard the model finds in the contract's words: a doorbell taken over pending stores
// or a DMA read that got bytes a CPU store still held is named by the descriptor slot or TX
// fragment (rule O1), with the stale and the fresh bytes, the cycles and the missing barrier; a
// stale CPU load by its completion slot (rule O2); a DMA write under a pending store by the
// completion slot or RX buffer (rule O3). Stale bytes the NIC does not use (a descriptor it does
// not own, carried in a wide beat with one it does) are dismissed. The model then throws
// host::OrderingViolation.
//
// A violation throws OwnershipViolation (a sim::SimError, so the run stops with the kernel's
// diagnosis) unless config.throw_on_violation is false, in which case violations are counted and
// the first ones kept. Message:
//   ownership violation at cycle C: <access> [lo, hi) (N bytes, AXI id I): <what is wrong>; owner: <who>
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "bfm/sparse_memory.hpp"
#include "host/memory_order.hpp"
#include "monitor/dma_observer.hpp"
#include "monitor/register_observer.hpp"
#include "sim/kernel.hpp"

namespace nicsim::dut {
class Dut;
}

namespace nicsim::monitor {

enum class Direction : std::uint8_t { tx, rx };
char const* to_string(Direction d);

struct RingRef {
    unsigned queue = 0;
    Direction dir = Direction::tx;
};

/// A descriptor as host memory held it when the doorbell published it.
struct PublishedEntry {
    std::uint64_t addr = 0;
    std::uint32_t len = 0;  // TX: fragment length; RX: buffer capacity
    bool eop = false;       // TX
    std::uint64_t published_cycle = 0;
    std::uint64_t released_cycle = 0;    // completion that gave it back (0: not since published)
    std::uint64_t released_by = 0;       // that completion's write burst: its seq + 1 (0: none)
    std::uint32_t writes_in_flight = 0;  // RX data bursts without their write response
    std::uint64_t last_write_response_cycle = 0;
};

/// The monitor's model of one ring (read-only view for tests and the timeline).
struct RingModel {
    // registers as the NIC holds them
    std::uint64_t base = 0, cpl_base = 0;
    unsigned size_log2 = 0;
    bool enabled = false;
    bool serving = false;  // the NIC may act on the ring: enabled since the last reset
                           // (a disabled ring finishes what it took; a reset ends it)
    // ownership
    std::uint32_t prod = 0;       // published up to (RING_PROD)
    std::uint32_t released = 0;   // first entry the NIC owns (after the last completion)
    std::uint32_t whole_end = 0;  // TX: end of the last whole packet published
    std::uint32_t cpl_slot = 0;   // next completion slot
    bool phase = true;            // phase of the current pass over the completion ring
    std::uint64_t completions = 0;
    std::uint64_t generation = 0;      // ring resets so far
    std::uint64_t open_cpl_burst = 0;  // completion burst past its first record, before WLAST: seq + 1
    std::uint64_t grace_until = 0;     // retired: accesses under way tolerated until then
    std::vector<PublishedEntry> entries;
    // Bytes [published_lo, published_hi) cover every buffer ever published to this model (a
    // superset of those it holds now): a burst outside them is in none, found without a scan.
    std::uint64_t published_lo = ~std::uint64_t{0}, published_hi = 0;

    std::uint32_t size() const noexcept { return 1u << size_log2; }
    std::uint32_t mask() const noexcept { return size() - 1; }
    /// Entries the NIC owns: [released, prod) modulo the size.
    std::uint32_t owned() const noexcept { return (prod - released) & mask(); }
    bool owns(std::uint32_t slot) const noexcept { return ((slot - released) & mask()) < owned(); }
    bool in_whole_packet(std::uint32_t slot) const noexcept {
        return ((slot - released) & mask()) < ((whole_end - released) & mask());
    }
    std::uint64_t desc_end() const noexcept { return base + std::uint64_t{size()} * 16; }
    std::uint64_t cpl_end() const noexcept { return cpl_base + std::uint64_t{size()} * 16; }
    /// Whether [lo, hi) may overlap a buffer of this model, with the buffers widened to whole
    /// `align`-byte units (a power of two).
    bool may_hold(std::uint64_t lo, std::uint64_t hi, std::uint64_t align = 1) const noexcept {
        std::uint64_t const top = published_hi > ~std::uint64_t{0} - (align - 1)
                                      ? ~std::uint64_t{0}
                                      : (published_hi + align - 1) & ~(align - 1);
        return lo < top && (published_lo & ~(align - 1)) < hi;
    }
};

/// Contract-level events, for views such as the packet timeline. Cycles are kernel cycles.
class ContractListener {
public:
    virtual ~ContractListener() = default;
    /// RING_PROD moved from old_prod to new_prod (entries already snapshotted in the ring model).
    virtual void doorbell(RingRef, std::uint32_t /*old_prod*/, std::uint32_t /*new_prod*/, std::uint64_t /*cycle*/) {}
    /// A descriptor read request covering owned slots [first, first + count) (modulo the size).
    virtual void descriptor_read(RingRef, std::uint32_t /*first*/, std::uint32_t /*count*/, std::uint64_t /*cycle*/) {}
    /// TX data of descriptor slot: request (done = false) or last beat (done = true).
    virtual void tx_data_read(unsigned /*queue*/, std::uint32_t /*slot*/, bool /*done*/, std::uint64_t /*cycle*/) {}
    /// RX data into the buffer of slot: request (done = false) or write response (done = true).
    virtual void rx_data_write(unsigned /*queue*/, std::uint32_t /*slot*/, bool /*done*/, std::uint64_t /*cycle*/) {}
    /// A completion record written to slot (its last data beat), checked.
    virtual void completion(RingRef, std::uint32_t /*slot*/, std::span<std::uint8_t const, 16> /*record*/,
                            std::uint64_t /*cycle*/) {}
    virtual void ring_reset(RingRef, std::uint64_t /*cycle*/) {}
    /// Any register write, as the NIC took it (after the monitor updated its ring models).
    virtual void register_write(RegisterWrite const& /*write*/) {}
};

struct OwnershipMonitorConfig {
    std::uint64_t drain_window_cycles = 20'000;  // after a ring reset or disable
    bool throw_on_violation = true;
    std::size_t max_recorded = 16;  // violation messages kept (throw_on_violation off)
};

class OwnershipViolation : public sim::SimError {
public:
    OwnershipViolation(std::string const& message, std::string diagnosis)
        : sim::SimError(message, std::move(diagnosis)), message_(message) {}
    /// The one-line message, without the kernel's diagnosis.
    std::string const& message() const noexcept { return message_; }

private:
    std::string message_;
};

struct OwnershipStats {
    std::uint64_t descriptor_reads = 0, data_reads = 0, data_writes = 0, completions = 0;
    std::uint64_t doorbells = 0, ring_resets = 0, drained_accesses = 0;
    std::uint64_t ordering_explained = 0, ordering_dismissed = 0;  // hazards of the weak host model
    std::uint64_t republished_mid_burst = 0;                       // slots posted again before the completion burst
                                                                   // that gave them back had its last beat
};

class OwnershipMonitor final : public DmaListener, public RegisterWriteListener, public host::OrderingListener {
public:
    /// Watches `dut`'s m_axi and s_axil ports through two observers it registers with `kernel`
    /// (register it after the host's bus models). `memory` is host memory as the NIC sees it;
    /// [region_base, region_base + region_bytes) is the host's DMA-able region (for messages).
    OwnershipMonitor(sim::Kernel& kernel, dut::Dut& dut, bfm::SparseMemory const& memory, std::uint64_t region_base,
                     std::uint64_t region_bytes, OwnershipMonitorConfig config = {});
    ~OwnershipMonitor() override;
    OwnershipMonitor(OwnershipMonitor const&) = delete;
    OwnershipMonitor& operator=(OwnershipMonitor const&) = delete;

    /// Other observers of contract events (not owned), told in the order they were added.
    void add_listener(ContractListener& l) { listeners_.push_back(&l); }
    void remove_listener(ContractListener& l) { std::erase(listeners_, &l); }
    /// Explain the hazards of this weakly ordered host model (it must outlive the monitor's use).
    void watch_ordering(host::WeakOrdering& ordering) {
        ordering_ = &ordering;
        ordering.set_listener(this);
    }

    std::uint64_t violations() const noexcept { return violations_; }
    std::vector<std::string> const& violation_messages() const noexcept { return messages_; }
    OwnershipStats const& stats() const noexcept { return stats_; }
    unsigned num_queues() const noexcept { return num_queues_; }
    RingModel const& ring(RingRef r) const { return rings_[index(r)]; }
    std::string describe() const;

    // DmaListener
    void read_request(DmaBurst const& b) override;
    void read_done(DmaBurst const& b, std::uint8_t resp, std::uint64_t cycle) override;
    bool write_request(DmaBurst const& b) override;
    void write_data(DmaBurst const& b, WriteBeat const& beat, std::span<std::uint8_t const> data,
                    std::span<std::uint8_t const> strobes, std::uint64_t cycle) override;
    void write_response(DmaBurst const& b, std::uint8_t resp, std::uint64_t cycle) override;
    void bus_reset() override;
    // RegisterWriteListener
    void register_write(RegisterWrite const& w) override;
    void registers_reset() override;
    // host::OrderingListener
    std::optional<std::string> explain(host::OrderingHazard const& hazard) override;

private:
    struct Target {  // what an accepted write burst was judged to be
        unsigned ring = 0;
        bool completion = false;
        bool stale = false;  // against a retired ring's state
        std::uint64_t generation = 0;
        std::uint32_t slot = 0;  // RX data: the buffer's slot
    };

    unsigned index(RingRef r) const noexcept { return r.queue * 2 + (r.dir == Direction::rx ? 1 : 0); }
    RingRef ref(unsigned i) const noexcept { return {i / 2, (i & 1) ? Direction::rx : Direction::tx}; }
    std::string ring_name(unsigned i) const;
    bool live(RingModel const& m, std::uint64_t now) const noexcept { return m.serving || now <= m.grace_until; }

    void ring_register(unsigned r, unsigned offset, std::uint32_t value, std::uint8_t strobes, std::uint64_t cycle);
    void reset_ring(unsigned r, std::uint64_t cycle);
    void publish(unsigned r, std::uint32_t new_prod, std::uint64_t cycle);
    template <class Event>
    void notify(Event const& event) {
        for (ContractListener* l : listeners_) event(*l);
    }

    bool check_descriptor_read(unsigned r, RingModel const& m, DmaBurst const& b, std::string& why) const;
    std::optional<std::uint32_t> fragment_of(RingModel const& m, DmaBurst const& b) const;
    void check_completion(unsigned r, Target const& t, DmaBurst const& b, WriteBeat const& beat,
                          std::span<std::uint8_t const> data, std::span<std::uint8_t const> strobes,
                          std::uint64_t cycle);

    std::string owner_of(std::uint64_t addr) const;
    void violation(DmaBurst const& b, std::string const& access, std::string const& what, std::uint64_t addr);
    void violation(DmaBurst const& b, std::string const& access, std::string const& what, std::string const& owner);

    sim::Kernel& kernel_;
    bfm::SparseMemory const& memory_;
    std::uint64_t region_base_, region_end_;
    OwnershipMonitorConfig cfg_;
    unsigned num_queues_ = 0;
    std::vector<RingModel> rings_;    // index(q, dir)
    std::vector<RingModel> retired_;  // each ring's state just before its last reset
    std::unique_ptr<DmaObserver> dma_;
    std::unique_ptr<RegisterWriteObserver> regs_;
    std::vector<ContractListener*> listeners_;
    host::WeakOrdering* ordering_ = nullptr;

    std::unordered_map<std::uint64_t, Target> writes_;                                  // by write burst seq, until B
    std::unordered_map<std::uint64_t, std::pair<unsigned, std::uint32_t>> data_reads_;  // listener only
    std::uint64_t violations_ = 0;
    std::vector<std::string> messages_;
    OwnershipStats stats_;
};

}  // namespace nicsim::monitor
