// DescriptorRingSpace: how many entries of a hardware descriptor ring the driver may still fill.
//
// The driver writes entries at `produced` and the hardware gives them back (a completion names
// them) in order at `consumed`; both are free-running positions masked to the ring. As with the
// contract's producer/consumer indices, prod == cons means "empty", so a ring of N entries holds
// at most N - 1 outstanding descriptors: the driver never fills the last one.
#pragma once

#include <cstdint>
#include <stdexcept>

namespace nicsim::driver {

class DescriptorRingSpace {
public:
    explicit DescriptorRingSpace(std::uint32_t entries) : entries_(entries), mask_(entries - 1) {
        if (entries < 2 || (entries & mask_) != 0) {
            throw std::invalid_argument("descriptor ring size must be a power of two >= 2");
        }
    }

    std::uint32_t entries() const noexcept { return entries_; }
    std::uint32_t capacity() const noexcept { return entries_ - 1; }
    std::uint32_t outstanding() const noexcept { return (produced_ - consumed_) & mask_; }
    std::uint32_t free() const noexcept { return capacity() - outstanding(); }
    /// Ring index of the next entry the driver fills (the doorbell value after a batch).
    std::uint32_t produce_index() const noexcept { return produced_; }
    /// Ring index of the oldest entry the hardware has not given back.
    std::uint32_t consume_index() const noexcept { return consumed_; }
    std::uint32_t index_after(std::uint32_t index, std::uint32_t count) const noexcept {
        return (index + count) & mask_;
    }

    /// Claims `count` entries; throws if they do not fit (callers check free() first).
    void produce(std::uint32_t count) {
        if (count > free()) {
            throw std::logic_error("descriptor ring overfilled: the driver posted more than it had space for");
        }
        produced_ = index_after(produced_, count);
    }
    /// Gives back `count` entries the hardware completed.
    void consume(std::uint32_t count) {
        if (count > outstanding()) {
            throw std::logic_error("descriptor ring underflow: more entries completed than were posted");
        }
        consumed_ = index_after(consumed_, count);
    }
    /// After a hardware ring reset: both indices back to 0, nothing outstanding.
    void reset() noexcept { produced_ = consumed_ = 0; }

private:
    std::uint32_t entries_;
    std::uint32_t mask_;
    std::uint32_t produced_ = 0;
    std::uint32_t consumed_ = 0;
};

}  // namespace nicsim::driver
