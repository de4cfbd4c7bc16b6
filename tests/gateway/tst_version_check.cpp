// API versioning as Tyk's VersionCheck and AccessRightsCheck decide it, against Tyk's source
// (gateway/mw_version_check.go, gateway/api_definition.go getVersionFromRequest, Version and
// RequestValid, gateway/mw_access_rights.go): the version from a header, a query parameter or
// the path; default_version and fallback_to_default; Tyk's 403 messages for a missing,
// unknown or expired version, an ambiguous or missing default, an expired API;
// x-tyk-api-expires; and the same through the real gatebench-gateway, with a key whose
// access_rights list some versions only.

#include "gateway/config/api_definition.h"
#include "gateway/proxy/version_check.h"
#include "support/gateway_harness.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gb::gateway;
using namespace gb::test;
using gb::gateway::proxy::checkVersion;
using Json = nlohmann::json;
namespace http = gb::http;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

constexpr std::int64_t kNow = 1'800'000'000;      // 2027-01-15
constexpr const char* kPast = "2006-01-02 15:04"; // Tyk's own expired version
constexpr const char* kFuture = "3000-01-02 15:04";

/// A versioned API (header "version", versions v1 and "old" expired) with `extra` merged in.
ApiDefinition api(const Json& extra = Json::object())
{
    Json def = {{"api_id", "v"},
                {"org_id", "default"},
                {"use_keyless", true},
                {"definition", {{"location", "header"}, {"key", "version"}}},
                {"version_data",
                 {{"not_versioned", false},
                  {"versions",
                   {{"v1", {{"name", "v1"}, {"expires", kFuture}}},
                    {"old", {{"name", "old"}, {"expires", kPast}}}}}}},
                {"proxy", {{"listen_path", "/v/"}, {"target_url", "http://127.0.0.1:9"}}}};
    def.merge_patch(extra);
    return parseApiDefinition(def.dump(), "api.json");
}

http::Request request(const std::string& path, const std::string& query = {},
                      const std::string& version = {})
{
    http::Request r;
    r.method = "GET";
    // The views must outlive the request: keep the text in statics of the test's lifetime.
    static std::vector<std::unique_ptr<std::string>> keep;
    keep.push_back(std::make_unique<std::string>(path));
    r.path = *keep.back();
    keep.push_back(std::make_unique<std::string>(query));
    r.query = *keep.back();
    if (!version.empty()) {
        keep.push_back(std::make_unique<std::string>(version));
        r.fields[r.headerCount++] = {"Version", *keep.back()};
    }
    return r;
}

std::string refusal(const ApiDefinition& a, const http::Request& r)
{
    return std::string(checkVersion(a, r, kNow).refusal);
}

} // namespace

class TestVersionCheck : public QObject
{
    Q_OBJECT

private slots:
    void fromAHeader()
    {
        const ApiDefinition a = api();
        QCOMPARE(refusal(a, request("/v/x")), std::string("Version information not found"));
        QCOMPARE(refusal(a, request("/v/x", "", "v3")),
                 std::string("This API version does not seem to exist"));
        QCOMPARE(refusal(a, request("/v/x", "", "old")),
                 std::string("Api Version has expired, please check documentation or contact "
                             "administrator"));
        const auto ok = checkVersion(a, request("/v/x", "", "v1"), kNow);
        QVERIFY(ok.refusal.empty());
        QCOMPARE(ok.version->name, std::string("v1"));
        QCOMPARE(ok.requested, std::string_view("v1"));
        // Go's Format(time.RFC1123) of the version's expiry, in UTC.
        QCOMPARE(ok.expiresHeader, std::string_view("Thu, 02 Jan 3000 15:04:00 UTC"));
    }

    void defaultAndFallback()
    {
        const ApiDefinition withDefault = api({{"version_data", {{"default_version", "v1"}}}});
        const auto d = checkVersion(withDefault, request("/v/x"), kNow);
        QVERIFY(d.refusal.empty());
        QCOMPARE(d.requested, std::string_view("v1"));
        QCOMPARE(refusal(withDefault, request("/v/x", "", "v9")),
                 std::string("This API version does not seem to exist"));
        const ApiDefinition fallback = api({{"version_data", {{"default_version", "v1"}}},
                                            {"definition", {{"fallback_to_default", true}}}});
        const auto f = checkVersion(fallback, request("/v/x", "", "v9"), kNow);
        QVERIFY(f.refusal.empty());
        QCOMPARE(f.version->name, std::string("v1"));
        QCOMPARE(f.requested, std::string_view("v9")); // rights are checked against v9
    }

    void fromAParameterAndFromThePath()
    {
        const ApiDefinition param = api({{"definition", {{"location", "url-param"}}}});
        QVERIFY(refusal(param, request("/v/x", "a=1&version=v1")).empty());
        QCOMPARE(refusal(param, request("/v/x", "a=1")),
                 std::string("Version information not found"));
        const ApiDefinition path = api({{"definition", {{"location", "url"}}}});
        QVERIFY(refusal(path, request("/v/v1/x")).empty());
        QCOMPARE(refusal(path, request("/v/v2/x")),
                 std::string("This API version does not seem to exist"));
    }

    // Not versioned: the single version (or the one named Default) is used whatever the request
    // says, and only the API's expiration counts.
    void notVersioned()
    {
        const ApiDefinition plain =
            api({{"version_data", {{"not_versioned", true}, {"versions", {{"old", nullptr}}}}}});
        QVERIFY(refusal(plain, request("/v/x", "", "anything")).empty());
        QVERIFY(checkVersion(plain, request("/v/x"), kNow).requested.empty());
        const ApiDefinition none = api({{"version_data", {{"not_versioned", true}}}});
        QCOMPARE(refusal(none, request("/v/x")),
                 std::string("No default API version for this non-versioned API found"));
        const ApiDefinition two =
            api({{"version_data",
                  {{"not_versioned", true},
                   {"versions",
                    {{"Default", {{"name", "Default"}}}, {"default", {{"name", "default"}}}}}}}});
        QCOMPARE(refusal(two, request("/v/x")),
                 std::string("Ambiguous default API version for this non-versioned API"));
        const ApiDefinition expired =
            api({{"expiration", kPast},
                 {"version_data", {{"not_versioned", true}, {"versions", {{"old", nullptr}}}}}});
        QCOMPARE(refusal(expired, request("/v/x")),
                 std::string("API has expired, please check documentation or contact "
                             "administrator"));
    }

    // Through the real gateway: Tyk's answers, the header on a versioned answer, and a key whose
    // access_rights name v1 only (Tyk's TestVersioning, gateway/mw_version_check_test.go:88-120).
    void endToEnd()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkpath("apps"));
        ChildServer upstream;
        QVERIFY(startUpstream(upstream, 1));
        Json def = {{"api_id", "v"},
                    {"name", "versioned"},
                    {"org_id", "default"},
                    {"use_keyless", false},
                    {"auth", {{"auth_header_name", "Authorization"}}},
                    {"definition", {{"location", "header"}, {"key", "version"}}},
                    {"version_data",
                     {{"not_versioned", false},
                      {"versions",
                       {{"v1", {{"name", "v1"}, {"expires", kFuture}}},
                        {"v2", {{"name", "v2"}}},
                        {"old", {{"name", "old"}, {"expires", kPast}}}}}}},
                    {"proxy",
                     {{"listen_path", "/v/"},
                      {"target_url", "http://127.0.0.1:" + std::to_string(upstream.port())},
                      {"strip_listen_path", true}}}};
        QVERIFY(writeTextFile(dir.filePath("apps/v.json"), def.dump()));
        QVERIFY(writeTextFile(dir.filePath("tyk.conf"), tykConf("apps", "vs")));
        ChildServer gateway;
        QVERIFY2(startGateway(gateway, dir.filePath("tyk.conf"), 1), qPrintable(gateway.errors()));
        const Json session = {
            {"org_id", "default"},
            {"rate", 1000},
            {"per", 1},
            {"quota_max", -1},
            {"access_rights", {{"v", {{"api_id", "v"}, {"versions", Json::array({"v1"})}}}}}};
        const std::string body = session.dump();
        const auto created =
            fetch(gateway.port(), "POST /tyk/keys/create HTTP/1.1\r\nHost: a\r\n"
                                  "x-tyk-authorization: vs\r\nContent-Length: " +
                                      std::to_string(body.size()) + "\r\n\r\n" + body);
        QVERIFY(created && created->status == 200);
        const std::string key = Json::parse(created->body)["key"];
        const auto get = [&](const std::string& headers) {
            return fetch(gateway.port(), getRequest("/v/json/valid", headers));
        };
        const auto error = [](const std::optional<HttpResponse>& r) {
            return r ? Json::parse(r->body, nullptr, false).value("error", std::string())
                     : std::string("<no response>");
        };
        // The version is checked before the key, as in Tyk's chain.
        auto r = get({});
        QCOMPARE(r->status, 403);
        QCOMPARE(error(r), std::string("Version information not found"));
        r = get("version: v3\r\n");
        QCOMPARE(error(r), std::string("This API version does not seem to exist"));
        r = get("version: old\r\nAuthorization: " + key + "\r\n");
        QCOMPARE(r->status, 403);
        QVERIFY(error(r).starts_with("Api Version has expired"));
        r = get("version: v1\r\nAuthorization: " + key + "\r\n");
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("x-tyk-api-expires"), std::string("Thu, 02 Jan 3000 15:04:00 UTC"));
        // v2 exists but the key's rights list v1 only.
        r = get("version: v2\r\nAuthorization: " + key + "\r\n");
        QCOMPARE(r->status, 403);
        QCOMPARE(error(r), std::string("Access to this API has been disallowed"));
    }
};

QTEST_GUILESS_MAIN(TestVersionCheck)
#include "tst_version_check.moc"
