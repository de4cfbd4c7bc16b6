// The access check of every request: each answer (missing, unknown, no rights, inactive,
// expired, allowed) for both stores, tokens from header / query / cookie, expiry and quota
// renewal on an injected clock (and in real time through Redis), rate limits with their
// headers, the per-API limit winning over the session's, the API-wide global limit,
// disable_rate_limit / disable_quota, keyless APIs, and a down store: 503 for keys that cannot
// be checked, cached keys still served.

#include "gateway/access/gateway_features.h"
#include "gateway/keys/key_hash.h"
#include "gateway/storage/clock.h"
#include "support/access_support.h"
#include "support/redis_fixture.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gb::gateway;
using namespace gb::test;
using Json = nlohmann::json;
namespace http = gb::http;

namespace QTest {
template <>
inline char* toString(const AccessOutcome& o)
{
    return qstrdup(std::string(accessOutcomeName(o)).c_str());
}
} // namespace QTest

namespace {

Json sessionFor(std::initializer_list<std::string> apis)
{
    Json s = Json::parse(R"({"rate": 1000, "per": 1, "quota_max": -1, "org_id": "default"})");
    s["access_rights"] = Json::object();
    for (const std::string& api : apis)
        s["access_rights"][api] = Json{{"api_id", api},
                                       {"api_name", "API " + api},
                                       {"versions", {"Default"}},
                                       {"limit", nullptr}};
    return s;
}

} // namespace

class TestAccessControl : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void answers_data();
    void answers();
    void tokenLocations();
    void expiry();
    void quotaRenewal();
    void quotaRenewalThroughRedis();
    void rateLimitAndHeaders_data();
    void rateLimitAndHeaders();
    void perApiLimitWins();
    void globalRateLimit();
    void disabledLimitsAndKeyless();
    void storeDown();
    void concurrentMissesShareOneRead();

private:
    std::unique_ptr<GatewayFeatures> make(bool redis, const Clock* clock = nullptr);
    std::string createKey(GatewayFeatures& f, const Json& session, std::string name = {});

    RedisServer m_redis;
    boost::asio::io_context m_io;
};

void TestAccessControl::initTestCase()
{
    QVERIFY2(m_redis.start(), qPrintable(m_redis.error()));
}

void TestAccessControl::init()
{
    if (!m_redis.running())
        QVERIFY(m_redis.restart());
    m_redis.command({"FLUSHALL"});
}

std::unique_ptr<GatewayFeatures> TestAccessControl::make(bool redis, const Clock* clock)
{
    GatewayConfig config;
    if (redis) {
        config.storage.type = StorageType::Redis;
        config.storage.host = "127.0.0.1";
        config.storage.port = m_redis.port();
        config.storage.timeout = std::chrono::seconds(1);
    }
    FeaturesOptions options;
    options.log = false;
    options.clock = clock;
    auto f = std::make_unique<GatewayFeatures>(config, options);
    f->start();
    if (!f->waitForStorage(2s))
        return nullptr;
    return f;
}

std::string TestAccessControl::createKey(GatewayFeatures& f, const Json& session, std::string name)
{
    const AdminResponse r =
        adminCall(f.keyAdmin(), m_io, "POST",
                  name.empty() ? "/tyk/keys/create" : "/tyk/keys/" + name, session.dump());
    if (r.status != 200)
        return {};
    return Json::parse(r.body)["key"];
}

void TestAccessControl::answers_data()
{
    QTest::addColumn<bool>("redis");
    QTest::newRow("memory") << false;
    QTest::newRow("redis") << true;
}

void TestAccessControl::answers()
{
    QFETCH(bool, redis);
    auto f = make(redis);
    QVERIFY(f);
    const ApiDefinition api2 = makeApi("2");
    const ApiDefinition api3 = makeApi("3");
    const std::string key = createKey(*f, sessionFor({"2"}));
    QVERIFY(!key.empty());
    Json inactive = sessionFor({"2"});
    inactive["is_inactive"] = true;
    const std::string inactiveKey = createKey(*f, inactive);
    Json expired = sessionFor({"2"});
    expired["expires"] = 1; // 1970
    const std::string expiredKey = createKey(*f, expired);

    struct Case
    {
        const ApiDefinition* api;
        std::string token;
        AccessOutcome outcome;
        int status;
        std::string_view message;
    };
    const std::vector<Case> cases{
        {&api2, "", AccessOutcome::KeyMissing, 401, "Authorization field missing"},
        {&api2, "no-such-key", AccessOutcome::KeyUnknown, 403,
         "Access to this API has been disallowed"},
        {&api3, key, AccessOutcome::KeyUnknown, 403, "Access to this API has been disallowed"},
        {&api2, inactiveKey, AccessOutcome::KeyInactive, 403, "Key is inactive, please renew"},
        {&api2, expiredKey, AccessOutcome::KeyExpired, 401, "Key has expired, please renew"},
        {&api2, key, AccessOutcome::Allowed, 200, ""},
    };
    for (int round = 0; round < 2; ++round) { // the second round is served from the cache
        for (const Case& c : cases) {
            const CheckResult r = checkToken(f->access(), *c.api, c.token, m_io);
            QVERIFY(r.answered);
            QCOMPARE(r.decision.outcome, c.outcome);
            QCOMPARE(r.decision.status(), c.status);
            if (c.status == 200) {
                QVERIFY(r.decision.body().empty());
                QVERIFY(r.decision.session != nullptr);
                QCOMPARE(r.decision.session->keyHash, keyHash(key));
            } else {
                // Tyk's error template, byte for byte.
                QCOMPARE(std::string(r.decision.body()),
                         "{\n    \"error\": \"" + std::string(c.message) + "\"\n}");
            }
        }
    }
    // Known keys are answered at once from the cache (no deferral) once loaded.
    QVERIFY(!checkToken(f->access(), api2, key, m_io).deferred);
    const auto counts = f->access().counts();
    QVERIFY(counts[static_cast<std::size_t>(AccessOutcome::Allowed)] >= 3);
    std::string metrics;
    f->appendMetrics(metrics);
    QVERIFY(metrics.find("gatebench_access_decisions_total{outcome=\"key_missing\"} 2") !=
            std::string::npos);
}

void TestAccessControl::tokenLocations()
{
    auto f = make(false);
    QVERIFY(f);
    // A key name (Tyk files it as org_id + name, gateway/auth_manager.go:243-260); clients
    // present the name, found in the API's organisation (SessionDetail, auth_manager.go:173-211).
    const std::string key = createKey(*f, sessionFor({"q"}), "k+1%2F2");
    QCOMPARE(key, std::string("defaultk+1/2"));
    ApiDefinition api = makeApi("q");
    api.auth.headerName = "X-Api-Key";
    api.auth.useParam = true;
    api.auth.paramName = "key";
    api.auth.useCookie = true;
    api.auth.cookieName = "session";

    const auto run = [&](std::initializer_list<http::Header> headers, std::string_view query) {
        http::Request r;
        r.method = "GET";
        r.path = "/q/";
        r.query = query;
        for (const http::Header& h : headers)
            r.fields[r.headerCount++] = h;
        AccessDecision out;
        std::optional<AccessDecision> later;
        if (!f->access().check(AccessQuery{api, r, m_io, 0}, out,
                               [&](AccessDecision d) { later = std::move(d); })) {
            runUntil(m_io, [&] { return later.has_value(); });
            out = *later;
        }
        return out.outcome;
    };
    QCOMPARE(run({{"X-Api-Key", "Bearer k+1/2"}}, ""), AccessOutcome::Allowed);
    QCOMPARE(run({{"Authorization", "k+1/2"}}, ""), AccessOutcome::KeyMissing);
    QCOMPARE(run({}, "a=b&key=k%2B1%2F2"), AccessOutcome::Allowed);
    QCOMPARE(run({{"Cookie", "x=y; session=k+1/2"}}, ""), AccessOutcome::Allowed);
    QCOMPARE(run({{"X-Api-Key", "wrong"}}, "key=k%2B1%2F2"), AccessOutcome::Allowed); // later wins
    QCOMPARE(run({}, ""), AccessOutcome::KeyMissing);
}

void TestAccessControl::expiry()
{
    ManualClock clock;
    auto f = make(false, &clock);
    QVERIFY(f);
    Json s = sessionFor({"2"});
    s["expires"] = clock.unixMs() / 1000 + 10;
    const std::string key = createKey(*f, s);
    const ApiDefinition api = makeApi("2");
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    clock.advanceMs(9'000);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    clock.advanceMs(1'000);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::KeyExpired);
}

void TestAccessControl::quotaRenewal()
{
    ManualClock clock;
    auto f = make(false, &clock);
    QVERIFY(f);
    Json s = sessionFor({"2"});
    s["quota_max"] = 3;
    s["quota_renewal_rate"] = 60;
    const std::string key = createKey(*f, s);
    const ApiDefinition api = makeApi("2");
    for (int i = 0; i < 3; ++i) {
        const AccessDecision d = checkToken(f->access(), api, key, m_io).decision;
        QCOMPARE(d.outcome, AccessOutcome::Allowed);
    }
    const AccessDecision refused = checkToken(f->access(), api, key, m_io).decision;
    QCOMPARE(refused.outcome, AccessOutcome::QuotaExceeded);
    QCOMPARE(refused.status(), 403); // Tyk's handleQuotaFailure (gateway/mw_rate_limiting.go:47)
    QCOMPARE(std::string(refused.body()), std::string("{\n    \"error\": \"Quota exceeded\"\n}"));
    QCOMPARE(refused.rate.limit, 3ULL);
    QCOMPARE(refused.rate.remaining, 0ULL);
    QCOMPARE(refused.rate.retryAfterSeconds, 60LL);

    // The admin API shows the live counter.
    Json got = Json::parse(adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys/" + key).body);
    QVERIFY(got["quota_remaining"] == 0);
    QVERIFY(got["quota_renews"] == clock.unixMs() / 1000 + 60);

    clock.advanceMs(59'000);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome,
             AccessOutcome::QuotaExceeded);
    clock.advanceMs(1'000);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    got = Json::parse(adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys/" + key).body);
    QVERIFY(got["quota_remaining"] == 2);

    // An update without suppress_reset starts a new period; with it, the count carries on.
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    QCOMPARE(adminCall(f->keyAdmin(), m_io, "PUT", "/tyk/keys/" + key, s.dump(), "suppress_reset=1")
                 .status,
             200);
    got = Json::parse(adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys/" + key).body);
    QVERIFY(got["quota_remaining"] == 1);
    QCOMPARE(adminCall(f->keyAdmin(), m_io, "PUT", "/tyk/keys/" + key, s.dump()).status, 200);
    got = Json::parse(adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys/" + key).body);
    QVERIFY2(got["quota_remaining"] == 3, got.dump().c_str());
}

void TestAccessControl::quotaRenewalThroughRedis()
{
    auto f = make(true);
    QVERIFY(f);
    Json s = sessionFor({"2"});
    s["quota_max"] = 3;
    s["quota_renewal_rate"] = 1;
    const std::string key = createKey(*f, s);
    const ApiDefinition api = makeApi("2");
    for (int i = 0; i < 3; ++i)
        QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome,
             AccessOutcome::QuotaExceeded);
    // Tyk's counter layout: quota-<hash> holds the count used, expiring with the period.
    const std::string counter = "quota-" + keyHash(key);
    QCOMPARE(m_redis.command({"GET", counter}).str, std::string("3"));
    const long long ttl = m_redis.command({"PTTL", counter}).integer;
    QVERIFY2(ttl > 0 && ttl <= 1000, std::to_string(ttl).c_str());
    QVERIFY(Json::parse(adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys/" + key)
                            .body)["quota_remaining"] == 0);

    // Renewed when the period ends (bounded wait).
    bool renewed = false;
    const auto end = std::chrono::steady_clock::now() + 3s;
    while (!renewed && std::chrono::steady_clock::now() < end) {
        std::this_thread::sleep_for(50ms);
        renewed = checkToken(f->access(), api, key, m_io).decision.allowed();
    }
    QVERIFY(renewed);
}

void TestAccessControl::rateLimitAndHeaders_data()
{
    answers_data();
}

void TestAccessControl::rateLimitAndHeaders()
{
    QFETCH(bool, redis);
    auto f = make(redis);
    QVERIFY(f);
    Json s = sessionFor({"2"});
    s["rate"] = 5;
    s["per"] = 60;
    const std::string key = createKey(*f, s);
    const ApiDefinition api = makeApi("2");
    for (int i = 0; i < 5; ++i) {
        const AccessDecision d = checkToken(f->access(), api, key, m_io).decision;
        QCOMPARE(d.outcome, AccessOutcome::Allowed);
        QVERIFY(d.rate.present);
        QCOMPARE(d.rate.limit, 5ULL);
        QCOMPARE(d.rate.remaining, static_cast<unsigned long long>(4 - i));
    }
    const AccessDecision d = checkToken(f->access(), api, key, m_io).decision;
    QCOMPARE(d.outcome, AccessOutcome::RateLimited);
    QCOMPARE(d.status(), 429);
    QCOMPARE(std::string(d.body()), std::string("{\n    \"error\": \"Rate Limit Exceeded\"\n}"));
    // rate_limit_response_headers "rate_limits" (internal/rate/headers.go:79-95): the window.
    const RateLimitHeaders headers(d, RateLimitHeaderSource::RateLimits, "2");
    QCOMPARE(headers.headers().size(), std::size_t(4));
    QCOMPARE(std::string(headers.headers()[0].name), std::string("X-Ratelimit-Limit"));
    QCOMPARE(std::string(headers.headers()[0].value), std::string("5"));
    QCOMPARE(std::string(headers.headers()[1].name), std::string("X-Ratelimit-Remaining"));
    QCOMPARE(std::string(headers.headers()[1].value), std::string("0"));
    QCOMPARE(std::string(headers.headers()[2].name), std::string("X-Ratelimit-Reset"));
    const long long reset = std::stoll(std::string(headers.headers()[2].value));
    const long long now = SystemClock::instance().unixMs() / 1000;
    QVERIFY(reset > now && reset <= now + 61);
    QCOMPARE(std::string(headers.headers()[3].name), std::string("Retry-After"));
    const long long retry = std::stoll(std::string(headers.headers()[3].value));
    QVERIFY(retry >= 59 && retry <= 60);
    // An allowed decision carries no Retry-After.
    AccessDecision ok;
    ok.rate = d.rate;
    QCOMPARE(RateLimitHeaders(ok, RateLimitHeaderSource::RateLimits, "2").headers().size(),
             std::size_t(3));
    // Tyk's default, "quotas" (headers.go:56-68): nothing on a refusal; on an answer the key's
    // quota, here unlimited: quota_max -1 as the session holds it; 0, 0, 0 without a key.
    QCOMPARE(RateLimitHeaders(d, RateLimitHeaderSource::Quotas, "2").headers().size(),
             std::size_t(0));
    const AccessDecision allowed =
        checkToken(f->access(), makeApi("2"), createKey(*f, s), m_io).decision;
    const RateLimitHeaders quota(allowed, RateLimitHeaderSource::Quotas, "2");
    QCOMPARE(quota.headers().size(), std::size_t(3));
    QCOMPARE(std::string(quota.headers()[0].value), std::to_string(s.value("quota_max", 0)));
    QCOMPARE(
        std::string(RateLimitHeaders(ok, RateLimitHeaderSource::Quotas, "2").headers()[0].value),
        std::string("0"));
}

void TestAccessControl::perApiLimitWins()
{
    auto f = make(false);
    QVERIFY(f);
    Json s = sessionFor({"a", "b"});
    s["rate"] = 1000;
    s["access_rights"]["a"]["limit"] = Json{{"rate", 2}, {"per", 60}};
    const std::string key = createKey(*f, s);
    const ApiDefinition a = makeApi("a");
    const ApiDefinition b = makeApi("b");
    QCOMPARE(checkToken(f->access(), a, key, m_io).decision.outcome, AccessOutcome::Allowed);
    QCOMPARE(checkToken(f->access(), a, key, m_io).decision.outcome, AccessOutcome::Allowed);
    const AccessDecision d = checkToken(f->access(), a, key, m_io).decision;
    QCOMPARE(d.outcome, AccessOutcome::RateLimited);
    QCOMPARE(d.rate.limit, 2ULL);
    // API b uses the session's own limit, untouched by a's counter.
    for (int i = 0; i < 10; ++i)
        QCOMPARE(checkToken(f->access(), b, key, m_io).decision.outcome, AccessOutcome::Allowed);
}

void TestAccessControl::globalRateLimit()
{
    auto f = make(false);
    QVERIFY(f);
    ApiDefinition api = makeApi("g");
    api.globalRateLimit = RateLimit{3, 60};
    const std::string k1 = createKey(*f, sessionFor({"g"}));
    const std::string k2 = createKey(*f, sessionFor({"g"}));
    QCOMPARE(checkToken(f->access(), api, k1, m_io).decision.outcome, AccessOutcome::Allowed);
    QCOMPARE(checkToken(f->access(), api, k2, m_io).decision.outcome, AccessOutcome::Allowed);
    QCOMPARE(checkToken(f->access(), api, k1, m_io).decision.outcome, AccessOutcome::Allowed);
    const AccessDecision d = checkToken(f->access(), api, k2, m_io).decision;
    QCOMPARE(d.outcome, AccessOutcome::ApiRateLimited);
    QCOMPARE(d.status(), 429);
    // Tyk's RateLimitForAPI answer (gateway/mw_api_rate_limit.go:131).
    QCOMPARE(std::string(d.body()),
             std::string("{\n    \"error\": \"API Rate Limit Exceeded\"\n}"));
    QCOMPARE(d.rate.limit, 3ULL);
    // Keyless APIs are limited by it too.
    ApiDefinition open = makeApi("open", true);
    open.globalRateLimit = RateLimit{1, 60};
    QCOMPARE(checkToken(f->access(), open, "", m_io).decision.outcome, AccessOutcome::Allowed);
    QCOMPARE(checkToken(f->access(), open, "", m_io).decision.outcome,
             AccessOutcome::ApiRateLimited);
}

void TestAccessControl::disabledLimitsAndKeyless()
{
    auto f = make(false);
    QVERIFY(f);
    Json s = sessionFor({"2"});
    s["rate"] = 1;
    s["per"] = 60;
    s["quota_max"] = 1;
    s["quota_renewal_rate"] = 60;
    const std::string key = createKey(*f, s);
    ApiDefinition api = makeApi("2");
    api.disableRateLimit = true;
    api.disableQuota = true;
    for (int i = 0; i < 5; ++i)
        QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    api.disableQuota = false;
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome,
             AccessOutcome::QuotaExceeded);

    const ApiDefinition open = makeApi("open", true);
    const CheckResult r = checkToken(f->access(), open, "", m_io);
    QCOMPARE(r.decision.outcome, AccessOutcome::Allowed);
    QVERIFY(!r.deferred);
    QVERIFY(r.decision.session == nullptr);
    QVERIFY(!r.decision.rate.present);
}

void TestAccessControl::storeDown()
{
    auto f = make(true);
    QVERIFY(f);
    const std::string key = createKey(*f, sessionFor({"2"}));
    const ApiDefinition api = makeApi("2");
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);

    m_redis.kill();
    // Known key: still served from the cache. Unknown: 503, at once (the client knows it is down).
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
        const CheckResult unknown =
            checkToken(f->access(), api, "unknown-" + std::to_string(i), m_io);
        QVERIFY(unknown.answered);
        QVERIFY2(unknown.decision.outcome == AccessOutcome::StoreUnavailable ||
                     (i == 0 && unknown.decision.outcome == AccessOutcome::KeyUnknown),
                 accessOutcomeName(unknown.decision.outcome).data());
        QVERIFY(unknown.waited < 1100ms);
        if (i > 0)
            QCOMPARE(unknown.decision.status(), 503);
    }
    // Frozen rather than dead: the answer comes within storage.timeout.
    QVERIFY(m_redis.restart());
    QVERIFY(f->waitForStorage(3s));
    m_redis.pause();
    const CheckResult frozen = checkToken(f->access(), api, "unknown-frozen", m_io);
    QVERIFY(frozen.answered);
    QCOMPARE(frozen.decision.outcome, AccessOutcome::StoreUnavailable);
    QVERIFY2(
        frozen.waited < 1150ms,
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(frozen.waited).count())
            .c_str());
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    m_redis.resume();
}

void TestAccessControl::concurrentMissesShareOneRead()
{
    auto f = make(true);
    QVERIFY(f);
    const std::string key = createKey(*f, sessionFor({"2"}));
    ApiDefinition api = makeApi("2");
    api.disableRateLimit = true; // no Lua scripts: their GETs would count below
    // A command an earlier case sent to a stopped Redis may still wait in a socket of a client
    // now gone; after SIGCONT, Redis can read it in the same turn as a RESETSTAT and count it.
    // A round trip first: Redis reads every socket that was ready before it answers.
    m_redis.command({"PING"});
    m_redis.command({"CONFIG", "RESETSTAT"});
    int answered = 0;
    for (int i = 0; i < 50; ++i) {
        AccessDecision out;
        if (f->access().checkToken(api, key, m_io, 0, out, [&](AccessDecision d) {
                QCOMPARE(d.outcome, AccessOutcome::Allowed);
                ++answered;
            }))
            ++answered;
    }
    QVERIFY(runUntil(m_io, [&] { return answered == 50; }));
    const std::string stats = m_redis.command({"INFO", "commandstats"}).str;
    // One read (an MGET of the names the key may be filed under), and nothing else.
    QVERIFY2(stats.find("cmdstat_mget:calls=1,") != std::string::npos, stats.c_str());
    QVERIFY2(stats.find("cmdstat_get:") == std::string::npos, stats.c_str());
}

QTEST_GUILESS_MAIN(TestAccessControl)
#include "tst_access_control.moc"
