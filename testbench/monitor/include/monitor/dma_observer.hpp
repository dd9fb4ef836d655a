// DmaObserver: watches the NIC's AXI4 master port (m_axi) and reports its traffic burst by burst
// to a DmaListener, without driving anything. A passive sim::Agent: register it after the AXI4
// slave (HostMemory), so that in drive() it sees the ready signals the slave has just set, and
// what it reports is exactly what the slave accepted at the edge.
//
// Reports, each at the cycle of its handshake (kernel cycle() as observe() sees it: the number of
// rising edges so far, this one included):
//   read_request   AR handshake: id, start address, beats, beat size;
//   read_done      the burst's RLAST beat (responses are matched to requests per ID, in order);
//   write_request  AW handshake; the listener answers whether it wants the burst's data;
//   write_data     every W beat of a burst whose data the listener asked for, as the beat lands
//                  in host memory (a driver may read a record of a multi-beat burst before its
//                  WLAST beat); W beats belong to the AWs in AW order (AXI4 has no WID);
//   write_response the B handshake (matched per ID, in order).
// Cost per cycle: ten one-byte signal reads; payloads are read only on handshakes, W data only
// for bursts the listener asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "bfm/axi4_slave_mem.hpp"
#include "sim/kernel.hpp"

namespace nicsim::monitor {

/// One W beat of a burst: the bytes it transfers and whether it is the burst's last.
struct WriteBeat {
    std::uint32_t index = 0;  // 0 for the first beat
    std::uint64_t lo = 0;     // first byte it transfers (the burst's address for beat 0)
    std::uint64_t hi = 0;     // one past its last byte
    bool last = false;        // WLAST (or the burst's AxLEN + 1-th beat)
};

/// One AXI4 INCR burst as the master requested it.
struct DmaBurst {
    bool write = false;
    std::uint32_t id = 0;
    std::uint64_t addr = 0;        // AxADDR as issued
    std::uint32_t beats = 0;       // AxLEN + 1
    std::uint32_t beat_bytes = 0;  // 1 << AxSIZE
    std::uint64_t cycle = 0;       // of the AR/AW handshake
    std::uint64_t seq = 0;         // request order, per direction

    /// First byte the burst transfers (the beat-aligned start for beats after the first: INCR).
    std::uint64_t lo() const noexcept { return addr; }
    /// One past the last byte the burst can transfer.
    std::uint64_t hi() const noexcept {
        return (addr & ~std::uint64_t{beat_bytes - 1}) + std::uint64_t{beats} * beat_bytes;
    }
};

class DmaListener {
public:
    virtual ~DmaListener() = default;
    virtual void read_request(DmaBurst const& b) = 0;
    virtual void read_done(DmaBurst const& /*b*/, std::uint8_t /*resp*/, std::uint64_t /*cycle*/) {}
    /// Return true to get the burst's data and strobes in write_data.
    virtual bool write_request(DmaBurst const& b) = 0;
    /// At every W beat of a burst write_request asked the data of. `data` and `strobes` (one byte
    /// per data byte, 0 or 1) cover [lo() aligned down to the beat, hi()): the beats taken so far,
    /// `beat` included; bytes of later beats are 0 with strobe 0.
    virtual void write_data(DmaBurst const& /*b*/, WriteBeat const& /*beat*/, std::span<std::uint8_t const> /*data*/,
                            std::span<std::uint8_t const> /*strobes*/, std::uint64_t /*cycle*/) {}
    virtual void write_response(DmaBurst const& /*b*/, std::uint8_t /*resp*/, std::uint64_t /*cycle*/) {}
    /// The NIC was reset: every burst in flight is forgotten.
    virtual void bus_reset() {}
};

class DmaObserver final : public sim::Agent {
public:
    DmaObserver(sim::Kernel& kernel, bfm::Axi4Port port, std::size_t data_bytes, DmaListener& listener);

    void drive() override;
    void observe() override;
    void reset() override;

    std::uint64_t reads() const noexcept { return read_seq_; }
    std::uint64_t writes() const noexcept { return write_seq_; }

private:
    struct WriteInFlight {
        DmaBurst burst;
        bool capture = false;
        std::uint32_t beat = 0;
        std::vector<std::uint8_t> data, strobes;
    };

    DmaBurst sample(bool write) const;
    void take_w_beat();
    std::deque<DmaBurst>& per_id(std::vector<std::deque<DmaBurst>>& v, std::uint32_t id);

    sim::Kernel& kernel_;
    bfm::Axi4Port port_;
    std::size_t data_bytes_;
    DmaListener& listener_;

    // handshakes sampled in drive(), acted on in observe()
    bool ar_ = false, aw_ = false, w_ = false, r_ = false, b_ = false;
    DmaBurst ar_burst_, aw_burst_;
    bool w_last_ = false, r_last_ = false;
    std::uint32_t r_id_ = 0, b_id_ = 0;
    std::uint8_t r_resp_ = 0, b_resp_ = 0;
    std::vector<std::uint8_t> w_data_, w_strb_;

    std::vector<std::deque<DmaBurst>> reads_by_id_, responses_by_id_;  // awaiting RLAST / B
    std::deque<WriteInFlight> w_pending_;                              // AW seen, WLAST not yet
    std::uint64_t read_seq_ = 0, write_seq_ = 0;
};

}  // namespace nicsim::monitor
