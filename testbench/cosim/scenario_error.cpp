// ScenarioError and the fields' names: see scenario_error.hpp.
#include "cosim/scenario_error.hpp"

#include <algorithm>
#include <array>

namespace nicsim::cosim {

namespace {

constexpr std::array<char const*, kScenarioFields> kFieldNames = {
    "top",
    "config",
    "platform.queues",
    "traffic.min_size/max_size",
    "traffic.mode",
    "traffic.pcap_in",
    "views.pcap_out",
    "platform.mem_latency_min:mem_latency_max",
    "platform.mem_stall_percent",
    "platform.tx_stall_percent",
    "platform.rx_stall_percent",
    "platform.ring_size",
    "platform.tx_fragment_bytes",
    "platform.irq_packets:irq_holdoff_cycles",
    "platform.rx_buffer_bytes",
    "checks.hang_check_cycles",
    "faults",
    "trace.path",
    "trace.first_cycle:last_cycle",
    "trace.threads",
    "views.timeline_json/timeline_csv",
};

}  // namespace

char const* scenario_field_name(ScenarioField f) {
    return kFieldNames[static_cast<std::size_t>(f)];
}

ScenarioError::ScenarioError(std::initializer_list<Part> message)
    : std::runtime_error(render(message, scenario_field_name)), parts_(message) {
    for (auto const& p : parts_)
        if (p.field_ && std::find(fields_.begin(), fields_.end(), *p.field_) == fields_.end())
            fields_.push_back(*p.field_);
}

ScenarioError::ScenarioError(ScenarioField about, std::initializer_list<Part> message) : ScenarioError(message) {
    auto const it = std::find(fields_.begin(), fields_.end(), about);
    if (it != fields_.end()) fields_.erase(it);
    fields_.insert(fields_.begin(), about);
}

std::string ScenarioError::render(Namer const& name) const {
    return render(parts_, name);
}

std::string ScenarioError::render(std::vector<Part> const& parts, Namer const& name) {
    std::string text;
    for (auto const& p : parts) text += p.field_ ? name(*p.field_) : p.text_;
    return one_line(text);
}

}  // namespace nicsim::cosim
