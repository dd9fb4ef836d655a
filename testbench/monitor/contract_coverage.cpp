// ContractCoverage: see contract_coverage.hpp; docs/coverage.md names every point.
#include "monitor/contract_coverage.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>
#include <ringlib/os/queue_state.hpp>

#include "checkers/contract_cover.hpp"
#include "nic_contract.hpp"

namespace nicsim::monitor {
namespace c = nicsim::contract;

namespace {

constexpr std::array<char const*, 2> kDirections{"tx", "rx"};
constexpr std::uint64_t kDescriptorBytes = 16;

char const* dir_name(RingRef r) {
    return r.dir == Direction::tx ? "tx" : "rx";
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

/// "ERR_DESC_ZERO_LEN" -> "desc_zero_len"; "CPL_BAD_FRAME" -> "bad_frame"; "CSUM_GOOD" -> "good".
std::string short_name(std::string_view enum_name) {
    auto const underscore = enum_name.find('_');
    return lower(underscore == std::string_view::npos ? enum_name : enum_name.substr(underscore + 1));
}

/// What a TX packet's first descriptor asks of the checksum engine; "" for csum_ip with l3_ipv6,
/// which the contract does not define (an IPv6 header has no checksum): not a point to reach.
std::string offload_name(c::tx_desc_t const& d) {
    if (!d.csum_ip && !d.csum_l4) return "none";
    if (d.csum_ip && !d.l3_ipv6) {
        if (!d.csum_l4) return "ip";
        return d.l4_udp ? "ip+udp" : "ip+tcp";
    }
    if (!d.csum_ip && d.csum_l4) {
        if (d.l3_ipv6) return d.l4_udp ? "udp6" : "tcp6";
        return d.l4_udp ? "udp4" : "tcp4";
    }
    return "";
}

constexpr std::array<char const*, 8> kOffloads{"none", "ip", "ip+tcp", "ip+udp", "tcp4", "udp4", "tcp6", "udp6"};

// The OS queue transitions ringlib makes (X -> stopping: EvtCancel in state X).
constexpr std::array<std::pair<ringlib::os::QueueState, ringlib::os::QueueState>, 9> kQueueTransitions{{
    {ringlib::os::QueueState::Created, ringlib::os::QueueState::Polling},
    {ringlib::os::QueueState::Polling, ringlib::os::QueueState::Armed},
    {ringlib::os::QueueState::Armed, ringlib::os::QueueState::Polling},
    {ringlib::os::QueueState::Armed, ringlib::os::QueueState::Sleeping},
    {ringlib::os::QueueState::Sleeping, ringlib::os::QueueState::Polling},
    {ringlib::os::QueueState::Polling, ringlib::os::QueueState::Stopping},
    {ringlib::os::QueueState::Armed, ringlib::os::QueueState::Stopping},
    {ringlib::os::QueueState::Sleeping, ringlib::os::QueueState::Stopping},
    {ringlib::os::QueueState::Stopping, ringlib::os::QueueState::Stopped},
}};

std::string transition_name(char const* dir, ringlib::os::QueueState from, ringlib::os::QueueState to) {
    return fmt::format("os.{}.{}_to_{}", dir, lower(ringlib::os::to_string(from)), lower(ringlib::os::to_string(to)));
}

}  // namespace

// ---- the register port's responses: reads with their data, refused writes ----

class ContractCoverage::ResponseObserver final : public sim::Agent {
public:
    ResponseObserver(bfm::AxilPort port, ContractCoverage& coverage) : port_(port), coverage_(coverage) {}

    void drive() override {
        ar_now_ = port_.arvalid.high() && port_.arready.high();
        r_now_ = port_.rvalid.high() && port_.rready.high();
        b_now_ = port_.bvalid.high() && port_.bready.high();
        if (ar_now_) ar_addr_ = static_cast<std::uint16_t>(port_.araddr.get() & 0xFFFC);
        if (r_now_) {
            r_data_ = static_cast<std::uint32_t>(port_.rdata.get());
            r_refused_ = port_.rresp.get() != 0;
        }
        if (b_now_) b_refused_ = port_.bresp.get() != 0;
    }
    void observe() override {
        if (ar_now_) reads_.push_back(ar_addr_);
        if (r_now_ && !reads_.empty()) {  // AXI4-Lite answers reads in order
            std::uint16_t const offset = reads_.front();
            reads_.pop_front();
            coverage_.register_read(offset, r_data_, r_refused_);
        }
        if (b_now_ && b_refused_) coverage_.register_write_refused();
    }
    void reset() override {
        reads_.clear();
        ar_now_ = r_now_ = b_now_ = false;
    }

private:
    bfm::AxilPort port_;
    ContractCoverage& coverage_;
    std::deque<std::uint16_t> reads_;
    bool ar_now_ = false, r_now_ = false, b_now_ = false, r_refused_ = false, b_refused_ = false;
    std::uint16_t ar_addr_ = 0;
    std::uint32_t r_data_ = 0;
};

// ---- the model ----

std::vector<std::string> ContractCoverage::declared_points(std::vector<std::string> const& fault_kinds) {
    std::vector<std::string> p;
    for (char const* dir : kDirections) {
        for (char const* what : {"one_entry", "batch", "wraps", "out_of_range"})
            p.push_back(fmt::format("{}.doorbell.{}", dir, what));
        for (char const* what :
             {"enabled", "disabled", "disabled_with_work", "reset", "full", "drained", "idle_awaited", "taken_read"})
            p.push_back(fmt::format("{}.ring.{}", dir, what));
        for (int log2 = 1; log2 <= c::MAX_RING_LOG2; ++log2)
            p.push_back(fmt::format("{}.ring.size.{}", dir, 1u << log2));
        for (char const* what : {"wraps", "phase_0"}) p.push_back(fmt::format("{}.completion.{}", dir, what));
        for (char const* what : {"minimum", "maximum", "fills_last_beat", "one_byte_in_last_beat"})
            p.push_back(fmt::format("{}.length.{}", dir, what));
        for (auto [from, to] : kQueueTransitions) p.push_back(transition_name(dir, from, to));
        for (char const* what : {"full", "empty"}) p.push_back(fmt::format("os.{}.packet_ring.{}", dir, what));
    }
    for (char const* o : kOffloads) p.push_back(fmt::format("tx.offload.{}", o));
    for (char const* what : {"one", "several", "max", "published_in_pieces"})
        p.push_back(fmt::format("tx.chain.{}", what));
    p.push_back("tx.ring.reset_with_open_chain");
    p.push_back("tx.completion.ok");
    p.push_back("rx.length.runt");
    for (auto s : {c::cpl_status_e::CPL_OK, c::cpl_status_e::CPL_BAD_FRAME, c::cpl_status_e::CPL_TRUNCATED})
        p.push_back(fmt::format("rx.completion.status.{}", short_name(c::to_string(s))));
    for (char const* field : {"ip_csum", "l4_csum"})
        for (auto v : {c::csum_verdict_e::CSUM_NOT_CHECKED, c::csum_verdict_e::CSUM_GOOD, c::csum_verdict_e::CSUM_BAD})
            p.push_back(fmt::format("rx.completion.{}.{}", field, short_name(c::to_string(v))));
    for (auto v : {c::l3_type_e::L3_OTHER, c::l3_type_e::L3_IPV4, c::l3_type_e::L3_IPV6})
        p.push_back(fmt::format("rx.completion.l3.{}", short_name(c::to_string(v))));
    for (auto v : {c::l4_type_e::L4_OTHER, c::l4_type_e::L4_TCP, c::l4_type_e::L4_UDP})
        p.push_back(fmt::format("rx.completion.l4.{}", short_name(c::to_string(v))));
    for (char const* what : {"one", "several"}) p.push_back(fmt::format("rx.completion.buffers.{}", what));
    for (int code = 1; code <= static_cast<int>(c::err_e::ERR_RING_CONFIG); ++code) {
        std::string const name = short_name(c::to_string(static_cast<c::err_e>(code)));
        p.push_back(fmt::format("error.{}.raised", name));
        p.push_back(fmt::format("error.{}.recovered", name));
    }
    for (char const* what :
         {"arm", "disarm", "cause_cleared", "moderation.packets", "moderation.timer", "error_interrupt.enabled"})
        p.push_back(fmt::format("irq.{}", what));
    p.push_back("rss.enabled");
    p.push_back("rss.table_written");
    for (int b = 0; b < c::RSS_TABLE_ENTRIES; ++b) p.push_back(fmt::format("rss.bucket.{:03}", b));
    p.push_back("register.read_refused");
    p.push_back("register.write_refused");
    for (auto const& kind : fault_kinds) p.push_back(fmt::format("fault.{}.handled", kind));
    std::sort(p.begin(), p.end());
    return p;
}

ContractCoverage::ContractCoverage(sim::Kernel& kernel, OwnershipMonitor& monitor, bfm::SparseMemory const& memory,
                                   bfm::AxilPort port, unsigned data_bytes, std::vector<std::string> const& fault_kinds)
    : monitor_(monitor),
      memory_(memory),
      data_bytes_(data_bytes),
      num_queues_(monitor.num_queues()),
      rtl_at_start_(checkers::rtl_cover_counts()),
      rings_(2 * num_queues_),
      open_chain_(num_queues_, 0),
      responses_(std::make_unique<ResponseObserver>(port, *this)) {
    for (auto const& point : declared_points(fault_kinds)) hits_.emplace(point, 0);
    monitor_.add_listener(*this);
    kernel.add_agent(*responses_);
}

ContractCoverage::~ContractCoverage() {
    monitor_.remove_listener(*this);
}

void ContractCoverage::hit(std::string const& point, std::uint64_t n) {
    hits_[point] += n;
}

std::map<std::string, std::uint64_t> ContractCoverage::points() const {
    auto all = hits_;
    for (auto const& [point, count] : checkers::rtl_cover_counts()) {
        auto const before = rtl_at_start_.find(point);
        all[point] += count - (before == rtl_at_start_.end() ? 0 : before->second);
    }
    return all;
}

void ContractCoverage::doorbell(RingRef r, std::uint32_t old_prod, std::uint32_t new_prod, std::uint64_t) {
    RingModel const& m = monitor_.ring(r);
    char const* const dir = dir_name(r);
    std::uint32_t const count = (new_prod - old_prod) & m.mask();
    if (count == 0) return;
    hit(fmt::format("{}.doorbell.{}", dir, count == 1 ? "one_entry" : "batch"));
    if (new_prod < old_prod && new_prod != 0) hit(fmt::format("{}.doorbell.wraps", dir));
    if (m.owned() == m.mask()) hit(fmt::format("{}.ring.full", dir));
    if (r.dir != Direction::tx) return;
    std::uint32_t& chain = open_chain_[r.queue];
    std::array<std::uint8_t, kDescriptorBytes> raw{};
    for (std::uint32_t i = old_prod; i != new_prod; i = (i + 1) & m.mask()) {
        memory_.read(m.base + std::uint64_t{i} * kDescriptorBytes, raw);
        auto const d = c::tx_desc_t::decode(raw);
        if (chain == 0) {
            if (auto const offload = offload_name(d); !offload.empty()) hit(fmt::format("tx.offload.{}", offload));
        }
        ++chain;
        if (d.eop) {
            hit(chain == 1                                             ? "tx.chain.one"
                : chain == static_cast<std::uint32_t>(c::MAX_TX_FRAGS) ? "tx.chain.max"
                                                                       : "tx.chain.several");
            chain = 0;
        } else if (chain >= static_cast<std::uint32_t>(c::MAX_TX_FRAGS)) {
            chain = 0;  // ERR_DESC_CHAIN_LONG: the ring stops; its reset starts over
        }
    }
    if (chain != 0) hit("tx.chain.published_in_pieces");
}

void ContractCoverage::frame_length(char const* dir, std::uint32_t len) {
    if (len == 60) hit(fmt::format("{}.length.minimum", dir));
    if (len == static_cast<std::uint32_t>(c::MAX_FRAME_BYTES)) hit(fmt::format("{}.length.maximum", dir));
    if (len % data_bytes_ == 0) hit(fmt::format("{}.length.fills_last_beat", dir));
    if (len % data_bytes_ == 1) hit(fmt::format("{}.length.one_byte_in_last_beat", dir));
}

void ContractCoverage::completion(RingRef r, std::uint32_t slot, std::span<std::uint8_t const, 16> record,
                                  std::uint64_t) {
    RingModel const& m = monitor_.ring(r);
    char const* const dir = dir_name(r);
    if (slot == m.mask()) hit(fmt::format("{}.completion.wraps", dir));
    if ((record[15] & 0x80) == 0) hit(fmt::format("{}.completion.phase_0", dir));
    if (m.owned() == 0) hit(fmt::format("{}.ring.drained", dir));
    if (r.dir == Direction::tx) {
        auto const cpl = c::tx_cpl_t::decode(record);
        if (cpl.status == c::cpl_status_e::CPL_OK) hit("tx.completion.ok");
        frame_length(dir, cpl.len);
    } else {
        auto const cpl = c::rx_cpl_t::decode(record);
        hit(fmt::format("rx.completion.status.{}", short_name(c::to_string(cpl.status))));
        hit(fmt::format("rx.completion.ip_csum.{}", short_name(c::to_string(cpl.ip_csum))));
        hit(fmt::format("rx.completion.l4_csum.{}", short_name(c::to_string(cpl.l4_csum))));
        hit(fmt::format("rx.completion.l3.{}", short_name(c::to_string(cpl.l3_type))));
        hit(fmt::format("rx.completion.l4.{}", short_name(c::to_string(cpl.l4_type))));
        hit(cpl.buf_count > 1 ? "rx.completion.buffers.several" : "rx.completion.buffers.one");
        if (cpl.len < 60) hit("rx.length.runt");
        frame_length(dir, cpl.len);
        // The RSS table is indexed by the hash's low bits; only IP frames are hashed.
        if (rss_enabled_ && cpl.l3_type != c::l3_type_e::L3_OTHER)
            hit(fmt::format("rss.bucket.{:03}", cpl.rss_hash % static_cast<std::uint32_t>(c::RSS_TABLE_ENTRIES)));
    }
    RingState& s = state(r);
    if (s.error_seen != 0 && s.reenabled_after_error) {
        hit(fmt::format("error.{}.recovered", short_name(c::to_string(static_cast<c::err_e>(s.error_seen)))));
        s.error_seen = 0;
        s.reset_after_error = s.reenabled_after_error = false;
    }
}

void ContractCoverage::ring_reset(RingRef r, std::uint64_t) {
    hit(fmt::format("{}.ring.reset", dir_name(r)));
    if (r.dir == Direction::tx && open_chain_[r.queue] != 0) {
        hit("tx.ring.reset_with_open_chain");
        open_chain_[r.queue] = 0;
    }
    RingState& s = state(r);
    if (s.error_seen != 0) s.reset_after_error = true;
    s.enabled = false;
}

void ContractCoverage::register_write(RegisterWrite const& w) {
    if (w.offset == c::REG_CTRL) {
        if (c::REG_CTRL_RSS_EN.get(w.value)) hit("rss.enabled");
        rss_enabled_ = c::REG_CTRL_RSS_EN.get(w.value) != 0;
        return;
    }
    if (w.offset == c::REG_ERR_IRQ_EN) {
        if (c::REG_ERR_IRQ_EN_EN.get(w.value)) hit("irq.error_interrupt.enabled");
        return;
    }
    if (w.offset >= c::REG_RSS_TABLE0 && w.offset < c::REG_RSS_TABLE0 + 4 * c::RSS_TABLE_ENTRIES) {
        hit("rss.table_written");
        return;
    }
    if (w.offset < c::REG_QUEUE_BASE) return;
    unsigned const rel = w.offset - c::REG_QUEUE_BASE;
    unsigned const q = rel / c::REG_QUEUE_STRIDE;
    unsigned const block = rel % c::REG_QUEUE_STRIDE;
    if (q >= num_queues_) return;
    if (block >= c::QREG_IRQ) {
        switch (block - c::QREG_IRQ) {
        case c::IRQ_ARM: hit(c::IRQ_ARM_ARMED.get(w.value) ? "irq.arm" : "irq.disarm"); break;
        case c::IRQ_CAUSE:
            if ((w.value & 0x7) != 0) hit("irq.cause_cleared");
            break;
        case c::IRQ_MOD_PKTS:
            if (c::IRQ_MOD_PKTS_PKTS.get(w.value) > 1) hit("irq.moderation.packets");
            break;
        case c::IRQ_MOD_CYCLES:
            if (c::IRQ_MOD_CYCLES_CYCLES.get(w.value) != 0) hit("irq.moderation.timer");
            break;
        default: break;
        }
        return;
    }
    RingRef const r{q, block >= c::QREG_RX ? Direction::rx : Direction::tx};
    unsigned const offset = block - (r.dir == Direction::rx ? c::QREG_RX : c::QREG_TX);
    char const* const dir = dir_name(r);
    RingModel const& m = monitor_.ring(r);
    RingState& s = state(r);
    if (offset == c::RING_PROD && (w.value & 0xFFFF) >= m.size()) hit(fmt::format("{}.doorbell.out_of_range", dir));
    if (offset != c::RING_CTRL || (w.strobes & 1u) == 0) return;
    if (m.enabled && !s.enabled) {  // the write enabled it and the configuration was accepted
        hit(fmt::format("{}.ring.enabled", dir));
        hit(fmt::format("{}.ring.size.{}", dir, m.size()));
        if (s.reset_after_error) s.reenabled_after_error = true;
    } else if (!c::RING_CTRL_ENABLE.get(w.value) && s.enabled) {
        hit(fmt::format("{}.ring.disabled", dir));
        if (m.owned() != 0) hit(fmt::format("{}.ring.disabled_with_work", dir));
    }
    s.enabled = m.enabled;
}

void ContractCoverage::register_read(std::uint16_t offset, std::uint32_t value, bool refused) {
    if (refused) {
        hit("register.read_refused");
        return;
    }
    if (offset < c::REG_QUEUE_BASE) return;
    unsigned const rel = offset - c::REG_QUEUE_BASE;
    unsigned const q = rel / c::REG_QUEUE_STRIDE;
    unsigned const block = rel % c::REG_QUEUE_STRIDE;
    if (q >= num_queues_ || block >= c::QREG_IRQ) return;
    RingRef const r{q, block >= c::QREG_RX ? Direction::rx : Direction::tx};
    unsigned const reg = block - (r.dir == Direction::rx ? c::QREG_RX : c::QREG_TX);
    RingState& s = state(r);
    char const* const dir = dir_name(r);
    if (reg == c::RING_ERR) {
        auto const code = static_cast<std::uint8_t>(c::RING_ERR_CODE.get(value));
        if (code != 0 && code <= static_cast<std::uint8_t>(c::err_e::ERR_RING_CONFIG) && code != s.error_seen) {
            hit(fmt::format("error.{}.raised", short_name(c::to_string(static_cast<c::err_e>(code)))));
            s.error_seen = code;
            s.reset_after_error = s.reenabled_after_error = false;
        }
    } else if (reg == c::RING_STATUS) {
        if (c::RING_STATUS_IDLE.get(value) && (!s.enabled || s.error_seen != 0))
            hit(fmt::format("{}.ring.idle_awaited", dir));
    } else if (reg == c::RING_TAKEN) {
        hit(fmt::format("{}.ring.taken_read", dir));
    }
}

void ContractCoverage::register_write_refused() {
    hit("register.write_refused");
}

void ContractCoverage::add_os_queue(bool tx, ringlib::os::StateTransitions const& transitions,
                                    ringlib::os::OccupancyCounters const& occupancy) {
    char const* const dir = tx ? "tx" : "rx";
    for (auto [from, to] : kQueueTransitions) hit(transition_name(dir, from, to), transitions(from, to));
    hit(fmt::format("os.{}.packet_ring.full", dir), occupancy.packet_ring_full);
    hit(fmt::format("os.{}.packet_ring.empty", dir), occupancy.packet_ring_empty);
}

void ContractCoverage::add_faults(std::map<std::string, std::uint64_t> const& injected, bool handled) {
    if (!handled) return;
    for (auto const& [kind, count] : injected) hit(fmt::format("fault.{}.handled", kind), count);
}

}  // namespace nicsim::monitor
