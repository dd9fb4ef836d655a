// The kinds of deliberately broken driver barriers by name: what `nicsim run --barrier-bug` and
// Scenario carry. What each kind does, and the platform wrapper that does it: barrier_bugs.hpp.
// Apart from it so that the option parser builds without the driver's platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nicsim::cosim {

enum class BarrierBug : std::uint8_t { none, doorbell_before_write_barrier, fields_before_read_barrier, no_barriers };
char const* to_string(BarrierBug bug) noexcept;
/// A kind's name as to_string gives it ("none" included); nothing for anything else.
std::optional<BarrierBug> barrier_bug_named(std::string_view name) noexcept;
/// Every kind's name but "none", for --help and error messages.
std::string barrier_bug_names();

}  // namespace nicsim::cosim
