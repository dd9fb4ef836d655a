#include "waves/cycles.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace nicsim::waves {

CycleClock detect_clock(FstFile const& file, std::string const& clock_name) {
    const Signal* clk = nullptr;
    if (!clock_name.empty()) {
        clk = file.find(clock_name);
        if (clk == nullptr)
            throw FstError(
                fmt::format("{}: no signal named '{}' to use as the clock", file.path().string(), clock_name));
    } else {
        auto depth = [](Signal const& s) { return std::count(s.name.begin(), s.name.end(), '.'); };
        for (auto const& s : file.signals()) {
            if (s.width != 1 || (s.base_name() != "clk" && s.base_name() != "clock")) continue;
            if (clk == nullptr || depth(s) < depth(*clk)) clk = &s;
        }
        if (clk == nullptr)
            throw FstError(
                fmt::format("{}: no 1-bit signal named clk or clock; give the clock's name "
                            "or the period",
                            file.path().string()));
    }
    std::array<const Signal*, 1> const one{clk};
    auto traces = file.read(one, file.start_time(), file.end_time());
    auto const& t = traces.front();
    std::vector<std::uint64_t> rises;
    std::string prev = t.initial;
    for (auto const& c : t.changes) {
        if (c.value == "1" && prev != "1") rises.push_back(c.time);
        prev = c.value;
        if (rises.size() >= 16) break;
    }
    if (rises.size() < 2)
        throw FstError(
            fmt::format("{}: cannot measure the clock period from {} ({} rising edge{} in "
                        "the dump); give the period",
                        file.path().string(), clk->name, rises.size(), rises.size() == 1 ? "" : "s"));
    // The smallest gap: a dump with holes (trace windows) still yields the true period.
    std::uint64_t period = rises[1] - rises[0];
    for (std::size_t i = 2; i < rises.size(); ++i) period = std::min(period, rises[i] - rises[i - 1]);
    if (period == 0) period = 1;
    return CycleClock{period, rises.front() % period, clk->name};
}

}  // namespace nicsim::waves
