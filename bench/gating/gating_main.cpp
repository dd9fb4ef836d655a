// Clocks gating_top for N cycles with the given engines enabled (a bit mask), two evaluations a
// cycle (clk low, clk high: the gated variant's latch needs the low phase), and prints
// "simulation: N cycles" for bench/clock-gating, which runs it under callgrind.
#include <cstdio>
#include <cstdlib>

#include "Vgating_top.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s CYCLES ENABLE_MASK\n", argv[0]);
        return 2;
    }
    unsigned long const cycles = std::strtoul(argv[1], nullptr, 0);
    auto const enabled = static_cast<unsigned char>(std::strtoul(argv[2], nullptr, 0));
    Vgating_top top;
    top.din = 7;
    top.en = enabled;
    unsigned folded = 0;  // reads every cycle's output, so nothing is optimised away
    for (unsigned long i = 0; i < cycles; ++i) {
        top.clk = 0;
        top.eval();
        top.clk = 1;
        top.eval();
        folded ^= top.dout;
    }
    std::printf("simulation: %lu cycles (output %08x)\n", cycles, folded);
    return 0;
}
