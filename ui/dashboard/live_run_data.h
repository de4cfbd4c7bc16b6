#pragma once

#include "app/host_sample.h"
#include "app/run_record.h"
#include "engine/snapshot.h"
#include "engine/snapshot_totals.h"

#include <QList>
#include <QMap>
#include <QString>

#include <vector>

namespace gb::ui {

/// What the dashboard shows of one run, kept per second as it arrives: the snapshots (with
/// their serialized histograms), the host samples, and the measured window's running totals
/// (engine::SnapshotTotals, as a stored run's summary adds them up), so the "whole run" p99 is
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
    const engine::SnapshotTotals& measured() const { return m_measured; }

private:
    std::vector<engine::Snapshot> m_snapshots;
    QList<app::HostSample> m_hostSamples;
    engine::SnapshotTotals m_measured;
};

} // namespace gb::ui
