// The structure check of an FST file: every length, count and offset the FST library (gtkwave's
// fstapi) trusts, checked before the library reads the file.
//
// fstapi believes what a file says: a damaged length sends it past its buffers, a damaged
// compressed section makes it print "exiting" and call exit(255), a name cut short makes it loop
// forever. check_fst_structure() walks the file as the library will and throws FstError naming
// the file, the byte offset and what is wrong: the block chain (type byte, big-endian 64-bit
// length), the header block, the geometry block (unpacked: one width per signal), the hierarchy
// block (unpacked and parsed entry by entry: scopes, attributes, variables and their handles), the
// dump-on/off block, and in each value-change block its times, time table, initial-value frame,
// packing and the index of the signals' data (offsets, lengths, aliases, unpacked sizes against
// the memory the block declares). It does not unpack the signals' value data itself: that would
// be the whole read. FstFile meets that part of the library in a child process (fst_file.cpp).
//
// A gzip-wrapped FST (first byte 0xfe) is unpacked into a temporary file and checked; offsets in
// its messages then count in the unpacked data, and say so.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <vector>

namespace nicsim::waves {

struct FstBlockInfo {
    std::uint64_t offset = 0;      // of its type byte
    int type = 0;                  // fstapi's FST_BL_* value
    std::uint64_t length = 0;      // its section length (which counts the 8 length bytes, not the type byte)
    std::uint64_t begin_time = 0;  // value-change blocks: the first and last time they hold
    std::uint64_t end_time = 0;
};

struct FstStructure {
    bool gzip_wrapped = false;         // offsets count in the unpacked data
    std::vector<FstBlockInfo> blocks;  // in file order
    std::uint64_t max_handle = 0;      // signals with their own values (handles 1..max_handle)
    std::uint64_t max_width = 0;       // the widest variable the hierarchy declares
    std::uint64_t start_time = 0, end_time = 0;

    bool is_value_block(FstBlockInfo const& b) const;
    // The value-change block that holds `time`: the first whose end time is at or after it (the
    // last one when none is); nullptr when there is no value-change block.
    FstBlockInfo const* value_block_at(std::uint64_t time) const;
    // The first block of the given FST_BL_* types, or nullptr.
    FstBlockInfo const* first_block(std::initializer_list<int> types) const;
};

// Throws FstError ("<path>: ... at byte N: what") for a missing, unreadable, empty, non-FST,
// truncated, unfinished or damaged file.
FstStructure check_fst_structure(std::filesystem::path const& path);

}  // namespace nicsim::waves
