// AxilMaster: AXI4-Lite master BFM (the CPU's MMIO path) for any Verilator model with the
// standard slave port names s_axil_{aw,w,b,ar,r}*.
//
// Writes are posted: post_write() queues them and returns; their B responses are collected in
// write_responses() as they arrive. read() blocks: it advances the clock through the tick
// callback until the R response arrives, so its cost in cycles is real and counted; by default
// it first waits for earlier posted writes (PCIe ordering). Per write,
// the AW and W channels may be delayed independently (to exercise either arrival order), and
// bready/rready can be paused at random (PauseGenerator, drawing from the caller's seeded rng).
//
// Two-phase use per clock cycle (the owning harness does this in its tick()):
//   master.drive();            // set the model's inputs for this cycle
//   model.clk = 0; model.eval();
//   master.sample();           // record the handshakes that happen at the coming edge
//   model.clk = 1; model.eval();
#pragma once

#include "pause.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace nicsim::bfm {

enum class AxilResp : std::uint8_t { okay = 0, exokay = 1, slverr = 2, decerr = 3 };

inline const char* to_string(AxilResp r) {
    switch (r) {
    case AxilResp::okay: return "OKAY";
    case AxilResp::exokay: return "EXOKAY";
    case AxilResp::slverr: return "SLVERR";
    case AxilResp::decerr: return "DECERR";
    }
    return "?";
}

struct AxilRead {
    std::uint32_t data = 0;
    AxilResp resp = AxilResp::okay;
    std::uint64_t cycles = 0;  ///< from the call until the R handshake (earlier writes included)
};

struct AxilWriteResp {
    std::uint32_t addr = 0;
    AxilResp resp = AxilResp::okay;
};

struct AxilWriteOptions {
    std::uint8_t strb = 0xF;
    unsigned aw_delay_cycles = 0;  ///< cycles AW waits (once at the head of the queue) before valid
    unsigned w_delay_cycles = 0;   ///< same for W
};

template <class Model>
class AxilMaster {
public:
    /// `tick` advances the whole harness by one clock cycle (and calls drive()/sample()).
    AxilMaster(Model& model, std::function<void()> tick, std::mt19937_64& rng)
        : m_(model), tick_(std::move(tick)), rng_(rng) {}

    PauseGenerator b_pause;  ///< holds bready low at random
    PauseGenerator r_pause;  ///< holds rready low at random
    std::uint64_t timeout_cycles = 10000;
    /// A read waits until every earlier posted write has its B response, as a PCIe read never
    /// passes a posted write (AXI itself does not order the two). Tests of the slave's channel
    /// independence turn this off.
    bool reads_wait_for_writes = true;

    void post_write(std::uint32_t addr, std::uint32_t data, AxilWriteOptions opt = {}) {
        writes_.push_back(Pending{addr, data, opt, false, false});
        ++writes_posted_;
    }
    void post_write(std::uint32_t addr, std::uint32_t data, std::uint8_t strb) {
        post_write(addr, data, AxilWriteOptions{.strb = strb});
    }

    /// Posts a write and waits for its B response.
    AxilResp write(std::uint32_t addr, std::uint32_t data, AxilWriteOptions opt = {}) {
        post_write(addr, data, opt);
        const auto target = writes_posted_;  // responses come in order
        wait_until([&] { return writes_done_ >= target; }, "B response");
        return last_write_resp_;
    }

    /// Waits until every posted write has its B response.
    void flush() {
        wait_until([&] { return writes_.empty() && b_expected_.empty(); }, "all B responses");
    }

    /// Issues a read and advances the clock until its response.
    AxilRead read(std::uint32_t addr) {
        if (read_addr_) throw std::logic_error("AxilMaster::read is not reentrant");
        const std::uint64_t start = cycles_;
        if (reads_wait_for_writes) flush();
        read_addr_ = addr;
        ar_done_ = false;
        read_result_.reset();
        wait_until([&] { return read_result_.has_value(); }, "R response");
        read_addr_.reset();
        AxilRead r = *read_result_;
        r.cycles = cycles_ - start;
        return r;
    }

    /// B responses received so far, oldest first (tests may clear it).
    std::deque<AxilWriteResp>& write_responses() { return responses_; }
    bool idle() const { return writes_.empty() && b_expected_.empty() && !read_addr_; }

    void drive() {
        // AW and W of the oldest write whose channel is not yet done
        m_.s_axil_awvalid = 0;
        m_.s_axil_wvalid = 0;
        for (auto& w : writes_) {
            if (!w.aw_done) {
                if (w.opt.aw_delay_cycles == 0) {
                    m_.s_axil_awvalid = 1;
                    m_.s_axil_awaddr = static_cast<std::remove_reference_t<decltype(m_.s_axil_awaddr)>>(w.addr);
                    m_.s_axil_awprot = 0;
                }
                break;
            }
        }
        for (auto& w : writes_) {
            if (!w.w_done) {
                if (w.opt.w_delay_cycles == 0) {
                    m_.s_axil_wvalid = 1;
                    m_.s_axil_wdata = w.data;
                    m_.s_axil_wstrb = w.opt.strb;
                }
                break;
            }
        }
        m_.s_axil_bready = b_pause.pause(rng_) ? 0 : 1;
        m_.s_axil_arvalid = (read_addr_ && !ar_done_) ? 1 : 0;
        if (read_addr_) {
            m_.s_axil_araddr = static_cast<std::remove_reference_t<decltype(m_.s_axil_araddr)>>(*read_addr_);
            m_.s_axil_arprot = 0;
        }
        m_.s_axil_rready = r_pause.pause(rng_) ? 0 : 1;
    }

    void sample() {
        ++cycles_;
        const bool aw_fire = m_.s_axil_awvalid && m_.s_axil_awready;
        const bool w_fire = m_.s_axil_wvalid && m_.s_axil_wready;
        for (auto& w : writes_) {
            if (!w.aw_done) {
                if (aw_fire) {
                    w.aw_done = true;
                    b_expected_.push_back(w.addr);
                } else if (w.opt.aw_delay_cycles > 0) {
                    --w.opt.aw_delay_cycles;
                }
                break;
            }
        }
        for (auto& w : writes_) {
            if (!w.w_done) {
                if (w_fire) {
                    w.w_done = true;
                } else if (w.opt.w_delay_cycles > 0) {
                    --w.opt.w_delay_cycles;
                }
                break;
            }
        }
        while (!writes_.empty() && writes_.front().aw_done && writes_.front().w_done) writes_.pop_front();
        if (m_.s_axil_bvalid && m_.s_axil_bready) {
            if (b_expected_.empty()) throw std::runtime_error("AXI4-Lite: B response without a write");
            last_write_resp_ = static_cast<AxilResp>(m_.s_axil_bresp);
            responses_.push_back({b_expected_.front(), last_write_resp_});
            b_expected_.pop_front();
            ++writes_done_;
        }
        if (m_.s_axil_arvalid && m_.s_axil_arready) ar_done_ = true;
        if (m_.s_axil_rvalid && m_.s_axil_rready) {
            if (!read_addr_ || !ar_done_) throw std::runtime_error("AXI4-Lite: R response without a read");
            read_result_ = AxilRead{static_cast<std::uint32_t>(m_.s_axil_rdata),
                                    static_cast<AxilResp>(m_.s_axil_rresp), 0};
        }
    }

    std::uint64_t cycles() const { return cycles_; }

private:
    struct Pending {
        std::uint32_t addr;
        std::uint32_t data;
        AxilWriteOptions opt;
        bool aw_done;
        bool w_done;
    };

    template <class Done>
    void wait_until(Done done, const char* what) {
        const std::uint64_t start = cycles_;
        while (!done()) {
            if (cycles_ - start > timeout_cycles)
                throw std::runtime_error(std::string("AXI4-Lite master: timeout waiting for ") + what);
            tick_();
        }
    }

    Model& m_;
    std::function<void()> tick_;
    std::mt19937_64& rng_;
    std::deque<Pending> writes_;
    std::deque<std::uint32_t> b_expected_;  // addresses of writes whose AW went, awaiting B
    std::deque<AxilWriteResp> responses_;
    std::uint64_t writes_posted_ = 0;
    std::uint64_t writes_done_ = 0;
    AxilResp last_write_resp_ = AxilResp::okay;
    std::optional<std::uint32_t> read_addr_;
    bool ar_done_ = false;
    std::optional<AxilRead> read_result_;
    std::uint64_t cycles_ = 0;
};

}  // namespace nicsim::bfm
