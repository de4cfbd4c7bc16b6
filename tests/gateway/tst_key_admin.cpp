// Tyk's /tyk/keys API through KeyAdmin, against the in-memory store and a real redis-server:
// the issue's curl body verbatim, create / custom / get / update / delete / list with Tyk's
// answers, hashed keys (no raw key anywhere in Redis), hash_keys off, errors, the store down,
// and that every change reaches this process's session cache.

#include "gateway/access/gateway_features.h"
#include "gateway/keys/key_hash.h"
#include "support/access_support.h"
#include "support/redis_fixture.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gb::gateway;
using namespace gb::test;
using Json = nlohmann::json;

namespace {

constexpr std::string_view kCurlBody =
    R"({"access_rights": {"2": {"allowed_urls": [], "api_id": "2", "api_name": "Tyk Auth API",
    "limit": null, "versions": ["Default"]}}, "allowance": 100000, "expires": 0, "org_id": "default",
    "per": 1, "quota_max": -1, "quota_remaining": -1, "quota_renewal_rate": -1,
    "quota_renews": 1568655187, "rate": 100000, "throttle_interval": -1, "throttle_retry_limit": -1})";

Json body(const AdminResponse& r)
{
    return Json::parse(r.body, nullptr, false);
}

} // namespace

class TestKeyAdmin : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void createWithTheIssueBody_data();
    void createWithTheIssueBody();
    void crud_data();
    void crud();
    void listAndHashes_data();
    void listAndHashes();
    void errors_data();
    void errors();
    void changesReachTheCache_data();
    void changesReachTheCache();
    void hashedKeysAtRest();
    void storeDown();

private:
    std::unique_ptr<GatewayFeatures> make(bool redis, bool hashKeys = true,
                                          bool listHashes = false);
    void addStoreColumn();

    RedisServer m_redis;
    boost::asio::io_context m_io;
};

void TestKeyAdmin::initTestCase()
{
    QVERIFY2(m_redis.start(), qPrintable(m_redis.error()));
}

void TestKeyAdmin::init()
{
    if (!m_redis.running())
        QVERIFY(m_redis.restart());
    m_redis.command({"FLUSHALL"});
}

void TestKeyAdmin::addStoreColumn()
{
    QTest::addColumn<bool>("redis");
}

std::unique_ptr<GatewayFeatures> TestKeyAdmin::make(bool redis, bool hashKeys, bool listHashes)
{
    GatewayConfig config;
    config.hashKeys = hashKeys;
    config.enableHashedKeysListing = listHashes;
    if (redis) {
        config.storage.type = StorageType::Redis;
        config.storage.host = "127.0.0.1";
        config.storage.port = m_redis.port();
        config.storage.timeout = std::chrono::seconds(1);
    }
    FeaturesOptions options;
    options.log = false;
    auto f = std::make_unique<GatewayFeatures>(config, options);
    f->start();
    if (!f->waitForStorage(2s))
        return nullptr;
    return f;
}

void TestKeyAdmin::createWithTheIssueBody_data()
{
    addStoreColumn();
    QTest::newRow("memory") << false;
    QTest::newRow("redis") << true;
}

void TestKeyAdmin::createWithTheIssueBody()
{
    QFETCH(bool, redis);
    auto f = make(redis);
    QVERIFY(f);
    const AdminResponse created =
        adminCall(f->keyAdmin(), m_io, "POST", "/tyk/keys/create", kCurlBody);
    QCOMPARE(created.status, 200);
    const Json j = body(created);
    QVERIFY2(j.is_object(), created.body.c_str());
    const std::string key = j["key"];
    QVERIFY(j["status"] == "ok");
    QVERIFY(j["action"] == "added");
    QVERIFY(j["key_hash"] == keyHash(key));
    // org_id + 32 hex characters.
    QCOMPARE(key.size(), std::size_t(7 + 32));
    QVERIFY(key.starts_with("default"));
    // Tyk's member order in the answer.
    QVERIFY(created.body.find("\"key\"") < created.body.find("\"status\""));
    QVERIFY(created.body.find("\"status\"") < created.body.find("\"action\""));

    const AdminResponse got = adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys/" + key);
    QCOMPARE(got.status, 200);
    const Json s = body(got);
    QVERIFY(s["rate"] == 100000);
    QVERIFY(s["org_id"] == "default");
    QVERIFY(s["access_rights"]["2"]["api_name"] == "Tyk Auth API");
    QVERIFY(s["access_rights"]["2"]["limit"].is_null());
    QVERIFY(s["quota_max"] == -1);
    QVERIFY(!s["date_created"].get<std::string>().empty());

    // And it opens API 2.
    const ApiDefinition api = makeApi("2");
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    // POST /tyk/keys creates too.
    const AdminResponse second = adminCall(f->keyAdmin(), m_io, "POST", "/tyk/keys", kCurlBody);
    QCOMPARE(second.status, 200);
    QVERIFY(body(second)["key"] != key);
}

void TestKeyAdmin::crud_data()
{
    createWithTheIssueBody_data();
}

void TestKeyAdmin::crud()
{
    QFETCH(bool, redis);
    auto f = make(redis);
    QVERIFY(f);
    KeyAdmin& admin = f->keyAdmin();

    // A key of your naming: Tyk's generateToken files it in the body's organisation, as
    // org_id + name for legacy keys (gateway/api.go:612, auth_manager.go:243-260).
    AdminResponse r = adminCall(admin, m_io, "POST", "/tyk/keys/my-custom-key", kCurlBody);
    QCOMPARE(r.status, 200);
    QVERIFY(body(r)["key"] == "defaultmy-custom-key");
    QVERIFY(body(r)["key_hash"] == keyHash("defaultmy-custom-key"));

    // Update by name: found in the body's organisation (SessionDetail, auth_manager.go:173-211);
    // the answer names the key, says "modified" and carries no key_hash (as Tyk).
    Json updated = Json::parse(kCurlBody);
    updated["rate"] = 7;
    updated["alias"] = "renamed";
    r = adminCall(admin, m_io, "PUT", "/tyk/keys/my-custom-key", updated.dump());
    QCOMPARE(r.status, 200);
    QVERIFY(body(r)["action"] == "modified");
    QVERIFY(body(r)["key"] == "defaultmy-custom-key");
    QVERIFY(!body(r).contains("key_hash"));
    // A GET names the organisation with ?org_id; without it the name is looked up as a key.
    QCOMPARE(adminCall(admin, m_io, "GET", "/tyk/keys/my-custom-key").status, 404);
    r = adminCall(admin, m_io, "GET", "/tyk/keys/my-custom-key", {}, "org_id=default");
    QVERIFY(body(r)["rate"] == 7);
    QVERIFY(body(r)["alias"] == "renamed");
    QVERIFY(!body(r)["date_created"].get<std::string>().empty()); // kept from creation

    // By hash.
    const std::string hash = keyHash("defaultmy-custom-key");
    r = adminCall(admin, m_io, "GET", "/tyk/keys/" + hash, {}, "hashed=1");
    QCOMPARE(r.status, 200);
    QVERIFY(body(r)["alias"] == "renamed");

    // Delete, then it is gone.
    r = adminCall(admin, m_io, "DELETE", "/tyk/keys/defaultmy-custom-key");
    QCOMPARE(r.status, 200);
    QVERIFY(body(r) ==
            Json::parse(R"({"key":"defaultmy-custom-key","status":"ok","action":"deleted"})"));
    r = adminCall(admin, m_io, "GET", "/tyk/keys/my-custom-key", {}, "org_id=default");
    QCOMPARE(r.status, 404);
    QVERIFY(body(r) == Json::parse(R"({"status":"error","message":"Key not found"})"));
    r = adminCall(admin, m_io, "DELETE", "/tyk/keys/my-custom-key", {}, "org_id=default");
    QCOMPARE(r.status, 404);
    QVERIFY(body(r)["message"] == "There is no such key found");
    r = adminCall(admin, m_io, "PUT", "/tyk/keys/my-custom-key", kCurlBody);
    QCOMPARE(r.status, 404);
    QVERIFY(body(r)["message"] == "Key is not found");

    // Delete by hash.
    r = adminCall(admin, m_io, "POST", "/tyk/keys/other", kCurlBody);
    QCOMPARE(r.status, 200);
    r = adminCall(admin, m_io, "DELETE", "/tyk/keys/" + keyHash("defaultother"), {}, "hashed=true");
    QCOMPARE(r.status, 200);
    QCOMPARE(adminCall(admin, m_io, "GET", "/tyk/keys/defaultother").status, 404);
}

void TestKeyAdmin::listAndHashes_data()
{
    QTest::addColumn<bool>("redis");
    QTest::addColumn<bool>("hashKeys");
    QTest::newRow("memory hashed") << false << true;
    QTest::newRow("memory raw") << false << false;
    QTest::newRow("redis hashed") << true << true;
    QTest::newRow("redis raw") << true << false;
}

void TestKeyAdmin::listAndHashes()
{
    QFETCH(bool, redis);
    QFETCH(bool, hashKeys);
    if (hashKeys) { // Tyk's default refuses to list hashes (gateway/api.go:1876-1880)
        auto closed = make(redis, true, false);
        QVERIFY(closed);
        const AdminResponse r = adminCall(closed->keyAdmin(), m_io, "GET", "/tyk/keys");
        QCOMPARE(r.status, 404);
        QCOMPARE(body(r)["message"].get<std::string>(),
                 std::string("Hashed key listing is disabled in config "
                             "(enable_hashed_keys_listing)"));
    }
    auto f = make(redis, hashKeys, true);
    QVERIFY(f);
    std::vector<std::string> keys;
    for (int i = 0; i < 3; ++i) {
        const AdminResponse r =
            adminCall(f->keyAdmin(), m_io, "POST", "/tyk/keys/create", kCurlBody);
        QCOMPARE(r.status, 200);
        keys.push_back(body(r)["key"]);
        QCOMPARE(body(r).contains("key_hash"), hashKeys);
    }
    const AdminResponse list = adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys");
    QCOMPARE(list.status, 200);
    const Json listed = body(list)["keys"];
    QCOMPARE(listed.size(), std::size_t(3));
    for (const std::string& key : keys) {
        const std::string expected = hashKeys ? keyHash(key) : key;
        QVERIFY2(std::find(listed.begin(), listed.end(), expected) != listed.end(),
                 list.body.c_str());
        QVERIFY(list.body.find(hashKeys ? key : keyHash(key)) == std::string::npos);
    }
    if (!hashKeys) {
        const AdminResponse filtered = adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys", {},
                                                 "filter=" + keys[0].substr(0, 20));
        QVERIFY(body(filtered)["keys"].size() >= 1);
        // ?hashed needs hash_keys.
        QCOMPARE(adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys/x", {}, "hashed=1").status, 400);
    }
}

void TestKeyAdmin::errors_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("payload");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << "POST"
                              << "/tyk/keys/create"
                              << "{" << 400 << "Request malformed";
    QTest::newRow("wrong type") << "POST"
                                << "/tyk/keys/create"
                                << R"({"rate":"x"})" << 400 << "Request malformed";
    QTest::newRow("no rights") << "POST"
                               << "/tyk/keys/create"
                               << R"({"rate": 1})" << 400
                               << "Failed to create key, keys must have at least one Access "
                                  "Rights record set.";
    QTest::newRow("patch") << "PATCH"
                           << "/tyk/keys/abc"
                           << "" << 405 << "Method not supported";
    QTest::newRow("put collection") << "PUT"
                                    << "/tyk/keys"
                                    << "" << 405 << "Method not supported";
    QTest::newRow("nested path") << "GET"
                                 << "/tyk/keys/a/b"
                                 << "" << 404 << "Not Found";
    QTest::newRow("control char key")
        << "POST"
        << "/tyk/keys/a%0Ab"
        << R"({"access_rights":{"1":{}}})" << 400 << "Invalid key name";
}

void TestKeyAdmin::errors()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, payload);
    QFETCH(int, status);
    QFETCH(QString, message);
    auto f = make(false);
    QVERIFY(f);
    const AdminResponse r = adminCall(f->keyAdmin(), m_io, method.toStdString(), path.toStdString(),
                                      payload.toStdString());
    QCOMPARE(r.status, status);
    const Json j = body(r);
    QVERIFY(j["status"] == "error");
    QCOMPARE(QString::fromStdString(j["message"].get<std::string>()), message);
    QVERIFY(KeyAdmin::handles("/tyk/keys"));
    QVERIFY(KeyAdmin::handles("/tyk/keys/x"));
    QVERIFY(!KeyAdmin::handles("/tyk/keysx"));
    QVERIFY(!KeyAdmin::handles("/tyk/apis"));
}

void TestKeyAdmin::changesReachTheCache_data()
{
    createWithTheIssueBody_data();
}

void TestKeyAdmin::changesReachTheCache()
{
    QFETCH(bool, redis);
    auto f = make(redis);
    QVERIFY(f);
    const ApiDefinition api = makeApi("2");
    const std::string key =
        body(adminCall(f->keyAdmin(), m_io, "POST", "/tyk/keys/create", kCurlBody))["key"];
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);
    QCOMPARE(f->sessionCache().size(), std::size_t(1));

    Json inactive = Json::parse(kCurlBody);
    inactive["is_inactive"] = true;
    QCOMPARE(adminCall(f->keyAdmin(), m_io, "PUT", "/tyk/keys/" + key, inactive.dump()).status,
             200);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::KeyInactive);

    // Updated by hash: the cache finds the entry by its storage id.
    QCOMPARE(
        adminCall(f->keyAdmin(), m_io, "PUT", "/tyk/keys/" + keyHash(key), kCurlBody, "hashed=1")
            .status,
        200);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::Allowed);

    QCOMPARE(adminCall(f->keyAdmin(), m_io, "DELETE", "/tyk/keys/" + key).status, 200);
    QCOMPARE(checkToken(f->access(), api, key, m_io).decision.outcome, AccessOutcome::KeyUnknown);
}

void TestKeyAdmin::hashedKeysAtRest()
{
    auto f = make(true);
    QVERIFY(f);
    std::vector<std::string> keys;
    for (int i = 0; i < 5; ++i)
        keys.push_back(
            body(adminCall(f->keyAdmin(), m_io, "POST", "/tyk/keys/create", kCurlBody))["key"]);
    keys.push_back(
        body(adminCall(f->keyAdmin(), m_io, "POST", "/tyk/keys/custom-secret", kCurlBody))["key"]);
    // Use them, so that rate-limit counters exist too.
    const ApiDefinition api = makeApi("2");
    for (const std::string& k : keys)
        QCOMPARE(checkToken(f->access(), api, k, m_io).decision.outcome, AccessOutcome::Allowed);

    const std::vector<std::string> stored = m_redis.scan();
    QVERIFY(!stored.empty());
    for (const std::string& name : stored) {
        for (const std::string& k : keys) {
            QVERIFY2(name.find(k) == std::string::npos, name.c_str());
            // Nor inside any value.
            const RedisReply v = m_redis.command({"GET", name});
            if (v.isString())
                QVERIFY2(v.str.find(k) == std::string::npos, name.c_str());
        }
    }
    for (const std::string& k : keys) {
        const std::string expected = "apikey-" + keyHash(k);
        QVERIFY2(std::find(stored.begin(), stored.end(), expected) != stored.end(),
                 expected.c_str());
    }
}

void TestKeyAdmin::storeDown()
{
    auto f = make(true, true, true); // hashed keys listed, to list with Redis gone
    QVERIFY(f);
    m_redis.kill();
    const auto t0 = std::chrono::steady_clock::now();
    const AdminResponse r = adminCall(f->keyAdmin(), m_io, "POST", "/tyk/keys/create", kCurlBody);
    QCOMPARE(r.status, 503);
    QVERIFY(body(r) == Json::parse(R"({"status":"error","message":"Key store unavailable"})"));
    QCOMPARE(adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys/x").status, 503);
    QCOMPARE(adminCall(f->keyAdmin(), m_io, "GET", "/tyk/keys").status, 503);
    QVERIFY(std::chrono::steady_clock::now() - t0 < 1500ms); // storage.timeout is 1 s
    const auto health = f->healthComponents();
    QCOMPARE(health.size(), std::size_t(1));
    QCOMPARE(health[0].name, std::string("redis"));
    QCOMPARE(health[0].status, HealthStatus::Fail);
}

QTEST_GUILESS_MAIN(TestKeyAdmin)
#include "tst_key_admin.moc"
