// Barrier bugs: see barrier_bugs.hpp.
#include "barrier_bugs.hpp"

namespace nicsim::cosim {

void MisplacedBarriers::write32(std::uint16_t offset, std::uint32_t value) {
    registers_.write32(offset, value);
    if (write_barrier_owed_) {
        write_barrier_owed_ = false;
        memory_.write_barrier();  // one MMIO write too late
    }
}

void MisplacedBarriers::load(void* destination, void const* source, std::size_t size_bytes) {
    memory_.load(destination, source, size_bytes);
    if (read_barrier_owed_) {
        read_barrier_owed_ = false;
        memory_.read_barrier();  // one load too late
    }
}

void MisplacedBarriers::write_barrier() {
    switch (bug_) {
    case BarrierBug::doorbell_before_write_barrier:
        write_barrier_owed_ = true;
        ++misplaced_;
        return;
    case BarrierBug::no_barriers: ++misplaced_; return;
    case BarrierBug::none:
    case BarrierBug::fields_before_read_barrier: break;
    }
    memory_.write_barrier();
}

void MisplacedBarriers::read_barrier() {
    switch (bug_) {
    case BarrierBug::fields_before_read_barrier:
        read_barrier_owed_ = true;
        ++misplaced_;
        return;
    case BarrierBug::no_barriers: ++misplaced_; return;
    case BarrierBug::none:
    case BarrierBug::doorbell_before_write_barrier: break;
    }
    memory_.read_barrier();
}

void MisplacedBarriers::memory_barrier() {
    if (bug_ == BarrierBug::no_barriers) {
        ++misplaced_;
        return;
    }
    memory_.memory_barrier();
}

}  // namespace nicsim::cosim
