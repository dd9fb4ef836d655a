// HangCheck: see hang_check.hpp.
#include "hang_check.hpp"

#include <algorithm>

#include <nicsim/driver/adapter.hpp>
#include <ringlib/os/tx_queue.hpp>

#include "cosim/platform.hpp"
#include "os_side.hpp"

namespace nicsim::cosim {

void HangCheck::check_queues(Platform& hw, OsSide& os) {
    for (unsigned q = 0; q < progress_.size(); ++q) {
        if (os.tx(q).frames_in_flight() == 0) continue;
        std::uint64_t const since = std::max(progress_[q], reset_[q]);
        if (hw.cycle() - since <= limit_) continue;
        reset_[q] = hw.cycle();
        ++resets_;
        os.adapter().request_ring_reset(q, true, false);
        os.adapter().run_dpc();
    }
}

}  // namespace nicsim::cosim
