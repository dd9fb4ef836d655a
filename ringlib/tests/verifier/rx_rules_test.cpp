// The RX rules: what a driver must write into the packets it returns and their fragments, and
// what it must leave alone. Each test gives the driver a fresh RX queue (the OS handed over every
// free packet slot and fragment, and the verifier poisoned them) and breaks exactly one rule.
#include "verifier_fixture.hpp"

#include <iostream>

using namespace verifier_test;

namespace {

/// Fills packet `pi` as a correct driver would (TCP/IPv4, its fragments written), without moving
/// any index; tests then break one thing and move the indices themselves.
void fill_packet(Queue& q, std::uint32_t pi, std::uint32_t first_fragment, std::uint16_t count) {
    auto* p = q.packet(pi);
    p->FragmentIndex = first_fragment;
    p->FragmentCount = count;
    p->Layout = tcp_over_ipv4();
    for (std::uint16_t j = 0; j < count; ++j) {
        q.fragment(NetRingAdvanceIndex(q.fragments(), first_fragment, j))->ValidLength = 60;
    }
}

void return_packets(Queue& q, std::uint32_t packets, std::uint32_t fragments) {
    q.packets()->BeginIndex = NetRingAdvanceIndex(q.packets(), q.packets()->BeginIndex, static_cast<INT32>(packets));
    q.fragments()->BeginIndex =
        NetRingAdvanceIndex(q.fragments(), q.fragments()->BeginIndex, static_cast<INT32>(fragments));
}

Queue& fresh_rx(Queue& q) {
    q.os_give_rx();
    REQUIRE(q.packets()->EndIndex == 7);
    REQUIRE(q.fragments()->EndIndex == 15);
    return q;
}

/// A driver returning one packet on fragment 0 whose layout is `layout`.
auto returns_layout(NET_PACKET_LAYOUT layout) {
    return [layout](Queue& d) {
        fill_packet(d, 0, 0, 1);
        d.packet(0)->Layout = layout;
        return_packets(d, 1, 1);
    };
}

}  // namespace

TEST_CASE("RX handoff poisons every field the driver must write, and nothing the OS set") {
    Queue q(QueueKind::Rx);
    q.rx_backfill = 32;
    q.os_give_rx();
    for (std::uint32_t i = 0; i < 7; ++i) {
        auto const* p = q.packet(i);
        CHECK(p->FragmentIndex == 0xffff'ffffu);
        CHECK(p->FragmentCount == 0xffffu);
        CHECK(p->Layout.Layer2Type == 0xf);
        CHECK(p->Layout.Layer3Type == 0xf);
        CHECK(p->Layout.Layer4Type == 0xf);
        CHECK(p->Layout.Reserved0 == 0);  // reserved bits keep the OS's zero
        CHECK(p->Ignore == 0);
    }
    for (std::uint32_t i = 0; i < 15; ++i) {
        CHECK(q.fragment(i)->ValidLength == (1u << 26) - 1);
        CHECK(q.fragment(i)->Capacity == 2048);
        CHECK(q.fragment(i)->Offset == 32);
    }
    CHECK(q.packet(7)->FragmentIndex == 0);  // the slot the OS keeps is not handed over
    CHECK(q.fragment(15)->ValidLength == 0);
}

TEST_CASE("RX: an Ignore packet must otherwise stay as handed over (0x36)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto const v = expect_violation(
        q,
        [](Queue& d) {
            d.packet(0)->Ignore = 1;
            d.packet(0)->FragmentCount = 1;
            return_packets(d, 1, 0);
        },
        FailureCode::InvalidRingImmutableDriverRxPacketIgnore, "packet", 0);
    CHECK(v.before == "FragmentCount=65535 Ignore=0");
    CHECK(v.after == "FragmentCount=1 Ignore=1");
}

TEST_CASE("RX: the reserved bits of a packet are not the driver's, returned or not (0x37)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    expect_violation(
        q, [](Queue& d) { d.packet(4)->Layout.Reserved0 = 5; }, FailureCode::InvalidRingModifiedRxPacket, "packet", 4);
}

TEST_CASE("RX: a returned fragment whose ValidLength was never written (0x38)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto const v = expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 2);
            d.fragment(1)->ValidLength = (1u << 26) - 1;  // as if only the first one was written
            return_packets(d, 1, 2);
        },
        FailureCode::InvalidRingModifiedRxFragment, "fragment", 1);
    CHECK(v.detail == "fragment 2 of 2 of packet 0");
    CHECK_THAT(v.after, Catch::Contains("ValidLength=0x3ffffff(unwritten)"));
}

TEST_CASE("RX: the real bug 'RX path leaves Layout unwritten' breaks the unwritten-packet rule (0x39)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto const v = expect_violation(
        q,
        [](Queue& d) {
            // The driver fills in fragments and the packet's fragment range, and forgets Layout.
            d.packet(0)->FragmentIndex = 0;
            d.packet(0)->FragmentCount = 1;
            d.fragment(0)->ValidLength = 60;
            return_packets(d, 1, 1);
        },
        FailureCode::InvalidRingUnmodifiedRxPacket, "packet", 0);
    CHECK_THAT(v.after, Catch::Contains("FragmentIndex=0 FragmentCount=1 L2=0xf(unwritten)"));
}

TEST_CASE("RX: a returned packet with FragmentIndex or FragmentCount unwritten (0x39)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto const v = expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 1);
            fill_packet(d, 1, 1, 1);
            d.packet(1)->FragmentCount = 0xffff;  // left as handed over
            return_packets(d, 2, 2);
        },
        FailureCode::InvalidRingUnmodifiedRxPacket, "packet", 1);
    CHECK_THAT(v.after, Catch::Contains("FragmentCount=0xffff(unwritten)"));
}

TEST_CASE("RX: Capacity and OsReserved_Bounced of a returned fragment belong to the OS (0x3a)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    SECTION("Capacity changed") {
        auto const v = expect_violation(
            q,
            [](Queue& d) {
                fill_packet(d, 0, 0, 1);
                d.fragment(0)->Capacity = 1514;
                return_packets(d, 1, 1);
            },
            FailureCode::InvalidRingUnmodifiedRxFragment, "fragment", 0);
        CHECK_THAT(v.before, Catch::Contains("Capacity=2048"));
        CHECK_THAT(v.after, Catch::Contains("Capacity=1514"));
    }
    SECTION("OsReserved_Bounced changed") {
        expect_violation(
            q,
            [](Queue& d) {
                fill_packet(d, 0, 0, 1);
                d.fragment(0)->OsReserved_Bounced = 1;
                return_packets(d, 1, 1);
            },
            FailureCode::InvalidRingUnmodifiedRxFragment, "fragment", 0);
    }
}

TEST_CASE("RX: a returned packet with no fragments (0x3c)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 1);
            d.packet(0)->FragmentCount = 0;
            return_packets(d, 1, 1);
        },
        FailureCode::InvalidRingRxPacketFragmentCountZero, "packet", 0);
}

TEST_CASE("RX: a packet with more fragments than the driver owned (0x3d)") {
    Queue q(QueueKind::Rx);
    q.os_give_rx(4);
    expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 4);
            d.packet(0)->FragmentCount = 5;
            return_packets(d, 1, 4);
        },
        FailureCode::InvalidRingRxPacketFragmentCountOutOfRange, "packet", 0);
}

TEST_CASE("RX: a packet whose first fragment the driver did not own before the call (0x3e)") {
    Queue q(QueueKind::Rx);
    q.os_give_rx(4);  // driver owns fragments [0, 4)
    SECTION("an OS-owned fragment") {
        auto const v = expect_violation(
            q,
            [](Queue& d) {
                fill_packet(d, 0, 0, 1);
                d.packet(0)->FragmentIndex = 6;
                return_packets(d, 1, 4);
            },
            FailureCode::InvalidRingRxPacketFragmentIndexOutOfPreRange, "packet", 0);
        CHECK(v.before == "fragment ring Begin=0 End=4");
        CHECK(v.after == "FragmentIndex=6 FragmentCount=1");
    }
    SECTION("an index outside the fragment ring") {
        expect_violation(
            q,
            [](Queue& d) {
                fill_packet(d, 0, 0, 1);
                d.packet(0)->FragmentIndex = 1000;
                return_packets(d, 1, 4);
            },
            FailureCode::InvalidRingRxPacketFragmentIndexOutOfPreRange, "packet", 0);
    }
}

TEST_CASE("RX: a packet whose last fragment the driver did not own before the call (0x3f)") {
    Queue q(QueueKind::Rx);
    q.os_give_rx(4);
    expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 2, 2);
            d.packet(0)->FragmentCount = 3;  // fragments 2, 3, 4: 4 is the OS's
            return_packets(d, 1, 4);
        },
        FailureCode::InvalidRingRxPacketFragmentCountOutOfPreRange, "packet", 0);
}

TEST_CASE("RX: fragments not consumed: the packet is returned but its fragment is not (0x40)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto const v = expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 1);
            return_packets(d, 1, 0);  // fragment BeginIndex left behind
        },
        FailureCode::InvalidRingRxPacketFragmentIndexOutOfPostRange, "packet", 0);
    CHECK(v.after == "FragmentIndex=0 FragmentCount=1; fragment ring Begin=0 (was 0)");
}

TEST_CASE("RX: fragments not consumed: fragment BeginIndex stops inside the packet (0x41)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 3);
            return_packets(d, 1, 2);
        },
        FailureCode::InvalidRingRxPacketFragmentCountOutOfPostRange, "packet", 0);
}

TEST_CASE("RX: Layer2Type outside NET_PACKET_LAYER2_TYPE (0x42)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto layout = tcp_over_ipv4();
    layout.Layer2Type = 3;
    auto const v = expect_violation(q, returns_layout(layout), FailureCode::InvalidRingRxPacketLayer2Type, "packet", 0);
    CHECK_THAT(v.after, Catch::Contains("L2=0x3(illegal)/14"));
}

TEST_CASE("RX: a Null layer 2 with a header length (0x43)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto layout = tcp_over_ipv4();
    layout.Layer2Type = NetPacketLayer2TypeNull;
    expect_violation(q, returns_layout(layout), FailureCode::InvalidRingRxPacketLayer2TypeNullLengthNonZero, "packet",
                     0);
}

TEST_CASE("RX: illegal layout lengths (0x44..0x48)") {
    struct Case {
        char const* what;
        void (*set)(NET_PACKET_LAYOUT&);
        FailureCode code;
    };
    auto const c =
        GENERATE(Case{"Ethernet header of 13", [](NET_PACKET_LAYOUT& l) { l.Layer2HeaderLength = 13; },
                      FailureCode::InvalidRingRxPacketLayer2TypeEthernetLengthInvalid},
                 Case{"IPv4 header of 19", [](NET_PACKET_LAYOUT& l) { l.Layer3HeaderLength = 19; },
                      FailureCode::InvalidRingRxPacketLayer3TypeIPv4LengthInvalid},
                 Case{"IPv6 header of 39",
                      [](NET_PACKET_LAYOUT& l) {
                          l.Layer3Type = NetPacketLayer3TypeIPv6NoExtensions;
                          l.Layer3HeaderLength = 39;
                      },
                      FailureCode::InvalidRingRxPacketLayer3TypeIPv6LengthInvalid},
                 Case{"TCP header of 16", [](NET_PACKET_LAYOUT& l) { l.Layer4HeaderLength = 16; },
                      FailureCode::InvalidRingRxPacketLayer4TypeTcpLengthInvalid},
                 Case{"TCP header of 64", [](NET_PACKET_LAYOUT& l) { l.Layer4HeaderLength = 64; },
                      FailureCode::InvalidRingRxPacketLayer4TypeTcpLengthInvalid},
                 Case{"TCP header of 22 (not a multiple of 4)", [](NET_PACKET_LAYOUT& l) { l.Layer4HeaderLength = 22; },
                      FailureCode::InvalidRingRxPacketLayer4TypeTcpLengthInvalid},
                 Case{"UDP header of 7",
                      [](NET_PACKET_LAYOUT& l) {
                          l.Layer4Type = NetPacketLayer4TypeUdp;
                          l.Layer4HeaderLength = 7;
                      },
                      FailureCode::InvalidRingRxPacketLayer4TypeUdpLengthInvalid});
    INFO(c.what);
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto layout = tcp_over_ipv4();
    c.set(layout);
    expect_violation(q, returns_layout(layout), c.code, "packet", 0);
}

TEST_CASE("RX: boundary layout lengths are legal, 0 means unknown") {
    auto const set = GENERATE(
        as<void (*)(NET_PACKET_LAYOUT&)>{}, [](NET_PACKET_LAYOUT& l) { l = NET_PACKET_LAYOUT{}; },
        [](NET_PACKET_LAYOUT& l) {
            l.Layer2HeaderLength = 0;
            l.Layer3HeaderLength = 0;
            l.Layer4HeaderLength = 0;
        },
        [](NET_PACKET_LAYOUT& l) { l.Layer4HeaderLength = 60; },
        [](NET_PACKET_LAYOUT& l) {
            l.Layer3Type = NetPacketLayer3TypeIPv6WithExtensions;
            l.Layer3HeaderLength = 40;
        },
        [](NET_PACKET_LAYOUT& l) {
            l.Layer4Type = NetPacketLayer4TypeUdp;
            l.Layer4HeaderLength = 8;
        },
        [](NET_PACKET_LAYOUT& l) {
            l.Layer2Type = NetPacketLayer2TypeNull;
            l.Layer2HeaderLength = 0;
        },
        [](NET_PACKET_LAYOUT& l) {
            l.Layer4Type = NetPacketLayer4TypeIPFragment;
            l.Layer4HeaderLength = 3;
        });
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto layout = tcp_over_ipv4();
    set(layout);
    CHECK_NOTHROW(q.advance(returns_layout(layout)));
    CHECK(q.verifier.checks_run() == 1);
}

TEST_CASE("RX: Layer3Type outside NET_PACKET_LAYER3_TYPE (0x49)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto layout = tcp_over_ipv4();
    layout.Layer3Type = 7;
    expect_violation(q, returns_layout(layout), FailureCode::InvalidRingRxPacketLayer3Type, "packet", 0);
}

TEST_CASE("RX: Layer4Type outside NET_PACKET_LAYER4_TYPE (0x4a)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto layout = tcp_over_ipv4();
    layout.Layer4Type = 5;
    expect_violation(q, returns_layout(layout), FailureCode::InvalidRingRxPacketLayer4Type, "packet", 0);
}

TEST_CASE("RX: overlapping fragments: a packet starting where an earlier one started (0x4b)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto const v = expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 1, 1);
            fill_packet(d, 1, 0, 1);  // descending
            return_packets(d, 2, 2);
        },
        FailureCode::InvalidRingRxPacketFragmentIndexOverlap, "packet", 1);
    CHECK(v.before == "packet 0: FragmentIndex=1 FragmentCount=1");
    CHECK(v.after == "packet 1: FragmentIndex=0 FragmentCount=1");
}

TEST_CASE("RX: overlapping fragments: a packet starting inside the previous one (0x4c)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 2);
            fill_packet(d, 1, 1, 2);  // shares fragment 1
            return_packets(d, 2, 3);
        },
        FailureCode::InvalidRingRxPacketFragmentCountOverlap, "packet", 1);
}

TEST_CASE("RX: overlap is checked between returned packets around an Ignore packet too") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 1);
            d.packet(1)->Ignore = 1;
            fill_packet(d, 2, 0, 1);
            return_packets(d, 3, 1);
        },
        FailureCode::InvalidRingRxPacketFragmentIndexOverlap, "packet", 2);
}

TEST_CASE("RX: a fragment Offset beyond its Capacity (0x4d)") {
    Queue q(QueueKind::Rx);
    q.rx_capacity = 512;
    fresh_rx(q);
    expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 1);
            d.fragment(0)->Offset = 600;
            d.fragment(0)->ValidLength = 0;
            return_packets(d, 1, 1);
        },
        FailureCode::InvalidRingRxPacketFragmentOffsetInvalid, "fragment", 0);
}

TEST_CASE("RX: Offset + ValidLength beyond Capacity (0x4e)") {
    Queue q(QueueKind::Rx);
    q.rx_backfill = 64;
    fresh_rx(q);
    SECTION("ValidLength alone too long") {
        expect_violation(
            q,
            [](Queue& d) {
                fill_packet(d, 0, 0, 1);
                d.fragment(0)->ValidLength = 2049;
                return_packets(d, 1, 1);
            },
            FailureCode::InvalidRingRxPacketFragmentLengthInvalid, "fragment", 0);
    }
    SECTION("fits Capacity but not after the OS's backfill Offset") {
        auto const v = expect_violation(
            q,
            [](Queue& d) {
                fill_packet(d, 0, 0, 2);
                d.fragment(1)->ValidLength = 2000;
                return_packets(d, 1, 2);
            },
            FailureCode::InvalidRingRxPacketFragmentLengthInvalid, "fragment", 1);
        CHECK(v.after == "ValidLength=2000 Capacity=2048 Offset=64 OsReserved_Bounced=0");
    }
}

TEST_CASE("RX: a checksum extension value outside its enum (ringlib's own code 0x1002)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    auto const v = expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 1);
            d.checksum(0)->Layer4 = 3;
            return_packets(d, 1, 1);
        },
        FailureCode::InvalidRingRxPacketChecksum, "packet", 0);
    CHECK(v.after == "checksum Layer2=0 Layer3=0 Layer4=3");
}

TEST_CASE("RX: a hash extension ProtocolType with unknown flags (ringlib's own code 0x1003)") {
    Queue q(QueueKind::Rx);
    fresh_rx(q);
    expect_violation(
        q,
        [](Queue& d) {
            fill_packet(d, 0, 0, 1);
            d.hash(0)->ProtocolType = NetPacketHashProtocolTypeTcp | 0x40;
            return_packets(d, 1, 1);
        },
        FailureCode::InvalidRingRxPacketHash, "packet", 0);
}

TEST_CASE("RX: extension values are only checked when the extension is enabled") {
    Queue q(QueueKind::Rx);
    // A queue whose OS did not enable the checksum/hash extensions: whatever sits there is not read.
    ringlib::RingVerifier bare(ringlib::VerifiedQueue{"rx1", QueueKind::Rx, q.rings(), {}});
    q.verifier.set_enabled(false);
    q.os_give_rx();
    bare.before("EvtAdvance");
    fill_packet(q, 0, 0, 1);
    q.checksum(0)->Layer4 = 3;
    q.hash(0)->ProtocolType = 0xffff;
    return_packets(q, 1, 1);
    CHECK_NOTHROW(bare.after("EvtAdvance"));
    CHECK(bare.checks_run() == 1);
}

TEST_CASE("print example reports (for ringlib/VERIFIER.md)", "[.report]") {
    for (int example = 0; example < 2; ++example) {
        Queue q(QueueKind::Rx);
        for (int round = 0; round < 2; ++round) {  // move the rings off index 0 first
            q.os_give_rx();
            q.advance([](Queue& d) { rx_indicate(d, 3); });
            q.os_reclaim();
        }
        q.os_give_rx();
        try {
            q.advance([example](Queue& d) {
                auto const pi = d.packets()->BeginIndex;
                auto const fi = d.fragments()->BeginIndex;
                auto const as_handed_over = d.packet(pi)->Layout;
                fill_packet(d, pi, fi, 2);
                if (example == 0) {
                    d.packet(pi)->Layout = as_handed_over;  // the RX path never wrote Layout
                } else {
                    d.fragment(NetRingIncrementIndex(d.fragments(), fi))->ValidLength = 2100;
                }
                return_packets(d, 1, 2);
            });
            FAIL("no violation");
        } catch (VerifierViolation const& e) {
            std::cout << e.what() << "\n\n";
            SUCCEED();
        }
    }
}
