// Fault injection: the driver's datapath hooks (driver/src/datapath_hooks.hpp) made to misbehave as
// DriverFaults says. The malformed TX chains are the driver's own chain with one rule broken, so the
// descriptors the driver accounts for are always the ones on the ring.
#include <nicsim/driver/fault_injection.hpp>

#include "datapath_hooks.hpp"

#include <nic_contract.hpp>

#include <algorithm>
#include <memory>
#include <utility>

namespace nicsim::driver::fault_injection {

namespace c = nicsim::contract;
using detail::TxChain;

char const* to_string(TxDescriptorFault fault) noexcept {
    switch (fault) {
    case TxDescriptorFault::none: return "none";
    case TxDescriptorFault::zero_length: return "zero_length";
    case TxDescriptorFault::length_over_max: return "length_over_max";
    case TxDescriptorFault::chain_too_long: return "chain_too_long";
    case TxDescriptorFault::no_end_of_packet: return "no_end_of_packet";
    }
    return "?";
}

namespace {

// The driver's chain for a packet, with the one rule `fault` names broken.
void Malform(TxChain& chain, TxDescriptorFault fault) {
    switch (fault) {
    case TxDescriptorFault::none: break;
    case TxDescriptorFault::zero_length: chain.descriptors[0].len = 0; break;
    case TxDescriptorFault::length_over_max:
        chain.descriptors[0].len = static_cast<std::uint16_t>(c::MAX_FRAME_BYTES + 1);
        break;
    case TxDescriptorFault::chain_too_long: {
        // No end of packet, and the last descriptor again up to MAX_TX_FRAGS. Short enough that the
        // whole chain stays within MAX_FRAME_BYTES: its length is the only rule it breaks
        // (ERR_DESC_CHAIN_LONG, never ERR_DESC_LEN_OVER first).
        constexpr auto kMaxLength = static_cast<std::uint16_t>(c::MAX_FRAME_BYTES / c::MAX_TX_FRAGS);
        for (std::uint32_t i = 0; i < chain.count; ++i) {
            chain.descriptors[i].eop = false;
            chain.descriptors[i].len = std::min(chain.descriptors[i].len, kMaxLength);
        }
        for (; chain.count < static_cast<std::uint32_t>(c::MAX_TX_FRAGS); ++chain.count) {
            chain.descriptors[chain.count] = chain.descriptors[chain.count - 1];
        }
        break;
    }
    case TxDescriptorFault::no_end_of_packet: chain.descriptors[chain.count - 1].eop = false; break;
    }
}

class FaultHooks final : public detail::DatapathHooks {
public:
    FaultHooks(DriverFaults faults, std::uint32_t queues)
        : faults_(std::move(faults)), queues_(queues), rx_good_frames_(queues, 0) {
        books_.tx_descriptor_faults.assign(queues, 0);
    }

    FaultBooks const& books() const noexcept { return books_; }

    bool tx_first_post(std::uint32_t queue, TxChain& chain) override {
        TxQueue& q = queues_[queue];
        if (q.chain_left_open) {
            return false;  // this broken driver forgot the rest of a chain: it publishes nothing more
        }
        q.planned =
            faults_.tx_descriptor_fault ? faults_.tx_descriptor_fault(queue, q.first_posts) : TxDescriptorFault::none;
        Malform(chain, q.planned);
        return true;
    }

    void tx_first_posted(std::uint32_t queue, std::uint32_t packet_index) override {
        TxQueue& q = queues_[queue];
        if (q.planned != TxDescriptorFault::none) {
            ++books_.tx_descriptor_faults[queue];
        }
        if (packet_index >= q.first_post_fault.size()) {
            q.first_post_fault.resize(packet_index + 1, TxDescriptorFault::none);
        }
        q.first_post_fault[packet_index] = q.planned;  // by packet ring index, until the slot's next packet
        ++q.first_posts;
        if (q.planned == TxDescriptorFault::no_end_of_packet) {
            q.chain_left_open = true;
        }
    }

    void tx_repost(std::uint32_t queue, std::uint32_t packet_index, TxChain& chain) override {
        TxQueue const& q = queues_[queue];
        // A malformed chain stays malformed (the hardware must still refuse it); an open chain is
        // posted whole: that is what the reset was for.
        TxDescriptorFault const fault =
            packet_index < q.first_post_fault.size() ? q.first_post_fault[packet_index] : TxDescriptorFault::none;
        if (fault != TxDescriptorFault::no_end_of_packet) {
            Malform(chain, fault);
        }
    }

    void tx_ring_fresh(std::uint32_t queue) override { queues_[queue].chain_left_open = false; }

    bool tx_returns_fragments(std::uint32_t /*queue*/) override { return !faults_.tx_forgets_fragment_begin; }

    void rx_queue_started(std::uint32_t queue) override { rx_good_frames_[queue] = 0; }

    bool rx_writes_layout(std::uint32_t /*queue*/) override { return !faults_.rx_leaves_layout_unwritten; }

    bool rx_drops_good_frame(std::uint32_t queue, bool packet_slot_free) override {
        // Good frames of the queue: the swallowed one and every one indicated (one that waits for a
        // packet slot is asked about again).
        std::uint64_t& seen = rx_good_frames_[queue];
        if (queue == 0 && faults_.rx_swallows_frame != 0 && seen + 1 == faults_.rx_swallows_frame) {
            ++seen;
            return true;
        }
        if (packet_slot_free) {
            ++seen;
        }
        return false;
    }

private:
    struct TxQueue {
        std::uint64_t first_posts = 0;  // packets posted for the first time: tx_descriptor_fault's sequence
        TxDescriptorFault planned = TxDescriptorFault::none;  // for the packet tx_first_post was asked about
        std::vector<TxDescriptorFault> first_post_fault;      // by packet ring index
        bool chain_left_open = false;  // a no_end_of_packet chain was written: nothing more is posted
    };

    DriverFaults faults_;
    std::vector<TxQueue> queues_;
    std::vector<std::uint64_t> rx_good_frames_;
    FaultBooks books_;
};

}  // namespace

FaultBooks const& install(Adapter& adapter, DriverFaults faults) {
    auto hooks = std::make_unique<FaultHooks>(std::move(faults), adapter.config().queues_in_use);
    FaultBooks const& books = hooks->books();
    detail::DatapathHooksAccess::install(adapter, std::move(hooks));
    return books;
}

}  // namespace nicsim::driver::fault_injection
