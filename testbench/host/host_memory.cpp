#include "host/host_memory.hpp"

#include <cerrno>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

#include <fmt/format.h>
#include <sys/mman.h>

namespace nicsim::host {

namespace {

constexpr std::size_t region_align_bytes = 4096;

template <std::size_t DataBytes>
class DmaSlaveOf final : public DmaSlave {
public:
    DmaSlaveOf(bfm::Axi4Port port, bfm::SparseMemory& memory, std::mt19937_64& rng, bfm::Axi4SlaveMemConfig config,
               std::function<void(bfm::Axi4Burst const&)> check)
        : mem_(port, memory, rng, std::move(config)), check_(std::move(check)) {
        mem_.on_read_burst = [this](bfm::Axi4Burst const& b) {
            check_(b);
            if (on_read_burst) on_read_burst(b);
        };
        mem_.on_write_burst = [this](bfm::Axi4Burst const& b) {
            check_(b);
            if (on_write_burst) on_write_burst(b);
        };
    }
    void drive() override { mem_.drive(); }
    void observe() override { mem_.observe(); }
    void reset() override { mem_.reset(); }
    bfm::Axi4SlaveMemConfig& config() noexcept override { return mem_.config(); }
    bfm::Axi4SlaveStats const& stats() const noexcept override { return mem_.stats(); }
    std::size_t reads_in_flight() const noexcept override { return mem_.reads_in_flight(); }
    std::size_t writes_in_flight() const noexcept override { return mem_.writes_in_flight(); }
    void set_view(bfm::DmaMemoryView* view) noexcept override { mem_.set_view(view); }

private:
    bfm::Axi4SlaveMem<DataBytes> mem_;
    std::function<void(bfm::Axi4Burst const&)> check_;
};

std::unique_ptr<DmaSlave> make_dma_slave(unsigned data_bytes, bfm::Axi4Port port, bfm::SparseMemory& memory,
                                         std::mt19937_64& rng, bfm::Axi4SlaveMemConfig config,
                                         std::function<void(bfm::Axi4Burst const&)> check) {
    switch (data_bytes) {
    case 8: return std::make_unique<DmaSlaveOf<8>>(port, memory, rng, std::move(config), std::move(check));
    case 16: return std::make_unique<DmaSlaveOf<16>>(port, memory, rng, std::move(config), std::move(check));
    case 32: return std::make_unique<DmaSlaveOf<32>>(port, memory, rng, std::move(config), std::move(check));
    case 64: return std::make_unique<DmaSlaveOf<64>>(port, memory, rng, std::move(config), std::move(check));
    default: throw std::invalid_argument(fmt::format("HostMemory: no AXI4 slave for a {}-byte data bus", data_bytes));
    }
}

}  // namespace

HostMemory::HostMemory(sim::Kernel& kernel, HostMemoryConfig config) : kernel_(kernel), cfg_(std::move(config)) {
    if (cfg_.size_bytes == 0 || cfg_.logical_base % region_align_bytes != 0)
        throw std::invalid_argument(
            fmt::format("HostMemory: the region needs a size and a {}-byte aligned logical base (got {:#x}, {} bytes)",
                        region_align_bytes, cfg_.logical_base, cfg_.size_bytes));
    // Anonymous private pages are page-aligned (4 KiB at least) and read as zero until written.
    void* const pages = ::mmap(nullptr, cfg_.size_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED)
        throw std::runtime_error(
            fmt::format("HostMemory: cannot map {} bytes of host memory: {}", cfg_.size_bytes, std::strerror(errno)));
    region_ = {static_cast<std::uint8_t*>(pages), PagesUnmap{cfg_.size_bytes}};
    static_assert(region_align_bytes <= 4096, "mmap aligns to the page");
    arena_ = std::make_unique<ringlib::DmaArena>(region_.get(), cfg_.logical_base, cfg_.size_bytes);
    memory_.map(cfg_.logical_base, region_.get(), cfg_.size_bytes);

    auto axi = cfg_.axi;
    if (cfg_.out_of_region == OutOfRegion::error_response) {
        std::uint64_t const end = cfg_.logical_base + cfg_.size_bytes;
        if (cfg_.logical_base > 0) axi.error_ranges.push_back({0, cfg_.logical_base, bfm::axi4::resp_decerr});
        axi.error_ranges.push_back({end, std::numeric_limits<std::uint64_t>::max(), bfm::axi4::resp_decerr});
    }
    auto& dut = kernel_.dut();
    dma_ = make_dma_slave(dut.config().data_bytes(), dut.ports().m_axi, memory_, kernel_.rng(), std::move(axi),
                          [this](bfm::Axi4Burst const& b) { check_burst(b); });
    kernel_.add_agent(*dma_);
    kernel_.add_diagnostic("host dma", [this] { return describe(); });
    if (cfg_.memory_order == MemoryOrder::weak) {
        ordering_ = std::make_unique<WeakOrdering>(
            region_.get(), cfg_.logical_base, cfg_.size_bytes, [this] { return kernel_.cycle(); }, cfg_.ordering_seed,
            cfg_.ordering);
        ordering_->set_diagnosis([this] { return kernel_.diagnosis(); });
        dma_->set_view(ordering_.get());
        kernel_.add_diagnostic("host memory ordering", [this] { return ordering_->describe(); });
    }
}

void PagesUnmap::operator()(std::uint8_t* pages) const noexcept {
    ::munmap(pages, bytes);
}

driver::HostMemoryAccess& HostMemory::cpu() noexcept {
    if (ordering_) return *ordering_;
    return direct_;
}

void HostMemory::check_burst(bfm::Axi4Burst const& b) {
    std::uint64_t const lo = b.addr & ~std::uint64_t{b.size_bytes - 1};
    std::uint64_t const bytes = std::uint64_t{b.beats} * b.size_bytes;
    std::uint64_t const first = b.addr;  // the first beat may start unaligned
    bool const inside = first >= cfg_.logical_base && lo + bytes <= cfg_.logical_base + cfg_.size_bytes;
    if (inside) return;
    ++out_of_region_count_;
    if (out_of_region_.size() < max_recorded)
        out_of_region_.push_back({b.write, b.addr, lo + bytes - first, kernel_.cycle()});
}

std::string HostMemory::describe() const {
    auto const& s = dma_->stats();
    std::string out = fmt::format(
        "{} reads / {} writes in flight; done {} read bursts ({} beats), {} write bursts ({} beats), "
        "{} error responses; region [{:#x}, {:#x})",
        dma_->reads_in_flight(), dma_->writes_in_flight(), s.read_bursts, s.read_beats, s.write_bursts, s.write_beats,
        s.error_bursts, cfg_.logical_base, cfg_.logical_base + cfg_.size_bytes);
    if (out_of_region_count_ != 0) {
        auto const& a = out_of_region_.front();
        out += fmt::format("; {} bursts OUTSIDE the region, first: {} of {} bytes at {:#x} (cycle {})",
                           out_of_region_count_, a.write ? "write" : "read", a.bytes, a.addr, a.cycle);
    }
    return out;
}

}  // namespace nicsim::host
