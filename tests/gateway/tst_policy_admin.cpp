// Tyk's security policies through the real gatebench-gateway and a real redis-server: /tyk/policies
// as Tyk's polHandler (gateway/api.go:1578-1612, handlers 1106-1225), changes applied after
// /tyk/reload; keys that name a policy in apply_policies get its rights and limits (Tyk's
// policy.Service.Apply, internal/policy/apply.go) and lose them when the policy goes; Tyk's own
// policies/policies.json (tests/gateway/tyk-samples), unchanged, as a policy_record_name file
// whose quota a key hits.

#include "support/gateway_harness.h"
#include "support/redis_fixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gb::test;
using Json = nlohmann::json;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

constexpr const char* kSecret = "policy-secret";
// The API and organisation Tyk's policies/policies.json names.
constexpr const char* kSampleApi = "41433797848f41a558c1573d3e55a410";
constexpr const char* kSampleOrg = "54de205930c55e15bd000001";

/// A keyed Tyk classic API definition listening on /<id>/.
Json keyedApi(const std::string& id, const std::string& org, const std::string& target)
{
    return Json{
        {"name", id},
        {"api_id", id},
        {"org_id", org},
        {"use_keyless", false},
        {"auth", {{"auth_header_name", "Authorization"}}},
        {"version_data",
         {{"not_versioned", true}, {"versions", {{"Default", {{"name", "Default"}}}}}}},
        {"proxy",
         {{"listen_path", "/" + id + "/"}, {"target_url", target}, {"strip_listen_path", true}}},
        {"active", true}};
}

/// A policy giving `api` at `rate` per minute, no quota.
Json policy(const std::string& id, const std::string& api, int rate)
{
    return Json{{"id", id},
                {"name", id},
                {"org_id", "default"},
                {"rate", rate},
                {"per", 60},
                {"quota_max", -1},
                {"access_rights", {{api, {{"api_id", api}, {"versions", {"Default"}}}}}},
                {"active", true}};
}

/// One gatebench-gateway with its redis-server, a directory and an upstream.
struct Node
{
    QTemporaryDir dir;
    RedisServer redis;
    ChildServer upstream;
    ChildServer gateway;

    bool start(const std::vector<Json>& apis, const std::string& policies)
    {
        if (!dir.isValid() || !QDir(dir.path()).mkpath("apps") ||
            !QDir(dir.path()).mkpath("policies") || !startUpstream(upstream, 1) || !redis.start())
            return false;
        const std::string target = "http://127.0.0.1:" + std::to_string(upstream.port());
        for (Json api : apis) {
            api["proxy"]["target_url"] = target;
            const std::string id = api["api_id"];
            if (!writeTextFile(dir.filePath(QString::fromStdString("apps/" + id + ".json")),
                               api.dump()))
                return false;
        }
        const std::string extra = "\"storage\": {\"type\": \"redis\", \"host\": \"127.0.0.1\", "
                                  "\"port\": " +
                                  std::to_string(redis.port()) + "}, \"policies\": " + policies;
        return writeTextFile(dir.filePath("tyk.conf"), tykConf("apps", kSecret, 5, extra)) &&
               startGateway(gateway, dir.filePath("tyk.conf"), 1);
    }
    std::optional<HttpResponse> admin(const std::string& method, const std::string& target,
                                      const std::string& body = {}) const
    {
        return fetch(gateway.port(), method + " " + target +
                                         " HTTP/1.1\r\nHost: a\r\nx-tyk-authorization: " + kSecret +
                                         "\r\nContent-Length: " + std::to_string(body.size()) +
                                         "\r\n\r\n" + body);
    }
    bool reload() const
    {
        const auto r = admin("GET", "/tyk/reload?block=true");
        return r && r->status == 200;
    }
    /// A key created through the key API; "" when refused.
    std::string createKey(const Json& session) const
    {
        const auto r = admin("POST", "/tyk/keys/create", session.dump());
        if (!r || r->status != 200)
            return {};
        return Json::parse(r->body, nullptr, false).value("key", std::string());
    }
    int send(const std::string& path, const std::string& key) const
    {
        const auto r = fetch(gateway.port(), getRequest(path, "Authorization: " + key + "\r\n"));
        return r ? r->status : 0;
    }
};

Json parsed(const std::optional<HttpResponse>& r)
{
    return r ? Json::parse(r->body, nullptr, false) : Json();
}

Json error(const std::string& message)
{
    return Json{{"status", "error"}, {"message", message}};
}

Json modified(const std::string& id, const std::string& action)
{
    return Json{{"key", id}, {"status", "ok"}, {"action", action}};
}

} // namespace

class TestPolicyAdmin : public QObject
{
    Q_OBJECT

private:
    Node m_node; ///< policy_path "policies": managed through /tyk/policies

private slots:
    void initTestCase()
    {
        const std::vector<Json> apis{keyedApi("keyed", "default", ""),
                                     keyedApi("other", "default", "")};
        QVERIFY2(m_node.start(apis, "{\"policy_source\": \"file\", \"policy_path\": "
                                    "\"policies\"}"),
                 qPrintable(m_node.redis.error() + m_node.gateway.errors()));
    }

    // Added, served after a reload, given to a key that has no rights of its own, enforced,
    // changed, and deleted: the key loses what the policy gave.
    void policyLifecycle()
    {
        const auto added = m_node.admin("POST", "/tyk/policies", policy("gold", "keyed", 3).dump());
        QVERIFY(added);
        QCOMPARE(added->status, 200);
        QVERIFY(parsed(added) == modified("gold", "added"));
        QVERIFY(QFile::exists(m_node.dir.filePath("policies/gold.json")));
        QCOMPARE(m_node.admin("GET", "/tyk/policies/gold")->status, 404); // not before a reload
        QVERIFY(m_node.reload());
        const Json loaded = parsed(m_node.admin("GET", "/tyk/policies/gold"));
        QCOMPARE(loaded.value("rate", 0), 3);
        QCOMPARE(parsed(m_node.admin("GET", "/tyk/policies")).size(), std::size_t(1));

        // A key with nothing but the policy: stored with the rights it gives (gateway/api.go:542).
        const std::string key =
            m_node.createKey(Json{{"org_id", "default"}, {"apply_policies", {"gold"}}});
        QVERIFY(!key.empty());
        const Json stored = parsed(m_node.admin("GET", "/tyk/keys/" + key));
        QVERIFY2(stored["access_rights"].contains("keyed"), stored.dump().c_str());

        // The policy's rate (3 per minute) holds; the API it does not grant refuses the key.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_node.send("/keyed/json/valid", key), 200);
        QCOMPARE(m_node.send("/keyed/json/valid", key), 429);
        QCOMPARE(m_node.send("/other/json/valid", key), 403);

        // Changed to grant "other" at 100 a minute: after the reload the cached key is checked
        // anew, and the raised limit holds at once (the key-level counter, 3 used, goes on).
        const auto put =
            m_node.admin("PUT", "/tyk/policies/gold", policy("gold", "other", 100).dump());
        QCOMPARE(put->status, 200);
        QVERIFY(parsed(put) == modified("gold", "modified"));
        QCOMPARE(m_node.send("/other/json/valid", key), 403); // not before a reload
        QVERIFY(m_node.reload());
        QCOMPARE(m_node.send("/other/json/valid", key), 200);
        QCOMPARE(m_node.send("/keyed/json/valid", key), 403);

        // Deleted: a key whose only policy is gone is refused (Tyk: "policy not found").
        const auto removed = m_node.admin("DELETE", "/tyk/policies/gold");
        QCOMPARE(removed->status, 200);
        QVERIFY(parsed(removed) == modified("gold", "deleted"));
        QVERIFY(!QFile::exists(m_node.dir.filePath("policies/gold.json")));
        QVERIFY(m_node.reload());
        QCOMPARE(m_node.send("/other/json/valid", key), 403);
        QCOMPARE(m_node.admin("GET", "/tyk/policies/gold")->status, 404);
        QVERIFY(parsed(m_node.admin("GET", "/tyk/policies/gold")) == error("Policy not found"));
    }

    // A policy of another organisation than the API's must not set a key's limits
    // (internal/policy/apply.go:131-137).
    void anotherOrganisation()
    {
        Json foreign = policy("foreign", "keyed", 100);
        foreign["org_id"] = "someone-else";
        QCOMPARE(m_node.admin("POST", "/tyk/policies", foreign.dump())->status, 200);
        QVERIFY(m_node.reload());
        const std::string key = m_node.createKey(Json{{"apply_policies", {"foreign"}}});
        QVERIFY(!key.empty());
        QCOMPARE(m_node.send("/keyed/json/valid", key), 403);
        QCOMPARE(m_node.admin("DELETE", "/tyk/policies/foreign")->status, 200);
        QVERIFY(m_node.reload());
    }

    // Tyk's answers (gateway/api.go:1134-1225, pkg/identifier/custom.go).
    void refusals()
    {
        QVERIFY(parsed(m_node.admin("POST", "/tyk/policies", "{not json")) ==
                error("Request malformed"));
        QVERIFY(parsed(m_node.admin("POST", "/tyk/policies", policy("../up", "keyed", 1).dump())) ==
                error("Invalid Policy ID: Allowed characters: a-z, A-Z, 0-9, ., _, -, ~"));
        QVERIFY(parsed(m_node.admin("PUT", "/tyk/policies/a", policy("b", "keyed", 1).dump())) ==
                error("Request ID does not match that in policy! For Update operations these "
                      "must match."));
        Json unnamed = policy("x", "keyed", 1);
        unnamed.erase("id");
        QVERIFY(parsed(m_node.admin("POST", "/tyk/policies", unnamed.dump())) ==
                error("Unable to create policy without id."));
        QVERIFY(parsed(m_node.admin("PUT", "/tyk/policies", policy("a", "keyed", 1).dump())) ==
                error("Must specify an apiID to update"));
        const auto gone = m_node.admin("DELETE", "/tyk/policies/none");
        QCOMPARE(gone->status, 500);
        QVERIFY(parsed(gone) == error("Delete failed"));
        QCOMPARE(m_node.admin("PATCH", "/tyk/policies/a")->status, 405);
        const QStringList left = QDir(m_node.dir.filePath("policies")).entryList(QDir::Files);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
    }

    // Tyk's policies/policies.json, unchanged, as policy_record_name: its "default" policy gives
    // its API a quota of 100 a minute, which a key hits; the Gateway API cannot change policies
    // without policy_path, and says so.
    void tyksRecordFile()
    {
        Node node;
        const std::string file = GB_SOURCE_DIR "/tests/gateway/tyk-samples/policies.json";
        QVERIFY2(
            node.start({keyedApi(kSampleApi, kSampleOrg, "")},
                       "{\"policy_source\": \"file\", \"policy_record_name\": \"" + file + "\"}"),
            qPrintable(node.redis.error() + node.gateway.errors()));
        const std::string key =
            node.createKey(Json{{"org_id", kSampleOrg}, {"apply_policies", {"default"}}});
        QVERIFY(!key.empty());
        const std::string path = std::string("/") + kSampleApi + "/json/valid";
        for (int i = 0; i < 100; ++i)
            QCOMPARE(node.send(path, key), 200);
        QCOMPARE(node.send(path, key), 403); // Tyk's "Quota exceeded"
        const auto refused = node.admin("POST", "/tyk/policies", policy("p", kSampleApi, 1).dump());
        QCOMPARE(refused->status, 500);
        QVERIFY(parsed(refused).value("message", std::string()).find("policy_path") !=
                std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestPolicyAdmin)
#include "tst_policy_admin.moc"
