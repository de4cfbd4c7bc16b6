// One measurement at a time on a machine, decided in app/ (MeasurementLock): in one process a
// run and a study refuse each other with a sentence naming what is in progress, a study's runs
// go under the study's lease; across processes two headless gatebench commands do the same,
// --wait waits for the first one to end, and a holder killed with SIGKILL blocks nobody.
// ctest gives this test a lock file of its own (GATEBENCH_MEASUREMENT_LOCK), which the gatebench
// processes it starts inherit.

#include "app/measurement_lock.h"
#include "app/run_controller.h"
#include "app/study/study_runner.h"
#include "support/study_fixtures.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace gb::app;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);

Scenario lightBaseline(Duration duration)
{
    Scenario s;
    s.name = QStringLiteral("lock test");
    s.load.connections = 2;
    s.load.duration = duration;
    s.load.warmup = 0s;
    s.load.model = LoadModelKind::PerWorkerRate;
    s.load.perWorkerRate = 100; // light: the test is about who may measure, not how fast
    return s;
}

/// A headless gatebench command, started and left running.
struct Command
{
    QProcess process;
    QString err;

    void start(const QTemporaryDir& dir, const QStringList& args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEBENCH_RUNS_DIR"), dir.filePath(QStringLiteral("runs")));
        env.insert(QStringLiteral("GATEBENCH_STUDIES_DIR"),
                   dir.filePath(QStringLiteral("studies")));
        process.setProcessEnvironment(env);
        process.start(kBinDir + QStringLiteral("/gatebench"), args);
    }
    /// Reads stderr until it contains text; false after timeoutMs or when the process ended.
    bool waitForErr(const QString& text, int timeoutMs = 30000)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!err.contains(text) && !deadline.hasExpired()) {
            if (process.state() == QProcess::NotRunning)
                break;
            process.waitForReadyRead(100);
            err += QString::fromUtf8(process.readAllStandardError());
        }
        err += QString::fromUtf8(process.readAllStandardError());
        return err.contains(text);
    }
    int finish(int timeoutMs = 30000)
    {
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
            return -1;
        }
        err += QString::fromUtf8(process.readAllStandardError());
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
};

QStringList longRun()
{
    return {QStringLiteral("run"),        QStringLiteral("--builtin"), QStringLiteral("baseline"),
            QStringLiteral("--duration"), QStringLiteral("60s"),       QStringLiteral("--rate"),
            QStringLiteral("200")};
}

} // namespace

class TestMeasurementLock : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!qEnvironmentVariableIsEmpty("GATEBENCH_MEASUREMENT_LOCK"),
                 "ctest gives every test its own lock file; run this test through ctest");
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-upstream")),
                 "gatebench-upstream is not built in " GB_BIN_DIR);
    }

    void oneHolderAtATime()
    {
        auto first = MeasurementLock::acquire(QStringLiteral("study \"first\""));
        QVERIFY2(first, qPrintable(first.error()));
        QCOMPARE(first.value()->activity(), QStringLiteral("study \"first\""));

        const auto second = MeasurementLock::acquire(QStringLiteral("run \"second\""));
        QVERIFY(!second);
        QVERIFY2(second.error().startsWith(
                     QStringLiteral("Another measurement is in progress on this machine: study "
                                    "\"first\" (this gatebench, since ")),
                 qPrintable(second.error()));

        // A lease is shared: the lock goes with the last copy.
        MeasurementLease copy = first.value();
        first.value().reset();
        QVERIFY(!MeasurementLock::acquire(QStringLiteral("run \"second\"")));
        copy.reset();
        QVERIFY(MeasurementLock::acquire(QStringLiteral("run \"second\"")));
    }

    void runRefusedWhileAStudyMeasures()
    {
        StudyRunner study;
        study.setBinDirectory(kBinDir);
        study.setRunsDirectory(m_dir.filePath(QStringLiteral("runs")));
        study.setStudiesDirectory(m_dir.filePath(QStringLiteral("studies")));
        Study s = gb::test::threeStages();
        s.stages.first().scenario.load.duration = 60s;
        QSignalSpy cancelled(&study, &StudyRunner::studyCancelled);
        QCOMPARE(study.start(s), QString());

        RunController run;
        run.setBinDirectory(kBinDir);
        run.setRunsDirectory(m_dir.filePath(QStringLiteral("runs")));
        QSignalSpy phases(&run, &RunController::phaseChanged);
        const QString refusal = run.start(lightBaseline(2s));
        QVERIFY2(refusal.contains(QStringLiteral("study \"test study\" (this gatebench")),
                 qPrintable(refusal));
        QVERIFY(!run.isRunning());
        QTest::qWait(50);
        QVERIFY(phases.isEmpty()); // a refused start emits nothing

        // The study's own runs go under its lease: it is measuring, not refused.
        QTRY_VERIFY_WITH_TIMEOUT(study.controller()->isRunning(), 10000);
        study.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!cancelled.isEmpty(), 30000);
        QCOMPARE(run.start(lightBaseline(1s)), QString());
        run.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!run.isRunning(), 30000);
    }

    void studyRefusedWhileARunMeasures()
    {
        RunController run;
        run.setBinDirectory(kBinDir);
        run.setRunsDirectory(m_dir.filePath(QStringLiteral("runs")));
        QCOMPARE(run.start(lightBaseline(60s)), QString());

        StudyRunner study;
        study.setStudiesDirectory(m_dir.filePath(QStringLiteral("studies")));
        QSignalSpy started(&study, &StudyRunner::studyStarted);
        const QString refusal = study.start(gb::test::threeStages());
        QVERIFY2(refusal.contains(QStringLiteral("run \"lock test\" (this gatebench")),
                 qPrintable(refusal));
        QVERIFY(!study.isRunning());
        QTest::qWait(50);
        QVERIFY(started.isEmpty());

        run.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!run.isRunning(), 30000);
    }

    void twoProcessesDoNotMeasureAtOnce()
    {
        Command first;
        first.start(m_dir, longRun());
        // Measuring (it took the lock before its first phase line). Stopped from then on, its
        // run is kept and it ends with 0; stopped during its start-up it would end with 1.
        QVERIFY2(first.waitForErr(QStringLiteral("Running ")), qPrintable(first.err));
        const QString holder = QStringLiteral("run \"baseline\" (gatebench run, pid %1, since ")
                                   .arg(first.process.processId());

        // This process, another run, a study: each refused with the sentence naming the first.
        const auto here = MeasurementLock::acquire(QStringLiteral("probe"));
        QVERIFY(!here);
        QVERIFY2(here.error().contains(holder), qPrintable(here.error()));
        Command run;
        run.start(m_dir,
                  {QStringLiteral("run"), QStringLiteral("--builtin"), QStringLiteral("baseline"),
                   QStringLiteral("--duration"), QStringLiteral("1s")});
        QCOMPARE(run.finish(), 1);
        QVERIFY2(run.err.contains(QStringLiteral("gatebench run: Another measurement is in "
                                                 "progress on this machine: ") +
                                  holder),
                 qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("--wait")), qPrintable(run.err));
        Command study;
        study.start(m_dir,
                    {QStringLiteral("study"), QStringLiteral("--builtin"), QStringLiteral("manual"),
                     QStringLiteral("--repeats"), QStringLiteral("1"), QStringLiteral("--duration"),
                     QStringLiteral("1s")});
        QCOMPARE(study.finish(), 1);
        QVERIFY2(study.err.contains(holder), qPrintable(study.err));

        // --wait: it waits, says for what, and measures once the first has ended.
        Command waiting;
        waiting.start(m_dir, {QStringLiteral("run"), QStringLiteral("--builtin"),
                              QStringLiteral("baseline"), QStringLiteral("--duration"),
                              QStringLiteral("1s"), QStringLiteral("--wait")});
        QVERIFY2(waiting.waitForErr(QStringLiteral("gatebench run: waiting: ")),
                 qPrintable(waiting.err));
        QVERIFY2(waiting.err.contains(holder), qPrintable(waiting.err));
        QTest::qWait(500);
        QCOMPARE(waiting.process.state(), QProcess::Running);
        ::kill(pid_t(first.process.processId()), SIGTERM); // Ctrl-C: stops and keeps its run
        QCOMPARE(first.finish(), 0);
        QCOMPARE(waiting.finish(60000), 0);
        QVERIFY2(waiting.err.contains(QStringLiteral("...\n")), qPrintable(waiting.err));
    }

    void aKilledHolderBlocksNobody()
    {
        Command holder;
        holder.start(m_dir, longRun());
        QVERIFY2(holder.waitForErr(QStringLiteral("...\n")), qPrintable(holder.err));
        QVERIFY(!MeasurementLock::acquire(QStringLiteral("probe")));
        holder.process.kill(); // SIGKILL: no clean-up of its own
        holder.process.waitForFinished();
        // The kernel drops the lock when the last descriptor on it closes; most likely a child the
        // holder was forking as it died kept a copy until its exec (O_CLOEXEC). Failed
        // one CI run when tried at once; a stale lock would still fail here after 5 s.
        QTRY_VERIFY_WITH_TIMEOUT(MeasurementLock::acquire(QStringLiteral("probe again")).ok(),
                                 5000);
        const auto after = MeasurementLock::acquire(QStringLiteral("after a crash"));
        QVERIFY2(after, qPrintable(after.error()));
    }
};

QTEST_GUILESS_MAIN(TestMeasurementLock)
#include "tst_measurement_lock.moc"
