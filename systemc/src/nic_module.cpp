// nic_module.cpp: NicModule's pin-level side (see nic_module.hpp for the contract).
//
// Timing discipline: every input of the RTL is written by on_falling_edge() only, from the state
// below and the RTL's settled outputs; on_rising_edge() only observes, and it reads the values
// the RTL's edge sees (a signal written in this delta is not visible yet), so a handshake is
// exactly "valid and ready at the rising edge", with no race against the model's own eval().
#include "nicsim/systemc/nic_module.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <fmt/format.h>

#include "nic_sc_model.hpp"  // generated: NicScModel, kDataWidth, kNumQueues

namespace nicsim::systemc {

using sc_core::sc_signal;
using sc_core::sc_time;
using sc_core::sc_time_stamp;

const unsigned NicModule::data_width = kDataWidth;
const unsigned NicModule::num_queues = kNumQueues;
char const* const NicModule::config_name = kConfigName;

namespace {

constexpr std::size_t kBusBytes = kDataWidth / 8;
constexpr std::uint8_t kOkay = 0, kSlverr = 2, kDecerr = 3;
constexpr std::uint8_t kBurstIncr = 1;

template <class Port>
using port_value_t = typename std::remove_reference_t<Port>::data_type;

// Lanes of a data bus <-> bytes (lane i = byte i), for the integer types Verilator uses up to
// 64 bits and sc_bv<N> beyond.
template <class T>
void unpack_lanes(T const& word, std::uint8_t* out) {
    if constexpr (std::is_integral_v<T>) {
        for (std::size_t i = 0; i < sizeof(T) && i < kBusBytes; ++i)
            out[i] = static_cast<std::uint8_t>(word >> (8 * i));
    } else {
        for (std::size_t i = 0; i < kBusBytes; ++i)
            out[i] = static_cast<std::uint8_t>(word.get_word(static_cast<int>(i / 4)) >> (8 * (i % 4)));
    }
}

template <class T>
T pack_lanes(std::uint8_t const* in) {
    T word{};
    if constexpr (std::is_integral_v<T>) {
        for (std::size_t i = 0; i < sizeof(T) && i < kBusBytes; ++i)
            word |= static_cast<T>(static_cast<T>(in[i]) << (8 * i));
    } else {
        for (std::size_t w = 0; w < kBusBytes / 4; ++w) {
            sc_dt::sc_digit d = 0;
            for (std::size_t b = 0; b < 4; ++b) d |= static_cast<sc_dt::sc_digit>(in[4 * w + b]) << (8 * b);
            word.set_word(static_cast<int>(w), d);
        }
    }
    return word;
}

std::uint64_t align_down(std::uint64_t a, std::uint64_t n) {
    return a & ~(n - 1);
}

// An AXI4 INCR burst's bytes: [first, end), beat i covering [beat_lo(i), beat_hi(i)).
struct BurstShape {
    std::uint64_t addr = 0;
    std::uint32_t beats = 0;
    std::uint32_t size_bytes = 0;

    std::uint64_t first() const { return addr; }
    std::uint64_t end() const { return align_down(addr, size_bytes) + std::uint64_t{beats} * size_bytes; }
    std::size_t length() const { return static_cast<std::size_t>(end() - first()); }
    std::uint64_t beat_lo(std::uint32_t i) const {
        return i == 0 ? addr : align_down(addr, size_bytes) + std::uint64_t{i} * size_bytes;
    }
    std::uint64_t beat_hi(std::uint32_t i) const { return align_down(beat_lo(i), size_bytes) + size_bytes; }
};

tlm::tlm_response_status checked_status(tlm::tlm_generic_payload const& t) {
    return t.get_response_status();
}

std::uint8_t axi_resp_of(tlm::tlm_response_status s) {
    if (s == tlm::TLM_OK_RESPONSE) return kOkay;
    if (s == tlm::TLM_ADDRESS_ERROR_RESPONSE) return kDecerr;
    return kSlverr;
}

}  // namespace

// The verilated model and one signal per port (clk and rst_n go straight to NicModule's ports).
// One list of ports, a few per line (clang-format does not settle on a layout for it).
// clang-format off
#define NICSIM_SC_RTL_INPUTS(X)                                                                   \
    X(s_axil_awaddr) X(s_axil_awprot) X(s_axil_awvalid) X(s_axil_wdata) X(s_axil_wstrb)            \
    X(s_axil_wvalid) X(s_axil_bready) X(s_axil_araddr) X(s_axil_arprot) X(s_axil_arvalid)          \
    X(s_axil_rready) X(m_axi_awready) X(m_axi_wready) X(m_axi_bid) X(m_axi_bresp) X(m_axi_bvalid)  \
    X(m_axi_arready) X(m_axi_rid) X(m_axi_rdata) X(m_axi_rresp) X(m_axi_rlast) X(m_axi_rvalid)     \
    X(m_axis_tx_tready) X(s_axis_rx_tdata) X(s_axis_rx_tkeep) X(s_axis_rx_tlast)                   \
    X(s_axis_rx_tuser) X(s_axis_rx_tvalid)
#define NICSIM_SC_RTL_OUTPUTS(X)                                                                  \
    X(s_axil_awready) X(s_axil_wready) X(s_axil_bresp) X(s_axil_bvalid) X(s_axil_arready)          \
    X(s_axil_rdata) X(s_axil_rresp) X(s_axil_rvalid) X(m_axi_awid) X(m_axi_awaddr) X(m_axi_awlen)  \
    X(m_axi_awsize) X(m_axi_awburst) X(m_axi_awlock) X(m_axi_awcache) X(m_axi_awprot)              \
    X(m_axi_awvalid) X(m_axi_wdata) X(m_axi_wstrb) X(m_axi_wlast) X(m_axi_wvalid) X(m_axi_bready)  \
    X(m_axi_arid) X(m_axi_araddr) X(m_axi_arlen) X(m_axi_arsize) X(m_axi_arburst) X(m_axi_arlock)  \
    X(m_axi_arcache) X(m_axi_arprot) X(m_axi_arvalid) X(m_axi_rready) X(m_axis_tx_tdata)           \
    X(m_axis_tx_tkeep) X(m_axis_tx_tlast) X(m_axis_tx_tuser) X(m_axis_tx_tvalid)                   \
    X(s_axis_rx_tready) X(irq_queue) X(irq_error)
// clang-format on

struct NicModule::Pins {
#define NICSIM_SC_SIGNAL(name) sc_signal<port_value_t<decltype(NicScModel::name)>> name{"pin_" #name};
    NICSIM_SC_RTL_INPUTS(NICSIM_SC_SIGNAL)
    NICSIM_SC_RTL_OUTPUTS(NICSIM_SC_SIGNAL)
#undef NICSIM_SC_SIGNAL
    NicScModel rtl{"rtl"};

    Pins(sc_core::sc_in<bool>& clk, sc_core::sc_in<bool>& rst_n) {
        rtl.clk(clk);
        rtl.rst_n(rst_n);
#define NICSIM_SC_BIND(name) rtl.name(name);
        NICSIM_SC_RTL_INPUTS(NICSIM_SC_BIND)
        NICSIM_SC_RTL_OUTPUTS(NICSIM_SC_BIND)
#undef NICSIM_SC_BIND
    }

    template <class T>
    static T as(auto const& sig) {
        return static_cast<T>(sig.read());
    }
};

struct NicModule::RegAccess {
    bool write = false;
    std::uint16_t addr = 0;
    std::uint32_t wdata = 0;
    std::uint8_t wstrb = 0;
    bool addr_done = false;  // AW or AR handshaken
    bool data_done = false;  // W handshaken (writes)
    bool done = false;
    std::uint8_t resp = 0;
    std::uint32_t rdata = 0;
    std::uint64_t start_cycle = 0;
};

struct NicModule::ReadBurst {
    std::uint64_t generation = 0;
    std::uint32_t id = 0;
    std::uint8_t burst_type = 0;
    BurstShape shape;
    std::vector<std::uint8_t> data;
    bool answered = false;  // b_transport returned
    sc_time ready_at;       // no R beat before this time
    std::uint8_t resp = 0;
    std::uint32_t next_beat = 0;
};

struct NicModule::WriteBeat {
    std::vector<std::uint8_t> lanes;  // kBusBytes
    std::uint64_t strobe = 0;
    bool last = false;
};

struct NicModule::WriteBurst {
    std::uint64_t generation = 0;
    std::uint32_t id = 0;
    std::uint8_t burst_type = 0;
    BurstShape shape;
    std::vector<std::uint8_t> data;     // shape.length() bytes
    std::vector<std::uint8_t> enables;  // TLM byte enables, 0xff / 0x00 per byte
    std::uint32_t beats_received = 0;
    bool wlast_misplaced = false;
    bool answered = false;
    sc_time ready_at;
    std::uint8_t resp = 0;
};

NicModule::NicModule(sc_core::sc_module_name name, NicModuleConfig config)
    : sc_module(name),
      clk("clk"),
      rst_n("rst_n"),
      regs("regs"),
      dma("dma"),
      rx_in("rx_in"),
      tx_out("tx_out"),
      irq_queue("irq_queue", kNumQueues),
      irq_error("irq_error"),
      cfg_(config),
      reg_mutex_("reg_mutex"),
      read_queued_("read_queued"),
      write_queued_("write_queued") {
    if (cfg_.max_reads_in_flight == 0 || cfg_.max_writes_in_flight == 0 || cfg_.transport_threads == 0)
        throw std::invalid_argument(
            fmt::format("NicModule {}: max_reads_in_flight, max_writes_in_flight and transport_threads must be >= 1 "
                        "(got {}, {}, {})",
                        basename(), cfg_.max_reads_in_flight, cfg_.max_writes_in_flight, cfg_.transport_threads));
    pins_ = std::make_unique<Pins>(clk, rst_n);
    regs.register_b_transport(this, &NicModule::register_b_transport);

    SC_HAS_PROCESS(NicModule);
    SC_METHOD(on_rising_edge);
    sensitive << clk.pos();
    dont_initialize();
    SC_METHOD(on_falling_edge);
    sensitive << clk.neg();
    dont_initialize();
    SC_METHOD(forward_interrupts);
    sensitive << pins_->irq_queue << pins_->irq_error;
    for (std::size_t i = 0; i < cfg_.transport_threads; ++i) {
        sc_core::sc_spawn([this] { read_transport_thread(); }, sc_core::sc_gen_unique_name("dma_read"));
        sc_core::sc_spawn([this] { write_transport_thread(); }, sc_core::sc_gen_unique_name("dma_write"));
    }
}

NicModule::~NicModule() = default;

// ---- registers: TLM target -> AXI4-Lite master ----

void NicModule::register_b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    wait(delay);  // the access happens at the initiator's local time
    delay = sc_core::SC_ZERO_TIME;

    auto const cmd = trans.get_command();
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    std::uint64_t const addr = trans.get_address();
    if (addr >= 0x10000 || addr % 4 != 0) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (trans.get_data_length() != 4 || trans.get_streaming_width() != 4) {
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    // Byte enables: a pattern repeated over the 4 bytes when shorter (TLM-2.0 rule).
    std::uint8_t strobe = 0xF;
    if (unsigned char const* be = trans.get_byte_enable_ptr()) {
        unsigned const be_len = trans.get_byte_enable_length();
        if (be_len == 0) {
            trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
            return;
        }
        strobe = 0;
        for (unsigned i = 0; i < 4; ++i)
            if (be[i % be_len] == TLM_BYTE_ENABLED) strobe |= static_cast<std::uint8_t>(1u << i);
    }
    unsigned char* data = trans.get_data_ptr();

    reg_mutex_.lock();
    if (!rst_n.read()) {
        reg_mutex_.unlock();
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    auto access = std::make_unique<RegAccess>();
    access->write = cmd == tlm::TLM_WRITE_COMMAND;
    access->addr = static_cast<std::uint16_t>(addr);
    access->wstrb = strobe;
    access->start_cycle = stats_.cycles;
    if (access->write)
        for (unsigned i = 0; i < 4; ++i) access->wdata |= std::uint32_t{data[i]} << (8 * i);
    reg_ = std::move(access);
    wait(reg_done_);
    RegAccess const result = *reg_;
    reg_.reset();
    ++stats_.register_accesses;
    reg_mutex_.unlock();

    if (!result.write)
        for (unsigned i = 0; i < 4; ++i)
            if (strobe & (1u << i)) data[i] = static_cast<unsigned char>(result.rdata >> (8 * i));
    if (result.resp == kOkay)
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    else if (result.resp == kDecerr || !result.write)
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    else
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    trans.set_dmi_allowed(false);
}

void NicModule::drive_register_access() {
    Pins& p = *pins_;
    RegAccess const* r = reg_ && !reg_->done ? reg_.get() : nullptr;
    bool const w = r && r->write, rd = r && !r->write;
    p.s_axil_awvalid.write(w && !r->addr_done);
    p.s_axil_wvalid.write(w && !r->data_done);
    p.s_axil_bready.write(w);
    p.s_axil_arvalid.write(rd && !r->addr_done);
    p.s_axil_rready.write(rd);
    if (r) {
        p.s_axil_awaddr.write(r->addr);
        p.s_axil_araddr.write(r->addr);
        p.s_axil_wdata.write(r->wdata);
        p.s_axil_wstrb.write(r->wstrb);
    }
}

void NicModule::sample_register_access() {
    if (!reg_ || reg_->done) return;
    Pins& p = *pins_;
    RegAccess& r = *reg_;
    if (r.write) {
        if (p.s_axil_awvalid.read() && p.s_axil_awready.read()) r.addr_done = true;
        if (p.s_axil_wvalid.read() && p.s_axil_wready.read()) r.data_done = true;
        if (p.s_axil_bready.read() && p.s_axil_bvalid.read()) {
            r.resp = Pins::as<std::uint8_t>(p.s_axil_bresp);
            r.done = true;
        }
    } else {
        if (p.s_axil_arvalid.read() && p.s_axil_arready.read()) r.addr_done = true;
        if (p.s_axil_rready.read() && p.s_axil_rvalid.read()) {
            r.resp = Pins::as<std::uint8_t>(p.s_axil_rresp);
            r.rdata = Pins::as<std::uint32_t>(p.s_axil_rdata);
            r.done = true;
        }
    }
    if (r.done) {
        reg_done_.notify(sc_core::SC_ZERO_TIME);
    } else if (stats_.cycles - r.start_cycle > cfg_.register_timeout_cycles) {
        SC_REPORT_ERROR("nicsim/NicModule",
                        fmt::format("{}: AXI4-Lite {} of register {:#06x} not answered after {} cycles", name(),
                                    r.write ? "write" : "read", r.addr, cfg_.register_timeout_cycles)
                            .c_str());
    }
}

// ---- DMA: AXI4 slave on the RTL's m_axi -> TLM initiator ----

void NicModule::read_transport_thread() {
    for (;;) {
        while (reads_to_transport_.empty()) wait(read_queued_);
        std::shared_ptr<ReadBurst> b = reads_to_transport_.front();
        reads_to_transport_.pop_front();
        tlm::tlm_generic_payload t;
        sc_time delay = sc_core::SC_ZERO_TIME;
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        if (b->burst_type == kBurstIncr) {
            t.set_command(tlm::TLM_READ_COMMAND);
            t.set_address(b->shape.first());
            t.set_data_ptr(b->data.data());
            t.set_data_length(static_cast<unsigned>(b->data.size()));
            t.set_streaming_width(static_cast<unsigned>(b->data.size()));
            t.set_byte_enable_ptr(nullptr);
            t.set_dmi_allowed(false);
            ++stats_.dma_read_bursts;
            dma->b_transport(t, delay);
        }
        if (b->generation != generation_) continue;  // the NIC was reset meanwhile
        b->resp = axi_resp_of(checked_status(t));
        if (b->resp != kOkay) {
            ++stats_.dma_error_responses;
            std::fill(b->data.begin(), b->data.end(), std::uint8_t{0});
        }
        b->ready_at = sc_time_stamp() + delay;
        b->answered = true;
    }
}

void NicModule::write_transport_thread() {
    for (;;) {
        while (writes_to_transport_.empty()) wait(write_queued_);
        std::shared_ptr<WriteBurst> b = writes_to_transport_.front();
        writes_to_transport_.pop_front();
        tlm::tlm_generic_payload t;
        sc_time delay = sc_core::SC_ZERO_TIME;
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        if (b->burst_type == kBurstIncr && !b->wlast_misplaced) {
            bool const all =
                std::all_of(b->enables.begin(), b->enables.end(), [](std::uint8_t e) { return e == TLM_BYTE_ENABLED; });
            t.set_command(tlm::TLM_WRITE_COMMAND);
            t.set_address(b->shape.first());
            t.set_data_ptr(b->data.data());
            t.set_data_length(static_cast<unsigned>(b->data.size()));
            t.set_streaming_width(static_cast<unsigned>(b->data.size()));
            t.set_byte_enable_ptr(all ? nullptr : b->enables.data());
            t.set_byte_enable_length(all ? 0 : static_cast<unsigned>(b->enables.size()));
            t.set_dmi_allowed(false);
            ++stats_.dma_write_bursts;
            dma->b_transport(t, delay);
        }
        if (b->generation != generation_) continue;
        b->resp = axi_resp_of(checked_status(t));
        if (b->resp != kOkay) ++stats_.dma_error_responses;
        b->ready_at = sc_time_stamp() + delay;
        b->answered = true;
    }
}

void NicModule::match_write_beats() {
    // W beats belong to the AW bursts in the order those were issued (AXI4 has no WID).
    std::size_t used = 0;
    for (auto& b : writes_) {
        if (used == w_unmatched_.size()) break;
        while (b->beats_received < b->shape.beats && used < w_unmatched_.size()) {
            WriteBeat const& beat = w_unmatched_[used++];
            std::uint32_t const i = b->beats_received++;
            std::uint64_t const lo = b->shape.beat_lo(i), hi = b->shape.beat_hi(i);
            std::uint64_t const bus_base = align_down(lo, kBusBytes);
            for (std::uint64_t a = lo; a < hi; ++a) {
                std::size_t const lane = static_cast<std::size_t>(a - bus_base);
                std::size_t const at = static_cast<std::size_t>(a - b->shape.first());
                b->data[at] = beat.lanes[lane];
                b->enables[at] = (beat.strobe >> lane) & 1 ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
            }
            bool const last = b->beats_received == b->shape.beats;
            if (beat.last != last) b->wlast_misplaced = true;  // answered SLVERR, never transported
            if (last) {
                writes_to_transport_.push_back(b);
                write_queued_.notify(sc_core::SC_ZERO_TIME);
            }
        }
    }
    w_unmatched_.erase(w_unmatched_.begin(), w_unmatched_.begin() + static_cast<std::ptrdiff_t>(used));
}

void NicModule::sample_dma() {
    Pins& p = *pins_;
    if (p.m_axi_arready.read() && p.m_axi_arvalid.read()) {
        auto b = std::make_shared<ReadBurst>();
        b->generation = generation_;
        b->id = Pins::as<std::uint32_t>(p.m_axi_arid);
        b->burst_type = Pins::as<std::uint8_t>(p.m_axi_arburst);
        b->shape = {Pins::as<std::uint64_t>(p.m_axi_araddr), Pins::as<std::uint32_t>(p.m_axi_arlen) + 1,
                    1u << Pins::as<std::uint32_t>(p.m_axi_arsize)};
        b->data.assign(b->shape.length(), 0);
        reads_.push_back(b);
        reads_to_transport_.push_back(b);
        read_queued_.notify(sc_core::SC_ZERO_TIME);
    }
    if (p.m_axi_rvalid.read() && p.m_axi_rready.read() && r_current_) {
        if (++r_current_->next_beat == r_current_->shape.beats) {
            reads_.erase(std::find(reads_.begin(), reads_.end(), r_current_));
            r_current_.reset();
        }
    }
    if (p.m_axi_awready.read() && p.m_axi_awvalid.read()) {
        auto b = std::make_shared<WriteBurst>();
        b->generation = generation_;
        b->id = Pins::as<std::uint32_t>(p.m_axi_awid);
        b->burst_type = Pins::as<std::uint8_t>(p.m_axi_awburst);
        b->shape = {Pins::as<std::uint64_t>(p.m_axi_awaddr), Pins::as<std::uint32_t>(p.m_axi_awlen) + 1,
                    1u << Pins::as<std::uint32_t>(p.m_axi_awsize)};
        b->data.assign(b->shape.length(), 0);
        b->enables.assign(b->shape.length(), TLM_BYTE_DISABLED);
        writes_.push_back(b);
    }
    if (p.m_axi_wready.read() && p.m_axi_wvalid.read()) {
        WriteBeat beat;
        beat.lanes.resize(kBusBytes);
        unpack_lanes(p.m_axi_wdata.read(), beat.lanes.data());
        beat.strobe = Pins::as<std::uint64_t>(p.m_axi_wstrb);
        beat.last = p.m_axi_wlast.read();
        w_unmatched_.push_back(std::move(beat));
    }
    match_write_beats();
    if (p.m_axi_bvalid.read() && p.m_axi_bready.read()) {
        // The B given is the one drive_dma() chose: the first answered, ready burst of its ID.
        auto const id = Pins::as<std::uint32_t>(p.m_axi_bid);
        auto it = std::find_if(writes_.begin(), writes_.end(), [&](auto const& b) { return b->id == id; });
        if (it != writes_.end()) writes_.erase(it);
    }
}

namespace {
// The oldest burst that may answer now: answered, its delay elapsed, no older burst of its ID.
template <class Deque>
auto pick_response(Deque const& bursts, sc_time now, bool need_all_beats) {
    using Ptr = typename Deque::value_type;
    for (std::size_t i = 0; i < bursts.size(); ++i) {
        Ptr const& b = bursts[i];
        bool older_same_id = false;
        for (std::size_t j = 0; j < i; ++j) older_same_id |= bursts[j]->id == b->id;
        if (older_same_id) continue;
        bool complete = true;
        if constexpr (requires { b->beats_received; })
            complete = !need_all_beats || b->beats_received == b->shape.beats;
        if (b->answered && complete && b->ready_at <= now) return b;
    }
    return Ptr{};
}
}  // namespace

void NicModule::drive_dma() {
    Pins& p = *pins_;
    sc_time const now = sc_time_stamp();
    p.m_axi_arready.write(reads_.size() < cfg_.max_reads_in_flight);
    p.m_axi_awready.write(writes_.size() < cfg_.max_writes_in_flight);
    p.m_axi_wready.write(true);

    if (!r_current_) r_current_ = pick_response(reads_, now, false);
    if (r_current_) {
        ReadBurst const& b = *r_current_;
        std::uint32_t const i = b.next_beat;
        std::uint64_t const lo = b.shape.beat_lo(i), hi = b.shape.beat_hi(i);
        std::uint64_t const bus_base = align_down(lo, kBusBytes);
        std::uint8_t lanes[kBusBytes] = {};
        for (std::uint64_t a = lo; a < hi; ++a)
            lanes[a - bus_base] = b.data[static_cast<std::size_t>(a - b.shape.first())];
        p.m_axi_rvalid.write(true);
        p.m_axi_rid.write(b.id);
        p.m_axi_rresp.write(b.resp);
        p.m_axi_rlast.write(i + 1 == b.shape.beats);
        p.m_axi_rdata.write(pack_lanes<port_value_t<decltype(NicScModel::m_axi_rdata)>>(lanes));
    } else {
        p.m_axi_rvalid.write(false);
    }

    std::shared_ptr<WriteBurst> bsel = pick_response(writes_, now, true);
    p.m_axi_bvalid.write(bool(bsel));
    if (bsel) {
        p.m_axi_bid.write(bsel->id);
        p.m_axi_bresp.write(bsel->wlast_misplaced || bsel->burst_type != kBurstIncr ? kSlverr : bsel->resp);
    }
}

// ---- wire: sc_fifo <-> AXI-Stream ----

void NicModule::drive_wire() {
    Pins& p = *pins_;
    p.m_axis_tx_tready.write(tx_out->num_free() > 0);

    if (!rx_frame_) {
        wire::Frame f;
        if (rx_in->nb_read(f)) {
            if (f.bytes.empty())
                SC_REPORT_ERROR("nicsim/NicModule",
                                fmt::format("{}: an empty frame was written to rx_in", name()).c_str());
            rx_frame_ = std::move(f);
            rx_offset_ = 0;
        }
    }
    if (!rx_frame_) {
        p.s_axis_rx_tvalid.write(false);
        return;
    }
    auto const& bytes = rx_frame_->bytes;
    std::size_t const n = std::min(kBusBytes, bytes.size() - rx_offset_);
    std::uint8_t lanes[kBusBytes] = {};
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(rx_offset_), n, lanes);
    bool const last = rx_offset_ + n == bytes.size();
    std::uint64_t const keep = n == 64 ? ~0ull : (1ull << n) - 1;
    p.s_axis_rx_tvalid.write(true);
    p.s_axis_rx_tdata.write(pack_lanes<port_value_t<decltype(NicScModel::s_axis_rx_tdata)>>(lanes));
    p.s_axis_rx_tkeep.write(static_cast<port_value_t<decltype(NicScModel::s_axis_rx_tkeep)>>(keep));
    p.s_axis_rx_tlast.write(last);
    p.s_axis_rx_tuser.write(last && rx_frame_->bad);
}

void NicModule::sample_wire() {
    Pins& p = *pins_;
    if (p.s_axis_rx_tvalid.read() && p.s_axis_rx_tready.read() && rx_frame_) {
        if (rx_offset_ == 0) rx_frame_->first_beat_cycle = stats_.cycles;
        rx_offset_ += std::min(kBusBytes, rx_frame_->bytes.size() - rx_offset_);
        if (rx_offset_ == rx_frame_->bytes.size()) {
            rx_frame_->last_beat_cycle = stats_.cycles;
            ++stats_.rx_frames;
            if (on_rx_frame) on_rx_frame(*rx_frame_);
            rx_frame_.reset();
        }
    }
    if (p.m_axis_tx_tready.read() && p.m_axis_tx_tvalid.read()) {
        if (!tx_in_frame_) {
            tx_frame_ = wire::Frame{};
            tx_frame_.first_beat_cycle = stats_.cycles;
            tx_in_frame_ = true;
        }
        std::uint8_t lanes[kBusBytes];
        unpack_lanes(p.m_axis_tx_tdata.read(), lanes);
        auto const keep = Pins::as<std::uint64_t>(p.m_axis_tx_tkeep);
        for (std::size_t i = 0; i < kBusBytes; ++i)
            if ((keep >> i) & 1) tx_frame_.bytes.push_back(lanes[i]);
        if (p.m_axis_tx_tlast.read()) {
            tx_frame_.bad = p.m_axis_tx_tuser.read();
            tx_frame_.last_beat_cycle = stats_.cycles;
            tx_in_frame_ = false;
            // tready was high only with a free slot, and only this module writes tx_out.
            if (!tx_out->nb_write(tx_frame_))
                SC_REPORT_ERROR("nicsim/NicModule", fmt::format("{}: tx_out full at a frame's end", name()).c_str());
            ++stats_.tx_frames;
        }
    }
}

// ---- clocking ----

void NicModule::reset_state() {
    ++generation_;
    reads_.clear();
    reads_to_transport_.clear();
    r_current_.reset();
    writes_.clear();
    writes_to_transport_.clear();
    w_unmatched_.clear();
    rx_offset_ = 0;  // the RTL forgot the frame: it is sent again, whole, after reset
    tx_in_frame_ = false;
}

void NicModule::on_rising_edge() {
    ++stats_.cycles;
    if (!rst_n.read()) {
        reset_state();
        return;
    }
    sample_register_access();
    sample_dma();
    sample_wire();
}

void NicModule::on_falling_edge() {
    if (!rst_n.read()) {
        Pins& p = *pins_;
        p.s_axil_awvalid.write(false);
        p.s_axil_wvalid.write(false);
        p.s_axil_arvalid.write(false);
        p.m_axi_rvalid.write(false);
        p.m_axi_bvalid.write(false);
        p.s_axis_rx_tvalid.write(false);
        return;
    }
    drive_register_access();
    drive_dma();
    drive_wire();
}

void NicModule::forward_interrupts() {
    auto const bits = Pins::as<std::uint32_t>(pins_->irq_queue);
    for (unsigned q = 0; q < kNumQueues; ++q) irq_queue[q].write(((bits >> q) & 1) != 0);
    irq_error.write(pins_->irq_error.read());
}

}  // namespace nicsim::systemc
