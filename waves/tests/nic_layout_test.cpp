// The GTKWave layout (lib/nic_layout.cpp) held to the real NIC: every configuration built is traced
// for a few cycles, and every name a rule lists must match a signal of that trace, every group
// must receive signals and every port of nic_top must land in a named group. A renamed or
// removed RTL signal then fails here, instead of quietly emptying a group of every layout.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "dut/dut.hpp"
#include "fst/fst_file.hpp"
#include "waves/gtkw.hpp"
#include "waves/nic_layout.hpp"
#include "waves/rtl_enums.hpp"
#include "sim/kernel.hpp"

namespace fs = std::filesystem;
using namespace nicsim::waves;

namespace {

fs::path work_dir() {
    auto const dir = fs::path(NICSIM_TRACE_TEST_WORK_DIR) / std::to_string(::getpid()) / "layout";
    fs::create_directories(dir);
    return dir;
}

struct NicTrace {
    std::string config;
    FstFile file;
    std::string top;                     // the nic_top instance scope the layout starts from
    std::vector<std::string> relatives;  // every signal's name below `top`: `tx.fetch_q[0]`
};

// Every signal of every scope, as `nicsim run --trace` dumps it by default, out of reset.
NicTrace record(std::string const& config) {
    auto dut = nicsim::dut::make_dut(config);
    nicsim::sim::Kernel kernel(*dut, {.seed = 1});
    auto const path = work_dir() / (config + ".fst");
    dut->open_trace(path.string());
    kernel.reset();
    kernel.step(4);
    dut->close_trace();

    NicTrace t{config, FstFile(path), {}, {}};
    t.top = find_top_scope(t.file);
    std::string const prefix = t.top + ".";
    for (auto const& s : t.file.signals())
        if (s.name.starts_with(prefix)) t.relatives.push_back(s.name.substr(prefix.size()));
    return t;
}

// One trace per configuration built, recorded once per test process.
std::vector<NicTrace> const& nic_traces() {
    static std::vector<NicTrace> const traces = [] {
        std::vector<NicTrace> out;
        for (auto const& config : nicsim::dut::dut_config_names()) out.push_back(record(config));
        return out;
    }();
    return traces;
}

bool claims_any(GroupRule const& rule, std::vector<std::string> const& relatives) {
    return std::any_of(relatives.begin(), relatives.end(), [&](std::string const& r) { return rule.claims(r); });
}

// Whether a signal that `rule` claims is shown as its enum (by enum_for(), widths agreeing).
bool shown_as_enum(EnumRule const& rule, FstFile const& file, std::vector<EnumType> const& enums) {
    return std::any_of(file.signals().begin(), file.signals().end(), [&](Signal const& s) {
        EnumType const* e = rule.claims(s.base_name()) ? enum_for(s, enums) : nullptr;
        return e != nullptr && e->name == rule.enum_type;
    });
}

bool contains(std::vector<std::string> const& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("layout: every name a group lists matches a signal of its instance in a nic_top trace") {
    for (auto const& t : nic_traces()) {
        REQUIRE(t.top == "nic_top.nic_top");
        for (auto const& group : nic_top_groups()) {
            for (auto const name : split_names(group.names)) {
                INFO(t.config << ": group '" << group.title << "', name '" << name << "' in instance '"
                              << group.instance << "'");
                CHECK(claims_any(GroupRule{group.title, group.instance, name}, t.relatives));
            }
        }
    }
}

TEST_CASE("layout: every enum rule name matches a signal of a nic_top trace shown as that enum") {
    auto const enums = contract_enums();
    for (auto const& t : nic_traces()) {
        for (auto const& rule : enum_rules()) {
            for (auto const name : split_names(rule.names)) {
                INFO(t.config << ": enum " << rule.enum_type << ", name '" << name << "'");
                CHECK(shown_as_enum(EnumRule{name, rule.enum_type}, t.file, enums));
            }
        }
    }
}

TEST_CASE("layout: every group receives signals and every port of nic_top is in a named group") {
    for (auto const& t : nic_traces()) {
        INFO(t.config);
        GtkwOptions o;
        o.save_file = work_dir() / (t.config + ".gtkw");
        o.enums = contract_enums();
        auto const r = write_gtkw(t.file, o);
        for (auto const& group : nic_top_groups()) {
            INFO("group '" << group.title << "'");
            CHECK(contains(r.groups, group.title));
        }
        CHECK_FALSE(contains(r.groups, "other ports"));
        CHECK(gtkw_signals_missing(t.file, r.save_file).empty());
    }
}

TEST_CASE("layout: the key handshakes are ports of nic_top") {
    for (auto const& t : nic_traces()) {
        for (auto const& name : key_handshake_signals()) {
            INFO(t.config << ": " << name);
            Signal const* s = t.file.find(t.top + "." + name);
            REQUIRE(s != nullptr);
            CHECK_FALSE(s->direction.empty());
        }
    }
}
