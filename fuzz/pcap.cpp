// Fuzz target: the pcap/pcapng reader (testbench/wire/include/wire/pcap.hpp) through its public entry point,
// read_pcap(path), then what `nicsim run --mode pcap` does next (prepare_for_replay, frames_of).
// It opens a file by name, as `nicsim run` does; under it libpcap reads the records (see pcap.hpp).
//
// Promises checked for any input: a capture, or PcapError (one line naming the file and the byte
// offset) and nothing else; every packet within the size limit, on a declared interface.
#include <string>

#include "fuzz_support.hpp"
#include "wire/pcap.hpp"

namespace {

constexpr std::size_t kMaxFrameBytes = 9216;  // what the NIC takes, as the workload passes it

void check_error(nicsim::wire::PcapError const& e, std::string const& path) {
    std::string const what = e.what();
    FUZZ_CHECK(nicsim::fuzz::one_line(what), what);
    FUZZ_CHECK(what.rfind(path + ": ", 0) == 0, what);
    FUZZ_CHECK(what.find("at byte offset") != std::string::npos, what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const& path = nicsim::fuzz::InputFile::holding(data, size).path();
    nicsim::wire::PcapCapture capture;
    try {
        capture = nicsim::wire::read_pcap(path);
    } catch (nicsim::wire::PcapError const& e) {
        check_error(e, path);
        return 0;
    }
    nicsim::wire::PcapReadOptions const limits;
    for (auto const& p : capture.packets) {
        FUZZ_CHECK(p.bytes.size() <= limits.max_packet_bytes, std::to_string(p.bytes.size()));
        FUZZ_CHECK(p.interface_idx < capture.interfaces.size(), std::to_string(p.interface_idx));
        FUZZ_CHECK(p.file_offset < size, std::to_string(p.file_offset));
    }
    try {
        std::size_t const padded = nicsim::wire::prepare_for_replay(capture, path, kMaxFrameBytes);
        FUZZ_CHECK(padded <= capture.packets.size(), std::to_string(padded));
        auto const frames = nicsim::wire::frames_of(capture);
        FUZZ_CHECK(frames.size() == capture.packets.size(), std::to_string(frames.size()));
        for (auto const& f : frames)
            FUZZ_CHECK(f.bytes.size() >= 60 && f.bytes.size() <= kMaxFrameBytes, std::to_string(f.bytes.size()));
    } catch (nicsim::wire::PcapError const& e) {
        check_error(e, path);
    }
    return 0;
}
