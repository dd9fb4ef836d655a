// The one place that knows which `nicsim run` option sets which scenario field: the library's
// errors (cosim::ScenarioError) name fields ("ring_size: 3 is not ..."), `nicsim run` and `nicsim
// regress` say them with options ("--ring-size: 3 is not ...").
#pragma once

#include <string>

#include "cosim/scenario_error.hpp"

namespace nicsim::cli {

/// The option that sets `field`, e.g. "--ring-size" (every ScenarioField has one).
char const* scenario_flag(cosim::ScenarioField field);

/// The error as `nicsim run` says it: every field it names given as its option, in one line.
std::string scenario_message(cosim::ScenarioError const& e);

}  // namespace nicsim::cli
