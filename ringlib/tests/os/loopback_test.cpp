// End to end through both queues: every TX frame comes back as an RX frame through the software
// loopback driver, byte-exact and in order, with the verifier checking every callback.
//
// Randomized: the seed is Catch's (--rng-seed N) or a fixed default; on failure the seed and the
// exact replay command are printed.
#include "loopback_driver.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <random>

using namespace ringlib::os;

namespace {

struct RingSizes {
    std::uint32_t tx_packets, tx_fragments, rx_packets, rx_fragments;
};

std::uint32_t seed_for_this_run() {
    std::uint32_t const catch_seed = Catch::rngSeed();
    return catch_seed != 0 ? catch_seed : 20240611u;
}

/// Buffers large enough that even a 2-element fragment ring (1 usable slot) carries a jumbo frame.
std::uint32_t buffer_bytes_for(std::uint32_t fragment_ring_size) {
    return fragment_ring_size <= 8 ? 9216 : 2048;
}

}  // namespace

TEST_CASE("loopback: frames out == frames in byte-exact and in order under the verifier") {
    auto const sizes = GENERATE(RingSizes{2, 2, 2, 2}, RingSizes{2, 4096, 4096, 2}, RingSizes{4096, 2, 2, 4096},
                                RingSizes{8, 64, 16, 32}, RingSizes{64, 8, 32, 16}, RingSizes{256, 1024, 512, 4096},
                                RingSizes{4096, 4096, 4096, 4096});
    std::uint32_t const seed = seed_for_this_run();
    std::string const replay =
        fmt::format("(from the build directory) ringlib/tests/os/ringlib_os_tests --rng-seed {} \"{}\"", seed,
                    Catch::getResultCapture().getCurrentTestName());
    INFO("seed " << seed << "; replay with: " << replay);
    CAPTURE(sizes.tx_packets, sizes.tx_fragments, sizes.rx_packets, sizes.rx_fragments);

    ostest::HostMemory memory(256u << 20);
    loopback::LoopbackHardware hardware(memory.arena);
    TxQueueConfig tx_config;
    tx_config.packet_ring_size = sizes.tx_packets;
    tx_config.fragment_ring_size = sizes.tx_fragments;
    tx_config.fragment_buffer_bytes = buffer_bytes_for(sizes.tx_fragments);
    RxQueueConfig rx_config;
    rx_config.packet_ring_size = sizes.rx_packets;
    rx_config.fragment_ring_size = sizes.rx_fragments;
    rx_config.buffer_capacity_bytes = buffer_bytes_for(sizes.rx_fragments) + 64;
    rx_config.backfill_offset_bytes = 64;
    auto tx = TxQueue::create(tx_config, memory.arena, loopback::loopback_adapter(hardware),
                              loopback::LoopbackEvtCreateTxQueue);
    auto rx = RxQueue::create(rx_config, memory.arena, loopback::loopback_adapter(hardware),
                              loopback::LoopbackEvtCreateRxQueue);

    std::mt19937 random(seed);
    std::uniform_int_distribution<std::size_t> frame_size(60, 9018);
    std::vector<std::vector<std::uint8_t>> sent;
    std::size_t received = 0;
    std::size_t mismatches = 0;
    rx->on_frame([&](RxFrame&& frame) {
        if (received >= sent.size() || frame.bytes != sent[received]) {
            ++mismatches;
            UNSCOPED_INFO("first mismatch at RX frame " << received << " of " << frame.bytes.size() << " bytes");
        }
        ++received;
    });
    std::vector<TxCompletion> completions;
    tx->on_completion([&](TxCompletion const& c) { completions.push_back(c); });

    tx->start();
    rx->start();
    constexpr std::size_t frame_count = 600;
    std::size_t polls = 0;
    while (received < frame_count && polls < 200'000) {
        // Frames arrive in bursts, as from a socket, while earlier ones are in flight.
        if (sent.size() < frame_count && (polls % 3) == 0) {
            for (int burst = 0; burst < 5 && sent.size() < frame_count; ++burst) {
                sent.push_back(ostest::pattern_frame(frame_size(random), static_cast<std::uint32_t>(sent.size())));
                tx->submit(sent.back());
            }
        }
        tx->poll();
        rx->poll();
        hardware.step();
        ++polls;
    }
    CHECK(received == frame_count);
    CHECK(mismatches == 0);
    REQUIRE(completions.size() == frame_count);
    for (std::size_t i = 0; i < completions.size(); ++i) {
        if (completions[i].frame_id != i + 1 || completions[i].status != TxCompletionStatus::Sent) {
            FAIL_CHECK("TX completion " << i << " is frame " << completions[i].frame_id);
            break;
        }
    }
    CHECK(tx->verifier().checks_run() > 0);
    CHECK(rx->verifier().checks_run() > 0);

    CHECK(tx->stop() != QueueState::Stopping);  // nothing in flight any more
    rx->stop();
    CHECK(rx->state() == QueueState::Stopped);
    CHECK(tx->state() == QueueState::Stopped);
}

TEST_CASE("loopback: stopping TX with frames in flight drains them through the hardware") {
    ostest::HostMemory memory;
    loopback::LoopbackHardware hardware(memory.arena);
    auto tx = TxQueue::create(TxQueueConfig{}, memory.arena, loopback::loopback_adapter(hardware),
                              loopback::LoopbackEvtCreateTxQueue);
    std::vector<TxCompletion> completions;
    tx->on_completion([&](TxCompletion const& c) { completions.push_back(c); });
    tx->start();
    for (int i = 0; i < 10; ++i) tx->submit(ostest::pattern_frame(1000, i));
    tx->poll();  // posted to hardware, not yet transmitted
    REQUIRE(tx->frames_in_flight() == 10);
    CHECK(tx->stop() == QueueState::Stopping);
    int polls = 0;
    while (tx->state() == QueueState::Stopping && polls++ < 100) {
        hardware.step();
        tx->poll();
    }
    CHECK(tx->state() == QueueState::Stopped);
    CHECK(completions.size() == 10);
    CHECK(hardware.wire.size() == 10);
}

TEST_CASE("loopback: idle queues sleep and the hardware interrupt wakes RX") {
    ostest::HostMemory memory;
    loopback::LoopbackHardware hardware(memory.arena);
    auto tx = TxQueue::create(TxQueueConfig{}, memory.arena, loopback::loopback_adapter(hardware),
                              loopback::LoopbackEvtCreateTxQueue);
    auto rx = RxQueue::create(RxQueueConfig{}, memory.arena, loopback::loopback_adapter(hardware),
                              loopback::LoopbackEvtCreateRxQueue);
    std::size_t received = 0;
    rx->on_frame([&](RxFrame&&) { ++received; });
    tx->start();
    rx->start();
    for (int i = 0; i < 4; ++i) {
        tx->poll();
        rx->poll();
        hardware.step();
    }
    REQUIRE(tx->state() == QueueState::Sleeping);
    REQUIRE(rx->state() == QueueState::Sleeping);
    CHECK(hardware.rx_interrupt_armed);

    tx->submit(ostest::pattern_frame(60, 1));
    for (int i = 0; i < 10 && received == 0; ++i) {
        tx->poll();
        hardware.step();  // transmits, loops back, raises the RX interrupt
        rx->poll();
    }
    CHECK(received == 1);
    CHECK(rx->notifications().accepted == 1);
    CHECK(hardware.interrupts >= 1);
}
