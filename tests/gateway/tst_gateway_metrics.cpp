// /metrics of the real gatebench-gateway with keys and analytics in Redis: after N proxied
// requests an API's request and upstream latency histograms count exactly N, the storage
// clients report up, the analytics fates (recorded, written, dropped) are there, and once Redis
// is killed the storage clients report down. Every scrape must be valid Prometheus text 0.0.4
// (support/prometheus_text.h), label values escaped included.

#include "support/gateway_harness.h"
#include "support/prometheus_text.h"
#include "support/redis_fixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <string>

using namespace gb::test;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

using Labels = std::map<std::string, std::string>;

/// The api_id of the second API as it is meant (a quote and a backslash, which /metrics must
/// escape), and as JSON text for its definition file.
const std::string kOddId = "odd\"id\\x";
const std::string kOddIdJson = "odd\\\"id\\\\x";

PromScrape scrape(std::uint16_t port)
{
    const auto r = fetch(port, getRequest("/metrics"));
    if (!r || r->status != 200) {
        PromScrape failed;
        failed.error = "GET /metrics failed";
        return failed;
    }
    if (r->header("content-type").find("text/plain; version=0.0.4") != 0) {
        PromScrape failed;
        failed.error = "Content-Type " + r->header("content-type");
        return failed;
    }
    return parsePrometheusText(r->body);
}

/// Scrapes until `ready` holds for a valid scrape (bounded): the gateway counts a request when
/// its response has been written, which may be a moment after the client read it.
PromScrape scrapeUntil(std::uint16_t port, const std::function<bool(const PromScrape&)>& ready,
                       int timeoutMs = 10000)
{
    QElapsedTimer t;
    t.start();
    PromScrape s = scrape(port);
    while (s.error.empty() && !ready(s) && t.elapsed() < timeoutMs) {
        QTest::qWait(20);
        s = scrape(port);
    }
    return s;
}

double valueOr(const PromScrape& s, const std::string& name, const Labels& labels,
               double fallback = -1)
{
    return s.value(name, labels).value_or(fallback);
}

} // namespace

class TestGatewayMetrics : public QObject
{
    Q_OBJECT

private slots:
    void validatorRejectsBadText();
    void featuresInMetrics();
};

void TestGatewayMetrics::validatorRejectsBadText()
{
    // The checks the end-to-end test relies on do reject what they should.
    const std::string help = "# HELP h x\n# TYPE h histogram\n";
    QVERIFY(parsePrometheusText(help + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\n"
                                       "h_sum 0.5\nh_count 2\n")
                .error.empty());
    QVERIFY(!parsePrometheusText("# HELP a x\n# TYPE a gauge\na 1\n# HELP a x\n").error.empty());
    QVERIFY(!parsePrometheusText("# TYPE a gauge\na 1\n").error.empty()); // no HELP
    QVERIFY(!parsePrometheusText("# HELP a x\n# TYPE a gauge\na{l=\"q\"q\"} 1\n").error.empty());
    QVERIFY(!parsePrometheusText("# HELP a x\n# TYPE a gauge\na{l=\"\\q\"} 1\n").error.empty());
    QVERIFY(!parsePrometheusText("# HELP a x\n# TYPE a gauge\na 1\n# HELP b x\n# TYPE b gauge\n"
                                 "b 1\na{x=\"1\"} 2\n")
                 .error.empty()); // a's lines split by b's
    QVERIFY(!parsePrometheusText(help + "h_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\n"
                                        "h_sum 0.5\nh_count 2\n")
                 .error.empty()); // not cumulative
    QVERIFY(!parsePrometheusText(help + "h_bucket{le=\"1\"} 1\nh_sum 0.5\nh_count 1\n")
                 .error.empty()); // no +Inf
    QVERIFY(!parsePrometheusText(help + "h_bucket{le=\"+Inf\"} 2\nh_sum 0.5\nh_count 3\n")
                 .error.empty()); // _count differs
    QVERIFY(!parsePrometheusText(help + "h_bucket{le=\"+Inf\"} 2\nh_count 2\n").error.empty());
    const PromScrape escaped =
        parsePrometheusText("# HELP a x\n# TYPE a gauge\na{l=\"q\\\"b\\\\\"} 7\n");
    QVERIFY2(escaped.error.empty(), escaped.error.c_str());
    QCOMPARE(valueOr(escaped, "a", {{"l", "q\"b\\"}}), 7.0);
}

void TestGatewayMetrics::featuresInMetrics()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    ChildServer upstream;
    QVERIFY(startUpstream(upstream, 1));
    const std::string target = "http://127.0.0.1:" + std::to_string(upstream.port());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkpath("apps"));
    QVERIFY(writeTextFile(dir.filePath("apps/m.json"), apiJson("m", "/m/", target)));
    QVERIFY(writeTextFile(dir.filePath("apps/odd.json"), apiJson(kOddIdJson, "/odd/", target)));
    const std::string storage = "\"storage\": {\"type\": \"redis\", \"host\": \"127.0.0.1\", "
                                "\"port\": " +
                                std::to_string(redis.port()) +
                                ", \"timeout\": 1}, \"enable_analytics\": true";
    QVERIFY(writeTextFile(dir.filePath("tyk.conf"), tykConf("apps", "s", 5, storage)));
    ChildServer gw;
    QVERIFY2(startGateway(gw, dir.filePath("tyk.conf")), qPrintable(gw.errors()));

    constexpr int kRequests = 7;
    for (int i = 0; i < kRequests; ++i) {
        const auto r = fetch(gw.port(), getRequest("/m/json/valid"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
    }
    for (int i = 0; i < 2; ++i) {
        const auto r = fetch(gw.port(), getRequest("/odd/json/valid"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
    }

    const std::string duration = "gatebench_api_request_duration_seconds";
    const std::string upstreamLatency = "gatebench_api_upstream_latency_seconds";
    PromScrape s = scrapeUntil(gw.port(), [&](const PromScrape& now) {
        return valueOr(now, duration + "_count", {{"api_id", "m"}}) == kRequests &&
               valueOr(now, duration + "_count", {{"api_id", kOddId}}) == 2 &&
               valueOr(now, "gatebench_analytics_records_total", {{"result", "recorded"}}) ==
                   kRequests + 2;
    });
    QVERIFY2(s.error.empty(), s.error.c_str());
    QCOMPARE(valueOr(s, duration + "_count", {{"api_id", "m"}}), double(kRequests));
    QCOMPARE(valueOr(s, duration + "_bucket", {{"api_id", "m"}, {"le", "+Inf"}}),
             double(kRequests));
    QCOMPARE(valueOr(s, upstreamLatency + "_count", {{"api_id", "m"}}), double(kRequests));
    QVERIFY(valueOr(s, upstreamLatency + "_sum", {{"api_id", "m"}}) > 0);
    QCOMPARE(valueOr(s, duration + "_count", {{"api_id", kOddId}}), 2.0);
    QCOMPARE(s.family(duration)->type, std::string("histogram"));
    QCOMPARE(s.family(upstreamLatency)->type, std::string("histogram"));
    // The proxy's own families are still there, before the features'.
    QCOMPARE(valueOr(s, "gateway_requests_total", {{"api_id", "m"}, {"status", "200"}}),
             double(kRequests));
    QVERIFY(s.family("gateway_up") != nullptr);

    QCOMPARE(valueOr(s, "gatebench_storage_up", {{"client", "keys"}}), 1.0);
    QCOMPARE(valueOr(s, "gatebench_storage_up", {{"client", "analytics"}}), 1.0);
    QCOMPARE(s.family("gatebench_storage_up")->type, std::string("gauge"));
    QCOMPARE(valueOr(s, "gatebench_analytics_records_total", {{"result", "dropped"}}), 0.0);
    QVERIFY(s.value("gatebench_analytics_records_total", {{"result", "written"}}).has_value());
    QVERIFY(s.family("gatebench_access_decisions_total") != nullptr);
    QVERIFY(s.family("gatebench_session_cache_entries") != nullptr);

    // Redis gone: both clients notice (a failed command or the idle heartbeat) and say so.
    redis.kill();
    s = scrapeUntil(gw.port(), [](const PromScrape& now) {
        return valueOr(now, "gatebench_storage_up", {{"client", "keys"}}) == 0 &&
               valueOr(now, "gatebench_storage_up", {{"client", "analytics"}}) == 0;
    });
    QVERIFY2(s.error.empty(), s.error.c_str());
    QCOMPARE(valueOr(s, "gatebench_storage_up", {{"client", "keys"}}), 0.0);
    QCOMPARE(valueOr(s, "gatebench_storage_up", {{"client", "analytics"}}), 0.0);
    QVERIFY(valueOr(s, "gatebench_storage_disconnects_total", {{"client", "keys"}}) >= 1);
    QVERIFY(s.value("gatebench_analytics_records_total", {{"result", "dropped"}}).has_value());
    QCOMPARE(gw.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestGatewayMetrics)
#include "tst_gateway_metrics.moc"
