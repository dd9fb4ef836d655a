// The RX path against a real ringlib OS RxQueue, with its verifier on: buffers posted with one
// doorbell, a completed frame indicated with Layout and extensions, and the 2018 cancel idiom
// returning everything the driver owns. The "hardware" here is the test writing completions into
// host memory by hand (see adapter_rig.hpp): it checks the driver's logic, not a NIC.
#include "adapter_rig.hpp"

#include <nicsim/driver/adapter.hpp>
#include <nicsim/driver/fault_injection.hpp>

#include <ringlib/os/rx_queue.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <vector>

using namespace nicsim::driver;
using namespace nicsim::driver::fault_injection;
namespace c = nicsim::contract;

namespace {

struct RxRig : drivertest::AdapterRig {
    std::unique_ptr<ringlib::os::RxQueue> rx;
    std::vector<ringlib::os::RxFrame> frames;

    static AdapterConfig rig_config() {
        AdapterConfig config;
        config.rx_ring_log2 = 4;  // 16 entries: 15 buffers at most
        return config;
    }

    /// A broken driver when `faults` asks for anything (fault_injection.hpp).
    explicit RxRig(DriverFaults faults = {}) : AdapterRig(0x2'0000'0000ull, rig_config()) {
        if (faults.any()) {
            install(adapter, std::move(faults));
        }
        ringlib::os::RxQueueConfig rx_config;
        rx_config.packet_ring_size = 8;
        rx_config.fragment_ring_size = 32;
        rx_config.buffer_capacity_bytes = 1024;
        rx = ringlib::os::RxQueue::create(rx_config, memory.arena, adapter.handle(), EvtCreateRxQueue);
        rx->on_frame([this](ringlib::os::RxFrame&& f) { frames.push_back(std::move(f)); });
        rx->start();
    }

    std::uint16_t prod_register() const { return c::queue_reg(0, c::QREG_RX, c::RING_PROD); }

    c::rx_desc_t descriptor(std::uint32_t slot) {
        return descriptor_at<c::rx_desc_t>(adapter.rx_ring(0).descriptor_base, slot);
    }

    /// Plays the NIC receiving `frame` into buffers starting at `first_buf`, completion `slot`.
    void receive(std::vector<std::uint8_t> const& frame, std::uint16_t first_buf, std::uint8_t buf_count,
                 std::uint32_t cpl_slot) {
        std::size_t written = 0;
        for (std::uint32_t i = 0; i < buf_count; ++i) {
            c::rx_desc_t const d = descriptor(first_buf + i);
            std::size_t const n = std::min<std::size_t>(d.capacity, frame.size() - written);
            std::memcpy(memory.arena.to_virtual(d.addr), frame.data() + written, n);
            written += n;
        }
        c::rx_cpl_t cpl;
        cpl.first_buf = first_buf;
        cpl.buf_count = buf_count;
        cpl.len = static_cast<std::uint16_t>(frame.size());
        cpl.l2_len = 14;
        cpl.l3_type = c::l3_type_e::L3_IPV4;
        cpl.l3_len = 20;
        cpl.l4_type = c::l4_type_e::L4_UDP;
        cpl.l4_len = 8;
        cpl.ip_csum = c::csum_verdict_e::CSUM_GOOD;
        cpl.l4_csum = c::csum_verdict_e::CSUM_GOOD;
        cpl.rss_hash = 0xabcd'0123;
        cpl.phase = true;
        write_completion(adapter.rx_ring(0).completion_base, cpl_slot, cpl.encode());
    }
};

std::vector<std::uint8_t> frame_of(std::size_t bytes) {
    std::vector<std::uint8_t> frame(bytes);
    for (std::size_t i = 0; i < bytes; ++i) {
        frame[i] = static_cast<std::uint8_t>(i * 7 + 1);
    }
    return frame;
}

}  // namespace

TEST_CASE("RX posts as many buffers as the hardware ring holds, with one doorbell after a barrier") {
    RxRig rig;
    rig.rx->poll();
    auto const doorbells = rig.platform.writes_to(rig.prod_register());
    REQUIRE(doorbells.size() == 1);
    CHECK(doorbells[0].stores_ordered);  // every store (15 descriptors) before the write barrier
    CHECK(doorbells[0].stores_before >= 15);
    // The last thing before the doorbell is the write barrier, right after the last descriptor.
    using Kind = drivertest::FakePlatform::Kind;
    auto const& log = rig.platform.log;
    auto const doorbell = std::find_if(log.rbegin(), log.rend(), [&](auto const& e) {
        return e.kind == Kind::register_write && e.address == rig.prod_register();
    });
    REQUIRE(std::distance(doorbell, log.rend()) >= 3);
    CHECK(std::next(doorbell)->kind == Kind::write_barrier);
    CHECK(std::next(doorbell, 2)->kind == Kind::store);
    auto const last_slot =
        static_cast<unsigned char const*>(rig.memory.arena.to_virtual(rig.adapter.rx_ring(0).descriptor_base)) +
        14 * c::DESC_BYTES;
    CHECK(std::next(doorbell, 2)->address == reinterpret_cast<std::uintptr_t>(last_slot));
    CHECK(doorbells[0].value == 15);  // 16 entries, one kept empty
    CHECK(rig.descriptor(0).capacity == 1024);
    CHECK(rig.descriptor(0).addr % c::RX_BUF_ALIGN_BYTES == 0);
    CHECK(rig.rx->fragment_ring()->NextIndex == 15);
}

TEST_CASE("RX indicates a frame spanning two buffers with Layout, checksum and hash") {
    RxRig rig;
    rig.rx->poll();
    auto const frame = frame_of(1500);
    rig.receive(frame, 0, 2, 0);
    rig.rx->poll();
    REQUIRE(rig.frames.size() == 1);
    CHECK(rig.frames[0].bytes == frame);
    CHECK(rig.frames[0].fragment_count == 2);
    CHECK(rig.frames[0].layout.Layer3Type == NetPacketLayer3TypeIPv4NoOptions);
    CHECK(rig.frames[0].layout.Layer4Type == NetPacketLayer4TypeUdp);
    REQUIRE(rig.frames[0].checksum.has_value());
    CHECK(rig.frames[0].checksum->Layer4 == NetPacketRxChecksumEvaluationValid);
    REQUIRE(rig.frames[0].hash.has_value());
    CHECK(rig.frames[0].hash->HashValue == 0xabcd'0123);
    CHECK(rig.adapter.stats(0).rx_packets == 1);
    // The two buffers were given back: the next post refills them (15 outstanding again).
    rig.rx->poll();
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == 1);  // (15 + 2) & 15
}

TEST_CASE("RX loads a completion's phase byte, then a read barrier, then the record (rule O2)") {
    RxRig rig;
    rig.rx->poll();
    rig.receive(frame_of(200), 0, 1, 0);
    rig.platform.log.clear();
    rig.rx->poll();
    REQUIRE(rig.frames.size() == 1);
    using Kind = drivertest::FakePlatform::Kind;
    auto const slot =
        static_cast<unsigned char const*>(rig.memory.arena.to_virtual(rig.adapter.rx_ring(0).completion_base));
    auto const events = rig.platform.events_from_access(slot, c::CPL_BYTES);
    REQUIRE(events.size() >= 3);
    CHECK(events[0].kind == Kind::load);
    CHECK(events[0].address == reinterpret_cast<std::uintptr_t>(slot + c::CPL_BYTES - 1));
    CHECK(events[0].size_bytes == 1);
    CHECK(events[1].kind == Kind::read_barrier);
    CHECK(events[2].kind == Kind::load);
    CHECK(events[2].address == reinterpret_cast<std::uintptr_t>(slot));
    CHECK(events[2].size_bytes == c::CPL_BYTES);
    // The next slot is empty: its phase byte is loaded alone, with no barrier after it.
    auto const next = rig.platform.events_from_access(slot + c::CPL_BYTES, c::CPL_BYTES);
    REQUIRE_FALSE(next.empty());
    CHECK(next[0].size_bytes == 1);
    for (auto const& e : next) {
        CHECK(e.kind != Kind::read_barrier);
    }
}

TEST_CASE("RX cancel stops the hardware queue and returns every packet and fragment, all Ignore") {
    RxRig rig;
    rig.rx->poll();
    rig.receive(frame_of(200), 0, 1, 0);
    rig.rx->poll();
    REQUIRE(rig.frames.size() == 1);
    // A second frame completes but is not indicated before the stop: a cancelled queue drops it.
    rig.receive(frame_of(300), 1, 1, 1);
    std::size_t const writes_before = rig.platform.writes.size();

    rig.rx->stop();
    auto state = rig.rx->state();
    for (int polls = 0; state != ringlib::os::QueueState::Stopped && polls < 10; ++polls) {
        state = rig.rx->poll();
    }
    CHECK(state == ringlib::os::QueueState::Stopped);
    CHECK(rig.frames.size() == 1);
    CHECK(rig.rx->packets_ignored() > 0);
    NET_RING const* packets = rig.rx->packet_ring();
    NET_RING const* fragments = rig.rx->fragment_ring();
    CHECK(packets->BeginIndex == packets->EndIndex);
    CHECK(fragments->BeginIndex == fragments->EndIndex);

    // The hardware ring was disabled, then reset, before the buffers went back.
    std::uint16_t const ctrl = c::queue_reg(0, c::QREG_RX, c::RING_CTRL);
    std::vector<std::uint32_t> ctrl_writes;
    for (std::size_t i = writes_before; i < rig.platform.writes.size(); ++i) {
        if (rig.platform.writes[i].offset == ctrl) {
            ctrl_writes.push_back(rig.platform.writes[i].value);
        }
    }
    REQUIRE(ctrl_writes.size() >= 2);
    CHECK(ctrl_writes[0] == 0);
    CHECK(c::RING_CTRL_RESET.get(ctrl_writes[1]) == 1);
}

TEST_CASE("the rx_leaves_layout_unwritten fault is caught by the ring verifier") {
    DriverFaults faults;
    faults.rx_leaves_layout_unwritten = true;
    RxRig rig(faults);
    rig.rx->poll();
    rig.receive(frame_of(100), 0, 1, 0);
    CHECK_THROWS_AS(rig.rx->poll(), ringlib::VerifierViolation);
}

TEST_CASE("the rx_swallows_frame fault consumes queue 0's Nth good frame without indicating or counting it") {
    DriverFaults faults;
    faults.rx_swallows_frame = 2;
    RxRig rig(faults);
    rig.rx->poll();
    for (std::uint16_t i = 0; i < 3; ++i) {
        rig.receive(frame_of(100 + i), i, 1, i);
    }
    rig.rx->poll();
    REQUIRE(rig.frames.size() == 2);
    CHECK(rig.frames[0].bytes == frame_of(100));
    CHECK(rig.frames[1].bytes == frame_of(102));
    CHECK(rig.adapter.stats(0).rx_packets == 2);
    CHECK(rig.adapter.stats(0).rx_bad_frames + rig.adapter.stats(0).rx_runts == 0);
    rig.rx->poll();                                                        // the three buffers came back: posted again
    CHECK(rig.platform.writes_to(rig.prod_register()).back().value == 2);  // (15 + 3) & 15
}

TEST_CASE("fault injection installs once per adapter") {
    RxRig rig;
    DriverFaults faults;
    faults.rx_leaves_layout_unwritten = true;
    auto const& books = install(rig.adapter, faults);
    CHECK(books.tx_descriptor_faults.size() == rig.adapter.config().queues_in_use);
    CHECK_THROWS_AS(install(rig.adapter, faults), std::logic_error);
}
