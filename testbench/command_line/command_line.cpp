// The shared pieces of the CLI11 command lines: see command_line.hpp.
#include "command_line/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <utility>

#include <fmt/format.h>

namespace nicsim::command_line {

std::uint64_t read_whole_number(std::string_view text, std::uint64_t lo, std::uint64_t hi) {
    std::uint64_t value = 0;
    auto const* end = text.data() + text.size();
    auto const [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end)
        throw CLI::ValidationError(fmt::format("'{}' is not a non-negative integer", text));
    if (value < lo || value > hi) throw CLI::ValidationError(fmt::format("{} is not in {}..{}", text, lo, hi));
    return value;
}

double read_number(std::string_view text, double lo, double hi) {
    std::string const word(text);
    double value = 0;
    std::size_t used = 0;
    try {
        value = std::stod(word, &used);
    } catch (std::exception const&) {
        used = 0;
    }
    if (word.empty() || used != word.size() || !std::isfinite(value))
        throw CLI::ValidationError(fmt::format("'{}' is not a number", word));
    if (value < lo || value > hi) throw CLI::ValidationError(fmt::format("{} is not in {:g}..{:g}", word, lo, hi));
    return value;
}

CLI::Validator whole_number_in(std::uint64_t lo, std::uint64_t hi) {
    return CLI::Validator(
        [lo, hi](std::string& value) {
            value = std::to_string(read_whole_number(value, lo, hi));
            return std::string();
        },
        "");
}

CLI::Validator number_in(double lo, double hi) {
    return CLI::Validator(
        [lo, hi](std::string& value) {
            value = fmt::format("{:a}", read_number(value, lo, hi));
            return std::string();
        },
        "");
}

CLI::Validator not_empty(std::string problem) {
    return CLI::Validator([problem](std::string const& value) { return value.empty() ? problem : std::string(); }, "");
}

CLI::Validator one_of(std::vector<std::string> names) {
    std::string listed;  // "a, b or c"
    for (std::size_t i = 0; i < names.size(); ++i)
        listed += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    return CLI::Validator(
        [names, listed](std::string const& value) {
            for (auto const& name : names)
                if (value == name) return std::string();
            return fmt::format("'{}' is not {}", value, listed);
        },
        "");
}

CLI::Validator no_value() {
    // CLI11 hands a flag given alone the value "true", and "--flag=X" the value X.
    return CLI::Validator(
        [](std::string const& value) { return value == "true" ? std::string() : std::string("takes no value"); }, "");
}

void prepare(CLI::App& app, std::string operands, std::size_t column) {
    app.set_help_flag();
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.allow_extras();
    auto formatter = std::make_shared<HelpFormatter>(std::move(operands), column);
    app.formatter(formatter);
}

CLI::Option* add_help_flag(CLI::App& group, bool& help) {
    return group.add_flag("-h,--help", help, "this text")->check(no_value());
}

CLI::Option* add_word_list(CLI::App& app, std::string name, std::vector<std::string>& words, std::string description) {
    // Not a list that takes extra words (those get split): one that still expects more words
    // than a command line holds, so each operand is added to it on its own. With the last-value
    // policy (prepare()) nothing then asks for that many.
    constexpr int kMoreWordsThanAnyCommandLine = 1 << 24;
    return app.add_option(std::move(name), words, std::move(description))
        ->expected(kMoreWordsThanAnyCommandLine)
        ->allow_extra_args(false);
}

void parse(CLI::App& app, std::span<std::string const> args) {
    std::vector<std::string> words(args.begin(), args.end());
    bool options_end = false;  // after "--": operands only
    int values_due = 0;        // words still owed, as given, to the option before them (as CLI11 reads them)
    for (auto& word : words) {
        if (values_due > 0) {
            --values_due;
            continue;
        }
        if (!options_end && word == "--") {
            options_end = true;
            continue;
        }
        bool const operand = options_end || word.empty() || word[0] != '-';
        // CLI11 2.1.2 takes an empty word that is no option's value for the name of an option group
        // (they have none) and never returns. It goes on as '' (two quotes): refused by name as an
        // unknown word, or read as the (nonexistent) operand it is.
        if (word.empty()) word = "''";
        if (operand && app.get_prefix_command()) break;  // the words from here are the command's own
        if (operand || word.size() < 2) continue;
        // CLI11 splits a cluster of short options letter by letter and gives back the rest with a
        // '-' in front: "-h-" becomes "-h" and "--", which ends the options, and the empty words
        // after it loop as above. No nicsim option is a '-' after a letter: refused here.
        if (word[1] != '-' && word.find('-', 1) != std::string::npos)
            throw CLI::ValidationError(word, "not an option (a '-' after a short option's letter)");
        // CLI11 reads "--opt=" as "--opt" whose value is still to come: it would take the next word.
        if (word.size() > 3 && word.starts_with("--") && word.find('=') == word.size() - 1)
            throw CLI::ValidationError(word.substr(0, word.size() - 1), "no value after '='");
        if (word.find('=') == std::string::npos) {
            CLI::Option const* option = app.get_option_no_throw(word);
            values_due = option != nullptr ? std::max(option->get_items_expected_min(), 0) : 0;
        }
    }
    std::vector<std::string> reversed(words.rbegin(), words.rend());  // CLI11 takes the last word first
    app.parse(reversed);
}

std::optional<std::string> first_unexpected(CLI::App const& app) {
    if (app.remaining_size() == 0) return std::nullopt;
    for (auto const& word : app.remaining())
        if (word != "--") return word;  // "--" is CLI11's own mark: the options end there
    return std::nullopt;
}

HelpFormatter::HelpFormatter(std::string operands, std::size_t column) : operands_(std::move(operands)) {
    column_width(column);
}

std::string HelpFormatter::make_help(CLI::App const* app, std::string name, CLI::AppFormatMode) const {
    std::string text = fmt::format("usage: {} {}\n", name, operands_);
    if (!app->get_description().empty()) text += "\n" + app->get_description() + "\n";
    for (auto const& group : app->get_groups())
        text += make_section(group, app->get_options([&group](CLI::Option const* option) {
            return option->get_group() == group && option->nonpositional();
        }));
    for (auto const* group : app->get_subcommands([](CLI::App const* sub) { return sub->get_name().empty(); }))
        text += make_section(group->get_group(), group->get_options());
    if (!app->get_footer().empty()) text += "\n" + app->get_footer() + "\n";
    return text;
}

std::string HelpFormatter::make_section(std::string const& title,
                                        std::vector<CLI::Option const*> const& options) const {
    if (title.empty() || options.empty()) return "";  // a hidden group, or one without options
    std::string text = "\n" + title + ":\n";
    for (auto const* option : options) text += make_option(option, false);
    return text;
}

std::string HelpFormatter::make_option(CLI::Option const* option, bool positional) const {
    std::string const name = "  " + make_option_name(option, positional) + make_option_opts(option);
    std::string const column(column_width_, ' ');
    std::string text = name.size() + 2 <= column_width_ ? name + column.substr(name.size()) : name + "\n" + column;
    for (char const c : make_option_desc(option)) text += c == '\n' ? "\n" + column : std::string(1, c);
    return text + "\n";
}

std::string HelpFormatter::make_option_name(CLI::Option const* option, bool) const {
    std::vector<std::string> names;
    for (auto const& name : option->get_snames()) names.push_back("-" + name);
    for (auto const& name : option->get_lnames()) names.push_back("--" + name);
    return fmt::format("{}", fmt::join(names, ", "));
}

std::string HelpFormatter::make_option_opts(CLI::Option const* option) const {
    auto const value = option->get_type_name();  // a flag has none
    return option->get_type_size() == 0 || value.empty() ? "" : " " + value;
}

}  // namespace nicsim::command_line
