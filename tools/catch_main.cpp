// The single Catch2 main linked into every test executable of the project.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
