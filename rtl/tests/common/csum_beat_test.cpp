// nic_csum_beat against the reference (nicsim::model::beat_sum) on random beats and masks, at 64
// and 512 bits, plus the corner cases of the end-around carry.
#include <catch2/catch.hpp>

#include <array>

#include "Vrtl_common_csum_beat_w512.h"
#include "Vrtl_common_csum_beat_w64.h"
#include "harness.hpp"
#include "model/checksum.hpp"

using namespace nicsim::rtltest;
namespace model = nicsim::model;

namespace {

struct CsumW64 {
    using Model = Vrtl_common_csum_beat_w64;
    static constexpr std::size_t kLanes = 8;
};
struct CsumW512 {
    using Model = Vrtl_common_csum_beat_w512;
    static constexpr std::size_t kLanes = 64;
};

template <class T>
std::uint16_t dut_sum(typename T::Model& m, const std::array<std::uint8_t, T::kLanes>& lanes,
                      const std::array<bool, T::kLanes>& mask) {
    for (std::size_t i = 0; i < T::kLanes; ++i) {
        set_byte(m.data, i, lanes[i]);
        set_bit(m.mask, i, mask[i]);
    }
    m.eval();
    return m.sum;
}

}  // namespace

TEMPLATE_TEST_CASE("csum_beat matches the reference on random beats", "", CsumW64, CsumW512) {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xC5C5 + TestType::kLanes);
    VerilatedContext ctx;
    typename TestType::Model m{&ctx};
    for (int iter = 0; iter < 20000; ++iter) {
        std::array<std::uint8_t, TestType::kLanes> lanes{};
        std::array<bool, TestType::kLanes> mask{};
        // Mix byte distributions so that the carries are exercised: random, all 0xFF, mostly zero.
        const auto style = uniform(rng, 0, 3);
        for (auto& b : lanes) {
            b = style == 1   ? 0xFF
                : style == 2 ? (chance(rng, 0.1) ? static_cast<std::uint8_t>(uniform(rng, 0, 255)) : 0)
                             : static_cast<std::uint8_t>(uniform(rng, 0, 255));
        }
        // Masks: full, contiguous prefix (last beat), contiguous suffix (first beat), random.
        const auto mstyle = uniform(rng, 0, 3);
        const auto cut = uniform(rng, 0, TestType::kLanes);
        for (std::size_t i = 0; i < TestType::kLanes; ++i) {
            mask[i] = mstyle == 0 ? true : mstyle == 1 ? i < cut : mstyle == 2 ? i >= cut : chance(rng, 0.5);
        }
        const std::uint16_t want = model::beat_sum(lanes, mask);
        INFO("iteration " << iter);
        REQUIRE(dut_sum<TestType>(m, lanes, mask) == want);
    }
}

TEMPLATE_TEST_CASE("csum_beat corner cases", "", CsumW64, CsumW512) {
    VerilatedContext ctx;
    typename TestType::Model m{&ctx};
    std::array<std::uint8_t, TestType::kLanes> lanes{};
    std::array<bool, TestType::kLanes> mask{};
    mask.fill(true);

    SECTION("all zero sums to 0x0000") {
        CHECK(dut_sum<TestType>(m, lanes, mask) == 0x0000);
    }
    SECTION("all 0xFF sums to 0xFFFF") {
        lanes.fill(0xFF);
        CHECK(dut_sum<TestType>(m, lanes, mask) == 0xFFFF);
    }
    SECTION("masked lanes count as zero") {
        lanes.fill(0xFF);
        mask.fill(false);
        CHECK(dut_sum<TestType>(m, lanes, mask) == 0x0000);
    }
    SECTION("lane 0 is the high byte of word 0") {
        lanes[0] = 0x12;
        lanes[1] = 0x34;
        CHECK(dut_sum<TestType>(m, lanes, mask) == 0x1234);
        mask[1] = false;
        CHECK(dut_sum<TestType>(m, lanes, mask) == 0x1200);
    }
    SECTION("carries wrap around") {
        lanes[0] = 0xFF;
        lanes[1] = 0xFF;
        lanes[2] = 0x00;
        lanes[3] = 0x02;
        CHECK(dut_sum<TestType>(m, lanes, mask) == 0x0002);  // 0xFFFF + 0x0002 = 0x0002 (+0)
    }
}
