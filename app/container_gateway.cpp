#include "app/container_gateway.h"

#include "app/gateway_files.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace gb::app {

namespace {

constexpr auto kContainerName = "gatebench-gateway";

QByteArray json(const QJsonObject& o)
{
    return QJsonDocument(o).toJson();
}

QJsonObject parsed(const QByteArray& text)
{
    return QJsonDocument::fromJson(text).object();
}

ContainerGateway tyk(const Scenario& s, int port, const QString& upstreamOrigin,
                     const QString& redisAddress, const QString& secret)
{
    // The bundled gateway's Tyk files, placed where the image reads them (/opt/tyk-gateway).
    const FullGatewayFiles files = fullGatewayFiles(s, upstreamOrigin, redisAddress, secret);
    QJsonObject conf = parsed(files.tykConf);
    conf.insert(QStringLiteral("listen_address"), QString()); // every interface of the host
    conf.insert(QStringLiteral("listen_port"), port);
    conf.insert(QStringLiteral("app_path"), QStringLiteral("/opt/tyk-gateway/apps/"));
    conf.insert(QStringLiteral("enable_analytics"), s.gateway.container.features);
    QJsonObject api = parsed(files.apiDefinition);
    api.insert(QStringLiteral("use_keyless"), !s.gateway.container.features);
    api.insert(QStringLiteral("use_standard_auth"), s.gateway.container.features);
    ContainerGateway g;
    g.program.files = {{QStringLiteral("tyk/tyk.conf"), json(conf)},
                       {QStringLiteral("tyk/apps/gatebench.json"), json(api)}};
    g.program.mounts = {
        {QStringLiteral("tyk/tyk.conf"), QStringLiteral("/opt/tyk-gateway/tyk.conf")},
        {QStringLiteral("tyk/apps"), QStringLiteral("/opt/tyk-gateway/apps")}};
    g.healthPath = QStringLiteral("/hello");
    g.healthNeeds2xx = true;
    return g;
}

/// Tyk's rate per `per` seconds in Kong's rate-limiting windows (whole counts per second,
/// minute, hour or day): the window equal to `per` when there is one, else per second.
QJsonObject kongRateLimit(const KeyRateLimit& limit)
{
    const double per = std::chrono::duration<double>(limit.per).count();
    const std::pair<double, const char*> windows[] = {
        {1, "second"}, {60, "minute"}, {3600, "hour"}, {86400, "day"}};
    for (const auto& [seconds, name] : windows)
        if (per == seconds)
            return {{QString::fromLatin1(name), std::max(1.0, std::floor(limit.rate))}};
    return {{QStringLiteral("second"), std::max(1.0, std::floor(limit.rate / per))}};
}

ContainerGateway kong(const Scenario& s, int port, const QString& upstreamOrigin)
{
    ContainerGateway g;
    QJsonObject service{
        {QStringLiteral("name"), QStringLiteral("gatebench")},
        {QStringLiteral("url"), upstreamOrigin},
        {QStringLiteral("routes"),
         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("gatebench")},
                                {QStringLiteral("paths"), QJsonArray{s.gateway.listenPath}},
                                {QStringLiteral("strip_path"), true}}}}};
    QJsonObject config{{QStringLiteral("_format_version"), QStringLiteral("3.0")}};
    if (s.gateway.container.features) {
        g.key = newSecret();
        QJsonObject rate = kongRateLimit(s.gateway.rateLimit);
        rate.insert(QStringLiteral("policy"), QStringLiteral("local"));
        rate.insert(QStringLiteral("limit_by"), QStringLiteral("consumer"));
        service.insert(
            QStringLiteral("plugins"),
            QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("key-auth")},
                                   {QStringLiteral("config"),
                                    QJsonObject{{QStringLiteral("key_names"),
                                                 QJsonArray{QStringLiteral("Authorization")}},
                                                {QStringLiteral("hide_credentials"), true}}}},
                       QJsonObject{{QStringLiteral("name"), QStringLiteral("rate-limiting")},
                                   {QStringLiteral("config"), rate}}});
        config.insert(
            QStringLiteral("consumers"),
            QJsonArray{QJsonObject{{QStringLiteral("username"), QStringLiteral("gatebench")},
                                   {QStringLiteral("keyauth_credentials"),
                                    QJsonArray{QJsonObject{{QStringLiteral("key"), g.key}}}}}});
    }
    config.insert(QStringLiteral("services"), QJsonArray{service});
    g.program.files = {{QStringLiteral("kong/kong.json"), json(config)}};
    g.program.mounts = {{QStringLiteral("kong"), QStringLiteral("/kong")}};
    // DB-less, proxy on the gateway port of every interface, no admin API, no access log (as the
    // others: logging every request would be measured too).
    g.program.environment = {QStringLiteral("KONG_DATABASE=off"),
                             QStringLiteral("KONG_DECLARATIVE_CONFIG=/kong/kong.json"),
                             QStringLiteral("KONG_PROXY_LISTEN=0.0.0.0:%1").arg(port),
                             QStringLiteral("KONG_ADMIN_LISTEN=off"),
                             QStringLiteral("KONG_PROXY_ACCESS_LOG=off")};
    g.healthPath = QStringLiteral("/");
    return g;
}

ContainerGateway nginx(const Scenario& s, int port, const QString& upstreamOrigin)
{
    QString upstream = upstreamOrigin;
    upstream.remove(QStringLiteral("http://"));
    const QString conf =
        QStringLiteral("worker_processes auto;\n"
                       "events { worker_connections 16384; }\n"
                       "http {\n"
                       "  access_log off;\n"
                       "  keepalive_requests 100000000;\n"
                       "  upstream gatebench_upstream { server %1; keepalive 256; "
                       "keepalive_requests 100000000; }\n"
                       "  server {\n"
                       "    listen %2;\n"
                       "    location %3 { proxy_pass http://gatebench_upstream/; "
                       "proxy_http_version 1.1; proxy_set_header Connection \"\"; }\n"
                       "  }\n"
                       "}\n")
            .arg(upstream)
            .arg(port)
            .arg(s.gateway.listenPath);
    ContainerGateway g;
    g.program.files = {{QStringLiteral("nginx/nginx.conf"), conf.toUtf8()}};
    g.program.mounts = {
        {QStringLiteral("nginx/nginx.conf"), QStringLiteral("/etc/nginx/nginx.conf")}};
    g.healthPath = QStringLiteral("/");
    return g;
}

} // namespace

ContainerGateway containerGateway(const Scenario& scenario, int port, const QString& upstreamOrigin,
                                  const QString& redisAddress, const QString& secret)
{
    const ContainerSettings& c = scenario.gateway.container;
    ContainerGateway g =
        c.product == GatewayProduct::Tyk ? tyk(scenario, port, upstreamOrigin, redisAddress, secret)
        : c.product == GatewayProduct::Kong ? kong(scenario, port, upstreamOrigin)
                                            : nginx(scenario, port, upstreamOrigin);
    g.program.name = QString::fromLatin1(kContainerName);
    g.program.image = imageOf(c);
    g.program.labels = {QStringLiteral("gatebench.role=gateway"),
                        QStringLiteral("gatebench.product=%1").arg(toKeyword(c.product)),
                        QStringLiteral("gatebench.port=%1").arg(port)};
    return g;
}

} // namespace gb::app
