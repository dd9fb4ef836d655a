// minimal_platform: the NIC in a SystemC platform of your own, in one file.
//
// A clock and a reset, host memory as a TLM target, a cable from the NIC's TX fifo back to its
// RX fifo, and a CPU thread that reads the NIC's ID, brings up one TX and one RX ring by hand
// (docs/contract.md), sends one frame and waits for it to come back. Exits 0 when the frame
// that came back is the frame that was sent.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "nic_contract.hpp"
#include "nicsim/systemc/host_memory_target.hpp"
#include "nicsim/systemc/nic_module.hpp"

namespace c = nicsim::contract;
using nicsim::systemc::FrameFifo;
using nicsim::systemc::HostMemoryTarget;
using nicsim::systemc::NicModule;

SC_MODULE(Platform) {
    sc_core::sc_clock clk{"clk", 4, sc_core::SC_NS};  // 250 MHz
    sc_core::sc_signal<bool> rst_n{"rst_n", false};
    FrameFifo to_nic{"to_nic", 4}, from_nic{"from_nic", 4};
    sc_core::sc_vector<sc_core::sc_signal<bool>> irq{"irq", NicModule::num_queues};
    sc_core::sc_signal<bool> irq_error{"irq_error"};
    HostMemoryTarget memory{"memory"};
    NicModule nic{"nic"};
    tlm_utils::simple_initiator_socket<Platform> cpu{"cpu"};
    bool passed = false;

    SC_CTOR(Platform) {
        nic.clk(clk);
        nic.rst_n(rst_n);
        nic.rx_in(to_nic);
        nic.tx_out(from_nic);
        nic.irq_queue.bind(irq);
        nic.irq_error(irq_error);
        nic.dma.bind(memory.socket);
        cpu.bind(nic.regs);
        SC_THREAD(cable);
        SC_THREAD(software);
    }

    void cable() {
        for (;;) to_nic.write(from_nic.read());
    }

    std::uint32_t reg(tlm::tlm_command cmd, std::uint16_t addr, std::uint32_t value = 0) {
        tlm::tlm_generic_payload t;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));  // little-endian host
        t.set_data_length(4);
        t.set_streaming_width(4);
        cpu->b_transport(t, delay);
        if (!t.is_response_ok()) SC_REPORT_ERROR("platform", t.get_response_string().c_str());
        return value;
    }
    void write(std::uint16_t addr, std::uint32_t value) {
        reg(tlm::TLM_WRITE_COMMAND, addr, value);
    }
    std::uint32_t read(std::uint16_t addr) {
        return reg(tlm::TLM_READ_COMMAND, addr);
    }

    // Descriptor and completion rings of 8 entries for `block` (QREG_TX or QREG_RX) of queue 0.
    std::uint64_t bring_up(std::uint8_t block) {
        auto& arena = memory.arena();
        auto const desc = arena.allocate(8 * c::DESC_BYTES, 64);
        auto const cpl = arena.allocate(8 * c::CPL_BYTES, 64);
        std::memset(cpl.virtual_address, 0, cpl.size_bytes);
        write(c::queue_reg(0, block, c::RING_BASE_LO), static_cast<std::uint32_t>(desc.logical_address));
        write(c::queue_reg(0, block, c::RING_BASE_HI), static_cast<std::uint32_t>(desc.logical_address >> 32));
        write(c::queue_reg(0, block, c::RING_CPL_BASE_LO), static_cast<std::uint32_t>(cpl.logical_address));
        write(c::queue_reg(0, block, c::RING_CPL_BASE_HI), static_cast<std::uint32_t>(cpl.logical_address >> 32));
        write(c::queue_reg(0, block, c::RING_SIZE_LOG2), 3);
        write(c::queue_reg(0, block, c::RING_CTRL), 1);
        return desc.logical_address;
    }

    void software() {
        wait(40, sc_core::SC_NS);
        rst_n.write(true);
        wait(16, sc_core::SC_NS);
        std::printf("NIC: magic %#x, %u-bit data path, %u queues\n", read(c::REG_ID_MAGIC), read(c::REG_ID_DATA_WIDTH),
                    read(c::REG_ID_NUM_QUEUES));
        auto& arena = memory.arena();

        // RX: one 2 KiB buffer posted.
        std::uint64_t const rx_ring = bring_up(c::QREG_RX);
        auto const rx_buf = arena.allocate(2048, c::RX_BUF_ALIGN_BYTES);
        c::rx_desc_t rx_desc{rx_buf.logical_address, 2048};
        auto const rx_raw = rx_desc.encode();
        std::memcpy(arena.to_virtual(rx_ring), rx_raw.data(), rx_raw.size());
        write(c::queue_reg(0, c::QREG_RX, c::RING_PROD), 1);

        // TX: one 64-byte frame.
        std::uint64_t const tx_ring = bring_up(c::QREG_TX);
        auto const frame = arena.allocate(64, 64);
        auto* bytes = static_cast<std::uint8_t*>(frame.virtual_address);
        for (unsigned i = 0; i < 64; ++i) bytes[i] = static_cast<std::uint8_t>(i < 6 ? 0xff : i);
        c::tx_desc_t tx_desc;
        tx_desc.addr = frame.logical_address;
        tx_desc.len = 64;
        tx_desc.eop = true;
        auto const tx_raw = tx_desc.encode();
        std::memcpy(arena.to_virtual(tx_ring), tx_raw.data(), tx_raw.size());
        write(c::queue_reg(0, c::QREG_TX, c::RING_PROD), 1);

        // The frame is back when RING_CONS of the RX ring moved past the buffer.
        for (int i = 0; i < 1000 && read(c::queue_reg(0, c::QREG_RX, c::RING_CONS)) == 0; ++i)
            wait(clk.posedge_event());
        passed = std::equal(bytes, bytes + 64, static_cast<std::uint8_t const*>(rx_buf.virtual_address));
        std::printf("frame looped back %s after %llu NIC cycles\n", passed ? "intact" : "CORRUPT OR MISSING",
                    static_cast<unsigned long long>(nic.cycle()));
        sc_core::sc_stop();
    }
};

int sc_main(int, char*[]) {
    Platform platform("platform");
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_MS));  // a bound, never a hang
    return platform.passed ? 0 : 1;
}
