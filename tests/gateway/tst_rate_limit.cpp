// Rate limiting: Tyk's rate/per as windows; the in-memory limiter admitting exactly `limit`
// per window under 4 racing threads (and what contention costs); the Redis-backed limiter
// exact on one node; two limiter instances ("two gateways") sharing one key through Redis
// within ±2 % of the limit (the 1000/s offered 5000 rps for 10 s); a late lease
// spending only what was left and paying for it afterwards; the script cache flushed under it
// (EVALSHA falls back to EVAL); and deciding without Redis while it is down.

#include "gateway/ratelimit/distributed_limiter.h"
#include "gateway/ratelimit/local_window_limiter.h"
#include "gateway/storage/clock.h"
#include "gateway/storage/redis_client.h"
#include "support/access_support.h"
#include "support/delaying_proxy.h"
#include "support/redis_fixture.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace gb::gateway;
using namespace gb::test;
using SteadyClock = std::chrono::steady_clock;

namespace {

RedisOptions clientOptions(std::uint16_t port, const char* name)
{
    RedisOptions o;
    o.name = name;
    o.host = "127.0.0.1";
    o.port = port;
    o.timeout = 1000ms;
    o.connectTimeout = 500ms;
    o.log = false;
    return o;
}

/// One "gateway": its own Redis connection and limiter, as two processes would have.
struct Node
{
    Node(const RedisServer& server, const char* name)
        : Node(server.port(), name)
    {}
    /// Through a port of its own (a proxy in front of Redis).
    Node(std::uint16_t redisPort, const char* name)
        : client(clientOptions(redisPort, name))
        , limiter(client, SystemClock::instance(), "gb-rate-")
    {
        client.start();
    }
    RedisClient client;
    DistributedWindowLimiter limiter;
};

/// One hit, waiting (bounded) if the limiter defers.
bool hitOnce(DistributedWindowLimiter& limiter, std::string_view key, const WindowSpec& spec,
             boost::asio::io_context& io)
{
    WindowDecision d;
    std::optional<WindowDecision> later;
    if (limiter.hit(key, spec, d, io, [&later](WindowDecision x) { later = x; }))
        return d.allowed;
    if (!runUntil(
            io, [&] { return later.has_value(); }, 5s))
        return false;
    return later->allowed;
}

/// Offers `rps` hits per second per thread for `duration` from `threads` threads on each node;
/// returns the number admitted.
std::uint64_t offer(std::vector<Node*> nodes, int threadsPerNode, double rpsPerThread,
                    std::chrono::milliseconds duration, std::string_view key,
                    const WindowSpec& spec, std::uint64_t* offeredOut = nullptr)
{
    std::atomic<std::uint64_t> admitted{0}, offered{0};
    std::vector<std::thread> threads;
    const auto start = SteadyClock::now() + 20ms;
    const auto end = start + duration;
    for (Node* node : nodes) {
        for (int t = 0; t < threadsPerNode; ++t) {
            threads.emplace_back([&, node] {
                boost::asio::io_context io;
                const auto interval = std::chrono::duration_cast<SteadyClock::duration>(
                    std::chrono::duration<double>(1.0 / rpsPerThread));
                auto next = start;
                std::this_thread::sleep_until(start);
                while (next < end) {
                    offered.fetch_add(1);
                    if (hitOnce(node->limiter, key, spec, io))
                        admitted.fetch_add(1);
                    next += interval;
                    const auto now = SteadyClock::now();
                    if (next > now)
                        std::this_thread::sleep_until(next);
                    else if (now - next > 20ms)
                        next = now; // fell behind (a lease wait): do not burst to catch up
                }
            });
        }
    }
    for (std::thread& t : threads)
        t.join();
    if (offeredOut)
        *offeredOut = offered.load();
    return admitted.load();
}

} // namespace

class TestRateLimit : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void tykRateAsWindow();
    void localExactUnderFourThreads();
    void localContention();
    void localSweepsOldWindows();
    void distributedExactOnOneNode();
    void twoGatewaysShareAKey();
    void twoGatewaysNearTheLimit();
    void lateLeaseSpendsWhatWasLeft();
    void scriptCacheFlushed();
    void fallsBackWhileRedisIsDown();

private:
    RedisServer m_redis;
};

void TestRateLimit::initTestCase()
{
    QVERIFY2(m_redis.start(), qPrintable(m_redis.error()));
    qInfo("lease fraction %.3f: at most ~1.5 leases per node per window unused",
          DistributedLimiterOptions{}.leaseFraction);
}

void TestRateLimit::init()
{
    if (!m_redis.running())
        QVERIFY(m_redis.restart());
    m_redis.command({"FLUSHALL"});
}

void TestRateLimit::tykRateAsWindow()
{
    QCOMPARE(rateWindow(100000, 1).limit, 100000ULL);
    QCOMPARE(rateWindow(100000, 1).periodMs, 1000LL);
    QCOMPARE(rateWindow(10.7, 60).limit, 10ULL);
    QCOMPARE(rateWindow(0.5, 1).limit, 1ULL); // one per two seconds
    QCOMPARE(rateWindow(0.5, 1).periodMs, 2000LL);
    QVERIFY(!rateWindow(0, 1).enabled());
    QVERIFY(!rateWindow(10, 0).enabled());
    QVERIFY(!rateWindow(-1, -1).enabled());
    QVERIFY(!quotaWindow(-1, 3600).enabled());
    QVERIFY(!quotaWindow(0, 3600).enabled());
    QCOMPARE(quotaWindow(100, 3600).periodMs, 3'600'000LL);
    QVERIFY(quotaWindow(100, -1).periodMs > 3'000'000'000'000LL); // never renews
}

void TestRateLimit::localExactUnderFourThreads()
{
    ManualClock clock;
    LocalWindowLimiter limiter(clock, LocalWindowLimiter::TimeBase::Steady);
    const WindowSpec spec{1000, 1000};
    for (int window = 0; window < 5; ++window) {
        std::atomic<std::uint64_t> admitted{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 5000; ++i)
                    if (limiter.hit("key", spec).allowed)
                        admitted.fetch_add(1);
            });
        for (std::thread& t : threads)
            t.join();
        QCOMPARE(admitted.load(), 1000ULL);
        clock.advanceMs(1000);
    }
}

void TestRateLimit::localContention()
{
    const SystemClock& clock = SystemClock::instance();
    const WindowSpec spec{1'000'000'000, 1000};
    const auto measure = [&](int threads, bool sameKey) {
        LocalWindowLimiter limiter(clock, LocalWindowLimiter::TimeBase::Steady);
        constexpr int kHits = 400'000;
        const auto start = SteadyClock::now();
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                const std::string key = sameKey ? "shared" : "key-" + std::to_string(t);
                for (int i = 0; i < kHits / threads; ++i)
                    limiter.hit(key, spec);
            });
        for (std::thread& t : pool)
            t.join();
        const double ns =
            std::chrono::duration<double, std::nano>(SteadyClock::now() - start).count();
        return ns / kHits;
    };
    const double one = measure(1, true);
    const double fourShared = measure(4, true);
    const double fourDistinct = measure(4, false);
    qInfo("local limiter, ns per hit (wall / all hits): 1 thread %.0f; 4 threads one key %.0f; "
          "4 threads distinct keys %.0f (%u cores)",
          one, fourShared, fourDistinct, std::thread::hardware_concurrency());
    QVERIFY(one > 0);
}

void TestRateLimit::localSweepsOldWindows()
{
    ManualClock clock;
    LocalWindowLimiter limiter(clock, LocalWindowLimiter::TimeBase::Steady);
    // (Keys built with += : GCC 12 warns falsely on "literal" + std::string here.)
    const auto name = [](char prefix, int i) {
        std::string key(1, prefix);
        key += std::to_string(i);
        return key;
    };
    for (int i = 0; i < 100'000; ++i)
        limiter.hit(name('k', i), WindowSpec{1, 1000});
    clock.advanceMs(2000);
    for (int i = 0; i < 100'000; ++i)
        limiter.hit(name('n', i), WindowSpec{1, 1000});
    // Expired counters were dropped as the table grew: far fewer than 200,000 remain.
    QVERIFY2(limiter.size() < 150'000, std::to_string(limiter.size()).c_str());
    QVERIFY(!limiter.usage("k1").has_value() || limiter.usage("k1")->used == 0);
}

void TestRateLimit::distributedExactOnOneNode()
{
    Node node(m_redis, "one");
    QVERIFY(node.client.waitUntilUp(2s));
    const WindowSpec spec{1000, 20'000}; // one long window for the whole test
    std::atomic<std::uint64_t> admitted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            boost::asio::io_context io;
            for (int i = 0; i < 3000; ++i)
                if (hitOnce(node.limiter, "exact", spec, io))
                    admitted.fetch_add(1);
        });
    for (std::thread& t : threads)
        t.join();
    QCOMPARE(admitted.load(), 1000ULL);
    QCOMPARE(m_redis.command({"GET", "gb-rate-exact"}).str, std::string("1000"));
    const auto s = node.limiter.stats();
    qInfo("one node, limit 1000: %llu leases (Redis round trips), %llu waits",
          static_cast<unsigned long long>(s.leases), static_cast<unsigned long long>(s.waits));
    QVERIFY(s.leases < 1000 / 2); // batched, not one round trip per request

    // A high limit costs about one round trip per lease, and (prefetching) hardly any waits.
    const WindowSpec high{10'000'000, 60'000};
    boost::asio::io_context io;
    const auto before = node.limiter.stats();
    const auto t0 = SteadyClock::now();
    constexpr int kHits = 200'000;
    for (int i = 0; i < kHits; ++i)
        hitOnce(node.limiter, "fast", high, io);
    const double ns =
        std::chrono::duration<double, std::nano>(SteadyClock::now() - t0).count() / kHits;
    const auto after = node.limiter.stats();
    qInfo("limit 10M/min: %.0f ns per hit, %llu leases and %llu waits for %d hits", ns,
          static_cast<unsigned long long>(after.leases - before.leases),
          static_cast<unsigned long long>(after.waits - before.waits), kHits);
    QVERIFY(after.waits - before.waits < 50);
}

void TestRateLimit::twoGatewaysShareAKey()
{
    // The case: 1000 per 1 s, offered 5000 rps for 10 s by two gateways. The run lasts
    // 9.95 s so it spans exactly 10 windows (each starts with the first hit after the previous
    // one ended): the exact answer is 10,000.
    Node a(m_redis, "gateway-a");
    Node b(m_redis, "gateway-b");
    QVERIFY(a.client.waitUntilUp(2s));
    QVERIFY(b.client.waitUntilUp(2s));
    const WindowSpec spec{1000, 1000};
    std::uint64_t offered = 0;
    const std::uint64_t admitted = offer({&a, &b}, 2, 1250.0, 9950ms, "shared", spec, &offered);
    const double accuracy = static_cast<double>(admitted) / 10'000.0;
    qInfo("two gateways, 1000/s, offered %llu in 9.95 s: admitted %llu = %.2f %% of 10,000 "
          "(leases %llu + %llu, waits %llu + %llu)",
          static_cast<unsigned long long>(offered), static_cast<unsigned long long>(admitted),
          accuracy * 100, static_cast<unsigned long long>(a.limiter.stats().leases),
          static_cast<unsigned long long>(b.limiter.stats().leases),
          static_cast<unsigned long long>(a.limiter.stats().waits),
          static_cast<unsigned long long>(b.limiter.stats().waits));
    QVERIFY(offered > 40'000);
    QVERIFY(accuracy >= 0.98);
    // Exact while every lease comes within the 5 ms budget. On two busy cores (two limiters,
    // Redis and four load threads here, the other tests beside) a lease is sometimes late: the
    // node then decides without it (lateLeaseSpendsWhatWasLeft) and may admit a few more near a
    // window's end, within the issue's ±2 %.
    const std::uint64_t withoutLease = a.limiter.stats().fallbacks + b.limiter.stats().fallbacks;
    qInfo("decided without a lease: %llu", static_cast<unsigned long long>(withoutLease));
    QVERIFY(admitted <= (withoutLease == 0 ? 10'000 : 10'200));
}

void TestRateLimit::twoGatewaysNearTheLimit()
{
    // Offered just above the limit (1100 rps for a 1000/s limit over 3 windows): unused lease
    // tokens at window ends are where a lease scheme loses accuracy.
    Node a(m_redis, "gateway-a");
    Node b(m_redis, "gateway-b");
    QVERIFY(a.client.waitUntilUp(2s));
    QVERIFY(b.client.waitUntilUp(2s));
    const WindowSpec spec{1000, 1000};
    std::uint64_t offered = 0;
    const std::uint64_t admitted = offer({&a, &b}, 1, 550.0, 2950ms, "near", spec, &offered);
    const double accuracy = static_cast<double>(admitted) / 3000.0;
    qInfo("two gateways, 1000/s, offered %llu in 2.95 s: admitted %llu = %.2f %% of 3,000",
          static_cast<unsigned long long>(offered), static_cast<unsigned long long>(admitted),
          accuracy * 100);
    const std::uint64_t withoutLease = a.limiter.stats().fallbacks + b.limiter.stats().fallbacks;
    QVERIFY(admitted <= (withoutLease == 0 ? 3000 : 3060));
    QVERIFY(accuracy >= 0.98);
}

void TestRateLimit::lateLeaseSpendsWhatWasLeft()
{
    // Gateway b talks to Redis directly, gateway a through a proxy that holds every answer
    // 40 ms: each of a's leases is late (the budget is 5 ms). b takes 90 of 100; a's late
    // decisions may spend only the 100 - 91 its grant said were left, and pay for them with
    // its next grants, so Redis's counter ends at exactly 100 and b then finds the window used.
    DelayingProxy slowPath(m_redis.port(), 40ms);
    QVERIFY(slowPath.port() != 0);
    Node a(slowPath.port(), "gateway-a");
    Node b(m_redis, "gateway-b");
    QVERIFY(a.client.waitUntilUp(2s));
    QVERIFY(b.client.waitUntilUp(2s));
    const WindowSpec spec{100, 60'000};
    boost::asio::io_context io;
    int admittedB = 0;
    for (int i = 0; i < 90; ++i)
        admittedB += hitOnce(b.limiter, "late", spec, io) ? 1 : 0;
    QCOMPARE(admittedB, 90);
    QVERIFY(hitOnce(a.limiter, "late", spec, io)); // waits the 40 ms for its lease: used 91

    int admittedA = 0, decided = 0;
    const auto t0 = SteadyClock::now();
    for (int i = 0; i < 60; ++i) {
        WindowDecision d;
        if (a.limiter.hit("late", spec, d, io, [&](WindowDecision x) {
                ++decided;
                admittedA += x.allowed ? 1 : 0;
            })) {
            ++decided;
            admittedA += d.allowed ? 1 : 0;
        }
        io.poll();
        io.restart();
        std::this_thread::sleep_for(1ms);
    }
    QVERIFY(runUntil(
        io, [&] { return decided == 60; }, 5s));
    qInfo(
        "late leases: a admitted %d of 60 in %lld ms, %llu decided without a lease", admittedA,
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t0).count()),
        static_cast<unsigned long long>(a.limiter.stats().fallbacks));
    QVERIFY(a.limiter.stats().fallbacks > 0);
    QCOMPARE(admittedA, 9); // what was left, no more
    // Paid for: the shared counter holds every admission, so b is refused from now on.
    QVERIFY(runUntil(
        io,
        [&] {
            return m_redis.command({"GET", "gb-rate-late"}).str == "100";
        },
        3s));
    for (int i = 0; i < 5; ++i)
        QVERIFY(!hitOnce(b.limiter, "late", spec, io));
}

void TestRateLimit::scriptCacheFlushed()
{
    Node node(m_redis, "one");
    QVERIFY(node.client.waitUntilUp(2s));
    boost::asio::io_context io;
    const WindowSpec spec{5, 60'000};
    QVERIFY(hitOnce(node.limiter, "flush", spec, io));
    m_redis.command({"SCRIPT", "FLUSH"});
    m_redis.command({"DEL", "gb-rate-flush"});
    // The lease in hand is dropped with its counter, so the next hit needs the script again.
    node.limiter.reset("flush", [](bool) {});
    int admitted = 0;
    for (int i = 0; i < 10; ++i)
        admitted += hitOnce(node.limiter, "flush", spec, io) ? 1 : 0;
    QCOMPARE(admitted, 5);
    QCOMPARE(m_redis.command({"GET", "gb-rate-flush"}).str, std::string("5"));
    const long long ttl = m_redis.command({"PTTL", "gb-rate-flush"}).integer;
    QVERIFY(ttl > 0 && ttl <= 60'000);
}

void TestRateLimit::fallsBackWhileRedisIsDown()
{
    Node node(m_redis, "one");
    QVERIFY(node.client.waitUntilUp(2s));
    m_redis.kill();
    const auto end = SteadyClock::now() + 2s;
    while (node.client.isUp() && SteadyClock::now() < end)
        std::this_thread::sleep_for(5ms);
    QVERIFY(!node.client.isUp());
    boost::asio::io_context io;
    const WindowSpec spec{3, 60'000};
    int admitted = 0;
    const auto t0 = SteadyClock::now();
    for (int i = 0; i < 10; ++i)
        admitted += hitOnce(node.limiter, "down", spec, io) ? 1 : 0;
    QVERIFY(SteadyClock::now() - t0 < 100ms); // decided locally, at once
    QCOMPARE(admitted, 3);                    // this node enforces the whole limit alone
    QVERIFY(node.limiter.stats().fallbacks >= 10);
    // Back up: the first grant pays for the three admitted meanwhile, so the shared counter
    // holds them and the window stays used.
    QVERIFY(m_redis.restart());
    QVERIFY(node.client.waitUntilUp(3s));
    QVERIFY(!hitOnce(node.limiter, "down", spec, io));
    QCOMPARE(m_redis.command({"GET", "gb-rate-down"}).str, std::string("3"));
}

QTEST_GUILESS_MAIN(TestRateLimit)
#include "tst_rate_limit.moc"
