// nic_irq on its own: arming, one-shot firing, moderation.
#include "Vrtl_irq_model.h"
#include "clock/verilated_model.hpp"

#include <catch2/catch.hpp>

using nicsim::sim::Context;
using nicsim::sim::ModelBench;

TEST_CASE("nic_irq alone: an armed queue fires once - two cycles after a completion event") {
    ModelBench<Vrtl_irq_model> b(Context::thread_default);
    b.reset(2);
    b->reg_wr_valid = 1;
    b->reg_wr_queue = 2;
    b->reg_wr_offset = 0;  // ARM
    b->reg_wr_data = 1;
    b->reg_wr_strb = 0xF;
    b.edge();
    b->reg_wr_valid = 0;
    CHECK(b->arm == 0x4);
    b->tx_pkt_valid = 1;
    b->tx_pkt_queue = 2;
    b.edge();
    b->tx_pkt_valid = 0;
    CHECK(b->irq_queue == 0);
    b.edge();
    CHECK(b->irq_queue == 0x4);
    CHECK(b->arm == 0);
    b.edge();
    CHECK(b->irq_queue == 0);
}
