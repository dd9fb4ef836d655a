// OsSide: the OS and the driver of a run. It owns the driver's Adapter (on the Platform's registers
// and host memory, with the test seams a scenario asks for wrapped around them: misplaced barriers,
// faults), the interrupt hookup (ISR, DPC) and, per queue pair, the ringlib OS TxQueue and RxQueue
// created through the driver's EvtCreate callbacks. start() brings it all up once the NIC is out of
// reset; poll() runs the OS queues between cycles; stop() stops them (cancel, drain, EvtStop). What
// the queues complete and deliver goes to the callbacks given to start().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "barrier_bugs.hpp"
#include "cosim/faults.hpp"
#include "cosim/platform.hpp"
#include "cosim/scenario.hpp"
#include "cosim/scenario_rules.hpp"

namespace ringlib::os {
class PacketQueue;
class TxQueue;
class RxQueue;
struct TxCompletion;
struct RxFrame;
}  // namespace ringlib::os
namespace nicsim::driver {
class Adapter;
}

namespace nicsim::cosim {

class OsSide {
public:
    struct Callbacks {
        std::function<void(unsigned queue, ringlib::os::TxCompletion const&)> tx_completed;
        std::function<void(unsigned queue, ringlib::os::RxFrame&&)> rx_frame;
    };

    /// Nothing starts yet. `faults`: the run's injector, or nullptr.
    OsSide(Scenario const& sc, Platform& hw, unsigned queues, RingPlan const& rings, FaultInjector* faults);
    ~OsSide();
    OsSide(OsSide const&) = delete;
    OsSide& operator=(OsSide const&) = delete;

    /// Starts the adapter (driver watchdog from `watchdog_cycles`), hooks up its interrupts, and
    /// creates and starts every queue pair.
    void start(std::uint64_t watchdog_cycles, Callbacks callbacks);

    unsigned queues() const { return queues_; }
    /// nullptr until start().
    driver::Adapter* adapter_if_started() noexcept { return adapter_.get(); }
    driver::Adapter& adapter() { return *adapter_; }
    driver::Adapter const& adapter() const { return *adapter_; }
    ringlib::os::TxQueue& tx(unsigned q) { return *txq_[q]; }
    ringlib::os::TxQueue const& tx(unsigned q) const { return *txq_[q]; }

    /// Between cycles: polls every queue not stopped; an RX queue that `starve` says is starved is
    /// left alone (nullptr: none is).
    void poll(FaultInjector const* starve);
    /// Stops every queue pair (TX, then RX, queue by queue).
    void stop();
    bool all_stopped() const;
    /// Every RX ring has buffers posted.
    bool rx_rings_posted() const;
    /// A completion the driver has not consumed yet (host memory, at its RX completion head), or a
    /// recovery it has not run: the driver still owes the OS frames.
    bool driver_rx_pending() const;
    /// TX frames the driver returned unsent for a descriptor error.
    std::uint64_t tx_unsent() const;
    /// Queue q as the OS and the driver see it (diagnostics).
    std::string describe_queue(unsigned q) const;
    /// Every OS queue built so far, TX then RX.
    void for_each_queue(std::function<void(ringlib::os::PacketQueue const&)> const& visit) const;

private:
    Scenario const& sc_;
    Platform& hw_;
    unsigned queues_;
    RingPlan rings_;
    FaultInjector* faults_;
    Callbacks callbacks_;
    std::unique_ptr<MisplacedBarriers> misplaced_barriers_;  // Scenario::barrier_bug
    std::unique_ptr<FaultyDriverPlatform> faulty_platform_;  // Scenario::faults
    std::unique_ptr<driver::Adapter> adapter_;
    std::vector<std::unique_ptr<ringlib::os::TxQueue>> txq_;
    std::vector<std::unique_ptr<ringlib::os::RxQueue>> rxq_;
};

}  // namespace nicsim::cosim
