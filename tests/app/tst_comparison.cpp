// Comparison arithmetic on hand-built runs: averages, deltas against a chosen baseline,
// coefficient of variation and its flag, differing settings, and the published table form.

#include "app/comparison.h"

#include <QJsonArray>
#include <QTest>

#include <cmath>

using namespace gb::app;

namespace {

RunRecord run(const QString& id, GatewayKind gateway, double p99Ms, double rps)
{
    RunRecord r;
    r.id = id;
    r.scenario.name = gateway == GatewayKind::None             ? QStringLiteral("baseline")
                      : gateway == GatewayKind::BundledKeyless ? QStringLiteral("keyless")
                                                               : QStringLiteral("full");
    r.scenario.gateway.kind = gateway;
    r.summary.latency.p99 = p99Ms;
    r.summary.rps = rps;
    return r;
}

QList<RunRecord> study()
{
    return {
        run(QStringLiteral("b1"), GatewayKind::None, 0.40, 75000),
        run(QStringLiteral("k1"), GatewayKind::BundledKeyless, 1.0, 71000),
        run(QStringLiteral("b2"), GatewayKind::None, 0.41, 74000),
        run(QStringLiteral("b3"), GatewayKind::None, 0.39, 76000),
        run(QStringLiteral("k2"), GatewayKind::BundledKeyless, 1.0, 72000),
        run(QStringLiteral("k3"), GatewayKind::BundledKeyless, 1.0, 73000),
        run(QStringLiteral("f1"), GatewayKind::BundledFull, 1.1, 69000),
        run(QStringLiteral("f2"), GatewayKind::BundledFull, 1.3, 69000),
        run(QStringLiteral("f3"), GatewayKind::BundledFull, 1.2, 69000),
    };
}

bool near(double a, double b)
{
    return std::fabs(a - b) < 1e-9 * std::max(1.0, std::fabs(b));
}

} // namespace

class TestComparison : public QObject
{
    Q_OBJECT

private slots:
    void statistics_data()
    {
        QTest::addColumn<QList<double>>("p99");
        QTest::addColumn<QList<double>>("rps");
        QTest::addColumn<double>("meanP99");
        QTest::addColumn<double>("meanRps");
        QTest::addColumn<double>("cvP99");
        QTest::addColumn<double>("cvRps");
        QTest::addColumn<bool>("unstable");
        QTest::newRow("one run") << QList<double>{0.5} << QList<double>{1000} << 0.5 << 1000.0
                                 << 0.0 << 0.0 << false;
        QTest::newRow("identical") << QList<double>{1, 1, 1} << QList<double>{5, 5, 5} << 1.0 << 5.0
                                   << 0.0 << 0.0 << false;
        // sample standard deviation: sqrt(((-1000)^2 + 0 + 1000^2) / 2) = 1000
        QTest::newRow("baseline") << QList<double>{0.40, 0.41, 0.39}
                                  << QList<double>{75000, 74000, 76000} << 0.40 << 75000.0
                                  << 0.01 / 0.40 << 1000.0 / 75000 << false;
        QTest::newRow("p99 spread")
            << QList<double>{1.1, 1.3, 1.2} << QList<double>{69000, 69000, 69000} << 1.2 << 69000.0
            << 0.1 / 1.2 << 0.0 << true;
        QTest::newRow("rps spread") << QList<double>{1, 1} << QList<double>{100, 120} << 1.0
                                    << 110.0 << 0.0 << std::sqrt(200.0) / 110 << true;
        QTest::newRow("zero throughput")
            << QList<double>{0, 0} << QList<double>{0, 0} << 0.0 << 0.0 << 0.0 << 0.0 << false;
    }
    void statistics()
    {
        QFETCH(QList<double>, p99);
        QFETCH(QList<double>, rps);
        QFETCH(double, meanP99);
        QFETCH(double, meanRps);
        QFETCH(double, cvP99);
        QFETCH(double, cvRps);
        QFETCH(bool, unstable);
        QList<RunFigures> runs;
        for (qsizetype i = 0; i < p99.size(); ++i)
            runs.append({QString::number(i), p99[i], rps[i], {}});
        const GroupStatistics s = GroupStatistics::of(runs);
        QCOMPARE(s.runs, int(p99.size()));
        QVERIFY(near(s.meanP99Ms, meanP99));
        QVERIFY(near(s.meanRps, meanRps));
        QVERIFY2(near(s.cvP99, cvP99), qPrintable(QString::number(s.cvP99, 'g', 17)));
        QVERIFY2(near(s.cvRps, cvRps), qPrintable(QString::number(s.cvRps, 'g', 17)));
        QCOMPARE(s.unstable, unstable);
        QCOMPARE(s.minP99Ms, *std::min_element(p99.begin(), p99.end()));
        QCOMPARE(s.maxRps, *std::max_element(rps.begin(), rps.end()));
    }

    void groupsAndDeltas()
    {
        const Comparison c = compare(groupByScenario(study()), 0);
        QCOMPARE(c.groups.size(), 3);
        QCOMPARE(c.baseline, 0);
        QCOMPARE(c.groups[0].name, QStringLiteral("baseline"));
        QCOMPARE(c.groups[1].name, QStringLiteral("keyless"));
        QCOMPARE(c.groups[2].name, QStringLiteral("full"));
        // Runs keep their order within a group, whatever the interleaving.
        QCOMPARE(c.groups[0].runs[1].runId, QStringLiteral("b2"));
        QCOMPARE(c.groups[1].runs[0].runId, QStringLiteral("k1"));

        QVERIFY(!c.groups[0].delta);
        QVERIFY(c.groups[1].delta);
        QVERIFY(near(c.groups[1].delta->p99AddedMs, 0.6));
        QVERIFY(near(c.groups[1].delta->throughputChangePercent, -4.0));
        QVERIFY(near(c.groups[2].delta->p99AddedMs, 0.8));
        QVERIFY(near(c.groups[2].delta->throughputChangePercent, -8.0));
        QVERIFY(!c.groups[0].statistics.unstable);
        QVERIFY(!c.groups[1].statistics.unstable);
        QVERIFY(c.groups[2].statistics.unstable);

        // The only setting that differs is the gateway.
        QCOMPARE(c.differences.size(), 1);
        QCOMPARE(c.differences[0].setting, QStringLiteral("gateway.kind"));
        QCOMPARE(c.differences[0].values,
                 (QStringList{QStringLiteral("none"), QStringLiteral("bundled-keyless"),
                              QStringLiteral("bundled-full")}));
    }

    void anotherBaseline()
    {
        const Comparison c = compare(groupByScenario(study()), 1);
        QCOMPARE(c.baseline, 1);
        QVERIFY(!c.groups[1].delta);
        QVERIFY(near(c.groups[0].delta->p99AddedMs, -0.6));
        QVERIFY(near(c.groups[0].delta->throughputChangePercent, (75000.0 / 72000 - 1) * 100));
        QCOMPARE(compare(groupByScenario(study()), 7).baseline, 2); // clamped
        QCOMPARE(compare({}, 3).groups.size(), 0);
    }

    void zeroBaselineThroughputIsNotANumber()
    {
        QList<RunRecord> runs = {run(QStringLiteral("a"), GatewayKind::None, 1, 0),
                                 run(QStringLiteral("b"), GatewayKind::BundledKeyless, 2, 10)};
        const Comparison c = compare(groupByScenario(runs));
        QVERIFY(std::isnan(c.groups[1].delta->throughputChangePercent));
        QVERIFY(comparisonText(c).contains(QStringLiteral("n/a throughput")));
        QVERIFY(comparisonToJson(c)
                    .value(QStringLiteral("groups"))
                    .toArray()[1]
                    .toObject()
                    .value(QStringLiteral("delta"))
                    .toObject()
                    .value(QStringLiteral("throughputChangePercent"))
                    .isNull());
    }

    void inconsistentRunsInAGroup()
    {
        QList<RunRecord> runs = study();
        runs[2].scenario.load.connections = 10; // b2 ran with other settings
        const Comparison c = compare(groupByScenario(runs));
        QCOMPARE(c.groups[0].inconsistentSettings, QStringList{QStringLiteral("load.connections")});
        QVERIFY(c.groups[1].inconsistentSettings.isEmpty());
        QVERIFY(comparisonText(c).contains(
            QStringLiteral("Its runs used different settings: load.connections")));
    }

    void publishedForm()
    {
        const QString text = comparisonText(compare(groupByScenario(study())));
        QVERIFY2(text.contains(QStringLiteral("Group 1: baseline (baseline), 3 runs")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("RUN #")));
        QVERIFY(text.contains(QStringLiteral("99% latency (ms)")));
        QVERIFY(text.contains(QStringLiteral("Throughput (rps)")));
        QVERIFY(text.contains(QStringLiteral("74,000")));
        QVERIFY(text.contains(QStringLiteral("Average of 3 runs")));
        QVERIFY(
            text.contains(QStringLiteral("Delta vs baseline: +0.60 ms p99, -4.0 % throughput")));
        QVERIFY(
            text.contains(QStringLiteral("Delta vs baseline: +0.80 ms p99, -8.0 % throughput")));
        QCOMPARE(text.count(QStringLiteral("disagree by more than 5.0 %")), 1);
        QVERIFY(text.contains(QStringLiteral("Overview")));
        QVERIFY(text.contains(QStringLiteral("Settings that differ")));
        QVERIFY(text.contains(QStringLiteral("gateway.kind")));
        // Rows are aligned: every "Average" line has its figures at the same columns.
        const QStringList lines = text.split(QLatin1Char('\n'));
        const auto header = std::find_if(lines.begin(), lines.end(), [](const QString& l) {
            return l.contains(QStringLiteral("RUN #"));
        });
        const auto average = std::find_if(lines.begin(), lines.end(), [](const QString& l) {
            return l.contains(QStringLiteral("Average"));
        });
        QCOMPARE(header->size(), average->size());
    }

    void cpuOfEveryMachine()
    {
        // Two runs on hosts: this machine's and each host's busy share, averaged over the
        // measured seconds (the baseline sample at 0 s has no period and is left out).
        auto sampled = [](const QString& id, double gwBusy, QList<QString> hosts) {
            RunRecord r = run(id, GatewayKind::BundledFull, 1, 1000);
            for (int second = 0; second <= 2; ++second) {
                HostSample h;
                h.elapsedS = second;
                h.machineCpuPercent = second == 0 ? 99 : 10 * second; // 10, 20: mean 15
                for (const QString& host : hosts) {
                    MachineSample m;
                    m.host = host;
                    m.userPercent = second == 0 ? 99 : gwBusy - 5;
                    m.systemPercent = second == 0 ? 0 : 5;
                    h.hosts.append(m);
                }
                r.hostSamples.append(h);
            }
            return r;
        };
        const RunFigures one = figuresOf(sampled(QStringLiteral("r1"), 60, {QStringLiteral("gw")}));
        QCOMPARE(one.cpu, (QList<MachineCpu>{{kThisMachine, 15}, {QStringLiteral("gw"), 60}}));

        // The second run also sampled "up": its mean is over the one run that has it.
        const Comparison c = compare(groupByScenario(
            {sampled(QStringLiteral("r1"), 60, {QStringLiteral("gw")}),
             sampled(QStringLiteral("r2"), 80, {QStringLiteral("gw"), QStringLiteral("up")})}));
        QCOMPARE(c.groups.size(), 1);
        QCOMPARE(c.groups[0].statistics.meanCpu,
                 (QList<MachineCpu>{
                     {kThisMachine, 15}, {QStringLiteral("gw"), 70}, {QStringLiteral("up"), 80}}));
        const QJsonObject average = comparisonToJson(c)
                                        .value(QStringLiteral("groups"))[0]
                                        .toObject()
                                        .value(QStringLiteral("average"))
                                        .toObject();
        QCOMPARE(average.value(QStringLiteral("cpuPercent"))
                     .toObject()
                     .value(QStringLiteral("gw"))
                     .toDouble(),
                 70.0);
        // A run without samples (an external run, an old record) has no CPU figures.
        QVERIFY(figuresOf(run(QStringLiteral("bare"), GatewayKind::None, 1, 1)).cpu.isEmpty());
    }

    void json()
    {
        const QJsonObject o = comparisonToJson(compare(groupByScenario(study())));
        QCOMPARE(o.value(QStringLiteral("baseline")).toInt(), 0);
        const QJsonArray groups = o.value(QStringLiteral("groups")).toArray();
        QCOMPARE(groups.size(), 3);
        const QJsonObject keyless = groups[1].toObject();
        QCOMPARE(keyless.value(QStringLiteral("runs")).toArray().size(), 3);
        QVERIFY(near(keyless.value(QStringLiteral("average"))
                         .toObject()
                         .value(QStringLiteral("rps"))
                         .toDouble(),
                     72000));
        QVERIFY(near(keyless.value(QStringLiteral("delta"))
                         .toObject()
                         .value(QStringLiteral("p99AddedMs"))
                         .toDouble(),
                     0.6));
        QVERIFY(groups[2].toObject().value(QStringLiteral("unstable")).toBool());
        QCOMPARE(o.value(QStringLiteral("differences")).toArray().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestComparison)
#include "tst_comparison.moc"
