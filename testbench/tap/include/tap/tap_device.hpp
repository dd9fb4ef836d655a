// TapDevice: one Linux TAP interface, the way nicsim meets a real network stack (--mode tap,
// docs/real-traffic.md). The device is created when the object is (and vanishes with it: it is not
// persistent), optionally inside a named network namespace (`ip netns add NAME`), brought up with
// the MTU asked for. Addresses and routes are the user's (tools/netns-demo sets them).
//
// With `vnet_header` the device carries a virtio-net header before every frame and offers the
// kernel checksum offload (TUN_F_CSUM, never segmentation offload): a frame the kernel left to the
// hardware arrives with needs_checksum and the place of the sum, and a frame written with
// checksum_valid is taken by the kernel as verified (CHECKSUM_UNNECESSARY).
//
// I/O never blocks: read() returns nothing when no frame waits; wait_readable() polls for the
// moments the simulation has nothing else to do.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nicsim::tap {

/// A device that cannot be set up or used: one line naming the device, what failed and, where
/// the cause is known (no /dev/net/tun, no CAP_NET_ADMIN, no such namespace), what is needed.
class TapError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct TapDeviceOptions {
    std::string name;   // interface name (at most 15 characters)
    std::string netns;  // network namespace by name (/run/netns/NAME); "" = this process's
    unsigned mtu = 1500;
    bool vnet_header = false;  // virtio-net header + checksum offload (the host side)
};

/// A frame read from the device. With a virtio-net header: whether the kernel left the TCP/UDP
/// (or other) checksum to the hardware, and where it goes (offsets from the frame's start).
struct TapFrame {
    std::vector<std::uint8_t> bytes;
    bool needs_checksum = false;
    std::uint16_t checksum_start = 0;   // where summing starts (the L4 header)
    std::uint16_t checksum_offset = 0;  // where the sum is stored, from checksum_start
    bool segmented = false;             // a GSO frame (never offered: refused if it comes)
};

class TapDevice {
public:
    explicit TapDevice(TapDeviceOptions options);
    ~TapDevice();
    TapDevice(TapDevice const&) = delete;
    TapDevice& operator=(TapDevice const&) = delete;

    std::string const& name() const noexcept { return options_.name; }
    std::string const& netns() const noexcept { return options_.netns; }
    /// "nsim0" or "nsim0 (netns host)", for messages.
    std::string describe() const;
    int fd() const noexcept { return fd_; }

    /// The next frame the kernel sent, if one waits.
    std::optional<TapFrame> read();
    /// Hands `bytes` to the kernel as received on this interface; false (errno kept in
    /// last_error()) when the kernel refused it.
    bool write(std::span<std::uint8_t const> bytes, bool checksum_valid = false);
    std::string const& last_error() const noexcept { return last_error_; }

private:
    TapDeviceOptions options_;
    int fd_ = -1;
    std::vector<std::uint8_t> buffer_;
    std::string last_error_;
};

/// Waits until one of `devices` has a frame to read or `timeout_ms` passed; true if one has.
bool wait_readable(std::span<TapDevice* const> devices, int timeout_ms);

}  // namespace nicsim::tap
