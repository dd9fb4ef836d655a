// The ring verifier: the checks NetAdapterCx runs around every driver Advance and Cancel
// (docs/netring.md §7). The OS side (ringlib::os) owns one RingVerifier per queue and calls it:
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

/// Stable failure codes. Codes NetAdapterCx also has carry its number and its name (from its
/// FailureCode enum, current numbering: the ring codes run 0x32..0x4e); rules NetCx does not check
/// get a number from 0x1000 up, outside anything NetCx uses. ringlib/VERIFIER.md has the table.
enum class FailureCode : std::uint32_t {
    // --- NetAdapterCx numbers ---
    NotPowerOfTwo = 0x1a,                             // capabilities: a ring size hint
    InvalidRingImmutable = 0x32,                      // header bytes before BeginIndex changed
    InvalidRingImmutableFrameworkElement = 0x33,      // an OS-owned element changed
    InvalidRingImmutableDriverTxPacket = 0x34,        // TX packet changed beyond Scratch
    InvalidRingImmutableDriverTxFragment = 0x35,      // TX fragment changed beyond Scratch
    InvalidRingImmutableDriverRxPacketIgnore = 0x36,  // an Ignore RX packet changed otherwise
    InvalidRingModifiedRxPacket = 0x37,               // RX packet reserved bits changed
    InvalidRingModifiedRxFragment = 0x38,             // NetCx's name; raised when ValidLength was NOT written
    InvalidRingUnmodifiedRxPacket = 0x39,             // returned RX packet left (partly) unwritten
    InvalidRingUnmodifiedRxFragment = 0x3a,           // NetCx's name; raised when Capacity/Bounced DID change
    InvalidRingBeginIndex = 0x3b,                     // BeginIndex backward, past EndIndex or out of range
    InvalidRingRxPacketFragmentCountZero = 0x3c,
    InvalidRingRxPacketFragmentCountOutOfRange = 0x3d,
    InvalidRingRxPacketFragmentIndexOutOfPreRange = 0x3e,
    InvalidRingRxPacketFragmentCountOutOfPreRange = 0x3f,
    InvalidRingRxPacketFragmentIndexOutOfPostRange = 0x40,
    InvalidRingRxPacketFragmentCountOutOfPostRange = 0x41,
    InvalidRingRxPacketLayer2Type = 0x42,
    InvalidRingRxPacketLayer2TypeNullLengthNonZero = 0x43,
    InvalidRingRxPacketLayer2TypeEthernetLengthInvalid = 0x44,
    InvalidRingRxPacketLayer3TypeIPv4LengthInvalid = 0x45,
    InvalidRingRxPacketLayer3TypeIPv6LengthInvalid = 0x46,
    InvalidRingRxPacketLayer4TypeTcpLengthInvalid = 0x47,
    InvalidRingRxPacketLayer4TypeUdpLengthInvalid = 0x48,
    InvalidRingRxPacketLayer3Type = 0x49,
    InvalidRingRxPacketLayer4Type = 0x4a,
    InvalidRingRxPacketFragmentIndexOverlap = 0x4b,
    InvalidRingRxPacketFragmentCountOverlap = 0x4c,
    InvalidRingRxPacketFragmentOffsetInvalid = 0x4d,
    InvalidRingRxPacketFragmentLengthInvalid = 0x4e,

    // --- ringlib only: NetCx has no such check ---
    InvalidRingNextIndex = 0x1001,         // NextIndex >= NumberOfElements
    InvalidRingRxPacketChecksum = 0x1002,  // checksum extension field outside its enum
    InvalidRingRxPacketHash = 0x1003,      // hash extension ProtocolType has unknown flags
};

/// The code's name as NetCx spells it (without "FailureCode_"), e.g. "InvalidRingBeginIndex".
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
    std::string detail{};  // where the element sits, e.g. "fragment 2 of 3 of packet 7" (may be empty)

    /// One multi-line report: "ring verifier: <rule> [code 0x.. Name] queue=..., callback=..., ring=...,
    /// index=...", then "  where: <detail>" if any, "  before: ..." and "  after:  ...".
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
