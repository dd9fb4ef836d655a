#include "dut/dut.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "dut/dut_registry.hpp"

namespace nicsim::dut {

std::vector<bfm::SigRef> DutPorts::inputs() const {
    auto const& a = s_axil;
    auto const& m = m_axi;
    return {a.awaddr,        a.awprot,        a.awvalid,       a.wdata,         a.wstrb,          a.wvalid,
            a.bready,        a.araddr,        a.arprot,        a.arvalid,       a.rready,         m.awready,
            m.wready,        m.bid,           m.bresp,         m.bvalid,        m.arready,        m.rid,
            m.rdata,         m.rresp,         m.rlast,         m.rvalid,        m_axis_tx.tready, s_axis_rx.tdata,
            s_axis_rx.tkeep, s_axis_rx.tlast, s_axis_rx.tuser, s_axis_rx.tvalid};
}

std::vector<bfm::SigRef> DutPorts::all() const {
    auto const& a = s_axil;
    auto const& m = m_axi;
    return {clk,
            rst_n,
            a.awaddr,
            a.awprot,
            a.awvalid,
            a.awready,
            a.wdata,
            a.wstrb,
            a.wvalid,
            a.wready,
            a.bresp,
            a.bvalid,
            a.bready,
            a.araddr,
            a.arprot,
            a.arvalid,
            a.arready,
            a.rdata,
            a.rresp,
            a.rvalid,
            a.rready,
            m.awid,
            m.awaddr,
            m.awlen,
            m.awsize,
            m.awburst,
            m.awlock,
            m.awcache,
            m.awprot,
            m.awvalid,
            m.awready,
            m.wdata,
            m.wstrb,
            m.wlast,
            m.wvalid,
            m.wready,
            m.bid,
            m.bresp,
            m.bvalid,
            m.bready,
            m.arid,
            m.araddr,
            m.arlen,
            m.arsize,
            m.arburst,
            m.arlock,
            m.arcache,
            m.arprot,
            m.arvalid,
            m.arready,
            m.rid,
            m.rdata,
            m.rresp,
            m.rlast,
            m.rvalid,
            m.rready,
            m_axis_tx.tdata,
            m_axis_tx.tkeep,
            m_axis_tx.tlast,
            m_axis_tx.tuser,
            m_axis_tx.tvalid,
            m_axis_tx.tready,
            s_axis_rx.tdata,
            s_axis_rx.tkeep,
            s_axis_rx.tlast,
            s_axis_rx.tuser,
            s_axis_rx.tvalid,
            s_axis_rx.tready,
            irq.queue,
            irq.error};
}

std::vector<std::string> dut_config_names() {
    std::vector<std::string> names;
    for (auto const& entry : config_table()) names.emplace_back(entry.name);
    return names;
}

std::vector<std::string> untraced_config_names() {
    std::vector<std::string> names;
    for (auto const& entry : config_table())
        if (entry.make_untraced) names.emplace_back(entry.name);
    return names;
}

std::unique_ptr<Dut> make_dut(std::string_view name, Tracing tracing) {
    for (auto const& entry : config_table())
        if (entry.name == name)
            return tracing == Tracing::never && entry.make_untraced ? entry.make_untraced() : entry.make();
    auto const names = dut_config_names();
    throw std::invalid_argument(fmt::format(
        "no NIC configuration named '{}'; this build has: {}", name,
        names.empty() ? std::string("none (rtl/nic_top.sv missing at configure time, or NICSIM_DUT_CONFIGS empty)")
                      : fmt::format("{}", fmt::join(names, ", "))));
}

bfm::AxisPort Dut::stream_port(AxisPort const& stream, char const* name) const {
    bfm::AxisPort a;
    a.name = name;
    a.tdata = stream.tdata;
    a.tkeep = stream.tkeep;
    a.tlast = stream.tlast;
    a.tuser = stream.tuser;
    a.tvalid = stream.tvalid;
    a.tready = stream.tready;
    a.rst_n = ports_.rst_n;
    a.lanes = config_.data_bytes();
    return a;
}

}  // namespace nicsim::dut
