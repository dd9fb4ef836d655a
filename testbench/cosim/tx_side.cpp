// TransmitSide: see tx_side.hpp.
#include "tx_side.hpp"

#include <optional>
#include <span>

#include <fmt/format.h>

#include <nicsim/driver/adapter.hpp>
#include <ringlib/os/tx_queue.hpp>

#include "model/checksum.hpp"

namespace nicsim::cosim {

TransmitSide::TransmitSide(Platform& hw, RunState& state, scoreboard::Scoreboard& board, TrafficHooks const& hooks,
                           OsSide& os, HangCheck& hang, FaultInjector* faults, std::uint32_t os_ring)
    : hw_(hw),
      state_(state),
      board_(board),
      hooks_(hooks),
      os_(os),
      hang_(hang),
      faults_(faults),
      os_ring_(os_ring),
      pending_(os.queues()),
      submit_cycle_(os.queues()),
      submitted_on_(os.queues(), 0),
      os_cancelled_(os.queues(), 0) {}

void TransmitSide::submit(TrafficSource& traffic) {
    traffic.fill(pending_);
    for (unsigned q = 0; q < os_.queues(); ++q) {
        auto& tx = os_.tx(q);
        auto& pending = pending_[q];
        while (!pending.empty() && tx.frames_waiting() + tx.frames_in_flight() + 1 < os_ring_) {
            wire::Frame f = std::move(pending.front().frame);
            bool const offload_ip = pending.front().offload_ip;
            bool const offload_l4 = pending.front().offload_l4;
            pending.pop_front();
            ringlib::os::TxFrameMetadata md;
            scoreboard::TxCsumRequest req;
            if (offload_ip || offload_l4) {
                model::FrameLayout const lay = model::parse_frame(f.bytes);
                // The OS hands the frame with zeroed checksums and asks the NIC for them.
                std::span<std::uint8_t> b(f.bytes);
                if (offload_ip && lay.l3 == model::L3::ipv4) {
                    model::store_be16(b, lay.l3_offset + model::kIpv4ChecksumOffset, 0);
                    md.ipv4_header_checksum = req.ip = true;
                }
                if (offload_l4) {
                    model::store_be16(b, lay.l4_offset + model::l4_checksum_offset(lay.l4), 0);
                    md.tcp_udp_checksum = req.l4 = true;
                }
                ++offloaded_;
            }
            if (tx.fragments_needed(f.bytes.size()) > 1) ++multi_fragment_;
            std::optional<scoreboard::DropReason> must;
            if (faults_) must = faults_->on_tx_submitted(q, submitted_on_[q]);
            if (tx.frames_in_flight() == 0) hang_.progress(q, hw_.cycle());  // the hang check starts now
            board_.tx_posted(static_cast<std::uint16_t>(q), f, req, must);
            auto const id = tx.submit(f.bytes, md);
            if (hooks_.tx_submitted) hooks_.tx_submitted(q, id, f);
            ++submitted_on_[q];
            submit_cycle_[q][id] = hw_.cycle();
            ++state_.tx_submitted;
            state_.traffic_starts(hw_.cycle());
        }
    }
}

void TransmitSide::completed(unsigned q, ringlib::os::TxCompletion const& comp) {
    ++state_.tx_completed;
    if (hooks_.tx_completed) hooks_.tx_completed(q, comp.frame_id);
    auto& sub = submit_cycle_[q];
    auto const submitted = sub.find(comp.frame_id);
    bool const known = submitted != sub.end();
    std::uint64_t const at = known ? submitted->second : 0;
    if (known) sub.erase(submitted);
    hang_.progress(q, hw_.cycle());
    if (comp.status == ringlib::os::TxCompletionStatus::Sent && known)
        latency_.record(hw_.cycle() - at);
    else if (comp.status == ringlib::os::TxCompletionStatus::Cancelled && state_.cancelled_run)
        ++os_cancelled_[q];  // never reached the driver: the OS returns it at stop
    else if (comp.status != ringlib::os::TxCompletionStatus::Sent)
        state_.run_errors.push_back(
            fmt::format("tx{}: frame {} completed {} instead of Sent", q, comp.frame_id,
                        comp.status == ringlib::os::TxCompletionStatus::Ignored ? "Ignored" : "Cancelled"));
    state_.activity(hw_, "TX completion");
}

void TransmitSide::close_books(RunSummary& out) {
    // TX frames the driver returned unsent, by reason (NetAdapterCx has no per-packet TX status:
    // the OS sees them completed; docs/faults.md).
    if (driver::Adapter const* adapter = os_.adapter_if_started()) {
        for (unsigned q = 0; q < os_.queues(); ++q) {
            auto const queue = static_cast<std::uint16_t>(q);
            auto const& st = adapter->stats(q);
            board_.tx_dropped(queue, scoreboard::DropReason::desc_error, st.tx_dropped_by_error);
            board_.tx_dropped(queue, scoreboard::DropReason::cancelled, st.tx_cancelled + os_cancelled_[q]);
            out.per_queue[q].tx_unsent = st.tx_dropped_by_error + st.tx_cancelled + os_cancelled_[q];
            out.tx_sent_without_completion += st.tx_sent_without_completion;
        }
    }
    out.tx_offloaded = offloaded_;
    out.tx_multi_fragment = multi_fragment_;
    out.tx_latency = latency_of(latency_);
}

}  // namespace nicsim::cosim
