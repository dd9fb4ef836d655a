#include "waves/nic_layout.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "waves/select.hpp"

namespace nicsim::waves {

namespace {

constexpr std::string_view top_instance = "";

constexpr std::array<GroupRule, 13> groups{{
    {"clock and reset", top_instance, "clk rst_n"},
    {"registers (s_axil)", top_instance, "s_axil_*"},
    {"DMA read (m_axi AR/R)", top_instance, "m_axi_ar* m_axi_r*"},
    {"DMA write (m_axi AW/W/B)", top_instance, "m_axi_aw* m_axi_w* m_axi_b*"},
    {"TX stream (m_axis_tx)", top_instance, "m_axis_tx_*"},
    {"RX stream (s_axis_rx)", top_instance, "s_axis_rx_*"},
    {"interrupts", top_instance, "irq_*"},
    {"TX engine: queues", "tx",
     "txq_enable txq_reset txq_prod txq_cons txq_in_error txq_idle fetch_q code_q err_q pend_q cur_q", true},
    {"TX engine: packet in flight", "tx",
     "pkt_open_q pkt_kill_q pkt_q_q pkt_len_q pkt_frags_q rreq_valid_q rreq_addr_q rreq_len_q", true},
    {"TX engine: events", "tx", "tx_pkt_* tx_err_* tx_sent_*", true},
    {"RX engine: queues", "rx",
     "rxq_enable rxq_reset rxq_prod rxq_cons rxq_in_error rxq_idle gen_q err_q epend_q ecode_q cidx_q phase_q cons_q",
     true},
    {"RX engine: frame in flight", "rx",
     "rx_idle dstate_q cur_q rem_q nbuf_q first_buf_q dreq_valid_q dreq_addr_q dreq_len_q wv_q waddr_q", true},
    {"RX engine: events", "rx", "rx_pkt_* rx_err_* rx_drop_* rx_bad_* rx_taken_*", true},
}};

// cpl_status_e and csum_verdict_e live only in fields of packed structs (rx_cpl_t), which the
// trace shows as one vector: no signal of nic_top holds them on its own.
constexpr std::array<EnumRule, 1> rules{{
    {"err_code *_err_code code_q ecode_q errc_q", "err_e"},
}};

// `relative` as the instance it is in ("" for the top's own signals) and its name there.
std::pair<std::string_view, std::string_view> split_instance(std::string_view relative) {
    auto const dot = relative.rfind('.');
    if (dot == std::string_view::npos) return {top_instance, relative};
    return {relative.substr(0, dot), relative.substr(dot + 1)};
}

bool is_decimal(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool any_name_matches(std::string_view names, std::string_view name) {
    auto const listed = split_names(names);
    return std::any_of(listed.begin(), listed.end(),
                       [&](std::string_view pattern) { return layout_name_matches(pattern, name); });
}

}  // namespace

std::string_view without_array_index(std::string_view name) {
    // Several trailing indices for an array of arrays: `m[1][0]`.
    while (name.ends_with(']')) {
        auto const open = name.rfind('[');
        if (open == std::string_view::npos || !is_decimal(name.substr(open + 1, name.size() - open - 2))) break;
        name = name.substr(0, open);
    }
    return name;
}

bool layout_name_matches(std::string_view pattern, std::string_view name) {
    return glob_match(pattern, without_array_index(name));
}

std::vector<std::string_view> split_names(std::string_view names) {
    std::vector<std::string_view> out;
    while (!names.empty()) {
        auto const end = std::min(names.find(' '), names.size());
        if (end > 0) out.push_back(names.substr(0, end));
        names.remove_prefix(std::min(end + 1, names.size()));
    }
    return out;
}

bool GroupRule::claims(std::string_view relative) const {
    auto const [signal_instance, name] = split_instance(relative);
    return signal_instance == instance && any_name_matches(names, name);
}

bool EnumRule::claims(std::string_view base_name) const {
    return any_name_matches(names, base_name);
}

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
