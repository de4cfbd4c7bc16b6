// End to end through gatebench-gateway's GatewayApp with the features installed
// (installGatewayFeatures): a key created through the admin API with the issue's curl body, then
// requests proxied to an upstream with it (the credential stripped), refused without it (401)
// and past its rate limit (429 with X-RateLimit-* and Retry-After), /hello reporting Redis, and
// one analytics record per request in the Redis list once the gateway stops.

#include "gateway/access/gateway_features.h"
#include "gateway/extensions/install_features.h"
#include "gateway/server/server.h"
#include "support/redis_fixture.h"

#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <atomic>
#include <fstream>
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

} // namespace

class TestGatewayFeatures : public QObject
{
    Q_OBJECT

private slots:
    void endToEnd();
};

void TestGatewayFeatures::endToEnd()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));

    ServerConfig upstreamConfig;
    upstreamConfig.host = "127.0.0.1";
    upstreamConfig.threads = 1;
    Server upstream(upstreamConfig, [](WorkerContext&) { return std::make_unique<EchoAuth>(); });
    upstream.start();

    QTemporaryDir apps;
    QVERIFY(apps.isValid());
    {
        std::ofstream def(apps.filePath("two.json").toStdString());
        def << R"({"api_id": "2", "name": "Tyk Auth API", "org_id": "default", "active": true,
                   "use_keyless": false, "auth": {"auth_header_name": "Authorization"},
                   "proxy": {"listen_path": "/2/", "strip_listen_path": true,
                             "target_url": "http://127.0.0.1:)"
            << upstream.port() << R"("},
                   "version_data": {"not_versioned": true, "versions": {"Default": {"name": "Default"}}}})";
    }

    GatewaySetup setup;
    setup.config.listenAddress = "127.0.0.1";
    setup.config.listenPort = 0;
    setup.config.secret = "s3cret";
    setup.config.appPath = apps.path().toStdString();
    setup.config.storage.type = StorageType::Redis;
    setup.config.storage.host = "127.0.0.1";
    setup.config.storage.port = redis.port();
    setup.config.storage.timeout = std::chrono::seconds(1);
    setup.config.enableAnalytics = true;
    setup.threads = 2;

    FeaturesOptions options;
    options.workers = 2;
    options.log = false;
    GatewayFeatures features(setup.config, options);
    features.start();
    QVERIFY(features.waitForStorage(2s));
    proxy::GatewayExtensions extensions;
    installGatewayFeatures(extensions, features);
    proxy::GatewayApp gateway(std::move(setup), std::move(extensions));
    gateway.start();
    const std::string address = gateway.localAddress();
    const auto port = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));

    // The issue's request, verbatim body (curl labels it form-encoded).
    const std::string body(kCurlBody);
    Response r =
        request(port, "POST /tyk/keys/create HTTP/1.1\r\nHost: localhost\r\n"
                      "x-tyk-authorization: s3cret\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: " +
                          std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
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
    const std::string limitedBody = limited.dump();
    r = request(port, "POST /tyk/keys/limited HTTP/1.1\r\nHost: localhost\r\n"
                      "x-tyk-authorization: s3cret\r\nContent-Length: " +
                          std::to_string(limitedBody.size()) + "\r\nConnection: close\r\n\r\n" +
                          limitedBody);
    QCOMPARE(r.status, 200);
    for (int i = 0; i < 2; ++i, ++requests)
        QCOMPARE(request(port, get("/2/x", "Authorization: limited\r\n")).status, 200);
    r = request(port, get("/2/x", "Authorization: limited\r\n"));
    ++requests;
    QCOMPARE(r.status, 429);
    QCOMPARE(r.body, std::string("{\n    \"error\": \"Rate Limit Exceeded\"\n}"));
    QCOMPARE(r.header("X-RateLimit-Limit"), std::string("2"));
    QCOMPARE(r.header("X-RateLimit-Remaining"), std::string("0"));
    QVERIFY(!r.header("X-RateLimit-Reset").empty());
    QVERIFY(!r.header("Retry-After").empty());

    r = request(port, get("/hello"));
    QCOMPARE(r.status, 200);
    const Json hello = Json::parse(r.body);
    QVERIFY2(hello["details"]["redis"]["status"] == "pass", r.body.c_str());

    gateway.stop();
    gateway.wait();
    features.stop();
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
    const std::string hash = first["APIKey"];
    QVERIFY(hash.size() == 64); // a hash, not the key
    QVERIFY(hash != key);
    QVERIFY(first["Tags"].back() == "api-2");
    std::string metrics;
    features.appendMetrics(metrics);
    QVERIFY(metrics.find("gatebench_api_request_duration_seconds_count{api_id=\"2\"} " +
                         std::to_string(requests)) != std::string::npos);
}

QTEST_GUILESS_MAIN(TestGatewayFeatures)
#include "tst_gateway_features.moc"
