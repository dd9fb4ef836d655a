// Dut: one verilated nic_top, whatever its configuration, behind one interface.
//
// Tests, the kernel and the `nicsim` command are written once against Dut; each verilated
// configuration (verilated/configs.cmake) gets a DutModel<V...> adapter (dut_model.hpp) and an
// entry in the registry (make_dut(name)).
//
// Contract:
// - ports() binds every nic_top port as a SigRef, grouped per interface; the SigRefs stay valid
//   for the Dut's life. BFMs bind to these, never to the model class.
// - A Dut is a sim::ClockedModel (clock/clock.hpp): eval() evaluates the model with the current
//   inputs (no time passes); set_clock() and set_reset_n() drive ports().clk and rst_n. Clocking
//   is the kernel's job (sim/kernel.hpp), through sim::Clock like every other model.
// - Every configuration has a model with tracing compiled in, off until open_trace(); dump(time)
//   is a no-op while no trace is open, so the per-cycle path pays one branch for it. TraceOptions
//   limit what is dumped (Verilator's $dumpvars filter: scopes and depth); which cycles are dumped
//   is the kernel's business (sim::Kernel::set_trace_window). Compiled-in tracing still costs
//   about a tenth of every cycle, so the configurations of NICSIM_DUT_UNTRACED_CONFIGS also have a
//   model without it: make_dut(name, Tracing::never) returns that one where it exists (can_trace()
//   false: open_trace() throws). Both are verilated from the same RTL with the same arguments and
//   behave the same cycle for cycle (golden_test: "the untraced model ...").
// - A Dut owns its VerilatedContext: two Duts (even of different configurations) coexist in one
//   process and never share state.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bfm/axi4_slave_mem.hpp"
#include "bfm/axil_master_bfm.hpp"
#include "bfm/axis_port.hpp"
#include "bfm/sig_ref.hpp"
#include "clock/clock.hpp"

namespace nicsim::dut {

/// An AXI-Stream port (m_axis_tx or s_axis_rx).
struct AxisPort {
    bfm::SigRef tdata, tkeep, tlast, tuser, tvalid, tready;
};

/// The interrupt outputs: irq_queue (NUM_QUEUES one-cycle pulses) and irq_error.
struct IrqPort {
    bfm::SigRef queue, error;
};

/// Every nic_top port.
struct DutPorts {
    bfm::SigRef clk, rst_n;
    bfm::AxilPort s_axil;  // registers (DUT is the slave)
    bfm::Axi4Port m_axi;   // DMA (DUT is the master)
    AxisPort m_axis_tx;    // to the wire
    AxisPort s_axis_rx;    // from the wire
    IrqPort irq;

    /// Every DUT input except clk and rst_n (what "all inputs idle" zeroes).
    std::vector<bfm::SigRef> inputs() const;
    /// Every port, inputs and outputs, clk included, in a fixed order (for hashing a cycle).
    std::vector<bfm::SigRef> all() const;
};

/// What an FST trace holds. Scope names are dotted, from the model's root scope (root_scope(),
/// "nic_top"; the design's top instance is "nic_top.nic_top"), as the FST shows them.
struct TraceOptions {
    /// Scopes to dump (each with everything below it, up to `depth`); empty = the whole model.
    std::vector<std::string> scopes;
    /// Levels dumped below each scope, $dumpvars style: 1 = the scope's own signals only, 2 = and
    /// those of its direct sub-scopes... Without scopes, counted from the root scope (1 = the
    /// model's ports, 2 = and nic_top's own signals, 3 = and its engines'). 0 = no limit.
    int depth = 0;
    // A filtered trace always holds the root scope's clk as well (see DutModel::open_trace).
};

/// The facts of one configuration.
struct DutConfig {
    std::string name;              // e.g. "dw64_q4"
    unsigned data_width_bits = 0;  // DATA_WIDTH: AXI4 DMA and AXI-Stream data width
    unsigned num_queues = 0;       // NUM_QUEUES
    unsigned data_bytes() const noexcept { return data_width_bits / 8; }
};

class Dut : public sim::ClockedModel {
public:
    virtual ~Dut() = default;
    Dut(Dut const&) = delete;
    Dut& operator=(Dut const&) = delete;

    DutConfig const& config() const noexcept { return config_; }
    DutPorts& ports() noexcept { return ports_; }
    DutPorts const& ports() const noexcept { return ports_; }

    /// One of this NIC's streams (ports().m_axis_tx or ports().s_axis_rx) as the AXI-Stream
    /// BFMs bind it: its signals, the reset, and this configuration's bytes per beat.
    bfm::AxisPort stream_port(AxisPort const& stream, char const* name) const;

    // ClockedModel: eval() and eval_rising_edge() (one evaluation where the model allows it) are
    // DutModel's, as is the trace behind tracing() and dump().
    void set_clock(bool high) final { ports_.clk.set(high); }
    void set_reset_n(bool high) final { ports_.rst_n.set(high); }

    /// Run final blocks (end of simulation); called by the destructor if not called before.
    virtual void finalize() = 0;

    /// Start writing an FST file (closes one already open); the first dump() holds every value.
    /// Throws std::runtime_error naming the file if it cannot be opened, std::logic_error on a
    /// model built without tracing (can_trace() false).
    virtual void open_trace(std::string const& path, TraceOptions const& options = {}) = 0;
    /// Finish the file (a no-op when none is open).
    virtual void close_trace() = 0;
    /// The root scope of every traced name (the model instance's name).
    virtual std::string root_scope() const = 0;
    /// Whether open_trace() can work: false for an untraced model (make_dut(name, Tracing::never)).
    virtual bool can_trace() const noexcept = 0;
    /// Threads the FST writer uses besides the caller's, as the model was verilated
    /// (`--trace-threads`: 0 = none, 1 = the FST writer's own thread, 2 = and trace offloading).
    virtual unsigned trace_threads() const = 0;

    /// Whether this model counts RTL coverage (line, toggle and user points: a NICSIM_COVERAGE
    /// build; docs/coverage.md).
    static constexpr bool counts_coverage() noexcept {
#ifdef NICSIM_COVERAGE
        return true;
#else
        return false;
#endif
    }
    /// Writes the coverage the model counted so far to `path` (Verilator's coverage data, which
    /// verilator_coverage merges and exports), replacing the file. Throws std::logic_error in a build
    /// that does not count coverage, std::runtime_error naming the file when it cannot be written.
    virtual void write_coverage(std::string const& path) = 0;

protected:
    Dut() = default;
    DutConfig config_;
    DutPorts ports_;
};

/// Names of every configuration built into this binary, in build order.
std::vector<std::string> dut_config_names();
/// Whether the caller may open a trace on the model it asks make_dut() for.
enum class Tracing {
    possible,  ///< the model with FST tracing compiled in (every configuration has one)
    never,     ///< the untraced model where the build has one (fewer instructions per cycle), else the traced one
};

/// A fresh model of configuration `name`; throws std::invalid_argument naming the valid
/// configurations when there is none of that name.
std::unique_ptr<Dut> make_dut(std::string_view name, Tracing tracing = Tracing::possible);

/// Names of the configurations that have an untraced model in this binary (a subset of
/// dut_config_names(), NICSIM_DUT_UNTRACED_CONFIGS).
std::vector<std::string> untraced_config_names();

}  // namespace nicsim::dut
