// StudyRunner end to end against the real servers: a short local study (3 stages x 2 runs x
// 2 s) whose tables are recomputed here from the stored run files; the full stage fails
// clearly while the gateway cannot create keys, and the other stages still finish; cancel
// keeps finished runs and resume runs only the missing ones; a calibration decides the load.

#include "app/run_controller.h"
#include "app/run_store.h"
#include "app/study/study_json.h"
#include "app/study/study_report.h"
#include "app/study/study_result_json.h"
#include "app/study/study_runner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace gb::app;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);
constexpr int kStudyTimeoutMs = 90'000; // a few 2 s runs on a loaded, shared 2-core machine

/// Light load: 4 workers x 100 requests/s, 2 s, no warm-up.
Scenario lightScenario(const QString& name, GatewayKind gateway = GatewayKind::None)
{
    Scenario s;
    s.name = name;
    s.gateway.kind = gateway;
    s.load.connections = 4;
    s.load.model = LoadModelKind::PerWorkerRate;
    s.load.perWorkerRate = 100;
    s.load.duration = 2s;
    s.load.warmup = 0s;
    return s;
}

StudyStage stage(const QString& name, const Scenario& scenario, int repeats = 2)
{
    StudyStage s;
    s.name = name;
    s.scenario = scenario;
    s.repeats = repeats;
    return s;
}

/// The second stage: the keyless gateway once it is built; until then the same upstream with
/// a 3 ms X-Delay, which adds a known latency, so the delta arithmetic is still exercised.
StudyStage secondStage(bool keyless)
{
    if (keyless)
        return stage(QStringLiteral("Transparent proxy"),
                     lightScenario(QStringLiteral("keyless"), GatewayKind::BundledKeyless));
    Scenario delayed = lightScenario(QStringLiteral("delayed"));
    delayed.upstream.xDelay = Duration(3ms);
    return stage(QStringLiteral("Baseline + 3 ms"), delayed);
}

struct Fixture
{
    QTemporaryDir dir;
    QString runs() const { return dir.filePath(QStringLiteral("runs")); }
    QString studies() const { return dir.filePath(QStringLiteral("studies")); }
    void setUp(StudyRunner& runner) const
    {
        runner.setBinDirectory(kBinDir);
        runner.setRunsDirectory(runs());
        runner.setStudiesDirectory(studies());
    }
};

QList<RunListEntry> taggedRuns(const QString& runsDir, const QString& tag)
{
    QList<RunListEntry> out;
    for (const RunListEntry& e : RunStore(runsDir).list())
        if (e.tags.contains(tag))
            out.append(e);
    return out;
}

double mean(const QList<double>& values)
{
    double sum = 0;
    for (double v : values)
        sum += v;
    return sum / double(values.size());
}

bool near(double a, double b)
{
    return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b));
}

} // namespace

class TestStudyRunner : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-upstream")),
                 "gatebench-upstream is not built in " GB_BIN_DIR);
    }

    void shortLocalStudy_data()
    {
        QTest::addColumn<bool>("keyless");
        QTest::newRow("baseline, +X-Delay, full") << false;
        QTest::newRow("baseline, keyless, full") << true;
    }
    void shortLocalStudy()
    {
        QFETCH(bool, keyless);
        if (keyless)
            QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-gateway")),
                     "gatebench-gateway is not built in " GB_BIN_DIR);

        Study study;
        study.name = QStringLiteral("short");
        study.stages = {stage(QStringLiteral("Baseline"), lightScenario(QStringLiteral("base"))),
                        secondStage(keyless),
                        stage(QStringLiteral("Full load"),
                              lightScenario(QStringLiteral("full"), GatewayKind::BundledFull))};
        Fixture f;
        StudyRunner runner;
        f.setUp(runner);
        QSignalSpy started(&runner, &StudyRunner::studyStarted);
        QSignalSpy stages(&runner, &StudyRunner::stageStarted);
        QSignalSpy runsStarted(&runner, &StudyRunner::runStarted);
        QSignalSpy runsFinished(&runner, &StudyRunner::runFinished);
        QSignalSpy stageFailures(&runner, &StudyRunner::stageFailed);
        QSignalSpy progress(&runner, &StudyRunner::progress);
        QSignalSpy finished(&runner, &StudyRunner::studyFinished);
        QSignalSpy failed(&runner, &StudyRunner::studyFailed);

        QCOMPARE(runner.start(study), QString());
        QVERIFY(runner.isRunning());
        QVERIFY(!runner.start(study).isEmpty()); // one at a time
        QVERIFY(started.isEmpty());              // outcomes arrive from the event loop
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), kStudyTimeoutMs);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QVERIFY(!runner.isRunning());
        const StudyResult r = finished.first().first().value<StudyResult>();

        QCOMPARE(started.size(), 1);
        const QString id = started.first().at(0).toString();
        QCOMPARE(r.id, id);
        QCOMPARE(stages.size(), 3);
        QCOMPARE(stages[1].at(1).toString(), study.stages[1].name);
        QCOMPARE(progress.last(), (QList<QVariant>{6, 6}));
        QCOMPARE(r.status, StudyStatus::Finished);

        // Baseline and the second stage ran both runs.
        for (int i = 0; i < 2; ++i) {
            QVERIFY2(!r.stages[i].failed(), qPrintable(r.stages[i].failure));
            QCOMPARE(r.stages[i].runs.size(), 2);
        }
        // The full stage: the gateway creates its key and both runs are measured.
        const StageResult& full = r.stages[2];
        QVERIFY2(!full.failed(), qPrintable(full.failure));
        QVERIFY(stageFailures.isEmpty());
        QCOMPARE(full.runs.size(), 2);
        QCOMPARE(runsFinished.size(), 6);

        // The runs are in the history, named and tagged as the study's.
        const QList<RunListEntry> tagged = taggedRuns(f.runs(), QStringLiteral("study:") + id);
        QCOMPARE(tagged.size(), runsFinished.size());
        QStringList names;
        for (const RunListEntry& e : tagged)
            names.append(e.name);
        QVERIFY(names.contains(QStringLiteral("short / Baseline #1")));
        QVERIFY(names.contains(QStringLiteral("short / Baseline #2")));
        QVERIFY(names.contains(QStringLiteral("short / %1 #2").arg(study.stages[1].name)));

        // Every figure recomputed here from the stored run files agrees with the result, the
        // report's tables and the JSON.
        const QJsonObject json = studyResultToJson(r, buildStudyReport(r));
        QList<double> meanP99, meanRps;
        for (int i = 0; i < 2; ++i) {
            QList<double> p99, rps;
            for (const RunRecord& run : r.stages[i].runs) {
                auto stored = loadRunFile(run.filePath);
                QVERIFY2(stored.ok(), qPrintable(stored.error()));
                QCOMPARE(stored->status, RunStatus::Completed);
                QCOMPARE(stored->tags, QStringList{QStringLiteral("study:") + id});
                QCOMPARE(stored->scenario.name, study.stages[i].scenario.name);
                QVERIFY(stored->summary.requests > 0);
                p99.append(stored->summary.latency.p99);
                rps.append(stored->summary.rps);
            }
            meanP99.append(mean(p99));
            meanRps.append(mean(rps));
            QVERIFY(near(r.stages[i].group.statistics.meanP99Ms, meanP99[i]));
            QVERIFY(near(r.stages[i].group.statistics.meanRps, meanRps[i]));
            const QJsonObject average =
                json.value(QStringLiteral("stages"))[i][QStringLiteral("average")].toObject();
            QVERIFY(near(average.value(QStringLiteral("p99Ms")).toDouble(), meanP99[i]));
            QVERIFY(near(average.value(QStringLiteral("rps")).toDouble(), meanRps[i]));
        }
        const GroupDelta delta = *r.stages[1].group.delta;
        QVERIFY(near(delta.p99AddedMs, meanP99[1] - meanP99[0]));
        QVERIFY(near(delta.throughputChangePercent, (meanRps[1] / meanRps[0] - 1) * 100));
        // The upstream waited 3 ms on every request of the second stage, and its runs show it.
        // (Medians: on this shared machine one busy second can lift a baseline p99 above that.)
        if (!keyless)
            for (const RunRecord& run : r.stages[1].runs)
                QVERIFY2(run.summary.latency.p50 >= 3.0,
                         qPrintable(QString::number(run.summary.latency.p50)));

        const QString text = studyReportText(buildStudyReport(r));
        for (const StudyStage& s : study.stages)
            QVERIFY(text.contains(
                QStringLiteral("Stage %1: %2").arg(study.stages.indexOf(s) + 1).arg(s.name)));
        QVERIFY(text.contains(QStringLiteral("Average of 2 runs")));
        QVERIFY(text.contains(QStringLiteral("Delta to Baseline: ")));

        // The state on disk says it finished, with every run it counted.
        const auto state = loadStudyState(r.directory);
        QVERIFY2(state.ok(), qPrintable(state.error()));
        QCOMPARE(state->status, StudyStatus::Finished);
        QCOMPARE(state->stages[0].runs.size(), 2);
        QCOMPARE(state->stages[2].failure, full.failure);
    }

    void cancelAndResume()
    {
        Study study;
        study.name = QStringLiteral("resumable");
        study.stages = {stage(QStringLiteral("Baseline"), lightScenario(QStringLiteral("base"))),
                        secondStage(false)};
        Fixture f;
        QString directory;
        QString firstRunId;
        {
            StudyRunner runner;
            f.setUp(runner);
            QSignalSpy finishedRuns(&runner, &StudyRunner::runFinished);
            QSignalSpy cancelled(&runner, &StudyRunner::studyCancelled);
            QSignalSpy done(&runner, &StudyRunner::studyFinished);
            // Cancel while the second run is measuring, so a run is really cut short.
            connect(runner.controller(), &RunController::phaseChanged, this, [&](RunPhase phase) {
                if (phase == RunPhase::Running && finishedRuns.size() == 1)
                    runner.cancel();
            });
            QCOMPARE(runner.start(study), QString());
            QTRY_VERIFY_WITH_TIMEOUT(!cancelled.isEmpty() || !done.isEmpty(), kStudyTimeoutMs);
            QCOMPARE(cancelled.size(), 1);
            QCOMPARE(finishedRuns.size(), 1);
            const StudyResult partial = cancelled.first().first().value<StudyResult>();
            QCOMPARE(partial.status, StudyStatus::Cancelled);
            QCOMPARE(partial.stages[0].runs.size(), 1);
            QCOMPARE(partial.stages[1].runs.size(), 0);
            QVERIFY(!partial.passed());
            directory = partial.directory;
            firstRunId = partial.stages[0].runs.first().id;

            // The run cut short is in the history, marked, and not counted.
            QStringList names;
            for (const RunListEntry& e : taggedRuns(f.runs(), runner.state().tag()))
                names.append(e.name);
            QVERIFY2(names.contains(QStringLiteral("resumable / Baseline #2 (cancelled)")),
                     qPrintable(names.join(QLatin1Char(','))));
        }
        auto saved = loadStudyState(directory);
        QVERIFY2(saved.ok(), qPrintable(saved.error()));
        QCOMPARE(saved->status, StudyStatus::Cancelled);
        QCOMPARE(saved->doneRuns(), 1);

        StudyRunner runner;
        f.setUp(runner);
        QSignalSpy runsStarted(&runner, &StudyRunner::runStarted);
        QSignalSpy progress(&runner, &StudyRunner::progress);
        QSignalSpy done(&runner, &StudyRunner::studyFinished);
        QSignalSpy failed(&runner, &StudyRunner::studyFailed);
        QCOMPARE(runner.resume(directory), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty() || !failed.isEmpty(), kStudyTimeoutMs);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(progress.first(), (QList<QVariant>{1, 4}));
        // Only the three missing runs ran.
        QCOMPARE(runsStarted.size(), 3);
        QCOMPARE(runsStarted[0].at(2).toString(), QStringLiteral("resumable / Baseline #2"));
        QCOMPARE(runsStarted[1].at(2).toString(), QStringLiteral("resumable / Baseline + 3 ms #1"));
        const StudyResult r = done.first().first().value<StudyResult>();
        QCOMPARE(r.id, saved->id);
        QCOMPARE(r.status, StudyStatus::Finished);
        QCOMPARE(r.stages[0].runs.size(), 2);
        QCOMPARE(r.stages[0].runs.first().id, firstRunId); // kept, not run again
        QCOMPARE(r.stages[1].runs.size(), 2);
        QVERIFY(r.stagesSucceeded());
        QVERIFY(r.passed());
    }

    void calibrationDecidesTheLoad()
    {
        Study study;
        study.name = QStringLiteral("calibrated");
        study.reference = LoadProfile{4, 1500, 5min};
        study.localScaling.mode = ScalingMode::Calibrate;
        study.localScaling.calibrationDuration = 1s;
        study.localScaling.fraction = 0.1;
        study.localScaling.duration = 1s;
        study.stages = {
            stage(QStringLiteral("Baseline"), lightScenario(QStringLiteral("base")), 1)};
        Fixture f;
        StudyRunner runner;
        f.setUp(runner);
        QSignalSpy calibrating(&runner, &StudyRunner::calibrationStarted);
        QSignalSpy calibrated(&runner, &StudyRunner::calibrationFinished);
        QSignalSpy finishedRuns(&runner, &StudyRunner::runFinished);
        QSignalSpy done(&runner, &StudyRunner::studyFinished);
        QSignalSpy failed(&runner, &StudyRunner::studyFailed);
        QCOMPARE(runner.start(study), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty() || !failed.isEmpty(), kStudyTimeoutMs);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(calibrating.size(), 1);
        QCOMPARE(calibrated.size(), 1);

        const StudyResult r = done.first().first().value<StudyResult>();
        QVERIFY(r.scaling);
        QVERIFY(r.scaling->calibrationRps > 0);
        auto calibration = loadRunFile(r.scaling->calibrationRunFile);
        QVERIFY2(calibration.ok(), qPrintable(calibration.error()));
        QCOMPARE(calibration->scenario.load.model, LoadModelKind::Max);
        QCOMPARE(calibration->summary.rps, r.scaling->calibrationRps);
        QVERIFY(calibration->tags.contains(QStringLiteral("calibration")));
        QVERIFY(calibration->tags.contains(QStringLiteral("study:") + r.id));

        // 10 % of the peak over the reference's 4 workers, at most its 1500/s each.
        const double expected =
            std::max(1.0, std::floor(std::min(0.1 * r.scaling->calibrationRps, 6000.0) / 4));
        QCOMPARE(r.scaling->profile.perWorkerRate, expected);
        const RunRecord run = finishedRuns.first().first().value<RunRecord>();
        QCOMPARE(run.scenario.load.connections, 4);
        QCOMPARE(run.scenario.load.perWorkerRate, expected);
        QCOMPARE(run.scenario.load.duration, Duration(1s));
        QVERIFY2(r.scaling->note.startsWith(QStringLiteral("Scaled for one machine: ")),
                 qPrintable(r.scaling->note));
        QVERIFY(r.scaling->note.contains(QStringLiteral("instead of 6,000 rps for 5 min")));
        QVERIFY(studyReportText(buildStudyReport(r)).contains(r.scaling->note.left(60)));
    }

    void invalidStudyOrStateFails()
    {
        Fixture f;
        StudyRunner runner;
        f.setUp(runner);
        QSignalSpy failed(&runner, &StudyRunner::studyFailed);
        Study empty;
        empty.name = QStringLiteral("empty");
        QCOMPARE(runner.start(empty), QString());
        QVERIFY(failed.wait(5000));
        QVERIFY2(failed.first().first().toString().startsWith(
                     QStringLiteral("Study \"empty\" is not valid: stages: ")),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(!QDir(f.studies()).exists()); // nothing written for it

        QCOMPARE(runner.resume(f.dir.filePath(QStringLiteral("no-such-study"))), QString());
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.last().first().toString().startsWith(
            QStringLiteral("The study cannot be resumed: ")));
        QVERIFY(!runner.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestStudyRunner)
#include "tst_study_runner.moc"
