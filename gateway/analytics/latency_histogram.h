#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {

/// Sums of one or more LatencyHistograms, cumulative-ready for Prometheus.
struct HistogramSnapshot
{
    static constexpr std::size_t kBuckets = 17;   ///< 16 bounds + +Inf
    std::array<std::uint64_t, kBuckets> counts{}; ///< per bucket, not cumulative
    std::uint64_t count = 0;
    std::uint64_t sumNs = 0;
};

/// A latency histogram with Prometheus' conventional bucket bounds (100 µs .. 10 s). One thread
/// writes (a worker: relaxed load+store per field, no locked instruction); any thread reads.
class LatencyHistogram
{
public:
    static constexpr std::array<std::int64_t, 16> kBoundsNs{
        100'000,       250'000,       500'000,       1'000'000,     2'500'000,   5'000'000,
        10'000'000,    25'000'000,    50'000'000,    100'000'000,   250'000'000, 500'000'000,
        1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};

    void observe(std::chrono::nanoseconds d) noexcept
    {
        const std::int64_t ns = d.count() < 0 ? 0 : d.count();
        std::size_t i = 0;
        while (i < kBoundsNs.size() && ns > kBoundsNs[i])
            ++i;
        bump(m_counts[i], 1);
        bump(m_sumNs, static_cast<std::uint64_t>(ns));
    }
    void addTo(HistogramSnapshot& s) const noexcept;

private:
    static void bump(std::atomic<std::uint64_t>& a, std::uint64_t n) noexcept
    {
        a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    std::array<std::atomic<std::uint64_t>, HistogramSnapshot::kBuckets> m_counts{};
    std::atomic<std::uint64_t> m_sumNs{0};
};

/// One histogram family (e.g. gatebench_api_request_duration_seconds) with an api_id label:
/// a histogram per API per worker, merged when rendered. histogram() returns a reference that
/// stays valid for the life of this object, so a worker may keep it (per route) and observe
/// without any lookup.
class ApiLatencyHistograms
{
public:
    ApiLatencyHistograms(std::string metricName, std::string help, int workers);

    /// Worker `worker`'s histogram for an API (made on first use). Call on that worker's thread.
    LatencyHistogram& histogram(int worker, std::string_view apiId);
    /// Merged over workers.
    HistogramSnapshot snapshot(std::string_view apiId) const;
    /// Appends the family in Prometheus text format (0.0.4), APIs in name order. Any thread.
    void render(std::string& out) const;

private:
    struct PerWorker
    {
        mutable std::mutex mutex; // held briefly: first use of an API, and render
        std::map<std::string, std::unique_ptr<LatencyHistogram>, std::less<>> byApi;
    };
    std::string m_name;
    std::string m_help;
    std::vector<std::unique_ptr<PerWorker>> m_workers;
};

} // namespace gb::gateway
