// Scoreboard: accounts for every frame that crosses the NIC, in both directions.
//
// TX (host -> wire): tx_posted(queue, frame, csum request) when the OS side hands a frame to a
// TX queue; tx_seen(frame) when the TX sink completes it on m_axis_tx. The expected wire bytes
// are the posted bytes after the requested checksum insertion (model/checksum.hpp). Each
// posted frame must be seen exactly once, byte-exact, in post order within its queue.
// RX (wire -> host): rx_put(frame) when the RX source put it on s_axis_rx; rx_delivered(...)
// when the OS side receives it from a queue. Expected: the queue from RSS (Toeplitz hash of
// the frame's addresses/ports with the key, then table[hash % 128]) when enabled and the frame
// is IP, else queue 0; the bytes unchanged; the bad flag as put; the hash and checksum verdicts
// as the reference gives them (checked when the delivery reports them). In put order within a
// queue (frames the NIC dropped leave gaps, which are fine).
// Drops: the NIC and the driver report drops per queue and reason (nic_dropped, tx_dropped), from
// their exact counters; nothing is ever inferred "by difference". A reason must be declared
// acceptable (expect_drops(reason)). Per queue, the frames missing must be exactly the frames
// reported dropped: fewer reports leave frames lost (named), more reports are an error. Frames put
// with a required drop reason (rx_put(f, reason), tx_posted(..., reason)) must not be delivered;
// the reasons only such frames may be dropped for (runt, bad_frame, oversize, desc_error) may not
// be reported for more frames of a queue than had to be dropped so (such a frame may instead be
// lost to a ring reset or a cancel before its reason was seen). A frame seen or delivered twice
// is an error: no allowance exists. A passing run has lost == 0, every posted TX frame seen or
// reported returned unsent, and no error.
// Frames are identified by their FrameTag when they carry one (decode_tag), else by their
// bytes: foreign traffic (a pcap file, a real network stack over TAP) carries no tag, runs for
// hours and legitimately repeats byte-identical frames (duplicate ACKs, repeated solicitations).
// So an untagged frame is looked up by a hash of its bytes, in time independent of the run's
// length: the first byte-equal outstanding entry of the delivering queue (RX), else of another
// queue (a wrong-queue error). A frame received more times than it was posted or put is a
// duplicate; received after a later frame of its queue completed, out of order (as for tags).
// Both are recognized within the last 4096 frames accounted for or settled (kRecentTags);
// beyond that such a frame is named unexpected or corrupt, an error still. A corrupt untagged
// frame is matched to the outstanding entry it shares the longest prefix with. Errors (wrong
// queue, reordering, duplicate, unexpected, corrupt with the first differing byte and hex
// context, verdict/hash mismatch, undeclared drops) are collected with the frame's tag and
// queue; with throw_on_error(true) the first one throws ScoreboardError.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "frame/frame.hpp"
#include "model/checksum.hpp"
#include "model/toeplitz.hpp"

namespace nicsim::scoreboard {

using wire::Bytes;
using wire::Frame;
using wire::FrameTag;

inline constexpr std::size_t kRssTableEntries = 128;

// RX: no_buffer .. other, ring_reset (in flight when an RX ring was reset or stopped in error);
// TX (frames returned to the OS unsent): desc_error (the packet a descriptor error named),
// cancelled (the queue was cancelled before the frame left).
enum class DropReason : std::uint8_t {
    no_buffer,
    bad_frame,
    runt,
    oversize,
    queue_disabled,
    other,
    ring_reset,
    desc_error,
    cancelled
};
inline constexpr std::size_t kDropReasons = 9;
char const* to_string(DropReason r);

struct TxCsumRequest {
    bool ip = false;  // fill the IPv4 header checksum
    bool l4 = false;  // fill the TCP/UDP checksum (pseudo header included)
};

/// The wire bytes the NIC should send for `posted` with `req` applied.
Bytes expected_tx_bytes(std::span<std::uint8_t const> posted, TxCsumRequest req);

struct RssConfig {
    bool enabled = false;
    model::RssKey key = model::kRssVerificationKey;
    std::array<std::uint8_t, kRssTableEntries> table{};  // queue per entry

    /// table[i] = i % queues.
    static RssConfig spread(std::uint16_t queues, model::RssKey const& key = model::kRssVerificationKey);
};

struct RxExpectation {
    std::uint16_t queue = 0;
    std::optional<std::uint32_t> hash;  // IP frames only
    model::CsumVerdict ip = model::CsumVerdict::not_checked;
    model::CsumVerdict l4 = model::CsumVerdict::not_checked;
    bool bad = false;
};

/// What the reference says about an RX frame.
RxExpectation expect_rx(RssConfig const& rss, std::span<std::uint8_t const> bytes, bool bad);

/// An RX frame as the OS side received it; optional fields are checked when given.
struct RxDelivery {
    std::uint16_t queue = 0;
    Bytes bytes;
    std::optional<bool> bad;
    std::optional<std::uint32_t> hash;
    std::optional<model::CsumVerdict> ip, l4;
};

struct Counters {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    void add(std::size_t n) { ++packets, bytes += n; }
};

/// A reason only frames required to be dropped for it may be dropped for (runt, bad_frame,
/// oversize, desc_error); any frame may be dropped for the others (no_buffer, ring_reset, ...).
bool drop_reason_needs_cause(DropReason r) noexcept;

struct Summary {
    std::map<std::uint16_t, Counters> tx_posted, tx_seen;    // per TX queue
    std::map<std::uint16_t, Counters> rx_put, rx_delivered;  // per (expected / actual) RX queue
    std::map<DropReason, std::uint64_t> rx_drops;            // as the NIC and driver reported (all queues)
    std::map<DropReason, std::uint64_t> tx_drops;            // TX frames returned unsent, as reported
    std::uint64_t tx_duplicates = 0;                         // TX frames seen again (each one an error)
    std::uint64_t tx_missing = 0;                            // posted, never seen on the wire
    std::uint64_t rx_undelivered = 0;                        // put, never delivered
    std::uint64_t lost = 0;                                  // undelivered and not covered by reported drops
    std::uint64_t errors = 0;
    bool passed = false;
};

class ScoreboardError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Scoreboard {
public:
    explicit Scoreboard(std::string name = "nic", RssConfig rss = {});

    void set_rss(RssConfig const& rss) { rss_ = rss; }
    RssConfig const& rss() const noexcept { return rss_; }
    void throw_on_error(bool enable) noexcept { throw_ = enable; }
    /// Drops for `reason` are acceptable in this test.
    void expect_drops(DropReason reason) { accepted_drops_[static_cast<std::size_t>(reason)] = true; }

    // ---- TX ----
    /// `must_drop`: the frame must come back unsent for that reason (never be seen on the wire).
    void tx_posted(std::uint16_t queue, Frame const& posted, TxCsumRequest req = {},
                   std::optional<DropReason> must_drop = std::nullopt);
    void tx_seen(Frame const& wire_frame);
    /// `count` TX frames of `queue` were returned to the OS unsent for `reason` (driver counters).
    void tx_dropped(std::uint16_t queue, DropReason reason, std::uint64_t count = 1);

    // ---- RX ----
    /// `must_drop`: the NIC must drop this frame for that reason (it is then an expected drop).
    void rx_put(Frame const& wire_frame, std::optional<DropReason> must_drop = std::nullopt);
    void rx_delivered(RxDelivery const& d);
    /// The NIC (or the driver) says `count` RX frames of `queue` were dropped for `reason` (from
    /// their counters): `queue` is the RX queue the frame was for.
    void nic_dropped(std::uint16_t queue, DropReason reason, std::uint64_t count = 1);

    // ---- results ----
    /// Closes the books (counts missing/lost frames); further events still update them.
    Summary finish();
    bool passed() { return finish().passed; }
    /// Every error so far, those of finish() included.
    std::vector<std::string> errors();
    /// Errors found by the events so far (cheap: the books are not closed).
    std::size_t event_errors() const noexcept { return errors_.size(); }
    /// Frames whose expected bytes the books hold: outstanding and not yet settled as missing.
    /// Bounded by what is in flight, however long the run and however many frames were dropped.
    std::size_t frames_held() const noexcept { return tx_.entries.size() + rx_.entries.size(); }
    std::string report();

private:
    struct Entry {
        std::uint16_t queue = 0;
        std::uint64_t pos = 0;  // position in its queue's order
        Bytes expected;
        std::optional<FrameTag> tag;
        std::optional<std::uint64_t> content;  // hash of `expected` when those bytes carry no tag
        std::optional<DropReason> must_drop;
        RxExpectation rx;  // RX only
    };
    // Books that stay flat over a long run: an entry lives until its frame is accounted for;
    // then it is forgotten and its tag, or the hash of its bytes when it has none, stays in a
    // bounded window of recent ones, so a duplicate is still named as one. Every lookup is by tag
    // or by content hash: no step scans the books except naming a corrupt or unexpected frame
    // (an error), and that scans only the outstanding entries. The hash windows hold no bytes: a
    // 64-bit collision could only change which error a failing frame is named by.
    // A frame still outstanding when a later frame of its queue completes can only be missing
    // (a queue delivers in order; coming later it would be out of order, an error either way): it
    // is settled, counted per queue and reason, and its bytes are freed. Drops are reported as
    // counts, so without this every dropped frame would keep its bytes until the end.
    struct SettledMissing {
        std::uint64_t frames = 0;
        std::map<DropReason, std::uint64_t> must;  // of which required to be dropped, by reason
        std::vector<std::string> names;            // the first few, for the report
    };
    /// The last kRecentTags hashes of frames accounted for (a hash repeated in the window counts
    /// from its last time).
    class RecentContent {
    public:
        void add(std::uint64_t content);
        bool contains(std::uint64_t content) const { return last_.contains(content); }

    private:
        std::unordered_map<std::uint64_t, std::uint64_t> last_;      // hash -> its last sequence number
        std::deque<std::pair<std::uint64_t, std::uint64_t>> order_;  // (hash, sequence number)
        std::uint64_t next_ = 0;
    };
    struct Ledger {
        std::map<std::size_t, Entry> entries;  // outstanding, by arrival
        std::size_t next_id = 0;
        std::map<std::uint16_t, std::uint64_t> next_pos;  // per queue
        std::map<std::uint16_t, std::optional<std::uint64_t>> last_done_pos;
        std::multimap<FrameTag, std::size_t> by_tag;  // outstanding tagged entries
        std::set<FrameTag> recent_done;               // the last kRecentTags accounted for
        std::deque<FrameTag> recent_order;
        std::size_t outstanding = 0;
        std::map<std::uint16_t, std::deque<std::size_t>> queue_order;  // per queue, entries in pos order
        std::map<std::uint16_t, SettledMissing> settled;
        // The last kRecentTags settled, so that one arriving late is named out of order (and no
        // longer counted missing) rather than unknown.
        struct Settled {
            std::uint16_t queue = 0;
            std::uint64_t pos = 0;
            std::optional<DropReason> must_drop;
        };
        std::map<FrameTag, Settled> recent_settled;
        std::deque<FrameTag> recent_settled_order;
        // The same by content for frames without a tag; byte-identical frames may be posted again.
        std::unordered_multimap<std::uint64_t, std::size_t> by_content;  // outstanding, hash -> entry
        RecentContent recent_done_content;
        struct SettledContent {
            std::uint64_t seq = 0;  // order of settling: a late arrival takes the oldest
            Settled settled;
        };
        std::unordered_multimap<std::uint64_t, SettledContent> recent_settled_content;
        std::deque<std::pair<std::uint64_t, std::uint64_t>> recent_settled_content_order;  // (hash, seq)
        std::uint64_t next_settled_seq = 0;
    };
    static constexpr std::size_t kListedMissing = 10;
    static constexpr std::size_t kRecentTags = 4096;  // duplicates come within a ring or two of the original
    void forget(Ledger& l, std::size_t idx);
    /// After entry `idx` of `queue` completed: settles the older entries of that queue still outstanding.
    void settle_older(Ledger& l, std::uint16_t queue, std::size_t idx);
    std::string describe_missing(Entry const& e) const;

    std::size_t add_entry(Ledger& l, std::uint16_t queue, Bytes expected, std::optional<FrameTag> tag);
    /// The entry a received frame belongs to, or nullopt after reporting why there is none.
    std::optional<std::size_t> match(Ledger& l, char const* dir, std::optional<std::uint16_t> queue,
                                     std::span<std::uint8_t const> bytes);
    /// match() for a frame without a tag.
    std::optional<std::size_t> match_untagged(Ledger& l, char const* dir, std::optional<std::uint16_t> queue,
                                              std::span<std::uint8_t const> bytes);
    /// A received frame settled as missing came after all: it is not missing, and out of order.
    void report_late(Ledger& l, char const* dir, std::optional<FrameTag> const& tag, std::size_t bytes,
                     Ledger::Settled const& late);
    void complete(Ledger& l, char const* dir, std::size_t idx, std::uint16_t queue, std::span<std::uint8_t const> got);
    void error(std::string msg);
    static std::string name_of(std::optional<FrameTag> const& tag, std::size_t bytes);

    std::string name_;
    RssConfig rss_;
    bool throw_ = false;
    std::array<bool, kDropReasons> accepted_drops_{};
    using DropCounts = std::map<std::uint16_t, std::map<DropReason, std::uint64_t>>;  // queue -> reason -> n
    DropCounts rx_drops_, tx_drops_;
    /// Per queue, the reported drops against the frames of `l` still outstanding: lost frames (and
    /// their names) or errors; returns the frames missing and not covered.
    std::uint64_t check_drops(Ledger const& l, char const* dir, DropCounts const& reported,
                              std::vector<std::string>& errors) const;
    Ledger tx_, rx_;
    Summary sum_;
    std::vector<std::string> errors_;        // from events
    std::vector<std::string> final_errors_;  // from the last finish()
};

}  // namespace nicsim::scoreboard
