#include "common/duration.h"

#include <QTest>

using namespace std::chrono_literals;

class TestDuration : public QObject
{
    Q_OBJECT
private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ns");
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("seconds") << "5s" << qint64(5'000'000'000);
        QTest::newRow("fraction") << "1.5s" << qint64(1'500'000'000);
        QTest::newRow("millis") << "200ms" << qint64(200'000'000);
        QTest::newRow("micros") << "250us" << qint64(250'000);
        QTest::newRow("micro sign") << "10µs" << qint64(10'000);
        QTest::newRow("nanos") << "7ns" << qint64(7);
        QTest::newRow("compound") << "2m30s" << qint64(150'000'000'000);
        QTest::newRow("hours") << "1h" << qint64(3'600'000'000'000);
    }
    void parses()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ns);
        const auto d = gb::parseDuration(text.toStdString());
        QVERIFY(d.has_value());
        QCOMPARE(qint64(d->count()), ns);
    }
    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        for (const char* bad : {"", "5", "s", "-1s", "1x", "1.2.3s", "ms", "1s2", "abc"})
            QTest::newRow(bad) << QString::fromUtf8(bad);
    }
    void rejects()
    {
        QFETCH(QString, text);
        QVERIFY(!gb::parseDuration(text.toStdString()).has_value());
    }
    void formats()
    {
        QCOMPARE(gb::formatDuration(0ns), std::string("0s"));
        QCOMPARE(gb::formatDuration(1500ms), std::string("1.5s"));
        QCOMPARE(gb::formatDuration(250ms), std::string("250ms"));
        QCOMPARE(gb::formatDuration(150s), std::string("2m30s"));
        QCOMPARE(gb::formatDuration(*gb::parseDuration("1h2m3s")), std::string("1h2m3s"));
    }
};

QTEST_GUILESS_MAIN(TestDuration)
#include "tst_duration.moc"
