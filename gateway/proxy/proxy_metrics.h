#pragma once

#include "gateway/proxy/upstream_error.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway::proxy {

/// A counter written by one worker thread only: a relaxed load and store, no locked instruction
/// on the request path; read by any thread.
class WorkerCounter
{
public:
    void add(std::uint64_t n = 1)
    {
        m_value.store(m_value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    void sub(std::uint64_t n = 1)
    {
        m_value.store(m_value.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
    }
    std::uint64_t value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> m_value{0};
};

/// One API's responses by status, one array per worker (separately allocated: no false sharing
/// between workers). Slot 0 counts exchanges that ended without a response.
class ApiCounters
{
public:
    static constexpr int kMaxStatus = 599;

    ApiCounters(std::string apiId, int workers);
    const std::string& apiId() const { return m_apiId; }
    void count(int worker, int status)
    {
        (*m_byWorker[static_cast<std::size_t>(
            worker)])[static_cast<std::size_t>(status >= 100 && status <= kMaxStatus ? status : 0)]
            .add();
    }
    /// Sum over workers for one status (0-599).
    std::uint64_t total(int status) const;

private:
    using Row = std::array<WorkerCounter, kMaxStatus + 1>;
    std::string m_apiId;
    std::vector<std::unique_ptr<Row>> m_byWorker;
};

/// What one worker counts besides per-API responses.
struct ProxyWorkerCounters
{
    std::array<WorkerCounter, kUpstreamErrorCount> upstreamErrors;
    WorkerCounter upstreamConnects; ///< connections opened to upstreams
    WorkerCounter upstreamOpen;     ///< gauge: upstream connections open now
    WorkerCounter retries;          ///< requests re-sent after a stale pooled connection
    WorkerCounter upstreamWaits;    ///< requests that waited for a pooled connection
    WorkerCounter upstreamWaiting;  ///< gauge: requests waiting for one now
    WorkerCounter unmatched;        ///< requests no API matched (404)
};

/// The proxy's counters for /metrics, shared by every worker. Per-API counter objects are made on
/// first use (under a mutex, once per API and table version per worker) and never freed, so a
/// worker may keep raw pointers to them; the request path touches only its own worker's rows.
class ProxyMetrics
{
public:
    explicit ProxyMetrics(int workers);
    ProxyMetrics(const ProxyMetrics&) = delete;
    ProxyMetrics& operator=(const ProxyMetrics&) = delete;

    int workers() const { return static_cast<int>(m_workers.size()); }
    ProxyWorkerCounters& worker(int index) { return *m_workers[static_cast<std::size_t>(index)]; }
    /// Thread-safe; the pointer stays valid for the life of this object.
    ApiCounters* api(std::string_view apiId);

    /// Appends the proxy's series in Prometheus text format (0.0.4). Any thread.
    void render(std::string& out) const;

private:
    std::vector<std::unique_ptr<ProxyWorkerCounters>> m_workers;
    mutable std::mutex m_mutex;
    std::map<std::string, std::unique_ptr<ApiCounters>, std::less<>> m_apis; // guarded
};

} // namespace gb::gateway::proxy
