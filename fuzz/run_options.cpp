// Fuzz target: the `nicsim run` option parser (app/include/nicsim/run_options.hpp), on the input
// as an argument list: arguments separated by NUL bytes (as the kernel hands argv over).
//
// Promises checked for any input: RunOptions, or UsageError (one line) and nothing else; and
// options parsed hold the rules the parser enforces (sizes in order, a power-of-two ring, trace
// options only with --trace, --pcap-in exactly with --mode pcap, ...).
#include <bit>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "nicsim/run_options.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::vector<std::string> args;
    std::string current;
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            args.push_back(current);
            current.clear();
        } else {
            current += static_cast<char>(data[i]);
        }
    }
    if (!current.empty()) args.push_back(current);
    std::vector<std::string> const configs = {"dw64_q1", "dw64_q4"};

    nicsim::cli::RunOptions o;
    try {
        o = nicsim::cli::parse_run_options(args, configs);
    } catch (nicsim::cli::UsageError const& e) {
        std::string const what = e.what();
        FUZZ_CHECK(nicsim::fuzz::one_line(what), what);
        return 0;
    }
    auto const& s = o.scenario;
    FUZZ_CHECK(s.traffic.min_size <= s.traffic.max_size,
               std::to_string(s.traffic.min_size) + " > " + std::to_string(s.traffic.max_size));
    FUZZ_CHECK(s.traffic.min_size >= 60 && s.traffic.max_size <= 9216, std::to_string(s.traffic.max_size));
    FUZZ_CHECK(s.platform.queues <= 16, std::to_string(s.platform.queues));
    FUZZ_CHECK(std::has_single_bit(s.platform.ring_size), std::to_string(s.platform.ring_size));
    FUZZ_CHECK(s.platform.rx_buffer_bytes >= 128 && s.platform.rx_buffer_bytes % 64 == 0,
               std::to_string(s.platform.rx_buffer_bytes));
    FUZZ_CHECK(s.platform.mem_latency_min <= s.platform.mem_latency_max, std::to_string(s.platform.mem_latency_min));
    FUZZ_CHECK(s.trace.first_cycle <= s.trace.last_cycle, std::to_string(s.trace.first_cycle));
    FUZZ_CHECK(!s.trace.path.empty() || (s.trace.depth == 0 && s.trace.scopes.empty()),
               "trace options without --trace");
    FUZZ_CHECK((s.traffic.mode == nicsim::cosim::Mode::pcap) == !s.traffic.pcap_in.empty(),
               "--mode pcap and --pcap-in disagree");
    for (double p : {s.platform.mem_stall_percent, s.platform.tx_stall_percent, s.platform.rx_stall_percent})
        FUZZ_CHECK(p >= 0 && p <= 99, std::to_string(p));
    for (auto const& f : s.faults) FUZZ_CHECK(f.count >= 1 && f.rate >= 0 && f.rate <= 1, nicsim::cosim::to_string(f));
    return 0;
}
