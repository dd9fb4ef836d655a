// Test helper: run a shell command (the nicsim binary, a Wireshark tool) and collect its exit
// status and everything it printed, stdout and stderr together, for tests of command lines.
#pragma once

#include <cstdio>
#include <string>

#include <catch2/catch.hpp>
#include <sys/wait.h>

namespace nicsim::test {

struct CommandResult {
    int status = -1;     // exit status; -1 when the command did not exit normally (a signal)
    std::string output;  // stdout and stderr, interleaved as written
};

inline CommandResult run_command(std::string const& cmd) {
    CommandResult r;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    int const st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace nicsim::test
