#include "ui/scenario_text.h"

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
    }
    hops.append(s.upstream.kind == app::UpstreamKind::Bundled
                    ? QStringLiteral("gatebench-upstream %1").arg(s.upstream.route)
                    : s.upstream.url);
    return hops.join(QStringLiteral(" → "));
}

QStringList expectedRoles(const app::Scenario& s)
{
    QStringList roles = {QStringLiteral("load")};
    if (s.needsBundledGateway())
        roles.append(QStringLiteral("gateway"));
    if (s.needsBundledUpstream())
        roles.append(QStringLiteral("upstream"));
    if (s.needsLocalRedis())
        roles.append(QStringLiteral("redis"));
    return roles;
}

} // namespace gb::ui
