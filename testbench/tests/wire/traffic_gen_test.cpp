// Properties of the traffic generator: sizes, checksums (reference and tshark), deliberately
// broken checksums, VLAN fraction, tags, fault frames, flows spread by RSS, determinism per seed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "model/checksum.hpp"
#include "model/toeplitz.hpp"
#include "test_util.hpp"
#include "wire/pcap.hpp"
#include "wire/traffic_gen.hpp"

using namespace nicsim;
using namespace nicsim::wire;
using model::CsumVerdict;
using nicsim::wiretest::test_rng;

TEST_CASE("generated frame sizes follow the chosen distribution", "[gen]") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x5123);
    SECTION("uniform over the whole 60..9018 range") {
        TrafficConfig cfg;
        cfg.sizes = SizeDist::uniform(kMinFrameBytes, kMaxFrameBytes);
        cfg.vlan_fraction = 0.5;
        TrafficGenerator gen(cfg, rng);
        std::size_t lo = SIZE_MAX, hi = 0;
        for (int i = 0; i < 3000; ++i) {
            auto const f = gen.next();
            REQUIRE(f.bytes.size() >= kMinFrameBytes);
            REQUIRE(f.bytes.size() <= kMaxFrameBytes);
            lo = std::min(lo, f.bytes.size());
            hi = std::max(hi, f.bytes.size());
        }
        CHECK(lo < 200);
        CHECK(hi > 8800);
    }
    SECTION("fixed") {
        TrafficConfig cfg;
        cfg.sizes = SizeDist::fixed(1514);
        TrafficGenerator gen(cfg, rng);
        for (int i = 0; i < 100; ++i) REQUIRE(gen.next().bytes.size() == 1514);
    }
    SECTION("IMIX: 60, 590 and 1514 bytes about 7:4:1") {
        TrafficConfig cfg;
        cfg.sizes = SizeDist::imix();
        cfg.ipv6_fraction = 0.0;  // IPv4/UDP/TCP + tag all fit in 60 bytes... but TCP needs 70
        cfg.tcp_fraction = 0.0;
        TrafficGenerator gen(cfg, rng);
        std::map<std::size_t, int> n;
        for (int i = 0; i < 12000; ++i) ++n[gen.next().bytes.size()];
        REQUIRE(n.size() == 3);
        CHECK(n[60] == Approx(7000).margin(400));
        CHECK(n[590] == Approx(4000).margin(400));
        CHECK(n[1514] == Approx(1000).margin(200));
    }
    SECTION("a list, in order") {
        TrafficConfig cfg;
        cfg.sizes = SizeDist::list({100, 200, 9018});
        TrafficGenerator gen(cfg, rng);
        for (int i = 0; i < 9; ++i) REQUIRE(gen.next().bytes.size() == std::vector<std::size_t>{100, 200, 9018}[i % 3]);
    }
    SECTION("a size too small for the headers is raised to the smallest that fits") {
        TrafficConfig cfg;
        cfg.sizes = SizeDist::fixed(60);
        cfg.ipv6_fraction = 1.0;
        cfg.tcp_fraction = 1.0;
        cfg.vlan_fraction = 1.0;
        TrafficGenerator gen(cfg, rng);
        auto const f = gen.next();
        CHECK(f.bytes.size() == 18 + 40 + 20 + kTagBytes);
        CHECK(decode_tag(f.bytes) == f.tag);
    }
}

TEST_CASE("generated frames have correct checksums, decodable tags and the asked VLAN fraction", "[gen]") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xC5C5);
    TrafficConfig cfg;
    cfg.stream_id = 7;
    cfg.sizes = SizeDist::uniform(60, 2000);
    cfg.vlan_fraction = 0.3;
    cfg.flow_count = 32;
    TrafficGenerator gen(cfg, rng);
    int vlan = 0, v4 = 0, v6 = 0, tcp = 0, udp = 0;
    constexpr int kFrames = 4000;
    for (int i = 0; i < kFrames; ++i) {
        auto const f = gen.next();
        INFO("frame " << i);
        auto const v = model::verify_checksums(f.bytes);
        REQUIRE(v.layout.l4 != model::L4::other);
        REQUIRE(v.l4 == CsumVerdict::good);
        if (v.layout.l3 == model::L3::ipv4) {
            REQUIRE(v.ip == CsumVerdict::good);
            ++v4;
        } else {
            ++v6;
        }
        if (v.layout.l4 == model::L4::tcp)
            ++tcp;
        else
            ++udp;
        REQUIRE(f.gen.has_value());
        REQUIRE(f.gen->expect_ip == v.ip);
        REQUIRE(f.gen->expect_l4 == v.l4);
        REQUIRE(f.tag == FrameTag{7, static_cast<std::uint32_t>(i)});
        REQUIRE(decode_tag(f.bytes) == f.tag);
        bool const tagged = model::load_be16(f.bytes, 12) == model::kEtherTypeVlan;
        REQUIRE(tagged == f.gen->vlan);
        vlan += tagged;
    }
    CHECK(vlan == Approx(0.3 * kFrames).margin(0.04 * kFrames));
    CHECK(v4 > 0);
    CHECK(v6 > 0);
    CHECK(tcp > 0);
    CHECK(udp > 0);
}

TEST_CASE("a corrupted tag is not decoded", "[gen]") {
    auto rng = test_rng(0x7A6);
    TrafficGenerator gen({}, rng);
    auto f = gen.next();
    auto const at = *tag_offset(f.bytes);
    for (std::size_t i = 0; i < kTagBytes; ++i) {
        auto g = f.bytes;
        g[at + i] ^= 0x10;
        CHECK_FALSE(decode_tag(g).has_value());
    }
}

TEST_CASE("broken checksums on request: the reference calls them bad and records it", "[gen]") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xBAD);
    TrafficConfig cfg;
    cfg.bad_ip_csum_fraction = 0.3;
    cfg.bad_l4_csum_fraction = 0.3;
    TrafficGenerator gen(cfg, rng);
    int broken_ip = 0, broken_l4 = 0;
    for (int i = 0; i < 2000; ++i) {
        auto const f = gen.next();
        auto const v = model::verify_checksums(f.bytes);
        REQUIRE(v.ip == (f.gen->broken_ip_csum            ? CsumVerdict::bad
                         : v.layout.l3 == model::L3::ipv4 ? CsumVerdict::good
                                                          : CsumVerdict::not_checked));
        REQUIRE(v.l4 == (f.gen->broken_l4_csum ? CsumVerdict::bad : CsumVerdict::good));
        REQUIRE(f.gen->expect_ip == v.ip);
        REQUIRE(f.gen->expect_l4 == v.l4);
        broken_ip += f.gen->broken_ip_csum;
        broken_l4 += f.gen->broken_l4_csum;
    }
    CHECK(broken_ip > 100);
    CHECK(broken_l4 > 300);
}

TEST_CASE("checksums left zero for TX offload", "[gen]") {
    auto rng = test_rng(0x0FF);
    TrafficConfig cfg;
    cfg.fill_checksums = false;
    cfg.ipv6_fraction = 0.0;
    TrafficGenerator gen(cfg, rng);
    auto const f = gen.next();
    auto const lay = model::parse_frame(f.bytes);
    CHECK(model::load_be16(f.bytes, lay.l3_offset + model::kIpv4ChecksumOffset) == 0);
    CHECK(model::load_be16(f.bytes, lay.l4_offset + model::l4_checksum_offset(lay.l4)) == 0);
}

TEST_CASE("fault frames: non-IP, runts, oversize, tuser-bad", "[gen]") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xFA17);
    TrafficConfig cfg;
    cfg.non_ip_fraction = 0.25;
    cfg.runt_fraction = 0.25;
    cfg.oversize_fraction = 0.25;
    cfg.bad_frame_fraction = 0.1;
    TrafficGenerator gen(cfg, rng);
    std::map<FrameKind, int> n;
    int bad = 0;
    for (int i = 0; i < 1000; ++i) {
        auto const f = gen.next();
        ++n[f.gen->kind];
        bad += f.bad;
        switch (f.gen->kind) {
        case FrameKind::runt:
            REQUIRE(f.bytes.size() < kMinFrameBytes);
            REQUIRE(f.bytes.size() >= cfg.runt_min_bytes);
            REQUIRE(decode_tag(f.bytes) == f.tag);
            break;
        case FrameKind::oversize:
            REQUIRE(f.bytes.size() > kMaxFrameBytes);
            REQUIRE(f.bytes.size() <= cfg.oversize_max_bytes);
            REQUIRE(model::verify_checksums(f.bytes).l4 == CsumVerdict::good);
            break;
        case FrameKind::non_ip:
            REQUIRE(model::parse_frame(f.bytes).l3 == model::L3::other);
            REQUIRE(decode_tag(f.bytes) == f.tag);
            break;
        case FrameKind::ip: REQUIRE(model::parse_frame(f.bytes).l4 != model::L4::other); break;
        }
    }
    for (auto k : {FrameKind::ip, FrameKind::non_ip, FrameKind::runt, FrameKind::oversize}) CHECK(n[k] > 150);
    CHECK(bad == Approx(100).margin(45));
}

TEST_CASE("flows from the pool spread over RSS queues", "[gen]") {
    auto rng = test_rng(0x2557);
    TrafficConfig cfg;
    cfg.flow_count = 64;
    TrafficGenerator gen(cfg, rng);
    std::set<std::uint32_t> queues;
    for (auto const& flow : gen.flows())
        queues.insert(model::toeplitz_hash(model::kRssVerificationKey, flow.rss_input().span()) % 4);
    CHECK(queues.size() == 4);
    // The frame's own hash input is its flow's.
    for (int i = 0; i < 50; ++i) {
        auto const f = gen.next();
        auto const in = model::rss_input_of_frame(f.bytes);
        REQUIRE(in.has_value());
        auto const want = gen.flows()[f.gen->flow_idx].rss_input();
        REQUIRE(std::ranges::equal(in->span(), want.span()));
    }
}

TEST_CASE("the generator is deterministic per seed", "[gen]") {
    auto frames = [](std::uint64_t seed) {
        std::mt19937_64 rng(seed);
        TrafficConfig cfg;
        cfg.vlan_fraction = 0.5;
        cfg.non_ip_fraction = 0.1;
        cfg.sizes = SizeDist::imix();
        TrafficGenerator gen(cfg, rng);
        std::vector<Bytes> out;
        for (int i = 0; i < 200; ++i) out.push_back(gen.next().bytes);
        return out;
    };
    CHECK(frames(42) == frames(42));
    CHECK(frames(42) != frames(43));
}

TEST_CASE("tshark finds no bad checksums on generated frames and finds every broken one", "[gen][tshark]") {
    if (std::string(NICSIM_TSHARK).empty()) {
        FAIL("tshark not found: tools/install-deps installs it (Debian package tshark)");
    }
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x75A4);
    TrafficConfig cfg;
    cfg.vlan_fraction = 0.3;
    cfg.sizes = SizeDist::uniform(60, 1600);
    cfg.bad_ip_csum_fraction = 0.1;
    cfg.bad_l4_csum_fraction = 0.1;
    TrafficGenerator gen(cfg, rng);
    auto const path = std::filesystem::temp_directory_path() / fmt::format("nicsim_gen_{}.pcap", Catch::rngSeed());
    std::vector<Frame> frames;
    {
        PcapWriter w(path);
        for (int i = 0; i < 300; ++i) {
            frames.push_back(gen.next());
            w.add(Direction::outbound, frames.back().bytes, static_cast<std::uint64_t>(i) * 100);
        }
        w.write();
    }
    int status = 0;
    auto const out = wiretest::run_command(
        fmt::format("'{}' -r '{}' -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE "
                    "-T fields -E separator=, -e frame.len -e eth.type -e ip.checksum.status -e tcp.checksum.status "
                    "-e udp.checksum.status 2>/dev/null",
                    NICSIM_TSHARK, path.string()),
        status);
    REQUIRE(status == 0);
    std::istringstream lines(out);
    std::string line;
    std::size_t i = 0;
    // checksum.status: 0 bad, 1 good, 2 unverified, 3 not present.
    while (std::getline(lines, line)) {
        REQUIRE(i < frames.size());
        INFO("frame " << i << ": " << line);
        std::vector<std::string> col;
        std::stringstream ss(line);
        std::string c;
        while (std::getline(ss, c, ',')) col.push_back(c);
        col.resize(5);
        auto const& f = frames[i];
        CHECK(col[0] == std::to_string(f.bytes.size()));
        CHECK(col[1].find(f.gen->vlan ? "0x8100" : "0x") == 0);
        bool const v4 = model::parse_frame(f.bytes).l3 == model::L3::ipv4;
        if (v4) CHECK(col[2] == (f.gen->broken_ip_csum ? "0" : "1"));
        std::string const l4 = col[3].empty() ? col[4] : col[3];
        CHECK(l4 == (f.gen->broken_l4_csum ? "0" : "1"));
        ++i;
    }
    CHECK(i == frames.size());
    std::filesystem::remove(path);
}
