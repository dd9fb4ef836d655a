// nic_byte_packer with random fragment sizes and alignments (1-byte fragments at any lane, runs of
// tiny fragments, long fragments), random input gaps and output back-pressure, at 64 and 512 bits,
// against the expected packed byte stream; plus its throughput: no bubbles for full beats, and at
// most one input stall per packet when nothing else stalls.
#include <catch2/catch.hpp>

#include <deque>
#include <vector>

#include "Vrtl_common_byte_packer_w512.h"
#include "Vrtl_common_byte_packer_w64.h"
#include "harness.hpp"

using namespace nicsim::rtltest;

namespace {

struct PackerW64 {
    using Model = Vrtl_common_byte_packer_w64;
    static constexpr std::size_t kLanes = 8;
};
struct PackerW512 {
    using Model = Vrtl_common_byte_packer_w512;
    static constexpr std::size_t kLanes = 64;
};

struct Chunk {
    std::vector<std::uint8_t> lanes;  // whole beat, garbage outside [first, first + bytes)
    std::size_t first = 0;
    std::size_t bytes = 0;
    bool last = false;
};

struct Beat {
    std::vector<std::uint8_t> data;  // kept bytes only
    bool last = false;
};

struct Workload {
    std::deque<Chunk> chunks;
    std::deque<Beat> beats;  // expected output
    std::size_t packets = 0;
};

// Fragment lengths from several regimes, so both tiny and multi-beat fragments are common.
std::size_t fragment_len(std::mt19937_64& rng, std::size_t lanes) {
    switch (uniform(rng, 0, 4)) {
    case 0: return uniform(rng, 1, 3);
    case 1: return uniform(rng, 1, lanes);
    case 2: return uniform(rng, lanes, 4 * lanes);
    case 3: return lanes * uniform(rng, 1, 3);
    default: return uniform(rng, 1, 300);
    }
}

// Random packets as the DMA would deliver them: each fragment at a random address, cut at beat
// boundaries. `full_beats` makes every fragment start on lane 0 and span whole beats.
Workload make_workload(std::mt19937_64& rng, std::size_t lanes, std::size_t packets, bool full_beats) {
    Workload w;
    w.packets = packets;
    for (std::size_t p = 0; p < packets; ++p) {
        const bool tiny_run = !full_beats && chance(rng, 0.15);
        const std::size_t frags = tiny_run ? uniform(rng, 5, 24) : uniform(rng, 1, 6);
        std::vector<std::uint8_t> packet;
        for (std::size_t f = 0; f < frags; ++f) {
            std::size_t len = tiny_run ? uniform(rng, 1, 3) : fragment_len(rng, lanes);
            std::size_t lane = chance(rng, 0.2) ? 0 : uniform(rng, 0, lanes - 1);
            if (full_beats) {
                len = lanes * uniform(rng, 1, 4);
                lane = 0;
            }
            while (len > 0) {
                Chunk c;
                c.lanes.resize(lanes);
                for (auto& b : c.lanes) b = static_cast<std::uint8_t>(uniform(rng, 0, 255));
                c.first = lane;
                c.bytes = std::min(len, lanes - lane);
                for (std::size_t i = 0; i < c.bytes; ++i) packet.push_back(c.lanes[lane + i]);
                len -= c.bytes;
                lane = 0;
                c.last = (f + 1 == frags) && len == 0;
                w.chunks.push_back(std::move(c));
            }
        }
        for (std::size_t at = 0; at < packet.size(); at += lanes) {
            Beat b;
            b.data.assign(packet.begin() + at, packet.begin() + std::min(packet.size(), at + lanes));
            b.last = at + lanes >= packet.size();
            w.beats.push_back(std::move(b));
        }
    }
    return w;
}

struct RunStats {
    std::uint64_t cycles = 0;
    std::uint64_t input_stalls = 0;  // cycles with in_valid && !in_ready
    std::uint64_t output_gaps = 0;   // cycles after the first beat with !out_valid
};

// Runs a workload to completion, checking every output beat and the output's stability while it
// is stalled.
template <class T>
RunStats run(Clocked<typename T::Model>& h, Workload w, std::mt19937_64& rng, double p_valid, double p_ready,
             bool vary) {
    RunStats st;
    const double levels[] = {0.1, 0.5, 0.9, 1.0};
    bool holding = false;
    bool stalled_last = false;
    bool seen_output = false;
    Beat stalled_beat;
    std::uint64_t beats_out = 0;
    const std::uint64_t limit = 200 * (w.chunks.size() + 10);
    while (!w.beats.empty()) {
        REQUIRE(st.cycles < limit);
        if (vary && st.cycles % 97 == 0) {
            p_valid = levels[uniform(rng, 0, 3)];
            p_ready = levels[uniform(rng, 0, 3)];
        }
        if (!holding && !w.chunks.empty() && chance(rng, p_valid)) holding = true;
        h->in_valid = holding;
        if (holding) {
            const Chunk& c = w.chunks.front();
            for (std::size_t i = 0; i < T::kLanes; ++i) set_byte(h->in_data, i, c.lanes[i]);
            h->in_first = static_cast<std::uint8_t>(c.first);
            h->in_bytes = static_cast<std::uint8_t>(c.bytes);
            h->in_last = c.last;
        }
        h->out_ready = chance(rng, p_ready);
        h.settle();

        INFO("cycle " << st.cycles << ", output beat " << beats_out);
        // Output read now: the beat the packer holds this cycle.
        Beat got;
        std::size_t kept = 0;
        if (h->out_valid) {
            bool contiguous = true;
            for (std::size_t i = 0; i < T::kLanes; ++i) {
                const bool k = get_bit(h->out_keep, i);
                if (k && kept != i) contiguous = false;
                if (k) ++kept;
            }
            REQUIRE(contiguous);
            for (std::size_t i = 0; i < kept; ++i) got.data.push_back(get_byte(h->out_data, i));
            got.last = h->out_last;
            if (stalled_last) {
                REQUIRE(got.data == stalled_beat.data);
                REQUIRE(got.last == stalled_beat.last);
            }
            seen_output = true;
        } else {
            REQUIRE_FALSE(stalled_last);  // valid never drops before the transfer
            if (seen_output) ++st.output_gaps;
        }
        const bool take_in = h->in_valid && h->in_ready;
        const bool take_out = h->out_valid && h->out_ready;
        if (h->in_valid && !h->in_ready) ++st.input_stalls;
        if (take_out) {
            const Beat& want = w.beats.front();
            REQUIRE(got.data.size() == want.data.size());
            REQUIRE(got.data == want.data);
            REQUIRE(got.last == want.last);
            w.beats.pop_front();
            ++beats_out;
        }
        stalled_last = h->out_valid && !h->out_ready;
        stalled_beat = got;
        h.edge();
        ++st.cycles;
        if (take_in) {
            w.chunks.pop_front();
            holding = false;
        }
    }
    REQUIRE(w.chunks.empty());
    return st;
}

}  // namespace

TEMPLATE_TEST_CASE("byte packer packs random chunks under random stalls", "", PackerW64, PackerW512) {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xB17E + TestType::kLanes);
    Clocked<typename TestType::Model> h;
    Workload w = make_workload(rng, TestType::kLanes, 600, false);
    INFO(w.chunks.size() << " chunks, " << w.beats.size() << " beats");
    run<TestType>(h, std::move(w), rng, 0.5, 0.5, true);
    // Idle afterwards: nothing more comes out.
    h->in_valid = 0;
    h->out_ready = 1;
    for (int i = 0; i < 4; ++i) {
        h.settle();
        REQUIRE_FALSE(h->out_valid);
        h.edge();
    }
}

TEMPLATE_TEST_CASE("byte packer stalls its input at most once per packet", "", PackerW64, PackerW512) {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xB17F + TestType::kLanes);
    Clocked<typename TestType::Model> h;
    Workload w = make_workload(rng, TestType::kLanes, 400, false);
    const std::size_t packets = w.packets;
    const RunStats st = run<TestType>(h, std::move(w), rng, 1.0, 1.0, false);
    CHECK(st.input_stalls <= packets);
}

TEMPLATE_TEST_CASE("byte packer streams full beats without bubbles", "", PackerW64, PackerW512) {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xB180 + TestType::kLanes);
    Clocked<typename TestType::Model> h;
    Workload w = make_workload(rng, TestType::kLanes, 200, true);
    const std::size_t beats = w.beats.size();
    const RunStats st = run<TestType>(h, std::move(w), rng, 1.0, 1.0, false);
    CHECK(st.input_stalls == 0);
    CHECK(st.output_gaps == 0);
    CHECK(st.cycles == beats + 1);  // one cycle of latency through the output register
}

TEMPLATE_TEST_CASE("byte packer handles a lone byte on every lane", "", PackerW64, PackerW512) {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xB181 + TestType::kLanes);
    Clocked<typename TestType::Model> h;
    Workload w;
    for (std::size_t lane = 0; lane < TestType::kLanes; ++lane) {
        Chunk c;
        c.lanes.assign(TestType::kLanes, 0xEE);
        c.lanes[lane] = static_cast<std::uint8_t>(lane + 1);
        c.first = lane;
        c.bytes = 1;
        c.last = true;
        w.chunks.push_back(c);
        w.beats.push_back(Beat{{static_cast<std::uint8_t>(lane + 1)}, true});
        ++w.packets;
    }
    run<TestType>(h, std::move(w), rng, 0.7, 0.7, false);
}
