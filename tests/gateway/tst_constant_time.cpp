#include "gateway/config/constant_time.h"

#include <QTest>

using gb::gateway::constantTimeEquals;
using gb::gateway::isAdminSecretValid;

class TestConstantTime : public QObject
{
    Q_OBJECT
private slots:
    void equals_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        const QByteArray secret = "352d20ee67be67f6340b4c0605b044b7";
        QTest::newRow("same") << secret << secret << true;
        QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
        QTest::newRow("one empty") << secret << QByteArray() << false;
        QTest::newRow("prefix") << secret << secret.left(31) << false;
        QTest::newRow("longer") << secret << secret + "0" << false;
        QTest::newRow("first byte")
            << secret << QByteArray("452d20ee67be67f6340b4c0605b044b7") << false;
        QTest::newRow("last byte")
            << secret << QByteArray("352d20ee67be67f6340b4c0605b044b8") << false;
        QTest::newRow("case") << QByteArray("abc") << QByteArray("ABC") << false;
        QTest::newRow("embedded NUL") << QByteArray("a\0b", 3) << QByteArray("a\0c", 3) << false;
        QTest::newRow("embedded NUL, same")
            << QByteArray("a\0b", 3) << QByteArray("a\0b", 3) << true;
        QTest::newRow("long") << QByteArray(100000, 'x') << QByteArray(100000, 'x') << true;
        QTest::newRow("long, differs")
            << QByteArray(100000, 'x') << QByteArray(99999, 'x') + "y" << false;
    }
    void equals()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        const std::string_view va(a.constData(), std::size_t(a.size()));
        const std::string_view vb(b.constData(), std::size_t(b.size()));
        QCOMPARE(constantTimeEquals(va, vb), equal);
        QCOMPARE(constantTimeEquals(vb, va), equal);
    }

    void adminSecret_data()
    {
        QTest::addColumn<QString>("configured");
        QTest::addColumn<QString>("presented");
        QTest::addColumn<bool>("valid");
        QTest::newRow("right") << "s3cret"
                               << "s3cret" << true;
        QTest::newRow("wrong") << "s3cret"
                               << "s3cres" << false;
        QTest::newRow("missing header") << "s3cret"
                                        << "" << false;
        QTest::newRow("padded") << "s3cret"
                                << " s3cret" << false;
        // Tyk compares "" == "" and lets a missing header in; an unset secret locks instead.
        QTest::newRow("no secret, no header") << ""
                                              << "" << false;
        QTest::newRow("no secret, any header") << ""
                                               << "anything" << false;
    }
    void adminSecret()
    {
        QFETCH(QString, configured);
        QFETCH(QString, presented);
        QFETCH(bool, valid);
        QCOMPARE(isAdminSecretValid(configured.toStdString(), presented.toStdString()), valid);
    }
};

QTEST_GUILESS_MAIN(TestConstantTime)
#include "tst_constant_time.moc"
