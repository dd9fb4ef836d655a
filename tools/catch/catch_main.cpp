// The main() of every Catch2 test executable (CMake target nicsim_catch_main) except systemc_tests,
// which has its own; Catch2 itself is in nicsim_catch_session (catch_session.cpp).
#include "catch_session.hpp"

int main(int argc, char* argv[]) {
    return nicsim::test::run_catch(argc, argv);
}
