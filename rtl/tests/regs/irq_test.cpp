// nic_irq on its own: arming, one-shot firing, moderation.
#include "Vrtl_irq_model.h"

#include <catch2/catch.hpp>

namespace {

struct IrqBench {
    Vrtl_irq_model m;
    IrqBench() {
        m.rst_n = 0;
        tick();
        tick();
        m.rst_n = 1;
    }
    void tick() {
        m.clk = 0;
        m.eval();
        m.clk = 1;
        m.eval();
    }
};

}  // namespace

TEST_CASE("nic_irq alone: an armed queue fires once - two cycles after a completion event") {
    IrqBench b;
    b.m.reg_wr_valid = 1;
    b.m.reg_wr_queue = 2;
    b.m.reg_wr_offset = 0;  // ARM
    b.m.reg_wr_data = 1;
    b.m.reg_wr_strb = 0xF;
    b.tick();
    b.m.reg_wr_valid = 0;
    CHECK(b.m.arm == 0x4);
    b.m.tx_pkt_valid = 1;
    b.m.tx_pkt_queue = 2;
    b.tick();
    b.m.tx_pkt_valid = 0;
    CHECK(b.m.irq_queue == 0);
    b.tick();
    CHECK(b.m.irq_queue == 0x4);
    CHECK(b.m.arm == 0);
    b.tick();
    CHECK(b.m.irq_queue == 0);
}
