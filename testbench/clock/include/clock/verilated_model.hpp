// VerilatedModel<Model>: any verilated class with the inputs clk and rst_n as a ClockedModel, so
// that the one Clock (clock/clock.hpp) clocks it. ModelBench<Model>: such a model owned and clocked
// from C++, what a block or checker unit test holds. Include it where the model's library is
// linked (it brings verilated.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <verilated.h>

#include "clock/clock.hpp"

namespace nicsim::sim {

/// The adapter; the model is the caller's and must outlive it.
template <class Model>
class VerilatedModel final : public ClockedModel {
public:
    explicit VerilatedModel(Model& model) noexcept : model_(model) {}

    void set_clock(bool high) override { model_.clk = high; }
    void set_reset_n(bool high) override { model_.rst_n = high; }
    void eval() override { model_.eval(); }

    /// Write the Clock's samples into `trace`, a Verilator trace file (VerilatedFstC, VerilatedVcdC)
    /// the caller attached to the model (Model::trace()) and opened; nullptr stops.
    template <class Trace>
    void trace_into(Trace* trace) {
        dump_ = nullptr;
        if (trace) dump_ = [trace](std::uint64_t time) { trace->dump(time); };
        tracing_ = trace != nullptr;
    }

private:
    void dump_now(std::uint64_t time) override { dump_(time); }

    Model& model_;
    std::function<void(std::uint64_t)> dump_;
};

/// Which VerilatedContext a ModelBench's model runs in.
enum class Context {
    own,             ///< a fresh one: the model shares no state with another
    thread_default,  ///< Verilated::threadContextp(), which the checkers' glue acts on by default
};

/// One verilated model, owned, with its Clock: `bench->port` reaches the model, and cycle(),
/// settle(), edge(), edges() and reset() are the Clock's. Constructed powered on (Clock).
template <class Model>
class ModelBench {
public:
    explicit ModelBench(Context context = Context::own)
        : context_(context == Context::own ? std::make_unique<VerilatedContext>() : nullptr),
          model_(context_ ? std::make_unique<Model>(context_.get()) : std::make_unique<Model>()),
          adapter_(*model_),
          clock_(adapter_) {}
    ModelBench(ModelBench const&) = delete;
    ModelBench& operator=(ModelBench const&) = delete;

    // Like the pointer it holds: a const bench still reaches a mutable model.
    Model& operator*() const noexcept { return *model_; }
    Model* operator->() const noexcept { return model_.get(); }

    std::uint64_t cycle() const noexcept { return clock_.cycle(); }
    void settle() { clock_.settle(); }
    void edge() { clock_.edge(); }
    void edges(std::uint64_t n) { clock_.edges(n); }
    void reset(std::uint64_t cycles) { clock_.reset(cycles); }

private:
    std::unique_ptr<VerilatedContext> context_;  // null: the thread's default context
    std::unique_ptr<Model> model_;
    VerilatedModel<Model> adapter_;
    Clock clock_;
};

}  // namespace nicsim::sim
