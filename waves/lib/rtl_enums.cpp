#include "waves/rtl_enums.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "input_file.hpp"
#include "waves/nic_layout.hpp"
#include "nic_contract.hpp"

namespace nicsim::waves {

namespace {

std::string strip_comments(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.substr(i, 2) == "//") {
            while (i < text.size() && text[i] != '\n') ++i;
            out += '\n';
        } else if (text.substr(i, 2) == "/*") {
            auto const end = text.find("*/", i + 2);
            i = end == std::string_view::npos ? text.size() : end + 1;
            out += ' ';
        } else {
            out += text[i];
        }
    }
    return out;
}

std::optional<std::uint64_t> parse_number(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
            s.end());
    if (s.empty()) return std::nullopt;
    auto const tick = s.find('\'');
    int base = 10;
    std::string digits = s;
    if (tick != std::string::npos) {
        std::string rest = s.substr(tick + 1);
        if (!rest.empty() && (rest[0] == 's' || rest[0] == 'S')) rest.erase(0, 1);
        if (rest.empty()) return std::nullopt;
        switch (std::tolower(static_cast<unsigned char>(rest[0]))) {
        case 'h': base = 16; break;
        case 'd': base = 10; break;
        case 'b': base = 2; break;
        case 'o': base = 8; break;
        default: return std::nullopt;
        }
        digits = rest.substr(1);
    }
    if (digits.empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        std::uint64_t const v = std::stoull(digits, &used, base);
        if (used != digits.size()) return std::nullopt;
        return v;
    } catch (std::exception const&) {
        return std::nullopt;
    }
}

}  // namespace

const std::string* EnumType::literal(std::uint64_t value) const {
    for (auto const& [v, name] : values)
        if (v == value) return &name;
    return nullptr;
}

namespace {

bool is_word(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    return pos;
}

// The next `typedef enum` at or after `pos` (whole words, any whitespace between): the position
// just after `enum`, or npos.
std::size_t next_typedef_enum(std::string_view text, std::size_t pos) {
    for (;;) {
        pos = text.find("typedef", pos);
        if (pos == std::string_view::npos) return pos;
        std::size_t const at = pos, after = pos + 7;
        pos = after;
        if ((at > 0 && is_word(text[at - 1])) || after >= text.size() ||
            !std::isspace(static_cast<unsigned char>(text[after])))
            continue;
        std::size_t const e = skip_space(text, after);
        if (text.substr(e, 4) == "enum" && (e + 4 == text.size() || !is_word(text[e + 4]))) return e + 4;
    }
}

// Width of the base type and packed range between `enum` and `{` ("logic [3:0]", "int", ""), or
// nullopt when that text is not one.
std::optional<unsigned> enum_width(std::string const& head) {
    static const std::regex re(
        R"(\s*(logic|bit|reg|int|integer|byte|shortint|longint)?\s*(unsigned\s*)?(\[\s*(\d{1,9})\s*:\s*(\d{1,9})\s*\])?\s*)");
    std::smatch m;
    if (!std::regex_match(head, m, re)) return std::nullopt;
    std::string const base = m[1].str();
    if (m[3].matched) return static_cast<unsigned>(std::abs(std::stol(m[4].str()) - std::stol(m[5].str())) + 1);
    if (base == "logic" || base == "bit" || base == "reg") return 1;
    if (base == "byte") return 8;
    if (base == "shortint") return 16;
    if (base == "longint") return 64;
    return 32;
}

}  // namespace

std::vector<EnumType> parse_enums(std::string_view sv_text, std::string_view source) {
    // typedef enum [base type] [packed range] { body } name ;
    // Scanned piece by piece: one std::regex over the whole text recurses once per character of a
    // long body and overflows the stack (a 1.5 MB enum crashed it).
    std::string const text = strip_comments(sv_text);
    std::string_view const all(text);
    constexpr std::size_t kMaxHead = 256;  // "logic unsigned [31:0]" with room to spare
    std::vector<EnumType> out;
    for (std::size_t pos = next_typedef_enum(all, 0); pos != std::string_view::npos;
         pos = next_typedef_enum(all, pos)) {
        std::size_t const open = all.find('{', pos);
        if (open == std::string_view::npos || open - pos > kMaxHead) continue;
        auto const width = enum_width(std::string(all.substr(pos, open - pos)));
        std::size_t const close = all.find('}', open);
        if (!width || close == std::string_view::npos) continue;
        std::size_t name_begin = skip_space(all, close + 1), name_end = name_begin;
        while (name_end < all.size() && is_word(all[name_end])) ++name_end;
        std::size_t const semicolon = skip_space(all, name_end);
        if (name_end == name_begin || semicolon >= all.size() || all[semicolon] != ';') continue;
        EnumType e;
        e.name = std::string(all.substr(name_begin, name_end - name_begin));
        e.source = std::string(source);
        e.width = *width;
        std::uint64_t next = 0;
        std::stringstream body{std::string(all.substr(open + 1, close - open - 1))};
        std::string item;
        while (std::getline(body, item, ',')) {
            auto const eq = item.find('=');
            std::string name = item.substr(0, eq);
            name.erase(std::remove_if(name.begin(), name.end(),
                                      [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
                       name.end());
            if (name.empty()) continue;
            std::uint64_t value = next;
            if (eq != std::string::npos) {
                auto const v = parse_number(item.substr(eq + 1));
                if (!v) continue;  // an expression we do not evaluate: leave the literal out
                value = *v;
            }
            e.values.emplace_back(value, name);
            next = value + 1;
        }
        out.push_back(std::move(e));
        pos = semicolon + 1;
    }
    return out;
}

std::vector<EnumType> parse_enum_dir(std::filesystem::path const& dir) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (auto const& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".sv") files.push_back(entry.path());
    if (ec) throw std::runtime_error(fmt::format("{}: cannot list RTL files: {}", dir.string(), ec.message()));
    std::sort(files.begin(), files.end());
    std::vector<EnumType> out;
    for (auto const& f : files)
        for (auto& e : parse_enums(read_input_file(f), f.string())) out.push_back(std::move(e));
    return out;
}

std::vector<EnumType> contract_enums() {
    std::vector<EnumType> out;
    for (auto const& info : contract::enums) {
        EnumType e;
        e.name = info.name;
        e.width = info.width;
        e.source = "contract/nic_contract.def";
        for (auto const& literal : info.literals) e.values.emplace_back(literal.value, std::string(literal.name));
        out.push_back(std::move(e));
    }
    return out;
}

const EnumType* enum_for(Signal const& signal, std::span<const EnumType> enums) {
    if (!signal.enum_table.empty()) {
        // Dumpers may qualify the type (pkg::type_e, module.type_e): compare the last component.
        std::string_view t = signal.enum_table;
        auto const cut = t.find_last_of(".:");
        if (cut != std::string_view::npos) t = t.substr(cut + 1);
        for (auto const& e : enums)
            if (e.name == t) return &e;
    }
    for (auto const& rule : enum_rules()) {
        if (!rule.claims(signal.base_name())) continue;
        for (auto const& e : enums)
            if (e.name == rule.enum_type && e.width == signal.width) return &e;
    }
    return nullptr;
}

std::optional<std::uint64_t> bits_value(std::string_view bits) {
    if (bits.empty() || bits.size() > 64) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : bits) {
        if (c != '0' && c != '1') return std::nullopt;
        v = (v << 1) | static_cast<std::uint64_t>(c == '1');
    }
    return v;
}

}  // namespace nicsim::waves
