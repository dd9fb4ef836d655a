// Coverage of a regression: see coverage.hpp and docs/coverage.md.
#include "nicsim/regress/coverage.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <stdlib.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cosim/scenario_error.hpp"
#include "program.hpp"

namespace nicsim::regress {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

/// A merge tool may take long on a big regression, but never forever.
constexpr double kToolSeconds = 3600;
/// Files verilator_coverage merges at once (an argument list has a limit).
constexpr std::size_t kDatBatch = 200;

std::string read_text(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::optional<std::uint64_t> to_uint(std::string_view text) {
    std::uint64_t v = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

/// `path` relative to `root` when it is below it, else as it is.
std::string below(std::string const& path, std::string const& root) {
    if (root.empty()) return path;
    auto const rel = fs::path(path).lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") return path;
    return rel.string();
}

/// "1,3-5,9" (Verilator's linescov) into line numbers.
void add_lines(std::string_view list, std::set<std::uint32_t>& lines) {
    while (!list.empty()) {
        auto const comma = list.find(',');
        auto const item = list.substr(0, comma);
        auto const dash = item.find('-');
        auto const first = to_uint(item.substr(0, dash));
        auto const last = dash == std::string_view::npos ? first : to_uint(item.substr(dash + 1));
        if (first && last && *first <= *last && *last - *first < 100000)
            for (auto l = *first; l <= *last; ++l) lines.insert(static_cast<std::uint32_t>(l));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

std::vector<LineRange> ranges_of(std::set<std::uint32_t> const& lines) {
    std::vector<LineRange> out;
    for (auto l : lines) {
        if (!out.empty() && out.back().second + 1 == l)
            out.back().second = l;
        else
            out.emplace_back(l, l);
    }
    return out;
}

/// A tool's failure as one line: "verilator_coverage --write-info failed: %Error: ...". Its first
/// line saying "error" (lcov's perl prints warnings before it), else what it printed first.
std::string tool_error(std::string const& what, ProgramResult const& r) {
    for (auto const* text : {&r.err, &r.out}) {
        std::istringstream lines(*text);
        for (std::string line; std::getline(lines, line);) {
            std::string lower = line;
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
            if (lower.find("error") != std::string::npos)
                return cosim::one_line(fmt::format("{} failed: {}", what, first_line(line)));
        }
    }
    return cosim::one_line(fmt::format("{} failed: {}", what, message_of(r)));
}

bool run_tool(std::vector<std::string> const& argv, std::string const& what, CodeCoverage& c) {
    auto const r = run_program(argv, kToolSeconds);
    if (r.status == 0) return true;
    c.errors.push_back(tool_error(what, r));
    return false;
}

/// Every .gcda below `dir`, relative to it, sorted.
std::vector<fs::path> gcda_files(fs::path const& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec) && it->path().extension() == ".gcda")
            out.push_back(it->path().lexically_relative(dir));
    std::sort(out.begin(), out.end());
    return out;
}

void merge_rtl(CodeCoverageInputs const& in, fs::path const& cov_dir, CodeCoverage& c) {
    std::vector<std::string> dats;
    std::error_code ec;
    for (auto const& run : in.run_dirs)
        if (auto const dat = in.out_dir / run / "coverage" / "rtl.dat"; fs::is_regular_file(dat, ec))
            dats.push_back(dat.string());
    c.rtl_runs = dats.size();
    if (dats.empty()) return;
    auto const merged = cov_dir / "rtl.dat";
    auto const partial = cov_dir / "rtl.dat.partial";
    // In batches: each merges the sum so far with the next files (a sum: the order does not matter).
    for (std::size_t first = 0; first < dats.size(); first += kDatBatch) {
        std::vector<std::string> argv = {"verilator_coverage", "--write", partial.string()};
        if (first > 0) argv.push_back(merged.string());
        argv.insert(argv.end(), dats.begin() + static_cast<std::ptrdiff_t>(first),
                    dats.begin() + static_cast<std::ptrdiff_t>(std::min(dats.size(), first + kDatBatch)));
        if (!run_tool(argv, "verilator_coverage --write", c)) return;
        fs::rename(partial, merged, ec);
        if (ec) {
            c.errors.push_back(fmt::format("coverage: cannot rename {}: {}", partial.string(), ec.message()));
            return;
        }
    }
    c.rtl_dat = "coverage/rtl.dat";
    try {
        add_rtl_figures(read_text(merged), in.source_dir, c);
    } catch (std::runtime_error const& e) {
        c.errors.push_back(cosim::one_line(fmt::format("coverage: {}: {}", merged.string(), e.what())));
    }
    // lcov's format for genhtml, restricted to the RTL (the bound protocol checkers are testbench).
    auto const all_info = cov_dir / "rtl-all.info";
    if (!run_tool({"verilator_coverage", "--write-info", all_info.string(), merged.string()},
                  "verilator_coverage --write-info", c))
        return;
    if (!run_tool({"lcov", "--quiet", "--extract", all_info.string(), (fs::path(in.source_dir) / "rtl" / "*").string(),
                   "--output-file", (cov_dir / "rtl.info").string()},
                  "lcov --extract (RTL)", c))
        return;
    fs::remove(all_info, ec);
    c.rtl_info = "coverage/rtl.info";
}

void merge_cpp(CodeCoverageInputs const& in, fs::path const& cov_dir, CodeCoverage& c) {
    // Sum every run's .gcda into coverage/gcov/ (gcov-tool merge: two profile folders into one).
    auto const merged = cov_dir / "gcov";
    auto const partial = cov_dir / "gcov.partial";
    std::error_code ec;
    bool any = false;
    for (auto const& run : in.run_dirs) {
        auto const counts = in.out_dir / run / "coverage" / "gcov";
        if (!fs::is_directory(counts, ec) || gcda_files(counts).empty()) continue;
        ++c.cpp_runs;
        if (!any) {
            fs::copy(counts, merged, fs::copy_options::recursive, ec);
            if (ec) {
                c.errors.push_back(fmt::format("coverage: cannot copy {}: {}", counts.string(), ec.message()));
                return;
            }
            any = true;
            continue;
        }
        fs::remove_all(partial, ec);
        if (!run_tool({"gcov-tool", "merge", "-o", partial.string(), merged.string(), counts.string()},
                      "gcov-tool merge", c))
            return;
        fs::remove_all(merged, ec);
        fs::rename(partial, merged, ec);
        if (ec) {
            c.errors.push_back(fmt::format("coverage: cannot rename {}: {}", partial.string(), ec.message()));
            return;
        }
    }
    if (!any) return;
    // Each .gcda needs its .gcno (the build's) beside it for gcov: linked, not copied.
    for (auto const& rel : gcda_files(merged)) {
        auto gcno = rel;
        gcno.replace_extension(".gcno");
        fs::create_symlink(fs::path(in.build_dir) / gcno, merged / gcno, ec);
        if (ec && ec != std::errc::file_exists) {
            c.errors.push_back(
                fmt::format("coverage: cannot link {}: {}", (fs::path(in.build_dir) / gcno).string(), ec.message()));
            return;
        }
    }
    auto const all_info = cov_dir / "cpp-all.info";
    // Relative source names (a compiler launcher may pass them) resolve against each object's compile
    // folder, which its .gcno records: no --base-directory.
    if (!run_tool({"lcov", "--quiet", "--capture", "--directory", merged.string(), "--output-file", all_info.string()},
                  "lcov --capture", c))
        return;
    // Our sources only: not /usr, not what the build generated (its folder may be in the tree).
    auto const ours = cov_dir / "cpp-ours.info";
    if (!run_tool({"lcov", "--quiet", "--extract", all_info.string(), (fs::path(in.source_dir) / "*").string(),
                   "--output-file", ours.string()},
                  "lcov --extract (C++)", c))
        return;
    if (!run_tool({"lcov", "--quiet", "--remove", ours.string(), (fs::path(in.build_dir) / "*").string(),
                   "--output-file", (cov_dir / "cpp.info").string()},
                  "lcov --remove (C++)", c))
        return;
    fs::remove(all_info, ec);
    fs::remove(ours, ec);
    c.cpp_info = "coverage/cpp.info";
    add_cpp_figures(read_text(cov_dir / "cpp.info"), in.source_dir, c);
}

}  // namespace

std::size_t ContractCoverage::hit_points() const {
    return static_cast<std::size_t>(
        std::count_if(hits.begin(), hits.end(), [](auto const& p) { return p.second > 0; }));
}

std::vector<std::string> ContractCoverage::never_hit() const {
    std::vector<std::string> out;
    for (auto const& [name, count] : hits)
        if (count == 0) out.push_back(name);
    return out;
}

bool add_contract_coverage(ContractCoverage& c, std::string_view run_json, std::string& problem) {
    json const j = json::parse(run_json.begin(), run_json.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
        problem = "not a JSON object";
        return false;
    }
    auto const it = j.find("contract_coverage");
    // A run from a nicsim without contract coverage, or one that did not collect it (the SystemC top,
    // --no-ownership-monitor: null) contributes nothing.
    if (it == j.end() || it->is_null()) return true;
    auto const points = it->is_object() ? it->find("points") : it->end();
    if (points == it->end() || !points->is_object()) {
        problem = "\"contract_coverage\" has no \"points\" object";
        return false;
    }
    for (auto const& [name, hits] : points->items())
        if (!hits.is_number_unsigned() && !(hits.is_number_integer() && hits.get<std::int64_t>() >= 0)) {
            problem = fmt::format("contract point '{}': {} is not a hit count", cosim::one_line(name), hits.dump());
            return false;
        }
    for (auto const& [name, hits] : points->items()) c.hits[name] += hits.get<std::uint64_t>();
    ++c.runs;
    return true;
}

void add_rtl_figures(std::string_view dat_text, std::string const& source_root, CodeCoverage& into) {
    struct File {
        Ratio line, toggle, user;
        std::set<std::uint32_t> uncovered;
    };
    std::map<std::string, File> files;
    std::string const rtl_root = source_root.empty() ? std::string() : (fs::path(source_root) / "rtl").string();
    std::size_t line_number = 0;
    while (!dat_text.empty()) {
        auto const eol = dat_text.find('\n');
        auto const line = dat_text.substr(0, eol);
        dat_text.remove_prefix(eol == std::string_view::npos ? dat_text.size() : eol + 1);
        ++line_number;
        if (line.empty() || line[0] == '#') continue;
        // C '<\1key\2value...>' COUNT
        auto const close = line.rfind('\'');
        if (line.size() < 4 || line.substr(0, 3) != "C '" || close < 3)
            throw std::runtime_error(fmt::format("line {} is not a coverage point", line_number));
        auto const count = to_uint(line.substr(close + 1 + (close + 1 < line.size() && line[close + 1] == ' ')));
        if (!count) throw std::runtime_error(fmt::format("line {}: no count", line_number));
        std::map<std::string, std::string, std::less<>> keys;
        auto fields = line.substr(3, close - 3);
        while (!fields.empty()) {
            if (fields[0] != '\x01') throw std::runtime_error(fmt::format("line {}: malformed keys", line_number));
            fields.remove_prefix(1);
            auto const sep = fields.find('\x02');
            auto const next = fields.find('\x01');
            if (sep == std::string_view::npos || sep > next)
                throw std::runtime_error(fmt::format("line {}: malformed keys", line_number));
            keys.emplace(std::string(fields.substr(0, sep)), std::string(fields.substr(sep + 1, next - sep - 1)));
            fields.remove_prefix(next == std::string_view::npos ? fields.size() : next);
        }
        auto const file = keys["f"];
        if (!rtl_root.empty() && below(file, rtl_root) == file) continue;  // the bound checkers: testbench
        auto const page = keys["page"];
        auto const kind = page.substr(0, page.find('/'));
        auto& f = files[below(file, source_root)];
        Ratio const point{*count > 0 ? 1u : 0u, 1};
        if (kind == "v_line" || kind == "v_branch") {
            f.line.add(point);
            if (*count == 0) {
                if (!keys["S"].empty())
                    add_lines(keys["S"], f.uncovered);
                else
                    add_lines(keys["l"], f.uncovered);
            }
        } else if (kind == "v_toggle") {
            f.toggle.add(point);
        } else if (kind == "v_user") {
            f.user.add(point);
        }
    }
    for (auto& [name, f] : files) {
        into.rtl_files.push_back({name, f.line, f.toggle, f.user, ranges_of(f.uncovered)});
        into.rtl_line.add(f.line);
        into.rtl_toggle.add(f.toggle);
        into.rtl_user.add(f.user);
    }
}

void add_cpp_figures(std::string_view info_text, std::string const& source_root, CodeCoverage& into) {
    std::map<std::string, Ratio> folders;
    std::string folder;
    std::set<std::uint32_t> found, hit;  // a line may be listed once per function instance: counted once
    auto close_file = [&] {
        if (!folder.empty()) folders[folder].add({hit.size(), found.size()});
        folder.clear();
        found.clear();
        hit.clear();
    };
    while (!info_text.empty()) {
        auto const eol = info_text.find('\n');
        auto const line = info_text.substr(0, eol);
        info_text.remove_prefix(eol == std::string_view::npos ? info_text.size() : eol + 1);
        if (line.rfind("SF:", 0) == 0) {
            close_file();
            auto const rel = fs::path(below(std::string(line.substr(3)), source_root));
            folder = rel.has_parent_path() ? rel.begin()->string() : std::string(".");
        } else if (line.rfind("DA:", 0) == 0) {
            auto const comma = line.find(',');
            auto const number = to_uint(line.substr(3, comma - 3));
            auto const rest = comma == std::string_view::npos ? std::string_view() : line.substr(comma + 1);
            auto const count = to_uint(rest.substr(0, rest.find(',')));
            if (!number || !count) continue;
            found.insert(static_cast<std::uint32_t>(*number));
            if (*count > 0) hit.insert(static_cast<std::uint32_t>(*number));
        } else if (line == "end_of_record") {
            close_file();
        }
    }
    close_file();
    for (auto const& [name, lines] : folders) {
        into.cpp_folders.push_back({name, lines});
        into.cpp_lines.add(lines);
    }
}

std::string format_line_ranges(std::vector<LineRange> const& ranges) {
    std::string out;
    for (auto const& [first, last] : ranges) {
        if (!out.empty()) out += ", ";
        out += first == last ? std::to_string(first) : fmt::format("{}-{}", first, last);
    }
    return out;
}

CodeCoverage merge_code_coverage(CodeCoverageInputs const& in) {
    // lcov and genhtml are Perl, whose hash order is random per process: the order they write a
    // file's functions in would differ between two merges of the same counts. Fixed here.
    ::setenv("PERL_HASH_SEED", "0", 1);
    ::setenv("PERL_PERTURB_KEYS", "0", 1);
    CodeCoverage c;
    c.requested = true;
    c.runs = in.run_dirs.size();
    auto const cov_dir = in.out_dir / "coverage";
    std::error_code ec;
    fs::remove_all(cov_dir, ec);
    fs::create_directories(cov_dir, ec);
    if (ec) {
        c.errors.push_back(fmt::format("coverage: cannot create {}: {}", cov_dir.string(), ec.message()));
        return c;
    }
    merge_rtl(in, cov_dir, c);
    merge_cpp(in, cov_dir, c);
    std::vector<std::string> infos;
    for (auto const* info : {&c.rtl_info, &c.cpp_info})
        if (!info->empty()) infos.push_back((in.out_dir / *info).string());
    if (!infos.empty()) {
        std::vector<std::string> argv = {"genhtml",
                                         "--quiet",
                                         "--title",
                                         "nicsim regress",
                                         "--prefix",
                                         in.source_dir,
                                         "--output-directory",
                                         (cov_dir / "html").string()};
        argv.insert(argv.end(), infos.begin(), infos.end());
        if (run_tool(argv, "genhtml", c)) c.html_index = "coverage/html/index.html";
    }
    return c;
}

bool is_coverage_build() {
#ifdef NICSIM_COVERAGE
    return true;
#else
    return false;
#endif
}

std::string coverage_source_dir() {
#ifdef NICSIM_COVERAGE_SOURCE_DIR
    return NICSIM_COVERAGE_SOURCE_DIR;
#else
    return "";
#endif
}

std::string coverage_build_dir() {
#ifdef NICSIM_COVERAGE_BUILD_DIR
    return NICSIM_COVERAGE_BUILD_DIR;
#else
    return "";
#endif
}

}  // namespace nicsim::regress
