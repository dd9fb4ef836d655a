// `nicsim run`'s command line (app/include/nicsim/run_options.hpp, a CLI11 app) without a
// simulation: values in both spellings and in decimal whatever CLI11 alone would make of them,
// repeated options, flags, unknown words, the rules between options, and the generated help.
#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "nicsim/run_options.hpp"

namespace {

std::vector<std::string> const kConfigs = {"dw64_q1", "dw64_q4"};

nicsim::cli::RunOptions parsed(std::vector<std::string> const& args) {
    return nicsim::cli::parse_run_options(args, kConfigs);
}

/// The UsageError's message, or "" when `args` are accepted.
std::string refusal(std::vector<std::string> const& args) {
    try {
        parsed(args);
    } catch (nicsim::cli::UsageError const& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a value is taken as '--opt V' and as '--opt=V', numbers in decimal and exact") {
    CHECK(parsed({"--packets", "7"}).scenario.traffic.packets == 7);
    CHECK(parsed({"--packets=7"}).scenario.traffic.packets == 7);
    CHECK(parsed({"--packets", "010"}).scenario.traffic.packets == 10);  // CLI11 alone reads integers with base 0
    CHECK(parsed({"--seed=18446744073709551615"}).scenario.seed == ~std::uint64_t{0});
    CHECK(parsed({"--clock-mhz", "312.5"}).scenario.platform.clock_hz == 312'500'000);
    CHECK(parsed({"--csum-offload", "0.1"}).scenario.traffic.csum_offload_fraction == 0.1 / 100.0);
    CHECK(parsed({"--fault=rx-bad:count=2"}).scenario.faults.size() == 1);
    auto const latency = parsed({"--mem-latency=4:9"}).scenario;
    CHECK(latency.platform.mem_latency_min == 4);
    CHECK(latency.platform.mem_latency_max == 9);
}

TEST_CASE("an option given twice keeps its last value; a repeatable one keeps every value") {
    CHECK(parsed({"--packets", "5", "--packets", "6"}).scenario.traffic.packets == 6);
    auto const s = parsed({"--trace", "t.fst", "--trace-scope", "a.b", "--trace-scope=c", "--fault", "rx-bad",
                           "--fault", "dma-desc-read:queue=1"})
                       .scenario;
    CHECK(s.trace.scopes == std::vector<std::string>{"a.b", "c"});
    CHECK(s.faults.size() == 2);
}

TEST_CASE("each bus's stall percent defaults to --stall's, and --soak fills in only what is not given") {
    auto const s = parsed({"--stall", "5", "--tx-stall", "7"}).scenario;
    CHECK(s.platform.mem_stall_percent == 5);
    CHECK(s.platform.tx_stall_percent == 7);
    CHECK(s.platform.rx_stall_percent == 5);
    auto const soak = parsed({"--soak", "--mem-latency", "3"}).scenario;
    CHECK(soak.platform.mem_latency_min == 3);
    CHECK(soak.platform.mem_latency_max == 3);
    CHECK(soak.platform.mem_stall_percent == 10);
    CHECK(soak.platform.memory_order == nicsim::host::MemoryOrder::weak);
    CHECK_FALSE(soak.faults.empty());
}

TEST_CASE("a bad value or word is refused in one line naming the option and the value") {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    Case const cases[] = {
        {{"--packets", "-1"}, "--packets: '-1' is not a non-negative integer"},
        {{"--packets=1e3"}, "--packets: '1e3' is not a non-negative integer"},
        {{"--queues", "17"}, "--queues: 17 is not in 1..16"},
        {{"--stall", "nan"}, "--stall: 'nan' is not a number"},
        {{"--ring-size", "48"}, "--ring-size: 48 is not a power of two"},
        {{"--mode", "wire"}, "--mode: 'wire' is not loopback, generate, pcap or tap"},
        {{"--config", "dw512_q4"}, "--config: no configuration 'dw512_q4' in this build (dw64_q1, dw64_q4)"},
        {{"--mem-latency", "9:3"}, "--mem-latency: 9:3 has MIN > MAX"},
        {{"--trace-window", "7"}, "--trace-window: '7' is not START:END"},
        {{"--json", ""}, "--json: needs a file name (got '')"},
        {{"--imix=1"}, "--imix: takes no value"},
        {{"--json=", "--packets", "5"}, "--json: no value after '='"},
        {{"--packets=", "5"}, "--packets: no value after '='"},
        {{"--packets", "5", ""}, "'': unknown option (nicsim run --help lists them)"},
        {{"", "--help"}, "'': unknown option (nicsim run --help lists them)"},
        {{"--imix", "", "--seed", "2"}, "'': unknown option (nicsim run --help lists them)"},
        {{"--seed", "2", "--", ""}, "'': unknown option (nicsim run --help lists them)"},
        {{"--json", "--seed", ""}, "'': unknown option (nicsim run --help lists them)"},  // --json took --seed
        {{"-h-", "--seed", "", "-t"}, "-h-: not an option (a '-' after a short option's letter)"},
        {{"--bogus", "3"}, "--bogus: unknown option (nicsim run --help lists them)"},
        {{"stray"}, "stray: unknown option (nicsim run --help lists them)"},
    };
    for (auto const& c : cases) {
        INFO(c.args.front());
        CHECK(refusal(c.args) == c.message);
    }
    CHECK_THAT(refusal({"--fault", "bogus"}), Catch::StartsWith("--fault bogus: no fault kind 'bogus'"));
    CHECK_THAT(refusal({"--seed"}), Catch::StartsWith("--seed: "));  // its value is missing
}

TEST_CASE("the rules between options hold, -h/--help given or not") {
    CHECK(parsed({"-h"}).help);
    CHECK(refusal({"--trace-depth", "2"}) == "--trace-depth: needs --trace FILE");
    CHECK(refusal({"--help", "--trace-depth", "2"}) == "--trace-depth: needs --trace FILE");
    CHECK(refusal({"--duration", "2", "--tap-mtu", "900"}) == "--duration: only with --mode tap");
    CHECK(refusal({"--tap-mtu", "900", "--duration", "2"}) == "--tap-mtu: only with --mode tap");
    CHECK(refusal({"--min-size", "900", "--max-size", "100"}) == "--min-size: 900 is larger than --max-size 100");
    CHECK(refusal({"--mode", "tap", "--packets", "5"}).rfind("--packets: not with --mode tap", 0) == 0);
}

TEST_CASE("the help text lists every option in its section, within 100 columns") {
    std::vector<std::string> const configs = {"dw64_q4"};
    auto const help = nicsim::cli::run_usage(configs, "not in this build");  // the longest it says
    CHECK(help.rfind("usage: nicsim run [options]\n", 0) == 0);
    for (auto const* section : {"\ntraffic:\n", "\nNIC and host:\n", "\nfaults (docs/faults.md", "\nrun:\n",
                                "\nwaves:\n", "\ncoverage (a coverage build only"})
        CHECK(help.find(section) != std::string::npos);
    for (auto const* option : {"--packets N",
                               "--min-size B",
                               "--max-size B",
                               "--imix",
                               "--mode M",
                               "--tap-host NAME",
                               "--tap-wire NAME",
                               "--host-netns NS",
                               "--wire-netns NS",
                               "--tap-mtu N",
                               "--duration S",
                               "--pcap-in FILE",
                               "--pcap-out FILE",
                               "--csum-offload P",
                               "--csum-offload-sums S",
                               "--no-rss",
                               "--top T",
                               "--config NAME",
                               "--queues Q",
                               "--ring-size N",
                               "--tx-fragment-bytes B",
                               "--irq-moderation P:C",
                               "--mem-latency MIN:MAX",
                               "--stall P",
                               "--mem-stall P",
                               "--tx-stall P",
                               "--rx-stall P",
                               "--memory-order O",
                               "--fault SPEC",
                               "--soak",
                               "--barrier-bug KIND",
                               "--rx-buffer B",
                               "--hang-check N",
                               "--watchdog N",
                               "--seed S",
                               "--max-cycles N",
                               "--clock-mhz F",
                               "--json FILE",
                               "-h, --help",
                               "--trace FILE",
                               "--trace-window S:E",
                               "--trace-depth N",
                               "--trace-scope S",
                               "--trace-threads N",
                               "--waves-ring N",
                               "--failure-trace-cycles N",
                               "--failure-trace-dir DIR",
                               "--no-failure-trace",
                               "--timeline FILE",
                               "--timeline-csv FILE",
                               "--no-ownership-monitor",
                               "--coverage-dir DIR"}) {
        INFO(option);
        CHECK((help.find(std::string("\n  ") + option + " ") != std::string::npos ||
               help.find(std::string("\n  ") + option + "\n") != std::string::npos));
    }
    CHECK(help.find("in this build: dw64_q4") != std::string::npos);
    CHECK(help.find("Exit status: 0 the run passed") != std::string::npos);
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        INFO(line);
        CHECK(line.size() <= 100);
    }
}
