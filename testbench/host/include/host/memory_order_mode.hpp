// The host's memory ordering mode by name: what `nicsim run --memory-order` and Scenario carry.
// Apart from the model (memory_order.hpp) so that the option parser builds without the simulator.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nicsim::host {

enum class MemoryOrder : std::uint8_t { strong, weak };

constexpr char const* to_string(MemoryOrder order) noexcept {
    return order == MemoryOrder::weak ? "weak" : "strong";
}

/// "strong" or "weak"; nothing for anything else.
constexpr std::optional<MemoryOrder> memory_order_named(std::string_view name) noexcept {
    if (name == "strong") return MemoryOrder::strong;
    if (name == "weak") return MemoryOrder::weak;
    return std::nullopt;
}

}  // namespace nicsim::host
