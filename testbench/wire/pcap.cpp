// pcap/pcapng reader and writer: see pcap.hpp for the contract.
#include "wire/pcap.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include <fmt/format.h>
#include <pcap/pcap.h>

#include "io/output_file.hpp"
#include "wire/traffic_gen.hpp"

namespace nicsim::wire {

PcapError::PcapError(std::string file, std::uint64_t offset, std::string const& what)
    : std::runtime_error(fmt::format("{}: at byte offset {:#x}: {}", file, offset, what)),
      file_(std::move(file)),
      offset_(offset) {}

namespace {

constexpr std::uint32_t kMagicMicro = 0xA1B2C3D4;
constexpr std::uint32_t kMagicNano = 0xA1B23C4D;
constexpr std::uint32_t kBlockShb = 0x0A0D0D0A;
constexpr std::uint32_t kBlockIdb = 0x00000001;
constexpr std::uint32_t kBlockPb = 0x00000002;  // obsolete Packet Block: read like an EPB
constexpr std::uint32_t kBlockEpb = 0x00000006;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint16_t kOptEnd = 0;
constexpr std::uint16_t kOptIfName = 2;
constexpr std::uint16_t kOptIfTsresol = 9;
constexpr std::uint16_t kOptEpbFlags = 2;
constexpr std::size_t kClassicRecordHeaderBytes = 16;
constexpr std::size_t kClassicLinktypeOffset = 20;

std::uint32_t bswap32(std::uint32_t v) {
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

std::uint32_t little_endian32(std::span<std::uint8_t const> d) {
    return std::uint32_t{d[0]} | std::uint32_t{d[1]} << 8 | std::uint32_t{d[2]} << 16 | std::uint32_t{d[3]} << 24;
}

bool known_magic(std::uint32_t m) {
    return m == kBlockShb || m == kMagicMicro || m == kMagicNano || bswap32(m) == kMagicMicro ||
           bswap32(m) == kMagicNano;
}

/// The first four bytes, checked before anything else is read (a device that never ends is
/// refused here): pcapng or classic pcap in either byte order, else PcapError.
std::uint32_t checked_magic(std::span<std::uint8_t const> head, std::string const& name) {
    if (head.size() < 4)
        throw PcapError(name, 0, fmt::format("truncated file magic: needs 4 bytes, {} left in the file", head.size()));
    std::uint32_t const magic = little_endian32(head);
    if (!known_magic(magic))
        throw PcapError(name, 0, fmt::format("bad magic {:#010x}: neither pcap nor pcapng", magic));
    return magic;
}

/// libpcap's error text as one line (it never holds a newline today; a message must not).
std::string one_line(char const* text) {
    std::string s = text ? text : "unknown libpcap error";
    for (char& ch : s)
        if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
    return s;
}

struct PcapCloser {
    void operator()(pcap_t* p) const { pcap_close(p); }  // closes the FILE it was opened on
};

// What libpcap keeps to itself about a pcapng file: the interfaces' names and their numbering
// across sections, and each packet block's offset and direction (epb_flags). It walks the blocks
// libpcap has already read and checked (lengths, trailers, interface numbers), so only the
// packet blocks' options, which libpcap skips, are new to it; every read is bounds-checked.
class PcapngBlocks {
public:
    PcapngBlocks(std::span<std::uint8_t const> data, bool big_endian, std::string const& name)
        : d_(data), big_endian_(big_endian), name_(name) {}

    /// The start of the block that ends at `end` (its trailer repeats its length).
    std::size_t block_start(std::size_t end) const {
        std::size_t const len = u32(end - 4, end);
        if (len < 12 || len > end) fail(end - 4, fmt::format("bad block length {} in a block trailer", len));
        return end - len;
    }

    /// Takes in the blocks before the packet block that ends at `end` (sections, interfaces),
    /// then the packet block itself: its offset, interface and direction go into `p`.
    void packet_block(std::size_t end, PcapPacket& p, PcapCapture& cap, std::size_t record) {
        std::size_t const start = block_start(end);
        while (at_ < start) {
            std::uint32_t const type = u32(at_, start), len = u32(at_ + 4, start);
            if (len < 12 || len > start - at_) fail(at_ + 4, fmt::format("bad block length {}", len));
            if (type == kBlockShb) section_first_interface_ = cap.interfaces.size();
            if (type == kBlockIdb) cap.interfaces.push_back(interface(at_, at_ + len));
            at_ += len;
        }
        at_ = end;
        std::uint32_t const type = u32(start, end);
        std::size_t interface_in_section = 0;  // a Simple Packet Block's: the section's first
        if (type == kBlockEpb || type == kBlockPb) {
            interface_in_section = type == kBlockEpb ? u32(start + 8, end) : u16(start + 8, end);
            // After the 20 bytes of interface, time stamp and lengths, the data padded to 4 bytes.
            std::size_t const options = start + 28 + ((std::size_t{u32(start + 20, end)} + 3) & ~std::size_t{3});
            auto const flags = [&](std::uint16_t code, std::size_t value, std::size_t len) {
                if (code != kOptEpbFlags || len != 4) return;
                auto const dir = static_cast<Direction>(u32(value, end) & 3u);
                p.direction = dir == Direction::inbound || dir == Direction::outbound ? dir : Direction::unknown;
            };
            for_each_option(options, end - 4, fmt::format("record {}", record), flags);
        }
        if (section_first_interface_ + interface_in_section >= cap.interfaces.size())
            fail(start, fmt::format("record {}: packet on interface {}, which no interface description block declared",
                                    record, interface_in_section));
        p.file_offset = start;
        p.interface_idx = static_cast<std::uint32_t>(section_first_interface_ + interface_in_section);
    }

    /// The first interface description block, which libpcap read when it opened the file
    /// (its link type is the capture's).
    std::size_t first_interface_offset(std::size_t opened_at) const { return block_start(opened_at); }

private:
    [[noreturn]] void fail(std::size_t at, std::string const& what) const { throw PcapError(name_, at, what); }

    std::uint32_t u32(std::size_t at, std::size_t limit) const {
        if (at > limit || limit - at < 4 || limit > d_.size()) fail(at, "truncated pcapng field");
        std::uint32_t const v = little_endian32(d_.subspan(at, 4));
        return big_endian_ ? bswap32(v) : v;
    }
    std::uint16_t u16(std::size_t at, std::size_t limit) const {
        if (at > limit || limit - at < 2 || limit > d_.size()) fail(at, "truncated pcapng field");
        return big_endian_ ? static_cast<std::uint16_t>((d_[at] << 8) | d_[at + 1])
                           : static_cast<std::uint16_t>(d_[at] | (d_[at + 1] << 8));
    }

    // Calls fn(code, value_offset, value_length) for each option in [at, end).
    template <class Fn>
    void for_each_option(std::size_t at, std::size_t end, std::string const& block, Fn&& fn) const {
        while (at < end && end - at >= 4) {
            std::uint16_t const code = u16(at, end), len = u16(at + 2, end);
            if (code == kOptEnd) return;
            std::size_t const padded = (std::size_t{len} + 3) & ~std::size_t{3};
            if (padded > end - at - 4)
                fail(at, fmt::format("{}: option {} of {} bytes runs past its block", block, code, len));
            fn(code, at + 4, std::size_t{len});
            at += 4 + padded;
        }
    }

    PcapInterface interface(std::size_t start, std::size_t end) const {
        PcapInterface ifc;
        ifc.linktype = u16(start + 8, end);
        ifc.snaplen_bytes = u32(start + 12, end);
        auto const name = [&](std::uint16_t code, std::size_t value, std::size_t len) {
            if (code != kOptIfName) return;
            auto const text = d_.subspan(value, len);
            ifc.name.assign(text.begin(), std::find(text.begin(), text.end(), 0));
        };
        for_each_option(start + 16, end - 4, "interface description block", name);
        return ifc;
    }

    std::span<std::uint8_t const> d_;
    bool big_endian_;  // the file's byte order (libpcap refuses sections of different ones)
    std::string const& name_;
    std::size_t at_ = 0;                       // the next block not taken in yet
    std::size_t section_first_interface_ = 0;  // interfaces are numbered per section
};

void check_cut(std::string const& name, std::size_t at, std::uint32_t caplen, std::uint32_t origlen,
               PcapReadOptions const& opt, std::size_t record) {
    if (caplen < origlen && !opt.allow_snaplen_cut)
        throw PcapError(
            name, at,
            fmt::format("record {}: frame cut by the snap length: {} of {} bytes captured", record, caplen, origlen));
}

}  // namespace

PcapCapture parse_pcap(std::span<std::uint8_t const> data, std::string const& name, PcapReadOptions const& opt) {
    std::uint32_t const magic = checked_magic(data, name);
    PcapCapture cap;
    cap.format = magic == kBlockShb ? PcapFormat::pcapng : PcapFormat::pcap;
    cap.nanosecond = magic == kMagicNano || bswap32(magic) == kMagicNano;

    // libpcap reads a FILE over the bytes; where it stands (ftell) gives each record's offset.
    FILE* file = ::fmemopen(const_cast<std::uint8_t*>(data.data()), data.size(), "rb");
    if (file == nullptr) throw PcapError(name, 0, fmt::format("cannot read it: {}", std::strerror(errno)));
    char error[PCAP_ERRBUF_SIZE] = "";
    std::unique_ptr<pcap_t, PcapCloser> const pcap(
        pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, error));
    if (!pcap) {
        std::fclose(file);
        throw PcapError(name, 0, one_line(error));
    }
    // pcap_is_swapped: the file's byte order differs from this machine's.
    cap.big_endian = (pcap_is_swapped(pcap.get()) == 1) == (std::endian::native == std::endian::little);
    PcapngBlocks blocks(data, cap.big_endian, name);
    int const snapshot = pcap_snapshot(pcap.get());
    if (int const link = pcap_datalink(pcap.get()); link != DLT_EN10MB) {
        auto const at =
            cap.format == PcapFormat::pcap ? kClassicLinktypeOffset : blocks.first_interface_offset(std::ftell(file));
        throw PcapError(name, at,
                        fmt::format("unsupported link type {} (only {} = Ethernet)", link, kLinktypeEthernet));
    }
    if (cap.format == PcapFormat::pcap)
        cap.interfaces.push_back({kLinktypeEthernet, static_cast<std::uint32_t>(snapshot), ""});

    for (;;) {
        std::size_t const record = cap.packets.size() + 1;
        auto const before = static_cast<std::size_t>(std::ftell(file));
        pcap_pkthdr* header = nullptr;
        u_char const* bytes = nullptr;
        int const got = pcap_next_ex(pcap.get(), &header, &bytes);
        if (got == PCAP_ERROR_BREAK) break;  // the end of the file
        if (got != 1)
            throw PcapError(name, before, fmt::format("record {}: {}", record, one_line(pcap_geterr(pcap.get()))));
        auto const after = static_cast<std::size_t>(std::ftell(file));
        PcapPacket p;
        p.orig_len_bytes = header->len;
        if (cap.format == PcapFormat::pcap) {
            p.file_offset = before;
            // libpcap cuts a record longer than the snap length to it without a word; the bytes it
            // went past tell.
            std::size_t const in_file = after - before - kClassicRecordHeaderBytes;
            if (in_file > header->caplen)
                throw PcapError(name, before,
                                fmt::format("record {}: {} bytes, longer than the capture's snap length {}", record,
                                            in_file, snapshot));
            // 32-bit unsigned seconds (libpcap reads them signed); a fraction of a second.
            auto const frac = static_cast<long long>(header->ts.tv_usec);
            if (frac < 0 || frac >= 1'000'000'000)
                throw PcapError(name, before, fmt::format("record {}: time stamp fraction out of range", record));
            p.ts_ns = std::uint64_t{static_cast<std::uint32_t>(header->ts.tv_sec)} * 1'000'000'000 +
                      static_cast<std::uint64_t>(frac);
        } else {
            blocks.packet_block(after, p, cap, record);
            p.ts_ns = static_cast<std::uint64_t>(header->ts.tv_sec) * 1'000'000'000 +
                      static_cast<std::uint64_t>(header->ts.tv_usec);
        }
        if (header->caplen > opt.max_packet_bytes)
            throw PcapError(name, p.file_offset,
                            fmt::format("record {}: captured length {} exceeds the limit of {} bytes", record,
                                        header->caplen, opt.max_packet_bytes));
        check_cut(name, p.file_offset, header->caplen, header->len, opt, record);
        p.bytes.assign(bytes, bytes + header->caplen);
        cap.packets.push_back(std::move(p));
    }
    return cap;
}

PcapCapture read_pcap(std::filesystem::path const& path, PcapReadOptions const& opt) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw PcapError(path.string(), 0, "is a directory, not a capture");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw PcapError(path.string(), 0, "cannot open the file");
    // The magic first: a device or pipe that never ends (/dev/zero, /dev/urandom) is refused here,
    // before anything is read to its end. Then the whole file, for libpcap and the pcapng blocks.
    Bytes data(4);
    in.read(reinterpret_cast<char*>(data.data()), 4);
    data.resize(static_cast<std::size_t>(in.gcount()));
    checked_magic(data, path.string());
    data.insert(data.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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
        if (n > max_frame_bytes)
            bad(fmt::format("{} bytes, longer than the NIC's largest frame ({} bytes without FCS)", n,
                            max_frame_bytes));
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
    : path_(std::move(path)),
      opt_(opt),
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
    std::stable_sort(packets_.begin(), packets_.end(),
                     [](Entry const& a, Entry const& b) { return a.ts_ns < b.ts_ns; });
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
