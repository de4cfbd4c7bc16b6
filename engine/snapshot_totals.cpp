#include "engine/snapshot_totals.h"

namespace gb::engine {

void SnapshotTotals::add(const Snapshot& snapshot)
{
    if (snapshot.warmup)
        return;
    m_requests += snapshot.requests;
    m_seconds += snapshot.intervalS;
    m_targetRequests += snapshot.targetRps * snapshot.intervalS;
    m_errors += snapshot.errors;
    m_lateSends += snapshot.lateSends;
    for (const auto& [name, count] : snapshot.errorsByClass)
        m_errorsByClass[name] += count;
    for (const auto& [code, count] : snapshot.statusCodes)
        m_statusCodes[code] += count;
    if (auto h = Histogram::deserialize(snapshot.histogram))
        m_latency.merge(*h);
}

} // namespace gb::engine
