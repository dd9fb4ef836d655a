// Descriptor and completion translation (see descriptors.hpp). The contract's enum values are
// mapped name by name onto the net ring's, never cast by value: the two numberings only happen
// to agree today.
#include <nicsim/driver/descriptors.hpp>

#include <array>
#include <span>

namespace nicsim::driver {

namespace c = nicsim::contract;

TxOffload tx_offload_for(NET_PACKET const& packet, NET_PACKET_CHECKSUM const* checksum) {
    TxOffload offload;
    if (checksum == nullptr) {
        return offload;
    }
    bool const ipv4 = NetPacketIsIpv4(&packet);
    bool const ipv6 = NetPacketIsIpv6(&packet);
    bool const tcp = packet.Layout.Layer4Type == NetPacketLayer4TypeTcp;
    bool const udp = packet.Layout.Layer4Type == NetPacketLayer4TypeUdp;
    offload.ipv4_header_checksum = ipv4 && checksum->Layer3 == NetPacketTxChecksumActionRequired;
    offload.l4_checksum = (ipv4 || ipv6) && (tcp || udp) && checksum->Layer4 == NetPacketTxChecksumActionRequired;
    if (offload.ipv4_header_checksum || offload.l4_checksum) {
        offload.ipv6 = ipv6;
        offload.udp = udp;
        offload.l3_offset_bytes = static_cast<std::uint16_t>(packet.Layout.Layer2HeaderLength);
        offload.l4_offset_bytes =
            static_cast<std::uint16_t>(packet.Layout.Layer2HeaderLength + packet.Layout.Layer3HeaderLength);
    }
    return offload;
}

c::tx_desc_t make_tx_descriptor(std::uint64_t address, std::uint32_t length_bytes, bool end_of_packet,
                                TxOffload const* offload) {
    c::tx_desc_t d;
    d.addr = address;
    d.len = static_cast<std::uint16_t>(length_bytes);
    d.eop = end_of_packet;
    if (offload != nullptr) {
        d.csum_ip = offload->ipv4_header_checksum;
        d.csum_l4 = offload->l4_checksum;
        d.l3_ipv6 = offload->ipv6;
        d.l4_udp = offload->udp;
        d.l3_offset = offload->l3_offset_bytes;
        d.l4_offset = offload->l4_offset_bytes;
    }
    return d;
}

RxBufferPlacement rx_buffer_placement(std::uint64_t logical_address, std::uint32_t offset_bytes,
                                      std::uint32_t capacity_bytes) {
    constexpr std::uint64_t align = c::RX_BUF_ALIGN_BYTES;
    RxBufferPlacement placement;
    std::uint64_t const start = logical_address + offset_bytes;
    std::uint64_t const aligned = (start + align - 1) & ~(align - 1);
    std::uint64_t const end = logical_address + capacity_bytes;
    std::uint64_t const skipped = aligned - logical_address;
    // NET_FRAGMENT::Offset is 10 bits: an alignment that pushes the data past 1023 cannot be said.
    if (aligned >= end || skipped >= 1024) {
        return placement;
    }
    placement.address = aligned;
    placement.offset_bytes = static_cast<std::uint32_t>(skipped);
    placement.usable_bytes = static_cast<std::uint32_t>((end - aligned) & ~(align - 1));
    if (placement.usable_bytes == 0) {
        placement = RxBufferPlacement{};
    }
    return placement;
}

c::rx_desc_t make_rx_descriptor(RxBufferPlacement const& placement) {
    c::rx_desc_t d;
    d.addr = placement.address;
    d.capacity = placement.usable_bytes;
    return d;
}

namespace {

UINT8 layer3_type(c::rx_cpl_t const& cpl) {
    switch (cpl.l3_type) {
    case c::l3_type_e::L3_IPV4:
        if (cpl.l3_len == 0) {
            return NetPacketLayer3TypeIPv4UnspecifiedOptions;
        }
        return cpl.l3_len > 20 ? NetPacketLayer3TypeIPv4WithOptions : NetPacketLayer3TypeIPv4NoOptions;
    case c::l3_type_e::L3_IPV6:
        // The parser reports TCP/UDP only when it directly follows the fixed header.
        return cpl.l4_type == c::l4_type_e::L4_OTHER ? NetPacketLayer3TypeIPv6UnspecifiedExtensions
                                                     : NetPacketLayer3TypeIPv6NoExtensions;
    case c::l3_type_e::L3_OTHER: break;
    }
    return NetPacketLayer3TypeUnspecified;
}

UINT8 layer4_type(c::rx_cpl_t const& cpl) {
    if (cpl.l3_type == c::l3_type_e::L3_OTHER) {
        return NetPacketLayer4TypeUnspecified;
    }
    switch (cpl.l4_type) {
    case c::l4_type_e::L4_TCP: return NetPacketLayer4TypeTcp;
    case c::l4_type_e::L4_UDP: return NetPacketLayer4TypeUdp;
    case c::l4_type_e::L4_OTHER: break;
    }
    return NetPacketLayer4TypeUnspecified;
}

UINT8 evaluation(c::csum_verdict_e verdict) {
    switch (verdict) {
    case c::csum_verdict_e::CSUM_GOOD: return NetPacketRxChecksumEvaluationValid;
    case c::csum_verdict_e::CSUM_BAD: return NetPacketRxChecksumEvaluationInvalid;
    case c::csum_verdict_e::CSUM_NOT_CHECKED: break;
    }
    return NetPacketRxChecksumEvaluationNotChecked;
}

template <typename Completion>
std::optional<Completion> read_completion(HostMemoryAccess& memory, void const* slot, bool expected_phase) {
    constexpr auto phase = Completion::bits::phase;
    // The phase bit lives in the completion's last byte, which the hardware writes with the rest
    // in one burst. Load it alone first; only once it says "written" may the rest be loaded, and
    // only after a read barrier: without it the CPU may satisfy the later loads before the phase
    // load and see the record's previous fields.
    std::uint8_t phase_byte = 0;
    memory.load(&phase_byte, static_cast<unsigned char const*>(slot) + phase.lsb / 8, 1);
    bool const written = ((phase_byte >> (phase.lsb % 8)) & 1u) == (expected_phase ? 1u : 0u);
    if (!written) {
        return std::nullopt;
    }
    memory.read_barrier();
    std::array<std::uint8_t, Completion::bytes> raw;
    memory.load(raw.data(), slot, raw.size());
    return Completion::decode(std::span<std::uint8_t const, Completion::bytes>(raw));
}

}  // namespace

NET_PACKET_LAYOUT rx_layout_from(c::rx_cpl_t const& cpl) {
    NET_PACKET_LAYOUT layout{};
    layout.Layer2Type = NetPacketLayer2TypeEthernet;
    layout.Layer2HeaderLength = cpl.l2_len;
    layout.Layer3Type = layer3_type(cpl);
    layout.Layer3HeaderLength = layout.Layer3Type == NetPacketLayer3TypeUnspecified ? 0 : cpl.l3_len;
    layout.Layer4Type = layer4_type(cpl);
    layout.Layer4HeaderLength = layout.Layer4Type == NetPacketLayer4TypeUnspecified ? 0 : cpl.l4_len;
    return layout;
}

NET_PACKET_CHECKSUM rx_checksum_from(c::rx_cpl_t const& cpl) {
    NET_PACKET_CHECKSUM checksum{};
    checksum.Layer2 = NetPacketRxChecksumEvaluationNotChecked;
    checksum.Layer3 = evaluation(cpl.ip_csum);
    checksum.Layer4 = evaluation(cpl.l4_csum);
    return checksum;
}

NET_PACKET_HASH rx_hash_from(c::rx_cpl_t const& cpl) {
    NET_PACKET_HASH hash{};
    hash.HashValue = cpl.rss_hash;
    std::uint16_t protocol = NetPacketHashProtocolTypeNone;
    if (cpl.l3_type == c::l3_type_e::L3_IPV4) {
        protocol |= NetPacketHashProtocolTypeIPv4;
    } else if (cpl.l3_type == c::l3_type_e::L3_IPV6) {
        protocol |= NetPacketHashProtocolTypeIPv6;
    }
    if (protocol != NetPacketHashProtocolTypeNone) {
        if (cpl.l4_type == c::l4_type_e::L4_TCP) {
            protocol |= NetPacketHashProtocolTypeTcp;
        } else if (cpl.l4_type == c::l4_type_e::L4_UDP) {
            protocol |= NetPacketHashProtocolTypeUdp;
        }
    }
    hash.ProtocolType = protocol;
    return hash;
}

std::optional<c::tx_cpl_t> read_tx_completion(HostMemoryAccess& memory, void const* slot, bool expected_phase) {
    return read_completion<c::tx_cpl_t>(memory, slot, expected_phase);
}

std::optional<c::rx_cpl_t> read_rx_completion(HostMemoryAccess& memory, void const* slot, bool expected_phase) {
    return read_completion<c::rx_cpl_t>(memory, slot, expected_phase);
}

void store_descriptor(HostMemoryAccess& memory, void* slot, c::tx_desc_t const& descriptor) {
    auto const raw = descriptor.encode();
    memory.store(slot, raw.data(), raw.size());
}

void store_descriptor(HostMemoryAccess& memory, void* slot, c::rx_desc_t const& descriptor) {
    auto const raw = descriptor.encode();
    memory.store(slot, raw.data(), raw.size());
}

}  // namespace nicsim::driver
