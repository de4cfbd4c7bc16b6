#include "ui/scenario_text.h"

#include "app/hosts/ssh_deployment.h"
#include "ui/format.h"

namespace gb::ui {

QString describeLoad(const app::Scenario& s)
{
    const app::LoadSettings& l = s.load;
    const QString connections = QStringLiteral("%1 connection%2")
                                    .arg(l.connections)
                                    .arg(l.connections == 1 ? QString() : QStringLiteral("s"));
    QString model;
    switch (l.model) {
    case app::LoadModelKind::Max:
        model = QStringLiteral("%1, as fast as answered").arg(connections);
        break;
    case app::LoadModelKind::PerWorkerRate:
        model = QStringLiteral("%1 at %2 req/s each (%3 req/s)")
                    .arg(connections, formatRps(l.perWorkerRate),
                         formatRps(l.perWorkerRate * l.connections));
        break;
    case app::LoadModelKind::TotalRate:
        model = l.stages.isEmpty()
                    ? QStringLiteral("%1 req/s in total over %2")
                          .arg(formatRps(l.totalRate), connections)
                    : QStringLiteral("%1 ramp stage%2 up to %3 req/s over %4")
                          .arg(l.stages.size())
                          .arg(l.stages.size() == 1 ? QString() : QStringLiteral("s"))
                          .arg(formatRps(s.targetRps()), connections);
        break;
    }
    const app::Duration measured = s.totalDuration() - l.warmup;
    QString length = app::formatDuration(measured);
    if (l.warmup.count() > 0)
        length += QStringLiteral(" after a %1 warm-up").arg(app::formatDuration(l.warmup));
    return QStringLiteral("%1, %2").arg(model, length);
}

QString describePath(const app::Scenario& s)
{
    QStringList hops = {QStringLiteral("gatebench-load")};
    switch (s.gateway.kind) {
    case app::GatewayKind::None:
        break;
    case app::GatewayKind::BundledKeyless:
        hops.append(QStringLiteral("gatebench-gateway (keyless)"));
        break;
    case app::GatewayKind::BundledFull: {
        const QString redis = s.gateway.redis.mode == app::RedisMode::Local
                                  ? QStringLiteral("local Redis")
                              : s.gateway.redis.mode == app::RedisMode::Address
                                  ? QStringLiteral("Redis at %1").arg(s.gateway.redis.address)
                                  : QStringLiteral("in-memory store");
        hops.append(
            QStringLiteral("gatebench-gateway (auth, rate limit, analytics; %1)").arg(redis));
        break;
    }
    case app::GatewayKind::External:
        hops.append(s.gateway.url.isEmpty() ? QStringLiteral("external gateway") : s.gateway.url);
        return hops.join(QStringLiteral(" → "));
    case app::GatewayKind::Container:
        hops.append(QStringLiteral("%1 in Docker (%2; %3)")
                        .arg(app::productName(s.gateway.container.product),
                             app::imageOf(s.gateway.container),
                             s.gateway.container.features ? QStringLiteral("auth, rate limit")
                                                          : QStringLiteral("keyless")));
        break;
    }
    hops.append(s.upstream.kind == app::UpstreamKind::Bundled
                    ? QStringLiteral("gatebench-upstream %1").arg(s.upstream.route)
                    : s.upstream.url);
    return hops.join(QStringLiteral(" → "));
}

QString describeHosts(const app::Scenario& s, const app::HostsFile& hosts)
{
    if (hosts.hosts.isEmpty())
        return QStringLiteral("On hosts: none yet. Add them on the Hosts page.");
    QStringList parts, missing;
    QString entry; // where the load goes: the gateway, else the upstream
    const auto place = [&](app::HostRole role, const QString& program) {
        const auto host = app::SshDeployment::hostFor(s, hosts, role);
        if (!host) {
            missing.append(host.error());
            return;
        }
        const int port = host->portFor(role);
        parts.append(QStringLiteral("%1 on %2 (%3:%4)")
                         .arg(program, host->name, host->reachedAt())
                         .arg(port));
        if (role != app::HostRole::Redis)
            entry = QStringLiteral("%1:%2")
                        .arg(s.topology.loadToPrivateAddress ? host->reachedAt() : host->address)
                        .arg(port);
    };
    if (s.needsLocalRedis())
        place(app::HostRole::Redis, QStringLiteral("Redis"));
    if (s.needsBundledUpstream())
        place(app::HostRole::Upstream, QStringLiteral("gatebench-upstream"));
    if (s.needsBundledGateway())
        place(app::HostRole::Gateway, QStringLiteral("gatebench-gateway"));
    else if (s.gateway.kind == app::GatewayKind::Container)
        place(app::HostRole::Gateway,
              QStringLiteral("%1 in Docker").arg(app::productName(s.gateway.container.product)));
    if (!missing.isEmpty())
        return QStringLiteral("On hosts, but %1.").arg(missing.join(QStringLiteral("; ")));
    const QString source = s.topology.loadHosts.isEmpty()
                               ? QStringLiteral("this machine")
                               : QStringLiteral("load agents on %1")
                                     .arg(s.topology.loadHosts.join(QStringLiteral(", ")));
    if (!entry.isEmpty())
        parts.append(QStringLiteral("load from %1 to %2").arg(source, entry));
    return QStringLiteral("On hosts: %1.").arg(parts.join(QStringLiteral("; ")));
}

QStringList expectedRoles(const app::Scenario& s)
{
    QStringList roles = {QStringLiteral("load")};
    if (s.topology.kind == app::TopologyKind::Hosts)
        return roles; // the servers run on the hosts: their CPU comes as the hosts'
    if (s.needsBundledGateway())
        roles.append(QStringLiteral("gateway"));
    if (s.needsBundledUpstream())
        roles.append(QStringLiteral("upstream"));
    if (s.needsLocalRedis())
        roles.append(QStringLiteral("redis"));
    return roles;
}

} // namespace gb::ui
