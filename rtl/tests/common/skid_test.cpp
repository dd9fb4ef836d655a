// nic_skid under random stalls, against a 2-entry std::deque model: every word in order, s_ready
// registered (independent of m_ready within a cycle), and one word per cycle when nothing stalls.
#include <catch2/catch.hpp>

#include <deque>

#include "Vrtl_common_skid_w16.h"
#include "harness.hpp"

using namespace nicsim::rtltest;

TEST_CASE("skid passes every word in order under random stalls") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x5C1D);
    Clocked<Vrtl_common_skid_w16> h;
    std::deque<std::uint16_t> model;
    std::uint16_t pending = 0;
    bool holding = false;
    std::uint64_t pushes = 0, both = 0, skid_used = 0;
    double p_valid = 0.5, p_ready = 0.5;
    const double levels[] = {0.05, 0.3, 0.5, 0.8, 1.0};

    for (int cycle = 0; cycle < 40000; ++cycle) {
        if (cycle % 150 == 0) {
            p_valid = levels[uniform(rng, 0, 4)];
            p_ready = levels[uniform(rng, 0, 4)];
        }
        if (!holding && chance(rng, p_valid)) {
            pending = static_cast<std::uint16_t>(uniform(rng, 0, 0xFFFF));
            holding = true;
        }
        h->s_valid = holding;
        h->s_data = pending;
        const bool ready = chance(rng, p_ready);

        // s_ready must not follow m_ready within the cycle.
        h->m_ready = !ready;
        h.settle();
        const bool s_ready_other = h->s_ready;
        h->m_ready = ready;
        h.settle();

        INFO("cycle " << cycle << ", model holds " << model.size());
        REQUIRE(bool(h->s_ready) == s_ready_other);
        REQUIRE(bool(h->s_ready) == (model.size() < 2));
        REQUIRE(bool(h->m_valid) == !model.empty());
        if (!model.empty()) REQUIRE(h->m_data == model.front());

        const bool push = h->s_valid && h->s_ready;
        const bool pop = h->m_valid && h->m_ready;
        if (push && pop) ++both;
        if (model.size() == 2) ++skid_used;
        h.edge();
        if (pop) model.pop_front();
        if (push) {
            model.push_back(pending);
            holding = false;
            ++pushes;
        }
    }
    CHECK(pushes > 10000);
    CHECK(both > 1000);
    CHECK(skid_used > 100);
}

TEST_CASE("skid streams one word per cycle with no bubbles") {
    Clocked<Vrtl_common_skid_w16> h;
    h->s_valid = 1;
    h->m_ready = 1;
    for (int cycle = 0; cycle < 100; ++cycle) {
        h->s_data = static_cast<std::uint16_t>(cycle);
        h.settle();
        REQUIRE(h->s_ready);
        if (cycle > 0) {
            REQUIRE(h->m_valid);
            REQUIRE(h->m_data == cycle - 1);
        }
        h.edge();
    }
}
