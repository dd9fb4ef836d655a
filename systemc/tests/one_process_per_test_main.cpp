// The main of the SystemC tests: Catch2 inside sc_main, one process per test case.
//
// SystemC elaborates one module hierarchy per process and cannot start a second simulation
// after the first (there is no supported way to reset the kernel), so each TEST_CASE, which
// builds and runs its own platform, must have a process to itself:
// - CTest already runs it that way: catch_discover_tests registers every test case as its own
//   test, which runs this executable with that test's name.
// - Run by hand without a test name, every test case runs in a child process of its own and is
//   reported: `./systemc_tests` works.
// - With a test spec, tags or listing options it is plain Catch2 (one process): give one test
//   case name, or the second test case fails on elaboration, saying why.
// (nicsim::test::run_catch_one_process_per_test, tools/catch/catch_session.hpp.)
//
// libsystemc provides main() and calls sc_main(), so Catch2 runs from here.
#include <systemc>  // declares sc_main extern "C"

#include "catch_session.hpp"

int sc_main(int argc, char* argv[]) {
    // Every test ends its simulation with sc_stop(); that is not news.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    return nicsim::test::run_catch_one_process_per_test(argc, argv);
}
