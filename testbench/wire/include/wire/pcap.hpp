// pcap and pcapng files of what crossed the NIC's wire ports.
//
// PcapWriter collects frames of both directions (TX: sent by the NIC, RX: put on the wire
// towards it) with the cycle they started on the wire, and writes them in time order (stable:
// equal times keep call order) when write() is called (or at destruction, errors swallowed):
//   - ".pcap": classic pcap, nanosecond magic, LINKTYPE_ETHERNET, little-endian, one stream;
//   - ".pcapng": one section, interface 0 "nic-tx" and interface 1 "nic-rx" (both Ethernet,
//     if_tsresol 10^-9), each frame an Enhanced Packet Block with epb_flags direction
//     (TX outbound, RX inbound).
// Time stamps: ns = cycle * 1e9 / clock_hz (start_time_ns added), i.e. the cycle count at the
// stated clock frequency.
//
// read_pcap()/parse_pcap() read classic pcap (either byte order, micro- or nanosecond magic)
// and pcapng (SHB/IDB/EPB/SPB/PB; other blocks skipped; several sections) with libpcap, time
// stamps in nanoseconds. What libpcap does not expose is read from the blocks it has checked:
// pcapng interface names and numbers across sections, each packet block's byte offset and its
// direction (epb_flags). Every problem is a PcapError, one line: the file, the byte offset (of
// the record, or where reading it began), the record's number (1-based) and what was wrong, in
// our words (bad magic, a link type other than Ethernet, a record longer than the snap length, a
// frame cut by it, a time stamp fraction of a second or more) or libpcap's (truncated header or
// record, bad block length, a packet on an undeclared interface).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "frame/frame.hpp"

namespace nicsim::wire {

enum class PcapFormat : std::uint8_t { pcap, pcapng };
enum class Direction : std::uint8_t { unknown = 0, inbound = 1, outbound = 2 };

inline constexpr std::uint16_t kLinktypeEthernet = 1;

class PcapError : public std::runtime_error {
public:
    PcapError(std::string file, std::uint64_t offset, std::string const& what);
    std::string const& file() const noexcept { return file_; }
    std::uint64_t offset() const noexcept { return offset_; }

private:
    std::string file_;
    std::uint64_t offset_;
};

struct PcapInterface {
    std::uint16_t linktype = kLinktypeEthernet;
    std::uint32_t snaplen_bytes = 0;
    std::string name;  // pcapng if_name, empty if none
};

struct PcapPacket {
    std::uint64_t ts_ns = 0;
    std::uint32_t interface_idx = 0;  // into PcapCapture::interfaces (0 for classic pcap)
    Direction direction = Direction::unknown;
    Bytes bytes;                       // captured bytes
    std::uint32_t orig_len_bytes = 0;  // length on the wire
    std::uint64_t file_offset = 0;     // where its record (header) starts in the file
};

struct PcapCapture {
    PcapFormat format = PcapFormat::pcap;
    bool big_endian = false;                // of the (first) section
    bool nanosecond = false;                // classic pcap: nanosecond magic
    std::vector<PcapInterface> interfaces;  // classic pcap: exactly one
    std::vector<PcapPacket> packets;
};

struct PcapReadOptions {
    bool allow_snaplen_cut = false;  // accept frames with captured < original length
    std::size_t max_packet_bytes = 256 * 1024;
};

PcapCapture read_pcap(std::filesystem::path const& path, PcapReadOptions const& opt = {});
/// Parses a file already in memory; `name` is used in error messages.
PcapCapture parse_pcap(std::span<std::uint8_t const> data, std::string const& name, PcapReadOptions const& opt = {});

/// Makes a capture's records the frames a wire hands a NIC's RX port (README: "pcap replay"):
///   - a record of 1..59 bytes is padded with zeros to 60 (kMinFrameBytes): the sending MAC pads
///     short frames, and a capture taken on the sending host shows them before that;
///   - a record of 0 bytes or longer than max_frame_bytes (the NIC's largest frame) is not a
///     frame a wire delivers: PcapError naming the file, the record's byte offset and its number
///     (1-based, in file order). (One longer than the snap length never gets here: the reader
///     refuses it.)
/// Returns how many records were padded.
std::size_t prepare_for_replay(PcapCapture& cap, std::string const& file, std::size_t max_frame_bytes);

/// Frame-level view of a capture (bytes only; cycles and metadata are not stored in pcap).
std::vector<Frame> frames_of(PcapCapture const& cap);

struct PcapWriterOptions {
    std::uint64_t clock_hz = 250'000'000;  // the NIC clock: ts = cycle / clock_hz
    std::uint64_t start_time_ns = 0;       // time stamp of cycle 0 (since the Unix epoch)
    std::optional<PcapFormat> format;      // default: from the extension (.pcapng or else .pcap)
    std::uint32_t snaplen_bytes = 262144;
};

class PcapWriter {
public:
    explicit PcapWriter(std::filesystem::path path, PcapWriterOptions opt = {});
    ~PcapWriter();
    PcapWriter(PcapWriter const&) = delete;
    PcapWriter& operator=(PcapWriter const&) = delete;

    PcapFormat format() const noexcept { return format_; }

    /// A frame that started on the wire at `cycle`.
    void add(Direction dir, std::span<std::uint8_t const> bytes, std::uint64_t cycle);
    /// A frame the NIC transmitted / received, time stamped with its first beat cycle (0 if none).
    void add_tx(Frame const& f) { add(Direction::outbound, f.bytes, f.first_beat_cycle.value_or(0)); }
    void add_rx(Frame const& f) { add(Direction::inbound, f.bytes, f.first_beat_cycle.value_or(0)); }
    std::size_t size() const noexcept { return packets_.size(); }

    /// Writes the file (time order) through io::OutputFile: the old file stays whole until the new
    /// one is; throws io::OutputFileError naming the path. Later add()s are kept for the next write().
    void write();

    std::uint64_t cycle_to_ns(std::uint64_t cycle) const noexcept;

private:
    struct Entry {
        std::uint64_t ts_ns;
        Direction dir;
        Bytes bytes;
    };
    std::filesystem::path path_;
    PcapWriterOptions opt_;
    PcapFormat format_;
    std::vector<Entry> packets_;
    bool written_ = false;
};

}  // namespace nicsim::wire
