// CppTop: the C++ hardware top of a co-simulation. A verilated nic_top (any configuration of
// nicsim_models, protocol checkers bound) clocked by the simulation kernel, with the host's bus
// models (AXI4 memory slave with the scenario's latency and stalls, AXI4-Lite master, interrupt
// monitor) and the wire's (AxisSource on s_axis_rx, AxisSink on m_axis_tx). Implements Platform.
//
// Agents drive in this order every cycle: wire peer tick, RX source, TX sink, then the host's.
// Everything random is drawn from the kernel's generator, seeded with the scenario's seed, except
// the weak memory model's delays (their own generator, traffic_seed(seed, 2)), so that a weak and
// a strong run of one seed see the same bus stalls.
#pragma once

#include <memory>

#include "bfm/axis_sink.hpp"
#include "bfm/axis_source.hpp"
#include "cosim/cosim.hpp"
#include "cosim/platform.hpp"
#include "dut/dut.hpp"
#include "host/host.hpp"
#include "io/output_file.hpp"
#include "sim/flight_recorder.hpp"
#include "sim/kernel.hpp"

namespace nicsim::cosim {

class CppTop final : public Platform {
public:
    /// Throws ScenarioError for a configuration this build does not have.
    explicit CppTop(Scenario const& scenario);
    ~CppTop() override;

    sim::Kernel& kernel() noexcept { return *kernel_; }
    dut::Dut& dut() noexcept { return *dut_; }
    host::Host& host() noexcept { return *host_; }
    /// The scenario's trace file, if the run reached its window and it was written ("" otherwise).
    std::string trace_file() const;
    /// Why the trace file could not be put in place at finish() ("" if it was, or there was none).
    std::string const& trace_error() const noexcept { return trace_error_; }
    /// The flight recorder's files written during the run (on SIGUSR1).
    std::vector<WavesDump> const& waves_ring_dumps() const noexcept { return ring_dumps_; }

    dut::DutConfig const& config() const override { return dut_->config(); }
    std::uint64_t cycle() const override { return kernel_->cycle(); }

    driver::RegisterBus& registers() override { return host_->mmio; }
    void flush_registers() override { host_->mmio.flush(); }
    RegisterStats register_stats() const override;
    ringlib::DmaArena& arena() override { return host_->memory.arena(); }
    driver::HostMemoryAccess& host_memory() override { return host_->memory.cpu(); }
    std::uint64_t ordering_violations() const override;
    void set_interrupt_handlers(Isr isr, std::function<void()> dpc) override;

    wire::RxWire& rx_wire() override { return *rx_src_; }
    bool rx_wire_idle() const override { return rx_src_->idle(); }
    void on_rx_sent(FrameCallback cb) override { rx_src_->on_sent(std::move(cb)); }
    void on_tx_frame(FrameCallback cb) override { tx_sink_->on_frame(std::move(cb)); }
    std::size_t tx_partial_bytes() const override { return tx_sink_->partial_bytes(); }
    void start_wire(wire::WirePeer& peer) override;

    void reset() override { kernel_->reset(); }
    void run_until(std::function<bool()> done, std::uint64_t limit, std::string_view what) override {
        kernel_->run_until(done, limit, what);
    }
    void add_between_cycles(std::function<void()> hook) override { kernel_->add_between_cycles(std::move(hook)); }
    void add_diagnostic(std::string name, std::function<std::string()> describe) override {
        kernel_->add_diagnostic(std::move(name), std::move(describe));
    }
    void report_progress() override { kernel_->report_progress(); }
    std::string diagnosis() const override { return kernel_->diagnosis(); }
    void finish() noexcept override;

    bool supports_faults() const override { return true; }
    void set_dma_fault(DmaFaultHook hook) override { host_->memory.dma().config().error_hook = std::move(hook); }
    RegisterProbe probe_register(bool write, std::uint16_t offset, std::uint32_t value) override;

private:
    class PeerTicker;

    std::unique_ptr<dut::Dut> dut_;
    std::unique_ptr<sim::Kernel> kernel_;
    std::unique_ptr<PeerTicker> ticker_;
    std::unique_ptr<bfm::AxisSource> rx_src_;
    std::unique_ptr<bfm::AxisSink> tx_sink_;
    std::unique_ptr<host::Host> host_;
    std::string trace_path_;
    // The FST is written to a temporary next to trace_path_ (fstapi opens files by name and seeks
    // in them) and renamed into place at finish(); never into a device (io/output_file.hpp).
    std::unique_ptr<io::OutputFile> trace_out_;
    std::string trace_error_;
    // --waves-ring: the recorder behind trace_path_, and what it wrote on request.
    std::unique_ptr<sim::FlightRecorder> recorder_;
    std::vector<WavesDump> ring_dumps_;
    bool ring_written_ = false;  // finish() wrote trace_path_ from the recorder
    void write_requested_waves();
};

}  // namespace nicsim::cosim
