#include "lib/nic_layout.hpp"

#include <array>

namespace nicsim::waves {

namespace {

constexpr std::array<GroupRule, 13> groups{{
    {"clock and reset", R"((clk|rst_n))"},
    {"registers (s_axil)", R"(s_axil_\w+)"},
    {"DMA read (m_axi AR/R)", R"(m_axi_(ar|r)\w+)"},
    {"DMA write (m_axi AW/W/B)", R"(m_axi_(aw|w|b)\w+)"},
    {"TX stream (m_axis_tx)", R"(m_axis_tx_\w+)"},
    {"RX stream (s_axis_rx)", R"(s_axis_rx_\w+)"},
    {"interrupts", R"(irq_\w+)"},
    {"TX engine: queues", R"(tx\.(txq_(enable|reset|prod|cons|in_error)|fetch_q|code_q|err_q|pend_q|cur_q)(\[\d+\])?)",
     true},
    {"TX engine: packet in flight",
     R"(tx\.(pkt_open_q|pkt_kill_q|pkt_q_q|pkt_len_q|pkt_frags_q|rreq_valid_q|rreq_addr_q|rreq_len_q))", true},
    {"TX engine: events", R"(tx\.tx_(pkt|err)_\w+)", true},
    {"RX engine: queues",
     R"(rx\.(rxq_(enable|reset|prod|cons|in_error)|gen_q|err_q|epend_q|ecode_q|cidx_q|phase_q|cons_q)(\[\d+\])?)",
     true},
    {"RX engine: frame in flight",
     R"(rx\.(dstate_q|cur_q|rem_q|nbuf_q|first_buf_q|dreq_valid_q|dreq_addr_q|dreq_len_q|cbusy_q|caddr_q))", true},
    {"RX engine: events", R"(rx\.rx_(pkt|err|drop|bad)_\w+)", true},
}};

constexpr std::array<EnumRule, 3> rules{{
    {R"((\w+_)?err_code|code_q(\[\d+\])?|ecode_q(\[\d+\])?|errc_q)", "err_e"},
    {R"((\w+_)?cpl_status)", "cpl_status_e"},
    {R"((\w+_)?csum_verdict)", "csum_verdict_e"},
}};

}  // namespace

std::span<const GroupRule> nic_top_groups() {
    return groups;
}
std::span<const EnumRule> enum_rules() {
    return rules;
}

std::vector<std::string> key_handshake_signals() {
    return {"s_axil_awvalid",   "s_axil_awready",   "s_axil_arvalid",   "s_axil_rvalid",   "m_axi_arvalid",
            "m_axi_arready",    "m_axi_rvalid",     "m_axi_rready",     "m_axi_rlast",     "m_axi_awvalid",
            "m_axi_awready",    "m_axi_wvalid",     "m_axi_wready",     "m_axi_wlast",     "m_axi_bvalid",
            "m_axi_bready",     "m_axis_tx_tvalid", "m_axis_tx_tready", "m_axis_tx_tlast", "s_axis_rx_tvalid",
            "s_axis_rx_tready", "s_axis_rx_tlast",  "irq_queue",        "irq_error"};
}

}  // namespace nicsim::waves
