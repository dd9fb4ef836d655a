// Which checksums a TX frame chosen for checksum offload asks the NIC for: what `nicsim run
// --csum-offload-sums` and Scenario carry (the workload draws them: workload.cpp). Apart from the
// scenario so that the option parser builds without the co-simulation.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nicsim::cosim {

/// both: the IPv4 header's and the TCP/UDP one, for frames that have both (IPv6: the TCP/UDP
/// one); ip: the IPv4 header's alone; l4: the TCP/UDP one alone; mixed: one of the three per
/// frame, drawn among those the frame has.
enum class CsumSums : std::uint8_t { both, ip, l4, mixed };
char const* to_string(CsumSums s) noexcept;
/// A choice's name as to_string gives it; nothing for anything else.
std::optional<CsumSums> csum_sums_named(std::string_view name) noexcept;

}  // namespace nicsim::cosim
