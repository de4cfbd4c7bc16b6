// Uploads to a host over SFTP against a real sshd on 127.0.0.2: the bytes arrive and are moved
// into place (over an older file), progress follows them, the same file again is not sent, a
// file damaged on the host is sent again, and a directory that cannot be made or a file that
// cannot be written is one sentence. "~/" paths resolve to the login's home. Loopback only.

#include "app/ssh/ssh_session.h"
#include "support/sshd_fixture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace gb;
using namespace gb::app;
using namespace std::chrono_literals;

class TestSshUpload : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::SshServer> m_server;
    std::shared_ptr<SshSession> m_session;

    QString localFile(const QString& name, int bytes)
    {
        QByteArray data(bytes, Qt::Uninitialized);
        QRandomGenerator generator{quint32(bytes)};
        for (char& c : data)
            c = char(generator.bounded(256));
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(data) != bytes)
            qFatal("cannot write %s", qPrintable(f.fileName()));
        return f.fileName();
    }
    static QByteArray contents(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("SSH_AUTH_SOCK");
        m_server = std::make_unique<test::SshServer>(QStringLiteral("127.0.0.2"));
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        SshOptions o;
        o.knownHostsFile = m_dir.filePath(QStringLiteral("known_hosts"));
        o.unknownHostKeys = UnknownHostKeys::AcceptNew;
        auto session =
            SshSession::open(m_server->host(QStringLiteral("h"), {HostRole::Gateway}), o);
        QVERIFY2(session, qPrintable(session.error()));
        m_session = session.value();
    }

    void uploadsVerifiesAndSkips()
    {
        const QString local = localFile(QStringLiteral("bundle.bin"), 3 * 1024 * 1024 + 17);
        const QString remote = m_server->directory() + QStringLiteral("/work dir/sub/bundle.bin");
        QList<qint64> seen;
        auto copied = m_session->upload(local, remote, [&](qint64 sent, qint64 total) {
            QCOMPARE(total, QFileInfo(local).size());
            seen.append(sent);
        });
        QVERIFY2(copied, qPrintable(copied.error()));
        QCOMPARE(copied.value(), SshSession::Upload::Copied);
        QCOMPARE(contents(remote), contents(local));
        QVERIFY(seen.size() > 10);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.last(), QFileInfo(local).size());
        // No temporary file left beside it.
        QCOMPARE(QDir(QFileInfo(remote).path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("bundle.bin")});

        auto again = m_session->upload(local, remote);
        QVERIFY2(again, qPrintable(again.error()));
        QCOMPARE(again.value(), SshSession::Upload::AlreadyThere);

        // Damaged on the host (or an older version): sent again, over it.
        QFile damaged(remote);
        QVERIFY(damaged.open(QIODevice::ReadWrite));
        damaged.seek(1000);
        damaged.write("x");
        damaged.close();
        auto repaired = m_session->upload(local, remote);
        QVERIFY2(repaired, qPrintable(repaired.error()));
        QCOMPARE(repaired.value(), SshSession::Upload::Copied);
        QCOMPARE(contents(remote), contents(local));
    }

    void homeRelativePaths()
    {
        auto home = m_session->absolutePath(QStringLiteral("~/gatebench"));
        QVERIFY2(home, qPrintable(home.error()));
        QCOMPARE(home.value(), QDir::homePath() + QStringLiteral("/gatebench"));
        QCOMPARE(m_session->absolutePath(QStringLiteral("/opt/x")).value(),
                 QStringLiteral("/opt/x"));
    }

    void failuresAreOneSentence()
    {
        const QString local = localFile(QStringLiteral("small.bin"), 1000);
        // A plain file where the directory should be.
        const QString blocker = m_server->directory() + QStringLiteral("/blocker");
        QFile b(blocker);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.close();
        auto refused = m_session->upload(local, blocker + QStringLiteral("/small.bin"));
        QVERIFY(!refused);
        QVERIFY2(refused.error().startsWith(QStringLiteral("h (")) &&
                     refused.error().contains(QStringLiteral("cannot be made")),
                 qPrintable(refused.error()));
        auto missing = m_session->upload(m_dir.filePath(QStringLiteral("absent")), blocker);
        QVERIFY(!missing);
        QVERIFY2(missing.error().contains(QStringLiteral("cannot be read")),
                 qPrintable(missing.error()));
    }
};

QTEST_GUILESS_MAIN(TestSshUpload)
#include "tst_ssh_upload.moc"
