// TransactionRecorder: an observe-only agent that writes every handshake on every nic_top port
// as one stable text line, for golden traces, latency measurements and replay checks.
//
// What is recorded (one line each, in a fixed channel order within a cycle):
//   axil.aw axil.w axil.b axil.ar axil.r   registers (AXI4-Lite, the NIC is the slave)
//   dma.ar dma.r dma.aw dma.w dma.b        DMA (AXI4, the NIC is the master)
//   tx rx                                  m_axis_tx / s_axis_rx beats
//   irq irq.err                            irq_queue (mask of lines high) / irq_error
// A handshake is valid && ready at a rising edge; an interrupt is a line high at a rising edge.
// The line's cycle is kernel.cycle() right after that edge, minus the cycle start() was called
// at (so bring-up before start() does not shift a trace); start_cycle() keeps the origin.
//
// Line format (fields in this order, numbers in hex unless named otherwise):
//   "<cycle, decimal, right-aligned in 8> <channel, left-aligned in 7> <fields>"
//   axil.aw addr=0x0104 prot=0          axil.w data=0x00000005 strb=f     axil.b resp=OKAY
//   axil.ar addr=0x0000 prot=0          axil.r data=0x4e494353 resp=OKAY
//   dma.ar id=0 addr=0x100001000 len=1 size=3 burst=1   (AxLEN and AxSIZE as on the bus)
//   dma.r id=0 data=0x... resp=OKAY last=0              (every byte lane)
//   dma.w data=0x..ab.. strb=0x0f last=1                (lanes with strobe 0 print "..")
//   tx data=0x.... keep=0x0f last=1 user=0              (lanes with keep 0 print "..")
//   irq queues=0x1                                      irq.err
// Data is printed as one number, most significant byte first, like a waveform viewer.
//
// Sampling: the NIC's outputs are sampled in drive() (they are registers or functions of state
// only, what every nicsim BFM relies on as well, see bfm/axi4_slave_mem.hpp) and the inputs, which
// other agents set in their drive(), in observe() after the edge, where they still hold the values
// the edge saw. So the recorder may be registered anywhere in the agent order.
//
// Hash: FNV-1a 64 over every recorded line and its '\n', the same on every build and platform
// (no std::hash), so two runs, or a Debug and a Release build, can compare one number.
//
// Cost: while not recording, drive() and observe() return at one branch; nothing allocates per
// cycle while recording except the optional kept lines and the sink's own buffering.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "dut/dut.hpp"
#include "sim/kernel.hpp"

namespace nicsim::monitor {

enum class Channel : std::uint8_t {
    axil_aw,
    axil_w,
    axil_b,
    axil_ar,
    axil_r,
    dma_ar,
    dma_r,
    dma_aw,
    dma_w,
    dma_b,
    tx,
    rx,
    irq,
    irq_error,
};
inline constexpr std::size_t channel_count = 14;
/// The channel's name as it appears in a line ("dma.ar").
std::string_view to_string(Channel c) noexcept;

/// The structured part of one recorded line (what latency measurements need without parsing).
struct Handshake {
    std::uint64_t cycle = 0;  // relative to start(), like the line
    Channel channel = Channel::axil_aw;
    std::uint64_t addr = 0;   // axil.aw/ar, dma.ar/aw
    std::uint32_t id = 0;     // dma.ar/r/aw/b
    std::uint32_t len = 0;    // dma.ar/aw: AxLEN
    std::uint32_t resp = 0;   // axil.b/r, dma.r/b
    std::uint64_t value = 0;  // axil.w/r data; irq: mask of queue lines
    bool last = false;        // dma.r/w, tx, rx
};

/// FNV-1a 64 of `text`, continuing from `h` (the offset basis by default).
std::uint64_t fnv1a64(std::string_view text, std::uint64_t h = 0xcbf29ce484222325ull) noexcept;
/// A hash as 16 hex digits.
std::string hash_hex(std::uint64_t h);

class TransactionRecorder final : public sim::Agent {
public:
    using LineCallback = std::function<void(Handshake const&, std::string_view line)>;

    /// Binds to `dut`'s ports; registers itself with `kernel` (not recording until start()).
    TransactionRecorder(sim::Kernel& kernel, dut::Dut& dut);
    TransactionRecorder(TransactionRecorder const&) = delete;
    TransactionRecorder& operator=(TransactionRecorder const&) = delete;

    /// Start recording; cycles of lines count from the kernel's current cycle.
    void start();
    /// Stop recording (lines, hash and counts stay).
    void stop() noexcept { recording_ = false; }
    bool recording() const noexcept { return recording_; }
    std::uint64_t start_cycle() const noexcept { return start_cycle_; }

    /// Every line (with '\n') is written here while recording (nullptr: nowhere).
    void write_to(std::ostream* out) noexcept { out_ = out; }
    /// Keep every line in memory (lines()), off by default.
    void keep_lines(bool keep) noexcept { keep_ = keep; }
    std::vector<std::string> const& lines() const noexcept { return lines_; }
    /// Called for every line, after it is written and hashed.
    void on_line(LineCallback cb) { on_line_ = std::move(cb); }

    std::uint64_t hash() const noexcept { return hash_; }
    std::uint64_t line_count() const noexcept { return line_count_; }
    std::uint64_t count(Channel c) const noexcept { return counts_[static_cast<std::size_t>(c)]; }

    void drive() override;
    void observe() override;

private:
    // The NIC's outputs, sampled before the edge.
    struct AddrSnap {
        bool valid = false;
        std::uint64_t addr = 0;
        std::uint32_t id = 0, len = 0, size = 0, burst = 0, prot = 0;
    };
    struct BeatSnap {  // dma.w, tx
        bool valid = false;
        std::vector<std::uint8_t> data, mask;  // mask: strobe/keep bits, little-endian bytes
        bool last = false;
        std::uint32_t user = 0;
    };

    void emit(Handshake const& h);
    void append_data(std::vector<std::uint8_t> const& data, std::vector<std::uint8_t> const* mask);
    void sample_beat(BeatSnap& s, bfm::SigRef const& data, bfm::SigRef const& mask, bfm::SigRef const& last,
                     bfm::SigRef const* user);
    void read_input(bfm::SigRef const& sig, std::vector<std::uint8_t>& out);

    sim::Kernel& kernel_;
    dut::DutPorts const& p_;
    std::size_t data_bytes_;
    bool recording_ = false;
    std::uint64_t start_cycle_ = 0;

    // Snapshots of the NIC-driven side (drive()).
    AddrSnap dma_ar_, dma_aw_;
    BeatSnap dma_w_, tx_;
    bool axil_awready_ = false, axil_wready_ = false, axil_arready_ = false;
    bool axil_bvalid_ = false, axil_rvalid_ = false;
    std::uint32_t axil_bresp_ = 0, axil_rresp_ = 0, axil_rdata_ = 0;
    bool dma_rready_ = false, dma_bready_ = false, rx_tready_ = false;
    std::uint64_t irq_queues_ = 0;
    bool irq_error_ = false;

    // Scratch for inputs read in observe().
    std::vector<std::uint8_t> in_data_, in_mask_;

    fmt::memory_buffer line_;
    std::ostream* out_ = nullptr;
    bool keep_ = false;
    std::vector<std::string> lines_;
    LineCallback on_line_;
    std::uint64_t hash_ = 0xcbf29ce484222325ull;
    std::uint64_t line_count_ = 0;
    std::uint64_t counts_[channel_count] = {};
};

}  // namespace nicsim::monitor
