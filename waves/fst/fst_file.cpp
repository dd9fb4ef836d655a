// FstFile over gtkwave's fstapi (reader side). See fst_file.hpp for the contract.
#include "fst/fst_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <unordered_map>

#include "fstapi.h"

namespace nicsim::waves {
namespace {

namespace fs = std::filesystem;

struct ReaderCloser {
  void operator()(void* ctx) const {
    if (ctx != nullptr) fstReaderClose(ctx);
  }
};
using Reader = std::unique_ptr<void, ReaderCloser>;

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

// Walks the block chain (type byte, 8-byte big-endian section length counting itself) so a cut
// or unfinished file is reported before fstapi sees it: fstapi trusts the lengths it reads.
void validate_blocks(fs::path const& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw FstError(fmt::format("{}: no such file", path.string()));
  if (fs::is_directory(path, ec))
    throw FstError(fmt::format("{}: is a directory, not an FST file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FstError(fmt::format("{}: cannot open for reading", path.string()));
  std::uintmax_t const size = fs::file_size(path, ec);
  if (ec) throw FstError(fmt::format("{}: cannot read its size: {}", path.string(), ec.message()));
  if (size == 0) throw FstError(fmt::format("{}: empty file, not an FST file", path.string()));

  int const first = in.peek();
  if (first == FST_BL_ZWRAPPER) return;  // gzip-wrapped FST: fstapi unpacks and checks it
  if (first != FST_BL_HDR)
    throw FstError(fmt::format("{}: not an FST file (first byte 0x{:02x}, an FST file starts with "
                               "its header block, 0x00)",
                               path.string(), first & 0xff));

  std::uintmax_t pos = 0;
  bool hierarchy = false;
  int index = 0;
  while (pos < size) {
    std::array<unsigned char, 9> head{};
    in.seekg(static_cast<std::streamoff>(pos));
    in.read(reinterpret_cast<char*>(head.data()), head.size());
    if (in.gcount() != static_cast<std::streamsize>(head.size()))
      throw FstError(fmt::format("{}: truncated FST file: block {} at byte {} is cut inside its "
                                 "length field (file has {} bytes)",
                                 path.string(), index, pos, size));
    int const type = head[0];
    std::uint64_t len = 0;
    for (int i = 1; i < 9; ++i) len = (len << 8) | head[static_cast<std::size_t>(i)];
    if (type == FST_BL_SKIP)
      throw FstError(fmt::format("{}: unfinished FST file: block {} at byte {} was still being "
                                 "written (was the simulation killed before it closed the dump?)",
                                 path.string(), index, pos));
    if (block_name(type) == "unknown" || len < 8)
      throw FstError(fmt::format("{}: corrupt FST file: block {} at byte {} has type {} and "
                                 "length {}",
                                 path.string(), index, pos, type, len));
    if (pos + 1 + len > size)
      throw FstError(fmt::format("{}: truncated FST file: {} block {} at byte {} needs {} bytes, "
                                 "the file ends after {}",
                                 path.string(), block_name(type), index, pos, 1 + len,
                                 size - pos));
    if (block_name(type) == "hierarchy") hierarchy = true;
    pos += 1 + len;
    ++index;
  }
  if (!hierarchy)
    throw FstError(fmt::format("{}: truncated FST file: no hierarchy block (the writer adds it "
                               "when it closes the dump; was the simulation killed?)",
                               path.string()));
}

Reader open_reader(fs::path const& path) {
  Reader r(fstReaderOpen(path.c_str()));
  if (!r)
    throw FstError(fmt::format("{}: fstReaderOpen failed: not a readable FST file (corrupt or "
                               "truncated)",
                               path.string()));
  return r;
}

std::string_view type_name(unsigned char t) {
  switch (t) {
    case FST_VT_VCD_EVENT: return "event";
    case FST_VT_VCD_INTEGER: return "integer";
    case FST_VT_VCD_PARAMETER: return "parameter";
    case FST_VT_VCD_REAL: return "real";
    case FST_VT_VCD_REAL_PARAMETER: return "real_parameter";
    case FST_VT_VCD_REG: return "reg";
    case FST_VT_VCD_SUPPLY0: return "supply0";
    case FST_VT_VCD_SUPPLY1: return "supply1";
    case FST_VT_VCD_TIME: return "time";
    case FST_VT_VCD_TRI: return "tri";
    case FST_VT_VCD_WIRE: return "wire";
    case FST_VT_VCD_PORT: return "port";
    case FST_VT_VCD_REALTIME: return "realtime";
    case FST_VT_GEN_STRING: return "string";
    case FST_VT_SV_BIT: return "bit";
    case FST_VT_SV_LOGIC: return "logic";
    case FST_VT_SV_INT: return "int";
    case FST_VT_SV_SHORTINT: return "shortint";
    case FST_VT_SV_LONGINT: return "longint";
    case FST_VT_SV_BYTE: return "byte";
    case FST_VT_SV_ENUM: return "enum";
    case FST_VT_SV_SHORTREAL: return "shortreal";
    default: return "other";
  }
}

std::string_view direction_name(unsigned char d) {
  switch (d) {
    case FST_VD_INPUT: return "input";
    case FST_VD_OUTPUT: return "output";
    case FST_VD_INOUT: return "inout";
    case FST_VD_BUFFER: return "buffer";
    case FST_VD_LINKAGE: return "linkage";
    default: return "";
  }
}

// "data [7:0]" -> {"data", 7, 0}; "mem[3] [7:0]" -> {"mem[3]", 7, 0}; "clk" -> {"clk"}.
void split_range(std::string_view raw, std::string& base, std::optional<std::pair<int, int>>& range) {
  base = std::string(raw);
  range.reset();
  if (raw.empty() || raw.back() != ']') return;
  auto const open = raw.rfind('[');
  if (open == std::string_view::npos) return;
  auto const inner = raw.substr(open + 1, raw.size() - open - 2);
  auto const colon = inner.find(':');
  if (colon == std::string_view::npos) return;
  try {
    int const msb = std::stoi(std::string(inner.substr(0, colon)));
    int const lsb = std::stoi(std::string(inner.substr(colon + 1)));
    auto stem = raw.substr(0, open);
    while (!stem.empty() && stem.back() == ' ') stem.remove_suffix(1);
    base = std::string(stem);
    range = std::pair{msb, lsb};
  } catch (std::exception const&) {
    // not a numeric range: keep the whole name
  }
}

}  // namespace

std::string_view Signal::base_name() const {
  auto const dot = name.rfind('.');
  return dot == std::string::npos ? std::string_view(name) : std::string_view(name).substr(dot + 1);
}

std::string const& Trace::value_at(std::uint64_t t) const {
  auto it = std::upper_bound(changes.begin(), changes.end(), t,
                             [](std::uint64_t v, Change const& c) { return v < c.time; });
  if (it == changes.begin()) return initial;
  return std::prev(it)->value;
}

FstFile::FstFile(fs::path path) : path_(std::move(path)) {
  validate_blocks(path_);
  Reader r = open_reader(path_);
  void* ctx = r.get();
  start_time_ = fstReaderGetStartTime(ctx);
  end_time_ = fstReaderGetEndTime(ctx);
  timescale_ = fstReaderGetTimescale(ctx);

  std::vector<std::string> scopes;
  std::vector<bool> seen;
  std::string pending_enum;
  std::unordered_map<std::uint64_t, std::string> enum_by_handle;
  fstReaderIterateHierRewind(ctx);
  while (fstHier* h = fstReaderIterateHier(ctx)) {
    switch (h->htyp) {
      case FST_HT_SCOPE:
        scopes.emplace_back(h->u.scope.name ? h->u.scope.name : "");
        break;
      case FST_HT_UPSCOPE:
        if (!scopes.empty()) scopes.pop_back();
        break;
      case FST_HT_ATTRBEGIN:
        if (h->u.attr.typ == FST_AT_MISC && h->u.attr.subtype == FST_MT_ENUMTABLE) {
          if (h->u.attr.name != nullptr && h->u.attr.name_length > 0) {
            // a table definition: "name count literals... values..."
            fstETab* tab = fstUtilityExtractEnumTableFromString(h->u.attr.name);
            if (tab != nullptr) {
              FstEnumTable t;
              t.name = tab->name ? tab->name : "";
              for (std::uint32_t i = 0; i < tab->elem_count; ++i)
                t.entries.emplace_back(tab->val_arr[i], tab->literal_arr[i]);
              enum_by_handle[h->u.attr.arg] = t.name;
              enum_tables_.push_back(std::move(t));
              fstUtilityFreeEnumTable(tab);
            }
          } else {
            // a reference: applies to the next variable
            auto it = enum_by_handle.find(h->u.attr.arg);
            pending_enum = it == enum_by_handle.end() ? std::string() : it->second;
          }
        }
        break;
      case FST_HT_VAR: {
        Signal s;
        std::string base;
        split_range(std::string_view(h->u.var.name, h->u.var.name_length), base, s.range);
        std::string scope;
        for (auto const& part : scopes) {
          if (!scope.empty()) scope += '.';
          scope += part;
        }
        s.scope = scope;
        s.name = scope.empty() ? base : scope + "." + base;
        s.gtkw_name = s.range ? fmt::format("{}[{}:{}]", s.name, s.range->first, s.range->second)
                              : s.name;
        s.width = h->u.var.length;
        s.type = std::string(type_name(h->u.var.typ));
        s.direction = std::string(direction_name(h->u.var.direction));
        s.handle = h->u.var.handle;
        if (s.handle >= seen.size()) seen.resize(s.handle + 1, false);
        s.alias = h->u.var.is_alias || seen[s.handle];
        seen[s.handle] = true;
        s.enum_table = std::move(pending_enum);
        pending_enum.clear();
        signals_.push_back(std::move(s));
        break;
      }
      default:
        break;
    }
  }
  if (signals_.empty())
    throw FstError(fmt::format("{}: FST file declares no signals", path_.string()));
}

std::string FstFile::timescale_unit() const {
  static constexpr std::array<std::string_view, 6> units{"s", "ms", "us", "ns", "ps", "fs"};
  int e = timescale_;
  if (e > 0 || e < -17) return fmt::format("1e{}s", e);
  int const idx = (-e + 2) / 3;  // 0 -> s, -1..-3 -> ms, ...
  int const mult_exp = e + idx * 3;  // 0, 1 or 2
  int const mult = mult_exp == 0 ? 1 : mult_exp == 1 ? 10 : 100;
  return fmt::format("{}{}", mult, units[static_cast<std::size_t>(idx)]);
}

const Signal* FstFile::find(std::string_view name) const {
  for (auto const& s : signals_)
    if (s.name == name || s.gtkw_name == name) return &s;
  return nullptr;
}

namespace {

struct ReadState {
  std::unordered_map<fstHandle, std::vector<std::size_t>> by_handle;
  std::vector<Trace>* traces = nullptr;
  std::uint64_t from = 0;
  std::uint64_t to = 0;
};

void on_change(ReadState& st, std::uint64_t time, fstHandle handle, const unsigned char* value,
               std::size_t len) {
  if (time > st.to) return;
  auto it = st.by_handle.find(handle);
  if (it == st.by_handle.end()) return;
  for (std::size_t idx : it->second) {
    Trace& t = (*st.traces)[idx];
    std::string v(reinterpret_cast<const char*>(value), len);
    if (time <= st.from) {
      t.initial = std::move(v);
    } else if (!t.changes.empty() && t.changes.back().time == time) {
      t.changes.back().value = std::move(v);  // several dumps at one time: the last one counts
    } else {
      t.changes.push_back({time, std::move(v)});
    }
  }
}

extern "C" void fst_value_cb(void* user, std::uint64_t time, fstHandle handle,
                             const unsigned char* value) {
  auto& st = *static_cast<ReadState*>(user);
  auto it = st.by_handle.find(handle);
  if (it == st.by_handle.end() || value == nullptr) return;
  std::size_t const width = (*st.traces)[it->second.front()].signal->width;
  on_change(st, time, handle, value,
            ::strnlen(reinterpret_cast<const char*>(value), std::max<std::size_t>(width, 1)));
}

extern "C" void fst_varlen_cb(void* user, std::uint64_t time, fstHandle handle,
                              const unsigned char* value, std::uint32_t len) {
  if (value == nullptr) return;
  on_change(*static_cast<ReadState*>(user), time, handle, value, len);
}

}  // namespace

std::vector<Trace> FstFile::read(std::span<const Signal* const> signals, std::uint64_t from,
                                 std::uint64_t to) const {
  if (to < from) std::swap(from, to);
  std::vector<Trace> traces(signals.size());
  ReadState st;
  st.traces = &traces;
  st.from = from;
  st.to = to;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    traces[i].signal = signals[i];
    traces[i].initial = std::string(std::max<std::uint32_t>(signals[i]->width, 1), 'x');
    st.by_handle[signals[i]->handle].push_back(i);
  }
  if (signals.empty()) return traces;

  Reader r = open_reader(path_);
  void* ctx = r.get();
  fstReaderClrFacProcessMaskAll(ctx);
  for (auto const& [handle, idx] : st.by_handle) fstReaderSetFacProcessMask(ctx, handle);
  // Values before `from` are needed for the opening value; nothing after `to`.
  fstReaderSetLimitTimeRange(ctx, 0, to);
  if (fstReaderIterBlocks2(ctx, fst_value_cb, fst_varlen_cb, &st, nullptr) == 0)
    throw FstError(fmt::format("{}: reading value changes failed", path_.string()));
  return traces;
}

}  // namespace nicsim::waves
