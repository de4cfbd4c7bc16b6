// A run on hosts, through RunController as the window and `gatebench run --hosts` drive it,
// against three real sshd on 127.0.0.2-4 and the real bundle: Redis, the upstream and the full
// gateway deployed on three hosts (the gateway reaching the others at their private addresses),
// 2 s of load from this machine, every response a 200 carrying the key; the second run does not
// upload again; `gatebench run --builtin full --hosts` as a user types it, printing each
// machine's CPU; after each run nothing of ours runs on any host. An unreachable host and a server
// that cannot start end the run with one sentence, and still leave nothing behind. Loopback only.

#include "app/builtin_scenarios.h"
#include "app/hosts/ssh_deployment.h"
#include "app/run_controller.h"
#include "support/sshd_fixture.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace gb;
using namespace gb::app;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);

} // namespace

class TestSshDeployment : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_bundle;
    std::unique_ptr<test::SshServer> m_servers[3];
    HostsFile m_hosts;

    struct Outcome
    {
        std::optional<RunRecord> run;
        QString failure;
        QStringList phases;
    };
    void setUp(RunController& controller, const HostsFile& hosts) const
    {
        controller.setRunsDirectory(m_dir.filePath(QStringLiteral("runs")));
        controller.setServerStartTimeout(10s);
        SshOptions ssh;
        ssh.knownHostsFile = m_dir.filePath(QStringLiteral("known_hosts"));
        ssh.unknownHostKeys = UnknownHostKeys::AcceptNew;
        ssh.timeout = 3s;
        controller.setHosts(hosts, ssh);
        controller.setBundle(m_bundle);
    }
    Outcome runOn(const HostsFile& hosts, Scenario scenario)
    {
        RunController controller;
        setUp(controller, hosts);
        Outcome outcome;
        QObject::connect(&controller, &RunController::phaseChanged,
                         [&](RunPhase, const QString& text) { outcome.phases.append(text); });
        QObject::connect(&controller, &RunController::runFinished,
                         [&](const RunRecord& run) { outcome.run = run; });
        QObject::connect(
            &controller, &RunController::runFailed,
            [&](const QString& message, const RunRecord&) { outcome.failure = message; });
        scenario.topology.kind = TopologyKind::Hosts;
        const QString refusal = controller.start(scenario);
        if (!refusal.isEmpty())
            outcome.failure = refusal;
        else if (!QTest::qWaitFor([&] { return outcome.run || !outcome.failure.isEmpty(); },
                                  120000))
            outcome.failure = QStringLiteral("the run neither ended nor failed within 120 s");
        return outcome;
    }
    void expectNothingLeft()
    {
        for (const auto& server : m_servers)
            QCOMPARE(
                test::processesMentioning(server->directory() + QStringLiteral("/workdir/bundle/")),
                QStringList());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("SSH_AUTH_SOCK");
        QString error;
        m_bundle = test::makeBundle(kBinDir, m_dir.path(), &error);
        QVERIFY2(!m_bundle.isEmpty(), qPrintable(error));
        const char* addresses[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
        const HostRole roles[] = {HostRole::Upstream, HostRole::Gateway, HostRole::Redis};
        const char* names[] = {"up", "gw", "db"};
        for (int i = 0; i < 3; ++i) {
            m_servers[i] = std::make_unique<test::SshServer>(QString::fromLatin1(addresses[i]));
            QVERIFY2(m_servers[i]->start(), qPrintable(m_servers[i]->error()));
            HostSpec h = m_servers[i]->host(QString::fromLatin1(names[i]), {roles[i]});
            h.ports.insert(roles[i], test::freePortOn(h.address));
            m_hosts.hosts.append(h);
        }
    }

    void fullScenarioOnThreeHosts()
    {
        Scenario full = builtinScenario(QStringLiteral("full")).value();
        full.load.duration = 2s;
        full.load.warmup = 0s;
        for (int round = 0; round < 2; ++round) {
            const Outcome o = runOn(m_hosts, full);
            QVERIFY2(o.run, qPrintable(o.failure));
            QCOMPARE(o.run->status, RunStatus::Completed);
            QVERIFY(o.run->summary.requests > 100);
            QCOMPARE(o.run->summary.statusCodes.keys(), QList<int>{200});
            // Every host's CPU and memory, sampled over SSH, with the run's own samples.
            QStringList sampled;
            for (const HostSample& h : o.run->hostSamples)
                for (const MachineSample& m : h.hosts) {
                    if (!sampled.contains(m.host))
                        sampled.append(m.host);
                    QVERIFY(m.memoryTotalBytes > 0 && m.memoryAvailableBytes > 0);
                    QVERIFY(m.busyPercent() >= 0 && m.busyPercent() <= 100.5);
                    QVERIFY(m.source.contains(QStringLiteral("SSH")));
                }
            sampled.sort();
            QCOMPARE(sampled, (QStringList{QStringLiteral("db"), QStringLiteral("gw"),
                                           QStringLiteral("up")}));
            // Each host as its check found it, in the run's environment.
            QCOMPARE(o.run->environment.hosts.size(), 3);
            for (const QJsonValue& h : o.run->environment.hosts)
                QVERIFY(h.toObject().value(QStringLiteral("cpus")).toInt() > 0);
            const QString phases = o.phases.join(u'\n');
            for (const char* host : {"up", "gw", "db"}) {
                const QString expected = round == 0
                                             ? QStringLiteral("Uploaded the servers to %1")
                                             : QStringLiteral("The servers on %1 are up to date");
                QVERIFY2(phases.contains(expected.arg(QLatin1String(host))), qPrintable(phases));
            }
            expectNothingLeft();
        }
        // The gateway's tyk.conf names Redis at the redis host's private address, and its API
        // the upstream at the upstream host's.
        QFile conf(m_servers[1]->directory() + QStringLiteral("/workdir/run/tyk.conf"));
        QVERIFY(conf.open(QIODevice::ReadOnly));
        const QJsonObject storage = QJsonDocument::fromJson(conf.readAll())
                                        .object()
                                        .value(QStringLiteral("storage"))
                                        .toObject();
        QCOMPARE(storage.value(QStringLiteral("host")).toString(), m_hosts.hosts[2].reachedAt());
        QCOMPARE(storage.value(QStringLiteral("port")).toInt(),
                 m_hosts.hosts[2].portFor(HostRole::Redis));
        QFile api(m_servers[1]->directory() + QStringLiteral("/workdir/run/apps/gatebench.json"));
        QVERIFY(api.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(api.readAll())
                     .object()
                     .value(QStringLiteral("proxy"))
                     .toObject()
                     .value(QStringLiteral("target_url"))
                     .toString(),
                 QStringLiteral("http://%1:%2")
                     .arg(m_hosts.hosts[0].reachedAt())
                     .arg(m_hosts.hosts[0].portFor(HostRole::Upstream)));
    }

    void runCommandOnThreeHosts()
    {
        // As a user types it: `gatebench run --builtin full --hosts hosts.json`.
        const QString hostsPath = m_dir.filePath(QStringLiteral("hosts.json"));
        QCOMPARE(saveHostsFile(m_hosts, hostsPath), QString());
        const QString json = m_dir.filePath(QStringLiteral("cli-run.json"));
        QProcess gatebench;
        gatebench.start(kBinDir + QStringLiteral("/gatebench"),
                        {QStringLiteral("run"), QStringLiteral("--builtin"), QStringLiteral("full"),
                         QStringLiteral("--hosts"), hostsPath, QStringLiteral("--bundle"), m_bundle,
                         QStringLiteral("--accept-new-host-keys"), QStringLiteral("--known-hosts"),
                         m_dir.filePath(QStringLiteral("cli_known_hosts")),
                         QStringLiteral("--duration"), QStringLiteral("2s"),
                         QStringLiteral("--runs-dir"), m_dir.filePath(QStringLiteral("cli-runs")),
                         QStringLiteral("--json"), json});
        QVERIFY(gatebench.waitForFinished(120000));
        const QString out = QString::fromUtf8(gatebench.readAllStandardOutput());
        const QString err = QString::fromUtf8(gatebench.readAllStandardError());
        QVERIFY2(gatebench.exitCode() == 0, qPrintable(err));
        // The report, then each machine's CPU: this one and the three hosts.
        QVERIFY2(out.contains(QStringLiteral("Summary:")), qPrintable(out));
        for (const char* machine : {"this machine  ", "up  ", "gw  ", "db  "})
            QVERIFY2(out.contains(QStringLiteral("\n  ") + QLatin1String(machine)),
                     qPrintable(out));
        // The stored run: a CPU series for every host.
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QStringList sampled;
        for (const QJsonValue& h : QJsonDocument::fromJson(f.readAll())
                                       .object()
                                       .value(QStringLiteral("hostSamples"))
                                       .toArray())
            for (const QJsonValue& m : h.toObject().value(QStringLiteral("hosts")).toArray())
                if (!sampled.contains(m[QStringLiteral("host")].toString()))
                    sampled.append(m[QStringLiteral("host")].toString());
        sampled.sort();
        QCOMPARE(sampled,
                 (QStringList{QStringLiteral("db"), QStringLiteral("gw"), QStringLiteral("up")}));
        expectNothingLeft();
    }

    void unreachableHostEndsTheRun()
    {
        HostsFile hosts = m_hosts;
        hosts.hosts[1].address = QStringLiteral("127.0.0.5");
        hosts.hosts[1].port = test::freePortOn(QStringLiteral("127.0.0.5"));
        Scenario keyless = builtinScenario(QStringLiteral("keyless")).value();
        keyless.load.duration = 1s;
        const Outcome o = runOn(hosts, keyless);
        QVERIFY(!o.run);
        QVERIFY2(o.failure.contains(QStringLiteral("gw (")) &&
                     o.failure.contains(QStringLiteral("cannot connect")),
                 qPrintable(o.failure));
        expectNothingLeft(); // the upstream already started on "up" was stopped
    }

    void serverThatCannotStartEndsTheRun()
    {
        QTcpServer busy;
        QVERIFY(busy.listen(QHostAddress(m_servers[0]->address()), 0));
        HostsFile hosts = m_hosts;
        hosts.hosts[0].ports.insert(HostRole::Upstream, busy.serverPort());
        Scenario baseline = builtinScenario(QStringLiteral("baseline")).value();
        baseline.load.duration = 1s;
        const Outcome o = runOn(hosts, baseline);
        QVERIFY(!o.run);
        QVERIFY2(
            o.failure.contains(QStringLiteral("port %1 (upstream) is in use by another program")
                                   .arg(busy.serverPort())),
            qPrintable(o.failure));
        expectNothingLeft();
    }

    void aServerThatDiesEndsTheRun()
    {
        Scenario baseline = builtinScenario(QStringLiteral("baseline")).value();
        baseline.load.duration = 60s;
        baseline.load.warmup = 0s;
        baseline.topology.kind = TopologyKind::Hosts;
        RunController controller;
        setUp(controller, m_hosts);
        QSignalSpy snapshots(&controller, &RunController::snapshotReady);
        QSignalSpy failed(&controller, &RunController::runFailed);
        QCOMPARE(controller.start(baseline), QString());
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2, 60000);
        QFile pid(m_servers[0]->directory() + QStringLiteral("/workdir/pids/upstream.pid"));
        QVERIFY(pid.open(QIODevice::ReadOnly));
        QCOMPARE(::kill(pid_t(pid.readAll().trimmed().toLongLong()), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 20000);
        const QString message = failed.first().at(0).toString();
        QVERIFY2(message.startsWith(QStringLiteral("up (")) &&
                     message.contains(QStringLiteral("the upstream server ended during the run")),
                 qPrintable(message));
        QVERIFY(failed.first().at(1).value<RunRecord>().series.size() >= 2);
        expectNothingLeft();
    }

    void aLostLinkEndsTheRunAndKeepsItsData()
    {
        Scenario baseline = builtinScenario(QStringLiteral("baseline")).value();
        baseline.load.duration = 60s;
        baseline.load.warmup = 0s;
        RunController controller;
        setUp(controller, m_hosts);
        QSignalSpy snapshots(&controller, &RunController::snapshotReady);
        QSignalSpy failed(&controller, &RunController::runFailed);
        baseline.topology.kind = TopologyKind::Hosts;
        QCOMPARE(controller.start(baseline), QString());
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2, 60000);
        m_servers[0]->cutConnections();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 20000);
        const QString message = failed.first().at(0).toString();
        QVERIFY2(message.startsWith(QStringLiteral("Lost the connection to a host: up (")),
                 qPrintable(message));
        const RunRecord partial = failed.first().at(1).value<RunRecord>();
        QCOMPARE(partial.status, RunStatus::Failed);
        QVERIFY(partial.series.size() >= 2);
        QVERIFY(QFile::exists(partial.filePath)); // kept, marked failed

        // The upstream on "up" outlived the link; the next connection stops it.
        QVERIFY(!test::processesMentioning(m_servers[0]->directory() +
                                           QStringLiteral("/workdir/bundle/"))
                     .isEmpty());
        QVERIFY2(m_servers[0]->restart(), qPrintable(m_servers[0]->error()));
        Scenario quick = builtinScenario(QStringLiteral("baseline")).value();
        quick.load.duration = 1s;
        quick.load.warmup = 0s;
        const Outcome o = runOn(m_hosts, quick);
        QVERIFY2(o.run, qPrintable(o.failure));
        expectNothingLeft();
    }

    void scenarioNamesAHostTheFileLacks()
    {
        Scenario s = builtinScenario(QStringLiteral("baseline")).value();
        s.topology.upstreamHost = QStringLiteral("nowhere");
        const auto host = SshDeployment::hostFor(s, m_hosts, HostRole::Upstream);
        QVERIFY(!host);
        QCOMPARE(host.error(), QStringLiteral("the scenario runs its upstream on host \"nowhere\", "
                                              "which the hosts file does not have"));
    }
};

QTEST_GUILESS_MAIN(TestSshDeployment)
#include "tst_ssh_deployment.moc"
