// ringlib/sections.hpp must compile on its own, twice, with nothing but -I ringlib/include (the
// build's standalone check globs *.h only, so the .hpp gets its own).
#include <ringlib/sections.hpp>
#include <ringlib/sections.hpp>  // and twice
