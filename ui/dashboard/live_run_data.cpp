#include "ui/dashboard/live_run_data.h"

namespace gb::ui {

void LiveRunData::clear()
{
    *this = LiveRunData();
}

void LiveRunData::addSnapshot(const engine::Snapshot& snapshot)
{
    m_snapshots.push_back(snapshot);
    m_measured.add(snapshot);
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
