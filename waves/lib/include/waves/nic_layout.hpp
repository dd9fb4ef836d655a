// The one list of what the GTKWave layout shows and how signals map to RTL enums.
//
// Every rule lists signal names as Verilator writes them into the trace: the name inside one
// instance, without an array element's index (`fetch_q` is every `fetch_q[i]`), either exact or a
// glob (`s_axil_*`, glob_match() of lib/select.hpp). No regex, so each name can be checked on its
// own: the `waves nicsim:layout:` tests record nic_top and fail when a name matches no signal,
// which is how an RTL rename shows up instead of a group quietly going empty.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nicsim::waves {

// `name` without the index of an array element: `fetch_q[2]` -> `fetch_q`.
std::string_view without_array_index(std::string_view name);

// Whether the layout name `pattern` (exact or a glob) names the signal `name` of an instance.
bool layout_name_matches(std::string_view pattern, std::string_view name);

// The space-separated names of a rule, one by one.
std::vector<std::string_view> split_names(std::string_view names);

struct GroupRule {
    std::string_view title;
    std::string_view instance;  // below the top instance: "" its own signals, "tx" the TX engine's
    std::string_view names;     // signal names in `instance`, separated by spaces
    bool closed = false;        // collapsed when GTKWave opens the layout

    // Whether the signal named `relative` (below the top instance: `tx.fetch_q[2]`) belongs here.
    bool claims(std::string_view relative) const;
};

// nic_top interfaces in block-diagram order, then per-queue state inside the engines. Signals of
// the top scope that no group claims end up in a final "other ports" group.
std::span<const GroupRule> nic_top_groups();

struct EnumRule {
    std::string_view names;      // signal names in any instance, separated by spaces
    std::string_view enum_type;  // RTL enum type name, e.g. "err_e"

    // Whether the signal whose last name component is `base_name` holds this enum.
    bool claims(std::string_view base_name) const;
};

// Registers that hold an enum value in plain `logic` (the dumper cannot know their type).
std::span<const EnumRule> enum_rules();

// The key nic_top handshakes (valid/ready/last of every bus, the interrupts), relative to the top
// instance scope: what a failure report shows, and what `nicsim waves FILE` shows by default.
std::vector<std::string> key_handshake_signals();

}  // namespace nicsim::waves
