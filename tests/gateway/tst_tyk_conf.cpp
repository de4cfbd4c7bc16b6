#include "gateway/config/gateway_config.h"
#include "gateway/config/json_reader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace std::chrono_literals;
using gb::gateway::AnalyticsSerializer;
using gb::gateway::ConfigError;
using gb::gateway::GatewayConfig;
using gb::gateway::StorageType;

namespace {

// The sample files ship in the source tree; this file's own path finds them from any build dir.
QString samplesDir()
{
    return QStringLiteral(GB_SOURCE_DIR "/resources/tyk");
}

GatewayConfig parse(const char* text)
{
    return gb::gateway::parseGatewayConfig(text, "tyk.conf", "/etc/tyk");
}

// The error message of parsing text, or "" when it parses.
std::string parseError(const QByteArray& text)
{
    try {
        gb::gateway::parseGatewayConfig(text.toStdString(), "tyk.conf", "/etc/tyk");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestTykConf : public QObject
{
    Q_OBJECT
private slots:
    void defaults()
    {
        const GatewayConfig c = parse("{}");
        QCOMPARE(c.listenAddress, std::string());
        QCOMPARE(c.listenPort, 8080);
        QCOMPARE(c.controlApiPort, 0);
        QCOMPARE(c.adminPort(), 8080);
        QCOMPARE(c.secret, std::string());
        QCOMPARE(c.appPath, std::filesystem::path("/etc/tyk/apps"));
        QVERIFY(c.storage.type == StorageType::Memory);
        QCOMPARE(c.storage.host, std::string("localhost"));
        QCOMPARE(c.storage.port, 6379);
        QCOMPARE(c.storage.database, 0);
        QVERIFY(c.storage.timeout == 5s);
        QVERIFY(c.storage.decisionBudget == 5ms);
        QVERIFY(c.storage.lookupBudget == 50ms);
        QVERIFY(!c.enableAnalytics);
        QCOMPARE(c.analytics.recordsBufferSize, std::uint64_t(1000));
        QVERIFY(c.analytics.storageExpirationTime == 60s);
        QVERIFY(!c.analytics.enableDetailedRecording);
        QVERIFY(c.analytics.serializer == AnalyticsSerializer::Msgpack); // Tyk's default
        QVERIFY(c.hashKeys);
        QVERIFY(c.hashKeyFunction == gb::gateway::KeyHashFunction::Legacy); // Tyk's ""
        QCOMPARE(c.quotaExceededStatus, 403);                               // Tyk's
        QVERIFY(!c.enableHashedKeysListing);
        QVERIFY(c.rateLimitResponseHeaders == gb::gateway::RateLimitHeaderSource::Quotas);
        QVERIFY(c.proxyDefaultTimeout == 30s);
        QCOMPARE(c.maxIdleConnectionsPerHost, 0);
        QVERIFY(!c.closeConnections);
        QCOMPARE(c.sourceFile, std::filesystem::path("tyk.conf"));
    }

    void everyField()
    {
        const GatewayConfig c = parse(R"({
            "listen_address": "127.0.0.1",
            "listen_port": 9090,
            "control_api_port": 9091,
            "secret": "s3cret",
            "app_path": "/opt/tyk-gateway/apps/",
            "storage": {"type": "redis", "host": "redis.local", "port": 6380,
                        "password": "pw", "database": 3, "timeout": 2,
                        "decision_budget_ms": 3, "lookup_budget_ms": 2000},
            "enable_analytics": true,
            "analytics_config": {"records_buffer_size": 5000, "storage_expiration_time": 120,
                                 "enable_detailed_recording": true, "ignored_ips": ["10.0.0.1"],
                                 "serializer_type": "json"},
            "hash_keys": false, "hash_key_function": "murmur128",
            "hash_key_function_fallback": ["murmur64", "sha256"],
            "policies": {"policy_source": "file", "policy_path": "/etc/tyk/policies",
                         "policy_record_name": "policies.json"},
            "gatebench_quota_exceeded_status": 429, "enable_hashed_keys_listing": true,
            "rate_limit_response_headers": "rate_limits",
            "proxy_default_timeout": 0.25,
            "max_idle_connections_per_host": 500,
            "close_connections": true
        })");
        QCOMPARE(c.listenAddress, std::string("127.0.0.1"));
        QCOMPARE(c.listenPort, 9090);
        QCOMPARE(c.controlApiPort, 9091);
        QCOMPARE(c.adminPort(), 9091);
        QCOMPARE(c.secret, std::string("s3cret"));
        QCOMPARE(c.appPath, std::filesystem::path("/opt/tyk-gateway/apps/"));
        QVERIFY(c.storage.type == StorageType::Redis);
        QCOMPARE(c.storage.host, std::string("redis.local"));
        QCOMPARE(c.storage.port, 6380);
        QCOMPARE(c.storage.password, std::string("pw"));
        QVERIFY(c.hashKeyFunctionFallback ==
                (std::vector<gb::gateway::KeyHashFunction>{gb::gateway::KeyHashFunction::Murmur64,
                                                           gb::gateway::KeyHashFunction::Sha256}));
        QCOMPARE(c.policies.directory, std::filesystem::path("/etc/tyk/policies"));
        QCOMPARE(c.policies.recordFile.filename(), std::filesystem::path("policies.json"));
        QCOMPARE(c.storage.database, 3);
        QVERIFY(c.storage.timeout == 2s);
        QVERIFY(c.storage.decisionBudget == 3ms);
        QVERIFY(c.storage.lookupBudget == 2000ms);
        QVERIFY(c.enableAnalytics);
        QCOMPARE(c.analytics.recordsBufferSize, std::uint64_t(5000));
        QVERIFY(c.analytics.storageExpirationTime == 120s);
        QVERIFY(c.analytics.enableDetailedRecording);
        QCOMPARE(c.analytics.ignoredIps, std::vector<std::string>{"10.0.0.1"});
        QVERIFY(c.analytics.serializer == AnalyticsSerializer::Json);
        QVERIFY(
            parse(R"({"analytics_config": {"serializer_type": "msgpack"}})").analytics.serializer ==
            AnalyticsSerializer::Msgpack);
        QVERIFY(!c.hashKeys);
        QVERIFY(c.hashKeyFunction == gb::gateway::KeyHashFunction::Murmur128);
        QCOMPARE(c.quotaExceededStatus, 429);
        QVERIFY(c.enableHashedKeysListing);
        QVERIFY(c.rateLimitResponseHeaders == gb::gateway::RateLimitHeaderSource::RateLimits);
        QVERIFY(c.proxyDefaultTimeout == 250ms);
        QCOMPARE(c.maxIdleConnectionsPerHost, 500);
        QVERIFY(c.closeConnections);
    }

    // Tyk's "0 means the default" for the fields where it documents one.
    void zeroMeansDefault()
    {
        const GatewayConfig c = parse(R"({"listen_port": 0, "proxy_default_timeout": 0,
            "storage": {"timeout": 0}, "analytics_config": {"records_buffer_size": 0,
            "storage_expiration_time": 0}, "app_path": ""})");
        QCOMPARE(c.listenPort, 8080);
        QVERIFY(c.proxyDefaultTimeout == 30s);
        QVERIFY(c.storage.timeout == 5s);
        QCOMPARE(c.analytics.recordsBufferSize, std::uint64_t(1000));
        QVERIFY(c.analytics.storageExpirationTime == 60s);
        QCOMPARE(c.appPath, std::filesystem::path("/etc/tyk/apps"));
    }

    void nullsAndUnknownFieldsAreIgnored()
    {
        const GatewayConfig c = parse(R"({
            "listen_port": null, "secret": null, "storage": null,
            "template_path": "/opt/tyk-gateway/templates",
            "policies": {"policy_source": "file", "policy_record_name": "policies.json"},
            "http_server_options": {"enable_websockets": true, "read_timeout": 120},
            "some_future_option": [1, {"nested": true}],
            "storage_extra": {"listen_port": "not looked at"}
        })");
        QCOMPARE(c.listenPort, 8080);
        QCOMPARE(c.secret, std::string());
        QVERIFY(c.storage.type == StorageType::Memory);
    }

    void relativeAppPathFollowsTheFile()
    {
        QCOMPARE(parse(R"({"app_path": "apps/"})").appPath,
                 std::filesystem::path("/etc/tyk/apps/"));
        QCOMPARE(parse(R"({"app_path": "../common-apps"})").appPath,
                 std::filesystem::path("/etc/tyk/../common-apps"));
    }

    void storageTypes_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<bool>("redis");
        QTest::newRow("redis") << "redis" << true;
        QTest::newRow("memory") << "memory" << false;
        QTest::newRow("empty") << "" << false;
    }
    void storageTypes()
    {
        QFETCH(QString, type);
        QFETCH(bool, redis);
        const QByteArray text = "{\"storage\": {\"type\": \"" + type.toUtf8() + "\"}}";
        const GatewayConfig c = gb::gateway::parseGatewayConfig(text.toStdString(), "t", "/");
        QCOMPARE(c.storage.type == StorageType::Redis, redis);
    }

    // Wrong types and values: the message names the field and the position of its value.
    void wrongValues_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("position");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("port as string")
            << QByteArray("{\n  \"listen_port\": \"8080\"\n}") << "2:18"
            << "\"listen_port\" must be a whole number between 0 and 65535, but it is a string";
        QTest::newRow("port fraction") << QByteArray("{\"listen_port\": 80.5}") << "1:17"
                                       << "but it is a fraction";
        QTest::newRow("port too large") << QByteArray("{\"listen_port\": 70000}") << "1:17"
                                        << "but it is 70000";
        QTest::newRow("negative control port") << QByteArray("{\"control_api_port\": -1}") << "1:22"
                                               << "\"control_api_port\"";
        QTest::newRow("bool as string")
            << QByteArray("{\"hash_keys\": \"true\"}") << "1:15"
            << "\"hash_keys\" must be true or false, but it is a string";
        QTest::newRow("secret as number") << QByteArray("{\"secret\": 42}") << "1:12"
                                          << "\"secret\" must be a string, but it is a number";
        QTest::newRow("nested storage port")
            << QByteArray(
                   "{\n\t\"storage\": {\n\t\t\"type\": \"redis\",\n\t\t\"port\": \"6379\"\n\t}\n}")
            << "4:11"
            << "\"storage.port\"";
        QTest::newRow("storage not an object")
            << QByteArray("{\"storage\": \"redis\"}") << "1:13"
            << "\"storage\" must be an object, but it is a string";
        QTest::newRow("unknown storage type")
            << QByteArray("{\"storage\": {\"type\": \"mongo\"}}") << "1:22"
            << "must be \"redis\" or \"memory\", not \"mongo\"";
        QTest::newRow("budget longer than the storage timeout")
            << QByteArray("{\"storage\": {\"timeout\": 1, \"lookup_budget_ms\": 1500}}") << "1:48"
            << "\"storage.lookup_budget_ms\"";
        QTest::newRow("budget zero")
            << QByteArray("{\"storage\": {\"decision_budget_ms\": 0}}") << "1:36"
            << "\"storage.decision_budget_ms\"";
        QTest::newRow("timeout as string")
            << QByteArray("{\"proxy_default_timeout\": \"30s\"}") << "1:27"
            << "\"proxy_default_timeout\" must be a number";
        QTest::newRow("negative timeout") << QByteArray("{\"proxy_default_timeout\": -1}") << "1:27"
                                          << "between 0 and";
        QTest::newRow("ignored ip not a string")
            << QByteArray("{\"analytics_config\": {\"ignored_ips\": [\"a\", 7]}}") << "1:44"
            << "\"analytics_config.ignored_ips[1]\" must be a string";
        QTest::newRow("buffer size negative")
            << QByteArray("{\"analytics_config\": {\"records_buffer_size\": -5}}") << "1:46"
            << "\"analytics_config.records_buffer_size\"";
        QTest::newRow("quota status other than 403 or 429")
            << QByteArray("{\"gatebench_quota_exceeded_status\": 404}") << "1:37"
            << "is 403 (Tyk's answer) or 429";
        QTest::newRow("unknown header source")
            << QByteArray("{\"rate_limit_response_headers\": \"both\"}") << "1:33"
            << "is \"quotas\" or \"rate_limits\"";
        QTest::newRow("unknown hash function")
            << QByteArray("{\"hash_key_function\": \"md5\"}") << "1:23"
            << "unknown hash function \"md5\"; use \"murmur32\"";
        QTest::newRow("unknown fallback hash function")
            << QByteArray("{\"hash_key_function_fallback\": [\"murmur64\", \"md5\"]}") << "1:32"
            << "unknown hash function \"md5\"";
        QTest::newRow("policies from a Dashboard")
            << QByteArray("{\"policies\": {\"policy_source\": \"service\"}}") << "1:32"
            << "needs a Tyk Dashboard or MDCB";
        QTest::newRow("protobuf serializer")
            << QByteArray("{\"analytics_config\": {\"serializer_type\": \"protobuf\"}}") << "1:42"
            << "\"protobuf\" is not supported; use \"msgpack\"";
        QTest::newRow("unknown serializer")
            << QByteArray("{\"analytics_config\": {\"serializer_type\": \"xml\"}}") << "1:42"
            << "unknown serializer \"xml\"";
        QTest::newRow("duplicate member, last one counts")
            << QByteArray("{\"listen_port\": 1, \"listen_port\": true}") << "1:35"
            << "but it is a boolean";
        QTest::newRow("escaped key") << QByteArray("{\"listen\\u005fport\": []}") << "1:22"
                                     << "but it is an array";
        QTest::newRow("utf-8 before the value counts as characters")
            << QByteArray("{\"x\": \"\xC3\xA9\xC3\xA9\", \"listen_port\": {}}") << "1:28"
            << "but it is an object";
    }
    void wrongValues()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, position);
        QFETCH(QString, fragment);
        const std::string error = parseError(text);
        const std::string prefix = "tyk.conf:" + position.toStdString() + ": ";
        QVERIFY2(error.starts_with(prefix), error.c_str());
        QVERIFY2(error.find(fragment.toStdString()) != std::string::npos, error.c_str());
    }

    void brokenFiles_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("position");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty") << QByteArray() << "1:1"
                               << "the file is empty";
        QTest::newRow("blank") << QByteArray(" \n\t\n") << "1:1"
                               << "the file is empty";
        QTest::newRow("truncated")
            << QByteArray("{\n  \"listen_port\": 8080,\n  \"secret\": \"abc") << "3:17"
            << "not valid JSON";
        QTest::newRow("truncated after comma") << QByteArray("{\"listen_port\": 8080,\n") << "2:1"
                                               << "unexpected end of input";
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}") << "1:6"
                                       << "not valid JSON";
        QTest::newRow("trailing comma") << QByteArray("{\n  \"a\": 1,\n}") << "3:1"
                                        << "not valid JSON";
        QTest::newRow("comment") << QByteArray("{\n  // Tyk has none\n}") << "2:3"
                                 << "not valid JSON";
        QTest::newRow("top-level array") << QByteArray("[1, 2]") << "1:1"
                                         << "must contain a JSON object, but it holds an array";
        QTest::newRow("two documents") << QByteArray("{} {}") << "1:4"
                                       << "not valid JSON";
    }
    void brokenFiles()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, position);
        QFETCH(QString, fragment);
        const std::string error = parseError(text);
        const std::string prefix = "tyk.conf:" + position.toStdString() + ": ";
        QVERIFY2(error.starts_with(prefix), error.c_str());
        QVERIFY2(error.find(fragment.toStdString()) != std::string::npos, error.c_str());
        QVERIFY2(error.find("[json.exception") == std::string::npos, error.c_str());
    }

    void loadsFromDiskWithTheFileName()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("tyk.conf");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\n  \"app_path\": \"my-apps\",\n  \"listen_port\": true\n}");
        file.close();
        try {
            gb::gateway::loadGatewayConfig(path.toStdString());
            QFAIL("a wrong type must throw");
        } catch (const ConfigError& e) {
            const std::string expected = path.toStdString() + ":3:18: ";
            QVERIFY2(std::string(e.what()).starts_with(expected), e.what());
        }
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(R"({"app_path": "my-apps"})");
        file.close();
        const GatewayConfig c = gb::gateway::loadGatewayConfig(path.toStdString());
        QCOMPARE(c.appPath, std::filesystem::path(dir.path().toStdString()) / "my-apps");
        QCOMPARE(c.sourceFile, std::filesystem::path(path.toStdString()));
    }

    void unreadableFiles()
    {
        QTemporaryDir dir;
        for (const QString& path : {dir.filePath("missing.conf"), dir.path()}) {
            try {
                gb::gateway::loadGatewayConfig(path.toStdString());
                QFAIL("must throw");
            } catch (const ConfigError& e) {
                QVERIFY2(std::string(e.what()).starts_with(path.toStdString() + ": "), e.what());
            }
        }
    }

    void sampleFile()
    {
        const QString path = samplesDir() + "/tyk.conf";
        const GatewayConfig c = gb::gateway::loadGatewayConfig(path.toStdString());
        QCOMPARE(c.listenPort, 8080);
        QCOMPARE(c.secret, std::string("352d20ee67be67f6340b4c0605b044b7"));
        QVERIFY(c.storage.type == StorageType::Redis);
        QVERIFY(c.hashKeys);
        QVERIFY(c.enableAnalytics);
        QCOMPARE(c.maxIdleConnectionsPerHost, 500);
        QVERIFY(std::filesystem::is_directory(c.appPath));
    }

    void textPositions_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::newRow("start") << QByteArray("abc") << 0 << 1 << 1;
        QTest::newRow("middle") << QByteArray("abc") << 2 << 1 << 3;
        QTest::newRow("second line") << QByteArray("ab\ncd") << 4 << 2 << 2;
        QTest::newRow("at newline") << QByteArray("ab\ncd") << 2 << 1 << 3;
        QTest::newRow("past the end") << QByteArray("ab\ncd") << 99 << 2 << 3;
        QTest::newRow("multibyte") << QByteArray("\xC3\xA9x") << 2 << 1 << 2;
        QTest::newRow("crlf") << QByteArray("a\r\nb") << 3 << 2 << 1;
    }
    void textPositions()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, offset);
        QFETCH(int, line);
        QFETCH(int, column);
        const auto p = gb::gateway::textPositionAt(std::string_view(text.constData(), text.size()),
                                                   std::size_t(offset));
        QCOMPARE(int(p.line), line);
        QCOMPARE(int(p.column), column);
    }
};

QTEST_GUILESS_MAIN(TestTykConf)
#include "tst_tyk_conf.moc"
