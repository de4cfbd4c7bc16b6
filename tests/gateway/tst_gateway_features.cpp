// End to end through gatebench-gateway's GatewayApp with the features installed
// (installGatewayFeatures): a key created through the admin API with the issue's curl body, then
// requests proxied to an upstream with it (the credential stripped), refused without it (401)
// and past its rate limit (429 with X-RateLimit-* and Retry-After), /hello reporting Redis, and
// one analytics record per request in the Redis list once the gateway stops. And a Redis shared
// with Tyk: a session Tyk wrote is accepted, a key this gateway creates is filed where Tyk looks.

#include "gateway/access/gateway_features.h"
#include "gateway/extensions/install_features.h"
#include "gateway/keys/key_hash.h"
#include "gateway/server/server.h"
#include "support/redis_fixture.h"

#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <atomic>
#include <fstream>
#include <functional>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace gb::gateway;
using namespace gb::test;
using namespace std::chrono_literals;
using Json = nlohmann::json;
namespace http = gb::http;

// Declared before the helpers: moc stops reading at their raw strings.
class TestGatewayFeatures : public QObject
{
    Q_OBJECT

private slots:
    void endToEnd();
    void sharedRedisWithTyk();
    void namedKeysAsTyk();
    void quotaExceededStatus();
    void versionRefusalIsRecorded();
};

namespace {

constexpr std::string_view kCurlBody =
    R"({"access_rights": {"2": {"allowed_urls": [], "api_id": "2", "api_name": "Tyk Auth API",
    "limit": null, "versions": ["Default"]}}, "allowance": 100000, "expires": 0, "org_id": "default",
    "per": 1, "quota_max": -1, "quota_remaining": -1, "quota_renewal_rate": -1,
    "quota_renews": 1568655187, "rate": 100000, "throttle_interval": -1, "throttle_retry_limit": -1})";

/// The upstream: answers 200 with the Authorization header it received (or "none").
class EchoAuth final : public Handler
{
public:
    void onRequest(Exchange& ex) override
    {
        const std::string_view auth = ex.request().header("Authorization");
        m_body = auth.empty() ? "none" : std::string(auth);
        ex.respond(200, {}, m_body);
    }

private:
    std::string m_body;
};

struct Response
{
    int status = 0;
    std::string head;
    std::string body;
    std::string header(std::string_view name) const
    {
        const std::string needle = "\r\n" + std::string(name) + ": ";
        const auto at = head.find(needle);
        if (at == std::string::npos)
            return {};
        const auto start = at + needle.size();
        return head.substr(start, head.find("\r\n", start) - start);
    }
};

/// One request on a fresh connection ("Connection: close"), bounded by a 5 s deadline.
Response request(std::uint16_t port, const std::string& raw)
{
    Response r;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return r;
    }
    [[maybe_unused]] const ssize_t sent = ::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
    std::string data;
    char buf[4096];
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        data.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const auto headEnd = data.find("\r\n\r\n");
    if (data.size() < 12 || headEnd == std::string::npos)
        return r;
    r.status = std::stoi(data.substr(9, 3));
    r.head = data.substr(0, headEnd + 2);
    r.body = data.substr(headEnd + 4);
    return r;
}

std::string get(const std::string& path, const std::string& extraHeaders = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: tst\r\n" + extraHeaders +
           "Connection: close\r\n\r\n";
}

/// gatebench-gateway's GatewayApp with the features, a real redis-server and an upstream that
/// echoes the Authorization it got, API "2" under /2/ (listen path stripped).
class FeaturesGateway
{
public:
    explicit FeaturesGateway(const std::function<void(GatewayConfig&)>& adjust = {})
        : m_upstream(upstreamConfig(), [](WorkerContext&) { return std::make_unique<EchoAuth>(); })
    {
        m_ok = redis.start();
        if (!m_ok || !m_apps.isValid())
            return;
        m_upstream.start();
        {
            std::ofstream def(m_apps.filePath("two.json").toStdString());
            def << R"({"api_id": "2", "name": "Tyk Auth API", "org_id": "default", "active": true,
                   "use_keyless": false, "auth": {"auth_header_name": "Authorization"},
                   "strip_auth_data": true,
                   "proxy": {"listen_path": "/2/", "strip_listen_path": true,
                             "target_url": "http://127.0.0.1:)"
                << m_upstream.port() << R"("},
                   "version_data": {"not_versioned": true, "versions": {"Default": {"name": "Default"}}}})";
            // A versioned API (the version in the "version" header), keyless.
            std::ofstream ver(m_apps.filePath("ver.json").toStdString());
            ver << R"({"api_id": "ver", "name": "Versioned", "org_id": "default", "active": true,
                   "use_keyless": true, "definition": {"location": "header", "key": "version"},
                   "proxy": {"listen_path": "/ver/", "strip_listen_path": true,
                             "target_url": "http://127.0.0.1:)"
                << m_upstream.port() << R"("},
                   "version_data": {"not_versioned": false, "versions": {"v1": {"name": "v1"}}}})";
        }
        GatewaySetup setup;
        setup.config.listenAddress = "127.0.0.1";
        setup.config.listenPort = 0;
        setup.config.secret = "s3cret";
        setup.config.appPath = m_apps.path().toStdString();
        setup.config.storage.type = StorageType::Redis;
        setup.config.storage.host = "127.0.0.1";
        setup.config.storage.port = redis.port();
        setup.config.storage.timeout = std::chrono::seconds(1);
        setup.config.enableAnalytics = true;
        if (adjust)
            adjust(setup.config);
        setup.threads = 2;

        FeaturesOptions options;
        options.workers = 2;
        options.log = false;
        features = std::make_unique<GatewayFeatures>(setup.config, options);
        features->start();
        m_ok = features->waitForStorage(2s);
        proxy::GatewayExtensions extensions;
        installGatewayFeatures(extensions, *features);
        gateway = std::make_unique<proxy::GatewayApp>(std::move(setup), std::move(extensions));
        gateway->start();
        const std::string address = gateway->localAddress();
        port = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
    }
    ~FeaturesGateway() { stop(); }

    bool ok() const { return m_ok; }
    /// Stops the gateway, then the features (flushing analytics).
    void stop()
    {
        if (gateway) {
            gateway->stop();
            gateway->wait();
            gateway.reset();
        }
        if (features)
            features->stop();
    }
    /// POST /tyk/keys/<path> with the secret.
    Response createKey(const std::string& path, const std::string& body) const
    {
        return request(port, "POST /tyk/keys/" + path +
                                 " HTTP/1.1\r\nHost: localhost\r\n"
                                 "x-tyk-authorization: s3cret\r\n"
                                 "Content-Type: application/x-www-form-urlencoded\r\n"
                                 "Content-Length: " +
                                 std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                                 body);
    }

    RedisServer redis;
    std::unique_ptr<GatewayFeatures> features;
    std::unique_ptr<proxy::GatewayApp> gateway;
    std::uint16_t port = 0;

private:
    static ServerConfig upstreamConfig()
    {
        ServerConfig c;
        c.host = "127.0.0.1";
        c.threads = 1;
        return c;
    }

    bool m_ok = false;
    Server m_upstream;
    QTemporaryDir m_apps;
};

} // namespace

void TestGatewayFeatures::endToEnd()
{
    FeaturesGateway f;
    QVERIFY2(f.ok(), qPrintable(f.redis.error()));
    const std::uint16_t port = f.port;
    RedisServer& redis = f.redis;
    GatewayFeatures& features = *f.features;

    // The issue's request, verbatim body (curl labels it form-encoded).
    Response r = f.createKey("create", std::string(kCurlBody));
    QCOMPARE(r.status, 200);
    const std::string key = Json::parse(r.body)["key"];
    // Without the secret: Tyk's 403.
    QCOMPARE(request(port, get("/tyk/keys/" + key)).status, 403);

    int requests = 0;
    r = request(port, get("/2/anything", "Authorization: " + key + "\r\n"));
    ++requests;
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("none")); // the credential did not reach the upstream
    r = request(port, get("/2/anything", "Authorization: Bearer " + key + "\r\n"));
    ++requests;
    QCOMPARE(r.status, 200);

    r = request(port, get("/2/anything"));
    ++requests;
    QCOMPARE(r.status, 401);
    QCOMPARE(r.body, std::string("{\n    \"error\": \"Authorization field missing\"\n}"));
    QCOMPARE(r.header("Content-Type"), std::string("application/json"));
    r = request(port, get("/2/anything", "Authorization: wrong\r\n"));
    ++requests;
    QCOMPARE(r.status, 403);

    // A key limited to 2 per minute.
    Json limited = Json::parse(kCurlBody);
    limited["rate"] = 2;
    limited["per"] = 60;
    r = f.createKey("limited", limited.dump());
    QCOMPARE(r.status, 200);
    for (int i = 0; i < 2; ++i, ++requests)
        QCOMPARE(request(port, get("/2/x", "Authorization: limited\r\n")).status, 200);
    r = request(port, get("/2/x", "Authorization: limited\r\n"));
    ++requests;
    QCOMPARE(r.status, 429);
    QCOMPARE(r.body, std::string("{\n    \"error\": \"Rate Limit Exceeded\"\n}"));
    // Tyk's default rate_limit_response_headers ("quotas"): no X-Ratelimit-* on a refusal, the
    // key's quota on an answer (internal/rate/headers.go:22-26, 56-68).
    QVERIFY(r.header("X-Ratelimit-Limit").empty());
    r = request(port, get("/2/anything", "Authorization: " + key + "\r\n"));
    ++requests;
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("X-Ratelimit-Limit"), std::string("-1")); // quota_max -1: unlimited
    QVERIFY(!r.header("X-Ratelimit-Reset").empty()); // quota_renews, restarted on creation

    r = request(port, get("/hello"));
    QCOMPARE(r.status, 200);
    const Json hello = Json::parse(r.body);
    QVERIFY2(hello["details"]["redis"]["status"] == "pass", r.body.c_str());

    f.stop();
    const AnalyticsSink::Stats s = features.analytics()->stats();
    QCOMPARE(s.recorded, static_cast<unsigned long long>(requests));
    QCOMPARE(s.written, s.recorded);
    QCOMPARE(redis.command({"LLEN", "analytics-tyk-system-analytics"}).integer,
             static_cast<long long>(requests));
    // Tyk's msgpack record (tst_analytics pins the encoding field by field).
    const Json first =
        Json::from_msgpack(redis.command({"LINDEX", "analytics-tyk-system-analytics", "0"}).str);
    QVERIFY(first["APIID"] == "2");
    QVERIFY(first["APIName"] == "Tyk Auth API");
    QVERIFY(first["Path"] == "/anything"); // strip_listen_path: as the upstream saw it
    QVERIFY(first["OriginalPath"] == "/2/anything");
    QVERIFY(first["ResponseCode"] == 200);
    QVERIFY(first["UserAgent"] == "tst");
    QVERIFY(first["APIKey"] == keyHash(key)); // Tyk's hash (murmur32 for a legacy key), not the key
    QVERIFY(first["Tags"].back() == "api-2");
    std::string metrics;
    features.appendMetrics(metrics);
    QVERIFY(metrics.find("gatebench_api_request_duration_seconds_count{api_id=\"2\"} " +
                         std::to_string(requests)) != std::string::npos);
}

// One Redis, Tyk and this gateway (hash_key_function "murmur64", as Tyk's tyk.conf.example).
// The digest below was computed with Tyk's own code (TykTechnologies/murmur3 New64 over the
// token, internal/crypto/hash.go HashStr), not with ours.
void TestGatewayFeatures::sharedRedisWithTyk()
{
    FeaturesGateway f([](GatewayConfig& c) { c.hashKeyFunction = KeyHashFunction::Murmur64; });
    QVERIFY2(f.ok(), qPrintable(f.redis.error()));

    // A key Tyk issued (GenerateToken's Sprintf format, base64) and its session as Tyk writes it
    // (user.SessionState's JSON names, members this gateway does not use included), under the
    // Redis key Tyk files it: "apikey-" + HashStr(token).
    const std::string tykToken =
        QByteArray(R"({"org":"default","id":"0123456789abcdef0123456789abcdef","h":"murmur64"})")
            .toBase64()
            .toStdString();
    const std::string tykSession = R"({"last_check":0,"allowance":1000,"rate":1000,"per":1,
        "throttle_interval":-1,"throttle_retry_limit":-1,"max_query_depth":-1,
        "date_created":"2026-12-07T10:00:00.123456789Z","expires":0,"quota_max":-1,
        "quota_renews":1765101600,"quota_remaining":-1,"quota_renewal_rate":-1,
        "access_rights":{"2":{"api_name":"Tyk Auth API","api_id":"2","versions":["Default"],
        "allowed_urls":null,"restricted_types":null,"allowed_types":null,"limit":null,
        "field_access_rights":null,"allowance_scope":""}},"org_id":"default",
        "oauth_client_id":"","oauth_keys":null,"certificate":"","basic_auth_data":{"password":"",
        "hash_type":""},"jwt_data":{"secret":""},"hmac_enabled":false,
        "enable_http_signature_validation":false,"hmac_string":"","rsa_certificate_id":"",
        "is_inactive":false,"apply_policy_id":"","apply_policies":null,"data_expires":0,
        "monitor":{"trigger_limits":null},"enable_detailed_recording":false,
        "meta_data":{"tyk_user":"bench"},"tags":["from-tyk"],"alias":"tyk-issued",
        "last_updated":"1765101600","id_extractor_deadline":0,"session_lifetime":0})";
    f.redis.command({"SET", "apikey-babcb6fd102e4d95", tykSession});
    QCOMPARE(keyHash(tykToken), std::string("babcb6fd102e4d95"));
    Response r = request(f.port, get("/2/anything", "Authorization: " + tykToken + "\r\n"));
    QCOMPARE(r.status, 200);

    // A key created here: Tyk's token format naming murmur64, filed under the Redis key Tyk
    // looks up for it, key_hash as Tyk answers it.
    r = f.createKey("create", std::string(kCurlBody));
    QCOMPARE(r.status, 200);
    const Json created = Json::parse(r.body);
    const std::string key = created["key"];
    const QByteArray decoded = QByteArray::fromBase64(QByteArray::fromStdString(key));
    const Json token = Json::parse(decoded.toStdString());
    QVERIFY(decoded.startsWith("{\"org\":\"default\",\"id\":\""));
    QVERIFY(decoded.endsWith("\",\"h\":\"murmur64\"}"));
    QCOMPARE(token["id"].get<std::string>().size(), std::size_t(32));
    const std::string hash = created["key_hash"];
    QCOMPARE(hash.size(), std::size_t(16)); // murmur64: 8 bytes in hex
    QCOMPARE(hash, keyHash(key));
    QCOMPARE(f.redis.command({"EXISTS", "apikey-" + hash}).integer, 1LL);
    QCOMPARE(request(f.port, get("/2/anything", "Authorization: " + key + "\r\n")).status, 200);

    // Tyk's analytics name the Tyk-issued key by the same hash.
    f.stop();
    const auto records = f.redis.command({"LRANGE", "analytics-tyk-system-analytics", "0", "-1"});
    QCOMPARE(records.elements.size(), std::size_t(2));
    const Json first = Json::from_msgpack(records.elements[0].str);
    QVERIFY(first["APIKey"] == "babcb6fd102e4d95");
    QVERIFY(first["Alias"] == "tyk-issued");
    QVERIFY(first["Tags"] ==
            Json::parse(R"(["from-tyk","key-babcb6fd102e4d95","org-default","api-2"])"));
}

// A key Tyk filed for POST /tyk/keys/{name} (gateway/api.go:612: generateToken(org, name), the
// name in the token format) is found when a client presents the name (SessionDetail,
// gateway/auth_manager.go:173-211), also under a function of hash_key_function_fallback after
// hash_key_function changed; without that fallback it is not.
void TestGatewayFeatures::namedKeysAsTyk()
{
    const auto token = [](const std::string& name, const std::string& function) {
        return QByteArray::fromStdString("{\"org\":\"default\",\"id\":\"" + name + "\",\"h\":\"" +
                                         function + "\"}")
            .toBase64()
            .toStdString();
    };
    const std::string session = Json{{"rate", 1000},
                                     {"per", 1},
                                     {"quota_max", -1},
                                     {"org_id", "default"},
                                     {"access_rights", {{"2", {{"api_id", "2"}}}}}}
                                    .dump();
    const auto present = [](const FeaturesGateway& g, const std::string& key) {
        return request(g.port, get("/2/anything", "Authorization: " + key + "\r\n")).status;
    };
    {
        FeaturesGateway f([](GatewayConfig& c) {
            c.hashKeyFunction = KeyHashFunction::Murmur64;
            c.hashKeyFunctionFallback = {KeyHashFunction::Murmur128};
        });
        QVERIFY2(f.ok(), qPrintable(f.redis.error()));
        f.redis.command({"SET", "apikey-" + keyHash(token("team-a", "murmur64")), session});
        f.redis.command({"SET", "apikey-" + keyHash(token("team-b", "murmur128")), session});
        QCOMPARE(present(f, "team-a"), 200);
        QCOMPARE(present(f, token("team-a", "murmur64")), 200); // the key itself too
        QCOMPARE(present(f, "team-b"), 200);                    // through the fallback
        QCOMPARE(present(f, "team-c"), 403);
    }
    FeaturesGateway noFallback(
        [](GatewayConfig& c) { c.hashKeyFunction = KeyHashFunction::Murmur64; });
    QVERIFY2(noFallback.ok(), qPrintable(noFallback.redis.error()));
    noFallback.redis.command({"SET", "apikey-" + keyHash(token("team-b", "murmur128")), session});
    QCOMPARE(present(noFallback, "team-b"), 403);
}

// Over its quota a key gets Tyk's 403 "Quota exceeded" (gateway/mw_rate_limiting.go:30-47), or
// 429 when tyk.conf says gatebench_quota_exceeded_status: 429.
void TestGatewayFeatures::quotaExceededStatus()
{
    for (const int status : {403, 429}) {
        FeaturesGateway f([status](GatewayConfig& c) {
            c.enableAnalytics = false;
            if (status == 429)
                c.quotaExceededStatus = 429;
        });
        QVERIFY2(f.ok(), qPrintable(f.redis.error()));
        Json body = Json::parse(kCurlBody);
        body["quota_max"] = 1;
        body["quota_remaining"] = 1;
        body["quota_renewal_rate"] = 3600;
        const Response created = f.createKey("create", body.dump());
        QCOMPARE(created.status, 200);
        const std::string key = Json::parse(created.body)["key"];
        const Response first = request(f.port, get("/2/x", "Authorization: " + key + "\r\n"));
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("X-Ratelimit-Limit"), std::string("1")); // the live quota window
        QCOMPARE(first.header("X-Ratelimit-Remaining"), std::string("0"));
        const Response over = request(f.port, get("/2/x", "Authorization: " + key + "\r\n"));
        QCOMPARE(over.status, status);
        QCOMPARE(over.body, std::string("{\n    \"error\": \"Quota exceeded\"\n}"));
    }
}

// A request refused for its version (before any key check, as in Tyk's chain) still gets its
// analytics record, as Tyk's error handler writes one (gateway/handler_error.go:124-240).
void TestGatewayFeatures::versionRefusalIsRecorded()
{
    FeaturesGateway f;
    QVERIFY2(f.ok(), qPrintable(f.redis.error()));
    const Response refused = request(f.port, get("/ver/x"));
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.body, std::string("{\n    \"error\": \"Version information not found\"\n}"));
    QCOMPARE(request(f.port, get("/ver/x", "version: v1\r\n")).status, 200);
    f.stop();
    const auto records = f.redis.command({"LRANGE", "analytics-tyk-system-analytics", "0", "-1"});
    QCOMPARE(records.elements.size(), std::size_t(2));
    const Json first = Json::from_msgpack(records.elements[0].str);
    QVERIFY(first["APIID"] == "ver");
    QVERIFY(first["ResponseCode"] == 403);
    QVERIFY(first["APIKey"] == "");
    QVERIFY(first["APIVersion"] == "Non Versioned"); // it named none
    const Json second = Json::from_msgpack(records.elements[1].str);
    QVERIFY(second["ResponseCode"] == 200);
    QVERIFY(second["APIVersion"] == "v1"); // getVersionFromRequest's name, as Tyk records it
}

QTEST_GUILESS_MAIN(TestGatewayFeatures)
#include "tst_gateway_features.moc"
