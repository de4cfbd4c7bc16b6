#pragma once

#include "gateway/http/parse_error.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

namespace gb::gateway {

/// Failure classes counted by the one fail() funnel of the server core.
enum class FailKind : std::uint8_t
{
    Accept,
    Read,
    Write,
    HeaderTimeout, // 408
    IdleTimeout,
    BodyTimeout,
    WriteTimeout,
    BadRequest,   // refused by the parser
    ClientAbort,  // client closed or reset while its request was in flight
    DrainTimeout, // still open when the drain deadline passed
};
inline constexpr int kFailKindCount = static_cast<int>(FailKind::DrainTimeout) + 1;
std::string_view toString(FailKind k);

/// Everything the server counts, summed over workers: what /metrics will print.
struct StatsSnapshot
{
    static constexpr int kMaxStatus = 999;
    std::array<std::uint64_t, kMaxStatus + 1> responsesByStatus{};
    std::array<std::uint64_t, kFailKindCount> failures{};
    std::array<std::uint64_t, http::kParseErrorCount> parseErrors{};
    std::uint64_t requests = 0;
    std::uint64_t accepted = 0;
    std::int64_t openConnections = 0;
};

/// One worker's counters. Written by that worker thread only (a relaxed load and store: no locked
/// instruction per request); read by any thread through ServerStats::snapshot().
class WorkerStats
{
public:
    void countResponse(int status)
    {
        bump(
            m_byStatus[static_cast<std::size_t>(status) <= StatsSnapshot::kMaxStatus ? status : 0]);
    }
    void countRequest() { bump(m_requests); }
    void countFailure(FailKind k) { bump(m_failures[static_cast<std::size_t>(k)]); }
    void countParseError(http::ParseError e) { bump(m_parseErrors[static_cast<std::size_t>(e)]); }
    void connectionOpened()
    {
        bump(m_accepted);
        m_open.store(m_open.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    void connectionClosed()
    {
        m_open.store(m_open.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    }
    std::int64_t openConnections() const { return m_open.load(std::memory_order_relaxed); }
    void addTo(StatsSnapshot& s) const;

private:
    using Counter = std::atomic<std::uint64_t>;
    static void bump(Counter& c)
    {
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }

    std::array<Counter, StatsSnapshot::kMaxStatus + 1> m_byStatus{};
    std::array<Counter, kFailKindCount> m_failures{};
    std::array<Counter, http::kParseErrorCount> m_parseErrors{};
    Counter m_requests{0};
    Counter m_accepted{0};
    std::atomic<std::int64_t> m_open{0};
};

/// The counters of every worker. Owned by the server; snapshot() may be called from any thread.
class ServerStats
{
public:
    explicit ServerStats(int workers);
    WorkerStats& worker(int index) { return *m_workers[static_cast<std::size_t>(index)]; }
    StatsSnapshot snapshot() const;

private:
    std::vector<std::unique_ptr<WorkerStats>> m_workers;
};

} // namespace gb::gateway
