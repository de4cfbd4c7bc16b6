#pragma once

#include "engine/histogram.h"
#include "engine/snapshot.h"

#include <cstdint>
#include <map>
#include <string>

namespace gb::engine {

/// The measured window of a series of snapshots, added up: the one place where snapshots are
/// summed, for a stored run's summary, the live dashboard's totals and the merge of several
/// load generators' series. Warm-up snapshots are ignored. Latency comes from merging the
/// snapshots' serialized histograms, never from their percentiles. A plain value; not
/// thread-safe.
class SnapshotTotals
{
public:
    void add(const Snapshot& snapshot);

    std::uint64_t requests() const { return m_requests; }
    double seconds() const { return m_seconds; }
    double rps() const { return m_seconds > 0 ? double(m_requests) / m_seconds : 0; }
    /// Open loop: what the schedule intended over the window, per second.
    double targetRps() const { return m_seconds > 0 ? m_targetRequests / m_seconds : 0; }
    std::uint64_t errors() const { return m_errors; }
    std::uint64_t lateSends() const { return m_lateSends; }
    const std::map<std::string, std::uint64_t>& errorsByClass() const { return m_errorsByClass; }
    const std::map<int, std::uint64_t>& statusCodes() const { return m_statusCodes; }
    const Histogram& latency() const { return m_latency; }

private:
    std::uint64_t m_requests = 0;
    double m_seconds = 0;
    double m_targetRequests = 0;
    std::uint64_t m_errors = 0;
    std::uint64_t m_lateSends = 0;
    std::map<std::string, std::uint64_t> m_errorsByClass;
    std::map<int, std::uint64_t> m_statusCodes;
    Histogram m_latency;
};

} // namespace gb::engine
