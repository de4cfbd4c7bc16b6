#include "engine/rate_schedule.h"

#include <QTest>

#include <cmath>
#include <vector>

using gb::engine::Nanos;
using gb::engine::RateSchedule;
using gb::engine::Stage;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(std::vector<Stage>)

namespace {

double seconds(Nanos t)
{
    return double(t.count()) * 1e-9;
}

Nanos at(double s)
{
    return Nanos(std::llround(s * 1e9));
}

// timeOf rounds a double to whole nanoseconds, so equal times may differ by one.
bool within1ns(std::optional<Nanos> t, Nanos expected)
{
    if (!t || std::abs((*t - expected).count()) > 1)
        qWarning("timeOf: %lld ns, expected %lld ns", t ? (long long)t->count() : -1LL,
                 (long long)expected.count());
    return t && std::abs((*t - expected).count()) <= 1;
}

} // namespace

class TestRateSchedule : public QObject
{
    Q_OBJECT

    void addSchedules()
    {
        QTest::addColumn<double>("startRps");
        QTest::addColumn<std::vector<Stage>>("stages");
        QTest::newRow("ramp hold ramp-down")
            << 0.0 << std::vector<Stage>{{10s, 1000}, {30s, 1000}, {10s, 0}};
        QTest::newRow("from --rate")
            << 200.0 << std::vector<Stage>{{5s, 2000}, {5s, 2000}, {2s, 50}};
        QTest::newRow("zero-rate hold inside")
            << 0.0 << std::vector<Stage>{{2s, 500}, {1s, 0}, {3s, 0}, {2s, 800}, {1s, 800}};
        QTest::newRow("zero-duration jumps")
            << 0.0 << std::vector<Stage>{{0s, 300}, {2s, 300}, {0s, 5000}, {1s, 5000}};
        QTest::newRow("steep ramp")
            << 0.0 << std::vector<Stage>{{1ms, 100000}, {1s, 100000}, {1ms, 1}};
        QTest::newRow("slow ramp") << 0.0 << std::vector<Stage>{{60s, 2}, {60s, 0}};
    }

    /// Integral of the piecewise-linear rate, from the stages alone (the trapezoids).
    static double totalOf(double startRps, const std::vector<Stage>& stages)
    {
        double total = 0, rate = startRps;
        for (const Stage& s : stages) {
            total += (rate + s.targetRps) / 2 * seconds(s.duration);
            rate = s.targetRps;
        }
        return total;
    }

private slots:
    void constantRateIsExact_data()
    {
        QTest::addColumn<double>("rps");
        for (const double r : {1.0, 3.0, 7.0, 1000.0, 1500.0, 20000.0, 75000.0, 333333.0})
            QTest::newRow(QByteArray::number(r).constData()) << r;
    }
    void constantRateIsExact()
    {
        QFETCH(double, rps);
        const RateSchedule s(rps, {});
        QCOMPARE(s.length(), Nanos(0));
        // Every index up to a day of sending, sampled densely at the start and sparsely later:
        // computed, never accumulated, so the error stays within the nanosecond rounding.
        for (double k = 0; k < rps * 86400; k = k < 10000 ? k + 1 : std::floor(k * 1.37)) {
            const auto t = s.timeOf(k);
            QVERIFY(t.has_value());
            const double exact = k * 1e9 / rps;
            QVERIFY2(
                std::abs(double(t->count()) - exact) <= 0.5 + exact * 1e-15,
                qPrintable(
                    QStringLiteral("k=%1: %2 vs %3").arg(k).arg(t->count()).arg(exact, 0, 'f', 1)));
            // The nanosecond rounding of t is worth up to rps * 0.5e-9 requests.
            QVERIFY(std::abs(s.expectedCount(*t) - k) <= 1e-6 * std::max(1.0, k) + rps * 1e-9);
            if (QTest::currentTestFailed())
                return;
        }
        QCOMPARE(s.rateAt(0s), rps);
        QCOMPARE(s.rateAt(1h), rps);
        QCOMPARE(s.expectedCount(10s), rps * 10);
    }

    void inverseOfExpectedCount_data() { addSchedules(); }
    void inverseOfExpectedCount()
    {
        QFETCH(double, startRps);
        QFETCH(std::vector<Stage>, stages);
        const RateSchedule s(startRps, stages);
        const double total = totalOf(startRps, stages);
        const double lastRate = stages.back().targetRps;
        // Well past the stages when the final rate holds; exactly at the total when it is zero.
        const double until = lastRate > 0 ? total + lastRate * 5 : total;
        const double step = std::max(1.0, until / 20000);
        Nanos previous{-1};
        for (double k = 0; k <= until; k += step) {
            const auto t = s.timeOf(k);
            QVERIFY2(t.has_value(), qPrintable(QStringLiteral("k=%1 of %2").arg(k).arg(until)));
            QVERIFY2(*t >= previous, qPrintable(QStringLiteral("k=%1 went back in time").arg(k)));
            previous = *t;
            const double count = s.expectedCount(*t);
            // timeOf rounds to a nanosecond: allow what the rate can add in one.
            const double slack = 1e-6 * std::max(1.0, k) + s.rateAt(*t) * 1e-9 + 1e-9;
            QVERIFY2(std::abs(count - k) <= slack,
                     qPrintable(QStringLiteral("k=%1: expectedCount(timeOf(k))=%2")
                                    .arg(k)
                                    .arg(count, 0, 'f', 9)));
            if (QTest::currentTestFailed())
                return;
        }
        // The schedule's own total agrees with the trapezoids.
        QVERIFY(std::abs(s.expectedCount(s.length()) - total) <= 1e-9 * std::max(1.0, total));
        Nanos sum{0};
        for (const Stage& st : stages)
            sum += st.duration;
        QCOMPARE(s.length(), sum);
    }

    void expectedCountIsMonotonic_data() { addSchedules(); }
    void expectedCountIsMonotonic()
    {
        QFETCH(double, startRps);
        QFETCH(std::vector<Stage>, stages);
        const RateSchedule s(startRps, stages);
        double previous = -1;
        for (Nanos t{0}; t <= s.length() + 2s; t += std::max<Nanos>(1ms, s.length() / 5000)) {
            const double c = s.expectedCount(t);
            QVERIFY2(c >= previous - 1e-9, qPrintable(QStringLiteral("t=%1 s").arg(seconds(t))));
            QVERIFY(s.rateAt(t) >= 0);
            previous = c;
        }
    }

    void rampHoldRampDownRates()
    {
        const RateSchedule s(0, {{10s, 1000}, {30s, 1000}, {10s, 0}});
        QCOMPARE(s.length(), Nanos(50s));
        QCOMPARE(s.rateAt(0s), 0.0);
        QCOMPARE(s.rateAt(5s), 500.0);
        QCOMPARE(s.rateAt(at(9.9)), 990.0);
        QCOMPARE(s.rateAt(10s), 1000.0);
        QCOMPARE(s.rateAt(25s), 1000.0);
        QCOMPARE(s.rateAt(45s), 500.0);
        QCOMPARE(s.rateAt(50s), 0.0);
        QCOMPARE(s.rateAt(1h), 0.0);
        QCOMPARE(s.expectedCount(10s), 5000.0);
        QCOMPARE(s.expectedCount(40s), 35000.0);
        QCOMPARE(s.expectedCount(50s), 40000.0);
        QCOMPARE(s.expectedCount(1h), 40000.0);
        // Ramp from zero: count = 50 t^2, so request k is due at sqrt(k / 50).
        QVERIFY(within1ns(s.timeOf(0), Nanos(0)));
        QVERIFY(within1ns(s.timeOf(50), Nanos(1s)));
        QVERIFY(within1ns(s.timeOf(5000), Nanos(10s)));
        QVERIFY(within1ns(s.timeOf(20000), Nanos(25s)));
        // The last request the schedule holds is due exactly at its end; none comes after.
        QVERIFY(within1ns(s.timeOf(40000), Nanos(50s)));
        QVERIFY(!s.timeOf(40000.5).has_value());
        QVERIFY(!s.timeOf(1e9).has_value());
    }

    void zeroRateSegmentsSendNothing()
    {
        // 0 -> 100 over 2 s (100 requests), nothing for 3 s, then 100 rps again.
        const RateSchedule s(0, {{2s, 100}, {0s, 0}, {3s, 0}, {0s, 100}, {1s, 100}});
        QCOMPARE(s.rateAt(1s), 50.0);
        QCOMPARE(s.rateAt(3s), 0.0);
        QCOMPARE(s.rateAt(5s), 100.0);
        QCOMPARE(s.expectedCount(2s), 100.0);
        QCOMPARE(s.expectedCount(4s), 100.0);
        QCOMPARE(s.expectedCount(6s), 200.0);
        // Index 100 is due when sending resumes, not inside the silence.
        QVERIFY(within1ns(s.timeOf(99.999), at(std::sqrt(99.999 / 25))));
        QVERIFY(within1ns(s.timeOf(100), Nanos(5s)));
        QVERIFY(within1ns(s.timeOf(101), Nanos(5s) + 10ms));
        QVERIFY(within1ns(s.timeOf(200), Nanos(6s)));
        QVERIFY(within1ns(s.timeOf(300), Nanos(7s))); // the final rate holds after the stages
    }

    void startsAtZeroRateForGood()
    {
        const RateSchedule s(0, {{5s, 0}});
        QCOMPARE(s.rateAt(1s), 0.0);
        QCOMPARE(s.expectedCount(1h), 0.0);
        QVERIFY(!s.timeOf(1).has_value());
    }

    void zeroDurationJump()
    {
        const RateSchedule s(100, {{0s, 1000}, {1s, 1000}, {0s, 10}});
        QCOMPARE(s.length(), Nanos(1s));
        QCOMPARE(s.rateAt(0s), 1000.0);
        QCOMPARE(s.rateAt(at(0.999)), 1000.0);
        QCOMPARE(s.rateAt(1s), 10.0);
        QCOMPARE(s.rateAt(2s), 10.0);
        QVERIFY(within1ns(s.timeOf(1), Nanos(1ms)));
        QVERIFY(within1ns(s.timeOf(1000), Nanos(1s)));
        QVERIFY(within1ns(s.timeOf(1001), Nanos(1s) + 100ms));
        QCOMPARE(s.expectedCount(3s), 1020.0);
    }

    void rampFromStartRate()
    {
        // --rate 100 --stages 10s:1100: 100 -> 1100 over 10 s; count = 100 t + 50 t^2.
        const RateSchedule s(100, {{10s, 1100}});
        QCOMPARE(s.rateAt(0s), 100.0);
        QCOMPARE(s.rateAt(5s), 600.0);
        QCOMPARE(s.expectedCount(2s), 400.0);
        QVERIFY(within1ns(s.timeOf(400), Nanos(2s)));
        QVERIFY(within1ns(s.timeOf(6000), Nanos(10s)));
        QVERIFY(within1ns(s.timeOf(6000 + 1100), Nanos(11s)));
    }
};

QTEST_GUILESS_MAIN(TestRateSchedule)
#include "tst_rate_schedule.moc"
