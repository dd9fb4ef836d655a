// OutputFile (testbench/io/include/io/output_file.hpp): what happens to every kind of path an output
// option can be given. Each test works in its own fresh directory under the temp folder.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/scratch_files.hpp"
#include "io/output_file.hpp"

namespace fs = std::filesystem;
using nicsim::io::check_output;
using nicsim::io::OutputFile;
using nicsim::io::OutputFileError;
using nicsim::io::plan_output;
using nicsim::io::write_output_file;

namespace {

fs::path fresh_dir(std::string const& name) {
    return nicsim::test::fresh_dir("output_file", name);
}
using nicsim::test::slurp;

/// Names in `dir` (temporaries included: they start with '.').
std::vector<std::string> entries(fs::path const& dir) {
    std::vector<std::string> out;
    for (auto const& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string error_of(auto&& fn) {
    try {
        fn();
    } catch (OutputFileError const& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("a new file is created whole, with 0666 minus the umask, and no temporary stays") {
    auto const d = fresh_dir("new");
    write_output_file(d / "out.json", "{}\n");
    CHECK(slurp(d / "out.json") == "{}\n");
    CHECK(entries(d) == std::vector<std::string>{"out.json"});
    mode_t const mask = ::umask(0);
    ::umask(mask);
    struct stat st {};
    REQUIRE(::stat((d / "out.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (0666 & ~mask));
}

TEST_CASE("an existing file keeps its old contents until commit, then holds only the new ones") {
    auto const d = fresh_dir("replace");
    std::ofstream(d / "run.json") << "old contents, longer than the new ones";
    ::chmod((d / "run.json").c_str(), 0640);
    {
        OutputFile f(d / "run.json");
        f.write("new");
        CHECK(slurp(d / "run.json") == "old contents, longer than the new ones");
        CHECK(f.write_path().parent_path() == d);
        CHECK(f.write_path() != d / "run.json");
        f.commit();
    }
    CHECK(slurp(d / "run.json") == "new");
    struct stat st {};
    REQUIRE(::stat((d / "run.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);  // the old file's permissions
    CHECK(entries(d) == std::vector<std::string>{"run.json"});
}

TEST_CASE("without commit the target is untouched and the temporary is removed") {
    auto const d = fresh_dir("abandon");
    std::ofstream(d / "keep.pcap") << "previous run";
    {
        OutputFile f(d / "keep.pcap");
        f.write("half of a new file");
        CHECK(fs::exists(f.write_path()));
    }
    CHECK(slurp(d / "keep.pcap") == "previous run");
    CHECK(entries(d) == std::vector<std::string>{"keep.pcap"});
    {
        OutputFile f(d / "never.pcap");  // nothing was there: nothing is left
    }
    CHECK(entries(d) == std::vector<std::string>{"keep.pcap"});
}

TEST_CASE("a symlink is followed: its target gets the bytes, the link stays a link") {
    auto const d = fresh_dir("symlink");
    fs::create_directories(d / "real");
    std::ofstream(d / "real" / "data.json") << "old";
    fs::create_symlink("real/data.json", d / "link.json");
    fs::create_symlink("link.json", d / "link2.json");  // a chain
    write_output_file(d / "link2.json", "new");
    CHECK(fs::is_symlink(d / "link.json"));
    CHECK(fs::is_symlink(d / "link2.json"));
    CHECK(slurp(d / "real" / "data.json") == "new");
    CHECK(entries(d / "real") == std::vector<std::string>{"data.json"});
    CHECK(plan_output(d / "link2.json").target == d / "real/data.json");
}

TEST_CASE("a dangling symlink names the file to create") {
    auto const d = fresh_dir("dangling");
    fs::create_symlink("made.csv", d / "link.csv");
    write_output_file(d / "link.csv", "a,b\n");
    CHECK(fs::is_symlink(d / "link.csv"));
    CHECK(slurp(d / "made.csv") == "a,b\n");
}

/// A private null device (1, 3) in `dir`: a test that goes wrong replaces this node, never the
/// system's /dev/null (as root, a writer that replaced its target did exactly that). Empty when
/// device nodes cannot be made here (not root): the caller skips.
fs::path private_null_device(fs::path const& dir) {
    auto const node = dir / "null";
    if (::mknod(node.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) != 0) return {};
    return node;
}

TEST_CASE("a character device is written in place, never replaced") {
    auto const d = fresh_dir("device");
    auto const dev = private_null_device(d);
    if (dev.empty()) {
        WARN("cannot make a device node here (not root): only the plan is checked");
        CHECK(plan_output("/dev/null").in_place);
        return;
    }
    CHECK(plan_output(dev).in_place);
    check_output(dev);
    write_output_file(dev, "discarded");
    struct stat st {};
    REQUIRE(::stat(dev.c_str(), &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK(entries(d) == std::vector<std::string>{"null"});
}

TEST_CASE("a writer that needs a regular file refuses a device, naming it") {
    // Only looks (plan_output): safe on the system's /dev/null.
    auto const msg = error_of([] { check_output("/dev/null", {.regular_only = true}); });
    CHECK_THAT(msg, Catch::StartsWith("/dev/null: is a character device, not a regular file"));
}

TEST_CASE("a FIFO is written in place") {
    auto const d = fresh_dir("fifo");
    auto const fifo = d / "pipe";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    check_output(fifo);  // does not wait for a reader
    CHECK(plan_output(fifo).in_place);
    pid_t const child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {  // the reader
        std::ifstream in(fifo);
        std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ::_exit(s == "through the pipe" ? 0 : 1);
    }
    write_output_file(fifo, "through the pipe");
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(entries(d) == std::vector<std::string>{"pipe"});
}

TEST_CASE("what cannot be an output is one error naming the path and what it is") {
    auto const d = fresh_dir("refused");
    CHECK(error_of([] { check_output(""); }) == "'': an empty file name");
    CHECK(error_of([&] { check_output(d); }) == fmt::format("{}: is a directory, not a regular file", d.string()));
    CHECK_THAT(error_of([&] { check_output(d / "missing" / "x.json"); }),
               Catch::StartsWith(
                   fmt::format("{}: no directory {}", (d / "missing/x.json").string(), (d / "missing").string())));
    fs::create_symlink("loop2", d / "loop1");
    fs::create_symlink("loop1", d / "loop2");
    CHECK(error_of([&] { check_output(d / "loop1"); }) ==
          fmt::format("{}: too many levels of symbolic links", (d / "loop1").string()));
    // A socket is neither a file nor a stream we may write to.
    int const s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(s >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    auto const sock = (d / "sock").string();
    REQUIRE(sock.size() < sizeof addr.sun_path);
    std::strcpy(addr.sun_path, sock.c_str());
    REQUIRE(::bind(s, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) == 0);
    CHECK(error_of([&] { check_output(sock); }) == fmt::format("{}: is a socket, not a regular file", sock));
    ::close(s);
    // Nothing was created by any of these checks.
    CHECK(entries(d) == std::vector<std::string>{"loop1", "loop2", "sock"});
}

TEST_CASE("a file in a directory that cannot take a new file is refused before anything is written") {
    // /proc/version is a regular file in a directory where no file can be created (even by root).
    auto const msg = error_of([] { check_output("/proc/version"); });
    CHECK_THAT(msg, Catch::StartsWith("/proc/version: "));
    CHECK(msg != "(no error)");
}

TEST_CASE("a target that became a non-file before commit is not replaced") {
    auto const d = fresh_dir("raced");
    {
        OutputFile f(d / "out.json");
        f.write("x");
        fs::create_directory(d / "out.json");  // someone put a directory there meanwhile
        CHECK_THAT(error_of([&] { f.commit(); }), Catch::Contains("is now a directory: not replaced"));
    }
    CHECK(fs::is_directory(d / "out.json"));
    CHECK(entries(d) == std::vector<std::string>{"out.json"});  // the temporary is gone
}
