#pragma once

#include "app/host_sample.h"
#include "app/process_supervisor.h"

#include <QHash>
#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace gb::app {

/// Reads CPU and memory from /proc: per process from /proc/PID/stat (utime + stime deltas and
/// resident pages); the machine's CPU as the sum of those processes over its cores (counted in
/// /proc/stat), its memory from /proc/meminfo. Each sample covers the time since the previous
/// one, so the first sample after setProcesses() primes the counters and reports 0 % CPU.
///
/// Not thread-safe; used by one thread at a time (the run's worker thread). procRoot and the
/// clock can be replaced so tests feed it files.
class HostSampler
{
public:
    using Clock = std::chrono::steady_clock;

    explicit HostSampler(QString procRoot = QStringLiteral("/proc"));

    void setProcesses(const QList<WatchedProcess>& processes);
    HostSample sample(double elapsedS, Clock::time_point now = Clock::now());

private:
    /// The cpuN lines of /proc/stat; at least 1.
    int countCores() const;
    /// utime + stime in clock ticks, and resident pages.
    std::optional<std::pair<quint64, qint64>> readProcess(qint64 pid) const;

    QString m_procRoot;
    double m_ticksPerSecond;
    qint64 m_pageSize;
    QList<WatchedProcess> m_processes;
    QHash<qint64, quint64> m_lastTicks;
    std::optional<Clock::time_point> m_lastTime;
};

} // namespace gb::app
