// trace_failure: see failure_waves.hpp.
#include "replay/failure_waves.hpp"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "fst/fst_file.hpp"
#include "waves/cycles.hpp"
#include "waves/gtkw.hpp"
#include "waves/nic_layout.hpp"
#include "waves/render.hpp"
#include "waves/rtl_enums.hpp"
#include "sim/kernel.hpp"

namespace nicsim::replay {

namespace fs = std::filesystem;

std::vector<std::string> key_handshake_signals() {
    return waves::key_handshake_signals();
}

namespace {

bool window_holds(cosim::Scenario const& s, std::uint64_t cycle) {
    return !s.trace.path.empty() && s.trace.first_cycle <= cycle && cycle <= s.trace.last_cycle;
}

/// The contract's enums (built in), and those of `rtl_dir` when one is given.
std::vector<waves::EnumType> enums_for(fs::path const& rtl_dir) {
    auto enums = waves::contract_enums();
    if (!rtl_dir.empty())
        for (auto& e : waves::parse_enum_dir(rtl_dir)) enums.push_back(std::move(e));
    return enums;
}

std::string render_key_waves(waves::FstFile const& file, std::vector<waves::EnumType> const& enums,
                             waves::CycleClock const& clock, std::uint64_t first_cycle, std::uint64_t fail_cycle,
                             FailureTraceOptions const& o) {
    std::string const top = waves::find_top_scope(file);
    std::vector<waves::Signal const*> sigs;
    for (auto const& name : key_handshake_signals())
        if (auto const* s = file.find(top + "." + name)) sigs.push_back(s);
    if (sigs.empty()) return fmt::format("(no key handshake signal of {} is in the trace)\n", top);
    std::uint64_t const last_in_dump = clock.cycle_at(file.end_time());
    std::uint64_t const first = std::max(first_cycle, fail_cycle > o.waves_before ? fail_cycle - o.waves_before : 0);
    std::uint64_t const last = std::min(last_in_dump, fail_cycle + o.waves_after);
    if (first > last) return "(the trace holds no cycle before the failure)\n";
    auto const samples = waves::sample(file, sigs, clock, first, last, enums);
    waves::RenderOptions r;
    r.cycle_width = o.waves_cycle_width;
    r.mark_cycle = fail_cycle;
    return waves::render_wave(samples, r);
}

}  // namespace

TraceLayout write_trace_layout(fs::path const& fst, fs::path const& gtkw, std::optional<std::uint64_t> marker_cycle,
                               fs::path const& rtl_dir) {
    waves::FstFile const file(fst);
    waves::GtkwOptions g;
    g.save_file = gtkw;
    g.enums = enums_for(rtl_dir);
    g.clock = waves::CycleClock{sim::Kernel::trace_period, sim::Kernel::trace_period / 2, "nicsim kernel"};
    g.marker_cycle = marker_cycle;
    auto const layout = waves::write_gtkw(file, g);
    return {layout.save_file, fmt::format("{} signals in {} groups", layout.signals.size(), layout.groups.size())};
}

FailureTrace trace_failure(cosim::Scenario const& scenario, cosim::RunSummary const& failed,
                           FailureTraceOptions const& o) {
    if (failed.passed) throw std::invalid_argument("trace_failure: the run passed");
    if (o.cycles == 0) throw std::invalid_argument("trace_failure: a window of 0 cycles");
    std::uint64_t const fail = failed.failure_cycle;
    FailureTrace ft;
    ft.gtkw = o.dir / (o.name + ".gtkw");

    if (!failed.trace_file.empty() && window_holds(scenario, fail)) {
        // The run traced the failing cycle itself: lay that file out, rerun nothing.
        ft.fst = failed.trace_file;
        ft.first_cycle = scenario.trace.first_cycle;
        ft.last_cycle = fail;
    } else {
        std::error_code ec;
        fs::create_directories(o.dir, ec);
        if (ec)
            throw std::runtime_error(fmt::format("{}: cannot create the directory: {}", o.dir.string(), ec.message()));
        ft.fst = o.dir / (o.name + ".fst");
        ft.first_cycle = fail >= o.cycles - 1 ? fail - (o.cycles - 1) : 0;
        ft.last_cycle = fail;
        cosim::Scenario again = scenario;  // same seed, same everything: the same run
        again.trace.path = ft.fst.string();
        again.trace.first_cycle = ft.first_cycle;
        again.trace.last_cycle = ft.last_cycle;
        again.views.pcap_out.clear();  // the failed run wrote it already
        again.views.progress_interval_cycles = 0;
        cosim::CoSimulation sim(again);
        ft.replay = sim.run();
        ft.replayed = true;
        ft.same_failure = !ft.replay.passed && ft.replay.failure_cycle == fail && ft.replay.failure == failed.failure;
        if (ft.replay.trace_file.empty())
            throw std::runtime_error(fmt::format("{}: the replay ended at cycle {} before the trace window {}..{}",
                                                 ft.fst.string(), ft.replay.cycles, ft.first_cycle, ft.last_cycle));
    }

    auto const layout = write_trace_layout(ft.fst, ft.gtkw, fail, o.rtl_dir);
    ft.gtkw = layout.gtkw;
    waves::FstFile const file(ft.fst);
    auto const enums = enums_for(o.rtl_dir);
    // The kernel's convention (sim::Kernel::trace_period): no need to find a clock in the dump,
    // which a --trace-scope may have left out.
    waves::CycleClock const clock{sim::Kernel::trace_period, sim::Kernel::trace_period / 2, "nicsim kernel"};
    ft.terminal_waves = render_key_waves(file, enums, clock, ft.first_cycle, fail, o);

    std::string& r = ft.report;
    if (ft.replayed) {
        r += fmt::format("failure trace: replayed seed {} with a trace of cycles {}..{}: {}\n", failed.seed,
                         ft.first_cycle, ft.last_cycle,
                         ft.same_failure ? fmt::format("failed again at cycle {}, same reason", fail)
                                         : fmt::format("NOT the same failure (cycle {}: {})", ft.replay.failure_cycle,
                                                       ft.replay.passed ? "passed" : ft.replay.failure));
    } else {
        r += fmt::format("failure trace: the run's own trace holds cycle {}\n", fail);
    }
    r += fmt::format("  FST:    {}\n  layout: {} ({}, marker at cycle {})\n", ft.fst.string(), ft.gtkw.string(),
                     layout.description, fail);
    r += fmt::format("  open:   gtkwave {} {}\n", ft.fst.string(), ft.gtkw.string());
    r += fmt::format("key handshakes up to the failing cycle {} (▼):\n{}", fail, ft.terminal_waves);
    return ft;
}

}  // namespace nicsim::replay
