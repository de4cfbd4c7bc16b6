// Prometheus' text format 0.0.4 as /metrics writes it for every series: label values quoted, with
// backslash, double quote and line feed escaped and every other byte kept; sample values as
// integers, or as the shortest text that reads back as the same double (so a bucket's le label
// is the same text on every scrape).
#include "gateway/metrics/prometheus_format.h"

#include <QTest>

using gb::gateway::appendLabelValue;
using gb::gateway::appendValue;

class TestPrometheusFormat : public QObject
{
    Q_OBJECT
private slots:
    void escaping_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("written");
        QTest::newRow("plain") << QByteArray("keys") << QByteArray("\"keys\"");
        QTest::newRow("empty") << QByteArray() << QByteArray("\"\"");
        QTest::newRow("backslash") << QByteArray("a\\b") << QByteArray("\"a\\\\b\"");
        QTest::newRow("quote") << QByteArray("a\"b") << QByteArray("\"a\\\"b\"");
        QTest::newRow("line feed") << QByteArray("a\nb") << QByteArray("\"a\\nb\"");
        QTest::newRow("all three") << QByteArray("\\\"\n") << QByteArray("\"\\\\\\\"\\n\"");
        QTest::newRow("escape-like text")
            << QByteArray("\\n") << QByteArray("\"\\\\n\""); // a backslash then an n
        QTest::newRow("kept: CR, tab, UTF-8, NUL")
            << QByteArray("\r\t\xc3\xa9\0x", 6) << QByteArray("\"\r\t\xc3\xa9\0x\"", 8);
    }
    void escaping()
    {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, written);
        std::string out = "m{l=";
        appendLabelValue(out, std::string_view(value.constData(), std::size_t(value.size())));
        QCOMPARE(QByteArray::fromStdString(out), "m{l=" + written);
    }

    void values_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("written");
        // The latency histograms' bucket bounds, in seconds: plain decimals, as before.
        QTest::newRow("100 us") << 0.0001 << QByteArray("0.0001");
        QTest::newRow("250 us") << 0.00025 << QByteArray("0.00025");
        QTest::newRow("2.5 s") << 2.5 << QByteArray("2.5");
        QTest::newRow("10 s") << 10.0 << QByteArray("10");
        QTest::newRow("zero") << 0.0 << QByteArray("0");
        // A process start time keeps its milliseconds (%.9g would have kept tens of seconds).
        QTest::newRow("start time") << 1794812345.678 << QByteArray("1.794812345678e+09");
        QTest::newRow("cpu seconds") << 12.34 << QByteArray("12.34");
    }
    void values()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, written);
        std::string out;
        appendValue(out, value);
        QCOMPARE(QByteArray::fromStdString(out), written);
        out.clear();
        appendValue(out, std::uint64_t{18446744073709551615u});
        QCOMPARE(out, std::string("18446744073709551615"));
    }
};

QTEST_GUILESS_MAIN(TestPrometheusFormat)
#include "tst_prometheus_format.moc"
