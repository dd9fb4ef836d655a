// Golden scenarios: see golden_scenarios.hpp.
#include "golden_scenarios.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include <nic_contract.hpp>
#include <nicsim/driver/adapter.hpp>

#include "host/host.hpp"
#include "monitor/transaction_recorder.hpp"
#include "sim/kernel.hpp"

namespace nicsim::golden {

namespace {

namespace ct = nicsim::contract;

/// Small, quiet defaults: zero-latency memory, no stalls, 16-entry rings (the RX prefetch stays
/// short), fixed frame sizes, strongly ordered host memory (Scenario's default).
cosim::Scenario base(std::string config, std::uint64_t packets, std::size_t bytes) {
    cosim::Scenario s;
    s.config = std::move(config);
    s.seed = 1;
    s.platform.queues = 1;
    s.traffic.packets = packets;
    s.traffic.min_size = s.traffic.max_size = bytes;
    s.platform.ring_size = 16;
    s.traffic.csum_offload_fraction = 0;
    s.checks.watchdog_cycles = 20'000;
    return s;
}

GoldenScenario golden(std::string name, std::string what, cosim::Scenario s) {
    GoldenScenario g;
    g.name = std::move(name);
    g.what = std::move(what);
    g.scenario = std::move(s);
    return g;
}

/// Error responses for every burst touching [begin, begin + bytes).
void inject_errors(cosim::CoSimulation& sim, std::uint64_t begin, std::uint64_t bytes) {
    sim.host().memory.dma().config().error_ranges.push_back({begin, begin + bytes, bfm::axi4::resp_slverr});
}

std::vector<GoldenScenario> make_scenarios() {
    std::vector<GoldenScenario> v;
    v.push_back(golden("loopback_single", "one 100-byte frame out on TX and back in on RX (loopback), one queue",
                       base("dw64_q1", 1, 100)));

    GoldenScenario frag =
        golden("multi_fragment", "two 200-byte frames in three TX fragments each (96-byte buffers), checksum offload",
               base("dw64_q1", 2, 200));
    frag.scenario.platform.tx_fragment_bytes = 96;
    frag.scenario.traffic.csum_offload_fraction = 1.0;
    v.push_back(std::move(frag));

    GoldenScenario wrap = golden("ring_wrap", "six 60-byte frames through 4-entry rings: indices and phases wrap",
                                 base("dw64_q1", 6, 60));
    wrap.scenario.platform.ring_size = 4;
    v.push_back(std::move(wrap));

    GoldenScenario mq = golden("multi_queue_rss", "four frames of 60..100 bytes over four queues, RSS spreading RX",
                               base("dw64_q4", 4, 60));
    mq.scenario.platform.queues = 4;
    mq.scenario.traffic.max_size = 100;
    v.push_back(std::move(mq));

    GoldenScenario desc = golden(
        "error_tx_desc_read", "TX descriptor reads answered SLVERR: ERR_DMA_DESC_READ, recoveries, the driver gives up",
        base("dw64_q1", 1, 60));
    desc.expect_pass = false;
    desc.prepare = [](cosim::CoSimulation& sim) {
        auto const r = sim.adapter()->tx_ring(0);
        inject_errors(sim, r.descriptor_base, std::uint64_t{r.entries} * ct::DESC_BYTES);
    };
    v.push_back(std::move(desc));

    GoldenScenario cpl = golden("error_rx_cpl_write",
                                "RX completion writes answered SLVERR: ERR_DMA_CPL_WRITE after the frame's data landed",
                                base("dw64_q1", 1, 60));
    cpl.expect_pass = false;
    cpl.prepare = [](cosim::CoSimulation& sim) {
        auto const r = sim.adapter()->rx_ring(0);
        inject_errors(sim, r.completion_base, std::uint64_t{r.entries} * ct::CPL_BYTES);
    };
    v.push_back(std::move(cpl));
    return v;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        auto const nl = text.find('\n');
        out.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return out;
}

/// The cycle column of a handshake line, or "-" for header/footer lines.
std::string cycle_of(std::string_view line) {
    if (line.size() < 8 || line.front() == '#') return "none (header or footer)";
    auto first = line.find_first_not_of(' ');
    auto end = line.find(' ', first);
    return std::string(line.substr(first, end - first));
}

}  // namespace

std::vector<GoldenScenario> const& golden_scenarios() {
    static std::vector<GoldenScenario> const all = make_scenarios();
    return all;
}

GoldenScenario const* find_golden(std::string_view name) {
    for (auto const& g : golden_scenarios())
        if (g.name == name) return &g;
    return nullptr;
}

GoldenRun run_golden(GoldenScenario const& g) {
    cosim::CoSimulation sim(g.scenario);
    monitor::TransactionRecorder rec(sim.kernel(), sim.dut());
    std::ostringstream lines;
    rec.write_to(&lines);
    // Recording starts at the first between-cycles step once the driver is up: before the
    // workload's first software step, so before any queue is posted or frame submitted
    // (CoSimulation::on_started comes later, once the RX rings have buffers, and by then TX
    // frames may already be on their way).
    bool started = false;
    sim.kernel().add_between_cycles([&] {
        if (started || !sim.adapter() || !sim.adapter()->started()) return;
        started = true;
        if (g.prepare) g.prepare(sim);
        rec.start();
    });
    GoldenRun run;
    run.summary = sim.run();
    rec.stop();
    if (!started)
        throw std::runtime_error(fmt::format("golden scenario {}: the driver never started, nothing was recorded\n{}",
                                             g.name, cosim::format_summary(run.summary)));
    run.hash = rec.hash();
    run.lines = rec.line_count();
    if (run.summary.passed != g.expect_pass)
        throw std::runtime_error(fmt::format("golden scenario {}: the run {} (expected it to {})\n{}", g.name,
                                             run.summary.passed ? "passed" : "failed", g.expect_pass ? "pass" : "fail",
                                             cosim::format_summary(run.summary)));
    run.trace = fmt::format(
        "# golden trace {}: {}\n"
        "# scenario: {}{}\n"
        "# recording from kernel cycle {} (driver started, before its first queue poll); columns: cycle since then, "
        "channel, payload\n"
        "{}"
        "# end: {} lines, hash {}; run {}, {} TX and {} RX frames, {} ring error(s)\n",
        g.name, g.what, cosim::replay_command(g.scenario),
        g.prepare ? " + the error injection of golden_scenarios.cpp" : "", rec.start_cycle(), lines.str(), run.lines,
        monitor::hash_hex(run.hash), run.summary.passed ? "passed" : "failed", run.summary.tx_packets,
        run.summary.rx_packets, run.summary.ring_errors);
    return run;
}

std::optional<std::string> compare_traces(std::string_view expected, std::string_view actual, std::size_t context) {
    if (expected == actual) return std::nullopt;
    auto const want = split_lines(expected);
    auto const got = split_lines(actual);
    std::size_t i = 0;
    while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
    std::string const at_want = i < want.size() ? cycle_of(want[i]) : "none (end of trace)";
    std::string const at_got = i < got.size() ? cycle_of(got[i]) : "none (end of trace)";
    std::string out =
        fmt::format("traces differ first at line {} (cycle {} in the golden trace, {} now)\n", i + 1, at_want, at_got);
    auto show = [&](char const* title, std::vector<std::string_view> const& v) {
        out += fmt::format("  {}:\n", title);
        std::size_t const from = i > context ? i - context : 0;
        std::size_t const to = std::min(v.size(), i + context + 1);
        for (std::size_t k = from; k < to; ++k) out += fmt::format("  {} {:>6}| {}\n", k == i ? '>' : ' ', k + 1, v[k]);
        if (i >= v.size()) out += "  >      | (end of trace)\n";
    };
    show("golden", want);
    show("now", got);
    out += fmt::format(
        "If the change is intended, regenerate with `{}` and review the diff of "
        "testbench/tests/golden/data as part of the change.\n",
        regen_command);
    return out;
}

std::vector<CyclePin> parse_cycle_pins(std::string_view text, std::string const& source) {
    std::vector<CyclePin> pins;
    std::set<std::string> seen;
    std::size_t line_number = 0;
    for (auto const line : split_lines(text)) {
        ++line_number;
        std::istringstream fields{std::string(line)};
        std::string name, count, extra;
        if (!(fields >> name) || name.front() == '#') continue;
        auto fail = [&](std::string const& what) {
            throw std::invalid_argument(fmt::format("{}:{}: {}", source, line_number, what));
        };
        if (!(fields >> count) || (fields >> extra)) fail("expected two fields: scenario cycles");
        CyclePin pin{.scenario = name, .cycles = 0};
        auto const [end, ec] = std::from_chars(count.data(), count.data() + count.size(), pin.cycles);
        if (ec != std::errc{} || end != count.data() + count.size() || pin.cycles == 0)
            fail(fmt::format("cycles '{}' is not a positive number", count));
        if (!seen.insert(name).second) fail(fmt::format("{} pinned twice", name));
        pins.push_back(std::move(pin));
    }
    return pins;
}

std::string format_cycle_pins(std::vector<CyclePin> const& pins) {
    std::string out = fmt::format(
        "# Cycle-count pins of the golden scenarios (README.md \"Cycle-count pins\"): each run's kernel cycles\n"
        "# (reset, bring-up, traffic, the driver's stop), held within {:.0f} % by golden_test. Written by\n"
        "# `{}`; a change that moves a count beyond the margin updates it in the same commit.\n"
        "# scenario\tcycles\n",
        cycle_margin * 100, regen_cycles_command);
    for (auto const& p : pins) out += fmt::format("{}\t{}\n", p.scenario, p.cycles);
    return out;
}

std::optional<std::string> check_cycles(CyclePin const& pin, std::uint64_t measured) {
    bool const slower = measured > pin.cycles;
    std::uint64_t const difference = slower ? measured - pin.cycles : pin.cycles - measured;
    if (static_cast<double>(difference) <= static_cast<double>(pin.cycles) * cycle_margin) return std::nullopt;
    double const ratio = static_cast<double>(measured) / static_cast<double>(pin.cycles);
    return fmt::format(
        "golden scenario {}: the run took {} cycles, pinned {} ({:+.2f} %, margin {:.0f} %): {}; if "
        "intended, `{}` rewrites testbench/tests/golden/golden_cycles.tsv: commit it with the change",
        pin.scenario, measured, pin.cycles, (ratio - 1) * 100, cycle_margin * 100,
        slower ? "SLOWER than the pin" : "faster than the pin: update the table", regen_cycles_command);
}

}  // namespace nicsim::golden
