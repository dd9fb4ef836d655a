// DutModel<Model>: the Dut adapter for one verilated nic_top class (Vnic_<config>). Included
// only by the per-configuration adapter files that testbench/dut/CMakeLists.txt generates, so the
// model headers stay out of everything else.
#pragma once

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include <verilated.h>
#include <verilated_fst_c.h>
#ifdef NICSIM_COVERAGE
#include <verilated_cov.h>
#endif

#include "dut/dut.hpp"

namespace nicsim::dut {

/// Verilated::threadContextp(context): the context the runtime reaches on this thread.
/// Not inlined, and without UndefinedBehaviorSanitizer's null check: GCC 12's instrumentation of
/// the runtime's thread_local (Verilated::t_s) reports a member access through a null pointer when
/// DutModel's destructor makes this call inline (every sanitizer test that destroys a model),
/// though the variable is thread-local storage of a live thread; a minimal program of the same
/// shape does not reproduce it. The check stays on everywhere else (fuzz/README.md).
__attribute__((noinline, no_sanitize("null"))) inline void use_verilated_context(VerilatedContext* context) {
    Verilated::threadContextp(context);
}

/// Whether Model was verilated with FST tracing (an untraced model has no trace()).
template <class Model>
concept TracedModel = requires(Model& model, VerilatedFstC* fst) {
    model.trace(fst, 0);
};

template <class Model>
class DutModel final : public Dut {
public:
    DutModel(std::string name, unsigned data_width_bits, unsigned num_queues)
        : context_(std::make_unique<VerilatedContext>()) {
        config_ = DutConfig{std::move(name), data_width_bits, num_queues};
        if constexpr (TracedModel<Model>) context_->traceEverOn(true);  // must precede the model
        context_->fatalOnError(false);  // an assertion failure throws (see eval()), not abort()
        use_verilated_context(context_.get());
        model_ = std::make_unique<Model>(context_.get(), "nic_top");
        bind(*model_);
    }
    ~DutModel() override {
        // The runtime reaches "the" context through a per-thread pointer (assertion reports, scope
        // teardown): point it at ours while ours exists, and never leave it dangling.
        use_verilated_context(context_.get());
        close_trace();
        if (!finalized_) model_->final();
        model_.reset();
        context_.reset();
        use_verilated_context(Verilated::defaultContextp());
    }

    void eval() override {
        use_verilated_context(context_.get());  // another Dut may have run on this thread
        model_->eval();
        if (context_->gotError()) [[unlikely]]
            throw std::runtime_error(fmt::format("{}: the model reported an error (assertion failed?)", config_.name));
    }
    void eval_rising_edge() override {
        // Verilator 5.006 finds a rising edge by comparing clk with the value the last evaluation
        // saw (a member of the generated root class, hence the root header in the adapter file).
        // Setting that value low lets one evaluation do the work of two: the logic driven by inputs
        // settles first (Verilator's "ico" region runs before the clocked regions), then the edge.
        // Another Verilator names the member otherwise: then the two evaluations it replaces.
        if constexpr (requires { model_->rootp->__Vtrigrprev__TOP__clk; }) {
            model_->clk = 1;
            model_->rootp->__Vtrigrprev__TOP__clk = 0;
            eval();
        } else {
            ClockedModel::eval_rising_edge();
        }
    }
    void finalize() override {
        use_verilated_context(context_.get());
        if (!finalized_) model_->final();
        finalized_ = true;
    }

    bool can_trace() const noexcept override { return TracedModel<Model>; }
    void open_trace(std::string const& path, TraceOptions const& options) override {
        if constexpr (TracedModel<Model>) {
            open_traced(path, options);
        } else {
            throw std::logic_error(
                fmt::format("{}: cannot trace to '{}': this is the untraced model "
                            "(make_dut(name, Tracing::never)); ask for Tracing::possible",
                            config_.name, path));
        }
    }
    void close_trace() override {
        if (fst_) fst_->close();
        fst_.reset();
        tracing_ = false;
    }
    void write_coverage(std::string const& path) override {
#ifdef NICSIM_COVERAGE
        use_verilated_context(context_.get());
        // Verilator's writer ends the process (vl_fatal: abort) when it cannot open the file: tried first.
        if (!std::ofstream(path, std::ios::app))
            throw std::runtime_error(fmt::format("cannot write the coverage file '{}'", path));
        context_->coveragep()->write(path.c_str());
#else
        throw std::logic_error(
            fmt::format("{}: not a coverage build: the model counts no coverage ({})", config_.name, path));
#endif
    }
    std::string root_scope() const override {
        return model_->name();
    }
    unsigned trace_threads() const override {
        if constexpr (TracedModel<Model>) {
            auto const c = model_->traceConfig();
            return c->m_useOffloading ? 2u : c->m_useFstWriterThread ? 1u : 0u;
        } else {
            return 0;
        }
    }

private:
    static constexpr int kAllLevels = 1 << 20;
    void dump_now(std::uint64_t time) override {
        fst_->dump(time);
    }

    void open_traced(std::string const& path, TraceOptions const& options) {
        use_verilated_context(context_.get());
        close_trace();
        fst_ = std::make_unique<VerilatedFstC>();
        // The filter is Verilator's $dumpvars (VerilatedFstC::dumpvars, read when open() declares
        // the signals); the `levels` argument of Model::trace() is ignored by Verilator 5.
        int const levels = options.depth > 0 ? options.depth : kAllLevels;
        if (!options.scopes.empty()) {
            for (auto const& scope : options.scopes) fst_->dumpvars(levels, scope);
        } else if (options.depth > 0) {
            fst_->dumpvars(levels, root_scope());
        }
        // A filtered dump always holds the root clk: the waves tools count cycles from it, and
        // Verilator 5.006 crashes in dump() when a filter enables no signal at all.
        if (!options.scopes.empty() || options.depth > 0) fst_->dumpvars(1, root_scope() + ".clk");
        model_->trace(fst_.get(), levels);
        fst_->open(path.c_str());
        if (!fst_->isOpen()) {
            fst_.reset();
            throw std::runtime_error(fmt::format("{}: cannot open trace file '{}'", config_.name, path));
        }
        tracing_ = true;
    }

    void bind(Model& m) {
        ports_.clk = m.clk;
        ports_.rst_n = m.rst_n;
        ports_.s_axil = bfm::AxilPort::of_slave(m);
        ports_.m_axi = bfm::Axi4Port::of_master(m);
        ports_.m_axis_tx = AxisPort{m.m_axis_tx_tdata, m.m_axis_tx_tkeep,  m.m_axis_tx_tlast,
                                    m.m_axis_tx_tuser, m.m_axis_tx_tvalid, m.m_axis_tx_tready};
        ports_.s_axis_rx = AxisPort{m.s_axis_rx_tdata, m.s_axis_rx_tkeep,  m.s_axis_rx_tlast,
                                    m.s_axis_rx_tuser, m.s_axis_rx_tvalid, m.s_axis_rx_tready};
        ports_.irq = IrqPort{m.irq_queue, m.irq_error};
    }

    std::unique_ptr<VerilatedContext> context_;
    std::unique_ptr<Model> model_;
    std::unique_ptr<VerilatedFstC> fst_;
    bool finalized_ = false;
};

}  // namespace nicsim::dut
