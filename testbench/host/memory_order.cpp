// WeakOrdering: see memory_order.hpp.
#include "host/memory_order.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "bfm/pause.hpp"

namespace nicsim::host {

namespace {

constexpr std::size_t kMmioWritesKept = 64;  // arrived MMIO writes remembered for messages

/// Bits a..b-1 set (b - a <= 64).
std::uint64_t byte_mask(std::uint64_t a, std::uint64_t b) noexcept {
    std::uint64_t const n = b - a;
    return (n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1) << a;
}

}  // namespace

char const* rule_text(OrderingHazard::Kind kind) noexcept {
    switch (kind) {
    case OrderingHazard::Kind::stale_dma_read:
    case OrderingHazard::Kind::pending_at_publish:
        return "what a doorbell publishes is visible before it: write barrier between the last store and RING_PROD";
    case OrderingHazard::Kind::stale_cpu_load:
        return "a completion's fields are read after its phase: read barrier between the two loads";
    case OrderingHazard::Kind::dma_write_under_store:
        return "the CPU's stores to memory the NIC writes are ordered before the NIC's write";
    }
    return "?";
}

char const* rule_of(OrderingHazard::Kind kind) noexcept {
    switch (kind) {
    case OrderingHazard::Kind::stale_dma_read:
    case OrderingHazard::Kind::pending_at_publish: return "O1";
    case OrderingHazard::Kind::stale_cpu_load: return "O2";
    case OrderingHazard::Kind::dma_write_under_store: return "O3";
    }
    return "?";
}

std::string hex_bytes(std::span<std::uint8_t const> bytes) {
    std::string s;
    for (std::size_t i = 0; i < bytes.size(); ++i)
        s += fmt::format("{}{:02x}", i == 0 ? "" : i % 8 == 0 ? " " : "", bytes[i]);
    return s;
}

std::string describe(OrderingHazard const& h) {
    using Kind = OrderingHazard::Kind;
    std::string const where = fmt::format("[{:#x}, {:#x})", h.addr, h.addr + h.stale.size());
    switch (h.kind) {
    case Kind::stale_dma_read:
        return fmt::format(
            "ordering violation at cycle {}: rule {} ({}): the NIC read {} and got {}, but the CPU "
            "stored {} there at cycle {}; {}",
            h.cycle, rule_of(h.kind), rule_text(h.kind), where, hex_bytes(h.stale), hex_bytes(h.fresh), h.earlier_cycle,
            h.cause);
    case Kind::pending_at_publish:
        return fmt::format(
            "ordering violation at cycle {}: rule {} ({}): the NIC took a doorbell publishing {} while "
            "the CPU's store there (cycle {}) was not yet visible: the NIC could read {} instead of {}; {}",
            h.cycle, rule_of(h.kind), rule_text(h.kind), where, h.earlier_cycle, hex_bytes(h.stale), hex_bytes(h.fresh),
            h.cause);
    case Kind::stale_cpu_load:
        return fmt::format(
            "ordering violation at cycle {}: rule {} ({}): a CPU load of {} may return {} (the "
            "record before the NIC's last write) while memory holds {}; {}",
            h.cycle, rule_of(h.kind), rule_text(h.kind), where, hex_bytes(h.stale), hex_bytes(h.fresh), h.cause);
    case Kind::dma_write_under_store:
        return fmt::format(
            "ordering violation at cycle {}: rule {} ({}): the NIC writes {} while the CPU's store of "
            "{} there (cycle {}, replacing {}) is not yet visible and could land after it; {}",
            h.cycle, rule_of(h.kind), rule_text(h.kind), where, hex_bytes(h.fresh), h.earlier_cycle, hex_bytes(h.stale),
            h.cause);
    }
    return "?";
}

WeakOrdering::WeakOrdering(void* region, std::uint64_t logical_base, std::size_t size_bytes,
                           std::function<std::uint64_t()> now, std::uint64_t seed, WeakOrderingConfig config)
    : region_(static_cast<std::uint8_t*>(region)),
      logical_base_(logical_base),
      size_bytes_(size_bytes),
      now_(std::move(now)),
      rng_(seed),
      cfg_(config) {
    if (cfg_.record_bytes == 0 || cfg_.record_bytes > 64 || !std::has_single_bit(cfg_.record_bytes) ||
        logical_base_ % cfg_.record_bytes != 0)
        throw std::invalid_argument(
            fmt::format("WeakOrdering: record_bytes {} must be a power of two up to 64 that "
                        "divides the region's base {:#x}",
                        cfg_.record_bytes, logical_base_));
}

std::uint64_t WeakOrdering::logical_of(void const* address, std::size_t size_bytes) const {
    auto const* p = static_cast<std::uint8_t const*>(address);
    if (p < region_ || static_cast<std::size_t>(p - region_) > size_bytes_ ||
        size_bytes > size_bytes_ - static_cast<std::size_t>(p - region_))
        throw std::out_of_range(
            fmt::format("WeakOrdering: a CPU access of {} bytes at {} is outside host memory", size_bytes, address));
    return logical_base_ + static_cast<std::uint64_t>(p - region_);
}

// ---- CPU stores ----

void WeakOrdering::store(void* destination, void const* source, std::size_t size_bytes) {
    if (size_bytes == 0) return;
    std::uint64_t const lo = logical_of(destination, size_bytes);
    std::uint8_t* memory = bytes_at(lo);
    if (std::memcmp(memory, source, size_bytes) == 0) return;  // nothing the NIC could see late
    std::vector<std::uint8_t> previous(memory, memory + size_bytes);
    std::memcpy(memory, source, size_bytes);
    note_store(lo, size_bytes, std::move(previous));
}

void WeakOrdering::zero(void* destination, std::size_t size_bytes) {
    if (size_bytes == 0) return;
    std::uint64_t const lo = logical_of(destination, size_bytes);
    std::uint8_t* memory = bytes_at(lo);
    if (std::all_of(memory, memory + size_bytes, [](std::uint8_t b) { return b == 0; })) return;
    std::vector<std::uint8_t> previous(memory, memory + size_bytes);
    std::memset(memory, 0, size_bytes);
    note_store(lo, size_bytes, std::move(previous));
}

void WeakOrdering::note_store(std::uint64_t logical, std::size_t size_bytes, std::vector<std::uint8_t> previous) {
    std::uint64_t const now = now_();
    retire_due(now);
    PendingStore s;
    s.lo = logical;
    s.previous = std::move(previous);
    s.store_cycle = now;
    s.delay_cycles = static_cast<std::uint32_t>(bfm::range_draw(rng_, 1, cfg_.store_visibility_max_cycles));
    s.visible_cycle = now + s.delay_cycles;
    pending_.push_back(std::move(s));
    pending_lo_ = std::min(pending_lo_, logical);
    pending_hi_ = std::max(pending_hi_, logical + size_bytes);
    next_visible_ = std::min(next_visible_, pending_.back().visible_cycle);
    ++stats_.stores;
    stats_.store_bytes += size_bytes;
    stats_.most_pending = std::max(stats_.most_pending, pending_.size());
    forget_records(logical, logical + size_bytes);
}

void WeakOrdering::forget_records(std::uint64_t lo, std::uint64_t hi) {
    if (hi <= records_lo_ || lo >= records_hi_) return;  // (frame data: never loaded as records)
    for (std::uint64_t rec = lo & ~std::uint64_t{cfg_.record_bytes - 1}; rec < hi; rec += cfg_.record_bytes)
        records_.erase(rec);  // the CPU's own store: its next load starts from what it stored
}

void WeakOrdering::retire_if(auto&& pred, std::uint64_t& counter) {
    auto const end = std::remove_if(pending_.begin(), pending_.end(), [&](PendingStore const& s) {
        bool const retire = pred(s);
        counter += retire ? 1 : 0;
        return retire;
    });
    if (end == pending_.end()) return;
    pending_.erase(end, pending_.end());
    recompute_bounds();
}

void WeakOrdering::retire_due(std::uint64_t now) {
    if (now < next_visible_) return;  // nothing due (also: nothing pending)
    retire_if([now](PendingStore const& s) { return s.visible_cycle <= now && s.overtaken_by == 0; },
              stats_.retired_after_delay);
    retire_if([now](PendingStore const& s) { return s.visible_cycle <= now; }, stats_.retired_after_mmio);
}

void WeakOrdering::recompute_bounds() noexcept {
    pending_lo_ = kNever;
    pending_hi_ = 0;
    next_visible_ = kNever;
    for (auto const& s : pending_) {
        pending_lo_ = std::min(pending_lo_, s.lo);
        pending_hi_ = std::max(pending_hi_, s.hi());
        next_visible_ = std::min(next_visible_, s.visible_cycle);
    }
}

// ---- barriers ----

void WeakOrdering::fence() {
    if (pending_.empty()) return;
    retire_due(now_());
    // Stores no MMIO write overtook are visible from here on; for the others the barrier only
    // orders them before the next MMIO write (the one issued after it).
    std::uint64_t const next_mmio = mmio_issued_ + 1;
    for (auto& s : pending_)
        if (s.overtaken_by != 0) s.retire_at_mmio = std::min(s.retire_at_mmio, next_mmio);
    retire_if([](PendingStore const& s) { return s.overtaken_by == 0; }, stats_.retired_at_barrier);
}

void WeakOrdering::write_barrier() {
    ++stats_.write_barriers;
    fence();
}

void WeakOrdering::read_barrier() {
    ++stats_.read_barriers;
    ++run_;
}

void WeakOrdering::memory_barrier() {
    ++stats_.memory_barriers;
    fence();
    ++run_;
}

// ---- the register path ----

WeakOrdering::MmioWrite const* WeakOrdering::mmio_write(std::uint64_t seq) const noexcept {
    if (mmio_.empty() || seq < mmio_.front().seq || seq > mmio_.back().seq) return nullptr;
    return &mmio_[static_cast<std::size_t>(seq - mmio_.front().seq)];
}

void WeakOrdering::mmio_write_issued(std::uint16_t offset, std::uint32_t value) {
    std::uint64_t const now = now_();
    ++stats_.mmio_writes;
    retire_due(now);
    std::uint64_t const seq = ++mmio_issued_;
    mmio_.push_back({seq, offset, value, now, kNever});
    while (mmio_.size() > kMmioWritesKept && mmio_.front().seq <= mmio_arrived_) mmio_.pop_front();
    if (pending_.empty()) return;
    for (auto& s : pending_) {
        if (s.overtaken_by != 0) continue;
        s.overtaken_by = seq;  // posted past the store buffer: visible after the write reached the NIC
        s.visible_cycle = kNever;
        ++stats_.overtaken_stores;
    }
    recompute_bounds();
}

void WeakOrdering::mmio_write_arrived() {
    if (mmio_arrived_ == mmio_issued_) return;  // a write the model was not told of
    std::uint64_t const now = now_();
    std::uint64_t const seq = ++mmio_arrived_;
    if (MmioWrite* w = mmio_write(seq)) w->arrival_cycle = now;
    if (pending_.empty()) return;
    // d >= 1: an observer of the NIC's registers judges the doorbell against the stores still
    // pending when the NIC took it (check_published).
    for (auto& s : pending_) {
        if (s.overtaken_by != seq) continue;
        s.visible_cycle = now + s.delay_cycles;
        next_visible_ = std::min(next_visible_, s.visible_cycle);
    }
    retire_if([seq](PendingStore const& s) { return s.retire_at_mmio <= seq; }, stats_.retired_after_mmio);
    retire_due(now);
}

void WeakOrdering::mmio_read_issued() {
    ++stats_.mmio_reads;
    ++run_;
    retire_if([](PendingStore const&) { return true; }, stats_.retired_at_barrier);
}

// ---- the NIC ----

std::string WeakOrdering::cause_of(PendingStore const& s) const {
    if (s.overtaken_by == 0)
        return fmt::format(
            "the store was still in the CPU's store buffer: no write barrier since it (it drains by "
            "itself at cycle {})",
            s.visible_cycle);
    MmioWrite const* w = mmio_write(s.overtaken_by);
    std::string const write =
        w == nullptr
            ? "an MMIO write"
            : fmt::format("the MMIO write of {:#06x} <- {:#x} (issued at cycle {}{})", w->offset, w->value,
                          w->issue_cycle,
                          w->arrival_cycle == kNever ? std::string(", not yet at the NIC")
                                                     : fmt::format(", at the NIC at cycle {}", w->arrival_cycle));
    return fmt::format("the store was still in the CPU's store buffer: {} overtook it, {}", write,
                       s.retire_at_mmio == kNever ? "with no write barrier between the store and that write"
                                                  : "and the write barrier came only after that write");
}

std::optional<OrderingHazard> WeakOrdering::stale_view(std::uint64_t addr, std::span<std::uint8_t> data,
                                                       std::uint64_t now) {
    std::uint64_t const hi = addr + data.size();
    bool const overlaps = std::any_of(pending_.begin(), pending_.end(),
                                      [&](PendingStore const& s) { return addr < s.hi() && s.lo < hi; });
    if (!overlaps) return std::nullopt;  // the usual case: the bounds are wide, the stores few
    std::vector<std::uint8_t> const fresh(data.begin(), data.end());
    // Newest first, so that each byte ends with the bytes of the oldest store still pending.
    for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
        std::uint64_t const lo = std::max(addr, it->lo), top = std::min(hi, it->hi());
        if (lo >= top) continue;
        std::memcpy(data.data() + (lo - addr), it->previous.data() + (lo - it->lo), top - lo);
    }
    std::size_t first = 0;
    while (first < data.size() && data[first] == fresh[first]) ++first;
    if (first == data.size()) return std::nullopt;  // the pending stores wrote what was there
    // One record's worth is enough to show (a batch of descriptors would fill a screen).
    std::uint64_t const at = addr + first;
    std::uint64_t const record_end = (at | (cfg_.record_bytes - 1)) + 1;
    std::size_t last = static_cast<std::size_t>(std::min<std::uint64_t>(hi, record_end) - addr);
    while (data[last - 1] == fresh[last - 1]) --last;
    auto const oldest = std::find_if(pending_.begin(), pending_.end(),
                                     [at](PendingStore const& s) { return s.lo <= at && at < s.hi(); });
    OrderingHazard h;
    h.kind = OrderingHazard::Kind::stale_dma_read;
    h.addr = at;
    h.stale.assign(data.begin() + static_cast<std::ptrdiff_t>(first), data.begin() + static_cast<std::ptrdiff_t>(last));
    h.fresh.assign(fresh.begin() + static_cast<std::ptrdiff_t>(first),
                   fresh.begin() + static_cast<std::ptrdiff_t>(last));
    h.cycle = now;
    h.earlier_cycle = oldest->store_cycle;
    h.cause = cause_of(*oldest);
    return h;
}

void WeakOrdering::after_read(std::uint64_t addr, std::span<std::uint8_t> data) {
    if (pending_.empty()) [[likely]]
        return;
    std::uint64_t const hi = addr + data.size();
    if (hi <= pending_lo_ || addr >= pending_hi_) return;
    std::uint64_t const now = now_();
    retire_due(now);
    if (hi <= pending_lo_ || addr >= pending_hi_) return;
    if (auto h = stale_view(addr, data, now)) report(std::move(*h));
}

void WeakOrdering::check_published(std::uint64_t addr, std::size_t size_bytes) {
    if (pending_.empty()) [[likely]]
        return;
    std::uint64_t const hi = addr + size_bytes;
    if (hi <= pending_lo_ || addr >= pending_hi_) return;
    std::uint64_t const now = now_();
    retire_due(now);
    if (hi <= pending_lo_ || addr >= pending_hi_) return;
    std::uint64_t const lo = std::max(addr, pending_lo_), top = std::min(hi, pending_hi_);
    std::vector<std::uint8_t> view(bytes_at(lo), bytes_at(top));
    if (auto h = stale_view(lo, view, now)) {
        h->kind = OrderingHazard::Kind::pending_at_publish;
        report(std::move(*h));
    }
}

void WeakOrdering::before_write(std::uint64_t addr, std::size_t size_bytes) {
    if (pending_.empty()) [[likely]]
        return;
    std::uint64_t const hi = addr + size_bytes;
    if (hi <= pending_lo_ || addr >= pending_hi_) return;
    std::uint64_t const now = now_();
    retire_due(now);
    bool const overlaps = std::any_of(pending_.begin(), pending_.end(),
                                      [&](PendingStore const& s) { return addr < s.hi() && s.lo < hi; });
    if (!overlaps) return;
    std::optional<OrderingHazard> found;
    std::vector<PendingStore> kept;
    for (auto& s : pending_) {
        std::uint64_t const lo = std::max(addr, s.lo), top = std::min(hi, s.hi());
        if (lo >= top) {
            kept.push_back(std::move(s));
            continue;
        }
        if (!found) {
            OrderingHazard h;
            h.kind = OrderingHazard::Kind::dma_write_under_store;
            h.addr = lo;
            h.stale.assign(s.previous.begin() + static_cast<std::ptrdiff_t>(lo - s.lo),
                           s.previous.begin() + static_cast<std::ptrdiff_t>(top - s.lo));
            h.fresh.assign(bytes_at(lo), bytes_at(top));
            h.cycle = now;
            h.earlier_cycle = s.store_cycle;
            h.cause = cause_of(s);
            found = std::move(h);
        }
        // The NIC's bytes win: what is left of the store is the part outside the write.
        if (s.lo < lo) {
            PendingStore head = s;
            head.previous.resize(lo - s.lo);
            kept.push_back(std::move(head));
        }
        if (top < s.hi()) {
            PendingStore tail = s;
            tail.lo = top;
            tail.previous.erase(tail.previous.begin(), tail.previous.begin() + static_cast<std::ptrdiff_t>(top - s.lo));
            kept.push_back(std::move(tail));
        }
    }
    pending_ = std::move(kept);
    recompute_bounds();
    if (found) report(std::move(*found));
}

// ---- CPU loads ----

void WeakOrdering::load(void* destination, void const* source, std::size_t size_bytes) {
    if (size_bytes == 0) return;
    ++stats_.loads;
    std::uint64_t const lo = logical_of(source, size_bytes);
    std::uint64_t const hi = lo + size_bytes;
    auto* out = static_cast<std::uint8_t*>(destination);
    std::memcpy(out, bytes_at(lo), size_bytes);
    std::uint64_t const record_bytes = cfg_.record_bytes;
    for (std::uint64_t rec = lo & ~(record_bytes - 1); rec < hi; rec += record_bytes) {
        std::uint8_t const* current = bytes_at(rec);
        auto [it, created] = records_.try_emplace(rec);
        RecordView& v = it->second;
        if (created) {  // the first load of this record: nothing to be stale against
            v.seen.assign(current, current + record_bytes);
            records_lo_ = std::min(records_lo_, rec);
            records_hi_ = std::max(records_hi_, rec + record_bytes);
            continue;
        }
        std::uint64_t const a = std::max(lo, rec) - rec, b = std::min(hi, rec + record_bytes) - rec;
        if (v.changed_in_run == run_ && (v.changed & byte_mask(a, b)) != 0) {
            // An earlier load of this run saw the record's new version; this one is not ordered
            // after it, so its changed bytes may come from before the NIC's write.
            bool differs = false;
            for (std::uint64_t i = a; i < b; ++i) {
                if (((v.changed >> i) & 1u) == 0) continue;
                out[rec + i - lo] = v.previous[i];
                differs = differs || v.previous[i] != current[i];
            }
            if (!differs) continue;
            OrderingHazard h;
            h.kind = OrderingHazard::Kind::stale_cpu_load;
            h.addr = rec + a;
            h.stale.assign(out + (rec + a - lo), out + (rec + b - lo));
            h.fresh.assign(current + a, current + b);
            h.cycle = now_();
            h.earlier_cycle = v.change_seen_cycle;
            h.cause = fmt::format(
                "an earlier load (cycle {}) saw the record's new version and no read barrier came "
                "between the two loads",
                v.change_seen_cycle);
            report(std::move(h));
            continue;
        }
        if (std::memcmp(current, v.seen.data(), record_bytes) == 0) continue;
        v.previous = v.seen;
        v.changed = 0;
        for (std::uint64_t i = 0; i < record_bytes; ++i)
            if (v.previous[i] != current[i]) v.changed |= std::uint64_t{1} << i;
        v.seen.assign(current, current + record_bytes);
        v.changed_in_run = run_;
        v.change_seen_cycle = now_();
    }
}

// ---- reporting ----

void WeakOrdering::report(OrderingHazard hazard) {
    ++stats_.hazards;
    std::optional<std::string> const message = listener_ ? listener_->explain(hazard) : host::describe(hazard);
    if (!message) {
        ++stats_.dismissed;
        return;
    }
    ++stats_.violations;
    if (messages_.size() < cfg_.max_recorded) messages_.push_back(*message);
    if (cfg_.throw_on_violation) throw OrderingViolation(*message, diagnosis_ ? diagnosis_() : std::string());
}

std::string WeakOrdering::describe() const {
    std::string s = fmt::format(
        "{} stores pending (most {}); {} stores ({} bytes), {} overtaken by an MMIO write; retired at a barrier {}, "
        "after their delay {}, after an MMIO write {}; barriers: {} write, {} read, {} full, {} MMIO reads; MMIO "
        "writes "
        "issued {}, at the NIC {}; {} loads, {} records watched; hazards {} ({} violations, {} dismissed)",
        pending_.size(), stats_.most_pending, stats_.stores, stats_.store_bytes, stats_.overtaken_stores,
        stats_.retired_at_barrier, stats_.retired_after_delay, stats_.retired_after_mmio, stats_.write_barriers,
        stats_.read_barriers, stats_.memory_barriers, stats_.mmio_reads, mmio_issued_, mmio_arrived_, stats_.loads,
        records_.size(), stats_.hazards, stats_.violations, stats_.dismissed);
    for (std::size_t i = 0; i < pending_.size() && i < 4; ++i) {
        auto const& p = pending_[i];
        s += fmt::format("; pending [{:#x}, +{}) stored at cycle {}{}", p.lo, p.previous.size(), p.store_cycle,
                         p.overtaken_by ? fmt::format(", overtaken by MMIO write #{}", p.overtaken_by)
                                        : fmt::format(", drains at cycle {}", p.visible_cycle));
    }
    return s;
}

}  // namespace nicsim::host
