// The main of the SystemC tests: Catch2 inside sc_main, one process per test case.
//
// SystemC elaborates one module hierarchy per process and cannot start a second simulation
// after the first (there is no supported way to reset the kernel), so each TEST_CASE, which
// builds and runs its own platform, must have a process to itself:
// - CTest already runs it that way: catch_discover_tests registers every test case as its own
//   test, which runs this executable with that test's name.
// - Run by hand without a test name, this main runs every test case in a child process of its
//   own (fork, then Catch2 with that one name) and reports each: `./systemc_tests` works.
// - With a test spec, tags or listing options it is plain Catch2 (one process): give one test
//   case name, or the second test case fails on elaboration, saying why.
//
// libsystemc provides main() and calls sc_main(), so Catch2 runs from here.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <systemc>  // declares sc_main extern "C"
#include <string>
#include <vector>

namespace {

std::string escaped_test_name(std::string const& name) {
    std::string out;
    for (char ch : name) {
        if (ch == ',' || ch == '[' || ch == ']' || ch == '\\' || ch == '*' || ch == '~' || ch == '"') out += '\\';
        out += ch;
    }
    return out;
}

bool plain_catch_run(Catch::ConfigData const& d) {
    return !d.testsOrTags.empty() || d.listTests || d.listTestNamesOnly || d.listTags || d.listReporters || d.showHelp;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
    // Every test ends its simulation with sc_stop(); that is not news.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    Catch::Session session;
    if (int const rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
    if (plain_catch_run(session.configData())) return session.run();

    std::vector<std::string> names;
    for (auto const& tc : Catch::getAllTestCasesSorted(session.config())) names.push_back(tc.name);
    int failed = 0;
    for (auto const& name : names) {
        std::fflush(nullptr);
        pid_t const pid = fork();
        if (pid < 0) {
            std::perror("fork");
            return 1;
        }
        if (pid == 0) {
            std::string const spec = escaped_test_name(name);
            std::vector<char*> child_argv{argv[0], const_cast<char*>(spec.c_str())};
            session.applyCommandLine(static_cast<int>(child_argv.size()), child_argv.data());
            int const rc = session.run();
            std::fflush(nullptr);
            _exit(rc == 0 ? 0 : 1);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        bool const ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!ok) ++failed;
        std::printf("%s: %s (own process)\n", ok ? "passed" : "FAILED", name.c_str());
    }
    std::printf("%zu test cases, each in its own process: %d failed\n", names.size(), failed);
    return failed == 0 ? 0 : 1;
}
