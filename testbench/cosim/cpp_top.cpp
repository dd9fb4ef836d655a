// CppTop: see cpp_top.hpp.
#include "cpp_top.hpp"

#include "cosim/stop_request.hpp"
#include "cosim/workload.hpp"
#include "fst/fst_file.hpp"

#include <algorithm>
#include <filesystem>

#include <unistd.h>

#include <fmt/format.h>

namespace nicsim::cosim {

/// Ticks the wire peer before every other agent drives.
class CppTop::PeerTicker final : public sim::Agent {
public:
    explicit PeerTicker(sim::Kernel& k) : k_(k) {}
    wire::WirePeer* peer = nullptr;
    void drive() override {
        if (peer) peer->tick(k_.cycle());
    }
    void observe() override {}
    bool observes() const noexcept override { return false; }

private:
    sim::Kernel& k_;
};

CppTop::CppTop(Scenario const& sc) {
    auto const names = dut::dut_config_names();
    if (std::find(names.begin(), names.end(), sc.config) == names.end())
        throw ScenarioError({ScenarioField::config, fmt::format(": no configuration '{}' in this build (built: {})",
                                                                sc.config, fmt::join(names, ", "))});
    // A run that writes no waves takes the untraced model where the build has one (dut.hpp).
    dut_ = dut::make_dut(sc.config, sc.trace.path.empty() ? dut::Tracing::never : dut::Tracing::possible);
    if (sc.trace.threads && *sc.trace.threads != dut_->trace_threads())
        throw ScenarioError(
            {ScenarioField::trace_threads, fmt::format(": {} is not what {} was verilated with ({}; see "
                                                       "NICSIM_DUT_TRACE_THREADS in verilated/configs.cmake)",
                                                       *sc.trace.threads, sc.config, dut_->trace_threads())});

    sim::KernelConfig kc;
    kc.seed = sc.seed;
    // Progress (a packet, an MMIO read) must come within the watchdog the scenario makes normal.
    kc.watchdog_cycles =
        run_limits(sc, dut_->config().data_bytes(), sc.platform.queues ? sc.platform.queues : dut_->config().num_queues)
            .watchdog_cycles;
    // The kernel checks the limit after every cycle, inside blocking register reads too: the run
    // simulates at most --max-cycles cycles, exactly (the workload's own check runs between
    // cycles only, and guards the default limit).
    kc.max_cycles = sc.checks.max_cycles;
    kernel_ = std::make_unique<sim::Kernel>(*dut_, kc);
    if (!sc.trace.path.empty()) {
        trace_path_ = sc.trace.path;
        try {
            trace_out_ = std::make_unique<io::OutputFile>(sc.trace.path, io::OutputOptions{.regular_only = true});
        } catch (io::OutputFileError const& e) {
            throw ScenarioError({ScenarioField::trace_path, fmt::format(" {}", e.what())});
        }
        if (sc.trace.ring_cycles) {
            // Segments beside the output, hidden and named after it and this process.
            std::filesystem::path stem =
                trace_out_->write_path().parent_path() /
                fmt::format(".{}.ring-{}", std::filesystem::path(sc.trace.path).filename().string(), ::getpid());
            recorder_ = std::make_unique<sim::FlightRecorder>(*kernel_, stem, sc.trace.ring_cycles,
                                                              dut::TraceOptions{sc.trace.scopes, sc.trace.depth});
            kernel_->add_between_cycles([this] {
                if (take_waves_request()) [[unlikely]]
                    write_requested_waves();
            });
        }
    }
    if (!sc.trace.path.empty() && !sc.trace.ring_cycles) {
        sim::TraceWindow w;
        w.path = trace_out_->write_path().string();
        w.first_cycle = sc.trace.first_cycle;
        w.last_cycle = sc.trace.last_cycle;
        w.options.depth = sc.trace.depth;
        w.options.scopes = sc.trace.scopes;
        try {
            kernel_->set_trace_window(std::move(w));
        } catch (std::invalid_argument const& e) {
            throw ScenarioError({ScenarioField::trace_window, fmt::format(": {}", e.what())});
        }
    }

    ticker_ = std::make_unique<PeerTicker>(*kernel_);
    kernel_->add_agent(*ticker_);
    auto& ports = dut_->ports();
    bfm::AxisSourceConfig src_cfg;
    src_cfg.pause.set_probability(sc.platform.rx_stall_percent / 100.0);
    rx_src_ =
        std::make_unique<bfm::AxisSource>(dut_->stream_port(ports.s_axis_rx, "s_axis_rx"), kernel_->rng(), src_cfg);
    bfm::AxisSinkConfig sink_cfg;
    sink_cfg.pause.set_probability(sc.platform.tx_stall_percent / 100.0);
    tx_sink_ =
        std::make_unique<bfm::AxisSink>(dut_->stream_port(ports.m_axis_tx, "m_axis_tx"), kernel_->rng(), sink_cfg);
    rx_src_->keep_sent(false);
    tx_sink_->keep(false);
    kernel_->add_bfm(*rx_src_);
    kernel_->add_bfm(*tx_sink_);

    host::HostConfig hc;
    hc.memory.size_bytes = plan_rings(sc, dut_->config()).host_memory_bytes;  // what the scenario's rings take
    hc.memory.axi.read_latency = bfm::Latency::uniform(sc.platform.mem_latency_min, sc.platform.mem_latency_max);
    hc.memory.axi.write_latency = bfm::Latency::uniform(sc.platform.mem_latency_min, sc.platform.mem_latency_max);
    hc.memory.axi.set_all_pauses(sc.platform.mem_stall_percent / 100.0);
    hc.mmio.throw_on_error = true;
    hc.memory.memory_order = sc.platform.memory_order;
    hc.memory.ordering_seed = traffic_seed(sc.seed, 2);
    host_ = std::make_unique<host::Host>(*kernel_, hc);
}

std::uint64_t CppTop::ordering_violations() const {
    auto const* ordering = host_->memory.ordering();
    return ordering ? ordering->stats().violations : 0;
}

CppTop::~CppTop() = default;

RegisterStats CppTop::register_stats() const {
    auto const& s = host_->mmio.stats();
    return {s.reads, s.writes};
}

void CppTop::set_interrupt_handlers(Isr isr, std::function<void()> dpc) {
    host_->interrupts.isr = [isr = std::move(isr)](host::Interrupt const& irq) {
        return isr(irq.error() ? 0u : irq.line, irq.error());
    };
    host_->interrupts.dpc = std::move(dpc);
}

std::string CppTop::trace_file() const {
    if (ring_written_) return trace_path_;
    return kernel_->trace_window_opened() && trace_out_ && trace_out_->committed() ? trace_path_ : std::string();
}

Platform::RegisterProbe CppTop::probe_register(bool write, std::uint16_t offset, std::uint32_t value) {
    auto& mmio = host_->mmio;
    mmio.flush();  // earlier writes (and their errors, which are real) first
    bool const throwing = mmio.config().throw_on_error;
    mmio.config().throw_on_error = false;
    auto const errors_before = mmio.stats().error_responses;
    RegisterProbe p;
    if (write) {
        mmio.write32(offset, value);
        mmio.flush();
    } else {
        p.data = mmio.read32(offset);
    }
    if (mmio.stats().error_responses != errors_before) {
        p.resp = mmio.master().last_result().resp;
        if (!write) p.data = mmio.master().last_result().data;  // the port's data, not the CPU's all ones
    }
    mmio.config().throw_on_error = throwing;
    return p;
}

void CppTop::start_wire(wire::WirePeer& peer) {
    ticker_->peer = &peer;
}

void CppTop::write_requested_waves() {
    // NAME.fst -> NAME.usr1-K.fst beside it, K counting from 1.
    std::filesystem::path out(trace_path_);
    std::filesystem::path const ext = out.extension();
    out.replace_extension();
    out += fmt::format(".usr1-{}", ring_dumps_.size() + 1);
    out += ext.empty() ? std::filesystem::path(".fst") : ext;
    try {
        io::OutputFile file(out, io::OutputOptions{.regular_only = true});
        auto const w = recorder_->write(file.write_path(), /*resume=*/true);
        if (!w) return;
        file.commit();
        ring_dumps_.push_back({out.string(), w->first_cycle, w->last_cycle});
    } catch (std::exception const& e) {  // io::OutputFileError, waves::FstError: named, the run goes on
        trace_error_ = fmt::format("--waves-ring {}: {}", out.string(), e.what());
    }
}

void CppTop::finish() noexcept {
    if (recorder_ && trace_out_ && !trace_out_->committed()) {
        try {
            if (recorder_->write(trace_out_->write_path(), /*resume=*/false)) {
                trace_out_->commit();
                ring_written_ = true;
            }
        } catch (std::exception const& e) {
            trace_error_ = fmt::format("--trace {} (--waves-ring): {}", trace_path_, e.what());
        }
        recorder_.reset();
        if (!trace_out_->committed()) trace_out_.reset();
        return;
    }
    try {
        if (dut_->tracing()) dut_->close_trace();
    } catch (...) {
        // A trace that cannot be closed is reported by the file being short; nothing else to do.
    }
    if (!trace_out_ || trace_out_->committed()) return;
    if (!kernel_->trace_window_opened()) {
        trace_out_.reset();  // the window never opened: no file, the temporary goes
        return;
    }
    try {
        trace_out_->commit();
    } catch (std::exception const& e) {
        trace_error_ = fmt::format("--trace {}", e.what());
    }
}

}  // namespace nicsim::cosim
