// The study's result from hand-built runs (the manual's figures): deltas, report, text, JSON,
// and two studies compared stage by stage.

#include "app/study/study_comparison.h"
#include "app/study/study_report.h"
#include "app/study/study_result.h"
#include "app/study/study_result_json.h"
#include "app/study/study_state.h"
#include "engine/histogram.h"
#include "support/study_fixtures.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <variant>

using namespace gb::app;
using namespace std::chrono_literals;
using gb::test::threeStages;

namespace {

bool near(double a, double b)
{
    return std::fabs(a - b) < 1e-9 * std::max(1.0, std::fabs(b));
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

class TestStudyResult : public QObject
{
    Q_OBJECT

private slots:
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

    void twoStudiesStageByStage()
    {
        // A: the manual's runs (its full load's p99 varies by 6 %: unstable). B: the same
        // stages on another CPU, its full load faster beyond the runs' spread and with 8
        // connections, its transparent proxy inside the spread, and a stage A does not have.
        const StudyState stateA = finishedState(threeStages());
        const StudyResult a = studyResultFrom(stateA, manualRuns(stateA));
        Study studyB = threeStages();
        studyB.stages[2].scenario.load.connections = 8;
        studyB.stages.append(studyB.stages[1]);
        studyB.stages[3].name = QStringLiteral("Extra");
        const StudyState stateB = finishedState(studyB);
        QList<QList<RunRecord>> runsB = manualRuns(stateB);
        runsB[1][1] = run(stateB, 1, 1, 1.01, 71'540); // inside the spread of A's runs
        runsB[2] = {run(stateB, 2, 0, 0.90, 72'000), run(stateB, 2, 1, 0.92, 72'100),
                    run(stateB, 2, 2, 0.94, 72'200)};
        runsB.append({run(stateB, 3, 0, 2.0, 50'000)});
        for (auto& stage : runsB)
            for (RunRecord& r : stage)
                r.environment.cpuModel = QStringLiteral("Intel Xeon");
        const StudyResult b = studyResultFrom(stateB, runsB);

        const StudyComparison c = compareStudies(a, b);
        QCOMPARE(c.stages.size(), 4); // A's order, then B's own
        QCOMPARE(c.stages[0].stage, QStringLiteral("Baseline"));
        QCOMPARE(c.stages[3].stage, QStringLiteral("Extra"));
        QVERIFY(!c.stages[3].first && c.stages[3].second && !c.stages[3].change);
        const StageComparison& proxy = c.stages[1];
        QVERIFY(proxy.p99Overlaps && proxy.rpsOverlaps);
        const StageComparison& full = c.stages[2];
        QVERIFY(!full.p99Overlaps && !full.rpsOverlaps);
        // The change is B's average against A's, as GroupDelta computes it for a study.
        QVERIFY(near(full.change->p99AddedMs, 0.92 - 1.17));
        QVERIFY(near(full.change->throughputChangePercent, 100.0 * (72'100.0 / 69'165.0 - 1)));
        QVERIFY(near(full.firstCost->p99AddedMs, 1.17 - 0.40));
        QVERIFY(near(full.secondCost->p99AddedMs, 0.92 - 0.40));
        QCOMPARE(full.differences.size(), 1);
        QCOMPARE(full.differences[0].setting, QStringLiteral("load.connections"));
        QCOMPARE(full.differences[0].values, (QStringList{"4", "8"}));
        QVERIFY(proxy.differences.isEmpty());

        const StudyReport report = buildStudyComparisonReport(c);
        const QList<ReportTable> tables = report.tables();
        const ReportTable* byStage = findTable(tables, QStringLiteral("Stage"));
        QVERIFY(byStage);
        QCOMPARE(byStage->header.value(2), QStringLiteral("p99 A (ms)"));
        QCOMPARE(byStage->rows.size(), 4);
        QCOMPARE(byStage->rows[2],
                 (QStringList{"Full load",
                              "settings differ; unstable runs; p99 and throughput changed "
                              "beyond the runs' spread",
                              "1.17", "0.92", "-0.25 ms", "69,165", "72,100", "+4.2 %"}));
        QCOMPARE(byStage->rows[1][1], QStringLiteral("within the runs' spread"));
        QCOMPARE(byStage->rows[3][1], QStringLiteral("not measured in A"));
        // A stage run once in a study has no spread: its change is not judged.
        StudyResult once = b;
        once.stages[1].runs = {once.stages[1].runs.first()};
        once.stages[1].group.statistics.runs = 1;
        const StageComparison single = compareStudies(a, once).stages[1];
        QVERIFY(!single.spreadKnown);
        QCOMPARE(buildStudyComparisonReport(compareStudies(a, once)).tables().first().rows[1][1],
                 QStringLiteral("one run: no spread to tell a change from noise"));
        QCOMPARE(byStage->flaggedRows, (QList<int>{2, 3}));
        const ReportTable* costs =
            findTable(tables, QStringLiteral("Stage"), tables.value(1).caption);
        QVERIFY(costs && costs->header.value(1) == QStringLiteral("p99 added in A"));
        QCOMPARE(costs->rows[1],
                 (QStringList{"Full load", "+0.77 ms", "+0.52 ms", "-7.7 %", "-3.8 %"}));
        const ReportTable* settings = findTable(tables, QStringLiteral("Stage"),
                                                QStringLiteral("Settings of a stage that are "
                                                               "not the same in A and B"));
        QVERIFY(settings);
        QCOMPARE(settings->rows, (QList<QStringList>{{"Full load", "load.connections", "4", "8"}}));
        // Different CPUs are said, as a warning; both charts have a series per study.
        bool cpuWarning = false;
        int charts = 0;
        for (const ReportBlock& block : report.blocks) {
            if (const auto* p = std::get_if<ReportParagraph>(&block))
                cpuWarning |= p->warning && p->text.contains(QStringLiteral("Intel Xeon"));
            if (const auto* chart = std::get_if<ReportChart>(&block)) {
                ++charts;
                QCOMPARE(chart->series.size(), 2);
                QCOMPARE(chart->series[0].points.size(), 3); // A has no "Extra"
                QCOMPARE(chart->series[1].points.size(), 4);
            }
        }
        QVERIFY(cpuWarning);
        QCOMPARE(charts, 2);
        QVERIFY(studyReportText(report).contains(QStringLiteral("within the runs' spread")));
    }
};

QTEST_GUILESS_MAIN(TestStudyResult)
#include "tst_study_result.moc"
