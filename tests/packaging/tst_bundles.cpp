// The portable server bundle (packaging/make-bundles.sh) needs nothing of the host it runs on:
// inside a root that holds only the bundle, /proc and /dev, gatebench-upstream serves,
// gatebench-gateway proxies to it, gatebench-load measures through it and redis-server answers
// PING, each started through the bundle's own dynamic loader. The same bytes for the same inputs
// (an unchanged bundle is not uploaded again). Needs root (chroot, mount); loopback only.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);
const QString kScript = QStringLiteral(GB_SOURCE_DIR "/packaging/make-bundles.sh");

int freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

bool run(const QString& program, const QStringList& args, QString* output = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    const bool ok =
        p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return ok;
}

/// GET path on 127.0.0.1:port; the status line's code, 0 when nothing answered.
int httpStatus(int port, const QByteArray& path)
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, quint16(port));
        if (s.waitForConnected(200)) {
            s.write("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            QByteArray answer;
            while (s.waitForReadyRead(2000))
                answer += s.readAll();
            return answer.mid(9, 3).toInt();
        }
        QTest::qWait(100);
    }
    return 0;
}

} // namespace

class TestBundles : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_out;
    QTemporaryDir m_root;
    QList<QProcess*> m_servers;
    QStringList m_mounts;

    /// A program of the bundle, started inside the empty root.
    QProcess* startInRoot(const QString& program, const QStringList& args)
    {
        auto* p = new QProcess(this);
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->start(QStringLiteral("chroot"),
                 QStringList{m_root.path(), QStringLiteral("/b/lib/ld-linux-x86-64.so.2"),
                             QStringLiteral("--library-path"), QStringLiteral("/b/lib"),
                             QStringLiteral("/b/bin/") + program} +
                     args);
        m_servers.append(p);
        return p;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::getuid() != 0)
            QSKIP("needs root: the test chroots into an empty root and mounts /proc and /dev");
        QVERIFY(m_out.isValid() && m_root.isValid());
        QString output;
        QVERIFY2(run(QStringLiteral("bash"), {kScript, kBinDir, m_out.path()}, &output),
                 qPrintable(output));
        const QString bundle = m_out.filePath(QStringLiteral("gatebench-bundle"));
        QVERIFY2(run(QStringLiteral("cp"),
                     {QStringLiteral("-a"), bundle, m_root.filePath(QStringLiteral("b"))}, &output),
                 qPrintable(output));
        for (const char* dir : {"proc", "dev"})
            QVERIFY(QDir(m_root.path()).mkdir(QString::fromLatin1(dir)));
        QVERIFY(run(QStringLiteral("mount"),
                    {QStringLiteral("-t"), QStringLiteral("proc"), QStringLiteral("proc"),
                     m_root.filePath(QStringLiteral("proc"))}));
        m_mounts.append(m_root.filePath(QStringLiteral("proc")));
        QVERIFY(run(QStringLiteral("mount"), {QStringLiteral("--bind"), QStringLiteral("/dev"),
                                              m_root.filePath(QStringLiteral("dev"))}));
        m_mounts.append(m_root.filePath(QStringLiteral("dev")));
        // Nothing else: no /bin, no /lib, no /etc.
        QCOMPARE(QDir(m_root.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 (QStringList{QStringLiteral("b"), QStringLiteral("dev"), QStringLiteral("proc")}));
    }

    void sameBytesForTheSameInputs()
    {
        QFile first(m_out.filePath(QStringLiteral("gatebench-bundle.tar.gz")));
        QVERIFY(first.open(QIODevice::ReadOnly));
        const QByteArray before = first.readAll();
        first.close();
        QVERIFY(run(QStringLiteral("bash"), {kScript, kBinDir, m_out.path()}));
        QVERIFY(first.open(QIODevice::ReadOnly));
        QCOMPARE(first.readAll(), before);
    }

    void serversRunInAnEmptyRoot()
    {
        const int upstreamPort = freePort();
        startInRoot(QStringLiteral("gatebench-upstream"),
                    {QStringLiteral("--addr"), QStringLiteral("127.0.0.1:%1").arg(upstreamPort)});
        QCOMPARE(httpStatus(upstreamPort, "/json/valid"), 200);

        const int gatewayPort = freePort();
        startInRoot(QStringLiteral("gatebench-gateway"),
                    {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(gatewayPort),
                     QStringLiteral("--target"),
                     QStringLiteral("http://127.0.0.1:%1").arg(upstreamPort),
                     QStringLiteral("--listen-path"), QStringLiteral("/api/")});
        QCOMPARE(httpStatus(gatewayPort, "/api/json/valid"), 200);

        QProcess* load = startInRoot(
            QStringLiteral("gatebench-load"),
            {QStringLiteral("-n"), QStringLiteral("300"), QStringLiteral("-c"), QStringLiteral("3"),
             QStringLiteral("http://127.0.0.1:%1/api/json/valid").arg(gatewayPort)});
        QVERIFY(load->waitForFinished(60000));
        const QString report = QString::fromLocal8Bit(load->readAll());
        QCOMPARE(load->exitCode(), 0);
        QVERIFY2(report.contains(QStringLiteral("[200]\t300 responses")), qPrintable(report));

        const int redisPort = freePort();
        startInRoot(QStringLiteral("redis-server"),
                    {QStringLiteral("--port"), QString::number(redisPort), QStringLiteral("--bind"),
                     QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                     QStringLiteral("--appendonly"), QStringLiteral("no")});
        QByteArray pong;
        for (int attempt = 0; attempt < 50 && !pong.startsWith("+PONG"); ++attempt) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, quint16(redisPort));
            if (s.waitForConnected(200)) {
                s.write("PING\r\n");
                if (s.waitForReadyRead(2000))
                    pong = s.readAll();
            } else {
                QTest::qWait(100);
            }
        }
        QCOMPARE(pong, QByteArray("+PONG\r\n"));
    }

    void cleanupTestCase()
    {
        for (QProcess* p : m_servers) {
            p->terminate();
            if (!p->waitForFinished(5000))
                p->kill();
            p->waitForFinished();
        }
        for (const QString& m : m_mounts)
            run(QStringLiteral("umount"), {QStringLiteral("-l"), m});
    }
};

QTEST_GUILESS_MAIN(TestBundles)
#include "tst_bundles.moc"
