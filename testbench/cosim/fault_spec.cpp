// FaultSpec: see fault_spec.hpp and docs/faults.md.
#include "cosim/fault_spec.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include <nic_contract.hpp>

namespace nicsim::cosim {

namespace {

namespace c = nicsim::contract;

constexpr std::array<char const*, kFaultKinds> kNames = {
    "dma-desc-read", "dma-data-read", "dma-rx-write", "dma-cpl-write", "tx-zero-len", "tx-len-over", "tx-chain-long",
    "tx-no-eop",     "rx-runt",       "rx-oversize",  "rx-bad",        "rx-bad-csum", "rx-starve",   "doorbell-range",
    "reg-undefined", "reg-readonly",  "reg-readback", "queue-reset",   "ring-config", "rx-desc-bad", "cancel"};

bool has_direction(FaultKind k) {
    return k == FaultKind::dma_desc_read || k == FaultKind::dma_cpl_write || k == FaultKind::doorbell_range ||
           k == FaultKind::queue_reset || k == FaultKind::ring_config;
}

/// A spec refused: "faults SPEC: why" (`nicsim run` says "--fault SPEC: why").
ScenarioError bad_spec(std::string_view spec, std::string_view why) {
    return ScenarioError({ScenarioField::faults, fmt::format(" {}{}", spec, why)});
}

std::uint64_t parse_number(std::string_view spec, std::string_view key, std::string_view v) {
    std::uint64_t n = 0;
    auto const [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || p != v.data() + v.size())
        throw bad_spec(spec, fmt::format(": {}={} is not a whole number", key, v));
    return n;
}

}  // namespace

char const* to_string(FaultKind k) {
    return kNames[static_cast<std::size_t>(k)];
}

std::string fault_kind_names() {
    return fmt::format("{}", fmt::join(kNames, ", "));
}

FaultSpec parse_fault(std::string_view spec) {
    FaultSpec f;
    auto const colon = spec.find(':');
    std::string_view const kind = spec.substr(0, colon);
    auto const it = std::find(kNames.begin(), kNames.end(), kind);
    if (it == kNames.end())
        throw bad_spec(spec, fmt::format(": no fault kind '{}' (kinds: {})", kind, fault_kind_names()));
    f.kind = static_cast<FaultKind>(it - kNames.begin());
    std::string_view rest = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
    bool timed = false;
    while (!rest.empty()) {
        auto const comma = rest.find(',');
        std::string_view const item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        auto const eq = item.find('=');
        if (eq == std::string_view::npos) throw bad_spec(spec, fmt::format(": '{}' is not key=value", item));
        std::string_view const key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "queue") {
            std::uint64_t const queue = parse_number(spec, key, value);
            if (queue >= c::MAX_QUEUES)
                throw bad_spec(spec, fmt::format(": queue={} is not below {}", value, c::MAX_QUEUES));
            f.queue = static_cast<unsigned>(queue);
        } else if (key == "dir") {
            if (value != "tx" && value != "rx") throw bad_spec(spec, fmt::format(": dir={} is not tx or rx", value));
            if (!has_direction(f.kind)) throw bad_spec(spec, fmt::format(": {} has no dir", kind));
            f.tx = value == "tx";
        } else if (key == "at") {
            f.at = parse_number(spec, key, value);
            timed = true;
        } else if (key == "count") {
            f.count = parse_number(spec, key, value);
            if (f.count == 0) throw bad_spec(spec, ": count=0 injects nothing");
            timed = true;
        } else if (key == "every") {
            f.every = parse_number(spec, key, value);
            if (*f.every == 0) throw bad_spec(spec, ": every=0 is not a distance");
            timed = true;
        } else if (key == "rate") {
            std::string const v(value);
            char* end = nullptr;
            f.rate = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || !(f.rate > 0 && f.rate <= 1))
                throw bad_spec(spec, fmt::format(": rate={} is not a probability in (0, 1]", value));
        } else if (key == "cycles") {
            if (f.kind != FaultKind::rx_starve) throw bad_spec(spec, ": cycles= is only for rx-starve");
            f.cycles = parse_number(spec, key, value);
        } else {
            throw bad_spec(spec, fmt::format(": unknown key '{}' (queue, dir, at, count, every, rate, cycles)", key));
        }
    }
    if (f.rate > 0 && timed) throw bad_spec(spec, ": rate= excludes at=, count= and every=");
    if (f.kind == FaultKind::cancel && (f.rate > 0 || f.count != 1))
        throw bad_spec(spec, ": cancel happens once (at=N only)");
    return f;
}

std::string to_string(FaultSpec const& f) {
    std::vector<std::string> kv;
    if (f.queue) kv.push_back(fmt::format("queue={}", *f.queue));
    if (f.tx) kv.push_back(*f.tx ? "dir=tx" : "dir=rx");
    if (f.at) kv.push_back(fmt::format("at={}", *f.at));
    if (f.count != 1) kv.push_back(fmt::format("count={}", f.count));
    if (f.every) kv.push_back(fmt::format("every={}", *f.every));
    if (f.rate > 0) kv.push_back(fmt::format("rate={}", f.rate));
    if (f.kind == FaultKind::rx_starve && f.cycles != 20'000) kv.push_back(fmt::format("cycles={}", f.cycles));
    if (kv.empty()) return to_string(f.kind);
    return fmt::format("{}:{}", to_string(f.kind), fmt::join(kv, ","));
}

std::vector<FaultSpec> soak_faults() {
    // Rates per TX frame (wire kinds: per RX frame). Ring-stopping faults are rarer than frame
    // damage: each costs a recovery (MMIO reads, a quiet wait) and, on RX, the frames in flight.
    std::vector<std::pair<FaultKind, double>> const rates = {
        {FaultKind::dma_desc_read, 2e-4}, {FaultKind::dma_data_read, 2e-4},  {FaultKind::dma_rx_write, 2e-4},
        {FaultKind::dma_cpl_write, 2e-4}, {FaultKind::tx_zero_len, 2e-4},    {FaultKind::tx_len_over, 2e-4},
        {FaultKind::tx_chain_long, 2e-4}, {FaultKind::tx_no_eop, 5e-5},      {FaultKind::rx_runt, 2e-3},
        {FaultKind::rx_oversize, 5e-4},   {FaultKind::rx_bad, 2e-3},         {FaultKind::rx_bad_csum, 2e-3},
        {FaultKind::rx_starve, 1e-4},     {FaultKind::doorbell_range, 1e-4}, {FaultKind::reg_undefined, 2e-4},
        {FaultKind::reg_readonly, 2e-4},  {FaultKind::reg_readback, 2e-4},   {FaultKind::queue_reset, 1e-4},
        {FaultKind::ring_config, 1e-4},   {FaultKind::rx_desc_bad, 1e-4},
    };
    std::vector<FaultSpec> out;
    for (auto const& [k, r] : rates) {
        FaultSpec f;
        f.kind = k;
        f.rate = r;
        if (k == FaultKind::rx_starve) f.cycles = 5'000;
        out.push_back(f);
    }
    return out;
}

}  // namespace nicsim::cosim
