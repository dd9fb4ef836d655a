// TapLink and TapDevice against the real kernel (tap/tap_link.hpp). The test process moves into a
// network namespace of its own first (unshare), so its devices touch no other interface and vanish
// with it. Frames are made to leave the host device the way a stack sends them: an AF_PACKET
// socket for whole frames, a UDP socket for a frame whose checksum the kernel leaves to the
// hardware. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN): without it every test fails with the reason.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "model/checksum.hpp"
#include "tap/tap_link.hpp"

using nicsim::tap::TapError;
using nicsim::tap::TapLink;
using nicsim::tap::TapLinkOptions;

namespace {

constexpr std::size_t kMaxFrame = 9216;  // as the NIC's (the link takes it as an option)

/// A network namespace of this process's own, entered once; "" or why not.
std::string const& private_namespace() {
    static std::string const why = [] {
        if (::unshare(CLONE_NEWNET) == 0) return std::string();
        return fmt::format("unshare(CLONE_NEWNET): {} (these tests need root: CAP_SYS_ADMIN and CAP_NET_ADMIN)",
                           std::strerror(errno));
    }();
    return why;
}

TapLink make_link(std::string const& suffix, unsigned mtu = 0) {
    INFO(private_namespace());
    REQUIRE(private_namespace().empty());
    TapLinkOptions o;
    o.host_name = "th" + suffix;
    o.wire_name = "tw" + suffix;
    o.mtu = mtu;
    o.max_frame_bytes = kMaxFrame;
    return TapLink(o);
}

int interface_index(std::string const& name) {
    int const i = static_cast<int>(::if_nametoindex(name.c_str()));
    REQUIRE(i > 0);
    return i;
}

/// Sends `frame` out of interface `name` as the kernel would send it (AF_PACKET, whole frame).
void send_raw(std::string const& name, std::vector<std::uint8_t> const& frame) {
    int const s = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    REQUIRE(s >= 0);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = interface_index(name);
    to.sll_halen = ETH_ALEN;
    std::memcpy(to.sll_addr, frame.data(), ETH_ALEN);
    auto const n = ::sendto(s, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    INFO(std::strerror(errno));
    CHECK(n == static_cast<ssize_t>(frame.size()));
    ::close(s);
}

std::vector<std::uint8_t> ethernet_frame(std::size_t bytes, std::uint16_t type, std::uint8_t fill) {
    std::vector<std::uint8_t> f(bytes, fill);
    std::fill_n(f.begin(), 6, 0xff);  // broadcast
    std::uint8_t const source[6] = {0x02, 0, 0, 0, 0, 1};
    std::copy(std::begin(source), std::end(source), f.begin() + 6);
    f[12] = static_cast<std::uint8_t>(type >> 8);
    f[13] = static_cast<std::uint8_t>(type);
    return f;
}

/// Reads the next frame from the link's host device, waiting up to a second.
std::optional<nicsim::tap::HostTxFrame> next_host_frame(TapLink& link) {
    for (int i = 0; i < 10; ++i) {
        if (auto f = link.read_host()) return f;
        link.wait_for_traffic(100, 250'000'000);
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("the devices come up with the NIC's largest MTU, or the one asked for within it") {
    TapLink link = make_link("0");
    CHECK(link.mtu() == kMaxFrame - 14);
    TapLink small = make_link("1", 1500);
    CHECK(small.mtu() == 1500);
    CHECK_THROWS_WITH(make_link("2", 9203), Catch::Contains("--tap-mtu: 9203 is not in 68..9202"));
}

TEST_CASE("a short frame the host sends is padded to 60 bytes, as a MAC pads it") {
    TapLink link = make_link("3");
    auto const frame = ethernet_frame(42, 0x88b5, 0xab);  // local experimental EtherType
    send_raw(link.host().name(), frame);
    std::optional<nicsim::tap::HostTxFrame> got;
    while ((got = next_host_frame(link)) && !std::equal(frame.begin(), frame.end(), got->bytes.begin())) {
    }  // skip what the kernel itself sends on a new link (IPv6 router solicitations...)
    REQUIRE(got);
    CHECK(got->bytes.size() == 60);
    CHECK(std::all_of(got->bytes.begin() + 42, got->bytes.end(), [](std::uint8_t b) { return b == 0; }));
    CHECK_FALSE(got->l4_checksum);
    CHECK(link.stats().padded >= 1);
}

TEST_CASE("a UDP checksum the kernel leaves to the hardware is asked of the NIC, its field zeroed") {
    TapLink link = make_link("4", 1500);
    // Address the host device and send one UDP datagram to its broadcast address (no ARP needed).
    int const s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(s >= 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, link.host().name().c_str(), IFNAMSIZ - 1);
    auto* addr = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
    addr->sin_family = AF_INET;
    ::inet_pton(AF_INET, "10.77.0.1", &addr->sin_addr);
    REQUIRE(::ioctl(s, SIOCSIFADDR, &ifr) == 0);
    ::inet_pton(AF_INET, "255.255.255.0", &addr->sin_addr);
    REQUIRE(::ioctl(s, SIOCSIFNETMASK, &ifr) == 0);
    int const on = 1;
    REQUIRE(::setsockopt(s, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) == 0);
    REQUIRE(::setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, link.host().name().c_str(),
                         static_cast<socklen_t>(link.host().name().size())) == 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(4789);
    ::inet_pton(AF_INET, "10.77.0.255", &to.sin_addr);
    std::string const payload(600, 'u');
    REQUIRE(::sendto(s, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
            static_cast<ssize_t>(payload.size()));
    ::close(s);

    std::optional<nicsim::tap::HostTxFrame> got;
    nicsim::model::FrameLayout lay;
    while ((got = next_host_frame(link))) {
        lay = nicsim::model::parse_frame(got->bytes);
        if (lay.l4 == nicsim::model::L4::udp && nicsim::model::load_be16(got->bytes, lay.l4_offset + 2) == 4789) break;
    }
    REQUIRE(got);
    CHECK(got->l4_checksum);  // the kernel used the offload the device offers
    CHECK(nicsim::model::load_be16(got->bytes, lay.l4_offset + nicsim::model::kUdpChecksumOffset) == 0);
    CHECK(link.stats().checksum_offloaded >= 1);
    // What the NIC then inserts makes a frame whose checksums verify.
    auto frame = got->bytes;
    nicsim::model::fill_checksums(frame);
    CHECK(nicsim::model::verify_checksums(frame).l4 == nicsim::model::CsumVerdict::good);
}

TEST_CASE("a frame longer than the NIC carries is dropped and counted, never passed on") {
    TapLink link = make_link("5");
    // An MTU-sized payload behind a VLAN tag: 9202 + 14 + 4 bytes, 4 more than the NIC's largest.
    auto frame = ethernet_frame(kMaxFrame + 4, 0x8100, 0x5a);
    frame[14] = 0x00, frame[15] = 0x07, frame[16] = 0x88, frame[17] = 0xb5;
    send_raw(link.wire().name(), frame);
    for (int i = 0; i < 10 && !link.stats().dropped.contains("wire-too-long"); ++i) {
        while (auto f = link.read_wire()) CHECK(f->size() <= kMaxFrame);
        link.wait_for_traffic(100, 250'000'000);
    }
    CHECK(link.stats().dropped.at("wire-too-long") == 1);
}

TEST_CASE("a frame written to the host device is received by its kernel") {
    TapLink link = make_link("6");
    int const s = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(0x88b5));
    REQUIRE(s >= 0);
    sockaddr_ll at{};
    at.sll_family = AF_PACKET;
    at.sll_protocol = htons(0x88b5);
    at.sll_ifindex = interface_index(link.host().name());
    REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
    auto const frame = ethernet_frame(300, 0x88b5, 0x3c);
    link.write_host(frame, false);
    CHECK(link.stats().host_written == 1);
    std::vector<std::uint8_t> got(2048);
    ssize_t n = -1;
    for (int i = 0; i < 100 && n < 0; ++i) {
        n = ::recv(s, got.data(), got.size(), 0);
        if (n < 0) ::usleep(10'000);  // the kernel's backlog runs on its own: poll its socket
    }
    ::close(s);
    REQUIRE(n == 300);
    got.resize(300);
    CHECK(got == frame);
}

TEST_CASE("devices that cannot be made are errors naming the device and what is needed") {
    REQUIRE(private_namespace().empty());
    TapLinkOptions o;
    o.max_frame_bytes = kMaxFrame;
    o.host_name = "th7";
    o.wire_name = "tw7";
    o.wire_netns = "nicsim-test-no-such-namespace";
    CHECK_THROWS_WITH(TapLink(o), Catch::Contains("tw7: network namespace 'nicsim-test-no-such-namespace'") &&
                                      Catch::Contains("ip netns add nicsim-test-no-such-namespace"));
    o.wire_netns.clear();
    o.wire_name = "th7";
    CHECK_THROWS_WITH(TapLink(o), Catch::Contains("both are 'th7' in the same namespace"));
    o.wire_name = "a/b";
    CHECK_THROWS_WITH(TapLink(o), Catch::Contains("TAP device name 'a/b'"));
}
