// What the CLI11 command lines of `nicsim`, `nicsim run`, `nicsim regress` and the waves tool
// share: value checks worded as the commands word a bad value (CLI11 puts the option's name in
// front: "--packets: 'x' is not a non-negative integer"), the parse of an argument list, the
// unknown words it leaves, and one help layout.
//
// A check either returns what is wrong (a CLI::Validator) or throws CLI::ValidationError with it
// (the read_* functions, for an Option::each() that takes a value apart): CLI11 turns both into
// the same ValidationError, "NAME: PROBLEM".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace nicsim::command_line {

/// `text` as a whole number in lo..hi. Throws CLI::ValidationError: "'x' is not a non-negative
/// integer" or "N is not in lo..hi".
std::uint64_t read_whole_number(std::string_view text, std::uint64_t lo, std::uint64_t hi);

/// `text` as a finite number in lo..hi (as std::stod reads it). Throws CLI::ValidationError:
/// "'x' is not a number" or "X is not in lo..hi".
double read_number(std::string_view text, double lo, double hi);

/// For Option::transform(): read_whole_number(), the value then rewritten in plain decimal
/// (CLI11 converts integers with base 0: "010" would be octal).
CLI::Validator whole_number_in(std::uint64_t lo, std::uint64_t hi);

/// For Option::transform(): read_number(), the value then rewritten exactly as a hexadecimal
/// float, which CLI11's strtold reads back without rounding.
CLI::Validator number_in(double lo, double hi);

/// Refuses an empty value with `problem` ("needs a file name (got '')").
CLI::Validator not_empty(std::string problem);

/// One of `names`: else "'x' is not a, b or c".
CLI::Validator one_of(std::vector<std::string> names);

/// For a flag: "--flag=VALUE" is refused ("takes no value"), as a flag has no value to give.
CLI::Validator no_value();

/// Readies `app` for a command's options, before any option or option group is added (option
/// groups copy these settings when they are made):
///  - no CLI11 help flag: the command adds its own -h/--help (add_help_flag) and decides when
///    to show the help, after an unknown option has been refused;
///  - an option given twice keeps its last value; a repeatable one keeps every value;
///  - unknown words are left for first_unexpected() to name in the command's own words;
///  - the help layout of HelpFormatter, its option column `column` characters wide and the
///    usage line "usage: NAME OPERANDS".
void prepare(CLI::App& app, std::string operands, std::size_t column);

/// -h/--help into `help` ("this text"), in `group` (the command's app or one of its option groups).
CLI::Option* add_help_flag(CLI::App& group, bool& help);

/// A positional list of `words`: every operand left after the single ones, each word taken as
/// given. (CLI11's own positional list reads a whole word in brackets, "[a,b]", as the words a and
/// b: a glob's character class or a regex would be lost.)
CLI::Option* add_word_list(CLI::App& app, std::string name, std::vector<std::string>& words, std::string description);

/// Parses `args` (the words after the command's name) into `app`. Throws CLI::ParseError; an option
/// written "--opt=" with nothing after the '=' is refused ("--opt: no value after '='"). An empty
/// word that is no option's value reaches `app` as '' (two quotes): CLI11 2.1.2 loops forever on
/// an empty word it cannot place.
void parse(CLI::App& app, std::span<std::string const> args);

/// The first word `app` took for no option and no operand: an unknown option or a stray word.
std::optional<std::string> first_unexpected(CLI::App const& app);

/// The help text: the usage line, the description, each option group under its name, then the
/// footer. An option's line is "  -s, --long VALUE   description" (VALUE: its type name), the
/// description in its column (on the next line after a name too long for two spaces before it),
/// its own line breaks continued there.
class HelpFormatter : public CLI::Formatter {
public:
    HelpFormatter(std::string operands, std::size_t column);

    std::string make_help(CLI::App const* app, std::string name, CLI::AppFormatMode mode) const override;
    std::string make_option(CLI::Option const* option, bool positional) const override;
    std::string make_option_name(CLI::Option const* option, bool positional) const override;
    std::string make_option_opts(CLI::Option const* option) const override;

private:
    std::string make_section(std::string const& title, std::vector<CLI::Option const*> const& options) const;

    std::string operands_;
};

}  // namespace nicsim::command_line
