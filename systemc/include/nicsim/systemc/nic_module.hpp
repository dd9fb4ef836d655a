// NicModule: the verilated NIC (nic_top, one configuration) as a SystemC module with TLM-2.0
// sockets, for use in any SystemC 2.3 platform.
//
//   clk, rst_n          sc_in<bool>: the NIC's clock and active-low reset, driven by the platform
//                       (an sc_clock, usually). Everything below is synchronous to clk's rising
//                       edge: the module drives the RTL's inputs at the falling edge and samples
//                       handshakes at the rising edge, so it never races the model's evaluation.
//   regs                tlm_utils::simple_target_socket, 32-bit registers (docs/contract.md).
//                       b_transport -> one AXI4-Lite write or read on the RTL's s_axil pins.
//                       Timing: the call first waits the incoming annotated delay (the access
//                       happens at the caller's local time), then waits clock edges until the
//                       AXI4-Lite response; it returns with delay 0, so the time the access took
//                       (its cycles x the clock period) is the simulated time that passed. A
//                       temporally decoupled initiator thus sees exactly the bus cost, once.
//                       Accepted: 4-byte, 4-aligned accesses below 0x10000, streaming width 4,
//                       any byte enables (a write's enables are its WSTRB; a read returns only
//                       the enabled bytes). Responses: AXI OKAY -> TLM_OK_RESPONSE; SLVERR on a
//                       read (the contract answers only undefined addresses so) and DECERR ->
//                       TLM_ADDRESS_ERROR_RESPONSE; SLVERR on a write (undefined address, RO
//                       register, bad value, configuration of an enabled ring: AXI does not say
//                       which) -> TLM_GENERIC_ERROR_RESPONSE. Before any bus cycle: an address
//                       >= 0x10000 or not 4-aligned -> TLM_ADDRESS_ERROR_RESPONSE, a length or
//                       streaming width other than 4 -> TLM_BURST_ERROR_RESPONSE, an access
//                       while rst_n is low -> TLM_GENERIC_ERROR_RESPONSE, TLM_IGNORE_COMMAND ->
//                       OK with no bus cycle. Concurrent callers are served one at a time.
//                       No DMI (registers have side effects), no debug transport.
//   dma                 tlm_utils::simple_initiator_socket to host memory. Every AXI4 burst the
//                       RTL issues becomes one b_transport carrying the whole burst (address of
//                       its first byte, every byte up to the end of its last beat; writes carry
//                       the WSTRB as byte enables when any lane is off). The call is made when
//                       the burst is accepted (reads: AR; writes: AW and the last W beat), with
//                       delay 0; the response is presented on R/B no earlier than the time of
//                       the call plus the delay the target annotated. TLM_OK_RESPONSE -> OKAY,
//                       TLM_ADDRESS_ERROR_RESPONSE -> DECERR, any other -> SLVERR (a read's data
//                       is then zero). Up to max_*_in_flight bursts per direction are accepted
//                       at once, answered in order per AXI ID, out of order across IDs as their
//                       delays allow. A target that waits inside b_transport (AT-style) is
//                       fine: `transport_threads` calls per direction may wait at once.
//   rx_in               sc_fifo_in<Frame>: frames from the wire into the NIC (s_axis_rx), one per
//                       fifo entry, beats back to back while the RTL is ready; Frame::bad sets
//                       tuser on the last beat. An empty frame is an error (SC_REPORT_ERROR).
//   tx_out              sc_fifo_out<Frame>: frames the NIC sends (m_axis_tx). tready is low
//                       while the fifo is full: a slow reader is back-pressure on the NIC.
//   irq_queue[q]        sc_out<bool>, one per queue (an MSI-X vector per queue, as the driver's
//                       per-queue ISR expects), and irq_error: the RTL's one-cycle pulses as is.
//
// Bring-up: bind everything (both fifos are required; bind an unread/unfed sc_fifo to a side you
// do not use), hold rst_n low for a few cycles, release it, then program the NIC through `regs`
// as docs/contract.md says. A protocol checker violation inside the RTL ends the simulation
// with nicsim::checkers::ProtocolViolation's message (as an sc_report thrown from sc_start).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "nicsim/systemc/frame_port.hpp"

namespace nicsim::systemc {

struct NicModuleConfig {
    std::size_t max_reads_in_flight = 16;            // AR accepted before their last R beat
    std::size_t max_writes_in_flight = 16;           // AW accepted before their B
    std::size_t transport_threads = 4;               // per direction: DMA b_transport calls that may wait at once
    std::uint64_t register_timeout_cycles = 10'000;  // an AXI4-Lite access not answered by then
                                                     // is an SC_REPORT_ERROR (never a hang)
};

/// Counters for tests and reports.
struct NicModuleStats {
    std::uint64_t cycles = 0;  // rising clk edges seen
    std::uint64_t register_accesses = 0;
    std::uint64_t dma_read_bursts = 0;  // b_transport calls
    std::uint64_t dma_write_bursts = 0;
    std::uint64_t dma_error_responses = 0;
    std::uint64_t rx_frames = 0;  // taken from rx_in and fully accepted by the RTL
    std::uint64_t tx_frames = 0;  // written to tx_out
};

class NicModule : public sc_core::sc_module {
public:
    /// The configuration the library was built for (NICSIM_SYSTEMC_CONFIG).
    static const unsigned data_width;
    static const unsigned num_queues;
    static char const* const config_name;  // "dw<DATA_WIDTH>_q<NUM_QUEUES>"

    sc_core::sc_in<bool> clk;
    sc_core::sc_in<bool> rst_n;
    tlm_utils::simple_target_socket<NicModule> regs;
    tlm_utils::simple_initiator_socket<NicModule> dma;
    FrameIn rx_in;
    FrameOut tx_out;
    sc_core::sc_vector<sc_core::sc_out<bool>> irq_queue;
    sc_core::sc_out<bool> irq_error;

    explicit NicModule(sc_core::sc_module_name name, NicModuleConfig config = {});
    ~NicModule() override;
    NicModule(NicModule const&) = delete;
    NicModule& operator=(NicModule const&) = delete;

    NicModuleConfig const& config() const noexcept { return cfg_; }
    NicModuleStats const& stats() const noexcept { return stats_; }
    /// Rising clk edges since the start of the simulation.
    std::uint64_t cycle() const noexcept { return stats_.cycles; }

    /// Monitor: called at the rising edge that accepted the last beat of a frame taken from
    /// rx_in, with first_beat_cycle/last_beat_cycle stamped (cycle() values); metadata kept.
    std::function<void(wire::Frame const&)> on_rx_frame;
    /// A frame taken from rx_in is being put on s_axis_rx.
    bool rx_busy() const noexcept { return rx_frame_.has_value(); }
    /// Bytes of a TX frame received from the RTL so far, not yet written to tx_out.
    std::size_t tx_partial_bytes() const noexcept { return tx_in_frame_ ? tx_frame_.bytes.size() : 0; }

private:
    struct Pins;  // the verilated model and the signals on its ports (nic_module.cpp)
    struct ReadBurst;
    struct WriteBurst;
    struct WriteBeat;
    struct RegAccess;

    void register_b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void on_rising_edge();
    void on_falling_edge();
    void forward_interrupts();
    void read_transport_thread();
    void write_transport_thread();
    void reset_state();

    void sample_register_access();
    void sample_dma();
    void sample_wire();
    void drive_register_access();
    void drive_dma();
    void drive_wire();
    void match_write_beats();

    NicModuleConfig cfg_;
    NicModuleStats stats_;
    std::unique_ptr<Pins> pins_;

    // Register access in progress (one at a time; the caller waits on reg_done_).
    std::unique_ptr<RegAccess> reg_;
    sc_core::sc_mutex reg_mutex_;
    sc_core::sc_event reg_done_;

    // DMA: bursts in acceptance order until their last R beat / B.
    std::deque<std::shared_ptr<ReadBurst>> reads_;
    std::deque<std::shared_ptr<ReadBurst>> reads_to_transport_;
    std::shared_ptr<ReadBurst> r_current_;            // the burst whose beats are on R
    std::deque<std::shared_ptr<WriteBurst>> writes_;  // AW accepted, until B
    std::deque<std::shared_ptr<WriteBurst>> writes_to_transport_;
    std::vector<WriteBeat> w_unmatched_;  // W beats not yet given to a burst (W may lead AW)
    sc_core::sc_event read_queued_, write_queued_;
    std::uint64_t generation_ = 0;  // bumped by reset: transports in flight then are discarded

    // Wire.
    std::optional<wire::Frame> rx_frame_;  // being sent to the RTL
    std::size_t rx_offset_ = 0;            // bytes of rx_frame_ accepted so far
    wire::Frame tx_frame_;                 // being received from the RTL
    bool tx_in_frame_ = false;
};

}  // namespace nicsim::systemc
