// SystemcTop: the SystemC hardware top of a co-simulation (`nicsim run --top systemc`). A SystemC
// platform (clock, reset, NicModule, HostMemoryTarget, frame fifos, a CPU initiator socket)
// behind cosim::Platform, so the workload (traffic, driver, ringlib OS queues, scoreboard) that
// runs on the C++ top runs unchanged on it.
//
// Time: software runs between cycles, outside SystemC processes: every cycle is one
// sc_start(clock period), then TX frames are taken from the TX fifo, interrupts are delivered
// (isr per pulse, then dpc) and the between-cycle hooks run. A register read started by software
// steps cycles (wire and NIC running, software not re-entered) until the CPU thread's b_transport
// returns; writes are posted to that thread, in order. Same contract as sim::Kernel.
//
// The scenario, mapped: the configuration must be the one built for SystemC
// (NICSIM_SYSTEMC_CONFIG); --mem-latency is the host memory target's annotated delay, drawn per
// transaction from a generator seeded with the run's seed; --tx-stall / --rx-stall hold frames
// back at frame granularity (the TX fifo is not read / the next RX frame does not start, that %
// of cycles); --mem-stall (AXI channel stalls), --trace (FST) and --timeline are not modelled:
// ScenarioError. Fault injection (--fault) is not supported (supports_faults() is false: the
// workload refuses it), and the ownership monitor, which watches the C++ top's ports, is not
// attached. --memory-order weak (the default) puts the weak host model (host/memory_order.hpp)
// between HostMemoryTarget and the NIC and under the driver's loads and stores, as on the C++ top;
// its violations name the rule, the address, both values and the cycle, not the ring (that takes
// the ownership monitor).
//
// One SystemcTop per process (SystemC elaborates once): the constructor throws ScenarioError
// for a second one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cosim/cosim.hpp"
#include "cosim/platform.hpp"

namespace nicsim::systemc {

class SystemcTop final : public cosim::Platform {
public:
    explicit SystemcTop(cosim::Scenario const& scenario);
    ~SystemcTop() override;

    dut::DutConfig const& config() const override;
    std::uint64_t cycle() const override;

    driver::RegisterBus& registers() override;
    void flush_registers() override;
    cosim::RegisterStats register_stats() const override;
    ringlib::DmaArena& arena() override;
    driver::HostMemoryAccess& host_memory() override;
    std::uint64_t ordering_violations() const override;
    void set_interrupt_handlers(Isr isr, std::function<void()> dpc) override;

    wire::RxWire& rx_wire() override;
    bool rx_wire_idle() const override;
    void on_rx_sent(FrameCallback cb) override;
    void on_tx_frame(FrameCallback cb) override;
    std::size_t tx_partial_bytes() const override;
    void start_wire(wire::WirePeer& peer) override;

    void reset() override;
    void run_until(std::function<bool()> done, std::uint64_t limit, std::string_view what) override;
    void add_between_cycles(std::function<void()> hook) override;
    void add_diagnostic(std::string name, std::function<std::string()> describe) override;
    void report_progress() override;
    std::string diagnosis() const override;
    void finish() noexcept override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Throws ScenarioError naming the scenario field when the scenario asks for what this top does not model.
void check_systemc_scenario(cosim::Scenario const& scenario);

/// A whole run on the SystemC top: validate, SystemcTop + cosim::Workload, run. Throws
/// ScenarioError before anything runs for a scenario this top cannot run.
cosim::RunSummary run_on_systemc_top(cosim::Scenario const& scenario,
                                     std::function<void(cosim::Progress const&)> on_progress = {});

}  // namespace nicsim::systemc
