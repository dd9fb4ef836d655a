// Packets per second through ringlib's OS side and the software loopback driver (TX queue ->
// loopback hardware -> RX queue) with 64-byte frames, verifier off and on, in one run.
//
// The two configurations alternate repetition by repetition so that machine noise (other jobs
// on a shared box, frequency changes) lands on both alike; the best repetition of each counts.
//
//   loopback_bench [--frames N] [--repetitions R]
#include "loopback_driver.hpp"

#include <ringlib/os/rx_queue.hpp>
#include <ringlib/os/tx_queue.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifndef NICSIM_BUILD_TYPE
#define NICSIM_BUILD_TYPE "unknown"
#endif

namespace {

using namespace ringlib::os;

/// One TX queue, one RX queue and the loopback hardware between them, on their own host memory.
class LoopbackRig {
public:
    explicit LoopbackRig(bool verifier_enabled)
        : memory_(static_cast<unsigned char*>(std::aligned_alloc(4096, memory_bytes))),
          arena_(memory_.get(), 0x1'0000'0000ull, memory_bytes),
          hardware_(arena_) {
        TxQueueConfig tx_config;
        tx_config.packet_ring_size = 1024;
        tx_config.fragment_ring_size = 1024;
        tx_config.fragment_buffer_bytes = 2048;
        tx_config.options.verifier_enabled = verifier_enabled;
        RxQueueConfig rx_config;
        rx_config.packet_ring_size = 1024;
        rx_config.fragment_ring_size = 1024;
        rx_config.options.verifier_enabled = verifier_enabled;
        tx_ = TxQueue::create(tx_config, arena_, loopback::loopback_adapter(hardware_),
                              loopback::LoopbackEvtCreateTxQueue);
        rx_ = RxQueue::create(rx_config, arena_, loopback::loopback_adapter(hardware_),
                              loopback::LoopbackEvtCreateRxQueue);
        rx_->on_frame([this](RxFrame&& frame) {
            ++received_;
            bytes_received_ += frame.bytes.size();
        });
        tx_->start();
        rx_->start();
    }

    /// Sends `frame_count` frames end to end; returns the seconds it took.
    double run(std::uint64_t frame_count, std::vector<std::uint8_t> const& frame) {
        std::uint64_t const target = received_ + frame_count;
        std::uint64_t submitted = 0;
        auto const start = std::chrono::steady_clock::now();
        while (received_ < target) {
            // Keep about one ring's worth in flight, as a busy sender would.
            while (submitted < frame_count && tx_->frames_waiting() < 512) {
                tx_->submit(frame);
                ++submitted;
            }
            tx_->poll();
            hardware_.step();
            rx_->poll();
        }
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }

    std::uint64_t verifier_checks() { return tx_->verifier().checks_run() + rx_->verifier().checks_run(); }

private:
    struct Free {
        void operator()(unsigned char* p) const noexcept { std::free(p); }
    };
    static constexpr std::size_t memory_bytes = 64u << 20;
    // Page aligned, so the virtual and logical bases agree modulo every buffer alignment.
    std::unique_ptr<unsigned char, Free> memory_;
    ringlib::DmaArena arena_;
    loopback::LoopbackHardware hardware_;
    std::unique_ptr<TxQueue> tx_;
    std::unique_ptr<RxQueue> rx_;
    std::uint64_t received_ = 0;
    std::uint64_t bytes_received_ = 0;
};

std::uint64_t argument(int argc, char** argv, char const* name, std::uint64_t fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) {
            return std::strtoull(argv[i + 1], nullptr, 10);
        }
    }
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t const frames = argument(argc, argv, "--frames", 200'000);
    std::uint64_t const repetitions = argument(argc, argv, "--repetitions", 5);
    std::string command;
    for (int i = 0; i < argc; ++i) {
        command.append(i == 0 ? "" : " ").append(argv[i]);
    }
    fmt::print("command: {}\nbuild type: {}; nproc: {}; frame: 64 bytes; rings: 1024 packets / 1024 fragments\n",
               command, NICSIM_BUILD_TYPE, std::thread::hardware_concurrency());

    std::vector<std::uint8_t> frame(64);
    for (std::size_t i = 0; i < frame.size(); ++i) {
        frame[i] = static_cast<std::uint8_t>(i);
    }
    LoopbackRig without_verifier(false);
    LoopbackRig with_verifier(true);
    without_verifier.run(frames / 10 + 1, frame);  // warm-up: page in buffers and rings
    with_verifier.run(frames / 10 + 1, frame);

    double best_off = 1e300;
    double best_on = 1e300;
    for (std::uint64_t rep = 0; rep < repetitions; ++rep) {
        double const off = without_verifier.run(frames, frame);
        double const on = with_verifier.run(frames, frame);
        best_off = std::min(best_off, off);
        best_on = std::min(best_on, on);
        fmt::print("repetition {}: verifier off {:.0f} pps, verifier on {:.0f} pps\n", rep + 1,
                   static_cast<double>(frames) / off, static_cast<double>(frames) / on);
    }
    double const pps_off = static_cast<double>(frames) / best_off;
    double const pps_on = static_cast<double>(frames) / best_on;
    fmt::print("best of {}: verifier off {:.0f} pps, verifier on {:.0f} pps; off/on = {:.2f}x\n", repetitions, pps_off,
               pps_on, pps_off / pps_on);
    if (with_verifier.verifier_checks() == 0 || without_verifier.verifier_checks() != 0) {
        fmt::print(stderr, "error: expected the verifier to run only in the 'on' configuration\n");
        return 1;
    }
    return 0;
}
