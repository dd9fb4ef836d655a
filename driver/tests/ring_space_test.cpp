// Ring-space accounting: the driver never posts more than the hardware ring holds.
#include <nicsim/driver/ring_space.hpp>

#include <catch2/catch.hpp>

using nicsim::driver::DescriptorRingSpace;

TEST_CASE("a ring of N entries holds N - 1 outstanding descriptors") {
    auto const entries = GENERATE(2u, 8u, 256u, 65536u);
    DescriptorRingSpace space(entries);
    CHECK(space.capacity() == entries - 1);
    CHECK(space.free() == entries - 1);
    space.produce(entries - 1);
    CHECK(space.free() == 0);
    CHECK(space.outstanding() == entries - 1);
    CHECK_THROWS_AS(space.produce(1), std::logic_error);
}

TEST_CASE("ring space follows produce and consume across the wrap") {
    DescriptorRingSpace space(8);
    space.produce(6);
    space.consume(5);
    CHECK(space.outstanding() == 1);
    CHECK(space.consume_index() == 5);
    space.produce(6);  // indices wrap: 6 + 6 = 12 -> 4
    CHECK(space.produce_index() == 4);
    CHECK(space.outstanding() == 7);
    CHECK(space.free() == 0);
    space.consume(7);
    CHECK(space.consume_index() == 4);
    CHECK(space.free() == 7);
    CHECK_THROWS_AS(space.consume(1), std::logic_error);
}

TEST_CASE("a ring reset empties the ring at index 0") {
    DescriptorRingSpace space(16);
    space.produce(9);
    space.consume(3);
    space.reset();
    CHECK(space.produce_index() == 0);
    CHECK(space.consume_index() == 0);
    CHECK(space.free() == 15);
}

TEST_CASE("ring sizes that are not powers of two are refused") {
    CHECK_THROWS_AS(DescriptorRingSpace(0), std::invalid_argument);
    CHECK_THROWS_AS(DescriptorRingSpace(1), std::invalid_argument);
    CHECK_THROWS_AS(DescriptorRingSpace(12), std::invalid_argument);
}
