#include "waves/render.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace nicsim::waves {

namespace {

// Value as dumped, extended to the signal's width the VCD way (x/z extend, else 0).
std::string extend(std::string_view bits, std::uint32_t width) {
    std::string v(bits);
    if (v.size() >= width) return v.substr(v.size() - width);
    char const fill = (!v.empty() && (v[0] == 'x' || v[0] == 'z' || v[0] == 'X' || v[0] == 'Z')) ? v[0] : '0';
    return std::string(width - v.size(), fill) + v;
}

std::string hex(std::string_view bits) {
    std::string b(bits);
    if (b.size() % 4 != 0) b.insert(0, 4 - b.size() % 4, '0');
    std::string out;
    for (std::size_t i = 0; i < b.size(); i += 4) {
        auto const nib = std::string_view(b).substr(i, 4);
        if (nib.find_first_not_of("01") == std::string_view::npos) {
            int v = 0;
            for (char c : nib) v = v * 2 + (c == '1');
            out += "0123456789abcdef"[v];
        } else if (nib.find_first_of("xX") != std::string_view::npos) {
            out += 'x';
        } else if (nib.find_first_of("zZ") != std::string_view::npos) {
            out += 'z';
        } else {
            out += '?';
        }
    }
    return out;
}

std::string common_scope(std::vector<const Signal*> const& signals) {
    if (signals.empty()) return {};
    std::string scope = signals.front()->scope;
    for (auto const* s : signals) {
        while (!scope.empty() && s->scope != scope && s->scope.rfind(scope + ".", 0) != 0) {
            auto const dot = scope.rfind('.');
            scope = dot == std::string::npos ? std::string() : scope.substr(0, dot);
        }
    }
    return scope;
}

std::string label(Signal const& s, std::string const& scope) {
    if (scope.empty()) return s.gtkw_name;
    return s.gtkw_name.substr(scope.size() + 1);
}

// Display width in terminal cells of UTF-8 text (every code point one cell).
std::size_t cells(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(std::string_view s, std::size_t width) {
    std::string out(s);
    auto const n = cells(s);
    if (n < width) out.append(width - n, ' ');
    return out;
}

void rtrim_lines(std::string& text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        auto line = std::string_view(text).substr(start, end - start);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
        out += line;
        if (end < text.size()) out += '\n';
        start = end + 1;
    }
    text = std::move(out);
}

std::string header_line(Samples const& s, std::string const& scope) {
    return fmt::format("scope {}  cycles {}..{}  period {} (from {}, cycle c at time {} + c*{})\n",
                       scope.empty() ? "(root)" : scope, s.first_cycle, s.last_cycle, s.clock.period, s.clock.source,
                       s.clock.phase, s.clock.period);
}

}  // namespace

std::string format_value(Signal const& signal, std::string_view bits, const EnumType* e) {
    std::string const v = extend(bits, std::max<std::uint32_t>(signal.width, 1));
    if (e != nullptr) {
        if (auto const n = bits_value(v)) {
            if (auto const* lit = e->literal(*n)) return *lit;
        }
    }
    if (signal.width <= 1) {
        char c = v.empty() ? 'x' : static_cast<char>(std::tolower(static_cast<unsigned char>(v[0])));
        return std::string(1, c);
    }
    return hex(v);
}

Samples sample(FstFile const& file, std::span<const Signal* const> signals, CycleClock const& clock,
               std::uint64_t first_cycle, std::uint64_t last_cycle, std::span<const EnumType> enums) {
    if (last_cycle < first_cycle) std::swap(first_cycle, last_cycle);
    Samples s;
    s.first_cycle = first_cycle;
    s.last_cycle = last_cycle;
    s.clock = clock;
    s.signals.assign(signals.begin(), signals.end());
    auto const traces = file.read(signals, clock.time_of(first_cycle), clock.time_of(last_cycle));
    for (auto const& t : traces) {
        const EnumType* e = enum_for(*t.signal, enums);
        std::vector<std::string> row;
        row.reserve(s.cycles());
        for (auto c = first_cycle; c <= last_cycle; ++c)
            row.push_back(format_value(*t.signal, t.value_at(clock.time_of(c)), e));
        s.values.push_back(std::move(row));
    }
    return s;
}

std::string render_wave(Samples const& s, RenderOptions const& o) {
    bool const blocks = o.style == WaveStyle::blocks;
    std::size_t const w = std::max(2u, o.cycle_width);
    std::size_t const n = s.cycles();
    std::string const scope = common_scope(s.signals);
    std::size_t name_w = 5;  // "cycle"
    for (auto const* sig : s.signals) name_w = std::max(name_w, cells(label(*sig, scope)));
    name_w += 2;

    std::string out = header_line(s, scope);
    // Cycle numbers at the start of their column, skipped where the previous one is in the way.
    std::string cyc(n * w + 16, ' ');
    std::size_t free_at = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::string const num = std::to_string(s.first_cycle + i);
        std::size_t const at = i * w;
        if (at < free_at) continue;
        cyc.replace(at, num.size(), num);
        free_at = at + num.size() + 1;
    }
    out += pad("cycle", name_w) + cyc + "\n";
    if (o.mark_cycle && *o.mark_cycle >= s.first_cycle && *o.mark_cycle <= s.last_cycle) {
        std::size_t const at = static_cast<std::size_t>(*o.mark_cycle - s.first_cycle) * w;
        out += pad("", name_w) + std::string(at, ' ') + (blocks ? "▼" : "v") + "\n";
    }

    for (std::size_t k = 0; k < s.signals.size(); ++k) {
        Signal const& sig = *s.signals[k];
        auto const& vals = s.values[k];
        std::string line = pad(label(sig, scope), name_w);
        bool const strip = sig.width <= 1 && (vals.empty() || vals.front().size() == 1);
        if (strip) {
            for (auto const& v : vals) {
                std::string_view glyph = v;  // x, z as letters
                if (v == "1") glyph = blocks ? "▔" : "‾";
                if (v == "0") glyph = blocks ? "▁" : "_";
                for (std::size_t i = 0; i < w; ++i) line += glyph;
            }
        } else {
            std::size_t i = 0;
            while (i < n) {
                std::size_t j = i + 1;
                while (j < n && vals[j] == vals[i]) ++j;
                std::size_t const room = (j - i) * w - 1;
                std::string text = vals[i];
                if (cells(text) > room) text = text.substr(0, room - 1) + (blocks ? "…" : "+");
                line += i == 0 ? "|" : (blocks ? "╳" : "X");
                line += pad(text, room);
                i = j;
            }
        }
        out += line + "\n";
    }
    rtrim_lines(out);
    return out;
}

std::string render_table(Samples const& s, RenderOptions const& o) {
    std::string const scope = common_scope(s.signals);
    std::vector<std::string> heads{"cycle", "time"};
    for (auto const* sig : s.signals) heads.push_back(label(*sig, scope));
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < s.cycles(); ++i) {
        auto const c = s.first_cycle + i;
        std::vector<std::string> row{std::to_string(c), std::to_string(s.clock.time_of(c))};
        for (auto const& vals : s.values) row.push_back(vals[i]);
        rows.push_back(std::move(row));
    }
    std::vector<std::size_t> width(heads.size());
    for (std::size_t c = 0; c < heads.size(); ++c) {
        width[c] = cells(heads[c]);
        for (auto const& r : rows) width[c] = std::max(width[c], cells(r[c]));
    }
    auto emit = [&](std::vector<std::string> const& cols, char mark) {
        std::string line(1, mark);
        line += ' ';
        for (std::size_t c = 0; c < cols.size(); ++c) line += pad(cols[c], width[c] + 2);
        return line + "\n";
    };
    std::string out = header_line(s, scope);
    out += emit(heads, ' ');
    for (std::size_t i = 0; i < rows.size(); ++i)
        out += emit(rows[i], o.mark_cycle && *o.mark_cycle == s.first_cycle + i ? '>' : ' ');
    rtrim_lines(out);
    return out;
}

}  // namespace nicsim::waves
