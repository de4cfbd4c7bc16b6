// Load from several hosts (issue 12): two load agents on two real sshd (127.0.0.2, 127.0.0.3),
// the upstream on a third (127.0.0.4), driven through RunController as the window and `gatebench
// run --hosts` drive it. Open loop at R for 5 s: the stored merged series' totals equal the sums
// of the agents' own series exactly, the merged p99 equals the p99 of the agents' histograms
// merged here, and the merged rate is within 1 % of R. One agent killed mid-run: the run ends
// with the other's results, marked incomplete, naming the lost host. Nothing of ours is left
// running on any host. Loopback only.

#include "app/builtin_scenarios.h"
#include "app/run_controller.h"
#include "engine/histogram.h"
#include "engine/snapshot_totals.h"
#include "support/sshd_fixture.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace gb;
using namespace gb::app;
using namespace std::chrono_literals;

class TestLoadAgents : public QObject
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
        QList<AgentShare> shares; ///< the last agentSharesReady
        int shareSignals = 0;
    };

    Scenario scenario(double rate) const
    {
        Scenario s = builtinScenario(QStringLiteral("baseline")).value();
        s.topology.kind = TopologyKind::Hosts;
        s.topology.loadHosts = {QStringLiteral("lg1"), QStringLiteral("lg2")};
        s.load.model = LoadModelKind::TotalRate;
        s.load.totalRate = rate;
        s.load.connections = 20;
        s.load.duration = 5s;
        s.load.warmup = 0s;
        return s;
    }

    /// Runs scenario; `during` is called once the load runs.
    Outcome runOn(const Scenario& scenario, const std::function<void()>& during = {})
    {
        RunController controller;
        controller.setRunsDirectory(m_dir.filePath(QStringLiteral("runs")));
        controller.setServerStartTimeout(10s);
        SshOptions ssh;
        ssh.knownHostsFile = m_dir.filePath(QStringLiteral("known_hosts"));
        ssh.unknownHostKeys = UnknownHostKeys::AcceptNew;
        ssh.timeout = 5s;
        controller.setHosts(m_hosts, ssh);
        controller.setBundle(m_bundle);
        Outcome outcome;
        bool duringDone = false;
        QObject::connect(&controller, &RunController::snapshotReady,
                         [&](const engine::Snapshot& s) {
                             if (during && !duringDone && s.index >= 1) {
                                 duringDone = true;
                                 during();
                             }
                         });
        QObject::connect(&controller, &RunController::agentSharesReady,
                         [&](const QList<AgentShare>& shares) {
                             outcome.shares = shares;
                             ++outcome.shareSignals;
                         });
        QObject::connect(&controller, &RunController::runFinished,
                         [&](const RunRecord& run) { outcome.run = run; });
        QObject::connect(&controller, &RunController::runFailed,
                         [&](const QString& message, const RunRecord& run) {
                             outcome.failure = message;
                             if (!run.series.empty())
                                 outcome.run = run;
                         });
        if (const QString refusal = controller.start(scenario); !refusal.isEmpty())
            outcome.failure = refusal;
        else if (!QTest::qWaitFor([&] { return outcome.run || !outcome.failure.isEmpty(); },
                                  120000))
            outcome.failure = QStringLiteral("the run neither ended nor failed within 120 s");
        return outcome;
    }

    void expectNothingLeft()
    {
        for (const auto& server : m_servers)
            QTRY_COMPARE_WITH_TIMEOUT(
                test::processesMentioning(server->directory() + QStringLiteral("/workdir/bundle/")),
                QStringList(), 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("SSH_AUTH_SOCK");
        QString error;
        m_bundle = test::makeBundle(QStringLiteral(GB_BIN_DIR), m_dir.path(), &error);
        QVERIFY2(!m_bundle.isEmpty(), qPrintable(error));
        const char* addresses[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
        const char* names[] = {"lg1", "lg2", "srv"};
        for (int i = 0; i < 3; ++i) {
            m_servers[i] = std::make_unique<test::SshServer>(QString::fromLatin1(addresses[i]));
            QVERIFY2(m_servers[i]->start(), qPrintable(m_servers[i]->error()));
            // srv: the upstream and the gateway, and Redis beside the gateway (no redis host).
            const QList<HostRole> roles =
                i < 2 ? QList{HostRole::LoadGen} : QList{HostRole::Upstream, HostRole::Gateway};
            HostSpec h = m_servers[i]->host(QString::fromLatin1(names[i]), roles);
            if (i == 2)
                for (HostRole role : {HostRole::Upstream, HostRole::Gateway, HostRole::Redis})
                    h.ports.insert(role, test::freePortOn(h.address));
            m_hosts.hosts.append(h);
        }
    }

    void twoAgentsMergeExactly()
    {
        constexpr double kRate = 400;
        const Outcome o = runOn(scenario(kRate));
        QVERIFY2(o.run, qPrintable(o.failure));
        const RunRecord& run = *o.run;
        QCOMPARE(run.status, RunStatus::Completed);
        QVERIFY(!run.incomplete);
        QCOMPARE(run.agents.size(), std::size_t(2));
        QCOMPARE(run.agents[0].host, QStringLiteral("lg1"));

        // The merged series is the agents' series added up: totals and the latency histogram.
        engine::SnapshotTotals merged, parts;
        for (const engine::Snapshot& s : run.series)
            merged.add(s);
        engine::Histogram all;
        for (const AgentSeries& a : run.agents) {
            QVERIFY(a.lost.isEmpty());
            QCOMPARE(a.series.size(), run.series.size());
            for (const engine::Snapshot& s : a.series) {
                parts.add(s);
                all.merge(*engine::Histogram::deserialize(s.histogram));
            }
        }
        QCOMPARE(merged.requests(), parts.requests());
        QCOMPARE(merged.statusCodes(), parts.statusCodes());
        QCOMPARE(merged.errors(), std::uint64_t(0));
        QCOMPARE(run.summary.requests, parts.requests());
        QCOMPARE(engine::LatencySummary::from(merged.latency()).p99,
                 engine::LatencySummary::from(all).p99);
        QCOMPARE(run.summary.latency.p99, engine::LatencySummary::from(all).p99);
        // Both agents' schedules together are the plan's.
        const double rate = double(merged.requests()) / merged.seconds();
        qInfo("merged: %llu requests in %.2f s, %.1f req/s, p99 %.3f ms",
              static_cast<unsigned long long>(merged.requests()), merged.seconds(), rate,
              run.summary.latency.p99);
        QVERIFY2(std::abs(rate - kRate) <= 0.01 * kRate,
                 qPrintable(QStringLiteral("%1 req/s merged").arg(rate)));
        // Live: each interval's shares, one per agent; each load host's CPU beside the others'.
        QCOMPARE(o.shareSignals, int(run.series.size()));
        QCOMPARE(o.shares.size(), 2);
        QCOMPARE(o.shares[1].host, QStringLiteral("lg2"));
        QVERIFY(o.shares[0].lost.isEmpty() && o.shares[0].rps > 0);
        QStringList sampled;
        for (const MachineSample& m : run.hostSamples.last().hosts)
            sampled.append(m.host);
        QVERIFY2(sampled.contains(QStringLiteral("lg1")) && sampled.contains(QStringLiteral("lg2")),
                 qPrintable(sampled.join(QLatin1Char(','))));
        for (const AgentSeries& a : run.agents) {
            engine::SnapshotTotals own;
            for (const engine::Snapshot& s : a.series)
                own.add(s);
            QVERIFY(std::abs(own.rps() - kRate / 2) <= 0.02 * kRate / 2);
        }
        expectNothingLeft();
    }

    void aLostAgentLeavesAnIncompleteRun()
    {
        // lg2's agent dies one second in; lg1 runs to the end.
        const QString lg2Bundle = m_servers[1]->directory() + QStringLiteral("/workdir/bundle/");
        const Outcome o = runOn(scenario(200), [&] {
            // lg2 runs nothing else of ours: every process from its bundle is its agent.
            for (const QString& pid : test::processesMentioning(lg2Bundle))
                ::kill(static_cast<pid_t>(pid.toLongLong()), SIGKILL);
        });
        QVERIFY2(o.run, qPrintable(o.failure));
        const RunRecord& run = *o.run;
        qInfo("%s", qPrintable(run.error));
        QVERIFY(run.incomplete);
        QVERIFY2(run.error.contains(QStringLiteral("lg2")), qPrintable(run.error));
        QVERIFY(!run.error.contains(QStringLiteral("lg1")));
        QCOMPARE(run.agents.size(), std::size_t(2));
        QVERIFY(run.agents[0].lost.isEmpty());
        QVERIFY(!run.agents[1].lost.isEmpty());
        QVERIFY(!o.shares.isEmpty() && !o.shares[1].lost.isEmpty()); // shown as lost, live
        // lg1's five seconds are all there.
        QVERIFY(run.agents[0].series.size() >= 5);
        QCOMPARE(run.series.size(), run.agents[0].series.size());
        expectNothingLeft();
    }

    void manualStudyOnHosts()
    {
        // As a user types it, 2 s runs: the classic layout, the load from the loadgen hosts,
        // unscaled, a report and a PDF.
        const QString hostsPath = m_dir.filePath(QStringLiteral("hosts.json"));
        QCOMPARE(saveHostsFile(m_hosts, hostsPath), QString());
        const QString pdf = m_dir.filePath(QStringLiteral("study.pdf"));
        const QString json = m_dir.filePath(QStringLiteral("study.json"));
        QProcess gatebench;
        gatebench.start(QStringLiteral(GB_BIN_DIR "/gatebench"),
                        {QStringLiteral("study"),
                         QStringLiteral("--builtin"),
                         QStringLiteral("manual"),
                         QStringLiteral("--hosts"),
                         hostsPath,
                         QStringLiteral("--bundle"),
                         m_bundle,
                         QStringLiteral("--accept-new-host-keys"),
                         QStringLiteral("--known-hosts"),
                         m_dir.filePath(QStringLiteral("study_known_hosts")),
                         QStringLiteral("--duration"),
                         QStringLiteral("2s"),
                         QStringLiteral("--repeats"),
                         QStringLiteral("1"),
                         QStringLiteral("--runs-dir"),
                         m_dir.filePath(QStringLiteral("study-runs")),
                         QStringLiteral("--studies-dir"),
                         m_dir.filePath(QStringLiteral("studies")),
                         QStringLiteral("--pdf"),
                         pdf,
                         QStringLiteral("--json"),
                         json});
        QVERIFY(gatebench.waitForFinished(200000));
        const QString out = QString::fromUtf8(gatebench.readAllStandardOutput());
        const QString err = QString::fromUtf8(gatebench.readAllStandardError());
        QVERIFY2(gatebench.exitCode() == 0, qPrintable(err + out));
        QVERIFY2(out.contains(QStringLiteral("On hosts, unscaled")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Full load")), qPrintable(out));
        QVERIFY(QFileInfo(pdf).size() > 10000);
        // Every stage's run came from both load agents.
        QDir runs(m_dir.filePath(QStringLiteral("study-runs")));
        int withAgents = 0;
        for (const QString& name : runs.entryList({QStringLiteral("*.json")})) {
            QFile f(runs.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonArray agents = QJsonDocument::fromJson(f.readAll())
                                          .object()
                                          .value(QStringLiteral("agents"))
                                          .toArray();
            if (agents.size() == 2)
                ++withAgents;
        }
        QCOMPARE(withAgents, 3);
        expectNothingLeft();
    }

    void loadHostsMustBeLoadgens()
    {
        Scenario s = scenario(100);
        s.topology.loadHosts = {QStringLiteral("srv")};
        Outcome o = runOn(s);
        QVERIFY(!o.run);
        QVERIFY2(o.failure.contains(QStringLiteral("loadgen role")), qPrintable(o.failure));
        s.topology.loadHosts = {QStringLiteral("nowhere")};
        o = runOn(s);
        QVERIFY2(o.failure.contains(QStringLiteral("not in the hosts file")),
                 qPrintable(o.failure));
    }
};

QTEST_GUILESS_MAIN(TestLoadAgents)
#include "tst_load_agents.moc"
