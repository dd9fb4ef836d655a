// The OS's polling / arming / notification state machine, callback by callback.
#include "test_support.hpp"

#include <ringlib/os/errors.hpp>

#include <catch2/catch.hpp>

using namespace ringlib::os;
using Log = std::vector<std::string>;

TEST_CASE("an idle queue arms, polls once more, then sleeps without calling the driver") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    CHECK_THROWS_AS(tx->poll(), QueueStateError);
    tx->start();
    CHECK(tx->poll() == QueueState::Armed);
    CHECK(driver.log == Log{"Start", "Advance", "Notify(TRUE)"});
    CHECK(tx->poll() == QueueState::Sleeping);
    CHECK(driver.log == Log{"Start", "Advance", "Notify(TRUE)", "Advance"});
    CHECK(tx->poll() == QueueState::Sleeping);
    CHECK(tx->poll() == QueueState::Sleeping);
    CHECK(driver.log.size() == 4);
    CHECK(tx->callbacks().advance == 2);
}

TEST_CASE("NotifyMore wakes a sleeping queue: disarm, then poll") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    tx->start();
    tx->poll();
    tx->poll();
    REQUIRE(tx->state() == QueueState::Sleeping);
    driver.log.clear();
    NetTxQueueNotifyMoreCompletedPacketsAvailable(driver.queue);
    NetTxQueueNotifyMoreCompletedPacketsAvailable(driver.queue);  // a second one in the same arm
    CHECK(tx->notifications().accepted == 1);
    CHECK(tx->notifications().ignored == 1);
    CHECK(driver.log.empty());  // NotifyMore itself calls nothing
    // The driver finds nothing after all: the OS re-arms.
    CHECK(tx->poll() == QueueState::Armed);
    CHECK(driver.log == Log{"Notify(FALSE)", "Advance", "Notify(TRUE)"});
}

TEST_CASE("NotifyMore while polling is a counted no-op") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    NetTxQueueNotifyMoreCompletedPacketsAvailable(driver.queue);  // not even started
    tx->start();
    NetTxQueueNotifyMoreCompletedPacketsAvailable(driver.queue);
    CHECK(tx->notifications().accepted == 0);
    CHECK(tx->notifications().ignored == 2);
    CHECK(tx->state() == QueueState::Polling);
}

TEST_CASE("work found by the extra poll disarms and keeps polling") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    tx->start();
    tx->submit(ostest::pattern_frame(60, 1));
    CHECK(tx->poll() == QueueState::Polling);  // handed a frame over: progress
    CHECK(tx->poll() == QueueState::Armed);    // nothing moved
    driver.advance = [&](NETPACKETQUEUE) {     // "hardware" completed meanwhile
        NetRingCollectionGetPacketRing(driver.rings)->BeginIndex = 1;
        NetRingCollectionGetFragmentRing(driver.rings)->BeginIndex = 1;
        driver.advance = [](NETPACKETQUEUE) {};
    };
    CHECK(tx->poll() == QueueState::Polling);
    CHECK(driver.log == Log{"Start", "Advance", "Advance", "Notify(TRUE)", "Advance", "Notify(FALSE)"});
    CHECK(tx->frames_completed() == 1);
}

TEST_CASE("a NotifyMore from inside SetNotificationEnabled(TRUE) is honoured on the next poll") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto rx = ostest::make_rx(driver, memory.arena);
    driver.set_notification = [](NETPACKETQUEUE q, BOOLEAN enabled) {
        if (enabled) NetRxQueueNotifyMoreReceivedPacketsAvailable(q);  // work was already pending
    };
    rx->start();
    CHECK(rx->poll() == QueueState::Polling);  // provisioning is progress
    CHECK(rx->poll() == QueueState::Armed);
    CHECK(rx->notifications().accepted == 1);
    driver.log.clear();
    CHECK(rx->poll() == QueueState::Armed);
    CHECK(driver.log == Log{"Notify(FALSE)", "Advance", "Notify(TRUE)"});
}

TEST_CASE("new TX frames wake a sleeping queue without a driver notification") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    tx->start();
    tx->poll();
    tx->poll();
    REQUIRE(tx->state() == QueueState::Sleeping);
    driver.log.clear();
    tx->submit(ostest::pattern_frame(60, 1));
    CHECK(tx->poll() == QueueState::Polling);
    CHECK(driver.log == Log{"Notify(FALSE)", "Advance"});
    CHECK(tx->packet_ring()->EndIndex == 1);
    CHECK(tx->notifications().accepted == 0);
}
