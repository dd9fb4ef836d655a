// Descriptor and completion encoding against the generated contract header: every position is
// checked through nic_contract.hpp's Field constants, never a number typed here.
#include <nicsim/driver/descriptors.hpp>

#include <catch2/catch.hpp>

#include <array>

using namespace nicsim::driver;
namespace c = nicsim::contract;

namespace {

template <std::size_t N>
std::uint64_t field_of(std::array<std::uint8_t, N> const& raw, c::Field f) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < f.width; ++i) {
        unsigned const bit = f.lsb + i;
        value |= std::uint64_t{(raw[bit / 8] >> (bit % 8)) & 1u} << i;
    }
    return value;
}

NET_PACKET ipv4_tcp_packet() {
    NET_PACKET packet{};
    packet.Layout.Layer2Type = NetPacketLayer2TypeEthernet;
    packet.Layout.Layer2HeaderLength = 18;  // with an 802.1Q tag
    packet.Layout.Layer3Type = NetPacketLayer3TypeIPv4NoOptions;
    packet.Layout.Layer3HeaderLength = 20;
    packet.Layout.Layer4Type = NetPacketLayer4TypeTcp;
    packet.Layout.Layer4HeaderLength = 20;
    return packet;
}

}  // namespace

TEST_CASE("a TX descriptor carries address, length and end of packet where the contract puts them") {
    auto const raw = make_tx_descriptor(0x1'2345'6789ull, 1500, true, nullptr).encode();
    CHECK(raw.size() == static_cast<std::size_t>(c::DESC_BYTES));
    CHECK(field_of(raw, c::tx_desc_t::bits::addr) == 0x1'2345'6789ull);
    CHECK(field_of(raw, c::tx_desc_t::bits::len) == 1500);
    CHECK(field_of(raw, c::tx_desc_t::bits::eop) == 1);
    CHECK(field_of(raw, c::tx_desc_t::bits::csum_ip) == 0);
    CHECK(field_of(raw, c::tx_desc_t::bits::rsvd1) == 0);
    CHECK(field_of(raw, c::tx_desc_t::bits::rsvd3) == 0);
}

TEST_CASE("TX checksum offload comes from the checksum extension and the Layout") {
    NET_PACKET packet = ipv4_tcp_packet();
    NET_PACKET_CHECKSUM checksum{};
    SECTION("IPv4 header and TCP checksums required") {
        checksum.Layer3 = NetPacketTxChecksumActionRequired;
        checksum.Layer4 = NetPacketTxChecksumActionRequired;
        TxOffload const offload = tx_offload_for(packet, &checksum);
        auto const raw = make_tx_descriptor(0x1000, 64, false, &offload).encode();
        CHECK(field_of(raw, c::tx_desc_t::bits::csum_ip) == 1);
        CHECK(field_of(raw, c::tx_desc_t::bits::csum_l4) == 1);
        CHECK(field_of(raw, c::tx_desc_t::bits::l3_ipv6) == 0);
        CHECK(field_of(raw, c::tx_desc_t::bits::l4_udp) == 0);
        CHECK(field_of(raw, c::tx_desc_t::bits::l3_offset) == 18);
        CHECK(field_of(raw, c::tx_desc_t::bits::l4_offset) == 38);
        CHECK(field_of(raw, c::tx_desc_t::bits::eop) == 0);
    }
    SECTION("IPv6 UDP: only the L4 checksum exists") {
        packet.Layout.Layer2HeaderLength = 14;
        packet.Layout.Layer3Type = NetPacketLayer3TypeIPv6NoExtensions;
        packet.Layout.Layer3HeaderLength = 40;
        packet.Layout.Layer4Type = NetPacketLayer4TypeUdp;
        packet.Layout.Layer4HeaderLength = 8;
        checksum.Layer3 = NetPacketTxChecksumActionRequired;
        checksum.Layer4 = NetPacketTxChecksumActionRequired;
        TxOffload const offload = tx_offload_for(packet, &checksum);
        CHECK_FALSE(offload.ipv4_header_checksum);
        CHECK(offload.l4_checksum);
        CHECK(offload.ipv6);
        CHECK(offload.udp);
        CHECK(offload.l4_offset_bytes == 54);
    }
    SECTION("passthrough asks for nothing, and no extension means no offload") {
        TxOffload const offload = tx_offload_for(packet, &checksum);
        CHECK_FALSE(offload.ipv4_header_checksum);
        CHECK_FALSE(offload.l4_checksum);
        CHECK(offload.l3_offset_bytes == 0);
        CHECK_FALSE(tx_offload_for(packet, nullptr).l4_checksum);
    }
}

TEST_CASE("RX buffers are posted aligned to RX_BUF_ALIGN_BYTES, the skipped bytes becoming the Offset") {
    constexpr std::uint32_t align = c::RX_BUF_ALIGN_BYTES;
    SECTION("an aligned buffer is posted whole") {
        RxBufferPlacement const p = rx_buffer_placement(0x8000'0000, 0, 2048);
        CHECK(p.address == 0x8000'0000);
        CHECK(p.offset_bytes == 0);
        CHECK(p.usable_bytes == 2048);
        auto const raw = make_rx_descriptor(p).encode();
        CHECK(field_of(raw, c::rx_desc_t::bits::addr) == 0x8000'0000);
        CHECK(field_of(raw, c::rx_desc_t::bits::capacity) == 2048);
    }
    SECTION("a backfill offset moves the data to the next aligned address") {
        RxBufferPlacement const p = rx_buffer_placement(0x8000'0000, 2, 2048);
        CHECK(p.address == 0x8000'0000 + align);
        CHECK(p.offset_bytes == align);
        CHECK(p.usable_bytes == 2048 - align);
    }
    SECTION("a capacity that is not a multiple of the alignment is rounded down") {
        CHECK(rx_buffer_placement(0x8000'0000, 0, 1000).usable_bytes == 1000 / align * align);
    }
    SECTION("a buffer with no aligned unit cannot be posted") {
        CHECK(rx_buffer_placement(0x8000'0000, 10, align).usable_bytes == 0);
    }
}

TEST_CASE("an RX completion becomes Layout, checksum and hash") {
    c::rx_cpl_t cpl;
    cpl.l2_len = 14;
    cpl.l3_type = c::l3_type_e::L3_IPV4;
    cpl.l3_len = 24;
    cpl.l4_type = c::l4_type_e::L4_UDP;
    cpl.l4_len = 8;
    cpl.ip_csum = c::csum_verdict_e::CSUM_GOOD;
    cpl.l4_csum = c::csum_verdict_e::CSUM_BAD;
    cpl.rss_hash = 0x1234'5678;
    NET_PACKET_LAYOUT const layout = rx_layout_from(cpl);
    CHECK(layout.Layer2Type == NetPacketLayer2TypeEthernet);
    CHECK(layout.Layer2HeaderLength == 14);
    CHECK(layout.Layer3Type == NetPacketLayer3TypeIPv4WithOptions);
    CHECK(layout.Layer3HeaderLength == 24);
    CHECK(layout.Layer4Type == NetPacketLayer4TypeUdp);
    CHECK(layout.Layer4HeaderLength == 8);
    NET_PACKET_CHECKSUM const checksum = rx_checksum_from(cpl);
    CHECK(checksum.Layer3 == NetPacketRxChecksumEvaluationValid);
    CHECK(checksum.Layer4 == NetPacketRxChecksumEvaluationInvalid);
    NET_PACKET_HASH const hash = rx_hash_from(cpl);
    CHECK(hash.HashValue == 0x1234'5678);
    CHECK(hash.ProtocolType == (NetPacketHashProtocolTypeIPv4 | NetPacketHashProtocolTypeUdp));

    SECTION("a non-IP frame has only its Ethernet header") {
        cpl.l3_type = c::l3_type_e::L3_OTHER;
        NET_PACKET_LAYOUT const other = rx_layout_from(cpl);
        CHECK(other.Layer3Type == NetPacketLayer3TypeUnspecified);
        CHECK(other.Layer3HeaderLength == 0);
        CHECK(other.Layer4Type == NetPacketLayer4TypeUnspecified);
        CHECK(other.Layer4HeaderLength == 0);
        CHECK(rx_hash_from(cpl).ProtocolType == NetPacketHashProtocolTypeNone);
    }
}

TEST_CASE("a completion is only taken when its phase bit matches the current pass") {
    c::tx_cpl_t written;
    written.last_desc = 7;
    written.desc_count = 3;
    written.len = 1514;
    written.phase = true;
    auto const raw = written.encode();
    CHECK(field_of(raw, c::tx_cpl_t::bits::phase) == 1);
    DirectHostMemoryAccess memory;
    auto const taken = read_tx_completion(memory, raw.data(), true);
    REQUIRE(taken.has_value());
    CHECK(*taken == written);
    CHECK_FALSE(read_tx_completion(memory, raw.data(), false).has_value());

    std::array<std::uint8_t, c::CPL_BYTES> zeroed{};
    CHECK_FALSE(read_rx_completion(memory, zeroed.data(), true).has_value());
}
