// run_isolated(): work done in a child process, so that a crash, an abort or an exit() inside it
// (a third-party library meeting a damaged file) ends the child and is reported to the caller,
// who carries on.
//
// The child is a fork() of the caller: `work` sees the caller's memory as it was and streams its
// results back through a RecordSink; the caller gets each record, in order, as it comes, through
// `on_record`. The child then ends with _exit(0), running none of the caller's exit handlers.
// In the child:
//   - the signals that report a crash (SEGV, BUS, FPE, ILL, ABRT, TRAP, SYS, XCPU, PIPE) take
//     their default action, and a sanitizer's death callback is cleared: handlers inherited from
//     the caller (a fuzzer's, which would save its input as a crash; a sanitizer's) must not act
//     there, the caller owns the verdict; no core file is written;
//   - exit() called inside `work` ends the child with that status and nothing else: the caller's
//     exit handlers and static destructors do not run there;
//   - stderr goes to a buffer the caller reads: its last line is reported (fstapi prints why it
//     gives up before it exits);
//   - a CPU-time limit ends work that loops forever;
//   - the child dies with its parent.
// An exception escaping `work` ends the child with status 1, its what() as the last line.
//
// POSIX fork() in a process with other threads: only the calling thread runs in the child; glibc
// keeps malloc usable there. Call it where no other thread holds a lock `work` needs, and not
// from two threads at once (one's child would hold the other's pipe open).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nicsim::waves {

// Child side: records go to the caller in order.
class RecordSink {
public:
    explicit RecordSink(int fd) : fd_(fd) {}
    RecordSink(RecordSink const&) = delete;
    RecordSink& operator=(RecordSink const&) = delete;
    void send(std::string_view record);
    void flush();

private:
    int fd_;
    std::vector<char> buffer_;
};

struct IsolatedFailure {
    std::string how;   // "was killed by SIGSEGV", "exited with status 255", "used up its 30 s of CPU time"
    std::string said;  // the last line it wrote to stderr, control characters escaped ("" if none)
    int signal = 0;    // the signal that ended it, 0 if it exited
};

// Runs `work` in a child process (see the top of this file). Returns nothing when the child
// finished `work`, else how it ended. Throws std::system_error when no child can be started, and
// rethrows what `on_record` throws (the child is killed and reaped first).
std::optional<IsolatedFailure> run_isolated(std::function<void(RecordSink&)> const& work,
                                            std::function<void(std::string_view)> const& on_record,
                                            unsigned cpu_seconds);

}  // namespace nicsim::waves
