// RunController end to end against the real gatebench-upstream: servers started and stopped
// (no child left behind), snapshots and host samples arrive, the run is stored; an upstream
// that cannot start fails with a clear message; stop() mid-run keeps the data; stop() while
// the servers start; the GUI thread is never blocked.

#include "app/builtin_scenarios.h"
#include "app/run_controller.h"
#include "app/run_store.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>

using namespace gb::app;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);

Scenario shortBaseline(Duration duration = 2s)
{
    Scenario s;
    s.name = QStringLiteral("controller test");
    s.load.connections = 4;
    s.load.duration = duration;
    s.load.warmup = 0s;
    s.load.model = LoadModelKind::PerWorkerRate;
    s.load.perWorkerRate = 200; // 800 requests/s: light on a shared 2-core machine
    return s;
}

/// Processes whose parent is this test: children of the controller that were not reaped.
QList<qint64> childrenOfThisProcess()
{
    QList<qint64> children;
    const QString self = QString::number(QCoreApplication::applicationPid());
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1] == self.toUtf8())
            children.append(entry.toLongLong());
    }
    return children;
}

bool processExists(qint64 pid)
{
    return ::kill(pid_t(pid), 0) == 0 || errno != ESRCH;
}

void writeScript(const QString& path, const QByteArray& body)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\n" + body);
    f.close();
    QVERIFY(
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
}

/// Measures the longest gap between two turns of this thread's event loop while a run is on.
class LoopGapProbe : public QObject
{
public:
    LoopGapProbe()
    {
        m_clock.start();
        startTimer(5);
    }
    qint64 worstGapMs() const { return m_worst; }

protected:
    void timerEvent(QTimerEvent*) override
    {
        const qint64 now = m_clock.elapsed();
        m_worst = std::max(m_worst, now - m_last);
        m_last = now;
    }

private:
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
};

} // namespace

class TestRunController : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-upstream")),
                 "gatebench-upstream is not built in " GB_BIN_DIR);
    }

    void localRunEndToEnd()
    {
        QTemporaryDir runs;
        RunController controller;
        controller.setBinDirectory(kBinDir);
        controller.setRunsDirectory(runs.path());
        QSignalSpy phases(&controller, &RunController::phaseChanged);
        QSignalSpy snapshots(&controller, &RunController::snapshotReady);
        QSignalSpy hosts(&controller, &RunController::hostSampleReady);
        QSignalSpy finished(&controller, &RunController::runFinished);
        QSignalSpy failed(&controller, &RunController::runFailed);
        QList<qint64> serverPids;
        connect(&controller, &RunController::hostSampleReady, this, [&](const HostSample& h) {
            for (const ProcessSample& p : h.processes)
                if (p.role != QLatin1String("load") && !serverPids.contains(p.pid))
                    serverPids.append(p.pid);
        });

        LoopGapProbe probe;
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(controller.start(shortBaseline()), QString());
        QVERIFY(controller.isRunning());
        QVERIFY(!controller.start(shortBaseline()).isEmpty()); // one at a time
        QVERIFY(clock.elapsed() < 50);                         // start() does not block
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 30000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QVERIFY(!controller.isRunning());
        // Nothing the controller does on this thread waits for the servers or the engine (that
        // would show as seconds). The bound is loose because this 2-core machine is shared and
        // the scheduler alone can delay a timer by tens of milliseconds.
        QVERIFY2(probe.worstGapMs() < 250, qPrintable(QString::number(probe.worstGapMs())));

        const RunRecord run = finished.first().first().value<RunRecord>();
        QCOMPARE(run.status, RunStatus::Completed);
        QVERIFY(run.error.isEmpty());
        QVERIFY(snapshots.size() >= 2);
        QCOMPARE(qsizetype(run.series.size()), snapshots.size());
        QCOMPARE(run.hostSamples.size(), hosts.size());
        QVERIFY2(run.summary.requests > 500, qPrintable(QString::number(run.summary.requests)));
        QCOMPARE(run.summary.errors, std::uint64_t(0));
        QCOMPARE(run.summary.statusCodes.keys(), QList<int>{200});
        QVERIFY(run.summary.latency.p99 > 0);
        QVERIFY(qAbs(run.summary.durationS - 2.0) < 0.2);
        QVERIFY(run.report.contains(QStringLiteral("Requests/sec:")));
        QCOMPARE(run.scenario, shortBaseline());
        QVERIFY(!run.environment.cpuModel.isEmpty());
        QVERIFY(run.environment.cores > 0);

        // Both the generator and the upstream were sampled.
        const HostSample last = run.hostSamples.last();
        QCOMPARE(last.processes.size(), 2);
        QCOMPARE(last.processes[0].role, QStringLiteral("load"));
        QCOMPARE(last.processes[1].role, QStringLiteral("upstream"));
        QVERIFY(last.processes[1].alive);

        // Phases in order, ending idle.
        QList<RunPhase> seen;
        for (const auto& args : phases)
            if (seen.isEmpty() || seen.last() != args.first().value<RunPhase>())
                seen.append(args.first().value<RunPhase>());
        QCOMPARE(seen, (QList<RunPhase>{RunPhase::Starting, RunPhase::Running, RunPhase::Stopping,
                                        RunPhase::Idle}));

        // Stored, and readable after a "restart".
        QVERIFY(QFile::exists(run.filePath));
        const QList<RunListEntry> list = RunStore(runs.path()).list();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().id, run.id);

        // The upstream is gone and nothing is left unreaped.
        QCOMPARE(serverPids.size(), 1);
        QVERIFY(!processExists(serverPids.first()));
        QCOMPARE(childrenOfThisProcess(), QList<qint64>());
    }

    void upstreamThatCannotStart_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("exits at once")
            << QByteArray("echo 'gatebench-upstream: bind 127.0.0.1:0: address family not "
                          "supported' >&2\nexit 3\n")
            << QStringList{
                   QStringLiteral("gatebench-upstream exited with status 3 before it was ready"),
                   QStringLiteral("address family not supported")};
        QTest::newRow("killed by a signal")
            << QByteArray("echo 'about to crash' >&2\nkill -9 $$\n")
            << QStringList{
                   QStringLiteral("gatebench-upstream was killed by a signal before it was ready"),
                   QStringLiteral("about to crash")};
        QTest::newRow("listens but is never healthy")
            << QByteArray("echo 'listening on 127.0.0.1:1'\nexec sleep 60\n")
            << QStringList{QStringLiteral("gatebench-upstream did not become healthy in time"),
                           QStringLiteral("cannot connect to 127.0.0.1:1")};
    }
    void upstreamThatCannotStart()
    {
        QFETCH(QByteArray, script);
        QFETCH(QStringList, expected);
        QTemporaryDir bin, runs;
        writeScript(bin.filePath(QStringLiteral("gatebench-upstream")), script);
        RunController controller;
        controller.setBinDirectory(bin.path());
        controller.setRunsDirectory(runs.path());
        controller.setServerStartTimeout(3s); // the never-healthy case waits this long
        QSignalSpy failed(&controller, &RunController::runFailed);
        QSignalSpy finished(&controller, &RunController::runFinished);
        QCOMPARE(controller.start(shortBaseline()), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 15000);
        QVERIFY(finished.isEmpty());
        const QString message = failed.first().first().toString();
        for (const QString& part : expected)
            QVERIFY2(message.contains(part), qPrintable(message));
        const RunRecord run = failed.first().at(1).value<RunRecord>();
        QCOMPARE(run.status, RunStatus::Failed);
        QVERIFY(run.series.empty());
        QVERIFY(run.filePath.isEmpty()); // nothing measured, nothing stored
        QVERIFY(QDir(runs.path()).isEmpty());
        QCOMPARE(childrenOfThisProcess(), QList<qint64>());
    }

    void missingExecutable()
    {
        QTemporaryDir bin;
        RunController controller;
        controller.setBinDirectory(bin.path());
        QSignalSpy failed(&controller, &RunController::runFailed);
        QCOMPARE(controller.start(shortBaseline()), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("gatebench-upstream was not found in ")) &&
                     message.contains(QStringLiteral("GATEBENCH_BIN_DIR")),
                 qPrintable(message));
    }

    void invalidScenario()
    {
        RunController controller;
        QSignalSpy failed(&controller, &RunController::runFailed);
        Scenario s = shortBaseline();
        s.load.connections = 0;
        QCOMPARE(controller.start(s), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 5000);
        QVERIFY2(failed.first().first().toString().contains(
                     QStringLiteral("load.connections: Connections must be between 1 and 100000")),
                 qPrintable(failed.first().first().toString()));
    }

    void stopMidRunKeepsTheData()
    {
        QTemporaryDir runs;
        RunController controller;
        controller.setBinDirectory(kBinDir);
        controller.setRunsDirectory(runs.path());
        QSignalSpy snapshots(&controller, &RunController::snapshotReady);
        QSignalSpy finished(&controller, &RunController::runFinished);
        QSignalSpy failed(&controller, &RunController::runFailed);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(controller.start(shortBaseline(60s)), QString());
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2, 20000);
        const qint64 stopAt = clock.elapsed();
        controller.stop();
        QVERIFY(clock.elapsed() - stopAt < 50); // stop() returns at once
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 15000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QVERIFY(clock.elapsed() < 30000); // well before the 60 s the scenario asked for

        const RunRecord run = finished.first().first().value<RunRecord>();
        QCOMPARE(run.status, RunStatus::Stopped);
        QVERIFY(run.error.startsWith(QStringLiteral("Stopped after")));
        QVERIFY(run.series.size() >= 2);
        QVERIFY(run.summary.requests > 0);
        auto stored = RunStore(runs.path()).load(run.id);
        QVERIFY2(stored.ok(), qPrintable(stored.error()));
        QCOMPARE(stored->status, RunStatus::Stopped);
        QCOMPARE(stored->series.size(), run.series.size());
        QCOMPARE(stored->summary.requests, run.summary.requests);
        QCOMPARE(childrenOfThisProcess(), QList<qint64>());
    }

    void serverDyingMidRunFailsAndKeepsTheData()
    {
        QTemporaryDir runs;
        RunController controller;
        controller.setBinDirectory(kBinDir);
        controller.setRunsDirectory(runs.path());
        QSignalSpy hosts(&controller, &RunController::hostSampleReady);
        QSignalSpy finished(&controller, &RunController::runFinished);
        QSignalSpy failed(&controller, &RunController::runFailed);
        QCOMPARE(controller.start(shortBaseline(60s)), QString());
        QTRY_VERIFY_WITH_TIMEOUT(hosts.size() >= 2, 20000);
        const HostSample sample = hosts.last().first().value<HostSample>();
        QCOMPARE(sample.processes.size(), 2);
        QCOMPARE(sample.processes[1].role, QStringLiteral("upstream"));
        QCOMPARE(::kill(pid_t(sample.processes[1].pid), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 15000);
        QVERIFY(finished.isEmpty());
        const QString message = failed.first().first().toString();
        QVERIFY2(message.startsWith(
                     QStringLiteral("gatebench-upstream was killed by a signal during the run")),
                 qPrintable(message));
        const RunRecord run = failed.first().at(1).value<RunRecord>();
        QCOMPARE(run.status, RunStatus::Failed);
        QCOMPARE(run.error, message);
        QVERIFY(run.series.size() >= 2);
        auto stored = RunStore(runs.path()).load(run.id);
        QVERIFY2(stored.ok(), qPrintable(stored.error()));
        QCOMPARE(stored->status, RunStatus::Failed);
        QCOMPARE(stored->series.size(), run.series.size());
        QCOMPARE(childrenOfThisProcess(), QList<qint64>());
    }

    void stopWhileServersStart()
    {
        // An upstream that never announces itself: the run is still starting when stopped.
        QTemporaryDir bin, runs;
        writeScript(bin.filePath(QStringLiteral("gatebench-upstream")), "exec sleep 60\n");
        RunController controller;
        controller.setBinDirectory(bin.path());
        controller.setRunsDirectory(runs.path());
        QSignalSpy phases(&controller, &RunController::phaseChanged);
        QSignalSpy failed(&controller, &RunController::runFailed);
        QCOMPARE(controller.start(shortBaseline()), QString());
        QTRY_VERIFY_WITH_TIMEOUT(phases.size() >= 2, 5000); // "Starting gatebench-upstream"
        QElapsedTimer clock;
        clock.start();
        controller.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(failed.first().first().toString(),
                 QStringLiteral("The run was stopped before the load started."));
        QCOMPARE(childrenOfThisProcess(), QList<qint64>());
    }

    void keylessGateway()
    {
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-gateway")),
                 "gatebench-gateway is not built in " GB_BIN_DIR);
        Scenario s = builtinScenario(QStringLiteral("keyless")).value();
        s.load.connections = 4;
        s.load.duration = 2s;
        s.load.warmup = 0s;
        s.load.perWorkerRate = 100;
        QTemporaryDir runs;
        RunController controller;
        controller.setBinDirectory(kBinDir);
        controller.setRunsDirectory(runs.path());
        QSignalSpy finished(&controller, &RunController::runFinished);
        QSignalSpy failed(&controller, &RunController::runFailed);
        QCOMPARE(controller.start(s), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 30000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        const RunRecord run = finished.first().first().value<RunRecord>();
        // Every request went through the gateway's /apitest/ to the upstream and came back 200.
        QVERIFY(run.summary.requests > 0);
        QCOMPARE(run.summary.statusCodes.keys(), QList<int>{200});
        QStringList roles;
        for (const ProcessSample& p : run.hostSamples.last().processes)
            roles.append(p.role);
        QCOMPARE(roles, (QStringList{QStringLiteral("load"), QStringLiteral("upstream"),
                                     QStringLiteral("gateway")}));
        QCOMPARE(childrenOfThisProcess(), QList<qint64>());
    }

    void fullGateway()
    {
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-gateway")),
                 "gatebench-gateway is not built in " GB_BIN_DIR);
        Scenario s = builtinScenario(QStringLiteral("full")).value();
        if (QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty())
            s.gateway.redis.mode = RedisMode::Memory;
        s.load.connections = 4;
        s.load.duration = 2s;
        s.load.warmup = 0s;
        s.load.perWorkerRate = 100;
        QTemporaryDir runs;
        RunController controller;
        controller.setBinDirectory(kBinDir);
        controller.setRunsDirectory(runs.path());
        QSignalSpy finished(&controller, &RunController::runFinished);
        QSignalSpy failed(&controller, &RunController::runFailed);
        QCOMPARE(controller.start(s), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 30000);
        QCOMPARE(childrenOfThisProcess(), QList<qint64>());
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        const RunRecord run = finished.first().first().value<RunRecord>();
        // The key's limit is far above the offered load: no 401, 403 or 429, only 200.
        QVERIFY(run.summary.requests > 0);
        QCOMPARE(run.summary.statusCodes.keys(), QList<int>{200});
    }

    void destroyedDuringARun()
    {
        QTemporaryDir runs;
        QElapsedTimer clock;
        {
            RunController controller;
            controller.setBinDirectory(kBinDir);
            controller.setRunsDirectory(runs.path());
            QSignalSpy snapshots(&controller, &RunController::snapshotReady);
            QCOMPARE(controller.start(shortBaseline(60s)), QString());
            QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty(), 20000);
            clock.start();
        }
        QVERIFY(clock.elapsed() < 10000);
        QCOMPARE(childrenOfThisProcess(), QList<qint64>());
    }
};

QTEST_GUILESS_MAIN(TestRunController)
#include "tst_run_controller.moc"
