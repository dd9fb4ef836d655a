// FstReader: an fstapi reader handle that closes itself.
#pragma once

#include <memory>

#include "fstapi.h"

namespace nicsim::waves {

struct FstReaderCloser {
    void operator()(void* ctx) const noexcept { fstReaderClose(ctx); }  // unique_ptr never passes null
};
using FstReader = std::unique_ptr<void, FstReaderCloser>;

}  // namespace nicsim::waves
