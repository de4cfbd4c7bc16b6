// Servers on hosts over SSH, against three real sshd on 127.0.0.2-4 with the real bundle
// (packaging/make-bundles.sh): installed on each host with every file verified, not uploaded
// again when unchanged; gatebench-upstream, redis-server and gatebench-gateway started detached
// there, the gateway proxying to the upstream's private address; stop removes exactly what was
// started (pid files and ps agree); what a lost link left running goes on the next stop; a server
// that cannot start is one sentence with its log. Loopback only.

#include "app/hosts/host_servers.h"
#include "app/http_probe.h"
#include "support/sshd_fixture.h"

#include <QDir>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace gb;
using namespace gb::app;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);

bool answers(const QString& host, int port, const QString& path, int expected = 200)
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (httpRequest(host, quint16(port), "GET", path).status == expected)
            return true;
        QTest::qWait(100);
    }
    return false;
}

} // namespace

class TestHostServers : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_bundle;
    std::unique_ptr<test::SshServer> m_servers[3];

    std::shared_ptr<SshSession> connect(int i)
    {
        SshOptions o;
        o.knownHostsFile = m_dir.filePath(QStringLiteral("known_hosts"));
        o.unknownHostKeys = UnknownHostKeys::AcceptNew;
        auto session = SshSession::open(
            m_servers[i]->host(QStringLiteral("h%1").arg(i), {HostRole::Gateway}), o);
        if (!session)
            qWarning("%s", qPrintable(session.error()));
        return session ? session.value() : nullptr;
    }
    QString workdir(int i) const { return m_servers[i]->host(QString(), {}).workdir; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("SSH_AUTH_SOCK");
        QString error;
        m_bundle = test::makeBundle(kBinDir, m_dir.path(), &error);
        QVERIFY2(!m_bundle.isEmpty(), qPrintable(error));
        const char* addresses[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
        for (int i = 0; i < 3; ++i) {
            m_servers[i] = std::make_unique<test::SshServer>(QString::fromLatin1(addresses[i]));
            QVERIFY2(m_servers[i]->start(), qPrintable(m_servers[i]->error()));
        }
    }

    void deployRunAndStop()
    {
        std::shared_ptr<SshSession> sessions[3];
        std::unique_ptr<HostServers> hosts[3];
        for (int i = 0; i < 3; ++i) {
            QVERIFY((sessions[i] = connect(i)));
            hosts[i] = std::make_unique<HostServers>(sessions[i]);
            qint64 last = 0;
            auto installed = hosts[i]->install(m_bundle, [&](qint64 sent, qint64) { last = sent; });
            QVERIFY2(installed, qPrintable(installed.error()));
            QCOMPARE(installed.value(), SshSession::Upload::Copied);
            QCOMPARE(last, QFileInfo(m_bundle).size());
            QCOMPARE(hosts[i]->workdir(), workdir(i));
            QVERIFY(QFile::exists(workdir(i) + QStringLiteral("/bundle/bin/gatebench-gateway")));
        }

        const QString upstreamHost = m_servers[0]->address();
        const int upstreamPort = test::freePortOn(upstreamHost);
        auto upstream =
            hosts[0]->start({QStringLiteral("upstream"),
                             QStringLiteral("gatebench-upstream"),
                             {QStringLiteral("--addr"),
                              QStringLiteral("%1:%2").arg(upstreamHost).arg(upstreamPort)},
                             {}});
        QVERIFY2(upstream, qPrintable(upstream.error()));
        QVERIFY(answers(upstreamHost, upstreamPort, QStringLiteral("/health")));

        const int redisPort = test::freePortOn(m_servers[1]->address());
        auto redis = hosts[1]->start(
            {QStringLiteral("redis"),
             QStringLiteral("redis-server"),
             {QStringLiteral("--bind"), m_servers[1]->address(), QStringLiteral("--port"),
              QString::number(redisPort), QStringLiteral("--save"), QString(),
              QStringLiteral("--appendonly"), QStringLiteral("no")},
             {}});
        QVERIFY2(redis, qPrintable(redis.error()));
        QString pingError;
        bool ponged = false;
        for (int attempt = 0; attempt < 50 && !ponged; ++attempt, QTest::qWait(100))
            ponged = redisPing(m_servers[1]->address(), quint16(redisPort), 500ms, &pingError);
        QVERIFY2(ponged, qPrintable(pingError));

        // The gateway reaches the upstream at its private address, with a file of its own.
        const int gatewayPort = test::freePortOn(m_servers[2]->address());
        auto gateway = hosts[2]->start(
            {QStringLiteral("gateway"),
             QStringLiteral("gatebench-gateway"),
             {QStringLiteral("--listen"),
              QStringLiteral("%1:%2").arg(m_servers[2]->address()).arg(gatewayPort),
              QStringLiteral("--target"),
              QStringLiteral("http://%1:%2").arg(upstreamHost).arg(upstreamPort),
              QStringLiteral("--listen-path"), QStringLiteral("/api/")},
             {{QStringLiteral("notes/why.txt"), QByteArray("written before the start\n")}}});
        QVERIFY2(gateway, qPrintable(gateway.error()));
        QVERIFY(answers(m_servers[2]->address(), gatewayPort, QStringLiteral("/api/json/valid")));
        QFile note(workdir(2) + QStringLiteral("/run/notes/why.txt"));
        QVERIFY(note.open(QIODevice::ReadOnly));
        QCOMPARE(note.readAll(), QByteArray("written before the start\n"));
        QVERIFY(hosts[2]->running(QStringLiteral("gateway")));
        QVERIFY(!hosts[2]->running(QStringLiteral("upstream")));

        // The second deploy sends nothing.
        auto again = hosts[1]->install(m_bundle);
        QVERIFY2(again, qPrintable(again.error()));
        QCOMPARE(again.value(), SshSession::Upload::AlreadyThere);
        // install() stopped host 1's servers first (their programs may be replaced).
        QVERIFY(!hosts[1]->running(QStringLiteral("redis")));

        for (int i : {0, 2}) {
            QVERIFY(!test::processesMentioning(workdir(i) + QStringLiteral("/bundle/")).isEmpty());
            auto stopped = hosts[i]->stop();
            QVERIFY2(stopped, qPrintable(stopped.error()));
            QCOMPARE(stopped->size(), 1);
        }
        for (int i = 0; i < 3; ++i) {
            QVERIFY2(test::processesMentioning(workdir(i) + QStringLiteral("/bundle/")).isEmpty(),
                     qPrintable(workdir(i)));
            QVERIFY(QDir(workdir(i) + QStringLiteral("/pids")).entryList(QDir::Files).isEmpty());
        }
    }

    void whatALostLinkLeftIsStoppedNextTime()
    {
        const int port = test::freePortOn(m_servers[0]->address());
        {
            auto session = connect(0);
            QVERIFY(session);
            HostServers host(session);
            QVERIFY(host.install(m_bundle));
            QVERIFY(host.start({QStringLiteral("upstream"),
                                QStringLiteral("gatebench-upstream"),
                                {QStringLiteral("--addr"),
                                 QStringLiteral("%1:%2").arg(m_servers[0]->address()).arg(port)},
                                {}}));
            // The connection goes; the server stays (as after a lost link).
        }
        QVERIFY(answers(m_servers[0]->address(), port, QStringLiteral("/health")));
        auto session = connect(0);
        QVERIFY(session);
        HostServers host(session);
        auto stopped = host.stop();
        QVERIFY2(stopped, qPrintable(stopped.error()));
        QCOMPARE(stopped.value(), QStringList{QStringLiteral("upstream")});
        QVERIFY(test::processesMentioning(workdir(0) + QStringLiteral("/bundle/")).isEmpty());

        // A pid file whose process is no longer ours is left alone (the pid was reused).
        QProcess bystander;
        bystander.start(QStringLiteral("sleep"), {QStringLiteral("30")});
        QVERIFY(bystander.waitForStarted());
        QFile stale(workdir(0) + QStringLiteral("/pids/old.pid"));
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write(QByteArray::number(bystander.processId()));
        stale.close();
        QVERIFY(host.stop());
        QCOMPARE(bystander.state(), QProcess::Running);
        QVERIFY(!stale.exists());
        bystander.kill();
        bystander.waitForFinished();
    }

    void aServerThatCannotStartSaysWhy()
    {
        auto session = connect(1);
        QVERIFY(session);
        HostServers host(session);
        QVERIFY(host.install(m_bundle));
        QTcpServer busy;
        QVERIFY(busy.listen(QHostAddress(m_servers[1]->address()), 0));
        auto refused = host.start(
            {QStringLiteral("upstream"),
             QStringLiteral("gatebench-upstream"),
             {QStringLiteral("--addr"),
              QStringLiteral("%1:%2").arg(m_servers[1]->address()).arg(busy.serverPort())},
             {}});
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("gatebench-upstream ended at once")) &&
                     refused.error().contains(QString::number(busy.serverPort())),
                 qPrintable(refused.error()));
        QVERIFY(host.stop());
    }
};

QTEST_GUILESS_MAIN(TestHostServers)
#include "tst_host_servers.moc"
