// PacketTimeline: see packet_timeline.hpp.
#include "monitor/packet_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "frame/frame.hpp"
#include "io/output_file.hpp"
#include "nic_contract.hpp"

namespace nicsim::monitor {

namespace c = nicsim::contract;

namespace {

constexpr std::array<char const*, packet_event_count> columns = {
    "os_handoff", "desc_post", "doorbell",         "desc_fetch",      "data_read_first", "data_read_last",
    "wire_first", "wire_last", "data_write_first", "data_write_last", "cpl_write",       "os_done"};

char const* event_label(PacketEvent e, Direction d) {
    bool const tx = d == Direction::tx;
    switch (e) {
    case PacketEvent::os_handoff: return "OS hand-off";
    case PacketEvent::desc_post: return tx ? "descriptor post" : "buffer post";
    case PacketEvent::doorbell: return "doorbell";
    case PacketEvent::desc_fetch: return "descriptor fetch";
    case PacketEvent::data_read_first: return "data read";
    case PacketEvent::data_read_last: return "data read last beat";
    case PacketEvent::wire_first: return "first beat on the wire";
    case PacketEvent::wire_last: return "last beat on the wire";
    case PacketEvent::data_write_first: return "data write";
    case PacketEvent::data_write_last: return "data write response";
    case PacketEvent::cpl_write: return "completion write";
    case PacketEvent::os_done: return tx ? "drain (OS completion)" : "OS delivery";
    }
    return "?";
}

std::uint64_t tag_key(Direction d, wire::FrameTag t) {
    return (std::uint64_t{d == Direction::rx} << 48) | (std::uint64_t{t.stream_id} << 32) | t.seq;
}

}  // namespace

char const* column_name(PacketEvent e) {
    return columns[static_cast<std::size_t>(e)];
}

PacketTimeline::PacketTimeline(OwnershipMonitor& monitor, bfm::SparseMemory const& memory, std::uint64_t clock_hz)
    : monitor_(monitor), memory_(memory), clock_hz_(clock_hz ? clock_hz : 1), rings_(2 * monitor.num_queues()) {
    monitor_.add_listener(*this);
}

PacketTimeline::~PacketTimeline() {
    monitor_.remove_listener(*this);
}

PacketTimeline::RingTrack& PacketTimeline::track(RingRef r) {
    RingTrack& t = rings_[r.queue * 2 + (r.dir == Direction::rx ? 1 : 0)];
    std::size_t const size = monitor_.ring(r).entries.size();
    if (t.slots.size() != size) t.slots.assign(size, {});
    return t;
}

std::size_t PacketTimeline::packet_for(Direction dir, std::span<std::uint8_t const> bytes, int queue,
                                       bool create_untagged) {
    auto const tag = wire::decode_tag(bytes);
    std::size_t idx = none;
    if (tag) {
        auto const [it, fresh] = by_tag_.try_emplace(tag_key(dir, *tag), packets_.size());
        idx = it->second;
        if (fresh) {
            PacketRecord p;
            p.dir = dir;
            p.frame = wire::to_string(*tag);
            p.bytes = bytes.size();
            packets_.push_back(std::move(p));
        }
    } else if (create_untagged) {
        idx = packets_.size();
        PacketRecord p;
        p.dir = dir;
        p.frame = fmt::format("untagged #{}", untagged_++);
        p.bytes = bytes.size();
        packets_.push_back(std::move(p));
    }
    if (idx != none && queue >= 0) packets_[idx].queue = static_cast<unsigned>(queue);
    return idx;
}

std::vector<std::uint8_t> PacketTimeline::gather(RingRef r, std::uint32_t first, std::uint32_t count,
                                                 std::size_t limit) const {
    RingModel const& m = monitor_.ring(r);
    std::vector<std::uint8_t> out;
    for (std::uint32_t k = 0; k < count && out.size() < limit && !m.entries.empty(); ++k) {
        PublishedEntry const& e = m.entries[(first + k) & m.mask()];
        std::size_t const n = std::min<std::size_t>(e.len, limit - out.size());
        std::size_t const at = out.size();
        out.resize(at + n);
        memory_.read(e.addr, std::span(out.data() + at, n));
    }
    return out;
}

// ---- software and wire ----

void PacketTimeline::register_write_issued(std::uint16_t offset, std::uint32_t value, std::uint64_t cycle) {
    if (offset < c::REG_QUEUE_BASE) return;
    unsigned const rel = offset - c::REG_QUEUE_BASE;
    unsigned const q = rel / c::REG_QUEUE_STRIDE;
    unsigned const block = rel % c::REG_QUEUE_STRIDE;
    if (q >= monitor_.num_queues() || (block != c::QREG_TX + c::RING_PROD && block != c::QREG_RX + c::RING_PROD))
        return;
    RingRef const r{q, block == c::QREG_RX + c::RING_PROD ? Direction::rx : Direction::tx};
    rings_[r.queue * 2 + (r.dir == Direction::rx ? 1 : 0)].issued.emplace_back(
        static_cast<std::uint32_t>(c::RING_PROD_INDEX.get(value)), cycle);
}

void PacketTimeline::tx_submitted(unsigned queue, std::uint64_t frame_id, std::span<std::uint8_t const> bytes,
                                  std::uint64_t cycle) {
    std::size_t const i = packet_for(Direction::tx, bytes, static_cast<int>(queue), true);
    set_first(packets_[i][PacketEvent::os_handoff], cycle);
    packets_[i].os_frame_id = frame_id;
    by_frame_id_[{queue, frame_id}] = i;
}

void PacketTimeline::tx_completed(unsigned queue, std::uint64_t frame_id, std::uint64_t cycle) {
    auto const it = by_frame_id_.find({queue, frame_id});
    if (it == by_frame_id_.end()) return;
    set_first(packets_[it->second][PacketEvent::os_done], cycle);
    by_frame_id_.erase(it);
}

void PacketTimeline::tx_on_wire(std::span<std::uint8_t const> bytes, std::uint64_t first_beat,
                                std::uint64_t last_beat) {
    std::size_t const i = packet_for(Direction::tx, bytes, -1, true);
    set_first(packets_[i][PacketEvent::wire_first], first_beat);
    set_first(packets_[i][PacketEvent::wire_last], last_beat);
}

void PacketTimeline::rx_on_wire(std::span<std::uint8_t const> bytes, std::uint64_t first_beat,
                                std::uint64_t last_beat) {
    std::size_t const i = packet_for(Direction::rx, bytes, -1, true);
    set_first(packets_[i][PacketEvent::wire_first], first_beat);
    set_first(packets_[i][PacketEvent::wire_last], last_beat);
}

void PacketTimeline::rx_delivered(unsigned queue, std::span<std::uint8_t const> bytes, std::uint64_t cycle) {
    std::size_t const i = packet_for(Direction::rx, bytes, static_cast<int>(queue), false);
    if (i != none) set_first(packets_[i][PacketEvent::os_done], cycle);
}

// ---- hardware (contract events) ----

void PacketTimeline::doorbell(RingRef r, std::uint32_t old_prod, std::uint32_t new_prod, std::uint64_t cycle) {
    RingTrack& t = track(r);
    RingModel const& m = monitor_.ring(r);
    if (t.slots.empty()) return;
    // The CPU's write of this value: the posting of what it publishes.
    std::uint64_t post = 0;
    while (!t.issued.empty()) {
        auto const [value, at] = t.issued.front();
        t.issued.erase(t.issued.begin());
        if (value == new_prod) {
            post = at;
            break;
        }
    }
    for (std::uint32_t s = old_prod; s != new_prod; s = (s + 1) & m.mask()) {
        if (r.dir == Direction::rx) {
            t.slots[s] = {};
            t.slots[s].post = post;
            t.slots[s].doorbell = cycle;
            continue;
        }
        t.slots[s].packet = none;
        if (!m.entries[s].eop) continue;
        std::uint32_t const count = ((s - t.open_from) & m.mask()) + 1;
        auto const bytes = gather(r, t.open_from, count, static_cast<std::size_t>(c::MAX_FRAME_BYTES));
        std::size_t const i = packet_for(Direction::tx, bytes, static_cast<int>(r.queue), true);
        for (std::uint32_t k = 0; k < count; ++k) t.slots[(t.open_from + k) & m.mask()].packet = i;
        if (post) set_first(packets_[i][PacketEvent::desc_post], post);
        set_first(packets_[i][PacketEvent::doorbell], cycle);
        t.open_from = (s + 1) & m.mask();
    }
}

void PacketTimeline::descriptor_read(RingRef r, std::uint32_t first, std::uint32_t count, std::uint64_t cycle) {
    RingTrack& t = track(r);
    RingModel const& m = monitor_.ring(r);
    for (std::uint32_t k = 0; k < count && !t.slots.empty(); ++k) {
        std::uint32_t const s = (first + k) & m.mask();
        if (!m.owns(s)) continue;
        if (r.dir == Direction::rx)
            set_first(t.slots[s].fetch, cycle);
        else if (t.slots[s].packet != none)
            set_first(packets_[t.slots[s].packet][PacketEvent::desc_fetch], cycle);
    }
}

void PacketTimeline::tx_data_read(unsigned queue, std::uint32_t slot, bool done, std::uint64_t cycle) {
    RingTrack& t = track({queue, Direction::tx});
    if (slot >= t.slots.size() || t.slots[slot].packet == none) return;
    PacketRecord& p = packets_[t.slots[slot].packet];
    if (done)
        set_last(p[PacketEvent::data_read_last], cycle);
    else
        set_first(p[PacketEvent::data_read_first], cycle);
}

void PacketTimeline::rx_data_write(unsigned queue, std::uint32_t slot, bool done, std::uint64_t cycle) {
    RingTrack& t = track({queue, Direction::rx});
    if (slot >= t.slots.size()) return;
    if (done)
        set_last(t.slots[slot].write_last, cycle);
    else
        set_first(t.slots[slot].write_first, cycle);
}

void PacketTimeline::completion(RingRef r, std::uint32_t /*slot*/, std::span<std::uint8_t const, 16> record,
                                std::uint64_t cycle) {
    RingTrack& t = track(r);
    RingModel const& m = monitor_.ring(r);
    if (t.slots.empty()) return;
    if (r.dir == Direction::tx) {
        auto const cpl = c::tx_cpl_t::decode(record);
        std::size_t const i = t.slots[cpl.last_desc & m.mask()].packet;
        if (i != none) set_first(packets_[i][PacketEvent::cpl_write], cycle);
        return;
    }
    auto const cpl = c::rx_cpl_t::decode(record);
    auto const bytes = gather(r, cpl.first_buf, cpl.buf_count, cpl.len);
    std::size_t const i = packet_for(Direction::rx, bytes, static_cast<int>(r.queue), false);
    if (i == none) return;
    PacketRecord& p = packets_[i];
    SlotInfo const& first = t.slots[cpl.first_buf & m.mask()];
    if (first.post) set_first(p[PacketEvent::desc_post], first.post);
    if (first.doorbell) set_first(p[PacketEvent::doorbell], first.doorbell);
    if (first.fetch) set_first(p[PacketEvent::desc_fetch], first.fetch);
    for (std::uint32_t k = 0; k < cpl.buf_count; ++k) {
        SlotInfo const& s = t.slots[(cpl.first_buf + k) & m.mask()];
        if (s.write_first) set_first(p[PacketEvent::data_write_first], s.write_first);
        if (s.write_last) set_last(p[PacketEvent::data_write_last], s.write_last);
    }
    set_first(p[PacketEvent::cpl_write], cycle);
}

void PacketTimeline::ring_reset(RingRef r, std::uint64_t /*cycle*/) {
    RingTrack& t = rings_[r.queue * 2 + (r.dir == Direction::rx ? 1 : 0)];
    std::fill(t.slots.begin(), t.slots.end(), SlotInfo{});
    t.open_from = 0;
}

// ---- output ----

void PacketTimeline::write_csv(std::ostream& out) const {
    out << "direction,queue,frame,bytes,os_frame_id";
    for (auto const* col : columns) out << ',' << col;
    out << '\n';
    for (PacketRecord const& p : packets_) {
        out << to_string(p.dir) << ',' << p.queue << ',' << p.frame << ',' << p.bytes << ',';
        if (p.dir == Direction::tx) out << p.os_frame_id;
        for (std::uint64_t at : p.at) {
            out << ',';
            if (at) out << at;
        }
        out << '\n';
    }
}

void PacketTimeline::write_json(std::ostream& out) const {
    // Streamed one event at a time (a long run has millions): each event is a JSON object of its
    // own, written by nlohmann, so every name is escaped by the library.
    using Json = nlohmann::ordered_json;
    auto text = [](Json const& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); };
    double const us_per_cycle = 1e6 / static_cast<double>(clock_hz_);
    // Microseconds to the picosecond, as the trace format's readers expect a number.
    auto us = [&](std::uint64_t cycles) { return std::round(static_cast<double>(cycles) * us_per_cycle * 1e6) / 1e6; };
    Json other;
    other["clock_hz"] = clock_hz_;
    other["time_unit"] = "microseconds at the stated clock";
    out << "{\"displayTimeUnit\": \"ns\",\n \"otherData\": " << text(other) << ",\n \"traceEvents\": [\n";
    bool first_event = true;
    auto emit = [&](Json const& e) {
        out << (first_event ? "  " : ",\n  ") << text(e);
        first_event = false;
    };
    auto metadata = [](unsigned pid, std::optional<std::size_t> tid, char const* name, Json args) {
        Json e;
        e["ph"] = "M";
        e["pid"] = pid;
        if (tid) e["tid"] = *tid;
        e["name"] = name;
        e["args"] = std::move(args);
        return e;
    };

    // Events of each packet in time order (ties in contract order).
    struct Span {
        std::size_t packet;
        std::vector<std::pair<std::uint64_t, PacketEvent>> events;
    };
    std::map<unsigned, std::vector<Span>> tracks;  // pid -> packets
    for (std::size_t i = 0; i < packets_.size(); ++i) {
        PacketRecord const& p = packets_[i];
        Span s{i, {}};
        for (std::size_t e = 0; e < packet_event_count; ++e)
            if (p.at[e]) s.events.emplace_back(p.at[e], static_cast<PacketEvent>(e));
        if (s.events.empty()) s.events.emplace_back(0, PacketEvent::os_handoff);  // not reached: created by an event
        std::stable_sort(s.events.begin(), s.events.end(),
                         [](auto const& a, auto const& b) { return a.first < b.first; });
        tracks[1 + p.queue * 2 + (p.dir == Direction::rx ? 1 : 0)].push_back(std::move(s));
    }
    for (auto& [pid, spans] : tracks) {
        PacketRecord const& any = packets_[spans.front().packet];
        emit(metadata(pid, {}, "process_name", {{"name", fmt::format("{} queue {}", to_string(any.dir), any.queue)}}));
        emit(metadata(pid, {}, "process_sort_index", {{"sort_index", pid}}));
        std::stable_sort(spans.begin(), spans.end(),
                         [](Span const& a, Span const& b) { return a.events.front().first < b.events.front().first; });
        std::vector<std::uint64_t> lane_end;  // lanes: packets never overlap on one
        for (Span const& s : spans) {
            std::uint64_t const start = s.events.front().first, end = s.events.back().first;
            std::size_t lane = 0;
            while (lane < lane_end.size() && lane_end[lane] > start) ++lane;
            if (lane == lane_end.size()) {
                lane_end.push_back(0);
                emit(metadata(pid, lane + 1, "thread_name", {{"name", fmt::format("lane {}", lane + 1)}}));
            }
            lane_end[lane] = std::max(end, start + 1);
            PacketRecord const& p = packets_[s.packet];
            auto slice = [&](char const* category, std::string name, std::uint64_t from, std::uint64_t to) {
                Json e;
                e["ph"] = "X";
                e["cat"] = category;
                e["name"] = std::move(name);
                e["pid"] = pid;
                e["tid"] = lane + 1;
                e["ts"] = us(from);
                e["dur"] = us(to - from);
                return e;
            };
            Json packet = slice("packet", fmt::format("{} {}", to_string(p.dir), p.frame), start, end);
            packet["args"]["packet"] = s.packet;
            packet["args"]["frame"] = p.frame;
            packet["args"]["bytes"] = p.bytes;
            packet["args"]["queue"] = p.queue;
            packet["args"]["direction"] = to_string(p.dir);
            packet["args"]["first_cycle"] = start;
            packet["args"]["last_cycle"] = end;
            emit(packet);
            for (std::size_t k = 0; k + 1 < s.events.size(); ++k) {
                auto const [a, ea] = s.events[k];
                auto const [b, eb] = s.events[k + 1];
                Json step =
                    slice("step", fmt::format("{} -> {}", event_label(ea, p.dir), event_label(eb, p.dir)), a, b);
                step["args"]["packet"] = s.packet;
                step["args"]["from_cycle"] = a;
                step["args"]["to_cycle"] = b;
                emit(step);
            }
        }
    }
    out << "\n ]\n}\n";
}

void PacketTimeline::write_files(std::string const& json_path, std::string const& csv_path) const {
    // Rendered, then written through a temporary renamed into place (io/output_file.hpp).
    auto write = [](std::string const& path, auto&& body) {
        std::ostringstream text;
        body(text);
        io::write_output_file(path, text.view());
    };
    if (!json_path.empty()) write(json_path, [this](std::ostream& o) { write_json(o); });
    if (!csv_path.empty()) write(csv_path, [this](std::ostream& o) { write_csv(o); });
}

}  // namespace nicsim::monitor
