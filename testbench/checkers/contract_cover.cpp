// contract_cover.cpp: the DPI-C sink of the checkers' contract cover points (contract_cover.hpp).
#include "checkers/contract_cover.hpp"

#include <mutex>
#include <string_view>

namespace nicsim::checkers {
namespace {

std::mutex g_mutex;
std::map<std::string, std::uint64_t, std::less<>> g_counts;  // guarded by g_mutex

}  // namespace

std::map<std::string, std::uint64_t> rtl_cover_counts() {
    std::lock_guard lock(g_mutex);
    return {g_counts.begin(), g_counts.end()};
}

}  // namespace nicsim::checkers

// Called from the checkers' initial blocks and always_ff blocks (nic_irq_cover.sv).
extern "C" void nicsim_contract_cover_declare(char const* point) {
    std::lock_guard lock(nicsim::checkers::g_mutex);
    nicsim::checkers::g_counts.try_emplace(point, 0);
}

extern "C" void nicsim_contract_cover(char const* point) {
    std::lock_guard lock(nicsim::checkers::g_mutex);
    auto const it = nicsim::checkers::g_counts.find(std::string_view(point));
    if (it != nicsim::checkers::g_counts.end()) {
        ++it->second;
    } else {
        nicsim::checkers::g_counts.emplace(point, 1);  // counted even if its declaration was left out
    }
}
