// The coverage of a regression (docs/coverage.md):
// - code coverage, with `nicsim regress --coverage` in a coverage build: every run writes its
//   model's counts (rtl.dat) and its C++ counts (gcov/) into its own folder (`nicsim run
//   --coverage-dir`); merge_code_coverage() sums them over the runs into OUT/coverage/ with the
//   tools made for it (verilator_coverage, gcov-tool, lcov, genhtml) and reads the figures back;
// - contract coverage, in every regression: each run.json's "contract_coverage" points, summed.
//
// Both sum counts, which does not depend on the order runs end in: the same plan and seed base
// give the same merged counts at any -j and on any backend. Only runs that ran to a verdict
// (passed or failed) count; a cancelled run's partial counts are left out.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nicsim::regress {

/// What was hit of a total (points, or lines).
struct Ratio {
    std::uint64_t hit = 0, total = 0;
    void add(Ratio r) {
        hit += r.hit;
        total += r.total;
    }
    double percent() const { return total ? 100.0 * static_cast<double>(hit) / static_cast<double>(total) : 0.0; }
};

/// Lines first..last (inclusive).
using LineRange = std::pair<std::uint32_t, std::uint32_t>;

/// One source file of the merged RTL coverage.
struct RtlFileCoverage {
    std::string file;                  // relative to the source tree when it is below it
    Ratio line, toggle, user;          // coverage points: line = Verilator's line and branch points
    std::vector<LineRange> uncovered;  // lines of line points never hit, ascending, joined into ranges
};

/// The C++ lines of one top-level folder of the source tree (driver, ringlib, testbench...).
struct CppFolderCoverage {
    std::string folder;
    Ratio lines;
};

struct CodeCoverage {
    bool requested = false;                  // --coverage
    std::size_t runs = 0;                    // runs that ran to a verdict, whose counts are merged
    std::size_t rtl_runs = 0;                // of those, the runs that left an rtl.dat
    std::size_t cpp_runs = 0;                // ... and C++ counts (a run that crashed leaves none)
    std::vector<std::string> errors;         // one line each: the tool that failed and what it said
    std::vector<RtlFileCoverage> rtl_files;  // by file name
    Ratio rtl_line, rtl_toggle, rtl_user;
    std::vector<CppFolderCoverage> cpp_folders;  // by folder name
    Ratio cpp_lines;
    // What was written, relative to the output folder ("" = not written).
    std::string rtl_dat, rtl_info, cpp_info, html_index;
};

struct ContractCoverage {
    std::map<std::string, std::uint64_t> hits;  // every point a run listed, its hits summed
    std::size_t runs = 0;                       // runs whose run.json had "contract_coverage"
    std::vector<std::string> problems;          // malformed objects (the first few), one line each
    std::size_t problem_count = 0;

    std::size_t hit_points() const;
    /// The points no run hit, by name.
    std::vector<std::string> never_hit() const;
};

/// Adds one run.json's (its text) "contract_coverage": {"points": {NAME: HITS, ...}}. A run
/// without the object adds nothing (true). A malformed object adds nothing and returns false with
/// `problem` saying what is wrong.
bool add_contract_coverage(ContractCoverage& c, std::string_view run_json, std::string& problem);

/// The per-file RTL figures of Verilator coverage data (a .dat file's text) into `into`
/// (rtl_files and the overall ratios). Files below `source_root` are named relative to it.
/// Throws std::runtime_error on a line that is not coverage data.
void add_rtl_figures(std::string_view dat_text, std::string const& source_root, CodeCoverage& into);

/// The C++ line figures of an lcov tracefile's text, per top-level folder of `source_root`.
void add_cpp_figures(std::string_view info_text, std::string const& source_root, CodeCoverage& into);

/// "3, 10-12, 40": the ranges as a compact list.
std::string format_line_ranges(std::vector<LineRange> const& ranges);

struct CodeCoverageInputs {
    std::filesystem::path out_dir;      // the regression's output folder
    std::vector<std::string> run_dirs;  // the runs to merge (relative to out_dir), plan order
    std::string source_dir;             // the source tree this nicsim was built from
    std::string build_dir;              // its build folder (the .gcno files)
};

/// Merges the runs' counts into out_dir/coverage/ (rtl.dat, rtl.info, cpp.info, html/) and reads
/// the figures back. Never throws: a tool that is missing or fails is a line in `errors`, and what
/// could be merged without it still is.
CodeCoverage merge_code_coverage(CodeCoverageInputs const& in);

/// This nicsim's build counts coverage (NICSIM_COVERAGE): its source tree and build folder.
bool is_coverage_build();
std::string coverage_source_dir();
std::string coverage_build_dir();

}  // namespace nicsim::regress
