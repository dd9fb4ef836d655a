// nic_top with every protocol checker bound into it by testbench/checkers/nic_top_checkers.sv
// (the co-simulation's dw64_q1 model: DATA_WIDTH 64, NUM_QUEUES 1): reset, register reads and
// writes through the AXI4-Lite master BFM, idle DMA and stream ports. No checker may fire.
#include <cstdint>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "Vnic_dw64_q1.h"
#include "bfm/axil_blocking.hpp"
#include "bfm/axil_master_bfm.hpp"
#include "checkers/assertions.hpp"
#include "clock/verilated_model.hpp"

using nicsim::sim::Context;
using nicsim::sim::ModelBench;

TEST_CASE("nic_top with checkers bound: reset and register accesses are silent", "[nic_top]") {
    ModelBench<Vnic_dw64_q1> bench(Context::thread_default);
    Vnic_dw64_q1& top = *bench;
    std::mt19937_64 rng(7);
    nicsim::bfm::AxilMasterConfig config;
    config.writes_in_flight = nicsim::bfm::AxilMasterBfm::max_writes_in_flight;  // AW/W overlap earlier B
    config.bready_pause.set_probability(0.3);
    config.rready_pause.set_probability(0.3);
    nicsim::bfm::AxilMasterBfm master(nicsim::bfm::AxilPort::of_slave(top), rng, config);
    auto tick = [&] {
        // host memory that never answers (nothing is enabled, so the NIC issues no DMA), a wire
        // that sends nothing and always accepts
        top.m_axi_awready = 1;
        top.m_axi_wready = 1;
        top.m_axi_arready = 1;
        top.m_axi_bvalid = 0;
        top.m_axi_rvalid = 0;
        top.m_axis_tx_tready = 1;
        top.s_axis_rx_tvalid = 0;
        master.drive();
        bench.edge();
        master.observe();
        REQUIRE_FALSE(top.m_axi_awvalid);
        REQUIRE_FALSE(top.m_axi_arvalid);
    };
    nicsim::bfm::AxilBlocking axil(master, tick);

    for (int i = 0; i < 5; ++i) tick();  // in reset since the model was built
    top.rst_n = 1;
    for (int i = 0; i < 3; ++i) tick();

    // ID block (docs/contract.md): magic, version, DATA_WIDTH, NUM_QUEUES, MAX_FRAME_BYTES
    CHECK(axil.read(0x0000).data == 0x4E494353u);
    CHECK(axil.read(0x0008).data == 64u);
    CHECK(axil.read(0x000C).data == 1u);
    CHECK(axil.read(0x0010).data == 0x2400u);
    for (std::uint32_t a = 0; a < 0x20; a += 4) (void)axil.read(a);
    // a write to a read-only register and one with AW and W apart: any legal answer will do
    axil.post_write(0x0000, 0xFFFFFFFFu);
    axil.post_write(0x0004, 0, nicsim::bfm::AxilWriteOptions{.strb = 0xF, .aw_delay_cycles = 3, .w_delay_cycles = 0});
    axil.flush();
    for (int i = 0; i < 20; ++i) tick();
    CHECK(nicsim::checkers::violation_count() == 0);
    CHECK(bench.cycle() > 50);
}

TEST_CASE("nic_top with checkers bound: a bound checker stops the run", "[nic_top]") {
    ModelBench<Vnic_dw64_q1> top(Context::thread_default);  // in reset since it was built
    top.edges(2);
    top->m_axi_rvalid = 1;  // the host memory answers during reset
    try {
        top.edge();
        FAIL("no violation");
    } catch (nicsim::checkers::ProtocolViolation const& v) {
        CHECK(v.rule() == "axi4.r.reset_valid");
        CHECK(v.port() == "TOP.nic_top.chk_m_axi.r_reset_valid");
        CHECK(v.cycle() == top.cycle());
        CHECK(v.message().find("side=slave") != std::string::npos);
    }
}
