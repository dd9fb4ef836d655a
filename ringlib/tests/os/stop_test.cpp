// Cancel and stop, for drivers that finish, finish late, never finish, or stall TX.
#include "loopback_driver.hpp"
#include "test_support.hpp"

#include <ringlib/os/errors.hpp>

#include <catch2/catch.hpp>

using namespace ringlib::os;
using Log = std::vector<std::string>;

namespace {

/// A TX driver "hardware" that completes one packet (with its fragments) per Advance.
void complete_one_per_advance(ostest::ScriptedDriver& driver) {
    driver.advance = [&driver](NETPACKETQUEUE) {
        NET_RING* packets = NetRingCollectionGetPacketRing(driver.rings);
        NET_RING* fragments = NetRingCollectionGetFragmentRing(driver.rings);
        if (packets->BeginIndex == packets->EndIndex) return;
        NET_PACKET const* p = NetRingGetPacketAtIndex(packets, packets->BeginIndex);
        fragments->BeginIndex = NetRingAdvanceIndex(fragments, p->FragmentIndex, p->FragmentCount);
        packets->BeginIndex = NetRingIncrementIndex(packets, packets->BeginIndex);
    };
}

}  // namespace

TEST_CASE("TX stop: Cancel, then Advance until every packet is back, then Stop; unsent frames are cancelled") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.packet_ring_size = 4;
    auto tx = ostest::make_tx(driver, memory.arena, config);
    std::vector<TxCompletion> completions;
    tx->on_completion([&](TxCompletion const& c) { completions.push_back(c); });
    tx->start();
    for (int i = 0; i < 5; ++i) tx->submit(ostest::pattern_frame(100, i));
    tx->poll();  // 3 handed over, 2 waiting
    complete_one_per_advance(driver);
    driver.log.clear();
    CHECK(tx->stop() == QueueState::Stopping);
    CHECK(tx->poll() == QueueState::Stopping);
    CHECK(tx->poll() == QueueState::Stopping);
    CHECK(tx->poll() == QueueState::Stopped);
    CHECK(driver.log == Log{"Cancel", "Advance", "Advance", "Advance", "Stop"});
    CHECK(tx->packet_ring()->EndIndex == 3);  // nothing new was handed over while stopping
    REQUIRE(completions.size() == 5);
    CHECK(completions[2].status == TxCompletionStatus::Sent);
    CHECK(completions[3].status == TxCompletionStatus::Cancelled);
    CHECK(completions[4].status == TxCompletionStatus::Cancelled);
    CHECK_THROWS_AS(tx->poll(), QueueStateError);
}

TEST_CASE("stopping an armed queue disarms before Cancel") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    tx->start();
    tx->poll();
    REQUIRE(tx->state() == QueueState::Armed);
    driver.log.clear();
    CHECK(tx->stop() == QueueState::Stopped);  // owned nothing: stops at once
    CHECK(driver.log == Log{"Notify(FALSE)", "Cancel", "Stop"});
}

TEST_CASE("a TX driver that never returns its packets fails the stop with both rings named") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.options.stop_poll_limit = 5;
    auto tx = ostest::make_tx(driver, memory.arena, config);
    tx->start();
    for (int i = 0; i < 3; ++i) tx->submit(ostest::pattern_frame(100, i));
    tx->poll();
    tx->stop();
    for (int i = 0; i < 4; ++i) CHECK(tx->poll() == QueueState::Stopping);
    CHECK_THROWS_MATCHES(tx->poll(), QueueStopTimeout,
                         Catch::Matchers::Message(
                             "tx0: stop did not complete: expected the driver to return every packet and fragment "
                             "(BeginIndex == EndIndex on both rings) within 5 EvtAdvance calls after EvtCancel, but it "
                             "still owns 3 packets and 3 fragments; packet ring Begin=0 Next=0 End=3 OSReserved0=0 (of "
                             "64); fragment ring Begin=0 Next=0 End=3 OSReserved0=0 (of 256)"));
    CHECK(tx->callbacks().advance == 6);
}

TEST_CASE("RX stop: the driver's Cancel returns everything as Ignore packets") {
    ostest::HostMemory memory;
    loopback::LoopbackHardware hardware(memory.arena);
    RxQueueConfig config;
    config.packet_ring_size = 8;
    config.fragment_ring_size = 32;
    auto rx =
        RxQueue::create(config, memory.arena, loopback::loopback_adapter(hardware), loopback::LoopbackEvtCreateRxQueue);
    rx->start();
    rx->poll();
    CHECK(rx->stop() == QueueState::Stopped);
    CHECK(rx->packets_ignored() == 7);
    CHECK(rx->frames_delivered() == 0);
    CHECK(rx->packet_ring()->OSReserved0 == rx->packet_ring()->EndIndex);
    CHECK(rx->fragment_ring()->OSReserved0 == 31);
}

TEST_CASE("RX stop may take a few Advances after Cancel") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto rx = ostest::make_rx(driver, memory.arena);
    rx->start();
    rx->poll();
    int advances_after_cancel = 0;
    driver.cancel = [&](NETPACKETQUEUE) {
        driver.advance = [&](NETPACKETQUEUE) {
            if (++advances_after_cancel < 2) return;  // hardware needs a moment to stop
            NET_RING_PACKET_ITERATOR packets = NetRingGetAllPackets(driver.rings);
            while (NetPacketIteratorHasAny(&packets)) {
                NetPacketIteratorGetPacket(&packets)->Ignore = 1;
                NetPacketIteratorAdvance(&packets);
            }
            NetPacketIteratorSet(&packets);
            NET_RING_FRAGMENT_ITERATOR fragments = NetRingGetAllFragments(driver.rings);
            NetFragmentIteratorAdvanceToTheEnd(&fragments);
            NetFragmentIteratorSet(&fragments);
        };
    };
    CHECK(rx->stop() == QueueState::Stopping);
    CHECK(rx->poll() == QueueState::Stopping);
    CHECK(rx->poll() == QueueState::Stopped);
    CHECK(driver.log.back() == "Stop");
}

TEST_CASE("an RX driver whose Cancel returns nothing fails the stop instead of hanging") {
    ostest::HostMemory memory;
    loopback::LoopbackHardware hardware(memory.arena);
    hardware.faults.rx_cancel_does_nothing = true;
    RxQueueConfig config;
    config.packet_ring_size = 8;
    config.fragment_ring_size = 16;
    config.options.stop_poll_limit = 20;
    auto rx =
        RxQueue::create(config, memory.arena, loopback::loopback_adapter(hardware), loopback::LoopbackEvtCreateRxQueue);
    rx->start();
    rx->poll();
    rx->stop();
    int polls = 0;
    CHECK_THROWS_WITH(
        [&] {
            while (polls < 1000) {
                ++polls;
                rx->poll();
                hardware.step();
            }
        }(),
        Catch::Contains("rx0: stop did not complete") && Catch::Contains("still owns 7 packets and 15 fragments") &&
            Catch::Contains("packet ring Begin=0 Next=0 End=7") &&
            Catch::Contains("fragment ring Begin=0 Next=15 End=15"));
    CHECK(polls == 20);
}

TEST_CASE("a TX driver that returns packets but never fragments is diagnosed as a stall") {
    ostest::HostMemory memory;
    loopback::LoopbackHardware hardware(memory.arena);
    hardware.faults.tx_forgets_fragment_begin = true;
    TxQueueConfig config;
    config.packet_ring_size = 64;
    config.fragment_ring_size = 8;
    auto tx =
        TxQueue::create(config, memory.arena, loopback::loopback_adapter(hardware), loopback::LoopbackEvtCreateTxQueue);
    tx->start();
    for (int i = 0; i < 20; ++i) tx->submit(ostest::pattern_frame(100, i));
    int polls = 0;
    CHECK_THROWS_MATCHES(
        [&] {
            while (polls < 1000) {
                ++polls;
                tx->poll();
                hardware.step();
            }
        }(),
        QueueStall,
        Catch::Matchers::Message(
            "tx0: TX stall: the driver owns no packets (packet ring BeginIndex=7 == EndIndex=7) but still owns 7 "
            "fragments (fragment ring BeginIndex=0, EndIndex=7), and 13 frames wait for fragment space (the next "
            "needs 1 fragments, 0 are free). The driver returned packets without advancing the fragment ring's "
            "BeginIndex past their fragments. Packet ring Begin=7 Next=7 End=7 OSReserved0=7 (of 64); fragment ring "
            "Begin=0 Next=7 End=7 OSReserved0=0 (of 8)"));
    CHECK(polls < 10);
    CHECK(tx->frames_completed() == 7);
}

TEST_CASE("the same driver without the bug sends everything through a small fragment ring") {
    ostest::HostMemory memory;
    loopback::LoopbackHardware hardware(memory.arena);
    TxQueueConfig config;
    config.fragment_ring_size = 8;
    auto tx =
        TxQueue::create(config, memory.arena, loopback::loopback_adapter(hardware), loopback::LoopbackEvtCreateTxQueue);
    tx->start();
    for (int i = 0; i < 20; ++i) tx->submit(ostest::pattern_frame(100, i));
    for (int polls = 0; polls < 200 && tx->frames_completed() < 20; ++polls) {
        tx->poll();
        hardware.step();
    }
    CHECK(tx->frames_completed() == 20);
    CHECK(hardware.wire.size() == 20);
}
