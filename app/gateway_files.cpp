#include "app/gateway_files.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace gb::app {

namespace {
const QString kApiId = QStringLiteral("gatebench");
const QString kOrgId = QStringLiteral("default");
} // namespace

QString newSecret()
{
    QByteArray data(16, Qt::Uninitialized);
    for (char& c : data)
        c = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(data.toHex());
}

FullGatewayFiles fullGatewayFiles(const Scenario& scenario, const QString& upstreamOrigin,
                                  const QString& redisAddress, const QString& secret)
{
    // Tyk's own file formats, so what runs is what a Tyk user would configure.
    QJsonObject storage{{QStringLiteral("type"), QStringLiteral("memory")},
                        {QStringLiteral("timeout"), 5}};
    if (!redisAddress.isEmpty()) {
        const qsizetype colon = redisAddress.lastIndexOf(QLatin1Char(':'));
        storage = QJsonObject{{QStringLiteral("type"), QStringLiteral("redis")},
                              {QStringLiteral("host"), redisAddress.left(colon)},
                              {QStringLiteral("port"), redisAddress.mid(colon + 1).toInt()},
                              {QStringLiteral("timeout"), 5}};
    }
    const QJsonObject conf{
        {QStringLiteral("listen_address"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("secret"), secret},
        {QStringLiteral("app_path"), QStringLiteral("apps/")},
        {QStringLiteral("storage"), storage},
        {QStringLiteral("enable_analytics"), true},
        {QStringLiteral("analytics_config"),
         QJsonObject{{QStringLiteral("records_buffer_size"), 1000},
                     {QStringLiteral("storage_expiration_time"), 60}}},
        {QStringLiteral("hash_keys"), true},
        // Tyk's tyk.conf.example: keys in Tyk's token format, hashed with 64-bit murmur.
        {QStringLiteral("hash_key_function"), QStringLiteral("murmur64")},
    };
    const QJsonObject api{
        {QStringLiteral("name"), QStringLiteral("GateBench full")},
        {QStringLiteral("api_id"), kApiId},
        {QStringLiteral("org_id"), kOrgId},
        {QStringLiteral("use_keyless"), false},
        {QStringLiteral("use_standard_auth"), true},
        {QStringLiteral("auth"),
         QJsonObject{{QStringLiteral("auth_header_name"), QStringLiteral("Authorization")}}},
        {QStringLiteral("version_data"),
         QJsonObject{
             {QStringLiteral("not_versioned"), true},
             {QStringLiteral("versions"),
              QJsonObject{{QStringLiteral("Default"),
                           QJsonObject{{QStringLiteral("name"), QStringLiteral("Default")}}}}}}},
        {QStringLiteral("proxy"),
         QJsonObject{{QStringLiteral("listen_path"), scenario.gateway.listenPath},
                     {QStringLiteral("target_url"), upstreamOrigin},
                     {QStringLiteral("strip_listen_path"), true}}},
        {QStringLiteral("active"), true},
    };
    return {QJsonDocument(conf).toJson(), QJsonDocument(api).toJson()};
}

Result<QString> createGatewayKey(const Scenario& scenario, const QString& host, quint16 port,
                                 const QString& secret)
{
    using R = Result<QString>;
    const KeyRateLimit& limit = scenario.gateway.rateLimit;
    const double perSeconds = std::chrono::duration<double>(limit.per).count();
    // The session object exactly as Tyk's documentation and the study's manual send it.
    const QJsonObject session{
        {QStringLiteral("access_rights"),
         QJsonObject{
             {kApiId,
              QJsonObject{{QStringLiteral("api_id"), kApiId},
                          {QStringLiteral("api_name"), QStringLiteral("GateBench full")},
                          {QStringLiteral("versions"), QJsonArray{QStringLiteral("Default")}},
                          {QStringLiteral("allowed_urls"), QJsonArray{}}}}}},
        {QStringLiteral("org_id"), kOrgId},
        {QStringLiteral("rate"), limit.rate},
        {QStringLiteral("per"), perSeconds},
        {QStringLiteral("allowance"), limit.rate},
        {QStringLiteral("expires"), 0},
        {QStringLiteral("quota_max"), -1},
        {QStringLiteral("quota_remaining"), -1},
        {QStringLiteral("quota_renewal_rate"), -1},
        {QStringLiteral("throttle_interval"), -1},
        {QStringLiteral("throttle_retry_limit"), -1},
    };
    const HttpReply reply = httpRequest(
        host, port, "POST", QStringLiteral("/tyk/keys/create"),
        {{QStringLiteral("x-tyk-authorization"), secret},
         {QStringLiteral("Content-Type"), QStringLiteral("application/json")}},
        QJsonDocument(session).toJson(QJsonDocument::Compact), std::chrono::milliseconds(5000));
    if (reply.status == 404 || reply.status == 405)
        return R::failure(
            QStringLiteral("The gateway does not create API keys (POST /tyk/keys/create "
                           "answered %1): the full scenario needs a gateway with auth tokens, "
                           "rate limits and analytics")
                .arg(reply.status));
    if (!reply.isSuccess())
        return R::failure(QStringLiteral("The gateway did not create an API key: %1")
                              .arg(reply.status != 0
                                       ? QStringLiteral("POST /tyk/keys/create answered %1 %2")
                                             .arg(reply.status)
                                             .arg(QString::fromUtf8(reply.body.left(300)))
                                       : reply.error));
    const QString key =
        QJsonDocument::fromJson(reply.body).object().value(QStringLiteral("key")).toString();
    if (key.isEmpty())
        return R::failure(
            QStringLiteral("The gateway's answer to POST /tyk/keys/create has no \"key\": %1")
                .arg(QString::fromUtf8(reply.body.left(300))));
    return key;
}

} // namespace gb::app
