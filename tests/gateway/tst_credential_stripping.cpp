// The client's credential never reaches the upstream, wherever the API definition reads it
// from: the real gatebench-gateway in front of gatebench-upstream's /echo (which answers with
// the target, query, headers and body it got). A key taken from a query parameter
// (auth_configs.authToken.use_param / param_name, and the older auth.use_param) leaves the
// target without that parameter; one taken from a cookie (use_cookie / cookie_name) leaves every
// Cookie field without it; one taken from the header leaves no such header. Everything else
// arrives as sent, in order, and the request was authorized by the key. Nor is the key kept at
// rest: the analytics records in Redis carry the query without it.

#include "support/gateway_harness.h"
#include "support/redis_fixture.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace gb::test;
using Json = nlohmann::json;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

constexpr const char* kSecret = "strip-secret";

/// A keyed Tyk classic API definition; `auth` is spliced in as its auth members. It strips the
/// credential (strip_auth_data) unless `strip` is false, Tyk's default.
std::string keyedApiJson(const std::string& id, const std::string& target, const std::string& auth,
                         bool strip = true)
{
    return "{\"name\": \"" + id + "\", \"api_id\": \"" + id +
           "\", \"org_id\": \"default\", \"use_keyless\": false, \"strip_auth_data\": " +
           (strip ? "true" : "false") + ", " + auth +
           ", \"version_data\": {\"not_versioned\": true, \"versions\": {\"Default\": {\"name\": "
           "\"Default\"}}}, \"proxy\": {\"listen_path\": \"/" +
           id + "/\", \"target_url\": \"" + target +
           "\", \"strip_listen_path\": true}, \"active\": true}\n";
}

/// A key for every API in `ids`, created through the admin API as a Tyk user would.
std::string createKey(std::uint16_t port, const std::vector<std::string>& ids)
{
    std::string rights;
    for (const std::string& id : ids)
        rights += (rights.empty() ? "\"" : ", \"") + id + "\": {\"api_id\": \"" + id +
                  "\", \"api_name\": \"" + id + "\", \"versions\": [\"Default\"]}";
    const std::string body = "{\"access_rights\": {" + rights +
                             "}, \"allowance\": 1000, \"rate\": 1000, \"per\": 1, "
                             "\"quota_max\": -1, \"org_id\": \"default\", \"expires\": 0}";
    const auto r = fetch(port, "POST /tyk/keys/create HTTP/1.1\r\nHost: a\r\n"
                               "x-tyk-authorization: " +
                                   std::string(kSecret) + "\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body);
    if (!r || r->status != 200)
        return {};
    const Json reply = Json::parse(r->body, nullptr, false);
    return reply.is_object() ? reply.value("key", std::string()) : std::string();
}

} // namespace

class TestCredentialStripping : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    RedisServer m_redis;
    ChildServer m_upstream;
    ChildServer m_gateway;
    std::string m_key;

    /// One request through the gateway and the upstream's echo of it; a failure (no response,
    /// another status, the key in the echo) is recorded and gives an empty object, so the
    /// caller's comparisons fail too instead of throwing.
    Json echo(const std::string& request, int expectStatus = 200)
    {
        const auto r = fetch(m_gateway.port(), request);
        std::string problem;
        if (!r)
            problem = "no response from the gateway";
        else if (r->status != expectStatus)
            problem = "status " + std::to_string(r->status) + ": " + r->body;
        else if (r->body.find(m_key) != std::string::npos)
            problem = "the key reached the upstream: " + r->body;
        if (!problem.empty()) {
            QTest::qFail(problem.c_str(), __FILE__, __LINE__);
            return Json::object();
        }
        return expectStatus == 200 ? Json::parse(r->body, nullptr, false) : Json::object();
    }

    // QByteArray, so that a failed QCOMPARE prints both values.
    static QByteArray field(const Json& echoed, const char* name)
    {
        if (!echoed.is_object())
            return "<no echo>";
        return QByteArray::fromStdString(echoed.value(name, std::string("<none>")));
    }

    static QByteArray header(const Json& echoed, const std::string& name)
    {
        if (!echoed.is_object() || !echoed.contains("headers"))
            return "<no echo>";
        return QByteArray::fromStdString(echoed["headers"].value(name, std::string("<none>")));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(startUpstream(m_upstream, 1));
        const std::string target = "http://127.0.0.1:" + std::to_string(m_upstream.port());
        QVERIFY(QDir(m_dir.path()).mkpath("apps"));
        const auto api = [&](const std::string& id, const std::string& auth) {
            return writeTextFile(m_dir.filePath(QString::fromStdString("apps/" + id + ".json")),
                                 keyedApiJson(id, target, auth));
        };
        QVERIFY(api("param", "\"auth_configs\": {\"authToken\": {\"use_param\": true, "
                             "\"param_name\": \"api_key\"}}"));
        // Tyk's older "auth" block; the parameter is named like the header then.
        QVERIFY(api("legacy", "\"auth\": {\"use_param\": true}"));
        QVERIFY(api("cookie", "\"auth_configs\": {\"authToken\": {\"use_cookie\": true, "
                              "\"cookie_name\": \"session\"}}"));
        QVERIFY(api("header", "\"auth\": {\"auth_header_name\": \"X-Api-Key\"}"));
        // strip_auth_data left out: Tyk's default, the credential goes on to the upstream.
        QVERIFY(writeTextFile(m_dir.filePath("apps/kept.json"),
                              keyedApiJson("kept", target, "\"auth\": {}", false)));
        QVERIFY2(m_redis.start(), qPrintable(m_redis.error()));
        const std::string storage = "\"enable_analytics\": true, \"storage\": {\"type\": "
                                    "\"redis\", \"host\": \"127.0.0.1\", \"port\": " +
                                    std::to_string(m_redis.port()) + "}";
        QVERIFY(writeTextFile(m_dir.filePath("tyk.conf"), tykConf("apps", kSecret, 5, storage)));
        // One worker, so consecutive requests reuse the same recycled request context.
        QVERIFY2(startGateway(m_gateway, m_dir.filePath("tyk.conf"), 1),
                 qPrintable(m_gateway.errors()));
        m_key = createKey(m_gateway.port(), {"param", "legacy", "cookie", "header", "kept"});
        QVERIFY(!m_key.empty());
    }

    void queryParameter()
    {
        Json e = echo(getRequest("/param/echo?a=1&api_key=" + m_key + "&b=x%20y&a=3"));
        QCOMPARE(field(e, "target"), QByteArray("/echo?a=1&b=x%20y&a=3"));
        QCOMPARE(field(e, "query"), QByteArray("a=1&b=x%20y&a=3"));
        // The only parameter: no '?' is left behind.
        e = echo(getRequest("/param/echo?api_key=" + m_key));
        QCOMPARE(field(e, "target"), QByteArray("/echo"));
        // A percent-encoded name, and the parameter twice: each occurrence goes.
        e = echo(getRequest("/param/echo?api%5Fkey=" + m_key + "&z=1&api_key=" + m_key));
        QCOMPARE(field(e, "target"), QByteArray("/echo?z=1"));
        // A body request keeps its method and body.
        e = echo("POST /param/echo?api_key=" + m_key +
                 "&keep=yes HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
        QCOMPARE(field(e, "method"), QByteArray("POST"));
        QCOMPARE(field(e, "body"), QByteArray("hello"));
        QCOMPARE(field(e, "query"), QByteArray("keep=yes"));
        // The parameter is what authorizes: without it 401, with a wrong one 403.
        echo(getRequest("/param/echo?a=1"), 401);
        echo(getRequest("/param/echo?api_key=wrong"), 403);
    }

    void legacyAuthBlock()
    {
        const Json e = echo(getRequest("/legacy/echo?q=1&Authorization=" + m_key));
        QCOMPARE(field(e, "target"), QByteArray("/echo?q=1"));
        // The header the parameter is named after is read too, and stripped too.
        const Json h = echo(getRequest("/legacy/echo?q=2", "Authorization: " + m_key + "\r\n"));
        QCOMPARE(field(h, "target"), QByteArray("/echo?q=2"));
        QCOMPARE(header(h, "Authorization"), QByteArray("<none>"));
    }

    void cookie()
    {
        Json e = echo(getRequest("/cookie/echo", "Cookie: a=1; session=" + m_key + "; b=2\r\n"));
        QCOMPARE(header(e, "Cookie"), QByteArray("a=1; b=2"));
        // A field left empty is dropped; another field arrives byte for byte.
        e = echo(
            getRequest("/cookie/echo", "Cookie: session=" + m_key + "\r\nCookie: c=3;d=4\r\n"));
        QCOMPARE(header(e, "Cookie"), QByteArray("c=3;d=4"));
        // Fields keep their order (the echo joins repeated fields with ", ").
        e = echo(
            getRequest("/cookie/echo", "Cookie: x=1; session=" + m_key + "\r\nCookie: y=2\r\n"));
        QCOMPARE(header(e, "Cookie"), QByteArray("x=1, y=2"));
        echo(getRequest("/cookie/echo", "Cookie: a=1\r\n"), 401);
        // Authorized by the header instead: that goes, unrelated cookies stay as sent.
        e = echo(
            getRequest("/cookie/echo?s=1", "Authorization: " + m_key + "\r\nCookie: z=9;w=8\r\n"));
        QCOMPARE(header(e, "Authorization"), QByteArray("<none>"));
        QCOMPARE(header(e, "Cookie"), QByteArray("z=9;w=8"));
        QCOMPARE(field(e, "query"), QByteArray("s=1"));
    }

    void headerToken()
    {
        Json e = echo(
            getRequest("/header/echo?keep=1", "x-api-key: Bearer " + m_key + "\r\nX-Other: 1\r\n"));
        QCOMPARE(header(e, "x-api-key"), QByteArray("<none>"));
        QCOMPARE(header(e, "X-Other"), QByteArray("1"));
        QCOMPARE(field(e, "query"), QByteArray("keep=1"));
    }

    // Tyk's StripAuth middleware runs only with strip_auth_data (gateway/mw_strip_auth.go:21-23).
    void credentialReachesTheUpstreamWithoutStripAuthData()
    {
        const auto r = fetch(m_gateway.port(),
                             getRequest("/kept/echo?q=1", "Authorization: " + m_key + "\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const Json e = Json::parse(r->body, nullptr, false);
        QCOMPARE(header(e, "Authorization"), QByteArray::fromStdString(m_key));
    }

    void keepAliveRecyclesTheRewrite()
    {
        // Rewritten, then not: the second request must not inherit the first one's query or
        // cookie (the request context is recycled between them).
        RawClient c(m_gateway.port());
        QVERIFY(c.connected());
        QVERIFY(c.send(getRequest("/param/echo?api_key=" + m_key + "&first=1")));
        auto r = c.read();
        QVERIFY(r);
        QCOMPARE(field(Json::parse(r->body, nullptr, false), "query"), QByteArray("first=1"));
        QVERIFY(c.send(getRequest("/cookie/echo?second=2", "Cookie: session=" + m_key + "\r\n")));
        r = c.read();
        QVERIFY(r);
        const Json second = Json::parse(r->body, nullptr, false);
        QCOMPARE(field(second, "query"), QByteArray("second=2"));
        QCOMPARE(header(second, "Cookie"), QByteArray("<none>"));
        QVERIFY(c.send(
            getRequest("/header/echo?third=3", "X-Api-Key: " + m_key + "\r\nCookie: t=3\r\n")));
        r = c.read();
        QVERIFY(r);
        const Json e = Json::parse(r->body, nullptr, false);
        QCOMPARE(field(e, "query"), QByteArray("third=3"));
        QCOMPARE(header(e, "Cookie"), QByteArray("t=3"));
    }

    void analyticsKeepNoKey()
    {
        // SIGTERM flushes the analytics buffer; then every record is in Redis.
        QCOMPARE(m_gateway.terminate(), 0);
        const auto records =
            m_redis.command({"LRANGE", "analytics-tyk-system-analytics", "0", "-1"});
        QVERIFY(records.elements.size() >= 10);
        bool sawParamRequest = false;
        for (const auto& r : records.elements) {
            QVERIFY2(r.str.find(m_key) == std::string::npos, r.str.c_str());
            // Tyk records the path without the query (RawPath is r.URL.Path).
            const Json j = Json::from_msgpack(r.str);
            sawParamRequest |= j.value("OriginalPath", std::string()) == "/param/echo";
        }
        QVERIFY(sawParamRequest);
        // Nor anywhere else in Redis (sessions are stored under the key's hash).
        for (const std::string& name : m_redis.scan("*")) {
            QVERIFY2(name.find(m_key) == std::string::npos, name.c_str());
            const std::string type = m_redis.command({"TYPE", name}).str;
            const auto value = type == "string" ? m_redis.command({"GET", name})
                               : type == "list" ? m_redis.command({"LRANGE", name, "0", "-1"})
                               : type == "hash" ? m_redis.command({"HGETALL", name})
                                                : m_redis.command({"ZRANGE", name, "0", "-1"});
            QVERIFY2(value.str.find(m_key) == std::string::npos, name.c_str());
            for (const auto& e : value.elements)
                QVERIFY2(e.str.find(m_key) == std::string::npos, name.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestCredentialStripping)
#include "tst_credential_stripping.moc"
