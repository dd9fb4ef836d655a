// CoSimulation: see cosim.hpp. The C++ top (CppTop) under the shared workload (Workload).
#include "cosim/cosim.hpp"

#include <fmt/format.h>

#include "cosim/cpp_top.hpp"
#include "cosim/workload.hpp"

namespace nicsim::cosim {

char const* to_string(Mode m) {
    switch (m) {
    case Mode::loopback: return "loopback";
    case Mode::generate: return "generate";
    case Mode::pcap: return "pcap";
    }
    return "?";
}

struct CoSimulation::Impl {
    Scenario sc;
    CppTop top;
    Workload workload;

    explicit Impl(Scenario s) : sc((validate(s), check_top(s), std::move(s))), top(sc), workload(sc, top) {}

    static void check_top(Scenario const& s) {
        if (s.top != "cpp")
            throw ScenarioError(fmt::format("--top {}: CoSimulation is the C++ top (the SystemC top runs through "
                                            "nicsim::systemc::run_on_systemc_top)", s.top));
    }
};

CoSimulation::CoSimulation(Scenario scenario) : impl_(std::make_unique<Impl>(std::move(scenario))) {}
CoSimulation::~CoSimulation() = default;
Scenario const& CoSimulation::scenario() const noexcept { return impl_->sc; }
void CoSimulation::on_progress(std::function<void(Progress const&)> cb) { impl_->workload.on_progress(std::move(cb)); }
void CoSimulation::on_started(std::function<void()> cb) { impl_->workload.on_started(std::move(cb)); }
sim::Kernel& CoSimulation::kernel() noexcept { return impl_->top.kernel(); }
dut::Dut& CoSimulation::dut() noexcept { return impl_->top.dut(); }
host::Host& CoSimulation::host() noexcept { return impl_->top.host(); }
driver::Adapter* CoSimulation::adapter() noexcept { return impl_->workload.adapter(); }
RunSummary CoSimulation::run() { return impl_->workload.run(); }

}  // namespace nicsim::cosim
