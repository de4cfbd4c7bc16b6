// Scenario: JSON round trip, the file's shape, validation sentences, broken files, built-ins,
// and the engine configuration a scenario turns into.

#include "app/builtin_scenarios.h"
#include "app/scenario.h"
#include "app/scenario_json.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace gb::app;
using namespace std::chrono_literals;

namespace {

Scenario minimal()
{
    Scenario s;
    s.name = QStringLiteral("minimal");
    return s;
}

Scenario everything()
{
    Scenario s;
    s.name = QStringLiteral("every setting \"quoted\" \u00e9");
    s.description = QStringLiteral("line one\nline two\ttabbed");
    s.upstream.kind = UpstreamKind::Bundled;
    s.upstream.route = QStringLiteral("/size/1KB?x=1");
    s.upstream.xDelay = 10ms;
    s.upstream.url = QStringLiteral("http://example.invalid/kept");
    s.gateway.kind = GatewayKind::BundledFull;
    s.gateway.listenPath = QStringLiteral("/api/v1/");
    s.gateway.url = QStringLiteral("http://gw.invalid:8080/x");
    s.gateway.headers = {{QStringLiteral("X-Api-Key"), QStringLiteral("a:b:c")}};
    s.gateway.redis = {RedisMode::Address, QStringLiteral("10.0.0.5:6380")};
    s.gateway.rateLimit = {12345.5, 2s};
    s.load.connections = 77;
    s.load.duration = 1min + 30s;
    s.load.warmup = 1500ms;
    s.load.model = LoadModelKind::TotalRate;
    s.load.perWorkerRate = 12.25;
    s.load.totalRate = 1000;
    s.load.stages = {{10s, 2000}, {250ms, 0.5}, {0s, 0}};
    s.load.method = QStringLiteral("POST");
    s.load.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/json")},
                      {QStringLiteral("X-Trace"), QString()}};
    s.load.body = QStringLiteral("{\"a\": [1, 2, {\"b\": null}]}");
    s.load.timeout = 0s;
    s.load.keepAlive = false;
    return s;
}

QByteArray replaced(QByteArray text, const QByteArray& from, const QByteArray& to)
{
    return text.replace(from, to);
}

} // namespace

class TestScenario : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<Scenario>("scenario");
        QTest::newRow("defaults") << minimal();
        QTest::newRow("every setting") << everything();
        Scenario external = minimal();
        external.gateway.kind = GatewayKind::External;
        external.gateway.url = QStringLiteral("https://kong.example:8443/echo?q=1");
        external.load.model = LoadModelKind::PerWorkerRate;
        external.load.perWorkerRate = 1500;
        QTest::newRow("external gateway") << external;
        Scenario url = minimal();
        url.upstream.kind = UpstreamKind::Url;
        url.upstream.url = QStringLiteral("http://127.0.0.1:9/json/valid");
        url.gateway.kind = GatewayKind::BundledKeyless;
        url.load.duration = 5min;
        QTest::newRow("url upstream, keyless") << url;
        Scenario odd = minimal();
        odd.load.duration = 1234567891ns; // not a round number of anything
        odd.load.warmup = 1us;
        QTest::newRow("odd durations") << odd;
        Scenario hosts = minimal();
        hosts.gateway.kind = GatewayKind::BundledFull;
        hosts.topology.kind = TopologyKind::Hosts;
        hosts.topology.gatewayHost = QStringLiteral("gw");
        hosts.topology.redisHost = QStringLiteral("db");
        hosts.topology.loadToPrivateAddress = true;
        QTest::newRow("on hosts") << hosts;
        for (const QString& name : builtinScenarioNames())
            QTest::newRow(qPrintable(QStringLiteral("built-in ") + name))
                << builtinScenario(name).value();
    }
    void roundTrip()
    {
        QFETCH(Scenario, scenario);
        const QByteArray text = scenarioToText(scenario);
        auto back = scenarioFromText(text);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back.value(), scenario);
        // Stable: writing what was read gives the same bytes.
        QCOMPARE(scenarioToText(back.value()), text);
    }

    void fileIsHumanReadable()
    {
        const QByteArray text = scenarioToText(everything());
        QVERIFY(text.startsWith("{\n  \"version\": 1,\n  \"name\": "));
        QVERIFY(text.endsWith("}\n"));
        // Sections in a reading order, not QJsonDocument's alphabetical one.
        const qsizetype up = text.indexOf("\"upstream\""), gw = text.indexOf("\"gateway\""),
                        load = text.indexOf("\"load\""), topo = text.indexOf("\"topology\"");
        QVERIFY(up < gw && gw < load && load < topo);
        QVERIFY(text.contains("\"duration\": \"1m30s\""));
        QVERIFY(text.contains("\"Content-Type: application/json\""));
        QVERIFY(text.contains("\"xDelay\": \"10ms\""));
    }

    void shortFilesTakeDefaults()
    {
        auto s = scenarioFromText(
            "{\"version\": 1, \"name\": \"short\", \"load\": {\"connections\": 3}}");
        QVERIFY2(s.ok(), qPrintable(s.error()));
        Scenario expected = minimal();
        expected.name = QStringLiteral("short");
        expected.load.connections = 3;
        QCOMPARE(s.value(), expected);
        auto seconds = scenarioFromText("{\"version\": 1, \"load\": {\"duration\": 2.5}}");
        QVERIFY(seconds.ok());
        QCOMPARE(seconds->load.duration, Duration(2500ms));
    }

    void brokenText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        const QByteArray good = scenarioToText(minimal());
        QTest::newRow("empty") << QByteArray()
                               << QStringLiteral("line 1, column 1: the text is empty");
        QTest::newRow("trailing comma")
            << QByteArray("{\n  \"version\": 1,\n}") << QStringLiteral("line 3, column 1: ");
        QTest::newRow("unterminated string")
            << QByteArray("{\"version\": 1, \"name\": \"abc") << QStringLiteral("line 1, column ");
        QTest::newRow("not an object")
            << QByteArray("[1, 2]") << QStringLiteral("must be a JSON object");
        QTest::newRow("no version")
            << QByteArray("{\"name\": \"x\"}")
            << QStringLiteral("not a GateBench scenario (it has no \"version\")");
        QTest::newRow("future version")
            << replaced(good, "\"version\": 1", "\"version\": 2")
            << QStringLiteral("scenario format version 2 is not supported");
        QTest::newRow("connections as text")
            << replaced(good, "\"connections\": 50", "\"connections\": \"fifty\"")
            << QStringLiteral("load.connections must be a whole number");
        QTest::newRow("fractional connections")
            << replaced(good, "\"connections\": 50", "\"connections\": 2.5")
            << QStringLiteral("load.connections must be a whole number");
        QTest::newRow("bad duration")
            << replaced(good, "\"duration\": \"10s\"", "\"duration\": \"ten\"")
            << QStringLiteral("load.duration must be a duration such as \"10s\"");
        QTest::newRow("bad kind")
            << replaced(good, "\"kind\": \"none\"", "\"kind\": \"nginx\"")
            << QStringLiteral("gateway.kind must be one of \"none\", \"bundled-keyless\"");
        QTest::newRow("header without colon")
            << replaced(good, "\"headers\": [],\n    \"body\"",
                        "\"headers\": [\"NoColon\"],\n    \"body\"")
            << QStringLiteral("load.headers[0] must be a \"Name: value\" line");
        QTest::newRow("section not an object")
            << replaced(good, "\"topology\": {\n    \"kind\": \"local\"\n  }", "\"topology\": 5")
            << QStringLiteral("topology must be an object");
        QTest::newRow("stage rps as text")
            << replaced(good, "\"stages\": []",
                        "\"stages\": [{\"duration\": \"1s\", \"rps\": \"x\"}]")
            << QStringLiteral("load.stages[0].rps must be a number");
    }
    void brokenText()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        auto s = scenarioFromText(text);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().contains(error), qPrintable(s.error()));
    }

    void brokenFileNamesFileAndPosition()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\n  \"version\": 1,\n  \"name\": \"x\"\n  \"load\": {}\n}\n");
        f.close();
        auto s = loadScenarioFile(path);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().startsWith(path + QStringLiteral(": line 4, column ")),
                 qPrintable(s.error()));

        auto missing = loadScenarioFile(dir.filePath(QStringLiteral("nope.json")));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().contains(QStringLiteral("nope.json: cannot be read")),
                 qPrintable(missing.error()));
    }

    void saveIsAtomicAndReadable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        QCOMPARE(saveScenarioFile(everything(), path), QString());
        auto back = loadScenarioFile(path);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back.value(), everything());
        // Overwriting leaves no temporary files behind.
        QCOMPARE(saveScenarioFile(minimal(), path), QString());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("s.json")});
        QVERIFY(saveScenarioFile(minimal(), dir.filePath(QStringLiteral("no/such/dir/s.json")))
                    .contains(QStringLiteral("cannot be written")));
    }

    void builtins()
    {
        QCOMPARE(builtinScenarioNames(),
                 (QStringList{QStringLiteral("baseline"), QStringLiteral("keyless"),
                              QStringLiteral("full")}));
        const GatewayKind expected[] = {GatewayKind::None, GatewayKind::BundledKeyless,
                                        GatewayKind::BundledFull};
        for (int i = 0; i < 3; ++i) {
            auto s = builtinScenario(builtinScenarioNames()[i]);
            QVERIFY2(s.ok(), qPrintable(s.error()));
            QCOMPARE(s->name, builtinScenarioNames()[i]);
            QCOMPARE(s->gateway.kind, expected[i]);
            QCOMPARE(s->validate(), QList<ValidationIssue>());
            QCOMPARE(s->upstream.route, QStringLiteral("/json/valid"));
        }
        QVERIFY(builtinScenario(QStringLiteral("turbo"))
                    .error()
                    .contains(QStringLiteral("baseline, keyless, full")));
    }

    void validation_data()
    {
        QTest::addColumn<Scenario>("scenario");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        auto with = [](auto change) {
            Scenario s = minimal();
            change(s);
            return s;
        };
        QTest::newRow("no name") << with([](Scenario& s) { s.name = QStringLiteral("  "); })
                                 << "name"
                                 << "Give the scenario a name";
        QTest::newRow("zero connections")
            << with([](Scenario& s) { s.load.connections = 0; }) << "load.connections"
            << "Connections must be between 1 and 100000";
        QTest::newRow("too many connections")
            << with([](Scenario& s) { s.load.connections = 100001; }) << "load.connections"
            << "Connections must be between 1 and 100000";
        QTest::newRow("invalid json body")
            << with([](Scenario& s) {
                   s.load.method = QStringLiteral("POST");
                   s.load.headers = {{QStringLiteral("content-type"),
                                      QStringLiteral("application/json; charset=utf-8")}};
                   s.load.body = QStringLiteral("{\"a\": tru}");
               })
            << "load.body"
            << "Body is not valid JSON: line 1, column 7: illegal value";
        QTest::newRow("json body error on line 2") << with([](Scenario& s) {
            s.load.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
            s.load.body = QStringLiteral("{\"a\": 1,\n \"b\" 2}");
        }) << "load.body"
                                                   << "Body is not valid JSON: line 2, column 6: ";
        QTest::newRow("route without slash")
            << with([](Scenario& s) { s.upstream.route = QStringLiteral("json/valid"); })
            << "upstream.route"
            << "Route must be a path starting with /, without spaces, e.g. /json/valid";
        QTest::newRow("bad upstream url") << with([](Scenario& s) {
            s.upstream.kind = UpstreamKind::Url;
            s.upstream.url = QStringLiteral("ftp://x");
        }) << "upstream.url"
                                          << "Upstream URL is not valid: ";
        QTest::newRow("listen path") << with([](Scenario& s) {
            s.gateway.kind = GatewayKind::BundledKeyless;
            s.gateway.listenPath = QStringLiteral("/apitest");
        }) << "gateway.listenPath"
                                     << "Listen path must start and end with /, e.g. /apitest/";
        QTest::newRow("redis address") << with([](Scenario& s) {
            s.gateway.kind = GatewayKind::BundledFull;
            s.gateway.redis.mode = RedisMode::Address;
            s.gateway.redis.address = QStringLiteral("localhost");
        }) << "gateway.redis.address"
                                       << "Redis address must be host:port, e.g. 127.0.0.1:6379";
        QTest::newRow("external url")
            << with([](Scenario& s) { s.gateway.kind = GatewayKind::External; }) << "gateway.url"
            << "Gateway URL is not valid: is empty";
        QTest::newRow("header name")
            << with([](Scenario& s) {
                   s.load.headers = {{QStringLiteral("X Y"), QStringLiteral("1")}};
               })
            << "load.headers[0]"
            << "Header name \"X Y\" is not valid: use letters, digits and - only, e.g. X-Api-Key";
        QTest::newRow("per-worker rate")
            << with([](Scenario& s) { s.load.model = LoadModelKind::PerWorkerRate; })
            << "load.perWorkerRate"
            << "Requests per second per connection must be above 0";
        QTest::newRow("total rate")
            << with([](Scenario& s) { s.load.model = LoadModelKind::TotalRate; })
            << "load.totalRate"
            << "Set a total rate above 0 or add ramp stages";
        QTest::newRow("stage rate") << with([](Scenario& s) {
            s.load.model = LoadModelKind::TotalRate;
            s.load.stages = {{1s, 100}, {1s, -1}};
        }) << "load.stages[1].rps"
                                    << "Stage 2's rate must be between 0 and";
        QTest::newRow("zero duration")
            << with([](Scenario& s) { s.load.duration = 0s; }) << "load.duration"
            << "Duration must be above 0s";
        QTest::newRow("method") << with([](Scenario& s) {
            s.load.method = QStringLiteral("GET /");
        }) << "load.method"
                                << "Method must be a single word such as GET or POST";
    }
    void validation()
    {
        QFETCH(Scenario, scenario);
        QFETCH(QString, field);
        QFETCH(QString, message);
        const QList<ValidationIssue> issues = scenario.validate();
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().field, field);
        QVERIFY2(issues.first().message.startsWith(message), qPrintable(issues.first().message));
    }

    void validScenariosHaveNoIssues()
    {
        QCOMPARE(minimal().validate(), QList<ValidationIssue>());
        Scenario stagesOnly = minimal();
        stagesOnly.load.model = LoadModelKind::TotalRate;
        stagesOnly.load.duration = 0s;
        stagesOnly.load.stages = {{5s, 100}};
        QCOMPARE(stagesOnly.validate(), QList<ValidationIssue>());
        // Not JSON, but not declared as JSON either: sent as is.
        Scenario text = minimal();
        text.load.body = QStringLiteral("{not json");
        QCOMPARE(text.validate(), QList<ValidationIssue>());
        // A JSON scalar is a valid JSON body.
        text.load.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
        text.load.body = QStringLiteral("42");
        QCOMPARE(text.validate(), QList<ValidationIssue>());
    }

    void requestPath_data()
    {
        QTest::addColumn<Scenario>("scenario");
        QTest::addColumn<QString>("path");
        Scenario s = minimal();
        QTest::newRow("direct") << s << "/json/valid";
        s.gateway.kind = GatewayKind::BundledKeyless;
        QTest::newRow("keyless") << s << "/apitest/json/valid";
        s.upstream.kind = UpstreamKind::Url;
        s.upstream.url = QStringLiteral("http://10.1.1.1:8000/size/1KB?n=1");
        QTest::newRow("keyless to url") << s << "/apitest/size/1KB?n=1";
        s.gateway.kind = GatewayKind::External;
        s.gateway.url = QStringLiteral("http://gw:8080/kong/json/valid");
        QTest::newRow("external") << s << "/kong/json/valid";
    }
    void requestPath()
    {
        QFETCH(Scenario, scenario);
        QFETCH(QString, path);
        QCOMPARE(scenario.requestPath(), path);
    }

    void toLoadConfig()
    {
        Scenario s = everything();
        s.gateway.kind = GatewayKind::BundledKeyless;
        auto config = s.toLoadConfig(QStringLiteral("http://127.0.0.1:4321/"),
                                     {{QStringLiteral("Authorization"), QStringLiteral("key")}});
        QVERIFY2(config.ok(), qPrintable(config.error()));
        const gb::engine::LoadConfig& c = config.value();
        QCOMPARE(QString::fromStdString(c.request.url.host), QStringLiteral("127.0.0.1"));
        QCOMPARE(c.request.url.port, 4321);
        QCOMPARE(QString::fromStdString(c.request.url.target),
                 QStringLiteral("/api/v1/size/1KB?x=1"));
        QCOMPARE(c.request.method, std::string("POST"));
        QCOMPARE(c.request.contentType, std::string("application/json"));
        QCOMPARE(c.request.body, s.load.body.toStdString());
        QVERIFY(!c.request.keepAlive);
        const std::vector<std::pair<std::string, std::string>> headers = {
            {"X-Trace", ""}, {"X-Delay", "10ms"}, {"Authorization", "key"}};
        QVERIFY(c.request.headers == headers);
        QCOMPARE(c.connections, 77);
        QCOMPARE(c.model(), gb::engine::LoadModel::OpenLoop);
        QCOMPARE(c.totalRate, 1000.0);
        QCOMPARE(c.stages.size(), std::size_t(3));
        QCOMPARE(c.stages[1].duration, gb::engine::Nanos(250ms));
        // The engine's duration includes the warm-up; the scenario's is the measured window.
        QCOMPARE(c.warmup, gb::engine::Nanos(1500ms));
        QCOMPARE(c.duration, gb::engine::Nanos(91500ms));
        QCOMPARE(c.timeout, gb::engine::Nanos(0));

        Scenario closed = minimal();
        auto cc = closed.toLoadConfig(QStringLiteral("http://127.0.0.1:1"));
        QCOMPARE(cc->model(), gb::engine::LoadModel::ClosedLoop);
        closed.load.model = LoadModelKind::PerWorkerRate;
        closed.load.perWorkerRate = 1500;
        QCOMPARE(closed.toLoadConfig(QStringLiteral("http://127.0.0.1:1"))->model(),
                 gb::engine::LoadModel::PerWorkerRate);
        QCOMPARE(closed.targetRps(), 75000.0);

        QVERIFY(!minimal().toLoadConfig(QStringLiteral("nonsense")).ok());
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
