// nic_fifo under random push/pop stalls, against a std::deque model: every word, in order, no
// loss or duplication, count, FWFT output, and push+pop in the same cycle when full.
#include <catch2/catch.hpp>

#include <deque>
#include <vector>

#include "Vrtl_common_fifo_w8_d2.h"
#include "Vrtl_common_fifo_w72_d16.h"
#include "harness.hpp"

using namespace nicsim::rtltest;

namespace {

struct FifoW8D2 {
    using Model = Vrtl_common_fifo_w8_d2;
    static constexpr std::size_t kBytes = 1;
    static constexpr std::size_t kDepth = 2;
};
struct FifoW72D16 {
    using Model = Vrtl_common_fifo_w72_d16;
    static constexpr std::size_t kBytes = 9;
    static constexpr std::size_t kDepth = 16;
};

using Word = std::vector<std::uint8_t>;

template <class Sig>
Word read_word(const Sig& s, std::size_t bytes) {
    Word w(bytes);
    for (std::size_t i = 0; i < bytes; ++i) w[i] = get_byte(s, i);
    return w;
}
template <class Sig>
void write_word(Sig& s, const Word& w) {
    for (std::size_t i = 0; i < w.size(); ++i) set_byte(s, i, w[i]);
}

}  // namespace

TEMPLATE_TEST_CASE("fifo passes every word in order under random stalls", "", FifoW8D2, FifoW72D16) {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xF1F0 + TestType::kDepth);
    Clocked<typename TestType::Model> h;
    std::deque<Word> model;
    Word pending;
    bool holding = false;
    std::uint64_t pushes = 0, pops = 0, full_cycles = 0, full_push_pop = 0, empty_cycles = 0;
    double p_valid = 0.5, p_ready = 0.5;
    const double levels[] = {0.05, 0.3, 0.5, 0.8, 1.0};

    for (int cycle = 0; cycle < 40000; ++cycle) {
        if (cycle % 200 == 0) {
            p_valid = levels[uniform(rng, 0, 4)];
            p_ready = levels[uniform(rng, 0, 4)];
        }
        // A source holds valid and data until the word is taken.
        if (!holding && chance(rng, p_valid)) {
            pending.assign(TestType::kBytes, 0);
            for (auto& b : pending) b = static_cast<std::uint8_t>(uniform(rng, 0, 255));
            holding = true;
        }
        h->s_valid = holding;
        if (holding) write_word(h->s_data, pending);
        h->m_ready = chance(rng, p_ready);
        h.settle();

        INFO("cycle " << cycle << ", model holds " << model.size());
        REQUIRE(h->count == model.size());
        REQUIRE(bool(h->m_valid) == !model.empty());
        if (!model.empty()) REQUIRE(read_word(h->m_data, TestType::kBytes) == model.front());
        REQUIRE(bool(h->s_ready) == (model.size() < TestType::kDepth || h->m_ready));

        const bool push = h->s_valid && h->s_ready;
        const bool pop = h->m_valid && h->m_ready;
        if (model.size() == TestType::kDepth) {
            ++full_cycles;
            if (push && pop) ++full_push_pop;
        }
        if (model.empty()) ++empty_cycles;
        h.edge();
        if (pop) {
            model.pop_front();
            ++pops;
        }
        if (push) {
            model.push_back(pending);
            holding = false;
            ++pushes;
        }
    }
    INFO("pushes " << pushes << " pops " << pops);
    CHECK(pushes > 10000);
    CHECK(full_cycles > 100);
    CHECK(full_push_pop > 10);
    CHECK(empty_cycles > 100);
}

TEMPLATE_TEST_CASE("fifo streams one word per cycle once primed", "", FifoW8D2, FifoW72D16) {
    Clocked<typename TestType::Model> h;
    h->s_valid = 1;
    h->m_ready = 1;
    std::uint64_t taken = 0;
    for (int cycle = 0; cycle < 100; ++cycle) {
        write_word(h->s_data, Word(TestType::kBytes, static_cast<std::uint8_t>(cycle)));
        h.settle();
        REQUIRE(h->s_ready);
        if (cycle > 0) {
            REQUIRE(h->m_valid);
            REQUIRE(get_byte(h->m_data, 0) == static_cast<std::uint8_t>(cycle - 1));
            ++taken;
        }
        h.edge();
    }
    CHECK(taken == 99);
}

TEMPLATE_TEST_CASE("fifo comes out of reset empty", "", FifoW8D2, FifoW72D16) {
    Clocked<typename TestType::Model> h;
    h->s_valid = 1;
    h->m_ready = 0;
    for (std::size_t i = 0; i < TestType::kDepth; ++i) h.edge();
    h.settle();
    REQUIRE(h->count == TestType::kDepth);
    REQUIRE_FALSE(h->s_ready);
    h->s_valid = 0;
    h.reset(2);
    h.settle();
    REQUIRE(h->count == 0);
    REQUIRE_FALSE(h->m_valid);
    REQUIRE(h->s_ready);
}
