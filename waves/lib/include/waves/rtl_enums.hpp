// Enum types of the RTL (`typedef enum logic [W-1:0] { NAME = value, ... } type_e;`), and which
// enum a dumped signal holds, so viewers can show state names instead of numbers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fst/fst_file.hpp"

namespace nicsim::waves {

struct EnumType {
    std::string name;                                           // type name: err_e, state_e
    unsigned width = 32;                                        // bits of the base type
    std::vector<std::pair<std::uint64_t, std::string>> values;  // {value, literal}, source order
    std::string source;                                         // file it came from

    const std::string* literal(std::uint64_t value) const;
};

// Every `typedef enum` in one SystemVerilog text (comments ignored). Values may be sized
// literals (8'h0A, 2'd1, 2'b10), unsized ('h3, 12) or implicit (previous + 1, first 0).
std::vector<EnumType> parse_enums(std::string_view sv_text, std::string_view source = {});

// parse_enums over every *.sv file in `dir` (sorted by name); throws std::runtime_error if
// the folder cannot be read.
std::vector<EnumType> parse_enum_dir(std::filesystem::path const& dir);

// The enums of the hardware/driver contract (every typedef enum of rtl/nic_pkg.sv, generated
// from contract/nic_contract.def), built into the binary: what a trace of the NIC needs, with no
// RTL source at hand. Source "contract/nic_contract.def".
std::vector<EnumType> contract_enums();

// The enum `signal` holds: the dumper's enum table name when it names a known type, else the
// first enum_rules() entry matching the signal's base name whose type has the signal's width.
const EnumType* enum_for(Signal const& signal, std::span<const EnumType> enums);

// Bit string (MSB first) to a number; nullopt if any bit is not 0/1 or it is wider than 64.
std::optional<std::uint64_t> bits_value(std::string_view bits);

}  // namespace nicsim::waves
