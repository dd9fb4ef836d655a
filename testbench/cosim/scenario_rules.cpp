// The scenario's rules: validate, the ring plan and the run limits (scenario_rules.hpp).
#include "cosim/scenario_rules.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include <fmt/format.h>

#include <nic_contract.hpp>
#include <nicsim/driver/identity.hpp>

#include "wire/traffic_gen.hpp"

namespace nicsim::cosim {

namespace {

namespace c = nicsim::contract;

std::uint32_t pow2_at_least(std::uint64_t n) {
    return static_cast<std::uint32_t>(std::bit_ceil(std::max<std::uint64_t>(n, 2)));
}
std::uint32_t log2_of(std::uint32_t pow2) {
    return static_cast<std::uint32_t>(std::countr_zero(pow2));
}

}  // namespace

void validate(Scenario const& sc) {
    if (sc.top != "cpp" && sc.top != "systemc")
        throw ScenarioError({ScenarioField::top, fmt::format(": '{}' is not cpp or systemc", sc.top)});
    if (!sc.traffic.sizes && (sc.traffic.min_size < wire::kMinFrameBytes ||
                              sc.traffic.max_size > static_cast<std::size_t>(c::MAX_FRAME_BYTES) ||
                              sc.traffic.min_size > sc.traffic.max_size))
        throw ScenarioError({ScenarioField::frame_sizes,
                             fmt::format(": {}..{} bytes is not within {}..{} (min <= max)", sc.traffic.min_size,
                                         sc.traffic.max_size, wire::kMinFrameBytes, c::MAX_FRAME_BYTES)});
    if (sc.platform.ring_size < 2 || sc.platform.ring_size > 65536 || !std::has_single_bit(sc.platform.ring_size))
        throw ScenarioError(
            {ScenarioField::ring_size, fmt::format(": {} is not a power of two in 2..65536", sc.platform.ring_size)});
    // docs/contract.md, Interrupts: with MOD_CYCLES 0 an unreached threshold waits for more
    // completions, so the last ones of a burst would never be reported and the queue would stall.
    if (sc.platform.irq_packets > 1 && sc.platform.irq_holdoff_cycles == 0)
        throw ScenarioError(
            {ScenarioField::irq_moderation,
             fmt::format(": {}:0 (an interrupt per {} completions and no holdoff timer) "
                         "leaves the last completions of a burst unreported: give a timer, {}:C with C > 0",
                         sc.platform.irq_packets, sc.platform.irq_packets, sc.platform.irq_packets)});
    if (sc.platform.mem_latency_min > sc.platform.mem_latency_max)
        throw ScenarioError(
            {ScenarioField::mem_latency,
             fmt::format(": {}:{} has min > max", sc.platform.mem_latency_min, sc.platform.mem_latency_max)});
    for (auto const& [field, p] : {std::pair{ScenarioField::mem_stall_percent, sc.platform.mem_stall_percent},
                                   {ScenarioField::tx_stall_percent, sc.platform.tx_stall_percent},
                                   {ScenarioField::rx_stall_percent, sc.platform.rx_stall_percent}})
        if (!(p >= 0 && p < 100)) throw ScenarioError({field, fmt::format(": {} is not a percentage in 0..99", p)});
    if (sc.traffic.mode == Mode::pcap && sc.traffic.pcap_in.empty())
        throw ScenarioError({ScenarioField::mode, " pcap needs ", ScenarioField::pcap_in, " FILE"});
    if (sc.traffic.mode != Mode::pcap && !sc.traffic.pcap_in.empty())
        throw ScenarioError({ScenarioField::pcap_in, " is only for ", ScenarioField::mode, " pcap"});
    if (sc.traffic.mode == Mode::tap && !sc.faults.empty())
        throw ScenarioError({ScenarioField::faults, ": not with ", ScenarioField::mode,
                             " tap (a fault's outcome is checked against known traffic)"});
    if (sc.traffic.mode == Mode::tap && sc.top != "cpp")
        throw ScenarioError({ScenarioField::mode, " tap: runs on the C++ top (", ScenarioField::top, " cpp)"});
    if (sc.platform.rx_buffer_bytes < 128 || sc.platform.rx_buffer_bytes > 65536 ||
        sc.platform.rx_buffer_bytes % c::RX_BUF_ALIGN_BYTES != 0)
        throw ScenarioError(
            {ScenarioField::rx_buffer_bytes, fmt::format(": {} bytes is not a multiple of {} in 128..65536",
                                                         sc.platform.rx_buffer_bytes, c::RX_BUF_ALIGN_BYTES)});
    int cancels = 0;
    for (auto const& f : sc.faults) cancels += f.kind == FaultKind::cancel;
    if (cancels > 1) throw ScenarioError({ScenarioField::faults, " cancel: at most one cancel per run"});
    bool const open_chain = std::any_of(sc.faults.begin(), sc.faults.end(),
                                        [](FaultSpec const& f) { return f.kind == FaultKind::tx_no_eop; });
    if (open_chain && sc.checks.hang_check_cycles == std::uint64_t{0})
        throw ScenarioError({ScenarioField::faults, " tx-no-eop needs the hang check (",
                             ScenarioField::hang_check_cycles,
                             " 0 turns it off): only its reset ends the ring's wait for the rest of the chain"});
}

RunLimits run_limits(Scenario const& sc, unsigned data_bytes, unsigned queues) {
    RunLimits l;
    std::size_t const max_frame = sc.traffic.sizes ? sc.traffic.sizes->max_bytes() : sc.traffic.max_size;
    double const stall =
        std::max({sc.platform.mem_stall_percent, sc.platform.tx_stall_percent, sc.platform.rx_stall_percent});
    // One maximal frame through the slowest stalled bus (its beats plus some bursts' handshakes),
    // then a memory round trip each way.
    double const beats = static_cast<double>((max_frame + data_bytes - 1) / std::max(data_bytes, 1u) + 16);
    l.frame_cycles = static_cast<std::uint64_t>(std::ceil(beats / (1.0 - stall / 100.0))) +
                     2 * std::uint64_t{sc.platform.mem_latency_max};
    // Ahead of a ring's next completion: a frame of every other queue and the packet FIFO's few
    // maximal frames, several times over.
    std::uint64_t const normal = 8 * (std::uint64_t{queues} + 4) * l.frame_cycles;
    l.hang_check_cycles = sc.checks.hang_check_cycles.value_or(std::max(kDefaultHangCheckCycles, normal));
    l.watchdog_cycles = sc.checks.watchdog_cycles.value_or(std::max(kDefaultWatchdogCycles, 2 * normal));
    l.max_cycles = sc.checks.max_cycles
                       ? sc.checks.max_cycles
                       : 1'000'000 + sc.traffic.packets * std::max<std::uint64_t>(20'000, 4 * l.frame_cycles);
    return l;
}

RingPlan plan_rings(Scenario const& sc, dut::DutConfig const& cfg) {
    RingPlan p;
    std::size_t const max_frame = sc.traffic.sizes ? sc.traffic.sizes->max_bytes() : sc.traffic.max_size;
    // TX fragments: frames of max_frame take up to 4 (at most MAX_TX_FRAGS).
    p.tx_fragment_bytes =
        sc.platform.tx_fragment_bytes
            ? sc.platform.tx_fragment_bytes
            : std::max<std::uint32_t>(256, static_cast<std::uint32_t>((max_frame + 3) / 4 + 63) / 64 * 64);
    std::uint32_t const frags_max =
        static_cast<std::uint32_t>((max_frame + p.tx_fragment_bytes - 1) / p.tx_fragment_bytes);
    if (frags_max > static_cast<std::uint32_t>(c::MAX_TX_FRAGS))
        throw ScenarioError(
            ScenarioField::tx_fragment_bytes,
            {fmt::format("TX fragment size {} bytes: a {}-byte frame needs {} fragments (> MAX_TX_FRAGS {})",
                         p.tx_fragment_bytes, max_frame, frags_max, c::MAX_TX_FRAGS)});
    bool const oversize_faults = std::any_of(sc.faults.begin(), sc.faults.end(),
                                             [](FaultSpec const& f) { return f.kind == FaultKind::rx_oversize; });
    std::size_t const max_rx_frame = oversize_faults ? static_cast<std::size_t>(c::MAX_FRAME_BYTES) : max_frame;
    std::uint32_t const rx_buf = sc.platform.rx_buffer_bytes;
    std::uint32_t const bufs_max = static_cast<std::uint32_t>((max_rx_frame + rx_buf - 1) / rx_buf);
    p.os_ring = sc.platform.ring_size;
    // Fragment rings: enough fragments for a full packet ring of maximal frames, but never more
    // than a net ring holds (65536): the OS then hands over frames as fragments come back.
    p.tx_fragment_ring =
        std::min(kMaxNetRingEntries, pow2_at_least(std::uint64_t{p.os_ring} * std::max<std::uint32_t>(frags_max, 2)));
    p.rx_fragment_ring =
        std::min(kMaxNetRingEntries, pow2_at_least(std::uint64_t{p.os_ring} * std::max<std::uint32_t>(bufs_max, 1)));
    // Hardware rings: the ring size, but at least one whole maximal packet (N entries hold N-1)
    // and one data beat of descriptors (driver::min_ring_log2).
    std::uint32_t const min_entries = 1u << driver::min_ring_log2(cfg.data_bytes() * 8);
    p.hw_tx_log2 = log2_of(std::max({p.os_ring, pow2_at_least(frags_max + 1), min_entries}));
    p.hw_rx_log2 = log2_of(std::max({p.os_ring, pow2_at_least(bufs_max + 1), min_entries}));

    // Host memory (the DMA arena): every queue pair's OS fragment buffers (each rounded to its
    // 64-byte alignment, plus one alignment of padding) and hardware descriptor and completion
    // rings (the driver keeps two completion rings), 64 KiB of ring alignment; then a quarter
    // more and 8 MiB for the rest. (The OS's net rings themselves are not DMA memory.)
    std::uint64_t const queues = sc.platform.queues ? sc.platform.queues : cfg.num_queues;
    auto buffers = [](std::uint64_t count, std::uint64_t bytes) { return count * ((bytes + 63) / 64 * 64 + 64); };
    std::uint64_t const per_queue =
        buffers(p.tx_fragment_ring, p.tx_fragment_bytes) + buffers(p.rx_fragment_ring, sc.platform.rx_buffer_bytes) +
        ((std::uint64_t{1} << p.hw_tx_log2) + (std::uint64_t{1} << p.hw_rx_log2)) * (c::DESC_BYTES + 2 * c::CPL_BYTES) +
        (64u << 10);
    std::uint64_t const needed = queues * per_queue / 4 * 5 + (8u << 20);
    p.host_memory_bytes = std::max<std::uint64_t>(kDefaultHostMemoryBytes, (needed + (1u << 20) - 1) >> 20 << 20);
    if (p.host_memory_bytes > kMaxHostMemoryBytes)
        throw ScenarioError(
            {ScenarioField::ring_size, fmt::format(" {} with ", sc.platform.ring_size), ScenarioField::rx_buffer_bytes,
             fmt::format(" {} on {} queue pair(s) needs {} MiB of host memory for buffers, more "
                         "than the limit of {} MiB: use smaller rings, smaller RX buffers or fewer ",
                         sc.platform.rx_buffer_bytes, queues, p.host_memory_bytes >> 20, kMaxHostMemoryBytes >> 20),
             ScenarioField::queues});
    return p;
}

}  // namespace nicsim::cosim
