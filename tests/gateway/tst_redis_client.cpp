// RedisClient against a real redis-server: commands and pipelines (replies larger than one
// socket read), failing fast while down, recovery after a restart, a frozen server answered by
// the timeout, AUTH, concurrent callers through a kill, and stop() with commands in flight.

#include "gateway/storage/redis_client.h"
#include "support/redis_fixture.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace gb::gateway;
using gb::test::RedisServer;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

/// Waits for one completion, bounded.
class Waiter
{
public:
    RedisClient::Callback callback()
    {
        return [this](RedisResult r) {
            std::lock_guard lock(m_mutex);
            m_result = std::move(r);
            m_done = true;
            m_cv.notify_all();
        };
    }
    bool wait(std::chrono::milliseconds limit = 5s)
    {
        std::unique_lock lock(m_mutex);
        return m_cv.wait_for(lock, limit, [this] { return m_done; });
    }
    RedisResult result;
    const RedisResult& get()
    {
        std::lock_guard lock(m_mutex);
        return m_result;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
    RedisResult m_result;
};

RedisResult run(RedisClient& client, RedisClient::Command command)
{
    Waiter w;
    client.submit(std::move(command), w.callback());
    if (!w.wait())
        return RedisResult{RedisStatus::Timeout, {}};
    return w.get();
}

RedisOptions optionsFor(const RedisServer& server, std::chrono::milliseconds timeout = 1000ms)
{
    RedisOptions o;
    o.name = "test";
    o.host = "127.0.0.1";
    o.port = server.port();
    o.timeout = timeout;
    o.connectTimeout = std::min<std::chrono::milliseconds>(timeout, 500ms);
    o.log = false;
    return o;
}

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

} // namespace

class TestRedisClient : public QObject
{
    Q_OBJECT

private slots:
    void commandsAndPipelines();
    void failsFastWhileDownAndRecovers();
    void frozenServerTimesOut();
    void authAndDatabase();
    void concurrentCallersThroughKill();
    void stopFailsPending();
};

void TestRedisClient::commandsAndPipelines()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisClient client(optionsFor(server));
    client.start();
    QVERIFY(client.waitUntilUp(2s));

    QCOMPARE(run(client, {"SET", "a", "1"}).reply.str, std::string("OK"));
    QCOMPARE(run(client, {"INCR", "a"}).reply.integer, 2LL);
    QVERIFY(run(client, {"GET", "missing"}).reply.isNil());
    const RedisResult wrong = run(client, {"LPUSH", "a", "x"});
    QVERIFY(wrong.ok());
    QVERIFY(wrong.reply.isError()); // WRONGTYPE: Redis answered

    // A 1 MiB value and a 20,000-element reply: many socket reads for one answer.
    const std::string big(1 << 20, 'z');
    QVERIFY(run(client, {"SET", "big", big}).ok());
    QCOMPARE(run(client, {"GET", "big"}).reply.str.size(), big.size());
    std::vector<RedisClient::Command> pushes;
    for (int i = 0; i < 20; ++i) {
        RedisClient::Command c{"RPUSH", "list"};
        for (int j = 0; j < 1000; ++j)
            c.push_back("value-" + std::to_string(i * 1000 + j));
        pushes.push_back(std::move(c));
    }
    std::mutex m;
    std::condition_variable cv;
    std::vector<RedisResult> results;
    bool done = false;
    client.submitBatch(std::move(pushes), [&](std::vector<RedisResult> r) {
        std::lock_guard lock(m);
        results = std::move(r);
        done = true;
        cv.notify_all();
    });
    {
        std::unique_lock lock(m);
        QVERIFY(cv.wait_for(lock, 5s, [&] { return done; }));
    }
    QCOMPARE(results.size(), std::size_t(20));
    QCOMPARE(results.back().reply.integer, 20000LL);
    QCOMPARE(run(client, {"LRANGE", "list", "0", "-1"}).reply.elements.size(), std::size_t(20000));
    QVERIFY(client.health().commands >= 8);
    QCOMPARE(client.health().connects, 1ULL);
}

void TestRedisClient::failsFastWhileDownAndRecovers()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisClient client(optionsFor(server));
    client.start();
    QVERIFY(client.waitUntilUp(2s));

    server.kill();
    QVERIFY(waitFor([&] { return !client.isUp(); }, 2s));
    const auto t0 = SteadyClock::now();
    const RedisResult r = run(client, {"PING"});
    QCOMPARE(r.status, RedisStatus::Unavailable);
    QVERIFY(SteadyClock::now() - t0 < 50ms); // at once, not after the timeout
    QVERIFY(client.health().rejected >= 1);
    QCOMPARE(client.health().state, StorageState::Down);

    QVERIFY(server.restart());
    const auto restarted = SteadyClock::now();
    QVERIFY(waitFor([&] { return client.isUp(); }, 3s));
    const auto recovery = SteadyClock::now() - restarted;
    qInfo("recovered %lld ms after the restart",
          static_cast<long long>(
              std::chrono::duration_cast<std::chrono::milliseconds>(recovery).count()));
    QVERIFY(recovery < 1s);
    QCOMPARE(run(client, {"PING"}).reply.str, std::string("PONG"));
    QCOMPARE(client.health().connects, 2ULL);
    QCOMPARE(client.health().reconnects(), 1ULL);
    QVERIFY(client.health().disconnects >= 1);
}

void TestRedisClient::frozenServerTimesOut()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisClient client(optionsFor(server, 300ms));
    client.start();
    QVERIFY(client.waitUntilUp(2s));

    server.pause();
    const auto t0 = SteadyClock::now();
    const RedisResult r = run(client, {"PING"});
    const auto waited = SteadyClock::now() - t0;
    QCOMPARE(r.status, RedisStatus::Timeout);
    QVERIFY(waited >= 250ms);
    QVERIFY(waited < 400ms);
    // The connection is now presumed hung: later commands fail at once instead of waiting.
    const auto t1 = SteadyClock::now();
    QCOMPARE(run(client, {"PING"}).status, RedisStatus::Unavailable);
    QVERIFY(SteadyClock::now() - t1 < 50ms);
    QVERIFY(client.health().timeouts >= 1);

    server.resume();
    const auto resumed = SteadyClock::now();
    QVERIFY(waitFor([&] { return client.isUp(); }, 3s));
    QVERIFY(SteadyClock::now() - resumed < 1s);
    QCOMPARE(run(client, {"PING"}).reply.str, std::string("PONG"));
}

void TestRedisClient::authAndDatabase()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    QCOMPARE(server.command({"CONFIG", "SET", "requirepass", "s3cret"}).str, std::string("OK"));

    RedisOptions good = optionsFor(server);
    good.password = "s3cret";
    good.database = 3;
    RedisClient client(good);
    client.start();
    QVERIFY(client.waitUntilUp(2s));
    QVERIFY(run(client, {"SET", "in3", "x"}).ok());

    RedisOptions bad = optionsFor(server);
    bad.password = "wrong";
    RedisClient refused(bad);
    refused.start();
    QVERIFY(waitFor([&] { return refused.health().state == StorageState::Down; }, 2s));
    QVERIFY(!refused.isUp());
    QVERIFY2(refused.health().lastError.find("AUTH") != std::string::npos,
             refused.health().lastError.c_str());

    // SELECT ran: this connection works in database 3.
    const std::string info = run(client, {"CLIENT", "INFO"}).reply.str;
    QVERIFY2(info.find(" db=3 ") != std::string::npos, info.c_str());
    QVERIFY(run(client, {"CONFIG", "SET", "requirepass", ""}).ok());
    refused.stop();
    client.stop();
}

void TestRedisClient::concurrentCallersThroughKill()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    const auto timeout = 500ms;
    RedisClient client(optionsFor(server, timeout));
    client.start();
    QVERIFY(client.waitUntilUp(2s));

    std::atomic<bool> running{true};
    std::atomic<long long> calls{0}, ok{0}, failed{0}, lost{0}, worstMs{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            while (running.load()) {
                Waiter w;
                const auto start = SteadyClock::now();
                client.submit({"INCR", "counter-" + std::to_string(t)}, w.callback());
                if (!w.wait(5s)) {
                    ++lost; // a completion that never came
                    return;
                }
                const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    SteadyClock::now() - start)
                                    .count();
                long long prev = worstMs.load();
                while (ms > prev && !worstMs.compare_exchange_weak(prev, ms)) {
                }
                ++calls;
                if (w.get().ok()) {
                    ++ok;
                } else {
                    ++failed;
                    std::this_thread::sleep_for(100us); // failures are instant: do not spin
                }
            }
        });
    }
    std::this_thread::sleep_for(200ms);
    server.kill();
    std::this_thread::sleep_for(300ms);
    QVERIFY(server.restart());
    const auto restarted = SteadyClock::now();
    QVERIFY(waitFor([&] { return client.isUp(); }, 3s));
    QVERIFY(SteadyClock::now() - restarted < 1s);
    const long long okBefore = ok.load();
    QVERIFY(waitFor([&] { return ok.load() > okBefore + 100; }, 3s));
    running = false;
    for (std::thread& t : threads)
        t.join();
    qInfo("calls %lld ok %lld failed %lld worst %lld ms", calls.load(), ok.load(), failed.load(),
          worstMs.load());
    QCOMPARE(lost.load(), 0LL);
    QVERIFY(failed.load() > 0);
    QVERIFY(worstMs.load() <= timeout.count() + 100);
}

void TestRedisClient::stopFailsPending()
{
    RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    auto client = std::make_unique<RedisClient>(optionsFor(server, 2000ms));
    client->start();
    QVERIFY(client->waitUntilUp(2s));
    server.pause();
    Waiter w;
    client->submit({"PING"}, w.callback());
    std::this_thread::sleep_for(50ms);
    const auto t0 = SteadyClock::now();
    client->stop();
    QVERIFY(w.wait(1s));
    QCOMPARE(w.get().status, RedisStatus::Stopped);
    QVERIFY(SteadyClock::now() - t0 < 500ms);
    QCOMPARE(run(*client, {"PING"}).status, RedisStatus::Stopped);
    server.resume();
}

QTEST_GUILESS_MAIN(TestRedisClient)
#include "tst_redis_client.moc"
