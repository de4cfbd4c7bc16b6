#include "app/hosts/ssh_deployment.h"

#include "app/gateway_files.h"
#include "app/hosts/host_check.h"
#include "app/hosts/host_containers.h"
#include "app/http_probe.h"
#include "app/logging.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QThread>

namespace gb::app {

namespace {

using namespace std::chrono_literals;

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / 1e6, 'f', 1);
}

} // namespace

SshDeployment::SshDeployment(Scenario scenario, HostsFile hosts, SshOptions ssh,
                             QString bundleTarball, const std::atomic<bool>& cancel,
                             std::chrono::milliseconds startTimeout)
    : m_scenario(std::move(scenario))
    , m_hosts(std::move(hosts))
    , m_ssh(std::move(ssh))
    , m_bundle(std::move(bundleTarball))
    , m_cancel(cancel)
    , m_startTimeout(startTimeout)
{}

SshDeployment::~SshDeployment()
{
    stop();
}

Result<HostSpec> SshDeployment::hostFor(const Scenario& scenario, const HostsFile& hosts,
                                        HostRole role)
{
    const QString& named = role == HostRole::Upstream  ? scenario.topology.upstreamHost
                           : role == HostRole::Gateway ? scenario.topology.gatewayHost
                                                       : scenario.topology.redisHost;
    for (const HostSpec& h : hosts.hosts)
        if (named.isEmpty() ? h.plays(role) : h.name == named)
            return h;
    // The classic layout: Redis beside the gateway unless a host is named for it.
    if (role == HostRole::Redis && named.isEmpty())
        return hostFor(scenario, hosts, HostRole::Gateway);
    return Result<HostSpec>::failure(
        named.isEmpty()
            ? QStringLiteral("no host of the hosts file has the role \"%1\"").arg(toKeyword(role))
            : QStringLiteral("the scenario runs its %1 on host \"%2\", which the hosts file does "
                             "not have")
                  .arg(toKeyword(role), named));
}

Result<HostServers*> SshDeployment::serversOn(const HostSpec& host)
{
    using R = Result<HostServers*>;
    for (const auto& [name, servers] : m_servers)
        if (name == host.name)
            return servers.get();
    if (m_progress)
        m_progress(QStringLiteral("Connecting to %1").arg(host.label()));
    auto session = SshSession::open(host, m_ssh);
    if (!session)
        return R::failure(session.error());
    auto servers = std::make_shared<HostServers>(session.value());
    const qint64 size = QFileInfo(m_bundle).size();
    auto installed = servers->install(m_bundle, [&](qint64 sent, qint64) {
        if (m_progress && sent < size && sent % (1 << 20) < (64 << 10))
            m_progress(QStringLiteral("Uploading the servers to %1: %2 of %3 MB")
                           .arg(host.name, megabytes(sent), megabytes(size)));
    });
    if (!installed)
        return R::failure(installed.error());
    // The host as the run found it, stored with the run; a role's port that something else
    // holds (ours were stopped by install) would make the server fail: say so now.
    const HostCheck check = checkHost(*session.value(), m_ssh.timeout);
    for (auto it = check.facts.portFree.begin(); it != check.facts.portFree.end(); ++it)
        if (!it.value())
            return R::failure(QStringLiteral("%1: port %2 (%3) is in use by another program")
                                  .arg(host.label())
                                  .arg(host.portFor(it.key()))
                                  .arg(toKeyword(it.key())));
    m_environment.append(hostCheckToJson(check));
    if (m_progress)
        m_progress(installed.value() == SshSession::Upload::Copied
                       ? QStringLiteral("Uploaded the servers to %1 (%2 MB)")
                             .arg(host.name, megabytes(size))
                       : QStringLiteral("The servers on %1 are up to date").arg(host.name));
    // Sampled every second from now on, over a connection of its own, so the samples are there
    // when the load starts.
    auto sampler = RemoteSampler::start(host, m_ssh, servers->workdir());
    if (!sampler)
        return R::failure(sampler.error());
    m_samplers.push_back(std::move(sampler).value());
    m_servers.emplace_back(host.name, servers);
    return servers.get();
}

QString SshDeployment::startServer(const HostSpec& host, const RemoteProgram& program,
                                   HostRole role)
{
    auto servers = serversOn(host);
    if (!servers)
        return servers.error();
    if (m_progress)
        m_progress(QStringLiteral("Starting %1 on %2").arg(program.program, host.name));
    auto started = servers.value()->start(program);
    if (!started)
        return started.error();
    // Healthy as seen from this machine, at the address the load and the checks use.
    const quint16 port = quint16(host.portFor(role));
    const QDeadlineTimer deadline(m_startTimeout);
    QString why;
    while (!m_cancel && !deadline.hasExpired()) {
        if (role == HostRole::Redis) {
            if (redisPing(host.address, port, 1s, &why))
                return {};
        } else {
            const HttpReply reply = httpRequest(
                host.address, port, "GET",
                role == HostRole::Gateway ? QStringLiteral("/hello") : QStringLiteral("/health"));
            if (reply.isSuccess())
                return {};
            why = reply.status ? QStringLiteral("it answered %1").arg(reply.status) : reply.error;
        }
        if (!servers.value()->running(program.name))
            return QStringLiteral("%1: %2 ended: %3")
                .arg(host.label(), program.program, servers.value()->logTail(program.name, 5));
        QThread::msleep(200);
    }
    if (m_cancel)
        return QStringLiteral("cancelled");
    return QStringLiteral("%1: %2 did not become healthy at %3:%4 within %5 s (%6); is the port "
                          "open between this machine and the host?")
        .arg(host.label(), program.program, host.address)
        .arg(port)
        .arg(double(m_startTimeout.count()) / 1000.0)
        .arg(why);
}

QString SshDeployment::start(const std::function<void(const QString&)>& progress)
{
    m_progress = progress;
    if (!QFileInfo::exists(m_bundle))
        return QStringLiteral("The server bundle %1 is not built: run `make bundles`")
            .arg(m_bundle);
    if (m_scenario.gateway.kind == GatewayKind::External) {
        m_baseUrl = originOf(m_scenario.gateway.url);
        return {};
    }

    const bool full = m_scenario.gateway.kind == GatewayKind::BundledFull;
    QString redisAddress;
    if (m_scenario.needsLocalRedis()) {
        auto host = hostFor(m_scenario, m_hosts, HostRole::Redis);
        if (!host)
            return host.error();
        const int port = host->portFor(HostRole::Redis);
        // Nothing persisted; not protected, since the gateway reaches it over the hosts' network.
        if (QString e = startServer(
                host.value(),
                {QStringLiteral("redis"),
                 QStringLiteral("redis-server"),
                 {QStringLiteral("--bind"), QStringLiteral("0.0.0.0"), QStringLiteral("--port"),
                  QString::number(port), QStringLiteral("--protected-mode"), QStringLiteral("no"),
                  QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"),
                  QStringLiteral("no")},
                 {}},
                HostRole::Redis);
            !e.isEmpty())
            return e;
        redisAddress = QStringLiteral("%1:%2").arg(host->reachedAt()).arg(port);
    } else if (m_scenario.gateway.redis.mode == RedisMode::Address) {
        redisAddress = m_scenario.gateway.redis.address;
    }

    QString upstreamOrigin; // as the gateway reaches it
    QString upstreamPublic; // as this machine reaches it
    if (m_scenario.upstream.kind == UpstreamKind::Bundled) {
        auto host = hostFor(m_scenario, m_hosts, HostRole::Upstream);
        if (!host)
            return host.error();
        const int port = host->portFor(HostRole::Upstream);
        if (QString e = startServer(host.value(),
                                    {QStringLiteral("upstream"),
                                     QStringLiteral("gatebench-upstream"),
                                     {QStringLiteral("--addr"), QStringLiteral(":%1").arg(port)},
                                     {}},
                                    HostRole::Upstream);
            !e.isEmpty())
            return e;
        upstreamOrigin = QStringLiteral("http://%1:%2").arg(host->reachedAt()).arg(port);
        upstreamPublic =
            QStringLiteral("http://%1:%2")
                .arg(m_scenario.topology.loadToPrivateAddress ? host->reachedAt() : host->address)
                .arg(port);
    } else {
        upstreamOrigin = upstreamPublic = originOf(m_scenario.upstream.url);
    }
    if (!m_scenario.configuresGateway()) {
        m_baseUrl = upstreamPublic;
        return {};
    }

    auto host = hostFor(m_scenario, m_hosts, HostRole::Gateway);
    if (!host)
        return host.error();
    const int port = host->portFor(HostRole::Gateway);
    m_baseUrl =
        QStringLiteral("http://%1:%2")
            .arg(m_scenario.topology.loadToPrivateAddress ? host->reachedAt() : host->address)
            .arg(port);
    if (m_scenario.gateway.kind == GatewayKind::Container)
        return startContainerGateway(host.value(), upstreamOrigin, redisAddress);
    const QString listen = QStringLiteral(":%1").arg(port);
    const QString secret = newSecret();
    RemoteProgram gateway{QStringLiteral("gateway"), QStringLiteral("gatebench-gateway"), {}, {}};
    if (full) {
        const FullGatewayFiles files =
            fullGatewayFiles(m_scenario, upstreamOrigin, redisAddress, secret);
        gateway.files = {{QStringLiteral("tyk.conf"), files.tykConf},
                         {QStringLiteral("apps/gatebench.json"), files.apiDefinition}};
        gateway.args = {QStringLiteral("--conf"), QStringLiteral("tyk.conf"),
                        QStringLiteral("--listen"), listen};
    } else {
        gateway.args = {QStringLiteral("--listen"),      listen,
                        QStringLiteral("--target"),      upstreamOrigin,
                        QStringLiteral("--listen-path"), m_scenario.gateway.listenPath};
    }
    if (QString e = startServer(host.value(), gateway, HostRole::Gateway); !e.isEmpty())
        return e;
    if (full) {
        if (m_progress)
            m_progress(QStringLiteral("Creating an API key"));
        auto key = createGatewayKey(m_scenario, host->address, quint16(port), secret);
        if (!key)
            return key.error();
        m_extraHeaders.append({QStringLiteral("Authorization"), key.value()});
    }
    return {};
}

QString SshDeployment::startContainerGateway(const HostSpec& host, const QString& upstreamOrigin,
                                             const QString& redisAddress)
{
    auto servers = serversOn(host);
    if (!servers)
        return servers.error();
    const ContainerSettings& settings = m_scenario.gateway.container;
    const QString product = productName(settings.product);
    const QString image = imageOf(settings);
    HostContainers containers(*servers.value());
    auto docker = containers.dockerVersion();
    if (!docker)
        return docker.error();
    if (m_progress)
        m_progress(
            QStringLiteral("Pulling %1 on %2 (Docker %3)").arg(image, host.name, docker.value()));
    auto version = containers.pull(image);
    if (!version)
        return version.error();
    const int port = host.portFor(HostRole::Gateway);
    const QString secret = newSecret();
    const ContainerGateway gateway =
        containerGateway(m_scenario, port, upstreamOrigin, redisAddress, secret);
    if (m_progress)
        m_progress(QStringLiteral("Starting %1 on %2").arg(product, host.name));
    if (auto started = containers.start(gateway.program); !started)
        return started.error();
    m_gatewayLabel = QStringLiteral("%1 %2").arg(product, version.value());
    // Healthy: Docker says it runs, and it answers from this machine, at the address the load
    // and the checks use.
    const QString& name = gateway.program.name;
    const QDeadlineTimer deadline(m_startTimeout);
    QString why;
    bool healthy = false;
    while (!healthy && !m_cancel && !deadline.hasExpired()) {
        if (!containers.running(name))
            return QStringLiteral("%1: the %2 container ended: %3")
                .arg(host.label(), product, containers.logTail(name, 5));
        const HttpReply reply = httpRequest(host.address, quint16(port), "GET", gateway.healthPath);
        healthy = gateway.healthNeeds2xx ? reply.isSuccess() : reply.status != 0;
        if (!healthy) {
            why = reply.status
                      ? QStringLiteral("%1 answered %2").arg(gateway.healthPath).arg(reply.status)
                      : reply.error;
            QThread::msleep(200);
        }
    }
    if (m_cancel)
        return QStringLiteral("cancelled");
    if (!healthy)
        return QStringLiteral(
                   "%1: %2 did not become healthy at %3:%4 within %5 s (%6); its log: %7")
            .arg(host.label(), product, host.address)
            .arg(port)
            .arg(double(m_startTimeout.count()) / 1000.0)
            .arg(why, containers.logTail(name, 5));
    if (!settings.features)
        return {};
    QString key = gateway.key;
    if (key.isEmpty()) { // Tyk: created through its API, as the bundled gateway's
        if (m_progress)
            m_progress(QStringLiteral("Creating an API key"));
        auto created = createGatewayKey(m_scenario, host.address, quint16(port), secret);
        if (!created)
            return created.error();
        key = created.value();
    }
    m_extraHeaders.append({QStringLiteral("Authorization"), key});
    return {};
}

QList<MachineSample> SshDeployment::hostSamples() const
{
    QList<MachineSample> samples;
    for (const auto& sampler : m_samplers)
        if (auto s = sampler->latest())
            samples.append(*s);
    return samples;
}

QStringList SshDeployment::takeLogLines()
{
    QStringList lines;
    for (const auto& sampler : m_samplers)
        lines += sampler->takeLogLines();
    return lines;
}

std::optional<QString> SshDeployment::checkExited()
{
    for (std::size_t i = 0; i < m_samplers.size(); ++i) {
        if (QString e = m_samplers[i]->error(); !e.isEmpty())
            return QStringLiteral("Lost the connection to a host: %1").arg(e);
        if (const QStringList ended = m_samplers[i]->endedServers(); !ended.isEmpty()) {
            HostServers& servers = *m_servers[i].second;
            return QStringLiteral("%1: the %2 server ended during the run: %3")
                .arg(servers.host().label(), ended.first(), servers.logTail(ended.first(), 5));
        }
    }
    return std::nullopt;
}

void SshDeployment::stop()
{
    m_samplers.clear();
    // In reverse order of start: the gateway before what it talks to. A host that cannot be
    // reached now is cleaned up on the next deploy.
    for (auto it = m_servers.rbegin(); it != m_servers.rend(); ++it)
        if (const Result<QStringList> stopped = it->second->stop(); !stopped)
            qCWarning(lcRun).noquote() << "stopping the servers:" << stopped.error();
    m_servers.clear();
}

} // namespace gb::app
