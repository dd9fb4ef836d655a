// report.html: a regression's report as one self-contained page (docs/regress.md, "Outputs"),
// written next to summary.json. It opens from the output folder in any browser with no server
// and fetches nothing: its CSS is inline, its plots are SVG written here, and the few lines of
// script it has (sorting the table, copy buttons) only add to a page complete without them.
//
// Its links (a failure's waves, output, run.json) are relative to the output folder, where the
// page is. Everything from outside (scenario names, options, reasons, paths) is escaped.
//
// Deterministic like summary.json: two regressions of the same plan and seed base give the same
// page but for the figures inside <span class="timing">...</span> (when, wall and CPU time,
// simulation speed).
#pragma once

#include <string>
#include <string_view>

#include "nicsim/regress/report.hpp"

namespace nicsim::regress {

/// `text` safe as HTML element content and as a quoted attribute value: & < > " ' as character
/// references, control characters other than tab and newline as "\xNN" (HTML forbids them).
std::string html_escape(std::string_view text);

/// A relative path as a URL path (an href): every byte but letters, digits, "-._~/" percent-encoded,
/// so a name with '#', '?', '%' or a space still links to its file.
std::string url_path(std::string_view path);

/// The whole page for `r`.
std::string html_report(Regression const& r);

}  // namespace nicsim::regress
