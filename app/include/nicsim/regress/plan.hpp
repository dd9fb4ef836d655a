// A regression plan: the scenarios `nicsim regress` runs, each a set of `nicsim run` options and
// a number of seeds, and named groups of them. Read from TOML (toml++) by load_plan(); the format
// is docs/regress.md's "Plan".
//
// Contract: load_plan() returns a plan whose every scenario `nicsim run` accepts (each one's
// options are parsed by the run command's own parser, then given to the caller's check), with
// scenarios in the order the file lists them; or throws PlanError, one line naming the file, the
// line and what was expected there (and the scenario, when it is about one). Nothing is run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nicsim/run_options.hpp"

namespace nicsim::regress {

/// A malformed plan: "FILE:LINE: what was expected" (one line).
class PlanError : public std::runtime_error {
public:
    explicit PlanError(std::string_view what) : std::runtime_error(cosim::one_line(what)) {}
};

struct PlanScenario {
    std::string name;                      // [A-Za-z0-9_.-]+: also a folder name and a JUnit suite
    std::vector<std::string> options;      // `nicsim run` arguments; never --seed, --json, --failure-trace-dir
    std::uint64_t seed_count = 1;          // runs per regression (`seeds = N`, or the seed list's length)
    std::vector<std::uint64_t> seed_list;  // `seed_list = [...]`: run i uses seed_list[i] (empty: derived seeds)
    std::int64_t line = 0;                 // where the file defines it
};

struct Plan {
    std::string source;                                      // the file name as given
    std::vector<PlanScenario> scenarios;                     // in file order
    std::map<std::string, std::vector<std::string>> groups;  // group -> scenario names, each defined
    std::optional<double> timeout_seconds;                   // per run (`timeout = S`); --timeout overrides

    PlanScenario const* find(std::string_view name) const;
};

/// What the plan reader needs to know of the build: the configurations --config may name, and a
/// check of a scenario's parsed options beyond the parser's (cosim::validate in `nicsim`); it
/// throws an exception whose what() is one line saying what is wrong.
struct PlanContext {
    std::vector<std::string> configs;
    std::function<void(cli::RunOptions const&)> check;
};

/// Reads and checks the plan in `path`. A relative --pcap-in is made relative to the plan's folder
/// (absolute in the result); output files (--trace, --pcap-out, --timeline, --timeline-csv) must
/// be relative: every run writes them in its own folder.
Plan load_plan(std::filesystem::path const& path, PlanContext const& context);

/// The same on text already read (`source` names it in errors; `base_dir` is its folder).
Plan parse_plan(std::string_view text, std::string const& source, std::filesystem::path const& base_dir,
                PlanContext const& context);

}  // namespace nicsim::regress
