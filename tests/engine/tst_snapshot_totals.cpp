// engine::SnapshotTotals, the one place snapshots add up (a stored run's summary, the live
// dashboard, several load generators' series): warm-up ignored, counts summed, the target rate
// weighted by interval, latency from the merged histograms so a p99 over the window is exact
// where an average of the intervals' p99s would not be.

#include "engine/snapshot_totals.h"

#include <QTest>

using namespace gb::engine;

namespace {

Snapshot interval(bool warmup, std::uint64_t requests, double seconds, double targetRps,
                  std::int64_t latencyNs, std::uint64_t slowRequests)
{
    Histogram h;
    h.recordN(latencyNs, requests - slowRequests);
    h.recordN(100 * latencyNs, slowRequests);
    Snapshot s;
    s.warmup = warmup;
    s.requests = requests;
    s.intervalS = seconds;
    s.targetRps = targetRps;
    s.errors = 1;
    s.lateSends = 2;
    s.errorsByClass["timeout"] = 1;
    s.statusCodes[200] = requests;
    s.latency = LatencySummary::from(h);
    s.histogram = h.serialize();
    return s;
}

} // namespace

class TestSnapshotTotals : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addsTheMeasuredWindowOnly()
    {
        SnapshotTotals totals;
        totals.add(interval(true, 500, 1.0, 400, 1'000'000, 500)); // warm-up: all slow, ignored
        totals.add(interval(false, 1000, 1.0, 1000, 1'000'000, 0));
        totals.add(interval(false, 1000, 0.5, 3000, 1'000'000, 20));
        QCOMPARE(totals.requests(), 2000u);
        QCOMPARE(totals.seconds(), 1.5);
        QCOMPARE(totals.rps(), 2000 / 1.5);
        QCOMPARE(totals.targetRps(), (1000 * 1.0 + 3000 * 0.5) / 1.5);
        QCOMPARE(totals.errors(), 2u);
        QCOMPARE(totals.lateSends(), 4u);
        QCOMPARE(totals.errorsByClass().at("timeout"), 2u);
        QCOMPARE(totals.statusCodes().at(200), 2000u);
        QCOMPARE(totals.latency().count(), 2000u);
    }

    void percentilesComeFromTheMergedHistogram()
    {
        // 20 slow requests of 2000 are 1 %: the window's p99 is fast, p99.5 slow. The second
        // interval alone has p99 slow, so the average of the two p99s would be neither.
        SnapshotTotals totals;
        const Snapshot a = interval(false, 1000, 1.0, 0, 1'000'000, 0);
        const Snapshot b = interval(false, 1000, 1.0, 0, 1'000'000, 20);
        totals.add(a);
        totals.add(b);
        const LatencySummary window = LatencySummary::from(totals.latency());
        QVERIFY2(window.p99 < 1.01, qPrintable(QString::number(window.p99)));
        QVERIFY(b.latency.p99 > 99);
        QVERIFY(qAbs((a.latency.p99 + b.latency.p99) / 2 - window.p99) > 40);
        QVERIFY(LatencySummary::from(totals.latency()).p999 > 99);
    }

    void emptyWindow()
    {
        SnapshotTotals totals;
        totals.add(interval(true, 10, 1.0, 10, 1'000, 0));
        QCOMPARE(totals.requests(), 0u);
        QCOMPARE(totals.rps(), 0.0);
        QCOMPARE(totals.targetRps(), 0.0);
        QVERIFY(totals.latency().empty());
    }
};

QTEST_GUILESS_MAIN(TestSnapshotTotals)
#include "tst_snapshot_totals.moc"
