#include "app/scenario.h"

#include "common/duration.h"
#include "common/version.h"
#include "engine/url.h"

#include <variant>

namespace gb::app {

namespace {

template <class Enum, std::size_t N>
std::optional<Enum> lookup(const QString& text, const std::pair<Enum, const char*> (&table)[N])
{
    for (const auto& [value, name] : table)
        if (text == QLatin1String(name))
            return value;
    return std::nullopt;
}

template <class Enum, std::size_t N>
QString nameOf(Enum value, const std::pair<Enum, const char*> (&table)[N])
{
    for (const auto& [v, name] : table)
        if (v == value)
            return QString::fromLatin1(name);
    return {};
}

constexpr std::pair<UpstreamKind, const char*> kUpstreamKinds[] = {
    {UpstreamKind::Bundled, "bundled"}, {UpstreamKind::Url, "url"}};
constexpr std::pair<GatewayKind, const char*> kGatewayKinds[] = {
    {GatewayKind::None, "none"},
    {GatewayKind::BundledKeyless, "bundled-keyless"},
    {GatewayKind::BundledFull, "bundled-full"},
    {GatewayKind::External, "external"},
    {GatewayKind::Container, "container"}};
constexpr std::pair<GatewayProduct, const char*> kGatewayProducts[] = {
    {GatewayProduct::Tyk, "tyk"}, {GatewayProduct::Kong, "kong"}, {GatewayProduct::Nginx, "nginx"}};
constexpr std::pair<RedisMode, const char*> kRedisModes[] = {
    {RedisMode::Local, "local"}, {RedisMode::Address, "address"}, {RedisMode::Memory, "memory"}};
constexpr std::pair<LoadModelKind, const char*> kLoadModels[] = {
    {LoadModelKind::Max, "max"},
    {LoadModelKind::PerWorkerRate, "per-worker-rate"},
    {LoadModelKind::TotalRate, "total-rate"}};
constexpr std::pair<TopologyKind, const char*> kTopologyKinds[] = {{TopologyKind::Local, "local"},
                                                                   {TopologyKind::Hosts, "hosts"}};

/// "/path?query" of an absolute URL, "/" when it has none.
QString pathOfUrl(const QString& url)
{
    const auto parsed = engine::parseUrl(url.toStdString());
    if (const auto* u = std::get_if<engine::Url>(&parsed))
        return QString::fromStdString(u->target);
    return QStringLiteral("/");
}

} // namespace

QString toKeyword(UpstreamKind kind)
{
    return nameOf(kind, kUpstreamKinds);
}
QString toKeyword(GatewayKind kind)
{
    return nameOf(kind, kGatewayKinds);
}
QString toKeyword(RedisMode mode)
{
    return nameOf(mode, kRedisModes);
}
QString toKeyword(LoadModelKind model)
{
    return nameOf(model, kLoadModels);
}
QString toKeyword(TopologyKind kind)
{
    return nameOf(kind, kTopologyKinds);
}
std::optional<UpstreamKind> upstreamKindFromKeyword(const QString& t)
{
    return lookup(t, kUpstreamKinds);
}
std::optional<GatewayKind> gatewayKindFromKeyword(const QString& t)
{
    return lookup(t, kGatewayKinds);
}
QString toKeyword(GatewayProduct product)
{
    return nameOf(product, kGatewayProducts);
}
std::optional<GatewayProduct> gatewayProductFromKeyword(const QString& t)
{
    return lookup(t, kGatewayProducts);
}

QString productName(GatewayProduct product)
{
    switch (product) {
    case GatewayProduct::Tyk:
        return QStringLiteral("Tyk");
    case GatewayProduct::Kong:
        return QStringLiteral("Kong");
    case GatewayProduct::Nginx:
        return QStringLiteral("nginx");
    }
    return {};
}

QString defaultImage(GatewayProduct product)
{
    // Tagged releases, not "latest": a study's figures are only comparable run to run when the
    // product is the same.
    switch (product) {
    case GatewayProduct::Tyk:
        return QStringLiteral("tykio/tyk-gateway:v5.3.0");
    case GatewayProduct::Kong:
        return QStringLiteral("kong:3.6.1");
    case GatewayProduct::Nginx:
        return QStringLiteral("nginx:1.25.4");
    }
    return {};
}
std::optional<RedisMode> redisModeFromKeyword(const QString& t)
{
    return lookup(t, kRedisModes);
}
std::optional<LoadModelKind> loadModelFromKeyword(const QString& t)
{
    return lookup(t, kLoadModels);
}
std::optional<TopologyKind> topologyKindFromKeyword(const QString& t)
{
    return lookup(t, kTopologyKinds);
}

QString formatDuration(Duration d)
{
    // Go's form ("1m30s", "1.5s") reads best, but it passes through a double; when that would
    // not read back exactly, the largest exact whole unit is written instead.
    const QString go = QString::fromStdString(gb::formatDuration(d));
    if (gb::parseDuration(go.toStdString()) == d)
        return go;
    const std::pair<std::int64_t, const char*> units[] = {
        {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}, {1, "ns"}};
    for (const auto& [ns, unit] : units)
        if (d.count() % ns == 0)
            return QString::number(d.count() / ns) + QLatin1String(unit);
    return go;
}

std::optional<Duration> parseDuration(const QString& text)
{
    return gb::parseDuration(text.trimmed().toStdString());
}

bool Scenario::needsBundledUpstream() const
{
    return gateway.kind != GatewayKind::External && upstream.kind == UpstreamKind::Bundled;
}

bool Scenario::needsBundledGateway() const
{
    return gateway.kind == GatewayKind::BundledKeyless || gateway.kind == GatewayKind::BundledFull;
}

bool Scenario::needsLocalRedis() const
{
    // Tyk needs Redis even keyless (its gateway does not start without one).
    const bool container =
        gateway.kind == GatewayKind::Container && gateway.container.product == GatewayProduct::Tyk;
    return (gateway.kind == GatewayKind::BundledFull || container) &&
           gateway.redis.mode == RedisMode::Local;
}

QString gatewayLabel(const Scenario& s)
{
    switch (s.gateway.kind) {
    case GatewayKind::None:
        return QStringLiteral("no gateway");
    case GatewayKind::BundledKeyless:
    case GatewayKind::BundledFull:
        return QStringLiteral("gatebench-gateway %1").arg(QString::fromLatin1(gb::kVersion));
    case GatewayKind::External:
        return QStringLiteral("external %1").arg(s.gateway.url);
    case GatewayKind::Container:
        return QStringLiteral("%1 %2").arg(productName(s.gateway.container.product),
                                           imageOf(s.gateway.container));
    }
    return {};
}

QString imageOf(const ContainerSettings& container)
{
    return container.image.isEmpty() ? defaultImage(container.product) : container.image;
}

bool Scenario::configuresGateway() const
{
    return needsBundledGateway() || gateway.kind == GatewayKind::Container;
}

QString Scenario::requestPath() const
{
    if (gateway.kind == GatewayKind::External)
        return pathOfUrl(gateway.url);
    const QString upstreamPath =
        upstream.kind == UpstreamKind::Bundled ? upstream.route : pathOfUrl(upstream.url);
    if (!configuresGateway())
        return upstreamPath;
    // The gateway strips its listen path and forwards the rest: /apitest/ + json/valid.
    QString prefix = gateway.listenPath;
    if (!prefix.endsWith(QLatin1Char('/')))
        prefix += QLatin1Char('/');
    return prefix +
           (upstreamPath.startsWith(QLatin1Char('/')) ? upstreamPath.mid(1) : upstreamPath);
}

Duration Scenario::totalDuration() const
{
    if (load.duration.count() == 0 && load.model == LoadModelKind::TotalRate) {
        Duration stagesLength{0};
        for (const RateStage& s : load.stages)
            stagesLength += s.duration;
        return load.warmup + stagesLength;
    }
    return load.warmup + load.duration;
}

double Scenario::targetRps() const
{
    switch (load.model) {
    case LoadModelKind::Max:
        return 0;
    case LoadModelKind::PerWorkerRate:
        return load.perWorkerRate * load.connections;
    case LoadModelKind::TotalRate: {
        double peak = load.totalRate;
        for (const RateStage& s : load.stages)
            peak = std::max(peak, s.rps);
        return peak;
    }
    }
    return 0;
}

Result<engine::LoadConfig> Scenario::toLoadConfig(const QString& baseUrl,
                                                  const QList<HttpHeader>& extraHeaders) const
{
    QString base = baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QString url = base + requestPath();
    auto parsed = engine::parseUrl(url.toStdString());
    if (const auto* error = std::get_if<std::string>(&parsed))
        return Result<engine::LoadConfig>::failure(
            QStringLiteral("The URL %1 cannot be requested: %2")
                .arg(url, QString::fromStdString(*error)));

    engine::LoadConfig config;
    engine::RequestSpec& request = config.request;
    request.url = std::get<engine::Url>(std::move(parsed));
    request.method = load.method.trimmed().toUpper().toStdString();
    request.body = load.body.toStdString();
    request.keepAlive = load.keepAlive;
    auto addHeader = [&](const HttpHeader& h) {
        // Content-Type goes where hey's -T puts it, replacing its text/html default.
        if (h.name.compare(QLatin1String("Content-Type"), Qt::CaseInsensitive) == 0)
            request.contentType = h.value.toStdString();
        else
            request.headers.emplace_back(h.name.toStdString(), h.value.toStdString());
    };
    for (const HttpHeader& h : load.headers)
        addHeader(h);
    if (needsBundledUpstream() && upstream.xDelay)
        addHeader({QStringLiteral("X-Delay"), formatDuration(*upstream.xDelay)});
    if (gateway.kind == GatewayKind::External)
        for (const HttpHeader& h : gateway.headers)
            addHeader(h);
    for (const HttpHeader& h : extraHeaders)
        addHeader(h);

    config.connections = load.connections;
    config.warmup = load.warmup;
    config.timeout = load.timeout;
    switch (load.model) {
    case LoadModelKind::Max:
        break;
    case LoadModelKind::PerWorkerRate:
        config.perWorkerRate = load.perWorkerRate;
        break;
    case LoadModelKind::TotalRate:
        config.totalRate = load.totalRate;
        for (const RateStage& s : load.stages)
            config.stages.push_back({s.duration, s.rps});
        break;
    }
    // With stages and no duration the engine ends at the stages' end (plus warm-up) itself.
    config.duration = (load.duration.count() == 0 && load.model == LoadModelKind::TotalRate)
                          ? Duration{0}
                          : totalDuration();
    return config;
}

} // namespace gb::app
