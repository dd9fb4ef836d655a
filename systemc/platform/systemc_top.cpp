// SystemcTop: see systemc_top.hpp.
#include "systemc_top.hpp"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "checkers/assertions.hpp"
#include "cosim/workload.hpp"
#include "host/memory_order.hpp"
#include "nicsim/systemc/host_memory_target.hpp"
#include "nicsim/systemc/nic_module.hpp"
#include "sim/kernel.hpp"

// Programs using SystemcTop have their own main(); libsystemc's main(), which calls sc_main(),
// is never used, but the linker still wants the sc_main it refers to.
extern "C" int sc_main(int, char*[]) {
    std::fputs("sc_main: not used by nicsim (it has its own main)\n", stderr);
    return 1;
}

namespace nicsim::systemc {

using sc_core::sc_time;

namespace {

constexpr std::uint32_t kResetCycles = 16;  // as sim::Kernel

struct RegOp {
    bool write = false;
    std::uint16_t offset = 0;
    std::uint32_t value = 0;
    bool done = false;
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
};

std::string response_string(tlm::tlm_response_status s) {
    tlm::tlm_generic_payload t;
    t.set_response_status(s);
    return t.get_response_string();
}

bool g_top_built = false;  // SystemC elaborates once per process

}  // namespace

/// The SystemC side: everything that lives in the simulation.
class ScPlatform : public sc_core::sc_module {
public:
    sc_core::sc_clock clk;
    sc_core::sc_signal<bool> rst_n{"rst_n", false};
    FrameFifo rx_fifo{"rx_fifo", 1};
    FrameFifo tx_fifo{"tx_fifo", 2};
    sc_core::sc_vector<sc_core::sc_signal<bool>> irq_queue{"irq_queue", NicModule::num_queues};
    sc_core::sc_signal<bool> irq_error{"irq_error"};
    HostMemoryTarget host;
    NicModule nic{"nic"};
    tlm_utils::simple_initiator_socket<ScPlatform> cpu{"cpu"};

    std::deque<std::shared_ptr<RegOp>> reg_ops;  // posted by software, served in order
    sc_core::sc_event reg_kick{"reg_kick"};
    std::function<void()> on_write_taken;                // a posted write reached the NIC's registers
    std::vector<std::pair<unsigned, bool>> irq_pending;  // (queue, error) per pulse

    ScPlatform(sc_core::sc_module_name name, sc_time period, HostMemoryTargetConfig host_cfg)
        : sc_module(name), clk("clk", period), host("host", host_cfg) {
        nic.clk(clk);
        nic.rst_n(rst_n);
        nic.rx_in(rx_fifo);
        nic.tx_out(tx_fifo);
        nic.irq_queue.bind(irq_queue);
        nic.irq_error(irq_error);
        nic.dma.bind(host.socket);
        cpu.bind(nic.regs);
        SC_HAS_PROCESS(ScPlatform);
        SC_THREAD(cpu_thread);
        SC_METHOD(watch_irqs);
        for (auto& s : irq_queue) sensitive << s.posedge_event();
        sensitive << irq_error.posedge_event();
        dont_initialize();
    }

private:
    void cpu_thread() {
        for (;;) {
            while (reg_ops.empty()) wait(reg_kick);
            RegOp& op = *reg_ops.front();
            std::uint32_t data = op.value;
            tlm::tlm_generic_payload t;
            sc_time delay = sc_core::SC_ZERO_TIME;
            t.set_command(op.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
            t.set_address(op.offset);
            t.set_data_ptr(reinterpret_cast<unsigned char*>(&data));  // x86-64: little-endian, as TLM
            t.set_data_length(4);
            t.set_streaming_width(4);
            t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            cpu->b_transport(t, delay);
            if (op.write && on_write_taken) on_write_taken();
            if (delay != sc_core::SC_ZERO_TIME) wait(delay);
            op.status = t.get_response_status();
            op.value = data;
            op.done = true;
            reg_ops.pop_front();
        }
    }

    void watch_irqs() {
        for (unsigned q = 0; q < irq_queue.size(); ++q)
            if (irq_queue[q].posedge()) irq_pending.emplace_back(q, false);
        if (irq_error.posedge()) irq_pending.emplace_back(0u, true);
    }
};

struct SystemcTop::Impl : driver::RegisterBus, wire::RxWire {
    cosim::Scenario sc;
    dut::DutConfig cfg;
    sc_time period;
    std::mt19937_64 rng;
    std::unique_ptr<ScPlatform> p;

    std::vector<FrameCallback> rx_sent_cbs, tx_cbs;
    std::vector<wire::Frame> rx_sent_buffer;  // filled inside the simulation, reported outside
    std::vector<std::function<void()>> hooks;
    std::vector<std::pair<std::string, std::function<std::string()>>> diagnostics;
    Isr isr;
    std::function<void()> dpc;
    wire::WirePeer* peer = nullptr;
    bool in_software = false;
    std::uint64_t last_progress = 0;
    cosim::RegisterStats reg_stats;
    std::string posted_write_error;
    driver::DirectHostMemoryAccess direct_memory;
    std::unique_ptr<host::WeakOrdering> ordering;  // Scenario::platform.memory_order weak

    // RX wire
    std::deque<std::pair<wire::Frame, std::uint64_t>> rx_queue;  // frame, not before cycle
    std::uint32_t ifg_cycles = 0;
    std::uint64_t rx_next_start = 0;
    std::uint64_t rx_pushed = 0;
    std::uint64_t watchdog_cycles = 0;  // scaled to the scenario (cosim::run_limits)

    explicit Impl(cosim::Scenario const& s) : sc(s), rng(s.seed) {
        if (g_top_built || sc_core::sc_get_status() != sc_core::SC_ELABORATION)
            throw cosim::ScenarioError(
                {cosim::ScenarioField::top, " systemc: one SystemC top per process (SystemC elaborates once)"});
        check_systemc_scenario(s);
        g_top_built = true;
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
        cfg.name = NicModule::config_name;
        cfg.data_width_bits = NicModule::data_width;
        cfg.num_queues = NicModule::num_queues;
        watchdog_cycles = cosim::run_limits(s, cfg.data_bytes(), s.platform.queues ? s.platform.queues : cfg.num_queues)
                              .watchdog_cycles;
        period = sc_time(1e12 / static_cast<double>(s.platform.clock_hz), sc_core::SC_PS);

        HostMemoryTargetConfig hc;
        hc.size_bytes = cosim::plan_rings(s, cfg).host_memory_bytes;  // what the scenario's rings take
        p = std::make_unique<ScPlatform>("nicsim", period, hc);
        if (s.platform.mem_latency_max > 0) {
            p->host.latency = [this](tlm::tlm_generic_payload const&) {
                std::uniform_int_distribution<std::uint32_t> d(sc.platform.mem_latency_min,
                                                               sc.platform.mem_latency_max);
                return static_cast<double>(d(rng)) * period;
            };
        }
        if (s.platform.memory_order == host::MemoryOrder::weak) {
            // No ownership monitor here: hazards are described by the model (rule, address, values, cycle).
            ordering = std::make_unique<host::WeakOrdering>(
                p->host.bytes(p->host.logical_base(), p->host.size_bytes()).data(), p->host.logical_base(),
                p->host.size_bytes(), [this] { return now_cycle(); }, cosim::traffic_seed(s.seed, 2));
            ordering->set_diagnosis([this] { return diagnosis(); });
            p->host.view = ordering.get();
            p->on_write_taken = [this] { ordering->mmio_write_arrived(); };
            diagnostics.emplace_back("host memory ordering", [this] { return ordering->describe(); });
        }
        p->nic.on_rx_frame = [this](wire::Frame const& f) {
            rx_next_start = *f.last_beat_cycle + ifg_cycles;
            rx_sent_buffer.push_back(f);
        };
    }

    std::uint64_t now_cycle() const { return p->nic.cycle(); }

    bool draw_stall(double percent) {
        return percent > 0 && std::uniform_real_distribution<double>(0, 100)(rng) < percent;
    }

    void feed_rx() {
        if (rx_queue.empty() || rx_pushed != p->nic.stats().rx_frames || !p->rst_n.read()) return;
        std::uint64_t const c = now_cycle();
        if (c < rx_next_start || c < rx_queue.front().second) return;
        if (draw_stall(sc.platform.rx_stall_percent)) return;
        if (!p->rx_fifo.nb_write(std::move(rx_queue.front().first)))
            throw std::logic_error("SystemcTop: RX fifo full with no frame in progress");
        rx_queue.pop_front();
        ++rx_pushed;
    }

    void drain_tx() {
        if (draw_stall(sc.platform.tx_stall_percent)) return;
        wire::Frame f;
        while (p->tx_fifo.nb_read(f))
            for (auto& cb : tx_cbs) cb(f);
    }

    void step(bool software) {
        if (peer) peer->tick(now_cycle());
        feed_rx();
        auto const violations_before = checkers::violation_count();
        auto const ordering_before = ordering ? ordering->stats().violations : 0;
        try {
            sc_core::sc_start(period);
        } catch (sc_core::sc_report const& r) {
            // A checker's ProtocolViolation or the host model's OrderingViolation thrown inside the
            // model (a DMA read in a SystemC thread) reaches us as an sc_report.
            if (checkers::violation_count() != violations_before) throw checkers::ProtocolViolation({r.what()});
            if (ordering && ordering->stats().violations != ordering_before)
                throw host::OrderingViolation(ordering->violation_messages().back(), diagnosis());
            throw std::runtime_error(fmt::format("SystemC: {}", r.what()));
        }
        for (auto const& f : rx_sent_buffer)
            for (auto& cb : rx_sent_cbs) cb(f);
        rx_sent_buffer.clear();
        drain_tx();
        check_writes();
        if (!posted_write_error.empty()) throw std::runtime_error(posted_write_error);
        if (watchdog_cycles != 0 && now_cycle() - last_progress >= watchdog_cycles)
            throw sim::WatchdogExpired(fmt::format("watchdog: no progress for {} cycles (cycle {}, seed {})",
                                                   watchdog_cycles, now_cycle(), sc.seed),
                                       diagnosis());
        if (!software || in_software) return;
        in_software = true;
        try {
            if (!p->irq_pending.empty()) {
                auto pending = std::exchange(p->irq_pending, {});
                bool want_dpc = false;
                for (auto [q, error] : pending)
                    if (isr) want_dpc |= isr(q, error);
                if (want_dpc && dpc) dpc();
            }
            for (auto& h : hooks) h();
        } catch (...) {
            in_software = false;
            throw;
        }
        in_software = false;
    }

    std::shared_ptr<RegOp> post(bool write, std::uint16_t offset, std::uint32_t value) {
        auto op = std::make_shared<RegOp>();
        op->write = write;
        op->offset = offset;
        op->value = value;
        p->reg_ops.push_back(op);
        p->reg_kick.notify(sc_core::SC_ZERO_TIME);
        return op;
    }

    // ---- driver::RegisterBus ----
    void write32(std::uint16_t offset, std::uint32_t value) override {
        ++reg_stats.writes;
        if (ordering) ordering->mmio_write_issued(offset, value);
        auto op = post(true, offset, value);
        // Checked when served: a failed posted write ends the run at the next cycle boundary.
        pending_writes.push_back(op);
    }
    std::uint32_t read32(std::uint16_t offset) override {
        ++reg_stats.reads;
        if (ordering) ordering->mmio_read_issued();
        auto op = post(false, offset, 0);
        while (!op->done) step(false);
        check_writes();
        last_progress = now_cycle();
        if (op->status != tlm::TLM_OK_RESPONSE)
            throw std::runtime_error(fmt::format("MMIO read {:#06x}: {}", offset, response_string(op->status)));
        return op->value;
    }

    std::deque<std::shared_ptr<RegOp>> pending_writes;
    void check_writes() {
        while (!pending_writes.empty() && pending_writes.front()->done) {
            auto const& op = *pending_writes.front();
            if (op.status != tlm::TLM_OK_RESPONSE && posted_write_error.empty())
                posted_write_error =
                    fmt::format("MMIO write {:#06x} <- {:#x}: {}", op.offset, op.value, response_string(op.status));
            pending_writes.pop_front();
        }
    }

    // ---- wire::RxWire ----
    void send(wire::Frame frame, std::uint64_t not_before_cycle) override {
        rx_queue.emplace_back(std::move(frame), not_before_cycle);
    }
    std::size_t pending() const override { return rx_queue.size() + (rx_pushed - p->nic.stats().rx_frames); }
    std::uint64_t cycle() const override { return now_cycle(); }
    void set_inter_frame_gap(std::uint32_t cycles) override { ifg_cycles = cycles; }

    std::string diagnosis() const {
        std::string d = fmt::format("cycle {}, seed {} (SystemC top, {})\n", now_cycle(), sc.seed, cfg.name);
        auto const& st = p->nic.stats();
        d += fmt::format(
            "[systemc top] register ops queued {}, RX wire queued {} in NIC {}, DMA bursts read {} "
            "write {} errors {}, frames rx {} tx {}\n",
            p->reg_ops.size(), rx_queue.size(), rx_pushed - st.rx_frames, st.dma_read_bursts, st.dma_write_bursts,
            st.dma_error_responses, st.rx_frames, st.tx_frames);
        for (auto const& [name, describe] : diagnostics) d += fmt::format("[{}]\n{}\n", name, describe());
        return d;
    }
};

void check_systemc_scenario(cosim::Scenario const& s) {
    if (s.config != NicModule::config_name)
        throw cosim::ScenarioError(
            {cosim::ScenarioField::config,
             fmt::format(" {}: the SystemC top is built for {} only (cmake -DNICSIM_SYSTEMC_CONFIG=... picks it)",
                         s.config, NicModule::config_name)});
    if (s.platform.mem_stall_percent > 0)
        throw cosim::ScenarioError({cosim::ScenarioField::mem_stall_percent,
                                    ": AXI channel stalls are not modelled by the SystemC top "
                                    "(its DMA is transaction-level: use ",
                                    cosim::ScenarioField::mem_latency, ")"});
    if (!s.trace.path.empty())
        throw cosim::ScenarioError({cosim::ScenarioField::trace_path, ": the SystemC top does not write waves"});
    if (!s.views.timeline_json.empty() || !s.views.timeline_csv.empty())
        throw cosim::ScenarioError({cosim::ScenarioField::timeline,
                                    ": the packet timeline watches the C++ top's ports (not the SystemC top)"});
    if (!s.faults.empty())
        throw cosim::ScenarioError({cosim::ScenarioField::faults, ": the SystemC top has no fault injection"});
}

SystemcTop::SystemcTop(cosim::Scenario const& scenario) : impl_(std::make_unique<Impl>(scenario)) {}
SystemcTop::~SystemcTop() = default;

dut::DutConfig const& SystemcTop::config() const {
    return impl_->cfg;
}
std::uint64_t SystemcTop::cycle() const {
    return impl_->now_cycle();
}
driver::RegisterBus& SystemcTop::registers() {
    return *impl_;
}

void SystemcTop::flush_registers() {
    while (!impl_->p->reg_ops.empty()) impl_->step(false);
    impl_->check_writes();
    if (!impl_->posted_write_error.empty()) throw std::runtime_error(impl_->posted_write_error);
}

cosim::RegisterStats SystemcTop::register_stats() const {
    return impl_->reg_stats;
}
ringlib::DmaArena& SystemcTop::arena() {
    return impl_->p->host.arena();
}
driver::HostMemoryAccess& SystemcTop::host_memory() {
    if (impl_->ordering) return *impl_->ordering;
    return impl_->direct_memory;
}
std::uint64_t SystemcTop::ordering_violations() const {
    return impl_->ordering ? impl_->ordering->stats().violations : 0;
}

void SystemcTop::set_interrupt_handlers(Isr isr, std::function<void()> dpc) {
    impl_->isr = std::move(isr);
    impl_->dpc = std::move(dpc);
}

wire::RxWire& SystemcTop::rx_wire() {
    return *impl_;
}
bool SystemcTop::rx_wire_idle() const {
    return impl_->pending() == 0;
}
void SystemcTop::on_rx_sent(FrameCallback cb) {
    impl_->rx_sent_cbs.push_back(std::move(cb));
}
void SystemcTop::on_tx_frame(FrameCallback cb) {
    impl_->tx_cbs.push_back(std::move(cb));
}
std::size_t SystemcTop::tx_partial_bytes() const {
    return impl_->p->nic.tx_partial_bytes();
}
void SystemcTop::start_wire(wire::WirePeer& peer) {
    impl_->peer = &peer;
}

void SystemcTop::reset() {
    impl_->p->rst_n.write(false);
    for (std::uint32_t i = 0; i < kResetCycles; ++i) impl_->step(false);
    impl_->p->rst_n.write(true);
    impl_->step(false);
    impl_->last_progress = impl_->now_cycle();
}

void SystemcTop::run_until(std::function<bool()> done, std::uint64_t limit, std::string_view what) {
    std::uint64_t const start = impl_->now_cycle();
    while (!done()) {
        if (impl_->now_cycle() - start >= limit)
            throw sim::CycleLimitReached(fmt::format("waited {} cycles for {} (cycle {}, seed {})", limit, what,
                                                     impl_->now_cycle(), impl_->sc.seed),
                                         impl_->diagnosis());
        impl_->step(true);
    }
}

void SystemcTop::add_between_cycles(std::function<void()> hook) {
    impl_->hooks.push_back(std::move(hook));
}
void SystemcTop::add_diagnostic(std::string name, std::function<std::string()> describe) {
    impl_->diagnostics.emplace_back(std::move(name), std::move(describe));
}
void SystemcTop::report_progress() {
    impl_->last_progress = impl_->now_cycle();
}
std::string SystemcTop::diagnosis() const {
    return impl_->diagnosis();
}
void SystemcTop::finish() noexcept {}

cosim::RunSummary run_on_systemc_top(cosim::Scenario const& scenario,
                                     std::function<void(cosim::Progress const&)> on_progress) {
    cosim::validate(scenario);
    SystemcTop top(scenario);
    cosim::Workload workload(scenario, top);
    if (on_progress) workload.on_progress(std::move(on_progress));
    return workload.run();
}

}  // namespace nicsim::systemc
