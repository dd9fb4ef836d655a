// The SystemC top against the C++ top: one scenario and seed, `nicsim run --top cpp` and
// `nicsim run --top systemc` (each in its own process, as SystemC requires), and the runs must
// agree on what crossed the wire and what was delivered:
//   - both pass (scoreboard: every frame delivered byte-exact, in order per queue, none lost);
//   - the same frames on the wire in each direction (pcapng with direction; compared as sorted
//     lists, because frames of different queues interleave with the top's timing);
//   - the same packets and bytes per queue, TX and RX (the summary's per_queue).
// Cycle counts, latencies and interrupt counts are the tops' own timing and may differ.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "wire/pcap.hpp"

namespace fs = std::filesystem;
namespace wire = nicsim::wire;

namespace {

struct Run {
    int exit_code = -1;
    std::string output;
    nlohmann::json summary;                      // the --json file; discarded when it does not parse
    std::vector<std::string> outbound, inbound;  // frame bytes, sorted
};

std::string slurp(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Run run_nicsim(std::string const& top, std::string const& scenario, fs::path const& dir) {
    fs::create_directories(dir);
    fs::path const pcap = dir / (top + ".pcapng"), json = dir / (top + ".json"), log = dir / (top + ".txt");
    std::string const cmd = fmt::format("'{}' run --top {} {} --pcap-out '{}' --json '{}' > '{}' 2>&1", NICSIM_BIN, top,
                                        scenario, pcap.string(), json.string(), log.string());
    int const status = std::system(cmd.c_str());
    Run r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.output = slurp(log);
    std::ifstream json_in(json);
    r.summary = nlohmann::json::parse(json_in, nullptr, false);
    if (fs::exists(pcap)) {
        for (auto& p : wire::read_pcap(pcap).packets)
            (p.direction == wire::Direction::outbound ? r.outbound : r.inbound)
                .emplace_back(p.bytes.begin(), p.bytes.end());
    }
    std::sort(r.outbound.begin(), r.outbound.end());
    std::sort(r.inbound.begin(), r.inbound.end());
    return r;
}

void check_equivalent(std::string const& scenario) {
    fs::path const dir = fs::temp_directory_path() / fmt::format("nicsim_equivalence_{}", ::getpid());
    INFO("scenario: " << scenario << " (outputs in " << dir.string() << ")");
    Run const cpp = run_nicsim("cpp", scenario, dir);
    Run const sc = run_nicsim("systemc", scenario, dir);
    INFO("C++ top:\n" << cpp.output << "\nSystemC top:\n" << sc.output);
    REQUIRE(cpp.exit_code == 0);
    REQUIRE(sc.exit_code == 0);
    REQUIRE(cpp.summary.is_object());
    REQUIRE(sc.summary.is_object());
    for (char const* key : {"per_queue", "tx_packets", "rx_packets", "dropped"}) {
        INFO(key);
        CHECK(sc.summary.at(key) == cpp.summary.at(key));
    }
    REQUIRE_FALSE(cpp.outbound.empty());
    REQUIRE_FALSE(cpp.inbound.empty());
    CHECK(sc.outbound.size() == cpp.outbound.size());
    CHECK(sc.inbound.size() == cpp.inbound.size());
    CHECK((sc.outbound == cpp.outbound));
    CHECK((sc.inbound == cpp.inbound));
    fs::remove_all(dir);
}

}  // namespace

TEST_CASE("equivalence: loopback of mixed sizes over every queue delivers the same frames on both tops") {
    check_equivalent("--packets 300 --seed 11");
}

TEST_CASE("equivalence: generate mode with imix sizes delivers the same frames on both tops") {
    check_equivalent("--mode generate --imix --packets 150 --seed 12");
}

TEST_CASE("equivalence: slow host memory on two queues delivers the same frames on both tops") {
    check_equivalent("--queues 2 --mem-latency 20:200 --packets 150 --seed 13");
}

TEST_CASE("equivalence: jumbo frames without RSS under wire stalls deliver the same frames on both tops") {
    check_equivalent("--no-rss --min-size 60 --max-size 9000 --tx-stall 30 --rx-stall 30 --packets 60 --seed 14");
}

TEST_CASE("equivalence: a weakly ordered host delivers the same frames on both tops") {
    check_equivalent("--memory-order weak --mem-latency 0:100 --packets 150 --seed 15");
}

TEST_CASE("equivalence: completion fields read before the read barrier fail on a weak host on both tops (rule O2)") {
    fs::path const dir = fs::temp_directory_path() / fmt::format("nicsim_systemc_ordering_{}", ::getpid());
    fs::create_directories(dir);
    for (std::string const top : {"cpp", "systemc"}) {
        fs::path const log = dir / (top + ".txt");
        std::string const cmd = fmt::format(
            "'{}' run --top {} --memory-order weak --barrier-bug fields-before-read-barrier "
            "--packets 40 --seed 16 --no-failure-trace > '{}' 2>&1",
            NICSIM_BIN, top, log.string());
        int const status = std::system(cmd.c_str());
        std::string const out = slurp(log);
        INFO(top << ":\n" << out);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 1));
        CHECK_THAT(out, Catch::Contains("ordering violation at cycle") && Catch::Contains("rule O2"));
    }
    fs::remove_all(dir);
}

TEST_CASE("equivalence: what the SystemC top does not model is refused with one line naming the option") {
    fs::path const dir = fs::temp_directory_path() / fmt::format("nicsim_systemc_refusals_{}", ::getpid());
    fs::create_directories(dir);
    auto run = [&](std::string const& args) {
        fs::path const log = dir / "out.txt";
        int const status = std::system(fmt::format("'{}' run {} > '{}' 2>&1", NICSIM_BIN, args, log.string()).c_str());
        return std::pair{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(log)};
    };
    auto const [stall_rc, stall_out] = run("--top systemc --mem-stall 5 --packets 10 --seed 1");
    CHECK(stall_rc == 2);
    CHECK_THAT(stall_out, Catch::Contains("--mem-stall"));
    auto const [trace_rc, trace_out] =
        run(fmt::format("--top systemc --trace '{}' --packets 10 --seed 1", (dir / "t.fst").string()));
    CHECK(trace_rc == 2);
    CHECK_THAT(trace_out, Catch::Contains("--trace"));
    auto const [top_rc, top_out] = run("--top verilog --packets 10");
    CHECK(top_rc == 2);
    CHECK_THAT(top_out, Catch::Contains("--top"));
    fs::remove_all(dir);
}
