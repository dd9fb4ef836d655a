// BusFaultInjector: broken hardware for the ownership monitor's negative tests. A bus model
// between the NIC's AXI4 master port and host memory that rewrites chosen requests of the real,
// verilated NIC: the address of an AR or AW burst of one AXI ID (client i of nic_dma issues ID i:
// reads 0 TX descriptors, 1 TX data, 2 RX descriptors; writes 0 TX completions, 1 RX data, 2 RX
// completions), or the phase bit of the completion records in a W burst.
//
// How: after each edge (observe()) it replaces the model's output with the faulty value, so the
// host memory's slave and the monitor, which sample before the next edge, see only the faulty
// request; in its drive(), which runs after theirs, it puts the original value back so the NIC's
// own logic and its bound protocol checkers never see the change. The rewrite is a function of
// the original value, so a stalled request stays stable. Register it last (after the monitor).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "bfm/axi4_slave_mem.hpp"
#include "sim/kernel.hpp"

namespace nicsim::monitor::test {

struct BusFault {
    enum class Kind : std::uint8_t { read_address, write_address, completion_phase };
    Kind kind = Kind::read_address;
    std::uint32_t id = 0;
    std::uint64_t skip = 0;   // bursts of this kind and ID left alone first
    std::uint64_t count = 1;  // bursts rewritten after those
    /// Address faults: the new address of a burst from its original one.
    std::function<std::uint64_t(std::uint64_t)> rewrite;
};

class BusFaultInjector final : public sim::Agent {
public:
    BusFaultInjector(bfm::Axi4Port port, std::size_t data_bytes, BusFault fault)
        : port_(port),
          data_bytes_(data_bytes),
          fault_(std::move(fault)),
          original_data_(data_bytes),
          faulty_data_(data_bytes) {}

    std::uint64_t injected() const noexcept { return injected_; }

    void drive() override {
        // What happens at the coming edge (every other agent has driven).
        ar_taken_ = (port_.arvalid.get() & 1) && (port_.arready.get() & 1);
        aw_taken_ = (port_.awvalid.get() & 1) && (port_.awready.get() & 1);
        w_taken_ = (port_.wvalid.get() & 1) && (port_.wready.get() & 1);
        w_last_ = port_.wlast.get() & 1;
        aw_seen_addr_ = port_.awaddr.get();
        aw_seen_size_ = static_cast<std::uint32_t>(port_.awsize.get() & 7);
        // The NIC's own values back for the edge.
        if (ar_saved_) port_.araddr.set(*ar_saved_);
        if (aw_saved_) port_.awaddr.set(*aw_saved_);
        if (w_saved_) port_.wdata.write_bytes(0, original_data_);
        ar_saved_.reset();
        aw_saved_.reset();
        w_saved_ = false;
    }

    void observe() override {
        using K = BusFault::Kind;
        // handshakes of the edge
        if (ar_taken_) ar_open_ = false;
        if (aw_taken_) {
            aw_open_ = false;
            // W beats follow the AWs in order: remember which bursts carry faulty records
            bool const phase = fault_.kind == K::completion_phase && aw_faulty_;
            w_bursts_.push_back({phase, aw_seen_addr_, 1u << aw_seen_size_, 0});
        }
        if (w_taken_ && !w_bursts_.empty()) {
            ++w_bursts_.front().beat;
            if (w_last_) w_bursts_.pop_front();
        }
        // requests now on the bus
        if (port_.arvalid.get() & 1) {
            if (!ar_open_) {
                ar_open_ = true;
                ar_faulty_ = fault_.kind == K::read_address && decide(static_cast<std::uint32_t>(port_.arid.get()));
            }
            if (ar_faulty_) {
                std::uint64_t const a = port_.araddr.get();
                ar_saved_ = a;
                port_.araddr.set(fault_.rewrite(a));
            }
        }
        if (port_.awvalid.get() & 1) {
            if (!aw_open_) {
                aw_open_ = true;
                aw_faulty_ = fault_.kind != K::read_address && decide(static_cast<std::uint32_t>(port_.awid.get()));
            }
            if (aw_faulty_ && fault_.kind == K::write_address) {
                std::uint64_t const a = port_.awaddr.get();
                aw_saved_ = a;
                port_.awaddr.set(fault_.rewrite(a));
            }
        }
        if ((port_.wvalid.get() & 1) && !w_bursts_.empty() && w_bursts_.front().phase_fault) {
            // Flip bit 7 of every byte 15 of a 16-byte record in this beat: the phase bit.
            WBurst const& b = w_bursts_.front();
            std::uint64_t const beat_addr =
                (b.addr & ~std::uint64_t{b.beat_bytes - 1}) + std::uint64_t{b.beat} * b.beat_bytes;
            port_.wdata.read_bytes(0, original_data_);
            faulty_data_ = original_data_;
            for (std::size_t i = 0; i < b.beat_bytes; ++i) {
                std::uint64_t const a = beat_addr + i;
                if (a % 16 == 15) faulty_data_[a % data_bytes_] ^= 0x80;
            }
            port_.wdata.write_bytes(0, faulty_data_);
            w_saved_ = true;
        }
    }

private:
    struct WBurst {
        bool phase_fault = false;
        std::uint64_t addr = 0;
        std::uint32_t beat_bytes = 0;
        std::uint32_t beat = 0;
    };

    bool decide(std::uint32_t id) {
        if (id != fault_.id) return false;
        std::uint64_t const n = seen_++;
        if (n < fault_.skip || n >= fault_.skip + fault_.count) return false;
        ++injected_;
        return true;
    }

    bfm::Axi4Port port_;
    std::size_t data_bytes_;
    BusFault fault_;
    std::uint64_t seen_ = 0, injected_ = 0;
    bool ar_open_ = false, aw_open_ = false, ar_faulty_ = false, aw_faulty_ = false;
    bool ar_taken_ = false, aw_taken_ = false, w_taken_ = false, w_last_ = false;
    std::uint64_t aw_seen_addr_ = 0;
    std::uint32_t aw_seen_size_ = 0;
    std::optional<std::uint64_t> ar_saved_, aw_saved_;
    bool w_saved_ = false;
    std::vector<std::uint8_t> original_data_, faulty_data_;
    std::deque<WBurst> w_bursts_;
};

}  // namespace nicsim::monitor::test
