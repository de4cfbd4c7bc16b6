// Analytics: the record's contents as Tyk derives them, its msgpack as Tyk's serializer writes
// it (read back by python3-msgpack, an independent decoder), the JSON form (escaping,
// truncation), records written to
// the Redis list = records recorded (4 producing workers, flush on stop), early writes once
// records_buffer_size wait, drops counted when a worker's ring is full or when Redis is down
// longer than the retry buffer holds, nothing lost across a short outage, and the per-API
// latency histograms for /metrics.

#include "gateway/analytics/analytics_json.h"
#include "gateway/analytics/analytics_msgpack.h"
#include "gateway/analytics/analytics_sink.h"
#include "gateway/analytics/latency_histogram.h"
#include "gateway/analytics/request_capture.h"
#include "gateway/config/api_definition.h"
#include "gateway/storage/redis_client.h"
#include "support/redis_fixture.h"

#include <QProcess>
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
    r.setRequest("GET", "/apitest/json/valid", "hey/0.0.1", "10.0.0.7");
    return r;
}

/// The API of the samples: listen path stripped, as Tyk's quickstart definitions have it.
ApiIdentity sampleApi()
{
    ApiIdentity api;
    api.apiId = "2";
    api.apiName = "Tyk Auth API";
    api.orgId = "default";
    api.listenPath = "/apitest/";
    api.stripListenPath = true;
    api.targetHost = "upstream.local:8000";
    api.tags = {"edge"};
    api.expireAnalyticsAfter = 60;
    return api;
}

/// Decodes one msgpack value with python3-msgpack into JSON text (bytes as latin-1 strings).
Json decodeWithPythonMsgpack(const std::string& encoded, QString& error)
{
    QProcess python;
    // Debian's python3, where python3-msgpack is installed (not a python3 earlier on PATH).
    python.start("/usr/bin/python3",
                 {"-c", "import json, sys, msgpack\n"
                        "v = msgpack.unpackb(sys.stdin.buffer.read(), raw=False)\n"
                        "print(json.dumps(v))\n"});
    if (!python.waitForStarted(5000)) {
        error = "python3 did not start: " + python.errorString();
        return {};
    }
    python.write(encoded.data(), static_cast<qint64>(encoded.size()));
    python.closeWriteChannel();
    if (!python.waitForFinished(10000) || python.exitCode() != 0) {
        error = "python3-msgpack could not decode the record: " +
                QString::fromUtf8(python.readAllStandardError());
        return {};
    }
    return Json::parse(python.readAllStandardOutput().toStdString());
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

    void identitiesAreInterned();
    void recordValuesAsTyk();
    void msgpackAsTykWritesIt();
    void msgpackReadByAnIndependentDecoder();
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

void TestAnalytics::identitiesAreInterned()
{
    AnalyticsIdentities ids;
    const std::uint32_t api = ids.internApi(sampleApi());
    QCOMPARE(ids.internApi(sampleApi()), api); // interned once
    ApiIdentity renamed = sampleApi();
    renamed.apiName = "Renamed";
    QVERIFY(ids.internApi(renamed) != api);
    ApiIdentity otherPath = sampleApi();
    otherPath.listenPath = "/other/";
    QVERIFY(ids.internApi(otherPath) != api);
    QVERIFY(*ids.api(api) == sampleApi());

    // A definition's identity: Host is target_url's host[:port], as Go's url.URL.Host.
    ApiDefinition def;
    def.apiId = "2";
    def.targetUrl = "http://user:pw@upstream.local:8000/base?x=1";
    const ApiIdentity fromDef = apiIdentity(def);
    QCOMPARE(fromDef.targetHost, std::string("upstream.local:8000"));
    QVERIFY(sameIdentity(fromDef, def));
    def.tags = {"t"};
    QVERIFY(!sameIdentity(fromDef, def));
}

// What goes into a record, as Tyk's handlers and writer derive it (file:line in record_values.h).
void TestAnalytics::recordValuesAsTyk()
{
    AnalyticsIdentities ids;
    const std::uint32_t api = ids.internApi(sampleApi());
    const std::uint32_t key = ids.internKey("ab12", "load-1", "default", {"bench", "gw"});
    const AnalyticsRecord record = sampleRecord(api, key);
    const RecordValues v = recordValues(record, ids.api(api), ids.key(key));
    QCOMPARE(v.host, std::string_view("upstream.local:8000")); // the target's, not Host
    QCOMPARE(std::string(v.pathSlash) + std::string(v.path), std::string("/json/valid"));
    QCOMPARE(v.originalPath, std::string_view("/apitest/json/valid"));
    QCOMPARE(v.listenPath, std::string_view("/apitest/"));
    // time.Now() when the response is done: the start plus the request time.
    QCOMPARE(v.timeUs, 1'700'000'000'123'456LL + 1'499);
    QCOMPARE(v.expireAtUs, v.timeUs + 60'000'000LL);
    QCOMPARE(v.totalMs, 1LL);    // int64(1.499 ms): truncated, as Tyk
    QCOMPARE(v.upstreamMs, 0LL); // int64(0.7 ms)
    QCOMPARE(v.orgId, std::string_view("default"));
    std::vector<std::string> tags;
    v.forEachTag([&](std::string_view prefix, std::string_view value) {
        tags.push_back(std::string(prefix) + std::string(value));
    });
    const std::vector<std::string> expected{"bench",    "gw",          "edge",
                                            "key-ab12", "org-default", "api-2"};
    QCOMPARE(tags, expected);
    QCOMPARE(v.tagCount(), expected.size());

    // The listen path without its slash leaves "json/valid": the writer adds the "/".
    ApiIdentity noSlash = sampleApi();
    noSlash.listenPath = "/apitest";
    const RecordValues n = recordValues(record, &noSlash, nullptr);
    QCOMPARE(std::string(n.pathSlash) + std::string(n.path), std::string("/json/valid"));
    ApiIdentity exact = sampleApi();
    exact.listenPath = "/apitest/json/valid";
    const RecordValues e = recordValues(record, &exact, nullptr);
    QCOMPARE(std::string(e.pathSlash) + std::string(e.path), std::string("/"));
    // Not stripped: the path as received. No expire_analytics_after: 100 years.
    ApiIdentity kept = sampleApi();
    kept.stripListenPath = false;
    kept.expireAnalyticsAfter = 0;
    const RecordValues k = recordValues(record, &kept, nullptr);
    QCOMPARE(k.path, std::string_view("/apitest/json/valid"));
    QCOMPARE(k.expireAtUs - k.timeUs, 100LL * 365 * 24 * 3600 * 1'000'000);
    // Keyless on an unknown API: no key or org tag, "api-" with the empty id, as Tyk.
    const RecordValues u = recordValues(record, nullptr, nullptr);
    tags.clear();
    u.forEachTag([&](std::string_view prefix, std::string_view value) {
        tags.push_back(std::string(prefix) + std::string(value));
    });
    QCOMPARE(tags, std::vector<std::string>{"api-"});
}

// tyk-pump's AnalyticsRecord (v1.17, analytics/analytics.go:46-84) as msgpack.v2 writes it:
// a map of the exported Go field names in declaration order.
void TestAnalytics::msgpackAsTykWritesIt()
{
    AnalyticsIdentities ids;
    const std::uint32_t api = ids.internApi(sampleApi());
    const std::uint32_t key = ids.internKey("ab12", "load-1", "default", {"bench", "gw"});
    std::string out;
    appendRecordMsgpack(out, recordValues(sampleRecord(api, key), ids.api(api), ids.key(key)));
    // map16 of 35 members (msgpack.v2 encode_map.go:123-131), then fixstr "Method".
    QCOMPARE(out.substr(0, 10), std::string("\xde\x00\x23\xa6Method", 10));

    const auto j = nlohmann::ordered_json::from_msgpack(out);
    std::vector<std::string> names;
    for (const auto& [name, value] : j.items())
        names.push_back(name);
    const std::vector<std::string> goFields{
        "Method",       "Host",       "Path",         "RawPath",   "ContentLength", "UserAgent",
        "Day",          "Month",      "Year",         "Hour",      "ResponseCode",  "APIKey",
        "TimeStamp",    "APIVersion", "APIName",      "APIID",     "OrgID",         "OauthID",
        "RequestTime",  "RawRequest", "RawResponse",  "IPAddress", "Geo",           "Network",
        "Latency",      "Tags",       "Alias",        "TrackPath", "ExpireAt",      "ApiSchema",
        "OriginalPath", "ListenPath", "GraphQLStats", "MCPStats",  "CollectionName"};
    QCOMPARE(names, goFields);
    // time.Time as [Unix seconds, nanoseconds] (msgpack.v2 time.go:17-25).
    QVERIFY(j["TimeStamp"] == nlohmann::ordered_json::parse("[1700000000, 124955000]"));
    QVERIFY(j["ExpireAt"] == nlohmann::ordered_json::parse("[1700000060, 124955000]"));
    QVERIFY(j["Latency"] ==
            nlohmann::ordered_json::parse(R"({"Total":1,"Upstream":0,"Gateway":1})"));
    QVERIFY(j["GraphQLStats"]["RootFields"].is_null()); // a nil slice is nil
    QVERIFY(j["Geo"]["Location"]["Latitude"].is_number_float());
}

// The same bytes read by python3-msgpack, an implementation that shares nothing with ours:
// every field's value as tyk-pump would find it.
void TestAnalytics::msgpackReadByAnIndependentDecoder()
{
    AnalyticsIdentities ids;
    const std::uint32_t api = ids.internApi(sampleApi());
    const std::uint32_t key = ids.internKey("ab12", "load-1", "default", {"bench", "gw"});
    AnalyticsRecord record = sampleRecord(api, key);
    record.contentLength = -1;         // chunked: Go's "unknown"
    record.requestTimeUs = 70'000'000; // 70 s: 70000 ms needs a uint32
    std::string out;
    appendRecordMsgpack(out, recordValues(record, ids.api(api), ids.key(key)));
    QString error;
    const Json j = decodeWithPythonMsgpack(out, error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Json expected = Json::parse(R"({
        "Method": "GET", "Host": "upstream.local:8000", "Path": "/json/valid",
        "RawPath": "/json/valid", "ContentLength": -1, "UserAgent": "hey/0.0.1",
        "Day": 14, "Month": 11, "Year": 2023, "Hour": 22, "ResponseCode": 200,
        "APIKey": "ab12", "TimeStamp": [1700000070, 123456000], "APIVersion": "Non Versioned",
        "APIName": "Tyk Auth API", "APIID": "2", "OrgID": "default", "OauthID": "",
        "RequestTime": 70000, "RawRequest": "", "RawResponse": "", "IPAddress": "10.0.0.7",
        "Geo": {"Country": {"ISOCode": ""}, "City": {"GeoNameID": 0, "Names": null},
                "Location": {"Latitude": 0.0, "Longitude": 0.0, "TimeZone": ""}},
        "Network": {"OpenConnections": 0, "ClosedConnection": 0, "BytesIn": 0, "BytesOut": 0},
        "Latency": {"Total": 70000, "Upstream": 0, "Gateway": 70000},
        "Tags": ["bench", "gw", "edge", "key-ab12", "org-default", "api-2"],
        "Alias": "load-1", "TrackPath": false, "ExpireAt": [1700000130, 123456000],
        "ApiSchema": "", "OriginalPath": "/apitest/json/valid", "ListenPath": "/apitest/",
        "GraphQLStats": {"Variables": "", "RootFields": null, "Types": null, "Errors": null,
                         "OperationType": 0, "HasErrors": false, "IsGraphQL": false},
        "MCPStats": {"IsMCP": false, "JSONRPCMethod": "", "PrimitiveType": "",
                     "PrimitiveName": ""},
        "CollectionName": ""})");
    QVERIFY2(j == expected, j.dump().c_str());

    // Long strings (str8/str16) and many tags (array16) decode too.
    const std::string longPath = "/apitest/" + std::string(150, 'p');
    record.setRequest("GET", longPath, std::string(100, 'u'), "ip");
    std::vector<std::string> many(20, "t");
    const std::uint32_t manyTags = ids.internKey("ab12", "", "default", many);
    record.keyRef = manyTags;
    out.clear();
    appendRecordMsgpack(out, recordValues(record, ids.api(api), ids.key(manyTags)));
    const Json k = decodeWithPythonMsgpack(out, error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(k["Path"].get<std::string>(), "/" + std::string(150, 'p'));
    QCOMPARE(k["UserAgent"].get<std::string>(), std::string(100, 'u'));
    QCOMPARE(k["Tags"].size(), std::size_t{24});
}

void TestAnalytics::recordJson()
{
    AnalyticsIdentities ids;
    const std::uint32_t api = ids.internApi(sampleApi());
    const std::uint32_t key = ids.internKey("ab12", "load-1", "default", {"bench", "gw"});
    std::string out;
    appendRecordJson(out, recordValues(sampleRecord(api, key), ids.api(api), ids.key(key)));
    const Json j = Json::parse(out);
    QVERIFY(j["method"] == "GET");
    QVERIFY(j["host"] == "upstream.local:8000");
    QVERIFY(j["path"] == "/json/valid");
    QVERIFY(j["raw_path"] == "/json/valid");
    QVERIFY(j["original_path"] == "/apitest/json/valid");
    QVERIFY(j["listen_path"] == "/apitest/");
    QVERIFY(j["content_length"] == 42);
    QVERIFY(j["user_agent"] == "hey/0.0.1");
    QVERIFY(j["day"] == 14);
    QVERIFY(j["month"] == 11);
    QVERIFY(j["year"] == 2023);
    QVERIFY(j["hour"] == 22);
    QVERIFY(j["response_code"] == 200);
    QVERIFY(j["api_key"] == "ab12");
    QVERIFY(j["timestamp"] == "2023-11-14T22:13:20.124955Z");
    QVERIFY(j["api_version"] == "Non Versioned");
    QVERIFY(j["api_name"] == "Tyk Auth API");
    QVERIFY(j["api_id"] == "2");
    QVERIFY(j["org_id"] == "default");
    QVERIFY(j["request_time"] == 1); // whole ms, as Tyk
    QVERIFY(j["request_time_us"] == 1499);
    QVERIFY(j["latency"]["total"] == 1);
    QVERIFY(j["latency"]["upstream"] == 0);
    QVERIFY(j["latency"]["gateway"] == 1);
    QVERIFY(j["upstream_latency_us"] == 700);
    QVERIFY(j["ip_address"] == "10.0.0.7");
    QVERIFY(j["tags"] == Json::parse(R"(["bench","gw","edge","key-ab12","org-default","api-2"])"));
    QVERIFY(j["alias"] == "load-1");
    QVERIFY(j["expireAt"] == "2023-11-14T22:14:20.124955Z");
    QVERIFY(j.contains("oauth_id"));
    QVERIFY(j["track_path"] == false);

    // Keyless, unknown API: empty strings, not missing members.
    out.clear();
    appendRecordJson(out, recordValues(sampleRecord(0, 0), nullptr, nullptr));
    const Json k = Json::parse(out);
    QVERIFY(k["api_key"] == "");
    QVERIFY(k["tags"] == Json::parse(R"(["api-"])"));
}

void TestAnalytics::escapingAndTruncation()
{
    AnalyticsRecord r{};
    const std::string longPath = "/" + std::string(500, 'p');
    r.setRequest("GET", longPath, std::string("ua \"quoted\" \\ \x01 \xff end"), "ip");
    QCOMPARE(r.path().size(), AnalyticsRecord::kPathCap);
    std::string out;
    appendRecordJson(out, recordValues(r, nullptr, nullptr));
    const Json j = Json::parse(out); // valid JSON despite quotes, control and invalid UTF-8
    QCOMPARE(j["user_agent"].get<std::string>(),
             std::string("ua \"quoted\" \\ \x01 \xef\xbf\xbd end"));
    QCOMPARE(j["path"].get<std::string>().size(), AnalyticsRecord::kPathCap);
    // Valid multi-byte UTF-8 passes through.
    r.setRequest("GET", "/caf\xc3\xa9", "", "");
    out.clear();
    appendRecordJson(out, recordValues(r, nullptr, nullptr));
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
    QCOMPARE(std::string(r.path()), std::string("/api/x"));
    QCOMPARE(std::string(r.userAgent()), std::string("wrk"));
    QCOMPARE(std::string(r.ip()), std::string("::1"));
    QCOMPARE(r.contentLength, 123LL);
    QCOMPARE(r.timestampUs, 5LL);
    req.framing = http::BodyFraming::Chunked; // Go's ContentLength: -1, unknown
    captureRequest(r, req, "::1", 5);
    QCOMPARE(r.contentLength, -1LL);

    // The client address as Tyk's request.RealIP (request/real_ip.go:14-66) finds it.
    ClientIpBuffer buffer;
    QCOMPARE(clientIp(req, "10.1.1.1", buffer), std::string_view("10.1.1.1"));
    req.fields[req.headerCount++] = {"X-Forwarded-For", " 203.0.113.9 , 10.0.0.1"};
    QCOMPARE(clientIp(req, "10.1.1.1", buffer), std::string_view("203.0.113.9"));
    req.fields[req.headerCount++] = {"x-real-ip", "::ffff:198.51.100.4"};
    QCOMPARE(clientIp(req, "10.1.1.1", buffer), std::string_view("198.51.100.4"));
    req.fields[req.headerCount - 1] = {"X-Real-IP", "2001:DB8:0:0:0:0:0:1"};
    QCOMPARE(clientIp(req, "10.1.1.1", buffer), std::string_view("2001:db8::1"));
    req.fields[req.headerCount - 1] = {"X-Real-IP", "not an address"}; // falls through to XFF
    QCOMPARE(clientIp(req, "10.1.1.1", buffer), std::string_view("203.0.113.9"));
    req.fields[req.headerCount - 2] = {"X-Forwarded-For", "unknown, 10.0.0.1"};
    QCOMPARE(clientIp(req, "10.1.1.1", buffer), std::string_view("10.1.1.1"));
}

void TestAnalytics::writtenEqualsRecorded()
{
    RedisClient client(clientOptions(m_redis));
    client.start();
    QVERIFY(client.waitUntilUp(2s));
    AnalyticsSink sink(AnalyticsOptions{}, client, 4);
    sink.start();
    constexpr int kPerWorker = 5000;
    ApiDefinition api;
    api.apiId = "2";
    api.name = "Tyk Auth API";
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
        workers.emplace_back([&, w] {
            AnalyticsRecorder& rec = sink.recorder(w);
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
    const Json j = Json::from_msgpack(first.str);
    QVERIFY(j["APIName"] == "Tyk Auth API");
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
