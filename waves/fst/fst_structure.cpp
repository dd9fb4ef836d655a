// The structure check of an FST file. See fst_structure.hpp for the contract.
//
// The layout and the library's trust in it are read from gtkwave's fstapi.c (the reader side:
// fstReaderInit, fstReaderRecreateHierFile, fstReaderIterateHier, fstReaderIterBlocks2); each
// check below names the value it keeps in range.
#include "fst/fst_structure.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fst/fst_file.hpp"  // FstError
#include "fstapi.h"
#include "lz4.h"

namespace nicsim::waves {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// The header block's fields (fstapi.c: FST_HDR_*): times, endian test, counts, timescale,
// version and date strings, file type, time zero.
constexpr std::uint64_t kHeaderSectionBytes = 8 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 8 + 1 + 128 + 119 + 1 + 8;
constexpr double kEndianTest = 2.7182818284590452354;  // FST_DOUBLE_ENDTEST
// No deflate stream unpacks to more than about 1032 times its size, no LZ4 block to more than
// 255 times; a declared size beyond that is damage, and not an allocation to attempt.
constexpr std::uint64_t kDeflateMaxRatio = 1032;
constexpr std::uint64_t kLz4MaxRatio = 255;
constexpr std::uint64_t kSlackBytes = 1024;  // headers and rounding of tiny sections
// Variable-length integers: fstapi reads them into 5-byte (32-bit) and 16-byte buffers without
// a bound; longer ones overrun them.
constexpr int kVarint32Bytes = 5;
constexpr int kVarint64Bytes = 10;
// Geometry widths: 0 is a real (8 bytes of value), 0xFFFFFFFF a variable-length signal.
constexpr std::uint32_t kGeometryReal = 0;
constexpr std::uint32_t kGeometryVariable = 0xFFFFFFFF;

std::string_view block_name(int type) {
    switch (type) {
    case FST_BL_HDR: return "header";
    case FST_BL_VCDATA:
    case FST_BL_VCDATA_DYN_ALIAS:
    case FST_BL_VCDATA_DYN_ALIAS2: return "value-change";
    case FST_BL_BLACKOUT: return "dump-on/off";
    case FST_BL_GEOM: return "geometry";
    case FST_BL_HIER:
    case FST_BL_HIER_LZ4:
    case FST_BL_HIER_LZ4DUO: return "hierarchy";
    default: return "unknown";
    }
}

bool is_value_type(int type) {
    return type == FST_BL_VCDATA || type == FST_BL_VCDATA_DYN_ALIAS || type == FST_BL_VCDATA_DYN_ALIAS2;
}

// A problem inside bytes held in memory; `pos` counts from the start of those bytes.
struct DataError {
    std::size_t pos;
    std::string what;
};

// Bounds-checked reads over bytes in memory, in the encodings fstapi uses.
class Cursor {
public:
    explicit Cursor(std::span<const std::uint8_t> data) : data_(data) {}

    std::size_t pos() const { return pos_; }
    std::size_t left() const { return data_.size() - pos_; }
    bool done() const { return pos_ == data_.size(); }

    std::uint8_t byte(char const* what) {
        if (done()) throw DataError{pos_, fmt::format("{} is cut off", what)};
        return data_[pos_++];
    }
    std::uint64_t u64(char const* what) {
        if (left() < 8) throw DataError{pos_, fmt::format("{} is cut off", what)};
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | data_[pos_++];
        return v;
    }
    // Unsigned, least significant 7 bits first, high bit set on every byte but the last.
    std::uint64_t varint(int max_bytes, char const* what) {
        std::size_t const start = pos_;
        std::uint64_t v = 0;
        for (int i = 0;; ++i) {
            if (done()) throw DataError{start, fmt::format("{} runs past the end of its data", what)};
            if (i == max_bytes) throw DataError{start, fmt::format("{} is longer than {} bytes", what, max_bytes)};
            std::uint8_t const b = data_[pos_++];
            if (i < 10) v |= std::uint64_t{b & 0x7fu} << (7 * i);
            if ((b & 0x80) == 0) return v;
        }
    }
    // Signed: as varint, sign-extended from the last byte's bit 6 (fstGetSVarint64).
    std::int64_t svarint(char const* what) {
        std::size_t const start = pos_;
        std::uint64_t v = 0;
        int shift = 0;
        std::uint8_t b = 0;
        do {
            if (done()) throw DataError{start, fmt::format("{} runs past the end of its data", what)};
            if (shift == 7 * kVarint64Bytes)
                throw DataError{start, fmt::format("{} is longer than {} bytes", what, kVarint64Bytes)};
            b = data_[pos_++];
            v |= std::uint64_t{b & 0x7fu} << shift;
            shift += 7;
        } while (b & 0x80);
        if (shift < 64 && (b & 0x40)) v |= ~std::uint64_t{0} << shift;
        return static_cast<std::int64_t>(v);
    }
    // Bytes up to a NUL, which is consumed.
    std::string_view cstring(char const* what) {
        auto const* begin = data_.data() + pos_;
        auto const* nul = static_cast<const std::uint8_t*>(std::memchr(begin, 0, left()));
        if (nul == nullptr) throw DataError{pos_, fmt::format("{} has no terminating NUL", what)};
        pos_ += static_cast<std::size_t>(nul - begin) + 1;
        return {reinterpret_cast<const char*>(begin), static_cast<std::size_t>(nul - begin)};
    }
    void skip(std::size_t n, char const* what) {
        if (left() < n) throw DataError{pos_, fmt::format("{} ({} bytes) is cut off", what, n)};
        pos_ += n;
    }
    std::span<const std::uint8_t> take(std::size_t n, char const* what) {
        std::size_t const at = pos_;
        skip(n, what);
        return data_.subspan(at, n);
    }

private:
    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
};

struct FileCloser {
    void operator()(std::FILE* f) const {
        if (f != nullptr) std::fclose(f);
    }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Random access to the file with a read-ahead window (the checks read many small fields).
class Source {
public:
    Source(std::string path, File file, std::uint64_t size)
        : path_(std::move(path)), file_(std::move(file)), size_(size) {}
    std::uint64_t size() const { return size_; }

    // `n` bytes at `offset`; the caller has checked that they lie inside the file.
    std::span<const std::uint8_t> read(std::uint64_t offset, std::size_t n) {
        if (offset < window_offset_ || offset + n > window_offset_ + window_.size()) {
            std::size_t const want = static_cast<std::size_t>(
                std::min<std::uint64_t>(std::max<std::size_t>(n, kWindowBytes), size_ - offset));
            window_.resize(want);
            std::size_t got = 0;
            while (got < want) {
                ssize_t const r =
                    ::pread(fileno(file_.get()), window_.data() + got, want - got, static_cast<off_t>(offset + got));
                if (r < 0 && errno == EINTR) continue;
                if (r <= 0)
                    throw FstError(fmt::format("{}: reading {} bytes at byte {} failed: {}", path_, want, offset + got,
                                               r < 0 ? std::strerror(errno) : "the file shrank while being read"));
                got += static_cast<std::size_t>(r);
            }
            window_offset_ = offset;
        }
        return std::span<const std::uint8_t>(window_).subspan(static_cast<std::size_t>(offset - window_offset_), n);
    }
    Bytes copy(std::uint64_t offset, std::size_t n) {
        auto const s = read(offset, n);
        return Bytes(s.begin(), s.end());
    }

private:
    static constexpr std::size_t kWindowBytes = 64 * 1024;
    std::string path_;
    File file_;
    std::uint64_t size_;
    Bytes window_;
    std::uint64_t window_offset_ = 0;
};

// Inflates `packed` (zlib format, or gzip with `gzip`) into exactly `size` bytes. The output
// grows as data comes out, so a damaged stream fails before a declared size is allocated.
// zlib format must end exactly there (fstapi's uncompress() == Z_OK); of a gzip stream the
// first `size` bytes count (fstapi's gzread()).
std::optional<Bytes> inflate_exactly(std::span<const std::uint8_t> packed, std::uint64_t size, bool gzip) {
    z_stream z{};
    if (::inflateInit2(&z, gzip ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK) return std::nullopt;
    Bytes out;
    z.next_in = const_cast<Bytef*>(packed.data());
    z.avail_in = static_cast<uInt>(packed.size());
    int rc = Z_OK;
    while (rc == Z_OK && out.size() < size) {
        std::size_t const have = out.size();
        std::size_t const chunk =
            static_cast<std::size_t>(std::min<std::uint64_t>(size - have, std::max<std::size_t>(have, 1 << 16)));
        out.resize(have + chunk);
        z.next_out = out.data() + have;
        z.avail_out = static_cast<uInt>(chunk);
        rc = ::inflate(&z, Z_NO_FLUSH);
        out.resize(have + (chunk - z.avail_out));
    }
    if (rc == Z_OK && !gzip) {  // all of it out: the stream must end here
        std::uint8_t extra = 0;
        z.next_out = &extra;
        z.avail_out = 1;
        rc = ::inflate(&z, Z_FINISH);
        if (z.avail_out == 0) rc = Z_DATA_ERROR;
    }
    ::inflateEnd(&z);
    bool const ended = rc == Z_STREAM_END || (gzip && rc == Z_OK);
    if (!ended || out.size() != size) return std::nullopt;
    return out;
}

std::optional<Bytes> unzlib(std::span<const std::uint8_t> packed, std::uint64_t size) {
    return inflate_exactly(packed, size, false);
}
std::optional<Bytes> ungzip(std::span<const std::uint8_t> packed, std::uint64_t size) {
    return inflate_exactly(packed, size, true);
}

// LZ4_decompress_safe_partial() into exactly `size` bytes, as fstapi calls it.
std::optional<Bytes> unlz4(std::span<const std::uint8_t> packed, std::uint64_t size) {
    Bytes out(static_cast<std::size_t>(size));
    int const n =
        ::LZ4_decompress_safe_partial(reinterpret_cast<const char*>(packed.data()), reinterpret_cast<char*>(out.data()),
                                      static_cast<int>(packed.size()), static_cast<int>(size), static_cast<int>(size));
    if (n < 0 || static_cast<std::uint64_t>(n) != size) return std::nullopt;
    return out;
}

class Checker {
public:
    Checker(std::string path, bool gzip_wrapped, Source& source)
        : path_(std::move(path)), gzip_wrapped_(gzip_wrapped), source_(source) {}

    FstStructure run();

private:
    [[noreturn]] void fail(std::uint64_t offset, std::string const& what) const {
        throw FstError(fmt::format("{}: damaged FST file at byte {}{}: {}", path_, offset,
                                   gzip_wrapped_ ? " of the gzip-unpacked data" : "", what));
    }
    [[noreturn]] void fail_in(FstBlockInfo const& b, std::uint64_t offset, std::string const& what) const {
        fail(offset, fmt::format("{} block at byte {}: {}", block_name(b.type), b.offset, what));
    }
    // Runs `parse` over bytes of block `b` read from `offset`; a DataError names its file offset.
    template <class Parse>
    void in_file(FstBlockInfo const& b, std::uint64_t offset, std::span<const std::uint8_t> data, Parse&& parse) const {
        Cursor c(data);
        try {
            parse(c);
        } catch (DataError const& e) {
            fail_in(b, offset + e.pos, e.what);
        }
    }
    // The same over unpacked bytes: a DataError names the position in them.
    template <class Parse>
    void in_unpacked(FstBlockInfo const& b, char const* what, std::span<const std::uint8_t> data, Parse&& parse) const {
        Cursor c(data);
        try {
            parse(c);
        } catch (DataError const& e) {
            fail_in(b, b.offset,
                    fmt::format("{}, at byte {} of its {} unpacked bytes: {}", what, e.pos, data.size(), e.what));
        }
    }
    void need_inside(FstBlockInfo const& b, std::uint64_t offset, std::uint64_t n, char const* what) const {
        std::uint64_t const end = b.offset + 1 + b.length;
        if (offset > end || n > end - offset)
            fail_in(b, offset, fmt::format("{} ({} bytes) runs past the end of the block at byte {}", what, n, end));
    }

    std::vector<FstBlockInfo> walk_blocks();
    void check_header(FstBlockInfo const& b, FstStructure& s);
    void check_geometry(FstBlockInfo const& b, FstStructure const& s);
    void check_hierarchy(FstBlockInfo const& b, FstStructure& s);
    void check_blackout(FstBlockInfo const& b);
    void check_value_block(FstBlockInfo& b, FstStructure const& s);
    std::uint64_t signal_bytes(std::uint64_t handle_index) const;

    std::string path_;
    bool gzip_wrapped_;
    Source& source_;
    std::vector<std::uint32_t> geometry_;  // per handle, as the geometry block declares it
};

std::vector<FstBlockInfo> Checker::walk_blocks() {
    std::uint64_t const size = source_.size();
    std::vector<FstBlockInfo> blocks;
    bool hierarchy = false, geometry = false;
    std::uint64_t pos = 0;
    while (pos < size) {
        std::size_t const index = blocks.size();
        if (size - pos < 9)
            throw FstError(
                fmt::format("{}: truncated FST file: block {} at byte {} is cut inside its length field "
                            "(file has {} bytes)",
                            path_, index, pos, size));
        auto const head = source_.read(pos, 9);
        FstBlockInfo b;
        b.offset = pos;
        b.type = head[0];
        for (int i = 1; i < 9; ++i) b.length = (b.length << 8) | head[static_cast<std::size_t>(i)];
        if (b.type == FST_BL_SKIP)
            throw FstError(
                fmt::format("{}: unfinished FST file: block {} at byte {} was still being written (was the "
                            "simulation killed before it closed the dump?)",
                            path_, index, pos));
        if (block_name(b.type) == "unknown" || b.length < 8)
            fail(pos, fmt::format("block {} has type {} and length {} (no FST block is)", index, b.type, b.length));
        if (b.length > size - pos - 1)
            throw FstError(
                fmt::format("{}: truncated FST file: {} block {} at byte {} needs {} bytes, the file ends "
                            "after {}",
                            path_, block_name(b.type), index, pos, 1 + b.length, size - pos));
        if (index == 0 && b.type != FST_BL_HDR)
            fail(pos, fmt::format("the file starts with a {} block, not the header block", block_name(b.type)));
        hierarchy |= block_name(b.type) == "hierarchy";
        geometry |= b.type == FST_BL_GEOM;
        blocks.push_back(b);
        pos += 1 + b.length;
    }
    if (!hierarchy || !geometry)
        throw FstError(
            fmt::format("{}: truncated FST file: no {} block (the writer adds it when it closes the dump; "
                        "was the simulation killed?)",
                        path_, hierarchy ? "geometry" : "hierarchy"));
    return blocks;
}

void Checker::check_header(FstBlockInfo const& b, FstStructure& s) {
    if (b.length < kHeaderSectionBytes)
        fail_in(b, b.offset + 1, fmt::format("length {}, a header block has {}", b.length, kHeaderSectionBytes));
    auto const data = source_.read(b.offset + 9, static_cast<std::size_t>(kHeaderSectionBytes - 8));
    in_file(b, b.offset + 9, data, [&](Cursor& c) {
        s.start_time = c.u64("start time");
        s.end_time = c.u64("end time");
        std::size_t const at = c.pos();
        auto const test = c.take(8, "endian test");
        std::array<std::uint8_t, 8> native{}, swapped{};
        std::memcpy(native.data(), &kEndianTest, 8);
        std::reverse_copy(native.begin(), native.end(), swapped.begin());
        if (!std::equal(test.begin(), test.end(), native.begin()) &&
            !std::equal(test.begin(), test.end(), swapped.begin()))
            throw DataError{at, "the endian test value is not e (2.718...) in either byte order"};
        c.u64("memory used by the writer");
        c.u64("scope count");
        std::uint64_t const vars = c.u64("variable count");
        std::size_t const handle_at = c.pos();
        s.max_handle = c.u64("signal count");
        if (s.max_handle == 0) throw DataError{handle_at, "the header declares no signal"};
        if (vars < s.max_handle)
            throw DataError{handle_at, fmt::format("{} signals but only {} variables", s.max_handle, vars)};
        if (s.start_time > s.end_time)
            throw DataError{0, fmt::format("start time {} is after end time {}", s.start_time, s.end_time)};
    });
}

std::uint64_t Checker::signal_bytes(std::uint64_t handle_index) const {
    std::uint32_t const g = geometry_[static_cast<std::size_t>(handle_index)];
    return g == kGeometryReal ? 8 : g == kGeometryVariable ? 0 : g;
}

void Checker::check_geometry(FstBlockInfo const& b, FstStructure const& s) {
    // uncompressed length, signal count, then the widths (zlib unless both lengths are equal)
    if (b.length < 24) fail_in(b, b.offset + 1, fmt::format("length {}, a geometry block has at least 24", b.length));
    auto const head = source_.read(b.offset + 9, 16);
    std::uint64_t packed_size = b.length - 24, size = 0, count = 0;
    in_file(b, b.offset + 9, head, [&](Cursor& c) {
        size = c.u64("unpacked length");
        count = c.u64("signal count");
        if (count != s.max_handle)
            throw DataError{8, fmt::format("{} signals, the header declares {}", count, s.max_handle)};
        if (size != packed_size && size > packed_size * kDeflateMaxRatio + kSlackBytes)
            throw DataError{
                0, fmt::format("{} unpacked bytes from {} packed is more than zlib can give", size, packed_size)};
        if (size < count || size / kVarint32Bytes > count)
            throw DataError{0, fmt::format("{} unpacked bytes cannot hold {} widths", size, count)};
    });
    Bytes const packed = source_.copy(b.offset + 25, static_cast<std::size_t>(packed_size));
    std::optional<Bytes> widths = size == packed_size ? std::optional<Bytes>(packed) : unzlib(packed, size);
    if (!widths)
        fail_in(b, b.offset + 25, fmt::format("its {} packed bytes do not unpack (zlib) to {}", packed_size, size));
    in_unpacked(b, "the widths", *widths, [&](Cursor& c) {
        geometry_.reserve(static_cast<std::size_t>(count));
        for (std::uint64_t i = 0; i < count; ++i)
            geometry_.push_back(static_cast<std::uint32_t>(c.varint(kVarint32Bytes, "a width")));
    });
}

void Checker::check_hierarchy(FstBlockInfo const& b, FstStructure& s) {
    // FST_BL_HIER: unpacked length, gzip stream. FST_BL_HIER_LZ4: unpacked length, one LZ4 block.
    // FST_BL_HIER_LZ4DUO: unpacked length, the inner length (varint), LZ4 of LZ4.
    if (b.length < 16) fail_in(b, b.offset + 1, fmt::format("length {}, a hierarchy block has at least 16", b.length));
    std::uint64_t size = 0;
    in_file(b, b.offset + 9, source_.read(b.offset + 9, 8), [&](Cursor& c) { size = c.u64("unpacked length"); });
    std::uint64_t const packed_size = b.length - 16;
    std::uint64_t const ratio = b.type == FST_BL_HIER       ? kDeflateMaxRatio
                                : b.type == FST_BL_HIER_LZ4 ? kLz4MaxRatio
                                                            : kLz4MaxRatio * kLz4MaxRatio;
    if (size > packed_size * ratio + kSlackBytes)
        fail_in(b, b.offset + 9,
                fmt::format("{} unpacked bytes from {} packed is more than its packing can give", size, packed_size));
    Bytes const packed = source_.copy(b.offset + 17, static_cast<std::size_t>(packed_size));
    std::optional<Bytes> text;
    if (b.type == FST_BL_HIER) {
        text = ungzip(packed, size);
    } else if (b.type == FST_BL_HIER_LZ4) {
        text = unlz4(packed, size);
    } else {
        std::uint64_t inner = 0;
        std::size_t skip = 0;
        in_file(b, b.offset + 17, packed, [&](Cursor& c) {
            inner = c.varint(kVarint64Bytes, "the inner length");
            skip = c.pos();
            if (inner > (packed_size - skip) * kLz4MaxRatio + kSlackBytes || size > inner * kLz4MaxRatio + kSlackBytes)
                throw DataError{
                    0, fmt::format("{} bytes packed twice into {} cannot unpack to {}", size, packed_size, inner)};
        });
        if (auto const once = unlz4(std::span(packed).subspan(skip), inner)) text = unlz4(*once, size);
    }
    if (!text)
        fail_in(b, b.offset + 17,
                fmt::format("its {} packed bytes do not unpack ({}) to the {} it declares", packed_size,
                            b.type == FST_BL_HIER ? "gzip" : "LZ4", size));
    // Entries as fstReaderIterateHier reads them. A name without its NUL would make the library
    // loop forever; an alias must name a signal declared before it.
    in_unpacked(b, "the hierarchy", *text, [&](Cursor& c) {
        std::uint64_t handles = 0;
        while (!c.done()) {
            std::size_t const at = c.pos();
            int const tag = c.byte("an entry");
            if (tag == FST_ST_VCD_SCOPE) {
                c.byte("a scope type");
                c.cstring("a scope name");
                c.cstring("a scope component");
            } else if (tag == FST_ST_VCD_UPSCOPE || tag == FST_ST_GEN_ATTREND) {
            } else if (tag == FST_ST_GEN_ATTRBEGIN) {
                c.byte("an attribute type");
                c.byte("an attribute subtype");
                c.cstring("an attribute name");
                c.varint(kVarint64Bytes, "an attribute argument");
            } else if (tag >= FST_VT_MIN && tag <= FST_VT_MAX) {
                c.byte("a direction");
                c.cstring("a variable name");
                std::uint64_t const length = c.varint(kVarint32Bytes, "a variable length");
                std::uint64_t const alias = c.varint(kVarint32Bytes, "a variable alias");
                if (alias > handles)
                    throw DataError{at, fmt::format("a variable aliases signal {}, only {} are declared before it",
                                                    alias, handles)};
                std::uint64_t const handle = alias != 0 ? alias : ++handles;
                if (handle > s.max_handle)
                    throw DataError{at, fmt::format("more signals than the {} the header declares", s.max_handle)};
                std::uint32_t const g = geometry_[static_cast<std::size_t>(handle - 1)];
                std::uint64_t const expected = g == kGeometryReal ? 8 : g == kGeometryVariable ? 0 : g;
                if (length != expected)
                    throw DataError{at, fmt::format("signal {} is {} wide here and {} in the geometry block", handle,
                                                    length, expected)};
                s.max_width = std::max(s.max_width, length);
            } else {
                throw DataError{at, fmt::format("entry type {} is none the hierarchy has", tag)};
            }
        }
        if (handles != s.max_handle)
            throw DataError{c.pos(), fmt::format("{} signals declared, the header says {}", handles, s.max_handle)};
    });
}

void Checker::check_blackout(FstBlockInfo const& b) {
    // count, then per dump on/off: activity byte and time delta
    auto const data = source_.read(b.offset + 9, static_cast<std::size_t>(b.length - 8));
    in_file(b, b.offset + 9, data, [&](Cursor& c) {
        std::uint64_t const count = c.varint(kVarint32Bytes, "the dump-on/off count");
        if (count > c.left() / 2)
            throw DataError{0, fmt::format("{} dump-on/off entries cannot fit in {} bytes", count, c.left())};
        for (std::uint64_t i = 0; i < count; ++i) {
            c.byte("a dump-on/off flag");
            c.varint(kVarint64Bytes, "a dump-on/off time");
        }
    });
}

void Checker::check_value_block(FstBlockInfo& b, FstStructure const& s) {
    // Layout (fstReaderIterBlocks2), from the length field: begin time, end time, memory for the
    // traversal, the initial-value frame (unpacked length, packed length, signal count: varints,
    // then the frame), the signal count of the block (varint), the packing ('Z', 'F', '4'), the
    // signals' data, the data index, its length (8), the packed time table, and at the very end
    // the time table's unpacked length, packed length and item count (8 each).
    std::uint64_t const start = b.offset + 1;  // fstapi's blkpos
    std::uint64_t const end = start + b.length;
    constexpr std::uint64_t kFixed = 8 + 24 + 3 + 1 + 1 + 1 + 8 + 24;  // the smallest block there is
    if (b.length < kFixed)
        fail_in(b, start, fmt::format("length {}, a value-change block has at least {}", b.length, kFixed));

    std::uint64_t memory = 0;
    in_file(b, start + 8, source_.read(start + 8, 24), [&](Cursor& c) {
        b.begin_time = c.u64("begin time");
        b.end_time = c.u64("end time");
        memory = c.u64("traversal memory");
        if (b.begin_time > b.end_time)
            throw DataError{0, fmt::format("begin time {} is after its end time {}", b.begin_time, b.end_time)};
        if (memory > b.length * kDeflateMaxRatio + kSlackBytes)
            throw DataError{16, fmt::format("{} bytes of traversal memory is more than its {} bytes can unpack to",
                                            memory, b.length)};
    });

    // The time table, from the end of the block.
    std::uint64_t time_size = 0, time_packed = 0, time_items = 0;
    in_file(b, end - 24, source_.read(end - 24, 24), [&](Cursor& c) {
        time_size = c.u64("time table unpacked length");
        time_packed = c.u64("time table packed length");
        time_items = c.u64("time table item count");
        if (time_packed > b.length - kFixed)
            throw DataError{8, fmt::format("a time table of {} bytes cannot fit in the block", time_packed)};
        if (time_items == 0) throw DataError{16, "the time table has no item"};
        if (time_items > time_size || time_size > time_items * kVarint64Bytes)
            throw DataError{0, fmt::format("{} unpacked bytes cannot hold {} times", time_size, time_items)};
        if (time_size != time_packed && time_size > time_packed * kDeflateMaxRatio + kSlackBytes)
            throw DataError{
                0, fmt::format("{} unpacked bytes from {} packed is more than zlib can give", time_size, time_packed)};
    });
    std::uint64_t const time_at = end - 24 - time_packed;
    Bytes const time_bytes = source_.copy(time_at, static_cast<std::size_t>(time_packed));
    std::optional<Bytes> times =
        time_size == time_packed ? std::optional<Bytes>(time_bytes) : unzlib(time_bytes, time_size);
    if (!times)
        fail_in(b, time_at,
                fmt::format("the time table's {} packed bytes do not unpack (zlib) to {}", time_packed, time_size));
    in_unpacked(b, "the time table", *times, [&](Cursor& c) {
        std::uint64_t t = 0;
        for (std::uint64_t i = 0; i < time_items; ++i) {
            std::uint64_t const delta = c.varint(kVarint64Bytes, "a time");
            if (delta > ~std::uint64_t{0} - t) throw DataError{c.pos(), "a time overflows 64 bits"};
            t += delta;
            if (t < b.begin_time || t > b.end_time)
                throw DataError{c.pos(),
                                fmt::format("time {} lies outside the block's {}..{}", t, b.begin_time, b.end_time)};
        }
    });

    // The data index, before the time table.
    std::uint64_t const index_length_at = time_at - 8;
    std::uint64_t index_length = 0;
    in_file(b, index_length_at, source_.read(index_length_at, 8),
            [&](Cursor& c) { index_length = c.u64("index length"); });

    // The frame and what follows it up to the signals' data.
    std::uint64_t frame_size = 0, frame_packed = 0, frame_signals = 0, block_signals = 0, data_at = 0;
    std::uint64_t const head_at = start + 32;
    std::uint64_t const head_room = std::min<std::uint64_t>(index_length_at - head_at, 3 * kVarint64Bytes);
    in_file(b, head_at, source_.read(head_at, static_cast<std::size_t>(head_room)), [&](Cursor& c) {
        frame_size = c.varint(kVarint64Bytes, "the frame's unpacked length");
        frame_packed = c.varint(kVarint64Bytes, "the frame's packed length");
        frame_signals = c.varint(kVarint64Bytes, "the frame's signal count");
        data_at = head_at + c.pos();
    });
    if (frame_signals > s.max_handle)
        fail_in(b, head_at, fmt::format("its frame holds {} signals, the file has {}", frame_signals, s.max_handle));
    std::uint64_t expected_frame = 0;
    for (std::uint64_t i = 0; i < frame_signals; ++i) expected_frame += signal_bytes(i);
    if (frame_size != expected_frame)
        fail_in(b, head_at,
                fmt::format("its frame unpacks to {} bytes, its {} signals take {}", frame_size, frame_signals,
                            expected_frame));
    if (frame_packed > index_length_at - data_at)
        fail_in(b, head_at, fmt::format("its frame of {} bytes runs into the block's index", frame_packed));
    if (frame_size != frame_packed) {
        if (frame_size > frame_packed * kDeflateMaxRatio + kSlackBytes ||
            !unzlib(source_.copy(data_at, static_cast<std::size_t>(frame_packed)), frame_size))
            fail_in(b, data_at,
                    fmt::format("its frame's {} packed bytes do not unpack (zlib) to {}", frame_packed, frame_size));
    }
    data_at += frame_packed;
    std::uint64_t const room = std::min<std::uint64_t>(index_length_at - data_at, kVarint64Bytes + 1);
    int packing = 0;
    in_file(b, data_at, source_.read(data_at, static_cast<std::size_t>(room)), [&](Cursor& c) {
        block_signals = c.varint(kVarint64Bytes, "the block's signal count");
        data_at += c.pos();  // fstapi's vc_start: the packing byte
        packing = c.byte("the packing");
    });
    if (block_signals > s.max_handle)
        fail_in(b, data_at, fmt::format("it holds {} signals, the file has {}", block_signals, s.max_handle));
    if (packing != 'Z' && packing != 'F' && packing != '4')
        fail_in(b, data_at, fmt::format("packing 0x{:02x} is none of 'Z' (zlib), 'F' (fastlz), '4' (LZ4)", packing));
    if (index_length == 0 || index_length > index_length_at - data_at - 1)
        fail_in(b, index_length_at,
                fmt::format("an index of {} bytes does not fit between the data and the time table", index_length));
    std::uint64_t const index_at = index_length_at - index_length;  // fstapi's indx_pos
    std::uint64_t const data_size = index_at - data_at;             // offsets count from vc_start

    // The index: per signal, the offset of its data, an alias of an earlier signal, or nothing.
    std::vector<std::int64_t> offsets;
    std::vector<std::uint32_t> lengths;
    offsets.reserve(static_cast<std::size_t>(block_signals + 1));
    lengths.reserve(static_cast<std::size_t>(block_signals + 1));
    Bytes const index = source_.copy(index_at, static_cast<std::size_t>(index_length));
    in_file(b, index_at, index, [&](Cursor& c) {
        std::int64_t last = 0;       // fstapi's pval: the latest data offset
        std::size_t last_index = 0;  // fstapi's pidx: whose length the next offset sets
        auto add = [&](std::int64_t offset, std::uint32_t length) {
            if (offsets.size() >= block_signals)
                throw DataError{c.pos(), fmt::format("more entries than the block's {} signals", block_signals)};
            offsets.push_back(offset);
            lengths.push_back(length);
        };
        auto add_data = [&](std::int64_t delta) {
            if (delta <= 0) throw DataError{c.pos(), "a data offset that does not move forward"};
            if (static_cast<std::uint64_t>(delta) >= data_size - static_cast<std::uint64_t>(last))
                throw DataError{c.pos(), fmt::format("a data offset past the block's {} bytes of data", data_size)};
            last += delta;
            if (!offsets.empty()) lengths[last_index] = static_cast<std::uint32_t>(last - offsets[last_index]);
            last_index = offsets.size();
            add(last, 0);
        };
        auto add_empty = [&](std::uint64_t n) {
            if (n > block_signals - offsets.size())
                throw DataError{c.pos(),
                                fmt::format("{} signals without data overrun the block's {}", n, block_signals)};
            for (std::uint64_t i = 0; i < n; ++i) add(0, 0);
        };
        std::uint32_t previous_alias = 0;
        do {
            if (b.type == FST_BL_VCDATA_DYN_ALIAS2) {
                if (c.left() > 0 && (index[c.pos()] & 1)) {
                    std::int64_t const v = c.svarint("an index entry") >> 1;
                    if (v > 0)
                        add_data(v);
                    else if (v < 0)
                        add(0, previous_alias = static_cast<std::uint32_t>(v));
                    else
                        add(0, previous_alias);
                } else {
                    add_empty(c.varint(kVarint32Bytes, "an index entry") >> 1);
                }
            } else {
                std::uint64_t const v = c.varint(kVarint32Bytes, "an index entry");
                if (v == 0)
                    add(0,
                        static_cast<std::uint32_t>(-static_cast<std::int64_t>(c.varint(kVarint32Bytes, "an alias"))));
                else if (v & 1)
                    add_data(static_cast<std::int64_t>(v >> 1));
                else
                    add_empty(v >> 1);
            }
        } while (!c.done());
        if (!offsets.empty())
            lengths[last_index] =
                static_cast<std::uint32_t>(static_cast<std::int64_t>(data_size) - offsets[last_index]);
    });
    // Aliases take the data of the signal they name (fstapi ignores those naming a later one).
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        auto const v = static_cast<std::int32_t>(lengths[i]);
        if (v < 0 && offsets[i] == 0) {
            std::int64_t const target = -static_cast<std::int64_t>(v) - 1;
            if (static_cast<std::uint32_t>(target) < i) {
                offsets[i] = offsets[static_cast<std::size_t>(target)];
                lengths[i] = lengths[static_cast<std::size_t>(target)];
            }
        }
    }
    // Each signal's data: unpacked length (varint, 0: stored as is), then its bytes. The library
    // unpacks all of them into one buffer of the declared traversal memory.
    std::uint64_t unpacked = 0;
    std::size_t const used = static_cast<std::size_t>(std::min<std::uint64_t>(offsets.size(), s.max_handle));
    for (std::size_t i = 0; i < used; ++i) {
        if (offsets[i] == 0) continue;
        auto const at = data_at + static_cast<std::uint64_t>(offsets[i]);
        std::uint64_t const length = lengths[i];
        if (length > data_size - static_cast<std::uint64_t>(offsets[i]))
            fail_in(b, at, fmt::format("signal {}'s data of {} bytes runs past the block's data", i + 1, length));
        std::uint64_t size = 0;
        std::size_t header = 0;
        in_file(b, at, source_.read(at, static_cast<std::size_t>(std::min<std::uint64_t>(length, kVarint32Bytes))),
                [&](Cursor& c) {
                    size = c.varint(kVarint32Bytes, "a signal's unpacked length");
                    header = c.pos();
                });
        if (size == 0)
            size = length - header;
        else if (size > length * kDeflateMaxRatio + kSlackBytes)
            fail_in(b, at, fmt::format("signal {}'s {} bytes cannot unpack to {}", i + 1, length, size));
        unpacked += size;
    }
    if (unpacked > memory)
        fail_in(b, start + 24,
                fmt::format("its signals unpack to {} bytes, more than the {} it declares", unpacked, memory));
}

FstStructure Checker::run() {
    FstStructure s;
    s.gzip_wrapped = gzip_wrapped_;
    s.blocks = walk_blocks();
    FstBlockInfo const* geometry = nullptr;
    FstBlockInfo const* hierarchy = nullptr;
    FstBlockInfo const* blackout = nullptr;
    std::size_t value_blocks = 0;
    auto only_one = [&](FstBlockInfo const*& seen, FstBlockInfo const& b) {
        if (seen != nullptr)
            fail(b.offset,
                 fmt::format("a second {} block (the first is at byte {})", block_name(b.type), seen->offset));
        seen = &b;
    };
    for (auto const& b : s.blocks) {
        if (b.type == FST_BL_HDR && &b != &s.blocks.front()) fail(b.offset, "a second header block");
        if (b.type == FST_BL_GEOM) only_one(geometry, b);
        if (block_name(b.type) == "hierarchy") only_one(hierarchy, b);
        if (b.type == FST_BL_BLACKOUT) only_one(blackout, b);
        value_blocks += is_value_type(b.type);
    }
    if (value_blocks == 0) fail(s.blocks.back().offset, "no value-change block: the dump holds no value");
    check_header(s.blocks.front(), s);
    check_geometry(*geometry, s);
    check_hierarchy(*hierarchy, s);
    if (blackout != nullptr) check_blackout(*blackout);
    std::uint64_t previous_end = 0;
    bool const header_has_times = s.start_time != 0 || s.end_time != 0;  // else fstapi takes the blocks' times
    for (auto& b : s.blocks) {
        if (!is_value_type(b.type)) continue;
        check_value_block(b, s);
        if (b.begin_time < previous_end)
            fail(b.offset,
                 fmt::format("value-change block at byte {}: it begins at time {}, before the previous one ends "
                             "({})",
                             b.offset, b.begin_time, previous_end));
        if (header_has_times && (b.begin_time < s.start_time || b.end_time > s.end_time))
            fail(b.offset, fmt::format("value-change block at byte {}: times {}..{} lie outside the header's {}..{}",
                                       b.offset, b.begin_time, b.end_time, s.start_time, s.end_time));
        previous_end = b.end_time;
    }
    return s;
}

// A gzip-wrapped file (FST_BL_ZWRAPPER, length, unpacked length, gzip stream), unpacked into a
// temporary file as fstapi does.
File unwrap(std::string const& path, std::FILE* in, std::uint64_t size, std::uint64_t& unpacked_size) {
    std::array<std::uint8_t, 17> head{};
    if (size < head.size() || std::fread(head.data(), 1, head.size(), in) != head.size())
        throw FstError(fmt::format("{}: truncated FST file: the gzip wrapper's header is cut off (file has {} bytes)",
                                   path, size));
    std::uint64_t length = 0;
    unpacked_size = 0;
    for (int i = 1; i < 9; ++i) length = (length << 8) | head[static_cast<std::size_t>(i)];
    for (int i = 9; i < 17; ++i) unpacked_size = (unpacked_size << 8) | head[static_cast<std::size_t>(i)];
    if (length == 0)
        throw FstError(fmt::format("{}: unfinished FST file: the gzip wrapper was still being written", path));
    if (unpacked_size > (size - head.size()) * kDeflateMaxRatio + kSlackBytes)
        throw FstError(
            fmt::format("{}: damaged FST file at byte 9: {} unpacked bytes from {} packed is more than gzip "
                        "can give",
                        path, unpacked_size, size - head.size()));
    File out(std::tmpfile());
    if (!out)
        throw FstError(fmt::format("{}: cannot make a temporary file to unpack it: {}", path, std::strerror(errno)));
    z_stream z{};
    if (::inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw FstError(fmt::format("{}: zlib failed to start", path));
    std::array<std::uint8_t, 1 << 16> in_buf{}, out_buf{};
    std::uint64_t written = 0;
    int rc = Z_OK;
    while (written < unpacked_size && rc == Z_OK) {
        if (z.avail_in == 0) {
            std::size_t const n = std::fread(in_buf.data(), 1, in_buf.size(), in);
            if (n == 0) break;
            z.next_in = in_buf.data();
            z.avail_in = static_cast<uInt>(n);
        }
        std::uint64_t const want = std::min<std::uint64_t>(out_buf.size(), unpacked_size - written);
        z.next_out = out_buf.data();
        z.avail_out = static_cast<uInt>(want);
        rc = ::inflate(&z, Z_NO_FLUSH);
        std::size_t const got = static_cast<std::size_t>(want - z.avail_out);
        if (got > 0 && std::fwrite(out_buf.data(), 1, got, out.get()) != got) {
            ::inflateEnd(&z);
            throw FstError(fmt::format("{}: cannot write the unpacked file: {}", path, std::strerror(errno)));
        }
        written += got;
    }
    std::uint64_t const consumed = z.total_in;
    ::inflateEnd(&z);
    if (written != unpacked_size)
        throw FstError(
            fmt::format("{}: damaged FST file at byte {}: the gzip wrapper unpacks to {} bytes, it declares {}", path,
                        head.size() + consumed, written, unpacked_size));
    std::fflush(out.get());
    return out;
}

}  // namespace

bool FstStructure::is_value_block(FstBlockInfo const& b) const {
    return is_value_type(b.type);
}

FstBlockInfo const* FstStructure::value_block_at(std::uint64_t time) const {
    FstBlockInfo const* last = nullptr;
    for (auto const& b : blocks) {
        if (!is_value_type(b.type)) continue;
        if (b.end_time >= time) return &b;
        last = &b;
    }
    return last;
}

FstBlockInfo const* FstStructure::first_block(std::initializer_list<int> types) const {
    for (auto const& b : blocks)
        if (std::find(types.begin(), types.end(), b.type) != types.end()) return &b;
    return nullptr;
}

FstStructure check_fst_structure(fs::path const& path) {
    std::string const name = path.string();
    std::error_code ec;
    auto const status = fs::status(path, ec);
    if (!fs::exists(status)) throw FstError(fmt::format("{}: no such file", name));
    if (fs::is_directory(status)) throw FstError(fmt::format("{}: is a directory, not an FST file", name));
    if (!fs::is_regular_file(status)) throw FstError(fmt::format("{}: not a regular file, not an FST file", name));
    File in(std::fopen(path.c_str(), "rb"));
    if (!in) throw FstError(fmt::format("{}: cannot open for reading: {}", name, std::strerror(errno)));
    std::uintmax_t const size = fs::file_size(path, ec);
    if (ec) throw FstError(fmt::format("{}: cannot read its size: {}", name, ec.message()));
    if (size == 0) throw FstError(fmt::format("{}: empty file, not an FST file", name));

    int const first = std::fgetc(in.get());
    std::rewind(in.get());
    if (first == FST_BL_ZWRAPPER) {
        std::uint64_t unpacked_size = 0;
        File unpacked = unwrap(name, in.get(), size, unpacked_size);
        Source source(name, std::move(unpacked), unpacked_size);
        return Checker(name, true, source).run();
    }
    if (first != FST_BL_HDR)
        throw FstError(
            fmt::format("{}: not an FST file (first byte 0x{:02x}, an FST file starts with its header block, "
                        "0x00)",
                        name, first & 0xff));
    Source source(name, std::move(in), size);
    return Checker(name, false, source).run();
}

}  // namespace nicsim::waves
