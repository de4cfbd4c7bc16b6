// LogFollower on real files: complete lines only (a partial line waits for its end), from the
// file's beginning, a truncated file read again from its start, a flood cut to the newest
// kMaxBytesPerTake with a line saying how much was skipped, a file that is not there yet.

#include "app/log_follower.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace gb::app;

namespace {

void append(const QString& path, const QByteArray& bytes,
            QIODevice::OpenMode mode = QIODevice::Append)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | mode));
    f.write(bytes);
}

} // namespace

class TestLogFollower : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followsCompleteLines()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("gateway.out"));
        const QString later = dir.filePath(QStringLiteral("redis.out"));
        append(out, "listening on 127.0.0.1:8080\nhalf a ");
        LogFollower logs;
        logs.follow(QStringLiteral("gateway"), out);
        logs.follow(QStringLiteral("redis"), later); // not written yet
        QCOMPARE(logs.takeNewLines(),
                 QStringList{QStringLiteral("gateway: listening on 127.0.0.1:8080")});
        QCOMPARE(logs.takeNewLines(), QStringList());

        append(out, "line\r\nnext\n");
        append(later, "ready\n");
        QCOMPARE(logs.takeNewLines(),
                 (QStringList{QStringLiteral("gateway: half a line"),
                              QStringLiteral("gateway: next"), QStringLiteral("redis: ready")}));

        // Truncated (a restarted server): read again from its start.
        append(out, "again\n", QIODevice::Truncate);
        QCOMPARE(logs.takeNewLines(), QStringList{QStringLiteral("gateway: again")});
    }

    void aFloodIsCut()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("upstream.err"));
        LogFollower logs;
        logs.follow(QStringLiteral("upstream"), out);
        const QByteArray line(99, 'x');
        QByteArray flood;
        for (int i = 0; i < 1000; ++i)
            flood += line + '\n'; // 100,000 bytes
        append(out, flood);
        const QStringList lines = logs.takeNewLines();
        QVERIFY2(lines.first().contains(QStringLiteral("%1 bytes of log skipped")
                                            .arg(100000 - LogFollower::kMaxBytesPerTake)),
                 qPrintable(lines.first()));
        // The newest 64 KiB: whole lines after the first cut one.
        QCOMPARE(lines.size(), 1 + int(LogFollower::kMaxBytesPerTake / 100) + 1);
        QCOMPARE(lines.last(), QStringLiteral("upstream: ") + QString::fromLatin1(line));
    }
};

QTEST_GUILESS_MAIN(TestLogFollower)
#include "tst_log_follower.moc"
