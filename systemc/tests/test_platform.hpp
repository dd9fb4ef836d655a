// TestPlatform: the smallest SystemC platform around one NicModule, for the tests of systemc/.
//
// A 250 MHz sc_clock, reset held low for 8 cycles, HostMemoryTarget on the DMA socket, RX/TX
// frame fifos, the interrupts on sc_signals with every rising edge recorded, and a CPU-side
// initiator socket for registers. The test's `software` runs in an SC_THREAD once reset is
// released; run() simulates until it returns (then sc_stop) or until a time limit, so a test
// never hangs. Software records what it saw in the test's variables; the test body asserts on
// them after run() (Catch2 assertions are not made from inside SystemC processes).
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <fmt/format.h>

#include "nic_contract.hpp"
#include "nicsim/systemc/host_memory_target.hpp"
#include "nicsim/systemc/nic_module.hpp"

namespace nicsim::systemc::test {

namespace c = nicsim::contract;

inline sc_core::sc_time const kPeriod{4, sc_core::SC_NS};

struct RegResult {
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    std::uint32_t value = 0;
    sc_core::sc_time delay;  // as b_transport returned it
};

struct IrqLine {
    std::vector<sc_core::sc_time> rises, falls;
};

class TestPlatform : public sc_core::sc_module {
public:
    sc_core::sc_clock clk{"clk", kPeriod};
    sc_core::sc_signal<bool> rst_n{"rst_n", false};
    FrameFifo rx_fifo;
    FrameFifo tx_fifo;
    sc_core::sc_vector<sc_core::sc_signal<bool>> irq_queue;
    sc_core::sc_signal<bool> irq_error{"irq_error"};
    HostMemoryTarget host;
    NicModule nic;
    tlm_utils::simple_initiator_socket<TestPlatform> cpu{"cpu"};

    std::function<void(TestPlatform&)> software;
    std::uint64_t edges = 0;  // rising clk edges, counted by the platform itself
    std::vector<IrqLine> irq_lines;
    IrqLine irq_error_line;

    explicit TestPlatform(sc_core::sc_module_name name, HostMemoryTargetConfig host_cfg = {}, int tx_fifo_depth = 16,
                          NicModuleConfig nic_cfg = {})
        : sc_module(first_platform_of_process(name)),
          rx_fifo("rx_fifo", 16),
          tx_fifo("tx_fifo", tx_fifo_depth),
          irq_queue("irq_queue", NicModule::num_queues),
          host("host", host_cfg),
          nic("nic", nic_cfg),
          irq_lines(NicModule::num_queues) {
        nic.clk(clk);
        nic.rst_n(rst_n);
        nic.rx_in(rx_fifo);
        nic.tx_out(tx_fifo);
        nic.irq_queue.bind(irq_queue);
        nic.irq_error(irq_error);
        nic.dma.bind(host.socket);
        cpu.bind(nic.regs);

        SC_HAS_PROCESS(TestPlatform);
        SC_METHOD(count_edges);
        sensitive << clk.posedge_event();
        dont_initialize();
        SC_METHOD(watch_irqs);
        for (auto& s : irq_queue) sensitive << s;
        sensitive << irq_error;
        dont_initialize();
        SC_THREAD(run_software);
    }

    /// Simulates until software returns or `limit` passes; true when software finished.
    bool run(sc_core::sc_time limit = sc_core::sc_time(1, sc_core::SC_MS)) {
        sc_core::sc_start(limit);
        return done_;
    }

    // ---- what software calls (from its SC_THREAD) ----

    RegResult transport(tlm::tlm_command cmd, std::uint64_t addr, std::uint32_t value,
                        sc_core::sc_time delay = sc_core::SC_ZERO_TIME, unsigned length = 4,
                        unsigned char const* byte_enables = nullptr, unsigned be_length = 0) {
        unsigned char data[8] = {};
        for (unsigned i = 0; i < 4; ++i) data[i] = static_cast<unsigned char>(value >> (8 * i));
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(data);
        t.set_data_length(length);
        t.set_streaming_width(length);
        t.set_byte_enable_ptr(const_cast<unsigned char*>(byte_enables));
        t.set_byte_enable_length(be_length);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        cpu->b_transport(t, delay);
        RegResult r;
        r.status = t.get_response_status();
        for (unsigned i = 0; i < 4; ++i) r.value |= std::uint32_t{data[i]} << (8 * i);
        r.delay = delay;
        return r;
    }
    RegResult read(std::uint64_t addr) { return transport(tlm::TLM_READ_COMMAND, addr, 0); }
    RegResult write(std::uint64_t addr, std::uint32_t value) { return transport(tlm::TLM_WRITE_COMMAND, addr, value); }

    /// A register write that must succeed (bring-up steps).
    void write_ok(std::uint64_t addr, std::uint32_t value) {
        auto const r = write(addr, value);
        if (r.status != tlm::TLM_OK_RESPONSE)
            throw std::runtime_error(
                fmt::format("register write {:#06x} <- {:#x}: {}", addr, value, tlm_response_string(r.status)));
    }
    std::uint32_t read_ok(std::uint64_t addr) {
        auto const r = read(addr);
        if (r.status != tlm::TLM_OK_RESPONSE)
            throw std::runtime_error(fmt::format("register read {:#06x}: {}", addr, tlm_response_string(r.status)));
        return r.value;
    }

    void wait_cycles(unsigned n) {
        for (unsigned i = 0; i < n; ++i) wait(clk.posedge_event());
    }
    /// Waits clock cycles until pred() holds; false after max_cycles.
    bool wait_until(std::function<bool()> const& pred, unsigned max_cycles) {
        for (unsigned i = 0; i < max_cycles; ++i) {
            if (pred()) return true;
            wait(clk.posedge_event());
        }
        return pred();
    }

    static std::string tlm_response_string(tlm::tlm_response_status s) {
        tlm::tlm_generic_payload t;
        t.set_response_status(s);
        return t.get_response_string();
    }

private:
    static sc_core::sc_module_name const& first_platform_of_process(sc_core::sc_module_name const& name) {
        if (sc_core::sc_get_status() != sc_core::SC_ELABORATION)
            throw std::logic_error(
                "SystemC simulates one platform per process: run one test case per process (ctest does; "
                "by hand: systemc_tests with no arguments, or with one test name)");
        return name;
    }

    void count_edges() { ++edges; }

    void watch_irqs() {
        auto const now = sc_core::sc_time_stamp();
        auto note = [&](sc_core::sc_signal<bool> const& s, IrqLine& line) {
            if (s.event()) (s.read() ? line.rises : line.falls).push_back(now);
        };
        for (unsigned q = 0; q < irq_queue.size(); ++q) note(irq_queue[q], irq_lines[q]);
        note(irq_error, irq_error_line);
    }

    void run_software() {
        wait_cycles(8);
        rst_n.write(true);
        wait_cycles(4);
        if (software) software(*this);
        done_ = true;
        sc_core::sc_stop();
    }

    bool done_ = false;
};

// ---- rings programmed by hand (what the driver does at bring-up, docs/contract.md) ----

struct Ring {
    unsigned queue = 0;
    std::uint8_t block = c::QREG_TX;  // QREG_TX or QREG_RX
    unsigned size = 0;
    std::uint64_t desc_base = 0;
    std::uint64_t cpl_base = 0;

    std::uint16_t reg(std::uint8_t offset) const { return c::queue_reg(queue, block, offset); }
    std::uint64_t desc_addr(unsigned i) const { return desc_base + std::uint64_t{i % size} * c::DESC_BYTES; }
    std::uint64_t cpl_addr(unsigned i) const { return cpl_base + std::uint64_t{i % size} * c::CPL_BYTES; }
};

/// Allocates the descriptor and completion rings in host memory, zeroes the completions,
/// programs the ring's registers and enables it.
inline Ring bring_up_ring(TestPlatform& p, unsigned queue, std::uint8_t block, unsigned size_log2) {
    Ring r;
    r.queue = queue;
    r.block = block;
    r.size = 1u << size_log2;
    auto& arena = p.host.arena();
    r.desc_base = arena.allocate(r.size * c::DESC_BYTES, 64).logical_address;
    r.cpl_base = arena.allocate(r.size * c::CPL_BYTES, 64).logical_address;
    auto cpl = p.host.bytes(r.cpl_base, r.size * c::CPL_BYTES);
    std::fill(cpl.begin(), cpl.end(), std::uint8_t{0});
    p.write_ok(r.reg(c::RING_BASE_LO), static_cast<std::uint32_t>(r.desc_base));
    p.write_ok(r.reg(c::RING_BASE_HI), static_cast<std::uint32_t>(r.desc_base >> 32));
    p.write_ok(r.reg(c::RING_CPL_BASE_LO), static_cast<std::uint32_t>(r.cpl_base));
    p.write_ok(r.reg(c::RING_CPL_BASE_HI), static_cast<std::uint32_t>(r.cpl_base >> 32));
    p.write_ok(r.reg(c::RING_SIZE_LOG2), size_log2);
    p.write_ok(r.reg(c::RING_CTRL), static_cast<std::uint32_t>(c::RING_CTRL_ENABLE.put(0, 1)));
    return r;
}

template <class Desc>
void put_desc(TestPlatform& p, Ring const& r, unsigned idx, Desc const& d) {
    auto const raw = d.encode();
    auto dst = p.host.bytes(r.desc_addr(idx), raw.size());
    std::copy(raw.begin(), raw.end(), dst.begin());
}

/// The completion in slot idx, if its phase says it is new in the first pass over the ring.
template <class Cpl>
std::optional<Cpl> first_pass_cpl(TestPlatform& p, Ring const& r, unsigned idx) {
    auto raw = p.host.bytes(r.cpl_addr(idx), Cpl::bytes);
    if ((raw[Cpl::bytes - 1] & 0x80) == 0) return std::nullopt;  // phase bit 127: 1 in pass one
    return Cpl::decode(std::span<std::uint8_t const, Cpl::bytes>(raw.data(), Cpl::bytes));
}

/// A frame of `len` bytes: broadcast Ethernet header, a local experimental EtherType, then a
/// byte pattern that starts at `seed`.
inline wire::Frame test_frame(std::size_t len, std::uint8_t seed) {
    wire::Frame f;
    f.bytes.resize(len);
    for (std::size_t i = 0; i < len; ++i) f.bytes[i] = static_cast<std::uint8_t>(seed + i * 7);
    for (std::size_t i = 0; i < 6 && i < len; ++i) f.bytes[i] = 0xff;
    if (len >= 14) {
        f.bytes[12] = 0x88;
        f.bytes[13] = 0xb5;
    }
    return f;
}

}  // namespace nicsim::systemc::test
