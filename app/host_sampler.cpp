#include "app/host_sampler.h"

#include <QFile>

#include <algorithm>
#include <unistd.h>

namespace gb::app {

namespace {

QByteArray readSmallFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    // /proc files report size 0: read until the end rather than trusting size().
    return file.readAll();
}

} // namespace

HostSampler::HostSampler(QString procRoot)
    : m_procRoot(std::move(procRoot))
    , m_ticksPerSecond(double(::sysconf(_SC_CLK_TCK)))
    , m_pageSize(::sysconf(_SC_PAGESIZE))
{}

void HostSampler::setProcesses(const QList<WatchedProcess>& processes)
{
    m_processes = processes;
    m_lastTicks.clear();
    m_lastTime.reset();
}

int HostSampler::countCores() const
{
    int cores = 0;
    for (const QByteArray& line : readSmallFile(m_procRoot + QStringLiteral("/stat")).split('\n'))
        if (line.startsWith("cpu") && line.size() > 3 && line[3] >= '0' && line[3] <= '9')
            ++cores;
    return std::max(cores, 1);
}

std::optional<std::pair<quint64, qint64>> HostSampler::readProcess(qint64 pid) const
{
    const QByteArray stat = readSmallFile(QStringLiteral("%1/%2/stat").arg(m_procRoot).arg(pid));
    // The command name (field 2) is in parentheses and may hold spaces or ')': the fields we
    // want are counted from the last ')'.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = stat.mid(close + 2).simplified().split(' ');
    // After ')': state(3) ... utime is field 14, stime 15, rss 24 (man 5 proc), i.e. indices
    // 11, 12 and 21 here.
    if (fields.size() < 22)
        return std::nullopt;
    const quint64 ticks = fields[11].toULongLong() + fields[12].toULongLong();
    const qint64 rssPages = fields[21].toLongLong();
    return std::make_pair(ticks, rssPages * m_pageSize);
}

HostSample HostSampler::sample(double elapsedS, Clock::time_point now)
{
    HostSample s;
    s.elapsedS = elapsedS;
    const double wallS =
        m_lastTime ? std::chrono::duration<double>(now - *m_lastTime).count() : 0.0;

    const QByteArray meminfo = readSmallFile(m_procRoot + QStringLiteral("/meminfo"));
    for (const QByteArray& line : meminfo.split('\n')) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() < 2)
            continue;
        if (f[0] == "MemTotal:")
            s.memoryTotalBytes = f[1].toLongLong() * 1024;
        else if (f[0] == "MemAvailable:")
            s.memoryAvailableBytes = f[1].toLongLong() * 1024;
    }

    for (const WatchedProcess& p : m_processes) {
        ProcessSample ps;
        ps.role = p.role;
        ps.pid = p.pid;
        const auto read = readProcess(p.pid);
        if (!read) {
            ps.alive = false;
            m_lastTicks.remove(p.pid);
        } else {
            const auto [ticks, rss] = *read;
            ps.rssBytes = rss;
            if (const auto last = m_lastTicks.constFind(p.pid);
                last != m_lastTicks.constEnd() && wallS > 0 && ticks >= *last)
                ps.cpuPercent = 100.0 * double(ticks - *last) / m_ticksPerSecond / wallS;
            m_lastTicks.insert(p.pid, ticks);
        }
        s.processes.append(ps);
        s.machineCpuPercent += ps.cpuPercent;
    }
    s.machineCpuPercent /= countCores();
    m_lastTime = now;
    return s;
}

} // namespace gb::app
