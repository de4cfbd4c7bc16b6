// HostSampler on hand-written /proc files (exact arithmetic) and on the real /proc (sane values).

#include "app/host_sampler.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace gb::app;
using namespace std::chrono_literals;

namespace {

void write(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

/// A /proc/PID/stat line with the given utime/stime (ticks) and rss (pages); the command
/// name has a space and a parenthesis, as real ones may.
QByteArray procStat(qint64 pid, quint64 utime, quint64 stime, qint64 rssPages)
{
    QByteArray line = QByteArray::number(pid) + " (evil) name) S 1 1 1 0 -1 4194560 100 0 0 0 ";
    line += QByteArray::number(utime) + ' ' + QByteArray::number(stime);
    line += " 0 0 20 0 4 0 12345 100000000 " + QByteArray::number(rssPages) +
            " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    return line;
}

} // namespace

class TestHostSampler : public QObject
{
    Q_OBJECT

private slots:
    void fromFakeProc()
    {
        QTemporaryDir dir;
        const QString root = dir.path();
        const double tck = double(::sysconf(_SC_CLK_TCK));
        const qint64 page = ::sysconf(_SC_PAGESIZE);
        // Four cores; the whole-machine line is not what the machine CPU is read from.
        const QByteArray cores = "cpu0 1 2 3 4\ncpu1 1 2 3 4\ncpu2 1 2 3 4\ncpu3 1 2 3 4\n";
        write(root + "/stat", "cpu  100 0 100 700 100 0 0 0 0 0\n" + cores);
        write(root + "/meminfo",
              "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    400 kB\n");
        write(root + "/41/stat", procStat(41, 10, 10, 5));
        write(root + "/42/stat", procStat(42, 0, 0, 7));

        HostSampler sampler(root);
        sampler.setProcesses({{QStringLiteral("load"), 41},
                              {QStringLiteral("upstream"), 42},
                              {QStringLiteral("gone"), 43}});
        const auto t0 = HostSampler::Clock::time_point(100s);
        const HostSample first = sampler.sample(0, t0);
        QCOMPARE(first.machineCpuPercent, 0.0); // primes the counters
        QCOMPARE(first.memoryTotalBytes, qint64(1000 * 1024));
        QCOMPARE(first.memoryAvailableBytes, qint64(400 * 1024));
        QCOMPARE(first.processes.size(), 3);
        QCOMPARE(first.processes[0].cpuPercent, 0.0);
        QCOMPARE(first.processes[0].rssBytes, 5 * page);
        QVERIFY(!first.processes[2].alive);

        // One second later: process 41 used 1.5 s of CPU (150 % of one core), 42 half a second:
        // two of the four cores, whatever /proc/stat's first line says.
        write(root + "/stat", "cpu  250 0 250 1200 300 0 0 0 0 0\n" + cores);
        write(root + "/41/stat", procStat(41, 10 + quint64(tck), 10 + quint64(tck / 2), 6));
        write(root + "/42/stat", procStat(42, quint64(tck / 2), 0, 7));
        const HostSample second = sampler.sample(1.0, t0 + 1s);
        QCOMPARE(second.elapsedS, 1.0);
        QVERIFY(qAbs(second.machineCpuPercent - 50.0) < 1e-9);
        QCOMPARE(second.machineCpuSource,
                 QString::fromLatin1(HostSample::kMachineCpuFromProcesses));
        QVERIFY(qAbs(second.processes[0].cpuPercent - 150.0) < 1e-9);
        QVERIFY(qAbs(second.processes[1].cpuPercent - 50.0) < 1e-9);
        QCOMPARE(second.processes[0].rssBytes, 6 * page);
        QCOMPARE(second.processes[0].role, QStringLiteral("load"));
        QCOMPARE(second.processes[1].pid, 42);

        // A process that exits is reported as not alive, with no CPU.
        QFile::remove(root + "/42/stat");
        const HostSample third = sampler.sample(2.0, t0 + 2s);
        QVERIFY(!third.processes[1].alive);
        QCOMPARE(third.processes[1].cpuPercent, 0.0);
    }

    void realProc()
    {
        HostSampler sampler;
        sampler.setProcesses({{QStringLiteral("load"), QCoreApplication::applicationPid()}});
        sampler.sample(0);
        // Burn some CPU so there is something to see.
        volatile double x = 0;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 200)
            x = x + 1;
        const HostSample s = sampler.sample(0.2);
        QVERIFY(s.machineCpuPercent > 0 && s.machineCpuPercent <= 100);
        QVERIFY(s.memoryTotalBytes > s.memoryAvailableBytes);
        QCOMPARE(s.processes.size(), 1);
        QVERIFY(s.processes[0].alive);
        QVERIFY2(s.processes[0].cpuPercent > 5,
                 qPrintable(QString::number(s.processes[0].cpuPercent)));
        QVERIFY(s.processes[0].rssBytes > 1024 * 1024);
    }
};

QTEST_GUILESS_MAIN(TestHostSampler)
#include "tst_host_sampler.moc"
