// Scoreboard: see scoreboard.hpp for the contract.
#include "scoreboard/scoreboard.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace nicsim::scoreboard {

char const* to_string(DropReason r) {
    switch (r) {
    case DropReason::no_buffer: return "no_buffer";
    case DropReason::bad_frame: return "bad_frame";
    case DropReason::runt: return "runt";
    case DropReason::oversize: return "oversize";
    case DropReason::queue_disabled: return "queue_disabled";
    case DropReason::other: return "other";
    case DropReason::ring_reset: return "ring_reset";
    case DropReason::desc_error: return "desc_error";
    case DropReason::cancelled: return "cancelled";
    }
    return "?";
}

bool drop_reason_needs_cause(DropReason r) noexcept {
    return r == DropReason::runt || r == DropReason::bad_frame || r == DropReason::oversize ||
           r == DropReason::desc_error;
}

static char const* to_string(model::CsumVerdict v) {
    switch (v) {
    case model::CsumVerdict::not_checked: return "not_checked";
    case model::CsumVerdict::good: return "good";
    case model::CsumVerdict::bad: return "bad";
    }
    return "?";
}

Bytes expected_tx_bytes(std::span<std::uint8_t const> posted, TxCsumRequest req) {
    Bytes b(posted.begin(), posted.end());
    model::FrameLayout const lay = model::parse_frame(b);
    std::span<std::uint8_t> f(b);
    if (req.ip && lay.l3 == model::L3::ipv4) {
        auto hdr = f.subspan(lay.l3_offset, lay.l3_len_bytes);
        model::store_be16(hdr, model::kIpv4ChecksumOffset, model::ipv4_header_checksum(hdr));
    }
    if (req.l4 && lay.l4 != model::L4::other) {
        auto seg = f.subspan(lay.l4_offset, lay.l4_total_bytes);
        std::size_t const off = model::l4_checksum_offset(lay.l4);
        model::store_be16(seg, off,
                          model::l4_checksum(model::pseudo_header_sum(f, lay), seg, off, lay.l4 == model::L4::udp));
    }
    return b;
}

RssConfig RssConfig::spread(std::uint16_t queues, model::RssKey const& key) {
    RssConfig r;
    r.enabled = true;
    r.key = key;
    for (std::size_t i = 0; i < r.table.size(); ++i)
        r.table[i] = static_cast<std::uint8_t>(i % std::max<std::uint16_t>(queues, 1));
    return r;
}

RxExpectation expect_rx(RssConfig const& rss, std::span<std::uint8_t const> bytes, bool bad) {
    RxExpectation e;
    e.bad = bad;
    auto const v = model::verify_checksums(bytes);
    e.ip = v.ip;
    e.l4 = v.l4;
    if (auto const in = model::rss_input_of_frame(bytes)) {
        e.hash = model::toeplitz_hash(rss.key, in->span());
        if (rss.enabled) e.queue = rss.table[*e.hash % kRssTableEntries];
    }
    return e;
}

namespace {

/// 64-bit hash of a frame's bytes, for finding untagged frames. Not kept anywhere beyond the run,
/// so it may depend on the host's byte order; 8 bytes a step, the length mixed in.
std::uint64_t content_hash(std::span<std::uint8_t const> bytes) noexcept {
    constexpr std::uint64_t kOdd1 = 0x9E3779B97F4A7C15ull, kOdd2 = 0xBF58476D1CE4E5B9ull;
    auto const step = [&](std::uint64_t h, std::uint64_t word) { return std::rotl(h ^ (word * kOdd1), 29) * kOdd2; };
    std::uint64_t h = bytes.size() * kOdd2;
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        h = step(h, word);
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
    h = step(h, tail);
    h ^= h >> 31;  // let the high bits reach the low ones (unordered containers use those)
    h *= kOdd1;
    return h ^ (h >> 29);
}

/// Erases the `key` -> `value` element of a multimap.
template <class Multimap, class Key>
void erase_pair(Multimap& m, Key const& key, std::size_t value) {
    auto [lo, hi] = m.equal_range(key);
    for (auto it = lo; it != hi; ++it)
        if (it->second == value) {
            m.erase(it);
            return;
        }
}

}  // namespace

void Scoreboard::RecentContent::add(std::uint64_t content) {
    last_[content] = next_;
    order_.emplace_back(content, next_++);
    if (order_.size() > kRecentTags) {
        auto const [old, seq] = order_.front();
        order_.pop_front();
        if (auto const it = last_.find(old); it != last_.end() && it->second == seq)
            last_.erase(it);  // not seen again since
    }
}

Scoreboard::Scoreboard(std::string name, RssConfig rss) : name_(std::move(name)), rss_(rss) {}

std::string Scoreboard::name_of(std::optional<FrameTag> const& tag, std::size_t bytes) {
    return tag ? fmt::format("frame [{}] ({} bytes)", wire::to_string(*tag), bytes)
               : fmt::format("untagged frame ({} bytes)", bytes);
}

void Scoreboard::error(std::string msg) {
    errors_.push_back(fmt::format("{}: {}", name_, msg));
    if (throw_) throw ScoreboardError(errors_.back());
}

std::size_t Scoreboard::add_entry(Ledger& l, std::uint16_t queue, Bytes expected, std::optional<FrameTag> tag) {
    Entry e;
    e.queue = queue;
    e.pos = l.next_pos[queue]++;
    e.expected = std::move(expected);
    e.tag = tag;
    std::size_t const idx = l.next_id++;
    l.entries.emplace(idx, std::move(e));
    l.queue_order[queue].push_back(idx);
    if (tag) l.by_tag.emplace(*tag, idx);
    // A received frame without a tag can only equal an entry whose bytes carry none.
    Entry& added = l.entries.at(idx);
    if (!tag || !wire::decode_tag(added.expected)) {
        added.content = content_hash(added.expected);
        l.by_content.emplace(*added.content, idx);
    }
    ++l.outstanding;
    return idx;
}

void Scoreboard::tx_posted(std::uint16_t queue, Frame const& posted, TxCsumRequest req,
                           std::optional<DropReason> must_drop) {
    auto tag = posted.tag ? posted.tag : wire::decode_tag(posted.bytes);
    std::size_t const idx = add_entry(tx_, queue, expected_tx_bytes(posted.bytes, req), tag);
    tx_.entries.at(idx).must_drop = must_drop;
    sum_.tx_posted[queue].add(posted.bytes.size());
}

void Scoreboard::rx_put(Frame const& f, std::optional<DropReason> must_drop) {
    RxExpectation const exp = expect_rx(rss_, f.bytes, f.bad);
    std::size_t const idx = add_entry(rx_, exp.queue, f.bytes, f.tag ? f.tag : wire::decode_tag(f.bytes));
    Entry& e = rx_.entries.at(idx);
    e.rx = exp;
    e.must_drop = must_drop;
    sum_.rx_put[exp.queue].add(f.bytes.size());
}

std::optional<std::size_t> Scoreboard::match(Ledger& l, char const* dir, std::optional<std::uint16_t> queue,
                                             std::span<std::uint8_t const> bytes) {
    auto const where = [&] { return queue ? fmt::format(" on queue {}", *queue) : std::string{}; };  // for errors
    if (auto const tag = wire::decode_tag(bytes)) {
        auto [lo, hi] = l.by_tag.equal_range(*tag);
        if (auto const late = l.recent_settled.find(*tag); lo == hi && late != l.recent_settled.end()) {
            Ledger::Settled const settled = late->second;
            l.recent_settled.erase(late);
            report_late(l, dir, tag, bytes.size(), settled);
            return std::nullopt;
        }
        if (lo == hi && !l.recent_done.contains(*tag)) {
            error(fmt::format("{} {}{}: unexpected (no such frame was {})", dir, name_of(tag, bytes.size()), where(),
                              &l == &tx_ ? "posted" : "put on the wire"));
            return std::nullopt;
        }
        if (lo != hi) return lo->second;  // the first posted (a multimap keeps equal keys in insertion order)
        if (&l == &tx_) ++sum_.tx_duplicates;
        error(fmt::format("{} {}{}: duplicate (already received once)", dir, name_of(tag, bytes.size()), where()));
        return std::nullopt;
    }
    return match_untagged(l, dir, queue, bytes);
}

std::optional<std::size_t> Scoreboard::match_untagged(Ledger& l, char const* dir, std::optional<std::uint16_t> queue,
                                                      std::span<std::uint8_t const> bytes) {
    auto const where = [&] { return queue ? fmt::format(" on queue {}", *queue) : std::string{}; };  // for errors
    // Foreign, or corrupted inside its tag: by bytes, the earliest outstanding entry of the
    // expected queue first. Only after those: a late one, a duplicate, a corrupt one.
    std::uint64_t const content = content_hash(bytes);
    std::optional<std::size_t> exact, exact_elsewhere;
    auto const [lo, hi] = l.by_content.equal_range(content);
    for (auto it = lo; it != hi; ++it) {
        std::size_t const i = it->second;
        Entry const& e = l.entries.at(i);
        if (!std::ranges::equal(e.expected, bytes)) continue;  // another frame with the same hash
        auto& best = !queue || e.queue == *queue ? exact : exact_elsewhere;
        if (!best || i < *best) best = i;
    }
    if (exact) return exact;
    if (exact_elsewhere) return exact_elsewhere;  // complete() reports the wrong queue
    if (auto const [late_lo, late_hi] = l.recent_settled_content.equal_range(content); late_lo != late_hi) {
        auto const oldest =
            std::ranges::min_element(late_lo, late_hi, {}, [](auto const& kv) { return kv.second.seq; });
        Ledger::Settled const settled = oldest->second.settled;
        l.recent_settled_content.erase(oldest);
        report_late(l, dir, std::nullopt, bytes.size(), settled);
        return std::nullopt;
    }
    if (l.recent_done_content.contains(content)) {
        if (&l == &tx_) ++sum_.tx_duplicates;
        error(fmt::format("{} {}{}: duplicate (already received once)", dir, name_of(std::nullopt, bytes.size()),
                          where()));
        return std::nullopt;
    }
    std::optional<std::size_t> closest;
    std::size_t best = 0;
    for (auto const& [i, e] : l.entries) {
        if (queue && e.queue != *queue) continue;
        auto const d = wire::first_difference(e.expected, bytes).value_or(bytes.size());
        if (!closest || d > best) closest = i, best = d;
    }
    if (closest && best > 0) return closest;  // corrupt: complete() reports the difference
    error(fmt::format("{} {}{}: unexpected (matches nothing outstanding)", dir, name_of(std::nullopt, bytes.size()),
                      where()));
    return std::nullopt;
}

void Scoreboard::report_late(Ledger& l, char const* dir, std::optional<FrameTag> const& tag, std::size_t bytes,
                             Ledger::Settled const& late) {
    // Settled as missing when a later frame of its queue completed: it is not missing.
    SettledMissing& m = l.settled[late.queue];
    --m.frames;
    if (late.must_drop) --m.must[*late.must_drop];
    --l.outstanding;
    error(fmt::format("{} {} on queue {}: out of order (it is #{} in its queue, but #{} came already)", dir,
                      name_of(tag, bytes), late.queue, late.pos, l.last_done_pos[late.queue].value_or(0)));
}

void Scoreboard::complete(Ledger& l, char const* dir, std::size_t idx, std::uint16_t queue,
                          std::span<std::uint8_t const> got) {
    Entry& e = l.entries.at(idx);
    auto const who = [&] { return name_of(e.tag, e.expected.size()); };  // formatted only for an error
    if (e.queue != queue)
        error(fmt::format("{} {}: delivered on queue {}, expected queue {}", dir, who(), queue, e.queue));
    auto& last = l.last_done_pos[e.queue];
    if (last && e.pos < *last) {
        error(fmt::format("{} {} on queue {}: out of order (it is #{} in its queue, but #{} came already)", dir, who(),
                          e.queue, e.pos, *last));
    } else {
        last = e.pos;
    }
    if (auto const diff = wire::describe_difference(e.expected, got); !diff.empty())
        error(fmt::format("{} {} on queue {}: corrupt: {}", dir, who(), e.queue, diff));
    if (e.must_drop)
        error(fmt::format("{} {} on queue {}: delivered, but the NIC had to drop it ({})", dir, who(), e.queue,
                          to_string(*e.must_drop)));
    --l.outstanding;
    std::uint16_t const q = e.queue;
    forget(l, idx);
    settle_older(l, q, idx);
}

void Scoreboard::settle_older(Ledger& l, std::uint16_t queue, std::size_t idx) {
    auto& order = l.queue_order[queue];
    while (!order.empty() && order.front() <= idx) {
        std::size_t const older = order.front();
        order.pop_front();
        auto const it = l.entries.find(older);
        if (it == l.entries.end()) continue;  // accounted for (and forgotten)
        Entry const& e = it->second;
        SettledMissing& m = l.settled[queue];
        ++m.frames;
        if (e.must_drop) ++m.must[*e.must_drop];
        if (m.names.size() < kListedMissing) m.names.push_back(describe_missing(e));
        Ledger::Settled const settled{queue, e.pos, e.must_drop};
        if (e.content) {
            erase_pair(l.by_content, *e.content, older);
            std::uint64_t const seq = l.next_settled_seq++;
            l.recent_settled_content.emplace(*e.content, Ledger::SettledContent{seq, settled});
            l.recent_settled_content_order.emplace_back(*e.content, seq);
            if (l.recent_settled_content_order.size() > kRecentTags) {
                // Plain variables, not a structured binding: the lambda captures old_seq (clang 14).
                std::uint64_t const old = l.recent_settled_content_order.front().first;
                std::uint64_t const old_seq = l.recent_settled_content_order.front().second;
                l.recent_settled_content_order.pop_front();
                auto const [lo, hi] = l.recent_settled_content.equal_range(old);
                auto const it_old = std::find_if(lo, hi, [&](auto const& kv) { return kv.second.seq == old_seq; });
                if (it_old != hi) l.recent_settled_content.erase(it_old);  // else it came late already
            }
        }
        if (e.tag) {
            erase_pair(l.by_tag, *e.tag, older);
            if (l.recent_settled.insert_or_assign(*e.tag, settled).second) {
                l.recent_settled_order.push_back(*e.tag);
                if (l.recent_settled_order.size() > kRecentTags) {
                    l.recent_settled.erase(l.recent_settled_order.front());
                    l.recent_settled_order.pop_front();
                }
            }
        }
        l.entries.erase(it);  // still outstanding in l.outstanding: it was never accounted for
    }
}

std::string Scoreboard::describe_missing(Entry const& e) const {
    return fmt::format("{} (queue {} #{}{}{})", name_of(e.tag, e.expected.size()), e.queue, e.pos,
                       e.must_drop ? ", must drop: " : "", e.must_drop ? to_string(*e.must_drop) : "");
}

void Scoreboard::forget(Ledger& l, std::size_t idx) {
    auto const it = l.entries.find(idx);
    std::optional<FrameTag> const tag = it->second.tag;
    if (auto const content = it->second.content) {
        erase_pair(l.by_content, *content, idx);
        l.recent_done_content.add(*content);
    }
    l.entries.erase(it);
    if (!tag) return;
    erase_pair(l.by_tag, *tag, idx);
    if (l.recent_done.insert(*tag).second) {
        l.recent_order.push_back(*tag);
        if (l.recent_order.size() > kRecentTags) {
            l.recent_done.erase(l.recent_order.front());
            l.recent_order.pop_front();
        }
    }
}

void Scoreboard::tx_seen(Frame const& f) {
    auto const idx = match(tx_, "TX", std::nullopt, f.bytes);
    if (!idx) return;
    Entry const& e = tx_.entries.at(*idx);
    std::uint16_t const q = e.queue;
    if (f.tx_queue && *f.tx_queue != q)
        error(fmt::format("TX {}: reported from queue {}, posted to queue {}", name_of(e.tag, f.bytes.size()),
                          *f.tx_queue, q));
    complete(tx_, "TX", *idx, q, f.bytes);
    sum_.tx_seen[q].add(f.bytes.size());
}

void Scoreboard::rx_delivered(RxDelivery const& d) {
    sum_.rx_delivered[d.queue].add(d.bytes.size());
    auto const idx = match(rx_, "RX", d.queue, d.bytes);
    if (!idx) return;
    Entry const& e = rx_.entries.at(*idx);
    auto const who = [&] {  // formatted only for an error
        return fmt::format("RX {} on queue {}", name_of(e.tag, e.expected.size()), d.queue);
    };
    if (d.bad && *d.bad != e.rx.bad) error(fmt::format("{}: bad-frame flag {}, expected {}", who(), *d.bad, e.rx.bad));
    if (d.hash && e.rx.hash && *d.hash != *e.rx.hash)
        error(fmt::format("{}: RSS hash {:#010x}, expected {:#010x}", who(), *d.hash, *e.rx.hash));
    if (d.ip && *d.ip != e.rx.ip)
        error(fmt::format("{}: IPv4 checksum verdict {}, expected {}", who(), to_string(*d.ip), to_string(e.rx.ip)));
    if (d.l4 && *d.l4 != e.rx.l4)
        error(fmt::format("{}: L4 checksum verdict {}, expected {}", who(), to_string(*d.l4), to_string(e.rx.l4)));
    complete(rx_, "RX", *idx, d.queue, d.bytes);
}

void Scoreboard::nic_dropped(std::uint16_t queue, DropReason reason, std::uint64_t count) {
    if (count == 0) return;
    sum_.rx_drops[reason] += count;
    rx_drops_[queue][reason] += count;
}

void Scoreboard::tx_dropped(std::uint16_t queue, DropReason reason, std::uint64_t count) {
    if (count == 0) return;
    sum_.tx_drops[reason] += count;
    tx_drops_[queue][reason] += count;
}

std::uint64_t Scoreboard::check_drops(Ledger const& l, char const* dir, DropCounts const& reported,
                                      std::vector<std::string>& errors) const {
    struct Outstanding {
        std::uint64_t frames = 0;
        std::map<DropReason, std::uint64_t> must;  // of which required to be dropped, by reason
    };
    std::map<std::uint16_t, Outstanding> queues;
    for (auto const& [queue, m] : l.settled) {
        auto& q = queues[queue];
        q.frames += m.frames;
        for (auto const& [reason, n] : m.must) q.must[reason] += n;
    }
    for (auto const& [id, e] : l.entries) {
        auto& q = queues[e.queue];
        ++q.frames;
        if (e.must_drop) ++q.must[*e.must_drop];
    }
    for (auto const& [queue, by_reason] : reported) queues[queue];  // a queue with reports only
    std::uint64_t uncovered = 0;
    for (auto& [queue, q] : queues) {
        std::uint64_t total = 0;
        if (auto const it = reported.find(queue); it != reported.end()) {
            for (auto const& [reason, n] : it->second) {
                total += n;
                // Frames required to be dropped for this reason need no declaration; others do.
                std::uint64_t const beyond = n > q.must[reason] ? n - q.must[reason] : 0;
                if (beyond == 0) continue;
                if (!accepted_drops_[static_cast<std::size_t>(reason)])
                    errors.push_back(
                        fmt::format("{} queue {}: {} frame(s) dropped for reason {}, which the test did "
                                    "not declare expected",
                                    dir, queue, beyond, to_string(reason)));
                else if (drop_reason_needs_cause(reason))
                    errors.push_back(
                        fmt::format("{} queue {}: {} frame(s) reported dropped for reason {}, but only {} "
                                    "had to be dropped so",
                                    dir, queue, n, to_string(reason), q.must[reason]));
            }
        }
        if (total > q.frames)
            errors.push_back(fmt::format("{} queue {}: {} drops reported but only {} frames are missing", dir, queue,
                                         total, q.frames));
        else
            uncovered += q.frames - total;
    }
    return uncovered;
}

Summary Scoreboard::finish() {
    Summary s = sum_;
    std::vector<std::string> final_errors;

    // Per queue, exactly the frames missing must have been reported dropped (returned unsent for
    // TX), by the NIC's or the driver's counters: no allowance, no difference taken.
    auto const list_missing = [&](Ledger const& l) {
        std::vector<std::string> names;
        std::uint64_t total = 0;
        for (auto const& [queue, m] : l.settled) {
            total += m.frames;
            for (auto const& n : m.names)
                if (names.size() < kListedMissing) names.push_back(n);
        }
        for (auto const& [id, e] : l.entries) {
            ++total;
            if (names.size() < kListedMissing) names.push_back(describe_missing(e));
        }
        return fmt::format("{}{}", fmt::join(names, ", "), total > names.size() ? ", ..." : "");
    };
    s.tx_missing = check_drops(tx_, "TX", tx_drops_, final_errors);
    if (s.tx_missing > 0)
        final_errors.push_back(
            fmt::format("{} TX frame(s) never seen on the wire and not reported returned unsent; "
                        "unseen: {}",
                        s.tx_missing, list_missing(tx_)));
    s.rx_undelivered = rx_.outstanding;
    s.lost = check_drops(rx_, "RX", rx_drops_, final_errors);
    if (s.lost > 0)
        final_errors.push_back(
            fmt::format("{} RX frame(s) lost (neither delivered nor counted as expected drops); "
                        "undelivered: {}",
                        s.lost, list_missing(rx_)));
    for (auto& m : final_errors) m = fmt::format("{}: {}", name_, m);
    final_errors_ = std::move(final_errors);
    s.errors = errors_.size() + final_errors_.size();
    s.passed = s.errors == 0 && s.lost == 0 && s.tx_missing == 0;
    return s;
}

std::vector<std::string> Scoreboard::errors() {
    finish();
    std::vector<std::string> all = errors_;
    all.insert(all.end(), final_errors_.begin(), final_errors_.end());
    return all;
}

std::string Scoreboard::report() {
    Summary const s = finish();
    std::string r = fmt::format("scoreboard {}: {}\n", name_, s.passed ? "PASS" : "FAIL");
    std::map<std::uint16_t, bool> tq, rq;
    for (auto const& [q, c] : s.tx_posted) tq[q] = true;
    for (auto const& [q, c] : s.tx_seen) tq[q] = true;
    for (auto const& [q, c] : s.rx_put) rq[q] = true;
    for (auto const& [q, c] : s.rx_delivered) rq[q] = true;
    auto get = [](std::map<std::uint16_t, Counters> const& m, std::uint16_t q) {
        auto it = m.find(q);
        return it == m.end() ? Counters{} : it->second;
    };
    for (auto const& [q, _] : tq) {
        auto const p = get(s.tx_posted, q), w = get(s.tx_seen, q);
        r += fmt::format("  TX queue {}: posted {} ({} bytes), seen on the wire {} ({} bytes)\n", q, p.packets, p.bytes,
                         w.packets, w.bytes);
    }
    for (auto const& [q, _] : rq) {
        auto const p = get(s.rx_put, q), d = get(s.rx_delivered, q);
        r += fmt::format("  RX queue {}: expected {} ({} bytes), delivered {} ({} bytes)\n", q, p.packets, p.bytes,
                         d.packets, d.bytes);
    }
    for (auto const& [reason, n] : s.rx_drops)
        r += fmt::format("  RX dropped by the NIC, {}: {}\n", to_string(reason), n);
    r += fmt::format("  TX missing {}, RX undelivered {}, lost {}, errors {}\n", s.tx_missing, s.rx_undelivered, s.lost,
                     s.errors);
    for (auto const& e : errors()) r += fmt::format("  error: {}\n", e);
    return r;
}

}  // namespace nicsim::scoreboard
