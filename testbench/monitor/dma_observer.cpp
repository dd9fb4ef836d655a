// DmaObserver: see dma_observer.hpp.
#include "monitor/dma_observer.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace nicsim::monitor {

DmaObserver::DmaObserver(sim::Kernel& kernel, bfm::Axi4Port port, std::size_t data_bytes, DmaListener& listener)
    : kernel_(kernel),
      port_(port),
      data_bytes_(data_bytes),
      listener_(listener),
      w_data_(data_bytes),
      w_strb_((data_bytes + 7) / 8) {}

DmaBurst DmaObserver::sample(bool write) const {
    DmaBurst b;
    b.write = write;
    b.id = static_cast<std::uint32_t>((write ? port_.awid : port_.arid).get());
    b.addr = (write ? port_.awaddr : port_.araddr).get();
    b.beats = static_cast<std::uint32_t>((write ? port_.awlen : port_.arlen).get() & 0xFF) + 1;
    b.beat_bytes = 1u << ((write ? port_.awsize : port_.arsize).get() & 7);
    return b;
}

void DmaObserver::drive() {
    // Every input of the model is set by now (the slave drove before us): these are the
    // handshakes of the coming edge.
    ar_ = port_.arvalid.high() && port_.arready.high();
    aw_ = port_.awvalid.high() && port_.awready.high();
    w_ = port_.wvalid.high() && port_.wready.high();
    r_ = port_.rvalid.high() && port_.rready.high();
    b_ = port_.bvalid.high() && port_.bready.high();
    if (ar_) ar_burst_ = sample(false);
    if (aw_) aw_burst_ = sample(true);
    if (w_) {
        w_last_ = port_.wlast.high();
        if (w_pending_.empty() || w_pending_.front().capture) {  // empty: its AW is at this edge too
            port_.wdata.read_bytes(0, w_data_);
            port_.wstrb.read_bytes(0, w_strb_);
        }
    }
    if (r_) {
        r_id_ = static_cast<std::uint32_t>(port_.rid.get());
        r_last_ = port_.rlast.high();
        r_resp_ = static_cast<std::uint8_t>(port_.rresp.get() & 3);
    }
    if (b_) {
        b_id_ = static_cast<std::uint32_t>(port_.bid.get());
        b_resp_ = static_cast<std::uint8_t>(port_.bresp.get() & 3);
    }
}

std::deque<DmaBurst>& DmaObserver::per_id(std::vector<std::deque<DmaBurst>>& v, std::uint32_t id) {
    if (id >= v.size()) v.resize(id + 1);
    return v[id];
}

void DmaObserver::take_w_beat() {
    if (w_pending_.empty()) return;  // W before its AW: the slave's protocol check names it
    WriteInFlight& w = w_pending_.front();
    std::uint64_t const beat_bytes = w.burst.beat_bytes;
    std::uint64_t const aligned = w.burst.addr & ~(beat_bytes - 1);
    std::uint64_t const beat_addr = aligned + std::uint64_t{w.beat} * beat_bytes;
    WriteBeat const beat{w.beat, w.beat == 0 ? w.burst.addr : beat_addr, beat_addr + beat_bytes,
                         w_last_ || w.beat + 1 >= w.burst.beats};
    if (w.capture) {
        std::size_t const lane0 = static_cast<std::size_t>(beat_addr % data_bytes_);
        std::size_t const at = std::size_t{w.beat} * beat_bytes;
        for (std::size_t i = 0; i < beat_bytes && lane0 + i < data_bytes_; ++i) {
            std::size_t const lane = lane0 + i;
            w.data[at + i] = w_data_[lane];
            w.strobes[at + i] = static_cast<std::uint8_t>((w_strb_[lane / 8] >> (lane % 8)) & 1u);
        }
        // the first beat of an unaligned burst transfers only from its address on
        if (w.beat == 0)
            for (std::uint64_t a = aligned; a < w.burst.addr; ++a) w.strobes[a - aligned] = 0;
        listener_.write_data(w.burst, beat, w.data, w.strobes, kernel_.cycle());
    }
    ++w.beat;
    if (beat.last) {
        per_id(responses_by_id_, w.burst.id).push_back(w.burst);
        w_pending_.pop_front();
    }
}

void DmaObserver::observe() {
    std::uint64_t const now = kernel_.cycle();
    if (ar_) {
        ar_burst_.cycle = now;
        ar_burst_.seq = read_seq_++;
        per_id(reads_by_id_, ar_burst_.id).push_back(ar_burst_);
        listener_.read_request(ar_burst_);
    }
    if (aw_) {
        aw_burst_.cycle = now;
        aw_burst_.seq = write_seq_++;
        WriteInFlight w;
        w.burst = aw_burst_;
        w.capture = listener_.write_request(aw_burst_);
        if (w.capture) {
            w.data.assign(std::size_t{aw_burst_.beats} * aw_burst_.beat_bytes, 0);
            w.strobes.assign(w.data.size(), 0);
        }
        w_pending_.push_back(std::move(w));
    }
    if (w_) take_w_beat();
    if (r_ && r_last_) {
        auto& q = per_id(reads_by_id_, r_id_);
        if (!q.empty()) {
            DmaBurst const b = q.front();
            q.pop_front();
            listener_.read_done(b, r_resp_, now);
        }
    }
    if (b_) {
        auto& q = per_id(responses_by_id_, b_id_);
        if (!q.empty()) {
            DmaBurst const b = q.front();
            q.pop_front();
            listener_.write_response(b, b_resp_, now);
        }
    }
}

void DmaObserver::reset() {
    ar_ = aw_ = w_ = r_ = b_ = false;
    for (auto& q : reads_by_id_) q.clear();
    for (auto& q : responses_by_id_) q.clear();
    w_pending_.clear();
    listener_.bus_reset();
}

}  // namespace nicsim::monitor
