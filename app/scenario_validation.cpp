// Scenario::validate(): every rule a scenario must satisfy before it can run, one sentence each.
#include "app/json_text.h"
#include "app/scenario.h"
#include "engine/url.h"

#include <QRegularExpression>
#include <QSet>

#include <variant>

namespace gb::app {

namespace {

using namespace std::chrono_literals;

constexpr int kMaxConnections = 100'000;
constexpr Duration kMaxDuration = 24h;
constexpr double kMaxRate = 10'000'000;

// RFC 9110 token: what a method and a header name may consist of.
bool isToken(const QString& text)
{
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    return token.match(text).hasMatch();
}

bool hasLineBreak(const QString& text)
{
    return text.contains(QLatin1Char('\r')) || text.contains(QLatin1Char('\n'));
}

/// Empty when url is an absolute http(s) URL the engine can request, else why not.
QString urlProblem(const QString& url)
{
    if (url.trimmed().isEmpty())
        return QStringLiteral("is empty");
    const auto parsed = engine::parseUrl(url.toStdString());
    if (const auto* error = std::get_if<std::string>(&parsed))
        return QString::fromStdString(*error);
    return {};
}

class Checker
{
public:
    void fail(const QString& field, const QString& message) { m_issues.append({field, message}); }
    QList<ValidationIssue> take() { return std::move(m_issues); }

    void headers(const QString& field, const QList<HttpHeader>& headers)
    {
        for (qsizetype i = 0; i < headers.size(); ++i) {
            const QString at = QStringLiteral("%1[%2]").arg(field).arg(i);
            if (!isToken(headers[i].name))
                fail(at, QStringLiteral("Header name \"%1\" is not valid: use letters, digits and "
                                        "- only, e.g. X-Api-Key")
                             .arg(headers[i].name));
            if (hasLineBreak(headers[i].value))
                fail(at, QStringLiteral("The value of header %1 must be on one line")
                             .arg(headers[i].name));
        }
    }

    void duration(const QString& field, const QString& what, Duration d, Duration max)
    {
        if (d.count() < 0 || d > max)
            fail(field,
                 QStringLiteral("%1 must be between 0s and %2").arg(what, formatDuration(max)));
    }

private:
    QList<ValidationIssue> m_issues;
};

bool isJsonContentType(const QList<HttpHeader>& headers)
{
    for (const HttpHeader& h : headers)
        if (h.name.compare(QLatin1String("Content-Type"), Qt::CaseInsensitive) == 0)
            return h.value.contains(QLatin1String("json"), Qt::CaseInsensitive);
    return false;
}

bool isHostPort(const QString& text)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    bool ok = false;
    const int port = text.mid(colon + 1).toInt(&ok);
    return ok && port >= 1 && port <= 65535;
}

} // namespace

QList<ValidationIssue> Scenario::validate() const
{
    Checker c;
    if (name.trimmed().isEmpty())
        c.fail(QStringLiteral("name"), QStringLiteral("Give the scenario a name"));

    // An external gateway is requested at its own URL, so the upstream settings do not apply.
    if (gateway.kind != GatewayKind::External) {
        if (upstream.kind == UpstreamKind::Bundled) {
            if (!upstream.route.startsWith(QLatin1Char('/')) ||
                upstream.route.contains(QRegularExpression(QStringLiteral("\\s"))))
                c.fail(QStringLiteral("upstream.route"),
                       QStringLiteral("Route must be a path starting with /, without spaces, "
                                      "e.g. /json/valid"));
            if (upstream.xDelay)
                c.duration(QStringLiteral("upstream.xDelay"), QStringLiteral("X-Delay"),
                           *upstream.xDelay, 1h);
        } else if (const QString problem = urlProblem(upstream.url); !problem.isEmpty()) {
            c.fail(QStringLiteral("upstream.url"),
                   QStringLiteral("Upstream URL is not valid: %1").arg(problem));
        } else if (needsBundledGateway() && upstream.url.startsWith(QLatin1String("https:"))) {
            c.fail(QStringLiteral("upstream.url"),
                   QStringLiteral("The bundled gateway proxies to http:// upstreams only"));
        }
    }

    if (configuresGateway()) {
        if (!gateway.listenPath.startsWith(QLatin1Char('/')) ||
            !gateway.listenPath.endsWith(QLatin1Char('/')) ||
            gateway.listenPath.contains(QRegularExpression(QStringLiteral("\\s"))))
            c.fail(QStringLiteral("gateway.listenPath"),
                   QStringLiteral("Listen path must start and end with /, e.g. /apitest/"));
    }
    const ContainerSettings& container = gateway.container;
    const bool containerKeys = gateway.kind == GatewayKind::Container && container.features;
    if (gateway.kind == GatewayKind::Container) {
        if (topology.kind != TopologyKind::Hosts)
            c.fail(QStringLiteral("gateway.kind"),
                   QStringLiteral("A container gateway runs with Docker on the gateway host: set "
                                  "the topology to hosts"));
        if (!container.image.isEmpty() &&
            container.image.contains(QRegularExpression(QStringLiteral("[^A-Za-z0-9._/:@-]"))))
            c.fail(QStringLiteral("gateway.container.image"),
                   QStringLiteral("An image is a reference such as %1")
                       .arg(defaultImage(container.product)));
        if (container.product == GatewayProduct::Nginx && container.features)
            c.fail(QStringLiteral("gateway.container.features"),
                   QStringLiteral("nginx has no API keys or per-key rate limits: run it keyless "
                                  "(features off)"));
        if (container.product == GatewayProduct::Tyk && gateway.redis.mode == RedisMode::Memory)
            c.fail(QStringLiteral("gateway.redis.mode"),
                   QStringLiteral("Tyk does not run without Redis: use a local Redis or an "
                                  "address"));
        if (upstream.kind == UpstreamKind::Url && upstream.url.startsWith(QLatin1String("https:")))
            c.fail(QStringLiteral("upstream.url"),
                   QStringLiteral("Container gateways are configured for http:// upstreams"));
    }
    if (gateway.kind == GatewayKind::BundledFull || containerKeys ||
        (gateway.kind == GatewayKind::Container && container.product == GatewayProduct::Tyk)) {
        if (gateway.redis.mode == RedisMode::Address && !isHostPort(gateway.redis.address))
            c.fail(QStringLiteral("gateway.redis.address"),
                   QStringLiteral("Redis address must be host:port, e.g. 127.0.0.1:6379"));
        if (!(gateway.rateLimit.rate > 0) || gateway.rateLimit.rate > 1e12)
            c.fail(QStringLiteral("gateway.rateLimit.rate"),
                   QStringLiteral("The key's rate limit must be a number of requests above 0"));
        if (gateway.rateLimit.per < 1s || gateway.rateLimit.per > 24h)
            c.fail(QStringLiteral("gateway.rateLimit.per"),
                   QStringLiteral("The rate limit period must be between 1s and 24h0m0s"));
    }
    if (gateway.kind == GatewayKind::External) {
        if (const QString problem = urlProblem(gateway.url); !problem.isEmpty())
            c.fail(QStringLiteral("gateway.url"),
                   QStringLiteral("Gateway URL is not valid: %1").arg(problem));
        c.headers(QStringLiteral("gateway.headers"), gateway.headers);
    }

    if (load.connections < 1 || load.connections > kMaxConnections)
        c.fail(QStringLiteral("load.connections"),
               QStringLiteral("Connections must be between 1 and %1").arg(kMaxConnections));
    const bool stagesEndRun = load.model == LoadModelKind::TotalRate && !load.stages.isEmpty();
    if (load.duration.count() == 0 && !stagesEndRun)
        c.fail(QStringLiteral("load.duration"),
               QStringLiteral("Duration must be above 0s (only ramp stages may set the length)"));
    else
        c.duration(QStringLiteral("load.duration"), QStringLiteral("Duration"), load.duration,
                   kMaxDuration);
    c.duration(QStringLiteral("load.warmup"), QStringLiteral("Warm-up"), load.warmup, 1h);
    switch (load.model) {
    case LoadModelKind::Max:
        break;
    case LoadModelKind::PerWorkerRate:
        if (!(load.perWorkerRate > 0) || load.perWorkerRate > kMaxRate)
            c.fail(QStringLiteral("load.perWorkerRate"),
                   QStringLiteral("Requests per second per connection must be above 0 and at "
                                  "most %1")
                       .arg(kMaxRate, 0, 'f', 0));
        break;
    case LoadModelKind::TotalRate:
        if (!(load.totalRate >= 0) || load.totalRate > kMaxRate)
            c.fail(QStringLiteral("load.totalRate"),
                   QStringLiteral("Total rate must be between 0 and %1 requests per second")
                       .arg(kMaxRate, 0, 'f', 0));
        else if (load.totalRate == 0 && load.stages.isEmpty())
            c.fail(QStringLiteral("load.totalRate"),
                   QStringLiteral("Set a total rate above 0 or add ramp stages"));
        for (qsizetype i = 0; i < load.stages.size(); ++i) {
            const RateStage& s = load.stages[i];
            const QString at = QStringLiteral("load.stages[%1]").arg(i);
            c.duration(at + QStringLiteral(".duration"),
                       QStringLiteral("Stage %1's duration").arg(i + 1), s.duration, kMaxDuration);
            if (!(s.rps >= 0) || s.rps > kMaxRate)
                c.fail(at + QStringLiteral(".rps"),
                       QStringLiteral("Stage %1's rate must be between 0 and %2 requests per "
                                      "second")
                           .arg(i + 1)
                           .arg(kMaxRate, 0, 'f', 0));
        }
        break;
    }
    if (!isToken(load.method.trimmed()))
        c.fail(QStringLiteral("load.method"),
               QStringLiteral("Method must be a single word such as GET or POST"));
    c.headers(QStringLiteral("load.headers"), load.headers);
    if (!load.body.isEmpty() && isJsonContentType(load.headers)) {
        QJsonValue ignored;
        QString error;
        if (!parseJsonValue(load.body.toUtf8(), ignored, error))
            c.fail(QStringLiteral("load.body"),
                   QStringLiteral("Body is not valid JSON: %1").arg(error));
    }
    c.duration(QStringLiteral("load.timeout"), QStringLiteral("Timeout"), load.timeout, 1h);
    if (!topology.loadHosts.isEmpty()) {
        if (topology.kind != TopologyKind::Hosts)
            c.fail(QStringLiteral("topology.loadHosts"),
                   QStringLiteral("Load hosts need the hosts topology"));
        else if (QSet<QString>(topology.loadHosts.begin(), topology.loadHosts.end()).size() !=
                 topology.loadHosts.size())
            c.fail(QStringLiteral("topology.loadHosts"),
                   QStringLiteral("A load host is named twice"));
        if (load.connections < topology.loadHosts.size())
            c.fail(QStringLiteral("topology.loadHosts"),
                   QStringLiteral("Each load host needs at least one connection: %1 hosts, %2 "
                                  "connections")
                       .arg(topology.loadHosts.size())
                       .arg(load.connections));
    }
    return c.take();
}

} // namespace gb::app
