// pcap/pcapng reader and writer: see pcap.hpp for the contract.
#include "wire/pcap.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "io/output_file.hpp"
#include "wire/traffic_gen.hpp"

namespace nicsim::wire {

PcapError::PcapError(std::string file, std::uint64_t offset, std::string const& what)
    : std::runtime_error(fmt::format("{}: at byte offset {:#x}: {}", file, offset, what)),
      file_(std::move(file)), offset_(offset) {}

namespace {

constexpr std::uint32_t kMagicMicro = 0xA1B2C3D4;
constexpr std::uint32_t kMagicNano = 0xA1B23C4D;
constexpr std::uint32_t kBlockShb = 0x0A0D0D0A;
constexpr std::uint32_t kBlockIdb = 0x00000001;
constexpr std::uint32_t kBlockSpb = 0x00000003;
constexpr std::uint32_t kBlockEpb = 0x00000006;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint16_t kOptEnd = 0;
constexpr std::uint16_t kOptIfName = 2;
constexpr std::uint16_t kOptIfTsresol = 9;
constexpr std::uint16_t kOptEpbFlags = 2;

std::uint32_t bswap32(std::uint32_t v) {
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

// Bounds-checked little/big-endian reads over the whole file; every failure names the offset.
class Cursor {
public:
    Cursor(std::span<std::uint8_t const> d, std::string const& name) : d_(d), name_(name) {}

    std::size_t size() const { return d_.size(); }
    bool big = false;

    [[noreturn]] void fail(std::uint64_t at, std::string const& what) const { throw PcapError(name_, at, what); }

    void need(std::size_t at, std::size_t n, char const* what) const {
        if (at > d_.size() || n > d_.size() - at)
            fail(at, fmt::format("truncated {}: needs {} bytes, {} left in the file", what, n,
                                 at > d_.size() ? 0 : d_.size() - at));
    }
    std::uint16_t u16(std::size_t at) const {
        need(at, 2, "field");
        return big ? static_cast<std::uint16_t>((d_[at] << 8) | d_[at + 1])
                   : static_cast<std::uint16_t>(d_[at] | (d_[at + 1] << 8));
    }
    std::uint32_t u32(std::size_t at) const {
        need(at, 4, "field");
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= std::uint32_t{d_[at + static_cast<std::size_t>(i)]} << (8 * i);
        return big ? bswap32(v) : v;
    }
    Bytes bytes(std::size_t at, std::size_t n) const {
        need(at, n, "packet data");
        return Bytes(d_.begin() + static_cast<std::ptrdiff_t>(at), d_.begin() + static_cast<std::ptrdiff_t>(at + n));
    }

private:
    std::span<std::uint8_t const> d_;
    std::string name_;  // a copy: callers pass temporaries (path.string())
};

std::uint64_t units_to_ns(std::uint64_t ts, std::uint64_t units_per_s) {
    if (units_per_s == 1'000'000'000) return ts;
    auto const whole = ts / units_per_s, frac = ts % units_per_s;
    return whole * 1'000'000'000 + static_cast<std::uint64_t>(
                                       static_cast<unsigned __int128>(frac) * 1'000'000'000 / units_per_s);
}

void check_linktype(Cursor const& c, std::size_t at, std::uint32_t linktype) {
    if ((linktype & 0xFFFF) != kLinktypeEthernet)
        c.fail(at, fmt::format("unsupported link type {} (only {} = Ethernet)", linktype & 0xFFFF, kLinktypeEthernet));
}

void check_cut(Cursor const& c, std::size_t at, std::uint32_t caplen, std::uint32_t origlen, PcapReadOptions const& opt,
               std::size_t record) {
    if (caplen < origlen && !opt.allow_snaplen_cut)
        c.fail(at, fmt::format("record {}: frame cut by the snap length: {} of {} bytes captured", record, caplen, origlen));
}

PcapCapture parse_classic(Cursor& c, PcapReadOptions const& opt) {
    PcapCapture cap;
    cap.format = PcapFormat::pcap;
    c.need(0, 24, "pcap file header");
    std::uint32_t const magic = c.u32(0);  // read little-endian first
    if (magic == kMagicMicro || magic == kMagicNano) {
        c.big = false;
    } else if (bswap32(magic) == kMagicMicro || bswap32(magic) == kMagicNano) {
        c.big = true;
    }
    std::uint32_t const m = c.u32(0);
    cap.big_endian = c.big;
    cap.nanosecond = m == kMagicNano;
    std::uint16_t const major = c.u16(4);
    if (major != 2) c.fail(4, fmt::format("unsupported pcap version {}.{}", major, c.u16(6)));
    PcapInterface ifc;
    ifc.snaplen_bytes = c.u32(16);
    ifc.linktype = static_cast<std::uint16_t>(c.u32(20) & 0xFFFF);
    ifc.ts_units_per_s = cap.nanosecond ? 1'000'000'000 : 1'000'000;
    check_linktype(c, 20, c.u32(20));
    cap.interfaces.push_back(ifc);
    std::size_t at = 24;
    while (at < c.size()) {
        c.need(at, 16, "pcap record header");
        std::uint32_t const sec = c.u32(at), frac = c.u32(at + 4), caplen = c.u32(at + 8), origlen = c.u32(at + 12);
        if (frac >= ifc.ts_units_per_s)
            c.fail(at + 4, fmt::format("time stamp fraction {} out of range", frac));
        if (caplen > opt.max_packet_bytes)
            c.fail(at + 8, fmt::format("captured length {} exceeds the limit of {} bytes", caplen, opt.max_packet_bytes));
        c.need(at + 16, caplen, "pcap record");
        check_cut(c, at, caplen, origlen, opt, cap.packets.size() + 1);
        PcapPacket p;
        p.file_offset = at;
        p.ts_ns = std::uint64_t{sec} * 1'000'000'000 + std::uint64_t{frac} * (cap.nanosecond ? 1 : 1000);
        p.bytes = c.bytes(at + 16, caplen);
        p.orig_len_bytes = origlen;
        cap.packets.push_back(std::move(p));
        at += 16 + std::size_t{caplen};
    }
    return cap;
}

// Calls fn(code, value_offset, value_len) for each option in [at, end).
template <class Fn>
void for_each_option(Cursor const& c, std::size_t at, std::size_t end, Fn&& fn) {
    while (at + 4 <= end) {
        std::uint16_t const code = c.u16(at), len = c.u16(at + 2);
        if (code == kOptEnd) return;
        std::size_t const padded = (std::size_t{len} + 3) & ~std::size_t{3};
        if (at + 4 + padded > end) c.fail(at, fmt::format("option {} of {} bytes runs past its block", code, len));
        fn(code, at + 4, std::size_t{len});
        at += 4 + padded;
    }
}

PcapCapture parse_ng(Cursor& c, PcapReadOptions const& opt) {
    PcapCapture cap;
    cap.format = PcapFormat::pcapng;
    std::size_t section_first_ifc = 0;
    bool first_section = true;
    std::size_t at = 0;
    while (at < c.size()) {
        c.need(at, 12, "pcapng block header");
        std::uint32_t const type = c.u32(at);  // SHB type reads the same in both byte orders
        if (type == kBlockShb) {
            c.need(at, 28, "section header block");
            std::uint32_t const bom = c.u32(at + 8);
            if (bom == bswap32(kByteOrderMagic)) c.big = !c.big;
            else if (bom != kByteOrderMagic)
                c.fail(at + 8, fmt::format("bad byte-order magic {:#010x} in a section header block", bom));
            if (first_section) cap.big_endian = c.big;
            first_section = false;
            if (c.u16(at + 12) != 1) c.fail(at + 12, fmt::format("unsupported pcapng version {}", c.u16(at + 12)));
            section_first_ifc = cap.interfaces.size();
        } else if (first_section) {
            c.fail(at, "pcapng file does not start with a section header block");
        }
        std::uint32_t const len = c.u32(at + 4);
        if (len < 12 || len % 4 != 0)
            c.fail(at + 4, fmt::format("bad block length {} (block type {:#x})", len, type));
        c.need(at, len, "pcapng block");
        if (c.u32(at + len - 4) != len)
            c.fail(at + len - 4, fmt::format("block trailer length {} differs from the header's {}", c.u32(at + len - 4), len));
        std::size_t const body = at + 8, end = at + len - 4;
        switch (type) {
        case kBlockIdb: {
            if (end - body < 8) c.fail(at, "interface description block too short");
            PcapInterface ifc;
            ifc.linktype = c.u16(body);
            check_linktype(c, body, ifc.linktype);
            ifc.snaplen_bytes = c.u32(body + 4);
            ifc.ts_units_per_s = 1'000'000;  // the default resolution is microseconds
            for_each_option(c, body + 8, end, [&](std::uint16_t code, std::size_t v, std::size_t n) {
                if (code == kOptIfName) {
                    auto const b = c.bytes(v, n);
                    ifc.name.assign(b.begin(), std::find(b.begin(), b.end(), 0));
                } else if (code == kOptIfTsresol && n >= 1) {
                    std::uint8_t const r = c.bytes(v, 1)[0];
                    std::uint8_t const e = r & 0x7F;
                    if ((r & 0x80) ? e > 63 : e > 19) c.fail(v, fmt::format("unsupported if_tsresol {:#x}", r));
                    std::uint64_t u = 1;
                    for (int i = 0; i < e; ++i) u *= (r & 0x80) ? 2 : 10;
                    ifc.ts_units_per_s = u;
                }
            });
            cap.interfaces.push_back(ifc);
            break;
        }
        case kBlockEpb: {
            if (end - body < 20) c.fail(at, "enhanced packet block too short");
            std::uint32_t const ifc = c.u32(body);
            if (section_first_ifc + ifc >= cap.interfaces.size())
                c.fail(body, fmt::format("packet on interface {}, which no interface description block declared", ifc));
            std::uint64_t const ts = (std::uint64_t{c.u32(body + 4)} << 32) | c.u32(body + 8);
            std::uint32_t const caplen = c.u32(body + 12), origlen = c.u32(body + 16);
            if (caplen > opt.max_packet_bytes)
                c.fail(body + 12, fmt::format("captured length {} exceeds the limit of {} bytes", caplen, opt.max_packet_bytes));
            std::size_t const padded = (std::size_t{caplen} + 3) & ~std::size_t{3};
            if (body + 20 + padded > end)
                c.fail(body + 12, fmt::format("captured length {} runs past the end of its block", caplen));
            check_cut(c, at, caplen, origlen, opt, cap.packets.size() + 1);
            PcapPacket p;
            p.file_offset = at;
            p.interface_idx = static_cast<std::uint32_t>(section_first_ifc + ifc);
            p.ts_ns = units_to_ns(ts, cap.interfaces[p.interface_idx].ts_units_per_s);
            p.bytes = c.bytes(body + 20, caplen);
            p.orig_len_bytes = origlen;
            for_each_option(c, body + 20 + padded, end, [&](std::uint16_t code, std::size_t v, std::size_t n) {
                if (code == kOptEpbFlags && n == 4) p.direction = static_cast<Direction>(c.u32(v) & 3u);
            });
            if (p.direction != Direction::inbound && p.direction != Direction::outbound) p.direction = Direction::unknown;
            cap.packets.push_back(std::move(p));
            break;
        }
        case kBlockSpb: {
            if (end - body < 4) c.fail(at, "simple packet block too short");
            if (section_first_ifc >= cap.interfaces.size())
                c.fail(at, "simple packet block before any interface description block");
            PcapInterface const& i0 = cap.interfaces[section_first_ifc];
            std::uint32_t const origlen = c.u32(body);
            std::size_t caplen = std::min<std::size_t>(origlen, end - body - 4);
            if (i0.snaplen_bytes != 0) caplen = std::min<std::size_t>(caplen, i0.snaplen_bytes);
            if (caplen > opt.max_packet_bytes)
                c.fail(body, fmt::format("packet length {} exceeds the limit of {} bytes", caplen, opt.max_packet_bytes));
            check_cut(c, at, static_cast<std::uint32_t>(caplen), origlen, opt, cap.packets.size() + 1);
            PcapPacket p;
            p.file_offset = at;
            p.interface_idx = static_cast<std::uint32_t>(section_first_ifc);
            p.bytes = c.bytes(body + 4, caplen);
            p.orig_len_bytes = origlen;
            cap.packets.push_back(std::move(p));
            break;
        }
        default: break;  // SHB handled above; name resolution, statistics, custom...: skipped
        }
        at += len;
    }
    return cap;
}

}  // namespace

PcapCapture parse_pcap(std::span<std::uint8_t const> data, std::string const& name, PcapReadOptions const& opt) {
    Cursor c(data, name);
    c.need(0, 4, "file magic");
    std::uint32_t const magic = c.u32(0);
    if (magic == kBlockShb) return parse_ng(c, opt);
    if (magic == kMagicMicro || magic == kMagicNano || bswap32(magic) == kMagicMicro || bswap32(magic) == kMagicNano)
        return parse_classic(c, opt);
    c.fail(0, fmt::format("bad magic {:#010x}: neither pcap nor pcapng", magic));
}

PcapCapture read_pcap(std::filesystem::path const& path, PcapReadOptions const& opt) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw PcapError(path.string(), 0, "is a directory, not a capture");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw PcapError(path.string(), 0, "cannot open the file");
    // The magic first: a device or pipe that never ends (/dev/zero, /dev/urandom) is refused here,
    // before anything is read to its end.
    Bytes data(4);
    in.read(reinterpret_cast<char*>(data.data()), 4);
    data.resize(static_cast<std::size_t>(in.gcount()));
    if (data.size() == 4) {
        Cursor c(data, path.string());
        std::uint32_t const magic = c.u32(0);
        if (magic != kBlockShb && magic != kMagicMicro && magic != kMagicNano && bswap32(magic) != kMagicMicro &&
            bswap32(magic) != kMagicNano)
            c.fail(0, fmt::format("bad magic {:#010x}: neither pcap nor pcapng", magic));
        data.insert(data.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (in.bad()) throw PcapError(path.string(), data.size(), "reading the file failed");
    return parse_pcap(data, path.string(), opt);
}

std::size_t prepare_for_replay(PcapCapture& cap, std::string const& file, std::size_t max_frame_bytes) {
    std::size_t padded = 0;
    for (std::size_t i = 0; i < cap.packets.size(); ++i) {
        PcapPacket& p = cap.packets[i];
        std::size_t const n = p.bytes.size();
        auto bad = [&](std::string const& why) {
            throw PcapError(file, p.file_offset, fmt::format("record {}: {}", i + 1, why));
        };
        if (n == 0) bad("0 bytes captured: not a frame (remove the record)");
        std::uint32_t const snaplen =
            p.interface_idx < cap.interfaces.size() ? cap.interfaces[p.interface_idx].snaplen_bytes : 0;
        if (snaplen != 0 && n > snaplen)
            bad(fmt::format("{} bytes, longer than the capture's snap length {}", n, snaplen));
        if (n > max_frame_bytes)
            bad(fmt::format("{} bytes, longer than the NIC's largest frame ({} bytes without FCS)", n, max_frame_bytes));
        if (n < kMinFrameBytes) {
            p.bytes.resize(kMinFrameBytes, 0);  // the sending MAC's padding
            ++padded;
        }
    }
    return padded;
}

std::vector<Frame> frames_of(PcapCapture const& cap) {
    std::vector<Frame> out;
    out.reserve(cap.packets.size());
    for (auto const& p : cap.packets) {
        Frame f;
        f.bytes = p.bytes;
        f.tag = decode_tag(f.bytes);
        out.push_back(std::move(f));
    }
    return out;
}

// ---- writer ----

namespace {
void le16(Bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void le32(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void pad4(Bytes& b) {
    while (b.size() % 4) b.push_back(0);
}
void option(Bytes& b, std::uint16_t code, std::span<std::uint8_t const> value) {
    le16(b, code);
    le16(b, static_cast<std::uint16_t>(value.size()));
    b.insert(b.end(), value.begin(), value.end());
    pad4(b);
}
// Wraps a block body: type, total length, body, total length.
void block(Bytes& out, std::uint32_t type, Bytes const& body) {
    auto const len = static_cast<std::uint32_t>(12 + body.size());
    le32(out, type);
    le32(out, len);
    out.insert(out.end(), body.begin(), body.end());
    le32(out, len);
}
std::span<std::uint8_t const> text(std::string const& s) {
    return {reinterpret_cast<std::uint8_t const*>(s.data()), s.size()};
}
}  // namespace

PcapWriter::PcapWriter(std::filesystem::path path, PcapWriterOptions opt)
    : path_(std::move(path)), opt_(opt),
      format_(opt.format.value_or(path_.extension() == ".pcapng" ? PcapFormat::pcapng : PcapFormat::pcap)) {
    if (opt_.clock_hz == 0) throw std::invalid_argument("PcapWriter: clock_hz must not be 0");
}

PcapWriter::~PcapWriter() {
    if (written_ || packets_.empty()) return;
    try {
        write();
    } catch (...) {  // a destructor must not throw; call write() to see errors
    }
}

std::uint64_t PcapWriter::cycle_to_ns(std::uint64_t cycle) const noexcept {
    return opt_.start_time_ns +
           static_cast<std::uint64_t>(static_cast<unsigned __int128>(cycle) * 1'000'000'000 / opt_.clock_hz);
}

void PcapWriter::add(Direction dir, std::span<std::uint8_t const> bytes, std::uint64_t cycle) {
    packets_.push_back({cycle_to_ns(cycle), dir, Bytes(bytes.begin(), bytes.end())});
    written_ = false;
}

void PcapWriter::write() {
    std::stable_sort(packets_.begin(), packets_.end(), [](Entry const& a, Entry const& b) { return a.ts_ns < b.ts_ns; });
    Bytes out;
    if (format_ == PcapFormat::pcap) {
        le32(out, kMagicNano);
        le16(out, 2);
        le16(out, 4);
        le32(out, 0);  // thiszone
        le32(out, 0);  // sigfigs
        le32(out, opt_.snaplen_bytes);
        le32(out, kLinktypeEthernet);
        for (auto const& p : packets_) {
            auto const cap = static_cast<std::uint32_t>(std::min<std::size_t>(p.bytes.size(), opt_.snaplen_bytes));
            le32(out, static_cast<std::uint32_t>(p.ts_ns / 1'000'000'000));
            le32(out, static_cast<std::uint32_t>(p.ts_ns % 1'000'000'000));
            le32(out, cap);
            le32(out, static_cast<std::uint32_t>(p.bytes.size()));
            out.insert(out.end(), p.bytes.begin(), p.bytes.begin() + cap);
        }
    } else {
        Bytes b;
        le32(b, kByteOrderMagic);
        le16(b, 1);
        le16(b, 0);
        le32(b, 0xFFFFFFFF);  // section length: not given (-1)
        le32(b, 0xFFFFFFFF);
        option(b, 4, text("nicsim testbench"));  // shb_userappl
        option(b, kOptEnd, {});
        block(out, kBlockShb, b);
        for (char const* name : {"nic-tx", "nic-rx"}) {
            b.clear();
            le16(b, kLinktypeEthernet);
            le16(b, 0);
            le32(b, opt_.snaplen_bytes);
            option(b, kOptIfName, text(name));
            std::uint8_t const tsresol = 9;  // 10^-9 s
            option(b, kOptIfTsresol, {&tsresol, 1});
            option(b, kOptEnd, {});
            block(out, kBlockIdb, b);
        }
        for (auto const& p : packets_) {
            auto const cap = static_cast<std::uint32_t>(std::min<std::size_t>(p.bytes.size(), opt_.snaplen_bytes));
            b.clear();
            le32(b, p.dir == Direction::inbound ? 1 : 0);  // nic-rx for inbound, else nic-tx
            le32(b, static_cast<std::uint32_t>(p.ts_ns >> 32));
            le32(b, static_cast<std::uint32_t>(p.ts_ns));
            le32(b, cap);
            le32(b, static_cast<std::uint32_t>(p.bytes.size()));
            b.insert(b.end(), p.bytes.begin(), p.bytes.begin() + cap);
            pad4(b);
            std::uint8_t flags[4] = {static_cast<std::uint8_t>(p.dir), 0, 0, 0};
            option(b, kOptEpbFlags, flags);
            option(b, kOptEnd, {});
            block(out, kBlockEpb, b);
        }
    }
    // Through a temporary renamed into place (a device written in place): io/output_file.hpp.
    io::OutputFile f(path_);
    f.write(std::as_bytes(std::span(out)));
    f.commit();
    written_ = true;
}

}  // namespace nicsim::wire
