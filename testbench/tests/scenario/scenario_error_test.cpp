// ScenarioError in the library's words (scenario fields) and in `nicsim run`'s (options, through
// app's one table): every field has its option, the library never names an option, and a message
// naming two fields reads right both ways.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string>

#include <fmt/format.h>

#include "cosim/fault_spec.hpp"
#include "cosim/scenario.hpp"
#include "cosim/scenario_error.hpp"
#include "cosim/workload.hpp"
#include "nicsim/scenario_flags.hpp"

namespace {

using nicsim::cosim::ScenarioError;
using nicsim::cosim::ScenarioField;

ScenarioField field_at(std::size_t i) {
    return static_cast<ScenarioField>(i);
}

/// validate's error for `s`, or none.
std::optional<ScenarioError> refusal(nicsim::cosim::Scenario const& s) {
    try {
        nicsim::cosim::validate(s);
    } catch (ScenarioError const& e) {
        return e;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("every scenario field has its nicsim run option, and its own name without one") {
    for (std::size_t i = 0; i < nicsim::cosim::kScenarioFields; ++i) {
        auto const f = field_at(i);
        std::string const name = nicsim::cosim::scenario_field_name(f);
        INFO("field " << i << " " << name);
        char const* flag = nicsim::cli::scenario_flag(f);
        REQUIRE(flag != nullptr);
        CHECK(std::string(flag).rfind("--", 0) == 0);
        CHECK(!name.empty());
        CHECK(name.find("--") == std::string::npos);
        ScenarioError const e({f, ": bad"});
        CHECK(std::string(e.what()) == name + ": bad");
        CHECK(nicsim::cli::scenario_message(e) == std::string(flag) + ": bad");
        REQUIRE(e.fields().size() == 1);
        CHECK(e.fields().front() == f);
    }
}

TEST_CASE("a message naming two fields names both, in the scenario's words or the options'") {
    ScenarioError const e({ScenarioField::mode, " pcap needs ", ScenarioField::pcap_in, " FILE"});
    CHECK(std::string(e.what()) == "traffic.mode pcap needs traffic.pcap_in FILE");
    CHECK(nicsim::cli::scenario_message(e) == "--mode pcap needs --pcap-in FILE");
    CHECK(e.fields() == std::vector{ScenarioField::mode, ScenarioField::pcap_in});
    ScenarioError const about(ScenarioField::tx_fragment_bytes, {"TX fragment size 64 bytes: too small"});
    CHECK(std::string(about.what()) == "TX fragment size 64 bytes: too small");
    CHECK(about.fields() == std::vector{ScenarioField::tx_fragment_bytes});
    ScenarioError const quoted({ScenarioField::pcap_in, " a\nb: unreadable"});  // one line, both ways
    CHECK(std::string(quoted.what()) == "traffic.pcap_in a\\x0ab: unreadable");
    CHECK(nicsim::cli::scenario_message(quoted) == "--pcap-in a\\x0ab: unreadable");
}

TEST_CASE("validate's refusals name scenario fields, never an option, and nicsim run says them with options") {
    using nicsim::cosim::Mode;
    struct Case {
        char const* what;
        std::function<void(nicsim::cosim::Scenario&)> make;
        char const* library;
        char const* command;
    };
    Case const cases[] = {
        {"top", [](auto& s) { s.top = "verilog"; }, "top: 'verilog' is not cpp or systemc",
         "--top: 'verilog' is not cpp or systemc"},
        {"ring", [](auto& s) { s.platform.ring_size = 3; }, "platform.ring_size: 3 is not a power of two in 2..65536",
         "--ring-size: 3 is not a power of two in 2..65536"},
        {"pcap", [](auto& s) { s.traffic.mode = Mode::pcap; }, "traffic.mode pcap needs traffic.pcap_in FILE",
         "--mode pcap needs --pcap-in FILE"},
        {"pcap_in", [](auto& s) { s.traffic.pcap_in = "x.pcap"; }, "traffic.pcap_in is only for traffic.mode pcap",
         "--pcap-in is only for --mode pcap"},
        {"stall", [](auto& s) { s.platform.tx_stall_percent = 100; },
         "platform.tx_stall_percent: 100 is not a percentage in 0..99", "--tx-stall: 100 is not a percentage in 0..99"},
        {"latency", [](auto& s) { s.platform.mem_latency_min = 9, s.platform.mem_latency_max = 3; },
         "platform.mem_latency_min:mem_latency_max: 9:3 has min > max", "--mem-latency: 9:3 has min > max"},
        {"tap top",
         [](auto& s) {
             s.traffic.mode = Mode::tap;
             s.top = "systemc";
         },
         "traffic.mode tap: runs on the C++ top (top cpp)", "--mode tap: runs on the C++ top (--top cpp)"},
        {"no-eop",
         [](auto& s) {
             s.faults.push_back(nicsim::cosim::parse_fault("tx-no-eop"));
             s.checks.hang_check_cycles = 0;
         },
         "faults tx-no-eop needs the hang check (checks.hang_check_cycles 0 turns it off): only its reset ends the "
         "ring's "
         "wait for the rest of the chain",
         "--fault tx-no-eop needs the hang check (--hang-check 0 turns it off): only its reset ends the ring's wait "
         "for the rest of the chain"},
        {"irq",
         [](auto& s) {
             s.platform.irq_packets = 16;
             s.platform.irq_holdoff_cycles = 0;
         },
         "platform.irq_packets:irq_holdoff_cycles: 16:0 (an interrupt per 16 completions and no holdoff timer) leaves "
         "the last "
         "completions of a burst unreported: give a timer, 16:C with C > 0",
         "--irq-moderation: 16:0 (an interrupt per 16 completions and no holdoff timer) leaves the last completions "
         "of a burst unreported: give a timer, 16:C with C > 0"},
    };
    for (auto const& c : cases) {
        INFO(c.what);
        nicsim::cosim::Scenario s;
        c.make(s);
        auto const e = refusal(s);
        REQUIRE(e);
        CHECK(std::string(e->what()) == c.library);
        CHECK(std::string(e->what()).find("--") == std::string::npos);
        CHECK(nicsim::cli::scenario_message(*e) == c.command);
    }
    CHECK_FALSE(refusal(nicsim::cosim::Scenario{}));
}

TEST_CASE("a fault spec refused is about the faults field and quotes the spec") {
    for (char const* spec : {"bogus", "rx-bad:at=x", "rx-bad:queue=99", "cancel:count=2", "rx-bad:rate=0.5,at=3"}) {
        INFO(spec);
        try {
            nicsim::cosim::parse_fault(spec);
            FAIL("accepted");
        } catch (ScenarioError const& e) {
            CHECK(e.fields() == std::vector{ScenarioField::faults});
            CHECK(std::string(e.what()).rfind(fmt::format("faults {}: ", spec), 0) == 0);
            CHECK(std::string(e.what()).find("--") == std::string::npos);
            CHECK(nicsim::cli::scenario_message(e).rfind(fmt::format("--fault {}: ", spec), 0) == 0);
        }
    }
}
