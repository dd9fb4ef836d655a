// TapDevice: see tap_device.hpp.
#include "tap/tap_device.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fmt/format.h>

namespace nicsim::tap {

namespace {

/// A file descriptor closed on scope exit.
class Fd {
public:
    explicit Fd(int fd) noexcept : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(Fd const&) = delete;
    Fd& operator=(Fd const&) = delete;
    int get() const noexcept { return fd_; }
    int release() noexcept { return std::exchange(fd_, -1); }

private:
    int fd_;
};

// The virtio-net header TUN puts before each frame with IFF_VNET_HDR (struct virtio_net_hdr of
// <linux/virtio_net.h>, which C++ cannot include: a member there is named `class`). Native byte
// order, as TUN uses on a little-endian host unless told otherwise.
struct VirtioNetHeader {
    std::uint8_t flags = 0;
    std::uint8_t gso_type = 0;
    std::uint16_t header_length = 0;
    std::uint16_t gso_size = 0;
    std::uint16_t checksum_start = 0;
    std::uint16_t checksum_offset = 0;
};
static_assert(sizeof(VirtioNetHeader) == 10);
constexpr std::uint8_t kNeedsChecksum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
constexpr std::uint8_t kDataValid = 2;      // VIRTIO_NET_HDR_F_DATA_VALID
constexpr std::uint8_t kGsoNone = 0;        // VIRTIO_NET_HDR_GSO_NONE
constexpr std::uint8_t kGsoEcn = 0x80;      // VIRTIO_NET_HDR_GSO_ECN (a flag)

std::string errno_text(int err) {
    return std::strerror(err);
}

/// This thread in another network namespace until the scope ends: a device (and a socket) is
/// created in the namespace of the thread that creates it, and stays there.
class NetnsScope {
public:
    explicit NetnsScope(std::string const& netns, std::string const& device) : home_(-1) {
        if (netns.empty()) return;
        std::string const path = "/run/netns/" + netns;
        Fd target(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (target.get() < 0)
            throw TapError(fmt::format("{}: network namespace '{}': {}: {} (create it with: ip netns add {})", device,
                                       netns, path, errno_text(errno), netns));
        Fd home(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
        if (home.get() < 0) throw TapError(fmt::format("{}: /proc/self/ns/net: {}", device, errno_text(errno)));
        if (::setns(target.get(), CLONE_NEWNET) != 0)
            throw TapError(fmt::format("{}: cannot enter network namespace '{}': {}{}", device, netns,
                                       errno_text(errno), errno == EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : ""));
        home_ = home.release();
    }
    ~NetnsScope() {
        if (home_ < 0) return;
        // Back home; failing that, the thread would create everything later in the wrong place.
        if (::setns(home_, CLONE_NEWNET) != 0) std::abort();
        ::close(home_);
    }
    NetnsScope(NetnsScope const&) = delete;
    NetnsScope& operator=(NetnsScope const&) = delete;

private:
    int home_;
};

ifreq request_for(std::string const& name) {
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, name.data(), name.size());
    return ifr;
}

}  // namespace

TapDevice::TapDevice(TapDeviceOptions options) : options_(std::move(options)) {
    auto const& name = options_.name;
    if (name.empty() || name.size() >= IFNAMSIZ || name.find_first_of("/ \t\n:") != std::string::npos)
        throw TapError(
            fmt::format("TAP device name '{}': 1..{} characters, no '/', ':' or spaces", name, IFNAMSIZ - 1));
    NetnsScope in_namespace(options_.netns, name);

    Fd tun(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (tun.get() < 0) {
        int const err = errno;
        throw TapError(fmt::format("{}: /dev/net/tun: {}{}", name, errno_text(err),
                                   err == ENOENT   ? " (the kernel's tun driver: modprobe tun; in a container, pass "
                                                     "the device, e.g. --device /dev/net/tun)"
                                   : err == EACCES ? " (needs root or CAP_NET_ADMIN)"
                                                   : ""));
    }
    ifreq ifr = request_for(name);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (options_.vnet_header ? IFF_VNET_HDR : 0);
    if (::ioctl(tun.get(), TUNSETIFF, &ifr) != 0) {
        int const err = errno;
        throw TapError(fmt::format("{}: creating the TAP device: {}{}", describe(), errno_text(err),
                                   err == EPERM    ? " (needs CAP_NET_ADMIN: run as root)"
                                   : err == EBUSY  ? " (an interface of that name exists and is in use)"
                                   : err == EINVAL ? " (an interface of that name exists and is not a TAP device)"
                                                   : ""));
    }
    if (options_.vnet_header) {
        int header_bytes = sizeof(VirtioNetHeader);
        if (::ioctl(tun.get(), TUNSETVNETHDRSZ, &header_bytes) != 0)
            throw TapError(fmt::format("{}: TUNSETVNETHDRSZ: {}", describe(), errno_text(errno)));
        // Checksum offload only: a segmentation offload would hand over frames longer than the MTU.
        if (::ioctl(tun.get(), TUNSETOFFLOAD, static_cast<unsigned long>(TUN_F_CSUM)) != 0)
            throw TapError(fmt::format("{}: TUNSETOFFLOAD (checksum offload): {}", describe(), errno_text(errno)));
    }
    // MTU and link up, through a socket of the device's namespace.
    Fd control(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (control.get() < 0) throw TapError(fmt::format("{}: control socket: {}", describe(), errno_text(errno)));
    ifreq mtu = request_for(name);
    mtu.ifr_mtu = static_cast<int>(options_.mtu);
    if (::ioctl(control.get(), SIOCSIFMTU, &mtu) != 0)
        throw TapError(fmt::format("{}: MTU {}: {}", describe(), options_.mtu, errno_text(errno)));
    ifreq flags = request_for(name);
    if (::ioctl(control.get(), SIOCGIFFLAGS, &flags) != 0)
        throw TapError(fmt::format("{}: reading its flags: {}", describe(), errno_text(errno)));
    flags.ifr_flags = static_cast<short>(flags.ifr_flags | IFF_UP);
    if (::ioctl(control.get(), SIOCSIFFLAGS, &flags) != 0)
        throw TapError(fmt::format("{}: bringing it up: {}", describe(), errno_text(errno)));

    buffer_.resize(sizeof(VirtioNetHeader) + 65536);
    fd_ = tun.release();
}

TapDevice::~TapDevice() {
    if (fd_ >= 0) ::close(fd_);
}

std::string TapDevice::describe() const {
    return options_.netns.empty() ? options_.name : fmt::format("{} (netns {})", options_.name, options_.netns);
}

std::optional<TapFrame> TapDevice::read() {
    ssize_t const n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n <= 0) return std::nullopt;  // EAGAIN: nothing waits (an error shows up on the next write)
    std::size_t header = 0;
    TapFrame f;
    if (options_.vnet_header) {
        VirtioNetHeader h;
        header = sizeof h;
        if (static_cast<std::size_t>(n) < header) return std::nullopt;
        std::memcpy(&h, buffer_.data(), sizeof h);
        f.needs_checksum = (h.flags & kNeedsChecksum) != 0;
        f.checksum_start = h.checksum_start;
        f.checksum_offset = h.checksum_offset;
        f.segmented = (h.gso_type & ~kGsoEcn) != kGsoNone;
    }
    f.bytes.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(header), buffer_.begin() + n);
    return f;
}

bool TapDevice::write(std::span<std::uint8_t const> bytes, bool checksum_valid) {
    VirtioNetHeader h;
    h.flags = checksum_valid ? kDataValid : 0;
    h.gso_type = kGsoNone;
    iovec parts[2];
    int count = 0;
    if (options_.vnet_header) parts[count++] = {&h, sizeof h};
    parts[count++] = {const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
    ssize_t const n = ::writev(fd_, parts, count);
    if (n < 0) {
        last_error_ = errno_text(errno);
        return false;
    }
    return true;
}

bool wait_readable(std::span<TapDevice* const> devices, int timeout_ms) {
    std::vector<pollfd> fds;
    for (auto* d : devices) fds.push_back({d->fd(), POLLIN, 0});
    int const n = ::poll(fds.data(), fds.size(), timeout_ms);
    return n > 0;
}

}  // namespace nicsim::tap
