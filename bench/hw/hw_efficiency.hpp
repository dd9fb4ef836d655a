// The measurement of the whole nic_top's stream duty (one beat per cycle is full capacity), shared by
// the benchmark (hw_efficiency_bench: tables for docs/performance.md) and the throughput pins
// (testbench/tests/perf: the same cells against a committed table, in CI).
//
// One measurement is one cell: a configuration, a direction, a frame size and a host memory
// latency. It measures the hardware, not the driver: this code is the software. It programs
// queue 0's rings through the MMIO bus (register offsets and descriptor/completion encodings from
// nic_contract.hpp, descriptors built and stored with the driver's own encoders), posts every
// descriptor of the run before it starts (rings of 2^k >= frames + 1 entries: the rings stay full,
// so frames are offered back to back), and lets the real verilated model run against the host
// memory model (read and write latency as given, 1024 bursts accepted in flight, so memory is
// never the limit) and AXI-Stream BFMs that never pause.
//
// TX: one descriptor per frame; duty = cycles with a beat on m_axis_tx / cycles from the first beat
// of frame `warmup` to the last beat of the last frame. RX: the source offers all frames back to
// back on s_axis_rx (no idle cycles); duty likewise from the handshakes, the window starting at
// frame `warmup` or at the first frame after the NIC first back-pressured the source, whichever is
// later. Every frame is exactly ceil(L/B) beats (checked), so the duty is also the fraction of the
// ideal ceil(L/B) beats per frame without gaps.
//
// Honest: every frame must arrive intact (TX: the bytes on the wire equal the buffer, one
// completion per frame with status OK, length L, the right index; RX: the buffer holds the frame,
// one completion per frame, no drops, no errors); anything else throws IntegrityError. Cycle counts
// are exact: the same cell and options give the same Result on any machine.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace nicsim::hw_efficiency {

enum class Direction { tx, rx };

/// "tx" or "rx", as the benchmark's --direction and the pins table spell it.
char const* direction_name(Direction d);
/// The direction of "tx" or "rx"; nullopt for anything else.
std::optional<Direction> parse_direction(std::string const& name);

/// What one measurement measures.
struct Cell {
    std::string config;  // a built configuration, e.g. "dw512_q4"
    Direction direction = Direction::tx;
    std::uint32_t frame_bytes = 64;
    std::uint32_t latency_cycles = 0;  // host memory read and write latency
};

/// Frames per run at most (the rings have 2^k >= frames + 1 entries).
inline constexpr std::uint32_t max_frames = 32767;

/// How long and how it runs.
struct RunOptions {
    std::uint32_t frames = 0;           // frames posted, 2..max_frames; 0: default_frames(cell.frame_bytes)
    std::uint32_t warmup = 0;           // frames before the window, < frames (with frames 0: default_warmup)
    std::uint32_t tx_offset_bytes = 0;  // TX buffers start this far past a 64-byte boundary
    std::uint64_t seed = 1;             // frame contents (and the kernel's random generator)
    std::string trace_path;             // an FST of the whole run when not empty (slow)
};

struct Result {
    std::uint64_t window_cycles = 0;  // first beat of the window's first frame .. last beat of the last frame
    std::uint64_t beats = 0;          // beats in the window
    std::uint64_t bytes = 0;          // payload bytes in the window
    std::uint64_t frames = 0;         // frames in the window
    std::uint32_t lanes = 0;          // bytes per beat (the configuration's data width / 8)
    bool absorbed = false;            // RX: never back-pressured, the frame FIFO took the difference

    /// Beats per cycle in the window.
    double duty() const;
    /// Payload bytes per byte lane and cycle in the window.
    double byte_efficiency() const;
};

/// A frame arrived wrong, or a count or register says something was lost.
struct IntegrityError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// RX: the NIC first back-pressured the source so late that fewer than 16 frames were left for a
/// steady-state window (run more frames).
struct TooFewFrames : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Measures one cell. Throws IntegrityError (see above), TooFewFrames, std::invalid_argument for a
/// configuration not built or options out of range, and whatever the simulation throws (protocol
/// violation, wait limit).
Result measure(Cell const& cell, RunOptions const& options);

/// The benchmark's frames per run: 2 MiB of frames, 256 to 32767 (the RX frame FIFO holds 18 KiB,
/// the TX one 32 KiB, so the window is many FIFOs long; RX at 64 bytes back-pressures within 100 KiB).
std::uint32_t default_frames(std::uint32_t frame_bytes);
/// The benchmark's warmup: the first quarter of the frames.
std::uint32_t default_warmup(std::uint32_t frames);

/// The targets: 95% from 256 bytes up, 85% at 64 bytes (stated at latency 200; applied
/// to both latencies). None is stated for 128 bytes.
std::optional<double> target_for(std::uint32_t frame_bytes);

/// The best duty one AXI channel shared by data and 16-byte records (TX descriptors on R, RX
/// completions on W) allows an L-byte frame at B bytes per beat: ceil(L/B) / (ceil(L/B) + 16/B)
/// (docs/performance.md explains it).
double shared_channel_bound(Direction direction, std::uint32_t frame_bytes, std::uint32_t lanes);

/// The benchmark's options that measure exactly this cell with these options (without the
/// program name), e.g. "--config dw64_q4 --direction tx --sizes 64 --latency 200 --frames 512
/// --warmup 128 --seed 1".
std::string bench_arguments(Cell const& cell, RunOptions const& options);

}  // namespace nicsim::hw_efficiency
