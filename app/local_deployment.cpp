#include "app/local_deployment.h"

#include "app/binaries.h"
#include "app/gateway_files.h"
#include "app/http_probe.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>

namespace gb::app {

namespace {

using namespace std::chrono_literals;

const QString kUpstreamProgram = QStringLiteral("gatebench-upstream");
const QString kGatewayProgram = QStringLiteral("gatebench-gateway");
constexpr int kRedisPortAttempts = 3;

/// The flags GateBench passes to gatebench-gateway for the full scenario. A gateway built
/// before they existed cannot run it, and we say so instead of measuring something else.
const QStringList kFullGatewayFlags = {QStringLiteral("--conf"), QStringLiteral("--listen")};

/// A free loopback port for a server that cannot pick its own (redis-server's --port 0 turns
/// TCP off). Another process may take it before the server binds: the caller retries.
quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QString gatewayHelp(const QString& program, QString* error)
{
    QProcess help;
    help.setProcessChannelMode(QProcess::MergedChannels);
    help.start(program, {QStringLiteral("--help")});
    if (!help.waitForFinished(5000)) {
        help.kill();
        help.waitForFinished(1000);
        *error = QStringLiteral("%1 --help did not answer").arg(program);
        return {};
    }
    return QString::fromUtf8(help.readAll());
}

} // namespace

QString checkLocalAvailability(const Scenario& scenario, const QString& binDir)
{
    if (scenario.topology.kind != TopologyKind::Local)
        return QStringLiteral("only the local topology can run here");
    if (scenario.needsBundledUpstream()) {
        if (auto p = locateProgram(binDir, kUpstreamProgram); !p)
            return p.error();
    }
    if (scenario.needsBundledGateway()) {
        auto program = locateProgram(binDir, kGatewayProgram);
        if (!program)
            return program.error();
        if (scenario.gateway.kind == GatewayKind::BundledFull) {
            QString error;
            const QString help = gatewayHelp(program.value(), &error);
            if (!error.isEmpty())
                return error;
            QStringList missing;
            for (const QString& flag : kFullGatewayFlags)
                if (!help.contains(flag))
                    missing.append(flag);
            if (!missing.isEmpty())
                return QStringLiteral("the gatebench-gateway found cannot run the full scenario: "
                                      "its --help does not list %1 (a gateway from an older "
                                      "GateBench, without auth, rate limits and analytics?)")
                    .arg(missing.join(QStringLiteral(", ")));
        }
    }
    if (scenario.needsLocalRedis()) {
        if (auto p = locateRedisServer(); !p)
            return p.error();
    }
    return {};
}

LocalDeployment::LocalDeployment(Scenario scenario, QString binDir, const std::atomic<bool>& cancel,
                                 std::chrono::milliseconds startTimeout)
    : m_scenario(std::move(scenario))
    , m_binDir(std::move(binDir))
    , m_cancel(cancel)
    , m_startTimeout(startTimeout)
{}

QString LocalDeployment::start(const std::function<void(const QString&)>& progress)
{
    m_progress = progress;
    if (QString why = checkLocalAvailability(m_scenario, m_binDir); !why.isEmpty())
        return QStringLiteral("Scenario \"%1\" cannot run: %2").arg(m_scenario.name, why);

    if (m_scenario.gateway.kind == GatewayKind::External) {
        // Nothing to start: the external gateway and its upstream are the user's.
        m_baseUrl = originOf(m_scenario.gateway.url);
        return {};
    }

    QString redisAddress;
    if (m_scenario.gateway.kind == GatewayKind::BundledFull) {
        if (m_scenario.gateway.redis.mode == RedisMode::Local) {
            if (QString e = startRedis(&redisAddress); !e.isEmpty())
                return e;
        } else if (m_scenario.gateway.redis.mode == RedisMode::Address) {
            redisAddress = m_scenario.gateway.redis.address;
        }
    }

    QString upstreamOrigin;
    if (m_scenario.upstream.kind == UpstreamKind::Bundled) {
        if (QString e = startUpstream(&upstreamOrigin); !e.isEmpty())
            return e;
    } else {
        upstreamOrigin = originOf(m_scenario.upstream.url);
    }

    if (m_scenario.needsBundledGateway())
        return startGateway(upstreamOrigin, redisAddress);
    m_baseUrl = upstreamOrigin;
    return {};
}

QString LocalDeployment::startRedis(QString* address)
{
    auto program = locateRedisServer();
    if (!program)
        return program.error();
    QString error;
    for (int attempt = 0; attempt < kRedisPortAttempts && !m_cancel; ++attempt) {
        const quint16 port = freeLoopbackPort();
        if (port == 0)
            return QStringLiteral("no free loopback port for redis-server");
        if (m_progress)
            m_progress(QStringLiteral("Starting redis-server"));
        ChildSpec spec;
        spec.role = QStringLiteral("redis");
        spec.program = program.value();
        // Nothing persisted: analytics of a benchmark run are counted, not kept.
        spec.arguments = {
            QStringLiteral("--port"),       QString::number(port),    QStringLiteral("--bind"),
            QStringLiteral("127.0.0.1"),    QStringLiteral("--save"), QString(),
            QStringLiteral("--appendonly"), QStringLiteral("no"),     QStringLiteral("--daemonize"),
            QStringLiteral("no"),           QStringLiteral("--dir"),  m_supervisor.workDirectory()};
        spec.announcesAddress = false;
        spec.knownHost = QStringLiteral("127.0.0.1");
        spec.knownPort = port;
        spec.health.kind = HealthCheck::Kind::RedisPing;
        if (m_supervisor.start(spec, m_startTimeout, m_cancel, &error)) {
            *address = QStringLiteral("127.0.0.1:%1").arg(port);
            return {};
        }
    }
    return m_cancel ? QStringLiteral("cancelled") : error;
}

QString LocalDeployment::startUpstream(QString* origin)
{
    auto program = locateProgram(m_binDir, kUpstreamProgram);
    if (!program)
        return program.error();
    if (m_progress)
        m_progress(QStringLiteral("Starting %1").arg(kUpstreamProgram));
    ChildSpec spec;
    spec.role = QStringLiteral("upstream");
    spec.program = program.value();
    spec.arguments = {QStringLiteral("--addr"), QStringLiteral("127.0.0.1:0")};
    spec.health.path = QStringLiteral("/health");
    QString error;
    const ChildProcess* child = m_supervisor.start(spec, m_startTimeout, m_cancel, &error);
    if (!child)
        return error;
    *origin = child->baseUrl();
    return {};
}

QString LocalDeployment::startGateway(const QString& upstreamOrigin, const QString& redisAddress)
{
    auto program = locateProgram(m_binDir, kGatewayProgram);
    if (!program)
        return program.error();
    if (m_progress)
        m_progress(QStringLiteral("Starting %1").arg(kGatewayProgram));
    ChildSpec spec;
    spec.role = QStringLiteral("gateway");
    spec.program = program.value();
    spec.health.path = QStringLiteral("/hello");
    const bool full = m_scenario.gateway.kind == GatewayKind::BundledFull;
    const QString secret = newSecret();
    if (full) {
        QString confPath;
        if (QString e = writeFullGatewayConfig(upstreamOrigin, redisAddress, secret, &confPath);
            !e.isEmpty())
            return e;
        spec.arguments = {QStringLiteral("--conf"), confPath, QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:0")};
    } else {
        spec.arguments = {QStringLiteral("--listen"),      QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--target"),      upstreamOrigin,
                          QStringLiteral("--listen-path"), m_scenario.gateway.listenPath};
    }
    QString error;
    const ChildProcess* gateway = m_supervisor.start(spec, m_startTimeout, m_cancel, &error);
    if (!gateway)
        return error;
    m_baseUrl = gateway->baseUrl();
    if (full)
        return createKey(*gateway, secret);
    return {};
}

QString LocalDeployment::writeFullGatewayConfig(const QString& upstreamOrigin,
                                                const QString& redisAddress, const QString& secret,
                                                QString* confPath)
{
    const QDir dir(m_supervisor.workDirectory());
    if (!dir.mkpath(QStringLiteral("apps")))
        return QStringLiteral("cannot create the gateway's configuration in %1").arg(dir.path());
    const FullGatewayFiles files =
        fullGatewayFiles(m_scenario, upstreamOrigin, redisAddress, secret);
    *confPath = dir.filePath(QStringLiteral("tyk.conf"));
    QFile confFile(*confPath);
    QFile apiFile(dir.filePath(QStringLiteral("apps/gatebench.json")));
    if (!confFile.open(QIODevice::WriteOnly) || confFile.write(files.tykConf) < 0 ||
        !apiFile.open(QIODevice::WriteOnly) || apiFile.write(files.apiDefinition) < 0)
        return QStringLiteral("cannot write the gateway's configuration in %1").arg(dir.path());
    return {};
}

QString LocalDeployment::createKey(const ChildProcess& gateway, const QString& secret)
{
    if (m_progress)
        m_progress(QStringLiteral("Creating an API key"));
    auto key = createGatewayKey(m_scenario, gateway.host(), gateway.port(), secret);
    if (!key)
        return key.error();
    m_extraHeaders.append({QStringLiteral("Authorization"), key.value()});
    return {};
}

} // namespace gb::app
