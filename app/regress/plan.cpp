// A regression plan read from TOML: see plan.hpp, and docs/regress.md ("Plan").
#include "nicsim/regress/plan.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace nicsim::regress {

namespace fs = std::filesystem;

PlanScenario const* Plan::find(std::string_view name) const {
    auto const it = std::find_if(scenarios.begin(), scenarios.end(), [&](auto const& s) { return s.name == name; });
    return it == scenarios.end() ? nullptr : &*it;
}

namespace {

// The most runs one scenario may ask for: a typo (seeds = 1000000000) is refused, not queued.
constexpr std::int64_t kMaxSeedsPerScenario = 1'000'000;

/// Errors of one plan file, each "SOURCE:LINE: text".
struct Reader {
    std::string const& source;

    [[noreturn]] void fail(toml::source_region const& where, std::string_view what) const {
        throw PlanError(fmt::format("{}:{}: {}", source, where.begin.line, what));
    }
    [[noreturn]] void fail(toml::node const& node, std::string_view what) const { fail(node.source(), what); }
};

char const* type_name(toml::node const& n) {
    switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
    }
}

/// `options = [..]` (one argument per string) or `options = ".."` (split at spaces).
std::vector<std::string> read_options(Reader const& r, toml::node const& node, std::string const& where) {
    std::vector<std::string> out;
    if (auto const* s = node.as_string()) {
        std::istringstream words(s->get());
        for (std::string w; words >> w;) out.push_back(w);
        return out;
    }
    auto const* a = node.as_array();
    if (!a)
        r.fail(node,
               fmt::format("{}: options must be a string or an array of strings, not {}", where, type_name(node)));
    for (auto const& item : *a) {
        auto const* s = item.as_string();
        if (!s)
            r.fail(item,
                   fmt::format("{}: options must be strings (one argument each), not {}", where, type_name(item)));
        out.push_back(s->get());
    }
    return out;
}

std::uint64_t read_seed_count(Reader const& r, toml::node const& node, std::string const& where) {
    auto const* v = node.as_integer();
    if (!v || v->get() < 1 || v->get() > kMaxSeedsPerScenario)
        r.fail(node, fmt::format("{}: seeds must be an integer in 1..{} (how many seeds to run)", where,
                                 kMaxSeedsPerScenario));
    return static_cast<std::uint64_t>(v->get());
}

std::vector<std::uint64_t> read_seed_list(Reader const& r, toml::node const& node, std::string const& where) {
    auto const* a = node.as_array();
    if (!a || a->empty() || a->size() > static_cast<std::size_t>(kMaxSeedsPerScenario))
        r.fail(node, fmt::format("{}: seed_list must be a non-empty array of seeds (non-negative integers)", where));
    std::vector<std::uint64_t> seeds;
    for (auto const& item : *a) {
        auto const* v = item.as_integer();
        if (!v || v->get() < 0)
            r.fail(item, fmt::format("{}: seed_list holds {}: a seed is a non-negative integer", where,
                                     v ? std::to_string(v->get()) : type_name(item)));
        auto const seed = static_cast<std::uint64_t>(v->get());
        if (std::find(seeds.begin(), seeds.end(), seed) != seeds.end())
            r.fail(item, fmt::format("{}: seed_list names seed {} twice", where, seed));
        seeds.push_back(seed);
    }
    return seeds;
}

/// Parses the scenario's options as `nicsim run` would and applies the plan's rules to them.
void check_options(Reader const& r, toml::node const& node, PlanScenario& sc, fs::path const& base_dir,
                   PlanContext const& context) {
    auto const where = fmt::format("scenario '{}'", sc.name);
    cli::RunOptions o;
    try {
        o = cli::parse_run_options(sc.options, context.configs);
    } catch (cli::UsageError const& e) {
        r.fail(node, fmt::format("{}: {}", where, e.what()));
    }
    if (o.help) r.fail(node, fmt::format("{}: --help is not a run option", where));
    if (o.seed_given) r.fail(node, fmt::format("{}: --seed is not allowed: use seeds = N or seed_list = [..]", where));
    if (!o.json_path.empty() || !o.failure_trace_dir.empty())
        r.fail(node, fmt::format("{}: --json and --failure-trace-dir are the regression's own (each run writes "
                                 "run.json and its waves in its folder)",
                                 where));
    if (!o.coverage_dir.empty())
        r.fail(node, fmt::format("{}: --coverage-dir is the regression's own (nicsim regress --coverage: each run "
                                 "writes its coverage in its folder)",
                                 where));
    auto const& s = o.scenario;
    for (auto const& [option, file] : {std::pair{"--trace", s.trace.path},
                                       {"--pcap-out", s.views.pcap_out},
                                       {"--timeline", s.views.timeline_json},
                                       {"--timeline-csv", s.views.timeline_csv}})
        if (!file.empty() && fs::path(file).is_absolute())
            r.fail(node, fmt::format("{}: {} {}: an output file must be a relative path (every run writes it in its "
                                     "own folder)",
                                     where, option, file));
    if (!s.traffic.pcap_in.empty() && fs::path(s.traffic.pcap_in).is_relative()) {
        auto const absolute = fs::absolute(base_dir / s.traffic.pcap_in).lexically_normal().string();
        for (std::size_t i = 0; i < sc.options.size(); ++i) {
            if (sc.options[i] == "--pcap-in" && i + 1 < sc.options.size())
                sc.options[++i] = absolute;
            else if (sc.options[i].rfind("--pcap-in=", 0) == 0)
                sc.options[i] = fmt::format("--pcap-in={}", absolute);
        }
    }
    if (context.check) {
        try {
            context.check(o);
        } catch (std::exception const& e) {
            r.fail(node, fmt::format("{}: {}", where, e.what()));
        }
    }
}

PlanScenario read_scenario(Reader const& r, toml::table const& t, fs::path const& base_dir,
                           PlanContext const& context) {
    PlanScenario sc;
    sc.line = t.source().begin.line;
    auto const* name = t.get("name");
    if (!name) r.fail(t, "a [[scenario]] needs name = \"...\"");
    if (!name->is_string()) r.fail(*name, fmt::format("name must be a string, not {}", type_name(*name)));
    sc.name = name->as_string()->get();
    static std::regex const valid_name(R"([A-Za-z0-9][A-Za-z0-9_.-]*)");
    if (!std::regex_match(sc.name, valid_name))
        r.fail(*name,
               fmt::format("scenario name '{}': use letters, digits, '_', '.' and '-' (it names a folder)", sc.name));
    auto const where = fmt::format("scenario '{}'", sc.name);
    toml::node const* seeds = nullptr;
    toml::node const* seed_list = nullptr;
    toml::node const* options = nullptr;
    for (auto const& [key, node] : t) {
        if (key == "name")
            continue;
        else if (key == "options")
            options = &node;
        else if (key == "seeds")
            seeds = &node;
        else if (key == "seed_list")
            seed_list = &node;
        else
            r.fail(key.source(),
                   fmt::format("{}: unknown key '{}' (expected name, options, seeds or seed_list)", where, key.str()));
    }
    if (seeds && seed_list) r.fail(*seed_list, fmt::format("{}: give seeds = N or seed_list = [..], not both", where));
    if (seeds) sc.seed_count = read_seed_count(r, *seeds, where);
    if (seed_list) {
        sc.seed_list = read_seed_list(r, *seed_list, where);
        sc.seed_count = sc.seed_list.size();
    }
    if (options) sc.options = read_options(r, *options, where);
    check_options(r, options ? *options : static_cast<toml::node const&>(t), sc, base_dir, context);
    return sc;
}

}  // namespace

Plan parse_plan(std::string_view text, std::string const& source, fs::path const& base_dir,
                PlanContext const& context) {
    Reader const r{source};
    toml::table doc;
    try {
        doc = toml::parse(text, source);
    } catch (toml::parse_error const& e) {
        throw PlanError(fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
    }
    Plan plan;
    plan.source = source;
    toml::array const* scenarios = nullptr;
    toml::table const* groups = nullptr;
    for (auto const& [key, node] : doc) {
        if (key == "scenario") {
            scenarios = node.as_array();
            if (!scenarios || !scenarios->is_array_of_tables())
                r.fail(node, "scenario must be [[scenario]] tables (one per scenario)");
        } else if (key == "groups") {
            groups = node.as_table();
            if (!groups) r.fail(node, "groups must be a table: [groups] then NAME = [\"scenario\", ...]");
        } else if (key == "timeout") {
            auto const seconds = node.value<double>();
            if (!seconds || !(*seconds > 0)) r.fail(node, "timeout must be a positive number of seconds (per run)");
            plan.timeout_seconds = *seconds;
        } else {
            r.fail(key.source(),
                   fmt::format("unknown key '{}' (expected [[scenario]], [groups] or timeout)", key.str()));
        }
    }
    if (!scenarios || scenarios->empty()) throw PlanError(fmt::format("{}:1: the plan has no [[scenario]]", source));
    std::map<std::string, std::int64_t> defined_at;
    for (auto const& node : *scenarios) {
        auto sc = read_scenario(r, *node.as_table(), base_dir, context);
        if (auto const [it, fresh] = defined_at.emplace(sc.name, sc.line); !fresh)
            r.fail(node, fmt::format("scenario '{}' is defined twice (first at line {})", sc.name, it->second));
        plan.scenarios.push_back(std::move(sc));
    }
    if (groups) {
        for (auto const& [key, node] : *groups) {
            auto const* list = node.as_array();
            if (!list) r.fail(node, fmt::format("group '{}' must be an array of scenario names", key.str()));
            auto& members = plan.groups[std::string(key.str())];
            for (auto const& item : *list) {
                auto const* name = item.as_string();
                if (!name)
                    r.fail(item,
                           fmt::format("group '{}' holds {}: expected scenario names", key.str(), type_name(item)));
                if (!plan.find(name->get()))
                    r.fail(item, fmt::format("group '{}': no scenario '{}' in the plan", key.str(), name->get()));
                members.push_back(name->get());
            }
        }
    }
    return plan;
}

Plan load_plan(fs::path const& path, PlanContext const& context) {
    std::ifstream in(path, std::ios::binary);
    std::error_code ec;
    if (!in || fs::is_directory(path, ec))
        throw PlanError(fmt::format("{}: cannot read the plan ({})", path.string(),
                                    fs::exists(path, ec) ? "not a readable file" : "no such file"));
    std::ostringstream text;
    text << in.rdbuf();
    return parse_plan(text.str(), path.string(), path.parent_path(), context);
}

}  // namespace nicsim::regress
