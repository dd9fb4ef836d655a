// Model-based randomized test of the three generations of the ring API: the 2019 iterators, the
// 2018 names, and ringlib/sections.hpp.
//
// A reference model tracks ownership of a packet ring and a fragment ring of different sizes as
// unbounded positions (docs/netring.md §2): reclaim <= begin <= next <= end <= reclaim + N - 1, ring
// index = position & (N - 1). Random OS and driver steps move both the model and real in-memory
// rings; after every step each generation must see exactly the model's sections (counts, indices,
// element addresses and contents) and the ring's indices must equal the model's.
//
// Reproduce a failure with the seed it prints: ringlib_api_tests "<test name>" --rng-seed <seed>.
#include "ring_fixture.hpp"

#include <netringiterator.h>
#include <ringlib/sections.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <array>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iterator>
#include <random>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

using ringlib::testing::InMemoryRing;
using ringlib::testing::InMemoryRings;

namespace {

enum class Kind { Packet, Fragment };
enum class Section { Post, Drain, All };
enum class Generation { Iterators2019, Names2018, Sections };

char const* name(Kind kind) {
    return kind == Kind::Packet ? "packet" : "fragment";
}
char const* name(Section section) {
    switch (section) {
    case Section::Post: return "post";
    case Section::Drain: return "drain";
    case Section::All: break;
    }
    return "all";
}
char const* name(Generation generation) {
    switch (generation) {
    case Generation::Iterators2019: return "2019";
    case Generation::Names2018: return "2018";
    case Generation::Sections: break;
    }
    return "sections";
}

// The tests write a serial number after the core struct, in the extension bytes of the stride, so
// an element seen through any API can be matched with the one the OS wrote at that index.
constexpr std::size_t packet_serial_offset = sizeof(NET_PACKET);
constexpr std::size_t fragment_serial_offset = sizeof(NET_FRAGMENT);

UINT32 read_serial(void const* element, std::size_t offset) {
    UINT32 serial;
    std::memcpy(&serial, static_cast<unsigned char const*>(element) + offset, sizeof serial);
    return serial;
}

void write_serial(void* element, std::size_t offset, UINT32 serial) {
    std::memcpy(static_cast<unsigned char*>(element) + offset, &serial, sizeof serial);
}

/// Reference model of one ring's ownership, in unbounded positions.
struct RingModel {
    UINT32 size;
    UINT64 reclaim = 0;  // OSReserved0: OS has reclaimed everything before it
    UINT64 begin = 0;
    UINT64 next = 0;
    UINT64 end = 0;
    // What the OS last wrote at each ring index.
    std::vector<UINT32> serial;
    std::vector<UINT32> fragment_index;  // packets only
    std::vector<UINT16> fragment_count;  // packets only
    std::vector<UINT8> ignore;           // packets only

    explicit RingModel(UINT32 number_of_elements)
        : size(number_of_elements),
          serial(number_of_elements),
          fragment_index(number_of_elements),
          fragment_count(number_of_elements),
          ignore(number_of_elements) {}

    UINT32 index(UINT64 position) const { return static_cast<UINT32>(position) & (size - 1); }
    UINT64 os_free() const { return size - 1 - (end - reclaim); }  // one slot always stays empty
    UINT64 wraps() const { return begin / size; }

    UINT64 start_of(Section section) const { return section == Section::Post ? next : begin; }
    UINT64 end_of(Section section) const { return section == Section::Drain ? next : end; }
    UINT64 count_of(Section section) const { return end_of(section) - start_of(section); }
};

/// Collects the first mismatch of a verification pass (one Catch assertion per step instead of
/// millions, which keeps thousands of wraps fast) and counts them all.
class Findings {
public:
    template <typename... Args>
    void expect(bool ok, fmt::format_string<Args...> what, Args&&... args) {
        if (!ok) {
            if (failures_ == 0) {
                first_ = fmt::format(what, std::forward<Args>(args)...);
            }
            ++failures_;
        }
    }

    bool ok() const { return failures_ == 0; }
    std::string const& first() const { return first_; }
    UINT64 failures() const { return failures_; }

private:
    std::string first_;
    UINT64 failures_ = 0;
};

// ---- one API generation, named so a generic walk can check it ------------------------------

struct Api2019Packets {
    using Iterator = NET_RING_PACKET_ITERATOR;
    static bool any(Iterator const& it) { return NetPacketIteratorHasAny(&it); }
    static UINT32 count(Iterator const& it) { return NetPacketIteratorGetCount(&it); }
    static UINT32 index(Iterator const& it) { return NetPacketIteratorGetIndex(&it); }
    static void* element(Iterator const& it) { return NetPacketIteratorGetPacket(&it); }
    static void advance(Iterator& it) { NetPacketIteratorAdvance(&it); }
    static void to_end(Iterator& it) { NetPacketIteratorAdvanceToTheEnd(&it); }
};

struct Api2019Fragments {
    using Iterator = NET_RING_FRAGMENT_ITERATOR;
    static bool any(Iterator const& it) { return NetFragmentIteratorHasAny(&it); }
    static UINT32 count(Iterator const& it) { return NetFragmentIteratorGetCount(&it); }
    static UINT32 index(Iterator const& it) { return NetFragmentIteratorGetIndex(&it); }
    static void* element(Iterator const& it) { return NetFragmentIteratorGetFragment(&it); }
    static void advance(Iterator& it) { NetFragmentIteratorAdvance(&it); }
    static void to_end(Iterator& it) { NetFragmentIteratorAdvanceToTheEnd(&it); }
};

struct Api2018Packets {
    using Iterator = NET_RING_PACKET_ITERATOR;
    static bool any(Iterator const& it) { return NetRingIteratorAny(it); }
    static UINT32 count(Iterator const& it) { return NetRingPacketIteratorGetCount(&it); }
    static UINT32 index(Iterator const& it) { return NetRingIteratorGetIndex(it); }
    static void* element(Iterator const& it) { return NetRingIteratorGetPacket(&it); }
    static void advance(Iterator& it) { NetRingAdvancePacketIterator(&it); }
    static void to_end(Iterator& it) { NetRingAdvanceEndPacketIterator(&it); }
};

struct Api2018Fragments {
    using Iterator = NET_RING_FRAGMENT_ITERATOR;
    static bool any(Iterator const& it) { return NetRingIteratorAny(it); }
    static UINT32 count(Iterator const& it) { return NetRingFragmentIteratorGetCount(&it); }
    static UINT32 index(Iterator const& it) { return NetRingIteratorGetIndex(it); }
    static void* element(Iterator const& it) { return NetRingIteratorGetFragment(&it); }
    static void advance(Iterator& it) { NetRingAdvanceFragmentIterator(&it); }
    static void to_end(Iterator& it) { NetRingAdvanceEndFragmentIterator(&it); }
};

NET_RING_PACKET_ITERATOR packets_2019(NET_RING_COLLECTION const* rings, Section section) {
    switch (section) {
    case Section::Post: return NetRingGetPostPackets(rings);
    case Section::Drain: return NetRingGetDrainPackets(rings);
    case Section::All: break;
    }
    return NetRingGetAllPackets(rings);
}

NET_RING_FRAGMENT_ITERATOR fragments_2019(NET_RING_COLLECTION const* rings, Section section) {
    switch (section) {
    case Section::Post: return NetRingGetPostFragments(rings);
    case Section::Drain: return NetRingGetDrainFragments(rings);
    case Section::All: break;
    }
    return NetRingGetAllFragments(rings);
}

// 2018 had two names for Begin..End of the packet ring: the all-iterator and the RX drain.
NET_RING_PACKET_ITERATOR packets_2018(NET_RING_COLLECTION const* rings, Section section, bool rx_name) {
    switch (section) {
    case Section::Post: return NetRingGetTxPostPacketIterator(rings);
    case Section::Drain: return NetRingGetTxDrainPacketIterator(rings);
    case Section::All: break;
    }
    return rx_name ? NetRingGetRxDrainPacketIterator(rings) : NetRingGetAllPacketIterator(rings);
}

void set_packets_2018(NET_RING_PACKET_ITERATOR const* it, Section section, bool rx_name) {
    switch (section) {
    case Section::Post: NetRingSetTxPostPacketIterator(it); return;
    case Section::Drain: NetRingSetTxDrainPacketIterator(it); return;
    case Section::All: break;
    }
    rx_name ? NetRingSetRxDrainPacketIterator(it) : NetRingSetAllPacketIterator(it);
}

NET_RING_FRAGMENT_ITERATOR fragments_2018(NET_RING_COLLECTION const* rings, Section section) {
    switch (section) {
    case Section::Post: return NetRingGetRxPostFragmentIterator(rings);
    case Section::Drain: return NetRingGetRxDrainFragmentIterator(rings);
    case Section::All: break;
    }
    return NetRingGetAllFragmentIterator(rings);
}

void set_fragments_2018(NET_RING_FRAGMENT_ITERATOR const* it, Section section) {
    switch (section) {
    case Section::Post: NetRingSetRxPostFragmentIterator(it); return;
    case Section::Drain: NetRingSetRxDrainFragmentIterator(it); return;
    case Section::All: break;
    }
    NetRingSetAllFragmentIterator(it);
}

template <ringlib::RingElement Element>
ringlib::ring_section<Element> section_of(NET_RING_COLLECTION const* rings, Section section) {
    if constexpr (std::is_same_v<Element, NET_PACKET>) {
        switch (section) {
        case Section::Post: return ringlib::post_packets(rings);
        case Section::Drain: return ringlib::drain_packets(rings);
        case Section::All: break;
        }
        return ringlib::all_packets(rings);
    } else {
        switch (section) {
        case Section::Post: return ringlib::post_fragments(rings);
        case Section::Drain: return ringlib::drain_fragments(rings);
        case Section::All: break;
        }
        return ringlib::all_fragments(rings);
    }
}

// ---- the system under test plus its model ------------------------------------------------

class ModelledQueue {
public:
    ModelledQueue(UINT32 packet_count, UINT32 fragment_count, UINT16 packet_stride, UINT16 fragment_stride,
                  std::mt19937_64& rng)
        : rings_(packet_count, fragment_count, packet_stride, fragment_stride),
          packets_(packet_count),
          fragments_(fragment_count),
          rng_(rng) {}

    RingModel const& model(Kind kind) const { return kind == Kind::Packet ? packets_ : fragments_; }

    // -- OS steps ---------------------------------------------------------------------------

    /// The OS hands k new elements to the driver: writes them, then moves EndIndex.
    std::string os_produce(Kind kind, UINT64 k) {
        RingModel& m = model_of(kind);
        InMemoryRing& ring = ring_of(kind);
        for (UINT64 i = 0; i < k; ++i) {
            UINT32 const index = m.index(m.end + i);
            UINT32 const serial = next_serial_++;
            void* element = ring.element_address(index);
            m.serial[index] = serial;
            if (kind == Kind::Packet) {
                NET_PACKET packet{};
                packet.FragmentIndex = uniform(0, fragments_.size - 1);
                // Usually a few fragments; sometimes up to the whole fragment ring minus one.
                UINT32 const most = chance(5) ? fragments_.size - 1 : std::min<UINT32>(fragments_.size - 1, 6);
                packet.FragmentCount = static_cast<UINT16>(uniform(0, std::min<UINT32>(most, 0xffff)));
                packet.Layout.Layer2Type = NetPacketLayer2TypeEthernet;
                m.fragment_index[index] = packet.FragmentIndex;
                m.fragment_count[index] = packet.FragmentCount;
                m.ignore[index] = 0;
                std::memcpy(element, &packet, sizeof packet);
                write_serial(element, packet_serial_offset, serial);
            } else {
                NET_FRAGMENT fragment{};
                fragment.ValidLength = serial & 0x3ffffff;
                fragment.Capacity = 2048;
                std::memcpy(element, &fragment, sizeof fragment);
                write_serial(element, fragment_serial_offset, serial);
            }
        }
        m.end += k;
        ring->EndIndex = m.index(m.end);
        return fmt::format("OS produces {} {}s", k, name(kind));
    }

    /// The OS completes what the driver returned: zeroes those elements, moves its lag index.
    std::string os_reclaim(Kind kind) {
        RingModel& m = model_of(kind);
        InMemoryRing& ring = ring_of(kind);
        UINT64 const k = m.begin - m.reclaim;
        for (UINT64 i = 0; i < k; ++i) {
            UINT32 const index = m.index(m.reclaim + i);
            std::memset(ring.element_address(index), 0, ring->ElementStride);
            m.serial[index] = 0;
            m.fragment_index[index] = 0;
            m.fragment_count[index] = 0;
            m.ignore[index] = 0;
        }
        m.reclaim = m.begin;
        ring->OSReserved0 = m.index(m.reclaim);
        return fmt::format("OS reclaims {} {}s", k, name(kind));
    }

    // -- driver steps: advance an iterator of one generation by k, then write back -----------

    /// Post moves NextIndex, Drain moves BeginIndex within the drain section, All moves BeginIndex
    /// by at most the drain count (returning from the all-iterator, as RX drivers do).
    std::string driver_advance(Kind kind, Section section, UINT64 k, Generation generation) {
        RingModel& m = model_of(kind);
        bool const rx_name = chance(50);
        std::string how;
        switch (generation) {
        case Generation::Iterators2019:
            if (kind == Kind::Packet) {
                auto it = packets_2019(collection(), section);
                advance_by<Api2019Packets>(it, k);
                NetPacketIteratorSet(&it);
            } else {
                auto it = fragments_2019(collection(), section);
                advance_by<Api2019Fragments>(it, k);
                NetFragmentIteratorSet(&it);
            }
            break;
        case Generation::Names2018:
            if (kind == Kind::Packet) {
                auto it = packets_2018(collection(), section, rx_name);
                advance_by<Api2018Packets>(it, k);
                set_packets_2018(&it, section, rx_name);
                how = rx_name && section == Section::All ? " (RX drain name)" : "";
            } else {
                auto it = fragments_2018(collection(), section);
                advance_by<Api2018Fragments>(it, k);
                set_fragments_2018(&it, section);
            }
            break;
        case Generation::Sections:
            how = kind == Kind::Packet ? commit_section<NET_PACKET>(section, k)
                                       : commit_section<NET_FRAGMENT>(section, k);
            break;
        }
        (section == Section::Post ? m.next : m.begin) += k;
        return fmt::format("driver {} {} {}s by {} via {}{}", section == Section::Post ? "posts" : "returns",
                           name(section), name(kind), k, name(generation), how);
    }

    /// Walks k elements of a section and writes nothing back: the ring must not change at all.
    std::string driver_peek(Kind kind, Section section, UINT64 k, Generation generation, Findings& findings) {
        InMemoryRing& ring = ring_of(kind);
        std::array<unsigned char, 64> before{};
        std::memcpy(before.data(), ring.header_bytes().data(), 64);
        switch (generation) {
        case Generation::Iterators2019:
            if (kind == Kind::Packet) {
                auto it = packets_2019(collection(), section);
                advance_by<Api2019Packets>(it, k);
            } else {
                auto it = fragments_2019(collection(), section);
                advance_by<Api2019Fragments>(it, k);
            }
            break;
        case Generation::Names2018:
            if (kind == Kind::Packet) {
                auto it = packets_2018(collection(), section, false);
                advance_by<Api2018Packets>(it, k);
            } else {
                auto it = fragments_2018(collection(), section);
                advance_by<Api2018Fragments>(it, k);
            }
            break;
        case Generation::Sections:
            if (kind == Kind::Packet) {
                auto s = section_of<NET_PACKET>(collection(), section);
                [[maybe_unused]] auto it = std::next(s.begin(), static_cast<std::ptrdiff_t>(k));
            } else {
                auto s = section_of<NET_FRAGMENT>(collection(), section);
                [[maybe_unused]] auto it = std::next(s.begin(), static_cast<std::ptrdiff_t>(k));
            }
            break;
        }
        findings.expect(std::memcmp(before.data(), ring.header_bytes().data(), 64) == 0,
                        "walking {} {}s via {} without a write-back changed the ring header", name(section), name(kind),
                        name(generation));
        return fmt::format("driver walks {} of the {} {}s via {}, no write-back", k, name(section), name(kind),
                           name(generation));
    }

    /// Cancel: everything posted is forgotten and everything owned is returned, on both rings
    /// (post section to the end + Set, then all section to the end + Set).
    std::string driver_cancel(Generation generation) {
        switch (generation) {
        case Generation::Iterators2019: {
            auto post_packets = NetRingGetPostPackets(collection());
            NetPacketIteratorAdvanceToTheEnd(&post_packets);
            NetPacketIteratorSet(&post_packets);
            auto all_packets = NetRingGetAllPackets(collection());
            NetPacketIteratorAdvanceToTheEnd(&all_packets);
            NetPacketIteratorSet(&all_packets);
            auto post_fragments = NetRingGetPostFragments(collection());
            NetFragmentIteratorAdvanceToTheEnd(&post_fragments);
            NetFragmentIteratorSet(&post_fragments);
            auto all_fragments = NetRingGetAllFragments(collection());
            NetFragmentIteratorAdvanceToTheEnd(&all_fragments);
            NetFragmentIteratorSet(&all_fragments);
            break;
        }
        case Generation::Names2018: {
            // The 2018 RX cancel idiom: mark every packet Ignore, jump to the end, set.
            auto mark = NetRingGetAllPacketIterator(collection());
            for (; NetRingIteratorAny(mark); NetRingAdvancePacketIterator(&mark)) {
                NetRingIteratorGetPacket(&mark)->Ignore = 1;
                packets_.ignore[NetRingIteratorGetIndex(mark)] = 1;
            }
            auto post_packets = NetRingGetTxPostPacketIterator(collection());
            NetRingAdvanceEndPacketIterator(&post_packets);
            NetRingSetTxPostPacketIterator(&post_packets);
            auto all_packets = NetRingGetAllPacketIterator(collection());
            NetRingAdvanceEndPacketIterator(&all_packets);
            NetRingSetAllPacketIterator(&all_packets);
            auto post_fragments = NetRingGetRxPostFragmentIterator(collection());
            NetRingAdvanceEndFragmentIterator(&post_fragments);
            NetRingSetRxPostFragmentIterator(&post_fragments);
            auto all_fragments = NetRingGetAllFragmentIterator(collection());
            NetRingAdvanceEndFragmentIterator(&all_fragments);
            NetRingSetAllFragmentIterator(&all_fragments);
            break;
        }
        case Generation::Sections:
            ringlib::post_packets(collection()).commit_all();
            ringlib::all_packets(collection()).commit_all();
            ringlib::post_fragments(collection()).commit_all();
            ringlib::all_fragments(collection()).commit_all();
            break;
        }
        for (RingModel* m : {&packets_, &fragments_}) {
            m->next = m->end;
            m->begin = m->end;
        }
        return fmt::format("driver cancels via {}", name(generation));
    }

    // -- verification ------------------------------------------------------------------------

    void verify(Findings& findings) const {
        verify_header(findings, Kind::Packet);
        verify_header(findings, Kind::Fragment);
        for (Section section : {Section::Post, Section::Drain, Section::All}) {
            verify_section_2019(findings, section);
            verify_section_2018(findings, section);
            verify_section_sections(findings, section);
        }
    }

private:
    RingModel& model_of(Kind kind) { return kind == Kind::Packet ? packets_ : fragments_; }
    InMemoryRing& ring_of(Kind kind) { return kind == Kind::Packet ? rings_.packets : rings_.fragments; }
    InMemoryRing const& ring_of(Kind kind) const { return kind == Kind::Packet ? rings_.packets : rings_.fragments; }
    NET_RING_COLLECTION const* collection() const { return rings_.collection(); }

    UINT32 uniform(UINT32 low, UINT32 high) { return std::uniform_int_distribution<UINT32>(low, high)(rng_); }
    bool chance(UINT32 percent) { return uniform(0, 99) < percent; }

    template <typename Api>
    static void advance_by(typename Api::Iterator& it, UINT64 k) {
        for (UINT64 i = 0; i < k; ++i) {
            Api::advance(it);
        }
    }

    template <ringlib::RingElement Element>
    std::string commit_section(Section section, UINT64 k) {
        auto const s = section_of<Element>(collection(), section);
        switch (uniform(0, 2)) {
        case 0: s.commit_count(static_cast<UINT32>(k)); return " (commit_count)";
        case 1: {
            auto position = s.indexed().begin();
            std::advance(position, static_cast<std::ptrdiff_t>(k));
            s.commit(position);
            return " (commit at indexed position)";
        }
        default:
            if (k == s.size()) {
                s.commit_all();
                return " (commit_all)";
            }
            s.commit(std::next(s.begin(), static_cast<std::ptrdiff_t>(k)));
            return " (commit at position)";
        }
    }

    void verify_header(Findings& findings, Kind kind) const {
        RingModel const& m = model(kind);
        NET_RING const* ring = ring_of(kind).get();
        UINT16 const stride = kind == Kind::Packet ? packet_stride() : fragment_stride();
        findings.expect(ring->NumberOfElements == m.size && ring->ElementIndexMask == m.size - 1 &&
                            ring->ElementStride == stride && ring->OSReserved1 == 0 && ring->Scratch == nullptr,
                        "{} ring: OS-owned header fields changed", name(kind));
        findings.expect(ring->BeginIndex == m.index(m.begin), "{} ring: BeginIndex {} but model {}", name(kind),
                        ring->BeginIndex, m.index(m.begin));
        findings.expect(ring->NextIndex == m.index(m.next), "{} ring: NextIndex {} but model {}", name(kind),
                        ring->NextIndex, m.index(m.next));
        findings.expect(ring->EndIndex == m.index(m.end), "{} ring: EndIndex {} but model {}", name(kind),
                        ring->EndIndex, m.index(m.end));
        findings.expect(ring->OSReserved0 == m.index(m.reclaim), "{} ring: OSReserved0 {} but model {}", name(kind),
                        ring->OSReserved0, m.index(m.reclaim));
    }

    UINT16 packet_stride() const { return rings_.packets->ElementStride; }
    UINT16 fragment_stride() const { return rings_.fragments->ElementStride; }

    /// The element at ring index `index` as seen through some API: right address, right contents.
    void verify_element(Findings& findings, Kind kind, UINT32 index, void const* element, char const* via) const {
        RingModel const& m = model(kind);
        InMemoryRing const& ring = ring_of(kind);
        if (element != ring.element_address(index)) {
            findings.expect(false, "{} {} at index {}: wrong address (offset {} from the expected one)", via,
                            name(kind), index,
                            static_cast<unsigned char const*>(element) - ring.element_address(index));
            return;
        }
        UINT32 const serial =
            read_serial(element, kind == Kind::Packet ? packet_serial_offset : fragment_serial_offset);
        findings.expect(serial == m.serial[index], "{} {} at index {}: serial {} but the OS wrote {}", via, name(kind),
                        index, serial, m.serial[index]);
        if (kind == Kind::Packet) {
            auto const* packet = static_cast<NET_PACKET const*>(element);
            findings.expect(packet->FragmentIndex == m.fragment_index[index] &&
                                packet->FragmentCount == m.fragment_count[index] && packet->Ignore == m.ignore[index],
                            "{} packet at index {}: contents differ from what the OS wrote", via, index);
        }
    }

    /// Walks a whole section with one generation's iterator and compares it with the model.
    /// on_packet(it, index) lets the packet walks check the per-packet fragment iterators.
    template <typename Api, typename OnElement>
    void verify_walk(Findings& findings, typename Api::Iterator it, Kind kind, Section section,
                     UINT32 const* index_to_set, char const* via, OnElement&& on_element) const {
        RingModel const& m = model(kind);
        UINT64 const start = m.start_of(section);
        UINT64 const count = m.count_of(section);
        findings.expect(it.Iterator.IndexToSet == index_to_set, "{} {} {}s: IndexToSet points at the wrong index", via,
                        name(section), name(kind));
        findings.expect(Api::count(it) == count, "{} {} {}s: count {} but model {}", via, name(section), name(kind),
                        Api::count(it), count);
        findings.expect(it.Iterator.End == m.index(m.end_of(section)), "{} {} {}s: End {} but model {}", via,
                        name(section), name(kind), it.Iterator.End, m.index(m.end_of(section)));
        typename Api::Iterator at_end = it;
        Api::to_end(at_end);
        findings.expect(!Api::any(at_end) && Api::index(at_end) == m.index(m.end_of(section)),
                        "{} {} {}s: advancing to the end does not reach the end", via, name(section), name(kind));
        for (UINT64 j = 0; j < count; ++j) {
            UINT32 const expected = m.index(start + j);
            if (!Api::any(it) || Api::index(it) != expected) {
                findings.expect(false, "{} {} {}s: element {} of {} has index {} (any={}) but model {}", via,
                                name(section), name(kind), j, count, Api::index(it), Api::any(it), expected);
                return;
            }
            verify_element(findings, kind, expected, Api::element(it), via);
            on_element(it, expected, j, count);
            Api::advance(it);
        }
        findings.expect(!Api::any(it), "{} {} {}s: more than the model's {} elements", via, name(section), name(kind),
                        count);
    }

    // Per-packet fragment checks cost the packet's FragmentCount; sample them in large sections.
    static bool sample_packet(UINT64 j, UINT64 count) { return count <= 16 || j % (count / 8) == 0; }

    template <typename Api>
    void verify_packet_fragments(Findings& findings, typename Api::Iterator it, UINT32 packet_index,
                                 UINT32 const* index_to_set, char const* via) const {
        UINT32 const first = packets_.fragment_index[packet_index];
        UINT32 const count = packets_.fragment_count[packet_index];
        findings.expect(it.Iterator.IndexToSet == index_to_set, "{} fragments of packet {}: wrong IndexToSet", via,
                        packet_index);
        findings.expect(Api::count(it) == count, "{} fragments of packet {}: count {} but FragmentCount {}", via,
                        packet_index, Api::count(it), count);
        for (UINT32 j = 0; j < count; ++j) {
            UINT32 const expected = fragments_.index(UINT64{first} + j);
            if (!Api::any(it) || Api::index(it) != expected) {
                findings.expect(false, "{} fragments of packet {}: fragment {} has index {} but expected {}", via,
                                packet_index, j, Api::index(it), expected);
                return;
            }
            verify_element(findings, Kind::Fragment, expected, Api::element(it), via);
            Api::advance(it);
        }
        findings.expect(!Api::any(it), "{} fragments of packet {}: more than FragmentCount", via, packet_index);
    }

    static UINT32 const* index_to_set(NET_RING* ring, Section section) {
        return section == Section::Post ? &ring->NextIndex : &ring->BeginIndex;
    }

    void verify_section_2019(Findings& findings, Section section) const {
        NET_RING* const packet_ring = rings_.packets.get();
        NET_RING* const fragment_ring = rings_.fragments.get();
        verify_walk<Api2019Packets>(
            findings, packets_2019(collection(), section), Kind::Packet, section, index_to_set(packet_ring, section),
            "2019", [&](NET_RING_PACKET_ITERATOR const& it, UINT32 index, UINT64 j, UINT64 count) {
                if (section == Section::All && sample_packet(j, count)) {
                    verify_packet_fragments<Api2019Fragments>(findings, NetPacketIteratorGetFragments(&it), index,
                                                              nullptr, "2019 NetPacketIteratorGetFragments");
                }
            });
        verify_walk<Api2019Fragments>(findings, fragments_2019(collection(), section), Kind::Fragment, section,
                                      index_to_set(fragment_ring, section), "2019",
                                      [](auto const&, UINT32, UINT64, UINT64) {});
    }

    void verify_section_2018(Findings& findings, Section section) const {
        NET_RING* const packet_ring = rings_.packets.get();
        NET_RING* const fragment_ring = rings_.fragments.get();
        for (bool rx_name : {false, true}) {
            if (rx_name && section != Section::All) {
                break;
            }
            verify_walk<Api2018Packets>(
                findings, packets_2018(collection(), section, rx_name), Kind::Packet, section,
                index_to_set(packet_ring, section), rx_name ? "2018 (RX drain name)" : "2018",
                [&](NET_RING_PACKET_ITERATOR const& it, UINT32 index, UINT64 j, UINT64 count) {
                    if (section == Section::All && !rx_name && sample_packet(j, count)) {
                        verify_packet_fragments<Api2018Fragments>(findings, NetRingGetTxPostPacketFragmentIterator(&it),
                                                                  index, &fragment_ring->NextIndex,
                                                                  "2018 NetRingGetTxPostPacketFragmentIterator");
                        verify_packet_fragments<Api2018Fragments>(
                            findings, NetRingGetTxDrainPacketFragmentIterator(&it), index, &fragment_ring->BeginIndex,
                            "2018 NetRingGetTxDrainPacketFragmentIterator");
                    }
                });
        }
        verify_walk<Api2018Fragments>(findings, fragments_2018(collection(), section), Kind::Fragment, section,
                                      index_to_set(fragment_ring, section), "2018",
                                      [](auto const&, UINT32, UINT64, UINT64) {});
    }

    template <ringlib::RingElement Element>
    void verify_one_section(Findings& findings, Kind kind, Section section) const {
        RingModel const& m = model(kind);
        auto const s = section_of<Element>(collection(), section);
        UINT64 const start = m.start_of(section);
        UINT64 const count = m.count_of(section);
        findings.expect(s.size() == count && s.empty() == (count == 0), "sections {} {}s: size {} but model {}",
                        name(section), name(kind), s.size(), count);
        findings.expect(s.begin_index() == m.index(start) && s.end_index() == m.index(m.end_of(section)),
                        "sections {} {}s: [{}, {}) but model [{}, {})", name(section), name(kind), s.begin_index(),
                        s.end_index(), m.index(start), m.index(m.end_of(section)));
        UINT64 j = 0;
        for (auto [index, element] : s.indexed()) {
            if (j >= count || index != m.index(start + j)) {
                findings.expect(false, "sections {} {}s: element {} has index {} but model {} of {}", name(section),
                                name(kind), j, index, m.index(start + j), count);
                return;
            }
            verify_element(findings, kind, index, &element, "sections");
            if constexpr (std::is_same_v<Element, NET_PACKET>) {
                if (section == Section::All && sample_packet(j, count)) {
                    verify_packet_fragment_section(findings, index, ringlib::packet_fragments(collection(), element));
                }
            }
            ++j;
        }
        findings.expect(j == count, "sections {} {}s: walked {} but model has {}", name(section), name(kind), j, count);
        // The plain range-for yields the same elements in the same order.
        UINT64 k = 0;
        for (Element& element : s) {
            if (k < count) {
                findings.expect(&element == static_cast<void*>(ring_of(kind).element_address(m.index(start + k))),
                                "sections {} {}s: range-for element {} at the wrong address", name(section), name(kind),
                                k);
            }
            ++k;
        }
        findings.expect(k == count, "sections {} {}s: range-for walked {} but model has {}", name(section), name(kind),
                        k, count);
    }

    void verify_packet_fragment_section(Findings& findings, UINT32 packet_index,
                                        ringlib::packet_fragment_section const& s) const {
        UINT32 const first = packets_.fragment_index[packet_index];
        UINT32 const count = packets_.fragment_count[packet_index];
        findings.expect(s.size() == count, "sections fragments of packet {}: size {} but FragmentCount {}",
                        packet_index, s.size(), count);
        UINT32 j = 0;
        for (auto it = s.begin(); it != s.end(); ++it, ++j) {
            UINT32 const expected = fragments_.index(UINT64{first} + j);
            if (j >= count || it.index() != expected) {
                findings.expect(false, "sections fragments of packet {}: fragment {} has index {} but expected {}",
                                packet_index, j, it.index(), expected);
                return;
            }
            verify_element(findings, Kind::Fragment, expected, &*it, "sections packet_fragments");
        }
        findings.expect(j == count, "sections fragments of packet {}: walked {} of {}", packet_index, j, count);
    }

    void verify_section_sections(Findings& findings, Section section) const {
        verify_one_section<NET_PACKET>(findings, Kind::Packet, section);
        verify_one_section<NET_FRAGMENT>(findings, Kind::Fragment, section);
    }

    InMemoryRings rings_;
    RingModel packets_;
    RingModel fragments_;
    std::mt19937_64& rng_;
    UINT32 next_serial_ = 1;
};

std::string replay_command(unsigned seed) {
    std::error_code error;
    auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
    return fmt::format("{} \"{}\" --rng-seed {}", error ? "ringlib_api_tests" : executable.string(),
                       Catch::getResultCapture().getCurrentTestName(), seed);
}

}  // namespace

TEST_CASE("model: every API generation sees the reference model's ring ownership after every random step") {
    unsigned const seed = Catch::rngSeed();
    std::string const replay = replay_command(seed);
    INFO("seed " << seed << "; replay: " << replay);
    std::mt19937_64 rng(seed);
    auto uniform = [&](UINT64 low, UINT64 high) { return std::uniform_int_distribution<UINT64>(low, high)(rng); };

    constexpr UINT64 wraps_target_per_ring = 5000;     // BeginIndex laps, summed over scenarios
    constexpr UINT64 wraps_per_ring_per_scenario = 3;  // every ring size, even 4096, wraps this often
    constexpr UINT64 min_steps_per_scenario = 300;
    constexpr UINT64 max_steps_per_scenario = 200000;  // a scenario stuck below its wraps fails
    constexpr UINT64 max_scenarios = 2000;

    UINT64 packet_wraps = 0;
    UINT64 fragment_wraps = 0;
    UINT64 steps = 0;
    UINT64 scenarios = 0;
    // The extremes first, then random pairs of different power-of-two sizes.
    std::vector<std::pair<UINT32, UINT32>> const fixed_sizes{{2, 4096}, {4096, 2}, {2, 4}, {8, 4}};
    while ((packet_wraps < wraps_target_per_ring || fragment_wraps < wraps_target_per_ring) &&
           scenarios < max_scenarios) {
        UINT32 packet_count;
        UINT32 fragment_count;
        if (scenarios < fixed_sizes.size()) {
            std::tie(packet_count, fragment_count) = fixed_sizes[scenarios];
        } else {
            UINT64 const p = uniform(1, 12);
            UINT64 f = uniform(1, 11);
            f += f >= p ? 1 : 0;  // never the same size
            packet_count = 1u << p;
            fragment_count = 1u << f;
        }
        auto const packet_stride = static_cast<UINT16>(std::array{16, 20, 32, 44}[uniform(0, 3)]);
        auto const fragment_stride = static_cast<UINT16>(std::array{16, 24, 32}[uniform(0, 2)]);
        ++scenarios;
        std::string const scenario =
            fmt::format("scenario {}: packet ring {} x {} bytes, fragment ring {} x {} bytes", scenarios, packet_count,
                        packet_stride, fragment_count, fragment_stride);
        INFO(scenario);

        ModelledQueue queue(packet_count, fragment_count, packet_stride, fragment_stride, rng);
        std::deque<std::string> history;  // the last steps, for the failure report
        UINT64 step = 0;
        auto wrapped_enough = [&] {
            return queue.model(Kind::Packet).wraps() >= wraps_per_ring_per_scenario &&
                   queue.model(Kind::Fragment).wraps() >= wraps_per_ring_per_scenario;
        };
        while ((step < min_steps_per_scenario || !wrapped_enough()) && step < max_steps_per_scenario) {
            ++step;
            Kind const kind = uniform(0, 1) == 0 ? Kind::Packet : Kind::Fragment;
            auto const generation = static_cast<Generation>(uniform(0, 2));
            RingModel const& m = queue.model(kind);
            // Mostly all of what is available, otherwise a uniform part of it.
            auto pick = [&](UINT64 available) { return uniform(0, 3) == 0 ? available : uniform(0, available); };
            Findings findings;
            UINT64 const roll = uniform(0, 99);
            std::string what =
                fmt::format("(threw) operation roll {} on the {} ring via {}", roll, name(kind), name(generation));
            auto run_step = [&]() -> std::string {
                if (roll < 30) {
                    return queue.os_produce(kind, pick(m.os_free()));
                }
                if (roll < 45) {
                    return queue.os_reclaim(kind);
                }
                if (roll < 65) {
                    return queue.driver_advance(kind, Section::Post, pick(m.count_of(Section::Post)), generation);
                }
                if (roll < 85) {
                    return queue.driver_advance(kind, Section::Drain, pick(m.count_of(Section::Drain)), generation);
                }
                if (roll < 92) {
                    return queue.driver_advance(kind, Section::All, pick(m.count_of(Section::Drain)), generation);
                }
                if (roll < 99) {
                    auto const section = static_cast<Section>(uniform(0, 2));
                    return queue.driver_peek(kind, section, uniform(0, m.count_of(section)), generation, findings);
                }
                return queue.driver_cancel(generation);
            };
            // An API precondition failure (ringlib::ApiMisuse) is a finding like any other.
            try {
                what = run_step();
                queue.verify(findings);
            } catch (std::exception const& error) {
                findings.expect(false, "exception: {}", error.what());
            }
            history.push_back(fmt::format("step {}: {}", step, what));
            if (history.size() > 8) {
                history.pop_front();
            }
            if (!findings.ok()) {
                std::string report = fmt::format("{} mismatch(es) after step {}; first: {}\nlast steps:\n",
                                                 findings.failures(), step, findings.first());
                for (auto const& line : history) {
                    report += "  " + line + "\n";
                }
                FAIL(report);
            }
        }
        steps += step;
        REQUIRE(wrapped_enough());  // hit max_steps_per_scenario: the random walk stopped moving
        packet_wraps += queue.model(Kind::Packet).wraps();
        fragment_wraps += queue.model(Kind::Fragment).wraps();
    }
    CAPTURE(scenarios, steps, packet_wraps, fragment_wraps);
    CHECK(packet_wraps >= wraps_target_per_ring);
    CHECK(fragment_wraps >= wraps_target_per_ring);
}
