// PacketTimeline: the life of every packet of a co-simulation, cycle by cycle, from the OS to the
// wire and back, written as Chrome/Perfetto trace-event JSON (opens in ui.perfetto.dev) and CSV.
//
// Events (kernel cycles; a packet has those that happened to it):
//   TX: OS hand-off (TxQueue submit), descriptor post (the driver issued the doorbell write that
//       publishes it: descriptors are written in the same software step), doorbell (the write
//       reached the NIC), descriptor fetch (AR of its first descriptor), data read (first AR,
//       last R beat), first and last beat on m_axis_tx, completion write (last W beat of its
//       record), drain (the OS completion).
//   RX: buffer post and doorbell (of its first buffer), descriptor fetch, first and last beat on
//       s_axis_rx, data write (first AW, last write response), completion write, OS delivery.
// Packets are named by the tag every generated frame carries (frame/frame.hpp): the hardware's
// view (ring slots, from the OwnershipMonitor's contract events) is tied to a frame by reading
// the packet's bytes from host memory when its descriptors are published (TX) or completed (RX).
// Untagged frames (a foreign pcap) appear with the events that name them directly only.
//
// JSON: one process per queue and direction ("TX queue 0"), packets on as many lanes (threads) as
// needed so that a lane's slices never overlap; per packet a complete event ("X") spanning its
// life, args {frame, bytes, queue, packet}, and one nested "X" per step between consecutive events.
// Time stamps in microseconds at the stated clock. CSV: one row per packet, one column per event.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "bfm/sparse_memory.hpp"
#include "monitor/ownership_monitor.hpp"

namespace nicsim::monitor {

enum class PacketEvent : std::uint8_t {
    os_handoff,
    desc_post,
    doorbell,
    desc_fetch,
    data_read_first,
    data_read_last,
    wire_first,
    wire_last,
    data_write_first,
    data_write_last,
    cpl_write,
    os_done,
};
inline constexpr std::size_t packet_event_count = 12;
/// The CSV column name of an event.
char const* column_name(PacketEvent e);

struct PacketRecord {
    Direction dir = Direction::tx;
    unsigned queue = 0;
    std::string frame;  // "stream 0 seq 12", or "untagged #n"
    std::uint64_t bytes = 0;
    std::uint64_t os_frame_id = 0;                       // TX: the TxQueue's frame id
    std::array<std::uint64_t, packet_event_count> at{};  // 0: did not happen
    std::uint64_t& operator[](PacketEvent e) { return at[static_cast<std::size_t>(e)]; }
    std::uint64_t operator[](PacketEvent e) const { return at[static_cast<std::size_t>(e)]; }
};

class PacketTimeline final : public ContractListener {
public:
    /// Attaches itself to `monitor` as one of its contract listeners.
    PacketTimeline(OwnershipMonitor& monitor, bfm::SparseMemory const& memory, std::uint64_t clock_hz);
    ~PacketTimeline() override;
    PacketTimeline(PacketTimeline const&) = delete;
    PacketTimeline& operator=(PacketTimeline const&) = delete;

    // ---- the software's and the wire's side (the co-simulation reports these) ----
    /// The CPU issued a register write (before it crosses to the NIC).
    void register_write_issued(std::uint16_t offset, std::uint32_t value, std::uint64_t cycle);
    void tx_submitted(unsigned queue, std::uint64_t frame_id, std::span<std::uint8_t const> bytes, std::uint64_t cycle);
    void tx_completed(unsigned queue, std::uint64_t frame_id, std::uint64_t cycle);
    void tx_on_wire(std::span<std::uint8_t const> bytes, std::uint64_t first_beat, std::uint64_t last_beat);
    void rx_on_wire(std::span<std::uint8_t const> bytes, std::uint64_t first_beat, std::uint64_t last_beat);
    void rx_delivered(unsigned queue, std::span<std::uint8_t const> bytes, std::uint64_t cycle);

    // ---- ContractListener (the hardware's side, from the ownership monitor) ----
    void doorbell(RingRef r, std::uint32_t old_prod, std::uint32_t new_prod, std::uint64_t cycle) override;
    void descriptor_read(RingRef r, std::uint32_t first, std::uint32_t count, std::uint64_t cycle) override;
    void tx_data_read(unsigned queue, std::uint32_t slot, bool done, std::uint64_t cycle) override;
    void rx_data_write(unsigned queue, std::uint32_t slot, bool done, std::uint64_t cycle) override;
    void completion(RingRef r, std::uint32_t slot, std::span<std::uint8_t const, 16> record,
                    std::uint64_t cycle) override;
    void ring_reset(RingRef r, std::uint64_t cycle) override;

    std::vector<PacketRecord> const& packets() const noexcept { return packets_; }
    void write_json(std::ostream& out) const;
    void write_csv(std::ostream& out) const;
    /// Writes the files whose paths are not empty; throws std::runtime_error naming the path.
    void write_files(std::string const& json_path, std::string const& csv_path) const;

private:
    static constexpr std::size_t none = ~std::size_t{0};
    struct SlotInfo {               // per ring slot, while the NIC owns it
        std::size_t packet = none;  // TX: the packet the descriptor belongs to
        std::uint64_t post = 0, doorbell = 0, fetch = 0, write_first = 0, write_last = 0;  // RX
    };
    struct RingTrack {
        std::vector<SlotInfo> slots;
        std::vector<std::pair<std::uint32_t, std::uint64_t>> issued;  // doorbell values the CPU wrote, cycle
        std::uint32_t open_from = 0;  // TX: first descriptor of the packet not yet whole
    };

    RingTrack& track(RingRef r);
    // The packet a frame's bytes name (by tag), created if new; queue < 0: unknown here. Untagged
    // frames get a packet of their own only when create_untagged (their wire events), else none.
    std::size_t packet_for(Direction dir, std::span<std::uint8_t const> bytes, int queue, bool create_untagged);
    std::vector<std::uint8_t> gather(RingRef r, std::uint32_t first, std::uint32_t count, std::size_t limit) const;
    static void set_first(std::uint64_t& at, std::uint64_t cycle) {
        if (at == 0 || cycle < at) at = cycle;
    }
    static void set_last(std::uint64_t& at, std::uint64_t cycle) {
        if (cycle > at) at = cycle;
    }

    OwnershipMonitor& monitor_;
    bfm::SparseMemory const& memory_;
    std::uint64_t clock_hz_;
    std::vector<PacketRecord> packets_;
    std::map<std::uint64_t, std::size_t> by_tag_;                            // (dir, stream, seq) -> packet
    std::map<std::pair<unsigned, std::uint64_t>, std::size_t> by_frame_id_;  // TX (queue, frame id)
    std::vector<RingTrack> rings_;
    std::uint64_t untagged_ = 0;
};

}  // namespace nicsim::monitor
