// Throughput pins: see duty_pins.hpp.
#include "duty_pins.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include <fmt/format.h>

namespace nicsim::perf {

namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (at < line.size()) {
        at = line.find_first_not_of(" \t", at);
        if (at == std::string_view::npos) break;
        std::size_t const end = std::min(line.find_first_of(" \t", at), line.size());
        out.push_back(line.substr(at, end - at));
        at = end;
    }
    return out;
}

template <class Number>
bool parse_field(std::string_view text, Number& out) {
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

std::string format_duty(double duty) {
    return fmt::format("{:.6f}", duty);
}

}  // namespace

hw::RunOptions DutyPin::run_options() const {
    hw::RunOptions options;
    options.frames = frames;
    options.warmup = warmup;
    return options;  // seed 1, no TX offset, no trace: as the table was measured
}

std::string describe(hw::Cell const& cell) {
    return fmt::format("{} {} {} B latency {}", cell.config, hw::direction_name(cell.direction), cell.frame_bytes,
                       cell.latency_cycles);
}

std::uint32_t lanes_of(std::string const& config) {
    unsigned bits = 0, queues = 0;
    char tail = 0;
    if (std::sscanf(config.c_str(), "dw%u_q%u%c", &bits, &queues, &tail) != 2 || bits < 8 || bits % 8 != 0)
        throw std::invalid_argument(
            fmt::format("'{}' is not a configuration name dw<DATA_WIDTH>_q<NUM_QUEUES>", config));
    return bits / 8;
}

std::vector<DutyPin> parse_pins(std::string_view text, std::string const& source) {
    std::vector<DutyPin> pins;
    std::set<std::tuple<std::string, int, std::uint32_t, std::uint32_t>> seen;
    std::size_t line_number = 0;
    while (!text.empty()) {
        std::size_t const nl = text.find('\n');
        std::string_view const line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++line_number;
        auto fail = [&](std::string const& what) {
            throw std::invalid_argument(fmt::format("{}:{}: {}", source, line_number, what));
        };
        auto const fields = split_fields(line);
        if (fields.empty() || fields.front().front() == '#') continue;
        if (fields.size() != 10)
            fail(
                fmt::format("{} fields, expected 10: config dir bytes latency frames warmup duty bench_frames "
                            "bench_duty bench_absorbed",
                            fields.size()));
        DutyPin p;
        p.cell.config = std::string(fields[0]);
        try {
            (void)lanes_of(p.cell.config);
        } catch (std::invalid_argument const& e) {
            fail(e.what());
        }
        auto const dir = hw::parse_direction(std::string(fields[1]));
        if (!dir) fail(fmt::format("direction '{}' is not tx or rx", fields[1]));
        p.cell.direction = *dir;
        auto number = [&](std::string_view f, char const* name, auto& out) {
            if (!parse_field(f, out)) fail(fmt::format("{} '{}' is not a number", name, f));
        };
        number(fields[2], "bytes", p.cell.frame_bytes);
        number(fields[3], "latency", p.cell.latency_cycles);
        number(fields[4], "frames", p.frames);
        number(fields[5], "warmup", p.warmup);
        number(fields[6], "duty", p.duty);
        number(fields[7], "bench_frames", p.bench_frames);
        number(fields[8], "bench_duty", p.bench_duty);
        if (fields[9] != "yes" && fields[9] != "no")
            fail(fmt::format("bench_absorbed '{}' is not yes or no", fields[9]));
        p.bench_absorbed = fields[9] == "yes";
        if (p.frames < 2 || p.frames > hw::max_frames || p.warmup >= p.frames)
            fail(fmt::format("frames {} and warmup {}: need 2..{} frames and a warmup below them", p.frames, p.warmup,
                             hw::max_frames));
        if (p.bench_frames < 2 || p.bench_frames > hw::max_frames)
            fail(fmt::format("bench_frames {} is not in 2..{}", p.bench_frames, hw::max_frames));
        for (double d : {p.duty, p.bench_duty})
            if (!(d > 0 && d <= 1)) fail(fmt::format("duty {} is not in (0, 1]", d));
        if (!seen.emplace(p.cell.config, static_cast<int>(p.cell.direction), p.cell.frame_bytes, p.cell.latency_cycles)
                 .second)
            fail(fmt::format("{} pinned twice", describe(p.cell)));
        pins.push_back(std::move(p));
    }
    return pins;
}

std::string format_pins(std::vector<DutyPin> const& pins) {
    std::string out = fmt::format(
        "# Throughput pins: whole-NIC stream duty per cell (testbench/tests/perf/duty_pins.hpp, docs/performance.md\n"
        "# \"Throughput pins\"). Generated by {}: do not edit. CI runs each cell's pin run (frames, warmup,\n"
        "# seed 1) and fails when its duty is not within {:.0f} % of `duty`. bench_*: the benchmark's run (2 MiB of\n"
        "# frames), the figures docs/performance.md shows; bench_absorbed: RX never back-pressured in it.\n"
        "# config\tdir\tbytes\tlatency\tframes\twarmup\tduty\tbench_frames\tbench_duty\tbench_absorbed\n",
        regen_command, margin * 100);
    for (auto const& p : pins)
        out +=
            fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", p.cell.config, hw::direction_name(p.cell.direction),
                        p.cell.frame_bytes, p.cell.latency_cycles, p.frames, p.warmup, format_duty(p.duty),
                        p.bench_frames, format_duty(p.bench_duty), p.bench_absorbed ? "yes" : "no");
    return out;
}

void sort_pins(std::vector<DutyPin>& pins, std::vector<std::string> const& config_order) {
    auto rank = [&](std::string const& config) {
        auto const it = std::find(config_order.begin(), config_order.end(), config);
        return static_cast<std::size_t>(it - config_order.begin());
    };
    std::stable_sort(pins.begin(), pins.end(), [&](DutyPin const& a, DutyPin const& b) {
        return std::make_tuple(rank(a.cell.config), a.cell.config, static_cast<int>(a.cell.direction),
                               a.cell.frame_bytes, a.cell.latency_cycles) <
               std::make_tuple(rank(b.cell.config), b.cell.config, static_cast<int>(b.cell.direction),
                               b.cell.frame_bytes, b.cell.latency_cycles);
    });
}

std::string rerun_commands(DutyPin const& pin, std::string const& bench_command) {
    std::string const args = hw::bench_arguments(pin.cell, pin.run_options());
    std::string const prefix = "/tmp/pin";
    hw::RunOptions bench_run;  // the benchmark's defaults: its frames and warmup
    return fmt::format(
        "  re-run this cell:       {} {}\n"
        "  with waves:             {} {} --trace {}  (writes {}-{}-{}-{}-{}.fst)\n"
        "  the benchmark's run:    {} {}\n",
        bench_command, args, bench_command, args, prefix, prefix, pin.cell.config,
        hw::direction_name(pin.cell.direction), pin.cell.frame_bytes, pin.cell.latency_cycles, bench_command,
        hw::bench_arguments(pin.cell, bench_run));
}

std::optional<std::string> check_pin(DutyPin const& pin, hw::Result const& measured, std::string const& bench_command) {
    double const low = pin.duty * (1 - margin), high = pin.duty * (1 + margin);
    double const duty = measured.duty();
    if (duty >= low && duty <= high) return std::nullopt;
    bool const dropped = duty < low;
    std::string out = fmt::format(
        "{}: duty {} the pin: measured {:.4f}, pinned {:.4f}, margin {:.0f} % ({:.4f}..{:.4f}), {:+.2f} %\n"
        "  measured run: {} frames, warmup {}, seed {}: {} beats in {} cycles over the last {} frames\n",
        describe(pin.cell), dropped ? "DROPPED below" : "ROSE above", duty, pin.duty, margin * 100, low, high,
        (duty / pin.duty - 1) * 100, pin.frames, pin.warmup, pin.run_options().seed, measured.beats,
        measured.window_cycles, measured.frames);
    out += rerun_commands(pin, bench_command);
    if (dropped)
        out += fmt::format(
            "  a throughput regression: find the change that caused it (the waves show the gaps); if it "
            "is intended, `{}` rewrites the table and docs/performance.md: commit them with it\n",
            regen_command);
    else
        out += fmt::format(
            "  an improvement: update the table in the same commit: `{}` rewrites "
            "testbench/tests/perf/hw_duty_pins.tsv and the table in docs/performance.md\n",
            regen_command);
    return out;
}

std::string render_docs_table(std::vector<DutyPin> const& pins) {
    // Columns: the pinned sizes; rows: configuration x latency x direction in the table's order.
    std::vector<std::tuple<std::string, std::uint32_t, hw::Direction>> rows;
    std::map<std::tuple<std::string, std::uint32_t, hw::Direction, std::uint32_t>, DutyPin const*> by_cell;
    std::vector<std::string> configs;
    for (auto const& p : pins) {
        if (std::find(configs.begin(), configs.end(), p.cell.config) == configs.end()) configs.push_back(p.cell.config);
        by_cell[{p.cell.config, p.cell.latency_cycles, p.cell.direction, p.cell.frame_bytes}] = &p;
    }
    std::string out = std::string(docs_begin_marker) + "\n\n| config | dir |";
    std::string rule = "|---|---|";
    for (auto size : pinned_sizes) {
        out += fmt::format(" {} B |", size);
        rule += "---|";
    }
    out += "\n" + rule + "\n";
    for (auto const& config : configs)
        for (auto dir : {hw::Direction::tx, hw::Direction::rx})
            for (auto latency : pinned_latencies) {
                out += fmt::format("| {}, latency {} | {} |", config, latency, dir == hw::Direction::tx ? "TX" : "RX");
                for (auto size : pinned_sizes) {
                    auto const it = by_cell.find({config, latency, dir, size});
                    if (it == by_cell.end()) {
                        out += " - |";
                        continue;
                    }
                    DutyPin const& p = *it->second;
                    std::string figure = fmt::format("{:.3f}", p.bench_duty);
                    if (p.bench_absorbed) figure += "*";
                    // Bold: far from what one shared channel allows (something else limits it).
                    if (p.bench_duty < 0.95 * hw::shared_channel_bound(dir, size, lanes_of(config)))
                        figure = "**" + figure + "**";
                    out += " " + figure + " |";
                }
                out += "\n";
            }
    // The bound differs between widths only below the third decimal at these sizes; show the
    // lowest of the configurations in the table.
    out += "| bound on one shared channel | both |";
    for (auto size : pinned_sizes) {
        double bound = 1;
        for (auto const& config : configs)
            for (auto dir : {hw::Direction::tx, hw::Direction::rx})
                bound = std::min(bound, hw::shared_channel_bound(dir, size, lanes_of(config)));
        out += fmt::format(" {:.3f} |", bound);
    }
    out += "\n| target (issue 4) | both |";
    for (auto size : pinned_sizes) {
        auto const target = hw::target_for(size);
        out += target ? fmt::format(" {:.2f} |", *target) : std::string(" - |");
    }
    out += "\n\n" + std::string(docs_end_marker) + "\n";
    return out;
}

std::string docs_table_of(std::string const& document) {
    auto const begin = document.find(docs_begin_marker);
    auto const end = document.find(docs_end_marker);
    if (begin == std::string::npos || end == std::string::npos || end < begin)
        throw std::invalid_argument(
            fmt::format("no generated table: the lines '{}' and '{}' are missing", docs_begin_marker, docs_end_marker));
    auto const line_end = document.find('\n', end);
    return document.substr(begin, (line_end == std::string::npos ? document.size() : line_end + 1) - begin);
}

std::string replace_docs_table(std::string const& document, std::string const& table) {
    std::string const old = docs_table_of(document);
    std::string out = document;
    out.replace(document.find(docs_begin_marker), old.size(), table);
    return out;
}

}  // namespace nicsim::perf
