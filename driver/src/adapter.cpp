// Adapter start and stop: identification, reset, ring memory and programming, RSS, interrupts.
#include "datapath.hpp"
#include "hw_registers.hpp"

#include <fmt/format.h>

namespace nicsim::driver {

namespace c = nicsim::contract;

using detail::QueuePair;

std::array<std::uint8_t, contract::RSS_KEY_BYTES> AdapterConfig::default_rss_key() noexcept {
    return {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
            0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
            0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};
}

namespace {

ringlib::DmaBlock AllocateZeroed(ringlib::DmaArena& arena, HostMemoryAccess& memory, std::size_t bytes) {
    // Ring bases need RING_BASE_ALIGN_BYTES, descriptor rings a data beat; a cache line keeps
    // rings from sharing lines and is the beat of the widest NIC (512 bits).
    constexpr std::size_t alignment = std::max<std::size_t>(c::RING_BASE_ALIGN_BYTES, 64);
    static_assert(alignment >= descriptor_ring_alignment(512));
    ringlib::DmaBlock block = arena.allocate(bytes, alignment);
    memory.zero(block.virtual_address, block.size_bytes);
    return block;
}

void AllocateRingMemory(ringlib::DmaArena& arena, HostMemoryAccess& memory, detail::HwRing& ring) {
    if (ring.descriptors.virtual_address != nullptr) {
        return;  // allocated by an earlier start
    }
    ring.descriptors = AllocateZeroed(arena, memory, std::size_t{ring.entries()} * c::DESC_BYTES);
    for (auto& completions : ring.completions) {
        completions = AllocateZeroed(arena, memory, std::size_t{ring.entries()} * c::CPL_BYTES);
    }
}

void FreeRingMemory(ringlib::DmaArena& arena, detail::HwRing& ring) {
    if (ring.descriptors.virtual_address == nullptr) {
        return;
    }
    arena.free(ring.descriptors);
    for (auto const& completions : ring.completions) {
        arena.free(completions);
    }
}

HwRingInfo DescribeRing(detail::HwRing const& ring) {
    return HwRingInfo{ring.descriptors.logical_address,
                      ring.active_completion_base(),
                      ring.entries(),
                      ring.space.produce_index(),
                      ring.space.consume_index(),
                      ring.space.outstanding(),
                      ring.completion_head,
                      ring.completion_phase,
                      ring.error_pending};
}

// Every ring and interrupt of the NIC back to its reset state, used or not, so that nothing a
// previous driver left running can write host memory.
void ResetEveryQueue(RegisterBus& bus, std::uint32_t num_queues) {
    std::uint32_t const all_causes =
        static_cast<std::uint32_t>(c::IRQ_CAUSE_TX_CPL.mask() | c::IRQ_CAUSE_RX_CPL.mask() | c::IRQ_CAUSE_ERROR.mask());
    for (std::uint32_t q = 0; q < num_queues; ++q) {
        for (std::uint8_t block : {c::QREG_TX, c::QREG_RX}) {
            bus.write32(c::queue_reg(q, block, c::RING_CTRL), static_cast<std::uint32_t>(c::RING_CTRL_RESET.put(0, 1)));
        }
        detail::set_irq_arm(bus, q, false);
        detail::acknowledge_irq_causes(bus, q, all_causes);
    }
}

}  // namespace

Adapter::Adapter(RegisterBus& bus, HostMemoryAccess& memory, ringlib::DmaArena& arena, AdapterConfig config)
    : bus_(bus), memory_(memory), arena_(arena), config_(std::move(config)) {
    validate_config();
    for (std::uint32_t q = 0; q < config_.queues_in_use; ++q) {
        pairs_.push_back(std::make_unique<QueuePair>(q, config_));
    }
}

Adapter::~Adapter() {
    for (auto& p : pairs_) {
        FreeRingMemory(arena_, p->tx);
        FreeRingMemory(arena_, p->rx);
    }
}

void Adapter::validate_config() const {
    auto ring_ok = [](std::uint32_t log2) { return log2 >= 1 && log2 <= static_cast<std::uint32_t>(c::MAX_RING_LOG2); };
    if (config_.queues_in_use < 1 || config_.queues_in_use > static_cast<std::uint32_t>(c::MAX_QUEUES)) {
        throw AdapterStartError(
            fmt::format("queues_in_use must be 1..{}, not {}", c::MAX_QUEUES, config_.queues_in_use));
    }
    if (!ring_ok(config_.tx_ring_log2) || !ring_ok(config_.rx_ring_log2)) {
        throw AdapterStartError(fmt::format("ring sizes must be 2^1..2^{} entries, not 2^{} (TX) / 2^{} (RX)",
                                            c::MAX_RING_LOG2, config_.tx_ring_log2, config_.rx_ring_log2));
    }
}

void Adapter::start() {
    // Read the ID block first and write nothing to a NIC this driver was not built for.
    identity_ = read_identity(bus_);
    auto const problems =
        identity_mismatches(identity_, IdentityExpectations{config_.expected_data_width_bits, config_.queues_in_use});
    if (!problems.empty()) {
        std::string message = "the NIC does not match this driver:";
        for (auto const& problem : problems) {
            message += "\n  - " + problem;
        }
        throw AdapterStartError(message);
    }
    if (std::uint32_t const min_log2 = min_ring_log2(identity_.data_width_bits);
        config_.tx_ring_log2 < min_log2 || config_.rx_ring_log2 < min_log2) {
        throw AdapterStartError(
            fmt::format("a {}-bit NIC needs rings of at least 2^{} entries (one data beat of "
                        "descriptors), not 2^{} (TX) / 2^{} (RX)",
                        identity_.data_width_bits, min_log2, config_.tx_ring_log2, config_.rx_ring_log2));
    }

    ResetEveryQueue(bus_, identity_.num_queues);
    for (auto& p : pairs_) {
        AllocateRingMemory(arena_, memory_, p->tx);
        AllocateRingMemory(arena_, memory_, p->rx);
        detail::restart_ring(bus_, memory_, p->tx);  // program bases and sizes, enable
        detail::restart_ring(bus_, memory_, p->rx);
    }
    program_rss();
    program_interrupts();
    started_ = true;
}

void Adapter::program_rss() {
    for (std::size_t word = 0; word < c::RSS_KEY_BYTES / 4; ++word) {
        // The contract puts key byte 0 in bits [31:24] of word 0.
        std::uint32_t value = 0;
        for (std::size_t byte = 0; byte < 4; ++byte) {
            value = (value << 8) | config_.rss_key[word * 4 + byte];
        }
        bus_.write32(static_cast<std::uint16_t>(c::REG_RSS_KEY0 + word * 4), value);
    }
    // Spread the buckets round-robin over the queues in use.
    for (std::uint32_t entry = 0; entry < static_cast<std::uint32_t>(c::RSS_TABLE_ENTRIES); ++entry) {
        bus_.write32(static_cast<std::uint16_t>(c::REG_RSS_TABLE0 + entry * 4),
                     static_cast<std::uint32_t>(c::REG_RSS_TABLE0_QUEUE.put(0, entry % config_.queues_in_use)));
    }
    bool const rss = config_.rss_enabled && config_.queues_in_use > 1;
    bus_.write32(c::REG_CTRL, static_cast<std::uint32_t>(c::REG_CTRL_RSS_EN.put(0, rss ? 1 : 0)));
}

void Adapter::program_interrupts() {
    for (auto& p : pairs_) {
        bus_.write32(detail::irq_register(p->index, c::IRQ_MOD_CYCLES),
                     static_cast<std::uint32_t>(c::IRQ_MOD_CYCLES_CYCLES.put(0, config_.irq_holdoff_cycles)));
        bus_.write32(detail::irq_register(p->index, c::IRQ_MOD_PKTS),
                     static_cast<std::uint32_t>(c::IRQ_MOD_PKTS_PKTS.put(0, config_.irq_packet_threshold)));
    }
    bus_.write32(c::REG_ERR_IRQ_EN, static_cast<std::uint32_t>(c::REG_ERR_IRQ_EN_EN.put(0, 1)));
}

void Adapter::stop() {
    if (!started_) {
        return;
    }
    bus_.write32(c::REG_ERR_IRQ_EN, 0);
    for (auto& p : pairs_) {
        detail::disable_ring(bus_, p->tx);
        detail::disable_ring(bus_, p->rx);
        detail::set_irq_arm(bus_, p->index, false);
    }
    bus_.write32(c::REG_CTRL, 0);
    started_ = false;
}

QueuePair& Adapter::pair(std::uint32_t queue) {
    if (queue >= pairs_.size()) {
        throw std::out_of_range(fmt::format("queue {} is not in use (queues_in_use = {})", queue, pairs_.size()));
    }
    return *pairs_[queue];
}

QueueStats const& Adapter::stats(std::uint32_t queue) const {
    return const_cast<Adapter*>(this)->pair(queue).stats;
}

HwRingInfo Adapter::tx_ring(std::uint32_t queue) const {
    return DescribeRing(const_cast<Adapter*>(this)->pair(queue).tx);
}

HwRingInfo Adapter::rx_ring(std::uint32_t queue) const {
    return DescribeRing(const_cast<Adapter*>(this)->pair(queue).rx);
}

}  // namespace nicsim::driver
