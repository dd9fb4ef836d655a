// The ring verifier (docs/netring.md §7; rule table in ringlib/VERIFIER.md).
//
// How it stays cheap around every EvtAdvance, even with 65536-element rings:
//   before(): one memcpy per ring of header + every element into a buffer that is reused
//             (it only grows, so after the first call nothing is allocated);
//   after():  the header and the OS-owned elements are compared with memcmp over at most two
//             contiguous spans per ring (two when the range wraps); elements are decoded one by one
//             only where the driver may write: its own range, and for RX the packets it returned
//             and their fragments. A violation is formatted only once it has been found.
//
// Every check reads the ring geometry (size, mask, stride, EndIndex) from the snapshot, never from
// the live header the driver might have damaged, so a broken driver cannot make the checker itself
// read out of bounds. The checks run in one fixed order, so the first violation reported for a
// given pair of ring states is always the same one.
#include <ringlib/verifier.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utility>

namespace ringlib {

namespace {

constexpr std::size_t ring_header_bytes = offsetof(NET_RING, Buffer);
constexpr std::size_t immutable_header_bytes = offsetof(NET_RING, BeginIndex);

// RX poison written by on_os_handoff. Every value is one a correct driver never writes back:
// layer types only go up to 6, fragment indices are < NumberOfElements, and a ValidLength of
// 2^26 - 1 cannot fit Offset + ValidLength <= Capacity unless Capacity is the 26-bit maximum.
constexpr std::uint32_t poison_fragment_index = 0xffff'ffffu;
constexpr std::uint16_t poison_fragment_count = 0xffffu;
constexpr unsigned poison_layer_type = 0xfu;
constexpr std::uint32_t poison_valid_length = (1u << 26) - 1;

// Highest legal value of each layout/extension enum (ringlib's headers win over NetCx's newer ones).
constexpr unsigned max_layer2_type = NetPacketLayer2TypeEthernet;
constexpr unsigned max_layer3_type = NetPacketLayer3TypeIPv6NoExtensions;
constexpr unsigned max_layer4_type = NetPacketLayer4TypeIPNotFragment;
constexpr unsigned max_rx_checksum = NetPacketRxChecksumEvaluationInvalid;
constexpr unsigned known_hash_protocol_flags = NetPacketHashProtocolTypeIPv4 | NetPacketHashProtocolTypeIPv4Options |
                                               NetPacketHashProtocolTypeIPv6 | NetPacketHashProtocolTypeIPv6Extensions |
                                               NetPacketHashProtocolTypeTcp | NetPacketHashProtocolTypeUdp;

struct CodeInfo {
    FailureCode code;
    char const* name;
    char const* rule;
};

// clang-format off
constexpr CodeInfo code_table[] = {
    {FailureCode::NotPowerOfTwo, "NotPowerOfTwo",
     "a ring size hint must be a non-zero power of two"},
    {FailureCode::InvalidRingImmutable, "InvalidRingImmutable",
     "the ring header before BeginIndex (sizes, EndIndex, OS-reserved fields) belongs to the OS and must not change"},
    {FailureCode::InvalidRingImmutableFrameworkElement, "InvalidRingImmutableFrameworkElement",
     "an element the OS owns (outside [BeginIndex, EndIndex)) must stay byte-identical, extensions included"},
    {FailureCode::InvalidRingImmutableDriverTxPacket, "InvalidRingImmutableDriverTxPacket",
     "a TX packet the driver owns is read-only except Scratch (Ignore is read-only too), extensions included"},
    {FailureCode::InvalidRingImmutableDriverTxFragment, "InvalidRingImmutableDriverTxFragment",
     "a TX fragment the driver owns is read-only except Scratch, extensions included"},
    {FailureCode::InvalidRingImmutableDriverRxPacketIgnore, "InvalidRingImmutableDriverRxPacketIgnore",
     "an RX packet marked Ignore must otherwise be left exactly as the OS handed it over"},
    {FailureCode::InvalidRingModifiedRxPacket, "InvalidRingModifiedRxPacket",
     "the reserved bits of an RX packet (Layout.Reserved0, Reserved1) must not change"},
    {FailureCode::InvalidRingModifiedRxFragment, "InvalidRingModifiedRxFragment",
     "every fragment of a returned RX packet must have its ValidLength written"},
    {FailureCode::InvalidRingUnmodifiedRxPacket, "InvalidRingUnmodifiedRxPacket",
     "a returned RX packet must have FragmentIndex, FragmentCount and all three layer types written"},
    {FailureCode::InvalidRingUnmodifiedRxFragment, "InvalidRingUnmodifiedRxFragment",
     "the Capacity and OsReserved_Bounced of a returned RX fragment belong to the OS and must not change"},
    {FailureCode::InvalidRingBeginIndex, "InvalidRingBeginIndex",
     "BeginIndex may only move forward, and never past EndIndex"},
    {FailureCode::InvalidRingRxPacketFragmentCountZero, "InvalidRingRxPacketFragmentCountZero",
     "a returned RX packet must have at least one fragment"},
    {FailureCode::InvalidRingRxPacketFragmentCountOutOfRange, "InvalidRingRxPacketFragmentCountOutOfRange",
     "a returned RX packet cannot have more fragments than the driver owned before the call"},
    {FailureCode::InvalidRingRxPacketFragmentIndexOutOfPreRange, "InvalidRingRxPacketFragmentIndexOutOfPreRange",
     "a returned RX packet's first fragment must have been in the driver's fragment range before the call"},
    {FailureCode::InvalidRingRxPacketFragmentCountOutOfPreRange, "InvalidRingRxPacketFragmentCountOutOfPreRange",
     "a returned RX packet's last fragment must have been in the driver's fragment range before the call"},
    {FailureCode::InvalidRingRxPacketFragmentIndexOutOfPostRange, "InvalidRingRxPacketFragmentIndexOutOfPostRange",
     "a returned RX packet's first fragment must be returned too (fragment BeginIndex moved past it)"},
    {FailureCode::InvalidRingRxPacketFragmentCountOutOfPostRange, "InvalidRingRxPacketFragmentCountOutOfPostRange",
     "a returned RX packet's last fragment must be returned too (fragment BeginIndex moved past it)"},
    {FailureCode::InvalidRingRxPacketLayer2Type, "InvalidRingRxPacketLayer2Type",
     "Layout.Layer2Type must be a NET_PACKET_LAYER2_TYPE value"},
    {FailureCode::InvalidRingRxPacketLayer2TypeNullLengthNonZero, "InvalidRingRxPacketLayer2TypeNullLengthNonZero",
     "a Null layer 2 must have a header length of 0"},
    {FailureCode::InvalidRingRxPacketLayer2TypeEthernetLengthInvalid, "InvalidRingRxPacketLayer2TypeEthernetLengthInvalid",
     "an Ethernet layer 2 header length must be 0 (unknown) or at least 14"},
    {FailureCode::InvalidRingRxPacketLayer3TypeIPv4LengthInvalid, "InvalidRingRxPacketLayer3TypeIPv4LengthInvalid",
     "an IPv4 header length must be 0 (unknown) or at least 20"},
    {FailureCode::InvalidRingRxPacketLayer3TypeIPv6LengthInvalid, "InvalidRingRxPacketLayer3TypeIPv6LengthInvalid",
     "an IPv6 header length must be 0 (unknown) or at least 40"},
    {FailureCode::InvalidRingRxPacketLayer4TypeTcpLengthInvalid, "InvalidRingRxPacketLayer4TypeTcpLengthInvalid",
     "a TCP header length must be 0 (unknown) or 20..60 and a multiple of 4"},
    {FailureCode::InvalidRingRxPacketLayer4TypeUdpLengthInvalid, "InvalidRingRxPacketLayer4TypeUdpLengthInvalid",
     "a UDP header length must be 0 (unknown) or at least 8"},
    {FailureCode::InvalidRingRxPacketLayer3Type, "InvalidRingRxPacketLayer3Type",
     "Layout.Layer3Type must be a NET_PACKET_LAYER3_TYPE value"},
    {FailureCode::InvalidRingRxPacketLayer4Type, "InvalidRingRxPacketLayer4Type",
     "Layout.Layer4Type must be a NET_PACKET_LAYER4_TYPE value"},
    {FailureCode::InvalidRingRxPacketFragmentIndexOverlap, "InvalidRingRxPacketFragmentIndexOverlap",
     "consecutive returned RX packets' fragments must ascend: each packet starts after the previous one starts"},
    {FailureCode::InvalidRingRxPacketFragmentCountOverlap, "InvalidRingRxPacketFragmentCountOverlap",
     "consecutive returned RX packets' fragments must not overlap: each packet starts after the previous one ends"},
    {FailureCode::InvalidRingRxPacketFragmentOffsetInvalid, "InvalidRingRxPacketFragmentOffsetInvalid",
     "a returned RX fragment's Offset must not exceed its Capacity"},
    {FailureCode::InvalidRingRxPacketFragmentLengthInvalid, "InvalidRingRxPacketFragmentLengthInvalid",
     "a returned RX fragment must satisfy Offset + ValidLength <= Capacity"},
    {FailureCode::InvalidRingNextIndex, "InvalidRingNextIndex",
     "NextIndex must be a ring index (less than NumberOfElements)"},
    {FailureCode::InvalidRingRxPacketChecksum, "InvalidRingRxPacketChecksum",
     "each field of a returned RX packet's checksum extension must be NotChecked, Valid or Invalid"},
    {FailureCode::InvalidRingRxPacketHash, "InvalidRingRxPacketHash",
     "a returned RX packet's hash extension ProtocolType may only hold NET_PACKET_HASH_PROTOCOL_TYPE flags"},
};
// clang-format on

CodeInfo const* find_code(FailureCode code) noexcept {
    for (auto const& info : code_table) {
        if (info.code == code) {
            return &info;
        }
    }
    return nullptr;
}

template <typename T>
T load(unsigned char const* bytes) noexcept {
    T value;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

NET_PACKET load_packet(unsigned char const* element) noexcept {
    return load<NET_PACKET>(element);
}
NET_FRAGMENT load_fragment(unsigned char const* element) noexcept {
    return load<NET_FRAGMENT>(element);
}

// ---- formatting (only ever called once a violation has been found) ----

std::string hex_or_unwritten(std::uint64_t value, std::uint64_t poison) {
    return value == poison ? fmt::format("{:#x}(unwritten)", value) : fmt::format("{}", value);
}

char const* layer2_name(unsigned type) {
    switch (type) {
    case NetPacketLayer2TypeUnspecified: return "Unspecified";
    case NetPacketLayer2TypeNull: return "Null";
    case NetPacketLayer2TypeEthernet: return "Ethernet";
    default: return nullptr;
    }
}

char const* layer3_name(unsigned type) {
    switch (type) {
    case NetPacketLayer3TypeUnspecified: return "Unspecified";
    case NetPacketLayer3TypeIPv4UnspecifiedOptions: return "IPv4UnspecifiedOptions";
    case NetPacketLayer3TypeIPv4WithOptions: return "IPv4WithOptions";
    case NetPacketLayer3TypeIPv4NoOptions: return "IPv4NoOptions";
    case NetPacketLayer3TypeIPv6UnspecifiedExtensions: return "IPv6UnspecifiedExtensions";
    case NetPacketLayer3TypeIPv6WithExtensions: return "IPv6WithExtensions";
    case NetPacketLayer3TypeIPv6NoExtensions: return "IPv6NoExtensions";
    default: return nullptr;
    }
}

char const* layer4_name(unsigned type) {
    switch (type) {
    case NetPacketLayer4TypeUnspecified: return "Unspecified";
    case NetPacketLayer4TypeTcp: return "Tcp";
    case NetPacketLayer4TypeUdp: return "Udp";
    case NetPacketLayer4TypeIPFragment: return "IPFragment";
    case NetPacketLayer4TypeIPNotFragment: return "IPNotFragment";
    default: return nullptr;
    }
}

std::string type_text(char const* name, unsigned type) {
    if (name != nullptr) {
        return name;
    }
    return type == poison_layer_type ? fmt::format("{:#x}(unwritten)", type) : fmt::format("{:#x}(illegal)", type);
}

std::string layout_text(NET_PACKET_LAYOUT const& l) {
    return fmt::format("L2={}/{} L3={}/{} L4={}/{}", type_text(layer2_name(l.Layer2Type), l.Layer2Type),
                       unsigned{l.Layer2HeaderLength}, type_text(layer3_name(l.Layer3Type), l.Layer3Type),
                       unsigned{l.Layer3HeaderLength}, type_text(layer4_name(l.Layer4Type), l.Layer4Type),
                       unsigned{l.Layer4HeaderLength});
}

std::string packet_text(NET_PACKET const& p) {
    return fmt::format(
        "FragmentIndex={} FragmentCount={} {} Ignore={}", hex_or_unwritten(p.FragmentIndex, poison_fragment_index),
        hex_or_unwritten(p.FragmentCount, poison_fragment_count), layout_text(p.Layout), unsigned{p.Ignore});
}

std::string fragment_text(NET_FRAGMENT const& f) {
    return fmt::format("ValidLength={} Capacity={} Offset={} OsReserved_Bounced={}",
                       hex_or_unwritten(f.ValidLength, poison_valid_length), std::uint64_t{f.Capacity},
                       std::uint64_t{f.Offset}, std::uint64_t{f.OsReserved_Bounced});
}

// "Name=before" / "Name=after" for every field that differs; extension bytes by offset.
struct Diff {
    std::string before;
    std::string after;

    void add(char const* name, std::uint64_t b, std::uint64_t a) {
        if (b == a) {
            return;
        }
        append(before, fmt::format("{}={}", name, b));
        append(after, fmt::format("{}={}", name, a));
    }
    void add_bytes(char const* what, std::size_t offset, unsigned char b, unsigned char a) {
        append(before, fmt::format("{} byte {}={:#04x}", what, offset, b));
        append(after, fmt::format("{} byte {}={:#04x}", what, offset, a));
    }
    static void append(std::string& s, std::string const& item) {
        if (!s.empty()) {
            s += ' ';
        }
        s += item;
    }
};

enum class ElementKind { Packet, Fragment };

Diff element_diff(ElementKind kind, unsigned char const* b, unsigned char const* a, std::size_t stride) {
    Diff d;
    std::size_t core = 0;
    if (kind == ElementKind::Packet) {
        auto const pb = load_packet(b);
        auto const pa = load_packet(a);
        d.add("FragmentIndex", pb.FragmentIndex, pa.FragmentIndex);
        d.add("FragmentCount", pb.FragmentCount, pa.FragmentCount);
        d.add("Layer2HeaderLength", pb.Layout.Layer2HeaderLength, pa.Layout.Layer2HeaderLength);
        d.add("Layer3HeaderLength", pb.Layout.Layer3HeaderLength, pa.Layout.Layer3HeaderLength);
        d.add("Layer4HeaderLength", pb.Layout.Layer4HeaderLength, pa.Layout.Layer4HeaderLength);
        d.add("Layer2Type", pb.Layout.Layer2Type, pa.Layout.Layer2Type);
        d.add("Layer3Type", pb.Layout.Layer3Type, pa.Layout.Layer3Type);
        d.add("Layer4Type", pb.Layout.Layer4Type, pa.Layout.Layer4Type);
        d.add("Layout.Reserved0", pb.Layout.Reserved0, pa.Layout.Reserved0);
        d.add("Ignore", pb.Ignore, pa.Ignore);
        d.add("Scratch", pb.Scratch, pa.Scratch);
        d.add("Reserved1", pb.Reserved1, pa.Reserved1);
        core = sizeof(NET_PACKET);
    } else {
        auto const fb = load_fragment(b);
        auto const fa = load_fragment(a);
        d.add("ValidLength", fb.ValidLength, fa.ValidLength);
        d.add("Capacity", fb.Capacity, fa.Capacity);
        d.add("Offset", fb.Offset, fa.Offset);
        d.add("Scratch", fb.Scratch, fa.Scratch);
        d.add("OsReserved_Bounced", fb.OsReserved_Bounced, fa.OsReserved_Bounced);
        core = sizeof(NET_FRAGMENT);
    }
    int shown = 0;
    for (std::size_t i = core; i < stride && shown < 4; ++i) {
        if (b[i] != a[i]) {
            d.add_bytes("extension", i, b[i], a[i]);
            ++shown;
        }
    }
    return d;
}

Diff header_diff(unsigned char const* b, unsigned char const* a) {
    Diff d;
    d.add("OSReserved1", load<UINT16>(b + offsetof(NET_RING, OSReserved1)),
          load<UINT16>(a + offsetof(NET_RING, OSReserved1)));
    d.add("ElementStride", load<UINT16>(b + offsetof(NET_RING, ElementStride)),
          load<UINT16>(a + offsetof(NET_RING, ElementStride)));
    d.add("NumberOfElements", load<UINT32>(b + offsetof(NET_RING, NumberOfElements)),
          load<UINT32>(a + offsetof(NET_RING, NumberOfElements)));
    d.add("ElementIndexMask", load<UINT32>(b + offsetof(NET_RING, ElementIndexMask)),
          load<UINT32>(a + offsetof(NET_RING, ElementIndexMask)));
    d.add("EndIndex", load<UINT32>(b + offsetof(NET_RING, EndIndex)), load<UINT32>(a + offsetof(NET_RING, EndIndex)));
    d.add("OSReserved0", load<UINT32>(b + offsetof(NET_RING, OSReserved0)),
          load<UINT32>(a + offsetof(NET_RING, OSReserved0)));
    for (std::size_t i = offsetof(NET_RING, OSReserved0) + sizeof(UINT32); i < immutable_header_bytes; ++i) {
        if (b[i] != a[i]) {
            d.add_bytes("OSReserved2", i, b[i], a[i]);
            break;
        }
    }
    return d;
}

// Bits of the core struct a driver may change in its own TX range: Scratch only.
template <typename T, typename Set>
std::array<unsigned char, sizeof(T)> field_bits(Set set) {
    T value;
    std::memset(&value, 0, sizeof value);
    set(value);
    std::array<unsigned char, sizeof(T)> bytes{};
    std::memcpy(bytes.data(), &value, sizeof value);
    return bytes;
}

auto const tx_packet_writable = field_bits<NET_PACKET>([](NET_PACKET& p) { p.Scratch = 1; });
auto const tx_fragment_writable = field_bits<NET_FRAGMENT>([](NET_FRAGMENT& f) { f.Scratch = 1; });

// Does the element differ in any bit the driver may not write? `writable` covers the core struct;
// every extension byte after it is read-only.
bool differs_outside(unsigned char const* b, unsigned char const* a, std::size_t stride, unsigned char const* writable,
                     std::size_t core) {
    for (std::size_t i = 0; i < core; ++i) {
        if (((b[i] ^ a[i]) & ~writable[i]) != 0) {
            return true;
        }
    }
    return std::memcmp(b + core, a + core, stride - core) != 0;
}

}  // namespace

char const* failure_code_name(FailureCode code) {
    auto const* info = find_code(code);
    return info != nullptr ? info->name : "UnknownFailureCode";
}

std::string Violation::report() const {
    auto text = fmt::format("ring verifier: {} [code {:#04x} {}] queue={}, callback={}, ring={}, index={}\n", rule,
                            static_cast<std::uint32_t>(code), failure_code_name(code), queue, callback, ring, index);
    if (!detail.empty()) {
        text += fmt::format("  where:  {}\n", detail);
    }
    text += fmt::format("  before: {}\n  after:  {}", before, after);
    return text;
}

VerifierViolation::VerifierViolation(Violation violation)
    : std::runtime_error(violation.report()), violation_(std::move(violation)) {}

void verify_ring_size_hint(std::string const& queue, char const* what, std::uint32_t hint) {
    if (hint != 0 && (hint & (hint - 1)) == 0) {
        return;
    }
    throw VerifierViolation(Violation{FailureCode::NotPowerOfTwo, find_code(FailureCode::NotPowerOfTwo)->rule, queue,
                                      "capabilities", what, hint, "(a power of two)", fmt::format("{}", hint)});
}

// ---- the verifier proper ----

namespace {

// One ring as it was at before(): header + every element, in one reused buffer.
struct RingSnapshot {
    NET_RING const* live = nullptr;
    char const* name = "";
    ElementKind kind = ElementKind::Packet;
    std::vector<unsigned char> bytes;
    std::uint32_t n = 0;
    std::uint32_t mask = 0;
    std::size_t stride = 0;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;

    void take(NET_RING const* ring) {
        live = ring;
        if (ring == nullptr) {
            return;
        }
        n = ring->NumberOfElements;
        mask = ring->ElementIndexMask;
        stride = ring->ElementStride;
        std::size_t const core = kind == ElementKind::Packet ? sizeof(NET_PACKET) : sizeof(NET_FRAGMENT);
        if (n < 2 || (n & (n - 1)) != 0 || mask != n - 1 || stride < core) {
            throw std::logic_error(
                fmt::format("ring verifier: the OS handed a malformed {} ring (NumberOfElements={} ElementIndexMask={} "
                            "ElementStride={})",
                            name, n, mask, stride));
        }
        auto const size = ring_header_bytes + stride * n;
        bytes.resize(size);  // grows once; the same size never reallocates
        std::memcpy(bytes.data(), ring, size);
        begin = ring->BeginIndex & mask;
        end = ring->EndIndex & mask;
    }

    std::uint32_t count(std::uint32_t from, std::uint32_t to) const noexcept { return (to - from) & mask; }
    std::uint32_t at(std::uint32_t from, std::uint32_t distance) const noexcept { return (from + distance) & mask; }
    unsigned char const* header_before() const noexcept { return bytes.data(); }
    unsigned char const* header_after() const noexcept { return reinterpret_cast<unsigned char const*>(live); }
    unsigned char const* before(std::uint32_t index) const noexcept {
        return bytes.data() + ring_header_bytes + stride * index;
    }
    unsigned char const* after(std::uint32_t index) const noexcept {
        return header_after() + ring_header_bytes + stride * index;
    }
    std::uint32_t begin_after() const noexcept { return live->BeginIndex; }

    // Calls f(first_index, element_count) for the one or two contiguous spans of [from, from+count).
    template <typename F>
    auto for_spans(std::uint32_t from, std::uint32_t count, F f) const {
        auto const first = std::min<std::uint32_t>(count, n - from);
        if (auto r = f(from, first)) {
            return r;
        }
        return f(0, count - first);
    }
};

}  // namespace

struct RingVerifier::State {
    VerifiedQueue queue;
    bool enabled = true;
    bool armed = false;
    std::uint64_t checks = 0;
    std::string callback;
    RingSnapshot packets;
    RingSnapshot fragments;

    explicit State(VerifiedQueue q) : queue(std::move(q)) {
        packets.name = "packet";
        packets.kind = ElementKind::Packet;
        fragments.name = "fragment";
        fragments.kind = ElementKind::Fragment;
    }

    [[noreturn]] void fail(FailureCode code, RingSnapshot const& ring, std::uint32_t index, std::string before,
                           std::string after, std::string detail = {}) const {
        throw VerifierViolation(Violation{code, find_code(code)->rule, queue.name, callback, ring.name, index,
                                          std::move(before), std::move(after), std::move(detail)});
    }

    void check_header(RingSnapshot const& r) const {
        if (std::memcmp(r.header_before(), r.header_after(), immutable_header_bytes) != 0) {
            auto d = header_diff(r.header_before(), r.header_after());
            fail(FailureCode::InvalidRingImmutable, r, r.end, std::move(d.before), std::move(d.after));
        }
    }

    void check_indices(RingSnapshot const& r) const {
        auto const begin = r.begin_after();
        if (begin >= r.n || r.count(begin, r.end) > r.count(r.begin, r.end)) {
            fail(FailureCode::InvalidRingBeginIndex, r, begin, fmt::format("Begin={} End={}", r.begin, r.end),
                 fmt::format("Begin={} End={}", begin, r.end));
        }
        auto const next = r.live->NextIndex;
        if (next >= r.n) {
            fail(FailureCode::InvalidRingNextIndex, r, next,
                 fmt::format("Next={} NumberOfElements={}",
                             load<UINT32>(r.header_before() + offsetof(NET_RING, NextIndex)), r.n),
                 fmt::format("Next={}", next));
        }
    }

    // OS-owned = everything outside [Begin, End) as it was before the call.
    void check_os_owned(RingSnapshot const& r) const {
        auto const owned_by_driver = r.count(r.begin, r.end);
        r.for_spans(r.end, r.n - owned_by_driver, [&](std::uint32_t first, std::uint32_t count) {
            if (count == 0 || std::memcmp(r.before(first), r.after(first), r.stride * count) == 0) {
                return false;
            }
            for (std::uint32_t i = first; i < first + count; ++i) {
                if (std::memcmp(r.before(i), r.after(i), r.stride) != 0) {
                    auto d = element_diff(r.kind, r.before(i), r.after(i), r.stride);
                    fail(FailureCode::InvalidRingImmutableFrameworkElement, r, i, std::move(d.before),
                         std::move(d.after),
                         fmt::format("OS-owned: outside the driver's range [Begin={}, End={})", r.begin, r.end));
                }
            }
            return false;
        });
    }

    void check_tx_driver_range(RingSnapshot const& r, FailureCode code, unsigned char const* writable,
                               std::size_t core) const {
        r.for_spans(r.begin, r.count(r.begin, r.end), [&](std::uint32_t first, std::uint32_t count) {
            if (count == 0 || std::memcmp(r.before(first), r.after(first), r.stride * count) == 0) {
                return false;
            }
            for (std::uint32_t i = first; i < first + count; ++i) {
                if (differs_outside(r.before(i), r.after(i), r.stride, writable, core)) {
                    auto d = element_diff(r.kind, r.before(i), r.after(i), r.stride);
                    fail(code, r, i, std::move(d.before), std::move(d.after));
                }
            }
            return false;
        });
    }

    // An RX packet the driver still owns after the call: Ignore means untouched, else reserved bits.
    void check_rx_packet_kept(RingSnapshot const& p, std::uint32_t i) const {
        auto const before = load_packet(p.before(i));
        auto const after = load_packet(p.after(i));
        if (after.Ignore) {
            auto masked_before = before;
            auto masked_after = after;
            masked_before.Ignore = masked_after.Ignore = 0;
            masked_before.Scratch = masked_after.Scratch = 0;
            if (std::memcmp(&masked_before, &masked_after, sizeof(NET_PACKET)) != 0) {
                auto d = element_diff(ElementKind::Packet, p.before(i), p.after(i), sizeof(NET_PACKET));
                fail(FailureCode::InvalidRingImmutableDriverRxPacketIgnore, p, i, std::move(d.before),
                     std::move(d.after));
            }
            return;
        }
        if (before.Reserved1 != after.Reserved1 || before.Layout.Reserved0 != after.Layout.Reserved0) {
            auto d = element_diff(ElementKind::Packet, p.before(i), p.after(i), sizeof(NET_PACKET));
            fail(FailureCode::InvalidRingModifiedRxPacket, p, i, std::move(d.before), std::move(d.after));
        }
    }

    void check_layout(RingSnapshot const& p, std::uint32_t i, NET_PACKET const& before, NET_PACKET const& pkt) const {
        auto const& l = pkt.Layout;
        auto bad = [&](FailureCode code) { fail(code, p, i, layout_text(before.Layout), layout_text(l)); };
        if (l.Layer2Type > max_layer2_type) bad(FailureCode::InvalidRingRxPacketLayer2Type);
        if (l.Layer3Type > max_layer3_type) bad(FailureCode::InvalidRingRxPacketLayer3Type);
        if (l.Layer4Type > max_layer4_type) bad(FailureCode::InvalidRingRxPacketLayer4Type);
        if (l.Layer2Type == NetPacketLayer2TypeNull && l.Layer2HeaderLength != 0)
            bad(FailureCode::InvalidRingRxPacketLayer2TypeNullLengthNonZero);
        if (l.Layer2Type == NetPacketLayer2TypeEthernet && l.Layer2HeaderLength != 0 && l.Layer2HeaderLength < 14)
            bad(FailureCode::InvalidRingRxPacketLayer2TypeEthernetLengthInvalid);
        if (NetPacketIsIpv4(&pkt) && l.Layer3HeaderLength != 0 && l.Layer3HeaderLength < 20)
            bad(FailureCode::InvalidRingRxPacketLayer3TypeIPv4LengthInvalid);
        if (NetPacketIsIpv6(&pkt) && l.Layer3HeaderLength != 0 && l.Layer3HeaderLength < 40)
            bad(FailureCode::InvalidRingRxPacketLayer3TypeIPv6LengthInvalid);
        if (l.Layer4Type == NetPacketLayer4TypeTcp && l.Layer4HeaderLength != 0 &&
            (l.Layer4HeaderLength < 20 || l.Layer4HeaderLength > 60 || l.Layer4HeaderLength % 4 != 0))
            bad(FailureCode::InvalidRingRxPacketLayer4TypeTcpLengthInvalid);
        if (l.Layer4Type == NetPacketLayer4TypeUdp && l.Layer4HeaderLength != 0 && l.Layer4HeaderLength < 8)
            bad(FailureCode::InvalidRingRxPacketLayer4TypeUdpLengthInvalid);
    }

    // Where an enabled packet extension sits inside an element, or nullopt if it is not in the ring.
    std::optional<std::size_t> extension_offset(RingSnapshot const& p, NET_EXTENSION const& ext) const {
        if (!ext.Enabled || ext.Reserved[0] == nullptr) {
            return std::nullopt;
        }
        auto const base = reinterpret_cast<std::uintptr_t>(ext.Reserved[0]);
        auto const element0 = reinterpret_cast<std::uintptr_t>(p.after(0));
        if (base < element0 || base - element0 >= p.stride) {
            return std::nullopt;
        }
        return base - element0;
    }

    void check_rx_extensions(RingSnapshot const& p, std::uint32_t i) const {
        if (auto const off = extension_offset(p, queue.extensions.checksum)) {
            auto const b = load<NET_PACKET_CHECKSUM>(p.before(i) + *off);
            auto const a = load<NET_PACKET_CHECKSUM>(p.after(i) + *off);
            if (a.Layer2 > max_rx_checksum || a.Layer3 > max_rx_checksum || a.Layer4 > max_rx_checksum) {
                fail(FailureCode::InvalidRingRxPacketChecksum, p, i,
                     fmt::format("checksum Layer2={} Layer3={} Layer4={}", unsigned{b.Layer2}, unsigned{b.Layer3},
                                 unsigned{b.Layer4}),
                     fmt::format("checksum Layer2={} Layer3={} Layer4={}", unsigned{a.Layer2}, unsigned{a.Layer3},
                                 unsigned{a.Layer4}));
            }
        }
        if (auto const off = extension_offset(p, queue.extensions.hash)) {
            auto const b = load<NET_PACKET_HASH>(p.before(i) + *off);
            auto const a = load<NET_PACKET_HASH>(p.after(i) + *off);
            if ((a.ProtocolType & ~known_hash_protocol_flags) != 0) {
                fail(FailureCode::InvalidRingRxPacketHash, p, i, fmt::format("hash ProtocolType={:#x}", b.ProtocolType),
                     fmt::format("hash ProtocolType={:#x}", a.ProtocolType));
            }
        }
    }

    struct Span {
        std::uint32_t packet;  // packet index
        std::uint32_t first;   // fragment offsets from the fragment ring's BeginIndex before the call
        std::uint32_t last;
        NET_PACKET value;
    };

    void check_rx_fragments(RingSnapshot const& f, std::uint32_t packet_index, NET_PACKET const& pkt) const {
        for (std::uint32_t j = 0; j < pkt.FragmentCount; ++j) {
            auto const i = f.at(pkt.FragmentIndex, j);
            auto const before = load_fragment(f.before(i));
            auto const after = load_fragment(f.after(i));
            auto where = [&] {
                return fmt::format("fragment {} of {} of packet {}", j + 1, pkt.FragmentCount, packet_index);
            };
            if (before.Capacity != after.Capacity || before.OsReserved_Bounced != after.OsReserved_Bounced) {
                auto d = element_diff(ElementKind::Fragment, f.before(i), f.after(i), sizeof(NET_FRAGMENT));
                fail(FailureCode::InvalidRingUnmodifiedRxFragment, f, i, std::move(d.before), std::move(d.after),
                     where());
            }
            if (after.ValidLength == poison_valid_length) {
                fail(FailureCode::InvalidRingModifiedRxFragment, f, i, fragment_text(before), fragment_text(after),
                     where());
            }
            if (after.Offset > after.Capacity) {
                fail(FailureCode::InvalidRingRxPacketFragmentOffsetInvalid, f, i, fragment_text(before),
                     fragment_text(after), where());
            }
            if (std::uint64_t{after.Offset} + after.ValidLength > after.Capacity) {
                fail(FailureCode::InvalidRingRxPacketFragmentLengthInvalid, f, i, fragment_text(before),
                     fragment_text(after), where());
            }
        }
    }

    void check_rx_returned(RingSnapshot const& p, RingSnapshot const& f, std::uint32_t i,
                           std::optional<Span>& previous) const {
        auto const before = load_packet(p.before(i));
        auto const pkt = load_packet(p.after(i));
        auto const& l = pkt.Layout;
        if (pkt.FragmentIndex == poison_fragment_index || pkt.FragmentCount == poison_fragment_count ||
            l.Layer2Type == poison_layer_type || l.Layer3Type == poison_layer_type ||
            l.Layer4Type == poison_layer_type) {
            fail(FailureCode::InvalidRingUnmodifiedRxPacket, p, i, packet_text(before), packet_text(pkt));
        }

        auto const owned = f.count(f.begin, f.end);               // driver's fragments before the call
        auto const returned = f.count(f.begin, f.begin_after());  // of which returned by the call
        auto const range_text = [&] { return fmt::format("fragment ring Begin={} End={}", f.begin, f.end); };
        auto const packet_fragments = [&] {
            return fmt::format("FragmentIndex={} FragmentCount={}", pkt.FragmentIndex, pkt.FragmentCount);
        };
        if (pkt.FragmentCount == 0) {
            fail(FailureCode::InvalidRingRxPacketFragmentCountZero, p, i, range_text(), packet_fragments());
        }
        if (pkt.FragmentCount > owned) {
            fail(FailureCode::InvalidRingRxPacketFragmentCountOutOfRange, p, i, range_text(), packet_fragments());
        }
        auto const first = f.count(f.begin, pkt.FragmentIndex);
        if (pkt.FragmentIndex >= f.n || first >= owned) {
            fail(FailureCode::InvalidRingRxPacketFragmentIndexOutOfPreRange, p, i, range_text(), packet_fragments());
        }
        auto const last = first + pkt.FragmentCount - 1u;  // no wrap: first < owned < n, count <= owned
        if (last >= owned) {
            fail(FailureCode::InvalidRingRxPacketFragmentCountOutOfPreRange, p, i, range_text(), packet_fragments());
        }
        auto const post = [&] {
            return fmt::format("{}; fragment ring Begin={} (was {})", packet_fragments(), f.begin_after(), f.begin);
        };
        if (first >= returned) {
            fail(FailureCode::InvalidRingRxPacketFragmentIndexOutOfPostRange, p, i, range_text(), post());
        }
        if (last >= returned) {
            fail(FailureCode::InvalidRingRxPacketFragmentCountOutOfPostRange, p, i, range_text(), post());
        }

        check_layout(p, i, before, pkt);

        if (previous) {
            auto const overlap = [&](FailureCode code) {
                fail(code, p, i,
                     fmt::format("packet {}: FragmentIndex={} FragmentCount={}", previous->packet,
                                 previous->value.FragmentIndex, previous->value.FragmentCount),
                     fmt::format("packet {}: {}", i, packet_fragments()));
            };
            if (first <= previous->first) {
                overlap(FailureCode::InvalidRingRxPacketFragmentIndexOverlap);
            }
            if (first <= previous->last) {
                overlap(FailureCode::InvalidRingRxPacketFragmentCountOverlap);
            }
        }
        previous = Span{i, first, last, pkt};

        check_rx_fragments(f, i, pkt);
        check_rx_extensions(p, i);
    }

    void check_rx(RingSnapshot const& p, RingSnapshot const& f) const {
        auto const returned = p.count(p.begin, p.begin_after());
        auto const owned = p.count(p.begin, p.end);
        std::optional<Span> previous;
        for (std::uint32_t k = 0; k < returned; ++k) {
            auto const i = p.at(p.begin, k);
            check_rx_packet_kept(p, i);  // Ignore / reserved rules hold for returned packets too
            if (!load_packet(p.after(i)).Ignore) {
                check_rx_returned(p, f, i, previous);
            }
        }
        // Packets the driver keeps: compare spans first, decode only where something changed.
        p.for_spans(p.begin_after(), owned - returned, [&](std::uint32_t first, std::uint32_t count) {
            if (count != 0 && std::memcmp(p.before(first), p.after(first), p.stride * count) != 0) {
                for (std::uint32_t i = first; i < first + count; ++i) {
                    check_rx_packet_kept(p, i);
                }
            }
            return false;
        });
    }

    void check_all() const {
        RingSnapshot const* rings[] = {&packets, &fragments};
        for (auto const* r : rings) {
            if (r->live) check_header(*r);
        }
        for (auto const* r : rings) {
            if (r->live) check_indices(*r);
        }
        for (auto const* r : rings) {
            if (r->live) check_os_owned(*r);
        }
        if (queue.kind == QueueKind::Tx) {
            if (packets.live)
                check_tx_driver_range(packets, FailureCode::InvalidRingImmutableDriverTxPacket,
                                      tx_packet_writable.data(), sizeof(NET_PACKET));
            if (fragments.live)
                check_tx_driver_range(fragments, FailureCode::InvalidRingImmutableDriverTxFragment,
                                      tx_fragment_writable.data(), sizeof(NET_FRAGMENT));
        } else if (packets.live && fragments.live) {
            check_rx(packets, fragments);
        }
    }
};

RingVerifier::RingVerifier(VerifiedQueue queue) : state_(std::make_unique<State>(std::move(queue))) {}

RingVerifier::~RingVerifier() = default;

void RingVerifier::set_enabled(bool enabled) noexcept {
    state_->enabled = enabled;
    if (!enabled) {
        state_->armed = false;
    }
}

bool RingVerifier::enabled() const noexcept {
    return state_->enabled;
}

std::uint64_t RingVerifier::checks_run() const noexcept {
    return state_->checks;
}

void RingVerifier::on_os_handoff(NET_RING_TYPE ring_type, std::uint32_t from, std::uint32_t to) {
    auto& s = *state_;
    if (!s.enabled || s.queue.kind != QueueKind::Rx || s.queue.rings == nullptr || ring_type == NetRingTypeDataBuffer) {
        return;
    }
    NET_RING* ring = s.queue.rings->Rings[ring_type];
    if (ring == nullptr) {
        return;
    }
    auto const mask = ring->ElementIndexMask;
    if (from > mask || to > mask) {
        throw std::invalid_argument(fmt::format("ring verifier: on_os_handoff({}, {}, {}) outside a {}-element ring",
                                                ring_type == NetRingTypePacket ? "packet" : "fragment", from, to,
                                                ring->NumberOfElements));
    }
    auto* const base = reinterpret_cast<unsigned char*>(ring) + ring_header_bytes;
    for (auto i = from; i != to; i = (i + 1) & mask) {
        auto* const element = base + std::size_t{ring->ElementStride} * i;
        if (ring_type == NetRingTypePacket) {
            // Every field the driver must write gets a value it could never write; reserved bits keep
            // what the OS gave (zero), so a driver that assigns a whole zero-initialized Layout is fine.
            auto p = load_packet(element);
            p.FragmentIndex = poison_fragment_index;
            p.FragmentCount = poison_fragment_count;
            p.Layout.Layer2HeaderLength = 0x7f;
            p.Layout.Layer3HeaderLength = 0x1ff;
            p.Layout.Layer4HeaderLength = 0xff;
            p.Layout.Layer2Type = poison_layer_type;
            p.Layout.Layer3Type = poison_layer_type;
            p.Layout.Layer4Type = poison_layer_type;
            p.Ignore = 0;
            std::memcpy(element, &p, sizeof p);
        } else {
            auto f = load_fragment(element);
            f.ValidLength = poison_valid_length;
            std::memcpy(element, &f, sizeof f);
        }
    }
}

void RingVerifier::before(char const* callback) {
    auto& s = *state_;
    if (!s.enabled || s.queue.rings == nullptr) {
        return;
    }
    s.callback = callback;
    s.packets.take(s.queue.rings->Rings[NetRingTypePacket]);
    s.fragments.take(s.queue.rings->Rings[NetRingTypeFragment]);
    s.armed = true;
}

void RingVerifier::after(char const* callback) {
    auto& s = *state_;
    if (!s.enabled || !s.armed) {
        return;
    }
    s.armed = false;
    s.callback = callback;
    ++s.checks;
    s.check_all();
}

}  // namespace ringlib
