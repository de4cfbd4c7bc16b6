#include "ui/dashboard/live_run_data.h"

namespace gb::ui {

void LiveRunData::clear()
{
    *this = LiveRunData();
}

void LiveRunData::addSnapshot(const engine::Snapshot& snapshot)
{
    m_snapshots.push_back(snapshot);
    if (snapshot.warmup)
        return;
    m_requests += snapshot.requests;
    m_seconds += snapshot.intervalS;
    m_errors += snapshot.errors;
    for (const auto& [code, count] : snapshot.statusCodes)
        m_statusCodes[code] += count;
    for (const auto& [name, count] : snapshot.errorsByClass)
        m_errorsByClass[QString::fromStdString(name)] += count;
    if (auto h = engine::Histogram::deserialize(snapshot.histogram))
        m_measured.merge(*h);
}

void LiveRunData::addHostSample(const app::HostSample& sample)
{
    m_hostSamples.append(sample);
}

void LiveRunData::setRun(const app::RunRecord& run)
{
    clear();
    for (const engine::Snapshot& s : run.series)
        addSnapshot(s);
    m_hostSamples = run.hostSamples;
}

} // namespace gb::ui
