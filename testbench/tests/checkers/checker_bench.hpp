// checker_bench.hpp: drive a verilated checker (or nic_top) edge by edge from C++ and expect
// violations with a given rule at a given cycle.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "checkers/assertions.hpp"
#include "clock/verilated_model.hpp"

namespace nicsim::checkers::test {

/// One checker model, clocked by the Clock every model is clocked with (clock/clock.hpp): inputs
/// set before edge() are sampled at its rising edge. cycle() is the index of the next rising edge,
/// which is what the checkers report (their counter starts at 0 at the first edge and is never
/// reset). The model runs in the thread's default context, which RecordViolations acts on.
template <class Model>
struct Bench : sim::ModelBench<Model> {
    Bench() : sim::ModelBench<Model>(sim::Context::thread_default) {}
};

/// Runs `step` (which must clock the model) and expects it to throw ProtocolViolation for
/// `rule` at checker cycle `cycle`.
template <class Step>
void expect_fires(std::string_view rule, std::uint64_t cycle, Step&& step) {
    try {
        step();
    } catch (ProtocolViolation const& v) {
        INFO("message: " << v.message());
        CHECK(v.rule() == rule);
        CHECK(v.cycle() == cycle);
        CHECK(parse_violation(v.message()).well_formed);
        CHECK(v.port().find("TOP.") == 0);
        return;
    }
    FAIL("no violation; expected [" << rule << "] at cycle " << cycle);
}

/// A handshake channel of the port under test, for the rules every channel has: its name in the
/// rule ("aw" in "axi4.aw.valid_stable"), how to raise its valid with ready low, how to drop its
/// valid, and how to change its payload.
template <class Model>
struct Channel {
    const char* name;
    std::function<void(Model&)> raise;
    std::function<void(Model&)> drop;
    std::function<void(Model&)> change;
};

/// The three rules of every channel, one DYNAMIC_SECTION per channel (and case), each on a fresh
/// bench brought to a legal idle state by `legal_prefix`:
///  - <protocol>.<ch>.reset_valid: valid raised during reset, and at the first edge after it;
///  - <protocol>.<ch>.valid_stable: valid held two cycles without ready (legal), then dropped;
///  - <protocol>.<ch>.payload_stable: the same, with the payload changed instead.
template <class Model, class LegalPrefix>
void check_reset_valid(std::string_view protocol, std::vector<Channel<Model>> const& channels,
                       LegalPrefix legal_prefix) {
    for (auto const& ch : channels) {
        std::string const rule = std::string(protocol) + "." + ch.name + ".reset_valid";
        DYNAMIC_SECTION(rule << " during reset") {
            Bench<Model> b;
            legal_prefix(b);
            b->rst_n = 0;
            b.edge();
            ch.raise(*b);
            expect_fires(rule, b.cycle(), [&] { b.edge(); });
        }
        DYNAMIC_SECTION(rule << " first edge after reset") {
            Bench<Model> b;
            legal_prefix(b);
            b.reset(2);
            ch.raise(*b);
            expect_fires(rule, b.cycle(), [&] { b.edge(); });
        }
    }
}

/// Raises each channel's valid with ready low, waits two cycles (legal), then breaks the rule
/// with `violate` (Channel::drop or Channel::change): <protocol>.<ch>.<rule> must fire.
template <class Model, class LegalPrefix>
void check_held_until_ready(std::string_view protocol, char const* rule_name,
                            std::vector<Channel<Model>> const& channels, LegalPrefix legal_prefix,
                            std::function<void(Model&)> Channel<Model>::*violate) {
    for (auto const& ch : channels) {
        std::string const rule = std::string(protocol) + "." + ch.name + "." + rule_name;
        DYNAMIC_SECTION(rule) {
            Bench<Model> b;
            legal_prefix(b);
            ch.raise(*b);
            b.edges(2);  // waiting is legal
            (ch.*violate)(*b);
            expect_fires(rule, b.cycle(), [&] { b.edge(); });
        }
    }
}

template <class Model, class LegalPrefix>
void check_valid_stable(std::string_view protocol, std::vector<Channel<Model>> const& channels,
                        LegalPrefix legal_prefix) {
    check_held_until_ready(protocol, "valid_stable", channels, legal_prefix, &Channel<Model>::drop);
}

template <class Model, class LegalPrefix>
void check_payload_stable(std::string_view protocol, std::vector<Channel<Model>> const& channels,
                          LegalPrefix legal_prefix) {
    check_held_until_ready(protocol, "payload_stable", channels, legal_prefix, &Channel<Model>::change);
}

}  // namespace nicsim::checkers::test
