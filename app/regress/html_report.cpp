// report.html: see html_report.hpp.
#include "nicsim/regress/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "rollup.hpp"

namespace nicsim::regress {

std::string html_escape(std::string_view text) {
    std::string o;
    o.reserve(text.size());
    for (char ch : text) {
        auto const byte = static_cast<unsigned char>(ch);
        switch (ch) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        case '\'': o += "&#39;"; break;
        case '\n':
        case '\t': o += ch; break;
        default:
            if (byte < 0x20 || byte == 0x7f)
                o += fmt::format("\\x{:02x}", byte);
            else
                o += ch;
        }
    }
    return o;
}

std::string url_path(std::string_view path) {
    std::string o;
    for (char ch : path) {
        auto const byte = static_cast<unsigned char>(ch);
        bool const plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                           ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '/';
        if (plain)
            o += ch;
        else
            o += fmt::format("%{:02X}", byte);
    }
    return o;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Small pieces.

/// A link to `path` (relative to the output folder, where the page is), showing `label`.
std::string link(std::string_view path, std::string_view label) {
    return fmt::format("<a href=\"{}\">{}</a>", html_escape(url_path(path)), html_escape(label));
}

/// A figure that differs between two regressions of the same plan and seed base.
std::string timing(std::string const& text) {
    return fmt::format("<span class=\"timing\">{}</span>", text);
}

/// The anchor of a run's entry in the failures section.
std::string run_anchor(std::string const& scenario, std::uint64_t index) {
    return fmt::format("run-{}-{}", scenario, index);
}

std::string seconds_text(double s) {
    if (s < 120) return fmt::format("{:.1f} s", s);
    if (s < 7200) return fmt::format("{:.0f} min {:02.0f} s", std::floor(s / 60), std::fmod(s, 60));
    return fmt::format("{:.0f} h {:02.0f} min", std::floor(s / 3600), std::floor(std::fmod(s, 3600) / 60));
}

/// `v` with `decimals` decimals and its thousands grouped: "107,519", "1,234.50".
std::string number_text(double v, int decimals) {
    auto const text = fmt::format("{:.{}f}", v, decimals);
    auto const digits = std::min(text.find_first_of("0123456789"), text.size());
    auto const point = std::min(text.find('.'), text.size());
    std::string o = text.substr(0, digits);
    for (auto i = digits; i < point; ++i) {
        if (i > digits && (point - i) % 3 == 0) o += ',';
        o += text[i];
    }
    return o + text.substr(point);
}

/// A tick of an axis: "0.5", "6", "12,000".
std::string tick_text(double v) {
    return v >= 1000 ? number_text(v, 0) : fmt::format("{:g}", v);
}

/// "1.23" for a spread with figures, else an en dash.
std::string mean_text(Spread const& s, int decimals) {
    return s.count ? number_text(s.mean(), decimals) : std::string("&ndash;");
}

std::string clock_text(Spread const& clock) {
    if (!clock.count) return "&ndash;";
    if (clock.min == clock.max) return fmt::format("{:g}", clock.min / 1e6);
    return fmt::format("{:g}&ndash;{:g}", clock.min / 1e6, clock.max / 1e6);
}

/// The data-sort attribute of a cell whose text is not a plain number.
std::string sort_key(Spread const& s) {
    return fmt::format(" data-sort=\"{}\"", s.count ? s.mean() : -1.0);
}

// ---------------------------------------------------------------------------------------------
// Charts: one horizontal bar chart, a group of rows (one per scenario) with a bar per series:
// the mean over the scenario's runs, a line across it from the least to the greatest.

struct ChartSeries {
    std::string name;
    std::string css_class;  // the bar's colour (see kStyle)
};

struct ChartRow {
    std::string label;
    std::vector<Spread> values;  // one per series; count 0: no figure
};

struct Chart {
    std::string title;
    std::string axis_label;  // the unit, under the axis
    int decimals = 2;        // of the value written at each bar
    std::vector<ChartSeries> series;
    std::vector<ChartRow> rows;
};

struct Axis {
    double end = 1;
    int ticks = 5;  // intervals
};

/// An axis from 0 to at least `v` whose ticks are round numbers: its end the least of 1, 1.5, 2,
/// 2.5, 3, 4, 5, 6, 8 times a power of ten that is at least `v` (1 when v <= 0).
Axis nice_axis(double v) {
    if (!(v > 0)) return {};
    double const base = std::pow(10.0, std::floor(std::log10(v)));
    // Each end with the number of intervals that makes its step 1, 2 or 5 times a power of ten.
    for (auto [m, ticks] :
         {std::pair{1.0, 5}, {1.5, 3}, {2.0, 4}, {2.5, 5}, {3.0, 3}, {4.0, 4}, {5.0, 5}, {6.0, 3}, {8.0, 4}})
        if (v <= m * base * (1 + 1e-9)) return {m * base, ticks};
    return {10 * base, 5};
}

std::string svg_chart(Chart const& c) {
    constexpr double kWidth = 1000, kBar = 11, kBarGap = 3, kRowPad = 12, kTop = 30, kEmptyRow = 26;
    std::size_t longest = 8;
    for (auto const& row : c.rows) longest = std::max(longest, row.label.size());
    double const label_width = std::clamp(12 + 7.0 * static_cast<double>(longest), 120.0, 320.0);
    double const x0 = label_width + 12, x1 = kWidth - 80;
    double const full_row = static_cast<double>(c.series.size()) * (kBar + kBarGap) + kRowPad;
    auto const has_figures = [](ChartRow const& row) {
        return std::any_of(row.values.begin(), row.values.end(), [](Spread const& v) { return v.count > 0; });
    };
    double axis_y = kTop;  // a row without figures takes one line
    for (auto const& row : c.rows) axis_y += has_figures(row) ? full_row : kEmptyRow;
    double const height = axis_y + 44;
    double greatest = 0;
    for (auto const& row : c.rows)
        for (auto const& v : row.values)
            if (v.count) greatest = std::max(greatest, v.max);
    auto const axis = nice_axis(greatest);
    double const scale_max = axis.end;
    auto const x_of = [&](double v) { return x0 + (x1 - x0) * std::clamp(v / scale_max, 0.0, 1.0); };

    std::string o = fmt::format(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" "
        "aria-label=\"{}\">\n<title>{}</title>\n",
        kWidth, height, html_escape(c.title), html_escape(c.title));
    // Legend, top right.
    double legend_x = x1;
    for (auto it = c.series.rbegin(); it != c.series.rend(); ++it) {
        legend_x -= 24 + 7.0 * static_cast<double>(it->name.size());
        o += fmt::format(
            "<rect class=\"{}\" x=\"{:.1f}\" y=\"8\" width=\"12\" height=\"12\" rx=\"2\"/>"
            "<text class=\"legend\" x=\"{:.1f}\" y=\"18\">{}</text>\n",
            html_escape(it->css_class), legend_x, legend_x + 16, html_escape(it->name));
    }
    o += fmt::format("<text class=\"chart-title\" x=\"0\" y=\"18\">{}</text>\n", html_escape(c.title));
    // Grid and axis.
    for (int i = 0; i <= axis.ticks; ++i) {
        double const v = scale_max * i / axis.ticks, x = x_of(v);
        o += fmt::format(
            "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
            "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
            x, kTop - 4, axis_y, axis_y + 15, tick_text(v));
    }
    o += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\"/>\n", x0, axis_y,
                     x1);
    o += fmt::format("<text class=\"axis-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                     (x0 + x1) / 2, axis_y + 36, html_escape(c.axis_label));
    // One group per row.
    double top = kTop;
    for (std::size_t i = 0; i < c.rows.size(); top += has_figures(c.rows[i]) ? full_row : kEmptyRow, ++i) {
        auto const& row = c.rows[i];
        double const row_height = has_figures(row) ? full_row : kEmptyRow;
        o += fmt::format("<g class=\"row\" data-scenario=\"{}\">\n", html_escape(row.label));
        if (i % 2 == 1)
            o += fmt::format("<rect class=\"stripe\" x=\"0\" y=\"{:.1f}\" width=\"{:.0f}\" height=\"{:.1f}\"/>\n", top,
                             kWidth, row_height);
        std::string shown = row.label;
        if (shown.size() > 44) shown = shown.substr(0, 42) + "\xe2\x80\xa6";  // an ellipsis; the full name in <title>
        o += fmt::format(
            "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\"><title>{}</title>{}</text>\n",
            label_width, top + row_height / 2 + 4, html_escape(row.label), html_escape(shown));
        for (std::size_t s = 0; s < c.series.size() && s < row.values.size(); ++s) {
            auto const& v = row.values[s];
            if (!v.count) continue;
            double const y = top + kRowPad / 2 + static_cast<double>(s) * (kBar + kBarGap);
            double const mid = y + kBar / 2;
            o += fmt::format(
                "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" rx=\"1.5\">"
                "<title>{}: mean {}, least {}, greatest {} over {} run(s)</title></rect>\n",
                html_escape(c.series[s].css_class), x0, y, std::max(0.0, x_of(v.mean()) - x0), kBar,
                html_escape(c.series[s].name), number_text(v.mean(), c.decimals), number_text(v.min, c.decimals),
                number_text(v.max, c.decimals), v.count);
            if (v.max > v.min)
                o += fmt::format(
                    "<path class=\"spread\" d=\"M{0:.1f} {1:.1f}H{2:.1f}M{0:.1f} {3:.1f}V{4:.1f}M{2:.1f} "
                    "{3:.1f}V{4:.1f}\"/>\n",
                    x_of(v.min), mid, x_of(v.max), y + 1, y + kBar - 1);
            o += fmt::format("<text class=\"value\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                             std::max(x_of(v.mean()), x_of(v.max)) + 5, mid + 4, number_text(v.mean(), c.decimals));
        }
        if (!has_figures(row))
            o += fmt::format(
                "<text class=\"no-data\" x=\"{:.1f}\" y=\"{:.1f}\">no figures: no run of it reported any</text>\n",
                x0 + 6, top + row_height / 2 + 4);
        o += "</g>\n";
    }
    return o + "</svg>\n";
}

// ---------------------------------------------------------------------------------------------
// The page's parts, in order.

constexpr char const* kStyle = R"(
:root { --ok: #1a7f37; --bad: #cf222e; --refused: #9a6700; --notrun: #6e7781; --ink: #1f2328; --muted: #59636e;
        --line: #d1d9e0; --soft: #f6f8fa; --tx: #2f6fdd; --rx: #e8833a; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 28px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; font-weight: 600; }
h1 .plan { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 19px; font-weight: 500; }
h2 { font-size: 17px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
a { color: #0969da; }
.verdict { display: inline-block; margin: 8px 0 12px; padding: 6px 14px; border-radius: 6px; font-size: 16px;
           font-weight: 600; color: #fff; }
.verdict.ok { background: var(--ok); } .verdict.bad { background: var(--bad); } .verdict.none { background: var(--notrun); }
.stopped { margin: 0 0 12px; padding: 8px 12px; border-left: 4px solid var(--refused); background: #fff8c5; }
.totals { display: flex; gap: 10px; flex-wrap: wrap; margin: 4px 0 14px; }
.total { min-width: 110px; padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); }
.total b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
.total span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.total.passed b { color: var(--ok); } .total.failed b { color: var(--bad); }
.total.refused b { color: var(--refused); } .total.not-run b { color: var(--notrun); }
.total.zero b { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 3px 14px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
nav { margin: 16px 0 0; padding: 8px 0; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
nav a { margin-right: 18px; text-decoration: none; font-weight: 500; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: var(--soft); font-weight: 600; font-size: 12.5px; vertical-align: bottom; }
th:first-child, td:first-child { text-align: left; white-space: normal; overflow-wrap: anywhere; }
table.sortable th { cursor: pointer; }
th small { display: block; font-weight: 400; color: var(--muted); }
tbody tr:hover { background: #f0f6ff; }
tr.bad td:first-child { border-left: 4px solid var(--bad); }
tr.stopped td:first-child { border-left: 4px solid var(--notrun); }
tr.ok td:first-child { border-left: 4px solid var(--ok); }
td.failed.some { color: var(--bad); font-weight: 600; } td.refused.some { color: var(--refused); font-weight: 600; }
td.not-run.some { color: var(--notrun); font-weight: 600; } td.zero { color: #aab2bb; }
tfoot td { font-weight: 600; background: var(--soft); }
td.timing-cell, th.timing-cell { color: var(--muted); }
.note { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
.failure { margin: 0 0 14px; padding: 10px 14px; border: 1px solid var(--line); border-left: 4px solid var(--bad);
           border-radius: 6px; }
.failure.refused { border-left-color: var(--refused); }
.failure h3 { margin: 0 0 4px; font-size: 15px; }
.badge { display: inline-block; padding: 1px 7px; margin-right: 6px; border-radius: 10px; font-size: 11.5px;
         font-weight: 700; color: #fff; background: var(--bad); vertical-align: 1px; }
.badge.refused { background: var(--refused); }
.muted { color: var(--muted); font-weight: 400; }
.reason { margin: 4px 0 8px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px;
          overflow-wrap: anywhere; }
.replay-box { position: relative; }
pre.replay { margin: 0 0 8px; padding: 8px 64px 8px 10px; background: #0d1117; color: #e6edf3; border-radius: 6px;
             white-space: pre-wrap; overflow-wrap: anywhere; }
button.copy { position: absolute; right: 6px; top: 5px; font-size: 11px; padding: 2px 8px; cursor: pointer;
              border: 1px solid #57606a; border-radius: 4px; background: #30363d; color: #e6edf3; }
.files { margin: 0; }
.none { color: var(--ok); font-weight: 600; }
svg.chart { width: 100%; height: auto; display: block; margin: 4px 0 22px; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; fill: var(--ink); }
svg .chart-title { font-weight: 600; font-size: 13.5px; }
svg .tick, svg .axis-label, svg .no-data { fill: var(--muted); }
svg .value { font-size: 11px; fill: var(--muted); }
svg .grid { stroke: #e6eaef; } svg .axis { stroke: #8c959f; }
svg .stripe { fill: #f6f8fa; }
svg .spread { stroke: #24292f; stroke-width: 1.3; fill: none; }
svg .tx { fill: var(--tx); } svg .rx { fill: var(--rx); }
svg .tx-p50 { fill: #8fb3f0; } svg .tx-p99 { fill: var(--tx); } svg .rx-p50 { fill: #f3bb8e; } svg .rx-p99 { fill: var(--rx); }
details summary { cursor: pointer; color: var(--muted); }
h3 { font-size: 15px; margin: 18px 0 6px; }
#coverage table { margin: 8px 0 4px; }
#coverage td:first-child { white-space: nowrap; }
#coverage p a { margin-right: 12px; }
td.uncovered { text-align: left; white-space: normal; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
ul.not-run { columns: 2; font-size: 13px; }
footer { margin-top: 30px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12.5px; }
footer a { margin-right: 12px; }
)";

/// Sorting the scenario table by a click on a heading, a filter to the scenarios with problems and
/// copy buttons: the page is complete without them.
constexpr char const* kScript = R"(
document.querySelectorAll('table.sortable').forEach(table => {
  const body = table.tBodies[0];
  table.querySelectorAll('thead th').forEach((th, column) => th.addEventListener('click', () => {
    const key = row => { const c = row.cells[column], t = c.dataset.sort ?? c.textContent, n = parseFloat(t);
                         return isNaN(n) ? t.trim() : n; };
    const down = th.dataset.order !== 'down';
    th.dataset.order = down ? 'down' : 'up';
    [...body.rows].sort((a, b) => { const x = key(a), y = key(b);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return down ? -c : c; }).forEach(row => body.appendChild(row));
  }));
  const label = document.createElement('label'), box = document.createElement('input');
  box.type = 'checkbox';
  box.addEventListener('change', () => body.querySelectorAll('tr.ok').forEach(r => r.hidden = box.checked));
  label.append(box, ' only scenarios with runs not passed');
  label.className = 'note';
  table.before(label);
});
document.querySelectorAll('pre.replay').forEach(pre => {
  const button = document.createElement('button');
  button.className = 'copy';
  button.textContent = 'copy';
  button.addEventListener('click', () => {
    const done = () => { button.textContent = 'copied'; setTimeout(() => button.textContent = 'copy', 1500); };
    if (navigator.clipboard) navigator.clipboard.writeText(pre.textContent).then(done);
    else { getSelection().selectAllChildren(pre); document.execCommand('copy'); done(); }
  });
  pre.parentNode.insertBefore(button, pre);
});
)";

std::string verdict_line(Tally const& all) {
    if (all.runs == 0) return "<p class=\"verdict none\">No runs</p>\n";
    if (all.passed == all.runs) return fmt::format("<p class=\"verdict ok\">All {} runs passed</p>\n", all.runs);
    std::vector<std::string> parts;
    if (all.failed) parts.push_back(fmt::format("{} failed", all.failed));
    if (all.refused) parts.push_back(fmt::format("{} refused", all.refused));
    if (all.not_run) parts.push_back(fmt::format("{} not run", all.not_run));
    return fmt::format("<p class=\"verdict bad\">{} of {} runs</p>\n", fmt::join(parts, ", "), all.runs);
}

std::string totals_boxes(Tally const& all) {
    std::string o = "<div class=\"totals\">\n";
    auto const box = [&](char const* css, std::size_t n, char const* label) {
        o += fmt::format("<div class=\"total {}{}\"><b>{}</b><span>{}</span></div>\n", css, n ? "" : " zero", n, label);
    };
    box("runs", all.runs, "runs");
    box("passed", all.passed, "passed");
    box("failed", all.failed, "failed");
    box("refused", all.refused, "refused");
    box("not-run", all.not_run, "not run");
    return o + "</div>\n";
}

std::string header_section(Regression const& r, Tally const& all) {
    std::string o =
        fmt::format("<header>\n<h1>nicsim regress <span class=\"plan\">{}</span></h1>\n", html_escape(r.plan));
    o += verdict_line(all);
    if (!r.stopped.empty())
        o += fmt::format(
            "<p class=\"stopped\">Stopped early: {}. The runs it did not finish are listed as not run.</p>\n",
            html_escape(r.stopped));
    o += totals_boxes(all);
    std::vector<std::pair<std::string, std::string>> facts = {
        {"plan", fmt::format("<span class=\"mono\">{}</span>", html_escape(r.plan))},
        {"started", timing(html_escape(r.started.empty() ? "unknown" : r.started))},
        {"scenarios",
         fmt::format("{}{}{}", r.scenarios.size(),
                     r.group.empty() ? "" : fmt::format(", group <code>{}</code>", html_escape(r.group)),
                     r.filter.empty() ? "" : fmt::format(", filter <code>{}</code>", html_escape(r.filter)))},
        {"wall time", timing(seconds_text(r.wall_seconds))},
        {"seed base", fmt::format("{}{}", r.seed_base, r.seeds ? fmt::format(", --seeds {}", *r.seeds) : "")},
        {"CPU time of the runs", timing(seconds_text(all.cpu_seconds))},
        {"backend", fmt::format("{}, {}", html_escape(r.backend),
                                timing(fmt::format("-j {}{}", r.jobs, r.backend == "slurm" ? " per array task" : "")))},
        {"runs per second",
         timing(fmt::format("{:.2f}",
                            r.wall_seconds > 0 ? static_cast<double>(all.runs - all.not_run) / r.wall_seconds : 0.0))},
    };
    if (!r.rerun_of.empty())
        facts.push_back({"rerun of", fmt::format("the runs that failed in <span class=\"mono\">{}</span>",
                                                 html_escape(r.rerun_of))});
    o += "<dl class=\"facts\">\n";
    for (auto const& [name, value] : facts) o += fmt::format("<dt>{}</dt><dd>{}</dd>\n", name, value);
    o += "</dl>\n";
    o += "<nav><a href=\"#scenarios\">Scenarios</a>";
    o += fmt::format("<a href=\"#failures\">Failures ({})</a>", all.problems());
    if (all.not_run) o += fmt::format("<a href=\"#not-run\">Not run ({})</a>", all.not_run);
    o += "<a href=\"#plots\">Throughput and latency</a><a href=\"#coverage\">Coverage</a><a "
         "href=\"#files\">Files</a></nav>\n";
    return o + "</header>\n";
}

/// A count cell, coloured when it is not zero.
std::string count_cell(char const* css, std::size_t n) {
    return fmt::format("<td class=\"{} {}\">{}</td>", css, n ? "some" : "zero", n);
}

std::string latency_cell(Spread const& p50, Spread const& p99) {
    if (!p50.count) return "<td data-sort=\"-1\">&ndash;</td>";
    return fmt::format("<td{}>{} / {}</td>", sort_key(p99), number_text(p50.mean(), 0), number_text(p99.mean(), 0));
}

/// A figure of the simulation's speed (timing), "-" without one.
std::string speed_cell(Spread const& s, double unit) {
    return fmt::format("<td class=\"timing-cell\">{}</td>",
                       timing(s.count ? fmt::format("{:.2f}", s.mean() / unit) : std::string("&ndash;")));
}

std::string scenario_row_cells(Tally const& t) {
    std::string o = fmt::format("<td>{}</td><td class=\"passed\">{}</td>", t.runs, t.passed);
    o += count_cell("failed", t.failed) + count_cell("refused", t.refused) + count_cell("not-run", t.not_run);
    o += fmt::format("<td{}>{}</td><td{}>{}</td>", sort_key(t.tx_gbit), mean_text(t.tx_gbit, 2), sort_key(t.rx_gbit),
                     mean_text(t.rx_gbit, 2));
    o += latency_cell(t.tx_latency_p50, t.tx_latency_p99) + latency_cell(t.rx_latency_p50, t.rx_latency_p99);
    o += fmt::format("<td>{}</td>", clock_text(t.clock_hz));
    return o + speed_cell(t.cycles_per_second, 1e6) + speed_cell(t.packets_per_second, 1e3);
}

/// The first run of `scenario` that failed or was refused, if any.
RunResult const* first_problem(Regression const& r, std::string const& scenario) {
    for (auto const& run : r.runs)
        if (run.scenario == scenario && (run.status == RunStatus::failed || run.status == RunStatus::refused))
            return &run;
    return nullptr;
}

std::string scenario_table(Regression const& r, std::map<std::string, Tally> const& by_scenario, Tally const& all) {
    std::string o =
        "<section id=\"scenarios\">\n<h2>Scenarios</h2>\n<table class=\"sortable\" id=\"scenario-table\">\n<thead><tr>"
        "<th>scenario</th><th>runs</th><th>passed</th><th>failed</th><th>refused</th><th>not run</th>"
        "<th>TX<small>Gbit/s</small></th><th>RX<small>Gbit/s</small></th>"
        "<th>TX latency<small>p50 / p99 cycles</small></th><th>RX latency<small>p50 / p99 cycles</small></th>"
        "<th>clock<small>MHz</small></th>"
        "<th class=\"timing-cell\">simulated<small>Mcycles/s</small></th>"
        "<th class=\"timing-cell\">simulated<small>kpackets/s</small></th></tr></thead>\n<tbody>\n";
    for (auto const& name : r.scenarios) {
        auto const& t = by_scenario.at(name);
        char const* row_class = t.problems() ? "bad" : t.not_run ? "stopped" : "ok";
        std::string shown = html_escape(name);
        if (auto const* run = first_problem(r, name))
            shown = fmt::format("<a href=\"#{}\">{}</a>", html_escape(url_path(run_anchor(name, run->index))), shown);
        o += fmt::format("<tr class=\"{}\" data-scenario=\"{}\"><td>{}</td>{}</tr>\n", row_class, html_escape(name),
                         shown, scenario_row_cells(t));
    }
    o += fmt::format("</tbody>\n<tfoot><tr><td>all {} scenarios</td>{}</tr></tfoot>\n</table>\n", r.scenarios.size(),
                     scenario_row_cells(all));
    o += "<p class=\"note\">Throughput and latency are simulated figures, the same on every machine: bits on the wire "
         "per "
         "second at the scenario's clock, and each run's median (p50) and 99th percentile (p99) latency in clock "
         "cycles, "
         "both the mean over the runs that reported them. The simulation's speed (grey) is per wall-clock second and "
         "varies with the machine and its load.</p>\n";
    return o + "</section>\n";
}

std::string failure_entry(RunResult const& run) {
    bool const refused = run.status == RunStatus::refused;
    std::string o = fmt::format("<article class=\"failure{}\" id=\"{}\">\n", refused ? " refused" : "",
                                html_escape(run_anchor(run.scenario, run.index)));
    std::string details =
        fmt::format("run {} &middot; seed {} &middot; {}", run.index, run.seed, html_escape(run.failure_kind));
    if (run.exit_status) details += fmt::format(" &middot; exit status {}", *run.exit_status);
    if (!run.signal.empty()) details += fmt::format(" &middot; {}", html_escape(run.signal));
    o += fmt::format("<h3><span class=\"badge{}\">{}</span> {} <span class=\"muted\">{}</span></h3>\n",
                     refused ? " refused" : "", refused ? "REFUSED" : "FAILED", html_escape(run.scenario), details);
    o += fmt::format("<p class=\"reason\">{}</p>\n", html_escape(run.reason));
    o += fmt::format("<div class=\"replay-box\"><pre class=\"replay\">{}</pre></div>\n",
                     html_escape(run.replay_command));
    std::vector<std::string> files;
    if (!run.waves.empty()) files.push_back("waves " + link(run.waves, "run.fst"));
    if (!run.waves_view.empty())
        files.push_back(link(run.waves_view, "run.gtkw") +
                        " <span class=\"muted\">(gtkwave, marker at the failing cycle)</span>");
    if (run.failure_kind != "not-started") files.push_back("output " + link(run.dir + "/output.txt", "output.txt"));
    if (run.reported) files.push_back("report " + link(run.dir + "/run.json", "run.json"));
    files.push_back("folder " + link(run.dir + "/", run.dir + "/"));
    o += fmt::format("<p class=\"files\">{}</p>\n", fmt::join(files, " &middot; "));
    return o + "</article>\n";
}

std::string failures_section(Regression const& r, Tally const& all) {
    std::string o = fmt::format("<section id=\"failures\">\n<h2>Failures ({})</h2>\n", all.problems());
    if (!all.problems()) o += "<p class=\"none\">No run failed or was refused.</p>\n";
    for (auto const& run : r.runs)
        if (run.status == RunStatus::failed || run.status == RunStatus::refused) o += failure_entry(run);
    return o + "</section>\n";
}

std::string not_run_section(Regression const& r, Tally const& all) {
    if (!all.not_run) return "";
    std::string o = fmt::format(
        "<section id=\"not-run\">\n<h2>Not run ({})</h2>\n<p>{}</p>\n<details><summary>the {} runs"
        "</summary>\n<ul class=\"not-run\">\n",
        all.not_run, html_escape(r.stopped.empty() ? "The regression stopped early." : "Why: " + r.stopped + "."),
        all.not_run);
    for (auto const& run : r.runs)
        if (run.status == RunStatus::not_run)
            o += fmt::format("<li>{} run {} seed {}: {}</li>\n", html_escape(run.scenario), run.index, run.seed,
                             html_escape(run.reason));
    return o + "</ul>\n</details>\n</section>\n";
}

std::string plots_section(Regression const& r, std::map<std::string, Tally> const& by_scenario) {
    Chart throughput{"Throughput per scenario",
                     "Gbit/s at the scenario's clock (bar: mean over its runs; line: least to greatest)",
                     2,
                     {{"TX", "tx"}, {"RX", "rx"}},
                     {}};
    // TX and RX latency apart: each on its own scale (TX waits in the rings, RX far less).
    std::string const latency_axis =
        "clock cycles (bar: mean over its runs of each run's p50 or p99; line: least to greatest)";
    Chart tx_latency{"TX latency per scenario", latency_axis, 0, {{"p50", "tx-p50"}, {"p99", "tx-p99"}}, {}};
    Chart rx_latency{"RX latency per scenario", latency_axis, 0, {{"p50", "rx-p50"}, {"p99", "rx-p99"}}, {}};
    for (auto const& name : r.scenarios) {
        auto const& t = by_scenario.at(name);
        throughput.rows.push_back({name, {t.tx_gbit, t.rx_gbit}});
        tx_latency.rows.push_back({name, {t.tx_latency_p50, t.tx_latency_p99}});
        rx_latency.rows.push_back({name, {t.rx_latency_p50, t.rx_latency_p99}});
    }
    return "<section id=\"plots\">\n<h2>Throughput and latency</h2>\n" + svg_chart(throughput) + svg_chart(tx_latency) +
           svg_chart(rx_latency) + "</section>\n";
}

std::string ratio_cells(Ratio const& r) {
    if (r.total == 0) return "<td class=\"zero\">&ndash;</td><td class=\"zero\">&ndash;</td>";
    return fmt::format("<td>{:.1f}%</td><td>{} / {}</td>", r.percent(), number_text(static_cast<double>(r.hit), 0),
                       number_text(static_cast<double>(r.total), 0));
}

/// --coverage: the RTL per file (line, toggle and user points, the lines never covered) and the C++
/// lines per top-level folder, with links to what was merged.
std::string code_coverage_part(CodeCoverage const& c) {
    if (!c.requested)
        return "<h3>Code</h3>\n<p class=\"muted\">Not collected: run the regression with <code>--coverage</code> on a "
               "coverage build (<code>tools/coverage</code>) for the RTL and C++ code coverage.</p>\n";
    std::string o = fmt::format(
        "<h3>Code</h3>\n<p>Merged from {} run(s) that ran to a verdict: {} left RTL counts, {} "
        "C++ counts.",
        c.runs, c.rtl_runs, c.cpp_runs);
    std::string links;
    for (auto const& [path, label] : {std::pair{&c.html_index, "HTML (genhtml)"},
                                      {&c.rtl_dat, "rtl.dat"},
                                      {&c.rtl_info, "rtl.info"},
                                      {&c.cpp_info, "cpp.info"}})
        if (!path->empty()) links += link(*path, label);
    if (!links.empty()) {
        o += " Files: ";
        o += links;
    }
    o += "</p>\n";
    for (auto const& e : c.errors) o += fmt::format("<p class=\"stopped\">Not complete: {}</p>\n", html_escape(e));
    o += "<table id=\"rtl-coverage\">\n<thead><tr><th>RTL file</th><th>line<small>points hit</small></th><th></th>"
         "<th>toggle<small>points hit</small></th><th></th><th>user<small>points hit</small></th><th></th>"
         "<th>lines never covered</th></tr></thead>\n<tbody>\n";
    for (auto const& f : c.rtl_files)
        o += fmt::format("<tr><td><code>{}</code></td>{}{}{}<td class=\"uncovered\">{}</td></tr>\n",
                         html_escape(f.file), ratio_cells(f.line), ratio_cells(f.toggle), ratio_cells(f.user),
                         f.uncovered.empty() ? std::string("<span class=\"none\">none</span>")
                                             : html_escape(format_line_ranges(f.uncovered)));
    o += fmt::format("</tbody>\n<tfoot><tr><td>all RTL</td>{}{}{}<td></td></tr></tfoot>\n</table>\n",
                     ratio_cells(c.rtl_line), ratio_cells(c.rtl_toggle), ratio_cells(c.rtl_user));
    o += "<table id=\"cpp-coverage\">\n<thead><tr><th>C++ "
         "folder</th><th>lines<small>hit</small></th><th></th></tr></thead>\n<tbody>\n";
    for (auto const& f : c.cpp_folders)
        o += fmt::format("<tr><td><code>{}/</code></td>{}</tr>\n", html_escape(f.folder), ratio_cells(f.lines));
    o += fmt::format("</tbody>\n<tfoot><tr><td>all C++</td>{}</tr></tfoot>\n</table>\n", ratio_cells(c.cpp_lines));
    o += "<p class=\"note\">RTL: Verilator's coverage points of the RTL (rtl/; the bound protocol checkers are "
         "testbench "
         "and left out), summed over the runs: a line point is a block of statements or a branch taken, a toggle point "
         "one bit going 0&rarr;1 and 1&rarr;0, a user point a <code>cover property</code>. A line is never covered "
         "when a "
         "line or branch point on it was never hit. C++: gcov's executable lines of our sources, per top-level folder. "
         "docs/coverage.md says what is left out and why.</p>\n";
    return o;
}

/// Every regression: the contract's cover points, summed over the runs; those never hit first.
std::string contract_coverage_part(ContractCoverage const& c) {
    std::string o = "<h3>Contract</h3>\n";
    if (c.runs == 0) {
        o += "<p class=\"muted\">No run reported contract cover points (<code>contract_coverage</code> in "
             "run.json).</p>\n";
    } else {
        auto const never = c.never_hit();
        o += fmt::format("<p id=\"contract-summary\"><b>{} of {} points hit</b> over {} run(s); {} never hit.</p>\n",
                         c.hit_points(), c.hits.size(), c.runs, never.size());
        o += "<table id=\"contract-coverage\">\n<thead><tr><th>cover point</th><th>hits</th></tr></thead>\n<tbody>\n";
        for (auto const& name : never)
            o += fmt::format("<tr class=\"bad\"><td><code>{}</code></td><td class=\"failed some\">0</td></tr>\n",
                             html_escape(name));
        for (auto const& [name, hits] : c.hits)
            if (hits > 0)
                o += fmt::format("<tr class=\"ok\"><td><code>{}</code></td><td>{}</td></tr>\n", html_escape(name),
                                 number_text(static_cast<double>(hits), 0));
        o += "</tbody>\n</table>\n";
    }
    if (c.problem_count) {
        o += fmt::format(
            "<p class=\"stopped\">{} run(s) had a malformed <code>contract_coverage</code>, left out:</p>\n<ul>\n",
            c.problem_count);
        for (auto const& p : c.problems) o += fmt::format("<li><code>{}</code></li>\n", html_escape(p));
        o += "</ul>\n";
    }
    return o;
}

std::string coverage_section(Regression const& r) {
    std::string o = "<section id=\"coverage\">\n<h2>Coverage</h2>\n";
    o += code_coverage_part(r.code);
    o += contract_coverage_part(r.contract);
    return o + "</section>\n";
}

std::string files_footer() {
    return "<footer id=\"files\">Files: " + link("summary.json", "summary.json") + link("junit.xml", "junit.xml") +
           link("runs/", "runs/") +
           " &middot; written by <code>nicsim regress</code>; this page needs no server and fetches "
           "nothing.</footer>\n";
}

}  // namespace

std::string html_report(Regression const& r) {
    auto const by_scenario = tally_by_scenario(r);
    auto const all = tally_all(r);
    std::string o =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    o += fmt::format("<title>{}: {} of {} runs passed &ndash; nicsim regress</title>\n", html_escape(r.plan),
                     all.passed, all.runs);
    o += fmt::format("<style>{}</style>\n</head>\n<body>\n<main>\n", kStyle);
    o += header_section(r, all);
    o += scenario_table(r, by_scenario, all);
    o += failures_section(r, all);
    o += not_run_section(r, all);
    o += plots_section(r, by_scenario);
    o += coverage_section(r);
    o += files_footer();
    return o + fmt::format("</main>\n<script>{}</script>\n</body>\n</html>\n", kScript);
}

}  // namespace nicsim::regress
