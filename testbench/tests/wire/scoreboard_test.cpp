// The scoreboard: a clean run passes; reordering, duplicates, corruption, wrong queues, wrong
// verdicts, undeclared drops and lost frames fail with messages that name the frame.
#include <catch2/catch.hpp>

#include <deque>
#include <set>

#include "model/toeplitz.hpp"
#include "scoreboard/scoreboard.hpp"
#include "test_util.hpp"
#include "wire/traffic_gen.hpp"

using namespace nicsim;
using namespace nicsim::scoreboard;
using nicsim::wiretest::test_rng;
using wire::Frame;

namespace {

std::string all_errors(Scoreboard& sb) {
    std::string s;
    for (auto const& e : sb.errors()) s += e + "\n";
    return s;
}

RxDelivery deliver(Frame const& f, RssConfig const& rss) {
    auto const exp = expect_rx(rss, f.bytes, f.bad);
    RxDelivery d;
    d.queue = exp.queue;
    d.bytes = f.bytes;
    d.bad = f.bad;
    d.hash = exp.hash;
    d.ip = exp.ip;
    d.l4 = exp.l4;
    return d;
}

struct Fixture {
    std::mt19937_64 rng = test_rng(0x5C0);
    wire::TrafficConfig cfg = [] {
        wire::TrafficConfig c;
        c.flow_count = 32;
        c.sizes = wire::SizeDist::uniform(60, 300);
        return c;
    }();
    wire::TrafficGenerator gen{cfg, rng};
};

/// A frame without a FrameTag, as a real network stack sends them: non-IP (RX expects queue 0),
/// `size` bytes, `n` in its first payload bytes so that different `n` give different bytes.
Frame foreign_frame(std::uint64_t n, std::size_t size) {
    Frame f;
    f.bytes.assign(size, 0);
    for (std::size_t i = 0; i < 6; ++i) f.bytes[i] = 0x02, f.bytes[6 + i] = static_cast<std::uint8_t>(0x10 + i);
    model::store_be16(f.bytes, 12, 0x88B5);  // IEEE local experimental EtherType
    for (std::size_t i = 0; i < 8; ++i) f.bytes[14 + i] = static_cast<std::uint8_t>(n >> (8 * i));
    for (std::size_t i = 22; i < size; ++i) f.bytes[i] = static_cast<std::uint8_t>(n * 31 + i);
    return f;
}

RxDelivery deliver_on(std::uint16_t queue, Frame const& f) {
    RxDelivery d;
    d.queue = queue;
    d.bytes = f.bytes;
    return d;
}

}  // namespace

TEST_CASE("scoreboard: every frame delivered in order per queue passes", "[scoreboard]") {
    NICSIM_REPLAY_INFO();
    Fixture fx;
    auto const rss = RssConfig::spread(4);
    Scoreboard sb("clean", rss);
    // TX on two queues, interleaved on the wire.
    std::vector<Frame> q0, q1;
    for (int i = 0; i < 10; ++i) {
        q0.push_back(fx.gen.next());
        sb.tx_posted(0, q0.back());
        q1.push_back(fx.gen.next());
        sb.tx_posted(1, q1.back());
    }
    for (int i = 0; i < 10; ++i) {
        sb.tx_seen(q1[static_cast<std::size_t>(i)]);
        sb.tx_seen(q0[static_cast<std::size_t>(i)]);
    }
    // RX spread by RSS; delivered queue by queue (order across queues is free).
    std::vector<Frame> rx;
    for (int i = 0; i < 40; ++i) {
        rx.push_back(fx.gen.next());
        sb.rx_put(rx.back());
    }
    std::set<std::uint16_t> used;
    for (std::uint16_t q = 4; q-- > 0;)
        for (auto const& f : rx) {
            auto const d = deliver(f, rss);
            if (d.queue == q) sb.rx_delivered(d), used.insert(q);
        }
    INFO(sb.report());
    CHECK(used.size() > 1);
    auto const s = sb.finish();
    CHECK(s.passed);
    CHECK(s.lost == 0);
    CHECK(s.tx_seen.at(0).packets == 10);
    CHECK(s.tx_seen.at(1).packets == 10);
    CHECK(sb.report().rfind("scoreboard clean: PASS", 0) == 0);
}

TEST_CASE("scoreboard: RSS off sends everything to queue 0, non-IP always to queue 0", "[scoreboard]") {
    Fixture fx;
    auto const f = fx.gen.next();
    CHECK(expect_rx(RssConfig{}, f.bytes, false).queue == 0);
    CHECK(expect_rx(RssConfig{}, f.bytes, false).hash.has_value());
    auto rss = RssConfig::spread(4);
    auto const in = model::rss_input_of_frame(f.bytes);
    std::uint32_t const h = model::toeplitz_hash(rss.key, in->span());
    CHECK(expect_rx(rss, f.bytes, false).queue == rss.table[h % 128]);
    wire::Bytes non_ip(60, 0);
    model::store_be16(non_ip, 12, wire::kEtherTypeTest);
    CHECK(expect_rx(rss, non_ip, false).queue == 0);
    CHECK_FALSE(expect_rx(rss, non_ip, false).hash.has_value());
}

TEST_CASE("scoreboard: reordering within a queue fails", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    auto const a = fx.gen.next(), b = fx.gen.next();
    sb.tx_posted(2, a);
    sb.tx_posted(2, b);
    sb.tx_seen(b);
    sb.tx_seen(a);
    auto const e = all_errors(sb);
    CHECK_THAT(
        e, Catch::Contains("out of order") && Catch::Contains(wire::to_string(*a.tag)) && Catch::Contains("queue 2"));
    CHECK_FALSE(sb.passed());
}

TEST_CASE("scoreboard: a duplicate fails", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    auto const a = fx.gen.next();
    sb.rx_put(a);
    sb.rx_delivered(deliver(a, sb.rss()));
    sb.rx_delivered(deliver(a, sb.rss()));
    CHECK_THAT(all_errors(sb), Catch::Contains("duplicate") && Catch::Contains(wire::to_string(*a.tag)));
    CHECK_FALSE(sb.passed());
}

TEST_CASE("scoreboard: corruption reports the first differing byte", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    auto const a = fx.gen.next();
    sb.tx_posted(1, a);
    Frame bad = a;
    bad.bytes[50] ^= 0xFF;
    sb.tx_seen(bad);
    auto const e = all_errors(sb);
    INFO(e);
    CHECK_THAT(e, Catch::Contains("corrupt") && Catch::Contains("first difference at byte 50") &&
                      Catch::Contains(fmt::format("[{:02x}]", a.bytes[50])) &&
                      Catch::Contains(fmt::format("[{:02x}]", bad.bytes[50])) && Catch::Contains("queue 1"));
    CHECK_FALSE(sb.passed());
}

TEST_CASE("scoreboard: a frame corrupted inside its tag is still matched by its bytes", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    auto const a = fx.gen.next();
    sb.tx_posted(0, a);
    Frame bad = a;
    bad.bytes[*wire::tag_offset(a.bytes) + 9] ^= 1;
    sb.tx_seen(bad);
    CHECK_THAT(all_errors(sb), Catch::Contains("corrupt") && Catch::Contains(wire::to_string(*a.tag)));
}

TEST_CASE("scoreboard: TX expected bytes include the requested checksum insertion", "[scoreboard]") {
    std::mt19937_64 rng = test_rng(0x7C5);
    wire::TrafficConfig cfg;
    cfg.fill_checksums = false;
    cfg.ipv6_fraction = 0.0;
    wire::TrafficGenerator gen(cfg, rng);
    Scoreboard sb;
    auto const posted = gen.next();
    sb.tx_posted(0, posted, TxCsumRequest{true, true});
    Frame on_wire = posted;
    model::fill_checksums(on_wire.bytes);
    sb.tx_seen(on_wire);
    CHECK(sb.passed());
    // Without the request the NIC must leave the bytes alone.
    auto const posted2 = gen.next();
    sb.tx_posted(0, posted2);
    Frame filled = posted2;
    model::fill_checksums(filled.bytes);
    sb.tx_seen(filled);
    CHECK_THAT(all_errors(sb), Catch::Contains("corrupt"));
}

TEST_CASE("scoreboard: wrong queue, wrong verdict, wrong hash", "[scoreboard]") {
    Fixture fx;
    auto const rss = RssConfig::spread(4);
    Scoreboard sb("checks", rss);
    auto const a = fx.gen.next();
    sb.rx_put(a);
    auto d = deliver(a, rss);
    d.queue = static_cast<std::uint16_t>((d.queue + 1) % 4);
    d.l4 = model::CsumVerdict::bad;
    d.hash = *d.hash ^ 1;
    sb.rx_delivered(d);
    auto const e = all_errors(sb);
    INFO(e);
    CHECK_THAT(e, Catch::Contains("expected queue") && Catch::Contains("L4 checksum verdict bad, expected good") &&
                      Catch::Contains("RSS hash"));
}

TEST_CASE("scoreboard: a dropped frame is settled once a later frame of its queue arrives, its bytes freed",
          "[scoreboard]") {
    // Drops are reported as counts; the books must not keep every dropped frame until the end (a
    // 10,000,000-frame soak drops tens of thousands).
    Fixture fx;
    Scoreboard sb;
    sb.expect_drops(DropReason::no_buffer);
    std::vector<Frame> rx;
    for (int i = 0; i < 1000; ++i) rx.push_back(fx.gen.next());
    for (auto const& f : rx) sb.rx_put(f);
    CHECK(sb.frames_held() == 1000);
    for (std::size_t i = 0; i < rx.size(); ++i)
        if (i % 10 != 9) sb.rx_delivered(deliver(rx[i], sb.rss()));  // 9, 19, ..., 999 never arrive
    CHECK(sb.frames_held() == 1);                                    // #999: no later frame came, it may still arrive
    sb.nic_dropped(0, DropReason::no_buffer, 100);
    auto const s = sb.finish();
    INFO(all_errors(sb));
    CHECK(s.passed);
    CHECK(s.lost == 0);
    CHECK(s.rx_undelivered == 100);
    SECTION("one fewer drop reported: exactly one lost, named") {
        Scoreboard short_by_one;
        short_by_one.expect_drops(DropReason::no_buffer);
        for (auto const& f : rx) short_by_one.rx_put(f);
        for (std::size_t i = 0; i < rx.size(); ++i)
            if (i % 10 != 9) short_by_one.rx_delivered(deliver(rx[i], short_by_one.rss()));
        short_by_one.nic_dropped(0, DropReason::no_buffer, 99);
        CHECK(short_by_one.finish().lost == 1);
        CHECK_THAT(all_errors(short_by_one),
                   Catch::Contains("1 RX frame(s) lost") && Catch::Contains(wire::to_string(*rx[9].tag)));
    }
}

TEST_CASE("scoreboard: drops the test declared are accounted, others are errors, the rest is lost", "[scoreboard]") {
    Fixture fx;
    std::vector<Frame> rx;
    for (int i = 0; i < 10; ++i) rx.push_back(fx.gen.next());
    auto run = [&](bool declare, std::uint64_t reported) {
        Scoreboard sb;
        if (declare) sb.expect_drops(DropReason::no_buffer);
        for (auto const& f : rx) sb.rx_put(f);
        for (std::size_t i = 0; i < 10; ++i)
            if (i % 4 != 1) sb.rx_delivered(deliver(rx[i], sb.rss()));  // 1, 5, 9 never arrive
        sb.nic_dropped(0, DropReason::no_buffer, reported);
        return std::pair{sb.finish(), all_errors(sb)};
    };
    SECTION("declared and fully counted: pass") {
        auto [s, e] = run(true, 3);
        INFO(e);
        CHECK(s.passed);
        CHECK(s.lost == 0);
        CHECK(s.rx_undelivered == 3);
        CHECK(s.rx_drops.at(DropReason::no_buffer) == 3);
    }
    SECTION("not declared: fail") {
        auto [s, e] = run(false, 3);
        CHECK_FALSE(s.passed);
        CHECK_THAT(e, Catch::Contains("no_buffer, which the test did not declare expected"));
    }
    SECTION("partly counted: the rest is lost, by name") {
        auto [s, e] = run(true, 1);
        CHECK_FALSE(s.passed);
        CHECK(s.lost == 2);
        CHECK_THAT(e, Catch::Contains("2 RX frame(s) lost") && Catch::Contains(wire::to_string(*rx[1].tag)));
    }
    SECTION("more drops reported than frames missing: fail") {
        auto [s, e] = run(true, 4);
        CHECK_FALSE(s.passed);
        CHECK_THAT(e, Catch::Contains("RX queue 0: 4 drops reported but only 3 frames are missing"));
    }
}

TEST_CASE("scoreboard: a frame that must be dropped", "[scoreboard]") {
    Fixture fx;
    auto const a = fx.gen.next(), b = fx.gen.next();
    SECTION("dropped and counted: pass") {
        Scoreboard sb;
        sb.rx_put(a, DropReason::runt);
        sb.rx_put(b);
        sb.rx_delivered(deliver(b, sb.rss()));
        sb.nic_dropped(0, DropReason::runt);
        CHECK(sb.passed());
    }
    SECTION("delivered: fail") {
        Scoreboard sb;
        sb.rx_put(a, DropReason::runt);
        sb.rx_delivered(deliver(a, sb.rss()));
        CHECK_THAT(all_errors(sb), Catch::Contains("the NIC had to drop it (runt)"));
    }
}

TEST_CASE("scoreboard: a TX frame never seen and an unexpected one fail", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    auto const a = fx.gen.next(), b = fx.gen.next();
    sb.tx_posted(3, a);
    sb.tx_seen(b);
    auto const s = sb.finish();
    CHECK(s.tx_missing == 1);
    auto const e = all_errors(sb);
    CHECK_THAT(e, Catch::Contains("unexpected") && Catch::Contains(wire::to_string(*b.tag)));
    CHECK_THAT(e, Catch::Contains("never seen on the wire") && Catch::Contains("queue 3"));
}

TEST_CASE("scoreboard: throw_on_error throws at the first error", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    sb.throw_on_error(true);
    auto const a = fx.gen.next();
    CHECK_THROWS_AS(sb.tx_seen(a), ScoreboardError);
}

TEST_CASE("scoreboard: drops count for their own queue only, exactly", "[scoreboard]") {
    Fixture fx;
    auto const rss = RssConfig::spread(4);
    // A frame for queue 1 that never arrives, and another queue's drop counter that says 1.
    Frame f = fx.gen.next();
    while (expect_rx(rss, f.bytes, false).queue != 1) f = fx.gen.next();
    Scoreboard sb("per-queue", rss);
    sb.expect_drops(DropReason::ring_reset);
    sb.rx_put(f);
    SECTION("reported on another queue: lost, and the report is an error") {
        sb.nic_dropped(0, DropReason::ring_reset);
        auto const s = sb.finish();
        auto const e = all_errors(sb);
        INFO(e);
        CHECK(s.lost == 1);
        CHECK_THAT(e, Catch::Contains("RX queue 0: 1 drops reported but only 0 frames are missing") &&
                          Catch::Contains(wire::to_string(*f.tag)));
    }
    SECTION("reported on its queue: accounted") {
        sb.nic_dropped(1, DropReason::ring_reset);
        CHECK(sb.passed());
    }
}

TEST_CASE("scoreboard: a runt, bad or oversize drop covers only a frame that had to be dropped so", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    sb.expect_drops(DropReason::runt);
    auto const a = fx.gen.next();
    sb.rx_put(a);  // an ordinary frame
    sb.nic_dropped(0, DropReason::runt);
    auto const e = all_errors(sb);
    CHECK_FALSE(sb.passed());
    CHECK_THAT(e, Catch::Contains("1 frame(s) reported dropped for reason runt, but only 0 had to be dropped so"));
}

TEST_CASE("scoreboard: a TX frame seen twice fails, with no allowance", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    auto const a = fx.gen.next();
    sb.tx_posted(0, a);
    sb.tx_seen(a);
    sb.tx_seen(a);
    auto const s = sb.finish();
    CHECK(s.tx_duplicates == 1);
    CHECK_FALSE(s.passed);
    CHECK_THAT(all_errors(sb), Catch::Contains("duplicate") && Catch::Contains(wire::to_string(*a.tag)));
}

TEST_CASE("scoreboard: TX frames returned unsent are accounted per queue", "[scoreboard]") {
    Fixture fx;
    Scoreboard sb;
    sb.expect_drops(DropReason::cancelled);
    auto const a = fx.gen.next();
    sb.tx_posted(2, a);
    SECTION("on its queue") {
        sb.tx_dropped(2, DropReason::cancelled);
        CHECK(sb.passed());
    }
    SECTION("on another queue: missing, and the report is an error") {
        sb.tx_dropped(1, DropReason::cancelled);
        auto const s = sb.finish();
        CHECK(s.tx_missing == 1);
        CHECK_THAT(all_errors(sb), Catch::Contains("TX queue 1: 1 drops reported but only 0 frames are missing") &&
                                       Catch::Contains("never seen on the wire"));
    }
}

TEST_CASE("scoreboard: 200,000 untagged frames each way take constant time per frame and bounded memory",
          "[scoreboard]") {
    // Foreign traffic (a real stack over TAP) runs for millions of frames: finding an untagged
    // frame must not scan the books, and accounted-for frames must be forgotten. With a scan over
    // every frame ever seen this took tens of minutes; it takes well under a second.
    constexpr std::size_t kFrames = 200'000, kInFlight = 32;
    constexpr std::size_t kHeldBound = 2 * (kInFlight + 1);  // TX and RX, just before a completion
    Scoreboard sb("foreign");
    std::deque<Frame> tx, rx;
    std::size_t held_max = 0;
    auto const size_of = [](std::uint64_t n) { return 60 + n % 141; };  // 60..200 bytes
    for (std::uint64_t n = 0; n < 2 * kFrames; n += 2) {
        auto const queue = static_cast<std::uint16_t>(n / 2 % 4);
        tx.push_back(foreign_frame(n, size_of(n)));
        sb.tx_posted(queue, tx.back());
        rx.push_back(foreign_frame(n + 1, size_of(n + 1)));
        sb.rx_put(rx.back());
        held_max = std::max(held_max, sb.frames_held());
        if (sb.frames_held() > kHeldBound) FAIL("frames_held() " << sb.frames_held() << " after frame " << n / 2);
        if (tx.size() == kInFlight) sb.tx_seen(tx.front()), tx.pop_front();
        if (rx.size() == kInFlight) sb.rx_delivered(deliver_on(0, rx.front())), rx.pop_front();
    }
    for (; !tx.empty(); tx.pop_front()) sb.tx_seen(tx.front());
    for (; !rx.empty(); rx.pop_front()) sb.rx_delivered(deliver_on(0, rx.front()));
    INFO(all_errors(sb));
    auto const s = sb.finish();
    CHECK(s.passed);
    CHECK(s.tx_seen.at(3).packets == kFrames / 4);
    CHECK(s.rx_delivered.at(0).packets == kFrames);
    CHECK(held_max == 2 * kInFlight);
    CHECK(sb.frames_held() == 0);
}

TEST_CASE(
    "scoreboard: byte-identical untagged frames posted 3 times pass when received 3 times; a 4th is one duplicate",
    "[scoreboard]") {
    // Real traffic repeats frames (duplicate ACKs, repeated solicitations): only a frame received
    // more often than it was sent is a duplicate.
    Frame const x = foreign_frame(7, 90), y = foreign_frame(8, 64);
    REQUIRE_FALSE(wire::decode_tag(x.bytes));
    std::string const duplicate = "duplicate (already received once)";
    SECTION("TX") {
        Scoreboard sb("tx");
        for (auto const* f : {&x, &y, &x, &x}) sb.tx_posted(1, *f);
        for (auto const* f : {&x, &y, &x, &x}) sb.tx_seen(*f);
        INFO(all_errors(sb));
        CHECK(sb.passed());
        CHECK(sb.frames_held() == 0);
        sb.tx_seen(x);
        auto const errors = sb.errors();
        REQUIRE(errors.size() == 1);
        CHECK(errors[0] == "tx: TX untagged frame (90 bytes): " + duplicate);
        CHECK(sb.finish().tx_duplicates == 1);
    }
    SECTION("RX") {
        Scoreboard sb("rx");
        for (int i = 0; i < 3; ++i) sb.rx_put(x);
        for (int i = 0; i < 3; ++i) sb.rx_delivered(deliver_on(0, x));
        INFO(all_errors(sb));
        CHECK(sb.passed());
        sb.rx_delivered(deliver_on(0, x));
        auto const errors = sb.errors();
        REQUIRE(errors.size() == 1);
        CHECK(errors[0] == "rx: RX untagged frame (90 bytes) on queue 0: " + duplicate);
    }
}

TEST_CASE("scoreboard: an untagged frame on the wrong queue, corrupt, or never sent is named as before",
          "[scoreboard]") {
    Frame const x = foreign_frame(1, 80), z = foreign_frame(2, 70);
    Scoreboard sb("foreign");
    SECTION("wrong queue") {
        sb.rx_put(x);  // non-IP: queue 0
        sb.rx_delivered(deliver_on(2, x));
        CHECK(sb.errors() == std::vector<std::string>{"foreign: RX untagged frame (80 bytes): delivered on queue 2, "
                                                      "expected queue 0"});
    }
    SECTION("corrupt") {
        sb.tx_posted(1, z);
        sb.tx_posted(1, x);
        Frame bad = x;
        bad.bytes[40] ^= 0x01;
        sb.tx_seen(z);
        sb.tx_seen(bad);
        auto const errors = sb.errors();
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::StartsWith("foreign: TX untagged frame (80 bytes) on queue 1: corrupt: first "
                                                "difference at byte 40 (expected 80 bytes, got 80): expected @0x20:"));
        CHECK(sb.frames_held() == 0);
    }
    SECTION("never sent") {
        sb.tx_posted(0, x);
        sb.tx_seen(x);
        sb.tx_seen(z);
        sb.rx_delivered(deliver_on(3, z));
        CHECK(sb.errors() == std::vector<std::string>{
                                 "foreign: TX untagged frame (70 bytes): unexpected (matches nothing outstanding)",
                                 "foreign: RX untagged frame (70 bytes) on queue 3: unexpected (matches nothing "
                                 "outstanding)"});
    }
}

TEST_CASE("scoreboard: an untagged frame settled missing that arrives late is out of order, not lost", "[scoreboard]") {
    // As for tagged frames: a later frame of its queue completed first, so it was settled as
    // missing; when it comes after all it is no longer missing, and it is out of order.
    Frame const a = foreign_frame(1, 100), b = foreign_frame(2, 100);
    Scoreboard sb("late");
    SECTION("once") {
        sb.rx_put(a);
        sb.rx_put(b);
        sb.rx_delivered(deliver_on(0, b));
        CHECK(sb.frames_held() == 0);
        sb.rx_delivered(deliver_on(0, a));
        auto const s = sb.finish();
        CHECK(s.lost == 0);
        CHECK(s.rx_undelivered == 0);
        CHECK(sb.errors() ==
              std::vector<std::string>{"late: RX untagged frame (100 bytes) on queue 0: out of order (it "
                                       "is #0 in its queue, but #1 came already)"});
    }
    SECTION("posted twice, both late: the older first, then a third one matches nothing") {
        sb.tx_posted(2, a);
        sb.tx_posted(2, a);
        sb.tx_posted(2, b);
        sb.tx_seen(b);
        sb.tx_seen(a);
        sb.tx_seen(a);
        sb.tx_seen(a);
        auto const s = sb.finish();
        CHECK(s.tx_missing == 0);
        CHECK(sb.errors() == std::vector<std::string>{
                                 "late: TX untagged frame (100 bytes) on queue 2: out of order (it is #0 in its queue, "
                                 "but #2 came already)",
                                 "late: TX untagged frame (100 bytes) on queue 2: out of order (it is #1 in its queue, "
                                 "but #2 came already)",
                                 "late: TX untagged frame (100 bytes): unexpected (matches nothing outstanding)"});
    }
}
