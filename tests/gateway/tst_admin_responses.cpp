#include "gateway/config/admin_responses.h"
#include "gateway/config/api_definition.h"
#include "gateway/config/concat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using gb::gateway::AdminResponse;
using gb::gateway::ApiDefinition;
using gb::gateway::HealthComponent;
using gb::gateway::HealthStatus;

namespace {

QJsonObject object(const AdminResponse& r)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(r.body), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qWarning("not a JSON object: %s", r.body.c_str());
    return doc.object();
}

HealthComponent component(const char* name, HealthStatus status, const char* output = "")
{
    HealthComponent c;
    c.name = name;
    c.status = status;
    c.componentType = "datastore";
    c.output = output;
    c.checkedAt = std::chrono::system_clock::time_point(std::chrono::seconds(1589852575));
    return c;
}

ApiDefinition loaded(std::string id, std::string json)
{
    ApiDefinition api;
    api.apiId = std::move(id);
    api.originalJson = std::move(json);
    return api;
}

} // namespace

class TestAdminResponses : public QObject
{
    Q_OBJECT
private slots:
    // In-memory storage: nothing to report, so no "details", as Tyk omits an empty map.
    void helloWithoutComponents()
    {
        const AdminResponse r = gb::gateway::helloResponse("v0.1.0", {});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body,
                 std::string(R"({"status":"pass","version":"v0.1.0","description":"Tyk GW"})"));
    }

    void helloStatus_data()
    {
        QTest::addColumn<int>("redis");
        QTest::addColumn<int>("dashboard");
        QTest::addColumn<QString>("overall");
        const int pass = int(HealthStatus::Pass), warn = int(HealthStatus::Warn),
                  fail = int(HealthStatus::Fail);
        QTest::newRow("all pass") << pass << pass << "pass";
        QTest::newRow("one fails") << fail << pass << "warn";
        QTest::newRow("all fail") << fail << fail << "fail";
        QTest::newRow("a warning is not a failure") << warn << pass << "pass";
    }
    void helloStatus()
    {
        QFETCH(int, redis);
        QFETCH(int, dashboard);
        QFETCH(QString, overall);
        const AdminResponse r =
            gb::gateway::helloResponse("v1", {component("redis", HealthStatus(redis)),
                                              component("dashboard", HealthStatus(dashboard))});
        QCOMPARE(r.status, 200); // Tyk answers 200 even when failing
        QCOMPARE(object(r).value("status").toString(), overall);
    }

    void helloDetailsShape()
    {
        const AdminResponse r = gb::gateway::helloResponse(
            "v1", {component("redis", HealthStatus::Fail, "connection refused")});
        const QJsonObject body = object(r);
        QCOMPARE(body.keys(), (QStringList{"description", "details", "status", "version"}));
        QCOMPARE(body.value("description").toString(), QStringLiteral("Tyk GW"));
        const QJsonObject redis = body.value("details").toObject().value("redis").toObject();
        QCOMPARE(redis.value("status").toString(), QStringLiteral("fail"));
        QCOMPARE(redis.value("componentType").toString(), QStringLiteral("datastore"));
        QCOMPARE(redis.value("output").toString(), QStringLiteral("connection refused"));
        QCOMPARE(redis.value("time").toString(), QStringLiteral("2020-05-19T01:42:55Z"));
        // Member order as Tyk's struct: status, output, componentType, time.
        QVERIFY(r.body.find(R"("redis":{"status":"fail","output":"connection refused",)"
                            R"("componentType":"datastore","time":)") != std::string::npos);
    }

    void rfc3339()
    {
        using namespace std::chrono;
        QCOMPARE(gb::gateway::formatRfc3339(system_clock::time_point()),
                 std::string("1970-01-01T00:00:00Z"));
        const QString now = QString::fromStdString(gb::gateway::formatRfc3339(system_clock::now()));
        QVERIFY(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$")
                    .match(now)
                    .hasMatch());
    }

    void apiList()
    {
        std::vector<ApiDefinition> apis;
        apis.push_back(loaded("1", R"({"api_id":"1","name":"one","extra":{"kept":true}})"));
        apis.push_back(loaded("2", R"({"name":"Tyk Auth API","api_id":"2"})"));
        const AdminResponse r = gb::gateway::apiListResponse(apis);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body,
                 gb::gateway::concat("[", apis[0].originalJson, ",", apis[1].originalJson, "]"));
        const QJsonArray list = QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).array();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.at(1).toObject().value("name").toString(), QStringLiteral("Tyk Auth API"));

        QCOMPARE(gb::gateway::apiListResponse({}).body, std::string("[]"));
    }

    void oneApi()
    {
        const ApiDefinition api = loaded("2", R"({"api_id":"2"})");
        const AdminResponse found = gb::gateway::apiResponse(&api);
        QCOMPARE(found.status, 200);
        QCOMPARE(found.body, api.originalJson);

        const AdminResponse missing = gb::gateway::apiResponse(nullptr);
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.body, std::string(R"({"status":"error","message":"API not found"})"));
    }

    void reload()
    {
        const AdminResponse r = gb::gateway::reloadResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, std::string(R"({"status":"ok","message":""})"));
    }

    void forbidden()
    {
        const AdminResponse r = gb::gateway::forbiddenResponse();
        QCOMPARE(r.status, 403);
        QCOMPARE(r.body,
                 std::string(R"({"status":"error","message":)"
                             R"("Attempted administrative access with invalid or missing key!"})"));
    }

    void errorsAreEscaped()
    {
        const AdminResponse r = gb::gateway::errorResponse(405, "Method \"Not\" Allowed\n\xff");
        QCOMPARE(r.status, 405);
        const QJsonObject body = object(r);
        QCOMPARE(body.value("status").toString(), QStringLiteral("error"));
        QVERIFY(body.value("message").toString().startsWith("Method \"Not\" Allowed\n"));
    }
};

QTEST_GUILESS_MAIN(TestAdminResponses)
#include "tst_admin_responses.moc"
