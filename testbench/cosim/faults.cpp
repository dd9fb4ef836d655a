// Faults: see faults.hpp and docs/faults.md.
#include "cosim/faults.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "cosim/cosim.hpp"
#include "frame/frame.hpp"
#include "model/checksum.hpp"

namespace nicsim::cosim {

using driver::fault_injection::TxDescriptorFault;

namespace {

namespace c = nicsim::contract;

bool is_wire_kind(FaultKind k) {
    return k == FaultKind::rx_runt || k == FaultKind::rx_oversize || k == FaultKind::rx_bad ||
           k == FaultKind::rx_bad_csum;
}

std::optional<c::err_e> error_of(FaultKind k) {
    switch (k) {
    case FaultKind::dma_desc_read: return c::err_e::ERR_DMA_DESC_READ;
    case FaultKind::dma_data_read: return c::err_e::ERR_DMA_DATA_READ;
    case FaultKind::dma_rx_write: return c::err_e::ERR_DMA_DATA_WRITE;
    case FaultKind::dma_cpl_write: return c::err_e::ERR_DMA_CPL_WRITE;
    case FaultKind::tx_zero_len: return c::err_e::ERR_DESC_ZERO_LEN;
    case FaultKind::tx_len_over: return c::err_e::ERR_DESC_LEN_OVER;
    case FaultKind::tx_chain_long: return c::err_e::ERR_DESC_CHAIN_LONG;
    case FaultKind::doorbell_range: return c::err_e::ERR_DOORBELL_RANGE;
    case FaultKind::ring_config: return c::err_e::ERR_RING_CONFIG;
    case FaultKind::rx_desc_bad: return c::err_e::ERR_RX_DESC_BAD;
    default: return std::nullopt;
    }
}

TxDescriptorFault descriptor_fault_of(FaultKind k) {
    switch (k) {
    case FaultKind::tx_zero_len: return TxDescriptorFault::zero_length;
    case FaultKind::tx_len_over: return TxDescriptorFault::length_over_max;
    case FaultKind::tx_chain_long: return TxDescriptorFault::chain_too_long;
    case FaultKind::tx_no_eop: return TxDescriptorFault::no_end_of_packet;
    default: return TxDescriptorFault::none;
    }
}

bool overlaps(std::uint64_t lo, std::uint64_t hi, std::uint64_t base, std::uint64_t bytes) {
    return lo < base + bytes && base < hi;
}

}  // namespace

// ---- FaultInjector ----

FaultInjector::FaultInjector(std::vector<FaultSpec> specs, std::uint64_t seed, std::uint64_t packets, unsigned queues,
                             std::uint32_t hw_tx_ring_entries, Platform& hw)
    : rng_(seed),
      queues_(queues),
      hw_tx_entries_(hw_tx_ring_entries),
      hw_(hw),
      pending_desc_(queues),
      starved_until_(queues, 0) {
    if (!specs.empty() && !hw.supports_faults())
        throw ScenarioError({ScenarioField::faults, ": this hardware top has no fault injection"});
    for (auto& f : specs) {
        if (f.queue && *f.queue >= queues)
            throw ScenarioError({ScenarioField::faults, fmt::format(" {}: queue={} is not in use (queues 0..{})",
                                                                    to_string(f), *f.queue, queues - 1)});
        if (f.kind == FaultKind::tx_chain_long && hw_tx_ring_entries <= static_cast<std::uint32_t>(c::MAX_TX_FRAGS))
            throw ScenarioError({ScenarioField::faults,
                                 fmt::format(" {}: a chain of {} descriptors needs TX rings of more than {} entries (",
                                             to_string(f), c::MAX_TX_FRAGS, c::MAX_TX_FRAGS),
                                 ScenarioField::ring_size, ")"});
        Schedule s{f, {}, 0, 0};
        if (f.rate == 0) {
            std::uint64_t const at = f.at.value_or(std::max<std::uint64_t>(1, packets / 3));
            std::uint64_t const every =
                f.every.value_or(std::max<std::uint64_t>(1, (packets > at ? packets - at : 1) / (f.count + 1)));
            for (std::uint64_t i = 0; i < f.count; ++i) s.points.push_back(at + i * every);
        }
        schedules_.push_back(std::move(s));
    }
    hw_.set_dma_fault([this](bool write, std::uint64_t lo, std::uint64_t hi) { return dma_hook(write, lo, hi); });
}

bool FaultInjector::has(FaultKind k) const {
    return std::any_of(schedules_.begin(), schedules_.end(), [k](Schedule const& s) { return s.spec.kind == k; });
}

void FaultInjector::attach(driver::Adapter& adapter) {
    adapter_ = &adapter;
}

void FaultInjector::count(FaultKind k) {
    ++injected_[to_string(k)];
    ++fired_[k];
}

std::uint64_t FaultInjector::expected_ring_errors(c::err_e code) const {
    std::uint64_t n = 0;
    for (auto const& [k, v] : fired_)
        if (error_of(k) == code) n += v;
    return n;
}

std::map<std::string, std::uint64_t> FaultInjector::not_fired() const {
    std::map<std::string, std::uint64_t> out;
    for (auto const& s : schedules_)
        if (s.next < s.points.size()) out[to_string(s.spec)] += s.points.size() - s.next;
    // Fired, but what they strike never came by.
    for (auto const& a : armed_) ++out[to_string(a.kind)];
    for (auto const& a : armed_config_) ++out[to_string(a.kind)];
    auto const rx_desc_waiting = armed_rx_desc_.size() + bad_rx_descriptors_.size();  // not posted, or not read
    if (rx_desc_waiting) out[to_string(FaultKind::rx_desc_bad)] += rx_desc_waiting;
    for (auto const& queue : pending_desc_)
        for (FaultKind k : queue) ++out[to_string(k)];
    for (auto const& [key, k] : desc_faults_)
        if (!desc_applied_.contains(key)) ++out[to_string(k)];
    for (auto const& [k, n] : pending_wire_)
        if (n) out[to_string(k)] += n;
    return out;
}

TxDescriptorFault FaultInjector::tx_descriptor_fault(unsigned queue, std::uint64_t post_sequence) {
    auto const key = std::make_pair(queue, post_sequence);
    auto const it = desc_faults_.find(key);
    if (it == desc_faults_.end()) return TxDescriptorFault::none;
    if (desc_applied_.insert(key).second) count(it->second);
    return descriptor_fault_of(it->second);
}

std::optional<scoreboard::DropReason> FaultInjector::on_tx_submitted(unsigned queue, std::uint64_t frame_id) {
    for (auto& s : schedules_)
        if (s.spec.rate > 0 && !is_wire_kind(s.spec.kind) &&
            std::uniform_real_distribution<double>(0, 1)(rng_) < s.spec.rate)
            ++s.due;
    auto& pending = pending_desc_[queue];
    if (pending.empty()) return std::nullopt;
    FaultKind const k = pending.front();
    pending.erase(pending.begin());
    desc_faults_[{queue, frame_id}] = k;
    if (k == FaultKind::tx_no_eop) return std::nullopt;  // sent once the hang check resets the ring
    return scoreboard::DropReason::desc_error;
}

void FaultInjector::on_rx_frame(wire::Frame& f) {
    for (auto& s : schedules_)
        if (s.spec.rate > 0 && is_wire_kind(s.spec.kind) &&
            std::uniform_real_distribution<double>(0, 1)(rng_) < s.spec.rate)
            ++pending_wire_[s.spec.kind];
    for (FaultKind k : {FaultKind::rx_runt, FaultKind::rx_oversize, FaultKind::rx_bad, FaultKind::rx_bad_csum}) {
        auto it = pending_wire_.find(k);
        if (it == pending_wire_.end() || it->second == 0) continue;
        if (k == FaultKind::rx_bad_csum && !spoil_checksum(f)) continue;  // no checksum here: the next frame
        --it->second;
        if (!f.tag) f.tag = wire::decode_tag(f.bytes);  // the frame is still known once damaged
        switch (k) {
        case FaultKind::rx_bad_csum: break;  // spoiled above
        case FaultKind::rx_runt:
            f.bytes.resize(std::uniform_int_distribution<std::size_t>(14, driver::kMinRxFrameBytes - 1)(rng_));
            break;
        case FaultKind::rx_oversize:
            f.bytes.resize(
                static_cast<std::size_t>(c::MAX_FRAME_BYTES) + std::uniform_int_distribution<std::size_t>(1, 300)(rng_),
                0x5a);
            break;
        default: f.bad = true; break;
        }
        count(k);
        return;  // one damage per frame
    }
}

std::uint32_t FaultInjector::on_register_write(std::uint16_t offset, std::uint32_t value) {
    for (auto it = armed_config_.begin(); it != armed_config_.end(); ++it) {
        if (offset != c::queue_reg(it->queue, it->tx ? c::QREG_TX : c::QREG_RX, c::RING_SIZE_LOG2)) continue;
        armed_config_.erase(it);
        count(FaultKind::ring_config);
        return 0;  // RING_SIZE_LOG2 must be 1..MAX_RING_LOG2: the enabling write that follows is refused
    }
    return value;
}

bool FaultInjector::on_ring_store(void const* destination, void const* source, std::size_t size_bytes,
                                  std::array<std::uint8_t, c::rx_desc_t::bytes>& replacement) {
    if (armed_rx_desc_.empty() || size_bytes != c::rx_desc_t::bytes || !adapter_) return false;
    std::uint64_t const address = hw_.arena().to_logical(destination);
    auto const in_rx_ring = [&](unsigned queue) {
        auto const ring = adapter_->rx_ring(queue);
        return overlaps(address, address + size_bytes, ring.descriptor_base,
                        std::uint64_t{ring.entries} * c::DESC_BYTES);
    };
    for (auto it = armed_rx_desc_.begin(); it != armed_rx_desc_.end(); ++it) {
        bool hit = false;
        for (unsigned queue = 0; queue < queues_ && !hit; ++queue) hit = (!*it || **it == queue) && in_rx_ring(queue);
        if (!hit) continue;
        std::memcpy(replacement.data(), source, replacement.size());
        auto descriptor = c::rx_desc_t::decode(replacement);
        descriptor.addr += static_cast<std::uint64_t>(c::RX_BUF_ALIGN_BYTES) / 2;  // the NIC must not write there
        replacement = descriptor.encode();
        armed_rx_desc_.erase(it);
        bad_rx_descriptors_.push_back(address);  // counted when the NIC reads it
        return true;
    }
    return false;
}

bool FaultInjector::spoil_checksum(wire::Frame& f) {
    // Injections alternate between the IPv4 header's checksum and the TCP/UDP one; a frame
    // without the sum whose turn it is waits for the next. Flipping bits 0 and 8 turns any 16-bit
    // value into one that is not its one's complement twin (0x0000 / 0xFFFF), so the sum no
    // longer checks; a UDP field of 0 ("no checksum") becomes one to check.
    auto const layout = model::parse_frame(f.bytes);
    bool const ip_turn = fired_[FaultKind::rx_bad_csum] % 2 == 0;
    if (ip_turn ? layout.l3 != model::L3::ipv4 : layout.l4 == model::L4::other) return false;
    std::size_t const at = ip_turn ? layout.l3_offset + model::kIpv4ChecksumOffset
                                   : layout.l4_offset + model::l4_checksum_offset(layout.l4);
    f.bytes[at] ^= 0x01;
    f.bytes[at + 1] ^= 0x01;
    return true;
}

bool FaultInjector::rx_starved(unsigned queue) const {
    return hw_.cycle() < starved_until_[queue];
}

void FaultInjector::tick(std::uint64_t tx_submitted) {
    if (!adapter_) return;
    for (auto& s : schedules_) {
        while (s.next < s.points.size() && s.points[s.next] <= tx_submitted) {
            ++s.next;
            if (is_wire_kind(s.spec.kind))
                ++pending_wire_[s.spec.kind];
            else
                fire(s.spec);
        }
        for (; s.due > 0; --s.due) fire(s.spec);
    }
}

void FaultInjector::fire(FaultSpec const& spec) {
    unsigned const q = spec.queue.value_or(std::uniform_int_distribution<unsigned>(0, queues_ - 1)(rng_));
    bool const tx = spec.tx.value_or(spec.rate > 0 ? std::uniform_int_distribution<int>(0, 1)(rng_) == 0 : true);
    switch (spec.kind) {
    case FaultKind::dma_desc_read:
    case FaultKind::dma_data_read:
    case FaultKind::dma_rx_write:
    case FaultKind::dma_cpl_write:
        armed_.push_back({spec.kind, q, tx});  // counted when a burst takes it
        break;
    case FaultKind::tx_zero_len:
    case FaultKind::tx_len_over:
    case FaultKind::tx_chain_long:
    case FaultKind::tx_no_eop:
        pending_desc_[q].push_back(spec.kind);  // counted when the driver writes it
        break;
    case FaultKind::rx_starve:
        starved_until_[q] = std::max(starved_until_[q], hw_.cycle() + spec.cycles);
        count(spec.kind);
        break;
    case FaultKind::doorbell_range: {
        auto const entries = tx ? adapter_->tx_ring(q).entries : adapter_->rx_ring(q).entries;
        hw_.registers().write32(c::queue_reg(q, tx ? c::QREG_TX : c::QREG_RX, c::RING_PROD), entries);
        count(spec.kind);
        break;
    }
    case FaultKind::reg_undefined: {
        auto const nq = hw_.config().num_queues;
        probe_refused(true, 0x001C, 0x1234, "undefined ID-block address");
        probe_refused(true, 0x0300, 0xFFFF'FFFFu, "undefined global address");
        probe_refused(true, c::queue_reg(nq, c::QREG_TX, c::RING_PROD), 1, "a queue block past NUM_QUEUES");
        probe_refused(true, c::queue_reg(q, c::QREG_IRQ, 0x30), 1, "undefined address in an IRQ block");
        probe_refused(false, 0x0120, 0, "read of an undefined address");
        count(spec.kind);
        break;
    }
    case FaultKind::reg_readonly: {
        probe_refused(true, c::REG_ID_MAGIC, 0, "REG_ID_MAGIC (RO)");
        probe_refused(true, c::REG_ERR_QUEUES, 0xFFFF'FFFFu, "REG_ERR_QUEUES (RO)");
        probe_refused(true, c::queue_reg(q, tx ? c::QREG_TX : c::QREG_RX, c::RING_CONS), 3, "RING_CONS (RO)");
        probe_refused(true, c::queue_reg(q, c::QREG_RX, c::RING_STAT_DROPS), 0, "RING_STAT_DROPS (RO)");
        auto const magic = hw_.probe_register(false, c::REG_ID_MAGIC, 0);
        if (magic.resp != 0 || magic.data != static_cast<std::uint32_t>(c::NIC_MAGIC))
            problems_.push_back(
                fmt::format("reg-readonly: REG_ID_MAGIC reads {:#010x} (response {}) after the refused "
                            "write, expected {:#010x}",
                            magic.data, magic.resp, c::NIC_MAGIC));
        count(spec.kind);
        break;
    }
    case FaultKind::reg_readback:
        read_back_registers();
        count(spec.kind);
        break;
    case FaultKind::queue_reset: {
        bool const both = !spec.tx;
        adapter_->request_ring_reset(q, both || tx, both || !tx);
        adapter_->run_dpc();
        count(spec.kind);
        break;
    }
    case FaultKind::ring_config:  // counted when the driver's RING_SIZE_LOG2 write is changed
        armed_config_.push_back({spec.kind, q, tx});
        adapter_->request_ring_reset(q, tx, !tx);
        adapter_->run_dpc();
        break;
    case FaultKind::rx_desc_bad:  // no queue= : whichever RX ring the driver posts to next
        armed_rx_desc_.push_back(spec.queue ? std::optional<unsigned>(q) : std::nullopt);
        break;
    case FaultKind::cancel:
        cancel_due_ = true;
        count(spec.kind);
        break;
    case FaultKind::rx_runt:
    case FaultKind::rx_oversize:
    case FaultKind::rx_bad:
    case FaultKind::rx_bad_csum: break;  // on the wire (on_rx_frame)
    }
}

void FaultInjector::read_back_registers() {
    auto const read = [this](std::uint16_t offset, std::string const& what) -> std::optional<std::uint32_t> {
        auto const r = hw_.probe_register(false, offset, 0);
        if (r.resp == 0) return r.data;
        problems_.push_back(fmt::format(
            "reg-readback: read of {} ({:#06x}) answered response {}, the contract says OKAY", what, offset, r.resp));
        return std::nullopt;
    };
    auto const expect = [&](std::uint16_t offset, std::uint32_t wrote, std::string const& what) {
        if (auto const v = read(offset, what); v && *v != wrote)
            problems_.push_back(
                fmt::format("reg-readback: {} ({:#06x}) reads {:#x}, the driver wrote {:#x}", what, offset, *v, wrote));
    };
    auto const& config = adapter_->config();
    expect(c::REG_CTRL, config.rss_enabled && queues_ > 1 ? 1 : 0, "REG_CTRL");
    expect(c::REG_ERR_IRQ_EN, 1, "REG_ERR_IRQ_EN");
    read(c::REG_ERR_QUEUES, "REG_ERR_QUEUES");
    read(c::REG_STATUS, "REG_STATUS");
    for (unsigned w = 0; w < c::RSS_KEY_BYTES / 4; ++w) {  // key byte 0 in [31:24] of word 0
        std::uint32_t word = 0;
        for (unsigned b = 0; b < 4; ++b) word = (word << 8) | config.rss_key[4 * w + b];
        expect(static_cast<std::uint16_t>(c::REG_RSS_KEY0 + 4 * w), word, fmt::format("REG_RSS_KEY{}", w));
    }
    for (unsigned i = 0; i < c::RSS_TABLE_ENTRIES; ++i) {
        auto const offset = static_cast<std::uint16_t>(c::REG_RSS_TABLE0 + 4 * i);
        if (auto const v = read(offset, fmt::format("REG_RSS_TABLE{}", i)); v && *v >= queues_)
            problems_.push_back(
                fmt::format("reg-readback: REG_RSS_TABLE{} reads {}, not a queue in use (0..{})", i, *v, queues_ - 1));
    }
    for (unsigned q = 0; q < queues_; ++q) {
        for (bool const tx : {true, false}) {
            auto const ring = tx ? adapter_->tx_ring(q) : adapter_->rx_ring(q);
            auto const block = tx ? c::QREG_TX : c::QREG_RX;
            auto const reg = [&](std::uint8_t offset) { return c::queue_reg(q, block, offset); };
            std::string const name = fmt::format("{}{} ", tx ? "tx" : "rx", q);
            // A ring in error (or refused its enable: ring-config) keeps what the NIC made of it.
            auto const error = read(reg(c::RING_ERR), name + "RING_ERR");
            if (error && *error == 0 && !ring.error_pending) {
                expect(reg(c::RING_BASE_LO), static_cast<std::uint32_t>(ring.descriptor_base), name + "RING_BASE_LO");
                expect(reg(c::RING_BASE_HI), static_cast<std::uint32_t>(ring.descriptor_base >> 32),
                       name + "RING_BASE_HI");
                expect(reg(c::RING_CPL_BASE_LO), static_cast<std::uint32_t>(ring.completion_base),
                       name + "RING_CPL_BASE_LO");
                expect(reg(c::RING_CPL_BASE_HI), static_cast<std::uint32_t>(ring.completion_base >> 32),
                       name + "RING_CPL_BASE_HI");
                expect(reg(c::RING_SIZE_LOG2), static_cast<std::uint32_t>(std::countr_zero(ring.entries)),
                       name + "RING_SIZE_LOG2");
                if (!cancel_due_) expect(reg(c::RING_CTRL), 1, name + "RING_CTRL");  // enabled
            }
            for (auto const& [offset, what] : {std::pair{c::RING_PROD, "RING_PROD"},
                                               {c::RING_CONS, "RING_CONS"},
                                               {c::RING_STAT_PKTS, "RING_STAT_PKTS"},
                                               {c::RING_STAT_BYTES, "RING_STAT_BYTES"},
                                               {c::RING_STAT_DROPS, "RING_STAT_DROPS"},
                                               {c::RING_STAT_ERRS, "RING_STAT_ERRS"},
                                               {c::RING_STATUS, "RING_STATUS"},
                                               {c::RING_TAKEN, "RING_TAKEN"}})
                read(reg(offset), name + what);
        }
        auto const irq = [&](std::uint8_t offset) { return c::queue_reg(q, c::QREG_IRQ, offset); };
        std::string const name = fmt::format("irq{} ", q);
        expect(irq(c::IRQ_MOD_CYCLES), config.irq_holdoff_cycles, name + "IRQ_MOD_CYCLES");
        expect(irq(c::IRQ_MOD_PKTS), config.irq_packet_threshold, name + "IRQ_MOD_PKTS");
        read(irq(c::IRQ_ARM), name + "IRQ_ARM");
        read(irq(c::IRQ_CAUSE), name + "IRQ_CAUSE");
    }
}

void FaultInjector::probe_refused(bool write, std::uint16_t offset, std::uint32_t value, char const* what) {
    auto const r = hw_.probe_register(write, offset, value);
    if (r.resp == 0 || (!write && r.data != 0))
        problems_.push_back(
            fmt::format("register {} of {:#06x} ({}): answered response {} data {:#x}, the contract says "
                        "SLVERR{}",
                        write ? "write" : "read", offset, what, r.resp, r.data, write ? "" : " with data 0"));
    else
        ++register_refusals_;
}

bool FaultInjector::in_any_ring(std::uint64_t lo, std::uint64_t hi, bool completions) const {
    for (unsigned q = 0; q < queues_; ++q)
        for (auto const& r : {adapter_->tx_ring(q), adapter_->rx_ring(q)}) {
            std::uint64_t const base = completions ? r.completion_base : r.descriptor_base;
            if (overlaps(lo, hi, base, std::uint64_t{r.entries} * c::DESC_BYTES)) return true;
        }
    return false;
}

bool FaultInjector::dma_hook(bool write, std::uint64_t lo, std::uint64_t hi) {
    if (!write && !bad_rx_descriptors_.empty()) {  // rx-desc-bad takes effect when the NIC reads it
        auto const read = std::find_if(bad_rx_descriptors_.begin(), bad_rx_descriptors_.end(),
                                       [&](std::uint64_t at) { return overlaps(lo, hi, at, c::rx_desc_t::bytes); });
        if (read != bad_rx_descriptors_.end()) {
            bad_rx_descriptors_.erase(read);
            count(FaultKind::rx_desc_bad);
        }
    }
    if (armed_.empty() || !adapter_) return false;
    for (auto it = armed_.begin(); it != armed_.end(); ++it) {
        auto const ring = it->tx ? adapter_->tx_ring(it->queue) : adapter_->rx_ring(it->queue);
        std::uint64_t const ring_bytes = std::uint64_t{ring.entries} * c::DESC_BYTES;
        bool hit = false;
        switch (it->kind) {
        case FaultKind::dma_desc_read: hit = !write && overlaps(lo, hi, ring.descriptor_base, ring_bytes); break;
        case FaultKind::dma_cpl_write: hit = write && overlaps(lo, hi, ring.completion_base, ring_bytes); break;
        case FaultKind::dma_data_read: hit = !write && !in_any_ring(lo, hi, false); break;
        case FaultKind::dma_rx_write: hit = write && !in_any_ring(lo, hi, true); break;
        default: break;
        }
        if (hit) {
            count(it->kind);
            armed_.erase(it);
            return true;
        }
    }
    return false;
}

}  // namespace nicsim::cosim
