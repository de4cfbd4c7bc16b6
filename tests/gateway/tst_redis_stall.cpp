// A Redis that stalls (SIGSTOP: the socket stays open, nothing is answered) or answers slowly
// (a delaying TCP proxy) under an open loop through the real gatebench-gateway (issue 19): a
// cached key keeps being served within the decision budget, an unknown key gets its 503 within
// the lookup budget, analytics records are all written after the stall, the rate limit stays
// within its documented tolerance, and /metrics says how long the node decided alone.

#include "support/delaying_proxy.h"
#include "support/gateway_harness.h"
#include "support/prometheus_text.h"
#include "support/redis_fixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gb::test;
using Json = nlohmann::json;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

constexpr const char* kSecret = "stall-secret";

/// The full gateway's set-up of the benchmarks: a keyed API, sessions, limits and analytics in
/// Redis (at redisPort), the default budgets (decision 5 ms, lookup 50 ms).
bool startFullGateway(ChildServer& gw, QTemporaryDir& dir, std::uint16_t redisPort,
                      std::uint16_t upstreamPort)
{
    const std::string api =
        "{\"name\": \"s\", \"api_id\": \"s\", \"org_id\": \"default\", \"use_keyless\": false, "
        "\"auth\": {\"auth_header_name\": \"Authorization\"}, \"version_data\": "
        "{\"not_versioned\": "
        "true, \"versions\": {\"Default\": {\"name\": \"Default\"}}}, \"proxy\": {\"listen_path\": "
        "\"/s/\", \"target_url\": \"http://127.0.0.1:" +
        std::to_string(upstreamPort) + "\", \"strip_listen_path\": true}, \"active\": true}\n";
    const std::string storage =
        "\"storage\": {\"type\": \"redis\", \"host\": \"127.0.0.1\", "
        "\"port\": " +
        std::to_string(redisPort) +
        ", \"timeout\": 5}, \"enable_analytics\": true, \"hash_keys\": true";
    return QDir(dir.path()).mkpath("apps") && writeTextFile(dir.filePath("apps/s.json"), api) &&
           writeTextFile(dir.filePath("tyk.conf"), tykConf("apps", kSecret, 30, storage)) &&
           startGateway(gw, dir.filePath("tyk.conf"), 1);
}

/// A key for API "s" allowing `rate` requests per second, created through the admin API.
std::string createKey(std::uint16_t port, int rate)
{
    const std::string body = "{\"access_rights\": {\"s\": {\"api_id\": \"s\", \"api_name\": \"s\", "
                             "\"versions\": [\"Default\"]}}, \"allowance\": " +
                             std::to_string(rate) + ", \"rate\": " + std::to_string(rate) +
                             ", \"per\": 1, \"quota_max\": -1, \"org_id\": \"default\", "
                             "\"expires\": 0}";
    const auto r =
        fetch(port, "POST /tyk/keys/create HTTP/1.1\r\nHost: a\r\nx-tyk-authorization: " +
                        std::string(kSecret) +
                        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    if (!r || r->status != 200)
        return {};
    return Json::parse(r->body).value("key", std::string());
}

/// gatebench-load, open loop at `rate` for `seconds`, one JSON line per second into `live`
/// and the report into `report`.
void startLoad(QProcess& load, std::uint16_t port, const std::string& key, int rate, int seconds,
               const QString& live, const QString& report)
{
    load.start(binaryPath("gatebench-load"),
               {"--rate", QString::number(rate), "-z", QString::number(seconds) + "s", "-c", "20",
                "-t", "10", "-H", QString::fromStdString("Authorization: " + key), "--live", live,
                "--json", report, QString("http://127.0.0.1:%1/s/json/valid").arg(port)});
}

/// Waits (bounded) for the load to end; true also when it already has.
bool finished(QProcess& load)
{
    return load.state() == QProcess::NotRunning || load.waitForFinished(20000);
}

std::vector<Json> jsonLines(const QString& path)
{
    std::vector<Json> lines;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return lines;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (!line.trimmed().isEmpty())
            lines.push_back(Json::parse(line.toStdString()));
    return lines;
}

Json readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return Json::parse(f.readAll().toStdString(), nullptr, false);
}

std::uint64_t statusCount(const Json& snapshot, const char* status)
{
    const Json& codes = snapshot["status_codes"];
    return codes.contains(status) ? codes[status].get<std::uint64_t>() : 0;
}

double metric(std::uint16_t port, const char* name,
              const std::map<std::string, std::string>& labels)
{
    const auto r = fetch(port, getRequest("/metrics"));
    if (!r)
        return -1;
    return parsePrometheusText(r->body).value(name, labels).value_or(-1);
}

} // namespace

class TestRedisStall : public QObject
{
    Q_OBJECT

private:
    RedisServer m_redis;
    ChildServer m_upstream;

private slots:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.error()));
        QVERIFY(startUpstream(m_upstream, 1));
    }

    void cachedKeyServedThroughAStall()
    {
        QTemporaryDir dir;
        ChildServer gw;
        QVERIFY2(startFullGateway(gw, dir, m_redis.port(), m_upstream.port()),
                 qPrintable(gw.errors()));
        const std::string key = createKey(gw.port(), 1'000'000);
        QVERIFY(!key.empty());
        QCOMPARE(
            fetch(gw.port(), getRequest("/s/json/valid", "Authorization: " + key + "\r\n"))->status,
            200); // cached from here on

        constexpr int kRate = 1000;
        QProcess load;
        startLoad(load, gw.port(), key, kRate, 7, dir.filePath("live.jsonl"),
                  dir.filePath("report.json"));
        QVERIFY(load.waitForStarted());
        QTest::qWait(2500);
        m_redis.pause();
        QTest::qWait(300);
        // An unknown key has no answer without Redis: 503 within the lookup budget (50 ms).
        QElapsedTimer unknownTime;
        unknownTime.start();
        const auto unknown =
            fetch(gw.port(), getRequest("/s/json/valid", "Authorization: not-a-key\r\n"));
        const qint64 unknownMs = unknownTime.elapsed();
        QTest::qWait(1700);
        m_redis.resume();
        QVERIFY(finished(load));
        QVERIFY(unknown);
        QCOMPARE(unknown->status, 503);
        QVERIFY2(unknownMs < 100, qPrintable(QString::number(unknownMs) + " ms"));

        // Every second answered (nearly) all it was offered, all 200, p99 under 50 ms: a request
        // that waited for Redis would take the stall's 2 s. (Alone the worst second is 1-4 ms;
        // beside another test on the two cores of CI it reached 22 ms once.)
        const std::vector<Json> seconds = jsonLines(dir.filePath("live.jsonl"));
        QVERIFY(seconds.size() >= 6);
        for (std::size_t i = 0; i + 1 < seconds.size(); ++i) { // the last one may be partial
            const Json& s = seconds[i];
            const double answered = s["requests"].get<double>();
            const double offered = kRate * s["interval_s"].get<double>();
            const double p99 = s["latency_ms"]["p99"].get<double>();
            const QString what = QString("second %1: %2 of %3 answered, p99 %4 ms")
                                     .arg(i + 1)
                                     .arg(answered)
                                     .arg(offered)
                                     .arg(p99);
            qInfo("%s", qPrintable(what));
            QVERIFY2(answered >= 0.95 * offered, qPrintable(what));
            QVERIFY2(p99 < 50, qPrintable(what));
            QCOMPARE(statusCount(s, "200"), s["requests"].get<std::uint64_t>());
        }
        const Json report = readJson(dir.filePath("report.json"));
        const auto requests = report["requests"].get<std::uint64_t>();

        // Analytics: a record for every request the gateway answered, all written once Redis
        // answers again, none dropped.
        QElapsedTimer waited;
        waited.start();
        double written = 0, answered = 0;
        while (waited.elapsed() < 10000) {
            const auto r = fetch(gw.port(), getRequest("/metrics"));
            QVERIFY(r);
            const PromScrape now = parsePrometheusText(r->body);
            answered = 0;
            if (const PromFamily* f = now.family("gateway_requests_total"))
                for (const PromSample& sample : f->samples)
                    if (sample.labels.count("api_id") && sample.labels.at("api_id") == "s")
                        answered += sample.value;
            written = now.value("gatebench_analytics_records_total", {{"result", "written"}})
                          .value_or(-1);
            if (written == answered)
                break;
            QTest::qWait(50);
        }
        QCOMPARE(written, answered);
        QVERIFY(answered >= double(requests + 2)); // + the warm-up and the unknown key
        QCOMPARE(metric(gw.port(), "gatebench_analytics_records_total", {{"result", "dropped"}}),
                 0.0);
        // The node decided alone for about the stall, and says so.
        QVERIFY(metric(gw.port(), "gatebench_ratelimit_fallbacks_total", {{"kind", "rate"}}) > 0);
        const double alone =
            metric(gw.port(), "gatebench_ratelimit_fallback_seconds_total", {{"kind", "rate"}});
        QVERIFY2(alone > 1.0 && alone < 3.0, qPrintable(QString::number(alone)));
        QCOMPARE(gw.terminate(), 0);
    }

    void limitHoldsThroughAStall()
    {
        QTemporaryDir dir;
        ChildServer gw;
        QVERIFY2(startFullGateway(gw, dir, m_redis.port(), m_upstream.port()),
                 qPrintable(gw.errors()));
        constexpr int kLimit = 100, kSeconds = 6;
        const std::string key = createKey(gw.port(), kLimit);
        QVERIFY(!key.empty());
        QProcess load;
        startLoad(load, gw.port(), key, 3 * kLimit, kSeconds, dir.filePath("live.jsonl"),
                  dir.filePath("report.json"));
        QVERIFY(load.waitForStarted());
        QTest::qWait(2000);
        m_redis.pause();
        QTest::qWait(2000);
        m_redis.resume();
        QVERIFY(finished(load));
        const Json report = readJson(dir.filePath("report.json"));
        const std::uint64_t admitted = statusCount(report, "200");
        const std::uint64_t refused = statusCount(report, "429");
        qInfo("limit %d/s over %d s with a 2 s stall: %llu admitted, %llu refused", kLimit,
              kSeconds, static_cast<unsigned long long>(admitted),
              static_cast<unsigned long long>(refused));
        QCOMPARE(admitted + refused, report["requests"].get<std::uint64_t>());
        // The documented tolerance (docs/GATEWAY-FEATURES.md, "Redis down or stalled"): no
        // window admits more than the limit; during the stall the node spends what its last
        // grant left and then windows of its own, and pays for them when Redis answers in the
        // same window, so a switch never adds two counts. At most one more window (one started
        // at the end of the run); below by a window's worth at most (lease tokens unused).
        QVERIFY(admitted <= std::uint64_t(kLimit) * (kSeconds + 1));
        QVERIFY(admitted >= std::uint64_t(kLimit) * (kSeconds - 1));
        QCOMPARE(gw.terminate(), 0);
    }

    void slowRedisCostsAtMostTheBudget()
    {
        // The same gateway set-up twice: Redis direct, and Redis behind 20 ms per answer.
        DelayingProxy slowRedis(m_redis.port(), std::chrono::milliseconds(20));
        QVERIFY(slowRedis.port() != 0);
        QTemporaryDir fastDir, slowDir;
        ChildServer fast, slow;
        QVERIFY2(startFullGateway(fast, fastDir, m_redis.port(), m_upstream.port()),
                 qPrintable(fast.errors()));
        QVERIFY2(startFullGateway(slow, slowDir, slowRedis.port(), m_upstream.port()),
                 qPrintable(slow.errors()));
        const std::string key = createKey(fast.port(), 1'000'000);
        QVERIFY(!key.empty());
        constexpr int kRate = 500;
        double p99[2] = {0, 0};
        ChildServer* gateways[2] = {&fast, &slow};
        for (int g = 0; g < 2; ++g) {
            QTemporaryDir& dir = g == 0 ? fastDir : slowDir;
            // The first use reads the session (a round trip or two): cached before the run.
            QCOMPARE(fetch(gateways[g]->port(),
                           getRequest("/s/json/valid", "Authorization: " + key + "\r\n"))
                         ->status,
                     200);
            QProcess load;
            startLoad(load, gateways[g]->port(), key, kRate, 4, dir.filePath("live.jsonl"),
                      dir.filePath("report.json"));
            QVERIFY(load.waitForStarted());
            QVERIFY(finished(load));
            const Json report = readJson(dir.filePath("report.json"));
            p99[g] = report["latency_ms"]["p99"].get<double>();
            const double rps = report["rps"].get<double>();
            qInfo("%s Redis: %.0f req/s, p99 %.2f ms", g == 0 ? "fast" : "slow (20 ms)", rps,
                  p99[g]);
            QVERIFY(rps >= 0.97 * kRate);
            QCOMPARE(statusCount(report, "200"), report["requests"].get<std::uint64_t>());
        }
        // A request waits for a late lease at most the decision budget (5 ms); 8 ms of margin
        // for a busy machine, still well below the 20 ms a wait for Redis would cost.
        QVERIFY2(p99[1] <= p99[0] + 5 + 8, qPrintable(QString("%1 vs %2").arg(p99[1]).arg(p99[0])));
        QCOMPARE(fast.terminate(), 0);
        QCOMPARE(slow.terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRedisStall)
#include "tst_redis_stall.moc"
