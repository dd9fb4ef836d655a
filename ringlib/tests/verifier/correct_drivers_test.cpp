// Drivers that follow every rule must never trip the verifier, however long they run and wherever
// their ranges wrap; and the verifier must stay cheap (no allocation per call after the first).
#include "verifier_fixture.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <new>

using namespace verifier_test;

// Counts every global allocation of this test program, so a test can prove a stretch of code made none.
// Every form of plain and array new and delete is replaced, so that all of them meet in malloc and
// free: a form left out would keep the runtime's (AddressSanitizer's own, in a sanitizer build),
// and memory from one would be freed by the other (Catch2 allocates with nothrow new).
namespace {
std::atomic<std::uint64_t> allocations{0};

void* counted_allocation(std::size_t size) noexcept {
    ++allocations;
    return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(std::size_t size) {
    if (void* p = counted_allocation(size)) {
        return p;
    }
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    return operator new(size);
}
void* operator new(std::size_t size, std::nothrow_t const&) noexcept {
    return counted_allocation(size);
}
void* operator new[](std::size_t size, std::nothrow_t const&) noexcept {
    return counted_allocation(size);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::nothrow_t const&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::nothrow_t const&) noexcept {
    std::free(p);
}

TEST_CASE("a TX driver that posts, then drains over many wrap-arounds is never flagged") {
    Queue q(QueueKind::Tx, 8, 16);
    std::uint64_t advances = 0;
    std::uint32_t sent = 0;
    std::uint32_t completed = 0;
    for (int round = 0; round < 40; ++round) {
        auto const packets = 1 + static_cast<std::uint32_t>(round % 3);
        auto const fragments_each = 1 + static_cast<std::uint32_t>(round % 4);
        if (packets <= Queue::free_slots(q.packets()) && packets * fragments_each <= Queue::free_slots(q.fragments())) {
            q.os_send(packets, fragments_each);
            sent += packets;
        }
        auto const before = q.packets()->BeginIndex;
        // Alternate: post only; then complete one; then complete all (drain).
        auto const complete = round % 3 == 0 ? 0u : (round % 3 == 1 ? 1u : ~0u);
        REQUIRE_NOTHROW(q.advance([&](Queue& d) { tx_post_and_complete(d, complete); }));
        ++advances;
        completed += NetRingGetRangeCount(q.packets(), before, q.packets()->BeginIndex);
        q.os_reclaim();
    }
    REQUIRE_NOTHROW(q.advance([](Queue& d) { tx_post_and_complete(d); }));  // drain the rest
    ++advances;
    CHECK(q.packets()->BeginIndex == q.packets()->EndIndex);
    CHECK(q.fragments()->BeginIndex == q.fragments()->EndIndex);
    CHECK(sent > 16);  // both rings wrapped more than once
    CHECK(q.verifier.checks_run() == advances);
    (void)completed;
}

TEST_CASE("TX cancel that does nothing is fine, the OS keeps calling Advance") {
    Queue q(QueueKind::Tx);
    q.os_send(3, 2);
    REQUIRE_NOTHROW(q.cancel([](Queue&) {}));
    REQUIRE_NOTHROW(q.advance([](Queue& d) { tx_post_and_complete(d); }));
    CHECK(q.packets()->BeginIndex == 3);
    CHECK(q.fragments()->BeginIndex == 6);
    CHECK(q.verifier.checks_run() == 2);
}

TEST_CASE("an RX driver that indicates frames over many wrap-arounds is never flagged") {
    Queue q(QueueKind::Rx, 8, 16);
    std::uint64_t advances = 0;
    std::uint32_t indicated = 0;
    for (int round = 0; round < 50; ++round) {
        q.os_give_rx();
        auto const fragments_each = 1 + static_cast<std::uint32_t>(round % 3);
        auto const owned_packets = NetRingGetRangeCount(q.packets(), q.packets()->BeginIndex, q.packets()->EndIndex);
        auto const owned_fragments =
            NetRingGetRangeCount(q.fragments(), q.fragments()->BeginIndex, q.fragments()->EndIndex);
        auto const frames = std::min({owned_packets, owned_fragments / fragments_each, 1 + std::uint32_t(round % 5)});
        REQUIRE_NOTHROW(q.advance([&](Queue& d) { rx_indicate(d, frames, fragments_each); }));
        ++advances;
        indicated += frames;
        q.os_reclaim();
    }
    CHECK(indicated > 32);  // the 8-packet ring wrapped at least four times
    CHECK(q.verifier.checks_run() == advances);
}

TEST_CASE("an RX driver may return fragments without a packet (a dropped frame)") {
    Queue q(QueueKind::Rx);
    q.os_give_rx();
    REQUIRE_NOTHROW(q.advance([](Queue& d) {
        d.fragments()->BeginIndex = 2;  // two buffers of a bad frame go back unused
        rx_indicate(d, 1);              // then a good frame on fragment 2
    }));
    CHECK(q.packet(0)->FragmentIndex == 2);
}

TEST_CASE("an RX driver may fill a packet in one Advance and return it in a later one") {
    Queue q(QueueKind::Rx);
    q.os_give_rx();
    q.advance([](Queue& d) {
        d.packet(0)->FragmentIndex = 0;
        d.packet(0)->FragmentCount = 1;
        d.packet(0)->Layout = tcp_over_ipv4();
        d.fragment(0)->ValidLength = 64;
    });
    REQUIRE_NOTHROW(q.advance([](Queue& d) {
        d.packets()->BeginIndex = 1;
        d.fragments()->BeginIndex = 1;
    }));
}

TEST_CASE("RX cancel: every packet Ignore, both BeginIndex moved to EndIndex, after a wrap") {
    Queue q(QueueKind::Rx, 8, 16);
    for (int round = 0; round < 3; ++round) {
        q.os_give_rx();
        q.advance([](Queue& d) { rx_indicate(d, 5); });
        q.os_reclaim();
    }
    q.os_give_rx();
    REQUIRE(q.packets()->BeginIndex > q.packets()->EndIndex);  // the driver's range wraps
    REQUIRE_NOTHROW(q.cancel(rx_cancel));
    CHECK(q.packets()->BeginIndex == q.packets()->EndIndex);
    CHECK(q.fragments()->BeginIndex == q.fragments()->EndIndex);
    CHECK(q.verifier.checks_run() == 4);
}

TEST_CASE("no allocation per before/after pair after the first") {
    Queue q(QueueKind::Rx, 1024, 2048);
    q.os_give_rx();
    q.advance([](Queue& d) { rx_indicate(d, 10); });  // first call sizes the snapshot buffers
    q.os_reclaim();
    std::uint64_t inside_verifier = 0;  // only the verifier's calls count: the fixture uses Catch macros
    for (int i = 0; i < 50; ++i) {
        q.os_give_rx();
        auto const a0 = allocations.load();
        q.verifier.on_os_handoff(NetRingTypePacket, q.packets()->EndIndex, q.packets()->EndIndex);
        q.verifier.before("EvtAdvance");
        auto const a1 = allocations.load();
        rx_indicate(q, 20, 2);
        auto const a2 = allocations.load();
        q.verifier.after("EvtAdvance");
        inside_verifier += (a1 - a0) + (allocations.load() - a2);
        q.os_reclaim();
    }
    CHECK(inside_verifier == 0);
    CHECK(allocations.load() > 0);  // the counter does count (Catch and the fixture allocate)
    CHECK(q.verifier.checks_run() == 51);
}

TEST_CASE("cost of before/after around an Advance on 65536-element rings", "[.perf]") {
    for (auto kind : {QueueKind::Tx, QueueKind::Rx}) {
        Queue q(kind, 65536, 65536);
        auto const rounds = 200;
        std::chrono::nanoseconds spent{0};
        for (int r = 0; r < rounds; ++r) {
            if (kind == QueueKind::Tx) {
                q.os_send(std::min(Queue::free_slots(q.packets()), 30000u));
            } else {
                q.os_give_rx();
            }
            auto const t0 = std::chrono::steady_clock::now();
            q.verifier.before("EvtAdvance");
            auto const t1 = std::chrono::steady_clock::now();
            if (kind == QueueKind::Tx) {
                tx_post_and_complete(q, 256);
            } else {
                rx_indicate(q, 256);
            }
            auto const t2 = std::chrono::steady_clock::now();
            q.verifier.after("EvtAdvance");
            auto const t3 = std::chrono::steady_clock::now();
            spent += (t1 - t0) + (t3 - t2);
            q.os_reclaim();
        }
        std::cout << (kind == QueueKind::Tx ? "TX" : "RX") << " 65536-element rings (stride 24): "
                  << std::chrono::duration<double, std::micro>(spent).count() / rounds << " us per before+after\n";
    }
}
