// hw_duty_pins: regenerates the throughput pins (tools/regen-hw-pins runs `regen`).
//
//   hw_duty_pins regen TABLE DOC [--config a,b]
//       measures every pinned cell (duty_pins.hpp: sizes x latencies x TX/RX) of every built
//       configuration (or those named): the benchmark's run, then the fewest frames from 32,
//       doubling, whose duty is within the tolerance of it; rewrites TABLE (rows of configurations
//       not measured are kept) and the generated table in DOC; prints each cell and what moved.
//   hw_duty_pins docs TABLE DOC
//       rewrites the generated table in DOC from TABLE, measuring nothing.
//
// Exit status: 0 done, 1 a measurement failed (nothing written), 2 usage or input errors.
#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "dut/dut.hpp"
#include "duty_pins.hpp"
#include "io/output_file.hpp"

namespace fs = std::filesystem;
namespace hw = nicsim::hw_efficiency;
namespace perf = nicsim::perf;

namespace {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

constexpr char const* usage_text = "usage: hw_duty_pins regen TABLE DOC [--config a,b] | docs TABLE DOC";

std::string read_file(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw UsageError(fmt::format("cannot read {}", p.string()));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(fs::path const& p, std::string const& text) {
    nicsim::io::write_output_file(p, text);
}

std::vector<std::string> split_commas(std::string const& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

/// The pin of one cell: the benchmark's run, then the shortest run that stands for it.
perf::DutyPin measure_pin(hw::Cell const& cell) {
    perf::DutyPin pin;
    pin.cell = cell;
    hw::Result const bench = hw::measure(cell, hw::RunOptions{});
    pin.bench_frames = hw::default_frames(cell.frame_bytes);
    pin.bench_duty = bench.duty();
    pin.bench_absorbed = bench.absorbed;
    for (std::uint32_t frames = 32;; frames *= 2) {
        if (frames >= pin.bench_frames) {  // nothing shorter stands for it: the benchmark's run
            pin.frames = pin.bench_frames;
            pin.warmup = hw::default_warmup(pin.bench_frames);
            pin.duty = pin.bench_duty;
            return pin;
        }
        hw::RunOptions run;
        run.frames = frames;
        run.warmup = hw::default_warmup(frames);
        try {
            double const duty = hw::measure(cell, run).duty();
            if (std::abs(duty / pin.bench_duty - 1) <= perf::reduced_run_tolerance) {
                pin.frames = run.frames;
                pin.warmup = run.warmup;
                pin.duty = duty;
                return pin;
            }
        } catch (hw::TooFewFrames const&) {
            // RX back-pressured too late in this run for a window: more frames
        }
    }
}

int regen(fs::path const& table_path, fs::path const& doc_path, std::vector<std::string> configs) {
    auto const built = nicsim::dut::dut_config_names();
    if (configs.empty()) configs = built;
    for (auto const& c : configs)
        if (std::find(built.begin(), built.end(), c) == built.end())
            throw UsageError(
                fmt::format("--config: '{}' is not built into this binary (built: {})", c, fmt::join(built, ", ")));
    std::string const doc = read_file(doc_path);
    (void)perf::docs_table_of(doc);  // the markers are there before anything is measured

    std::vector<perf::DutyPin> old;
    if (fs::exists(table_path)) old = perf::parse_pins(read_file(table_path), table_path.string());
    std::map<std::tuple<std::string, int, std::uint32_t, std::uint32_t>, perf::DutyPin> previous;
    std::vector<std::string> order;  // configurations in the table's order, new ones after
    for (auto const& p : old) {
        previous[{p.cell.config, static_cast<int>(p.cell.direction), p.cell.frame_bytes, p.cell.latency_cycles}] = p;
        if (std::find(order.begin(), order.end(), p.cell.config) == order.end()) order.push_back(p.cell.config);
    }
    for (auto const& c : built)
        if (std::find(order.begin(), order.end(), c) == order.end()) order.push_back(c);

    std::vector<perf::DutyPin> pins;
    for (auto const& p : old)
        if (std::find(configs.begin(), configs.end(), p.cell.config) == configs.end()) pins.push_back(p);
    int moved = 0;
    fmt::print("{:<30} {:>6} {:>9} {:>12} {:>10}  {}\n", "cell", "frames", "duty", "bench frames", "bench duty",
               "before");
    for (auto const& config : configs)
        for (auto dir : {hw::Direction::tx, hw::Direction::rx})
            for (auto size : perf::pinned_sizes)
                for (auto latency : perf::pinned_latencies) {
                    hw::Cell const cell{
                        .config = config, .direction = dir, .frame_bytes = size, .latency_cycles = latency};
                    perf::DutyPin pin;
                    try {
                        pin = measure_pin(cell);
                    } catch (std::exception const& e) {
                        fmt::print(stderr, "hw_duty_pins: {}: the measurement failed, nothing written: {}\n",
                                   perf::describe(cell), e.what());
                        return 1;
                    }
                    std::string before = "new";
                    auto const it = previous.find({config, static_cast<int>(dir), size, latency});
                    if (it != previous.end()) {
                        bool const beyond = std::abs(pin.duty / it->second.duty - 1) > perf::margin;
                        before = fmt::format("{:.6f}{}", it->second.duty, beyond ? "  MOVED beyond the margin" : "");
                        moved += beyond;
                    }
                    fmt::print("{:<30} {:>6} {:>9.6f} {:>12} {:>10.6f}  {}\n", perf::describe(cell), pin.frames,
                               pin.duty, pin.bench_frames, pin.bench_duty, before);
                    std::fflush(stdout);
                    pins.push_back(pin);
                }
    perf::sort_pins(pins, order);
    write_file(table_path, perf::format_pins(pins));
    write_file(doc_path, perf::replace_docs_table(doc, perf::render_docs_table(pins)));
    std::uint64_t pin_frames = 0, bench_frames = 0;
    for (auto const& p : pins) {
        pin_frames += p.frames;
        bench_frames += p.bench_frames;
    }
    fmt::print(
        "wrote {} ({} pins, {} frames in CI against {} in the benchmark's runs) and the table in {}; "
        "{} pin(s) moved beyond the {:.0f} % margin\n",
        table_path.string(), pins.size(), pin_frames, bench_frames, doc_path.string(), moved, perf::margin * 100);
    for (auto const& c : order)
        if (std::find(configs.begin(), configs.end(), c) == configs.end())
            fmt::print("not measured (not built here, rows kept as they were): {}\n", c);
    return 0;
}

int docs(fs::path const& table_path, fs::path const& doc_path) {
    auto const pins = perf::parse_pins(read_file(table_path), table_path.string());
    write_file(doc_path, perf::replace_docs_table(read_file(doc_path), perf::render_docs_table(pins)));
    fmt::print("rewrote the table in {} from {}\n", doc_path.string(), table_path.string());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() >= 3 && args[0] == "regen") {
            std::vector<std::string> configs;
            if (args.size() == 5 && args[3] == "--config") {
                configs = split_commas(args[4]);
                if (configs.empty()) throw UsageError("--config: empty list");
            } else if (args.size() != 3) {
                throw UsageError(fmt::format("regen: unexpected '{}'", args[3]));
            }
            return regen(args[1], args[2], configs);
        }
        if (args.size() == 3 && args[0] == "docs") return docs(args[1], args[2]);
        throw UsageError(args.empty() ? "no command"
                                      : fmt::format("'{}': unknown command or wrong arguments", args[0]));
    } catch (UsageError const& e) {
        fmt::print(stderr, "hw_duty_pins: {}\n{}\n", e.what(), usage_text);
        return 2;
    } catch (std::invalid_argument const& e) {  // a malformed table, a document without the markers
        fmt::print(stderr, "hw_duty_pins: {}\n", e.what());
        return 2;
    } catch (std::exception const& e) {
        fmt::print(stderr, "hw_duty_pins: {}\n", e.what());
        return 1;
    }
}
