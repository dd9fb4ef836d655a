// FstFile over gtkwave's fstapi (reader side). See fst_file.hpp for the contract.
//
// Every fstapi call runs in a child process (run_isolated); the child sends what it read as
// records, one tag byte and then fixed-size fields and length-prefixed strings:
//   opening:   'O' start, end, timescale (opened) | 'N' (fstReaderOpen refused the file)
//   hierarchy: 's' scope name | 'u' upscope | 'e' enum table (attribute argument, name, entries)
//              | 'r' enum reference (attribute argument) | 'v' variable
//   values:    'c' time, handle, value bytes | 'F' (fstReaderIterBlocks2 gave up)
#include "fst/fst_file.hpp"

#include <fmt/format.h>

#include <signal.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <system_error>
#include <unordered_map>

#include "isolated_call.hpp"
#include "fst_reader.hpp"
#include "fstapi.h"

namespace nicsim::waves {
namespace {

namespace fs = std::filesystem;

// One record to the parent.
class RecordBuilder {
public:
    explicit RecordBuilder(char tag) { bytes_ += tag; }
    RecordBuilder& u8(std::uint8_t v) { return raw(&v, 1); }
    RecordBuilder& u32(std::uint32_t v) { return raw(&v, sizeof v); }
    RecordBuilder& u64(std::uint64_t v) { return raw(&v, sizeof v); }
    RecordBuilder& text(std::string_view v) {
        u32(static_cast<std::uint32_t>(v.size()));
        bytes_.append(v);
        return *this;
    }
    RecordBuilder& rest(std::string_view v) {
        bytes_.append(v);
        return *this;
    }
    void send(RecordSink& out) const { out.send(bytes_); }

private:
    RecordBuilder& raw(void const* p, std::size_t n) {
        bytes_.append(static_cast<char const*>(p), n);
        return *this;
    }
    std::string bytes_;
};

// A record from the child that does not parse: its memory may have been damaged by fstapi.
struct MalformedRecord {};

// One record from the child.
class RecordParser {
public:
    explicit RecordParser(std::string_view r) : r_(r) {}
    char tag() { return static_cast<char>(u8()); }
    std::uint8_t u8() { return take<std::uint8_t>(); }
    std::uint32_t u32() { return take<std::uint32_t>(); }
    std::uint64_t u64() { return take<std::uint64_t>(); }
    std::string_view text() {
        std::uint32_t const n = u32();
        need(n);
        auto const v = r_.substr(pos_, n);
        pos_ += n;
        return v;
    }
    std::string_view rest() {
        auto const v = r_.substr(pos_);
        pos_ = r_.size();
        return v;
    }

private:
    void need(std::size_t n) const {
        if (r_.size() - pos_ < n) throw MalformedRecord{};
    }
    template <class T>
    T take() {
        need(sizeof(T));
        T v{};
        std::memcpy(&v, r_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return v;
    }
    std::string_view r_;
    std::size_t pos_ = 0;
};

// What the reader process was doing, for the message when it fails.
enum class Phase { opening, hierarchy, values };

// Where the reader process is, in memory it shares with the parent: a record can still sit in
// the child's buffer when it dies, this cannot.
struct Progress {
    std::atomic<Phase> phase{Phase::opening};
    std::atomic<bool> has_time{false};
    std::atomic<std::uint64_t> last_time{0};  // of the last value change reported
};

class SharedProgress {
public:
    SharedProgress() {
        void* p = ::mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap");
        progress_ = new (p) Progress;
    }
    SharedProgress(SharedProgress const&) = delete;
    SharedProgress& operator=(SharedProgress const&) = delete;
    ~SharedProgress() {
        progress_->~Progress();
        ::munmap(progress_, sizeof(Progress));
    }
    Progress& operator*() const { return *progress_; }

private:
    Progress* progress_ = nullptr;
};

// Generous: a healthy read goes through many megabytes a second.
unsigned cpu_seconds_for(fs::path const& path) {
    std::error_code ec;
    auto const bytes = fs::file_size(path, ec);
    return 30 + static_cast<unsigned>(ec ? 0 : bytes >> 20);
}

// The block the reader process was in, and what it was doing there. Reading values, that is the
// block of the last time it reported (or of `from` when none came yet).
struct Whereabouts {
    FstBlockInfo const* block = nullptr;
    std::string doing;
};

Whereabouts whereabouts(FstStructure const& st, Progress const& progress, std::uint64_t from) {
    Whereabouts w;
    std::optional<std::uint64_t> last_time;
    if (progress.has_time) last_time = progress.last_time.load();
    switch (progress.phase.load()) {
    case Phase::opening:
        w.block = &st.blocks.front();
        w.doing = "opening it (its header, geometry and dump-on/off blocks)";
        break;
    case Phase::hierarchy:
        w.block = st.first_block({FST_BL_HIER, FST_BL_HIER_LZ4, FST_BL_HIER_LZ4DUO});
        w.doing = fmt::format("reading its hierarchy block at byte {}", w.block->offset);
        break;
    case Phase::values:
        w.block = st.value_block_at(last_time.value_or(from));
        w.doing = fmt::format("reading value changes {} in the value-change block at byte {} (times {}..{})",
                              last_time ? fmt::format("after time {}", *last_time) : fmt::format("from time {}", from),
                              w.block->offset, w.block->begin_time, w.block->end_time);
        break;
    }
    return w;
}

// "PATH: damaged FST file at byte N[ of the gzip-unpacked data]": the start of every message about
// damage the reader process ran into.
std::string damaged_at(fs::path const& path, FstStructure const& st, Whereabouts const& w) {
    return fmt::format("{}: damaged FST file at byte {}{}", path.string(), w.block->offset,
                       st.gzip_wrapped ? " of the gzip-unpacked data" : "");
}

// run_isolated, with "cannot start a process" and a malformed record as FstErrors naming the file
// (and, for the record, the block the reader was in: fstapi read damage there as garbage).
std::optional<IsolatedFailure> isolated(fs::path const& path, FstStructure const& st, Progress const& progress,
                                        std::uint64_t from, std::function<void(RecordSink&)> const& work,
                                        std::function<void(std::string_view)> const& on_record) {
    try {
        return run_isolated(work, on_record, cpu_seconds_for(path));
    } catch (std::system_error const& e) {
        throw FstError(fmt::format("{}: cannot start the process that reads it: {}", path.string(), e.what()));
    } catch (MalformedRecord const&) {
        auto const w = whereabouts(st, progress, from);
        throw FstError(fmt::format("{}: the FST library's process sent back garbled records {}",
                                   damaged_at(path, st, w), w.doing));
    }
}

// The reader process failed: name the block it was in.
[[noreturn]] void throw_damaged(fs::path const& path, FstStructure const& st, IsolatedFailure const& f,
                                Progress const& progress, std::uint64_t from) {
    // Signals a crash does not send: the reader was stopped from outside (the OOM killer, a user).
    if (f.signal == SIGKILL || f.signal == SIGTERM || f.signal == SIGINT || f.signal == SIGHUP || f.signal == SIGQUIT)
        throw FstError(
            fmt::format("{}: reading it was stopped: the process running the FST library {} (from outside: "
                        "out of memory, or a user)",
                        path.string(), f.how));
    auto const w = whereabouts(st, progress, from);
    throw FstError(fmt::format("{}: the FST library {} {}{}", damaged_at(path, st, w), f.how, w.doing,
                               f.said.empty() ? "" : fmt::format(" (it said: {})", f.said)));
}

// In the reader process: open the file, or say that fstapi refused it.
FstReader open_in_child(fs::path const& path, RecordSink& out, Progress& progress, Phase next) {
    FstReader r(fstReaderOpen(path.c_str()));
    if (!r) {
        RecordBuilder('N').send(out);
        return r;
    }
    progress.phase = next;
    RecordBuilder('O')
        .u64(fstReaderGetStartTime(r.get()))
        .u64(fstReaderGetEndTime(r.get()))
        .u8(static_cast<std::uint8_t>(fstReaderGetTimescale(r.get())))
        .send(out);
    return r;
}

[[noreturn]] void throw_refused(fs::path const& path) {
    throw FstError(fmt::format("{}: damaged FST file at byte 0: the FST library refused to open it", path.string()));
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

namespace {

// In the reader process: the hierarchy as records (enum tables parsed here too: fstapi's parser
// trusts the table's text).
void send_hierarchy(void* ctx, RecordSink& out) {
    fstReaderIterateHierRewind(ctx);
    while (fstHier* h = fstReaderIterateHier(ctx)) {
        switch (h->htyp) {
        case FST_HT_SCOPE: RecordBuilder('s').rest(h->u.scope.name ? h->u.scope.name : "").send(out); break;
        case FST_HT_UPSCOPE: RecordBuilder('u').send(out); break;
        case FST_HT_ATTRBEGIN:
            if (h->u.attr.typ != FST_AT_MISC || h->u.attr.subtype != FST_MT_ENUMTABLE) break;
            if (h->u.attr.name != nullptr && h->u.attr.name_length > 0) {
                // a table definition: "name count literals... values..."
                fstETab* tab = fstUtilityExtractEnumTableFromString(h->u.attr.name);
                if (tab == nullptr) break;
                RecordBuilder r('e');
                r.u64(h->u.attr.arg).text(tab->name ? tab->name : "").u32(tab->elem_count);
                for (std::uint32_t i = 0; i < tab->elem_count; ++i) r.text(tab->val_arr[i]).text(tab->literal_arr[i]);
                r.send(out);
                fstUtilityFreeEnumTable(tab);
            } else {
                RecordBuilder('r').u64(h->u.attr.arg).send(out);  // a reference: applies to the next variable
            }
            break;
        case FST_HT_VAR:
            RecordBuilder('v')
                .u8(h->u.var.typ)
                .u8(h->u.var.direction)
                .u32(h->u.var.length)
                .u32(h->u.var.handle)
                .u8(h->u.var.is_alias)
                .rest(std::string_view(h->u.var.name, h->u.var.name_length))
                .send(out);
            break;
        default: break;
        }
    }
}

}  // namespace

FstFile::FstFile(fs::path path) : path_(std::move(path)), structure_(check_fst_structure(path_)) {
    SharedProgress progress;
    bool refused = false;
    std::vector<std::string> scopes;
    std::vector<bool> seen;
    std::string pending_enum;
    std::unordered_map<std::uint64_t, std::string> enum_by_handle;
    auto const on_record = [&](std::string_view record) {
        RecordParser r(record);
        switch (r.tag()) {
        case 'N': refused = true; break;
        case 'O':
            start_time_ = r.u64();
            end_time_ = r.u64();
            timescale_ = static_cast<std::int8_t>(r.u8());
            break;
        case 's': scopes.emplace_back(r.rest()); break;
        case 'u':
            if (!scopes.empty()) scopes.pop_back();
            break;
        case 'e': {
            std::uint64_t const arg = r.u64();
            FstEnumTable t;
            t.name = r.text();
            std::uint32_t const count = r.u32();
            for (std::uint32_t i = 0; i < count; ++i) {
                std::string bits(r.text());
                t.entries.emplace_back(std::move(bits), r.text());
            }
            enum_by_handle[arg] = t.name;
            enum_tables_.push_back(std::move(t));
            break;
        }
        case 'r': {
            auto it = enum_by_handle.find(r.u64());
            pending_enum = it == enum_by_handle.end() ? std::string() : it->second;
            break;
        }
        case 'v': {
            Signal s;
            unsigned char const typ = r.u8(), direction = r.u8();
            s.width = r.u32();
            s.handle = r.u32();
            bool const is_alias = r.u8() != 0;
            // The structure check bounds both; beyond them the child's memory was damaged.
            if (s.handle == 0 || s.handle > structure_.max_handle || s.width > structure_.max_width)
                throw MalformedRecord{};
            std::string base;
            split_range(r.rest(), base, s.range);
            std::string scope;
            for (auto const& part : scopes) {
                if (!scope.empty()) scope += '.';
                scope += part;
            }
            s.scope = scope;
            s.name = scope.empty() ? base : scope + "." + base;
            s.gtkw_name = s.range ? fmt::format("{}[{}:{}]", s.name, s.range->first, s.range->second) : s.name;
            s.type = std::string(type_name(typ));
            s.direction = std::string(direction_name(direction));
            if (s.handle >= seen.size()) seen.resize(s.handle + 1, false);
            s.alias = is_alias || seen[s.handle];
            seen[s.handle] = true;
            s.enum_table = std::move(pending_enum);
            pending_enum.clear();
            signals_.push_back(std::move(s));
            break;
        }
        default: throw MalformedRecord{};
        }
    };
    auto const failure = isolated(
        path_, structure_, *progress, 0,
        [&](RecordSink& out) {
            FstReader r = open_in_child(path_, out, *progress, Phase::hierarchy);
            if (r) send_hierarchy(r.get(), out);
        },
        on_record);
    if (failure) throw_damaged(path_, structure_, *failure, *progress, 0);
    if (refused) throw_refused(path_);
    if (signals_.empty()) throw FstError(fmt::format("{}: FST file declares no signals", path_.string()));
}

std::string FstFile::timescale_unit() const {
    static constexpr std::array<std::string_view, 6> units{"s", "ms", "us", "ns", "ps", "fs"};
    int e = timescale_;
    if (e > 0 || e < -17) return fmt::format("1e{}s", e);
    int const idx = (-e + 2) / 3;      // 0 -> s, -1..-3 -> ms, ...
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

void on_change(ReadState& st, std::uint64_t time, fstHandle handle, const unsigned char* value, std::size_t len) {
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

// In the reader process: each change of a chosen signal goes to the parent.
// In the reader process: each change of a chosen signal goes to the parent, except that of the
// changes up to `from` only each signal's last is sent (the parent keeps only that one, as the
// value the window opens with), and only once a later change or the end comes.
struct ChildReadState {
    ReadState const* st = nullptr;
    RecordSink* out = nullptr;
    Progress* progress = nullptr;
    std::unordered_map<fstHandle, std::string> before_window;  // value at `from`, by handle
    std::string record;                                        // reused: one change at a time

    // A 'c' record (RecordBuilder's layout), built without an allocation per change.
    static_assert(sizeof(fstHandle) == sizeof(std::uint32_t));
    void send(std::uint64_t time, fstHandle handle, std::string_view value) {
        record.assign(1, 'c');
        record.append(reinterpret_cast<char const*>(&time), sizeof time);
        record.append(reinterpret_cast<char const*>(&handle), sizeof(std::uint32_t));
        record.append(value);
        out->send(record);
    }
    void flush_before_window() {
        if (before_window.empty()) return;  // clear() wipes every bucket, even of an empty map
        for (auto const& [handle, value] : before_window) send(st->from, handle, value);
        before_window.clear();
    }
    void change(std::uint64_t time, fstHandle handle, const unsigned char* value, std::size_t len) {
        progress->last_time.store(time, std::memory_order_relaxed);
        progress->has_time.store(true, std::memory_order_relaxed);
        if (time > st->to) return;  // fstapi delivers its block to the end; the parent wants none of it
        std::string_view const v(reinterpret_cast<const char*>(value), len);
        if (time <= st->from) {
            before_window[handle].assign(v);
            return;
        }
        flush_before_window();
        send(time, handle, v);
    }
};

extern "C" void fst_value_cb(void* user, std::uint64_t time, fstHandle handle, const unsigned char* value) {
    auto& c = *static_cast<ChildReadState*>(user);
    auto it = c.st->by_handle.find(handle);
    if (it == c.st->by_handle.end() || value == nullptr) return;
    std::size_t const width = (*c.st->traces)[it->second.front()].signal->width;
    c.change(time, handle, value, ::strnlen(reinterpret_cast<const char*>(value), std::max<std::size_t>(width, 1)));
}

extern "C" void fst_varlen_cb(void* user, std::uint64_t time, fstHandle handle, const unsigned char* value,
                              std::uint32_t len) {
    auto& c = *static_cast<ChildReadState*>(user);
    if (value == nullptr || !c.st->by_handle.contains(handle)) return;
    c.change(time, handle, value, len);
}

}  // namespace

std::vector<Trace> FstFile::read(std::span<const Signal* const> signals, std::uint64_t from, std::uint64_t to) const {
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

    SharedProgress progress;
    bool refused = false, gave_up = false;
    auto const on_record = [&](std::string_view record) {
        RecordParser r(record);
        switch (r.tag()) {
        case 'N': refused = true; break;
        case 'O': break;
        case 'F': gave_up = true; break;
        case 'c': {
            std::uint64_t const time = r.u64();
            fstHandle const handle = r.u32();
            std::string_view const value = r.rest();
            on_change(st, time, handle, reinterpret_cast<const unsigned char*>(value.data()), value.size());
            break;
        }
        default: throw MalformedRecord{};
        }
    };
    auto const failure = isolated(
        path_, structure_, *progress, from,
        [&](RecordSink& out) {
            FstReader r = open_in_child(path_, out, *progress, Phase::values);
            if (!r) return;
            void* ctx = r.get();
            fstReaderClrFacProcessMaskAll(ctx);
            for (auto const& [handle, idx] : st.by_handle) fstReaderSetFacProcessMask(ctx, handle);
            // Values before `from` are needed for the opening value; nothing after `to`.
            fstReaderSetLimitTimeRange(ctx, 0, to);
            ChildReadState child{&st, &out, &*progress, {}, {}};
            bool const ok = fstReaderIterBlocks2(ctx, fst_value_cb, fst_varlen_cb, &child, nullptr) != 0;
            child.flush_before_window();
            if (!ok) RecordBuilder('F').send(out);
        },
        on_record);
    if (failure) throw_damaged(path_, structure_, *failure, *progress, from);
    if (refused) throw_refused(path_);
    if (gave_up) throw FstError(fmt::format("{}: reading value changes failed", path_.string()));
    return traces;
}

}  // namespace nicsim::waves
