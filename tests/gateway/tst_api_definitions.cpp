#include "gateway/config/api_loader.h"
#include "gateway/config/json_reader.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using gb::gateway::ApiDefinition;
using gb::gateway::ConfigError;
using gb::gateway::LoadResult;

// moc (Qt 6.4) reads "//" inside a raw string literal as a comment and then loses the class, so
// URLs in the raw JSON below are written "http:\/\/h": an escaped slash, which is valid JSON.

namespace {

QString samplesDir()
{
    return QStringLiteral(GB_SOURCE_DIR "/resources/tyk");
}

void writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    file.write(content);
}

// A valid definition with the given id and listen path, in Tyk's format.
QByteArray definition(const QByteArray& id, const QByteArray& listenPath, bool active = true)
{
    return "{\n  \"name\": \"API " + id + "\",\n  \"api_id\": \"" + id +
           "\",\n  \"org_id\": \"default\",\n  \"use_keyless\": true,\n  \"active\": " +
           (active ? "true" : "false") + ",\n  \"proxy\": {\n    \"listen_path\": \"" + listenPath +
           "\",\n    \"target_url\": \"http://127.0.0.1:8000\",\n" +
           "    \"strip_listen_path\": true\n  }\n}\n";
}

ApiDefinition parse(const QByteArray& text)
{
    return gb::gateway::parseApiDefinition(text.toStdString(), "api.json");
}

std::string parseError(const QByteArray& text)
{
    try {
        parse(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return {};
}

// Tests keep the members they vary at the end of a minimal valid definition.
QByteArray withMembers(const QByteArray& members)
{
    return R"({"api_id": "1", "proxy": {"listen_path": "/a/", "target_url": "http:\/\/h"})" +
           (members.isEmpty() ? QByteArray() : ", " + members) + "}";
}

} // namespace

class TestApiDefinitions : public QObject
{
    Q_OBJECT
private slots:
    void everyField()
    {
        const ApiDefinition api = parse(R"({
            "name": "Tyk Auth API", "api_id": "2", "org_id": "default",
            "use_keyless": false, "active": false,
            "auth": {"auth_header_name": "X-Key"},
            "proxy": {"listen_path": "/auth-api/", "target_url": "http:\/\/10.0.0.5:8000/base?k=v",
                      "strip_listen_path": true, "disable_strip_slash": true},
            "global_rate_limit": {"rate": 100, "per": 1.5},
            "disable_rate_limit": true, "disable_quota": true, "do_not_track": true,
            "tags": ["edge", "eu"], "expire_analytics_after": 3600, "strip_auth_data": true,
            "version_data": {"not_versioned": true, "default_version": "v1",
                             "versions": {"Default": {"name": "Default"}, "v2": {}}}
        })");
        QCOMPARE(api.name, std::string("Tyk Auth API"));
        QCOMPARE(api.apiId, std::string("2"));
        QCOMPARE(api.orgId, std::string("default"));
        QVERIFY(!api.useKeyless);
        QVERIFY(!api.active);
        QCOMPARE(api.auth.headerName, std::string("X-Key"));
        QCOMPARE(api.listenPath, std::string("/auth-api/"));
        QCOMPARE(api.targetUrl, std::string("http://10.0.0.5:8000/base?k=v"));
        QCOMPARE(api.target.host, std::string("10.0.0.5"));
        QCOMPARE(api.target.port, 8000);
        QCOMPARE(api.target.path, std::string("/base"));
        QCOMPARE(api.target.query, std::string("k=v"));
        QVERIFY(api.stripListenPath);
        QVERIFY(api.disableStripSlash);
        QCOMPARE(api.globalRateLimit.rate, 100.0);
        QCOMPARE(api.globalRateLimit.per, 1.5);
        QVERIFY(api.globalRateLimit.isSet());
        QVERIFY(api.disableRateLimit);
        QVERIFY(api.disableQuota);
        QVERIFY(api.doNotTrack);
        QCOMPARE(api.tags, (std::vector<std::string>{"edge", "eu"}));
        QCOMPARE(api.expireAnalyticsAfter, std::int64_t{3600});
        QVERIFY(api.stripAuthData);
        QVERIFY(api.versionData.notVersioned);
        QCOMPARE(api.versionData.defaultVersion, std::string("v1"));
        QCOMPARE(api.versionData.versionNames, (std::vector<std::string>{"Default", "v2"}));
        QCOMPARE(api.sourceFile, std::string("api.json"));
    }

    void defaults()
    {
        const ApiDefinition api = parse(withMembers(""));
        QVERIFY(api.active);
        QVERIFY(!api.useKeyless);
        QVERIFY(!api.stripListenPath);
        QVERIFY(!api.disableStripSlash);
        QVERIFY(!api.globalRateLimit.isSet());
        QVERIFY(!api.disableRateLimit && !api.disableQuota && !api.doNotTrack);
        QVERIFY(api.tags.empty());
        QCOMPARE(api.expireAnalyticsAfter, std::int64_t{0});
        QVERIFY(!api.stripAuthData); // Tyk's default: the upstream gets the key
        QCOMPARE(api.auth.headerName, std::string("Authorization"));
        QVERIFY(!api.auth.useParam && !api.auth.useCookie && !api.auth.disableHeader);
        QCOMPARE(api.target.port, 80);
        QCOMPARE(api.target.hostHeader, std::string("h"));
    }

    // auth_configs.authToken wins over the older "auth", names default as in Tyk's middleware.
    void tokenAuth_data()
    {
        QTest::addColumn<QByteArray>("members");
        QTest::addColumn<QString>("header");
        QTest::addColumn<bool>("useParam");
        QTest::addColumn<QString>("param");
        QTest::addColumn<bool>("useCookie");
        QTest::addColumn<QString>("cookie");
        QTest::newRow("nothing") << QByteArray() << "Authorization" << false << "Authorization"
                                 << false << "Authorization";
        QTest::newRow("auth only") << QByteArray(R"("auth": {"auth_header_name": "X-Key"})")
                                   << "X-Key" << false << "X-Key" << false << "X-Key";
        QTest::newRow("auth_configs wins") << QByteArray(R"("auth": {"auth_header_name": "X-Key"},
                "auth_configs": {"authToken": {"auth_header_name": "X-Token"}})")
                                           << "X-Token" << false << "X-Token" << false << "X-Token";
        QTest::newRow("auth_configs without authToken")
            << QByteArray(R"("auth": {"auth_header_name": "X-Key"},
                "auth_configs": {"jwt": {"auth_header_name": "X-Jwt"}})")
            << "X-Key" << false << "X-Key" << false << "X-Key";
        QTest::newRow("param defaults to the header name")
            << QByteArray(R"("auth": {"use_param": true, "param_name": ""})") << "Authorization"
            << true << "Authorization" << false << "Authorization";
        QTest::newRow("named param and cookie")
            << QByteArray(R"("auth_configs": {"authToken": {"use_param": true,
                "param_name": "api_key", "use_cookie": true, "cookie_name": "session"}})")
            << "Authorization" << true << "api_key" << true << "session";
        QTest::newRow("empty header name")
            << QByteArray(R"("auth": {"auth_header_name": ""})") << "Authorization" << false
            << "Authorization" << false << "Authorization";
    }
    void tokenAuth()
    {
        QFETCH(QByteArray, members);
        QFETCH(QString, header);
        QFETCH(bool, useParam);
        QFETCH(QString, param);
        QFETCH(bool, useCookie);
        QFETCH(QString, cookie);
        const ApiDefinition api = parse(withMembers(members));
        QCOMPARE(QString::fromStdString(api.auth.headerName), header);
        QCOMPARE(api.auth.useParam, useParam);
        QCOMPARE(QString::fromStdString(api.auth.paramName), param);
        QCOMPARE(api.auth.useCookie, useCookie);
        QCOMPARE(QString::fromStdString(api.auth.cookieName), cookie);
    }

    void invalid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("no api_id")
            << QByteArray(R"({"proxy": {"listen_path": "/a/", "target_url": "http:\/\/h"}})")
            << "\"api_id\" is missing";
        QTest::newRow("no proxy") << QByteArray(R"({"api_id": "1"})") << "\"proxy\" is missing";
        QTest::newRow("no listen path")
            << QByteArray(R"({"api_id": "1", "proxy": {"target_url": "http:\/\/h"}})")
            << "\"proxy.listen_path\" is missing";
        QTest::newRow("relative listen path")
            << QByteArray(
                   R"({"api_id": "1", "proxy": {"listen_path": "a/", "target_url": "http:\/\/h"}})")
            << "must start with '/'";
        QTest::newRow("path parameters")
            << QByteArray(
                   R"({"api_id": "1", "proxy": {"listen_path": "/{id}/", "target_url": "http:\/\/h"}})")
            << "not supported";
        QTest::newRow("no target")
            << QByteArray(R"({"api_id": "1", "proxy": {"listen_path": "/a/"}})")
            << "\"proxy.target_url\" is missing";
        QTest::newRow("https target")
            << QByteArray(
                   R"({"api_id": "1", "proxy": {"listen_path": "/a/", "target_url": "https:\/\/h"}})")
            << "uses https, which is not supported";
        QTest::newRow("tyk:// target")
            << QByteArray(
                   R"({"api_id": "1", "proxy": {"listen_path": "/a/", "target_url": "tyk:\/\/other"}})")
            << "scheme \"tyk\", which is not supported";
        QTest::newRow("basic auth") << withMembers(R"("use_basic_auth": true)")
                                    << "uses basic authentication, which is not supported";
        QTest::newRow("jwt") << withMembers(R"("enable_jwt": true)") << "uses JWT";
        QTest::newRow("oas") << QByteArray(R"({"openapi": "3.0.3", "x-tyk-api-gateway": {}})")
                             << "Tyk OAS API definition";
        QTest::newRow("keyless as string")
            << withMembers("\"use_keyless\": \"true\"") << "\"use_keyless\" must be true or false";
        QTest::newRow("rate as string") << withMembers(R"("global_rate_limit": {"rate": "10"})")
                                        << "\"global_rate_limit.rate\" must be a number";
        QTest::newRow("negative per") << withMembers(R"("global_rate_limit": {"per": -1})")
                                      << "\"global_rate_limit.per\" must not be negative";
        QTest::newRow("versions as array") << withMembers(R"("version_data": {"versions": []})")
                                           << "\"version_data.versions\" must be an object";
        QTest::newRow("proxy as string")
            << QByteArray(R"({"api_id": "1", "proxy": "/a/"})") << "\"proxy\" must be an object";
    }
    void invalid()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, fragment);
        const std::string error = parseError(text);
        QVERIFY2(error.starts_with("api.json:1:"), error.c_str());
        QVERIFY2(error.find(fragment.toStdString()) != std::string::npos, error.c_str());
    }

    // Other auth modes are only refused when the API actually asks for a key.
    void keylessIgnoresOtherAuthModes()
    {
        const ApiDefinition api =
            parse(withMembers(R"("use_keyless": true, "use_basic_auth": true)"));
        QVERIFY(api.useKeyless);
    }

    void upstreamUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("hostHeader");
        QTest::newRow("host only") << "http://upstream"
                                   << "upstream" << 80 << ""
                                   << ""
                                   << "upstream";
        QTest::newRow("port") << "http://127.0.0.1:8000"
                              << "127.0.0.1" << 8000 << ""
                              << ""
                              << "127.0.0.1:8000";
        QTest::newRow("slash") << "http://h:8000/"
                               << "h" << 8000 << "/"
                               << ""
                               << "h:8000";
        QTest::newRow("path and query") << "http://h/base/v1?a=1&b"
                                        << "h" << 80 << "/base/v1"
                                        << "a=1&b"
                                        << "h";
        QTest::newRow("query without path") << "http://h?a=1"
                                            << "h" << 80 << ""
                                            << "a=1"
                                            << "h";
        QTest::newRow("ipv6") << "http://[::1]:9000/x"
                              << "::1" << 9000 << "/x"
                              << ""
                              << "[::1]:9000";
        QTest::newRow("upper-case scheme") << "HTTP://H:1"
                                           << "H" << 1 << ""
                                           << ""
                                           << "H:1";
    }
    void upstreamUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(QString, hostHeader);
        const auto parsed = gb::gateway::parseUpstreamUrl(url.toStdString());
        QVERIFY2(parsed.url.has_value(), parsed.error.c_str());
        QCOMPARE(QString::fromStdString(parsed.url->host), host);
        QCOMPARE(int(parsed.url->port), port);
        QCOMPARE(QString::fromStdString(parsed.url->path), path);
        QCOMPARE(QString::fromStdString(parsed.url->query), query);
        QCOMPARE(QString::fromStdString(parsed.url->hostHeader), hostHeader);
    }

    void badUpstreamUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty") << ""
                               << "empty";
        QTest::newRow("https") << "https://h"
                               << "not supported";
        QTest::newRow("no scheme") << "h:8000"
                                   << "must start with http://";
        QTest::newRow("ws") << "ws://h"
                            << "\"ws\"";
        QTest::newRow("no host") << "http://"
                                 << "no host";
        QTest::newRow("no host, port") << "http://:80"
                                       << "no host";
        QTest::newRow("empty port") << "http://h:"
                                    << "empty port";
        QTest::newRow("port zero") << "http://h:0"
                                   << "outside 1-65535";
        QTest::newRow("port too large") << "http://h:65536"
                                        << "outside 1-65535";
        QTest::newRow("port not a number") << "http://h:80a"
                                           << "invalid port";
        QTest::newRow("user info") << "http://u:p@h"
                                   << "user information";
        QTest::newRow("fragment") << "http://h/#x"
                                  << "fragment";
        QTest::newRow("space") << "http://h /x"
                               << "space";
        QTest::newRow("bad host") << "http://h_*x"
                                  << "invalid host";
        QTest::newRow("unclosed ipv6") << "http://[::1:80"
                                       << "unclosed";
    }
    void badUpstreamUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, fragment);
        const auto parsed = gb::gateway::parseUpstreamUrl(url.toStdString());
        QVERIFY(!parsed.url.has_value());
        QVERIFY2(parsed.error.find(fragment.toStdString()) != std::string::npos,
                 parsed.error.c_str());
    }

    // /tyk/apis serves what the user wrote: member order and unknown members survive.
    void originalJsonIsKept()
    {
        const QByteArray text =
            R"({"name": "n", "zeta_unknown": {"x": [1, 2.5, "s"]}, "api_id": "7",
            "proxy": {"target_url": "http:\/\/h", "listen_path": "/p/"}, "alpha": null})";
        const ApiDefinition api = parse(text);
        QCOMPARE(
            api.originalJson,
            std::string("{\"name\":\"n\",\"zeta_unknown\":{\"x\":[1,2.5,\"s\"]},\"api_id\":\"7\","
                        "\"proxy\":{\"target_url\":\"http://h\",\"listen_path\":\"/p/\"},"
                        "\"alpha\":null}"));
    }

    // The issue's case: one broken and two good files give two APIs and one positioned error.
    void directoryWithOneBrokenFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath("a.json"), definition("a", "/a/"));
        writeFile(dir.filePath("b.json"), "{\n  \"api_id\": \"b\",\n  \"proxy\": {\n");
        writeFile(dir.filePath("c.json"), definition("c", "/c/"));
        writeFile(dir.filePath("notes.txt"), "not an API");
        QVERIFY(QDir(dir.path()).mkdir("nested"));
        writeFile(dir.filePath("nested/d.json"), definition("d", "/d/"));

        const LoadResult result = gb::gateway::loadApiDefinitions(dir.path().toStdString());
        QCOMPARE(result.apis.size(), std::size_t(2));
        QCOMPARE(result.apis[0].apiId, std::string("a"));
        QCOMPARE(result.apis[1].apiId, std::string("c"));
        QCOMPARE(result.errors.size(), std::size_t(1));
        const std::string& error = result.errors[0];
        const std::string expected = dir.filePath("b.json").toStdString() + ":4:1: not valid JSON";
        QVERIFY2(error.starts_with(expected), error.c_str());
        QVERIFY2(error.ends_with("The API was skipped."), error.c_str());
    }

    void brokenFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("position");
        QTest::newRow("empty") << QByteArray() << ":1:1: the file is empty";
        QTest::newRow("truncated") << QByteArray("{\"api_id\": \"x\"") << ":1:15: not valid JSON";
        QTest::newRow("wrong type")
            << QByteArray("{\n\"api_id\": 5}") << ":2:11: \"api_id\" must be a string";
        QTest::newRow("https") << QByteArray(R"({"api_id": "x", "proxy": {"listen_path": "/x/",
"target_url": "https:\/\/secure:443"}})")
                               << ":2:15: \"proxy.target_url\": the target URL";
    }
    void brokenFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, position);
        QTemporaryDir dir;
        writeFile(dir.filePath("good.json"), definition("good", "/good/"));
        writeFile(dir.filePath("x.json"), content);
        const LoadResult result = gb::gateway::loadApiDefinitions(dir.path().toStdString());
        QCOMPARE(result.apis.size(), std::size_t(1));
        QCOMPARE(result.errors.size(), std::size_t(1));
        const std::string expected = dir.filePath("x.json").toStdString() + position.toStdString();
        QVERIFY2(result.errors[0].starts_with(expected), result.errors[0].c_str());
    }

    void duplicates()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("1.json"), definition("one", "/shared/"));
        writeFile(dir.filePath("2.json"), definition("one", "/other/"));          // same id
        writeFile(dir.filePath("3.json"), definition("three", "/shared/"));       // same path
        writeFile(dir.filePath("4.json"), definition("four", "/shared/", false)); // inactive: fine
        const LoadResult result = gb::gateway::loadApiDefinitions(dir.path().toStdString());
        QCOMPARE(result.apis.size(), std::size_t(2));
        QCOMPARE(result.apis[0].apiId, std::string("one"));
        QCOMPARE(result.apis[1].apiId, std::string("four"));
        QCOMPARE(result.errors.size(), std::size_t(2));
        const std::string first = dir.filePath("1.json").toStdString();
        QCOMPARE(result.errors[0], dir.filePath("2.json").toStdString() +
                                       ": skipped: api_id \"one\" is already used by " + first +
                                       ".");
        QCOMPARE(result.errors[1], dir.filePath("3.json").toStdString() +
                                       ": skipped: listen_path \"/shared/\" is already used by " +
                                       first + " (api_id \"one\").");
    }

    void missingDirectory()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("nowhere").toStdString();
        const LoadResult result = gb::gateway::loadApiDefinitions(path);
        QVERIFY(result.apis.empty());
        QCOMPARE(result.errors.size(), std::size_t(1));
        QVERIFY(result.errors[0].starts_with(path + ": "));
    }

    void emptyDirectory()
    {
        QTemporaryDir dir;
        const LoadResult result = gb::gateway::loadApiDefinitions(dir.path().toStdString());
        QVERIFY(result.apis.empty());
        QVERIFY(result.errors.empty());
    }

    void sampleApps()
    {
        const LoadResult result =
            gb::gateway::loadApiDefinitions((samplesDir() + "/apps").toStdString());
        QVERIFY(result.errors.empty());
        QCOMPARE(result.apis.size(), std::size_t(2));
        const ApiDefinition& auth = result.apis[0]; // auth.json sorts first
        QCOMPARE(auth.apiId, std::string("2"));
        QCOMPARE(auth.name, std::string("Tyk Auth API"));
        QVERIFY(!auth.useKeyless);
        QCOMPARE(auth.auth.headerName, std::string("Authorization"));
        QCOMPARE(auth.versionData.versionNames, std::vector<std::string>{"Default"});
        const ApiDefinition& keyless = result.apis[1];
        QVERIFY(keyless.useKeyless);
        QCOMPARE(keyless.listenPath, std::string("/apitest/"));
        QVERIFY(keyless.stripListenPath);
        QCOMPARE(keyless.target.port, 8000);

        QFile file(samplesDir() + "/apps/auth.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(auth.originalJson)),
                 QJsonDocument::fromJson(file.readAll()));
    }
};

QTEST_GUILESS_MAIN(TestApiDefinitions)
#include "tst_api_definitions.moc"
