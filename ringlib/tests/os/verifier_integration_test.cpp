// The OS side runs the verifier around every EvtAdvance and EvtCancel and lets violations out.
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace ringlib::os;

TEST_CASE("a driver that moves BeginIndex past EndIndex stops the run with a verifier violation") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto tx = ostest::make_tx(driver, memory.arena);
    tx->start();
    tx->submit(ostest::pattern_frame(60, 1));
    driver.advance = [&](NETPACKETQUEUE) { NetRingCollectionGetPacketRing(driver.rings)->BeginIndex = 5; };
    CHECK_THROWS_AS(tx->poll(), ringlib::VerifierViolation);
    CHECK(tx->verifier().checks_run() >= 1);
}

TEST_CASE("an RX driver that returns a packet it never filled in is reported") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    auto rx = ostest::make_rx(driver, memory.arena);
    rx->start();
    driver.advance = [&](NETPACKETQUEUE) { NetRingCollectionGetPacketRing(driver.rings)->BeginIndex = 1; };
    CHECK_THROWS_WITH(rx->poll(), Catch::Contains("rx0"));
}

TEST_CASE("with the verifier off the same broken driver is not checked") {
    ostest::HostMemory memory;
    ostest::ScriptedDriver driver;
    TxQueueConfig config;
    config.options.verifier_enabled = false;
    auto tx = ostest::make_tx(driver, memory.arena, config);
    tx->start();
    driver.advance = [&](NETPACKETQUEUE) { NetRingCollectionGetPacketRing(driver.rings)->NextIndex = 0; };
    tx->poll();
    CHECK(tx->verifier().checks_run() == 0);
    CHECK(tx->callbacks().advance == 1);
}
