// Barrier bug names: see barrier_bug.hpp.
#include "cosim/barrier_bug.hpp"

#include <array>

#include <fmt/format.h>

namespace nicsim::cosim {

namespace {
constexpr std::array kNames{"none", "doorbell-before-write-barrier", "fields-before-read-barrier", "no-barriers"};
}

char const* to_string(BarrierBug bug) noexcept {
    return kNames[static_cast<std::size_t>(bug)];
}

std::optional<BarrierBug> barrier_bug_named(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (name == kNames[i]) return static_cast<BarrierBug>(i);
    return std::nullopt;
}

std::string barrier_bug_names() {
    return fmt::format("{}", fmt::join(kNames.begin() + 1, kNames.end(), ", "));
}

}  // namespace nicsim::cosim
