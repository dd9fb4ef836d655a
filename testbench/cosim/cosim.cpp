// CoSimulation: see cosim.hpp. The C++ top (CppTop) under the shared workload (Workload).
#include "cosim/cosim.hpp"

#include <exception>

#include <fmt/format.h>
#include <ringlib/os/packet_queue.hpp>

#include "cpp_top.hpp"
#include "cosim/workload.hpp"
#include "monitor/contract_coverage.hpp"
#include "monitor/ownership_monitor.hpp"
#include "monitor/packet_timeline.hpp"

namespace nicsim::cosim {

char const* to_string(Mode m) {
    switch (m) {
    case Mode::loopback: return "loopback";
    case Mode::generate: return "generate";
    case Mode::pcap: return "pcap";
    case Mode::tap: return "tap";
    }
    return "?";
}

struct CoSimulation::Impl {
    Scenario sc;
    CppTop top;
    Workload workload;
    std::unique_ptr<monitor::OwnershipMonitor> ownership;
    std::unique_ptr<monitor::PacketTimeline> timeline;
    std::unique_ptr<monitor::ContractCoverage> coverage;

    explicit Impl(Scenario s) : sc((validate(s), check_top(s), std::move(s))), top(sc), workload(sc, top) {
        attach_views();
    }

    static void check_top(Scenario const& s) {
        if (s.top != "cpp")
            throw ScenarioError({ScenarioField::top, fmt::format(" {}: CoSimulation is the C++ top (the SystemC top "
                                                                 "runs through nicsim::systemc::run_on_systemc_top)",
                                                                 s.top)});
    }

    // The monitor watches the DUT's ports after the host's bus models drive them; the timeline
    // adds the software's and the wire's events (a monitor that only watches, when
    // --no-ownership-monitor asked for a timeline).
    void attach_views() {
        bool const want_timeline = !sc.views.timeline_json.empty() || !sc.views.timeline_csv.empty();
        if (!sc.checks.ownership_monitor && !want_timeline) return;
        auto& mem = top.host().memory;
        monitor::OwnershipMonitorConfig mc;
        mc.throw_on_violation = sc.checks.ownership_monitor;
        ownership = std::make_unique<monitor::OwnershipMonitor>(top.kernel(), top.dut(), mem.memory(),
                                                                mem.logical_base(), mem.size_bytes(), mc);
        // Weak ordering: the monitor names the ring and slot of every hazard (else the model's own words).
        if (auto* ordering = mem.ordering()) ownership->watch_ordering(*ordering);
        std::vector<std::string> fault_kinds;
        for (std::size_t k = 0; k < kFaultKinds; ++k) fault_kinds.emplace_back(to_string(static_cast<FaultKind>(k)));
        coverage = std::make_unique<monitor::ContractCoverage>(top.kernel(), *ownership, mem.memory(),
                                                               top.dut().ports().s_axil,
                                                               top.dut().config().data_bytes(), fault_kinds);
        if (!want_timeline) return;
        timeline = std::make_unique<monitor::PacketTimeline>(*ownership, mem.memory(), sc.platform.clock_hz);
        top.host().mmio.on_write = [this](std::uint16_t offset, std::uint32_t value) {
            timeline->register_write_issued(offset, value, top.cycle());
        };
        // Wire frames are reported at their last beat; the BFMs' stamps give the first.
        auto first_beat = [this](wire::Frame const& f) {
            std::uint64_t const span =
                f.first_beat_cycle && f.last_beat_cycle ? *f.last_beat_cycle - *f.first_beat_cycle : 0;
            return top.cycle() - span;
        };
        TrafficHooks h;
        h.tx_submitted = [this](unsigned q, std::uint64_t id, wire::Frame const& f) {
            timeline->tx_submitted(q, id, f.bytes, top.cycle());
        };
        h.tx_completed = [this](unsigned q, std::uint64_t id) { timeline->tx_completed(q, id, top.cycle()); };
        h.tx_on_wire = [this, first_beat](wire::Frame const& f) {
            timeline->tx_on_wire(f.bytes, first_beat(f), top.cycle());
        };
        h.rx_on_wire = [this, first_beat](wire::Frame const& f) {
            timeline->rx_on_wire(f.bytes, first_beat(f), top.cycle());
        };
        h.rx_delivered = [this](unsigned q, std::span<std::uint8_t const> bytes) {
            timeline->rx_delivered(q, bytes, top.cycle());
        };
        workload.set_traffic_hooks(std::move(h));
    }

    RunSummary run() {
        RunSummary r = workload.run();
        r.trace_file = top.trace_file();
        r.waves_ring_dumps = top.waves_ring_dumps();
        if (!top.trace_error().empty()) r.output_errors.push_back(top.trace_error());
        if (ownership && sc.checks.ownership_monitor) r.ownership_violations = ownership->violations();
        if (coverage) {
            workload.for_each_os_queue([&](ringlib::os::PacketQueue const& q) {
                coverage->add_os_queue(q.kind() == ringlib::QueueKind::Tx, q.transitions(), q.occupancy());
            });
            coverage->add_faults(r.faults_injected, r.passed);
            r.contract_coverage = coverage->points();
        }
        if (timeline) {
            // One file at a time, so that one that cannot be written does not hide the other.
            auto write = [&](char const* option, std::string const& json, std::string const& csv) {
                if (json.empty() && csv.empty()) return;
                try {
                    timeline->write_files(json, csv);
                } catch (std::exception const& e) {  // names the file: io::OutputFileError
                    r.output_errors.push_back(fmt::format("{} {}", option, e.what()));
                }
            };
            write("--timeline", sc.views.timeline_json, "");
            write("--timeline-csv", "", sc.views.timeline_csv);
        }
        return r;
    }
};

CoSimulation::CoSimulation(Scenario scenario) : impl_(std::make_unique<Impl>(std::move(scenario))) {}
CoSimulation::~CoSimulation() = default;
Scenario const& CoSimulation::scenario() const noexcept {
    return impl_->sc;
}
void CoSimulation::on_progress(std::function<void(Progress const&)> cb) {
    impl_->workload.on_progress(std::move(cb));
}
void CoSimulation::on_started(std::function<void()> cb) {
    impl_->workload.on_started(std::move(cb));
}
sim::Kernel& CoSimulation::kernel() noexcept {
    return impl_->top.kernel();
}
dut::Dut& CoSimulation::dut() noexcept {
    return impl_->top.dut();
}
host::Host& CoSimulation::host() noexcept {
    return impl_->top.host();
}
driver::Adapter* CoSimulation::adapter() noexcept {
    return impl_->workload.adapter();
}
monitor::OwnershipMonitor* CoSimulation::ownership_monitor() noexcept {
    return impl_->ownership.get();
}
monitor::PacketTimeline* CoSimulation::timeline() noexcept {
    return impl_->timeline.get();
}
RunSummary CoSimulation::run() {
    return impl_->run();
}

}  // namespace nicsim::cosim
