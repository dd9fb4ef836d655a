#include "test_support.hpp"

#include <catch2/catch.hpp>

using ringlib::DmaArena;
using ringlib::DmaArenaError;

TEST_CASE("DmaArena hands out aligned blocks translatable in both directions") {
    ostest::HostMemory memory(1 << 16);
    DmaArena& arena = memory.arena;
    auto const a = arena.allocate(100, 64);
    auto const b = arena.allocate(10, 4096);
    CHECK(a.size_bytes == 100);
    CHECK(a.logical_address % 64 == 0);
    CHECK(b.logical_address % 4096 == 0);
    CHECK(reinterpret_cast<std::uintptr_t>(b.virtual_address) % 4096 == 0);
    CHECK(b.logical_address >= a.logical_address + 100);
    CHECK(arena.to_virtual(a.logical_address + 7) == static_cast<unsigned char*>(a.virtual_address) + 7);
    CHECK(arena.to_logical(static_cast<unsigned char*>(b.virtual_address) + 3) == b.logical_address + 3);
    CHECK(arena.allocated_block_count() == 2);
}

TEST_CASE("DmaArena reuses freed space and coalesces neighbours") {
    ostest::HostMemory memory(4096);
    DmaArena& arena = memory.arena;
    auto const a = arena.allocate(1024, 64);
    auto const b = arena.allocate(1024, 64);
    auto const c = arena.allocate(2048, 64);
    CHECK(arena.free_bytes() == 0);
    arena.free(a);
    arena.free(b);
    CHECK(arena.largest_free_block_bytes() == 2048);
    auto const d = arena.allocate(2048, 64);
    CHECK(d.logical_address == a.logical_address);
    arena.free(c);
    arena.free(d);
    CHECK(arena.free_bytes() == 4096);
    CHECK(arena.largest_free_block_bytes() == 4096);
}

TEST_CASE("DmaArena exhaustion names size, alignment and what remains") {
    ostest::HostMemory memory(4096);
    memory.arena.allocate(4000, 64);
    CHECK_THROWS_WITH(memory.arena.allocate(200, 128), Catch::Contains("200 bytes") &&
                                                           Catch::Contains("aligned to 128") &&
                                                           Catch::Contains("96 of 4096"));
}

TEST_CASE("DmaArena rejects bad requests and foreign addresses") {
    ostest::HostMemory memory(4096);
    CHECK_THROWS_AS(memory.arena.allocate(0, 64), DmaArenaError);
    CHECK_THROWS_AS(memory.arena.allocate(8, 48), DmaArenaError);
    CHECK_THROWS_WITH(memory.arena.to_virtual(0x1000), Catch::Contains("outside"));
    int local = 0;
    CHECK_THROWS_AS(memory.arena.to_logical(&local), DmaArenaError);
    auto const block = memory.arena.allocate(64, 64);
    memory.arena.free(block);
    CHECK_THROWS_WITH(memory.arena.free(block), Catch::Contains("expected a live block"));
}
