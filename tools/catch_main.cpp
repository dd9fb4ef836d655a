// The single Catch2 main (CMake target nicsim_catch_main) linked into every Catch2 test executable,
// except systemc_tests, which has its own (systemc/tests/one_process_per_test_main.cpp).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
