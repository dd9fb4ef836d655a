// Checksum offload choices by name: see csum_sums.hpp.
#include "cosim/csum_sums.hpp"

namespace nicsim::cosim {

char const* to_string(CsumSums s) noexcept {
    switch (s) {
    case CsumSums::both: return "both";
    case CsumSums::ip: return "ip";
    case CsumSums::l4: return "l4";
    case CsumSums::mixed: return "mixed";
    }
    return "?";
}

std::optional<CsumSums> csum_sums_named(std::string_view name) noexcept {
    for (auto s : {CsumSums::both, CsumSums::ip, CsumSums::l4, CsumSums::mixed})
        if (name == to_string(s)) return s;
    return std::nullopt;
}

}  // namespace nicsim::cosim
