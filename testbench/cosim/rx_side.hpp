// ReceiveSide: what the wire carries and what the OS receives. It owns the wire's sink (every frame
// the NIC transmitted, every frame put on its RX wire: to the scoreboard, the TrafficSource's peer
// (loopback), --pcap-out and the hooks), the OS's RX deliveries (to the scoreboard with the NIC's
// checksum verdicts and hash), RX latency (first beat on the wire to delivery) and the RX counts of
// the summary. Built with the Workload (opens --pcap-out: ScenarioError), which hooks it to the
// Platform's wire at once; deliveries come from the OS RX queues between cycles.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "cosim/cosim.hpp"
#include "cosim/platform.hpp"
#include "cosim/workload.hpp"
#include "latency_histogram.hpp"
#include "run_state.hpp"
#include "scoreboard/scoreboard.hpp"
#include "traffic_source.hpp"
#include "wire/pcap.hpp"

namespace ringlib::os {
struct RxFrame;
}

namespace nicsim::cosim {

class ReceiveSide {
public:
    /// `runts_expected`: a fault run, whose short frames the NIC must drop as runts. `hooks` is read
    /// at each event (set later).
    ReceiveSide(Scenario const& sc, Platform& hw, RunState& state, scoreboard::Scoreboard& board,
                TrafficHooks const& hooks, TrafficSource& traffic, bool runts_expected, bool rss_on, unsigned queues);

    /// The OS RX queue q delivered a frame.
    void delivered(unsigned q, ringlib::os::RxFrame&& f);
    /// End of the run: writes --pcap-out (an error goes to out.output_errors). Never throws.
    void write_pcap(RunSummary& out);
    /// Its counts in the summary.
    void add_to(RunSummary& out) const;

private:
    void tx_on_wire(wire::Frame const& f);
    void rx_put(wire::Frame const& f);

    Platform& hw_;
    RunState& state_;
    scoreboard::Scoreboard& board_;
    TrafficHooks const& hooks_;
    TrafficSource& traffic_;
    bool runts_expected_, rss_on_;
    std::unique_ptr<wire::PcapWriter> pcap_out_;
    // RX latency: latency_key -> first beat cycles of the frames put and not yet delivered, in
    // wire order (a capture may hold one frame several times); no allocation for the usual one.
    struct PutCycles {
        std::uint64_t first = 0;
        std::vector<std::uint64_t> more;
    };
    std::unordered_map<std::uint64_t, PutCycles> put_cycle_;
    LatencyHistogram latency_;            // constant memory, whatever the run length
    std::vector<QueueCounts> per_queue_;  // rx_packets, rx_bytes
    std::uint64_t packets_ = 0, bytes_ = 0, multi_buffer_ = 0;
};

}  // namespace nicsim::cosim
