// ringlib/sections.hpp must compile on its own, twice, with nothing but ringlib's include folders
// (-I ringlib/include -I ringlib/extras; the build's standalone check globs include/*.h only).
#include <ringlib/sections.hpp>
#include <ringlib/sections.hpp>  // and twice
