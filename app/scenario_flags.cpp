// Scenario fields as `nicsim run` options: see nicsim/scenario_flags.hpp.
#include "nicsim/scenario_flags.hpp"

#include <array>
#include <cstddef>
#include <string_view>
#include <utility>

namespace nicsim::cli {

namespace {

using F = cosim::ScenarioField;

// One row per ScenarioField, in its order (checked below: a field added to the enum and not here
// stops the build).
constexpr std::array<std::pair<F, char const*>, cosim::kScenarioFields> kFlags = {{
    {F::top, "--top"},
    {F::config, "--config"},
    {F::queues, "--queues"},
    {F::frame_sizes, "--min-size/--max-size"},
    {F::mode, "--mode"},
    {F::pcap_in, "--pcap-in"},
    {F::pcap_out, "--pcap-out"},
    {F::mem_latency, "--mem-latency"},
    {F::mem_stall_percent, "--mem-stall"},
    {F::tx_stall_percent, "--tx-stall"},
    {F::rx_stall_percent, "--rx-stall"},
    {F::ring_size, "--ring-size"},
    {F::tx_fragment_bytes, "--tx-fragment-bytes"},
    {F::irq_moderation, "--irq-moderation"},
    {F::rx_buffer_bytes, "--rx-buffer"},
    {F::hang_check_cycles, "--hang-check"},
    {F::faults, "--fault"},
    {F::trace_path, "--trace"},
    {F::trace_window, "--trace-window"},
    {F::trace_threads, "--trace-threads"},
    {F::timeline, "--timeline"},
}};

constexpr bool every_field_has_its_row() {
    for (std::size_t i = 0; i < kFlags.size(); ++i)
        if (static_cast<std::size_t>(kFlags[i].first) != i || kFlags[i].second == nullptr ||
            !std::string_view(kFlags[i].second).starts_with("--"))
            return false;
    return true;
}
static_assert(every_field_has_its_row(), "kFlags needs one row per cosim::ScenarioField, in the enum's order");

}  // namespace

char const* scenario_flag(cosim::ScenarioField field) {
    return kFlags[static_cast<std::size_t>(field)].second;
}

std::string scenario_message(cosim::ScenarioError const& e) {
    return e.render([](cosim::ScenarioField f) { return std::string(scenario_flag(f)); });
}

}  // namespace nicsim::cli
