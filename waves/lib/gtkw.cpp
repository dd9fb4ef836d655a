#include "waves/gtkw.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "io/output_file.hpp"
#include "input_file.hpp"
#include "waves/nic_layout.hpp"

namespace nicsim::waves {

namespace fs = std::filesystem;

namespace {

// GTKWave trace flags (analyzer.h): values written after '@' in hex.
constexpr unsigned tr_hex = 1u << 1;
constexpr unsigned tr_bin = 1u << 3;
constexpr unsigned tr_rjustify = 1u << 5;
constexpr unsigned tr_blank = 1u << 9;
constexpr unsigned tr_ftranslated = 1u << 13;
constexpr unsigned tr_closed = 1u << 22;
constexpr unsigned tr_grp_begin = 1u << 23;
constexpr unsigned tr_grp_end = 1u << 24;

// Through a temporary renamed into place: never replaces what is not a regular file
// (io/output_file.hpp); io::OutputFileError is a std::runtime_error naming the path.
void write_file(fs::path const& path, std::string const& text) {
    io::write_output_file(path, text);
}

std::string hex_digits(std::uint64_t v, unsigned width) {
    unsigned const digits = std::max(1u, (width + 3) / 4);
    return fmt::format("{:0{}X}", v, digits);
}

}  // namespace

std::string find_top_scope(FstFile const& file) {
    std::string best;
    long best_depth = -1;
    for (auto const& s : file.signals()) {
        if (s.base_name() != "clk" || s.scope.empty()) continue;
        long const depth = std::count(s.scope.begin(), s.scope.end(), '.');
        if (depth == 0) continue;  // the root (Verilator's TOP) repeats the ports; want the instance
        if (best_depth < 0 || depth < best_depth) {
            best = s.scope;
            best_depth = depth;
        }
    }
    if (best_depth >= 0) return best;
    return file.signals().front().scope;
}

std::string translate_filter_text(EnumType const& e) {
    std::string out = fmt::format("# {} ({} bits){}: GTKWave translate filter written by nicsim-waves\n", e.name,
                                  e.width, e.source.empty() ? "" : " from " + e.source);
    for (auto const& [value, literal] : e.values) {
        std::string const padded = hex_digits(value, e.width);
        out += fmt::format("{} {}\n", padded, literal);
        std::string const bare = fmt::format("{:X}", value);
        if (bare != padded) out += fmt::format("{} {}\n", bare, literal);
    }
    return out;
}

GtkwResult write_gtkw(FstFile const& file, GtkwOptions const& o) {
    GtkwResult result;
    result.save_file = fs::absolute(o.save_file);
    std::string const top = o.top_scope.empty() ? find_top_scope(file) : o.top_scope;
    std::string const prefix = top + ".";

    // Signals of the top instance, by name relative to it.
    struct Entry {
        const Signal* signal;
        std::string rel;
    };
    std::vector<Entry> entries;
    for (auto const& s : file.signals())
        if (s.name.rfind(prefix, 0) == 0) entries.push_back({&s, s.name.substr(prefix.size())});

    std::vector<std::pair<std::string, std::vector<const Entry*>>> groups;
    std::set<const Signal*> placed;
    auto take = [&](std::string title, bool closed, auto&& wanted) {
        std::vector<const Entry*> members;
        for (auto const& e : entries)
            if (!placed.contains(e.signal) && wanted(e)) members.push_back(&e);
        for (auto const* e : members) placed.insert(e->signal);
        if (!members.empty()) groups.emplace_back((closed ? "+" : "-") + std::move(title), std::move(members));
    };
    for (auto const& g : nic_top_groups())
        take(std::string(g.title), g.closed, [&](Entry const& e) { return g.claims(e.rel); });
    take("other ports", false,
         [](Entry const& e) { return e.rel.find('.') == std::string::npos && !e.signal->direction.empty(); });
    take("state and enum registers", false, [&](Entry const& e) { return enum_for(*e.signal, o.enums) != nullptr; });

    // Translate filters, one per enum type in use.
    std::map<std::string, std::pair<int, fs::path>> filters;  // enum name -> {index, path}
    auto filter_for = [&](EnumType const& e) -> std::pair<int, fs::path> const& {
        auto it = filters.find(e.name);
        if (it != filters.end()) return it->second;
        fs::path path = result.save_file;
        path.replace_filename(fmt::format("{}.{}.filter", result.save_file.stem().string(), e.name));
        write_file(path, translate_filter_text(e));
        result.filter_files.push_back(path);
        int const index = static_cast<int>(filters.size()) + 1;
        return filters.emplace(e.name, std::pair{index, path}).first->second;
    };

    std::optional<std::uint64_t> marker_time;
    if (o.marker_cycle) {
        if (!o.clock) throw FstError("a marker cycle needs the clock period (detect it or give it)");
        marker_time = o.clock->time_of(*o.marker_cycle);
    }
    std::uint64_t period = o.clock ? o.clock->period : 1;
    // GTKWave's zoom z shows 2^-z time units per "frame", the 200-pixel spacing of its major ticks
    // (checked in a GTKWave 3.3.118 window: z = -7 puts 10 time units on 15 pixels): aim at 16
    // pixels per cycle.
    constexpr double pixels_per_frame = 200, pixels_per_cycle = 16;
    double const zoom = -std::log2(static_cast<double>(period) * pixels_per_frame / pixels_per_cycle);
    // Start 20 cycles before the marker; but GTKWave moves a view that would run past the end of
    // the dump back to its start, so leave 100 cycles (1600 pixels, wider than any wave pane) to
    // the end when the marker is near it (the failing cycle is the last one of a failure trace).
    std::uint64_t timestart = file.start_time();
    if (marker_time) {
        std::uint64_t want = *marker_time > 20 * period ? *marker_time - 20 * period : 0;
        if (file.end_time() >= 100 * period) want = std::min(want, file.end_time() - 100 * period);
        timestart = std::max(timestart, want);
    }

    std::string out;
    out += fmt::format("[*] GTKWave save file written by nicsim-waves for {}\n", file.path().filename().string());
    out += fmt::format("[*] groups: waves/lib/nic_layout.cpp; enum names: translate filters next to this file\n");
    out += fmt::format("[dumpfile] \"{}\"\n", fs::absolute(file.path()).string());
    out += fmt::format("[savefile] \"{}\"\n", result.save_file.string());
    out += fmt::format("[timestart] {}\n", timestart);
    out += "[size] 1600 900\n[pos] -1 -1\n";
    out += fmt::format("*{:.6f} {}", zoom, marker_time ? static_cast<long long>(*marker_time) : -1LL);
    for (int i = 0; i < 26; ++i) out += " -1";
    out += "\n";
    out += fmt::format("[treeopen] {}.\n", top.substr(0, top.find('.')));
    out += fmt::format("[treeopen] {}.\n", top);
    out += "[sst_width] 300\n[signals_width] 340\n[sst_expanded] 1\n[sst_vpaned_height] 250\n";

    for (auto const& [title, members] : groups) {
        bool const closed = title[0] == '+';
        std::string const name = title.substr(1);
        out += fmt::format("@{:x}\n-{}\n", tr_grp_begin | tr_blank | (closed ? tr_closed : 0u), name);
        for (auto const* e : members) {
            Signal const& s = *e->signal;
            if (const EnumType* en = enum_for(s, o.enums)) {
                auto const& [index, path] = filter_for(*en);
                out += fmt::format("@{:x}\n^{} {}\n", tr_ftranslated | tr_hex | tr_rjustify, index, path.string());
            } else if (s.width > 1) {
                out += fmt::format("@{:x}\n", tr_hex | tr_rjustify);
            } else {
                out += fmt::format("@{:x}\n", tr_bin | tr_rjustify);
            }
            out += s.gtkw_name + "\n";
            result.signals.push_back(s.gtkw_name);
        }
        out += fmt::format("@{:x}\n-{}\n", tr_grp_end | tr_blank | (closed ? tr_closed : 0u), name);
        result.groups.push_back(name);
    }
    out += "[pattern_trace] 1\n[pattern_trace] 0\n";
    write_file(result.save_file, out);
    return result;
}

std::vector<std::string> read_gtkw_signals(fs::path const& save_file) {
    std::istringstream in(read_input_file(save_file));
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        // [section] settings, * zoom/markers, @ flags, - group begin/end and comments, ^ filters,
        // # and / comments: everything else is a trace.
        if (std::string_view("[*@-^#/").find(line[0]) != std::string_view::npos) continue;
        names.push_back(line);
    }
    return names;
}

std::vector<std::string> gtkw_signals_missing(FstFile const& file, fs::path const& save_file) {
    std::vector<std::string> missing;
    for (auto const& name : read_gtkw_signals(save_file))
        if (file.find(name) == nullptr) missing.push_back(name);
    return missing;
}

}  // namespace nicsim::waves
