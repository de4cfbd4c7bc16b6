#include "app/hosts/proc_stat.h"

#include <QList>

namespace gb::app {

std::optional<CpuTicks> parseCpuLine(const QByteArray& line)
{
    const QList<QByteArray> f = line.simplified().split(' ');
    if (f.size() < 9 || f[0] != "cpu")
        return std::nullopt;
    quint64 v[8];
    for (int i = 0; i < 8; ++i) {
        bool ok = false;
        v[i] = f[i + 1].toULongLong(&ok);
        if (!ok)
            return std::nullopt;
    }
    return CpuTicks{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
}

bool cpuShares(const CpuTicks& before, const CpuTicks& after, MachineSample& sample)
{
    if (after.total() <= before.total() || after.user < before.user || after.system < before.system)
        return false;
    const double total = double(after.total() - before.total());
    // iowait may step back on Linux (it is an estimate): a share is never below 0.
    auto share = [&](quint64 a, quint64 b) { return a > b ? 100.0 * double(a - b) / total : 0.0; };
    sample.userPercent = share(after.user + after.nice, before.user + before.nice);
    sample.systemPercent = share(after.system + after.irq + after.softirq,
                                 before.system + before.irq + before.softirq);
    sample.iowaitPercent = share(after.iowait, before.iowait);
    sample.stealPercent = share(after.steal, before.steal);
    return true;
}

} // namespace gb::app
