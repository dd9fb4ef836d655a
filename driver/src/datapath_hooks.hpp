// The datapath's one seam for test code. A DatapathHooks object installed on an Adapter is asked
// at the few points where a deliberately broken driver (driver/fault_injection, docs/faults.md)
// behaves differently from this one: which descriptors a TX packet is written with (and so how
// many it takes on the ring), whether the TX post path holds the ring back, and three RX/TX steps
// a known bug changes. A product driver has none installed, and each point is one null check.
//
// Not a public header: only the driver and driver/fault_injection (which includes driver/src on
// purpose) see it. Installing goes through DatapathHooksAccess, the friend Adapter names.
#pragma once

#include <nicsim/driver/adapter.hpp>

#include <nic_contract.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

namespace nicsim::driver::detail {

/// One TX packet's descriptors in ring order, as the driver writes them: one per fragment (at
/// most MAX_TX_FRAGS, which TX post guarantees), offloads on the first, end of packet on the last.
/// The driver writes `count` descriptors and accounts for exactly that many on the ring.
struct TxChain {
    std::array<contract::tx_desc_t, contract::MAX_TX_FRAGS> descriptors{};
    std::uint32_t count = 0;
};

/// Every default is what the product driver does.
class DatapathHooks {
public:
    virtual ~DatapathHooks() = default;

    /// TX post: the next packet goes to ring `queue` for the first time with `chain`, which the
    /// hooks may change. false: the ring takes nothing more for now (the packet and every later
    /// one wait). Asked again for the same packet if its chain does not fit the ring yet.
    virtual bool tx_first_post(std::uint32_t /*queue*/, TxChain& /*chain*/) { return true; }
    /// ...and it fits: it is written now, the packet ring's `packet_index` with the chain the
    /// last tx_first_post left.
    virtual void tx_first_posted(std::uint32_t /*queue*/, std::uint32_t /*packet_index*/) {}
    /// After a ring reset (error recovery or a requested reset), the in-flight packet at
    /// `packet_index` is posted again with `chain`, which the hooks may change.
    virtual void tx_repost(std::uint32_t /*queue*/, std::uint32_t /*packet_index*/, TxChain& /*chain*/) {}
    /// The TX ring starts afresh for the OS: its queue starts (EvtStart), or a requested reset
    /// (TxResetRing) is about to post its packets again. Error recovery does not call it.
    virtual void tx_ring_fresh(std::uint32_t /*queue*/) {}
    /// TX drain, a packet returned: false leaves the fragment ring's BeginIndex where it is.
    virtual bool tx_returns_fragments(std::uint32_t /*queue*/) { return true; }

    /// The RX queue of pair `queue` starts (EvtStart, once per created queue).
    virtual void rx_queue_started(std::uint32_t /*queue*/) {}
    /// RX indicate: false leaves the packet's Layout as the OS left it.
    virtual bool rx_writes_layout(std::uint32_t /*queue*/) { return true; }
    /// RX indicate, a good frame's completion (`packet_slot_free`: the OS gave a packet to
    /// indicate it in, else the frame waits for one). true: its buffers go back and it is neither
    /// indicated nor counted.
    virtual bool rx_drops_good_frame(std::uint32_t /*queue*/, bool /*packet_slot_free*/) { return false; }
};

/// The one way to reach an Adapter's hooks (Adapter names it a friend).
struct DatapathHooksAccess {
    static DatapathHooks* of(Adapter const& adapter) noexcept { return adapter.hooks_.get(); }
    /// Once per adapter, before its queues are created.
    static void install(Adapter& adapter, std::unique_ptr<DatapathHooks> hooks) {
        if (adapter.hooks_ != nullptr) {
            throw std::logic_error("the adapter's datapath hooks are installed already");
        }
        adapter.hooks_ = std::move(hooks);
    }
};

inline DatapathHooks* HooksOf(Adapter const& adapter) noexcept {
    return DatapathHooksAccess::of(adapter);
}

}  // namespace nicsim::driver::detail
