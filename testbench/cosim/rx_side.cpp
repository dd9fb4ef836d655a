// ReceiveSide: see rx_side.hpp.
#include "rx_side.hpp"

#include <optional>

#include <fmt/format.h>

#include <nic_contract.hpp>
#include <nicsim/driver/adapter.hpp>
#include <ringlib/os/rx_queue.hpp>

#include "cosim/scenario_error.hpp"
#include "model/checksum.hpp"

namespace nicsim::cosim {

namespace {

namespace c = nicsim::contract;

model::CsumVerdict verdict_of(unsigned eval) {
    switch (eval) {
    case NetPacketRxChecksumEvaluationValid: return model::CsumVerdict::good;
    case NetPacketRxChecksumEvaluationInvalid: return model::CsumVerdict::bad;
    default: return model::CsumVerdict::not_checked;
    }
}

std::uint64_t tag_key(wire::FrameTag t) {
    return (std::uint64_t{t.stream_id} << 32) | t.seq;
}
/// A frame's identity for its RX latency: its tag, or (frames of a capture carry none) a hash of its
/// bytes with the top bit set (tag keys never have it: the stream id is 16 bits).
std::uint64_t latency_key(std::span<std::uint8_t const> bytes) {
    if (auto const tag = wire::decode_tag(bytes)) return tag_key(*tag);
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
    for (std::uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ull;
    return h | (std::uint64_t{1} << 63);
}
std::uint64_t latency_key(wire::Frame const& f) {
    return f.tag ? tag_key(*f.tag) : latency_key(f.bytes);
}

}  // namespace

ReceiveSide::ReceiveSide(Scenario const& sc, Platform& hw, RunState& state, scoreboard::Scoreboard& board,
                         TrafficHooks const& hooks, TrafficSource& traffic, bool runts_expected, bool rss_on,
                         unsigned queues)
    : hw_(hw),
      state_(state),
      board_(board),
      hooks_(hooks),
      traffic_(traffic),
      runts_expected_(runts_expected),
      rss_on_(rss_on),
      per_queue_(queues) {
    if (!sc.views.pcap_out.empty()) {
        wire::PcapWriterOptions po;
        po.clock_hz = sc.platform.clock_hz;
        try {
            pcap_out_ = std::make_unique<wire::PcapWriter>(sc.views.pcap_out, po);
        } catch (std::exception const& e) {
            throw ScenarioError({ScenarioField::pcap_out, fmt::format(" {}: {}", sc.views.pcap_out, e.what())});
        }
    }
    hw_.on_tx_frame([this](wire::Frame const& f) { tx_on_wire(f); });
    hw_.on_rx_sent([this](wire::Frame const& f) { rx_put(f); });
}

void ReceiveSide::tx_on_wire(wire::Frame const& f) {
    ++state_.tx_seen;
    board_.tx_seen(f);
    if (pcap_out_) pcap_out_->add_tx(f);
    traffic_.peer().on_tx(f);
    if (hooks_.tx_on_wire) hooks_.tx_on_wire(f);
    state_.activity(hw_, "TX frame on the wire");
}

void ReceiveSide::rx_put(wire::Frame const& f) {
    ++state_.rx_put;
    std::optional<scoreboard::DropReason> must;
    if (f.bytes.size() > static_cast<std::size_t>(c::MAX_FRAME_BYTES))
        must = scoreboard::DropReason::oversize;
    else if (f.bad)
        must = scoreboard::DropReason::bad_frame;
    else if (runts_expected_ && f.bytes.size() < driver::kMinRxFrameBytes)
        must = scoreboard::DropReason::runt;
    board_.rx_put(f, must);
    if (pcap_out_) pcap_out_->add_rx(f);
    if (f.first_beat_cycle) {
        auto const [it, fresh] = put_cycle_.try_emplace(latency_key(f), PutCycles{*f.first_beat_cycle, {}});
        if (!fresh) it->second.more.push_back(*f.first_beat_cycle);  // the same frame again (a replay)
        // An RX-only run (pcap replay, --packets 0): the traffic starts here.
        state_.traffic_starts(*f.first_beat_cycle);
    }
    if (hooks_.rx_on_wire) hooks_.rx_on_wire(f);
    state_.activity(hw_, "RX frame put on the wire");
}

void ReceiveSide::delivered(unsigned q, ringlib::os::RxFrame&& f) {
    ++state_.rx_delivered;
    scoreboard::RxDelivery d;
    d.queue = static_cast<std::uint16_t>(q);
    if (f.checksum) {
        d.ip = verdict_of(f.checksum->Layer3);
        d.l4 = verdict_of(f.checksum->Layer4);
    }
    if (rss_on_ && f.hash && f.hash->ProtocolType != NetPacketHashProtocolTypeNone) d.hash = f.hash->HashValue;
    if (f.fragment_count > 1) ++multi_buffer_;
    if (auto it = put_cycle_.find(latency_key(f.bytes)); it != put_cycle_.end()) {
        auto& put = it->second;
        latency_.record(hw_.cycle() - put.first);
        if (put.more.empty()) {
            put_cycle_.erase(it);
        } else {  // the next copy of the same frame, in wire order
            put.first = put.more.front();
            put.more.erase(put.more.begin());
        }
    }
    if (q < per_queue_.size()) {
        ++per_queue_[q].rx_packets;
        per_queue_[q].rx_bytes += f.bytes.size();
    }
    ++packets_;
    bytes_ += f.bytes.size();
    if (hooks_.rx_delivered) hooks_.rx_delivered(q, f.bytes);
    traffic_.delivered(f.bytes, d.l4 == model::CsumVerdict::good);
    d.bytes = std::move(f.bytes);
    board_.rx_delivered(d);
    state_.activity(hw_, "RX delivery");
}

void ReceiveSide::write_pcap(RunSummary& out) {
    if (!pcap_out_) return;
    try {
        pcap_out_->write();
    } catch (std::exception const& e) {  // names the file: io::OutputFileError
        out.output_errors.push_back(fmt::format("--pcap-out {}", e.what()));
    }
}

void ReceiveSide::add_to(RunSummary& out) const {
    for (std::size_t q = 0; q < per_queue_.size() && q < out.per_queue.size(); ++q) {
        out.per_queue[q].rx_packets = per_queue_[q].rx_packets;
        out.per_queue[q].rx_bytes = per_queue_[q].rx_bytes;
    }
    out.rx_packets = packets_;
    out.rx_bytes = bytes_;
    out.rx_multi_buffer = multi_buffer_;
    out.rx_latency = latency_of(latency_);
}

}  // namespace nicsim::cosim
