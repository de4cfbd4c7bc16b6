// Analytics: the record's JSON (Tyk's field names, escaping, truncation), records written to
// the Redis list = records recorded (4 producing workers, flush on stop), early writes once
// records_buffer_size wait, drops counted when a worker's ring is full or when Redis is down
// longer than the retry buffer holds, nothing lost across a short outage, and the per-API
// latency histograms for /metrics.

#include "gateway/analytics/analytics_json.h"
#include "gateway/analytics/analytics_sink.h"
#include "gateway/analytics/latency_histogram.h"
#include "gateway/analytics/request_capture.h"
#include "gateway/config/api_definition.h"
#include "gateway/storage/redis_client.h"
#include "support/redis_fixture.h"

#include <QTest>

#include <nlohmann/json.hpp>
#include <thread>

using namespace gb::gateway;
using namespace gb::test;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
namespace http = gb::http;

namespace {

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds limit)
{
    const auto end = SteadyClock::now() + limit;
    while (!condition()) {
        if (SteadyClock::now() >= end)
            return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

AnalyticsRecord sampleRecord(std::uint32_t apiRef, std::uint32_t keyRef)
{
    AnalyticsRecord r{};
    r.timestampUs = 1'700'000'000'123'456; // 2023-11-14T22:13:20.123456Z
    r.contentLength = 42;
    r.requestTimeUs = 1'499;
    r.upstreamLatencyUs = 700;
    r.apiRef = apiRef;
    r.keyRef = keyRef;
    r.responseCode = 200;
    r.setRequest("GET", "gw.example", "/apitest/json/valid", "a=1&b=2", "hey/0.0.1", "10.0.0.7");
    return r;
}

RedisOptions clientOptions(const RedisServer& server)
{
    RedisOptions o;
    o.name = "analytics";
    o.host = "127.0.0.1";
    o.port = server.port();
    o.timeout = 1000ms;
    o.connectTimeout = 500ms;
    o.log = false;
    return o;
}

long long listLength(const RedisServer& server)
{
    return server.command({"LLEN", "analytics-tyk-system-analytics"}).integer;
}

} // namespace

class TestAnalytics : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void recordJson();
    void escapingAndTruncation();
    void captureFromRequest();
    void writtenEqualsRecorded();
    void earlyWriteAtBufferSize();
    void fullRingDropsAreCounted();
    void shortOutageLosesNothing();
    void longOutageDropsAreCounted();
    void latencyHistograms();

private:
    RedisServer m_redis;
};

void TestAnalytics::initTestCase()
{
    QVERIFY2(m_redis.start(), qPrintable(m_redis.error()));
}

void TestAnalytics::init()
{
    if (!m_redis.running())
        QVERIFY(m_redis.restart());
    m_redis.command({"FLUSHALL"});
}

void TestAnalytics::recordJson()
{
    AnalyticsIdentities ids;
    const std::uint32_t api = ids.internApi("2", "Tyk Auth API", "default");
    const std::uint32_t key = ids.internKey("ab12", "load-1", "default", {"bench", "gw"});
    QCOMPARE(ids.internApi("2", "Tyk Auth API", "default"), api); // interned once
    QVERIFY(ids.internApi("2", "Renamed", "default") != api);
    std::string out;
    appendRecordJson(out, sampleRecord(api, key), ids.api(api), ids.key(key), 60s);
    const Json j = Json::parse(out);
    QVERIFY(j["method"] == "GET");
    QVERIFY(j["host"] == "gw.example");
    QVERIFY(j["path"] == "/apitest/json/valid");
    QVERIFY(j["raw_path"] == "/apitest/json/valid?a=1&b=2");
    QVERIFY(j["content_length"] == 42);
    QVERIFY(j["user_agent"] == "hey/0.0.1");
    QVERIFY(j["day"] == 14);
    QVERIFY(j["month"] == 11);
    QVERIFY(j["year"] == 2023);
    QVERIFY(j["hour"] == 22);
    QVERIFY(j["response_code"] == 200);
    QVERIFY(j["api_key"] == "ab12");
    QVERIFY(j["timestamp"] == "2023-11-14T22:13:20.123456Z");
    QVERIFY(j["api_name"] == "Tyk Auth API");
    QVERIFY(j["api_id"] == "2");
    QVERIFY(j["org_id"] == "default");
    QVERIFY(j["request_time"] == 1); // whole ms, as Tyk
    QVERIFY(j["request_time_us"] == 1499);
    QVERIFY(j["latency"]["total"] == 1);
    QVERIFY(j["latency"]["upstream"] == 1);
    QVERIFY(j["upstream_latency_us"] == 700);
    QVERIFY(j["ip_address"] == "10.0.0.7");
    QVERIFY(j["tags"] == Json::parse(R"(["bench","gw"])"));
    QVERIFY(j["alias"] == "load-1");
    QVERIFY(j["expireAt"] == "2023-11-14T22:14:20.123456Z");
    QVERIFY(j.contains("api_version"));
    QVERIFY(j.contains("oauth_id"));
    QVERIFY(j["track_path"] == false);

    // Keyless, unknown API: empty strings, not missing members.
    out.clear();
    appendRecordJson(out, sampleRecord(0, 0), nullptr, nullptr, 60s);
    const Json k = Json::parse(out);
    QVERIFY(k["api_key"] == "");
    QVERIFY(k["tags"] == Json::array());
}

void TestAnalytics::escapingAndTruncation()
{
    AnalyticsRecord r{};
    const std::string longPath = "/" + std::string(500, 'p');
    r.setRequest("GET", "h", longPath, "", std::string("ua \"quoted\" \\ \x01 \xff end"), "ip");
    QCOMPARE(r.path().size(), AnalyticsRecord::kPathCap);
    std::string out;
    appendRecordJson(out, r, nullptr, nullptr, 0s);
    const Json j = Json::parse(out); // valid JSON despite quotes, control and invalid UTF-8
    QCOMPARE(j["user_agent"].get<std::string>(),
             std::string("ua \"quoted\" \\ \x01 \xef\xbf\xbd end"));
    QCOMPARE(j["path"].get<std::string>().size(), AnalyticsRecord::kPathCap);
    // Valid multi-byte UTF-8 passes through.
    r.setRequest("GET", "h", "/caf\xc3\xa9", "", "", "");
    out.clear();
    appendRecordJson(out, r, nullptr, nullptr, 0s);
    QCOMPARE(Json::parse(out)["path"].get<std::string>(), std::string("/caf\xc3\xa9"));
}

void TestAnalytics::captureFromRequest()
{
    http::Request req;
    req.method = "POST";
    req.path = "/api/x";
    req.query = "q=1";
    req.host = "example.org";
    req.framing = http::BodyFraming::Length;
    req.contentLength = 123;
    req.fields[req.headerCount++] = {"User-Agent", "wrk"};
    AnalyticsRecord r{};
    captureRequest(r, req, "::1", 5);
    QCOMPARE(std::string(r.method()), std::string("POST"));
    QCOMPARE(std::string(r.host()), std::string("example.org"));
    QCOMPARE(std::string(r.path()), std::string("/api/x"));
    QCOMPARE(std::string(r.query()), std::string("q=1"));
    QCOMPARE(std::string(r.userAgent()), std::string("wrk"));
    QCOMPARE(std::string(r.ip()), std::string("::1"));
    QCOMPARE(r.contentLength, 123LL);
    QCOMPARE(r.timestampUs, 5LL);
}

void TestAnalytics::writtenEqualsRecorded()
{
    RedisClient client(clientOptions(m_redis));
    client.start();
    QVERIFY(client.waitUntilUp(2s));
    AnalyticsSink sink(AnalyticsOptions{}, client, 4);
    sink.start();
    constexpr int kPerWorker = 5000;
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
        workers.emplace_back([&, w] {
            AnalyticsRecorder& rec = sink.recorder(w);
            ApiDefinition api;
            api.apiId = "2";
            api.name = "Tyk Auth API";
            const std::uint32_t apiRef = rec.apiRef(api);
            const std::uint32_t keyRef = rec.keyRef("hash", "", "default", {});
            for (int i = 0; i < kPerWorker; ++i) {
                rec.record(sampleRecord(apiRef, keyRef));
                if (i % 500 == 0)
                    std::this_thread::sleep_for(1ms); // spread over a few batches
            }
        });
    for (std::thread& t : workers)
        t.join();
    sink.stop();
    const AnalyticsSink::Stats s = sink.stats();
    QCOMPARE(s.recorded, 4ULL * kPerWorker);
    QCOMPARE(s.written, 4ULL * kPerWorker);
    QCOMPARE(s.dropped, 0ULL);
    QCOMPARE(s.pending, 0ULL);
    QCOMPARE(listLength(m_redis), 4LL * kPerWorker);
    qInfo("%llu records in %llu batches", static_cast<unsigned long long>(s.written),
          static_cast<unsigned long long>(s.batches));
    const RedisReply first = m_redis.command({"LINDEX", "analytics-tyk-system-analytics", "0"});
    const Json j = Json::parse(first.str);
    QVERIFY(j["api_name"] == "Tyk Auth API");
}

void TestAnalytics::earlyWriteAtBufferSize()
{
    RedisClient client(clientOptions(m_redis));
    client.start();
    QVERIFY(client.waitUntilUp(2s));
    AnalyticsOptions o;
    o.recordsBufferSize = 100;
    o.flushInterval = 5s; // long: only the buffer-size trigger can write soon
    AnalyticsSink sink(o, client, 1);
    sink.start();
    std::this_thread::sleep_for(50ms); // let the writer reach its wait
    const auto t0 = SteadyClock::now();
    for (int i = 0; i < 100; ++i)
        sink.recorder(0).record(sampleRecord(0, 0));
    QVERIFY(waitFor([&] { return sink.stats().written == 100; }, 2s));
    const auto took = SteadyClock::now() - t0;
    qInfo("100 records (= records_buffer_size) written after %lld ms",
          static_cast<long long>(
              std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    QVERIFY(took < 1s);
    sink.stop();
}

void TestAnalytics::fullRingDropsAreCounted()
{
    RedisClient client(clientOptions(m_redis));
    client.start();
    QVERIFY(client.waitUntilUp(2s));
    AnalyticsOptions o;
    o.ringCapacity = 16;
    AnalyticsSink sink(o, client, 1);
    for (int i = 0; i < 100; ++i) // the writer is not running: the ring fills
        sink.recorder(0).record(sampleRecord(0, 0));
    AnalyticsSink::Stats s = sink.stats();
    QCOMPARE(s.recorded, 100ULL);
    QCOMPARE(s.dropped, 84ULL);
    QCOMPARE(s.pending, 16ULL);
    sink.start();
    sink.stop();
    s = sink.stats();
    QCOMPARE(s.written, 16ULL);
    QCOMPARE(s.written + s.dropped, s.recorded);
    QCOMPARE(listLength(m_redis), 16LL);
}

void TestAnalytics::shortOutageLosesNothing()
{
    RedisClient client(clientOptions(m_redis));
    client.start();
    QVERIFY(client.waitUntilUp(2s));
    AnalyticsSink sink(AnalyticsOptions{}, client, 1);
    sink.start();
    m_redis.kill();
    QVERIFY(waitFor([&] { return !client.isUp(); }, 2s));
    for (int i = 0; i < 1000; ++i)
        sink.recorder(0).record(sampleRecord(0, 0));
    QVERIFY(waitFor([&] { return sink.stats().failedWrites + sink.stats().pending > 0; }, 2s));
    QCOMPARE(sink.stats().written, 0ULL);
    QVERIFY(m_redis.restart());
    QVERIFY(waitFor([&] { return sink.stats().written == 1000; }, 5s));
    QCOMPARE(sink.stats().dropped, 0ULL);
    QCOMPARE(listLength(m_redis), 1000LL);
    sink.stop();
}

void TestAnalytics::longOutageDropsAreCounted()
{
    RedisClient client(clientOptions(m_redis));
    client.start();
    QVERIFY(client.waitUntilUp(2s));
    AnalyticsOptions o;
    o.retryCapacity = 100;
    o.flushInterval = 20ms;
    AnalyticsSink sink(o, client, 1);
    sink.start();
    m_redis.kill();
    QVERIFY(waitFor([&] { return !client.isUp(); }, 2s));
    for (int i = 0; i < 1000; ++i)
        sink.recorder(0).record(sampleRecord(0, 0));
    QVERIFY(waitFor([&] { return sink.stats().dropped == 900; }, 3s));
    QCOMPARE(sink.stats().pending, 100ULL);
    QVERIFY(m_redis.restart());
    QVERIFY(waitFor([&] { return sink.stats().written == 100; }, 5s));
    const AnalyticsSink::Stats s = sink.stats();
    QCOMPARE(s.written + s.dropped, s.recorded);
    QCOMPARE(listLength(m_redis), 100LL);
    sink.stop();
}

void TestAnalytics::latencyHistograms()
{
    ApiLatencyHistograms h("gatebench_api_request_duration_seconds", "Request time.", 2);
    LatencyHistogram& w0 = h.histogram(0, "2");
    QCOMPARE(&h.histogram(0, "2"), &w0); // stable: a worker may keep it
    w0.observe(50us);                    // <= 0.0001
    w0.observe(100us);                   // <= 0.0001 (bounds are inclusive)
    w0.observe(300us);                   // <= 0.0005
    h.histogram(1, "2").observe(2ms);    // <= 0.0025
    h.histogram(1, "2").observe(20s);    // +Inf
    h.histogram(1, "a\"b").observe(1ms);
    const HistogramSnapshot s = h.snapshot("2");
    QCOMPARE(s.count, 5ULL);
    std::string out;
    h.render(out);
    QVERIFY(out.find("# TYPE gatebench_api_request_duration_seconds histogram\n") !=
            std::string::npos);
    QVERIFY(
        out.find("gatebench_api_request_duration_seconds_bucket{api_id=\"2\",le=\"0.0001\"} 2\n") !=
        std::string::npos);
    QVERIFY(
        out.find("gatebench_api_request_duration_seconds_bucket{api_id=\"2\",le=\"0.0005\"} 3\n") !=
        std::string::npos);
    QVERIFY(
        out.find("gatebench_api_request_duration_seconds_bucket{api_id=\"2\",le=\"0.0025\"} 4\n") !=
        std::string::npos);
    QVERIFY(out.find("gatebench_api_request_duration_seconds_bucket{api_id=\"2\",le=\"10\"} 4\n") !=
            std::string::npos);
    QVERIFY(
        out.find("gatebench_api_request_duration_seconds_bucket{api_id=\"2\",le=\"+Inf\"} 5\n") !=
        std::string::npos);
    QVERIFY(out.find("gatebench_api_request_duration_seconds_count{api_id=\"2\"} 5\n") !=
            std::string::npos);
    QVERIFY(out.find("gatebench_api_request_duration_seconds_sum{api_id=\"2\"} 20.00245") !=
            std::string::npos);
    QVERIFY(out.find("api_id=\"a\\\"b\"") != std::string::npos); // label escaped
}

QTEST_GUILESS_MAIN(TestAnalytics)
#include "tst_analytics.moc"
