// TrafficGenerator: see traffic_gen.hpp for the contract.
#include "wire/traffic_gen.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "bfm/pause.hpp"  // unit_draw, range_draw: identical on every standard library

namespace nicsim::wire {

using bfm::range_draw;
using bfm::unit_draw;

SizeDist SizeDist::uniform(std::size_t lo_bytes, std::size_t hi_bytes) {
    if (lo_bytes == 0 || hi_bytes < lo_bytes)
        throw std::invalid_argument(fmt::format("SizeDist::uniform({}, {}): empty range", lo_bytes, hi_bytes));
    SizeDist d;
    d.kind_ = Kind::uniform;
    d.lo_ = lo_bytes;
    d.hi_ = hi_bytes;
    return d;
}

SizeDist SizeDist::fixed(std::size_t bytes) {
    SizeDist d = uniform(bytes, bytes);
    d.kind_ = Kind::fixed;
    return d;
}

SizeDist SizeDist::imix() {
    SizeDist d;
    d.kind_ = Kind::imix;
    d.lo_ = 60;
    d.hi_ = 1514;
    return d;
}

SizeDist SizeDist::list(std::vector<std::size_t> sizes_bytes) {
    if (sizes_bytes.empty()) throw std::invalid_argument("SizeDist::list: no sizes");
    SizeDist d;
    d.kind_ = Kind::list;
    d.lo_ = *std::min_element(sizes_bytes.begin(), sizes_bytes.end());
    d.hi_ = *std::max_element(sizes_bytes.begin(), sizes_bytes.end());
    d.list_ = std::move(sizes_bytes);
    return d;
}

std::size_t SizeDist::min_bytes() const noexcept {
    return lo_;
}
std::size_t SizeDist::max_bytes() const noexcept {
    return hi_;
}

std::size_t SizeDist::draw(std::mt19937_64& rng) {
    switch (kind_) {
    case Kind::fixed: return lo_;
    case Kind::uniform: return range_draw(rng, lo_, hi_);
    case Kind::imix: {
        auto const r = range_draw(rng, 0, 11);
        return r < 7 ? 60 : r < 11 ? 590 : 1514;
    }
    case Kind::list: {
        std::size_t const s = list_[next_];
        next_ = (next_ + 1) % list_.size();
        return s;
    }
    }
    return lo_;
}

model::RssInput Flow::rss_input() const {
    return ipv6 ? model::rss_tuple_ipv6(src6, dst6, src_port, dst_port)
                : model::rss_tuple_ipv4(src4, dst4, src_port, dst_port);
}

TrafficGenerator::TrafficGenerator(TrafficConfig cfg, std::mt19937_64& rng) : cfg_(std::move(cfg)), rng_(rng) {
    if (cfg_.flow_count == 0) throw std::invalid_argument("TrafficGenerator: flow_count must be at least 1");
    flows_.resize(cfg_.flow_count);
    for (auto& f : flows_) {
        f.ipv6 = unit_draw(rng_) < cfg_.ipv6_fraction;
        f.tcp = unit_draw(rng_) < cfg_.tcp_fraction;
        // Private/documentation-like ranges: 10.x.x.x and fd00::/8.
        f.src4 = {10, static_cast<std::uint8_t>(rng_()), static_cast<std::uint8_t>(rng_()),
                  static_cast<std::uint8_t>(range_draw(rng_, 1, 254))};
        f.dst4 = {10, static_cast<std::uint8_t>(rng_()), static_cast<std::uint8_t>(rng_()),
                  static_cast<std::uint8_t>(range_draw(rng_, 1, 254))};
        fill_random(f.src6);
        fill_random(f.dst6);
        f.src6[0] = 0xfd;
        f.dst6[0] = 0xfd;
        f.src_port = static_cast<std::uint16_t>(range_draw(rng_, 1024, 65535));
        f.dst_port = static_cast<std::uint16_t>(range_draw(rng_, 1, 65535));
    }
}

void TrafficGenerator::fill_random(std::span<std::uint8_t> out) {
    static_assert(std::endian::native == std::endian::little, "byte k of a draw is its bits 8k..8k+7");
    for (std::size_t i = 0; i < out.size(); i += 8) {
        std::uint64_t const r = rng_();
        std::memcpy(out.data() + i, &r, std::min<std::size_t>(8, out.size() - i));
    }
}

std::size_t TrafficGenerator::min_bytes(FrameKind kind, Flow const& flow, bool vlan) const {
    std::size_t const l2 = vlan ? 18 : 14;
    if (kind != FrameKind::ip) return l2 + kTagBytes;
    return l2 + (flow.ipv6 ? 40 : 20) + (flow.tcp ? 20 : 8) + kTagBytes;
}

Frame TrafficGenerator::next() {
    FrameSpec s;
    double const k = unit_draw(rng_);
    double const t1 = cfg_.non_ip_fraction, t2 = t1 + cfg_.runt_fraction, t3 = t2 + cfg_.oversize_fraction;
    s.kind = k < t1 ? FrameKind::non_ip : k < t2 ? FrameKind::runt : k < t3 ? FrameKind::oversize : FrameKind::ip;
    s.flow_idx = range_draw(rng_, 0, flows_.size() - 1);
    s.vlan = unit_draw(rng_) < cfg_.vlan_fraction;
    s.vlan_tci = static_cast<std::uint16_t>((range_draw(rng_, 0, 7) << 13) | range_draw(rng_, 1, 4094));
    switch (s.kind) {
    case FrameKind::runt:
        s.size_bytes =
            range_draw(rng_, std::min<std::size_t>(cfg_.runt_min_bytes, kMinFrameBytes - 1), kMinFrameBytes - 1);
        break;
    case FrameKind::oversize:
        s.size_bytes = range_draw(rng_, kMaxFrameBytes + 1, std::max(cfg_.oversize_max_bytes, kMaxFrameBytes + 1));
        break;
    default: s.size_bytes = cfg_.sizes.draw(rng_); break;
    }
    s.break_ip_csum = unit_draw(rng_) < cfg_.bad_ip_csum_fraction;
    s.break_l4_csum = unit_draw(rng_) < cfg_.bad_l4_csum_fraction;
    s.bad = unit_draw(rng_) < cfg_.bad_frame_fraction;
    return make(s);
}

namespace {
void put_be32(Bytes& b, std::size_t at, std::uint32_t v) {
    detail::put_be32(b, at, v);
}

// Changes a checksum field so the reference calls it bad: never to an equivalent ones'-complement
// value and never to 0 (which means "no checksum" for UDP over IPv4).
void break_field(std::span<std::uint8_t> f, std::size_t at) {
    std::uint16_t const good = model::load_be16(f, at);
    std::uint16_t bad = static_cast<std::uint16_t>(good ^ 0x5A5A);
    if (bad == 0 || bad == 0xFFFF) bad = static_cast<std::uint16_t>(good ^ 0x0101);
    model::store_be16(f, at, bad);
}
}  // namespace

Frame TrafficGenerator::make(FrameSpec const& spec) {
    if (spec.flow_idx >= flows_.size())
        throw std::out_of_range(fmt::format("TrafficGenerator::make: flow {} of {}", spec.flow_idx, flows_.size()));
    Flow const& flow = flows_[spec.flow_idx];
    bool const ip = spec.kind == FrameKind::ip || spec.kind == FrameKind::oversize;
    FrameKind const shape = ip ? FrameKind::ip : FrameKind::non_ip;
    std::size_t size = spec.size_bytes;
    if (spec.kind != FrameKind::runt) size = std::max(size, min_bytes(shape, flow, spec.vlan));
    if (size < 14) size = 14;

    Frame f;
    f.tag = FrameTag{cfg_.stream_id, seq_++};
    f.bad = spec.bad;
    Bytes& b = f.bytes;
    b.resize(size);
    fill_random(b);
    std::copy(cfg_.dst_mac.begin(), cfg_.dst_mac.end(), b.begin());
    std::copy(cfg_.src_mac.begin(), cfg_.src_mac.end(), b.begin() + 6);
    std::size_t at = 12;
    bool const vlan = spec.vlan && size >= 18 + 2;
    if (vlan) {
        model::store_be16(b, 12, model::kEtherTypeVlan);
        model::store_be16(b, 14, spec.vlan_tci);
        at = 16;
    }
    GenInfo g;
    g.kind = spec.kind;
    g.flow_idx = spec.flow_idx;
    g.vlan = vlan;
    if (!ip) {
        model::store_be16(b, at, kEtherTypeTest);
        if (at + 2 + kTagBytes <= size)
            encode_tag(*f.tag, std::span(b).subspan(at + 2, kTagBytes));
        else
            f.tag.reset();
        f.gen = g;
        return f;
    }
    std::size_t const l3 = at + 2;
    std::size_t const l3_hdr = flow.ipv6 ? 40 : 20;
    std::size_t const l4 = l3 + l3_hdr;
    std::size_t const l4_hdr = flow.tcp ? 20 : 8;
    std::size_t const l4_total = size - l4;
    std::uint8_t const proto = flow.tcp ? model::kIpProtoTcp : model::kIpProtoUdp;
    if (flow.ipv6) {
        model::store_be16(b, at, model::kEtherTypeIpv6);
        put_be32(b, l3, 0x60000000u | static_cast<std::uint32_t>(spec.flow_idx & 0xFFFFF));
        model::store_be16(b, l3 + 4, static_cast<std::uint16_t>(l4_total));
        b[l3 + 6] = proto;
        b[l3 + 7] = 64;
        std::copy(flow.src6.begin(), flow.src6.end(), b.begin() + static_cast<std::ptrdiff_t>(l3 + 8));
        std::copy(flow.dst6.begin(), flow.dst6.end(), b.begin() + static_cast<std::ptrdiff_t>(l3 + 24));
    } else {
        model::store_be16(b, at, model::kEtherTypeIpv4);
        b[l3] = 0x45;
        b[l3 + 1] = 0;
        model::store_be16(b, l3 + 2, static_cast<std::uint16_t>(size - l3));
        model::store_be16(b, l3 + 4, static_cast<std::uint16_t>(f.tag->seq));
        model::store_be16(b, l3 + 6, 0x4000);  // DF, no fragment
        b[l3 + 8] = 64;
        b[l3 + 9] = proto;
        model::store_be16(b, l3 + 10, 0);
        std::copy(flow.src4.begin(), flow.src4.end(), b.begin() + static_cast<std::ptrdiff_t>(l3 + 12));
        std::copy(flow.dst4.begin(), flow.dst4.end(), b.begin() + static_cast<std::ptrdiff_t>(l3 + 16));
    }
    model::store_be16(b, l4, flow.src_port);
    model::store_be16(b, l4 + 2, flow.dst_port);
    if (flow.tcp) {
        // seq/ack stay random; data offset 5, PSH|ACK, full window, urgent pointer 0.
        b[l4 + 12] = 0x50;
        b[l4 + 13] = 0x18;
        model::store_be16(b, l4 + 14, 0xFFFF);
        model::store_be16(b, l4 + 18, 0);
    } else {
        model::store_be16(b, l4 + 4, static_cast<std::uint16_t>(l4_total));
    }
    model::store_be16(b, l4 + model::l4_checksum_offset(flow.tcp ? model::L4::tcp : model::L4::udp), 0);
    encode_tag(*f.tag, std::span(b).subspan(l4 + l4_hdr, kTagBytes));
    if (cfg_.fill_checksums) {
        model::fill_checksums(b);
        if (spec.break_ip_csum && !flow.ipv6) {
            break_field(std::span(b).subspan(l3, l3_hdr), model::kIpv4ChecksumOffset);
            g.broken_ip_csum = true;
        }
        if (spec.break_l4_csum) {
            break_field(std::span(b).subspan(l4, l4_total),
                        model::l4_checksum_offset(flow.tcp ? model::L4::tcp : model::L4::udp));
            g.broken_l4_csum = true;
        }
    }
    auto const v = model::verify_checksums(b);
    g.expect_ip = v.ip;
    g.expect_l4 = v.l4;
    f.gen = g;
    return f;
}

}  // namespace nicsim::wire
