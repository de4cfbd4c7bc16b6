// Gateway products as containers on a host (issue 12): the files GateBench writes for Tyk, Kong
// and nginx, checked against each product's documented format (Tyk's config and API definition
// field names as Tyk's Go source declares them, Kong's declarative format 3.0); the scenario's
// validation; and the deployment on a real sshd host whose `docker` is a stand-in that records
// every command (pull, run with its ports, mounts and environment, the health check's inspect,
// rm) and plays the container with a real program on this machine (no Docker engine
// runs on the build machines): Tyk's container is played by gatebench-gateway reading the very
// tyk.conf and API definition written for Tyk, so the run through it answers 200 with the key
// Tyk's API created. Afterwards nothing is left running. Loopback only.

#include "app/builtin_scenarios.h"
#include "app/container_gateway.h"
#include "app/hosts/ssh_deployment.h"
#include "app/run_controller.h"
#include "app/scenario_json.h"
#include "support/sshd_fixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace gb;
using namespace gb::app;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);

QJsonObject jsonFile(const ContainerGateway& g, const QString& path)
{
    return QJsonDocument::fromJson(g.program.files.value(path)).object();
}

Scenario containerScenario(GatewayProduct product, bool features)
{
    Scenario s = builtinScenario(QStringLiteral("full")).value();
    s.gateway.kind = GatewayKind::Container;
    s.gateway.container.product = product;
    s.gateway.container.features = features;
    s.topology.kind = TopologyKind::Hosts;
    s.load.duration = 2s;
    s.load.warmup = 0s;
    return s;
}

/// A `docker` for the test host: records every call in STATE/calls.log and plays `run` with a
/// real program on this machine (Tyk's image: gatebench-gateway on the mounted tyk.conf, its
/// app_path moved to where the apps were mounted from; any other: gatebench-upstream on the
/// port of the gatebench.port label), `inspect`, `logs` and `rm -f` on that process.
QString standInDocker(const QString& state)
{
    return QStringLiteral(R"(#!/bin/bash
state=%1
echo "docker $*" >> "$state/calls.log"
cmd=$1; shift
case "$cmd" in
  version) echo "24.0.7-standin" ;;
  pull) ;;
  image) img="${@: -1}"; echo "${img%%:*}@sha256:5tand1n" ;;
  run)
    name=; port=; conf=; apps=
    while [ $# -gt 0 ]; do
      case "$1" in
        --name) name=$2; shift ;;
        --network|-e) shift ;;
        --label) case "$2" in gatebench.port=*) port=${2#gatebench.port=} ;; esac; shift ;;
        -v) src=${2%%:*}; rest=${2#*:}; dst=${rest%%:*}
            case "$dst" in
              /opt/tyk-gateway/tyk.conf) conf=$src ;;
              /opt/tyk-gateway/apps) apps=$src ;;
            esac; shift ;;
      esac; shift
    done
    if [ -n "$conf" ]; then
      sed "s#/opt/tyk-gateway/apps/#$apps/#" "$conf" > "$state/$name.conf"
      setsid nohup %2/gatebench-gateway --conf "$state/$name.conf" > "$state/$name.log" 2>&1 < /dev/null &
    else
      setsid nohup %2/gatebench-upstream --addr ":$port" > "$state/$name.log" 2>&1 < /dev/null &
    fi
    echo $! > "$state/$name.pid"; echo "standin-$name" ;;
  inspect) p=$(cat "$state/${@: -1}.pid" 2>/dev/null) && kill -0 "$p" 2>/dev/null && echo true || echo false ;;
  logs) tail -n 20 "$state/${@: -1}.log" 2>/dev/null ;;
  rm) p=$(cat "$state/${@: -1}.pid" 2>/dev/null) && kill "$p" 2>/dev/null; rm -f "$state/${@: -1}.pid"; echo "${@: -1}" ;;
  *) echo "stand-in docker: $cmd is not played" >&2; exit 1 ;;
esac
)")
        .arg(state, kBinDir);
}

} // namespace

class TestContainerGateways : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_bundle;
    QString m_state; ///< the stand-in docker's calls.log, pids and logs
    std::unique_ptr<test::SshServer> m_withDocker;
    std::unique_ptr<test::SshServer> m_withoutDocker;
    HostsFile m_hosts;

    SshOptions ssh() const
    {
        SshOptions o;
        o.knownHostsFile = m_dir.filePath(QStringLiteral("known_hosts"));
        o.unknownHostKeys = UnknownHostKeys::AcceptNew;
        o.timeout = 3s;
        return o;
    }
    HostsFile hostsOn(const test::SshServer& server, const QString& name) const
    {
        HostSpec h = server.host(name, {HostRole::Upstream, HostRole::Gateway, HostRole::Redis});
        for (HostRole role : {HostRole::Upstream, HostRole::Gateway, HostRole::Redis})
            h.ports.insert(role, test::freePortOn(h.address));
        HostsFile hosts;
        hosts.hosts.append(h);
        return hosts;
    }
    QStringList calls() const
    {
        QFile f(m_state + QStringLiteral("/calls.log"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
    }
    void expectNothingLeft()
    {
        // Every container the stand-in played was removed (its pid file goes with `rm -f`), and
        // no process of it is left.
        QCOMPARE(QDir(m_state).entryList({QStringLiteral("*.pid")}, QDir::Files), QStringList());
        QCOMPARE(test::processesMentioning(m_state), QStringList());
        QCOMPARE(test::processesMentioning(m_withDocker->directory() +
                                           QStringLiteral("/workdir/bundle/")),
                 QStringList());
        QVERIFY(QDir(m_withDocker->directory() + QStringLiteral("/workdir/containers"))
                    .entryList(QDir::Files)
                    .isEmpty());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("SSH_AUTH_SOCK");
        QString error;
        m_bundle = test::makeBundle(kBinDir, m_dir.path(), &error);
        QVERIFY2(!m_bundle.isEmpty(), qPrintable(error));
        const QString bin = m_dir.filePath(QStringLiteral("docker-bin"));
        m_state = m_dir.filePath(QStringLiteral("docker-state"));
        QVERIFY(QDir().mkpath(bin) && QDir().mkpath(m_state));
        QFile docker(bin + QStringLiteral("/docker"));
        QVERIFY(docker.open(QIODevice::WriteOnly));
        docker.write(standInDocker(m_state).toUtf8());
        docker.close();
        QVERIFY(docker.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        m_withDocker = std::make_unique<test::SshServer>(QStringLiteral("127.0.0.2"));
        m_withDocker->putFirstOnPath(bin);
        QVERIFY2(m_withDocker->start(), qPrintable(m_withDocker->error()));
        m_withoutDocker = std::make_unique<test::SshServer>(QStringLiteral("127.0.0.3"));
        QVERIFY2(m_withoutDocker->start(), qPrintable(m_withoutDocker->error()));
        m_hosts = hostsOn(*m_withDocker, QStringLiteral("gw"));
    }
    void init() { QFile::remove(m_state + QStringLiteral("/calls.log")); }

    void tykFilesAreTyks()
    {
        // Field names as Tyk declares them (github.com/TykTechnologies/tyk at 31e219bebd55):
        // config/config.go:906 listen_address, :909 listen_port, :920 secret, :1006 app_path,
        // :1017 storage, :1180 enable_analytics; apidef/api_definitions.go:702 use_keyless,
        // :1091 listen_path, :1092 target_url, :1094 strip_listen_path.
        const Scenario s = containerScenario(GatewayProduct::Tyk, true);
        const ContainerGateway g =
            containerGateway(s, 8080, QStringLiteral("http://10.0.0.3:8000"),
                             QStringLiteral("10.0.0.4:6379"), QStringLiteral("s3cret"));
        const QJsonObject conf = jsonFile(g, QStringLiteral("tyk/tyk.conf"));
        QCOMPARE(conf.value(QStringLiteral("listen_port")).toInt(), 8080);
        QCOMPARE(conf.value(QStringLiteral("listen_address")).toString(), QString());
        QCOMPARE(conf.value(QStringLiteral("app_path")).toString(),
                 QStringLiteral("/opt/tyk-gateway/apps/"));
        QCOMPARE(conf.value(QStringLiteral("secret")).toString(), QStringLiteral("s3cret"));
        QCOMPARE(conf.value(QStringLiteral("enable_analytics")).toBool(), true);
        const QJsonObject storage = conf.value(QStringLiteral("storage")).toObject();
        QCOMPARE(storage.value(QStringLiteral("type")).toString(), QStringLiteral("redis"));
        QCOMPARE(storage.value(QStringLiteral("host")).toString(), QStringLiteral("10.0.0.4"));
        QCOMPARE(storage.value(QStringLiteral("port")).toInt(), 6379);
        const QJsonObject api = jsonFile(g, QStringLiteral("tyk/apps/gatebench.json"));
        QCOMPARE(api.value(QStringLiteral("use_keyless")).toBool(), false);
        const QJsonObject proxy = api.value(QStringLiteral("proxy")).toObject();
        QCOMPARE(proxy.value(QStringLiteral("listen_path")).toString(), s.gateway.listenPath);
        QCOMPARE(proxy.value(QStringLiteral("target_url")).toString(),
                 QStringLiteral("http://10.0.0.3:8000"));
        QCOMPARE(proxy.value(QStringLiteral("strip_listen_path")).toBool(), true);
        // Where the image reads them (its WORKDIR /opt/tyk-gateway), read-only.
        QCOMPARE(g.program.mounts,
                 (QList<QPair<QString, QString>>{
                     {QStringLiteral("tyk/tyk.conf"), QStringLiteral("/opt/tyk-gateway/tyk.conf")},
                     {QStringLiteral("tyk/apps"), QStringLiteral("/opt/tyk-gateway/apps")}}));
        QCOMPARE(g.healthPath, QStringLiteral("/hello"));
        QVERIFY(g.healthNeeds2xx);
        QVERIFY(g.key.isEmpty()); // created through Tyk's API once it runs

        const ContainerGateway keyless =
            containerGateway(containerScenario(GatewayProduct::Tyk, false), 8080,
                             QStringLiteral("http://10.0.0.3:8000"), QStringLiteral("r:6379"), {});
        QCOMPARE(jsonFile(keyless, QStringLiteral("tyk/apps/gatebench.json"))
                     .value(QStringLiteral("use_keyless"))
                     .toBool(),
                 true);
        QCOMPARE(jsonFile(keyless, QStringLiteral("tyk/tyk.conf"))
                     .value(QStringLiteral("enable_analytics"))
                     .toBool(),
                 false);
    }

    void kongConfigIsDeclarativeFormatThree()
    {
        Scenario s = containerScenario(GatewayProduct::Kong, true);
        s.gateway.rateLimit = {600, 60s};
        const ContainerGateway g =
            containerGateway(s, 8080, QStringLiteral("http://10.0.0.3:8000"), {}, {});
        const QJsonObject config = jsonFile(g, QStringLiteral("kong/kong.json"));
        // Kong's declarative format 3.0: services with their routes and plugins, consumers with
        // their key-auth credentials (JSON is one of its two accepted syntaxes).
        QCOMPARE(config.value(QStringLiteral("_format_version")).toString(), QStringLiteral("3.0"));
        const QJsonObject service =
            config.value(QStringLiteral("services")).toArray().first().toObject();
        QCOMPARE(service.value(QStringLiteral("url")).toString(),
                 QStringLiteral("http://10.0.0.3:8000"));
        const QJsonObject route =
            service.value(QStringLiteral("routes")).toArray().first().toObject();
        QCOMPARE(route.value(QStringLiteral("paths")).toArray(), QJsonArray{s.gateway.listenPath});
        QCOMPARE(route.value(QStringLiteral("strip_path")).toBool(), true);
        QMap<QString, QJsonObject> plugins;
        for (const QJsonValue& p : service.value(QStringLiteral("plugins")).toArray())
            plugins.insert(p.toObject().value(QStringLiteral("name")).toString(),
                           p.toObject().value(QStringLiteral("config")).toObject());
        QCOMPARE(plugins.keys(),
                 (QStringList{QStringLiteral("key-auth"), QStringLiteral("rate-limiting")}));
        QCOMPARE(plugins[QStringLiteral("key-auth")].value(QStringLiteral("key_names")).toArray(),
                 QJsonArray{QStringLiteral("Authorization")});
        // Tyk's 600 per 60 s is Kong's 600 a minute, counted per consumer on each node.
        QCOMPARE(plugins[QStringLiteral("rate-limiting")].value(QStringLiteral("minute")).toInt(),
                 600);
        QCOMPARE(
            plugins[QStringLiteral("rate-limiting")].value(QStringLiteral("policy")).toString(),
            QStringLiteral("local"));
        const QJsonObject consumer =
            config.value(QStringLiteral("consumers")).toArray().first().toObject();
        QVERIFY(g.key.size() >= 32);
        QCOMPARE(consumer.value(QStringLiteral("keyauth_credentials"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("key"))
                     .toString(),
                 g.key);
        QVERIFY(g.program.environment.contains(QStringLiteral("KONG_DATABASE=off")));
        QVERIFY(g.program.environment.contains(
            QStringLiteral("KONG_DECLARATIVE_CONFIG=/kong/kong.json")));
        QVERIFY(g.program.environment.contains(QStringLiteral("KONG_PROXY_LISTEN=0.0.0.0:8080")));
        QCOMPARE(g.program.mounts, (QList<QPair<QString, QString>>{
                                       {QStringLiteral("kong"), QStringLiteral("/kong")}}));
        // Keyless: no plugins, no consumers.
        const ContainerGateway keyless =
            containerGateway(containerScenario(GatewayProduct::Kong, false), 8080,
                             QStringLiteral("http://u:1"), {}, {});
        const QJsonObject open = jsonFile(keyless, QStringLiteral("kong/kong.json"));
        QVERIFY(!open.contains(QStringLiteral("consumers")));
        QVERIFY(!open.value(QStringLiteral("services"))
                     .toArray()
                     .first()
                     .toObject()
                     .contains(QStringLiteral("plugins")));
    }

    void nginxConfigProxiesTheListenPath()
    {
        const ContainerGateway g =
            containerGateway(containerScenario(GatewayProduct::Nginx, false), 8080,
                             QStringLiteral("http://10.0.0.3:8000"), {}, {});
        const QString conf =
            QString::fromUtf8(g.program.files.value(QStringLiteral("nginx/nginx.conf")));
        QVERIFY2(conf.contains(QStringLiteral("listen 8080;")), qPrintable(conf));
        QVERIFY(conf.contains(QStringLiteral("server 10.0.0.3:8000; keepalive 256;")));
        QVERIFY(conf.contains(
            QStringLiteral("location /apitest/ { proxy_pass http://gatebench_upstream/;")));
        QCOMPARE(g.program.mounts,
                 (QList<QPair<QString, QString>>{{QStringLiteral("nginx/nginx.conf"),
                                                  QStringLiteral("/etc/nginx/nginx.conf")}}));
    }

    void validation()
    {
        Scenario local = containerScenario(GatewayProduct::Tyk, true);
        local.topology.kind = TopologyKind::Local;
        Scenario memory = containerScenario(GatewayProduct::Tyk, false);
        memory.gateway.redis.mode = RedisMode::Memory;
        Scenario image = containerScenario(GatewayProduct::Kong, false);
        image.gateway.container.image = QStringLiteral("kong; rm -rf /");
        const std::pair<Scenario, QString> cases[] = {
            {local, QStringLiteral("gateway.kind")},
            {containerScenario(GatewayProduct::Nginx, true),
             QStringLiteral("gateway.container.features")},
            {memory, QStringLiteral("gateway.redis.mode")},
            {image, QStringLiteral("gateway.container.image")}};
        for (const auto& [scenario, path] : cases) {
            QStringList paths;
            for (const ValidationIssue& i : scenario.validate())
                paths.append(i.field);
            QVERIFY2(paths.contains(path),
                     qPrintable(path + QStringLiteral(": ") + paths.join(u',')));
        }
        QVERIFY(containerScenario(GatewayProduct::Tyk, true).validate().isEmpty());
        QVERIFY(containerScenario(GatewayProduct::Nginx, false).validate().isEmpty());
    }

    void scenarioFileRoundTrip()
    {
        Scenario s = containerScenario(GatewayProduct::Kong, true);
        s.gateway.container.image = QStringLiteral("kong:3.7.0");
        QVERIFY(s.validate().isEmpty());
        const auto back = scenarioFromJson(scenarioToJson(s));
        QVERIFY2(back, qPrintable(back.error()));
        QCOMPARE(back->gateway.container, s.gateway.container);
        QCOMPARE(gatewayLabel(s), QStringLiteral("Kong kong:3.7.0"));
    }

    void tykContainerRunOnAHost()
    {
        // Through RunController as the window drives it: Redis and the upstream from the bundle,
        // Tyk's image pulled and run by the host's docker, its key created through Tyk's API,
        // 2 s of load through it, then everything removed.
        RunController controller;
        controller.setRunsDirectory(m_dir.filePath(QStringLiteral("runs")));
        controller.setServerStartTimeout(10s);
        controller.setHosts(m_hosts, ssh());
        controller.setBundle(m_bundle);
        std::optional<RunRecord> run;
        QString failure;
        QObject::connect(&controller, &RunController::runFinished,
                         [&](const RunRecord& r) { run = r; });
        QObject::connect(&controller, &RunController::runFailed,
                         [&](const QString& message, const RunRecord&) { failure = message; });
        QCOMPARE(controller.start(containerScenario(GatewayProduct::Tyk, true)), QString());
        QVERIFY(QTest::qWaitFor([&] { return run || !failure.isEmpty(); }, 120000));
        QVERIFY2(run, qPrintable(failure));
        QCOMPARE(run->status, RunStatus::Completed);
        QVERIFY(run->summary.requests > 100);
        QCOMPARE(run->summary.statusCodes.keys(), QList<int>{200}); // the key was accepted
        QCOMPARE(run->environment.gateway, QStringLiteral("Tyk tykio/tyk-gateway@sha256:5tand1n"));

        const QString workdir = m_withDocker->directory() + QStringLiteral("/workdir");
        const int port = m_hosts.hosts[0].portFor(HostRole::Gateway);
        const QString image = defaultImage(GatewayProduct::Tyk);
        const QStringList c = calls();
        const QStringList expected{
            QStringLiteral("docker version --format {{.Server.Version}}"),
            QStringLiteral("docker pull --quiet %1").arg(image),
            QStringLiteral("docker image inspect --format {{if .RepoDigests}}{{index .RepoDigests "
                           "0}}{{else}}{{.Id}}{{end}} %1")
                .arg(image),
            QStringLiteral("docker rm -f gatebench-gateway"),
            QStringLiteral("docker run -d --name gatebench-gateway --network host --label "
                           "gatebench.role=gateway --label gatebench.product=tyk --label "
                           "gatebench.port=%1 -v %2/run/tyk/tyk.conf:/opt/tyk-gateway/tyk.conf:ro "
                           "-v %2/run/tyk/apps:/opt/tyk-gateway/apps:ro %3")
                .arg(port)
                .arg(workdir, image),
            QStringLiteral("docker inspect --format {{.State.Running}} gatebench-gateway")};
        QVERIFY2(c.size() >= expected.size() + 1, qPrintable(c.join(u'\n')));
        QCOMPARE(c.mid(0, expected.size()), expected);
        QCOMPARE(c.last(), QStringLiteral("docker rm -f gatebench-gateway")); // at the end
        expectNothingLeft();
    }

    void kongContainerCarriesItsConfiguredKey()
    {
        SshDeployment deployment(containerScenario(GatewayProduct::Kong, true), m_hosts, ssh(),
                                 m_bundle, m_cancel, 10s);
        QCOMPARE(deployment.start({}), QString());
        QCOMPARE(deployment.extraHeaders().size(), 1);
        const QString key = deployment.extraHeaders().first().value;
        QFile written(m_withDocker->directory() + QStringLiteral("/workdir/run/kong/kong.json"));
        QVERIFY(written.open(QIODevice::ReadOnly));
        QVERIFY(written.readAll().contains(key.toUtf8())); // the consumer's key in Kong's config
        QCOMPARE(deployment.gatewayLabel(), QStringLiteral("Kong kong@sha256:5tand1n"));
        const QString run = calls().filter(QStringLiteral("docker run ")).value(0);
        for (const QString& part :
             {QStringLiteral("-e KONG_DATABASE=off"),
              QStringLiteral("-e KONG_DECLARATIVE_CONFIG=/kong/kong.json"),
              QStringLiteral("-e KONG_PROXY_LISTEN=0.0.0.0:%1")
                  .arg(m_hosts.hosts[0].portFor(HostRole::Gateway)),
              QStringLiteral("/workdir/run/kong:/kong:ro ") + defaultImage(GatewayProduct::Kong)})
            QVERIFY2(run.contains(part), qPrintable(run));
        deployment.stop();
        QCOMPARE(calls().last(), QStringLiteral("docker rm -f gatebench-gateway"));
        expectNothingLeft();
    }

    void hostWithoutDockerSaysSo()
    {
        SshDeployment deployment(containerScenario(GatewayProduct::Nginx, false),
                                 hostsOn(*m_withoutDocker, QStringLiteral("plain")), ssh(),
                                 m_bundle, m_cancel, 10s);
        // One sentence naming the host and what to do: no docker at all (the build machines), or
        // a docker client whose daemon does not run (a machine with docker.io installed).
        const QString error = deployment.start({});
        QVERIFY2(error.startsWith(QStringLiteral("plain (")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("has no docker command: install Docker Engine")) ||
                     error.contains(QStringLiteral("Docker's daemon does not run there")),
                 qPrintable(error));
        deployment.stop();
        QCOMPARE(test::processesMentioning(m_withoutDocker->directory() +
                                           QStringLiteral("/workdir/bundle/")),
                 QStringList());
    }

private:
    std::atomic<bool> m_cancel{false};
};

QTEST_GUILESS_MAIN(TestContainerGateways)
#include "tst_container_gateways.moc"
