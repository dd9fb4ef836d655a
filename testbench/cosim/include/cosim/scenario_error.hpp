// ScenarioError: a bad scenario or an unusable input, named in one line. Nothing was simulated.
//
// The library speaks of a scenario's fields, not of the command line that may have filled them:
// an error carries the fields it is about (ScenarioField) and a message whose words may name
// fields. what() names them by their path in the Scenario ("platform.ring_size: 3 is not a power
// of two in 2..65536"); render() names them however the caller wants (app/ gives `nicsim run`'s
// options: "--ring-size: 3 is ...").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace nicsim::cosim {

/// `text` as one printable line: control characters (a newline in a file name or an option
/// value) become \xNN, so an error that quotes what the user gave stays one line.
inline std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        auto const byte = static_cast<unsigned char>(ch);
        if (byte < 0x20 || byte == 0x7f)
            out += fmt::format("\\x{:02x}", byte);
        else
            out += ch;
    }
    return out;
}

/// What a ScenarioError can be about: a field of Scenario, or a pair of fields set together
/// (traffic.min_size/max_size, platform.irq_packets:irq_holdoff_cycles, ...). A new value needs its name in
/// scenario_field_name and its option in app/'s table (a test checks both).
enum class ScenarioField : std::uint8_t {
    top,
    config,
    queues,
    frame_sizes,  // traffic.min_size/max_size
    mode,
    pcap_in,
    pcap_out,
    mem_latency,  // platform.mem_latency_min:mem_latency_max
    mem_stall_percent,
    tx_stall_percent,
    rx_stall_percent,
    ring_size,
    tx_fragment_bytes,
    irq_moderation,  // platform.irq_packets:irq_holdoff_cycles
    rx_buffer_bytes,
    hang_check_cycles,
    faults,
    trace_path,
    trace_window,  // trace.first_cycle:last_cycle
    trace_threads,
    timeline,  // views.timeline_json/timeline_csv
};
inline constexpr std::size_t kScenarioFields = static_cast<std::size_t>(ScenarioField::timeline) + 1;

/// The field as Scenario spells it: its path from the Scenario, e.g. "platform.ring_size".
char const* scenario_field_name(ScenarioField f);

/// A bad scenario or an unusable input: names the field(s) and what is wrong with them, in one
/// line. Nothing was simulated.
class ScenarioError : public std::runtime_error {
public:
    /// A piece of the message: words, or a field named in them.
    class Part {
    public:
        Part(ScenarioField field) : field_(field) {}        // NOLINT(google-explicit-constructor): reads as words
        Part(std::string text) : text_(std::move(text)) {}  // NOLINT(google-explicit-constructor)
        Part(char const* text) : text_(text) {}             // NOLINT(google-explicit-constructor)

    private:
        friend class ScenarioError;
        std::string text_;
        std::optional<ScenarioField> field_;
    };
    using Namer = std::function<std::string(ScenarioField)>;

    /// The message, e.g. {ScenarioField::mode, " pcap needs ", ScenarioField::pcap_in, " FILE"};
    /// it is about the fields it names, the first one first.
    ScenarioError(std::initializer_list<Part> message);
    /// The same, about `about` (first) and the fields the message names.
    ScenarioError(ScenarioField about, std::initializer_list<Part> message);

    /// The fields the error is about, the main one first.
    std::vector<ScenarioField> const& fields() const noexcept { return fields_; }
    /// The message with every field named by `name` (what() is render(scenario_field_name)), in one line.
    std::string render(Namer const& name) const;

private:
    static std::string render(std::vector<Part> const& parts, Namer const& name);
    std::vector<Part> parts_;
    std::vector<ScenarioField> fields_;
};

}  // namespace nicsim::cosim
