#pragma once

#include "app/host_sample.h"

#include <QByteArray>

#include <optional>

namespace gb::app {

/// The aggregate "cpu" line of /proc/stat, in clock ticks since boot.
struct CpuTicks
{
    quint64 user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    quint64 total() const { return user + nice + system + idle + iowait + irq + softirq + steal; }
};

/// Parses "cpu  user nice system idle iowait irq softirq steal ..." (guest time is already in
/// user, so it is not added again). nullopt for anything else.
std::optional<CpuTicks> parseCpuLine(const QByteArray& line);

/// The shares of the period between two readings, into sample's CPU fields; false when no time
/// passed (or the counters went back: another boot).
bool cpuShares(const CpuTicks& before, const CpuTicks& after, MachineSample& sample);

} // namespace gb::app
