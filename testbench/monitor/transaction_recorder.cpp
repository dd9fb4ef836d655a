// TransactionRecorder: see transaction_recorder.hpp.
#include "monitor/transaction_recorder.hpp"

#include <iterator>
#include <ostream>

namespace nicsim::monitor {

namespace {

constexpr std::string_view channel_names[channel_count] = {
    "axil.aw", "axil.w", "axil.b", "axil.ar", "axil.r", "dma.ar", "dma.r",
    "dma.aw",  "dma.w",  "dma.b",  "tx",      "rx",     "irq",    "irq.err",
};

constexpr std::string_view resp_names[4] = {"OKAY", "EXOKAY", "SLVERR", "DECERR"};

bool high(bfm::SigRef const& s) noexcept {
    return s.get() & 1u;
}

}  // namespace

std::string_view to_string(Channel c) noexcept {
    return channel_names[static_cast<std::size_t>(c)];
}

std::uint64_t fnv1a64(std::string_view text, std::uint64_t h) noexcept {
    for (char ch : text) h = (h ^ static_cast<std::uint8_t>(ch)) * 0x100000001b3ull;
    return h;
}

std::string hash_hex(std::uint64_t h) {
    return fmt::format("{:016x}", h);
}

TransactionRecorder::TransactionRecorder(sim::Kernel& kernel, dut::Dut& dut)
    : kernel_(kernel), p_(dut.ports()), data_bytes_(dut.config().data_bytes()) {
    for (BeatSnap* s : {&dma_w_, &tx_}) {
        s->data.resize(data_bytes_);
        s->mask.resize((data_bytes_ + 7) / 8);
    }
    in_data_.resize(data_bytes_);
    in_mask_.resize((data_bytes_ + 7) / 8);
    kernel.add_agent(*this);
}

void TransactionRecorder::start() {
    recording_ = true;
    start_cycle_ = kernel_.cycle();
}

void TransactionRecorder::sample_beat(BeatSnap& s, bfm::SigRef const& data, bfm::SigRef const& mask,
                                      bfm::SigRef const& last, bfm::SigRef const* user) {
    data.read_bytes(0, s.data);
    mask.read_bytes(0, s.mask);
    s.last = high(last);
    s.user = user ? static_cast<std::uint32_t>(user->get()) : 0;
}

void TransactionRecorder::read_input(bfm::SigRef const& sig, std::vector<std::uint8_t>& out) {
    sig.read_bytes(0, out);
}

void TransactionRecorder::drive() {
    if (!recording_) [[likely]]
        return;
    auto const& axi = p_.m_axi;
    auto sample_addr = [](AddrSnap& s, bfm::SigRef const& valid, bfm::SigRef const& id, bfm::SigRef const& addr,
                          bfm::SigRef const& len, bfm::SigRef const& size, bfm::SigRef const& burst) {
        s.valid = high(valid);
        if (!s.valid) return;
        s.id = static_cast<std::uint32_t>(id.get());
        s.addr = addr.get();
        s.len = static_cast<std::uint32_t>(len.get());
        s.size = static_cast<std::uint32_t>(size.get());
        s.burst = static_cast<std::uint32_t>(burst.get());
    };
    sample_addr(dma_ar_, axi.arvalid, axi.arid, axi.araddr, axi.arlen, axi.arsize, axi.arburst);
    sample_addr(dma_aw_, axi.awvalid, axi.awid, axi.awaddr, axi.awlen, axi.awsize, axi.awburst);
    dma_w_.valid = high(axi.wvalid);
    if (dma_w_.valid) sample_beat(dma_w_, axi.wdata, axi.wstrb, axi.wlast, nullptr);
    tx_.valid = high(p_.m_axis_tx.tvalid);
    if (tx_.valid) sample_beat(tx_, p_.m_axis_tx.tdata, p_.m_axis_tx.tkeep, p_.m_axis_tx.tlast, &p_.m_axis_tx.tuser);
    dma_rready_ = high(axi.rready);
    dma_bready_ = high(axi.bready);
    rx_tready_ = high(p_.s_axis_rx.tready);

    auto const& l = p_.s_axil;
    axil_awready_ = high(l.awready);
    axil_wready_ = high(l.wready);
    axil_arready_ = high(l.arready);
    axil_bvalid_ = high(l.bvalid);
    axil_bresp_ = static_cast<std::uint32_t>(l.bresp.get());
    axil_rvalid_ = high(l.rvalid);
    axil_rresp_ = static_cast<std::uint32_t>(l.rresp.get());
    axil_rdata_ = static_cast<std::uint32_t>(l.rdata.get());

    irq_queues_ = p_.irq.queue.get();
    irq_error_ = high(p_.irq.error);
}

void TransactionRecorder::observe() {
    if (!recording_) [[likely]]
        return;
    std::uint64_t const cycle = kernel_.cycle() - start_cycle_;
    auto const& l = p_.s_axil;
    auto const& axi = p_.m_axi;
    auto begin = [&](Channel c) {
        line_.clear();
        fmt::format_to(std::back_inserter(line_), "{:>8} {:<7}", cycle, to_string(c));
        Handshake h;
        h.cycle = cycle;
        h.channel = c;
        return h;
    };
    auto const ins = std::back_inserter(line_);

    // Registers.
    if (axil_awready_ && high(l.awvalid)) {
        Handshake h = begin(Channel::axil_aw);
        h.addr = l.awaddr.get();
        fmt::format_to(ins, " addr=0x{:04x} prot={:x}", h.addr, l.awprot.get());
        emit(h);
    }
    if (axil_wready_ && high(l.wvalid)) {
        Handshake h = begin(Channel::axil_w);
        h.value = l.wdata.get();
        fmt::format_to(ins, " data=0x{:08x} strb={:x}", h.value, l.wstrb.get());
        emit(h);
    }
    if (axil_bvalid_ && high(l.bready)) {
        Handshake h = begin(Channel::axil_b);
        h.resp = axil_bresp_ & 3u;
        fmt::format_to(ins, " resp={}", resp_names[h.resp]);
        emit(h);
    }
    if (axil_arready_ && high(l.arvalid)) {
        Handshake h = begin(Channel::axil_ar);
        h.addr = l.araddr.get();
        fmt::format_to(ins, " addr=0x{:04x} prot={:x}", h.addr, l.arprot.get());
        emit(h);
    }
    if (axil_rvalid_ && high(l.rready)) {
        Handshake h = begin(Channel::axil_r);
        h.value = axil_rdata_;
        h.resp = axil_rresp_ & 3u;
        fmt::format_to(ins, " data=0x{:08x} resp={}", h.value, resp_names[h.resp]);
        emit(h);
    }

    // DMA.
    auto addr_line = [&](Channel c, AddrSnap const& s) {
        Handshake h = begin(c);
        h.addr = s.addr;
        h.id = s.id;
        h.len = s.len;
        fmt::format_to(ins, " id={:x} addr=0x{:x} len={} size={} burst={}", s.id, s.addr, s.len, s.size, s.burst);
        emit(h);
    };
    if (dma_ar_.valid && high(axi.arready)) addr_line(Channel::dma_ar, dma_ar_);
    if (dma_rready_ && high(axi.rvalid)) {
        Handshake h = begin(Channel::dma_r);
        h.id = static_cast<std::uint32_t>(axi.rid.get());
        h.resp = static_cast<std::uint32_t>(axi.rresp.get()) & 3u;
        h.last = high(axi.rlast);
        fmt::format_to(ins, " id={:x} data=0x", h.id);
        read_input(axi.rdata, in_data_);
        append_data(in_data_, nullptr);
        fmt::format_to(ins, " resp={} last={}", resp_names[h.resp], h.last ? 1 : 0);
        emit(h);
    }
    if (dma_aw_.valid && high(axi.awready)) addr_line(Channel::dma_aw, dma_aw_);
    if (dma_w_.valid && high(axi.wready)) {
        Handshake h = begin(Channel::dma_w);
        h.last = dma_w_.last;
        fmt::format_to(ins, " data=0x");
        append_data(dma_w_.data, &dma_w_.mask);
        fmt::format_to(ins, " strb=0x");
        append_data(dma_w_.mask, nullptr);
        fmt::format_to(ins, " last={}", h.last ? 1 : 0);
        emit(h);
    }
    if (dma_bready_ && high(axi.bvalid)) {
        Handshake h = begin(Channel::dma_b);
        h.id = static_cast<std::uint32_t>(axi.bid.get());
        h.resp = static_cast<std::uint32_t>(axi.bresp.get()) & 3u;
        fmt::format_to(ins, " id={:x} resp={}", h.id, resp_names[h.resp]);
        emit(h);
    }

    // Wire.
    if (tx_.valid && high(p_.m_axis_tx.tready)) {
        Handshake h = begin(Channel::tx);
        h.last = tx_.last;
        fmt::format_to(ins, " data=0x");
        append_data(tx_.data, &tx_.mask);
        fmt::format_to(ins, " keep=0x");
        append_data(tx_.mask, nullptr);
        fmt::format_to(ins, " last={} user={:x}", h.last ? 1 : 0, tx_.user);
        emit(h);
    }
    if (rx_tready_ && high(p_.s_axis_rx.tvalid)) {
        auto const& rx = p_.s_axis_rx;
        Handshake h = begin(Channel::rx);
        h.last = high(rx.tlast);
        read_input(rx.tdata, in_data_);
        read_input(rx.tkeep, in_mask_);
        fmt::format_to(ins, " data=0x");
        append_data(in_data_, &in_mask_);
        fmt::format_to(ins, " keep=0x");
        append_data(in_mask_, nullptr);
        fmt::format_to(ins, " last={} user={:x}", h.last ? 1 : 0, rx.tuser.get());
        emit(h);
    }

    // Interrupts.
    if (irq_queues_ != 0) {
        Handshake h = begin(Channel::irq);
        h.value = irq_queues_;
        fmt::format_to(ins, " queues=0x{:x}", irq_queues_);
        emit(h);
    }
    if (irq_error_) emit(begin(Channel::irq_error));
}

void TransactionRecorder::append_data(std::vector<std::uint8_t> const& data, std::vector<std::uint8_t> const* mask) {
    static constexpr char digits[] = "0123456789abcdef";
    for (std::size_t i = data.size(); i-- > 0;) {
        if (mask && !(((*mask)[i / 8] >> (i % 8)) & 1u)) {
            line_.append(std::string_view(".."));
            continue;
        }
        char const pair[2] = {digits[data[i] >> 4], digits[data[i] & 15u]};
        line_.append(pair, pair + 2);
    }
}

void TransactionRecorder::emit(Handshake const& h) {
    line_.push_back('\n');
    std::string_view const text(line_.data(), line_.size());
    hash_ = fnv1a64(text, hash_);
    ++line_count_;
    ++counts_[static_cast<std::size_t>(h.channel)];
    if (out_) out_->write(text.data(), static_cast<std::streamsize>(text.size()));
    std::string_view const bare = text.substr(0, text.size() - 1);
    if (keep_) lines_.emplace_back(bare);
    if (on_line_) on_line_(h, bare);
}

}  // namespace nicsim::monitor
