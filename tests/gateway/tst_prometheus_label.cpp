// Prometheus label values (text format 0.0.4): quoted, with backslash, double quote and line feed
// escaped and every other byte kept, as /metrics writes them for every series.
#include "gateway/metrics/prometheus_label.h"

#include <QTest>

using gb::gateway::appendLabelValue;

class TestPrometheusLabel : public QObject
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
};

QTEST_GUILESS_MAIN(TestPrometheusLabel)
#include "tst_prometheus_label.moc"
