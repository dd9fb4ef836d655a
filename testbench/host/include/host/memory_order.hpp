// The host's memory ordering, as the NIC and the driver's CPU see host memory.
//
//   strong  every CPU store is visible to the NIC at once and every CPU load sees memory as it
//           is: plain memory (driver::DirectHostMemoryAccess), nothing modelled, nothing costs.
//   weak    WeakOrdering below: the orderings a weakly ordered host (Arm, POWER) and its PCIe path
//           allow and a driver must not rely on, chosen adversarially but within the rules, so
//           that a missing or misplaced barrier fails the co-simulation (docs/contract.md,
//           Ordering rules, O1 and O2).
//
// WeakOrdering, the rules it models (cycles are NIC clock cycles; N = store_visibility_max_cycles;
// d = a delay drawn per store in 1..N):
//
// Stores (the CPU's store buffer). A CPU store (store(), zero(), and the OS's frame copies) is
// applied to memory at once, so the CPU reads its own stores, but the bytes it replaced are kept
// in a pending-store list: while a store is pending, the NIC's DMA reads of its bytes get the
// previous bytes. A pending store becomes visible (retires)
//   - at a write barrier or full barrier, if no MMIO write was issued since the store;
//   - else, when an MMIO write was issued while it was pending (the MMIO write overtook it: an
//     MMIO write does not drain the store buffer), only after that write reached the NIC, d
//     cycles later; a barrier after the overtaking write
//     changes nothing for that write, it only makes the store visible before the NIC takes the
//     next MMIO write issued after the barrier;
//   - else d cycles after the store (a store buffer drains by itself);
//   - at an MMIO read (a full barrier here: nothing before it is still pending when it returns).
// So a driver that rings a doorbell before its write barrier lets the NIC read stale descriptors
// (rule O1), and one with the barrier in the right place costs nothing: its stores retire at the
// barrier, before any DMA read can see them. Whether the NIC's read comes early enough to see
// stale bytes depends on timing (another MMIO write right after the late barrier drains them);
// the rule does not: an observer that knows what a doorbell publishes (the ownership monitor)
// calls check_published() when the NIC takes it, and a store still pending there is a hazard.
//
// Loads (records the NIC writes: completions). Memory is read in records of record_bytes (the
// contract's CPL_BYTES), each written by the NIC in one write. Between two read barriers (a read
// barrier, a full barrier or an MMIO read) the CPU may satisfy loads out of order. When a load
// finds a record changed since the CPU last loaded it, it sees the new version, and every later
// load of that record's changed bytes before the next read barrier returns the previous version
// (it could have been satisfied first). That is a stale load: a driver that reads a completion's
// fields before a read barrier after its phase (rule O2). Loads of a record the CPU has not loaded
// since it changed, or after a read barrier, see memory as it is: a correct driver sees no
// difference and no delay.
//
// NIC writes under pending stores: a DMA write to bytes a CPU store still holds is reported (the
// store could land after it and undo it); the NIC's bytes stay.
//
// Every such event is an OrderingHazard. The listener (the ownership monitor on the C++ top)
// explains it in the contract's words or dismisses it (bytes the NIC does not use, e.g. the
// unpublished neighbour of a descriptor in a wide beat); without a listener every hazard is a
// violation described by describe(). A violation throws OrderingViolation (a sim::SimError) at the
// cycle it happened, unless config.throw_on_violation is off.
//
// Randomness: the delays d come from the model's own generator, seeded by the caller from the
// run's seed (never the bus models' generator: weak and strong runs of one seed see the same bus
// stalls). Deterministic: one seed replays the same pending stores.
//
// Cost: strong runs do not construct it. Weak runs: per CPU store a copy of the bytes it
// replaces; per barrier a walk of the pending list (empty after a correct doorbell); per DMA
// beat one compare while nothing is pending; per CPU load a hash lookup and a record compare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bfm/dma_memory_view.hpp"
#include "host/memory_order_mode.hpp"
#include "nicsim/driver/host_memory_access.hpp"
#include "sim/kernel.hpp"

namespace nicsim::host {

struct OrderingHazard {
    enum class Kind : std::uint8_t {
        stale_dma_read,         // the NIC read bytes a CPU store still held (rule O1)
        pending_at_publish,     // the NIC took the doorbell publishing bytes a CPU store still held (O1)
        stale_cpu_load,         // a CPU load of a record not ordered after the load that saw its new version (O2)
        dma_write_under_store,  // the NIC wrote bytes a CPU store still held (the store could land after it)
    };
    Kind kind = Kind::stale_dma_read;
    std::uint64_t addr = 0;           // logical address of stale[0] / fresh[0]
    std::vector<std::uint8_t> stale;  // what the reader got (DMA write: the bytes before the store)
    std::vector<std::uint8_t> fresh;  // what memory holds by program order
    std::uint64_t cycle = 0;          // when it happened
    std::uint64_t earlier_cycle = 0;  // the CPU store (DMA hazards) or the load that saw the new record
    std::string cause;                // the ordering that was missing, in a few words
};
/// The contract's rule a hazard breaks (docs/contract.md, Ordering rules): "O1" (stale DMA read),
/// "O2" (stale load), "O3" (DMA write under a pending store).
char const* rule_of(OrderingHazard::Kind kind) noexcept;
/// The rule in a few words.
char const* rule_text(OrderingHazard::Kind kind) noexcept;
/// One line: rule, what happened, where, both values, the cycles and the cause (no ring names).
std::string describe(OrderingHazard const& hazard);
/// Bytes as hex, lowest address first, spaced in 8-byte groups.
std::string hex_bytes(std::span<std::uint8_t const> bytes);

class OrderingListener {
public:
    virtual ~OrderingListener() = default;
    /// The hazard in the contract's words (ring, slot, rule), or nothing when it cannot matter.
    virtual std::optional<std::string> explain(OrderingHazard const& hazard) = 0;
};

class OrderingViolation : public sim::SimError {
public:
    OrderingViolation(std::string const& message, std::string diagnosis)
        : sim::SimError(message, std::move(diagnosis)), message_(message) {}
    /// The one-line message, without the diagnosis.
    std::string const& message() const noexcept { return message_; }

private:
    std::string message_;
};

struct WeakOrderingConfig {
    std::uint32_t store_visibility_max_cycles = 128;  // N: a store's drain delay d is drawn in 1..N
    std::uint32_t record_bytes = 16;                  // the NIC writes records of this size (<= 64)
    bool throw_on_violation = true;
    std::size_t max_recorded = 16;  // violation messages kept (violation_messages())
};

struct WeakOrderingStats {
    std::uint64_t stores = 0, store_bytes = 0;  // CPU stores that changed memory
    std::uint64_t loads = 0;
    std::uint64_t write_barriers = 0, read_barriers = 0, memory_barriers = 0, mmio_reads = 0;
    std::uint64_t mmio_writes = 0, overtaken_stores = 0;  // stores an MMIO write overtook
    std::uint64_t retired_at_barrier = 0, retired_after_delay = 0, retired_after_mmio = 0;
    std::size_t most_pending = 0;
    std::uint64_t hazards = 0, violations = 0, dismissed = 0;
};

class WeakOrdering final : public driver::HostMemoryAccess, public bfm::DmaMemoryView {
public:
    /// The model of [logical_base, logical_base + size_bytes), whose bytes are at `region` (the
    /// memory the NIC's slave serves). `now` gives the current cycle; `seed` seeds the delays.
    WeakOrdering(void* region, std::uint64_t logical_base, std::size_t size_bytes, std::function<std::uint64_t()> now,
                 std::uint64_t seed, WeakOrderingConfig config = {});

    void set_listener(OrderingListener* listener) noexcept { listener_ = listener; }
    /// Report attached to an OrderingViolation (e.g. the kernel's diagnosis).
    void set_diagnosis(std::function<std::string()> diagnosis) { diagnosis_ = std::move(diagnosis); }

    // ---- the CPU (driver::HostMemoryAccess): addresses are the region's virtual addresses ----
    void store(void* destination, void const* source, std::size_t size_bytes) override;
    void zero(void* destination, std::size_t size_bytes) override;
    void load(void* destination, void const* source, std::size_t size_bytes) override;
    void write_barrier() override;
    void read_barrier() override;
    void memory_barrier() override;

    // ---- the register path: MMIO writes in issue order, each reaching the NIC in that order ----
    void mmio_write_issued(std::uint16_t offset, std::uint32_t value);
    /// The NIC took the oldest MMIO write that had not reached it yet.
    void mmio_write_arrived();
    /// An MMIO read was issued: a full barrier.
    void mmio_read_issued();

    // ---- the NIC (bfm::DmaMemoryView): logical addresses ----
    void after_read(std::uint64_t addr, std::span<std::uint8_t> data) override;
    void before_write(std::uint64_t addr, std::size_t size_bytes) override;
    /// The NIC has just taken a doorbell that publishes [addr, addr + size_bytes) (descriptors, or
    /// the frame data they point to): a CPU store there not yet visible breaks rule O1 whether or
    /// not the NIC's reads happen to come late enough (an ordering observer calls this).
    void check_published(std::uint64_t addr, std::size_t size_bytes);

    std::size_t pending_stores() const noexcept { return pending_.size(); }
    WeakOrderingStats const& stats() const noexcept { return stats_; }
    WeakOrderingConfig const& config() const noexcept { return cfg_; }
    std::vector<std::string> const& violation_messages() const noexcept { return messages_; }
    /// Diagnostic: pending stores, the MMIO writes in flight, counts.
    std::string describe() const;

private:
    static constexpr std::uint64_t kNever = ~std::uint64_t{0};

    struct PendingStore {
        std::uint64_t lo = 0;                // logical
        std::vector<std::uint8_t> previous;  // the bytes the NIC still sees
        std::uint64_t store_cycle = 0;
        std::uint32_t delay_cycles = 0;         // d
        std::uint64_t visible_cycle = kNever;   // retires at this cycle (kNever: waits for an MMIO write)
        std::uint64_t overtaken_by = 0;         // the MMIO write issued while pending (0: none)
        std::uint64_t retire_at_mmio = kNever;  // a barrier came after the overtaking write: retire when
                                                // the MMIO write of this sequence number reaches the NIC
        std::uint64_t hi() const noexcept { return lo + previous.size(); }
    };
    struct MmioWrite {
        std::uint64_t seq = 0;
        std::uint16_t offset = 0;
        std::uint32_t value = 0;
        std::uint64_t issue_cycle = 0;
        std::uint64_t arrival_cycle = kNever;
    };
    struct RecordView {
        std::vector<std::uint8_t> seen;      // the record as the CPU last loaded it
        std::vector<std::uint8_t> previous;  // before the last change the CPU saw
        std::uint64_t changed = 0;           // bytes that differ between the two (bit i: byte i)
        std::uint64_t changed_in_run = 0;    // the read-barrier run in which the CPU saw the change
        std::uint64_t change_seen_cycle = 0;
    };

    std::uint64_t logical_of(void const* address, std::size_t size_bytes) const;
    std::uint8_t* bytes_at(std::uint64_t logical) const noexcept { return region_ + (logical - logical_base_); }
    void note_store(std::uint64_t logical, std::size_t size_bytes, std::vector<std::uint8_t> previous);
    void forget_records(std::uint64_t lo, std::uint64_t hi);
    void retire_due(std::uint64_t now);
    /// Write-barrier semantics (write_barrier, memory_barrier).
    void fence();
    void retire_if(auto&& pred, std::uint64_t& counter);
    void recompute_bounds() noexcept;
    std::string cause_of(PendingStore const& store) const;
    /// Puts into `data` (memory's bytes at addr) what the NIC sees; a hazard if that differs.
    std::optional<OrderingHazard> stale_view(std::uint64_t addr, std::span<std::uint8_t> data, std::uint64_t now);
    MmioWrite const* mmio_write(std::uint64_t seq) const noexcept;
    MmioWrite* mmio_write(std::uint64_t seq) noexcept {
        return const_cast<MmioWrite*>(static_cast<WeakOrdering const*>(this)->mmio_write(seq));
    }
    void report(OrderingHazard hazard);

    std::uint8_t* region_;
    std::uint64_t logical_base_;
    std::size_t size_bytes_;
    std::function<std::uint64_t()> now_;
    std::function<std::string()> diagnosis_;
    std::mt19937_64 rng_;
    WeakOrderingConfig cfg_;
    OrderingListener* listener_ = nullptr;

    std::vector<PendingStore> pending_;                   // in store order
    std::uint64_t pending_lo_ = kNever, pending_hi_ = 0;  // covers every pending store
    std::uint64_t next_visible_ = kNever;                 // the earliest visible_cycle of a pending store
    std::deque<MmioWrite> mmio_;                          // issued, recent first-arrived kept for messages
    std::uint64_t mmio_issued_ = 0, mmio_arrived_ = 0;
    std::unordered_map<std::uint64_t, RecordView> records_;  // by record address (logical)
    std::uint64_t records_lo_ = kNever, records_hi_ = 0;     // covers every record ever loaded
    std::uint64_t run_ = 1;                                  // read-barrier runs (0: never)
    WeakOrderingStats stats_;
    std::vector<std::string> messages_;
};

}  // namespace nicsim::host
