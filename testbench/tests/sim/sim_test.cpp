// Specification of the simulation kernel, the Dut registry and the host side (memory, MMIO,
// interrupts) against every verilated nic_top configuration of this build.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nicsim/driver/identity.hpp>

#include "dut/dut.hpp"
#include "host/host.hpp"
#include "nic_contract.hpp"
#include "sim/kernel.hpp"
#include "sim/port_hasher.hpp"

namespace ct = nicsim::contract;
using nicsim::dut::make_dut;
using nicsim::host::Host;
using nicsim::sim::Kernel;
using nicsim::sim::KernelConfig;

namespace {

std::vector<std::string> configs() {
    auto names = nicsim::dut::dut_config_names();
    if (names.empty()) FAIL("this build has no NIC configuration (rtl/nic_top.sv missing at configure time?)");
    return names;
}

bool any_valid_high(nicsim::dut::DutPorts const& p) {
    return p.m_axi.awvalid.get() || p.m_axi.wvalid.get() || p.m_axi.arvalid.get() || p.m_axis_tx.tvalid.get() ||
           p.s_axil.bvalid.get() || p.s_axil.rvalid.get() || p.irq.queue.get() || p.irq.error.get();
}

}  // namespace

TEST_CASE("reset leaves every valid and interrupt output low") {
    auto const name = GENERATE(from_range(configs()));
    auto dut = make_dut(name);
    Kernel kernel(*dut, KernelConfig{.seed = 1});
    Host host(kernel);
    INFO(name << ", seed " << kernel.seed());
    kernel.reset();
    CHECK(kernel.cycle() == kernel.config().reset_cycles);
    CHECK_FALSE(any_valid_high(dut->ports()));
    for (int i = 0; i < 200; ++i) {
        kernel.step();
        REQUIRE_FALSE(any_valid_high(dut->ports()));
    }
}

TEST_CASE("MMIO reads of the ID block return magic, version, DATA_WIDTH and NUM_QUEUES") {
    auto const name = GENERATE(from_range(configs()));
    auto dut = make_dut(name);
    Kernel kernel(*dut, KernelConfig{.seed = 2});
    Host host(kernel);
    INFO(name << ", seed " << kernel.seed());
    kernel.reset();
    auto& bus = host.mmio;
    CHECK(bus.read32(ct::REG_ID_MAGIC) == ct::NIC_MAGIC);
    CHECK(bus.read32(ct::REG_ID_VERSION) ==
          ((std::uint32_t{ct::CONTRACT_MAJOR} << 16) | std::uint32_t{ct::CONTRACT_MINOR}));
    CHECK(bus.read32(ct::REG_ID_DATA_WIDTH) == dut->config().data_width_bits);
    CHECK(bus.read32(ct::REG_ID_NUM_QUEUES) == dut->config().num_queues);
}

TEST_CASE("every configuration refuses descriptor rings shorter than a data beat or off a beat boundary") {
    auto const name = GENERATE(from_range(configs()));
    auto dut = make_dut(name);
    Kernel kernel(*dut, KernelConfig{.seed = 3});
    Host host(kernel);
    INFO(name);
    kernel.reset();
    auto& bus = host.mmio;
    std::uint32_t const width = dut->config().data_width_bits;
    std::uint32_t const min_log2 = nicsim::driver::min_ring_log2(width);
    std::uint32_t const align = nicsim::driver::descriptor_ring_alignment(width);
    auto enable = [&](std::uint32_t log2, std::uint32_t base) {  // RX ring of queue 0; its error after
        auto const reg = [](std::uint8_t r) { return ct::queue_reg(0, ct::QREG_RX, r); };
        bus.write32(reg(ct::RING_CTRL), 2);  // reset: no error, disabled
        bus.write32(reg(ct::RING_BASE_LO), base);
        bus.write32(reg(ct::RING_CPL_BASE_LO), 0x8000);
        bus.write32(reg(ct::RING_SIZE_LOG2), log2);
        bus.write32(reg(ct::RING_CTRL), 1);
        return bus.read32(reg(ct::RING_ERR));
    };
    auto const config_error = static_cast<std::uint32_t>(ct::err_e::ERR_RING_CONFIG);
    CHECK(enable(min_log2, 0x4000) == 0);
    CHECK(enable(min_log2, 0x4000 + align) == 0);
    if (min_log2 > 1) CHECK(enable(min_log2 - 1, 0x4000) == config_error);
    if (align > static_cast<std::uint32_t>(ct::RING_BASE_ALIGN_BYTES))
        CHECK(enable(min_log2, 0x4000 + static_cast<std::uint32_t>(ct::RING_BASE_ALIGN_BYTES)) == config_error);
    CHECK(enable(0, 0x4000) == config_error);
}

TEST_CASE("a blocking MMIO read costs cycles, a write is posted") {
    auto dut = make_dut(configs().front());
    Kernel kernel(*dut, KernelConfig{.seed = 3});
    Host host(kernel);
    kernel.reset();
    auto& bus = host.mmio;

    std::uint64_t const before_read = kernel.cycle();
    (void)bus.read32(ct::REG_ID_MAGIC);
    std::uint64_t const read_cycles = kernel.cycle() - before_read;
    CHECK(read_cycles == bus.last_read_cycles());
    // the round trip plus the AR and R handshakes (at least one cycle each)
    auto const& mc = bus.config();
    CHECK(read_cycles >= mc.request_latency_cycles + mc.response_latency_cycles + 2);

    std::uint64_t const before_writes = kernel.cycle();
    for (std::uint16_t i = 0; i < 8; ++i)
        bus.write32(static_cast<std::uint16_t>(ct::REG_RSS_KEY0 + 4 * i), 0x1000u + i);
    CHECK(kernel.cycle() == before_writes);  // posted: no cycle passed
    CHECK(bus.master().pending() == 8);

    // A read waits for every earlier write (reads do not pass posted writes).
    std::uint64_t const before_ordered = kernel.cycle();
    CHECK(bus.read32(static_cast<std::uint16_t>(ct::REG_RSS_KEY0 + 4 * 7)) == 0x1007u);
    std::uint64_t const ordered_cycles = kernel.cycle() - before_ordered;
    CHECK(ordered_cycles > read_cycles);
    CHECK(bus.master().idle());

    fmt::print(
        "[sim] {}: MMIO read {} cycles alone ({} + {} of round trip); behind 8 posted writes {} cycles "
        "({:.1f} per write)\n",
        dut->config().name, read_cycles, mc.request_latency_cycles, mc.response_latency_cycles, ordered_cycles,
        static_cast<double>(ordered_cycles - read_cycles) / 8.0);

    // without the round trip: the cost of the AXI4-Lite handshakes alone
    bus.config().response_latency_cycles = 0;
    bus.master().config().issue_delay_cycles = 0;
    (void)bus.read32(ct::REG_ID_MAGIC);
    fmt::print("[sim] {}: MMIO read at the port alone (no round trip) {} cycles\n", dut->config().name,
               bus.last_read_cycles());
    CHECK(bus.last_read_cycles() >= 2);
}

TEST_CASE("an MMIO read behind a full queue of posted writes waits for room, like a write") {
    // A driver posting thousands of doorbells in one DPC filled the AXI4-Lite master's queue;
    // its next register read threw "AxilMasterBfm: queue full" (nicsim regress, nightly plan).
    auto dut = make_dut(configs().front());
    Kernel kernel(*dut, KernelConfig{.seed = 5});
    Host host(kernel);
    kernel.reset();
    auto& bus = host.mmio;
    std::size_t const capacity = bus.master().config().queue_capacity;
    for (std::size_t i = 0; i < capacity + 8; ++i)
        bus.write32(static_cast<std::uint16_t>(ct::REG_RSS_KEY0 + 4 * (i % 8)),
                    0x2000u + static_cast<std::uint32_t>(i));
    CHECK(bus.master().full());
    CHECK(bus.stats().write_stall_cycles > 0);  // the last writes waited for room
    std::uint64_t const before = kernel.cycle();
    std::uint32_t const last = 0x2000u + static_cast<std::uint32_t>(capacity + 7);
    CHECK(bus.read32(static_cast<std::uint16_t>(ct::REG_RSS_KEY0 + 4 * ((capacity + 7) % 8))) == last);
    CHECK(kernel.cycle() > before);
    CHECK(bus.master().idle());
}

TEST_CASE("an unknown configuration name is an error listing the valid names") {
    auto const names = nicsim::dut::dut_config_names();
    std::string message;
    try {
        (void)make_dut("dw1024_q99");
    } catch (std::invalid_argument const& e) {
        message = e.what();
    }
    INFO(message);
    CHECK(message.find("dw1024_q99") != std::string::npos);
    for (auto const& n : names) CHECK(message.find(n) != std::string::npos);
}

TEST_CASE("the watchdog ends a stalled run with the diagnosis of every provider") {
    auto dut = make_dut(configs().front());
    Kernel kernel(*dut, KernelConfig{.seed = 4, .watchdog_cycles = 500});
    Host host(kernel);
    kernel.add_diagnostic("tx0 ring", [] { return std::string("driver prod 5, hw cons 2, 3 outstanding"); });
    kernel.reset();
    std::uint64_t const start = kernel.cycle();
    std::string what;
    try {
        kernel.step(10'000);
    } catch (nicsim::sim::WatchdogExpired const& e) {
        what = e.what();
    }
    INFO(what);
    CHECK(kernel.cycle() - start == 500);
    CHECK(what.find("watchdog: no progress for 500 cycles") != std::string::npos);
    CHECK(what.find("tx0 ring: driver prod 5, hw cons 2, 3 outstanding") != std::string::npos);
    CHECK(what.find("host dma: 0 reads / 0 writes in flight") != std::string::npos);
    CHECK(what.find("mmio:") != std::string::npos);
    CHECK(what.find("interrupts:") != std::string::npos);
}

TEST_CASE("progress keeps the watchdog quiet; max_cycles bounds the run") {
    auto dut = make_dut(configs().front());
    Kernel kernel(*dut, KernelConfig{.seed = 5, .watchdog_cycles = 100, .max_cycles = 1000});
    kernel.add_between_cycles([&] {
        if (kernel.cycle() % 50 == 0) kernel.report_progress();
    });
    kernel.reset();
    CHECK_THROWS_AS(kernel.step(5000), nicsim::sim::CycleLimitReached);
    CHECK(kernel.cycle() == 1000);
}

namespace {

// A run with randomness everywhere the kernel offers it: pauses on the AXI4-Lite master and the
// DMA slave, random register writes and reads. Returns the port hasher's result.
struct ReplayResult {
    std::uint64_t hash;
    std::vector<std::uint64_t> per_cycle;
    std::vector<std::uint32_t> values_read;
};

ReplayResult random_register_run(std::string const& config, std::uint64_t seed) {
    auto dut = make_dut(config);
    Kernel kernel(*dut, KernelConfig{.seed = seed});
    nicsim::host::HostConfig hc;
    hc.mmio.axil.start_pause.set_probability(0.3);
    hc.mmio.axil.bready_pause.set_probability(0.3);
    hc.mmio.axil.rready_pause.set_probability(0.3);
    hc.memory.axi.set_all_pauses(0.2);
    Host host(kernel, hc);
    nicsim::sim::PortHasher hasher(*dut, true);
    kernel.add_agent(hasher);
    kernel.reset();
    ReplayResult r;
    auto& rng = kernel.rng();
    for (int op = 0; op < 200; ++op) {
        auto const word = static_cast<std::uint16_t>(rng() % 10);
        auto const offset = static_cast<std::uint16_t>(ct::REG_RSS_KEY0 + 4 * word);
        if (rng() % 3 == 0)
            r.values_read.push_back(host.mmio.read32(offset));
        else
            host.mmio.write32(offset, static_cast<std::uint32_t>(rng()));
        kernel.step(rng() % 4);
    }
    host.mmio.flush();
    r.hash = hasher.hash();
    r.per_cycle = hasher.per_cycle();
    return r;
}

}  // namespace

TEST_CASE("the same seed replays a run cycle for cycle") {
    auto const config = configs().front();
    std::uint64_t const seed = 0x5eed'0001;
    INFO(config << ", seed " << seed);
    auto const a = random_register_run(config, seed);
    auto const b = random_register_run(config, seed);
    REQUIRE(a.per_cycle.size() > 500);
    CHECK(a.per_cycle.size() == b.per_cycle.size());
    CHECK(a.hash == b.hash);
    CHECK(a.values_read == b.values_read);
    auto const c = random_register_run(config, seed + 1);
    CHECK(c.hash != a.hash);
}

TEST_CASE("two configurations run side by side in one process", "[dw64_q1][dw512_q4]") {
    // Registered only when both are built (nicsim_config_test_spec): the narrowest and the widest.
    auto dut_a = make_dut("dw64_q1");
    auto dut_b = make_dut("dw512_q4");
    Kernel ka(*dut_a, KernelConfig{.seed = 6});
    Kernel kb(*dut_b, KernelConfig{.seed = 6});
    Host ha(ka), hb(kb);
    ka.reset();
    kb.reset();
    for (int i = 0; i < 4; ++i) {
        CHECK(ha.mmio.read32(ct::REG_ID_DATA_WIDTH) == dut_a->config().data_width_bits);
        CHECK(hb.mmio.read32(ct::REG_ID_DATA_WIDTH) == dut_b->config().data_width_bits);
        ha.mmio.write32(ct::REG_RSS_KEY0, 0xA000u + static_cast<unsigned>(i));
        hb.mmio.write32(ct::REG_RSS_KEY0, 0xB000u + static_cast<unsigned>(i));
        CHECK(ha.mmio.read32(ct::REG_RSS_KEY0) == 0xA000u + static_cast<unsigned>(i));
        CHECK(hb.mmio.read32(ct::REG_RSS_KEY0) == 0xB000u + static_cast<unsigned>(i));
    }
    CHECK(dut_a->config().name != dut_b->config().name);
}

TEST_CASE("host memory is one memory for the OS side, the driver and the NIC") {
    auto dut = make_dut(configs().front());
    Kernel kernel(*dut, KernelConfig{.seed = 7});
    Host host(kernel);
    auto& arena = host.memory.arena();
    auto const block = arena.allocate(256, 64);
    CHECK(block.logical_address >= host.memory.logical_base());
    static_cast<std::uint8_t*>(block.virtual_address)[3] = 0x5A;
    CHECK(((host.memory.memory().read_u64(block.logical_address) >> 24) & 0xFF) == 0x5A);
    host.memory.memory().write_u64(block.logical_address + 8, 0x0123'4567'89AB'CDEFull);
    CHECK(static_cast<std::uint8_t*>(block.virtual_address)[8] == 0xEF);
    CHECK(host.memory.out_of_region_count() == 0);
}

namespace {
std::uint64_t resident_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    REQUIRE(f != nullptr);
    unsigned long long size = 0, resident = 0;
    int const got = std::fscanf(f, "%llu %llu", &size, &resident);
    std::fclose(f);
    REQUIRE(got == 2);
    return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}
}  // namespace

TEST_CASE("host memory costs resident memory only for the pages touched, and reads zero until written") {
    // 65536-entry rings on four queues ask for about 1.4 GiB of host memory; it used to be
    // zero-filled up front, 1.5 GB resident before the first cycle.
    auto dut = make_dut(configs().front());
    Kernel kernel(*dut, KernelConfig{.seed = 7});
    nicsim::host::HostConfig hc;
    hc.memory.size_bytes = std::size_t{1} << 30;
    std::uint64_t const before = resident_bytes();
    Host host(kernel, hc);
    auto& memory = host.memory.memory();
    std::uint64_t const base = host.memory.logical_base();
    for (std::uint64_t at : {base, base + (hc.memory.size_bytes / 2), base + hc.memory.size_bytes - 8})
        CHECK(memory.read_u64(at) == 0);
    memory.write_u64(base + hc.memory.size_bytes - 8, 0x0123'4567'89AB'CDEFull);
    CHECK(memory.read_u64(base + hc.memory.size_bytes - 8) == 0x0123'4567'89AB'CDEFull);
    CHECK(host.memory.arena().free_bytes() == hc.memory.size_bytes);
    std::uint64_t const grown = resident_bytes() - std::min(before, resident_bytes());
    INFO("resident memory grew by " << grown << " bytes for a 1 GiB region");
    CHECK(grown < (std::uint64_t{64} << 20));
}

TEST_CASE("interrupts queue until delivered between cycles: ISR for each, then one DPC") {
    auto dut = make_dut(configs().front());
    Kernel kernel(*dut, KernelConfig{.seed = 8});
    Host host(kernel);
    kernel.reset();
    // nic_top raises no interrupt unarmed; inject by forcing the monitor's view is not possible,
    // so check the idle contract: nothing raised, nothing delivered, handlers never called.
    int isr_calls = 0, dpc_calls = 0;
    host.interrupts.isr = [&](nicsim::host::Interrupt const&) { return ++isr_calls, true; };
    host.interrupts.dpc = [&] { ++dpc_calls; };
    kernel.step(500);
    CHECK(isr_calls == 0);
    CHECK(dpc_calls == 0);
    CHECK(host.interrupts.pending() == 0);
    CHECK(host.interrupts.lost() == 0);
}

TEST_CASE("an FST trace can be opened and closed at run time") {
    auto dut = make_dut(configs().front());
    Kernel kernel(*dut, KernelConfig{.seed = 9});
    Host host(kernel);
    auto const path = std::filesystem::temp_directory_path() / fmt::format("nicsim_sim_test_{}.fst", ::getpid());
    dut->open_trace(path.string());
    CHECK(dut->tracing());
    kernel.reset();
    CHECK(host.mmio.read32(ct::REG_ID_MAGIC) == ct::NIC_MAGIC);
    dut->close_trace();
    CHECK_FALSE(dut->tracing());
    CHECK(std::filesystem::file_size(path) > 100);
    std::filesystem::remove(path);
}
