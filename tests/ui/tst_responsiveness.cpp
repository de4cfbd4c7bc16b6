// The GUI thread's event loop never stalls during a run or a study: a 2 ms timer on the GUI
// thread measures the gaps between its turns while a 2 s run of the baseline against the real
// gatebench-upstream goes through the whole window (controller, dashboard, charts, history),
// and while the built-in study runs its three stages from the Study page (live view, strip,
// results page).
//
// What the code controls is the part of a gap the GUI thread owns: the time it ran plus the
// time it blocked (a synchronous wait would show there). The rest is time the thread was ready
// but not running, which on a loaded 2-core machine is the scheduler's (the run's own upstream
// and engine compete for the cores). The kernel tells that part apart (schedstat's run-queue
// wait), so the bar of 50 ms applies to the wall-clock gap less that wait. Two things would
// put idle time into a gap and are kept out: the test waits in an event loop that sleeps in the
// dispatcher (QTRY_VERIFY and qWait sleep 10 ms between their passes, which would count as
// blocked), and the timer's interval is short (Qt re-arms a late timer one interval after it
// ran, so a gap holds up to an interval of idle). ctest runs this test alone (RUN_SERIAL) so
// that the wall-clock figures printed beside it stay meaningful too.

#include "app/builtin_scenarios.h"
#include "app/study/study_runner.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/editor/scenario_editor.h"
#include "ui/main_window.h"
#include "ui/study/study_page.h"
#include "ui/study/study_report_view.h"
#include "ui/study/study_results_view.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <functional>

using namespace gb;
using namespace gb::ui;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);
// The bar is for the optimized builds users run. An unoptimized build (the asan preset: Debug,
// AddressSanitizer and UBSan) runs the GUI's code 3-5x slower: it checks the same flow against
// a bar four times as high, which a blocking wait or a chart rebuilt per sample still fails.
#ifdef NDEBUG
constexpr double kMaxOwnedGapMs = 50;
#else
constexpr double kMaxOwnedGapMs = 200;
#endif

/// This thread's time on the CPU and waiting on a run queue (ready, not running), in ms, from
/// /proc/thread-self/schedstat.
struct ThreadTimes
{
    double cpuMs = 0;
    double runQueueMs = 0;
};

ThreadTimes threadTimes()
{
    QFile f(QStringLiteral("/proc/thread-self/schedstat"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read /proc/thread-self/schedstat");
    const QList<QByteArray> fields = f.readAll().split(' ');
    return {fields.value(0).toDouble() / 1e6, fields.value(1).toDouble() / 1e6};
}

double loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? f.readAll().split(' ').value(0).toDouble() : 0;
}

/// A 2 ms timer on the GUI thread, once started, measuring the gaps between its turns: the
/// longest wall-clock gap and the longest part of a gap the thread owned (ran or blocked).
class GapProbe : public QObject
{
public:
    struct Gap
    {
        double wallMs = 0, cpuMs = 0, runQueueMs = 0;
        double ownedMs() const { return wallMs - runQueueMs; }
    };

    GapProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(2);
        connect(&m_timer, &QTimer::timeout, this, [this] { turn(); });
    }
    void start()
    {
        if (m_timer.isActive())
            return;
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    int turns() const { return m_turns; }
    const Gap& worstOwned() const { return m_worstOwned; }
    /// What a failure (or the log) says: both worst gaps, the turns, the machine's load.
    QString figures() const
    {
        auto describe = [](const Gap& g) {
            return QStringLiteral("%1 ms (ran %2 ms, waited for a CPU %3 ms)")
                .arg(g.wallMs, 0, 'f', 0)
                .arg(g.cpuMs, 0, 'f', 1)
                .arg(g.runQueueMs, 0, 'f', 1);
        };
        return QStringLiteral("GUI thread's own part of a gap at most %1 ms, in the gap of %2; "
                              "longest wall-clock gap %3; %4 turns of a 2 ms timer in %5 s; load "
                              "average %6 on %7 cores")
            .arg(m_worstOwned.ownedMs(), 0, 'f', 1)
            .arg(describe(m_worstOwned), describe(m_worstWall))
            .arg(m_turns)
            .arg(double(m_clock.elapsed()) / 1000.0, 0, 'f', 1)
            .arg(loadAverage(), 0, 'f', 2)
            .arg(QThread::idealThreadCount());
    }

private:
    void turn()
    {
        const qint64 now = m_clock.elapsed();
        const ThreadTimes times = threadTimes();
        if (m_last >= 0) {
            const Gap gap{double(now - m_last), times.cpuMs - m_lastTimes.cpuMs,
                          times.runQueueMs - m_lastTimes.runQueueMs};
            if (gap.ownedMs() > m_worstOwned.ownedMs())
                m_worstOwned = gap;
            if (gap.wallMs > m_worstWall.wallMs)
                m_worstWall = gap;
        }
        m_last = now;
        m_lastTimes = times;
        ++m_turns;
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    ThreadTimes m_lastTimes;
    Gap m_worstOwned, m_worstWall;
    int m_turns = 0;
};

/// Runs the event loop until done() holds or timeoutMs pass; says whether it holds. The loop
/// waits for events in the dispatcher, as the application's does: QTRY_VERIFY and qWait sleep
/// 10 ms between their passes instead, which the probe would count as the GUI thread's own.
bool spinUntil(const std::function<bool()>& done, int timeoutMs)
{
    QEventLoop loop;
    QTimer check;
    check.setInterval(20);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    check.start();
    if (!done())
        loop.exec();
    return done();
}

void spinFor(int ms)
{
    spinUntil([] { return false; }, ms);
}

} // namespace

class TestResponsiveness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        for (const char* server : {"gatebench-upstream", "gatebench-gateway"})
            QVERIFY2(QFile::exists(kBinDir + u'/' + QLatin1String(server)),
                     "the servers are not built in " GB_BIN_DIR);
    }

    void eventLoopGapDuringARun()
    {
        QTemporaryDir dir;
        MainWindow window({dir.filePath(QStringLiteral("runs")), kBinDir,
                           dir.filePath(QStringLiteral("settings.ini"))});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        app::Scenario scenario = app::builtinScenario(QStringLiteral("baseline")).value();
        scenario.load.duration = std::chrono::seconds(2);
        scenario.load.warmup = {};
        window.editor()->setScenario(scenario);

        QSignalSpy finished(window.controller(), &app::RunController::runFinished);
        QSignalSpy failed(window.controller(), &app::RunController::runFailed);

        // Measured from the moment the load runs (the servers' start-up is on the worker too,
        // but the bar is about the run) until the run is stored and shown.
        GapProbe probe;
        connect(window.controller(), &app::RunController::phaseChanged, this,
                [&](app::RunPhase phase) {
                    if (phase == app::RunPhase::Running)
                        probe.start();
                });
        window.startRun();
        QVERIFY(spinUntil([&] { return !finished.isEmpty() || !failed.isEmpty(); }, 60'000));
        // One more repaint of the finished run belongs to the measurement.
        spinFor(600);
        probe.stop();
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QVERIFY(probe.turns() > 300);
        qInfo("GUI event loop during a run: %s", qPrintable(probe.figures()));
        QVERIFY2(probe.worstOwned().ownedMs() < kMaxOwnedGapMs, qPrintable(probe.figures()));
    }

    void eventLoopGapDuringAStudy()
    {
        // The built-in study from the window's Study page, 1 s runs, one per stage: its Live
        // tab follows each run, its strip grows, and its results page is built at the end.
        QTemporaryDir dir;
        MainWindow window({dir.filePath(QStringLiteral("runs")), kBinDir,
                           dir.filePath(QStringLiteral("settings.ini"))});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        StudyPage* page = window.studyPage();
        page->setStudiesDirectory(dir.filePath(QStringLiteral("studies")));
        page->findChild<QSpinBox*>(QStringLiteral("studyRepeats"))->setValue(1);
        page->findChild<QSpinBox*>(QStringLiteral("studyDuration"))->setValue(1);
        auto study = page->studyFromForm();
        QVERIFY2(study, qPrintable(study.error()));
        study->localScaling.calibrationDuration = std::chrono::seconds(1);
        window.showPage(MainWindow::Page::Study);

        // From the first run's load to the results page built.
        GapProbe probe;
        connect(page->runner(), &app::StudyRunner::runStarted, this, [&] { probe.start(); });
        QVERIFY(page->start(study.value()));
        QVERIFY(spinUntil([&] { return !page->isRunning(); }, 120'000));
        QVERIFY(spinUntil(
            [&] {
                return page->results()->report().has_value() &&
                       page->results()->page()->isComplete();
            },
            10'000));
        spinFor(600);
        probe.stop();
        QCOMPARE(page->state(), StudyPage::State::Finished);
        QVERIFY(probe.turns() > 300);
        qInfo("GUI event loop during a study: %s", qPrintable(probe.figures()));
        QVERIFY2(probe.worstOwned().ownedMs() < kMaxOwnedGapMs, qPrintable(probe.figures()));
    }
};

QTEST_MAIN(TestResponsiveness)
#include "tst_responsiveness.moc"
