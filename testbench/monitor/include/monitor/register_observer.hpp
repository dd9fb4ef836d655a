// RegisterWriteObserver: watches the NIC's AXI4-Lite register port (s_axil) and reports every
// register write at the edge the NIC takes it (AW and W handshaken, in either order), without
// driving anything. A passive sim::Agent: register it after the AXI4-Lite master (the host's
// MmioBus), so that drive() sees the ready signals of the coming edge.
//
// This is the hardware's view of the driver's side of the contract: ring programming, enables,
// resets and doorbells land here, in order, at the cycle they take effect, whatever latency the
// CPU-to-NIC path has.
#pragma once

#include <cstdint>

#include "bfm/axil_master_bfm.hpp"
#include "sim/kernel.hpp"

namespace nicsim::monitor {

struct RegisterWrite {
    std::uint16_t offset = 0;
    std::uint32_t value = 0;
    std::uint8_t strobes = 0xF;
    std::uint64_t cycle = 0;  // kernel cycle of the handshake that completed the write
};

class RegisterWriteListener {
public:
    virtual ~RegisterWriteListener() = default;
    virtual void register_write(RegisterWrite const& w) = 0;
    /// The NIC was reset: every register is back to its reset value.
    virtual void registers_reset() {}
};

class RegisterWriteObserver final : public sim::Agent {
public:
    RegisterWriteObserver(sim::Kernel& kernel, bfm::AxilPort port, RegisterWriteListener& listener)
        : kernel_(kernel), port_(port), listener_(listener) {}

    void drive() override {
        aw_now_ = port_.awvalid.high() && port_.awready.high();
        w_now_ = port_.wvalid.high() && port_.wready.high();
        if (aw_now_) aw_addr_next_ = static_cast<std::uint16_t>(port_.awaddr.get() & 0xFFFC);
        if (w_now_) {
            w_data_next_ = static_cast<std::uint32_t>(port_.wdata.get());
            w_strb_next_ = static_cast<std::uint8_t>(port_.wstrb.get() & 0xF);
        }
    }
    void observe() override {
        if (aw_now_) {
            have_aw_ = true;
            aw_addr_ = aw_addr_next_;
        }
        if (w_now_) {
            have_w_ = true;
            w_data_ = w_data_next_;
            w_strb_ = w_strb_next_;
        }
        if (have_aw_ && have_w_) {
            have_aw_ = have_w_ = false;
            listener_.register_write({aw_addr_, w_data_, w_strb_, kernel_.cycle()});
        }
    }
    void reset() override {
        aw_now_ = w_now_ = have_aw_ = have_w_ = false;
        listener_.registers_reset();
    }

private:
    sim::Kernel& kernel_;
    bfm::AxilPort port_;
    RegisterWriteListener& listener_;
    bool aw_now_ = false, w_now_ = false, have_aw_ = false, have_w_ = false;
    std::uint16_t aw_addr_next_ = 0, aw_addr_ = 0;
    std::uint32_t w_data_next_ = 0, w_data_ = 0;
    std::uint8_t w_strb_next_ = 0, w_strb_ = 0;
};

}  // namespace nicsim::monitor
