// Throughput pins (duty_pins.hpp): every cell of hw_duty_pins.tsv measured again and held to its
// pin within the margin, one test per configuration and direction (tagged with the configuration,
// so a build without it does not register it); the table complete and standing for the
// benchmark's figures; docs/performance.md showing exactly the table; the pin check itself.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "duty_pins.hpp"

namespace fs = std::filesystem;
namespace hw = nicsim::hw_efficiency;
namespace perf = nicsim::perf;

namespace {

std::string read_file(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) FAIL("cannot read " << p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<perf::DutyPin> load_pins() {
    try {
        return perf::parse_pins(read_file(NICSIM_HW_PINS_TABLE), NICSIM_HW_PINS_TABLE);
    } catch (std::invalid_argument const& e) {
        FAIL(e.what());
    }
    return {};
}

std::vector<std::string> shipped_configs() {
    std::vector<std::string> out;
    std::istringstream list(NICSIM_KNOWN_CONFIGS);
    for (std::string name; std::getline(list, name, ',');)
        if (!name.empty()) out.push_back(name);
    return out;
}

/// Measures every pinned cell of one configuration and direction; reports every miss, with the
/// waves of the first one written under the failure directory.
void check_pins(std::string const& config, hw::Direction direction) {
    std::vector<perf::DutyPin> pins;
    for (auto const& p : load_pins())
        if (p.cell.config == config && p.cell.direction == direction) pins.push_back(p);
    REQUIRE(pins.size() == std::size(perf::pinned_sizes) * std::size(perf::pinned_latencies));

    std::string const bench = NICSIM_HW_BENCH;
    std::vector<std::string> reports;
    bool traced = false;
    for (auto const& pin : pins) {
        std::string report;
        try {
            if (auto miss = perf::check_pin(pin, hw::measure(pin.cell, pin.run_options()), bench)) report = *miss;
        } catch (std::exception const& e) {
            report = fmt::format("{}: the measurement failed: {}\n{}", perf::describe(pin.cell), e.what(),
                                 perf::rerun_commands(pin, bench));
        }
        if (report.empty()) continue;
        if (!traced) {  // the first miss only: a trace costs several times the run
            traced = true;
            fs::create_directories(NICSIM_PERF_FAILURE_DIR);
            auto options = pin.run_options();
            options.trace_path =
                fmt::format("{}/hw-pin-{}-{}-{}-{}.fst", NICSIM_PERF_FAILURE_DIR, config, hw::direction_name(direction),
                            pin.cell.frame_bytes, pin.cell.latency_cycles);
            try {
                (void)hw::measure(pin.cell, options);
                report += fmt::format("  waves of this run: {}\n", options.trace_path);
            } catch (std::exception const& e) {
                report +=
                    fmt::format("  waves of this run: {} (the run ended early: {})\n", options.trace_path, e.what());
            }
        }
        reports.push_back(report);
    }
    if (reports.empty()) return;
    // Printed as is: Catch would re-wrap the long command lines.
    for (auto const& r : reports) fmt::print(stderr, "{}", r);
    FAIL(fmt::format("{} of {} throughput pins of {} {} missed (each named above with the re-run commands)",
                     reports.size(), pins.size(), config, hw::direction_name(direction)));
}

}  // namespace

TEST_CASE("hw pins: dw64_q1 TX duty", "[dw64_q1]") {
    check_pins("dw64_q1", hw::Direction::tx);
}
TEST_CASE("hw pins: dw64_q1 RX duty", "[dw64_q1]") {
    check_pins("dw64_q1", hw::Direction::rx);
}
TEST_CASE("hw pins: dw64_q4 TX duty", "[dw64_q4]") {
    check_pins("dw64_q4", hw::Direction::tx);
}
TEST_CASE("hw pins: dw64_q4 RX duty", "[dw64_q4]") {
    check_pins("dw64_q4", hw::Direction::rx);
}
TEST_CASE("hw pins: dw128_q4 TX duty", "[dw128_q4]") {
    check_pins("dw128_q4", hw::Direction::tx);
}
TEST_CASE("hw pins: dw128_q4 RX duty", "[dw128_q4]") {
    check_pins("dw128_q4", hw::Direction::rx);
}
TEST_CASE("hw pins: dw256_q4 TX duty", "[dw256_q4]") {
    check_pins("dw256_q4", hw::Direction::tx);
}
TEST_CASE("hw pins: dw256_q4 RX duty", "[dw256_q4]") {
    check_pins("dw256_q4", hw::Direction::rx);
}
TEST_CASE("hw pins: dw512_q4 TX duty", "[dw512_q4]") {
    check_pins("dw512_q4", hw::Direction::tx);
}
TEST_CASE("hw pins: dw512_q4 RX duty", "[dw512_q4]") {
    check_pins("dw512_q4", hw::Direction::rx);
}

TEST_CASE(
    "hw pins: the table pins every cell of every shipped configuration, each pin run standing for the "
    "benchmark's") {
    auto const pins = load_pins();
    auto const configs = shipped_configs();
    REQUIRE(configs.size() >= 5);
    std::set<std::tuple<std::string, int, std::uint32_t, std::uint32_t>> expected, pinned;
    for (auto const& config : configs)
        for (auto dir : {hw::Direction::tx, hw::Direction::rx})
            for (auto size : perf::pinned_sizes)
                for (auto latency : perf::pinned_latencies)
                    expected.emplace(config, static_cast<int>(dir), size, latency);
    for (auto const& p : pins) {
        INFO(perf::describe(p.cell));
        pinned.emplace(p.cell.config, static_cast<int>(p.cell.direction), p.cell.frame_bytes, p.cell.latency_cycles);
        // The benchmark's run is the benchmark's default, and the (shorter) pin run measures the
        // same duty within the tolerance the regeneration chose it by.
        CHECK(p.bench_frames == hw::default_frames(p.cell.frame_bytes));
        CHECK(p.frames <= p.bench_frames);
        CHECK(std::abs(p.duty / p.bench_duty - 1) <= perf::reduced_run_tolerance + 1e-9);
    }
    CHECK(pinned == expected);
}

TEST_CASE("hw pins: docs/performance.md shows the table's benchmark figures") {
    auto const doc = read_file(NICSIM_PERFORMANCE_DOC);
    std::string shown;
    try {
        shown = perf::docs_table_of(doc);
    } catch (std::invalid_argument const& e) {
        FAIL(fmt::format("{}: {}", NICSIM_PERFORMANCE_DOC, e.what()));
    }
    INFO(
        fmt::format("the generated table in {} differs from {}: run `{}` (or `hw_duty_pins docs` to rewrite the docs "
                    "from the table alone)",
                    NICSIM_PERFORMANCE_DOC, NICSIM_HW_PINS_TABLE, perf::regen_command));
    CHECK(shown == perf::render_docs_table(load_pins()));
}

TEST_CASE("hw pins: a pin fails on a drop and on a rise beyond the margin, naming the cell and what to do") {
    perf::DutyPin pin;
    pin.cell = {.config = "dw512_q4", .direction = hw::Direction::tx, .frame_bytes = 64, .latency_cycles = 200};
    pin.frames = 512;
    pin.warmup = 128;
    pin.duty = 0.8;
    pin.bench_frames = 32767;
    pin.bench_duty = 0.8;
    auto measured = [](std::uint64_t beats, std::uint64_t cycles) {
        return hw::Result{.window_cycles = cycles,
                          .beats = beats,
                          .bytes = beats * 64,
                          .frames = beats,
                          .lanes = 64,
                          .absorbed = false};
    };
    CHECK_FALSE(perf::check_pin(pin, measured(800, 1000), "hw_efficiency_bench"));
    CHECK_FALSE(perf::check_pin(pin, measured(795, 1000), "hw_efficiency_bench"));  // -0.6 %: within 1 %
    CHECK_FALSE(perf::check_pin(pin, measured(807, 1000), "hw_efficiency_bench"));  // +0.9 %

    auto const drop = perf::check_pin(pin, measured(700, 1000), "hw_efficiency_bench");
    REQUIRE(drop);
    INFO(*drop);
    CHECK(drop->find("dw512_q4 tx 64 B latency 200") != std::string::npos);
    CHECK(drop->find("DROPPED") != std::string::npos);
    CHECK(drop->find("measured 0.7000, pinned 0.8000, margin 1 %") != std::string::npos);
    CHECK(drop->find("hw_efficiency_bench --config dw512_q4 --direction tx --sizes 64 --latency 200 --frames 512 "
                     "--warmup 128 --seed 1") != std::string::npos);
    CHECK(drop->find("--trace /tmp/pin  (writes /tmp/pin-dw512_q4-tx-64-200.fst)") != std::string::npos);

    auto const rise = perf::check_pin(pin, measured(900, 1000), "hw_efficiency_bench");
    REQUIRE(rise);
    INFO(*rise);
    CHECK(rise->find("ROSE above") != std::string::npos);
    CHECK(rise->find("update the table in the same commit") != std::string::npos);
    CHECK(rise->find(std::string(perf::regen_command)) != std::string::npos);
}

TEST_CASE("hw pins: a malformed table line is refused with its file, line and what is wrong") {
    std::string const good = "dw64_q4\ttx\t64\t0\t512\t128\t0.800000\t32767\t0.800000\tno\n";
    CHECK(perf::parse_pins("# comment\n\n" + good, "t.tsv").size() == 1);
    auto refused = [](std::string const& text) {
        try {
            (void)perf::parse_pins(text, "t.tsv");
        } catch (std::invalid_argument const& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(refused("dw64_q4\ttx\t64\t0\t512\t128\t0.8\n") ==
          "t.tsv:1: 7 fields, expected 10: config dir bytes latency frames warmup duty bench_frames bench_duty "
          "bench_absorbed");
    CHECK(refused("x\n" + good).rfind("t.tsv:1: 1 fields", 0) == 0);
    CHECK(refused(good + "dw64_q4\tboth\t64\t0\t512\t128\t0.8\t32767\t0.8\tno\n") ==
          "t.tsv:2: direction 'both' is not tx or rx");
    CHECK(refused("dw64_q4\ttx\t64\t0\t512\t128\t0.8x\t32767\t0.8\tno\n") == "t.tsv:1: duty '0.8x' is not a number");
    CHECK(
        refused("dw64_q4\ttx\t64\t0\t512\t512\t0.8\t32767\t0.8\tno\n").rfind("t.tsv:1: frames 512 and warmup 512", 0) ==
        0);
    CHECK(refused("dw64_q4\ttx\t64\t0\t512\t128\t1.5\t32767\t0.8\tno\n") == "t.tsv:1: duty 1.5 is not in (0, 1]");
    CHECK(refused("q4\ttx\t64\t0\t512\t128\t0.8\t32767\t0.8\tno\n") ==
          "t.tsv:1: 'q4' is not a configuration name dw<DATA_WIDTH>_q<NUM_QUEUES>");
    CHECK(refused(good + good) == "t.tsv:2: dw64_q4 tx 64 B latency 0 pinned twice");
}
