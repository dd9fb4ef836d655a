// OsSide: see os_side.hpp.
#include "os_side.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <nic_contract.hpp>
#include <nicsim/driver/adapter.hpp>
#include <nicsim/driver/fault_injection.hpp>
#include <ringlib/os/rx_queue.hpp>
#include <ringlib/os/tx_queue.hpp>

namespace nicsim::cosim {

namespace c = nicsim::contract;

OsSide::OsSide(Scenario const& sc, Platform& hw, unsigned queues, RingPlan const& rings, FaultInjector* faults)
    : sc_(sc), hw_(hw), queues_(queues), rings_(rings), faults_(faults) {}

OsSide::~OsSide() = default;

void OsSide::start(std::uint64_t watchdog_cycles, Callbacks callbacks) {
    callbacks_ = std::move(callbacks);
    driver::AdapterConfig ac;
    ac.queues_in_use = queues_;
    ac.expected_data_width_bits = hw_.config().data_width_bits;
    ac.tx_ring_log2 = rings_.hw_tx_log2;
    ac.rx_ring_log2 = rings_.hw_rx_log2;
    ac.rss_enabled = sc_.platform.rss;
    ac.irq_packet_threshold = sc_.platform.irq_packets;
    ac.irq_holdoff_cycles = sc_.platform.irq_holdoff_cycles;
    // A ring drains (and goes idle) as slowly as the scenario's back-pressure lets it: give the
    // driver's wait as long as the watchdog gives a packet (a read takes several cycles).
    if (watchdog_cycles)
        ac.idle_wait_max_reads =
            static_cast<std::uint32_t>(std::clamp<std::uint64_t>(watchdog_cycles / 4, 4096, ~std::uint32_t{0}));
    driver::fault_injection::DriverFaults driver_faults = sc_.driver_faults;
    if (faults_)
        driver_faults.tx_descriptor_fault = [this](std::uint32_t q, std::uint64_t seq) {
            return faults_->tx_descriptor_fault(q, seq);
        };
    // The driver's platform, with the test-only seams a scenario asks for wrapped around it.
    driver::RegisterBus* registers = &hw_.registers();
    driver::HostMemoryAccess* memory = &hw_.host_memory();
    if (sc_.barrier_bug != BarrierBug::none) {
        misplaced_barriers_ = std::make_unique<MisplacedBarriers>(*registers, *memory, sc_.barrier_bug);
        registers = misplaced_barriers_.get();
        memory = misplaced_barriers_.get();
    }
    if (faults_) {
        faulty_platform_ = std::make_unique<FaultyDriverPlatform>(*registers, *memory, *faults_);
        registers = faulty_platform_.get();
        memory = faulty_platform_.get();
    }
    adapter_ = std::make_unique<driver::Adapter>(*registers, *memory, hw_.arena(), ac);
    if (driver_faults.any()) driver::fault_injection::install(*adapter_, std::move(driver_faults));
    adapter_->start();
    hw_.set_interrupt_handlers(
        [this](unsigned queue, bool error) {
            if (error) {
                adapter_->on_error_interrupt();
                return true;
            }
            return adapter_->on_interrupt(queue);
        },
        [this] { adapter_->run_dpc(); });

    for (unsigned q = 0; q < queues_; ++q) {
        ringlib::os::TxQueueConfig tcfg;
        tcfg.queue_id = q;
        tcfg.name = fmt::format("tx{}", q);
        tcfg.packet_ring_size = rings_.os_ring;
        tcfg.fragment_ring_size = rings_.tx_fragment_ring;
        tcfg.fragment_buffer_bytes = rings_.tx_fragment_bytes;
        tcfg.max_fragments_per_packet = static_cast<std::uint32_t>(c::MAX_TX_FRAGS);
        tcfg.extensions.lso = false;  // this NIC has no segmentation offload: never advertised
        if (sc_.platform.memory_order == host::MemoryOrder::weak) {
            // The OS's frame copies are CPU stores too: the driver's barrier must cover them.
            tcfg.store_frame_bytes = [&memory = hw_.host_memory()](void* to, void const* from, std::size_t n) {
                memory.store(to, from, n);
            };
        }
        auto tx = ringlib::os::TxQueue::create(tcfg, hw_.arena(), adapter_->handle(), driver::EvtCreateTxQueue);
        tx->on_completion([this, q](ringlib::os::TxCompletion const& comp) { callbacks_.tx_completed(q, comp); });
        ringlib::os::RxQueueConfig rcfg;
        rcfg.queue_id = q;
        rcfg.name = fmt::format("rx{}", q);
        rcfg.packet_ring_size = rings_.os_ring;
        rcfg.fragment_ring_size = rings_.rx_fragment_ring;
        rcfg.buffer_capacity_bytes = sc_.platform.rx_buffer_bytes;
        auto rx = ringlib::os::RxQueue::create(rcfg, hw_.arena(), adapter_->handle(), driver::EvtCreateRxQueue);
        rx->on_frame([this, q](ringlib::os::RxFrame&& f) { callbacks_.rx_frame(q, std::move(f)); });
        tx->start();
        rx->start();
        txq_.push_back(std::move(tx));
        rxq_.push_back(std::move(rx));
    }
}

void OsSide::poll(FaultInjector const* starve) {
    for (unsigned q = 0; q < queues_; ++q) {
        if (txq_[q]->state() != ringlib::os::QueueState::Stopped) txq_[q]->poll();
        bool const starved = starve && starve->rx_starved(q);
        if (rxq_[q]->state() != ringlib::os::QueueState::Stopped && !starved) rxq_[q]->poll();
    }
}

void OsSide::stop() {
    for (unsigned q = 0; q < queues_; ++q) {
        txq_[q]->stop();
        rxq_[q]->stop();
    }
}

bool OsSide::all_stopped() const {
    for (unsigned q = 0; q < queues_; ++q)
        if (txq_[q]->state() != ringlib::os::QueueState::Stopped ||
            rxq_[q]->state() != ringlib::os::QueueState::Stopped)
            return false;
    return true;
}

bool OsSide::rx_rings_posted() const {
    for (unsigned q = 0; q < queues_; ++q)
        if (adapter_->rx_ring(q).outstanding == 0) return false;
    return true;
}

bool OsSide::driver_rx_pending() const {
    for (unsigned q = 0; q < queues_; ++q) {
        auto const r = adapter_->rx_ring(q);
        if (r.error_pending) return true;
        auto const addr = r.completion_base + std::uint64_t{r.completion_head} * c::CPL_BYTES;
        if (!hw_.arena().contains_logical(addr, c::CPL_BYTES)) continue;
        auto const* b = static_cast<std::uint8_t const*>(hw_.arena().to_virtual(addr));
        bool const phase = (b[c::CPL_BYTES - 1] >> 7) != 0;
        if (phase == r.completion_phase) return true;
    }
    return false;
}

std::uint64_t OsSide::tx_unsent() const {
    std::uint64_t n = 0;
    for (unsigned q = 0; q < queues_; ++q) n += adapter_->stats(q).tx_dropped_by_error;
    return n;
}

std::string OsSide::describe_queue(unsigned q) const {
    std::string s;
    if (q < txq_.size() && txq_[q])
        s += fmt::format("OS {} state {}; ", txq_[q]->describe(), static_cast<int>(txq_[q]->state()));
    if (q < rxq_.size() && rxq_[q])
        s += fmt::format("OS {} state {}; ", rxq_[q]->describe(), static_cast<int>(rxq_[q]->state()));
    if (adapter_ && adapter_->started()) {
        for (bool tx : {true, false}) {
            auto const r = tx ? adapter_->tx_ring(q) : adapter_->rx_ring(q);
            // The completion slot the driver waits on, as host memory holds it (no MMIO).
            std::string slot;
            auto const addr = r.completion_base + std::uint64_t{r.completion_head} * c::CPL_BYTES;
            if (hw_.arena().contains_logical(addr, c::CPL_BYTES)) {
                auto const* b = static_cast<std::uint8_t const*>(hw_.arena().to_virtual(addr));
                for (int i = c::CPL_BYTES - 1; i >= 0; --i) slot += fmt::format("{:02x}", b[i]);
            }
            s += fmt::format(
                "hw {} ring (driver's view): RING_PROD {} RING_CONS {} outstanding {} of {}, "
                "completion head {} phase {}{} (slot there: 0x{}); ",
                tx ? "TX" : "RX", r.produce_index, r.consume_index, r.outstanding, r.entries, r.completion_head,
                r.completion_phase ? 1 : 0, r.error_pending ? ", error pending" : "", slot);
        }
    }
    return s;
}

void OsSide::for_each_queue(std::function<void(ringlib::os::PacketQueue const&)> const& visit) const {
    for (auto const& q : txq_) visit(*q);
    for (auto const& q : rxq_) visit(*q);
}

}  // namespace nicsim::cosim
