// Redis killed (SIGKILL) and restarted, then frozen (SIGSTOP), while four worker threads check
// keys and record analytics through GatewayFeatures as the proxy will: no crash, no check waits
// longer than storage.timeout (+ margin), the cached key is never refused, unknown keys get 503
// (never a misleading 403) while Redis cannot answer, recovery within 1 s of Redis coming back,
// /hello and /metrics tell the story, and analytics account for every record.

#include "gateway/access/gateway_features.h"
#include "gateway/analytics/request_capture.h"
#include "support/access_support.h"
#include "support/redis_fixture.h"

#include <QTest>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

using namespace gb::gateway;
using namespace gb::test;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
namespace http = gb::http;

namespace {

constexpr auto kTimeout = std::chrono::seconds(1);

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds limit)
{
    const auto end = SteadyClock::now() + limit;
    while (!condition()) {
        if (SteadyClock::now() >= end)
            return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

struct Tally
{
    std::atomic<long long> checks{0};
    std::atomic<long long> knownRefused{0}; ///< the cached key not Allowed: must stay 0
    std::atomic<long long> unknown403{0};
    std::atomic<long long> unknown503{0};
    std::atomic<long long> unknownOther{0};
    std::atomic<long long> worstMs{0};
    std::atomic<long long> unanswered{0};

    void waited(std::chrono::nanoseconds d)
    {
        const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
        long long prev = worstMs.load();
        while (ms > prev && !worstMs.compare_exchange_weak(prev, ms)) {
        }
    }
};

} // namespace

class TestStorageOutage : public QObject
{
    Q_OBJECT

private slots:
    void killRestartAndFreezeUnderLoad();
};

void TestStorageOutage::killRestartAndFreezeUnderLoad()
{
    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.error()));
    GatewayConfig config;
    config.storage.type = StorageType::Redis;
    config.storage.host = "127.0.0.1";
    config.storage.port = redis.port();
    config.storage.timeout = kTimeout;
    config.enableAnalytics = true;
    constexpr int kWorkers = 4;
    FeaturesOptions options;
    options.workers = kWorkers;
    options.log = false;
    GatewayFeatures features(config, options);
    features.start();
    QVERIFY(features.waitForStorage(2s));

    boost::asio::io_context mainIo;
    const AdminResponse created =
        adminCall(features.keyAdmin(), mainIo, "POST", "/tyk/keys/create",
                  R"({"rate": 1000000, "per": 1, "quota_max": -1, "org_id": "default",
            "access_rights": {"2": {"api_id": "2", "api_name": "Two", "versions": ["Default"]}}})");
    QCOMPARE(created.status, 200);
    const std::string key = Json::parse(created.body)["key"];
    const ApiDefinition api = makeApi("2");
    QCOMPARE(checkToken(features.access(), api, key, mainIo).decision.outcome,
             AccessOutcome::Allowed); // cached from here on

    Tally tally;
    std::atomic<bool> running{true};
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
        workers.emplace_back([&, w] {
            boost::asio::io_context io;
            AnalyticsRecorder& recorder = features.analytics()->recorder(w);
            const std::uint32_t apiRef = recorder.apiRef(api);
            http::Request request;
            request.method = "GET";
            request.path = "/2/";
            request.host = "localhost";
            long long n = 0;
            while (running.load()) {
                const CheckResult known = checkToken(features.access(), api, key, io, w, 5s);
                const CheckResult unknown =
                    checkToken(features.access(), api,
                               "nope-" + std::to_string(w) + "-" + std::to_string(n++), io, w, 5s);
                tally.checks += 2;
                tally.waited(known.waited);
                tally.waited(unknown.waited);
                if (!known.answered || !unknown.answered)
                    ++tally.unanswered;
                if (known.decision.outcome != AccessOutcome::Allowed)
                    ++tally.knownRefused;
                switch (unknown.decision.outcome) {
                case AccessOutcome::KeyUnknown:
                    ++tally.unknown403;
                    break;
                case AccessOutcome::StoreUnavailable:
                    ++tally.unknown503;
                    break;
                default:
                    ++tally.unknownOther;
                }
                AnalyticsRecord record{};
                captureRequest(record, request, "127.0.0.1", 0);
                record.apiRef = apiRef;
                record.keyRef = GatewayFeatures::analyticsKeyRef(recorder, *known.decision.session);
                record.responseCode = 200;
                recorder.record(record);
                features.requestLatency().histogram(w, "2").observe(known.waited);
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        });
    }

    std::this_thread::sleep_for(300ms);
    QVERIFY(tally.unknown403.load() > 0);

    // 1. SIGKILL: the connection drops at once; unknown keys get 503 until Redis is back.
    redis.kill();
    QVERIFY(
        waitFor([&] { return features.healthComponents()[0].status == HealthStatus::Fail; }, 2s));
    const long long down503 = tally.unknown503.load();
    std::this_thread::sleep_for(700ms);
    QVERIFY(tally.unknown503.load() > down503 + 10);
    const long long before403 = tally.unknown403.load();
    std::this_thread::sleep_for(100ms);
    QCOMPARE(tally.unknown403.load(), before403); // nobody told "unknown" while Redis is away
    std::string metrics;
    features.appendMetrics(metrics);
    QVERIFY(metrics.find("gatebench_storage_up{client=\"keys\"} 0") != std::string::npos);

    QVERIFY(redis.restart());
    const auto restarted = SteadyClock::now();
    QVERIFY(waitFor([&] { return tally.unknown403.load() > before403 + 10; }, 3s));
    const auto recovery = SteadyClock::now() - restarted;
    qInfo("answers for unknown keys were 403 again %lld ms after the restart",
          static_cast<long long>(
              std::chrono::duration_cast<std::chrono::milliseconds>(recovery).count()));
    QVERIFY(recovery < 1s);
    QCOMPARE(features.healthComponents()[0].status, HealthStatus::Pass);

    // 2. SIGSTOP: Redis keeps the socket but never answers; every check still ends in time.
    redis.pause();
    std::this_thread::sleep_for(1500ms);
    redis.resume();
    const auto resumed = SteadyClock::now();
    const long long afterFreeze403 = tally.unknown403.load();
    QVERIFY(waitFor([&] { return tally.unknown403.load() > afterFreeze403 + 10; }, 3s));
    const auto thaw = SteadyClock::now() - resumed;
    qInfo("answers for unknown keys were 403 again %lld ms after SIGCONT",
          static_cast<long long>(
              std::chrono::duration_cast<std::chrono::milliseconds>(thaw).count()));
    QVERIFY(thaw < 2s); // a hung connection is noticed by its timeout, then reconnects

    running = false;
    for (std::thread& t : workers)
        t.join();
    qInfo("checks %lld, unknown keys: 403 %lld, 503 %lld; worst wait %lld ms", tally.checks.load(),
          tally.unknown403.load(), tally.unknown503.load(), tally.worstMs.load());
    QCOMPARE(tally.unanswered.load(), 0LL);
    QCOMPARE(tally.knownRefused.load(), 0LL);
    QCOMPARE(tally.unknownOther.load(), 0LL);
    QVERIFY(tally.worstMs.load() <= std::chrono::milliseconds(kTimeout).count() + 150);

    // Every analytics record is accounted for once flushed.
    features.stop();
    const AnalyticsSink::Stats s = features.analytics()->stats();
    qInfo("analytics: recorded %llu, written %llu, dropped %llu",
          static_cast<unsigned long long>(s.recorded), static_cast<unsigned long long>(s.written),
          static_cast<unsigned long long>(s.dropped));
    QCOMPARE(s.written + s.dropped, s.recorded);
    QCOMPARE(s.pending, 0ULL);
    metrics.clear();
    features.appendMetrics(metrics);
    QVERIFY(metrics.find("gatebench_analytics_records_total{result=\"written\"} " +
                         std::to_string(s.written)) != std::string::npos);
    QVERIFY(metrics.find("gatebench_storage_reconnects_total{client=\"keys\"}") !=
            std::string::npos);
    QVERIFY(metrics.find("gatebench_api_request_duration_seconds_count{api_id=\"2\"}") !=
            std::string::npos);
}

QTEST_GUILESS_MAIN(TestStorageOutage)
#include "tst_storage_outage.moc"
