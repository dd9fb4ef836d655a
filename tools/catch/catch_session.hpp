// The two ways nicsim's test executables run Catch2 (its implementation is compiled once, in
// catch_session.cpp, CMake target nicsim_catch_session).
#pragma once

namespace nicsim::test {

/// Catch2 as its own main() would run it.
int run_catch(int argc, char* argv[]);

/// Catch2 with each test case in a process of its own, for code that can run only once per process
/// (SystemC elaborates one hierarchy per process and cannot start a second simulation):
/// - given no test name, runs every test case in a child process (fork, then Catch2 with that one
///   name), reports each ("passed: NAME (own process)") and fails if any failed;
/// - with a test spec, tags or a listing option it is plain Catch2 in this process (CTest's way:
///   catch_discover_tests registers every test case as its own test).
int run_catch_one_process_per_test(int argc, char* argv[]);

}  // namespace nicsim::test
