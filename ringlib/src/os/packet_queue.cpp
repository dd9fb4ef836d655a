#include <ringlib/os/errors.hpp>
#include <ringlib/os/packet_queue.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace ringlib::os {

void validate_ring_size(std::string const& queue, char const* what, std::uint32_t size) {
    verify_ring_size_hint(queue, what, size);
    if (size < 2 || size > 65536 || (size & (size - 1)) != 0) {
        throw QueueCreationError(fmt::format("{}: {} must be a power of two in 2..65536, got {}", queue, what, size));
    }
}

std::vector<ExtensionDeclaration> fragment_extensions(bool virtual_address, bool logical_address) {
    std::vector<ExtensionDeclaration> declarations;
    if (virtual_address) declarations.push_back(extension::fragment_virtual_address);
    if (logical_address) declarations.push_back(extension::fragment_logical_address);
    return declarations;
}

FragmentBuffers::FragmentBuffers(DmaArena& arena, std::string const& queue, char const* what, std::uint32_t count,
                                 std::uint32_t size_bytes, std::uint32_t alignment_bytes)
    : arena_(arena) {
    blocks_.reserve(count);
    try {
        for (std::uint32_t slot = 0; slot < count; ++slot) {
            blocks_.push_back(arena_.allocate(size_bytes, alignment_bytes));
        }
    } catch (DmaArenaError const& error) {
        free_all();
        throw QueueCreationError(
            fmt::format("{}: cannot allocate {} {} of {} bytes: {}", queue, count, what, size_bytes, error.what()));
    }
}

FragmentBuffers::~FragmentBuffers() {
    free_all();
}

void FragmentBuffers::free_all() noexcept {
    for (auto const& block : blocks_) {
        arena_.free(block);
    }
    blocks_.clear();
}

PacketQueue::PacketQueue(QueueKind kind, std::uint32_t queue_id, std::string name, QueueOptions options,
                         std::uint32_t packet_ring_size, RingLayout packet_layout, std::uint32_t fragment_ring_size,
                         RingLayout fragment_layout)
    : packet_ring_(packet_ring_size, packet_layout.stride_bytes()),
      fragment_ring_(fragment_ring_size, fragment_layout.stride_bytes()),
      kind_(kind),
      queue_id_(queue_id),
      name_(std::move(name)),
      options_(options),
      packet_layout_(std::move(packet_layout)),
      fragment_layout_(std::move(fragment_layout)) {
    collection_.Rings[NetRingTypePacket] = packet_ring_.get();
    collection_.Rings[NetRingTypeFragment] = fragment_ring_.get();
    collection_.Rings[NetRingTypeDataBuffer] = nullptr;

    VerifiedExtensions verified;
    verified.checksum = make_extension(packet_ring_.get(), extension_offset(extension::packet_checksum));
    verified.hash = make_extension(packet_ring_.get(), extension_offset(extension::packet_hash));
    verifier_ = std::make_unique<RingVerifier>(VerifiedQueue{name_, kind_, &collection_, verified});
    verifier_->set_enabled(options_.verifier_enabled);
    virtual_address_ = make_extension(fragment_ring_.get(), extension_offset(extension::fragment_virtual_address));
    logical_address_ = make_extension(fragment_ring_.get(), extension_offset(extension::fragment_logical_address));
}

PacketQueue::~PacketQueue() {
    magic_ = 0;
}

std::optional<std::size_t> PacketQueue::extension_offset(ExtensionDeclaration const& declaration) const {
    auto const& layout = declaration.type == NetExtensionTypePacket ? packet_layout_ : fragment_layout_;
    return layout.offset_of(declaration.name, declaration.version, declaration.type);
}

// ---- C API backends ---------------------------------------------------------------------

PacketQueue* PacketQueue::from_object(WDFOBJECT object) noexcept {
    // Handles are only ever made by handle(); the magic value catches stale and foreign ones.
    auto* const queue = static_cast<PacketQueue*>(object);
    return queue != nullptr && queue->magic_ == magic_value ? queue : nullptr;
}

PacketQueue& PacketQueue::from_handle(NETPACKETQUEUE handle, QueueKind expected, char const* api) {
    PacketQueue* const queue = from_object(reinterpret_cast<WDFOBJECT>(handle));
    if (queue == nullptr) {
        throw ApiMisuse(fmt::format("{}: expected a live NETPACKETQUEUE created by NetTx/RxQueueCreate, got {}", api,
                                    static_cast<void*>(handle)));
    }
    if (queue->kind_ != expected) {
        throw ApiMisuse(fmt::format("{}: expected a {} queue, got {} queue '{}'", api,
                                    expected == QueueKind::Tx ? "TX" : "RX",
                                    queue->kind_ == QueueKind::Tx ? "TX" : "RX", queue->name_));
    }
    return *queue;
}

void PacketQueue::attach_driver(WDF_OBJECT_ATTRIBUTES const* attributes, NET_PACKET_QUEUE_CONFIG const* config) {
    if (driver_attached()) {
        throw ApiMisuse(fmt::format("{}: Net*QueueCreate called twice for the same queue init", name_));
    }
    if (config == nullptr || config->Size != sizeof(NET_PACKET_QUEUE_CONFIG) || config->EvtAdvance == nullptr ||
        config->EvtCancel == nullptr || config->EvtSetNotificationEnabled == nullptr) {
        throw ApiMisuse(
            fmt::format("{}: Net*QueueCreate expects a NET_PACKET_QUEUE_CONFIG made by "
                        "NET_PACKET_QUEUE_CONFIG_INIT with EvtAdvance, EvtSetNotificationEnabled and "
                        "EvtCancel set",
                        name_));
    }
    if (attributes != nullptr && attributes->ContextTypeInfo != nullptr) {
        context_type_ = attributes->ContextTypeInfo;
        std::size_t const units =
            (context_type_->ContextSize + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
        // WDF zeroes an object's context. Every byte here, explicitly: value-initializing max_align_t
        // need not clear its padding (long double), and AddressSanitizer's fresh memory is not zero.
        std::size_t const n = std::max<std::size_t>(units, 1);
        context_ = std::make_unique_for_overwrite<std::max_align_t[]>(n);
        std::memset(context_.get(), 0, n * sizeof(std::max_align_t));
    }
    config_ = *config;
}

NET_EXTENSION PacketQueue::get_extension(NET_EXTENSION_QUERY const* query) const {
    if (query == nullptr || query->Size != sizeof(NET_EXTENSION_QUERY)) {
        throw ApiMisuse(
            fmt::format("{}: Net*QueueGetExtension expects a query made by NET_EXTENSION_QUERY_INIT", name_));
    }
    if (query->Type == NetExtensionTypePacket) {
        return make_extension(packet_ring_.get(), packet_layout_.offset_of(query->Name, query->Version, query->Type));
    }
    if (query->Type == NetExtensionTypeFragment) {
        return make_extension(fragment_ring_.get(),
                              fragment_layout_.offset_of(query->Name, query->Version, query->Type));
    }
    return NET_EXTENSION{};
}

void* PacketQueue::context(WDF_OBJECT_CONTEXT_TYPE_INFO const* type) const noexcept {
    if (context_type_ == nullptr || type == nullptr) {
        return nullptr;
    }
    bool const same = type == context_type_ || (type->ContextName != nullptr && context_type_->ContextName != nullptr &&
                                                std::strcmp(type->ContextName, context_type_->ContextName) == 0);
    return same ? context_.get() : nullptr;
}

void PacketQueue::notify_more() noexcept {
    bool const armed = state_ == QueueState::Armed || state_ == QueueState::Sleeping;
    if (armed && !driver_wake_pending_) {
        driver_wake_pending_ = true;
        ++notifications_.accepted;
    } else {
        ++notifications_.ignored;
    }
}

// ---- lifecycle ---------------------------------------------------------------------------

void PacketQueue::require_state(char const* operation, std::initializer_list<QueueState> allowed) const {
    if (std::find(allowed.begin(), allowed.end(), state_) != allowed.end()) {
        return;
    }
    std::string expected;
    for (QueueState state : allowed) {
        expected += expected.empty() ? "" : " or ";
        expected += to_string(state);
    }
    throw QueueStateError(
        fmt::format("{}: {} expects the queue to be {}, but it is {}", name_, operation, expected, to_string(state_)));
}

void PacketQueue::start() {
    require_state("start()", {QueueState::Created});
    if (!driver_attached()) {
        throw QueueStateError(fmt::format("{}: start() before the driver called Net*QueueCreate", name_));
    }
    enter(QueueState::Polling);
    ++callbacks_.start;
    if (config_.EvtStart != nullptr) {
        config_.EvtStart(handle());
    }
}

PacketQueue::DriverIndices PacketQueue::driver_indices() const noexcept {
    return {packet_ring_->BeginIndex, packet_ring_->NextIndex, fragment_ring_->BeginIndex, fragment_ring_->NextIndex};
}

bool PacketQueue::advance_step(bool hand_over_first) {
    os_wake_pending_ = false;  // whatever woke the queue is handed over now
    bool const handed_over = hand_over_first && hand_over();
    DriverIndices const before = driver_indices();
    verifier_->before("EvtAdvance");
    ++callbacks_.advance;
    config_.EvtAdvance(handle());
    verifier_->after("EvtAdvance");
    bool const driver_moved = !(driver_indices() == before);
    reclaim();
    NET_RING const& packets = *packet_ring_;
    std::uint32_t const with_driver = NetRingGetRangeCount(&packets, packets.BeginIndex, packets.EndIndex);
    if (with_driver == 0) {
        ++occupancy_.packet_ring_empty;
    } else if (with_driver == packets.NumberOfElements - 1) {
        ++occupancy_.packet_ring_full;
    }
    bool const progress = handed_over || driver_moved;
    check_progress(progress);
    return progress;
}

void PacketQueue::set_notification(bool enabled) {
    // The state changes first so that a NotifyMore from inside the callback is judged against
    // the state the driver has just been told about.
    if (enabled) {
        enter(QueueState::Armed);
        driver_wake_pending_ = false;
        ++callbacks_.notification_enabled;
    } else {
        ++callbacks_.notification_disabled;
    }
    config_.EvtSetNotificationEnabled(handle(), enabled ? TRUE : FALSE);
}

QueueState PacketQueue::polling_step() {
    if (!advance_step(true)) {
        set_notification(true);
    }
    return state_;
}

QueueState PacketQueue::poll() {
    switch (state_) {
    case QueueState::Created:
    case QueueState::Stopped:
        require_state("poll()", {QueueState::Polling, QueueState::Armed, QueueState::Sleeping, QueueState::Stopping});
        break;
    case QueueState::Polling: return polling_step();
    case QueueState::Armed:
    case QueueState::Sleeping:
        if (driver_wake_pending_ || os_wake_pending_) {
            driver_wake_pending_ = os_wake_pending_ = false;
            enter(QueueState::Polling);
            set_notification(false);
            return polling_step();
        }
        if (state_ == QueueState::Armed) {  // the extra poll after arming
            if (advance_step(true)) {
                enter(QueueState::Polling);
                set_notification(false);
            } else {
                enter(QueueState::Sleeping);
            }
        }
        return state_;
    case QueueState::Stopping: return stopping_step();
    }
    return state_;
}

// ---- stop ----------------------------------------------------------------------------------

static bool rings_drained(NET_RING const& packets, NET_RING const& fragments) {
    return packets.BeginIndex == packets.EndIndex && fragments.BeginIndex == fragments.EndIndex;
}

QueueState PacketQueue::stop() {
    require_state("stop()", {QueueState::Polling, QueueState::Armed, QueueState::Sleeping});
    bool const armed = state_ != QueueState::Polling;
    enter(QueueState::Stopping);
    driver_wake_pending_ = os_wake_pending_ = false;
    if (armed) {
        set_notification(false);
    }
    verifier_->before("EvtCancel");
    ++callbacks_.cancel;
    config_.EvtCancel(handle());
    verifier_->after("EvtCancel");
    reclaim();
    stop_polls_ = 0;
    if (rings_drained(*packet_ring_, *fragment_ring_)) {
        finish_stop();
    }
    return state_;
}

QueueState PacketQueue::stopping_step() {
    advance_step(false);
    ++stop_polls_;
    if (rings_drained(*packet_ring_, *fragment_ring_)) {
        finish_stop();
    } else if (stop_polls_ >= options_.stop_poll_limit) {
        throw QueueStopTimeout(fmt::format(
            "{}: stop did not complete: expected the driver to return every packet and fragment (BeginIndex == "
            "EndIndex on both rings) within {} EvtAdvance calls after EvtCancel, but it still owns {} packets and {} "
            "fragments; packet ring {}; fragment ring {}",
            name_, options_.stop_poll_limit,
            NetRingGetRangeCount(packet_ring_.get(), packet_ring_->BeginIndex, packet_ring_->EndIndex),
            NetRingGetRangeCount(fragment_ring_.get(), fragment_ring_->BeginIndex, fragment_ring_->EndIndex),
            describe_ring(*packet_ring_), describe_ring(*fragment_ring_)));
    }
    return state_;
}

void PacketQueue::enter(QueueState next) noexcept {
    if (next != state_) {
        ++transitions_.count[static_cast<std::size_t>(state_)][static_cast<std::size_t>(next)];
    }
    state_ = next;
}

void PacketQueue::finish_stop() {
    enter(QueueState::Stopped);
    ++callbacks_.stop;
    if (config_.EvtStop != nullptr) {
        config_.EvtStop(handle());
    }
    on_stopped();
}

// ---- helpers for TX and RX -------------------------------------------------------------------

void PacketQueue::hand_over_range(NET_RING_TYPE type, std::uint32_t new_end) {
    NET_RING* const ring = collection_.Rings[type];
    std::uint32_t const old_end = ring->EndIndex;
    if (new_end == old_end) {
        return;
    }
    ring->EndIndex = new_end;
    verifier_->on_os_handoff(type, old_end, new_end);
}

void PacketQueue::zero_returned(NET_RING* ring) noexcept {
    std::uint32_t index = ring->OSReserved0;
    while (index != ring->BeginIndex) {
        std::memset(NetRingGetElementAtIndex(ring, index), 0, ring->ElementStride);
        index = NetRingIncrementIndex(ring, index);
    }
    ring->OSReserved0 = ring->BeginIndex;
}

void PacketQueue::set_fragment_addresses(std::uint32_t index, DmaBlock const& buffer) noexcept {
    if (virtual_address_.Enabled) {
        NetExtensionGetFragmentVirtualAddress(&virtual_address_, index)->VirtualAddress = buffer.virtual_address;
    }
    if (logical_address_.Enabled) {
        NetExtensionGetFragmentLogicalAddress(&logical_address_, index)->LogicalAddress = buffer.logical_address;
    }
}

std::string PacketQueue::describe() const {
    return fmt::format("{}: packet ring {}; fragment ring {}", name_, describe_ring(*packet_ring_),
                       describe_ring(*fragment_ring_));
}

}  // namespace ringlib::os
