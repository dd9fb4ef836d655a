// Barrier bug names: see barrier_bug.hpp.
#include "cosim/barrier_bug.hpp"

#include <array>

namespace nicsim::cosim {

namespace {
constexpr std::array kBugs{BarrierBug::none, BarrierBug::doorbell_before_write_barrier,
                           BarrierBug::fields_before_read_barrier, BarrierBug::no_barriers};
}

char const* to_string(BarrierBug bug) noexcept {
    switch (bug) {
    case BarrierBug::none: return "none";
    case BarrierBug::doorbell_before_write_barrier: return "doorbell-before-write-barrier";
    case BarrierBug::fields_before_read_barrier: return "fields-before-read-barrier";
    case BarrierBug::no_barriers: return "no-barriers";
    }
    return "?";
}

std::optional<BarrierBug> barrier_bug_named(std::string_view name) noexcept {
    for (auto bug : kBugs)
        if (name == to_string(bug)) return bug;
    return std::nullopt;
}

std::string barrier_bug_names() {
    std::string names;
    for (auto bug : kBugs)
        if (bug != BarrierBug::none) names += (names.empty() ? "" : ", ") + std::string(to_string(bug));
    return names;
}

}  // namespace nicsim::cosim
