// What does the ring API cost a driver? The same TX-post-like work three ways, in one run:
// walk the post section of a large packet ring, walk each packet's fragments summing ValidLength,
// then write NextIndex back.
//   (a) raw index loop with the net/ring.h helpers
//   (b) the 2019 iterators (NetRingGetPostPackets, NetPacketIteratorGetFragments, ...)
//   (c) ringlib/sections.hpp
// Prints ns per packet for each and the ratios b/a and c/a (medians of per-repetition ratios,
// see bench/common/harness.hpp), with the command line, build type and CPU count.
//
//   iterator_bench [--packets N] [--repetitions R]      (N: power of two, default 4096)
#include "../common/harness.hpp"

#include <netringiterator.h>
#include <ringlib/sections.hpp>
#include "../../ringlib/tests/api/ring_fixture.hpp"  // real rings in memory, as the tests build them

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string_view>
#include <vector>

namespace hb = nicsim::bench;

namespace {

[[gnu::noinline]] UINT64 post_with_raw_indices(NET_RING_COLLECTION const* rings) {
    NET_RING* const packets = NetRingCollectionGetPacketRing(rings);
    NET_RING const* const fragments = NetRingCollectionGetFragmentRing(rings);
    UINT64 bytes = 0;
    UINT32 index = packets->NextIndex;
    UINT32 const end = packets->EndIndex;
    for (; index != end; index = NetRingIncrementIndex(packets, index)) {
        NET_PACKET const* packet = NetRingGetPacketAtIndex(packets, index);
        UINT32 fragment = packet->FragmentIndex;
        UINT32 const fragment_end = NetRingAdvanceIndex(fragments, fragment, packet->FragmentCount);
        for (; fragment != fragment_end; fragment = NetRingIncrementIndex(fragments, fragment)) {
            bytes += NetRingGetFragmentAtIndex(fragments, fragment)->ValidLength;
        }
    }
    packets->NextIndex = index;
    return bytes;
}

[[gnu::noinline]] UINT64 post_with_2019_iterators(NET_RING_COLLECTION const* rings) {
    UINT64 bytes = 0;
    auto packets = NetRingGetPostPackets(rings);
    for (; NetPacketIteratorHasAny(&packets); NetPacketIteratorAdvance(&packets)) {
        auto fragments = NetPacketIteratorGetFragments(&packets);
        for (; NetFragmentIteratorHasAny(&fragments); NetFragmentIteratorAdvance(&fragments)) {
            bytes += NetFragmentIteratorGetFragment(&fragments)->ValidLength;
        }
    }
    NetPacketIteratorSet(&packets);
    return bytes;
}

[[gnu::noinline]] UINT64 post_with_sections(NET_RING_COLLECTION const* rings) {
    UINT64 bytes = 0;
    auto const post = ringlib::post_packets(rings);
    for (NET_PACKET const& packet : post) {
        for (NET_FRAGMENT const& fragment : ringlib::packet_fragments(rings, packet)) {
            bytes += fragment.ValidLength;
        }
    }
    post.commit_all();
    return bytes;
}

UINT32 argument(int argc, char** argv, std::string_view flag, UINT32 fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == flag) {
            return static_cast<UINT32>(std::strtoul(argv[i + 1], nullptr, 10));
        }
    }
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    UINT32 const packet_count = argument(argc, argv, "--packets", 4096);
    int const repetitions = static_cast<int>(argument(argc, argv, "--repetitions", 101));
    if (packet_count < 2 || (packet_count & (packet_count - 1)) != 0 || repetitions < 1) {
        fmt::print(stderr, "usage: {} [--packets <power of two >= 2>] [--repetitions <n>]\n", argv[0]);
        return 2;
    }
    UINT32 const fragment_count = packet_count * 4;

    // Strides as a TX queue with checksum/LSO/VLAN packet extensions and VA/LA fragment extensions.
    constexpr UINT16 packet_stride_bytes = 32;
    constexpr UINT16 fragment_stride_bytes = 24;
    ringlib::testing::InMemoryRings rings(packet_count, fragment_count, packet_stride_bytes, fragment_stride_bytes);

    // The OS handed over all but one slot, starting mid-ring so both walks wrap; 1-4 fragments
    // per packet, consecutive in the fragment ring.
    UINT32 const first_packet = packet_count / 2;
    UINT32 const post_count = packet_count - 1;
    std::mt19937 rng(1);
    UINT32 fragment = fragment_count / 2;
    for (UINT32 i = 0; i < post_count; ++i) {
        NET_PACKET& packet =
            rings.packet(NetRingAdvanceIndex(rings.packets.get(), first_packet, static_cast<INT32>(i)));
        packet.FragmentIndex = fragment;
        packet.FragmentCount = static_cast<UINT16>(1 + rng() % 4);
        for (UINT32 f = 0; f < packet.FragmentCount; ++f) {
            rings.fragment(fragment).ValidLength = 60 + rng() % 1455;
            fragment = NetRingIncrementIndex(rings.fragments.get(), fragment);
        }
    }
    UINT32 const fragments_used = NetRingGetRangeCount(rings.fragments.get(), fragment_count / 2, fragment);
    rings.packets.place_indices(first_packet, first_packet, first_packet,
                                NetRingAdvanceIndex(rings.packets.get(), first_packet, static_cast<INT32>(post_count)));
    rings.fragments.place_indices(fragment_count / 2, fragment_count / 2, fragment_count / 2, fragment);

    NET_RING_COLLECTION const* const collection = rings.collection();
    auto pass = [&](UINT64 (*walk)(NET_RING_COLLECTION const*)) {
        rings.packets->NextIndex = first_packet;  // each pass posts the same section again
        return walk(collection);
    };

    // The three must agree, and must write the same NextIndex, before their speed means anything.
    UINT64 const expected_bytes = pass(post_with_raw_indices);
    UINT32 const expected_next = rings.packets->NextIndex;
    for (auto walk : {post_with_2019_iterators, post_with_sections}) {
        if (pass(walk) != expected_bytes || rings.packets->NextIndex != expected_next) {
            fmt::print(stderr, "variants disagree: the benchmark is measuring different work\n");
            return 1;
        }
    }

    std::vector<hb::Variant> const variants{
        {"(a) raw index loop", [&] { hb::do_not_optimize(pass(post_with_raw_indices)); }},
        {"(b) 2019 iterators", [&] { hb::do_not_optimize(pass(post_with_2019_iterators)); }},
        {"(c) ringlib sections", [&] { hb::do_not_optimize(pass(post_with_sections)); }},
    };
    hb::Options options;
    options.repetitions = repetitions;
    options.passes_per_sample = static_cast<int>(std::max<UINT32>(1, (1u << 17) / packet_count));
    options.items_per_pass = post_count;
    auto const results = hb::run_alternating(variants, options);

    hb::Environment const env = hb::environment(argc, argv);
    fmt::print("command:    {}\n", env.command_line);
    fmt::print("build:      {}\n", env.build_type);
    fmt::print("nproc:      {}\n", env.cpus);
    fmt::print("work:       post section of {} packets (ring {} x {} B), {} fragments (ring {} x {} B), {} bytes\n",
               post_count, packet_count, packet_stride_bytes, fragments_used, fragment_count, fragment_stride_bytes,
               expected_bytes);
    fmt::print("timing:     {} alternating repetitions x {} passes per sample\n\n", options.repetitions,
               options.passes_per_sample);
    fmt::print("{:<22} {:>14} {:>14}\n", "variant", "median ns/pkt", "min ns/pkt");
    for (auto const& result : results) {
        fmt::print("{:<22} {:>14.3f} {:>14.3f}\n", result.name, result.median_ns_per_item, result.min_ns_per_item);
    }
    fmt::print("\nratio b/a: {:.3f} (ratio of medians {:.3f})\n", hb::paired_ratio(results[1], results[0]),
               hb::ratio(results[1], results[0]));
    fmt::print("ratio c/a: {:.3f} (ratio of medians {:.3f})\n", hb::paired_ratio(results[2], results[0]),
               hb::ratio(results[2], results[0]));
    return 0;
}
