// pcap/pcapng: written by us and read by tshark, read back byte-exact, foreign files from
// text2pcap, and malformed files (clear errors, never a crash).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "bfm/pause.hpp"
#include "test_util.hpp"
#include "wire/pcap.hpp"
#include "wire/traffic_gen.hpp"

using namespace nicsim;
using namespace nicsim::wire;
using nicsim::wiretest::test_rng;

namespace {

std::filesystem::path temp_file(std::string const& stem, std::string const& ext) {
    return std::filesystem::temp_directory_path() /
           fmt::format("nicsim_{}_{}_{}{}", stem, ::getpid(), Catch::rngSeed(), ext);
}

Bytes slurp(std::filesystem::path const& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool has_tool(char const* path) {
    return std::string(path).size() > 0;
}

struct Written {
    std::vector<Frame> tx, rx;  // with first_beat_cycle
};

// TX frames at cycles 100, 300, 500, ...; RX frames at 200, 400, ... (interleaved in time).
Written make_traffic(std::mt19937_64& rng, int n) {
    TrafficConfig cfg;
    cfg.vlan_fraction = 0.3;
    cfg.non_ip_fraction = 0.1;
    TrafficGenerator gen(cfg, rng);
    Written w;
    for (int i = 0; i < n; ++i) {
        auto f = gen.next();
        f.first_beat_cycle = 100 + 200 * static_cast<std::uint64_t>(i);
        w.tx.push_back(f);
        auto g = gen.next();
        g.first_beat_cycle = 200 + 200 * static_cast<std::uint64_t>(i);
        w.rx.push_back(g);
    }
    return w;
}

void write_all(PcapWriter& w, Written const& t) {
    // Added out of time order on purpose: the writer sorts.
    for (auto const& f : t.rx) w.add_rx(f);
    for (auto const& f : t.tx) w.add_tx(f);
    w.write();
}

std::string tshark(std::filesystem::path const& p, std::string const& fields) {
    int status = 0;
    auto out = wiretest::run_command(
        fmt::format("'{}' -r '{}' -T fields -E separator=, {} 2>/dev/null", NICSIM_TSHARK, p.string(), fields), status);
    REQUIRE(status == 0);
    return out;
}

}  // namespace

TEST_CASE("pcap and pcapng round trip byte-exact, in time order, with directions", "[pcap]") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x9CA9);
    auto const t = make_traffic(rng, 20);
    for (auto ext : {".pcap", ".pcapng"}) {
        INFO(ext);
        auto const path = temp_file("rt", ext);
        PcapWriterOptions opt;
        opt.clock_hz = 250'000'000;  // 4 ns per cycle
        PcapWriter w(path, opt);
        write_all(w, t);
        auto const cap = read_pcap(path);
        CHECK(cap.format == (std::string(ext) == ".pcap" ? PcapFormat::pcap : PcapFormat::pcapng));
        REQUIRE(cap.packets.size() == 40);
        for (std::size_t i = 0; i < cap.packets.size(); ++i) {
            auto const& p = cap.packets[i];
            Frame const& f = i % 2 == 0 ? t.tx[i / 2] : t.rx[i / 2];
            REQUIRE(p.bytes == f.bytes);
            CHECK(p.orig_len_bytes == f.bytes.size());
            CHECK(p.ts_ns == *f.first_beat_cycle * 4);
            if (cap.format == PcapFormat::pcapng) {
                CHECK(p.direction == (i % 2 == 0 ? Direction::outbound : Direction::inbound));
                CHECK(cap.interfaces.at(p.interface_idx).name == (i % 2 == 0 ? "nic-tx" : "nic-rx"));
            }
        }
        auto const frames = frames_of(cap);
        CHECK(frames[0].tag == t.tx[0].tag);
        std::filesystem::remove(path);
    }
}

TEST_CASE("tshark reads our pcap and pcapng files", "[pcap][tshark]") {
    if (!has_tool(NICSIM_TSHARK)) {
        FAIL("tshark not found: tools/install-deps installs it (Debian package tshark)");
    }
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x75A7);
    auto const t = make_traffic(rng, 10);
    for (auto ext : {".pcap", ".pcapng"}) {
        INFO(ext);
        auto const path = temp_file("ts", ext);
        PcapWriter w(path);
        write_all(w, t);
        bool const ng = std::string(ext) == ".pcapng";
        auto const out = tshark(path, ng ? "-e frame.len -e eth.type -e frame.time_epoch -e frame.interface_name "
                                           "-e frame.packet_flags_direction"
                                         : "-e frame.len -e eth.type -e frame.time_epoch");
        std::istringstream lines(out);
        std::string line;
        std::size_t i = 0;
        while (std::getline(lines, line)) {
            INFO("packet " << i << ": " << line);
            REQUIRE(i < 20);
            Frame const& f = i % 2 == 0 ? t.tx[i / 2] : t.rx[i / 2];
            std::string const type = fmt::format("0x{:04x}", model::load_be16(f.bytes, 12));
            std::string const time = fmt::format("0.{:09}", *f.first_beat_cycle * 4);
            std::string want = fmt::format("{},{},{}", f.bytes.size(), type, time);
            if (ng) want += i % 2 == 0 ? ",nic-tx,0x00000002" : ",nic-rx,0x00000001";  // outbound / inbound
            CHECK(line == want);
            ++i;
        }
        CHECK(i == 20);
        std::filesystem::remove(path);
    }
}

TEST_CASE("frames from a foreign writer (text2pcap) read back byte-exact", "[pcap][text2pcap]") {
    if (!has_tool(NICSIM_TEXT2PCAP)) {
        FAIL(
            "text2pcap not found: tools/install-deps installs it (Debian package wireshark-common, a dependency of "
            "tshark)");
    }
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0x7E27);
    TrafficGenerator gen({}, rng);
    std::vector<Frame> frames;
    auto const dump = temp_file("dump", ".txt");
    {
        std::ofstream out(dump);
        for (int i = 0; i < 5; ++i) {
            frames.push_back(gen.next());
            auto const& b = frames.back().bytes;
            for (std::size_t at = 0; at < b.size(); at += 16) {
                out << fmt::format("{:06x}", at);
                for (std::size_t k = at; k < std::min(b.size(), at + 16); ++k) out << fmt::format(" {:02x}", b[k]);
                out << "\n";
            }
        }
    }
    for (std::string format : {"pcap", "pcapng"}) {
        INFO(format);
        auto const path = temp_file("t2p", "." + format);
        int status = 0;
        wiretest::run_command(
            fmt::format("'{}' -q -F {} '{}' '{}' 2>&1", NICSIM_TEXT2PCAP, format, dump.string(), path.string()),
            status);
        REQUIRE(status == 0);
        auto const cap = read_pcap(path);
        CHECK(cap.format == (format == "pcap" ? PcapFormat::pcap : PcapFormat::pcapng));
        REQUIRE(cap.packets.size() == frames.size());
        for (std::size_t i = 0; i < frames.size(); ++i) {
            CHECK(cap.packets[i].bytes == frames[i].bytes);
            CHECK(decode_tag(cap.packets[i].bytes) == frames[i].tag);
        }
        std::filesystem::remove(path);
    }
    std::filesystem::remove(dump);
}

namespace {

void le32(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void be32(Bytes& b, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void be16(Bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}

// A classic pcap, big-endian, microsecond magic, one 64-byte frame at 1.5 s.
Bytes big_endian_pcap(std::uint32_t linktype = 1, std::uint32_t caplen = 64, std::uint32_t origlen = 64) {
    Bytes b;
    be32(b, 0xA1B2C3D4);
    be16(b, 2);
    be16(b, 4);
    be32(b, 0);
    be32(b, 0);
    be32(b, 65535);
    be32(b, linktype);
    be32(b, 1);
    be32(b, 500000);
    be32(b, caplen);
    be32(b, origlen);
    for (std::uint32_t i = 0; i < caplen; ++i) b.push_back(static_cast<std::uint8_t>(i));
    return b;
}

std::string error_of(Bytes const& data, PcapReadOptions opt = {}) {
    try {
        parse_pcap(data, "bad.pcap", opt);
    } catch (PcapError const& e) {
        CHECK(std::string(e.what()).rfind("bad.pcap: at byte offset 0x", 0) == 0);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("classic pcap in big-endian byte order with microsecond stamps", "[pcap]") {
    auto const cap = parse_pcap(big_endian_pcap(), "be.pcap");
    CHECK(cap.big_endian);
    CHECK_FALSE(cap.nanosecond);
    REQUIRE(cap.packets.size() == 1);
    CHECK(cap.packets[0].ts_ns == 1'500'000'000);
    CHECK(cap.packets[0].bytes.size() == 64);
    CHECK(cap.packets[0].bytes[63] == 63);
}

TEST_CASE("malformed capture files give errors naming file, offset and problem", "[pcap]") {
    CHECK_THAT(error_of({}), Catch::Contains("truncated file magic"));
    CHECK_THAT(error_of({1, 2, 3, 4, 5, 6, 7, 8}), Catch::Contains("bad magic 0x04030201"));
    auto good = big_endian_pcap();
    // libpcap's words for what it refuses; offsets and record numbers are ours.
    CHECK_THAT(error_of(Bytes(good.begin(), good.begin() + 20)),
               Catch::Contains("at byte offset 0x0: truncated dump file") && Catch::Contains("file header"));
    CHECK_THAT(error_of(Bytes(good.begin(), good.begin() + 30)),
               Catch::Contains("at byte offset 0x18: record 1: truncated dump file; tried to read 16 header bytes"));
    CHECK_THAT(error_of(Bytes(good.begin(), good.end() - 1)),
               Catch::Contains("at byte offset 0x18: record 1: truncated dump file; tried to read 64 captured bytes"));
    CHECK_THAT(error_of(big_endian_pcap(105)), Catch::Contains("at byte offset 0x14: unsupported link type 105"));
    CHECK_THAT(error_of(big_endian_pcap(1, 40, 64)),
               Catch::Contains("at byte offset 0x18: record 1: frame cut by the snap length: 40 of 64"));
    PcapReadOptions allow;
    allow.allow_snaplen_cut = true;
    CHECK(parse_pcap(big_endian_pcap(1, 40, 64), "cut.pcap", allow).packets.at(0).bytes.size() == 40);
    Bytes long_record = big_endian_pcap(1, 200, 200);  // the header's snap length is 65535
    long_record[16] = 0, long_record[17] = 0, long_record[18] = 0, long_record[19] = 128;
    CHECK_THAT(error_of(long_record),
               Catch::Contains("at byte offset 0x18: record 1: 200 bytes, longer than the capture's snap length 128"));
    Bytes bad_fraction = big_endian_pcap();
    bad_fraction[28] = 0, bad_fraction[29] = 0x0F, bad_fraction[30] = 0x42, bad_fraction[31] = 0x40;  // 1'000'000 us
    CHECK_THAT(error_of(bad_fraction),
               Catch::Contains("at byte offset 0x18: record 1: time stamp fraction out of range"));

    // pcapng: a section header alone has no interface, which libpcap refuses.
    Bytes shb;
    le32(shb, 0x0A0D0D0A);
    le32(shb, 28);
    le32(shb, 0x1A2B3C4D);
    le32(shb, 0x00000001);
    le32(shb, 0xFFFFFFFF);
    le32(shb, 0xFFFFFFFF);
    le32(shb, 28);
    CHECK_THAT(error_of(shb),
               Catch::Contains("at byte offset 0x0: the capture file has no Interface Description Blocks"));
    Bytes ng = shb;  // and an Ethernet interface: an empty capture
    le32(ng, 1);
    le32(ng, 20);
    le32(ng, 1);
    le32(ng, 0);
    le32(ng, 20);
    CHECK(parse_pcap(ng, "empty.pcapng").packets.empty());
    Bytes bad_len = ng;  // a block whose length is not a multiple of 4
    le32(bad_len, 6);
    le32(bad_len, 33);
    le32(bad_len, 0);
    CHECK_THAT(error_of(bad_len), Catch::Contains("at byte offset 0x30: record 1: ") &&
                                      Catch::Contains("length of 33 that is not a multiple of 4"));
    Bytes no_idb = ng;  // an EPB on an undeclared interface
    le32(no_idb, 6);
    le32(no_idb, 32);
    le32(no_idb, 1);
    for (int i = 0; i < 4; ++i) le32(no_idb, 0);
    le32(no_idb, 32);
    CHECK_THAT(error_of(no_idb), Catch::Contains("record 1: a packet arrived on interface 1, but there's no Interface "
                                                 "Description Block for that interface"));
    Bytes bad_option = ng;  // epb_flags whose length runs past the block
    le32(bad_option, 6);
    le32(bad_option, 40);
    for (int i = 0; i < 5; ++i) le32(bad_option, 0);
    le32(bad_option, 2 | (12u << 16));
    le32(bad_option, 0);
    le32(bad_option, 40);
    CHECK_THAT(error_of(bad_option),
               Catch::Contains("at byte offset 0x4c: record 1: option 2 of 12 bytes runs past its block"));
    Bytes unknown = ng;  // an unknown block is skipped
    le32(unknown, 0x0BAD);
    le32(unknown, 16);
    le32(unknown, 0xDEADBEEF);
    le32(unknown, 16);
    CHECK(parse_pcap(unknown, "unknown.pcapng").packets.empty());
    Bytes token_ring = shb;
    le32(token_ring, 1);
    le32(token_ring, 20);
    le32(token_ring, 6);
    le32(token_ring, 0);
    le32(token_ring, 20);
    CHECK_THAT(error_of(token_ring), Catch::Contains("at byte offset 0x1c: unsupported link type 6"));
    CHECK_THROWS_AS(read_pcap("/nonexistent/nicsim.pcap"), PcapError);
}

TEST_CASE("a device that never ends or a directory is refused at once, not read to its end", "[pcap]") {
    // /dev/zero used to be read until memory ran out: the magic is checked before the rest is read.
    for (char const* endless : {"/dev/zero", "/dev/urandom"}) {
        INFO(endless);
        try {
            read_pcap(endless);
            FAIL("read " << endless);
        } catch (PcapError const& e) {
            CHECK_THAT(e.what(), Catch::StartsWith(std::string(endless) + ": at byte offset 0x0: bad magic"));
        }
    }
    try {
        read_pcap("/tmp");
        FAIL("read a directory");
    } catch (PcapError const& e) {
        CHECK(std::string(e.what()) == "/tmp: at byte offset 0x0: is a directory, not a capture");
    }
}

TEST_CASE("pcapng simple packet blocks and microsecond interfaces", "[pcap]") {
    Bytes ng;
    le32(ng, 0x0A0D0D0A);
    le32(ng, 28);
    le32(ng, 0x1A2B3C4D);
    le32(ng, 0x00000001);
    le32(ng, 0xFFFFFFFF);
    le32(ng, 0xFFFFFFFF);
    le32(ng, 28);
    le32(ng, 1);  // IDB, no options: microseconds
    le32(ng, 20);
    le32(ng, 1);
    le32(ng, 0);
    le32(ng, 20);
    le32(ng, 3);  // SPB with 6 bytes (padded to 8)
    le32(ng, 24);
    le32(ng, 6);
    for (std::uint8_t x : {1, 2, 3, 4, 5, 6, 0, 0}) ng.push_back(x);
    le32(ng, 24);
    le32(ng, 6);  // EPB at 3 us
    le32(ng, 36);
    le32(ng, 0);
    le32(ng, 0);
    le32(ng, 3);
    le32(ng, 4);
    le32(ng, 4);
    le32(ng, 0x0A0B0C0D);
    le32(ng, 36);
    auto const cap = parse_pcap(ng, "spb.pcapng");
    REQUIRE(cap.packets.size() == 2);
    CHECK(cap.packets[0].bytes == Bytes{1, 2, 3, 4, 5, 6});
    CHECK(cap.packets[1].ts_ns == 3000);
    CHECK(cap.packets[1].bytes == Bytes{0x0D, 0x0C, 0x0B, 0x0A});
}

namespace {

// pcapng blocks, little-endian: a section header, an Ethernet interface named `name`, and an
// Enhanced Packet Block of 4 bytes on `interface` with epb_flags `flags`.
void section_header(Bytes& b) {
    for (std::uint32_t v : {0x0A0D0D0Au, 28u, 0x1A2B3C4Du, 1u, 0xFFFFFFFFu, 0xFFFFFFFFu, 28u}) le32(b, v);
}
void interface_block(Bytes& b, std::string const& name) {
    std::uint32_t const padded = static_cast<std::uint32_t>((name.size() + 3) & ~std::size_t{3});
    std::uint32_t const len = 20 + 4 + padded + 4;
    for (std::uint32_t v : {1u, len, 1u, 0u}) le32(b, v);
    le32(b, 2 | static_cast<std::uint32_t>(name.size()) << 16);  // if_name
    b.insert(b.end(), name.begin(), name.end());
    b.resize(b.size() + (padded - name.size()), 0);
    le32(b, 0);  // opt_endofopt
    le32(b, len);
}
void packet_block(Bytes& b, std::uint32_t interface, std::uint32_t flags) {
    for (std::uint32_t v : {6u, 44u, interface, 0u, 1000u, 4u, 4u, 0x04030201u}) le32(b, v);
    le32(b, 2 | 4u << 16);  // epb_flags
    le32(b, flags);
    le32(b, 44);
}

}  // namespace

TEST_CASE("pcapng interfaces are numbered per section; directions come from epb_flags", "[pcap]") {
    Bytes ng;
    section_header(ng);
    interface_block(ng, "first");
    packet_block(ng, 0, 1);  // inbound
    std::size_t const second_section = ng.size();
    section_header(ng);
    interface_block(ng, "second-a");
    interface_block(ng, "second-b");
    packet_block(ng, 1, 2);  // outbound, on "second-b"
    std::size_t const last = ng.size();
    packet_block(ng, 0, 0);  // no direction
    auto const cap = parse_pcap(ng, "sections.pcapng");
    REQUIRE(cap.interfaces.size() == 3);
    CHECK(cap.interfaces[2].name == "second-b");
    REQUIRE(cap.packets.size() == 3);
    CHECK(cap.packets[0].direction == Direction::inbound);
    CHECK(cap.packets[0].interface_idx == 0);
    CHECK(cap.packets[0].file_offset == 28 + 36);
    CHECK(cap.packets[1].direction == Direction::outbound);
    CHECK(cap.packets[1].interface_idx == 2);
    CHECK(cap.packets[1].file_offset == second_section + 28 + 2 * 36);
    CHECK(cap.packets[2].direction == Direction::unknown);
    CHECK(cap.packets[2].interface_idx == 1);
    CHECK(cap.packets[2].file_offset == last);
    CHECK(cap.packets[2].ts_ns == 1'000'000);  // 1000 microseconds
    CHECK(cap.packets[2].bytes == Bytes{1, 2, 3, 4});
}

TEST_CASE("mutated and truncated capture files never crash the reader", "[pcap]") {
    NICSIM_REPLAY_INFO();
    auto rng = test_rng(0xF022);
    auto const t = make_traffic(rng, 4);
    for (auto ext : {".pcap", ".pcapng"}) {
        auto const path = temp_file("fuzz", ext);
        PcapWriter w(path);
        write_all(w, t);
        Bytes const good = slurp(path);
        std::filesystem::remove(path);
        int errors = 0;
        for (int i = 0; i < 3000; ++i) {
            Bytes b = good;
            if (i % 3 == 0) {
                b.resize(bfm::range_draw(rng, 0, b.size() - 1));
            } else {
                for (int k = 0, n = static_cast<int>(bfm::range_draw(rng, 1, 8)); k < n; ++k)
                    b[bfm::range_draw(rng, 0, b.size() - 1)] = static_cast<std::uint8_t>(rng());
            }
            try {
                parse_pcap(b, "fuzz");
            } catch (PcapError const&) {
                ++errors;
            }
        }
        CHECK(errors > 1000);
    }
}
