// FstFile: read-only view of an FST waveform file (hierarchy, enum tables, value changes).
//
// No file makes it crash, exit or hang: a missing file, a file that is not FST, a file cut short
// (a simulation killed before it closed its dump) and a damaged file each raise FstError with a
// one-line message that names the file, the byte offset and what is wrong. Opening checks the
// file's structure first (fst_structure.hpp); every call into gtkwave's fstapi then runs in a
// child process (isolated_call.hpp), so damage the check cannot see (inside a signal's packed
// values) ends that child, and becomes an FstError naming the block it was reading. Names are full dotted paths as the dumper wrote the
// scopes (`TOP.nic_top.s_axil_awvalid`); vectors also carry their range, and `gtkw_name` is the
// spelling GTKWave save files use (`TOP.nic_top.s_axil_awaddr[15:0]`).
//
// Values are strings of '0', '1', 'x', 'z' (and the other VCD letters), most significant bit
// first, exactly `width` characters long.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fst/fst_structure.hpp"

namespace nicsim::waves {

class FstError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One variable of the hierarchy.
struct Signal {
    std::string name;       // full dotted name without range: TOP.nic_top.m_axi_araddr
    std::string gtkw_name;  // name as GTKWave save files spell it: TOP.nic_top.m_axi_araddr[63:0]
    std::string scope;      // dotted scope: TOP.nic_top
    std::uint32_t width = 1;
    std::optional<std::pair<int, int>> range;  // [msb:lsb] when the dumper declared one
    std::string type;                          // "wire", "reg", "logic", "integer", "parameter", "enum", ...
    std::string direction;                     // "input", "output", "inout", "buffer", "linkage" or "" (internal)
    std::uint32_t handle = 0;                  // FST handle; aliases of one net share it
    bool alias = false;                        // a later appearance of an already declared handle
    std::string enum_table;                    // enum type the dumper attached (Verilator: enum-typed vars), or ""

    std::string_view base_name() const;  // last path component
};

// An enum table as stored in the FST (values are bit strings, MSB first).
struct FstEnumTable {
    std::string name;
    std::vector<std::pair<std::string, std::string>> entries;  // {bits, literal}
};

struct Change {
    std::uint64_t time = 0;
    std::string value;
};

// Value changes of one signal over a window, plus its value when the window opens.
struct Trace {
    const Signal* signal = nullptr;
    std::string initial;          // value at `from` (all 'x' when nothing was dumped before)
    std::vector<Change> changes;  // changes with from < time <= to, in time order

    // Value at time t (from <= t <= to).
    std::string const& value_at(std::uint64_t t) const;
};

class FstFile {
public:
    // Opens and checks `path`; throws FstError naming the file, the offset and the problem.
    explicit FstFile(std::filesystem::path path);

    std::filesystem::path const& path() const { return path_; }
    std::vector<Signal> const& signals() const { return signals_; }
    std::vector<FstEnumTable> const& enum_tables() const { return enum_tables_; }
    std::uint64_t start_time() const { return start_time_; }
    std::uint64_t end_time() const { return end_time_; }
    int timescale_exponent() const { return timescale_; }  // 1 time unit = 10^exponent s
    std::string timescale_unit() const;                    // "ps", "1ns", "10ps", ...

    // By `name` or `gtkw_name`; the first (non-alias) match, or nullptr.
    const Signal* find(std::string_view name) const;

    // Values of the given signals over [from, to] (time units of the file). Throws FstError when
    // the file's value data is damaged.
    std::vector<Trace> read(std::span<const Signal* const> signals, std::uint64_t from, std::uint64_t to) const;

private:
    std::filesystem::path path_;
    FstStructure structure_;
    std::vector<Signal> signals_;
    std::vector<FstEnumTable> enum_tables_;
    std::uint64_t start_time_ = 0;
    std::uint64_t end_time_ = 0;
    int timescale_ = 0;
};

}  // namespace nicsim::waves
