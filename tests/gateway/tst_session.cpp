// Tyk's session object (the issue's curl body verbatim, unknown members kept, types checked),
// key generation and hashing, reading tokens from header / query / cookie and stripping them,
// and the session cache's invalidation rules.

#include "gateway/keys/key_hash.h"
#include "gateway/keys/session.h"
#include "gateway/keys/session_cache.h"
#include "gateway/keys/token.h"

#include <QTest>

#include <nlohmann/json.hpp>
#include <set>

using namespace gb::gateway;
namespace http = gb::http;
using Json = nlohmann::json;

namespace {

// The request body of the issue, exactly as engineers send it with curl --data.
constexpr std::string_view kCurlBody =
    R"({"access_rights": {"2": {"allowed_urls": [], "api_id": "2", "api_name": "Tyk Auth API",
    "limit": null, "versions": ["Default"]}}, "allowance": 100000, "expires": 0, "org_id": "default",
    "per": 1, "quota_max": -1, "quota_remaining": -1, "quota_renewal_rate": -1,
    "quota_renews": 1568655187, "rate": 100000, "throttle_interval": -1, "throttle_retry_limit": -1})";

/// A request head with the given fields and query (views into static storage).
http::Request makeRequest(std::initializer_list<http::Header> headers, std::string_view query = {})
{
    http::Request r;
    r.method = "GET";
    r.methodId = http::Method::Get;
    r.path = "/api/";
    r.query = query;
    r.host = "localhost";
    for (const http::Header& h : headers)
        r.fields[r.headerCount++] = h;
    return r;
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private slots:
    void parsesTheIssueBody();
    void roundTripKeepsUnknownMembers();
    void perApiLimit();
    void rejectsWrongTypes_data();
    void rejectsWrongTypes();
    void writesIntegralNumbersAsIntegers();
    void keyGenerationAndHashing();
    void tokenSources_data();
    void tokenSources();
    void strippingCredentials();
    void cacheInvalidation();
};

void TestSession::parsesTheIssueBody()
{
    std::string error;
    const std::optional<Session> s = parseSession(kCurlBody, &error);
    QVERIFY2(s.has_value(), error.c_str());
    QCOMPARE(s->rate, 100000.0);
    QCOMPARE(s->per, 1.0);
    QCOMPARE(s->allowance, 100000.0);
    QCOMPARE(s->expires, 0LL);
    QCOMPARE(s->orgId, std::string("default"));
    QCOMPARE(s->quotaMax, -1LL);
    QCOMPARE(s->quotaRemaining, -1LL);
    QCOMPARE(s->quotaRenewalRate, -1LL);
    QCOMPARE(s->quotaRenews, 1568655187LL);
    QCOMPARE(s->throttleInterval, -1.0);
    QCOMPARE(s->throttleRetryLimit, -1LL);
    QCOMPARE(s->accessRights.size(), std::size_t(1));
    const AccessDefinition* a = s->access("2");
    QVERIFY(a != nullptr);
    QCOMPARE(a->apiName, std::string("Tyk Auth API"));
    QCOMPARE(a->apiId, std::string("2"));
    QVERIFY(!a->limit.has_value()); // "limit": null
    QCOMPARE(a->versions, std::vector<std::string>{"Default"});
    QVERIFY(!s->expiredAt(2'000'000'000));
}

void TestSession::roundTripKeepsUnknownMembers()
{
    const std::string input = R"({"rate": 10, "per": 60, "hmac_enabled": false,
        "apply_policies": ["p1"], "meta_data": {"team": "perf", "n": 3},
        "tags": ["bench", "gw"], "alias": "load-1", "is_inactive": true,
        "access_rights": {"7": {"api_id": "7", "api_name": "Seven", "versions": [],
            "allowed_urls": [{"url": "/x", "methods": ["GET"]}], "restricted_types": [],
            "allowance_scope": "s7"}},
        "oauth_keys": {"a": "b"}, "date_created": "2024-01-01T00:00:00Z"})";
    const std::optional<Session> s = parseSession(input);
    QVERIFY(s.has_value());
    QCOMPARE(s->alias, std::string("load-1"));
    QVERIFY(s->isInactive);
    QCOMPARE(s->tags.size(), std::size_t(2));
    const std::string out = serializeSession(*s);
    const Json j = Json::parse(out);
    QVERIFY(j["hmac_enabled"] == Json(false));
    QVERIFY(j["apply_policies"] == Json::parse(R"(["p1"])"));
    QVERIFY(j["oauth_keys"]["a"] == Json("b"));
    QVERIFY(j["meta_data"]["team"] == Json("perf"));
    QVERIFY(j["access_rights"]["7"]["restricted_types"] == Json::array());
    QVERIFY(j["access_rights"]["7"]["allowed_urls"][0]["url"] == Json("/x"));
    QVERIFY(j["access_rights"]["7"]["allowance_scope"] == Json("s7"));
    QVERIFY(j["date_created"] == Json("2024-01-01T00:00:00Z"));
    QVERIFY(j["rate"] == Json(10));
    // Serializing what was parsed back gives the same text (stable across round trips).
    QCOMPARE(serializeSession(*parseSession(out)), out);
}

void TestSession::perApiLimit()
{
    const std::optional<Session> s = parseSession(
        R"({"rate": 100, "per": 1, "access_rights": {"a": {"api_id": "a",
            "limit": {"rate": 5, "per": 2, "quota_max": 10, "quota_renewal_rate": 60,
                      "set_by": "ignored"}},
            "b": {"api_id": "b", "limit": {"rate": 0, "per": 0}}}})");
    QVERIFY(s.has_value());
    QVERIFY(s->access("a")->limit.has_value());
    QCOMPARE(s->access("a")->limit->rate, 5.0);
    QCOMPARE(s->access("a")->limit->quotaMax, 10LL);
    QVERIFY(!s->access("a")->limit->isEmpty());
    QVERIFY(s->access("b")->limit->isEmpty()); // all zero: "use the session's"
    QVERIFY(s->access("c") == nullptr);
}

void TestSession::rejectsWrongTypes_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("where");
    QTest::newRow("not json") << "{"
                              << "not valid JSON";
    QTest::newRow("array") << "[]"
                           << "object";
    QTest::newRow("rate string") << R"({"rate": "10"})"
                                 << "rate";
    QTest::newRow("expires fraction") << R"({"expires": 1.5})"
                                      << "expires";
    QTest::newRow("rights array") << R"({"access_rights": []})"
                                  << "access_rights";
    QTest::newRow("right not object") << R"({"access_rights": {"1": 3}})"
                                      << "access_rights.1";
    QTest::newRow("limit array") << R"({"access_rights": {"1": {"limit": []}}})"
                                 << "access_rights.1.limit";
    QTest::newRow("tags of numbers") << R"({"tags": [1]})"
                                     << "tags.0";
    QTest::newRow("inactive string") << R"({"is_inactive": "yes"})"
                                     << "is_inactive";
}

void TestSession::rejectsWrongTypes()
{
    QFETCH(QString, body);
    QFETCH(QString, where);
    std::string error;
    QVERIFY(!parseSession(body.toStdString(), &error).has_value());
    QVERIFY2(error.find(where.toStdString()) != std::string::npos, error.c_str());
}

void TestSession::writesIntegralNumbersAsIntegers()
{
    Session s;
    s.rate = 100000;
    s.per = 0.5;
    s.quotaRenews = 1568655187;
    const Json j = Json::parse(serializeSession(s));
    QVERIFY(j["rate"].is_number_integer());
    QVERIFY(j["per"] == Json(0.5));
    QVERIFY(j["quota_renews"] == Json(1568655187));
    QVERIFY(j["access_rights"].is_object());
    QVERIFY(j["meta_data"].is_null());
    // Accepted on the way in: 1e3 and 1568655187.0 are integers.
    QCOMPARE(parseSession(R"({"expires": 1568655187.0, "quota_max": 1e3})")->quotaMax, 1000LL);
}

// Keys as Tyk makes and hashes them. The expected digests were computed with Tyk's own hash
// code (github.com/TykTechnologies/murmur3: New32 as Tyk links it, New64, New128; Go's
// crypto/sha256), through internal/crypto/hash.go's HashStr rules.
void TestSession::keyGenerationAndHashing()
{
    QCOMPARE(sha256Hex("abc"),
             std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    // Not a token: murmur32 as Tyk computes it (whole 4-byte blocks only).
    QCOMPARE(keyHash(""), std::string("00000000"));
    QCOMPARE(keyHash("abc"), std::string("00000000"));
    QCOMPARE(keyHash("hello"), std::string("ef13efcd"));
    QCOMPARE(keyHash("hello, world"), std::string("98b32401"));
    QCOMPARE(keyHash("default0123456789abcdef0123456789abcdef"), std::string("325fb483"));
    // A token names its hash: {"org":"default","id":"4321cba","h":"murmur64"}.
    const std::string token = "eyJvcmciOiJkZWZhdWx0IiwiaWQiOiI0MzIxY2JhIiwiaCI6Im11cm11cjY0In0=";
    QCOMPARE(generateKey("default", KeyHashFunction::Murmur64, "4321cba"), token);
    QCOMPARE(keyHash(token), std::string("6848e3f93285dfe3"));
    // The same id with murmur128 and sha256 (the digests of those tokens' bytes).
    const std::string t128 = generateKey("default", KeyHashFunction::Murmur128, "4321cba");
    QCOMPARE(keyHash(t128).size(), std::size_t(32));
    const std::string t256 = generateKey("default", KeyHashFunction::Sha256, "4321cba");
    QCOMPARE(keyHash(t256), sha256Hex(t256));
    const std::string t32 = generateKey("default", KeyHashFunction::Murmur32, "4321cba");
    QCOMPARE(keyHash(t32).size(), std::size_t(8));
    // Broken base64 after "ey" is not a token: murmur32 (Tyk's TestMurmur3CharBug: a token with
    // "abc" appended hashes as the token itself under murmur32, so it is accepted there too).
    QCOMPARE(keyHash(token + "abc"), std::string("8fbbed8c"));
    // An unknown "h" is murmur32 (hash.go:30-32).
    const std::string wrong =
        QByteArray(R"({"org":"default","id":"x","h":"md5"})").toBase64().toStdString();
    QCOMPARE(keyHash(wrong).size(), std::size_t(8));
    // Legacy keys: org_id + a UUIDv4 in 32 hex characters; 1000 of them all differ.
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string key = generateKey("default", KeyHashFunction::Legacy);
        QCOMPARE(key.size(), std::string("default").size() + 32);
        QVERIFY(key.starts_with("default"));
        QVERIFY(key.substr(7).find_first_not_of("0123456789abcdef") == std::string::npos);
        QCOMPARE(key[7 + 12], '4'); // version 4
        seen.insert(key);
    }
    QCOMPARE(seen.size(), std::size_t(1000));
    QVERIFY(generateKey("default", KeyHashFunction::Murmur64).starts_with("ey"));
    QCOMPARE(storageIdFor("hello", true), std::string("ef13efcd"));
    QCOMPARE(storageIdFor("k", false), std::string("k"));
    QCOMPARE(logName(sha256Hex("abc")), std::string("ba7816bf"));
    QCOMPARE(parseKeyHashFunction("murmur128"), std::optional(KeyHashFunction::Murmur128));

    // Tyk's TokenOrg (internal/crypto/token.go:70-90): a token's "org", a legacy key's leading
    // 24-hex Mongo id, else nothing.
    QCOMPARE(tokenOrg(token), std::string("default"));
    QCOMPARE(tokenOrg("54de205930c55e15bd000001" + std::string(32, 'a')),
             std::string("54de205930c55e15bd000001"));
    QCOMPARE(tokenOrg("default0123456789abcdef0123456789abcdef"), std::string());
    // A name becomes the org's token (generateToken, gateway/auth_manager.go:243-260), a
    // leading org_id dropped first.
    QCOMPARE(keyForName("default", "4321cba", KeyHashFunction::Murmur64), token);
    QCOMPARE(keyForName("default", "default4321cba", KeyHashFunction::Murmur64), token);
    QCOMPARE(keyForName("default", "mine", KeyHashFunction::Legacy), std::string("defaultmine"));
    // SessionDetail's order (auth_manager.go:181-199): the name's token, the name, fallbacks.
    QVERIFY(keysToTry(token, "default", KeyHashFunction::Murmur64, {}) ==
            std::vector<std::string>{token});
    QVERIFY(
        keysToTry("4321cba", "default", KeyHashFunction::Murmur64, {KeyHashFunction::Murmur128}) ==
        (std::vector<std::string>{token, "4321cba",
                                  generateKey("default", KeyHashFunction::Murmur128, "4321cba")}));
    QVERIFY(keysToTry("mine", "", KeyHashFunction::Legacy, {}) == std::vector<std::string>{"mine"});
    QVERIFY(!parseKeyHashFunction("md5"));
}

void TestSession::tokenSources_data()
{
    QTest::addColumn<bool>("useParam");
    QTest::addColumn<bool>("useCookie");
    QTest::addColumn<bool>("disableHeader");
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("cookie");
    QTest::addColumn<QString>("expected");
    QTest::newRow("header") << false << false << false << "abc"
                            << ""
                            << ""
                            << "abc";
    QTest::newRow("bearer") << false << false << false << "Bearer abc"
                            << ""
                            << ""
                            << "abc";
    QTest::newRow("bearer lower") << false << false << false << "bearer  abc "
                                  << ""
                                  << ""
                                  << "abc";
    QTest::newRow("none") << false << false << false << ""
                          << ""
                          << ""
                          << "";
    QTest::newRow("param ignored") << false << false << false << ""
                                   << "authorization=q"
                                   << ""
                                   << "";
    QTest::newRow("param") << true << false << false << ""
                           << "a=1&Authorization=q%2Bx+y"
                           << ""
                           << "q+x y";
    QTest::newRow("param wins") << true << false << false << "h"
                                << "Authorization=q"
                                << ""
                                << "q";
    QTest::newRow("cookie") << false << true << false << ""
                            << ""
                            << "x=1; Authorization=c; y=2"
                            << "c";
    QTest::newRow("header disabled") << false << false << true << "h"
                                     << ""
                                     << ""
                                     << "";
}

void TestSession::tokenSources()
{
    QFETCH(bool, useParam);
    QFETCH(bool, useCookie);
    QFETCH(bool, disableHeader);
    QFETCH(QString, header);
    QFETCH(QString, query);
    QFETCH(QString, cookie);
    QFETCH(QString, expected);
    TokenAuthConfig auth;
    auth.useParam = useParam;
    auth.useCookie = useCookie;
    auth.disableHeader = disableHeader;
    const std::string h = header.toStdString(), q = query.toStdString(), c = cookie.toStdString();
    std::vector<http::Header> fields;
    if (!h.empty())
        fields.push_back({"authorization", h}); // names are case-insensitive
    if (!c.empty())
        fields.push_back({"Cookie", c});
    http::Request r = makeRequest({}, q);
    for (const http::Header& f : fields)
        r.fields[r.headerCount++] = f;
    std::string scratch;
    QCOMPARE(std::string(findToken(r, auth, scratch).token), expected.toStdString());
}

void TestSession::strippingCredentials()
{
    TokenAuthConfig auth;
    auth.useParam = true;
    auth.useCookie = true;
    auth.paramName = "key";
    auth.cookieName = "sid";
    const CredentialLocations l = credentialLocations(auth);
    QCOMPARE(std::string(l.header), std::string("Authorization"));
    QCOMPARE(std::string(l.queryParameter), std::string("key"));
    QCOMPARE(std::string(l.cookie), std::string("sid"));
    QVERIFY(isCredentialHeader("AUTHORIZATION", auth));
    QVERIFY(!isCredentialHeader("X-Other", auth));
    QCOMPARE(removeQueryParameter("a=1&key=s&b=2&k%65y=t", "key"), std::string("a=1&b=2"));
    QCOMPARE(removeQueryParameter("key=s", "key"), std::string());
    QCOMPARE(removeCookie("a=1; sid=secret; b=2", "sid"), std::string("a=1; b=2"));
    QCOMPARE(removeCookie("sid=secret", "sid"), std::string());

    // The questions the proxy asks on every request, and the rewrites into reused storage.
    QVERIFY(hasQueryParameter("a=1&key=s", "key"));
    QVERIFY(hasQueryParameter("k%65y=s", "key"));
    QVERIFY(hasQueryParameter("a&key", "key")); // a bare name is a pair too
    QVERIFY(!hasQueryParameter("a=key&keys=1&xkey=2", "key"));
    QVERIFY(!hasQueryParameter("", "key"));
    QVERIFY(hasCookie("a=1;  sid=x ; b=2", "sid"));
    QVERIFY(!hasCookie("a=sid; sids=1; xsid=2", "sid"));
    std::string out = "stale";
    removeQueryParameter("key=s&a=1&key=t&b=%20", "key", out);
    QCOMPARE(out, std::string("a=1&b=%20"));
    removeCookie("x=1;sid=s;y=2", "sid", out);
    QCOMPARE(out, std::string("x=1; y=2"));
    removeCookie("sid=s", "sid", out);
    QCOMPARE(out, std::string());
}

void TestSession::cacheInvalidation()
{
    SessionCache cache(64);
    const auto make = [](std::string id) {
        auto e = std::make_shared<CachedSession>();
        e->storageId = std::move(id);
        return SessionHandle(std::move(e));
    };
    std::uint64_t g = cache.generation();
    cache.insert("token-a", make(sha256Hex("token-a")), g);
    QVERIFY(cache.find("token-a") != nullptr);
    QVERIFY(cache.find("token-b") == nullptr);
    QVERIFY(cache.find("token-") == nullptr);
    // By storage id (an admin call naming the key by its hash).
    cache.invalidate(sha256Hex("token-a"));
    QVERIFY(cache.find("token-a") == nullptr);
    // A load that started before an invalidation is not inserted.
    g = cache.generation();
    cache.invalidate("something-else");
    cache.insert("token-a", make(sha256Hex("token-a")), g);
    QVERIFY(cache.find("token-a") == nullptr);
    // Bounded: the oldest entries give way.
    for (int i = 0; i < 1000; ++i) {
        const std::string n = std::to_string(i); // (GCC 12 misreads "t" + to_string: -Wrestrict)
        cache.insert(std::string("t").append(n), make(std::string("id").append(n)),
                     cache.generation());
    }
    QVERIFY(cache.size() <= 64);
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
