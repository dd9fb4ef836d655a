// The TX path against a real ringlib OS TxQueue, with its verifier on. The "hardware" is the
// test writing completions into host memory by hand (see adapter_rig.hpp): these tests
// check the driver's own logic (descriptors, matching on the last descriptor, cancel), not a NIC.
#include "adapter_rig.hpp"

#include <nicsim/driver/adapter.hpp>
#include <nicsim/driver/fault_injection.hpp>

#include <ringlib/os/errors.hpp>
#include <ringlib/os/tx_queue.hpp>

#include <catch2/catch.hpp>

#include <cstring>
#include <utility>
#include <vector>

using namespace nicsim::driver;
using namespace nicsim::driver::fault_injection;
namespace c = nicsim::contract;

namespace {

struct TxRig : drivertest::AdapterRig {
    std::unique_ptr<ringlib::os::TxQueue> tx;
    std::vector<ringlib::os::TxCompletion> completions;
    std::uint32_t completions_written = 0;

    FaultBooks const* fault_books = nullptr;

    static AdapterConfig rig_config(std::uint32_t tx_ring_log2) {
        AdapterConfig config;
        config.tx_ring_log2 = tx_ring_log2;  // by default 8 entries: 7 descriptors at most
        return config;
    }

    /// A broken driver when `faults` asks for anything (fault_injection.hpp).
    explicit TxRig(DriverFaults faults = {}, std::uint32_t tx_ring_log2 = 3)
        : AdapterRig(0x3'0000'0000ull, rig_config(tx_ring_log2)) {
        if (faults.any()) {
            fault_books = &install(adapter, std::move(faults));
        }
        ringlib::os::TxQueueConfig tx_config;
        tx_config.packet_ring_size = 16;
        tx_config.fragment_ring_size = 32;
        tx_config.fragment_buffer_bytes = 512;  // a 1200-byte frame takes 3 fragments
        tx = ringlib::os::TxQueue::create(tx_config, memory.arena, adapter.handle(), EvtCreateTxQueue);
        tx->on_completion([this](ringlib::os::TxCompletion const& done) { completions.push_back(done); });
        tx->start();
    }

    std::uint16_t prod_register() const { return c::queue_reg(0, c::QREG_TX, c::RING_PROD); }
    /// RING_TAKEN as the NIC would report it: packets it sent since the ring's last reset.
    void set_sent(std::uint32_t packets) { platform.registers[c::queue_reg(0, c::QREG_TX, c::RING_TAKEN)] = packets; }

    c::tx_desc_t descriptor(std::uint32_t slot) {
        return descriptor_at<c::tx_desc_t>(adapter.tx_ring(0).descriptor_base, slot);
    }

    /// Plays the NIC completing the packet whose last descriptor is `last_desc` (the phase flips
    /// at each wrap of the 8-entry completion ring).
    void complete(std::uint16_t last_desc, std::uint8_t desc_count, std::uint16_t length) {
        std::uint32_t const entries = adapter.tx_ring(0).entries;
        c::tx_cpl_t cpl;
        cpl.last_desc = last_desc;
        cpl.desc_count = desc_count;
        cpl.len = length;
        cpl.phase = (completions_written / entries) % 2 == 0;
        write_completion(adapter.tx_ring(0).completion_base, completions_written % entries, cpl.encode());
        ++completions_written;
    }
};

std::vector<std::uint8_t> udp_frame(std::size_t bytes) {
    std::vector<std::uint8_t> frame(bytes, 0);
    frame[12] = 0x08;  // IPv4
    frame[14] = 0x45;
    frame[14 + 9] = 17;  // UDP
    std::uint16_t const ip_length = static_cast<std::uint16_t>(bytes - 14);
    frame[16] = static_cast<std::uint8_t>(ip_length >> 8);
    frame[17] = static_cast<std::uint8_t>(ip_length);
    return frame;
}

}  // namespace

TEST_CASE("TX writes one descriptor per fragment, EOP and offloads where they belong, one doorbell") {
    TxRig rig;
    ringlib::os::TxFrameMetadata offloads;
    offloads.tcp_udp_checksum = true;
    rig.tx->submit(udp_frame(1200), offloads);
    rig.tx->poll();
    auto const doorbells = rig.platform.writes_to(rig.prod_register());
    REQUIRE(doorbells.size() == 1);
    CHECK(doorbells[0].stores_ordered);
    CHECK(doorbells[0].value == 3);
    CHECK(rig.descriptor(0).len == 512);
    CHECK_FALSE(rig.descriptor(0).eop);
    CHECK(rig.descriptor(0).csum_l4);
    CHECK(rig.descriptor(0).l4_udp);
    CHECK(rig.descriptor(0).l3_offset == 14);
    CHECK(rig.descriptor(0).l4_offset == 34);
    CHECK_FALSE(rig.descriptor(1).csum_l4);  // offloads ride on the first descriptor only
    CHECK(rig.descriptor(2).eop);
    CHECK(rig.descriptor(2).len == 1200 - 1024);
}

TEST_CASE("TX stores every descriptor, then a write barrier, then rings the doorbell (rule O1)") {
    TxRig rig;
    rig.tx->submit(udp_frame(1200));  // descriptors 0..2
    rig.tx->submit(udp_frame(100));   // descriptor 3
    rig.platform.log.clear();         // forget the ring memory zeroed at start
    rig.tx->poll();
    using Kind = drivertest::FakePlatform::Kind;
    auto const descriptors = rig.memory.arena.to_virtual(rig.adapter.tx_ring(0).descriptor_base);
    auto events = rig.platform.events_from_access(descriptors, 4 * c::DESC_BYTES);
    REQUIRE(events.size() >= 6);
    events.resize(6);  // then the drain looks for completions
    // Four descriptor stores, one write barrier, the doorbell: nothing stored in between.
    std::vector<Kind> kinds;
    for (auto const& e : events) {
        kinds.push_back(e.kind);
    }
    std::vector<Kind> const expected{Kind::store, Kind::store,         Kind::store,
                                     Kind::store, Kind::write_barrier, Kind::register_write};
    CHECK(kinds == expected);
    CHECK(events.back().address == rig.prod_register());
    CHECK(events.back().value == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(events[i].address == reinterpret_cast<std::uintptr_t>(descriptors) + i * c::DESC_BYTES);
        CHECK(events[i].size_bytes == c::DESC_BYTES);
    }
}

TEST_CASE("TX drain loads a completion's phase byte, then a read barrier, then the record (rule O2)") {
    TxRig rig;
    rig.tx->submit(udp_frame(100));
    rig.tx->poll();
    using Kind = drivertest::FakePlatform::Kind;
    auto const slot =
        static_cast<unsigned char const*>(rig.memory.arena.to_virtual(rig.adapter.tx_ring(0).completion_base));
    rig.platform.log.clear();
    rig.tx->poll();  // nothing written yet: the phase byte alone, no barrier
    auto const waiting = rig.platform.events_from_access(slot, c::CPL_BYTES);
    REQUIRE_FALSE(waiting.empty());
    CHECK(waiting[0].kind == Kind::load);
    CHECK(waiting[0].address == reinterpret_cast<std::uintptr_t>(slot + c::CPL_BYTES - 1));
    CHECK(waiting[0].size_bytes == 1);
    for (auto const& e : waiting) {
        CHECK(e.kind != Kind::read_barrier);
        CHECK(e.size_bytes <= 1);
    }

    rig.complete(0, 1, 100);
    rig.platform.log.clear();
    rig.tx->poll();
    auto const events = rig.platform.events_from_access(slot, c::CPL_BYTES);
    REQUIRE(events.size() >= 3);
    CHECK(events[0].kind == Kind::load);
    CHECK(events[0].address == reinterpret_cast<std::uintptr_t>(slot + c::CPL_BYTES - 1));
    CHECK(events[0].size_bytes == 1);
    CHECK(events[1].kind == Kind::read_barrier);
    CHECK(events[2].kind == Kind::load);
    CHECK(events[2].address == reinterpret_cast<std::uintptr_t>(slot));
    CHECK(events[2].size_bytes == c::CPL_BYTES);
    CHECK(rig.completions.size() == 1);
}

TEST_CASE("a TX packet completes when the completion names its LAST descriptor, never earlier") {
    TxRig rig;
    rig.tx->submit(udp_frame(1200));  // descriptors 0..2
    rig.tx->submit(udp_frame(100));   // descriptor 3
    rig.tx->poll();
    rig.complete(2, 3, 1200);
    rig.tx->poll();
    REQUIRE(rig.completions.size() == 1);
    CHECK(rig.completions[0].frame_id == 1);
    CHECK(rig.tx->fragment_ring()->BeginIndex == 3);
    rig.complete(3, 1, 100);
    rig.tx->poll();
    CHECK(rig.completions.size() == 2);
    CHECK(rig.adapter.stats(0).tx_packets == 2);
    CHECK(rig.adapter.stats(0).tx_bytes == 1300);

    SECTION("a completion that names the first descriptor of a multi-descriptor packet is refused") {
        rig.tx->submit(udp_frame(1200));  // descriptors 4..6
        rig.tx->poll();
        rig.complete(4, 3, 1200);
        CHECK_THROWS_AS(rig.tx->poll(), DriverError);
    }
}

TEST_CASE("TX never posts more descriptors than the hardware ring holds") {
    TxRig rig;
    for (int i = 0; i < 3; ++i) {
        rig.tx->submit(udp_frame(1200));  // 3 descriptors each; the ring holds 7
    }
    rig.tx->poll();
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == 6);
    rig.complete(2, 3, 1200);
    rig.tx->poll();  // post (still full), then drain frees 3 descriptors
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == 6);
    rig.tx->poll();
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == 1);  // (6 + 3) & 7
}

TEST_CASE("TX cancel returns completed packets as sent and every other packet exactly once") {
    TxRig rig;
    for (int i = 0; i < 4; ++i) {
        rig.tx->submit(udp_frame(1200));  // two fit the hardware ring, two wait in the post section
    }
    rig.tx->poll();
    rig.complete(2, 3, 1200);  // the hardware finished the first one only
    rig.set_sent(1);
    rig.tx->stop();
    auto state = rig.tx->state();
    for (int polls = 0; state != ringlib::os::QueueState::Stopped && polls < 10; ++polls) {
        state = rig.tx->poll();
    }
    CHECK(state == ringlib::os::QueueState::Stopped);
    REQUIRE(rig.completions.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(rig.completions[i].frame_id == i + 1);
    }
    CHECK(rig.adapter.stats(0).tx_packets == 1);
    CHECK(rig.adapter.stats(0).tx_cancelled == 3);
}

TEST_CASE("TX cancel returns a packet the NIC sent without a completion as sent, never posts it again") {
    TxRig rig;
    for (int i = 0; i < 4; ++i) {
        rig.tx->submit(udp_frame(1200));  // two fit the hardware ring, two wait in the post section
    }
    rig.tx->poll();
    rig.complete(2, 3, 1200);  // the first one completed
    rig.set_sent(2);           // the second one left too, but its completion write failed
    auto const prod_writes = rig.platform.writes_to(rig.prod_register()).size();
    rig.tx->stop();
    auto state = rig.tx->state();
    for (int polls = 0; state != ringlib::os::QueueState::Stopped && polls < 10; ++polls) {
        state = rig.tx->poll();
    }
    CHECK(state == ringlib::os::QueueState::Stopped);
    REQUIRE(rig.completions.size() == 4);
    CHECK(rig.adapter.stats(0).tx_packets == 1);
    CHECK(rig.adapter.stats(0).tx_sent_without_completion == 1);
    CHECK(rig.adapter.stats(0).tx_cancelled == 2);
    CHECK(rig.platform.writes_to(rig.prod_register()).size() == prod_writes);  // nothing posted again
}

TEST_CASE("RING_TAKEN beyond what the driver has in flight is a DriverError naming the ring") {
    TxRig rig;
    rig.tx->submit(udp_frame(1200));
    rig.tx->poll();
    rig.set_sent(3);  // more than the one packet in flight
    CHECK_THROWS_WITH(rig.tx->stop(), Catch::Contains("tx0") && Catch::Contains("RING_TAKEN"));
}

TEST_CASE("the tx_forgets_fragment_begin fault stalls the OS queue") {
    DriverFaults faults;
    faults.tx_forgets_fragment_begin = true;
    TxRig rig(faults);
    for (int i = 0; i < 12; ++i) {
        rig.tx->submit(udp_frame(1200));  // 36 fragments: more than the fragment ring holds
    }
    auto run = [&] {
        for (int round = 0; round < 40; ++round) {
            rig.tx->poll();
            std::uint32_t const outstanding =
                (rig.platform.writes_to(rig.prod_register()).back().value - rig.adapter.stats(0).tx_packets * 3) & 7;
            if (outstanding >= 3) {
                std::uint16_t const last = static_cast<std::uint16_t>((rig.adapter.stats(0).tx_packets * 3 + 2) & 7);
                rig.complete(last, 3, 1200);
            }
        }
    };
    CHECK_THROWS_AS(run(), ringlib::os::QueueStall);
}

namespace {

/// Faults that write `fault` for the first packet posted to TX ring 0 and nothing else.
DriverFaults first_packet(TxDescriptorFault fault) {
    DriverFaults faults;
    faults.tx_descriptor_fault = [fault](std::uint32_t queue, std::uint64_t post_sequence) {
        return queue == 0 && post_sequence == 0 ? fault : TxDescriptorFault::none;
    };
    return faults;
}

/// The OS's hang check: a requested reset of TX ring 0, carried out at the queue's next Advance.
void reset_tx_ring(TxRig& rig) {
    rig.adapter.request_ring_reset(0, true, false);
    rig.adapter.run_dpc();
    rig.tx->poll();
}

}  // namespace

TEST_CASE("a zero_length or length_over_max chain breaks the first descriptor only, and is counted") {
    auto const [fault, length] = GENERATE(std::pair{TxDescriptorFault::zero_length, 0},
                                          std::pair{TxDescriptorFault::length_over_max, c::MAX_FRAME_BYTES + 1});
    INFO(to_string(fault));
    TxRig rig(first_packet(fault));
    rig.tx->submit(udp_frame(1200));  // descriptors 0..2
    rig.tx->submit(udp_frame(100));   // descriptor 3, as built
    rig.tx->poll();
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == 4);
    CHECK(rig.descriptor(0).len == length);
    CHECK(rig.descriptor(1).len == 512);
    CHECK(rig.descriptor(2).eop);
    CHECK(rig.descriptor(3).len == 100);
    CHECK(rig.descriptor(3).eop);
    CHECK(rig.fault_books->tx_descriptor_faults[0] == 1);
    CHECK(rig.adapter.stats(0).tx_packets == 0);

    SECTION("a requested reset posts it again as malformed (the hardware must still refuse it)") {
        reset_tx_ring(rig);  // the NIC took neither packet (RING_TAKEN 0): both posted again
        CHECK(rig.adapter.stats(0).tx_reposted == 2);
        CHECK(rig.descriptor(0).len == length);
        CHECK(rig.descriptor(3).len == 100);
        CHECK(rig.fault_books->tx_descriptor_faults[0] == 1);  // a repost is not a new fault
    }
}

TEST_CASE("a chain_too_long chain takes MAX_TX_FRAGS descriptors on the ring, none with end of packet") {
    TxRig rig(first_packet(TxDescriptorFault::chain_too_long), 5);  // 32 entries: room for 16
    rig.tx->submit(udp_frame(1200));                                // 3 fragments: 512, 512, 176
    rig.tx->submit(udp_frame(100));
    rig.tx->poll();
    auto const chain = static_cast<std::uint32_t>(c::MAX_TX_FRAGS);
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == chain + 1);
    for (std::uint32_t slot = 0; slot < chain; ++slot) {
        INFO("descriptor " << slot);
        CHECK_FALSE(rig.descriptor(slot).eop);
        CHECK(rig.descriptor(slot).len <= c::MAX_FRAME_BYTES / c::MAX_TX_FRAGS);
    }
    CHECK(rig.descriptor(chain - 1).len == 176);  // the last fragment's descriptor again
    CHECK(rig.descriptor(chain).eop);             // the next packet, as built
    CHECK(rig.adapter.tx_ring(0).outstanding == chain + 1);
    CHECK(rig.fault_books->tx_descriptor_faults[0] == 1);
}

TEST_CASE("a no_end_of_packet chain holds the ring until a requested reset posts its packet whole") {
    TxRig rig(first_packet(TxDescriptorFault::no_end_of_packet));
    rig.tx->submit(udp_frame(1200));  // descriptors 0..2, the last without eop
    rig.tx->submit(udp_frame(100));   // waits behind the open chain
    rig.tx->poll();
    rig.tx->poll();
    CHECK(rig.platform.writes_to(rig.prod_register()).size() == 1);
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == 3);
    CHECK_FALSE(rig.descriptor(2).eop);
    CHECK(rig.adapter.tx_ring(0).outstanding == 3);

    reset_tx_ring(rig);
    CHECK(rig.adapter.stats(0).tx_resets == 1);
    CHECK(rig.adapter.stats(0).tx_reposted == 1);
    CHECK(rig.descriptor(2).eop);  // posted again whole, from slot 0 of the reset ring
    CHECK(rig.descriptor(3).eop);  // and the packet behind it posted at last
    CHECK(rig.descriptor(3).len == 100);
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == 4);
    CHECK(rig.fault_books->tx_descriptor_faults[0] == 1);
}

TEST_CASE("arming a sleeping TX queue never clears an interrupt cause") {
    // Regression (found end to end in the co-simulation): arming used to write IRQ_CAUSE to clear
    // a "stale" TX cause. That write is posted and reaches the NIC after the OS's extra poll, so
    // the cause of a completion written in between was erased, no interrupt fired and the queue
    // slept forever with a completed packet in host memory.
    TxRig rig;
    std::uint16_t const cause = c::queue_reg(0, c::QREG_IRQ, c::IRQ_CAUSE);
    std::uint16_t const arm = c::queue_reg(0, c::QREG_IRQ, c::IRQ_ARM);
    std::size_t const causes_cleared_at_start = rig.platform.writes_to(cause).size();  // adapter start resets them
    rig.tx->submit(udp_frame(200));
    rig.tx->poll();
    rig.complete(0, 1, 200);
    for (int i = 0; i < 4 && rig.tx->state() != ringlib::os::QueueState::Sleeping; ++i) {
        rig.tx->poll();
    }
    REQUIRE(rig.tx->state() == ringlib::os::QueueState::Sleeping);
    CHECK(rig.completions.size() == 1);
    auto const arms = rig.platform.writes_to(arm);
    REQUIRE(!arms.empty());
    CHECK(arms.back().value == 1);
    CHECK(rig.platform.writes_to(cause).size() == causes_cleared_at_start);
}

TEST_CASE("the ISR flushes its IRQ_CAUSE acknowledgement with a read before the DPC runs") {
    // Regression (found end to end): the acknowledgement is a posted write. Unflushed, it landed
    // after the OS's next drain and erased the cause of a completion written in between; the
    // queue then slept forever with a completed packet in host memory.
    TxRig rig;
    std::uint16_t const cause = c::queue_reg(0, c::QREG_IRQ, c::IRQ_CAUSE);
    rig.platform.registers[cause] = static_cast<std::uint32_t>(c::IRQ_CAUSE_TX_CPL.mask());
    rig.platform.log.clear();
    REQUIRE(rig.adapter.on_interrupt(0));
    using Kind = drivertest::FakePlatform::Kind;
    REQUIRE(rig.platform.log.size() == 3);
    CHECK(rig.platform.log[0].kind == Kind::register_read);
    CHECK(rig.platform.log[0].address == cause);
    CHECK(rig.platform.log[1].kind == Kind::register_write);  // the acknowledgement (write 1 to clear)
    CHECK(rig.platform.log[1].address == cause);
    CHECK(rig.platform.log[2].kind == Kind::register_read);  // the flush: a read never passes a posted write
}
