// The ring verifier: the checks NetAdapterCx runs around every driver Advance and Cancel
// (NETRING.md §7). The OS side (ringlib::os) owns one RingVerifier per queue and calls it:
//
//   on_os_handoff(ring, from, to)   right after the OS moved EndIndex (RX: poisons the new elements)
//   before(callback)                just before EvtAdvance / EvtCancel (snapshot)
//   after(callback)                 just after it (compare; throws VerifierViolation)
//
// A violation names the rule, its failure code, the queue, the ring, the element index and the
// values before and after the call.
#pragma once

#include <netadaptercx.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ringlib {

enum class QueueKind { Tx, Rx };

/// Stable failure codes, numbered as NetAdapterCx numbers its own (see ringlib/VERIFIER.md).
enum class FailureCode : std::uint32_t;

/// Human-readable name of a code ("BeginIndexOutOfRange"), for reports.
char const* failure_code_name(FailureCode code);

struct Violation {
    FailureCode code;
    std::string rule;      // the rule in words
    std::string queue;     // e.g. "rx0"
    std::string callback;  // "EvtAdvance", "EvtCancel"
    std::string ring;      // "packet", "fragment"
    std::uint32_t index;   // element index (or the ring index value for header rules)
    std::string before;    // value(s) before the call
    std::string after;     // value(s) after the call

    /// One multi-line report: "ring verifier: <rule> [code 0x.. Name] queue=..., ring=..., index=..."
    std::string report() const;
};

class VerifierViolation : public std::runtime_error {
public:
    explicit VerifierViolation(Violation violation);
    Violation const& violation() const noexcept { return violation_; }

private:
    Violation violation_;
};

/// Where the packet extensions the RX rules read live; absent ones are disabled extensions.
struct VerifiedExtensions {
    NET_EXTENSION checksum{};
    NET_EXTENSION hash{};
};

struct VerifiedQueue {
    std::string name;
    QueueKind kind;
    NET_RING_COLLECTION const* rings;
    VerifiedExtensions extensions;
};

class RingVerifier {
public:
    explicit RingVerifier(VerifiedQueue queue);
    ~RingVerifier();
    RingVerifier(RingVerifier const&) = delete;
    RingVerifier& operator=(RingVerifier const&) = delete;

    void set_enabled(bool enabled) noexcept;
    bool enabled() const noexcept;

    /// The OS just handed elements [from, to) of `ring` to the driver (it moved EndIndex).
    /// RX: packets are poisoned entirely, fragments' ValidLength is poisoned, so that a field the
    /// driver must write but did not is detectable after the call.
    void on_os_handoff(NET_RING_TYPE ring, std::uint32_t from, std::uint32_t to);

    void before(char const* callback);
    void after(char const* callback);  // throws VerifierViolation on the first broken rule

    /// Number of before/after pairs checked (a test can prove the verifier actually ran).
    std::uint64_t checks_run() const noexcept;

private:
    struct State;
    std::unique_ptr<State> state_;
};

/// Capabilities rule: a ring size hint must be a power of two (throws VerifierViolation).
void verify_ring_size_hint(std::string const& queue, char const* what, std::uint32_t hint);

}  // namespace ringlib
