// contractgen: writes every derived form of the hardware/driver contract from
// contract/nic_contract.def (compiled in as an X-macro include):
//
//   contractgen [--sv rtl/nic_pkg.sv] [--hpp <dir>/nic_contract.hpp]
//               [--doc docs/contract.md [--doc-out <file>]]
//
// --sv   the SystemVerilog package (yosys 0.23 subset: localparams, typedef enum, typedef struct
//        packed with fields MSB first)
// --hpp  the C++ header, namespace nicsim::contract
// --doc  rewrites the generated tables of the markdown file between its
//        `<!-- contractgen:NAME:begin -->` / `<!-- contractgen:NAME:end -->` markers, keeping
//        everything else; the result goes to --doc-out (default: the same file)
//
// The contract is validated first (struct fields tile their struct exactly, enum values fit and
// are unique, registers are word-aligned, inside their block and do not overlap, fields inside
// 32 bits and disjoint, reset values inside the fields); any violation is an error and nothing is
// written. A file whose content would not change is not touched.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---- pass 1: the constants, as C++ constants, so register reset expressions can use them ----
namespace def {
// Sentinel for a reset value that is an RTL parameter.
inline constexpr std::uint64_t kParam = 0x1'0000'0000ull;
#define NIC_PARAM(x) kParam
#define NIC_SECTION(title)
#define NIC_CONST_INT(name, value, doc) inline constexpr std::int64_t name = (value);
#define NIC_CONST_BITS(name, width, value, doc) inline constexpr std::uint64_t name = (value);
#define NIC_REG(block, name, offset, count, access, reset, doc)
#define NIC_REG_FIELD(reg, name, msb, lsb, doc)
#define NIC_ENUM(type, width, doc)
#define NIC_ENUM_VALUE(type, name, value, doc)
#define NIC_STRUCT(type, width, doc)
#define NIC_FIELD(type, name, msb, lsb, ctype, doc)
#include "nic_contract.def"
#undef NIC_SECTION
#undef NIC_CONST_INT
#undef NIC_CONST_BITS
#undef NIC_REG
#undef NIC_REG_FIELD
#undef NIC_ENUM
#undef NIC_ENUM_VALUE
#undef NIC_STRUCT
#undef NIC_FIELD
}  // namespace def

// ---- pass 2: the contract as data ----
enum class Kind { Section, ConstInt, ConstBits, Reg, RegField, Enum, EnumValue, Struct, Field };

struct Item {
    Kind kind{};
    std::string owner{};  // register, enum or struct a field/value belongs to; block of a register
    std::string name{};
    std::int64_t value = 0;  // constant value, enum value, register offset
    unsigned width = 0;      // bits of a constant, enum or struct
    unsigned msb = 0;
    unsigned lsb = 0;
    unsigned count = 1;  // words of a register
    std::string access{};
    std::uint64_t reset = 0;
    std::string reset_expr{};
    std::string ctype{};
    std::string doc{};
};

std::vector<Item> load() {
    using namespace def;
    std::vector<Item> items;
#define NIC_SECTION(title) items.push_back(Item{.kind = Kind::Section, .name = title});
#define NIC_CONST_INT(n, v, d) \
    items.push_back(Item{.kind = Kind::ConstInt, .name = #n, .value = (v), .width = 32, .doc = d});
#define NIC_CONST_BITS(n, w, v, d) \
    items.push_back(               \
        Item{.kind = Kind::ConstBits, .name = #n, .value = static_cast<std::int64_t>(v), .width = (w), .doc = d});
#define NIC_REG(block, n, offset, cnt, acc, rst, d)                \
    items.push_back(Item{.kind = Kind::Reg,                        \
                         .owner = #block,                          \
                         .name = #n,                               \
                         .value = (offset),                        \
                         .count = (cnt),                           \
                         .access = #acc,                           \
                         .reset = static_cast<std::uint64_t>(rst), \
                         .reset_expr = #rst,                       \
                         .doc = d});
#define NIC_REG_FIELD(reg, n, m, l, d) \
    items.push_back(Item{.kind = Kind::RegField, .owner = #reg, .name = #n, .msb = (m), .lsb = (l), .doc = d});
#define NIC_ENUM(type, w, d) items.push_back(Item{.kind = Kind::Enum, .name = #type, .width = (w), .doc = d});
#define NIC_ENUM_VALUE(type, n, v, d) \
    items.push_back(Item{.kind = Kind::EnumValue, .owner = #type, .name = #n, .value = (v), .doc = d});
#define NIC_STRUCT(type, w, d) items.push_back(Item{.kind = Kind::Struct, .name = #type, .width = (w), .doc = d});
#define NIC_FIELD(type, n, m, l, ct, d) \
    items.push_back(                    \
        Item{.kind = Kind::Field, .owner = #type, .name = #n, .msb = (m), .lsb = (l), .ctype = #ct, .doc = d});
#include "nic_contract.def"
    return items;
}

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what);
}

std::vector<const Item*> children(const std::vector<Item>& items, Kind kind, const std::string& owner) {
    std::vector<const Item*> out;
    for (const auto& it : items) {
        if (it.kind == kind && it.owner == owner) out.push_back(&it);
    }
    return out;
}

const Item* find(const std::vector<Item>& items, Kind kind, const std::string& name) {
    for (const auto& it : items) {
        if (it.kind == kind && it.name == name) return &it;
    }
    return nullptr;
}

unsigned block_span(const std::string& block) {
    if (block == "GLOBAL") return 0x1000;
    if (block == "RING") return 0x40;
    if (block == "IRQ") return 0x40;
    fail(fmt::format("unknown register block {}", block));
}

unsigned block_offset_bits(const std::string& block) {
    return block == "GLOBAL" ? 16 : 6;
}

bool is_param(const Item& reg) {
    return reg.reset == def::kParam;
}

std::string param_name(const Item& reg) {
    // "NIC_PARAM(DATA_WIDTH)" -> "DATA_WIDTH"
    const auto open = reg.reset_expr.find('(');
    const auto close = reg.reset_expr.rfind(')');
    return reg.reset_expr.substr(open + 1, close - open - 1);
}

std::uint64_t field_mask(unsigned msb, unsigned lsb) {
    const unsigned width = msb - lsb + 1;
    const std::uint64_t low = width >= 64 ? ~0ull : (1ull << width) - 1;
    return low << lsb;
}

void validate(const std::vector<Item>& items) {
    std::map<std::string, int> names;
    for (const auto& it : items) {
        if (it.kind == Kind::Section || it.kind == Kind::RegField || it.kind == Kind::Field) continue;
        if (names[it.name]++ != 0) fail(fmt::format("{} is defined twice", it.name));
    }
    for (const auto& it : items) {
        switch (it.kind) {
        case Kind::ConstBits:
            if (it.width == 0 || it.width > 64 ||
                (it.width < 64 && (static_cast<std::uint64_t>(it.value) >> it.width) != 0)) {
                fail(fmt::format("constant {} does not fit in {} bits", it.name, it.width));
            }
            break;
        case Kind::Enum: {
            const auto values = children(items, Kind::EnumValue, it.name);
            if (values.empty()) fail(fmt::format("enum {} has no values", it.name));
            std::map<std::int64_t, std::string> seen;
            for (const auto* v : values) {
                if (v->value < 0 || (static_cast<std::uint64_t>(v->value) >> it.width) != 0) {
                    fail(fmt::format("{} = {} does not fit enum {} of {} bits", v->name, v->value, it.name, it.width));
                }
                if (!seen.emplace(v->value, v->name).second) {
                    fail(fmt::format("{} and {} share value {}", seen[v->value], v->name, v->value));
                }
            }
            break;
        }
        case Kind::EnumValue:
            if (!find(items, Kind::Enum, it.owner)) fail(fmt::format("{}: unknown enum {}", it.name, it.owner));
            break;
        case Kind::Struct: {
            auto fields = children(items, Kind::Field, it.name);
            std::vector<int> owner(it.width, -1);
            for (std::size_t i = 0; i < fields.size(); ++i) {
                const auto* f = fields[i];
                if (f->msb < f->lsb || f->msb >= it.width) {
                    fail(fmt::format("{}.{} [{}:{}] is outside the struct's {} bits", it.name, f->name, f->msb, f->lsb,
                                     it.width));
                }
                if (f->msb - f->lsb + 1 > 64) fail(fmt::format("{}.{} is wider than 64 bits", it.name, f->name));
                if (f->ctype != "NIC_UINT") {
                    const auto* e = find(items, Kind::Enum, f->ctype);
                    if (!e) fail(fmt::format("{}.{}: unknown type {}", it.name, f->name, f->ctype));
                    if (e->width != f->msb - f->lsb + 1) {
                        fail(fmt::format("{}.{} is {} bits but {} is {}", it.name, f->name, f->msb - f->lsb + 1,
                                         e->name, e->width));
                    }
                }
                for (unsigned b = f->lsb; b <= f->msb; ++b) {
                    if (owner[b] >= 0)
                        fail(fmt::format("{}: bit {} is in both {} and {}", it.name, b, fields[owner[b]]->name,
                                         f->name));
                    owner[b] = static_cast<int>(i);
                }
            }
            for (unsigned b = 0; b < it.width; ++b) {
                if (owner[b] < 0)
                    fail(fmt::format("{}: bit {} belongs to no field (name reserved bits rsvd*)", it.name, b));
            }
            break;
        }
        case Kind::Field:
            if (!find(items, Kind::Struct, it.owner)) fail(fmt::format("{}: unknown struct {}", it.name, it.owner));
            break;
        case Kind::Reg: {
            const unsigned span = block_span(it.owner);
            if (it.value % 4 != 0) fail(fmt::format("{} at 0x{:X} is not word aligned", it.name, it.value));
            if (it.count == 0 || static_cast<unsigned>(it.value) + 4 * it.count > span) {
                fail(fmt::format("{} does not fit in its {} block", it.name, it.owner));
            }
            if (it.access != "RO" && it.access != "RW" && it.access != "RW1C" && it.access != "WO") {
                fail(fmt::format("{}: unknown access {}", it.name, it.access));
            }
            for (const auto& other : items) {
                if (&other == &it || other.kind != Kind::Reg || other.owner != it.owner) continue;
                const bool overlap = other.value < it.value + 4 * static_cast<std::int64_t>(it.count) &&
                                     it.value < other.value + 4 * static_cast<std::int64_t>(other.count);
                if (overlap) fail(fmt::format("registers {} and {} overlap", it.name, other.name));
            }
            std::uint64_t used = 0;
            for (const auto* f : children(items, Kind::RegField, it.name)) {
                if (f->msb < f->lsb || f->msb > 31) fail(fmt::format("{}.{} is outside 32 bits", it.name, f->name));
                const auto m = field_mask(f->msb, f->lsb);
                if (used & m) fail(fmt::format("{}.{} overlaps another field", it.name, f->name));
                used |= m;
            }
            if (!is_param(it)) {
                if (it.reset > 0xFFFF'FFFFull) fail(fmt::format("{}: reset value wider than 32 bits", it.name));
                if (!children(items, Kind::RegField, it.name).empty() && (it.reset & ~used) != 0) {
                    fail(fmt::format("{}: reset value 0x{:X} sets reserved bits", it.name, it.reset));
                }
            }
            break;
        }
        case Kind::RegField:
            if (!find(items, Kind::Reg, it.owner)) fail(fmt::format("{}: unknown register {}", it.name, it.owner));
            break;
        default: break;
        }
    }
}

// ---- SystemVerilog ----

std::string sv_hex(unsigned width, std::uint64_t value) {
    std::string digits = fmt::format("{:0{}X}", value, (width + 3) / 4);
    if (digits.size() > 4) {  // 4E49_4353 reads better
        std::string grouped;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (i != 0 && (digits.size() - i) % 4 == 0) grouped += '_';
            grouped += digits[i];
        }
        digits = grouped;
    }
    return fmt::format("{}'h{}", width, digits);
}

std::string bits_text(unsigned msb, unsigned lsb) {
    return msb == lsb ? fmt::format("[{}]", msb) : fmt::format("[{}:{}]", msb, lsb);
}

std::string sv_logic(unsigned width) {
    return width == 1 ? "logic" : fmt::format("logic [{}:0]", width - 1);
}

std::string reset_text(const Item& reg) {
    if (is_param(reg)) return fmt::format("parameter {}", param_name(reg));
    return fmt::format("0x{:X}", reg.reset);
}

std::string generate_sv(const std::vector<Item>& items) {
    std::string out;
    out +=
        "// nic_pkg: the hardware/driver contract as SystemVerilog constants and packed structs.\n"
        "// GENERATED by tools/contractgen from contract/nic_contract.def. Do not edit: change the .def\n"
        "// and run tools/regen-contract (a test fails while this file and the .def disagree).\n"
        "`default_nettype none\n\n"
        "// Every block uses only some of the contract's constants: unused ones are expected here, and\n"
        "// only here (the waiver covers this package, not the modules that import from it).\n"
        "/* verilator lint_off UNUSEDPARAM */\n"
        "package nic_pkg;\n";

    // Declarations of one section are aligned as a group.
    struct Line {
        std::string type, name, value, comment;
    };
    std::vector<Line> group;
    auto flush = [&] {
        std::size_t tw = 0, nw = 0, vw = 0;
        for (const auto& l : group) {
            tw = std::max(tw, l.type.size());
            nw = std::max(nw, l.name.size());
            vw = std::max(vw, l.value.size());
        }
        for (const auto& l : group) {
            std::string line = fmt::format("  localparam {:<{}} {:<{}} = {};", l.type, tw, l.name, nw, l.value);
            if (!l.comment.empty())
                line = fmt::format("{:<{}}  // {}", line, 2 + 11 + tw + 1 + nw + 3 + vw + 1, l.comment);
            out += line + "\n";
        }
        group.clear();
    };

    for (const auto& it : items) {
        switch (it.kind) {
        case Kind::Section:
            flush();
            out += fmt::format("\n  // ---- {} ----\n", it.name);
            break;
        case Kind::ConstInt: group.push_back({"int", it.name, fmt::format("{}", it.value), it.doc}); break;
        case Kind::ConstBits:
            group.push_back(
                {sv_logic(it.width), it.name, sv_hex(it.width, static_cast<std::uint64_t>(it.value)), it.doc});
            break;
        case Kind::Reg: {
            const unsigned bits = block_offset_bits(it.owner);
            std::string comment = fmt::format("{}, reset {}", it.access, reset_text(it));
            if (it.count > 1) comment += fmt::format(", {} words", it.count);
            comment += ": " + it.doc;
            group.push_back({sv_logic(bits), it.name, sv_hex(bits, static_cast<std::uint64_t>(it.value)), comment});
            break;
        }
        case Kind::RegField:
            group.push_back({"int", fmt::format("{}_{}_LSB", it.owner, it.name), fmt::format("{}", it.lsb), it.doc});
            group.push_back(
                {"int", fmt::format("{}_{}_WIDTH", it.owner, it.name), fmt::format("{}", it.msb - it.lsb + 1), ""});
            break;
        case Kind::Enum: {
            flush();
            out += fmt::format("\n  // {}\n  typedef enum {} {{\n", it.doc, sv_logic(it.width));
            const auto values = children(items, Kind::EnumValue, it.name);
            std::size_t nw = 0;
            for (const auto* v : values) nw = std::max(nw, v->name.size());
            for (std::size_t i = 0; i < values.size(); ++i) {
                const auto* v = values[i];
                const std::string decl = fmt::format("    {:<{}} = {}{}", v->name, nw,
                                                     sv_hex(it.width, static_cast<std::uint64_t>(v->value)),
                                                     i + 1 < values.size() ? "," : "");
                out += fmt::format("{:<{}}  // {}\n", decl, 4 + nw + 3 + sv_hex(it.width, 0).size() + 1, v->doc);
            }
            out += fmt::format("  }} {};\n", it.name);
            break;
        }
        case Kind::Struct: {
            flush();
            out += fmt::format("\n  // {} ({} bits)\n  typedef struct packed {{\n", it.doc, it.width);
            auto fields = children(items, Kind::Field, it.name);
            std::sort(fields.begin(), fields.end(), [](const Item* a, const Item* b) { return a->msb > b->msb; });
            std::size_t tw = 0, nw = 0;
            for (const auto* f : fields) {
                tw = std::max(tw, sv_logic(f->msb - f->lsb + 1).size());
                nw = std::max(nw, f->name.size() + 1);
            }
            for (const auto* f : fields) {
                out += fmt::format("    {:<{}} {:<{}}  // {} {}\n", sv_logic(f->msb - f->lsb + 1), tw, f->name + ";",
                                   nw, bits_text(f->msb, f->lsb), f->doc);
            }
            out += fmt::format("  }} {};\n", it.name);
            break;
        }
        default: break;
        }
    }
    flush();
    out +=
        "\nendpackage\n"
        "/* verilator lint_on UNUSEDPARAM */\n\n"
        "`default_nettype wire\n";
    return out;
}

// ---- C++ ----

std::string cpp_uint(unsigned width) {
    if (width == 1) return "bool";
    if (width <= 8) return "std::uint8_t";
    if (width <= 16) return "std::uint16_t";
    if (width <= 32) return "std::uint32_t";
    return "std::uint64_t";
}

std::string cpp_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

bool is_reserved(const Item& field) {
    return field.name.rfind("rsvd", 0) == 0;
}

std::string generate_hpp(const std::vector<Item>& items) {
    std::string out;
    out +=
        "// nic_contract.hpp: the hardware/driver contract for C++ (driver, testbench, tests).\n"
        "// GENERATED by tools/contractgen from contract/nic_contract.def at build time. Do not edit.\n"
        "// Names are those of rtl/nic_pkg.sv. Structs are plain values; encode() gives the exact bytes\n"
        "// hardware reads from (or writes to) host memory and decode() reads them back.\n"
        "#pragma once\n\n"
        "#include <array>\n#include <cstddef>\n#include <cstdint>\n#include <span>\n#include <string_view>\n\n"
        "namespace nicsim::contract {\n\n"
        "// A bit field of a register or a struct.\n"
        "struct Field {\n"
        "  unsigned lsb;\n"
        "  unsigned width;\n"
        "  [[nodiscard]] constexpr std::uint64_t low_mask() const { return width >= 64 ? ~0ull : (1ull << width) - 1; "
        "}\n"
        "  [[nodiscard]] constexpr std::uint64_t mask() const { return low_mask() << lsb; }\n"
        "  [[nodiscard]] constexpr std::uint64_t get(std::uint64_t word) const { return (word >> lsb) & low_mask(); }\n"
        "  // `word` with this field replaced by `value` (truncated to the field).\n"
        "  [[nodiscard]] constexpr std::uint64_t put(std::uint64_t word, std::uint64_t value) const {\n"
        "    return (word & ~mask()) | ((value & low_mask()) << lsb);\n"
        "  }\n"
        "};\n\n"
        "namespace detail {\n"
        "// Little-endian bit addressing: bit b is bit b % 8 of byte b / 8. A field is moved one byte's\n"
        "// share at a time (at most 9 steps for 64 bits): the driver and the monitors encode and decode\n"
        "// descriptors and completions on every packet.\n"
        "template <std::size_t N>\n"
        "constexpr void put_bits(std::array<std::uint8_t, N>& raw, Field f, std::uint64_t value) {\n"
        "  value &= f.low_mask();\n"
        "  for (unsigned done = 0; done < f.width;) {\n"
        "    const unsigned bit = f.lsb + done;\n"
        "    const unsigned shift = bit % 8;\n"
        "    const unsigned take = (8 - shift < f.width - done) ? 8 - shift : f.width - done;\n"
        "    const unsigned ones = (1u << take) - 1u;\n"
        "    const unsigned part = static_cast<unsigned>(value >> done) & ones;\n"
        "    raw[bit / 8] = static_cast<std::uint8_t>((raw[bit / 8] & ~(ones << shift)) | (part << shift));\n"
        "    done += take;\n"
        "  }\n"
        "}\n"
        "template <std::size_t N>\n"
        "constexpr std::uint64_t get_bits(std::span<const std::uint8_t, N> raw, Field f) {\n"
        "  std::uint64_t value = 0;\n"
        "  for (unsigned done = 0; done < f.width;) {\n"
        "    const unsigned bit = f.lsb + done;\n"
        "    const unsigned shift = bit % 8;\n"
        "    const unsigned take = (8 - shift < f.width - done) ? 8 - shift : f.width - done;\n"
        "    const unsigned part = (static_cast<unsigned>(raw[bit / 8]) >> shift) & ((1u << take) - 1u);\n"
        "    value |= static_cast<std::uint64_t>(part) << done;\n"
        "    done += take;\n"
        "  }\n"
        "  return value;\n"
        "}\n"
        "}  // namespace detail\n\n"
        "enum class reg_block : std::uint8_t { GLOBAL, RING, IRQ };\n"
        "enum class reg_access : std::uint8_t { RO, RW, RW1C, WO };\n\n";

    for (const auto& it : items) {
        switch (it.kind) {
        case Kind::Section: out += fmt::format("// ---- {} ----\n\n", it.name); break;
        case Kind::ConstInt:
            out += fmt::format("inline constexpr int {} = {};  // {}\n", it.name, it.value, it.doc);
            break;
        case Kind::ConstBits:
            out += fmt::format("inline constexpr {} {} = 0x{:X};  // {}\n", cpp_uint(std::max(8u, it.width)), it.name,
                               it.value, it.doc);
            break;
        case Kind::Reg:
            out += fmt::format("inline constexpr {} {} = 0x{:X};  // {} {}\n",
                               it.owner == "GLOBAL" ? "std::uint16_t" : "std::uint8_t", it.name, it.value, it.access,
                               it.doc);
            break;
        case Kind::RegField:
            out += fmt::format("inline constexpr Field {}_{}{{{}, {}}};  // {}\n", it.owner, it.name, it.lsb,
                               it.msb - it.lsb + 1, it.doc);
            break;
        case Kind::Enum: {
            out += fmt::format("\n// {}\nenum class {} : std::uint8_t {{\n", it.doc, it.name);
            const auto values = children(items, Kind::EnumValue, it.name);
            for (const auto* v : values) out += fmt::format("  {} = 0x{:X},  // {}\n", v->name, v->value, v->doc);
            out += "};\n";
            out +=
                fmt::format("[[nodiscard]] constexpr std::string_view to_string({} v) {{\n  switch (v) {{\n", it.name);
            for (const auto* v : values)
                out += fmt::format("    case {}::{}: return \"{}\";\n", it.name, v->name, v->name);
            out += "  }\n  return \"(unknown)\";\n}\n\n";
            break;
        }
        case Kind::Struct: {
            const auto fields = children(items, Kind::Field, it.name);
            out += fmt::format("\n// {} ({} bytes)\nstruct {} {{\n", it.doc, it.width / 8, it.name);
            for (const auto* f : fields) {
                if (is_reserved(*f)) continue;
                const std::string type = f->ctype == "NIC_UINT" ? cpp_uint(f->msb - f->lsb + 1) : f->ctype;
                out += fmt::format("  {} {}{{}};  // [{}:{}] {}\n", type, f->name, f->msb, f->lsb, f->doc);
            }
            out += fmt::format("\n  static constexpr std::size_t bytes = {};\n", it.width / 8);
            out += "  // Bit positions of every field, reserved ones included.\n  struct bits {\n";
            for (const auto* f : fields) {
                out += fmt::format("    static constexpr Field {}{{{}, {}}};\n", f->name, f->lsb, f->msb - f->lsb + 1);
            }
            out += "  };\n\n";
            out += "  [[nodiscard]] constexpr std::array<std::uint8_t, bytes> encode() const {\n";
            out += "    std::array<std::uint8_t, bytes> raw{};\n";
            for (const auto* f : fields) {
                if (is_reserved(*f)) continue;
                out += fmt::format("    detail::put_bits(raw, bits::{}, static_cast<std::uint64_t>({}));\n", f->name,
                                   f->name);
            }
            out += "    return raw;\n  }\n";
            out += fmt::format(
                "  [[nodiscard]] static constexpr {} decode(std::span<const std::uint8_t, bytes> raw) {{\n", it.name);
            out += fmt::format("    {} v;\n", it.name);
            for (const auto* f : fields) {
                if (is_reserved(*f)) continue;
                const std::string type = f->ctype == "NIC_UINT" ? cpp_uint(f->msb - f->lsb + 1) : f->ctype;
                if (type == "bool") {
                    out += fmt::format("    v.{} = detail::get_bits(raw, bits::{}) != 0;\n", f->name, f->name);
                } else {
                    out += fmt::format("    v.{} = static_cast<{}>(detail::get_bits(raw, bits::{}));\n", f->name, type,
                                       f->name);
                }
            }
            out += "    return v;\n  }\n";
            out += fmt::format("  friend constexpr bool operator==(const {}&, const {}&) = default;\n}};\n", it.name,
                               it.name);
            // Bit-exactness spot checks, evaluated by the compiler: each field lands where the
            // layout says, and a round trip is lossless.
            for (const auto* f : fields) {
                if (is_reserved(*f)) continue;
                const std::string type = f->ctype == "NIC_UINT" ? cpp_uint(f->msb - f->lsb + 1) : f->ctype;
                const std::string one = type == "bool" ? "true" : fmt::format("static_cast<{}>(1)", type);
                out += fmt::format(
                    "static_assert([] {{ {} v; v.{} = {}; return v.encode()[{}] == (1u << {}); }}(),\n"
                    "              \"{}.{} must start at bit {}\");\n",
                    it.name, f->name, one, f->lsb / 8, f->lsb % 8, it.name, f->name, f->lsb);
            }
            break;
        }
        default: break;
        }
    }

    // The register map as a table, for tests and tools that walk every register.
    std::size_t nregs = 0, nfields = 0;
    for (const auto& it : items) {
        nregs += it.kind == Kind::Reg;
        nfields += it.kind == Kind::RegField;
    }
    out +=
        "\n// ---- the register map as data ----\n\n"
        "struct reg_info {\n"
        "  std::string_view name;\n"
        "  reg_block block;\n"
        "  std::uint16_t offset;    // inside its block (GLOBAL: absolute)\n"
        "  std::uint16_t count;     // consecutive 32-bit words\n"
        "  reg_access access;\n"
        "  std::uint32_t reset;     // meaningless if reset_param is not empty\n"
        "  std::string_view reset_param;  // RTL parameter the reset value is, e.g. \"NUM_QUEUES\"\n"
        "  std::uint32_t field_mask;  // bits that belong to a field (others are reserved: read 0)\n"
        "  std::string_view doc;\n"
        "};\n\n"
        "struct reg_field_info {\n"
        "  std::string_view reg;\n"
        "  std::string_view name;\n"
        "  Field bits;\n"
        "  std::string_view doc;\n"
        "};\n\n";
    out += fmt::format("inline constexpr std::array<reg_info, {}> registers{{{{\n", nregs);
    for (const auto& it : items) {
        if (it.kind != Kind::Reg) continue;
        std::uint64_t mask = 0;
        const auto fields = children(items, Kind::RegField, it.name);
        for (const auto* f : fields) mask |= field_mask(f->msb, f->lsb);
        if (fields.empty()) mask = 0xFFFF'FFFFull;
        out += fmt::format("    {{{}, reg_block::{}, 0x{:X}, {}, reg_access::{}, 0x{:X}, {}, 0x{:X}, {}}},\n",
                           cpp_string(it.name), it.owner, it.value, it.count, it.access, is_param(it) ? 0 : it.reset,
                           cpp_string(is_param(it) ? param_name(it) : ""), mask, cpp_string(it.doc));
    }
    out += "}};\n\n";
    out += fmt::format("inline constexpr std::array<reg_field_info, {}> register_fields{{{{\n", nfields);
    for (const auto& it : items) {
        if (it.kind != Kind::RegField) continue;
        out += fmt::format("    {{{}, {}, Field{{{}, {}}}, {}}},\n", cpp_string(it.owner), cpp_string(it.name), it.lsb,
                           it.msb - it.lsb + 1, cpp_string(it.doc));
    }
    out += "}};\n\n";

    // The enums as data: waves tools name enum-typed signals with them, with no RTL at hand.
    out +=
        "// ---- the enums as data (names and widths of rtl/nic_pkg.sv) ----\n\n"
        "struct enum_literal_info {\n"
        "  std::string_view name;\n"
        "  std::uint64_t value;\n"
        "};\n\n"
        "struct enum_info {\n"
        "  std::string_view name;  // the SystemVerilog type, e.g. \"err_e\"\n"
        "  unsigned width;         // bits of its base type\n"
        "  std::span<const enum_literal_info> literals;  // in declaration order\n"
        "};\n\n"
        "namespace detail {\n";
    std::size_t nenums = 0;
    for (const auto& it : items) {
        if (it.kind != Kind::Enum) continue;
        ++nenums;
        const auto values = children(items, Kind::EnumValue, it.name);
        out +=
            fmt::format("inline constexpr std::array<enum_literal_info, {}> {}_literals{{{{\n", values.size(), it.name);
        for (const auto* v : values) out += fmt::format("    {{{}, 0x{:X}}},\n", cpp_string(v->name), v->value);
        out += "}};\n";
    }
    out += "}  // namespace detail\n\n";
    out += fmt::format("inline constexpr std::array<enum_info, {}> enums{{{{\n", nenums);
    for (const auto& it : items)
        if (it.kind == Kind::Enum)
            out += fmt::format("    {{{}, {}, detail::{}_literals}},\n", cpp_string(it.name), it.width, it.name);
    out += "}};\n\n";
    out +=
        "// Byte address of register `offset` in block `ring_or_irq` (QREG_TX, QREG_RX, QREG_IRQ) of queue q.\n"
        "[[nodiscard]] constexpr std::uint16_t queue_reg(unsigned q, std::uint8_t ring_or_irq, std::uint8_t offset) {\n"
        "  return static_cast<std::uint16_t>(REG_QUEUE_BASE + q * REG_QUEUE_STRIDE + ring_or_irq + offset);\n"
        "}\n\n"
        "// ID_VERSION as software expects it.\n"
        "inline constexpr std::uint32_t CONTRACT_VERSION =\n"
        "    static_cast<std::uint32_t>(CONTRACT_MAJOR) << 16 | static_cast<std::uint32_t>(CONTRACT_MINOR);\n\n"
        "}  // namespace nicsim::contract\n";
    return out;
}

// ---- markdown tables ----

std::string md_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

std::string fields_text(const std::vector<Item>& items, const std::string& reg) {
    std::string out;
    for (const auto* f : children(items, Kind::RegField, reg)) {
        if (!out.empty()) out += "<br>";
        out += fmt::format("`{}` {}: {}", bits_text(f->msb, f->lsb), f->name, md_escape(f->doc));
    }
    return out;
}

std::string md_constants(const std::vector<Item>& items) {
    std::string out = "| name | value | meaning |\n|---|---|---|\n";
    for (const auto& it : items) {
        if (it.kind == Kind::ConstInt) out += fmt::format("| `{}` | {} | {} |\n", it.name, it.value, md_escape(it.doc));
        if (it.kind == Kind::ConstBits)
            out += fmt::format("| `{}` | 0x{:X} | {} |\n", it.name, it.value, md_escape(it.doc));
    }
    return out;
}

std::string md_registers(const std::vector<Item>& items, const std::string& block, std::string_view where) {
    std::string out =
        fmt::format("| offset{} | register | access | reset | fields / meaning |\n|---|---|---|---|---|\n", where);
    for (const auto& it : items) {
        if (it.kind != Kind::Reg || it.owner != block) continue;
        std::string offset = fmt::format("0x{:04X}", it.value);
        if (it.count > 1) offset += fmt::format("..0x{:04X}", it.value + 4 * (it.count - 1));
        std::string meaning = md_escape(it.doc);
        const std::string fields = fields_text(items, it.name);
        if (!fields.empty()) meaning += "<br>" + fields;
        out += fmt::format("| {} | `{}` | {} | {} | {} |\n", offset, it.name, it.access, reset_text(it), meaning);
    }
    return out;
}

std::string md_enums(const std::vector<Item>& items) {
    std::string out;
    for (const auto& it : items) {
        if (it.kind != Kind::Enum) continue;
        out += fmt::format("**`{}`** ({} bits): {}\n\n| value | name | meaning |\n|---|---|---|\n", it.name, it.width,
                           md_escape(it.doc));
        for (const auto* v : children(items, Kind::EnumValue, it.name)) {
            out += fmt::format("| 0x{:02X} | `{}` | {} |\n", v->value, v->name, md_escape(v->doc));
        }
        out += "\n";
    }
    if (!out.empty()) out.pop_back();
    return out;
}

std::string md_structs(const std::vector<Item>& items) {
    std::string out;
    for (const auto& it : items) {
        if (it.kind != Kind::Struct) continue;
        out += fmt::format("**`{}`** ({} bytes): {}\n\n| bits | bytes | field | meaning |\n|---|---|---|---|\n",
                           it.name, it.width / 8, md_escape(it.doc));
        auto fields = children(items, Kind::Field, it.name);
        std::sort(fields.begin(), fields.end(), [](const Item* a, const Item* b) { return a->lsb < b->lsb; });
        for (const auto* f : fields) {
            const std::string bytes = f->lsb / 8 == f->msb / 8 ? fmt::format("{}", f->lsb / 8)
                                                               : fmt::format("{}..{}", f->lsb / 8, f->msb / 8);
            out +=
                fmt::format("| {} | {} | `{}` | {} |\n", bits_text(f->msb, f->lsb), bytes, f->name, md_escape(f->doc));
        }
        out += "\n";
    }
    if (!out.empty()) out.pop_back();
    return out;
}

std::string rewrite_doc(const std::string& doc, const std::vector<Item>& items) {
    const std::map<std::string, std::string> tables{
        {"constants", md_constants(items)},
        {"registers-global", md_registers(items, "GLOBAL", "")},
        {"registers-ring", md_registers(items, "RING", " in ring block")},
        {"registers-irq", md_registers(items, "IRQ", " in IRQ block")},
        {"enums", md_enums(items)},
        {"structs", md_structs(items)},
    };
    std::string out = doc;
    for (const auto& [name, table] : tables) {
        const std::string begin = fmt::format("<!-- contractgen:{}:begin -->", name);
        const std::string end = fmt::format("<!-- contractgen:{}:end -->", name);
        const auto b = out.find(begin);
        const auto e = out.find(end);
        if (b == std::string::npos || e == std::string::npos || e < b) {
            fail(fmt::format("the document has no {} ... {} markers", begin, end));
        }
        const auto content = b + begin.size();
        out.replace(content, e - content, "\n" + table + "\n");
    }
    return out;
}

// ---- files ----

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(fmt::format("cannot read {}", path));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_if_changed(const std::string& path, const std::string& content) {
    {
        std::ifstream in(path, std::ios::binary);
        if (in) {
            std::ostringstream s;
            s << in.rdbuf();
            if (s.str() == content) return;
        }
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) fail(fmt::format("cannot write {}", path));
    out << content;
    if (!out) fail(fmt::format("error writing {}", path));
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<std::string> sv, hpp, doc, doc_out;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view arg = argv[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= argc) fail(fmt::format("{} needs a file name", arg));
                return argv[++i];
            };
            if (arg == "--sv") {
                sv = value();
            } else if (arg == "--hpp") {
                hpp = value();
            } else if (arg == "--doc") {
                doc = value();
            } else if (arg == "--doc-out") {
                doc_out = value();
            } else {
                fail(fmt::format("unknown argument {}; usage: contractgen [--sv F] [--hpp F] [--doc F [--doc-out F]]",
                                 arg));
            }
        }
        const auto items = load();
        validate(items);
        // Produce everything before writing anything, so a failure leaves no half-updated set.
        std::vector<std::pair<std::string, std::string>> outputs;
        if (sv) outputs.emplace_back(*sv, generate_sv(items));
        if (hpp) outputs.emplace_back(*hpp, generate_hpp(items));
        if (doc) outputs.emplace_back(doc_out.value_or(*doc), rewrite_doc(read_file(*doc), items));
        for (const auto& [path, content] : outputs) write_if_changed(path, content);
    } catch (const std::exception& e) {
        fmt::print(stderr, "contractgen: {}\n", e.what());
        return 1;
    }
    return 0;
}
