#include "waves/select.hpp"

#include <fmt/format.h>

#include <regex>
#include <stdexcept>
#include <unordered_set>

namespace nicsim::waves {

namespace {

// Matches a class at p[0] == '['; returns the index after ']' or npos if the class is unclosed.
std::size_t match_class(std::string_view p, char c, bool& matched) {
    std::size_t i = 1;
    bool negate = false;
    if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
        negate = true;
        ++i;
    }
    bool hit = false;
    bool first = true;
    for (; i < p.size(); ++i) {
        if (p[i] == ']' && !first) {
            matched = hit != negate;
            return i + 1;
        }
        first = false;
        if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
            if (p[i] <= c && c <= p[i + 2]) hit = true;
            i += 2;
        } else if (p[i] == c) {
            hit = true;
        }
    }
    return std::string_view::npos;
}

}  // namespace

bool glob_match(std::string_view p, std::string_view t) {
    // Iterative matcher with one backtrack point for the last '*'.
    std::size_t pi = 0, ti = 0;
    std::size_t star_p = std::string_view::npos, star_t = 0;
    while (ti < t.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star_p = ++pi;
            star_t = ti;
            continue;
        }
        if (pi < p.size()) {
            if (p[pi] == '?') {
                ++pi;
                ++ti;
                continue;
            }
            if (p[pi] == '[') {
                bool matched = false;
                auto const next = match_class(p.substr(pi), t[ti], matched);
                if (next != std::string_view::npos) {
                    if (matched) {
                        pi += next;
                        ++ti;
                        continue;
                    }
                } else if (t[ti] == '[') {  // unclosed class: a literal '['
                    ++pi;
                    ++ti;
                    continue;
                }
            } else if (p[pi] == t[ti]) {
                ++pi;
                ++ti;
                continue;
            }
        }
        if (star_p == std::string_view::npos) return false;
        pi = star_p;
        ti = ++star_t;
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

std::vector<const Signal*> select_signals(FstFile const& file, std::span<const std::string> patterns,
                                          PatternKind kind) {
    std::vector<std::regex> regexes;
    if (kind == PatternKind::regex) {
        for (auto const& p : patterns) {
            try {
                regexes.emplace_back(p, std::regex::ECMAScript);
            } catch (std::regex_error const& e) {
                throw std::invalid_argument(fmt::format("bad regex '{}': {}", p, e.what()));
            }
        }
    }
    std::vector<const Signal*> out;
    std::unordered_set<std::uint32_t> handles;
    for (auto const& s : file.signals()) {
        bool hit = false;
        if (kind == PatternKind::glob) {
            for (auto const& p : patterns)
                if (glob_match(p, s.name) || glob_match(p, s.gtkw_name)) hit = true;
        } else {
            for (auto const& re : regexes)
                if (std::regex_search(s.name, re) || std::regex_search(s.gtkw_name, re)) hit = true;
        }
        if (hit && handles.insert(s.handle).second) out.push_back(&s);
    }
    return out;
}

}  // namespace nicsim::waves
