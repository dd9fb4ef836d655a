// ContractCoverage: the coverage model of the hardware/driver contract (docs/coverage.md lists
// every point and what hits it). It counts, per named cover point, how often a run exercised a
// rule or a situation of docs/contract.md and of the OS's net ring behaviour; it never judges
// (the ownership monitor, the checkers and the scoreboard do).
//
// Where the counts come from:
//   - the ownership monitor's contract events (doorbells with the descriptors they publish,
//     completions, ring resets, register writes), as the NIC took them;
//   - its own passive observer of the register port's responses (register reads with their data,
//     refused accesses): what the driver learnt from RING_ERR, RING_STATUS, RING_TAKEN;
//   - the RTL's own cover points (nic_irq_cover.sv: why an interrupt fired, same-cycle races),
//     counted through DPI-C (checkers/contract_cover.hpp) since this object was built;
//   - at the end of the run, what the co-simulation hands over: the OS queues' state changes and
//     ring corners (ringlib), and the outcome of each fault kind that fired.
//
// Every point is declared up front, so a point never hit is reported with 0 hits.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bfm/axil_master_bfm.hpp"
#include "bfm/sparse_memory.hpp"
#include "monitor/ownership_monitor.hpp"
#include "sim/kernel.hpp"

namespace ringlib::os {
struct StateTransitions;
struct OccupancyCounters;
}  // namespace ringlib::os

namespace nicsim::monitor {

class ContractCoverage final : public ContractListener {
public:
    /// Listens to `monitor` (which must outlive this object) and watches `port`'s responses
    /// through an observer it adds to `kernel`. `data_bytes`: the NIC's bus width in bytes;
    /// `fault_kinds`: the name of every fault kind the co-simulation can inject.
    ContractCoverage(sim::Kernel& kernel, OwnershipMonitor& monitor, bfm::SparseMemory const& memory,
                     bfm::AxilPort port, unsigned data_bytes, std::vector<std::string> const& fault_kinds);
    ~ContractCoverage() override;
    ContractCoverage(ContractCoverage const&) = delete;
    ContractCoverage& operator=(ContractCoverage const&) = delete;

    /// An OS queue's lifecycle at the end of the run (`tx`: a TX queue, else RX).
    void add_os_queue(bool tx, ringlib::os::StateTransitions const& transitions,
                      ringlib::os::OccupancyCounters const& occupancy);
    /// Fault injections that took effect, by kind name; `handled`: the run passed with them.
    void add_faults(std::map<std::string, std::uint64_t> const& injected, bool handled);

    /// Every point with its hits, the RTL's included (points sorted by name).
    std::map<std::string, std::uint64_t> points() const;

    /// Every point this class declares (not the RTL's: those come from the model), sorted.
    static std::vector<std::string> declared_points(std::vector<std::string> const& fault_kinds);

    // ContractListener
    void doorbell(RingRef ring, std::uint32_t old_prod, std::uint32_t new_prod, std::uint64_t cycle) override;
    void completion(RingRef ring, std::uint32_t slot, std::span<std::uint8_t const, 16> record,
                    std::uint64_t cycle) override;
    void ring_reset(RingRef ring, std::uint64_t cycle) override;
    void register_write(RegisterWrite const& write) override;

private:
    class ResponseObserver;
    struct RingState {
        std::uint8_t error_seen = 0;  // err_e the driver read from RING_ERR, until recovered
        bool reset_after_error = false;
        bool reenabled_after_error = false;
        bool enabled = false;
    };

    void hit(std::string const& point, std::uint64_t n = 1);
    void register_read(std::uint16_t offset, std::uint32_t value, bool refused);
    void register_write_refused();
    void frame_length(char const* dir, std::uint32_t len);
    RingState& state(RingRef r) { return rings_[r.queue * 2 + (r.dir == Direction::rx ? 1 : 0)]; }

    OwnershipMonitor& monitor_;
    bfm::SparseMemory const& memory_;
    unsigned data_bytes_;
    unsigned num_queues_;
    std::map<std::string, std::uint64_t> hits_;
    std::map<std::string, std::uint64_t> rtl_at_start_;
    std::vector<RingState> rings_;
    std::vector<std::uint32_t> open_chain_;  // per TX ring: descriptors published of a packet without eop yet
    bool rss_enabled_ = false;
    std::unique_ptr<ResponseObserver> responses_;
};

}  // namespace nicsim::monitor
