// contract_cover.cpp: the DPI-C sink of the checkers' contract cover points (contract_cover.hpp).
#include "checkers/contract_cover.hpp"

#include <array>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace nicsim::checkers {
namespace {

// Counting is one relaxed increment (it happens inside the model's evaluation); naming, at time 0,
// takes the lock.
std::array<std::atomic<std::uint64_t>, kMaxRtlCoverPoints> g_hits{};
std::mutex g_names_mutex;
std::array<std::string, kMaxRtlCoverPoints> g_names;  // guarded by g_names_mutex; "" = not declared

}  // namespace

std::map<std::string, std::uint64_t> rtl_cover_counts() {
    std::lock_guard lock(g_names_mutex);
    std::map<std::string, std::uint64_t> counts;
    for (std::size_t i = 0; i < kMaxRtlCoverPoints; ++i)
        if (!g_names[i].empty()) counts.emplace(g_names[i], g_hits[i].load(std::memory_order_relaxed));
    return counts;
}

}  // namespace nicsim::checkers

// Called from the cover modules' initial blocks (nic_irq_cover.sv): every model declares its
// points when it is first evaluated, with the same numbers and names.
extern "C" void nicsim_contract_cover_declare(unsigned point, char const* name) {
    using namespace nicsim::checkers;
    if (point >= kMaxRtlCoverPoints)
        throw std::logic_error(fmt::format("RTL cover point {} ({}) is past the {} the checkers have room for", point,
                                           name, kMaxRtlCoverPoints));
    std::lock_guard lock(g_names_mutex);
    if (!g_names[point].empty() && g_names[point] != name)
        throw std::logic_error(
            fmt::format("RTL cover point {} declared as '{}' and as '{}'", point, g_names[point], name));
    g_names[point] = name;
}

// Called from the cover modules' always_ff blocks at every edge where a point holds.
extern "C" void nicsim_contract_cover(unsigned point) {
    if (point < nicsim::checkers::kMaxRtlCoverPoints)
        nicsim::checkers::g_hits[point].fetch_add(1, std::memory_order_relaxed);
}
