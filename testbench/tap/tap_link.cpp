// TapLink: see tap_link.hpp.
#include "tap/tap_link.hpp"

#include <chrono>

#include <fmt/format.h>

#include "model/checksum.hpp"
#include "wire/traffic_gen.hpp"

namespace nicsim::tap {

namespace {
constexpr std::size_t kEthernetHeaderBytes = 14;
}

TapLink::TapLink(TapLinkOptions options) : options_(std::move(options)) {
    unsigned const largest = static_cast<unsigned>(options_.max_frame_bytes - kEthernetHeaderBytes);
    if (options_.mtu == 0) options_.mtu = largest;
    if (options_.mtu < 68 || options_.mtu > largest)
        throw TapError(
            fmt::format("--tap-mtu: {} is not in 68..{} (the NIC's largest frame, {} bytes, less the "
                        "Ethernet header)",
                        options_.mtu, largest, options_.max_frame_bytes));
    if (options_.host_name == options_.wire_name && options_.host_netns == options_.wire_netns)
        throw TapError(
            fmt::format("--tap-host and --tap-wire: both are '{}' in the same namespace", options_.host_name));
    host_ = std::make_unique<TapDevice>(
        TapDeviceOptions{options_.host_name, options_.host_netns, options_.mtu, /*vnet_header=*/true});
    wire_ = std::make_unique<TapDevice>(
        TapDeviceOptions{options_.wire_name, options_.wire_netns, options_.mtu, /*vnet_header=*/false});
}

bool TapLink::fit(std::vector<std::uint8_t>& bytes, char const* too_long_reason) {
    if (bytes.size() > options_.max_frame_bytes) {
        ++stats_.dropped[too_long_reason];
        return false;
    }
    if (bytes.size() < wire::kMinFrameBytes) {
        bytes.resize(wire::kMinFrameBytes, 0);
        ++stats_.padded;
    }
    return true;
}

std::optional<HostTxFrame> TapLink::read_host() {
    while (auto f = host_->read()) {
        ++stats_.host_read;
        stats_.host_read_bytes += f->bytes.size();
        if (f->segmented) {  // never offered (TUNSETOFFLOAD has no TSO/UFO): refused, counted
            ++stats_.dropped["host-segmented"];
            continue;
        }
        HostTxFrame out;
        if (f->needs_checksum) {
            // The kernel left the sum from checksum_start to the end to the hardware, the pseudo
            // header's part already in the field. TCP/UDP at that place: the NIC inserts it (it
            // wants the field zero); anything else: summed here, as a driver falls back to.
            std::span<std::uint8_t> b(f->bytes);
            std::size_t const field = std::size_t{f->checksum_start} + f->checksum_offset;
            model::FrameLayout const lay = model::parse_frame(b);
            if (lay.l4 != model::L4::other && lay.l4_offset == f->checksum_start &&
                f->checksum_offset == model::l4_checksum_offset(lay.l4)) {
                model::store_be16(b, field, 0);
                out.l4_checksum = true;
                ++stats_.checksum_offloaded;
            } else if (field + 2 <= b.size() && f->checksum_start < b.size()) {
                std::uint16_t sum = model::internet_checksum(b.subspan(f->checksum_start));
                model::store_be16(b, field, sum);
                ++stats_.checksum_in_software;
            } else {
                ++stats_.dropped["host-bad-checksum-offsets"];
                continue;
            }
        }
        if (!fit(f->bytes, "host-too-long")) continue;
        out.bytes = std::move(f->bytes);
        return out;
    }
    return std::nullopt;
}

void TapLink::write_host(std::span<std::uint8_t const> bytes, bool l4_checksum_good) {
    if (host_->write(bytes, l4_checksum_good)) {
        ++stats_.host_written;
        stats_.rx_marked_valid += l4_checksum_good;
    } else {
        ++stats_.dropped["host-write"];
    }
}

std::optional<std::vector<std::uint8_t>> TapLink::read_wire() {
    while (auto f = wire_->read()) {
        ++stats_.wire_read;
        stats_.wire_read_bytes += f->bytes.size();
        if (!fit(f->bytes, "wire-too-long")) continue;
        return std::move(f->bytes);
    }
    return std::nullopt;
}

void TapLink::write_wire(std::span<std::uint8_t const> bytes) {
    if (wire_->write(bytes))
        ++stats_.wire_written;
    else
        ++stats_.dropped["wire-write"];
}

bool TapLink::wait_for_traffic(int timeout_ms, std::uint64_t clock_hz) {
    auto const t0 = std::chrono::steady_clock::now();
    TapDevice* const devices[] = {host_.get(), wire_.get()};
    bool const ready = wait_readable(devices, timeout_ms);
    double const s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stats_.idle_wall_seconds += s;
    stats_.idle_cycles_skipped += static_cast<std::uint64_t>(s * static_cast<double>(clock_hz));
    return ready;
}

}  // namespace nicsim::tap
