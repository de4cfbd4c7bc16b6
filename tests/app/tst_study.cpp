// The study as values, no servers: its file format and validation, the built-in "manual", the
// local scaling arithmetic and its note, the state file, and the result recomputed from
// hand-built runs (the manual's published figures): averages, deltas, CV flags, thresholds,
// a failed stage, the report's tables, its text and its JSON.

#include "app/study/builtin_studies.h"
#include "app/study/local_scaling.h"
#include "app/study/study_json.h"
#include "app/study/study_report.h"
#include "app/study/study_result.h"
#include "app/study/study_result_json.h"
#include "app/study/study_state.h"
#include "engine/histogram.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace gb::app;
using namespace std::chrono_literals;

namespace {

bool near(double a, double b)
{
    return std::fabs(a - b) < 1e-9 * std::max(1.0, std::fabs(b));
}

Study threeStages()
{
    Study s;
    s.name = QStringLiteral("test study");
    for (auto [name, kind] :
         {std::pair{QStringLiteral("Baseline"), GatewayKind::None},
          std::pair{QStringLiteral("Transparent proxy"), GatewayKind::BundledKeyless},
          std::pair{QStringLiteral("Full load"), GatewayKind::BundledFull}}) {
        StudyStage stage;
        stage.name = name;
        stage.scenario.name = name.toLower();
        stage.scenario.gateway.kind = kind;
        stage.scenario.load.connections = 4;
        stage.scenario.load.duration = 2s;
        stage.repeats = 3;
        s.stages.append(stage);
    }
    return s;
}

/// A stored run as the runner would keep it: figures, a per-second series, host samples, and
/// a histogram whose p99 is about p99Ms.
RunRecord run(const StudyState& state, int stage, int n, double p99Ms, double rps)
{
    RunRecord r;
    r.id = QStringLiteral("s%1r%2").arg(stage).arg(n);
    r.name = state.runName(stage, n);
    r.scenario = state.stageScenario(stage);
    r.environment.hostName = QStringLiteral("bench-1");
    r.environment.cores = 2;
    r.summary.latency.p99 = p99Ms;
    r.summary.rps = rps;
    gb::engine::Histogram h;
    for (int i = 0; i < 990; ++i)
        h.record(std::int64_t(p99Ms * 0.5e6));
    for (int i = 0; i < 10; ++i)
        h.record(std::int64_t(p99Ms * 1e6));
    r.summary.histogram = QString::fromStdString(h.serialize());
    for (int second = 1; second <= 3; ++second) {
        gb::engine::Snapshot s;
        s.elapsedS = second;
        s.intervalS = 1;
        s.warmup = second == 1;
        s.rps = rps;
        s.latency.p99 = p99Ms;
        r.series.push_back(s);
        HostSample host;
        host.elapsedS = second;
        host.machineCpuPercent = 50;
        host.processes = {{QStringLiteral("load"), 1, true, 60, 0},
                          {QStringLiteral("upstream"), 2, true, 30, 0}};
        r.hostSamples.append(host);
    }
    return r;
}

/// The manual's published runs (baseline 74,921 rps / 0.4 ms; keyless 71,546 / 1.0; full
/// 69,165 / 1.17), three per stage around those averages.
QList<QList<RunRecord>> manualRuns(const StudyState& state)
{
    return {
        {run(state, 0, 0, 0.39, 74'900), run(state, 0, 1, 0.40, 74'921),
         run(state, 0, 2, 0.41, 74'942)},
        {run(state, 1, 0, 0.97, 71'500), run(state, 1, 1, 1.00, 71'546),
         run(state, 1, 2, 1.03, 71'592)},
        {run(state, 2, 0, 1.10, 69'100), run(state, 2, 1, 1.17, 69'165),
         run(state, 2, 2, 1.24, 69'230)},
    };
}

StudyState finishedState(const Study& study)
{
    StudyState state =
        StudyState::create(study, QStringLiteral("/tmp/studies"), QStringLiteral("/tmp/runs"));
    state.status = StudyStatus::Finished;
    return state;
}

const ReportTable* findTable(const QList<ReportTable>& tables, const QString& firstHeader,
                             const QString& caption = {})
{
    for (const ReportTable& t : tables)
        if (!t.header.isEmpty() && t.header.first() == firstHeader &&
            (caption.isEmpty() || t.caption == caption))
            return &tables[&t - tables.data()];
    return nullptr;
}

} // namespace

class TestStudy : public QObject
{
    Q_OBJECT

private slots:
    void builtinManual()
    {
        const auto manual = builtinStudy(QStringLiteral("manual"));
        QVERIFY2(manual.ok(), qPrintable(manual.error()));
        QCOMPARE(manual->stages.size(), 3);
        QCOMPARE(manual->stages[0].name, QStringLiteral("Baseline"));
        QCOMPARE(manual->stages[1].name, QStringLiteral("Transparent proxy"));
        QCOMPARE(manual->stages[2].name, QStringLiteral("Full load"));
        for (const StudyStage& s : manual->stages)
            QCOMPARE(s.repeats, 3);
        QCOMPARE(manual->stages[0].scenario.gateway.kind, GatewayKind::None);
        QCOMPARE(manual->stages[0].scenario.upstream.route, QStringLiteral("/json/valid"));
        QCOMPARE(manual->stages[1].scenario.gateway.kind, GatewayKind::BundledKeyless);
        QCOMPARE(manual->stages[1].scenario.gateway.listenPath, QStringLiteral("/apitest/"));
        QCOMPARE(manual->stages[2].scenario.gateway.kind, GatewayKind::BundledFull);
        QCOMPARE(manual->stages[2].scenario.gateway.redis.mode, RedisMode::Local);
        QVERIFY(manual->reference.has_value());
        QCOMPARE(manual->reference->totalRps(), 75'000.0);
        QCOMPARE(manual->reference->duration, Duration(5min));
        QCOMPARE(manual->localScaling.mode, ScalingMode::Calibrate);
        QCOMPARE(manual->validate(), QList<ValidationIssue>());
        QVERIFY(!builtinStudy(QStringLiteral("nope")).ok());
        QVERIFY(builtinStudy(QStringLiteral("nope")).error().contains(QStringLiteral("manual")));
    }

    void fileRoundTrip()
    {
        Study s = threeStages();
        s.description = QStringLiteral("three stages");
        s.reference = LoadProfile{10, 100, 1min};
        s.localScaling.mode = ScalingMode::Fixed;
        s.localScaling.fixed = LoadProfile{4, 50, 3s};
        s.stages[0].thresholds.maxP99Ms = 2.5;
        s.stages[1].thresholds.minRps = 100;
        s.stages[1].thresholds.maxDeltaP99Ms = 1;
        s.stages[2].thresholds.maxThroughputLossPercent = 5;
        s.stages[2].scenario.upstream.xDelay = Duration(5ms);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        QCOMPARE(saveStudyFile(s, path), QString());
        const auto back = loadStudyFile(path);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back.value(), s);
        // Stable text: saving what was read gives the same bytes.
        QCOMPARE(studyToText(back.value()), studyToText(s));
    }

    void fileErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("no version") << QByteArray("{}") << "has no \"version\"";
        QTest::newRow("future version") << QByteArray("{\"version\": 9}") << "version 9";
        QTest::newRow("repeats") << QByteArray(R"({"version":1,"stages":[{"name":"a",
            "builtin":"baseline","repeats":"x"}]})")
                                 << "stages[0].repeats must be a whole number";
        QTest::newRow("neither scenario nor builtin")
            << QByteArray(R"({"version":1,"stages":[{"name":"a"}]})")
            << "stages[0] needs either \"scenario\": {...} or \"builtin\"";
        QTest::newRow("unknown builtin")
            << QByteArray(R"({"version":1,"stages":[{"name":"a","builtin":"turbo"}]})")
            << "stages[0].builtin: there is no built-in scenario \"turbo\"";
        QTest::newRow("bad inline scenario member")
            << QByteArray(R"({"version":1,"stages":[{"name":"a","scenario":{"version":1,
                "load":{"connections":"many"}}}]})")
            << "stages[0].scenario.load.connections must be a whole number";
        QTest::newRow("inline scenario without version")
            << QByteArray(R"({"version":1,"stages":[{"name":"a","scenario":{}}]})")
            << "stages[0].scenario: this is not a GateBench scenario";
        QTest::newRow("threshold")
            << QByteArray(R"({"version":1,"stages":[{"name":"a","builtin":"baseline",
                "thresholds":{"maxP99Ms":"low"}}]})")
            << "stages[0].thresholds.maxP99Ms must be a number";
        QTest::newRow("scaling mode")
            << QByteArray(R"({"version":1,"localScaling":{"mode":"guess"}})")
            << "localScaling.mode must be one of";
        QTest::newRow("reference") << QByteArray(R"({"version":1,"reference":{"duration":"x"}})")
                                   << "reference.duration must be a duration";
        QTest::newRow("syntax") << QByteArray("{\"version\": 1,\n \"name\": }")
                                << "line 2, column 10";
    }
    void fileErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        const auto s = studyFromText(text);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().contains(error), qPrintable(s.error()));
    }

    void validation_data()
    {
        QTest::addColumn<Study>("study");
        QTest::addColumn<QString>("field");
        Study s = threeStages();
        s.name.clear();
        QTest::newRow("no name") << s << "name";
        s = threeStages();
        s.stages.clear();
        QTest::newRow("no stages") << s << "stages";
        s = threeStages();
        s.stages[1].name = s.stages[0].name;
        QTest::newRow("duplicate stage") << s << "stages[1].name";
        s = threeStages();
        s.stages[2].repeats = 0;
        QTest::newRow("no repeats") << s << "stages[2].repeats";
        s = threeStages();
        s.stages[1].scenario.load.connections = 0;
        QTest::newRow("invalid scenario") << s << "stages[1].scenario.load.connections";
        s = threeStages();
        s.stages[0].thresholds.maxDeltaP99Ms = 1;
        QTest::newRow("delta on the baseline") << s << "stages[0].thresholds";
        s = threeStages();
        s.stages[1].thresholds.minRps = -1;
        QTest::newRow("negative threshold") << s << "stages[1].thresholds.minRps";
        s = threeStages();
        s.localScaling.mode = ScalingMode::Calibrate;
        QTest::newRow("calibrate without reference") << s << "reference";
        s.reference = LoadProfile{};
        s.localScaling.fraction = 0;
        QTest::newRow("calibrate with no share") << s << "localScaling.fraction";
        s = threeStages();
        s.localScaling.mode = ScalingMode::Fixed;
        s.localScaling.fixed.perWorkerRate = 0;
        QTest::newRow("fixed without rate") << s << "localScaling.fixed.perWorkerRate";
    }
    void validation()
    {
        QFETCH(Study, study);
        QFETCH(QString, field);
        const QList<ValidationIssue> issues = study.validate();
        QVERIFY(!issues.isEmpty());
        QStringList fields;
        for (const ValidationIssue& i : issues)
            fields.append(i.field);
        QVERIFY2(fields.contains(field), qPrintable(fields.join(QLatin1Char(','))));
        QVERIFY(threeStages().validate().isEmpty());
    }

    void overrides()
    {
        Study s = threeStages();
        s.setRepeats(2);
        s.setRunDuration(7s);
        QCOMPARE(s.totalRuns(), 6);
        for (const StudyStage& stage : s.stages)
            QCOMPARE(stage.scenario.load.duration, Duration(7s));
        QCOMPARE(s.localScaling.duration, Duration(7s));
        // The study's topology and, when it scales, its profile win over the scenario's own.
        s.localScaling.mode = ScalingMode::Fixed;
        const Scenario scaled = s.stageScenario(1, LoadProfile{8, 25, 3s});
        QCOMPARE(scaled.load.connections, 8);
        QCOMPARE(scaled.load.model, LoadModelKind::PerWorkerRate);
        QCOMPARE(scaled.load.perWorkerRate, 25.0);
        QCOMPARE(scaled.load.duration, Duration(3s));
        QCOMPARE(scaled.gateway.kind, GatewayKind::BundledKeyless);
        s.localScaling.mode = ScalingMode::None;
        QCOMPARE(s.stageScenario(1, LoadProfile{8, 25, 3s}).load.connections, 4);
    }

    void calibratedScaling_data()
    {
        QTest::addColumn<double>("peak");
        QTest::addColumn<double>("perWorker");
        QTest::addColumn<QString>("note");
        // 25 % of 83,555 = 20,888.75 rps over 50 workers = 417.775, whole: 417 (20,850 rps).
        QTest::newRow("one machine")
            << 83'555.0 << 417.0
            << "Scaled for one machine: 20,850 rps for 30 s instead of 75,000 rps for 5 min "
               "(50 workers \u00d7 417 requests/s instead of 50 workers \u00d7 1,500 requests/s); "
               "25 % of the 83,555 rps this machine reached in a 5 s calibration run of "
               "Baseline at full speed";
        // A machine 4x faster than the published rate gets the published rate, not more.
        QTest::newRow("capped") << 400'000.0 << 1500.0
                                << "this machine reached 400,000 rps in a 5 s calibration run "
                                   "of Baseline at full speed, so the published rate fits as is";
        QTest::newRow("at least one per worker") << 10.0 << 1.0 << "10 rps this machine reached";
    }
    void calibratedScaling()
    {
        QFETCH(double, peak);
        QFETCH(double, perWorker);
        QFETCH(QString, note);
        Study manual = builtinStudy(QStringLiteral("manual")).value();
        QVERIFY(needsCalibration(manual));
        const Scenario calibration = calibrationScenario(manual);
        QCOMPARE(calibration.load.model, LoadModelKind::Max);
        QCOMPARE(calibration.load.connections, 50);
        QCOMPARE(calibration.load.duration, Duration(5s));
        QCOMPARE(calibration.gateway.kind, GatewayKind::None);

        const ScalingOutcome o = gb::app::calibratedScaling(manual, peak);
        QCOMPARE(o.profile.connections, 50);
        QCOMPARE(o.profile.perWorkerRate, perWorker);
        QCOMPARE(o.profile.duration, Duration(30s));
        QCOMPARE(o.calibrationRps, peak);
        QVERIFY2(o.note.contains(note), qPrintable(o.note));
    }

    void fixedScalingNote()
    {
        Study s = threeStages();
        QVERIFY(!fixedScaling(s));
        s.localScaling.mode = ScalingMode::Fixed;
        s.localScaling.fixed = LoadProfile{50, 100, 20s};
        s.reference = LoadProfile{};
        const auto o = fixedScaling(s);
        QVERIFY(o);
        QCOMPARE(o->note, QStringLiteral("Scaled for one machine: 5,000 rps for 20 s instead of "
                                         "75,000 rps for 5 min (50 workers \u00d7 100 requests/s "
                                         "instead of 50 workers \u00d7 1,500 requests/s); a fixed "
                                         "local profile chosen in the study file."));
        // A fresh state decides a fixed profile at once: nothing to calibrate.
        const StudyState state = StudyState::create(s, QStringLiteral("/x"), QStringLiteral("/y"));
        QCOMPARE(state.scalingProfile(), std::optional(s.localScaling.fixed));
    }

    void stateRoundTripAndProgress()
    {
        QTemporaryDir dir;
        StudyState state = StudyState::create(threeStages(), dir.path(), dir.filePath("runs"));
        QVERIFY(state.directory.startsWith(dir.path() + QLatin1Char('/')));
        QCOMPARE(state.nextRun(), std::optional(std::pair{0, 0}));
        QCOMPARE(state.doneRuns(), 0);
        QCOMPARE(state.totalRuns(), 9);
        state.stages[0].runs = {{QStringLiteral("a"), QStringLiteral("/r/a.json")},
                                {QStringLiteral("b"), QStringLiteral("/r/b.json")},
                                {QStringLiteral("c"), QStringLiteral("/r/c.json")}};
        state.stages[1].failure = QStringLiteral("gateway missing");
        state.stages[2].runs = {{QStringLiteral("d"), QStringLiteral("/r/d.json")}};
        state.scaling = ScalingOutcome{LoadProfile{4, 10, 2s}, QStringLiteral("note"), 1234,
                                       QStringLiteral("cal"), QStringLiteral("/r/cal.json")};
        // Stage 1 failed (its 3 runs count as done), stage 2 has 1 of 3.
        QCOMPARE(state.doneRuns(), 7);
        QCOMPARE(state.nextRun(), std::optional(std::pair{2, 1}));
        QCOMPARE(state.runName(2, 1), QStringLiteral("test study / Full load #2"));
        QCOMPARE(state.tag(), QStringLiteral("study:") + state.id);

        QCOMPARE(saveStudyState(state), QString());
        const auto back = loadStudyState(state.directory);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->id, state.id);
        QCOMPARE(back->study, state.study);
        QCOMPARE(back->stages, state.stages);
        QCOMPARE(back->scaling, state.scaling);
        QCOMPARE(back->runsDirectory, state.runsDirectory);
        QCOMPARE(back->status, StudyStatus::Running);
        QVERIFY(!loadStudyState(dir.filePath(QStringLiteral("nowhere"))).ok());
    }

    void resultFromTheManualsRuns()
    {
        Study study = threeStages();
        study.stages[0].thresholds.maxP99Ms = 0.5;                // 0.40: holds
        study.stages[1].thresholds.maxDeltaP99Ms = 0.5;           // +0.60: fails
        study.stages[2].thresholds.maxThroughputLossPercent = 10; // 7.68 %: holds
        study.stages[2].thresholds.minRps = 70'000;               // 69,165: fails
        StudyState state = finishedState(study);
        const QList<QList<RunRecord>> runs = manualRuns(state);
        const StudyResult r = studyResultFrom(state, runs);

        QCOMPARE(r.stages.size(), 3);
        QVERIFY(r.baselineMeasured);
        QVERIFY(r.stagesSucceeded());
        for (int i = 0; i < 3; ++i) {
            // Averages recomputed from the runs given.
            double p99 = 0, rps = 0;
            for (const RunRecord& run : runs[i]) {
                p99 += run.summary.latency.p99 / 3;
                rps += run.summary.rps / 3;
            }
            QVERIFY(near(r.stages[i].group.statistics.meanP99Ms, p99));
            QVERIFY(near(r.stages[i].group.statistics.meanRps, rps));
            QCOMPARE(r.stages[i].group.statistics.runs, 3);
        }
        QVERIFY(!r.stages[0].group.delta);
        QVERIFY(near(r.stages[1].group.delta->p99AddedMs, 1.0 - 0.4));
        QVERIFY(near(r.stages[1].group.delta->throughputChangePercent,
                     (71'546.0 / 74'921.0 - 1) * 100));
        QVERIFY(near(r.stages[2].group.delta->p99AddedMs, 1.17 - 0.4));
        // p99 of full spreads 1.10-1.24: CV 6 %, over 5 %, flagged; the others are steady.
        QVERIFY(r.stages[2].group.statistics.unstable);
        QVERIFY(!r.stages[0].group.statistics.unstable);

        QCOMPARE(r.stages[0].thresholds.size(), 1);
        QVERIFY(r.stages[0].thresholds[0].passed);
        QVERIFY(!r.stages[1].thresholds[0].passed);
        QVERIFY(near(*r.stages[1].thresholds[0].measured, 0.6));
        QCOMPARE(r.stages[2].thresholds.size(), 2);
        QCOMPARE(r.stages[2].thresholds[0].kind, ThresholdKind::MinRps);
        QVERIFY(!r.stages[2].thresholds[0].passed);
        QCOMPARE(r.stages[2].thresholds[1].kind, ThresholdKind::MaxThroughputLoss);
        QVERIFY(r.stages[2].thresholds[1].passed);
        QVERIFY(near(*r.stages[2].thresholds[1].measured, (1 - 69'165.0 / 74'921.0) * 100));
        QVERIFY(!r.thresholdsHold());
        QVERIFY(!r.passed());
        QCOMPARE(r.problems().size(), 2);
        QCOMPARE(r.hosts.size(), 1);

        // Without the failing thresholds it passes.
        study.stages[1].thresholds = {};
        study.stages[2].thresholds.minRps.reset();
        state.study = study;
        QVERIFY(studyResultFrom(state, runs).passed());
        // ... unless it was cut short.
        state.status = StudyStatus::Cancelled;
        QVERIFY(!studyResultFrom(state, runs).passed());
    }

    void failedStageIsReportedNotInvented()
    {
        Study study = threeStages();
        study.stages[2].thresholds.maxP99Ms = 100;
        StudyState state = finishedState(study);
        state.stages[2].failure = QStringLiteral("The bundled gateway cannot create API keys yet");
        QList<QList<RunRecord>> runs = manualRuns(state);
        runs[2].clear();
        const StudyResult r = studyResultFrom(state, runs);
        QVERIFY(!r.stages[2].measured());
        QVERIFY(r.stages[2].failed());
        QVERIFY(!r.stages[2].group.delta);
        QVERIFY(!r.stages[2].thresholds[0].measured);
        QVERIFY(!r.stages[2].thresholds[0].passed); // not measured does not hold
        QVERIFY(!r.stagesSucceeded());
        QVERIFY(!r.passed());
        QCOMPARE(r.comparison.groups.size(), 2); // only measured stages are compared
        QVERIFY(r.stages[1].group.delta);        // the others' deltas stand

        const StudyReport report = buildStudyReport(r);
        const QList<ReportTable> tables = report.tables();
        const ReportTable* overview = findTable(tables, QStringLiteral("Stage"),
                                                QStringLiteral("Averages per stage and their "
                                                               "delta to Baseline"));
        QVERIFY(overview);
        QCOMPARE(overview->rows.size(), 3);
        QCOMPARE(overview->rows[2].mid(0, 5),
                 (QStringList{QStringLiteral("Full load"), QStringLiteral("failed"),
                              QStringLiteral("0"), QStringLiteral("n/a"), QStringLiteral("n/a")}));
        QVERIFY(overview->flaggedRows.contains(2));
        // No per-stage table for a stage without runs; the failure is said in words.
        QVERIFY(!findTable(tables, QStringLiteral("RUN #"), QStringLiteral("Full load")));
        const QString text = studyReportText(report);
        QVERIFY(text.contains(QStringLiteral("! This stage failed, no run was measured: The "
                                             "bundled gateway cannot create API keys yet")));
        QVERIFY(text.contains(QStringLiteral("! Stage \"Full load\" failed")));

        // No baseline runs: no deltas at all, said so, and delta thresholds do not hold.
        study.stages[1].thresholds.maxDeltaP99Ms = 5;
        state.study = study;
        runs = manualRuns(state);
        runs[0].clear();
        state.stages[0].failure = QStringLiteral("upstream missing");
        const StudyResult noBaseline = studyResultFrom(state, runs);
        QVERIFY(!noBaseline.baselineMeasured);
        QVERIFY(!noBaseline.stages[1].group.delta);
        QVERIFY(!noBaseline.stages[1].thresholds[0].passed);
        QVERIFY(studyReportText(buildStudyReport(noBaseline))
                    .contains(QStringLiteral("no delta: the baseline stage has no runs")));
    }

    void reportTablesInThePublishedForm()
    {
        const StudyState state = finishedState(threeStages());
        const StudyResult r = studyResultFrom(state, manualRuns(state));
        const StudyReport report = buildStudyReport(r);
        QCOMPARE(report.title, QStringLiteral("GateBench study: test study"));
        const QList<ReportTable> tables = report.tables();

        const ReportTable* keyless =
            findTable(tables, QStringLiteral("RUN #"), QStringLiteral("Transparent proxy"));
        QVERIFY(keyless);
        QCOMPARE(keyless->header,
                 (QStringList{QStringLiteral("RUN #"), QStringLiteral("99% latency (ms)"),
                              QStringLiteral("Throughput (rps)")}));
        QCOMPARE(keyless->rows[0], (QStringList{QStringLiteral("1"), QStringLiteral("0.97"),
                                                QStringLiteral("71,500")}));
        QCOMPARE(keyless->rows[3], (QStringList{QStringLiteral("Average of 3 runs"),
                                                QStringLiteral("1.00"), QStringLiteral("71,546")}));
        QCOMPARE(keyless->rows[4][0], QStringLiteral("Min\u2013max"));
        QCOMPARE(keyless->rows[4][1], QStringLiteral("0.97\u20131.03"));
        QVERIFY(!keyless->flaggedRows.contains(4));
        const ReportTable* full =
            findTable(tables, QStringLiteral("RUN #"), QStringLiteral("Full load"));
        QVERIFY(full);
        QVERIFY(full->flaggedRows.contains(4)); // unstable: min-max flagged

        const ReportTable* overview = findTable(tables, QStringLiteral("Stage"),
                                                QStringLiteral("Averages per stage and their "
                                                               "delta to Baseline"));
        QVERIFY(overview);
        QCOMPARE(
            overview->header,
            (QStringList{QStringLiteral("Stage"), QStringLiteral("Status"), QStringLiteral("Runs"),
                         QStringLiteral("99% latency (ms)"), QStringLiteral("Throughput (rps)"),
                         QStringLiteral("p99 added"), QStringLiteral("Throughput lost")}));
        QCOMPARE(overview->rows[0][1], QStringLiteral("complete"));
        QCOMPARE(overview->rows[0][5], QStringLiteral("baseline"));
        QCOMPARE(overview->rows[1][3], QStringLiteral("1.00"));
        QCOMPARE(overview->rows[1][4], QStringLiteral("71,546"));
        QCOMPARE(overview->rows[1][5], QStringLiteral("+0.60 ms"));
        QCOMPARE(overview->rows[1][6], QStringLiteral("4.5 %")); // the manual's "4.5 % loss"
        QCOMPARE(overview->rows[2][1], QStringLiteral("unstable (CV 6.0 %)"));
        QCOMPARE(overview->rows[2][5], QStringLiteral("+0.77 ms"));
        QCOMPARE(overview->rows[2][6], QStringLiteral("7.7 %"));

        const QString text = studyReportText(report);
        QVERIFY2(text.contains(
                     QStringLiteral("Delta to Baseline: +0.60 ms p99, 4.5 % loss in throughput.")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Average of 3 runs")));
        QVERIFY(text.contains(QStringLiteral("bench-1")));

        // Charts: percentiles of all stages, then per stage throughput, p99 and CPU.
        QStringList charts;
        for (const ReportBlock& b : report.blocks)
            if (const auto* c = std::get_if<ReportChart>(&b)) {
                charts.append(c->title);
                QVERIFY(!c->isEmpty());
            }
        QCOMPARE(charts.size(), 1 + 3 * 3);
        QCOMPARE(charts.first(), QStringLiteral("Latency by percentile, all stages"));
        QVERIFY(charts.contains(QStringLiteral("Baseline: throughput over time")));
        QVERIFY(charts.contains(QStringLiteral("Full load: 99% latency over time")));
        QVERIFY(charts.contains(QStringLiteral("Baseline: CPU on bench-1 (mean of 3 runs)")));
        for (const ReportBlock& b : report.blocks)
            if (const auto* c = std::get_if<ReportChart>(&b)) {
                if (c->title.endsWith(QStringLiteral("throughput over time"))) {
                    QCOMPARE(c->series.size(), 3);
                    // The warm-up second is left out: two measured seconds from 1 s.
                    QCOMPARE(c->series[0].points.size(), 2);
                    QCOMPARE(c->series[0].points[0].x(), 1.0);
                } else if (c->xScale == ChartScale::Percentile) {
                    QCOMPARE(c->series.size(), 3);
                    QCOMPARE(c->series[0].points.first().x(), 0.0);
                    // 1000 samples: as far as 99.9 %, and p99.9 is the stage's p99 value.
                    QVERIFY(c->series[0].points.last().x() >= 99.89);
                    QVERIFY(std::fabs(c->series[0].points.last().y() - 0.40) < 0.01);
                } else if (c->title.startsWith(QStringLiteral("Baseline: CPU"))) {
                    QStringList names;
                    for (const ChartSeries& s : c->series)
                        names.append(s.name);
                    QCOMPARE(names,
                             (QStringList{QStringLiteral("whole machine"), QStringLiteral("load"),
                                          QStringLiteral("upstream")}));
                    QCOMPARE(c->series[0].points[0].y(), 100.0); // 50 % of 2 cores
                }
            }
    }

    void resultJson()
    {
        Study study = threeStages();
        study.localScaling.mode = ScalingMode::Fixed;
        study.localScaling.fixed = LoadProfile{4, 10, 2s};
        study.reference = LoadProfile{};
        study.stages[1].thresholds.maxDeltaP99Ms = 1;
        StudyState state = finishedState(study);
        const StudyResult r = studyResultFrom(state, manualRuns(state));
        const QJsonObject o = studyResultToJson(r, buildStudyReport(r));
        QCOMPARE(o.value(QStringLiteral("id")).toString(), state.id);
        QCOMPARE(o.value(QStringLiteral("passed")).toBool(), true);
        QVERIFY(o.value(QStringLiteral("scalingNote"))
                    .toString()
                    .startsWith(QStringLiteral("Scaled for one machine: 40 rps for 2 s instead of "
                                               "75,000 rps for 5 min")));
        QCOMPARE(o.value(QStringLiteral("study")).toObject().value(QStringLiteral("name")),
                 QStringLiteral("test study"));
        QCOMPARE(o.value(QStringLiteral("environment")).toArray().size(), 1);
        const QJsonArray stages = o.value(QStringLiteral("stages")).toArray();
        QCOMPARE(stages.size(), 3);
        const QJsonObject keyless = stages[1].toObject();
        QCOMPARE(keyless.value(QStringLiteral("runs")).toArray().size(), 3);
        QCOMPARE(keyless.value(QStringLiteral("runs"))[1][QStringLiteral("rps")].toDouble(),
                 71'546.0);
        QVERIFY(near(keyless.value(QStringLiteral("average"))[QStringLiteral("rps")].toDouble(),
                     71'546.0));
        QVERIFY(near(
            keyless.value(QStringLiteral("delta"))[QStringLiteral("p99AddedMs")].toDouble(), 0.6));
        QCOMPARE(keyless.value(QStringLiteral("thresholds"))[0][QStringLiteral("passed")], true);
        QCOMPARE(keyless
                     .value(QStringLiteral(
                         "settings"))[QStringLiteral("load")][QStringLiteral("perWorkerRate")]
                     .toDouble(),
                 10.0);
        QVERIFY(!o.value(QStringLiteral("tables")).toArray().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStudy)
#include "tst_study.moc"
