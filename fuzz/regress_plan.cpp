// Fuzz target: the plan reader of `nicsim regress` (app/include/nicsim/regress/plan.hpp), on the
// input as the text of a plan file.
//
// Promises checked for any input: a Plan, or PlanError (one line, "fuzz.toml:LINE: ...") and
// nothing else; a plan read holds the format's rules (scenario names that can name a folder,
// each once; 1.. seeds, a seed list as long as the count; groups naming scenarios of the plan;
// options `nicsim run` accepts, without the regression's own).
#include <regex>
#include <set>
#include <string>

#include "fuzz_support.hpp"
#include "nicsim/regress/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string const text(reinterpret_cast<char const*>(data), size);
    nicsim::regress::PlanContext context;
    context.configs = {"dw64_q1", "dw64_q4"};
    nicsim::regress::Plan plan;
    try {
        plan = nicsim::regress::parse_plan(text, "fuzz.toml", "/plans", context);
    } catch (nicsim::regress::PlanError const& e) {
        std::string const what = e.what();
        FUZZ_CHECK(nicsim::fuzz::one_line(what), what);
        static std::regex const located(R"(fuzz\.toml:[0-9]+: .+)");
        FUZZ_CHECK(std::regex_match(what, located), what);
        return 0;
    }
    static std::regex const valid_name(R"([A-Za-z0-9][A-Za-z0-9_.-]*)");
    std::set<std::string> names;
    for (auto const& sc : plan.scenarios) {
        FUZZ_CHECK(std::regex_match(sc.name, valid_name), sc.name);
        FUZZ_CHECK(names.insert(sc.name).second, "twice: " + sc.name);
        FUZZ_CHECK(sc.seed_count >= 1, sc.name);
        FUZZ_CHECK(sc.seed_list.empty() || sc.seed_list.size() == sc.seed_count, sc.name);
        auto const o = nicsim::cli::parse_run_options(sc.options, context.configs);  // accepted again
        FUZZ_CHECK(!o.seed_given && o.json_path.empty() && o.failure_trace_dir.empty(), sc.name);
    }
    FUZZ_CHECK(!plan.scenarios.empty(), "a plan without scenarios");
    for (auto const& [group, members] : plan.groups)
        for (auto const& m : members) FUZZ_CHECK(names.count(m) == 1, group + ": " + m);
    FUZZ_CHECK(!plan.timeout_seconds || *plan.timeout_seconds > 0, "timeout");
    return 0;
}
