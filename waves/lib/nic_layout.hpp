// The one list of what the GTKWave layout shows and how signals map to RTL enums.
//
// Patterns are ECMAScript regexes over a signal's name relative to the top instance scope
// (`s_axil_awvalid`, `tx.fetch_q[2]`); the generator only ever places signals that exist in the
// FST and match, so a pattern that matches nothing in some configuration costs nothing.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nicsim::waves {

struct GroupRule {
    std::string_view title;
    std::string_view pattern;  // regex over the name relative to the top scope, fully matched
    bool closed = false;       // collapsed when GTKWave opens the layout
};

// nic_top interfaces in block-diagram order, then per-queue state inside the engines. Signals of
// the top scope that no group claims end up in a final "other ports" group.
std::span<const GroupRule> nic_top_groups();

struct EnumRule {
    std::string_view pattern;    // regex over the base name (last component), fully matched
    std::string_view enum_type;  // RTL enum type name, e.g. "err_e"
};

// Registers that hold an enum value in plain `logic` (the dumper cannot know their type).
std::span<const EnumRule> enum_rules();

// The key nic_top handshakes (valid/ready/last of every bus, the interrupts), relative to the top
// instance scope: what a failure report shows, and what `nicsim waves FILE` shows by default.
std::vector<std::string> key_handshake_signals();

}  // namespace nicsim::waves
