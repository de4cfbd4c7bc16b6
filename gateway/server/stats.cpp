#include "gateway/server/stats.h"

namespace gb::gateway {

std::string_view toString(FailKind k)
{
    switch (k) {
    case FailKind::Accept:
        return "accept";
    case FailKind::Read:
        return "read";
    case FailKind::Write:
        return "write";
    case FailKind::HeaderTimeout:
        return "header timeout";
    case FailKind::IdleTimeout:
        return "idle timeout";
    case FailKind::BodyTimeout:
        return "body timeout";
    case FailKind::WriteTimeout:
        return "write timeout";
    case FailKind::BadRequest:
        return "bad request";
    case FailKind::ClientAbort:
        return "client abort";
    case FailKind::DrainTimeout:
        return "drain timeout";
    }
    return "unknown";
}

void WorkerStats::addTo(StatsSnapshot& s) const
{
    for (std::size_t i = 0; i < m_byStatus.size(); ++i)
        s.responsesByStatus[i] += m_byStatus[i].load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < m_failures.size(); ++i)
        s.failures[i] += m_failures[i].load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < m_parseErrors.size(); ++i)
        s.parseErrors[i] += m_parseErrors[i].load(std::memory_order_relaxed);
    s.requests += m_requests.load(std::memory_order_relaxed);
    s.accepted += m_accepted.load(std::memory_order_relaxed);
    s.openConnections += m_open.load(std::memory_order_relaxed);
}

ServerStats::ServerStats(int workers)
{
    for (int i = 0; i < workers; ++i)
        m_workers.push_back(std::make_unique<WorkerStats>());
}

StatsSnapshot ServerStats::snapshot() const
{
    StatsSnapshot s;
    for (const auto& w : m_workers)
        w->addTo(s);
    return s;
}

} // namespace gb::gateway
