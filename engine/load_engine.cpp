#include "engine/load_engine.h"

#include "engine/worker.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <sched.h>
#include <thread>

namespace gb::engine {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

LatencySummary LatencySummary::from(const Histogram& h)
{
    auto ms = [](double ns) { return ns / 1e6; };
    LatencySummary s;
    if (h.empty())
        return s;
    s.min = ms(double(h.min()));
    s.mean = ms(h.mean());
    s.p50 = ms(double(h.valueAtPercentile(50)));
    s.p90 = ms(double(h.valueAtPercentile(90)));
    s.p95 = ms(double(h.valueAtPercentile(95)));
    s.p99 = ms(double(h.valueAtPercentile(99)));
    s.p999 = ms(double(h.valueAtPercentile(99.9)));
    s.max = ms(double(h.max()));
    return s;
}

struct LoadEngine::Impl
{
    explicit Impl(LoadConfig c)
        : config(std::move(c))
    {}

    LoadConfig config;
    std::FILE* csvOut = nullptr;
    asio::io_context io{1};
    asio::steady_timer tick{io};
    // Keeps run() going while replies from the workers are in transit and no timer is armed.
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::atomic<bool> stopRequested{false};
    bool finishing = false;

    RunResult run(const SnapshotHandler& onSnapshot);
    void scheduleTick();
    void collect(bool final);
    void onCollected(const IntervalStats& stats, std::int64_t inFlight, bool final);
    void emit(bool final);
    void finish(bool interrupted);

    // Run state, touched only on the coordinator thread.
    std::vector<std::unique_ptr<Worker>> workers;
    std::unique_ptr<RateSchedule> schedule;
    SnapshotHandler handler;
    RunResult result;
    Clock::time_point start;
    Nanos end{0}; // planned end (0: none)
    Nanos lastTick{0};
    int pendingReplies = 0;
    int finishedWorkers = 0;
    std::int64_t inFlight = 0;
    IntervalStats interval;
    int snapshotIndex = 0;
    std::uint64_t measuredRequests = 0;
    std::uint64_t measuredErrors = 0;
};

int LoadEngine::effectiveThreads(const LoadConfig& config)
{
    int n = config.threads;
    if (n <= 0) {
        cpu_set_t set;
        n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                        : int(std::thread::hardware_concurrency());
    }
    n = std::clamp(n, 1, std::max(1, config.connections));
    // A worker's share of -n must not be 0: to a worker, a budget of 0 means "no limit".
    if (config.requests > 0 && config.requests < std::uint64_t(n))
        n = int(config.requests);
    return n;
}

LoadEngine::LoadEngine(LoadConfig config)
    : m_impl(std::make_unique<Impl>(std::move(config)))
{}
LoadEngine::~LoadEngine() = default;

void LoadEngine::setCsvOutput(std::FILE* out)
{
    m_impl->csvOut = out;
}

RunResult LoadEngine::run(const SnapshotHandler& onSnapshot)
{
    return m_impl->run(onSnapshot);
}

void LoadEngine::stop()
{
    m_impl->stopRequested = true;
    asio::post(m_impl->io, [impl = m_impl.get()] { impl->finish(true); });
}

RunResult LoadEngine::Impl::run(const SnapshotHandler& onSnapshot)
{
    handler = onSnapshot;
    result.config = config;
    const Url& url = config.request.url;

    error_code ec;
    asio::ip::tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec || endpoints.empty()) {
        result.fatalError =
            "cannot resolve host \"" + url.host + "\": " + (ec ? ec.message() : "no address");
        return result;
    }
    std::unique_ptr<asio::ssl::context> tls;
    if (url.tls()) {
        // Like hey, certificates are not verified: load tests usually target self-signed setups.
        tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
        tls->set_verify_mode(asio::ssl::verify_none);
    }
    const std::string requestBytes = serializeRequest(config.request);
    if (config.model() == LoadModel::OpenLoop)
        schedule = std::make_unique<RateSchedule>(config.totalRate, config.stages);
    CsvSink csv(csvOut);
    if (csvOut != nullptr)
        std::fputs("response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-"
                   "code,offset\n",
                   csvOut);

    end = config.duration;
    if (end.count() == 0 && config.requests == 0)
        end = schedule && schedule->length().count() > 0 ? schedule->length() + config.warmup
                                                         : Nanos(0);

    const int threads = LoadEngine::effectiveThreads(config);
    start = Clock::now();
    for (int i = 0; i < threads; ++i) {
        WorkerPlan plan;
        plan.config = &config;
        plan.requestBytes = &requestBytes;
        plan.endpoint = *endpoints.begin();
        plan.tls = tls.get();
        plan.schedule = schedule.get();
        plan.csv = csvOut != nullptr ? &csv : nullptr;
        plan.start = start;
        plan.index = i;
        plan.threadCount = threads;
        plan.connections =
            config.connections / threads + (i < config.connections % threads ? 1 : 0);
        if (config.requests > 0)
            plan.budget =
                config.requests / threads + (std::uint64_t(i) < config.requests % threads ? 1 : 0);
        workers.push_back(std::make_unique<Worker>(plan, [this] {
            asio::post(io, [this] {
                if (++finishedWorkers == int(workers.size()))
                    finish(false);
            });
        }));
    }
    std::vector<std::thread> threadsRunning;
    for (auto& w : workers)
        threadsRunning.emplace_back([&w] { w->run(); });

    if (stopRequested)
        finish(true);
    else
        scheduleTick();
    io.run();
    for (auto& t : threadsRunning)
        t.join();
    if (csvOut != nullptr)
        std::fflush(csvOut);
    return result;
}

void LoadEngine::Impl::scheduleTick()
{
    // Ticks fall on multiples of the interval, with one extra at the end of warm-up and one at
    // the planned end, so no interval straddles either boundary.
    Nanos next = lastTick + config.interval;
    if (config.warmup > lastTick && config.warmup < next)
        next = config.warmup;
    if (end.count() > 0 && end < next)
        next = end;
    tick.expires_at(start + next);
    tick.async_wait([this](const error_code& ec) {
        if (ec || finishing)
            return;
        const bool atEnd = end.count() > 0 && Clock::now() - start >= end;
        if (atEnd)
            finish(false);
        else
            collect(false);
    });
}

void LoadEngine::Impl::collect(bool final)
{
    pendingReplies = int(workers.size());
    inFlight = 0;
    for (auto& w : workers) {
        auto reply = [this, final](std::unique_ptr<IntervalStats> stats, std::int64_t n, bool) {
            // Runs on the worker's thread: hand the stats over to the coordinator thread.
            // (shared_ptr because asio handlers must be copyable.)
            asio::post(io, [this, final, n, s = std::shared_ptr<IntervalStats>(std::move(stats))] {
                onCollected(*s, n, final);
            });
        };
        if (final)
            w->stop(reply);
        else
            w->collect(reply);
    }
}

void LoadEngine::Impl::onCollected(const IntervalStats& stats, std::int64_t n, bool final)
{
    interval.merge(stats);
    inFlight += n;
    if (--pendingReplies > 0)
        return;
    emit(final);
    if (final) {
        result.unfinished = std::uint64_t(inFlight);
        work.reset();
    } else if (finishing) {
        collect(true);
    } else {
        scheduleTick();
    }
}

void LoadEngine::Impl::emit(bool final)
{
    const Nanos now = std::chrono::duration_cast<Nanos>(Clock::now() - start);
    const Nanos from = lastTick;
    lastTick = now;
    // A tick falls on the end of warm-up, so an interval that began before it ends there.
    const bool warmup = from < config.warmup;
    const double seconds = double((now - from).count()) * 1e-9;

    Snapshot s;
    s.index = snapshotIndex++;
    s.elapsedS = double(now.count()) * 1e-9;
    result.elapsedS = s.elapsedS;
    s.intervalS = seconds;
    s.warmup = warmup;
    s.requests = interval.completed;
    s.rps = seconds > 0 ? double(interval.completed) / seconds : 0;
    if (schedule && seconds > 0)
        s.targetRps = (schedule->expectedCount(now) - schedule->expectedCount(from)) / seconds;
    s.lateSends = interval.lateSends;
    s.inFlight = final ? 0 : inFlight;
    s.errors = interval.errorTotal();
    for (std::size_t i = 0; i < interval.errors.size(); ++i)
        if (interval.errors[i] != 0)
            s.errorsByClass[std::string(errorClassName(ErrorClass(i)))] = interval.errors[i];
    for (int code = 0; code < IntervalStats::kStatusSlots; ++code)
        if (interval.statusCodes[std::size_t(code)] != 0)
            s.statusCodes[code] = interval.statusCodes[std::size_t(code)];
    s.latency = LatencySummary::from(interval.latency);
    s.histogram = interval.latency.serialize();
    if (schedule) {
        s.service = LatencySummary::from(interval.service);
        s.serviceHistogram = interval.service.serialize();
    }
    if (!warmup) {
        result.totals.merge(interval);
        result.durationS += seconds;
        result.targetRequests += s.targetRps * seconds;
        measuredRequests += interval.completed;
        measuredErrors += s.errors;
    }
    s.totalRequests = measuredRequests;
    s.totalErrors = measuredErrors;
    interval = IntervalStats{};
    if (handler && (seconds > 0 || !final))
        handler(s);
}

void LoadEngine::Impl::finish(bool interrupted)
{
    if (finishing)
        return;
    finishing = true;
    result.interrupted = interrupted;
    tick.cancel();
    // While a tick's collection is under way, onCollected() starts the final one when it lands.
    if (pendingReplies == 0)
        collect(true);
}

} // namespace gb::engine
