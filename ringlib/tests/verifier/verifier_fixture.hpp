// A packet queue in plain memory for the verifier tests: real NET_RINGs (64-byte header + elements
// with inline extensions, as the OS lays them out), a NET_RING_COLLECTION, and just enough of the
// OS's behaviour (hand elements over, reclaim what the driver returned) to put the rings into any
// state a test needs. A test then runs a "driver" lambda between verifier.before() and after().
#pragma once

#include <ringlib/verifier.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstring>
#include <new>
#include <string>

namespace verifier_test {

using ringlib::FailureCode;
using ringlib::QueueKind;
using ringlib::RingVerifier;
using ringlib::VerifierViolation;
using ringlib::Violation;

// Element layouts, as the OS would build them from the extensions the driver asked for.
inline constexpr std::uint16_t packet_stride = 24;  // NET_PACKET(12) + checksum(1) + pad + hash(8)
inline constexpr std::size_t checksum_offset = 12;
inline constexpr std::size_t hash_offset = 16;
inline constexpr std::uint16_t fragment_stride = 24;  // NET_FRAGMENT(8) + virtual address(8) + logical address(8)
inline constexpr std::size_t virtual_address_offset = 8;
inline constexpr std::size_t logical_address_offset = 16;

/// One NET_RING with its elements in one 64-byte aligned allocation, zeroed.
class RingMemory {
public:
    RingMemory(std::uint32_t elements, std::uint16_t stride)
        : bytes_(offsetof(NET_RING, Buffer) + std::size_t{stride} * elements),
          memory_(static_cast<unsigned char*>(::operator new (bytes_, std::align_val_t{64}))) {
        std::memset(memory_, 0, bytes_);
        ring()->ElementStride = stride;
        ring()->NumberOfElements = elements;
        ring()->ElementIndexMask = elements - 1;
    }
    ~RingMemory() { ::operator delete (memory_, std::align_val_t{64}); }
    RingMemory(RingMemory const&) = delete;
    RingMemory& operator=(RingMemory const&) = delete;

    NET_RING* ring() const noexcept { return reinterpret_cast<NET_RING*>(memory_); }

private:
    std::size_t bytes_;
    unsigned char* memory_;
};

inline NET_PACKET_LAYOUT tcp_over_ipv4() {
    NET_PACKET_LAYOUT layout{};
    layout.Layer2Type = NetPacketLayer2TypeEthernet;
    layout.Layer2HeaderLength = 14;
    layout.Layer3Type = NetPacketLayer3TypeIPv4NoOptions;
    layout.Layer3HeaderLength = 20;
    layout.Layer4Type = NetPacketLayer4TypeTcp;
    layout.Layer4HeaderLength = 20;
    return layout;
}

/// A TX or RX queue: the rings, the verifier, and the OS's moves.
class Queue {
public:
    Queue(QueueKind kind, std::uint32_t packets = 8, std::uint32_t fragments = 16)
        : name(kind == QueueKind::Tx ? "tx0" : "rx0"),
          kind_(kind),
          packet_memory_(packets, packet_stride),
          fragment_memory_(fragments, fragment_stride),
          rings_{{packet_memory_.ring(), fragment_memory_.ring(), nullptr}},
          verifier(ringlib::VerifiedQueue{name, kind, &rings_, extensions()}) {}

    std::string name;
    std::uint32_t rx_capacity = 2048;  // Capacity the OS gives RX fragments
    std::uint32_t rx_backfill = 0;     // Offset the OS gives RX fragments

    NET_RING_COLLECTION const* rings() const noexcept { return &rings_; }
    NET_RING* packets() const noexcept { return packet_memory_.ring(); }
    NET_RING* fragments() const noexcept { return fragment_memory_.ring(); }
    NET_PACKET* packet(std::uint32_t i) const { return NetRingGetPacketAtIndex(packets(), i); }
    NET_FRAGMENT* fragment(std::uint32_t i) const { return NetRingGetFragmentAtIndex(fragments(), i); }
    unsigned char* packet_bytes(std::uint32_t i) const {
        return static_cast<unsigned char*>(NetRingGetElementAtIndex(packets(), i));
    }
    unsigned char* fragment_bytes(std::uint32_t i) const {
        return static_cast<unsigned char*>(NetRingGetElementAtIndex(fragments(), i));
    }
    NET_PACKET_CHECKSUM* checksum(std::uint32_t i) const {
        return reinterpret_cast<NET_PACKET_CHECKSUM*>(packet_bytes(i) + checksum_offset);
    }
    NET_PACKET_HASH* hash(std::uint32_t i) const {
        return reinterpret_cast<NET_PACKET_HASH*>(packet_bytes(i) + hash_offset);
    }
    UINT64* logical_address(std::uint32_t i) const {
        return reinterpret_cast<UINT64*>(fragment_bytes(i) + logical_address_offset);
    }

    /// Elements the OS can still hand over: all but the one it keeps empty and those not reclaimed.
    static std::uint32_t free_slots(NET_RING const* r) {
        return r->NumberOfElements - 1 - NetRingGetRangeCount(r, r->OSReserved0, r->EndIndex);
    }

    /// TX: the OS queues `count` packets of `fragments_each` fragments (Ethernet/IPv4/TCP, 100 B each).
    void os_send(std::uint32_t count, std::uint32_t fragments_each = 1) {
        REQUIRE(kind_ == QueueKind::Tx);
        REQUIRE(count <= free_slots(packets()));
        REQUIRE(count * fragments_each <= free_slots(fragments()));
        auto pi = packets()->EndIndex;
        auto fi = fragments()->EndIndex;
        for (std::uint32_t k = 0; k < count; ++k, pi = NetRingIncrementIndex(packets(), pi)) {
            auto* p = packet(pi);
            p->FragmentIndex = fi;
            p->FragmentCount = static_cast<UINT16>(fragments_each);
            p->Layout = tcp_over_ipv4();
            checksum(pi)->Layer4 = NetPacketTxChecksumActionRequired;
            for (std::uint32_t j = 0; j < fragments_each; ++j, fi = NetRingIncrementIndex(fragments(), fi)) {
                fragment(fi)->ValidLength = 100;
                fragment(fi)->Capacity = 2048;
                set_addresses(fi);
            }
        }
        hand_over(NetRingTypePacket, pi);
        hand_over(NetRingTypeFragment, fi);
    }

    /// RX: the OS gives every free fragment (or at most `max_fragments`) and every free packet slot.
    void os_give_rx(std::uint32_t max_fragments = ~0u) {
        REQUIRE(kind_ == QueueKind::Rx);
        auto const fragment_count = std::min(max_fragments, free_slots(fragments()));
        auto fi = fragments()->EndIndex;
        for (std::uint32_t k = 0; k < fragment_count; ++k, fi = NetRingIncrementIndex(fragments(), fi)) {
            fragment(fi)->Capacity = rx_capacity;
            fragment(fi)->Offset = rx_backfill;
            set_addresses(fi);
        }
        hand_over(NetRingTypeFragment, fi);
        hand_over(NetRingTypePacket,
                  NetRingAdvanceIndex(packets(), packets()->EndIndex, static_cast<INT32>(free_slots(packets()))));
    }

    /// The OS takes back [OSReserved0, BeginIndex) of both rings and zeroes those elements.
    void os_reclaim() {
        for (auto* r : {packets(), fragments()}) {
            while (r->OSReserved0 != r->BeginIndex) {
                std::memset(NetRingGetElementAtIndex(r, r->OSReserved0), 0, r->ElementStride);
                r->OSReserved0 = NetRingIncrementIndex(r, r->OSReserved0);
            }
        }
    }

    template <typename Driver>
    void advance(Driver&& driver) {
        verifier.before("EvtAdvance");
        driver(*this);
        verifier.after("EvtAdvance");
    }

    template <typename Driver>
    void cancel(Driver&& driver) {
        verifier.before("EvtCancel");
        driver(*this);
        verifier.after("EvtCancel");
    }

private:
    QueueKind kind_;
    RingMemory packet_memory_;
    RingMemory fragment_memory_;
    NET_RING_COLLECTION rings_;

public:
    RingVerifier verifier;

private:
    ringlib::VerifiedExtensions extensions() const {
        ringlib::VerifiedExtensions e;
        e.checksum.Reserved[0] = packet_memory_.ring()->Buffer + checksum_offset;
        e.checksum.Reserved[1] = reinterpret_cast<void*>(std::uintptr_t{packet_stride});
        e.checksum.Enabled = TRUE;
        e.hash.Reserved[0] = packet_memory_.ring()->Buffer + hash_offset;
        e.hash.Reserved[1] = reinterpret_cast<void*>(std::uintptr_t{packet_stride});
        e.hash.Enabled = TRUE;
        return e;
    }

    void set_addresses(std::uint32_t fi) {
        auto const va = reinterpret_cast<void*>(std::uintptr_t{0x10000} + std::uintptr_t{fi} * 2048);
        std::memcpy(fragment_bytes(fi) + virtual_address_offset, &va, sizeof va);
        *logical_address(fi) = 0x8000'0000ull + std::uint64_t{fi} * 2048;
    }

    void hand_over(NET_RING_TYPE type, std::uint32_t new_end) {
        auto* r = rings_.Rings[type];
        auto const old_end = r->EndIndex;
        r->EndIndex = new_end;
        verifier.on_os_handoff(type, old_end, new_end);
    }
};

// ---- drivers that follow the rules ----

/// TX EvtAdvance: hand every new packet to "hardware" (NextIndex = EndIndex), complete the first
/// `complete` posted packets (all if ~0u), return them and their fragments. Uses Scratch, as it may.
inline void tx_post_and_complete(Queue& q, std::uint32_t complete = ~0u) {
    auto* pr = q.packets();
    auto* fr = q.fragments();
    for (auto i = pr->NextIndex; i != pr->EndIndex; i = NetRingIncrementIndex(pr, i)) {
        q.packet(i)->Scratch = 1;  // "posted"
    }
    pr->NextIndex = pr->EndIndex;
    fr->NextIndex = fr->EndIndex;
    for (std::uint32_t n = 0; n < complete && pr->BeginIndex != pr->NextIndex; ++n) {
        auto const* p = q.packet(pr->BeginIndex);
        fr->BeginIndex = NetRingAdvanceIndex(fr, p->FragmentIndex, p->FragmentCount);
        pr->BeginIndex = NetRingIncrementIndex(pr, pr->BeginIndex);
    }
}

/// RX EvtAdvance: indicate `count` received frames of `fragments_each` fragments, TCP/IPv4, 60 B
/// per fragment, with checksum and hash extensions written.
inline void rx_indicate(Queue& q, std::uint32_t count, std::uint32_t fragments_each = 1) {
    auto* pr = q.packets();
    auto* fr = q.fragments();
    fr->NextIndex = fr->EndIndex;  // every buffer "posted"
    for (std::uint32_t n = 0; n < count; ++n) {
        auto* p = q.packet(pr->BeginIndex);
        p->FragmentIndex = fr->BeginIndex;
        p->FragmentCount = static_cast<UINT16>(fragments_each);
        p->Layout = tcp_over_ipv4();
        q.checksum(pr->BeginIndex)->Layer3 = NetPacketRxChecksumEvaluationValid;
        q.checksum(pr->BeginIndex)->Layer4 = NetPacketRxChecksumEvaluationValid;
        q.hash(pr->BeginIndex)->HashValue = 0x1234'5678u + n;
        q.hash(pr->BeginIndex)->ProtocolType = NetPacketHashProtocolTypeIPv4 | NetPacketHashProtocolTypeTcp;
        for (std::uint32_t j = 0; j < fragments_each; ++j) {
            q.fragment(fr->BeginIndex)->ValidLength = 60;
            fr->BeginIndex = NetRingIncrementIndex(fr, fr->BeginIndex);
        }
        pr->BeginIndex = NetRingIncrementIndex(pr, pr->BeginIndex);
    }
}

/// RX EvtCancel: every packet still owned is marked Ignore; both rings are returned entirely.
inline void rx_cancel(Queue& q) {
    auto* pr = q.packets();
    for (auto i = pr->BeginIndex; i != pr->EndIndex; i = NetRingIncrementIndex(pr, i)) {
        q.packet(i)->Ignore = 1;
    }
    pr->BeginIndex = pr->EndIndex;
    q.fragments()->BeginIndex = q.fragments()->EndIndex;
    q.fragments()->NextIndex = q.fragments()->EndIndex;
}

// ---- expecting a violation ----

/// Runs `driver` inside EvtAdvance (or EvtCancel) and returns the violation it must cause; checks
/// what every report must show: the code (hex and name), the queue, the callback, ring and index.
template <typename Driver>
Violation expect_violation(Queue& q, Driver&& driver, FailureCode code, char const* ring, std::uint32_t index,
                           char const* callback = "EvtAdvance") {
    try {
        q.verifier.before(callback);
        driver(q);
        q.verifier.after(callback);
    } catch (VerifierViolation const& e) {
        auto const& v = e.violation();
        INFO(e.what());
        CHECK(v.code == code);
        CHECK(v.queue == q.name);
        CHECK(v.callback == callback);
        CHECK(v.ring == ring);
        CHECK(v.index == index);
        auto const report = v.report();
        CHECK(std::string(e.what()) == report);
        CHECK_THAT(report, Catch::Contains(fmt::format("code {:#04x} {}", static_cast<std::uint32_t>(code),
                                                       ringlib::failure_code_name(code))));
        CHECK_THAT(report, Catch::Contains(
                               fmt::format("queue={}, callback={}, ring={}, index={}", q.name, callback, ring, index)));
        CHECK_THAT(report, Catch::Contains("before: ") && Catch::Contains("after:  "));
        return v;
    }
    FAIL(fmt::format("the driver broke rule {:#04x} {} but the verifier let it pass", static_cast<std::uint32_t>(code),
                     ringlib::failure_code_name(code)));
    return {};
}

}  // namespace verifier_test

namespace Catch {
template <>
struct StringMaker<ringlib::FailureCode> {
    static std::string convert(ringlib::FailureCode code) {
        return fmt::format("{:#04x} {}", static_cast<std::uint32_t>(code), ringlib::failure_code_name(code));
    }
};
}  // namespace Catch
