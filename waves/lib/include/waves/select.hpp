// Choosing signals by name: globs (default) or regexes.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fst/fst_file.hpp"

namespace nicsim::waves {

enum class PatternKind { glob, regex };

// Glob over the whole text: `*` any run of characters (dots included), `?` one character,
// `[abc]` / `[a-z]` / `[!abc]` a class; everything else literal.
bool glob_match(std::string_view pattern, std::string_view text);

// Signals whose full name (with or without its range) matches any pattern: globs must match the
// whole name, regexes (ECMAScript) may match anywhere (anchor with ^ $). File order; one signal
// per FST handle (aliases of a net already chosen are skipped). Throws std::invalid_argument
// naming a regex that does not compile.
std::vector<const Signal*> select_signals(FstFile const& file, std::span<const std::string> patterns, PatternKind kind);

}  // namespace nicsim::waves
