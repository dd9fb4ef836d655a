// Rules that hold for every ring of every queue (header, indices, OS-owned elements), the TX rules,
// the capabilities rule, and the verifier's own behaviour (report, determinism, switching off).
#include <cstdint>

#include "verifier_fixture.hpp"

using namespace verifier_test;

// ---- header ----

TEST_CASE("header: a driver that writes EndIndex breaks the immutable ring header (0x32)") {
    Queue q(QueueKind::Tx);
    q.os_send(3);
    auto const v = expect_violation(
        q, [](Queue& d) { d.packets()->EndIndex = 5; }, FailureCode::InvalidRingImmutable, "packet", 3);
    CHECK(v.before == "EndIndex=3");
    CHECK(v.after == "EndIndex=5");
}

TEST_CASE("header: every OS field before BeginIndex is immutable, on either ring (0x32)") {
    Queue q(QueueKind::Rx);
    q.os_give_rx();
    SECTION("ElementStride of the fragment ring") {
        auto const v = expect_violation(
            q, [](Queue& d) { d.fragments()->ElementStride = 8; }, FailureCode::InvalidRingImmutable, "fragment", 15);
        CHECK(v.before == "ElementStride=24");
        CHECK(v.after == "ElementStride=8");
    }
    SECTION("the OS's lag index OSReserved0") {
        auto const v = expect_violation(
            q, [](Queue& d) { d.packets()->OSReserved0 = 2; }, FailureCode::InvalidRingImmutable, "packet", 7);
        CHECK(v.after == "OSReserved0=2");
    }
    SECTION("the pointer-sized reserved words") {
        auto const v = expect_violation(
            q,
            [](Queue& d) {
                // A fixed value, not an address: with ASLR a pointer's low byte may be 0 like the
                // word it replaces, and the first differing byte would move (a flaky test).
                d.packets()->OSReserved2[3] = reinterpret_cast<void*>(std::uintptr_t{0x1122334455667788});
            },
            FailureCode::InvalidRingImmutable, "packet", 7);
        CHECK_THAT(v.after, Catch::Contains("OSReserved2 byte 40=0x88"));
    }
}

// ---- indices ----

TEST_CASE("BeginIndex: moving it backward breaks the BeginIndex rule (0x3b)") {
    Queue q(QueueKind::Tx);
    q.os_send(4);
    q.advance([](Queue& d) { tx_post_and_complete(d, 2); });
    REQUIRE(q.packets()->BeginIndex == 2);
    auto const v = expect_violation(
        q, [](Queue& d) { d.packets()->BeginIndex = 1; }, FailureCode::InvalidRingBeginIndex, "packet", 1);
    CHECK(v.before == "Begin=2 End=4");
    CHECK(v.after == "Begin=1 End=4");
}

TEST_CASE("BeginIndex: moving it past EndIndex breaks the BeginIndex rule (0x3b)") {
    Queue q(QueueKind::Tx);
    q.os_send(3);
    SECTION("one past EndIndex") {
        auto const v = expect_violation(
            q, [](Queue& d) { d.fragments()->BeginIndex = 4; }, FailureCode::InvalidRingBeginIndex, "fragment", 4);
        CHECK(v.before == "Begin=0 End=3");
        CHECK(v.after == "Begin=4 End=3");
    }
    SECTION("an index that is not in the ring at all") {
        expect_violation(
            q, [](Queue& d) { d.packets()->BeginIndex = 8; }, FailureCode::InvalidRingBeginIndex, "packet", 8);
    }
}

TEST_CASE("NextIndex: a value outside the ring is a violation (ringlib's own code 0x1001)") {
    Queue q(QueueKind::Rx);
    q.os_give_rx();
    auto const v = expect_violation(
        q, [](Queue& d) { d.fragments()->NextIndex = 16; }, FailureCode::InvalidRingNextIndex, "fragment", 16);
    CHECK(v.after == "Next=16");
}

// ---- OS-owned elements ----

TEST_CASE("OS-owned elements: a driver that writes one breaks the framework-element rule (0x33)") {
    Queue q(QueueKind::Tx);
    q.os_send(2);  // driver owns packets [0, 2), fragments [0, 2)
    SECTION("a core field of an OS-owned packet") {
        auto const v = expect_violation(
            q, [](Queue& d) { d.packet(5)->FragmentCount = 3; }, FailureCode::InvalidRingImmutableFrameworkElement,
            "packet", 5);
        CHECK(v.before == "FragmentCount=0");
        CHECK(v.after == "FragmentCount=3");
        CHECK_THAT(v.detail, Catch::Contains("[Begin=0, End=2)"));
    }
    SECTION("an extension byte of an OS-owned fragment") {
        auto const v = expect_violation(
            q, [](Queue& d) { d.fragment_bytes(10)[logical_address_offset + 1] = 0x5a; },
            FailureCode::InvalidRingImmutableFrameworkElement, "fragment", 10);
        CHECK(v.before == "extension byte 17=0x00");
        CHECK(v.after == "extension byte 17=0x5a");
    }
    SECTION("the element just before BeginIndex (returned, not yet reclaimed) is the OS's too") {
        q.advance([](Queue& d) { tx_post_and_complete(d, 1); });  // packet 0 returned, OSReserved0 still 0
        expect_violation(
            q, [](Queue& d) { d.packet(0)->Scratch = 0; }, FailureCode::InvalidRingImmutableFrameworkElement, "packet",
            0);
    }
}

TEST_CASE("OS-owned elements: a driver range that wraps leaves the OS the middle of the ring (0x33)") {
    Queue q(QueueKind::Tx);
    q.os_send(6);
    q.advance([](Queue& d) { tx_post_and_complete(d); });
    q.os_reclaim();
    q.os_send(4);  // driver owns packets [6, 2): 6, 7, 0, 1
    REQUIRE(q.packets()->BeginIndex == 6);
    REQUIRE(q.packets()->EndIndex == 2);
    SECTION("writing OS-owned packet 3 is caught") {
        expect_violation(
            q, [](Queue& d) { d.packet(3)->Layout.Layer2HeaderLength = 1; },
            FailureCode::InvalidRingImmutableFrameworkElement, "packet", 3);
    }
    SECTION("writing driver-owned packet 0 (after the wrap) is a TX rule, not an OS-element one") {
        expect_violation(
            q, [](Queue& d) { d.packet(0)->FragmentCount = 2; }, FailureCode::InvalidRingImmutableDriverTxPacket,
            "packet", 0);
    }
}

// ---- TX ----

TEST_CASE("TX: changing a packet the driver owns breaks the TX packet rule (0x34)") {
    Queue q(QueueKind::Tx);
    q.os_send(3);
    SECTION("a core field") {
        auto const v = expect_violation(
            q, [](Queue& d) { d.packet(1)->FragmentIndex = 7; }, FailureCode::InvalidRingImmutableDriverTxPacket,
            "packet", 1);
        CHECK(v.before == "FragmentIndex=1");
        CHECK(v.after == "FragmentIndex=7");
    }
    SECTION("a packet extension (the checksum request)") {
        expect_violation(
            q, [](Queue& d) { d.checksum(2)->Layer4 = NetPacketTxChecksumActionPassthrough; },
            FailureCode::InvalidRingImmutableDriverTxPacket, "packet", 2);
    }
}

TEST_CASE("TX: Ignore is read-only, flipping it breaks the TX packet rule (0x34)") {
    Queue q(QueueKind::Tx);
    q.os_send(3);
    auto const v = expect_violation(
        q, [](Queue& d) { d.packet(2)->Ignore = 1; }, FailureCode::InvalidRingImmutableDriverTxPacket, "packet", 2);
    CHECK(v.before == "Ignore=0");
    CHECK(v.after == "Ignore=1");
}

TEST_CASE("TX: changing a fragment the driver owns breaks the TX fragment rule (0x35)") {
    Queue q(QueueKind::Tx);
    q.os_send(2, 2);
    SECTION("ValidLength") {
        auto const v = expect_violation(
            q, [](Queue& d) { d.fragment(3)->ValidLength = 60; }, FailureCode::InvalidRingImmutableDriverTxFragment,
            "fragment", 3);
        CHECK(v.before == "ValidLength=100");
        CHECK(v.after == "ValidLength=60");
    }
    SECTION("the logical address extension") {
        expect_violation(
            q, [](Queue& d) { *d.logical_address(0) += 64; }, FailureCode::InvalidRingImmutableDriverTxFragment,
            "fragment", 0);
    }
}

// ---- capabilities ----

TEST_CASE("capabilities: a ring size hint must be a power of two (NetCx's NotPowerOfTwo, 0x1a)") {
    for (std::uint32_t hint : {1u, 2u, 64u, 4096u, 65536u}) {
        CHECK_NOTHROW(ringlib::verify_ring_size_hint("tx0", "packet ring", hint));
    }
    for (std::uint32_t hint : {0u, 3u, 100u, 65535u}) {
        INFO("hint " << hint);
        try {
            ringlib::verify_ring_size_hint("tx0", "packet ring", hint);
            FAIL("accepted");
        } catch (VerifierViolation const& e) {
            CHECK(e.violation().code == FailureCode::NotPowerOfTwo);
            CHECK(e.violation().index == hint);
            CHECK(e.violation().ring == "packet ring");
            CHECK_THAT(e.what(), Catch::Contains("queue=tx0") && Catch::Contains("code 0x1a NotPowerOfTwo"));
        }
    }
}

// ---- the verifier itself ----

TEST_CASE("report: one line naming rule, code, queue, callback, ring and index, then before and after") {
    Queue q(QueueKind::Tx);
    q.os_send(3);
    try {
        q.advance([](Queue& d) { d.packets()->BeginIndex = 4; });
        FAIL("no violation");
    } catch (VerifierViolation const& e) {
        CHECK(std::string(e.what()) ==
              "ring verifier: BeginIndex may only move forward, and never past EndIndex "
              "[code 0x3b InvalidRingBeginIndex] queue=tx0, callback=EvtAdvance, ring=packet, index=4\n"
              "  before: Begin=0 End=3\n"
              "  after:  Begin=4 End=3");
    }
}

TEST_CASE("determinism: of several broken rules the first in the fixed order is reported") {
    Queue q(QueueKind::Tx);
    q.os_send(3);
    auto break_three = [](Queue& d) {
        d.packet(6)->FragmentCount = 9;       // OS-owned element
        d.packet(0)->Ignore = 1;              // TX packet
        d.fragments()->ElementIndexMask = 7;  // header
    };
    expect_violation(q, break_three, FailureCode::InvalidRingImmutable, "fragment", 3);
    // Same state, same answer: the report does not depend on anything but the rings.
    Queue again(QueueKind::Tx);
    again.os_send(3);
    expect_violation(again, break_three, FailureCode::InvalidRingImmutable, "fragment", 3);
}

TEST_CASE("determinism: within a ring the lowest position from BeginIndex is reported first") {
    Queue q(QueueKind::Tx);
    q.os_send(6);
    q.advance([](Queue& d) { tx_post_and_complete(d); });
    q.os_reclaim();
    q.os_send(4);  // driver owns 6, 7, 0, 1 in that order
    expect_violation(
        q,
        [](Queue& d) {
            d.packet(0)->FragmentCount = 5;
            d.packet(7)->FragmentCount = 5;
        },
        FailureCode::InvalidRingImmutableDriverTxPacket, "packet", 7);
}

TEST_CASE("EvtCancel is checked like EvtAdvance and named in the report") {
    Queue q(QueueKind::Tx);
    q.os_send(2);
    expect_violation(
        q, [](Queue& d) { d.packets()->BeginIndex = 3; }, FailureCode::InvalidRingBeginIndex, "packet", 3, "EvtCancel");
}

TEST_CASE("switched off, the verifier checks nothing and poisons nothing") {
    Queue q(QueueKind::Rx);
    q.verifier.set_enabled(false);
    CHECK_FALSE(q.verifier.enabled());
    q.os_give_rx();
    CHECK(q.packet(0)->FragmentIndex == 0);  // not poisoned
    CHECK(q.fragment(0)->ValidLength == 0);
    CHECK_NOTHROW(q.advance([](Queue& d) {
        d.packets()->EndIndex = 1;       // header
        d.fragments()->BeginIndex = 99;  // index
        d.packet(7)->FragmentCount = 1;  // OS-owned element
    }));
    CHECK(q.verifier.checks_run() == 0);

    // Switched back on it starts checking again from the next before().
    q.packets()->EndIndex = 7;
    q.fragments()->BeginIndex = 0;
    q.verifier.set_enabled(true);
    expect_violation(
        q,
        [](Queue& d) {
            d.packets()->BeginIndex = 6;
            d.packets()->EndIndex = 6;
        },
        FailureCode::InvalidRingImmutable, "packet", 7);
    CHECK(q.verifier.checks_run() == 1);
}

TEST_CASE("switching the verifier off between before() and after() skips that check") {
    Queue q(QueueKind::Tx);
    q.os_send(2);
    q.verifier.before("EvtAdvance");
    q.packets()->BeginIndex = 5;
    q.verifier.set_enabled(false);
    CHECK_NOTHROW(q.verifier.after("EvtAdvance"));
    CHECK(q.verifier.checks_run() == 0);
}
