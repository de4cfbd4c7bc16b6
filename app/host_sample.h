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

/// A host's CPU and memory over the last sampling period, by /proc/stat's categories, as a share
/// of all its cores (100 = every core busy).
struct MachineSample
{
    QString host;             ///< the hosts file's name
    QString source;           ///< how it was read, e.g. "/proc/stat over SSH"
    double userPercent = 0;   ///< user + nice
    double systemPercent = 0; ///< system + irq + softirq
    double iowaitPercent = 0;
    double stealPercent = 0; ///< taken by the hypervisor: a noisy neighbour shows here
    qint64 memoryTotalBytes = 0;
    qint64 memoryAvailableBytes = 0;

    double busyPercent() const { return userPercent + systemPercent + stealPercent; }
    friend bool operator==(const MachineSample&, const MachineSample&) = default;
};

/// The machine and the run's processes once per second. A plain value: made on the run's
/// worker thread, passed by value to the GUI and the run store.
struct HostSample
{
    /// How this machine's CPU is read today: the run's processes' own times summed, since
    /// /proc/stat's whole-machine figure reads too low in some VMs (under Xvfb on the test
    /// machines). Runs stored before it say kMachineCpuFromProcStat.
    static constexpr const char* kMachineCpuFromProcesses =
        "sum of the run's processes, /proc/PID/stat";
    static constexpr const char* kMachineCpuFromProcStat = "/proc/stat";

    double elapsedS = 0; ///< run time it belongs to (the snapshot's elapsedS)
    /// This machine's CPU used by the run, of all its cores: 100 means every core busy.
    double machineCpuPercent = 0;
    QString machineCpuSource = QString::fromLatin1(kMachineCpuFromProcesses);
    qint64 memoryTotalBytes = 0;
    qint64 memoryAvailableBytes = 0;
    QList<ProcessSample> processes;
    QList<MachineSample> hosts; ///< a run on hosts: each host's latest sample, read over SSH
    friend bool operator==(const HostSample&, const HostSample&) = default;
};

} // namespace gb::app

Q_DECLARE_METATYPE(gb::app::HostSample)
