// The dashboard's data: the measured window's latency is the merged histogram of its seconds
// (the same figures RunSummary computes), warm-up excluded; the percentile curve rises to the
// maximum; the target line follows the load model.

#include "support/run_fixtures.h"
#include "ui/dashboard/live_run_data.h"
#include "ui/run_charts.h"

#include <QTest>

using namespace gb;
using namespace gb::ui;

class TestLiveRunData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mergedWindowMatchesTheSummary()
    {
        app::RunRecord run =
            test::makeRun(test::namedScenario(QStringLiteral("s")), QStringLiteral("r"), 2.0, 3000,
                          QDateTime::currentDateTimeUtc(), 6);
        // Make the seconds differ, so averaging per-second p99s would give another number.
        for (std::size_t i = 0; i < run.series.size(); ++i) {
            engine::Histogram h;
            h.recordN(std::int64_t((1 + i) * 1e6), 1000 * (i + 1));
            run.series[i].histogram = h.serialize();
            run.series[i].requests = 1000 * (i + 1);
            run.series[i].latency = engine::LatencySummary::from(h);
        }
        run.summary = app::RunSummary::fromSeries(run.series);

        LiveRunData data;
        for (const engine::Snapshot& s : run.series)
            data.addSnapshot(s);
        QCOMPARE(data.snapshots().size(), run.series.size());
        QCOMPARE(data.measured().requests(), run.summary.requests);
        const engine::LatencySummary live = engine::LatencySummary::from(data.measured().latency());
        QCOMPARE(live.p99, run.summary.latency.p99);
        QCOMPARE(live.p50, run.summary.latency.p50);
        QCOMPARE(data.measured().latency(), mergeLatency(run.series));
        // The warm-up second (1 ms) is not in the window.
        QCOMPARE(live.min, 2.0);
        QCOMPARE(engine::LatencySummary::from(mergeLatency(run.series, true)).min, 1.0);

        LiveRunData stored;
        stored.setRun(run);
        QCOMPARE(stored.measured().latency(), data.measured().latency());
        QCOMPARE(stored.hostSamples().size(), run.hostSamples.size());
        stored.clear();
        QVERIFY(stored.isEmpty());
    }

    void percentileCurve()
    {
        engine::Histogram h;
        for (int i = 1; i <= 100000; ++i)
            h.record(std::int64_t(i) * 1000); // 1 us .. 100 ms
        const QList<QPointF> curve = ui::percentileCurve(h);
        QVERIFY(curve.size() > 50);
        for (int i = 1; i < curve.size(); ++i) {
            QVERIFY(curve[i].x() >= curve[i - 1].x());
            QVERIFY(curve[i].y() >= curve[i - 1].y());
        }
        QCOMPARE(curve.last().y(), double(h.max()) / 1e6);
        QVERIFY(curve[curve.size() / 2].x() > 99.0); // spaced by nines
        QVERIFY(ui::percentileCurve(engine::Histogram()).isEmpty());
    }

    void targetLineFollowsTheModel()
    {
        app::Scenario s = test::namedScenario(QStringLiteral("s"), 20);
        s.load.model = app::LoadModelKind::PerWorkerRate;
        s.load.perWorkerRate = 50;
        std::vector<engine::Snapshot> series(3);
        for (int i = 0; i < 3; ++i)
            series[i].elapsedS = i + 1;
        QCOMPARE(targetRpsPoints(series, s).size(), 3);
        QCOMPARE(targetRpsPoints(series, s).first().y(), 1000.0);
        s.load.model = app::LoadModelKind::Max;
        QVERIFY(targetRpsPoints(series, s).isEmpty());
        series[1].targetRps = 700; // open loop: the engine's schedule
        QCOMPARE(targetRpsPoints(series, s).size(), 1);
    }
};

QTEST_MAIN(TestLiveRunData)
#include "tst_live_run_data.moc"
