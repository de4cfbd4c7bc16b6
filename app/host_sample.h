#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace gb::app {

/// One process's share of the machine over the last sampling period.
struct ProcessSample
{
    QString role; ///< "load", "upstream", "gateway", "redis"
    qint64 pid = 0;
    bool alive = true;     ///< false once its /proc entry is gone
    double cpuPercent = 0; ///< of one core, like top: 200 means two cores busy
    qint64 rssBytes = 0;
    friend bool operator==(const ProcessSample&, const ProcessSample&) = default;
};

/// The machine and the run's processes once per second. A plain value: made on the run's
/// worker thread, passed by value to the GUI and the run store.
struct HostSample
{
    double elapsedS = 0;          ///< run time it belongs to (the snapshot's elapsedS)
    double machineCpuPercent = 0; ///< of all cores: 100 means every core busy
    qint64 memoryTotalBytes = 0;
    qint64 memoryAvailableBytes = 0;
    QList<ProcessSample> processes;
    friend bool operator==(const HostSample&, const HostSample&) = default;
};

} // namespace gb::app

Q_DECLARE_METATYPE(gb::app::HostSample)
