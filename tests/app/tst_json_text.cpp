// The ordered JSON writer and the position of parse errors.

#include "app/json_text.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace gb::app;

class TestJsonText : public QObject
{
    Q_OBJECT

private slots:
    void orderedMembers()
    {
        const QJsonObject o{{QStringLiteral("b"), 1},
                            {QStringLiteral("a"), 2},
                            {QStringLiteral("z"), 3},
                            {QStringLiteral("version"), 1}};
        QCOMPARE(writeOrderedJson(o, {QStringLiteral("version"), QStringLiteral("z")}),
                 QByteArray("{\n  \"version\": 1,\n  \"z\": 3,\n  \"a\": 2,\n  \"b\": 1\n}\n"));
    }

    void valuesReadBackExactly_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("escapes") << QJsonValue(
            QStringLiteral("q\" b\\ n\n t\t c\x01 \u00e9 \U0001F600"));
        QTest::newRow("shortest double") << QJsonValue(0.1 + 0.2);
        QTest::newRow("big whole") << QJsonValue(double(1ULL << 52));
        QTest::newRow("negative") << QJsonValue(-1.5e-7);
        QTest::newRow("nested") << QJsonValue(
            QJsonObject{{QStringLiteral("a"), QJsonArray{1, true, QJsonValue(), QJsonObject{}}},
                        {QStringLiteral("e"), QJsonArray{}}});
    }
    void valuesReadBackExactly()
    {
        QFETCH(QJsonValue, value);
        const QByteArray text = writeOrderedJson(QJsonArray{value}, {});
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.array().first(), value);
    }

    void nonFiniteIsNull()
    {
        QCOMPARE(writeOrderedJson(QJsonArray{qInf()}, {}), QByteArray("[\n  null\n]\n"));
    }

    void positions()
    {
        QCOMPARE(textPosition("abc", 0), QStringLiteral("line 1, column 1"));
        QCOMPARE(textPosition("ab\ncd", 4), QStringLiteral("line 2, column 2"));
        QCOMPARE(textPosition("\xc3\xa9x", 2), QStringLiteral("line 1, column 2")); // é is 2 bytes
        QCOMPARE(textPosition("ab", 99), QStringLiteral("line 1, column 3"));
    }

    void parseAnyValue()
    {
        QJsonValue v;
        QString error;
        QVERIFY(parseJsonValue("  \"s\" ", v, error));
        QCOMPARE(v.toString(), QStringLiteral("s"));
        QVERIFY(parseJsonValue("12", v, error));
        QCOMPARE(v.toDouble(), 12.0);
        QVERIFY(!parseJsonValue("{\"a\":\n  nul}", v, error));
        QVERIFY2(error.startsWith(QStringLiteral("line 2, column ")), qPrintable(error));
        QVERIFY(!parseJsonValue("1, 2", v, error));
    }
};

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_json_text.moc"
