#pragma once

#include "app/host_sample.h"
#include "app/run_record.h"
#include "engine/histogram.h"
#include "engine/snapshot.h"

#include <QList>
#include <QMap>
#include <QString>

#include <vector>

namespace gb::ui {

/// What the dashboard shows of one run, kept per second as it arrives: the snapshots (with
/// their serialized histograms), the host samples, and running totals of the measured window
/// (warm-up excluded) whose latency comes from the merged histogram, so the "whole run" p99 is
/// exact at every moment. A plain value; GUI thread.
class LiveRunData
{
public:
    void clear();
    void addSnapshot(const engine::Snapshot& snapshot);
    void addHostSample(const app::HostSample& sample);
    /// Replaces everything with a stored run's series.
    void setRun(const app::RunRecord& run);

    const std::vector<engine::Snapshot>& snapshots() const { return m_snapshots; }
    const QList<app::HostSample>& hostSamples() const { return m_hostSamples; }
    bool isEmpty() const { return m_snapshots.empty(); }
    double elapsedS() const { return m_snapshots.empty() ? 0 : m_snapshots.back().elapsedS; }

    /// The measured window so far.
    const engine::Histogram& measuredLatency() const { return m_measured; }
    std::uint64_t measuredRequests() const { return m_requests; }
    double measuredSeconds() const { return m_seconds; }
    std::uint64_t measuredErrors() const { return m_errors; }
    const QMap<int, std::uint64_t>& statusCodes() const { return m_statusCodes; }
    const QMap<QString, std::uint64_t>& errorsByClass() const { return m_errorsByClass; }

private:
    std::vector<engine::Snapshot> m_snapshots;
    QList<app::HostSample> m_hostSamples;
    engine::Histogram m_measured;
    std::uint64_t m_requests = 0;
    double m_seconds = 0;
    std::uint64_t m_errors = 0;
    QMap<int, std::uint64_t> m_statusCodes;
    QMap<QString, std::uint64_t> m_errorsByClass;
};

} // namespace gb::ui
