// Running the load engine in a test: one bounded run with a watchdog, and what it measured.
#include "support/engine_run.h"

#include "engine/url.h"
#include "support/test_server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace gb::test {

using namespace engine;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Outcome runEngine(const LoadConfig& config, std::chrono::milliseconds limit, std::FILE* csv)
{
    LoadEngine engine(config);
    if (csv != nullptr)
        engine.setCsvOutput(csv);
    Outcome o;
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::atomic<bool> fired{false};
    std::thread watchdog([&] {
        std::unique_lock lock(mutex);
        if (!cv.wait_for(lock, limit, [&] { return done; })) {
            fired = true;
            engine.stop();
        }
    });
    const auto start = Clock::now();
    o.result = engine.run([&](const Snapshot& s) { o.snapshots.push_back(s); });
    o.wallS = std::chrono::duration<double>(Clock::now() - start).count();
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    cv.notify_all();
    watchdog.join();
    o.watchdogFired = fired;
    return o;
}

LoadConfig configFor(const TestServer& server, const std::string& path, int connections,
                     std::uint64_t requests, int threads)
{
    LoadConfig c;
    c.request.url = std::get<Url>(parseUrl(server.url(path)));
    c.connections = connections;
    c.requests = requests;
    c.threads = threads;
    c.timeout = 5s;
    return c;
}

std::uint64_t errorsOf(const RunResult& r, ErrorClass c)
{
    return r.totals.errors[std::size_t(c)];
}

QByteArray describe(const Outcome& o)
{
    const IntervalStats& t = o.result.totals;
    QByteArray s = "completed=" + QByteArray::number(qulonglong(t.completed)) +
                   " sent=" + QByteArray::number(qulonglong(t.sent)) +
                   " unfinished=" + QByteArray::number(qulonglong(o.result.unfinished)) +
                   " wall=" + QByteArray::number(o.wallS, 'f', 3) + "s";
    for (std::size_t i = 0; i < t.errors.size(); ++i)
        if (t.errors[i] != 0)
            s += " " + QByteArray::fromStdString(std::string(errorClassName(ErrorClass(i)))) + "=" +
                 QByteArray::number(qulonglong(t.errors[i])) + " (" +
                 QByteArray::fromStdString(t.errorSamples[i]) + ")";
    if (o.watchdogFired)
        s += " WATCHDOG FIRED";
    if (!o.result.fatalError.empty())
        s += " fatal: " + QByteArray::fromStdString(o.result.fatalError);
    return s;
}

} // namespace gb::test
