#include "lib/command.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "fst/fst_file.hpp"
#include "lib/cycles.hpp"
#include "lib/gtkw.hpp"
#include "lib/input_file.hpp"
#include "lib/nic_layout.hpp"
#include "lib/render.hpp"
#include "lib/rtl_enums.hpp"
#include "lib/select.hpp"

namespace nicsim::waves {

namespace {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    std::string file;
    std::vector<std::string> patterns;
    PatternKind kind = PatternKind::glob;
    std::optional<std::uint64_t> around, before, after, from, to, period, marker;
    std::optional<std::string> list, gtkw, check_gtkw;
    std::string clock;
    std::string rtl;  // "" = only the contract's enums, built in
    std::vector<std::string> extra_rtl;
    std::string top;
    bool table = false;
    bool help = false;
    RenderOptions render;
};

std::uint64_t number(std::string const& opt, std::string const& text) {
    std::uint64_t v = 0;
    auto const* end = text.data() + text.size();
    auto const [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end)
        throw UsageError(fmt::format("option '{}': '{}' is not a non-negative integer", opt, text));
    return v;
}

Options parse(std::span<const std::string> args) {
    Options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        if (arg.size() < 2 || arg[0] != '-' || arg == "--") {
            if (arg == "--") {
                for (++i; i < args.size(); ++i) (o.file.empty() ? o.file : o.patterns.emplace_back()) = args[i];
                break;
            }
            if (o.file.empty()) {
                o.file = arg;
            } else {
                o.patterns.push_back(arg);
            }
            continue;
        }
        std::optional<std::string> inline_value;
        if (auto const eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) throw UsageError(fmt::format("option '{}' needs a value", arg));
            return args[++i];
        };
        auto flag = [&] {
            if (inline_value) throw UsageError(fmt::format("option '{}' takes no value", arg));
        };
        if (arg == "--help" || arg == "-h") {
            flag();
            o.help = true;
        } else if (arg == "--regex" || arg == "-E") {
            flag();
            o.kind = PatternKind::regex;
        } else if (arg == "--table") {
            flag();
            o.table = true;
        } else if (arg == "--around")
            o.around = number(arg, value());
        else if (arg == "--before")
            o.before = number(arg, value());
        else if (arg == "--after")
            o.after = number(arg, value());
        else if (arg == "--from")
            o.from = number(arg, value());
        else if (arg == "--to")
            o.to = number(arg, value());
        else if (arg == "--period") {
            o.period = number(arg, value());
            if (*o.period == 0) throw UsageError("option '--period': the period must be at least 1");
        } else if (arg == "--marker")
            o.marker = number(arg, value());
        else if (arg == "--width") {
            auto const w = number(arg, value());
            if (w < 2 || w > 64) throw UsageError(fmt::format("option '--width': {} is not in 2..64", w));
            o.render.cycle_width = static_cast<unsigned>(w);
        } else if (arg == "--style") {
            auto const s = value();
            if (s == "blocks")
                o.render.style = WaveStyle::blocks;
            else if (s == "lines")
                o.render.style = WaveStyle::lines;
            else
                throw UsageError(fmt::format("option '--style': '{}' is not blocks or lines", s));
        } else if (arg == "--list")
            o.list = value();
        else if (arg == "--gtkw")
            o.gtkw = value();
        else if (arg == "--check-gtkw")
            o.check_gtkw = value();
        else if (arg == "--clock")
            o.clock = value();
        else if (arg == "--rtl")
            o.rtl = value();
        else if (arg == "--rtl-file")
            o.extra_rtl.push_back(value());
        else if (arg == "--top")
            o.top = value();
        else
            throw UsageError(fmt::format("unknown option '{}'", arg));
    }
    if (o.help) return o;
    if (o.file.empty()) throw UsageError("no FST file given");
    if (o.around && (o.from || o.to)) throw UsageError("options '--around' and '--from'/'--to' cannot be combined");
    if ((o.before || o.after) && !o.around)
        throw UsageError(fmt::format("option '{}' needs '--around'", o.before ? "--before" : "--after"));
    if (o.from && o.to && *o.from > *o.to)
        throw UsageError(fmt::format("option '--from' ({}) is after '--to' ({})", *o.from, *o.to));
    if (!o.rtl.empty() && !std::filesystem::is_directory(o.rtl))
        throw UsageError(fmt::format("option '--rtl': '{}' is not a folder", o.rtl));
    return o;
}

std::vector<EnumType> load_enums(Options const& o) {
    std::vector<EnumType> enums = contract_enums();
    if (!o.rtl.empty())
        for (auto& e : parse_enum_dir(o.rtl)) enums.push_back(std::move(e));
    for (auto const& f : o.extra_rtl)
        for (auto& e : parse_enums(read_input_file(f), f)) enums.push_back(std::move(e));
    return enums;
}

CycleClock clock_of(FstFile const& f, Options const& o) {
    if (o.period) return CycleClock{*o.period, 0, "--period"};
    return detect_clock(f, o.clock);
}

int run(std::string_view program, Options const& o, std::ostream& out) {
    FstFile const file(o.file);
    auto const enums = load_enums(o);

    if (o.list) {
        auto const sigs = select_signals(file, std::span(&*o.list, 1), o.kind);
        if (sigs.empty()) throw std::runtime_error(fmt::format("no signal matches '{}'", *o.list));
        for (auto const* s : sigs) {
            const EnumType* e = enum_for(*s, enums);
            out << fmt::format("{}  {}  {}{}{}\n", s->gtkw_name, s->width, s->type,
                               s->direction.empty() ? "" : " " + s->direction, e ? " enum " + e->name : "");
        }
        return 0;
    }

    if (o.check_gtkw) {
        auto const names = read_gtkw_signals(*o.check_gtkw);
        auto const missing = gtkw_signals_missing(file, *o.check_gtkw);
        for (auto const& m : missing) out << fmt::format("{}: not in {}\n", m, file.path().string());
        if (!missing.empty())
            throw std::runtime_error(fmt::format("{}: {} of {} signals are not in {}", *o.check_gtkw, missing.size(),
                                                 names.size(), file.path().string()));
        if (names.empty()) throw std::runtime_error(fmt::format("{}: names no signal", *o.check_gtkw));
        out << fmt::format("{}: all {} signals exist in {}\n", *o.check_gtkw, names.size(), file.path().string());
        if (o.patterns.empty() && !o.gtkw) return 0;
    }

    std::optional<CycleClock> clock;
    bool const needs_clock = !o.patterns.empty() || o.marker || o.around || !(o.list || o.gtkw || o.check_gtkw);
    if (needs_clock) clock = clock_of(file, o);

    if (o.gtkw) {
        GtkwOptions g;
        g.save_file = *o.gtkw;
        g.enums = enums;
        g.clock = clock;
        g.marker_cycle = o.marker ? o.marker : o.around;
        g.top_scope = o.top;
        auto const r = write_gtkw(file, g);
        out << fmt::format("{}: {} signals in {} groups, {} translate filter{}\n", r.save_file.string(),
                           r.signals.size(), r.groups.size(), r.filter_files.size(),
                           r.filter_files.size() == 1 ? "" : "s");
        out << fmt::format("open with: gtkwave {} {}\n", file.path().string(), r.save_file.string());
    }
    if (o.patterns.empty() && (o.list || o.gtkw || o.check_gtkw)) return 0;

    // No pattern: the key handshakes of the top instance, as a failure report shows them.
    std::vector<std::string> patterns = o.patterns;
    PatternKind kind = o.kind;
    if (patterns.empty()) {
        std::string const top = o.top.empty() ? find_top_scope(file) : o.top;
        for (auto const& name : key_handshake_signals()) patterns.push_back(top + "." + name);
        kind = PatternKind::glob;
    }
    auto const sigs = select_signals(file, patterns, kind);
    if (sigs.empty()) throw std::runtime_error(fmt::format("no signal matches {}", fmt::join(patterns, " ")));
    std::uint64_t const last_in_dump = clock->cycle_at(file.end_time());
    std::uint64_t const first_in_dump =
        file.start_time() <= clock->phase ? 0 : clock->cycle_at(file.start_time() + clock->period - 1);
    std::uint64_t first = first_in_dump, last = 0;
    if (o.around) {
        if (*o.around > last_in_dump)
            throw std::runtime_error(
                fmt::format("cycle {} is past the end of the dump (last cycle {})", *o.around, last_in_dump));
        std::uint64_t const before = o.before.value_or(10), after = o.after.value_or(10);
        first = *o.around > before ? *o.around - before : 0;
        last = *o.around + after;
    } else {
        first = o.from.value_or(first_in_dump);
        last = o.to.value_or(first + 20);
    }
    first = std::max(first, first_in_dump);
    last = std::min(last, last_in_dump);
    if (first > last)
        throw std::runtime_error(
            fmt::format("the window holds no dumped cycle (dump has cycles {}..{})", first_in_dump, last_in_dump));
    RenderOptions r = o.render;
    r.mark_cycle = o.marker ? o.marker : o.around;
    auto const samples = sample(file, sigs, *clock, first, last, enums);
    out << (o.table ? render_table(samples, r) : render_wave(samples, r));
    (void)program;
    return 0;
}

}  // namespace

std::string waves_usage(std::string_view p) {
    return fmt::format(R"(usage: {0} FILE.fst [PATTERN...] [options]

Shows chosen signals of an FST dump around a cycle, in the terminal, and writes GTKWave layouts.
PATTERN selects signals by full dotted name (TOP.nic_top.m_axis_tx_tvalid): a glob ('*' any
run of characters, dots included; '?' one character; [abc] a class) matched against the whole
name, or with --regex an ECMAScript regex found anywhere in it. Without a PATTERN (and without
--list, --gtkw, --check-gtkw) the key handshakes of the top instance are shown: every bus's
valid/ready/last and the interrupts, as the failure report of nicsim run prints them.

Window (cycle c is the rising clock edge at time phase + c * period):
  --around CYCLE      centre the view on CYCLE and mark it
  --before N          cycles shown before --around (default 10)
  --after N           cycles shown after --around (default 10)
  --from CYCLE        first cycle shown (default: the first in the dump)
  --to CYCLE          last cycle shown (default: --from + 20)
  --clock NAME        clock signal to measure the period from (default: the shallowest 1-bit
                      signal named clk or clock)
  --period TIME       time units per cycle, phase 0 (skips the clock measurement)

View:
  --table             one row per cycle, one column per signal, instead of the waveform
  --width N           characters per cycle in the waveform, 2..64 (default 4)
  --style STYLE       blocks (▁▔, default) or lines (_‾)
  --regex, -E         patterns are regexes instead of globs
  --list PATTERN      list matching signals (name, width, type, direction, enum) and exit

GTKWave:
  --gtkw OUT.gtkw     write a save file for FILE.fst: nic_top signals grouped by interface,
                      buses in hex, enum registers by name through translate filter files
                      written next to OUT.gtkw; open with: gtkwave FILE.fst OUT.gtkw
  --marker CYCLE      marker at CYCLE in the save file and the view (default: --around)
  --check-gtkw FILE   check that every signal FILE.gtkw names exists in FILE.fst (exit 1 and
                      list the missing ones if not)
  --rtl DIR           an RTL folder whose typedef enums become filters too (the contract's
                      enums, those of rtl/nic_pkg.sv, are built in)
  --rtl-file FILE     one more .sv file to take enums from (repeatable)
  --top SCOPE         top instance scope for the groups (default: the shallowest scope below
                      the root that holds a clk, e.g. TOP.nic_top)

  --help, -h          this text

Exit status: 0 done; 1 nothing matches, a window holds no cycle or a layout names missing signals;
2 a bad option or value, or a file that cannot be used (an FST file missing, not FST, cut short
or damaged: the message names the byte offset; an --rtl-file or --check-gtkw file missing or not
a regular file).
)",
                       p);
}

int run_waves_command(std::string_view program, std::span<const std::string> args, std::ostream& out,
                      std::ostream& err) {
    Options o;
    try {
        o = parse(args);
    } catch (UsageError const& e) {
        err << fmt::format("{}: {} (see --help)\n", program, e.what());
        return 2;
    }
    if (o.help) {
        out << waves_usage(program);
        return 0;
    }
    try {
        return run(program, o, out);
    } catch (std::invalid_argument const& e) {  // a bad regex
        err << fmt::format("{}: {}\n", program, e.what());
        return 2;
    } catch (FstError const& e) {  // missing, not FST, cut short or damaged: an unusable input
        err << fmt::format("{}: {}\n", program, e.what());
        return 2;
    } catch (InputFileError const& e) {  // an --rtl-file or --check-gtkw that cannot be read
        err << fmt::format("{}: {}\n", program, e.what());
        return 2;
    } catch (std::exception const& e) {
        err << fmt::format("{}: {}\n", program, e.what());
        return 1;
    }
}

}  // namespace nicsim::waves
