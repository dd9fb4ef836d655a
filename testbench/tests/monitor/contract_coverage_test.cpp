// Contract coverage (testbench/monitor/include/monitor/contract_coverage.hpp, docs/coverage.md):
// the documented model is the counted one, and real runs hit exactly the points their scenario
// exercises, with counts that agree with the run's own accounting.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../e2e/run_traced.hpp"
#include "cosim/cosim.hpp"
#include "cosim/fault_spec.hpp"

#ifndef NICSIM_COVERAGE_DOC
#error "NICSIM_COVERAGE_DOC (docs/coverage.md) must be defined by the build"
#endif

namespace {

using nicsim::cosim::Scenario;
using Points = std::map<std::string, std::uint64_t>;

/// Expands every {a,b} and {000..127} of a documented point name.
std::vector<std::string> expand_braces(std::string const& pattern) {
    auto const open = pattern.find('{');
    if (open == std::string::npos) return {pattern};
    auto const close = pattern.find('}', open);
    REQUIRE(close != std::string::npos);
    std::string const inside = pattern.substr(open + 1, close - open - 1);
    std::vector<std::string> members;
    static std::regex const range(R"((\d+)\.\.(\d+))");
    std::smatch m;
    if (std::regex_match(inside, m, range)) {
        int const lo = std::stoi(m[1]), hi = std::stoi(m[2]);
        for (int i = lo; i <= hi; ++i) members.push_back(fmt::format("{:0{}}", i, m[1].length()));
    } else {
        std::stringstream in(inside);
        for (std::string item; std::getline(in, item, ',');) members.push_back(item);
    }
    std::vector<std::string> out;
    for (auto const& member : members)
        for (auto const& rest : expand_braces(pattern.substr(close + 1)))
            out.push_back(pattern.substr(0, open) + member + rest);
    return out;
}

std::set<std::string> documented_points() {
    std::ifstream in(NICSIM_COVERAGE_DOC);
    REQUIRE(in);
    std::set<std::string> points;
    bool inside = false;
    static std::regex const row(R"(^\| `([^`]+)` \|)");
    for (std::string line; std::getline(in, line);) {
        if (line.find("<!-- contract-points:begin -->") != std::string::npos) inside = true;
        if (line.find("<!-- contract-points:end -->") != std::string::npos) inside = false;
        std::smatch m;
        if (inside && std::regex_search(line, m, row))
            for (auto const& p : expand_braces(m[1])) points.insert(p);
    }
    return points;
}

Points run(Scenario const& s, std::string const& name, nicsim::cosim::RunSummary* summary = nullptr) {
    auto const t = nicsim::test::run_traced(s, name);
    INFO(fmt::format("replay: {}\n{}", nicsim::cosim::replay_command(s), t.failure_report));
    REQUIRE(t.summary.passed);
    REQUIRE(t.summary.contract_coverage);
    if (summary) *summary = t.summary;
    return *t.summary.contract_coverage;
}

}  // namespace

TEST_CASE("docs/coverage.md lists exactly the model's points", "[dw64_q4]") {
    Scenario s;
    s.traffic.packets = 50;
    s.seed = 1;
    auto const counted = run(s, "coverage_docs");
    std::set<std::string> model;
    for (auto const& [point, hits] : counted) model.insert(point);
    auto const documented = documented_points();
    std::vector<std::string> undocumented, unknown;
    std::set_difference(model.begin(), model.end(), documented.begin(), documented.end(),
                        std::back_inserter(undocumented));
    std::set_difference(documented.begin(), documented.end(), model.begin(), model.end(), std::back_inserter(unknown));
    INFO("counted but not in docs/coverage.md: " << fmt::format("{}", fmt::join(undocumented, ", ")));
    INFO("in docs/coverage.md but not counted: " << fmt::format("{}", fmt::join(unknown, ", ")));
    CHECK(undocumented.empty());
    CHECK(unknown.empty());
    CHECK(model.size() > 250);  // the docs table was read, not skipped
}

TEST_CASE("a loopback run on small rings wraps both rings, flips the phase and agrees with the run's counts",
          "[dw64_q4]") {
    Scenario s;
    s.traffic.packets = 400;
    s.seed = 2;
    s.platform.ring_size = 8;
    nicsim::cosim::RunSummary summary;
    auto const p = run(s, "coverage_small_rings", &summary);
    INFO("seed " << s.seed << "; replay: " << nicsim::cosim::replay_command(s));
    // One TX completion per packet sent, one OK RX completion per frame delivered.
    CHECK(p.at("tx.completion.ok") == summary.tx_packets);
    CHECK(p.at("rx.completion.status.ok") == summary.rx_packets);
    CHECK(p.at("tx.chain.one") + p.at("tx.chain.several") + p.at("tx.chain.max") == summary.tx_packets);
    for (char const* point : {"tx.completion.wraps", "rx.completion.wraps", "tx.completion.phase_0",
                              "rx.completion.phase_0", "tx.doorbell.wraps", "rx.ring.full", "tx.ring.drained",
                              "irq.fire.every_completion", "irq.arm", "rss.enabled", "tx.ring.size.8"}) {
        INFO(point);
        CHECK(p.at(point) > 0);
    }
    CHECK(p.at("irq.fire.packet_count") == 0);  // moderation off
    CHECK(p.at("irq.fire.holdoff_timer") == 0);
    CHECK(p.at("error.dma_desc_read.raised") == 0);  // no fault, no error
    CHECK(p.at("os.tx.created_to_polling") == summary.queues);
    CHECK(p.at("os.tx.stopping_to_stopped") == summary.queues);
    CHECK(p.at("os.rx.stopping_to_stopped") == summary.queues);
}

TEST_CASE("interrupt moderation fires by packet count and by the holdoff timer, never per completion", "[dw64_q4]") {
    Scenario s;
    s.traffic.packets = 600;
    s.seed = 3;
    s.platform.irq_packets = 8;
    s.platform.irq_holdoff_cycles = 300;
    auto const p = run(s, "coverage_moderation");
    INFO("seed " << s.seed << "; replay: " << nicsim::cosim::replay_command(s));
    CHECK(p.at("irq.moderation.packets") > 0);
    CHECK(p.at("irq.moderation.timer") > 0);
    CHECK(p.at("irq.fire.packet_count") > 0);
    CHECK(p.at("irq.fire.holdoff_timer") > 0);
    CHECK(p.at("irq.fire.every_completion") == 0);
}

TEST_CASE("faults raise their error code, the driver recovers, and the fault counts as handled", "[dw64_q4]") {
    Scenario s;
    s.traffic.packets = 1500;
    s.seed = 4;
    s.platform.memory_order = nicsim::host::MemoryOrder::weak;
    s.faults.push_back(nicsim::cosim::parse_fault("dma-desc-read:queue=1,dir=tx,at=60"));
    s.faults.push_back(nicsim::cosim::parse_fault("tx-zero-len:queue=2,at=50"));
    auto const p = run(s, "coverage_faults");
    INFO("seed " << s.seed << "; replay: " << nicsim::cosim::replay_command(s));
    CHECK(p.at("error.dma_desc_read.raised") == 1);
    CHECK(p.at("error.dma_desc_read.recovered") == 1);
    CHECK(p.at("error.desc_zero_len.raised") == 1);
    CHECK(p.at("error.desc_zero_len.recovered") == 1);
    CHECK(p.at("fault.dma-desc-read.handled") == 1);
    CHECK(p.at("fault.tx-zero-len.handled") == 1);
    CHECK(p.at("irq.fire.error") >= 1);
    CHECK(p.at("tx.ring.idle_awaited") >= 2);
    CHECK(p.at("error.dma_data_read.raised") == 0);
}

TEST_CASE("checksum offload sums (--csum-offload-sums): each sum asked alone or together reaches its own offload point",
          "[dw64_q4]") {
    Scenario s;
    s.traffic.packets = 400;
    s.seed = 5;
    s.traffic.csum_offload_fraction = 1.0;
    SECTION("both, the default: never one sum alone") {
        auto const p = run(s, "coverage_offload_both");
        INFO("seed " << s.seed << "; replay: " << nicsim::cosim::replay_command(s));
        CHECK(p.at("tx.offload.ip+tcp") + p.at("tx.offload.ip+udp") > 0);
        CHECK(p.at("tx.offload.ip") == 0);
        CHECK(p.at("tx.offload.tcp4") == 0);
        CHECK(p.at("tx.offload.udp4") == 0);
    }
    SECTION("mixed: the IPv4 header's alone, the TCP/UDP one alone, and both") {
        s.traffic.csum_offload_sums = nicsim::cosim::CsumSums::mixed;
        nicsim::cosim::RunSummary summary;
        auto const p = run(s, "coverage_offload_mixed", &summary);
        INFO("seed " << s.seed << "; replay: " << nicsim::cosim::replay_command(s));
        for (char const* point : {"tx.offload.ip", "tx.offload.tcp4", "tx.offload.udp4", "tx.offload.ip+tcp",
                                  "tx.offload.ip+udp", "tx.offload.tcp6", "tx.offload.udp6"}) {
            INFO(point);
            CHECK(p.at(point) > 0);
        }
        CHECK(summary.tx_packets == s.traffic.packets);  // the scoreboard checked every sum the NIC inserted
    }
}
