// Catch2's implementation, compiled once (CMake target nicsim_catch_session; it is the slowest file
// of the build to compile), and the runners of catch_session.hpp that need it.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "catch_session.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace nicsim::test {

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

int run_catch(int argc, char* argv[]) {
    return Catch::Session().run(argc, argv);
}

int run_catch_one_process_per_test(int argc, char* argv[]) {
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

}  // namespace nicsim::test
