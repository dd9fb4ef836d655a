// PortHasher: an observe-only agent that hashes the value of every DUT port after every edge,
// for replay checks ("same seed, same run": equal hashes, and the first differing cycle when
// not). Register it last so it sees the inputs every other agent drove for that edge.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "dut/dut.hpp"
#include "sim/kernel.hpp"

namespace nicsim::sim {

class PortHasher final : public Agent {
public:
    /// keep_per_cycle: also store each cycle's hash (memory: 8 bytes per cycle).
    explicit PortHasher(dut::Dut const& dut, bool keep_per_cycle = false)
        : ports_(dut.ports().all()), keep_(keep_per_cycle) {}

    void drive() override {}
    void observe() override {
        std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 over every port byte
        std::uint8_t buf[64];
        for (auto const& p : ports_) {
            for (std::size_t off = 0; off < p.size_bytes(); off += sizeof buf) {
                std::size_t const n = std::min(sizeof buf, p.size_bytes() - off);
                p.read_bytes(off, std::span(buf, n));
                for (std::size_t i = 0; i < n; ++i) h = (h ^ buf[i]) * 0x100000001b3ull;
            }
        }
        total_ = (total_ ^ h) * 0x100000001b3ull + ++cycles_;
        if (keep_) per_cycle_.push_back(h);
    }

    std::uint64_t hash() const noexcept { return total_; }
    std::uint64_t cycles() const noexcept { return cycles_; }
    std::vector<std::uint64_t> const& per_cycle() const noexcept { return per_cycle_; }

    /// Index of the first observed cycle whose hash differs between two recordings.
    static std::optional<std::size_t> first_difference(PortHasher const& a, PortHasher const& b) {
        auto const n = std::min(a.per_cycle_.size(), b.per_cycle_.size());
        for (std::size_t i = 0; i < n; ++i)
            if (a.per_cycle_[i] != b.per_cycle_[i]) return i;
        if (a.per_cycle_.size() != b.per_cycle_.size()) return n;
        return std::nullopt;
    }

private:
    std::vector<bfm::SigRef> ports_;
    bool keep_;
    std::uint64_t total_ = 0;
    std::uint64_t cycles_ = 0;
    std::vector<std::uint64_t> per_cycle_;
};

}  // namespace nicsim::sim
