// TapLink: the two TAP devices of --mode tap and what crosses them (docs/real-traffic.md).
//
//   host namespace (nsim0)  --TX-->  OS TX queues -> driver -> RTL NIC -> wire device (nsimwire0)
//   host namespace (nsim0)  <--RX--  OS RX queues <- driver <- RTL NIC <- wire device (nsimwire0)
//
// The host device stands for the OS's network stack above the packet queues: the frames its
// kernel sends become OS TX packets, with checksum offload requested where the kernel left the
// TCP/UDP sum to the hardware (virtio-net header), and every RX frame the driver indicates is
// handed to it, marked verified when the NIC found its TCP/UDP checksum good. The wire device is
// the link partner's port. Like a MAC, the link pads frames under 60 bytes; a frame longer than
// the NIC carries is dropped and counted by reason, never lost silently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tap/tap_device.hpp"

namespace nicsim::tap {

struct TapLinkOptions {
    std::string host_name = "nsim0";
    std::string wire_name = "nsimwire0";
    std::string host_netns, wire_netns;  // "" = nicsim's own namespace
    unsigned mtu = 0;                    // 0: the NIC's largest frame less the Ethernet header
    std::size_t max_frame_bytes = 0;     // the NIC's largest frame (without FCS)
};

/// What crossed the TAP devices; every frame read is either handed on or counted in `dropped`.
struct TapStats {
    std::uint64_t host_read = 0, host_written = 0;  // frames from / to the host device
    std::uint64_t wire_read = 0, wire_written = 0;  // frames from / to the wire device
    std::uint64_t host_read_bytes = 0, wire_read_bytes = 0;
    std::uint64_t padded = 0;                      // frames under 60 bytes padded (either side)
    std::uint64_t checksum_offloaded = 0;          // host frames whose TCP/UDP sum the NIC inserted
    std::uint64_t checksum_in_software = 0;        // host frames needing a sum the NIC cannot insert
    std::uint64_t rx_marked_valid = 0;             // frames written to the host marked checksum-verified
    std::map<std::string, std::uint64_t> dropped;  // by reason (e.g. host-too-long, wire-write)
    double idle_wall_seconds = 0;                  // blocked in poll() with the NIC and driver idle
    std::uint64_t idle_cycles_skipped = 0;         // that time in NIC cycles (not simulated)
};

/// A frame of the host's stack for an OS TX queue.
struct HostTxFrame {
    std::vector<std::uint8_t> bytes;  // at least 60 bytes; a requested checksum field zeroed
    bool l4_checksum = false;         // ask the NIC for the TCP/UDP checksum
};

class TapLink {
public:
    explicit TapLink(TapLinkOptions options);

    TapDevice& host() noexcept { return *host_; }
    TapDevice& wire() noexcept { return *wire_; }
    TapLinkOptions const& options() const noexcept { return options_; }
    unsigned mtu() const noexcept { return options_.mtu; }

    /// The host stack's next frame, if one waits (frames it cannot carry are counted and skipped).
    std::optional<HostTxFrame> read_host();
    /// An RX frame the driver indicated, to the host stack.
    void write_host(std::span<std::uint8_t const> bytes, bool l4_checksum_good);
    /// The link partner's next frame for the NIC's RX port, if one waits.
    std::optional<std::vector<std::uint8_t>> read_wire();
    /// A frame the NIC transmitted, to the link partner.
    void write_wire(std::span<std::uint8_t const> bytes);

    /// Blocks until either device has a frame or `timeout_ms` passed; the time counts as idle.
    bool wait_for_traffic(int timeout_ms, std::uint64_t clock_hz);

    TapStats const& stats() const noexcept { return stats_; }

private:
    /// Pads to 60 bytes; false (counted as `reason`) when longer than the NIC's largest frame.
    bool fit(std::vector<std::uint8_t>& bytes, char const* too_long_reason);

    TapLinkOptions options_;
    std::unique_ptr<TapDevice> host_, wire_;
    TapStats stats_;
};

}  // namespace nicsim::tap
