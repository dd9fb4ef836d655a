#include "waves/command.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>
#include <vector>

#include "command_line/command_line.hpp"
#include "fst/fst_file.hpp"
#include "waves/cycles.hpp"
#include "waves/gtkw.hpp"
#include "input_file.hpp"
#include "waves/nic_layout.hpp"
#include "waves/render.hpp"
#include "waves/rtl_enums.hpp"
#include "waves/select.hpp"

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

namespace cl = command_line;

constexpr std::uint64_t kNoLimit = ~std::uint64_t{0};

CLI::Validator period_at_least_one() {
    return CLI::Validator(
        [](std::string const& v) { return v == "0" ? std::string("the period must be at least 1") : std::string(); },
        "");
}

/// The command line of the waves tool: its options bound to an Options, and parse(), which
/// applies the rules between options that CLI11 does not express.
class WavesCommandLine {
public:
    explicit WavesCommandLine(std::string_view program);
    WavesCommandLine(WavesCommandLine const&) = delete;  // the options hold pointers into this object
    WavesCommandLine& operator=(WavesCommandLine const&) = delete;

    Options parse(std::span<const std::string> args);
    std::string help() const { return app_.help(); }

private:
    void add_window_options(CLI::App& group);
    void add_view_options(CLI::App& group);
    void add_gtkw_options(CLI::App& group);
    void check_window() const;
    /// A cycle number option into `target`.
    CLI::Option* add_cycle(CLI::App& group, std::string name, std::optional<std::uint64_t>& target,
                           std::string value_name, std::string description);

    CLI::App app_;
    Options o_;
};

WavesCommandLine::WavesCommandLine(std::string_view program)
    : app_(R"(Shows chosen signals of an FST dump around a cycle, in the terminal, and writes GTKWave layouts.
PATTERN selects signals by full dotted name (TOP.nic_top.m_axis_tx_tvalid): a glob ('*' any
run of characters, dots included; '?' one character; [abc] a class) matched against the whole
name, or with --regex an ECMAScript regex found anywhere in it. Without a PATTERN (and without
--list, --gtkw, --check-gtkw) the key handshakes of the top instance are shown: every bus's
valid/ready/last and the interrupts, as the failure report of nicsim run prints them.)",
           std::string(program)) {
    cl::prepare(app_, "FILE.fst [PATTERN...] [options]", 22);
    app_.footer(R"(Exit status: 0 done; 1 nothing matches, a window holds no cycle or a layout names missing signals;
2 a bad option or value, or a file that cannot be used (an FST file missing, not FST, cut short
or damaged: the message names the byte offset; an --rtl-file or --check-gtkw file missing or not
a regular file).)");
    app_.add_option("FILE", o_.file, "the FST dump");
    cl::add_word_list(app_, "PATTERN", o_.patterns, "signals to show");
    add_window_options(*app_.add_option_group("Window (cycle c is the rising clock edge at time phase + c * period)"));
    add_view_options(*app_.add_option_group("View"));
    add_gtkw_options(*app_.add_option_group("GTKWave"));
}

CLI::Option* WavesCommandLine::add_cycle(CLI::App& group, std::string name, std::optional<std::uint64_t>& target,
                                         std::string value_name, std::string description) {
    return group
        .add_option_function<std::uint64_t>(
            std::move(name), [&target](std::uint64_t cycle) { target = cycle; }, std::move(description))
        ->type_name(std::move(value_name))
        ->transform(cl::whole_number_in(0, kNoLimit));
}

void WavesCommandLine::add_window_options(CLI::App& group) {
    add_cycle(group, "--around", o_.around, "CYCLE", "centre the view on CYCLE and mark it");
    add_cycle(group, "--before", o_.before, "N", "cycles shown before --around (default 10)");
    add_cycle(group, "--after", o_.after, "N", "cycles shown after --around (default 10)");
    add_cycle(group, "--from", o_.from, "CYCLE", "first cycle shown (default: the first in the dump)");
    add_cycle(group, "--to", o_.to, "CYCLE", "last cycle shown (default: --from + 20)");
    group
        .add_option("--clock", o_.clock,
                    "clock signal to measure the period from (default: the shallowest 1-bit\n"
                    "signal named clk or clock)")
        ->type_name("NAME");
    add_cycle(group, "--period", o_.period, "TIME", "time units per cycle, phase 0 (skips the clock measurement)")
        ->check(period_at_least_one());
}

void WavesCommandLine::add_view_options(CLI::App& group) {
    group.add_flag("--table", o_.table, "one row per cycle, one column per signal, instead of the waveform")
        ->check(cl::no_value());
    group
        .add_option_function<unsigned>(
            "--width", [this](unsigned width) { o_.render.cycle_width = width; },
            "characters per cycle in the waveform, 2..64 (default 4)")
        ->type_name("N")
        ->transform(cl::whole_number_in(2, 64));
    group
        .add_option_function<std::string>(
            "--style",
            [this](std::string const& style) {
                o_.render.style = style == "blocks" ? WaveStyle::blocks : WaveStyle::lines;
            },
            "blocks (▁▔, default) or lines (_‾)")
        ->type_name("STYLE")
        ->check(cl::one_of({"blocks", "lines"}));
    group
        .add_flag_callback(
            "-E,--regex", [this] { o_.kind = PatternKind::regex; }, "patterns are regexes instead of globs")
        ->check(cl::no_value());
    group
        .add_option_function<std::string>(
            "--list", [this](std::string const& pattern) { o_.list = pattern; },
            "list matching signals (name, width, type, direction, enum) and exit")
        ->type_name("PATTERN");
    cl::add_help_flag(group, o_.help);
}

void WavesCommandLine::add_gtkw_options(CLI::App& group) {
    group
        .add_option_function<std::string>(
            "--gtkw", [this](std::string const& path) { o_.gtkw = path; },
            "write a save file for FILE.fst: nic_top signals grouped by interface,\n"
            "buses in hex, enum registers by name through translate filter files\n"
            "written next to OUT.gtkw; open with: gtkwave FILE.fst OUT.gtkw")
        ->type_name("OUT.gtkw");
    add_cycle(group, "--marker", o_.marker, "CYCLE",
              "marker at CYCLE in the save file and the view (default: --around)");
    group
        .add_option_function<std::string>(
            "--check-gtkw", [this](std::string const& path) { o_.check_gtkw = path; },
            "check that every signal FILE.gtkw names exists in FILE.fst (exit 1 and\n"
            "list the missing ones if not)")
        ->type_name("FILE");
    group
        .add_option("--rtl", o_.rtl,
                    "an RTL folder whose typedef enums become filters too (the contract's\n"
                    "enums, those of rtl/nic_pkg.sv, are built in)")
        ->type_name("DIR");
    group.add_option("--rtl-file", o_.extra_rtl, "one more .sv file to take enums from (repeatable)")
        ->type_name("FILE")
        ->allow_extra_args(false);  // one file per --rtl-file
    group
        .add_option("--top", o_.top,
                    "top instance scope for the groups (default: the shallowest scope below\n"
                    "the root that holds a clk, e.g. TOP.nic_top)")
        ->type_name("SCOPE");
}

Options WavesCommandLine::parse(std::span<const std::string> args) {
    try {
        cl::parse(app_, args);
    } catch (CLI::ParseError const& e) {
        throw UsageError(e.what());
    }
    if (auto const word = cl::first_unexpected(app_)) throw UsageError(fmt::format("unknown option '{}'", *word));
    if (o_.help) return o_;
    if (o_.file.empty()) throw UsageError("no FST file given");
    check_window();
    if (!o_.rtl.empty() && !std::filesystem::is_directory(o_.rtl))
        throw UsageError(fmt::format("option '--rtl': '{}' is not a folder", o_.rtl));
    return o_;
}

void WavesCommandLine::check_window() const {
    if (o_.around && (o_.from || o_.to)) throw UsageError("options '--around' and '--from'/'--to' cannot be combined");
    if ((o_.before || o_.after) && !o_.around)
        throw UsageError(fmt::format("option '{}' needs '--around'", o_.before ? "--before" : "--after"));
    if (o_.from && o_.to && *o_.from > *o_.to)
        throw UsageError(fmt::format("option '--from' ({}) is after '--to' ({})", *o_.from, *o_.to));
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

std::string waves_usage(std::string_view program) {
    return WavesCommandLine(program).help();
}

int run_waves_command(std::string_view program, std::span<const std::string> args, std::ostream& out,
                      std::ostream& err) {
    Options o;
    try {
        o = WavesCommandLine(program).parse(args);
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
