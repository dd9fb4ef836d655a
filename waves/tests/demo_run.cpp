#include "demo_run.hpp"

#include <unistd.h>

#include <memory>
#include <string>

#include "Vwaves_demo_model.h"
#include "clock/verilated_model.hpp"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace nicsim::waves::test {

std::filesystem::path work_dir() {
    static std::filesystem::path const dir = [] {
        auto d = std::filesystem::path(NICSIM_WAVES_WORK_DIR) / std::to_string(::getpid());
        std::filesystem::remove_all(d);
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

namespace {

DemoRun run() {
    DemoRun r;
    r.fst = work_dir() / "demo.fst";
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->traceEverOn(true);
    auto top = std::make_unique<Vwaves_demo_model>(ctx.get());
    sim::VerilatedModel<Vwaves_demo_model> clocked(*top);
    sim::Clock clock(clocked);  // traces cycle c at c * demo_period (clock low), + demo_phase (edge)
    static_assert(sim::Clock::trace_period == demo_period && demo_phase == demo_period / 2);
    auto fst = std::make_unique<VerilatedFstC>();
    top->trace(fst.get(), 99);
    fst->open(r.fst.c_str());
    clocked.trace_into(fst.get());
    for (int c = 0; c < demo_cycles; ++c) {
        // Stimulus: reset for two cycles, then a word every fifth cycle; the word at cycle 17 is 0.
        DemoCycle d;
        d.rst_n = c >= 2;
        d.in_valid = d.rst_n && c % 5 == 2;
        d.in_data = d.in_valid ? static_cast<std::uint8_t>(c == 17 ? 0 : c * 3) : 0;
        top->rst_n = d.rst_n;
        top->in_valid = d.in_valid;
        top->in_data = d.in_data;
        clock.edge();
        d.out_valid = top->out_valid;
        d.out_data = top->out_data;
        d.err_code = top->err_code;
        d.count = top->count;
        r.cycles.push_back(d);
    }
    top->final();
    fst->close();
    return r;
}

}  // namespace

DemoRun const& demo_run() {
    static DemoRun const r = run();
    return r;
}

}  // namespace nicsim::waves::test
