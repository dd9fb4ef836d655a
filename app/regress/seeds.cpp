// Seeds of a regression's runs: see seeds.hpp.
#include "nicsim/regress/seeds.hpp"

namespace nicsim::regress {

namespace {

std::uint64_t mix(std::uint64_t x) {  // SplitMix64's finaliser: every input bit moves every output bit
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char ch : text) h = (h ^ ch) * 0x100000001b3ull;
    return h;
}

}  // namespace

std::uint64_t derive_seed(std::uint64_t base, std::string_view scenario, std::uint64_t index) {
    return mix(mix(mix(base) ^ fnv1a(scenario)) ^ index) >> (64 - kDerivedSeedBits);
}

std::uint64_t run_seed(std::uint64_t base, PlanScenario const& scenario, std::uint64_t index) {
    if (index < scenario.seed_list.size()) return scenario.seed_list[index];
    return derive_seed(base, scenario.name, index);
}

}  // namespace nicsim::regress
