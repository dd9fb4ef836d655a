// host_memory_target.cpp: see host_memory_target.hpp.
#include "nicsim/systemc/host_memory_target.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace nicsim::systemc {

namespace {

constexpr std::size_t kRegionAlignBytes = 4096;

bool overlaps(std::uint64_t a, std::uint64_t a_len, std::uint64_t b, std::uint64_t b_len) {
    return a_len != 0 && b_len != 0 && a < b + b_len && b < a + a_len;
}

}  // namespace

HostMemoryTarget::HostMemoryTarget(sc_core::sc_module_name name, HostMemoryTargetConfig config)
    : sc_module(name), socket("socket"), cfg_(config) {
    if (cfg_.size_bytes == 0 || cfg_.logical_base % kRegionAlignBytes != 0)
        throw std::invalid_argument(fmt::format(
            "HostMemoryTarget {}: the region needs a size and a {}-byte aligned logical base (got {:#x}, {} bytes)",
            basename(), kRegionAlignBytes, cfg_.logical_base, cfg_.size_bytes));
    storage_.assign(cfg_.size_bytes + kRegionAlignBytes, 0);
    auto const raw = reinterpret_cast<std::uintptr_t>(storage_.data());
    region_ = storage_.data() + ((kRegionAlignBytes - raw % kRegionAlignBytes) % kRegionAlignBytes);
    arena_ = std::make_unique<ringlib::DmaArena>(region_, cfg_.logical_base, cfg_.size_bytes);
    socket.register_b_transport(this, &HostMemoryTarget::b_transport);
    socket.register_transport_dbg(this, &HostMemoryTarget::transport_dbg);
}

std::span<std::uint8_t> HostMemoryTarget::bytes(std::uint64_t logical_addr, std::size_t length) {
    if (logical_addr < cfg_.logical_base || logical_addr - cfg_.logical_base > cfg_.size_bytes ||
        length > cfg_.size_bytes - (logical_addr - cfg_.logical_base))
        throw std::out_of_range(fmt::format("HostMemoryTarget {}: [{:#x}, +{}) is outside the region [{:#x}, +{})",
                                            name(), logical_addr, length, cfg_.logical_base, cfg_.size_bytes));
    return {region_ + (logical_addr - cfg_.logical_base), length};
}

tlm::tlm_response_status HostMemoryTarget::serve(tlm::tlm_generic_payload& trans, bool debug) {
    auto const cmd = trans.get_command();
    if (cmd == tlm::TLM_IGNORE_COMMAND) return tlm::TLM_OK_RESPONSE;
    std::uint64_t const addr = trans.get_address();
    std::size_t const len = trans.get_data_length();
    if (!debug && trans.get_streaming_width() != len) return tlm::TLM_BURST_ERROR_RESPONSE;
    if (addr < cfg_.logical_base || addr - cfg_.logical_base > cfg_.size_bytes ||
        len > cfg_.size_bytes - (addr - cfg_.logical_base))
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    bool const write = cmd == tlm::TLM_WRITE_COMMAND;
    if (!debug) {
        for (auto const& e : errors_) {
            bool const applies = e.kind == AccessKind::both || (e.kind == AccessKind::write) == write;
            if (applies && overlaps(addr, len, e.addr, e.bytes)) return e.status;
        }
    }
    std::uint8_t* mem = region_ + (addr - cfg_.logical_base);
    unsigned char* data = trans.get_data_ptr();
    unsigned char const* be = debug ? nullptr : trans.get_byte_enable_ptr();
    unsigned const be_len = trans.get_byte_enable_length();
    if (be && be_len == 0) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    bfm::DmaMemoryView* const seen_by = debug ? nullptr : view;
    if (seen_by && write) seen_by->before_write(addr, len);
    if (!be) {
        if (write)
            std::memcpy(mem, data, len);
        else
            std::memcpy(data, mem, len);
    } else {
        for (std::size_t i = 0; i < len; ++i) {
            if (be[i % be_len] != TLM_BYTE_ENABLED) continue;
            if (write)
                mem[i] = data[i];
            else
                data[i] = mem[i];
        }
    }
    if (seen_by && !write) seen_by->after_read(addr, std::span(data, len));
    return tlm::TLM_OK_RESPONSE;
}

void HostMemoryTarget::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    sc_core::sc_time const call_time = sc_core::sc_time_stamp();
    auto const status = serve(trans, false);
    trans.set_response_status(status);
    trans.set_dmi_allowed(false);
    bool const write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
    if (status != tlm::TLM_OK_RESPONSE) {
        ++stats_.errors;
    } else if (write) {
        ++stats_.writes;
        stats_.write_bytes += trans.get_data_length();
    } else if (trans.get_command() == tlm::TLM_READ_COMMAND) {
        ++stats_.reads;
        stats_.read_bytes += trans.get_data_length();
    }
    delay += latency ? latency(trans) : write ? cfg_.write_latency : cfg_.read_latency;
    if (on_transport) on_transport(trans, call_time, delay);
}

unsigned int HostMemoryTarget::transport_dbg(tlm::tlm_generic_payload& trans) {
    return serve(trans, true) == tlm::TLM_OK_RESPONSE ? trans.get_data_length() : 0;
}

}  // namespace nicsim::systemc
