// join_fst_segments: see fst_join.hpp.
#include "fst/fst_join.hpp"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "fst_reader.hpp"
#include "fstapi.h"

namespace nicsim::waves {

namespace {

FstReader open_reader(std::filesystem::path const& path) {
    FstReader r(fstReaderOpen(path.c_str()));
    if (!r) throw FstError(fmt::format("{}: not a readable FST file", path.string()));
    return r;
}

// Copies the hierarchy of `reader` into `writer`; returns the writer's handle of every reader handle.
std::vector<fstHandle> copy_hierarchy(void* reader, void* writer) {
    std::vector<fstHandle> handle_of(fstReaderGetMaxHandle(reader) + 1, 0);
    fstReaderIterateHierRewind(reader);
    while (fstHier* h = fstReaderIterateHier(reader)) {
        switch (h->htyp) {
        case FST_HT_SCOPE:
            fstWriterSetScope(writer, static_cast<fstScopeType>(h->u.scope.typ), h->u.scope.name, h->u.scope.component);
            break;
        case FST_HT_UPSCOPE: fstWriterSetUpscope(writer); break;
        case FST_HT_VAR: {
            auto const& v = h->u.var;
            fstHandle const alias = v.is_alias ? handle_of.at(v.handle) : 0;
            fstHandle const made = fstWriterCreateVar(writer, static_cast<fstVarType>(v.typ),
                                                      static_cast<fstVarDir>(v.direction), v.length, v.name, alias);
            if (!v.is_alias) handle_of.at(v.handle) = made;
            break;
        }
        case FST_HT_ATTRBEGIN:
            fstWriterSetAttrBegin(writer, static_cast<fstAttrType>(h->u.attr.typ), h->u.attr.subtype, h->u.attr.name,
                                  h->u.attr.arg);
            break;
        case FST_HT_ATTREND: fstWriterSetAttrEnd(writer); break;
        default: break;
        }
    }
    return handle_of;
}

// Replays the value changes of the segments into the writer, holding back those before from_time.
struct Copier {
    void* writer = nullptr;
    std::vector<fstHandle> const* handle_of = nullptr;
    std::uint64_t from_time = 0;
    bool started = false;
    std::uint64_t last_time = 0;
    std::unordered_map<fstHandle, std::string> held;  // value at from_time of each variable seen before it
    // The value written last per variable: a segment opens with every value again, which is no change.
    std::unordered_map<fstHandle, std::string> current;

    void change(std::uint64_t time, fstHandle handle, unsigned char const* value) {
        fstHandle const out = handle < handle_of->size() ? (*handle_of)[handle] : 0;
        if (out == 0) return;
        if (time < from_time) {
            held[out] = reinterpret_cast<char const*>(value);
            return;
        }
        if (!started) {
            started = true;
            last_time = from_time;
            fstWriterEmitTimeChange(writer, from_time);
            for (auto const& [h, v] : held) fstWriterEmitValueChange(writer, h, v.data());
            current = std::move(held);
            held.clear();
        }
        auto [at, fresh] = current.try_emplace(out);
        char const* text = reinterpret_cast<char const*>(value);
        if (!fresh && at->second == text) return;
        at->second = text;
        if (time != last_time) {
            fstWriterEmitTimeChange(writer, time);
            last_time = time;
        }
        fstWriterEmitValueChange(writer, out, value);
    }
};

void on_change(void* user, std::uint64_t time, fstHandle handle, unsigned char const* value) {
    static_cast<Copier*>(user)->change(time, handle, value);
}

}  // namespace

void join_fst_segments(std::span<std::filesystem::path const> segments, std::uint64_t from_time,
                       std::filesystem::path const& out) {
    if (segments.empty()) throw FstError(fmt::format("{}: no trace segment to write", out.string()));
    FstReader first = open_reader(segments.front());
    void* writer = fstWriterCreate(out.c_str(), 1);
    if (!writer) throw FstError(fmt::format("{}: cannot create the FST file", out.string()));
    fstWriterSetTimescale(writer, fstReaderGetTimescale(first.get()));
    fstWriterSetFileType(writer, FST_FT_VERILOG);
    std::vector<fstHandle> const handle_of = copy_hierarchy(first.get(), writer);
    first.reset();

    Copier copier;
    copier.writer = writer;
    copier.handle_of = &handle_of;
    copier.from_time = from_time;
    for (auto const& path : segments) {
        FstReader r = open_reader(path);
        if (fstReaderGetMaxHandle(r.get()) + 1 != handle_of.size()) {
            fstWriterClose(writer);
            throw FstError(fmt::format("{}: its signals differ from {}'s: not a segment of the same trace",
                                       path.string(), segments.front().string()));
        }
        fstReaderSetFacProcessMaskAll(r.get());
        fstReaderIterBlocks(r.get(), on_change, &copier, nullptr);
    }
    if (!copier.started) {  // nothing changed from from_time on: the values then, once
        fstWriterEmitTimeChange(writer, from_time);
        for (auto const& [h, v] : copier.held) fstWriterEmitValueChange(writer, h, v.data());
    }
    fstWriterClose(writer);
}

}  // namespace nicsim::waves
