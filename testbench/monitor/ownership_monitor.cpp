// OwnershipMonitor: see ownership_monitor.hpp.
#include "monitor/ownership_monitor.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dut/dut.hpp"
#include "nic_contract.hpp"

namespace nicsim::monitor {

namespace c = nicsim::contract;

namespace {

constexpr std::uint64_t desc_bytes = c::DESC_BYTES;
constexpr std::uint64_t cpl_bytes = c::CPL_BYTES;
static_assert(desc_bytes == 16 && cpl_bytes == 16, "the monitor decodes 16-byte descriptors and completions");

std::uint32_t merge(std::uint32_t old, std::uint32_t value, std::uint8_t strobes) {
    std::uint32_t out = old;
    for (unsigned byte = 0; byte < 4; ++byte) {
        if (((strobes >> byte) & 1u) == 0) continue;
        std::uint32_t const m = 0xFFu << (8 * byte);
        out = (out & ~m) | (value & m);
    }
    return out;
}

std::uint64_t set_low(std::uint64_t v, std::uint32_t low) {
    return (v & ~std::uint64_t{0xFFFF'FFFF}) | low;
}
std::uint64_t set_high(std::uint64_t v, std::uint32_t high) {
    return (v & 0xFFFF'FFFF) | (std::uint64_t{high} << 32);
}

std::string owned_text(RingModel const& m) {
    if (m.owned() == 0) return "no entry";
    return fmt::format("slots {}..{}", m.released, (m.prod - 1) & m.mask());
}

bool usable(RingModel const& m, std::uint64_t now, bool retired) {
    if (m.size_log2 == 0 || m.size_log2 > static_cast<unsigned>(c::MAX_RING_LOG2)) return false;
    return retired ? now <= m.grace_until : (m.serving || now <= m.grace_until);
}

}  // namespace

char const* to_string(Direction d) {
    return d == Direction::tx ? "TX" : "RX";
}

OwnershipMonitor::OwnershipMonitor(sim::Kernel& kernel, dut::Dut& dut, bfm::SparseMemory const& memory,
                                   std::uint64_t region_base, std::uint64_t region_bytes, OwnershipMonitorConfig config)
    : kernel_(kernel),
      memory_(memory),
      region_base_(region_base),
      region_end_(region_base + region_bytes),
      cfg_(config),
      num_queues_(dut.config().num_queues),
      rings_(2 * num_queues_),
      retired_(2 * num_queues_) {
    dma_ = std::make_unique<DmaObserver>(kernel, dut.ports().m_axi, dut.config().data_bytes(), *this);
    regs_ = std::make_unique<RegisterWriteObserver>(kernel, dut.ports().s_axil, *this);
    kernel.add_agent(*regs_);
    kernel.add_agent(*dma_);
    kernel.add_diagnostic("ownership monitor", [this] { return describe(); });
}

OwnershipMonitor::~OwnershipMonitor() = default;

std::string OwnershipMonitor::ring_name(unsigned i) const {
    RingRef const r = ref(i);
    return fmt::format("{} ring of queue {}", to_string(r.dir), r.queue);
}

std::string OwnershipMonitor::describe() const {
    std::string s = fmt::format("{} violations; ", violations_);
    for (unsigned i = 0; i < rings_.size(); ++i) {
        auto const& m = rings_[i];
        if (m.size_log2 == 0 && !m.enabled) continue;
        s += fmt::format(
            "{}: {} size {}, RING_PROD {}, NIC owns {}, next completion slot {} phase {}, {} "
            "completions, {} resets; ",
            ring_name(i), m.enabled ? "enabled" : "disabled", m.size(), m.prod, owned_text(m), m.cpl_slot,
            m.phase ? 1 : 0, m.completions, m.generation);
    }
    return s;
}

// ---- registers ----

void OwnershipMonitor::register_write(RegisterWrite const& w) {
    if (w.offset >= c::REG_QUEUE_BASE) {
        unsigned const rel = w.offset - c::REG_QUEUE_BASE;
        unsigned const q = rel / c::REG_QUEUE_STRIDE;
        unsigned const block = rel % c::REG_QUEUE_STRIDE;
        if (q < num_queues_ && block < c::QREG_IRQ) {
            bool const rx = block >= c::QREG_RX;
            ring_register(index({q, rx ? Direction::rx : Direction::tx}), block - (rx ? c::QREG_RX : c::QREG_TX),
                          w.value, w.strobes, w.cycle);
        }
    }
    notify([&](ContractListener& l) { l.register_write(w); });
}

void OwnershipMonitor::ring_register(unsigned r, unsigned offset, std::uint32_t value, std::uint8_t strobes,
                                     std::uint64_t cycle) {
    RingModel& m = rings_[r];
    // Mirrors nic_regs: configuration writes to an enabled ring are refused (SLVERR).
    bool const config_reg = offset <= c::RING_SIZE_LOG2;
    if (config_reg && m.enabled) return;
    switch (offset) {
    case c::RING_BASE_LO: m.base = set_low(m.base, merge(static_cast<std::uint32_t>(m.base), value, strobes)); break;
    case c::RING_BASE_HI:
        m.base = set_high(m.base, merge(static_cast<std::uint32_t>(m.base >> 32), value, strobes));
        break;
    case c::RING_CPL_BASE_LO:
        m.cpl_base = set_low(m.cpl_base, merge(static_cast<std::uint32_t>(m.cpl_base), value, strobes));
        break;
    case c::RING_CPL_BASE_HI:
        m.cpl_base = set_high(m.cpl_base, merge(static_cast<std::uint32_t>(m.cpl_base >> 32), value, strobes));
        break;
    case c::RING_SIZE_LOG2:
        if (strobes & 1u) m.size_log2 = static_cast<unsigned>(c::RING_SIZE_LOG2_LOG2.get(value));
        break;
    case c::RING_CTRL: {
        if ((strobes & 1u) == 0) break;
        if (c::RING_CTRL_RESET.get(value)) reset_ring(r, cycle);
        bool const config_ok = m.size_log2 >= 1 && m.size_log2 <= static_cast<unsigned>(c::MAX_RING_LOG2) &&
                               m.base % c::RING_BASE_ALIGN_BYTES == 0 && m.cpl_base % c::RING_BASE_ALIGN_BYTES == 0;
        bool const enable = c::RING_CTRL_ENABLE.get(value) && config_ok;
        if (enable && m.entries.size() != m.size()) m.entries.assign(m.size(), {});
        m.enabled = enable;
        m.serving = m.serving || enable;  // a disable keeps it: the NIC finishes what it took
        break;
    }
    case c::RING_PROD: {
        std::uint32_t const merged = merge(m.prod, value, strobes);
        if ((merged >> 16) == 0 && merged < (std::uint64_t{1} << m.size_log2)) publish(r, merged, cycle);
        break;  // else ERR_DOORBELL_RANGE: nothing published
    }
    default: break;
    }
}

void OwnershipMonitor::reset_ring(unsigned r, std::uint64_t cycle) {
    RingModel& m = rings_[r];
    retired_[r] = m;
    retired_[r].grace_until = cycle + cfg_.drain_window_cycles;
    m.prod = m.released = m.whole_end = m.cpl_slot = 0;
    m.phase = true;
    m.completions = 0;
    m.enabled = false;
    m.serving = false;
    m.grace_until = 0;
    ++m.generation;
    if (m.size_log2 <= static_cast<unsigned>(c::MAX_RING_LOG2)) m.entries.assign(m.size(), {});
    ++stats_.ring_resets;
    notify([&](ContractListener& l) { l.ring_reset(ref(r), cycle); });
}

void OwnershipMonitor::publish(unsigned r, std::uint32_t new_prod, std::uint64_t cycle) {
    RingModel& m = rings_[r];
    std::uint32_t const old = m.prod;
    ++stats_.doorbells;
    if (m.size_log2 > static_cast<unsigned>(c::MAX_RING_LOG2)) {
        m.prod = new_prod;  // the ring cannot be enabled with this size: nothing to snapshot
        return;
    }
    if (m.entries.size() != m.size()) m.entries.assign(m.size(), {});
    bool const tx = ref(r).dir == Direction::tx;
    std::array<std::uint8_t, 16> raw{};
    for (std::uint32_t i = old; i != new_prod; i = (i + 1) & m.mask()) {
        memory_.read(m.base + std::uint64_t{i} * desc_bytes, raw);
        PublishedEntry& e = m.entries[i];
        if (e.released_by != 0 && e.released_by == m.open_cpl_burst) ++stats_.republished_mid_burst;
        e = {};
        if (tx) {
            auto const d = c::tx_desc_t::decode(raw);
            e.addr = d.addr;
            e.len = d.len;
            e.eop = d.eop;
            if (d.eop) m.whole_end = (i + 1) & m.mask();
        } else {
            auto const d = c::rx_desc_t::decode(raw);
            e.addr = d.addr;
            e.len = d.capacity;
        }
        e.published_cycle = cycle;
        m.published_lo = std::min(m.published_lo, e.addr);
        m.published_hi = std::max(m.published_hi, e.addr + e.len);
    }
    m.prod = new_prod;
    if (ordering_) {  // rule O1: what the doorbell publishes is visible to the NIC now
        auto const slot_addr = [&](std::uint32_t i) { return m.base + std::uint64_t{i} * desc_bytes; };
        if (old <= new_prod) {
            ordering_->check_published(slot_addr(old), std::uint64_t{new_prod - old} * desc_bytes);
        } else {
            ordering_->check_published(slot_addr(old), m.desc_end() - slot_addr(old));
            ordering_->check_published(m.base, std::uint64_t{new_prod} * desc_bytes);
        }
        // Frame data the NIC will read: not that of a descriptor whose length breaks the contract
        // (0, or over MAX_FRAME_BYTES: ERR_DESC_*, the chain is refused unread); such a length
        // can reach into buffers the OS is still filling for later packets.
        for (std::uint32_t i = old; tx && i != new_prod; i = (i + 1) & m.mask())
            if (m.entries[i].len != 0 && m.entries[i].len <= static_cast<std::uint64_t>(c::MAX_FRAME_BYTES))
                ordering_->check_published(m.entries[i].addr, m.entries[i].len);
    }
    notify([&](ContractListener& l) { l.doorbell(ref(r), old, new_prod, cycle); });
}

void OwnershipMonitor::registers_reset() {
    std::fill(rings_.begin(), rings_.end(), RingModel{});
    std::fill(retired_.begin(), retired_.end(), RingModel{});
}

void OwnershipMonitor::bus_reset() {
    writes_.clear();
    data_reads_.clear();
}

// ---- reads ----

bool OwnershipMonitor::check_descriptor_read(unsigned r, RingModel const& m, DmaBurst const& b,
                                             std::string& why) const {
    if (b.lo() < m.base || b.hi() > m.desc_end()) {
        why = fmt::format("runs outside the {}'s descriptors [{:#x}, {:#x})", ring_name(r), m.base, m.desc_end());
        return false;
    }
    std::uint64_t const bb = b.beat_bytes;
    std::uint64_t const aligned = b.lo() & ~(bb - 1);
    for (std::uint32_t k = 0; k < b.beats; ++k) {
        std::uint64_t const lo = std::max(aligned + k * bb, b.lo());
        std::uint64_t const hi = aligned + (k + 1) * bb;
        auto const s0 = static_cast<std::uint32_t>((lo - m.base) / desc_bytes);
        auto const s1 = static_cast<std::uint32_t>((hi - 1 - m.base) / desc_bytes);
        bool ok = false;
        for (std::uint32_t s = s0; s <= s1 && !ok; ++s) ok = m.owns(s);
        if (!ok) {
            why = fmt::format(
                "descriptor slot {} of the {} is not published to the NIC (RING_PROD {}; the NIC "
                "owns {})",
                s0, ring_name(r), m.prod, owned_text(m));
            return false;
        }
    }
    return true;
}

std::optional<std::uint32_t> OwnershipMonitor::fragment_of(RingModel const& m, DmaBurst const& b) const {
    std::uint64_t const bb = b.beat_bytes;
    if (!m.may_hold(b.lo(), b.hi(), bb)) return std::nullopt;
    std::uint32_t const n = (m.whole_end - m.released) & m.mask();
    for (std::uint32_t k = 0; k < n; ++k) {
        std::uint32_t const slot = (m.released + k) & m.mask();
        PublishedEntry const& e = m.entries[slot];
        if (e.len == 0) continue;
        std::uint64_t const lo = e.addr & ~(bb - 1);
        std::uint64_t const hi = (e.addr + e.len + bb - 1) & ~(bb - 1);
        if (b.lo() >= lo && b.hi() <= hi) return slot;
    }
    return std::nullopt;
}

void OwnershipMonitor::read_request(DmaBurst const& b) {
    std::uint64_t const now = b.cycle;
    // A descriptor ring's bytes: a descriptor read.
    std::string why;
    for (unsigned r = 0; r < rings_.size(); ++r) {
        for (bool retired : {false, true}) {
            RingModel const& m = retired ? retired_[r] : rings_[r];
            if (!usable(m, now, retired) || b.lo() >= m.desc_end() || m.base >= b.hi()) continue;
            std::string w;
            if (check_descriptor_read(r, m, b, w)) {
                ++stats_.descriptor_reads;
                if (retired)
                    ++stats_.drained_accesses;
                else if (!listeners_.empty()) {
                    auto const first = static_cast<std::uint32_t>((b.lo() - m.base) / desc_bytes);
                    auto const count = static_cast<std::uint32_t>((b.hi() - 1 - m.base) / desc_bytes + 1 - first);
                    notify([&](ContractListener& l) { l.descriptor_read(ref(r), first, count, now); });
                }
                return;
            }
            if (why.empty()) why = w;
        }
    }
    if (!why.empty()) return violation(b, "descriptor read", why, b.lo());
    // Otherwise TX data: inside a fragment of a published whole packet.
    for (unsigned q = 0; q < num_queues_; ++q) {
        unsigned const r = index({q, Direction::tx});
        for (bool retired : {false, true}) {
            RingModel const& m = retired ? retired_[r] : rings_[r];
            if (!usable(m, now, retired)) continue;
            if (auto const slot = fragment_of(m, b)) {
                ++stats_.data_reads;
                if (retired)
                    ++stats_.drained_accesses;
                else if (!listeners_.empty()) {
                    data_reads_[b.seq] = {q, *slot};
                    notify([&](ContractListener& l) { l.tx_data_read(q, *slot, false, now); });
                }
                return;
            }
        }
    }
    // Name the fragment it overruns, if it overlaps one.
    for (unsigned q = 0; q < num_queues_; ++q) {
        RingModel const& m = rings_[index({q, Direction::tx})];
        if (!usable(m, now, false)) continue;
        std::uint32_t const n = (m.whole_end - m.released) & m.mask();
        for (std::uint32_t k = 0; k < n; ++k) {
            std::uint32_t const slot = (m.released + k) & m.mask();
            PublishedEntry const& e = m.entries[slot];
            if (b.lo() < e.addr + e.len && e.addr < b.hi()) {
                std::uint64_t const outside = b.lo() < e.addr ? b.lo() : e.addr + e.len;
                return violation(
                    b, "TX data read",
                    fmt::format("reaches beyond the fragment of TX ring of queue {} slot {} ([{:#x}, {:#x}), {} "
                                "bytes) in whole beats",
                                q, slot, e.addr, e.addr + e.len, e.len),
                    outside);
            }
        }
    }
    violation(b, "TX data read", "not inside any fragment of a published packet the NIC owns", b.lo());
}

void OwnershipMonitor::read_done(DmaBurst const& b, std::uint8_t /*resp*/, std::uint64_t cycle) {
    if (listeners_.empty()) return;
    auto const it = data_reads_.find(b.seq);
    if (it == data_reads_.end()) return;
    notify([&](ContractListener& l) { l.tx_data_read(it->second.first, it->second.second, true, cycle); });
    data_reads_.erase(it);
}

// ---- writes ----

bool OwnershipMonitor::write_request(DmaBurst const& b) {
    std::uint64_t const now = b.cycle;
    // A completion ring's bytes: a completion write (judged on its data).
    for (unsigned r = 0; r < rings_.size(); ++r) {
        for (bool retired : {false, true}) {
            RingModel const& m = retired ? retired_[r] : rings_[r];
            if (!usable(m, now, retired) || b.lo() >= m.cpl_end() || m.cpl_base >= b.hi()) continue;
            if (b.lo() < m.cpl_base || b.hi() > m.cpl_end()) {
                if (retired) continue;
                violation(b, "completion write",
                          fmt::format("runs outside the {}'s completion ring [{:#x}, {:#x})", ring_name(r), m.cpl_base,
                                      m.cpl_end()),
                          b.lo() < m.cpl_base ? b.lo() : m.cpl_end());
            }
            Target t;
            t.ring = r;
            t.completion = true;
            t.stale = retired;
            t.generation = m.generation;
            writes_[b.seq] = t;
            return true;
        }
    }
    // Otherwise RX data: inside a buffer the NIC owns.
    std::optional<std::pair<unsigned, std::uint32_t>> overrun;
    for (unsigned q = 0; q < num_queues_; ++q) {
        unsigned const r = index({q, Direction::rx});
        for (bool retired : {false, true}) {
            RingModel& m = retired ? retired_[r] : rings_[r];
            if (!usable(m, now, retired) || !m.may_hold(b.lo(), b.hi())) continue;
            for (std::uint32_t k = 0, n = m.owned(); k < n; ++k) {
                std::uint32_t const slot = (m.released + k) & m.mask();
                PublishedEntry& e = m.entries[slot];
                if (b.lo() >= e.addr && b.hi() <= e.addr + e.len) {
                    Target t;
                    t.ring = r;
                    t.stale = retired;
                    t.generation = m.generation;
                    t.slot = slot;
                    writes_[b.seq] = t;
                    ++stats_.data_writes;
                    if (t.stale) {
                        ++stats_.drained_accesses;
                    } else {
                        ++e.writes_in_flight;
                        notify([&](ContractListener& l) { l.rx_data_write(q, slot, false, now); });
                    }
                    return false;
                }
                if (!retired && !overrun && b.lo() < e.addr + e.len && e.addr < b.hi()) overrun.emplace(q, slot);
            }
        }
    }
    if (overrun) {
        auto const [q, slot] = *overrun;
        PublishedEntry const& e = rings_[index({q, Direction::rx})].entries[slot];
        std::uint64_t const end = e.addr + e.len;
        if (b.hi() > end) {
            violation(b, "RX data write",
                      fmt::format("runs {} bytes past the end of the buffer of RX ring of queue {} slot {} ([{:#x}, "
                                  "{:#x}), capacity {})",
                                  b.hi() - end, q, slot, e.addr, end, e.len),
                      end);
            return false;
        }
        violation(b, "RX data write",
                  fmt::format("starts {} bytes before the buffer of RX ring of queue {} slot {} ([{:#x}, {:#x}))",
                              e.addr - b.lo(), q, slot, e.addr, end),
                  b.lo());
        return false;
    }
    violation(b, "DMA write", "not inside any RX buffer the NIC owns nor a completion ring", b.lo());
    return false;
}

void OwnershipMonitor::write_data(DmaBurst const& b, WriteBeat const& beat, std::span<std::uint8_t const> data,
                                  std::span<std::uint8_t const> strobes, std::uint64_t cycle) {
    auto const it = writes_.find(b.seq);
    if (it == writes_.end() || !it->second.completion || it->second.stale) return;
    check_completion(it->second.ring, it->second, b, beat, data, strobes, cycle);
}

void OwnershipMonitor::write_response(DmaBurst const& b, std::uint8_t /*resp*/, std::uint64_t cycle) {
    auto const it = writes_.find(b.seq);
    if (it == writes_.end()) return;
    Target const t = it->second;
    writes_.erase(it);
    if (t.completion || t.stale) return;
    RingModel& m = rings_[t.ring];
    if (m.generation != t.generation) return;
    PublishedEntry& e = m.entries[t.slot];
    if (e.writes_in_flight) --e.writes_in_flight;
    e.last_write_response_cycle = cycle;
    notify([&](ContractListener& l) { l.rx_data_write(ref(t.ring).queue, t.slot, true, cycle); });
}

void OwnershipMonitor::check_completion(unsigned r, Target const& t, DmaBurst const& b, WriteBeat const& beat,
                                        std::span<std::uint8_t const> data, std::span<std::uint8_t const> strobes,
                                        std::uint64_t cycle) {
    RingModel& m = rings_[r];
    if (m.generation != t.generation) return;  // the ring was reset since: the engine drops it
    bool const tx = ref(r).dir == Direction::tx;
    std::uint64_t const aligned = b.lo() & ~std::uint64_t{b.beat_bytes - 1};
    std::uint64_t const end = aligned + data.size();
    // The records this beat completes: those ending inside it, and at the last beat also one the
    // burst ends in the middle of (a narrow bus carries a record in several beats).
    std::uint64_t const first = beat.lo & ~(cpl_bytes - 1);
    for (std::uint64_t a = first; a < beat.hi; a += cpl_bytes) {
        if (a + cpl_bytes <= beat.lo || (a + cpl_bytes > beat.hi && !beat.last)) continue;
        unsigned strobed = 0;
        for (std::uint64_t x = a; x < a + cpl_bytes; ++x)
            if (x >= aligned && x < end && strobes[x - aligned]) ++strobed;
        if (strobed == 0) continue;
        auto const slot = static_cast<std::uint32_t>((a - m.cpl_base) / cpl_bytes);
        auto const access = [&] {  // formatted only for a violation
            return fmt::format("completion write (slot {} of the {})", slot, ring_name(r));
        };
        if (strobed != cpl_bytes) {  // not a record: nothing to decode
            violation(b, access(),
                      fmt::format("writes {} of the record's 16 bytes (one 16-byte write per completion)", strobed), a);
            continue;
        }
        std::array<std::uint8_t, 16> rec{};
        std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(a - aligned), cpl_bytes, rec.begin());
        auto const owner_here = [&] {
            return fmt::format("driver: completion slot {} of the {} (the NIC owns only its next slot, {})", slot,
                               ring_name(r), m.cpl_slot);
        };
        if (slot != m.cpl_slot)
            violation(b, access(),
                      fmt::format("out of order: the next completion goes to slot {} ({} written so far)", m.cpl_slot,
                                  m.completions),
                      owner_here());
        bool const phase = (rec[15] >> 7) & 1u;
        if (phase != m.phase)
            violation(b, access(),
                      fmt::format("phase bit {}, expected {} (pass {} over the {}-slot completion ring: 1 on the "
                                  "first pass, flipping at each wrap)",
                                  phase ? 1 : 0, m.phase ? 1 : 0, m.completions / m.size() + 1, m.size()),
                      owner_here());
        std::uint32_t const owned = m.owned();
        std::uint32_t count = 0;
        if (tx) {
            auto const cpl = c::tx_cpl_t::decode(rec);
            count = cpl.desc_count;
            std::uint32_t const expect_last = (m.released + count - 1) & m.mask();
            if (count == 0 || count > owned || cpl.last_desc != expect_last)
                violation(b, access(),
                          fmt::format("describes descriptors ending at slot {} ({} of them), but the NIC owns {} "
                                      "(the next packet starts at slot {})",
                                      cpl.last_desc, count, owned_text(m), m.released),
                          owner_here());
            if (!m.in_whole_packet(cpl.last_desc) || !m.entries[cpl.last_desc].eop)
                violation(b, access(),
                          fmt::format("its last descriptor, slot {}, is not the end (eop) of a published packet",
                                      cpl.last_desc),
                          owner_here());
            for (std::uint32_t k = 0; k + 1 < count; ++k) {
                std::uint32_t const s = (m.released + k) & m.mask();
                if (m.entries[s].eop)
                    violation(b, access(),
                              fmt::format("covers {} descriptors from slot {}, but slot {} already ends a packet",
                                          count, m.released, s),
                              owner_here());
            }
        } else {
            auto const cpl = c::rx_cpl_t::decode(rec);
            count = cpl.buf_count;
            if (count == 0 || count > owned || cpl.first_buf != m.released)
                violation(b, access(),
                          fmt::format("describes buffers from slot {} ({} of them), but the NIC owns {}", cpl.first_buf,
                                      count, owned_text(m)),
                          owner_here());
            std::uint64_t capacity = 0;
            for (std::uint32_t k = 0; k < count; ++k) {
                std::uint32_t const s = (m.released + k) & m.mask();
                PublishedEntry const& e = m.entries[s];
                capacity += e.len;
                if (e.writes_in_flight != 0 || e.last_write_response_cycle >= b.cycle)
                    violation(b, access(),
                              fmt::format("requested at cycle {}, before the write response of the frame's data in "
                                          "the buffer of slot {} ({})",
                                          b.cycle, s,
                                          e.writes_in_flight ? "still outstanding"
                                                             : fmt::format("cycle {}", e.last_write_response_cycle)),
                              owner_here());
            }
            if (cpl.len > capacity)
                violation(
                    b, access(),
                    fmt::format("frame length {} exceeds the {} bytes of its {} buffers", cpl.len, capacity, count),
                    owner_here());
        }
        for (std::uint32_t k = 0; k < count; ++k) {
            PublishedEntry& e = m.entries[(m.released + k) & m.mask()];
            e.released_cycle = cycle;
            e.released_by = b.seq + 1;
        }
        m.released = (m.released + count) & m.mask();
        m.cpl_slot = (m.cpl_slot + 1) & m.mask();
        if (m.cpl_slot == 0) m.phase = !m.phase;
        ++m.completions;
        ++stats_.completions;
        notify([&](ContractListener& l) { l.completion(ref(r), slot, std::span<std::uint8_t const, 16>(rec), cycle); });
    }
    m.open_cpl_burst = beat.last ? 0 : b.seq + 1;
}

// ---- memory ordering (the weak host model's hazards) ----

std::optional<std::string> OwnershipMonitor::explain(host::OrderingHazard const& h) {
    using Kind = host::OrderingHazard::Kind;
    std::uint64_t const at = h.addr;
    auto inside = [at](std::uint64_t lo, std::uint64_t hi) { return at >= lo && at < hi; };
    std::string where;  // the structure of the contract the bytes belong to
    for (unsigned r = 0; r < rings_.size() && where.empty(); ++r) {
        for (bool retired : {false, true}) {
            RingModel const& m = retired ? retired_[r] : rings_[r];
            if (!usable(m, h.cycle, retired)) continue;
            bool const read = h.kind == Kind::stale_dma_read || h.kind == Kind::pending_at_publish;
            if (read && inside(m.base, m.desc_end())) {
                auto const slot = static_cast<std::uint32_t>((at - m.base) / desc_bytes);
                if (!m.owns(slot)) continue;  // a neighbour in a wide beat: the NIC does not use it
                where = fmt::format("descriptor slot {} of the {} (published at cycle {}; RING_PROD {})", slot,
                                    ring_name(r), m.entries[slot].published_cycle, m.prod);
            } else if (!read && inside(m.cpl_base, m.cpl_end())) {
                where = fmt::format("completion slot {} of the {}{}", (at - m.cpl_base) / cpl_bytes, ring_name(r),
                                    retired ? " (before the ring's reset)" : "");
            } else {
                bool const tx = ref(r).dir == Direction::tx;
                bool const wanted = read == tx;  // TX data is read, RX data written
                for (std::uint32_t k = 0, n = m.owned(); wanted && k < n && where.empty(); ++k) {
                    std::uint32_t const slot = (m.released + k) & m.mask();
                    PublishedEntry const& e = m.entries[slot];
                    if (inside(e.addr, e.addr + e.len))
                        where = fmt::format("the {} of the {} slot {} ([{:#x}, {:#x}))", tx ? "frame data" : "buffer",
                                            ring_name(r), slot, e.addr, e.addr + e.len);
                }
            }
            if (!where.empty()) break;
        }
    }
    if (where.empty() && (h.kind == Kind::stale_dma_read || h.kind == Kind::pending_at_publish)) {
        ++stats_.ordering_dismissed;  // bytes the NIC does not own: the ownership checks judge the access
        return std::nullopt;
    }
    if (where.empty()) where = fmt::format("host memory outside every ring ({})", owner_of(at));
    ++stats_.ordering_explained;
    std::string const range = fmt::format("[{:#x}, {:#x})", at, at + h.stale.size());
    std::string const rule = fmt::format("rule {} ({})", host::rule_of(h.kind), host::rule_text(h.kind));
    switch (h.kind) {
    case Kind::stale_dma_read:
        return fmt::format(
            "ordering violation at cycle {}: {}: the NIC read {} {} and got {}, but the CPU stored {} "
            "there at cycle {}; {}",
            h.cycle, rule, where, range, host::hex_bytes(h.stale), host::hex_bytes(h.fresh), h.earlier_cycle, h.cause);
    case Kind::pending_at_publish:
        return fmt::format(
            "ordering violation at cycle {}: {}: the NIC took the doorbell publishing {} {} while the "
            "CPU's store there (cycle {}) was not yet visible: the NIC could read {} instead of {}; {}",
            h.cycle, rule, where, range, h.earlier_cycle, host::hex_bytes(h.stale), host::hex_bytes(h.fresh), h.cause);
    case Kind::stale_cpu_load:
        return fmt::format(
            "ordering violation at cycle {}: {}: the driver's load of {} {} may return {} (the record "
            "before the NIC's last write) while the NIC wrote {}; {}",
            h.cycle, rule, where, range, host::hex_bytes(h.stale), host::hex_bytes(h.fresh), h.cause);
    case Kind::dma_write_under_store:
        return fmt::format(
            "ordering violation at cycle {}: {}: the NIC writes {} {} while the CPU's store of {} there "
            "(cycle {}, replacing {}) is not yet visible and could land after it; {}",
            h.cycle, rule, where, range, host::hex_bytes(h.fresh), h.earlier_cycle, host::hex_bytes(h.stale), h.cause);
    }
    return std::nullopt;
}

// ---- messages ----

std::string OwnershipMonitor::owner_of(std::uint64_t addr) const {
    auto in = [addr](std::uint64_t lo, std::uint64_t hi) { return addr >= lo && addr < hi; };
    for (unsigned r = 0; r < rings_.size(); ++r) {
        RingModel const& m = rings_[r];
        if (m.size_log2 == 0 || m.size_log2 > static_cast<unsigned>(c::MAX_RING_LOG2)) continue;
        if (in(m.base, m.desc_end())) {
            auto const slot = static_cast<std::uint32_t>((addr - m.base) / desc_bytes);
            return fmt::format("driver: descriptor slot {} of the {} ({}; RING_PROD {})", slot, ring_name(r),
                               m.owns(slot) ? "published" : "not published to the NIC", m.prod);
        }
        if (in(m.cpl_base, m.cpl_end()))
            return fmt::format("driver: completion slot {} of the {} (the NIC's next completion goes to slot {})",
                               (addr - m.cpl_base) / cpl_bytes, ring_name(r), m.cpl_slot);
    }
    for (unsigned r = 0; r < rings_.size(); ++r) {
        RingModel const& m = rings_[r];
        bool const tx = ref(r).dir == Direction::tx;
        char const* what = tx ? "fragment" : "buffer";
        for (std::uint32_t slot = 0; slot < m.entries.size(); ++slot) {
            PublishedEntry const& e = m.entries[slot];
            if (e.published_cycle == 0 || !in(e.addr, e.addr + e.len)) continue;
            if (m.owns(slot))
                return fmt::format("NIC: {} of the {} slot {} (published at cycle {})", what, ring_name(r), slot,
                                   e.published_cycle);
            if (e.released_cycle != 0)
                return fmt::format("OS: {} of the {} slot {}, given back by the completion at cycle {}", what,
                                   ring_name(r), slot, e.released_cycle);
            return fmt::format("OS: {} of the {} slot {}, no longer published", what, ring_name(r), slot);
        }
    }
    for (unsigned r = 0; r < retired_.size(); ++r) {
        RingModel const& m = retired_[r];
        for (std::uint32_t slot = 0; slot < m.entries.size(); ++slot) {
            PublishedEntry const& e = m.entries[slot];
            if (e.published_cycle != 0 && in(e.addr, e.addr + e.len))
                return fmt::format("driver: {} of the {} slot {} before the ring's reset",
                                   ref(r).dir == Direction::tx ? "fragment" : "buffer", ring_name(r), slot);
        }
    }
    if (in(region_base_, region_end_)) return "driver/OS: host memory never handed to the NIC";
    return fmt::format("nobody: outside host memory [{:#x}, {:#x})", region_base_, region_end_);
}

void OwnershipMonitor::violation(DmaBurst const& b, std::string const& access, std::string const& what,
                                 std::uint64_t addr) {
    violation(b, access, what, fmt::format("{} (at {:#x})", owner_of(addr), addr));
}

void OwnershipMonitor::violation(DmaBurst const& b, std::string const& access, std::string const& what,
                                 std::string const& owner) {
    ++violations_;
    std::string const msg =
        fmt::format("ownership violation at cycle {}: {} [{:#x}, {:#x}) ({} bytes, AXI id {}): {}; owner: {}",
                    kernel_.cycle(), access, b.lo(), b.hi(), b.hi() - b.lo(), b.id, what, owner);
    if (cfg_.throw_on_violation) throw OwnershipViolation(msg, kernel_.diagnosis());
    if (messages_.size() < cfg_.max_recorded) messages_.push_back(msg);
}

}  // namespace nicsim::monitor
