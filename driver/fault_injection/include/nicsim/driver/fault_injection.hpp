// Fault injection for negative tests (docs/faults.md): makes an Adapter a deliberately broken
// driver. Test-only: the driver library does not link it, and a product driver has none of it.
//
//   nicsim::driver::Adapter adapter(bus, memory, arena, config);
//   auto const& books = nicsim::driver::fault_injection::install(adapter, faults);  // before the queues
//   ... books.tx_descriptor_faults[q]: malformed chains written to TX ring q
//
// It works through the driver's one internal seam (driver/src/datapath_hooks.hpp): it rewrites the
// descriptor chain of a chosen TX packet (so the driver accounts for the descriptors it really
// wrote), holds a ring back behind an open chain until the OS resets it, and switches on the known
// bugs at the RX indicate and TX drain steps.
#pragma once

#include <nicsim/driver/adapter.hpp>
#include <nicsim/driver/fault_injection/driver_faults.hpp>

#include <cstdint>
#include <vector>

namespace nicsim::driver::fault_injection {

char const* to_string(TxDescriptorFault fault) noexcept;

/// What an installed injection did, per queue pair (index = queue).
struct FaultBooks {
    std::vector<std::uint64_t> tx_descriptor_faults;  // chains written malformed on their first post
};

/// Installs `faults` on `adapter`, once, before its queues are created; the adapter owns the
/// injection and the returned books live as long as it. Throws std::logic_error the second time.
FaultBooks const& install(Adapter& adapter, DriverFaults faults);

}  // namespace nicsim::driver::fault_injection
