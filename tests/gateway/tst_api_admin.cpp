// /tyk/apis as Tyk's apiHandler (gateway/api.go:1615-1652) against the real gatebench-gateway:
// Tyk's own apps/app_sample.json (tests/gateway/tyk-samples) added with POST, served after
// /tyk/reload, replaced with PUT, removed with DELETE; an id generated when the definition has
// none; Tyk's answers to a malformed body, a mismatched id, an unknown API, an id that would
// leave app_path, and a definition the loader refuses (nothing is written then). Also the
// admin API's other answers to a wrong method, as Tyk's.

#include "support/gateway_harness.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gb::test;
using Json = nlohmann::json;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

constexpr const char* kSecret = "apis-secret";

std::string readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
}

} // namespace

class TestApiAdmin : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ChildServer m_upstream;
    ChildServer m_gateway;
    Json m_sample; ///< Tyk's app_sample.json, pointed at the local upstream

    std::optional<HttpResponse> call(const std::string& method, const std::string& target,
                                     const std::string& body = {})
    {
        return fetch(m_gateway.port(),
                     method + " " + target +
                         " HTTP/1.1\r\nHost: a\r\nx-tyk-authorization: " + kSecret +
                         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    static Json parsed(const std::optional<HttpResponse>& r)
    {
        return r ? Json::parse(r->body, nullptr, false) : Json();
    }
    static Json modified(const std::string& id, const std::string& action)
    {
        return Json{{"key", id}, {"status", "ok"}, {"action", action}};
    }
    static Json error(const std::string& message)
    {
        return Json{{"status", "error"}, {"message", message}};
    }
    int served(const std::string& path)
    {
        const auto r = fetch(m_gateway.port(), getRequest(path));
        return r ? r->status : 0;
    }
    bool reload()
    {
        return call("GET", "/tyk/reload?block=true").value_or(HttpResponse{}).status == 200;
    }
    QString appFile(const std::string& id) const
    {
        return m_dir.filePath(QString::fromStdString("apps/" + id + ".json"));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkpath("apps"));
        QVERIFY(startUpstream(m_upstream, 1));
        const std::string sample =
            readFile(QStringLiteral(GB_SOURCE_DIR "/tests/gateway/tyk-samples/app_sample.json"));
        m_sample = Json::parse(sample, nullptr, false);
        QVERIFY(m_sample.is_object());
        m_sample["proxy"]["target_url"] = "http://127.0.0.1:" + std::to_string(m_upstream.port());
        m_sample["use_keyless"] = true; // served without a key, so the test sees it routed
        QVERIFY(writeTextFile(m_dir.filePath("tyk.conf"), tykConf("apps", kSecret)));
        QVERIFY2(startGateway(m_gateway, m_dir.filePath("tyk.conf"), 1),
                 qPrintable(m_gateway.errors()));
    }

    void addReloadReplaceDelete()
    {
        const auto added = call("POST", "/tyk/apis", m_sample.dump());
        QVERIFY(added);
        QCOMPARE(added->status, 200);
        QVERIFY(parsed(added) == modified("1", "added"));
        QVERIFY(QFile::exists(appFile("1")));
        QVERIFY(Json::parse(readFile(appFile("1"))) == m_sample); // written as sent
        // As Tyk: served after the next reload, not before.
        QCOMPARE(call("GET", "/tyk/apis/1")->status, 404);
        QCOMPARE(served("/tyk-api-test/json/valid"), 404);
        QVERIFY(reload());
        QCOMPARE(call("GET", "/tyk/apis/1")->status, 200);
        QCOMPARE(served("/tyk-api-test/json/valid"), 200);

        Json moved = m_sample;
        moved["proxy"]["listen_path"] = "/moved/";
        const auto put = call("PUT", "/tyk/apis/1", moved.dump());
        QCOMPARE(put->status, 200);
        QVERIFY(parsed(put) == modified("1", "modified"));
        QVERIFY(reload());
        QCOMPARE(served("/moved/json/valid"), 200);
        QCOMPARE(served("/tyk-api-test/json/valid"), 404);

        const auto removed = call("DELETE", "/tyk/apis/1");
        QCOMPARE(removed->status, 200);
        QVERIFY(parsed(removed) == modified("1", "deleted"));
        QVERIFY(!QFile::exists(appFile("1")));
        QVERIFY(reload());
        QCOMPARE(served("/moved/json/valid"), 404);
        QCOMPARE(call("GET", "/tyk/apis/1")->status, 404);
    }

    // Without an api_id Tyk generates one (GenerateAPIID: a UUID in 32 hex characters).
    void addGeneratesAnId()
    {
        Json unnamed = m_sample;
        unnamed.erase("api_id");
        unnamed["proxy"]["listen_path"] = "/unnamed/";
        const auto r = call("POST", "/tyk/apis/", unnamed.dump());
        QCOMPARE(r->status, 200);
        const std::string id = parsed(r).value("key", std::string());
        QCOMPARE(id.size(), std::size_t(32));
        QVERIFY(id.find_first_not_of("0123456789abcdef") == std::string::npos);
        QCOMPARE(Json::parse(readFile(appFile(id)))["api_id"].get<std::string>(), id);
        QVERIFY(reload());
        QCOMPARE(served("/unnamed/json/valid"), 200);
        QCOMPARE(call("DELETE", "/tyk/apis/" + id)->status, 200);
        QVERIFY(reload());
    }

    // An API loaded from a file of another name: PUT rewrites that file (a second file with the
    // same api_id would be skipped by the next reload), DELETE removes it.
    void theFileItWasLoadedFrom()
    {
        Json named = m_sample;
        named["api_id"] = "named";
        named["proxy"]["listen_path"] = "/named/";
        QVERIFY(writeTextFile(m_dir.filePath("apps/sample.json"), named.dump()));
        QVERIFY(reload());
        QCOMPARE(served("/named/json/valid"), 200);
        named["proxy"]["listen_path"] = "/renamed/";
        QCOMPARE(call("PUT", "/tyk/apis/named", named.dump())->status, 200);
        QVERIFY(!QFile::exists(appFile("named")));
        QVERIFY(Json::parse(readFile(m_dir.filePath("apps/sample.json"))) == named);
        QVERIFY(reload());
        QCOMPARE(served("/renamed/json/valid"), 200);
        QCOMPARE(call("DELETE", "/tyk/apis/named")->status, 200);
        QVERIFY(!QFile::exists(m_dir.filePath("apps/sample.json")));
        QVERIFY(reload());
        QCOMPARE(served("/renamed/json/valid"), 404);
    }

    // /hello's own check (gateway/health_check.go:213-216) and the admin router's
    // MethodNotAllowedHandler for /tyk/reload (gateway/api.go:246-248; server.go:923-924).
    void wrongMethods()
    {
        for (const char* method : {"POST", "PUT", "HEAD"}) {
            const auto hello = call(method, "/hello");
            QCOMPARE(hello->status, 405);
            const auto reload = call(method, "/tyk/reload");
            QCOMPARE(reload->status, 405);
            if (std::string(method) == "HEAD")
                continue; // no body
            QVERIFY(parsed(hello) == error("Method Not Allowed"));
            QVERIFY(parsed(reload) == error("Method not supported"));
        }
    }

    void refusals()
    {
        const std::size_t filesBefore = QDir(m_dir.filePath("apps")).entryList(QDir::Files).size();
        // Tyk's messages (gateway/api.go, api_helpers.go).
        QVERIFY(parsed(call("POST", "/tyk/apis", "{not json")) == error("Request malformed"));
        QCOMPARE(call("POST", "/tyk/apis", "[1]")->status, 400);
        Json other = m_sample;
        other["api_id"] = "2";
        const auto missing = call("PUT", "/tyk/apis/none", other.dump());
        QCOMPARE(missing->status, 404);
        QVERIFY(parsed(missing) == error("API not found"));
        QCOMPARE(call("DELETE", "/tyk/apis/none")->status, 404);
        QVERIFY(parsed(call("PUT", "/tyk/apis", other.dump())) ==
                error("Must specify an apiID to update"));
        QVERIFY(parsed(call("DELETE", "/tyk/apis/")) == error("Must specify an apiID to delete"));
        QCOMPARE(call("PATCH", "/tyk/apis/1")->status, 405);
        // An id that would name a file outside app_path.
        Json escape = m_sample;
        escape["api_id"] = "../../escape";
        const auto bad = call("POST", "/tyk/apis", escape.dump());
        QCOMPARE(bad->status, 400);
        QVERIFY(parsed(bad) == error("Invalid API ID"));
        // A definition the loader refuses is not written: the next reload still works.
        Json basic = m_sample;
        basic["api_id"] = "basic";
        basic["use_keyless"] = false;
        basic["use_basic_auth"] = true;
        const auto refused = call("POST", "/tyk/apis", basic.dump());
        QCOMPARE(refused->status, 400);
        QVERIFY2(parsed(refused).value("message", std::string()).find("basic authentication") !=
                     std::string::npos,
                 refused->body.c_str());
        QCOMPARE(QDir(m_dir.filePath("apps")).entryList(QDir::Files).size(), filesBefore);
        // A PUT whose body names another API.
        QCOMPARE(call("POST", "/tyk/apis", m_sample.dump())->status, 200);
        QVERIFY(reload());
        const auto mismatch = call("PUT", "/tyk/apis/1", other.dump());
        QCOMPARE(mismatch->status, 400);
        QVERIFY(parsed(mismatch) == error("Request APIID does not match that in Definition! For "
                                          "Update operations these must match."));
        // Without the secret, Tyk's 403 before anything else.
        const auto anonymous =
            fetch(m_gateway.port(), "DELETE /tyk/apis/1 HTTP/1.1\r\nHost: a\r\n\r\n");
        QCOMPARE(anonymous->status, 403);
        QVERIFY(QFile::exists(appFile("1")));
    }
};

QTEST_GUILESS_MAIN(TestApiAdmin)
#include "tst_api_admin.moc"
